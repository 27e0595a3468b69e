"""Site-wide pages, security headers and the audit trail browser."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from coproduce.foundation.commissioning.services import project_change_stage

ROOT = Path(__file__).resolve().parents[4]


@pytest.mark.parametrize("url", ["/", "/accessibility/", "/privacy/", "/healthz"])
def test_public_pages_answer(client, db, url):
    assert client.get(url).status_code == 200


def test_home_lists_published_projects_only(client, published_project, commissioner):
    from coproduce.foundation.commissioning.tests.factories import make_project

    make_project(actor=commissioner, title="Secret draft")
    body = client.get("/").content.decode()
    assert published_project.title in body
    assert "Secret draft" not in body


def test_pages_send_a_strict_content_security_policy(client, db):
    response = client.get("/")
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "script-src 'self' 'nonce-" in csp
    nonce = csp.split("'nonce-")[1].split("'")[0]
    assert f'nonce="{nonce}"' in response.content.decode()
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_pages_set_no_cookies_for_visitors(client, db):
    response = client.get("/projects/")
    assert not response.cookies


def test_branding_comes_from_settings(client, db, settings):
    settings.BRAND_COLOUR = "#123456"
    settings.COUNCIL_NAME = "Eastshire County Council"
    assert "#123456" in client.get("/branding.css").content.decode()
    assert "Eastshire County Council" in client.get("/").content.decode()


def test_branding_refuses_a_colour_that_is_not_a_hex_code(client, db, settings):
    settings.BRAND_COLOUR = "red;}body{display:none"
    css = client.get("/branding.css").content.decode()
    assert "display:none" not in css


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
    from coproduce.foundation.commissioning.tests.factories import make_project

    client.force_login(platform_admin)
    make_project(actor=commissioner)
    with CaptureQueriesContext(connection) as few:
        client.get("/audit/")
    for i in range(10):
        make_project(actor=commissioner, title=f"Project {i}")
    with CaptureQueriesContext(connection) as many:
        client.get("/audit/")
    assert len(many) == len(few)


def test_the_filters_name_bid_events_only_once_the_bids_are_opened(
    client, commissioner, platform_admin
):
    from coproduce.foundation.core.selectors import audit_target_types, audit_verbs
    from coproduce.procure.bids.services_open import bids_open
    from coproduce.procure.bids.services_submit import bid_submit
    from coproduce.procure.bids.tests.test_sealing_support import (
        make_bid,
        make_tender,
        pass_deadline,
    )

    tender = make_tender(commissioner)
    bid = make_bid(tender)
    bid_submit(actor=bid.created_by, bid=bid)
    client.force_login(platform_admin)
    body = client.get("/audit/").content.decode()
    assert "bids.bid.submitted" not in audit_verbs()
    assert "bids.bid" not in audit_target_types()
    assert "bids.bid" not in body and "bids.bidsubmission" not in body
    assert "commissioning.project.created" in audit_verbs()  # other events still offered

    bids_open(actor=commissioner, tender=pass_deadline(tender))
    body = client.get("/audit/").content.decode()
    assert "bids.bid.submitted" in audit_verbs() and "bids.bid" in audit_target_types()
    assert '<option value="bids.bid.submitted">' in body
    body = client.get("/audit/", {"verb": "bids.bid.submitted"}).content.decode()
    assert "1 event" in body


def _run_manage(env_extra: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    skip = {"SECRET_KEY", "DJANGO_ENV", "DJANGO_ALLOW_ASYNC_UNSAFE", "DEBUG", "BID_SEALING_KEY"}
    env = {k: v for k, v in os.environ.items() if k not in skip}
    env.update(env_extra)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = _run_manage(
        {"DJANGO_ENV": "production", "ALLOWED_HOSTS": "coproduce.example"}, "check"
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_settings_pass_the_deployment_checklist():
    result = _run_manage(
        {
            "DJANGO_ENV": "production",
            "SECRET_KEY": "k" * 20 + "-a-long-random-production-secret-value-0123456789",
            "BID_SEALING_KEY": "cHJvZHVjdGlvbi10ZXN0LXNlYWxpbmcta2V5LTAxMjM=",
            "ALLOWED_HOSTS": "coproduce.example",
        },
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_bid_sealing_key():
    result = _run_manage(
        {
            "DJANGO_ENV": "production",
            "SECRET_KEY": "k" * 20 + "-a-long-random-production-secret-value-0123456789",
            "ALLOWED_HOSTS": "coproduce.example",
        },
        "check",
    )
    assert result.returncode != 0
    assert "BID_SEALING_KEY must be set" in result.stderr
