"""The audit trail browser, shown with the events a project's changes write."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from coproduce.foundation.commissioning.services import project_change_stage
from coproduce.foundation.commissioning.tests.factories import make_project


@pytest.fixture
def audited(commissioner, draft_project):
    project_change_stage(
        actor=commissioner, project=draft_project, to_stage="plan", reason="Heard enough."
    )
    return draft_project


@pytest.mark.parametrize("role", ["platform_admin", "finance"])
def test_admins_and_auditors_can_browse_the_audit_trail(client, audited, request, role):
    client.force_login(request.getfixturevalue(role))
    response = client.get("/audit/")
    assert response.status_code == 200
    assert "commissioning.project.stage_changed" in response.content.decode()
    assert "Heard enough." in response.content.decode()


@pytest.mark.parametrize("role", ["commissioner", "resident", "provider"])
def test_others_cannot_see_the_audit_trail(client, audited, request, role):
    client.force_login(request.getfixturevalue(role))
    assert client.get("/audit/").status_code == 404


def test_anonymous_visitors_cannot_see_the_audit_trail(client, audited):
    assert client.get("/audit/").status_code == 404


def test_audit_trail_filters_by_verb_and_record(client, audited, platform_admin):
    client.force_login(platform_admin)
    body = client.get("/audit/", {"verb": "commissioning.project.created"}).content.decode()
    assert "1 event" in body
    assert "Heard enough." not in body
    body = client.get("/audit/", {"target_id": str(audited.pk)}).content.decode()
    assert "2 events" in body


def test_audit_trail_rejects_a_bad_date_with_a_message(client, audited, platform_admin):
    client.force_login(platform_admin)
    body = client.get("/audit/", {"since": "yesterday"}).content.decode()
    assert "There is a problem" in body


def test_audit_list_query_count_does_not_grow_with_events(client, commissioner, platform_admin):
    client.force_login(platform_admin)
    make_project(actor=commissioner)
    with CaptureQueriesContext(connection) as few:
        client.get("/audit/")
    for i in range(10):
        make_project(actor=commissioner, title=f"Project {i}")
    with CaptureQueriesContext(connection) as many:
        client.get("/audit/")
    assert len(many) == len(few)
