"""Ideas pages: who sees what, clear errors with nothing saved, rate limits, query counts."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from coproduce.foundation.accounts.tests.factories import UserFactory
from coproduce.understand.ideas.models import Comment, CommentReport, Idea, Support
from coproduce.understand.ideas.services import (
    comment_add,
    comment_report,
    idea_change_status,
    idea_merge,
    idea_support,
)

STAFF_ONLY = ["resident", "provider", "finance"]


# --- Boards and idea pages -----------------------------------------------------------


def test_council_board_lists_ideas_and_links_to_published_project_boards(
    client, resident, make_idea, published_project, draft_project
):
    make_idea(actor=resident, title="More benches by the river")
    body = client.get("/ideas/").content.decode()
    assert "More benches by the river" in body
    assert f"/ideas/project/{published_project.reference}/" in body
    assert f"/ideas/project/{draft_project.reference}/" not in body


@pytest.mark.parametrize("who", [None, "resident", "provider"])
def test_a_draft_projects_board_and_ideas_are_not_found_for_the_public(
    client, request, who, commissioner, draft_project, make_idea
):
    idea = make_idea(actor=commissioner, project=draft_project)
    if who:
        client.force_login(request.getfixturevalue(who))
    for url in (
        f"/ideas/project/{draft_project.reference}/",
        f"/ideas/project/{draft_project.reference}/new/",
        f"/ideas/{idea.reference}/",
        f"/ideas/{idea.reference}/comments/1/report/",
    ):
        assert client.get(url).status_code == 404, url


@pytest.mark.parametrize("who", ["commissioner", "finance", "platform_admin"])
def test_council_staff_see_a_draft_projects_board(
    client, request, who, commissioner, draft_project, make_idea
):
    idea = make_idea(actor=commissioner, project=draft_project, title="Staff-only idea")
    client.force_login(request.getfixturevalue(who))
    body = client.get(f"/ideas/project/{draft_project.reference}/").content.decode()
    assert "Staff-only idea" in body
    assert "Draft project" in body
    assert client.get(f"/ideas/{idea.reference}/").status_code == 200


@pytest.mark.parametrize(
    "url", ["/ideas/ID-1999-0001/", "/ideas/project/CP-1999-0001/", "/ideas/not-a-ref/"]
)
def test_unknown_ideas_and_boards_are_not_found(client, db, url):
    assert client.get(url).status_code == 404


def test_idea_page_shows_support_count_status_and_reason(
    client, commissioner, resident, provider, make_idea
):
    idea = make_idea(actor=resident, title="Cooking club")
    idea_support(actor=resident, idea=idea)
    idea_support(actor=provider, idea=idea)
    idea_change_status(
        actor=commissioner,
        idea=idea,
        to_status="taken_forward",
        reason="It is in the specification.",
    )
    body = client.get(f"/ideas/{idea.reference}/").content.decode()
    assert "2 supporters" in body
    assert "Taken forward" in body
    assert "It is in the specification." in body
    assert "Sign in to support this idea" in body


def test_board_filters_by_status_and_area_and_sorts(
    client, commissioner, resident, provider, make_idea
):
    popular = make_idea(actor=resident, title="Popular idea", area="eastgate")
    make_idea(actor=resident, title="Newer idea", area="westholme")
    idea_support(actor=resident, idea=popular)
    idea_support(actor=provider, idea=popular)
    body = client.get("/ideas/").content.decode()
    assert body.index("Popular idea") < body.index("Newer idea")
    body = client.get("/ideas/?sort=newest").content.decode()
    assert body.index("Newer idea") < body.index("Popular idea")
    body = client.get("/ideas/?area=westholme").content.decode()
    assert "Newer idea" in body
    assert "Popular idea" not in body
    idea_change_status(actor=commissioner, idea=popular, to_status="taken_forward", reason="Yes")
    body = client.get("/ideas/?status=taken_forward").content.decode()
    assert "Popular idea" in body
    assert "Newer idea" not in body


def test_merged_ideas_leave_the_list_and_link_to_their_target(
    client, commissioner, resident, make_idea
):
    target = make_idea(actor=resident, title="Keep me")
    dup = make_idea(actor=resident, title="Duplicate of keep me")
    idea_merge(actor=commissioner, duplicate=dup, target_reference=target.reference)
    assert "Duplicate of keep me" not in client.get("/ideas/").content.decode()
    assert "Duplicate of keep me" in client.get("/ideas/?status=merged").content.decode()
    body = client.get(f"/ideas/{dup.reference}/").content.decode()
    assert f'href="/ideas/{target.reference}/"' in body
    assert "This idea was merged into" in body
    assert "Support this idea" not in body


@pytest.mark.parametrize(
    "url", ["/ideas/", "/ideas/project/{ref}/", "/ideas/?sort=newest&area=millbrook"]
)
def test_board_query_count_does_not_grow_with_ideas(
    client, resident, provider, make_idea, published_project, url
):
    url = url.format(ref=published_project.reference)
    project = published_project if "project" in url else None

    def add(n):
        for i in range(n):
            idea = make_idea(actor=resident, project=project, title=f"Idea {i}")
            idea_support(actor=provider, idea=idea)
            comment_add(actor=provider, idea=idea, body="Yes")

    add(2)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    add(20)
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(many) == len(few)


def test_idea_page_query_count_does_not_grow_with_comments(client, resident, provider, make_idea):
    idea = make_idea(actor=resident)
    comment_add(actor=provider, idea=idea, body="First")
    with CaptureQueriesContext(connection) as few:
        client.get(f"/ideas/{idea.reference}/")
    for i in range(15):
        comment_add(actor=UserFactory(), idea=idea, body=f"Comment {i}")
    with CaptureQueriesContext(connection) as many:
        client.get(f"/ideas/{idea.reference}/")
    assert len(many) == len(few)


# --- Submitting ----------------------------------------------------------------------


def _idea_form(areas, **change):
    return {
        "title": "Evening disco",
        "description": "Once a month, with a DJ.",
        "area": areas["northfield"].pk,
        **change,
    }


def test_signed_in_resident_submits_an_idea(client, resident, areas):
    client.force_login(resident)
    page = client.get("/ideas/new/").content.decode()
    assert "id_author_name" not in page
    response = client.post("/ideas/new/", _idea_form(areas))
    idea = Idea.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/ideas/{idea.reference}/"
    assert idea.author == resident
    assert idea.project is None


def test_anonymous_visitor_submits_to_a_project_board(client, published_project, areas):
    response = client.post(
        f"/ideas/project/{published_project.reference}/new/",
        _idea_form(areas, author_name="Jo", author_email=""),
    )
    assert response.status_code == 302
    idea = Idea.objects.get()
    assert idea.project == published_project
    assert idea.display_author == "Jo"


@pytest.mark.parametrize(
    ("change", "anchor", "message"),
    [
        ({"title": ""}, "id_title", "Enter a title for your idea"),
        ({"title": "x" * 201}, "id_title", "The title must be 200 characters or fewer"),
        ({"description": ""}, "id_description", "Enter a description of your idea"),
        ({"description": "x" * 5001}, "id_description", "5,000 characters or fewer"),
        ({"area": "999999"}, "id_area", "Choose the area your idea is about"),
        (
            {"author_email": "nope"},
            "id_author_email",
            "Enter an email address like name@example.com",
        ),
    ],
)
def test_bad_ideas_show_a_clear_message_and_save_nothing(client, areas, change, anchor, message):
    response = client.post("/ideas/new/", _idea_form(areas, **change))
    assert response.status_code == 400
    body = response.content.decode()
    assert "There is a problem" in body
    assert message in body
    assert f'href="#{anchor}"' in body
    assert not Idea.objects.exists()


def test_the_honeypot_stops_robots(client, areas):
    response = client.post("/ideas/new/", _idea_form(areas, website="http://spam.example"))
    assert response.status_code == 400
    assert "We could not accept this idea" in response.content.decode()
    assert not Idea.objects.exists()


def test_anonymous_submissions_are_rate_limited_per_address(client, areas, settings):
    settings.IDEAS_ANON_RATE = "2/h"
    for _ in range(2):
        assert client.post("/ideas/new/", _idea_form(areas)).status_code == 302
    response = client.post("/ideas/new/", _idea_form(areas))
    assert response.status_code == 429
    assert "Please try again later" in response.content.decode()
    assert Idea.objects.count() == 2
    other = client.post("/ideas/new/", _idea_form(areas), REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 302


def test_signed_in_people_are_not_rate_limited(client, resident, areas, settings):
    settings.IDEAS_ANON_RATE = "1/h"
    client.force_login(resident)
    for _ in range(3):
        assert client.post("/ideas/new/", _idea_form(areas)).status_code == 302


# --- Support and comments ------------------------------------------------------------


def test_anonymous_support_and_comment_go_to_sign_in(client, resident, make_idea):
    idea = make_idea(actor=resident)
    for url in (f"/ideas/{idea.reference}/support/", f"/ideas/{idea.reference}/comments/"):
        response = client.post(url, {"body": "Hi"})
        assert response.status_code == 302
        assert "/account/sign-in/" in response["Location"]
    assert not Support.objects.exists()
    assert not Comment.objects.exists()


def test_resident_supports_then_withdraws(client, resident, make_idea):
    idea = make_idea(actor=resident)
    client.force_login(resident)
    client.post(f"/ideas/{idea.reference}/support/", {"action": "support"})
    client.post(f"/ideas/{idea.reference}/support/", {"action": "support"})  # a double click
    assert Support.objects.count() == 1
    assert "You support this idea." in client.get(f"/ideas/{idea.reference}/").content.decode()
    client.post(f"/ideas/{idea.reference}/support/", {"action": "withdraw"})
    assert not Support.objects.exists()


def test_support_on_a_hidden_board_is_not_found(
    client, resident, commissioner, draft_project, make_idea
):
    idea = make_idea(actor=commissioner, project=draft_project)
    client.force_login(resident)
    assert client.post(f"/ideas/{idea.reference}/support/").status_code == 404
    assert client.post(f"/ideas/{idea.reference}/comments/", {"body": "x"}).status_code == 404
    assert not Support.objects.exists()
    assert not Comment.objects.exists()


@pytest.mark.parametrize(
    ("body", "message"),
    [("", "Enter your comment"), ("x" * 2001, "Your comment must be 2,000 characters or fewer")],
)
def test_bad_comments_are_explained_and_not_saved(client, resident, make_idea, body, message):
    idea = make_idea(actor=resident)
    client.force_login(resident)
    response = client.post(f"/ideas/{idea.reference}/comments/", {"body": body})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert 'href="#id_body"' in response.content.decode()
    assert not Comment.objects.exists()


def test_resident_comments(client, resident, make_idea):
    idea = make_idea(actor=resident)
    client.force_login(resident)
    response = client.post(f"/ideas/{idea.reference}/comments/", {"body": "Great idea"})
    assert response.status_code == 302
    assert "Great idea" in client.get(f"/ideas/{idea.reference}/").content.decode()


# --- Reporting -----------------------------------------------------------------------


def test_anyone_can_report_a_comment(client, resident, provider, make_idea):
    idea = make_idea(actor=resident)
    comment = comment_add(actor=provider, idea=idea, body="Rude words")
    url = f"/ideas/{idea.reference}/comments/{comment.pk}/report/"
    assert "Rude words" in client.get(url).content.decode()
    assert client.post(url, {"reason": "It is rude"}).status_code == 302
    assert CommentReport.objects.get().reporter is None


def test_a_report_needs_a_reason(client, resident, make_idea):
    idea = make_idea(actor=resident)
    comment = comment_add(actor=resident, idea=idea, body="Hi")
    response = client.post(
        f"/ideas/{idea.reference}/comments/{comment.pk}/report/", {"reason": " "}
    )
    assert response.status_code == 400
    assert "Tell us what is wrong with this comment" in response.content.decode()
    assert not CommentReport.objects.exists()


def test_a_forged_comment_id_is_not_found(client, resident, make_idea):
    idea = make_idea(actor=resident)
    other = make_idea(actor=resident, title="Other")
    comment = comment_add(actor=resident, idea=other, body="Hi")
    assert (
        client.post(
            f"/ideas/{idea.reference}/comments/{comment.pk}/report/", {"reason": "x"}
        ).status_code
        == 404
    )
    assert client.get(f"/ideas/{idea.reference}/comments/99999/report/").status_code == 404
    assert not CommentReport.objects.exists()


def test_anonymous_reports_are_rate_limited(client, resident, make_idea, settings):
    settings.IDEAS_ANON_RATE = "1/h"
    idea = make_idea(actor=resident)
    comment = comment_add(actor=resident, idea=idea, body="Hi")
    url = f"/ideas/{idea.reference}/comments/{comment.pk}/report/"
    assert client.post(url, {"reason": "x"}).status_code == 302
    assert client.post(url, {"reason": "y"}).status_code == 429
    assert CommentReport.objects.count() == 1


# --- Officers: decisions and merges --------------------------------------------------


@pytest.mark.parametrize("who", STAFF_ONLY)
def test_only_commissioners_reach_the_officer_pages(client, request, who, resident, make_idea):
    idea = make_idea(actor=resident)
    other = make_idea(actor=resident, title="Other")
    client.force_login(request.getfixturevalue(who))
    for url in (
        f"/ideas/{idea.reference}/status/",
        f"/ideas/{idea.reference}/merge/",
        "/ideas/bulk/",
        "/ideas/moderation/",
    ):
        assert client.get(url).status_code == 404, url
    assert (
        client.post(
            f"/ideas/{idea.reference}/status/", {"status": "taken_forward", "reason": "x"}
        ).status_code
        == 404
    )
    assert (
        client.post(f"/ideas/{idea.reference}/merge/", {"target": other.reference}).status_code
        == 404
    )
    assert client.post("/ideas/bulk/", {"step": "preview", "lines": "x"}).status_code == 404
    idea.refresh_from_db()
    assert idea.status == "open"
    assert Idea.objects.count() == 2


def test_anonymous_officer_pages_go_to_sign_in(client, resident, make_idea):
    idea = make_idea(actor=resident)
    for url in (
        f"/ideas/{idea.reference}/status/",
        f"/ideas/{idea.reference}/merge/",
        "/ideas/bulk/",
        "/ideas/moderation/",
        "/ideas/moderation/1/",
    ):
        response = client.get(url)
        assert response.status_code == 302, url
        assert "/account/sign-in/" in response["Location"], url


def test_commissioner_marks_an_idea_taken_forward(client, commissioner, resident, make_idea):
    idea = make_idea(actor=resident)
    client.force_login(commissioner)
    assert "Record a decision" in client.get(f"/ideas/{idea.reference}/").content.decode()
    response = client.post(
        f"/ideas/{idea.reference}/status/",
        {"status": "taken_forward", "reason": "We will fund it."},
    )
    assert response.status_code == 302
    idea.refresh_from_db()
    assert (idea.status, idea.status_reason, idea.status_changed_by) == (
        "taken_forward",
        "We will fund it.",
        commissioner,
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"status": "taken_forward", "reason": ""}, "Explain the decision"),
        ({"status": "taken_forward", "reason": "x" * 2001}, "2,000 characters or fewer"),
        ({"status": "merged", "reason": "forged"}, "Choose one of the decisions listed"),
        ({"reason": "no status"}, "Choose what has been decided"),
    ],
)
def test_bad_decisions_are_explained_and_change_nothing(
    client, commissioner, resident, make_idea, data, message
):
    idea = make_idea(actor=resident)
    client.force_login(commissioner)
    response = client.post(f"/ideas/{idea.reference}/status/", data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert "There is a problem" in response.content.decode()
    idea.refresh_from_db()
    assert idea.status == "open"
    assert idea.status_reason == ""


def test_commissioner_merges_a_duplicate(client, commissioner, resident, make_idea):
    target, dup = make_idea(actor=resident, title="Keep"), make_idea(actor=resident, title="Dup")
    client.force_login(commissioner)
    response = client.post(
        f"/ideas/{dup.reference}/merge/", {"target": target.reference, "reason": ""}
    )
    assert response.status_code == 302
    assert response["Location"] == f"/ideas/{target.reference}/"
    dup.refresh_from_db()
    assert dup.merged_into == target
    assert client.get(f"/ideas/{dup.reference}/merge/").status_code == 404  # already merged


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("itself", "An idea cannot be merged into itself"),
        ("merged", "was itself merged into another idea"),
        ("missing", "There is no idea ID-1999-0001 on this board"),
        ("empty", "Enter the reference of the idea to merge into"),
    ],
)
def test_bad_merges_are_explained_and_change_nothing(
    client, commissioner, resident, make_idea, case, message
):
    idea = make_idea(actor=resident)
    if case == "itself":
        target = idea.reference
    elif case == "merged":
        a, b = make_idea(actor=resident, title="A"), make_idea(actor=resident, title="B")
        idea_merge(actor=commissioner, duplicate=a, target_reference=b.reference)
        target = a.reference
    elif case == "missing":
        target = "ID-1999-0001"
    else:
        target = ""
    client.force_login(commissioner)
    response = client.post(f"/ideas/{idea.reference}/merge/", {"target": target})
    assert response.status_code == 400
    assert message in response.content.decode()
    idea.refresh_from_db()
    assert idea.status == "open"


# --- Officers: bulk entry ------------------------------------------------------------


def test_bulk_entry_previews_then_adds_the_ideas(client, commissioner, published_project, areas):
    client.force_login(commissioner)
    url = f"/ideas/project/{published_project.reference}/bulk/"
    lines = "\n".join(f"Idea {i}: Description {i}" for i in range(96))
    preview = client.post(
        url, {"step": "preview", "lines": lines, "event_name": "Kick-off workshop, 3 March"}
    )
    assert preview.status_code == 200
    body = preview.content.decode()
    assert "96 ideas will be added." in body
    assert "Add 96 ideas" in body
    assert not Idea.objects.exists()
    payload = preview.context["payload"]
    response = client.post(url, {"step": "confirm", "payload": payload})
    assert response.status_code == 302
    assert (
        Idea.objects.filter(
            project=published_project, source="paper", event_name="Kick-off workshop, 3 March"
        ).count()
        == 96
    )


def test_bulk_entry_from_a_csv_file(client, commissioner, areas):
    client.force_login(commissioner)
    data = b"title,description,area\nCooking club,Learn to cook,Millbrook\nQuiet room,,St Anne's\n"
    upload = SimpleUploadedFile("ideas.csv", data, content_type="text/csv")
    preview = client.post("/ideas/bulk/", {"step": "preview", "csv_file": upload})
    assert preview.status_code == 200
    client.post("/ideas/bulk/", {"step": "confirm", "payload": preview.context["payload"]})
    assert list(Idea.objects.order_by("reference").values_list("title", "area__slug")) == [
        ("Cooking club", "millbrook"),
        ("Quiet room", "st-annes"),
    ]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"lines": ""}, "Type at least one idea, or choose a CSV file"),
        ({"lines": "Fine: ok\n: no title\n" + "x" * 201}, "There are problems with 2 lines"),
        ({"lines": "x" * 200_001}, "200,000 characters or fewer"),
        ({"file": ("ideas.csv", b"name,notes\nA,B\n")}, "The first row must name the columns"),
        (
            {"file": ("ideas.csv", b"title,area\nGarden,Atlantis\n")},
            "Unknown area “Atlantis”",
        ),
        ({"file": ("ideas.csv", b"title\n\xff\xfe\x00bad")}, "saved as UTF-8"),
        ({"file": ("ideas.xlsx", b"title\nA\n")}, "The file must be a CSV file"),
        ({"file": ("ideas.csv", b"title\n" + b"a\n" * 600_000)}, "smaller than 1 MB"),
        ({"file": ("ideas.csv", b"title\n" + b"a\n" * 501)}, "up to 500 ideas"),
        ({"file": ("ideas.csv", b"title,description\nA,B,C\n")}, "more cells than the header"),
        ({"lines": "A", "file": ("ideas.csv", b"title\nA\n")}, "not both"),
    ],
)
def test_bad_bulk_entries_are_explained_and_nothing_is_saved(
    client, commissioner, areas, data, message
):
    client.force_login(commissioner)
    post = {"step": "preview", "lines": data.get("lines", "")}
    if "file" in data:
        name, content = data["file"]
        post["csv_file"] = SimpleUploadedFile(name, content, content_type="text/csv")
    response = client.post("/ideas/bulk/", post)
    assert response.status_code == 400
    body = response.content.decode()
    assert "There is a problem" in body
    assert message in body
    assert not Idea.objects.exists()


def test_a_tampered_bulk_payload_is_refused(client, commissioner, areas):
    client.force_login(commissioner)
    response = client.post("/ideas/bulk/", {"step": "confirm", "payload": "forged:payload"})
    assert response.status_code == 400
    assert "The preview has expired or was changed" in response.content.decode()
    assert not Idea.objects.exists()


def test_bulk_entry_on_a_hidden_board_is_not_found(client, commissioner, areas):
    client.force_login(commissioner)
    assert client.get("/ideas/project/CP-1999-0001/bulk/").status_code == 404


# --- Moderation ----------------------------------------------------------------------


def test_moderation_queue_lists_reported_comments_newest_first(
    client, commissioner, resident, provider, make_idea
):
    idea = make_idea(actor=resident)
    older = comment_add(actor=resident, idea=idea, body="Older comment")
    newer = comment_add(actor=resident, idea=idea, body="Newer comment")
    comment_add(actor=resident, idea=idea, body="Nobody minds this one")
    comment_report(actor=provider, comment=older, reason="Rude")
    comment_report(actor=provider, comment=newer, reason="Spam")
    client.force_login(commissioner)
    body = client.get("/ideas/moderation/").content.decode()
    assert body.index("Newer comment") < body.index("Older comment")
    assert "Nobody minds this one" not in body


def test_moderation_queue_query_count_does_not_grow(
    client, commissioner, resident, provider, make_idea
):
    idea = make_idea(actor=resident)
    client.force_login(commissioner)

    def add(n):
        for i in range(n):
            c = comment_add(actor=resident, idea=idea, body=f"C{i}")
            comment_report(actor=provider, comment=c, reason="Rude")

    add(2)
    with CaptureQueriesContext(connection) as few:
        client.get("/ideas/moderation/")
    add(12)
    with CaptureQueriesContext(connection) as many:
        client.get("/ideas/moderation/")
    assert len(many) == len(few)


def test_moderator_removes_a_comment_and_the_public_sees_why(
    client, commissioner, resident, provider, make_idea
):
    idea = make_idea(actor=resident)
    comment = comment_add(actor=resident, idea=idea, body="Nasty words")
    comment_report(actor=provider, comment=comment, reason="Rude")
    client.force_login(commissioner)
    page = client.get(f"/ideas/moderation/{comment.pk}/").content.decode()
    assert "Nasty words" in page
    assert "Rude" in page
    response = client.post(
        f"/ideas/moderation/{comment.pk}/", {"decision": "hide", "reason": "Personal abuse."}
    )
    assert response.status_code == 302
    client.logout()
    body = client.get(f"/ideas/{idea.reference}/").content.decode()
    assert "This comment was removed by a moderator: Personal abuse." in body
    assert "Nasty words" not in body


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"decision": "hide", "reason": ""}, "Explain your decision"),
        (
            {"decision": "delete-everything", "reason": "x"},
            "Choose whether to remove or keep the comment",
        ),
    ],
)
def test_bad_moderation_decisions_change_nothing(
    client, commissioner, resident, make_idea, data, message
):
    comment = comment_add(actor=resident, idea=make_idea(actor=resident), body="Hi")
    client.force_login(commissioner)
    response = client.post(f"/ideas/moderation/{comment.pk}/", data)
    assert response.status_code == 400
    assert message in response.content.decode()
    comment.refresh_from_db()
    assert comment.status == "visible"


@pytest.mark.parametrize("who", STAFF_ONLY)
def test_only_commissioners_moderate(client, request, who, resident, make_idea):
    comment = comment_add(actor=resident, idea=make_idea(actor=resident), body="Hi")
    client.force_login(request.getfixturevalue(who))
    assert client.get(f"/ideas/moderation/{comment.pk}/").status_code == 404
    assert (
        client.post(
            f"/ideas/moderation/{comment.pk}/", {"decision": "hide", "reason": "x"}
        ).status_code
        == 404
    )
    comment.refresh_from_db()
    assert comment.status == "visible"


def test_unknown_comment_for_moderation_is_not_found(client, commissioner, db):
    client.force_login(commissioner)
    assert client.get("/ideas/moderation/999999/").status_code == 404
