"""Notice-period arithmetic for decommissioning. Pure Python: no Django imports.

A notice of ``months`` given on a day ends on the same day of the month ``months`` later
(the last day of that month when it is shorter: 30 November + 3 months = 28 or 29
February). Nothing may end before that day.
"""

from __future__ import annotations

import calendar
import datetime as dt


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` moved ``months`` calendar months on (clamped to the end of a short month)."""
    if months < 0:
        raise ValueError("months must not be negative")
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    last = calendar.monthrange(year, month)[1]
    return dt.date(year, month, min(day.day, last))


def notice_ends_on(given_on: dt.date, months: int) -> dt.date:
    """The first day the service may end on, for a notice of ``months`` given on ``given_on``."""
    return add_months(given_on, months)


def ends_too_early(*, given_on: dt.date, months: int, service_ends_on: dt.date) -> bool:
    """True when the service would end before the notice period is over."""
    return service_ends_on < notice_ends_on(given_on, months)
