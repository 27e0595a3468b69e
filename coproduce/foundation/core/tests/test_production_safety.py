"""Production refuses public development keys and a missing static build (issue 12).

Each case starts Python in a subprocess with ``DJANGO_ENV=production`` (settings are read
once per process, so they cannot be switched inside the test run).
"""

from __future__ import annotations

import base64
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core import checks
from django.test import override_settings

import config.settings as project_settings
from coproduce.foundation.core.checks import MISSING_MANIFEST, check_static_manifest

ROOT = Path(__file__).resolve().parents[4]
# The public development values, by setting (a key another change has not added yet is
# skipped by name).
DEV = {
    name: value
    for name, value in {
        "SECRET_KEY": getattr(project_settings, "_DEV_SECRET", None),
        "BID_SEALING_KEY": getattr(project_settings, "_DEV_SEALING_KEY", None),
        "AUDIT_CHAIN_KEY": getattr(project_settings, "_DEV_AUDIT_CHAIN_KEY", None),
        "AUDIT_CHECKPOINT_SIGNING_KEY": getattr(
            project_settings, "_DEV_AUDIT_CHECKPOINT_SIGNING_KEY", None
        ),
        "ELIGIBILITY_HASH_KEY": getattr(project_settings, "_DEV_ELIGIBILITY_HASH_KEY", None),
    }.items()
    if value
}


def _key() -> str:
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()


def _production_env(**overrides: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"COPRODUCE_TESTING", "DATABASE_URL"} and not k.startswith("PYTEST")
    }
    env.update(
        DJANGO_ENV="production",
        DJANGO_SETTINGS_MODULE="config.settings",
        ALLOWED_HOSTS="coproduce.example",
        SECRET_KEY="prod-" + secrets.token_urlsafe(48),
        BID_SEALING_KEY=_key(),
        AUDIT_CHAIN_KEY=_key(),
        AUDIT_CHECKPOINT_SIGNING_KEY=_key(),
        ELIGIBILITY_HASH_KEY=_key() + _key(),
    )
    env.update(overrides)
    return env


def _run(code: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )


SETUP = "import django; django.setup(); print('started')"


@pytest.mark.parametrize("name", sorted(DEV))
def test_production_refuses_to_start_with_a_development_key(name):
    """Before: ``BID_SEALING_KEY`` set to the development value started fine."""
    result = _run(SETUP, _production_env(**{name: DEV[name]}))
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert f"refuses the public development value of {name}" in result.stderr


def test_production_starts_with_keys_of_its_own():
    result = _run(SETUP, _production_env())
    assert result.returncode == 0, result.stderr
    assert "started" in result.stdout


def test_production_wsgi_refuses_to_start_without_collectstatic(tmp_path):
    """Before: the server started and every page was a 500 (no ``staticfiles.json``)."""
    result = _run("import config.wsgi", _production_env(STATIC_ROOT=str(tmp_path)))
    assert result.returncode != 0
    assert "staticfiles.json is missing" in result.stderr
    (tmp_path / "staticfiles.json").write_text('{"paths": {}, "version": "1.1"}')
    started = _run(
        "import config.wsgi; print('started')", _production_env(STATIC_ROOT=str(tmp_path))
    )
    assert started.returncode == 0, started.stderr


def test_deploy_check_reports_a_missing_static_manifest(tmp_path):
    manifest = {
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    with override_settings(STORAGES=manifest, STATIC_ROOT=str(tmp_path)):
        errors = check_static_manifest()
        assert [e.id for e in errors] == [MISSING_MANIFEST]
        assert errors[0].level == checks.ERROR
        (tmp_path / "staticfiles.json").write_text('{"paths": {}, "version": "1.1"}')
        assert check_static_manifest() == []


def test_development_storage_needs_no_manifest(tmp_path):
    with override_settings(STATIC_ROOT=str(tmp_path)):
        assert check_static_manifest() == []
