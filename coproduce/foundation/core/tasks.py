"""Background jobs (Django tasks API). Enqueue them with ``transaction.on_commit``."""

from django.conf import settings
from django.core.mail import send_mail
from django_tasks import task

from .checkpoints import audit_checkpoint_make


@task()
def send_email(*, subject: str, body: str, to: list[str]) -> int:
    """Send one plain-text email; returns the number sent (0 or 1)."""
    return send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, to)


@task()
def audit_checkpoint_hourly() -> int:
    """Make this hour's audit checkpoint (nothing new if it exists); returns its id."""
    return audit_checkpoint_make().pk
