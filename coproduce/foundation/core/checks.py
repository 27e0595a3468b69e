"""System checks for a production deployment (``manage.py check --deploy``) and the
start-up guard in ``config/wsgi.py``.

With the manifest static storage (``DJANGO_ENV=production``), every ``{% static %}`` tag
looks its file up in ``staticfiles.json``, written by ``collectstatic``. Without it every
page was a server error. ``coproduce.E001`` says so in ``check --deploy``, and the WSGI
application refuses to start (``static_manifest_problem``), so a missing build is seen at
deploy time, not by the first visitor.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles.storage import ManifestFilesMixin
from django.core import checks
from django.core.files.storage import storages

MISSING_MANIFEST = "coproduce.E001"


def static_manifest_problem() -> str | None:
    """Why the static files cannot be served (a sentence), or None when they can."""
    storage = storages["staticfiles"]
    if not isinstance(storage, ManifestFilesMixin):
        return None
    manifest = Path(settings.STATIC_ROOT or "") / storage.manifest_name
    if manifest.is_file():
        return None
    return (
        f"The static files manifest {manifest} is missing: every page would be a server "
        "error. Run `manage.py collectstatic --noinput` (after `make assets`) before "
        "starting the server."
    )


@checks.register(checks.Tags.security, deploy=True)
def check_static_manifest(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    problem = static_manifest_problem()
    if problem is None:
        return []
    return [checks.Error(problem, hint="manage.py collectstatic --noinput", id=MISSING_MANIFEST)]
