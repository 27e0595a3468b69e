"""Dates and times as people read them: UK time, with the day of the week.

Plain functions (no Django imports) shared by templates, emails and letters, so every
page says a time the same way. The template filters are ``uk_datetime`` in
``coproduce.foundation.core.templatetags.govuk`` and ``uk_when``/``uk_moment``/``uk_date`` in
``coproduce.plan.forward_plan.templatetags.pipeline_tags``.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

UK = ZoneInfo("Europe/London")


def uk_time(value: dt.datetime) -> str:
    """9:30am, 2pm, 12 noon."""
    local = value.astimezone(UK)
    if local.hour == 12 and local.minute == 0:
        return "12 noon"
    hour = local.hour % 12 or 12
    suffix = "am" if local.hour < 12 else "pm"
    return f"{hour}{suffix}" if local.minute == 0 else f"{hour}:{local.minute:02d}{suffix}"


def uk_date(value: dt.date | dt.datetime) -> str:
    """Tuesday 3 March 2026."""
    if isinstance(value, dt.datetime):
        value = (value.astimezone(UK) if value.tzinfo else value).date()
    return f"{value:%A} {value.day} {value:%B %Y}"


def uk_when(starts_at: dt.datetime, ends_at: dt.datetime | None = None) -> str:
    """Tuesday 3 March 2026, 2pm to 4pm (UK time)."""
    text = f"{uk_date(starts_at)}, {uk_time(starts_at)}"
    if ends_at is not None:
        if ends_at.astimezone(UK).date() == starts_at.astimezone(UK).date():
            text += f" to {uk_time(ends_at)}"
        else:
            text += f" to {uk_date(ends_at)}, {uk_time(ends_at)}"
    return text + " (UK time)"


def uk_moment(value: dt.datetime) -> str:
    """5pm on Tuesday 3 March 2026 (UK time)."""
    return f"{uk_time(value)} on {uk_date(value)} (UK time)"


def uk_clock(value: dt.datetime) -> str:
    """5:00pm, 12:30pm: the deadline style, always with minutes."""
    local = value.astimezone(UK) if value.tzinfo else value
    hour = local.hour % 12 or 12
    suffix = "am" if local.hour < 12 else "pm"
    return f"{hour}:{local.minute:02d}{suffix}"
