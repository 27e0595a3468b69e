"""WSGI entry point (gunicorn config.wsgi)."""

import os

from django.core.exceptions import ImproperlyConfigured
from django.core.wsgi import get_wsgi_application

from coproduce.foundation.core.checks import static_manifest_problem

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()

# Refuse to start, loudly, rather than answer every page with a server error (a production
# deployment without `collectstatic`): see coproduce/foundation/core/checks.py.
_problem = static_manifest_problem()
if _problem:
    raise ImproperlyConfigured(_problem)
