"""Nothing twice: a new idea, a comment, a report or a bulk entry sent twice stores one.

Each form carries a one-time ``submission_key`` issued when it is rendered. Before this,
two identical ``POST /ideas/new/`` stored two ideas (and twenty at once stored twenty).
"""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections  # noqa: F401 - connection is read by skipif
from django.test import Client

from coproduce.foundation.core.errors import ServiceError
from coproduce.foundation.core.models import AuditEvent, SubmissionKey
from coproduce.foundation.core.testing import submission_key_of
from coproduce.understand.ideas.models import Area, Comment, CommentReport, Idea
from coproduce.understand.ideas.services import IdeaData, areas_ensure, idea_submit


def _idea_form(areas, **extra) -> dict:
    return {
        "title": "Evening club",
        "description": "Somewhere to go after 6pm.",
        "area": areas["millbrook"].pk,
        **extra,
    }


@pytest.mark.parametrize("signed_in", [True, False])
def test_sending_the_new_idea_form_twice_stores_one_idea_with_the_same_redirect(
    client, resident, areas, signed_in
):
    if signed_in:
        client.force_login(resident)
    key = submission_key_of(client.get("/ideas/new/"))
    first = client.post("/ideas/new/", _idea_form(areas, submission_key=key))
    second = client.post("/ideas/new/", _idea_form(areas, submission_key=key))
    assert first.status_code == second.status_code == 302
    assert first.url == second.url == f"/ideas/{Idea.objects.get().reference}/"
    assert Idea.objects.count() == 1
    assert AuditEvent.objects.filter(verb="ideas.idea.submitted").count() == 1


def test_a_new_render_gives_a_new_key_so_a_second_idea_is_still_possible(client, resident, areas):
    client.force_login(resident)
    keys = [submission_key_of(client.get("/ideas/new/")) for _ in range(2)]
    assert keys[0] != keys[1]
    for key in keys:
        assert client.post("/ideas/new/", _idea_form(areas, submission_key=key)).status_code == 302
    assert Idea.objects.count() == 2


def test_a_form_shown_again_after_an_error_keeps_its_key_and_stores_nothing_until_fixed(
    client, resident, areas
):
    client.force_login(resident)
    key = submission_key_of(client.get("/ideas/new/"))
    refused = client.post("/ideas/new/", _idea_form(areas, title="", submission_key=key))
    assert refused.status_code == 400
    assert submission_key_of(refused) == key
    assert not Idea.objects.exists() and not SubmissionKey.objects.exists()
    assert client.post("/ideas/new/", _idea_form(areas, submission_key=key)).status_code == 302
    assert Idea.objects.count() == 1


def test_another_persons_key_is_ignored_and_reveals_nothing(client, resident, areas):
    other = Client()
    other.force_login(resident)
    key = submission_key_of(other.get("/ideas/new/"))
    theirs = other.post("/ideas/new/", _idea_form(areas, title="Private plan", submission_key=key))
    first = Idea.objects.get()
    client.force_login(
        type(resident).objects.create_user(email="someone@example.com", password="x" * 16)
    )
    mine = client.post("/ideas/new/", _idea_form(areas, title="My own", submission_key=key))
    assert mine.status_code == 302 and mine.url != theirs.url
    assert Idea.objects.count() == 2
    assert Idea.objects.exclude(pk=first.pk).get().title == "My own"


def test_a_malformed_key_is_refused_with_a_code_and_nothing_is_stored(resident, areas):
    with pytest.raises(ServiceError) as refused:
        idea_submit(
            actor=resident,
            project=None,
            data=IdeaData(title="T", description="D", area_id=areas["millbrook"].pk),
            submission_key="<script>",
        )
    assert refused.value.code == "submission_key_invalid"
    assert not Idea.objects.exists()


def test_the_same_key_on_another_board_is_a_different_submission(
    resident, areas, published_project
):
    data = IdeaData(title="T", description="D", area_id=areas["millbrook"].pk)
    key = "k" * 40
    council = idea_submit(actor=resident, project=None, data=data, submission_key=key)
    project = idea_submit(actor=resident, project=published_project, data=data, submission_key=key)
    assert council.pk != project.pk


def test_a_comment_sent_twice_is_stored_once(client, resident, make_idea):
    idea = make_idea(actor=resident)
    client.force_login(resident)
    key = submission_key_of(client.get(f"/ideas/{idea.reference}/"))
    url = f"/ideas/{idea.reference}/comments/"
    responses = [client.post(url, {"body": "Yes please", "submission_key": key}) for _ in "12"]
    assert [r.status_code for r in responses] == [302, 302]
    assert responses[0].url == responses[1].url
    assert Comment.objects.filter(idea=idea).count() == 1


def test_an_anonymous_report_sent_twice_is_stored_once(client, resident, make_idea):
    idea = make_idea(actor=resident)
    comment = Comment.objects.create(idea=idea, author=resident, body="Rude words")
    url = f"/ideas/{idea.reference}/comments/{comment.pk}/report/"
    key = submission_key_of(client.get(url))
    responses = [client.post(url, {"reason": "Offensive", "submission_key": key}) for _ in "12"]
    assert [r.status_code for r in responses] == [302, 302]
    assert responses[0].url == responses[1].url
    assert CommentReport.objects.filter(comment=comment).count() == 1


def test_confirming_a_bulk_entry_twice_adds_the_ideas_once(client, commissioner, areas):
    client.force_login(commissioner)
    preview = client.post("/ideas/bulk/", {"step": "preview", "lines": "Walks\nBenches"})
    data = {
        "step": "confirm",
        "payload": preview.context["payload"],
        "submission_key": submission_key_of(preview),
    }
    responses = [client.post("/ideas/bulk/", data) for _ in "12"]
    assert [r.status_code for r in responses] == [302, 302]
    assert Idea.objects.count() == 2
    assert AuditEvent.objects.filter(verb="ideas.idea.entered").count() == 2


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    "connection.vendor != 'postgresql'", reason="needs real parallel connections (PostgreSQL)"
)
def test_twenty_identical_new_idea_posts_at_once_store_exactly_one(resident):
    areas_ensure()
    area = Area.objects.first()
    browser = Client()
    browser.force_login(resident)
    form = {
        "title": "Evening club",
        "description": "After 6pm",
        "area": area.pk,
        "submission_key": submission_key_of(browser.get("/ideas/new/")),
    }
    cookies = browser.cookies
    barrier = threading.Barrier(20)
    statuses: list[int] = []
    errors: list[BaseException] = []

    def post() -> None:
        try:
            mine = Client()
            mine.cookies = cookies
            barrier.wait()
            statuses.append(mine.post("/ideas/new/", form).status_code)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=post) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
    assert statuses == [302] * 20
    assert Idea.objects.count() == 1
    assert AuditEvent.objects.filter(verb="ideas.idea.submitted").count() == 1
