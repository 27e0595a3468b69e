"""Forward-plan quarters ("January to March 2027"). UK times: ``coproduce.foundation.core.formatting``."""

from __future__ import annotations

import datetime as dt

QUARTER_NAMES = ("January to March", "April to June", "July to September", "October to December")


def quarter_of(day: dt.date) -> tuple[int, int]:
    return day.year, (day.month - 1) // 3


def quarter_label(year: int, quarter: int) -> str:
    """January to March 2027."""
    return f"{QUARTER_NAMES[quarter]} {year}"
