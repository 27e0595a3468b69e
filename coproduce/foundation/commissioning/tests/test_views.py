"""Project pages: who sees what, forms with clear errors, and query counts."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from coproduce.foundation.commissioning.models import CommissioningProject, StageChange
from coproduce.foundation.commissioning.services import project_change_stage
from coproduce.foundation.commissioning.tests.factories import make_project
from coproduce.foundation.core.tests.factories import service_area

PROJECT_FORM = {
    "title": "Carers’ breaks",
    "summary": "Short breaks for carers.",
    "budget": "850,000",
    "starts_on_0": "1",
    "starts_on_1": "10",
    "starts_on_2": "2027",
    "ends_on_0": "30",
    "ends_on_1": "9",
    "ends_on_2": "2030",
}


def test_public_page_shows_decisions_and_reasons(client, commissioner, published_project):
    project_change_stage(
        actor=commissioner,
        project=published_project,
        to_stage="plan",
        reason="We heard 312 people.",
    )
    body = client.get(f"/projects/{published_project.reference}/").content.decode()
    assert "We heard 312 people." in body
    assert "From Understand to Plan" in body
    assert commissioner.full_name in body
    assert "£2,400,000" in body


@pytest.mark.parametrize("who", [None, "resident", "provider"])
def test_a_draft_is_hidden_from_the_public_and_providers(client, draft_project, request, who):
    if who:
        client.force_login(request.getfixturevalue(who))
    assert client.get(f"/projects/{draft_project.reference}/").status_code == 404
    assert draft_project.title not in client.get("/projects/").content.decode()
    assert client.get(f"/api/projects/{draft_project.reference}").status_code == 404


@pytest.mark.parametrize("who", ["commissioner", "finance", "platform_admin"])
def test_council_staff_see_drafts(client, draft_project, request, who):
    client.force_login(request.getfixturevalue(who))
    response = client.get(f"/projects/{draft_project.reference}/")
    assert response.status_code == 200
    assert "Draft: only council staff" in response.content.decode()


def test_unknown_project_is_not_found(client, db):
    assert client.get("/projects/CP-1999-0001/").status_code == 404


def test_commissioner_creates_a_project_through_the_form(client, commissioner):
    client.force_login(commissioner)
    form = {**PROJECT_FORM, "service_area": service_area().pk, "owner": commissioner.pk}
    response = client.post("/manage/projects/new/", form)
    assert response.status_code == 302
    project = CommissioningProject.objects.get()
    assert project.budget_pence == 85_000_000
    assert str(project.starts_on) == "2027-10-01"


@pytest.mark.parametrize(
    ("change", "anchor", "message"),
    [
        ({"title": ""}, "id_title", "Enter a title for the project"),
        ({"budget": "lots"}, "id_budget", "Enter an amount in pounds"),
        ({"budget": "-5"}, "id_budget", "The budget cannot be negative"),
        ({"budget": "10.001"}, "id_budget", "nearest penny"),
        ({"starts_on_1": "13"}, "id_starts_on_0", "Enter a real date"),
        ({"starts_on_0": ""}, "id_starts_on_0", "Enter a full date"),
        ({"ends_on_2": "2026"}, "id_ends_on", "end date must be on or after"),
        ({"summary": "x" * 5001}, "id_summary", "5,000 characters or fewer"),
        ({"service_area": "999999"}, "id_service_area", "Choose a service area from the list"),
        ({"owner": "999999"}, "id_owner", "Choose an officer from the list"),
    ],
)
def test_project_form_errors_are_clear_and_nothing_is_saved(
    client, commissioner, change, anchor, message
):
    client.force_login(commissioner)
    form = {**PROJECT_FORM, "service_area": service_area().pk, "owner": commissioner.pk, **change}
    response = client.post("/manage/projects/new/", form)
    assert response.status_code == 400
    body = response.content.decode()
    assert "There is a problem" in body
    assert message in body
    assert f'href="#{anchor}' in body
    assert not CommissioningProject.objects.exists()


@pytest.mark.parametrize("who", [None, "resident", "provider", "finance"])
def test_only_commissioners_reach_the_create_form(db, client, request, who):
    if who:
        client.force_login(request.getfixturevalue(who))
    response = client.get("/manage/projects/new/")
    assert response.status_code == (302 if who is None else 404)


def test_commissioner_moves_a_project_to_plan(client, commissioner, draft_project):
    client.force_login(commissioner)
    page = client.get(f"/manage/projects/{draft_project.reference}/stage/").content.decode()
    assert 'value="plan"' in page and 'value="deliver"' not in page
    response = client.post(
        f"/manage/projects/{draft_project.reference}/stage/",
        {"stage": "plan", "reason": "Consultation closed."},
    )
    assert response.status_code == 302
    draft_project.refresh_from_db()
    assert draft_project.stage == "plan"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"stage": "plan", "reason": ""}, "Explain why the project is changing stage"),
        ({"stage": "plan", "reason": "x" * 5001}, "5,000 characters or fewer"),
        ({"stage": "deliver", "reason": "Tampered field"}, "Choose one of the stages listed"),
        ({"stage": "no-such-stage", "reason": "Tampered field"}, "Choose one of the stages listed"),
        ({"reason": "No stage"}, "Choose the stage to move to"),
    ],
)
def test_bad_stage_changes_are_explained_and_change_nothing(
    client, commissioner, draft_project, data, message
):
    client.force_login(commissioner)
    response = client.post(f"/manage/projects/{draft_project.reference}/stage/", data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert "There is a problem" in response.content.decode()
    draft_project.refresh_from_db()
    assert draft_project.stage == "understand"
    assert not StageChange.objects.exists()


@pytest.mark.parametrize("who", ["resident", "provider", "finance"])
def test_others_cannot_change_a_stage(client, published_project, request, who):
    client.force_login(request.getfixturevalue(who))
    url = f"/manage/projects/{published_project.reference}/stage/"
    assert client.get(url).status_code == 404
    assert client.post(url, {"stage": "plan", "reason": "Let me"}).status_code == 404
    assert (
        client.post(f"/manage/projects/{published_project.reference}/edit/", {}).status_code == 404
    )
    assert (
        client.post(f"/manage/projects/{published_project.reference}/publish/").status_code == 404
    )
    published_project.refresh_from_db()
    assert published_project.stage == "understand"


def test_anonymous_stage_change_goes_to_sign_in(client, published_project):
    response = client.post(
        f"/manage/projects/{published_project.reference}/stage/", {"stage": "plan", "reason": "x"}
    )
    assert response.status_code == 302
    assert "/account/sign-in/" in response["Location"]


def test_publish_makes_a_draft_public(client, commissioner, draft_project):
    client.force_login(commissioner)
    client.post(f"/manage/projects/{draft_project.reference}/publish/")
    client.logout()
    assert client.get(f"/projects/{draft_project.reference}/").status_code == 200


def test_edit_form_saves_changes(client, commissioner, draft_project):
    client.force_login(commissioner)
    assert client.get(f"/manage/projects/{draft_project.reference}/edit/").status_code == 200
    form = {
        **PROJECT_FORM,
        "service_area": service_area().pk,
        "owner": commissioner.pk,
        "title": "Renamed",
    }
    assert client.post(f"/manage/projects/{draft_project.reference}/edit/", form).status_code == 302
    draft_project.refresh_from_db()
    assert draft_project.title == "Renamed"


@pytest.mark.parametrize("who", [None, "resident", "provider"])
def test_staff_list_is_for_council_staff(client, request, who, db):
    if who:
        client.force_login(request.getfixturevalue(who))
    assert client.get("/manage/projects/").status_code == (302 if who is None else 404)


def test_public_list_filters(client, commissioner):
    make_project(actor=commissioner, title="Alpha service", published=True)
    p = make_project(
        actor=commissioner,
        title="Beta service",
        published=True,
        service_area_id=service_area("mental-health").pk,
    )
    project_change_stage(actor=commissioner, project=p, to_stage="plan", reason="Go")
    body = client.get("/projects/", {"stage": "plan"}).content.decode()
    assert "Beta service" in body and "Alpha service" not in body
    body = client.get("/projects/", {"q": "alpha"}).content.decode()
    assert "Alpha service" in body and "Beta service" not in body
    body = client.get("/projects/", {"service_area": "mental-health"}).content.decode()
    assert "Beta service" in body and "Alpha service" not in body


@pytest.mark.parametrize("url", ["/projects/", "/manage/projects/", "/"])
def test_list_query_count_does_not_grow_with_projects(client, commissioner, url):
    client.force_login(commissioner)
    make_project(actor=commissioner, published=True)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for i in range(15):
        make_project(actor=commissioner, published=True, title=f"P{i}")
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)
