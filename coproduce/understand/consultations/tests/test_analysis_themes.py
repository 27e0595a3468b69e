"""Coding free-text answers into themes: add, rename, merge, tag and untag, with audit."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from coproduce.foundation.core.errors import NotFound, ServiceError
from coproduce.foundation.core.models import AuditEvent
from coproduce.understand.consultations.models import Answer, Theme
from coproduce.understand.consultations.services_analysis import (
    FindingData,
    answers_tag,
    answers_untag,
    finding_create,
    theme_create,
    theme_merge,
    theme_rename,
)

from .test_analysis_support import add_response, make_consultation, text_answer


@pytest.fixture
def consultation(commissioner, published_project):
    return make_consultation(actor=commissioner, project=published_project)


@pytest.fixture
def answers(consultation):
    texts = [
        "Evening clubs please",
        "The bus never comes",
        "More evening discos",
        "Same staff every day",
    ]
    return [text_answer(add_response(consultation, text=t)) for t in texts]


def _url(name, c, *args):
    return reverse(f"engagement_analysis:{name}", args=[c.reference, *args])


def test_commissioner_adds_renames_and_merges_themes_with_audit(
    commissioner, consultation, answers
):
    evenings = theme_create(actor=commissioner, consultation=consultation, name="  Evenings  ")
    discos = theme_create(actor=commissioner, consultation=consultation, name="Discos")
    answers_tag(
        actor=commissioner,
        consultation=consultation,
        theme_id=evenings.pk,
        answer_ids=[answers[0].pk],
    )
    answers_tag(
        actor=commissioner,
        consultation=consultation,
        theme_id=discos.pk,
        answer_ids=[answers[0].pk, answers[2].pk],
    )
    finding = finding_create(
        actor=commissioner, consultation=consultation, data=FindingData("x", theme_ids=[discos.pk])
    )
    theme_rename(actor=commissioner, theme=evenings, name="Evening activities")
    theme_merge(actor=commissioner, source=discos, target=evenings)
    evenings.refresh_from_db()
    assert evenings.name == "Evening activities"
    assert set(evenings.answers.values_list("pk", flat=True)) == {answers[0].pk, answers[2].pk}
    assert list(finding.themes.all()) == [evenings]
    assert not Theme.objects.filter(name="Discos").exists()
    verbs = list(
        AuditEvent.objects.filter(verb__startswith="engagement.theme").values_list(
            "verb", flat=True
        )
    )
    assert sorted(verbs) == [
        "engagement.theme.created",
        "engagement.theme.created",
        "engagement.theme.merged",
        "engagement.theme.renamed",
    ]
    merged = AuditEvent.objects.get(verb="engagement.theme.merged")
    assert merged.changes["answers_moved"] == 2
    assert merged.changes["merged"]["name"] == "Discos"


@pytest.mark.parametrize(
    ("name", "code"),
    [("", "required"), ("   ", "required"), ("x" * 121, "too_long"), ("evenings", "duplicate")],
)
def test_bad_theme_names_are_refused(commissioner, consultation, name, code):
    theme_create(actor=commissioner, consultation=consultation, name="Evenings")
    with pytest.raises(ServiceError) as exc:
        theme_create(actor=commissioner, consultation=consultation, name=name)
    assert exc.value.code == code
    assert Theme.objects.count() == 1


def test_a_theme_cannot_merge_into_itself_or_another_consultation(
    commissioner, consultation, published_project
):
    a = theme_create(actor=commissioner, consultation=consultation, name="A")
    other = make_consultation(actor=commissioner, project=published_project)
    b = theme_create(actor=commissioner, consultation=other, name="B")
    with pytest.raises(ServiceError, match="different theme") as exc:
        theme_merge(actor=commissioner, source=a, target=a)
    assert exc.value.code == "merge_into_self"
    with pytest.raises(ServiceError) as exc:
        theme_merge(actor=commissioner, source=a, target=b)
    assert exc.value.code == "other_consultation"
    assert Theme.objects.count() == 2


@pytest.mark.parametrize("who", ["finance", "resident"])
def test_only_commissioners_code_answers(request, commissioner, consultation, answers, who):
    theme = theme_create(actor=commissioner, consultation=consultation, name="A")
    with pytest.raises(NotFound):
        theme_create(actor=request.getfixturevalue(who), consultation=consultation, name="B")
    with pytest.raises(NotFound):
        answers_tag(
            actor=request.getfixturevalue(who),
            consultation=consultation,
            theme_id=theme.pk,
            answer_ids=[answers[0].pk],
        )


def test_bulk_tag_is_one_audit_event_with_the_count_and_untag_reverses_it(
    commissioner, consultation, answers
):
    theme = theme_create(actor=commissioner, consultation=consultation, name="Evenings")
    ids = [answers[0].pk, answers[2].pk]
    assert (
        answers_tag(
            actor=commissioner, consultation=consultation, theme_id=theme.pk, answer_ids=ids
        )
        == 2
    )
    assert (
        answers_tag(
            actor=commissioner, consultation=consultation, theme_id=theme.pk, answer_ids=ids
        )
        == 0
    )
    event = AuditEvent.objects.get(verb="engagement.answers.tagged")
    assert event.changes == {"count": 2, "answer_ids": ids}
    assert (
        answers_untag(
            actor=commissioner,
            consultation=consultation,
            theme_id=theme.pk,
            answer_ids=[answers[0].pk],
        )
        == 1
    )
    assert list(theme.answers.all()) == [answers[2]]
    assert AuditEvent.objects.get(verb="engagement.answers.untagged").changes["count"] == 1


def test_tagging_a_forged_answer_from_another_consultation_changes_nothing(
    client, commissioner, consultation, answers, published_project
):
    theme = theme_create(actor=commissioner, consultation=consultation, name="Evenings")
    other = make_consultation(actor=commissioner, project=published_project)
    stranger = text_answer(add_response(other, text="Not yours"))
    client.force_login(commissioner)
    events = AuditEvent.objects.count()
    response = client.post(
        _url("coding", consultation),
        {"action": "tag", "theme": theme.pk, "answers": [answers[0].pk, stranger.pk]},
    )
    assert response.status_code == 400
    assert "not in this consultation. Nothing was changed." in response.content.decode()
    assert Answer.themes.through.objects.count() == 0
    assert AuditEvent.objects.count() == events


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"action": "tag", "theme": "", "answers": ["ANSWER"]}, "Choose a theme"),
        ({"action": "tag", "theme": "THEME"}, "Select at least one answer"),
        ({"action": "tag", "theme": "THEME", "answers": ["abc"]}, "Choose answers from the list"),
        (
            {"action": "tag", "theme": "999999", "answers": ["ANSWER"]},
            "Choose a theme from this consultation",
        ),
    ],
)
def test_tagging_with_bad_input_says_what_is_wrong(
    client, commissioner, consultation, answers, data, message
):
    theme = theme_create(actor=commissioner, consultation=consultation, name="Evenings")
    data = {
        k: (
            [str(answers[0].pk) if v == "ANSWER" else v for v in val]
            if isinstance(val, list)
            else (str(theme.pk) if val == "THEME" else val)
        )
        for k, val in data.items()
    }
    client.force_login(commissioner)
    response = client.post(_url("coding", consultation), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert "There is a problem" in response.content.decode()
    assert Answer.themes.through.objects.count() == 0


def test_coding_page_tags_selected_answers_and_keeps_the_filters(
    client, commissioner, consultation, answers
):
    theme = theme_create(actor=commissioner, consultation=consultation, name="Evenings")
    client.force_login(commissioner)
    url = _url("coding", consultation) + "?q=evening"
    body = client.get(url).content.decode()
    assert "Evening clubs please" in body
    assert "More evening discos" in body
    assert "The bus never comes" not in body
    response = client.post(
        url, {"action": "tag", "theme": theme.pk, "answers": [answers[0].pk, answers[2].pk]}
    )
    assert response.status_code == 302
    assert response["Location"].endswith("?q=evening")
    assert "2 answers tagged." in client.get(response["Location"]).content.decode()
    untagged = client.get(_url("coding", consultation) + "?show=untagged").content.decode()
    assert "Evening clubs please" not in untagged
    assert "The bus never comes" in untagged
    tagged = client.get(
        _url("coding", consultation) + f"?show=theme&theme={theme.pk}"
    ).content.decode()
    assert "Evening clubs please" in tagged
    assert "Same staff every day" not in tagged


def test_coding_page_query_count_does_not_grow(client, commissioner, consultation, answers):
    theme = theme_create(actor=commissioner, consultation=consultation, name="Evenings")
    answers_tag(
        actor=commissioner,
        consultation=consultation,
        theme_id=theme.pk,
        answer_ids=[a.pk for a in answers],
    )
    client.force_login(commissioner)
    with CaptureQueriesContext(connection) as few:
        client.get(_url("coding", consultation))
    for i in range(15):
        a = text_answer(add_response(consultation, text=f"more {i}"))
        answers_tag(
            actor=commissioner, consultation=consultation, theme_id=theme.pk, answer_ids=[a.pk]
        )
    with CaptureQueriesContext(connection) as many:
        client.get(_url("coding", consultation))
    assert len(many) == len(few)


@pytest.mark.parametrize("who", [None, "resident", "finance"])
def test_coding_and_theme_changes_are_hidden_from_non_commissioners(
    client, request, commissioner, consultation, answers, who
):
    theme = theme_create(actor=commissioner, consultation=consultation, name="Evenings")
    if who:
        client.force_login(request.getfixturevalue(who))
    expected = 302 if who is None else 404
    for url in (
        _url("coding", consultation),
        _url("theme_edit", consultation, theme.pk),
        _url("theme_merge", consultation, theme.pk),
    ):
        assert client.get(url).status_code == expected
    assert client.post(_url("themes", consultation), {"name": "New"}).status_code == expected
    assert (
        client.post(
            _url("coding", consultation),
            {"action": "tag", "theme": theme.pk, "answers": [answers[0].pk]},
        ).status_code
        == expected
    )
    assert Theme.objects.count() == 1
    assert Answer.themes.through.objects.count() == 0


def test_theme_of_another_consultation_is_not_found_in_urls(
    client, commissioner, consultation, published_project
):
    other = make_consultation(actor=commissioner, project=published_project)
    theirs = theme_create(actor=commissioner, consultation=other, name="Theirs")
    client.force_login(commissioner)
    assert client.get(_url("theme_edit", consultation, theirs.pk)).status_code == 404


def test_theme_pages_through_the_forms(client, commissioner, consultation):
    client.force_login(commissioner)
    assert client.post(_url("themes", consultation), {"name": "Transport"}).status_code == 302
    assert client.post(_url("themes", consultation), {"name": "Staff"}).status_code == 302
    transport, staff = Theme.objects.get(name="Transport"), Theme.objects.get(name="Staff")
    response = client.post(_url("themes", consultation), {"name": "transport"})
    assert response.status_code == 400
    assert "already a theme called" in response.content.decode()
    response = client.post(_url("themes", consultation), {"name": ""})
    assert response.status_code == 400
    assert "Enter a name for the theme" in response.content.decode()
    response = client.post(_url("theme_edit", consultation, transport.pk), {"name": "Staff"})
    assert response.status_code == 400
    assert (
        client.post(
            _url("theme_edit", consultation, transport.pk), {"name": "Getting there"}
        ).status_code
        == 302
    )
    response = client.post(_url("theme_merge", consultation, staff.pk), {"target": staff.pk})
    assert response.status_code == 400
    assert "Choose a different theme to merge into" in response.content.decode()
    assert Theme.objects.count() == 2
    assert (
        client.post(
            _url("theme_merge", consultation, staff.pk), {"target": transport.pk}
        ).status_code
        == 302
    )
    assert list(Theme.objects.values_list("name", flat=True)) == ["Getting there"]
    body = client.get(_url("themes", consultation)).content.decode()
    assert "Getting there" in body
