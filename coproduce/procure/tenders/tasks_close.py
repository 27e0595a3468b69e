"""Background job: close open tenders whose deadline has passed.

The same work as ``manage.py close_tenders``, as a django-tasks task for a worker-based
scheduler: enqueue ``close_due_tenders`` every minute. Idempotent.
"""

from __future__ import annotations

from django_tasks import task

from .services import tenders_close_due


@task()
def close_due_tenders() -> list[str]:
    """Close every open tender past its deadline; return the references closed this run."""
    return [t.reference for t in tenders_close_due()]
