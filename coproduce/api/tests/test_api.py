"""The REST API: same rules as the pages, errors as coded JSON, not-found for forbidden."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from coproduce.foundation.accounts.models import OrganisationIdentifier
from coproduce.foundation.commissioning.models import CommissioningProject, StageChange
from coproduce.foundation.core.tests.factories import service_area

NEW = {
    "title": "Carers’ breaks",
    "service_area": "adult-social-care",
    "summary": "Short breaks for carers.",
    "budget_pence": 85_000_000,
    "starts_on": "2027-10-01",
    "ends_on": "2030-09-30",
}


def post(client, url, data):
    return client.post(url, json.dumps(data), content_type="application/json")


def test_public_list_shows_published_projects(client, published_project, draft_project):
    data = client.get("/api/projects").json()
    assert [p["reference"] for p in data["items"]] == [published_project.reference]
    assert data["items"][0]["service_area"] == "adult-social-care"


def test_project_detail_includes_the_timeline(client, commissioner, published_project):
    client.force_login(commissioner)
    post(
        client,
        f"/api/projects/{published_project.reference}/stage-changes",
        {"stage": "plan", "reason": "Heard enough."},
    )
    client.logout()
    data = client.get(f"/api/projects/{published_project.reference}").json()
    assert data["stage"] == "plan"
    assert data["timeline"][0]["reason"] == "Heard enough."


def test_commissioner_creates_a_project(client, commissioner):
    service_area()
    client.force_login(commissioner)
    response = post(client, "/api/projects", NEW)
    assert response.status_code == 201
    assert response.json()["reference"].startswith("CP-")


@pytest.mark.parametrize("who", ["resident", "provider", "finance"])
def test_others_cannot_create_projects(client, db, request, who):
    service_area()
    client.force_login(request.getfixturevalue(who))
    response = post(client, "/api/projects", NEW)
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert not CommissioningProject.objects.exists()


def test_anonymous_writes_are_refused(client, published_project):
    response = post(
        client,
        f"/api/projects/{published_project.reference}/stage-changes",
        {"stage": "plan", "reason": "x"},
    )
    assert response.status_code == 401
    assert response.json()["code"] == "not_signed_in"


@pytest.mark.parametrize(
    ("payload", "code", "field"),
    [
        ({"stage": "plan", "reason": ""}, "reason_required", "reason"),
        ({"stage": "party", "reason": "Why not"}, "unknown_state", "stage"),
        ({"stage": "deliver", "reason": "Skip"}, "illegal_transition", "stage"),
        ({"stage": "plan", "reason": "x" * 5001}, "invalid", "reason"),
        ({"reason": "No stage"}, "invalid", "stage"),
    ],
)
def test_bad_stage_changes_are_400_with_a_code(
    client, commissioner, published_project, payload, code, field
):
    client.force_login(commissioner)
    response = post(client, f"/api/projects/{published_project.reference}/stage-changes", payload)
    assert response.status_code == 400
    body = response.json()
    assert (body["code"], body["field"]) == (code, field)
    assert not StageChange.objects.exists()


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"budget_pence": -1}, "negative"),
        ({"service_area": "nowhere"}, "invalid_choice"),
        ({"ends_on": "2020-01-01"}, "dates_out_of_order"),
        ({"starts_on": "not a date"}, "invalid"),
        ({"title": "x" * 201}, "invalid"),
    ],
)
def test_bad_project_input_is_400(client, commissioner, change, code):
    service_area()
    client.force_login(commissioner)
    response = post(client, "/api/projects", {**NEW, **change})
    assert response.status_code == 400
    assert response.json()["code"] == code
    assert not CommissioningProject.objects.exists()


@pytest.mark.parametrize("who", ["resident", "provider"])
def test_others_cannot_change_stages_and_get_not_found(client, request, published_project, who):
    client.force_login(request.getfixturevalue(who))
    response = post(
        client,
        f"/api/projects/{published_project.reference}/stage-changes",
        {"stage": "plan", "reason": "x"},
    )
    assert response.status_code == 404
    response = post(client, f"/api/projects/{published_project.reference}/publish", {})
    assert response.status_code == 404


def test_writes_need_the_csrf_token(commissioner, published_project):
    client = Client(enforce_csrf_checks=True)
    client.force_login(commissioner)
    response = post(
        client,
        f"/api/projects/{published_project.reference}/stage-changes",
        {"stage": "plan", "reason": "x"},
    )
    assert response.status_code == 403
    assert not StageChange.objects.exists()


def test_openapi_document_is_published(client, db):
    spec = client.get("/api/openapi.json").json()
    assert "/api/projects/{reference}/stage-changes" in spec["paths"]
    assert client.get("/api/docs").status_code == 200


def test_organisations_are_listed_with_identifiers(client, organisation):
    OrganisationIdentifier.objects.create(
        organisation=organisation, scheme="GB-CHC", identifier="1187654"
    )
    data = client.get(f"/api/organisations/{organisation.slug}").json()
    assert data["identifiers"] == ["GB-CHC-1187654"]
    assert client.get("/api/organisations/no-such-org").status_code == 404
