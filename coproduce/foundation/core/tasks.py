"""Background jobs (Django tasks API). Enqueue them with ``transaction.on_commit``."""

from django.conf import settings
from django.core.mail import send_mail
from django_tasks import task


@task()
def send_email(*, subject: str, body: str, to: list[str]) -> int:
    """Send one plain-text email; returns the number sent (0 or 1)."""
    return send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, to)
