"""Site-wide pages, security headers and production settings.

The home page and the audit trail browser are tested with commissioning (they show
projects); the audit filters for bid events with bids."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[4]


@pytest.mark.parametrize("url", ["/", "/accessibility/", "/privacy/", "/healthz"])
def test_public_pages_answer(client, db, url):
    assert client.get(url).status_code == 200


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


def _run_manage(env_extra: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    skip = {"SECRET_KEY", "DJANGO_ENV", "DJANGO_ALLOW_ASYNC_UNSAFE", "DEBUG", "BID_SEALING_KEY"}
    skip |= {"AUDIT_CHAIN_KEY", "AUDIT_CHECKPOINT_SIGNING_KEY", "ELIGIBILITY_HASH_KEY"}
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


def test_production_settings_pass_the_deployment_checklist(tmp_path):
    # A built static folder, as `collectstatic` leaves it (coproduce.E001 checks for it).
    (tmp_path / "staticfiles.json").write_text('{"paths": {}, "version": "1.1"}')
    result = _run_manage(
        {
            "STATIC_ROOT": str(tmp_path),
            "DJANGO_ENV": "production",
            "SECRET_KEY": "k" * 20 + "-a-long-random-production-secret-value-0123456789",
            "BID_SEALING_KEY": "cHJvZHVjdGlvbi10ZXN0LXNlYWxpbmcta2V5LTAxMjM=",
            "AUDIT_CHAIN_KEY": "cHJvZHVjdGlvbi10ZXN0LWF1ZGl0LWNoYWluLWtleS0=",
            "AUDIT_CHECKPOINT_SIGNING_KEY": "cHJvZHVjdGlvbi10ZXN0LWNoZWNrcG9pbnQtc2lnbmk=",
            "ELIGIBILITY_HASH_KEY": "production-test-eligibility-hash-key-0123456789",
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
