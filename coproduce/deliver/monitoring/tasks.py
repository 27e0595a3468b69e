"""Background jobs for monitoring (Django tasks API)."""

from __future__ import annotations

import datetime as dt

from django_tasks import task

from .services import reminders_send_due


@task()
def remind_late_returns(today: str = "") -> int:
    """Remind providers of late returns (at most once a week per return); returns how
    many reminders were sent. ``today`` (ISO date) is for tests and catch-up runs."""
    day = dt.date.fromisoformat(today) if today else None
    return len(reminders_send_due(today=day))
