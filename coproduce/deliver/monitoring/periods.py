"""Reporting periods of a contract: pure date arithmetic, no Django.

A contract's returns follow its **most frequent** KPI: monthly KPIs make monthly returns,
otherwise every 3, 6 or 12 months. Periods are counted from the contract's start date:
period 1 starts on ``starts_on``, period *n* starts *(n - 1) × months* months later and
ends the day before the next one starts (the last period is cut at ``ends_on``). A month
added to the 31st lands on the last day of a shorter month, always counted from the start
date, so the days never drift (31 January → 28 February → 31 March).

A return asks for a figure for every KPI whose own period ends in it: a quarterly KPI in a
monthly return is asked every third month; the last return of the contract asks for every
KPI (their final figures, even when their period is cut short by the end of the contract).
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

#: Months in one reporting period, by ``specifications.Frequency`` value.
MONTHS_PER_PERIOD = {"monthly": 1, "quarterly": 3, "six_monthly": 6, "annually": 12}


def frequency_months(frequency: str) -> int:
    """Months in a KPI's own period; an unknown frequency is taken as monthly (the most
    often, so that nothing is ever asked for less often than agreed)."""
    return MONTHS_PER_PERIOD.get(frequency, 1)


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` plus ``months`` calendar months, on the last day of a shorter month."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def return_months(frequencies: Iterable[str]) -> int | None:
    """Months per return: those of the most frequent KPI (None: no KPIs, no returns)."""
    months = [frequency_months(f) for f in frequencies]
    return min(months) if months else None


@dataclass(frozen=True)
class Period:
    """One reporting period of a contract (``number`` counts from 1)."""

    number: int
    starts_on: dt.date
    ends_on: dt.date
    is_last: bool


def period_count(starts_on: dt.date, ends_on: dt.date, months: int) -> int:
    """How many periods the contract has (the last one may be short)."""
    if ends_on < starts_on:
        return 0
    count = 0
    while add_months(starts_on, count * months) <= ends_on:
        count += 1
    return count


def period(starts_on: dt.date, ends_on: dt.date, months: int, number: int) -> Period | None:
    """Period ``number`` of a contract running ``starts_on``–``ends_on``; None when the
    contract has no such period (a number below 1, or one starting after the end)."""
    if number < 1 or number > period_count(starts_on, ends_on, months):
        return None
    first = add_months(starts_on, (number - 1) * months)
    last = add_months(starts_on, number * months) - dt.timedelta(days=1)
    return Period(
        number=number, starts_on=first, ends_on=min(last, ends_on), is_last=last >= ends_on
    )


def periods_started(
    starts_on: dt.date, ends_on: dt.date, months: int, today: dt.date
) -> list[Period]:
    """Every period that has started on or before ``today``, first one first."""
    out: list[Period] = []
    number = 1
    while (p := period(starts_on, ends_on, months, number)) is not None and p.starts_on <= today:
        out.append(p)
        number += 1
    return out


def kpi_asked_in(kpi_frequency: str, months: int, p: Period) -> bool:
    """Whether a return for ``p`` asks for a figure for a KPI reported ``kpi_frequency``."""
    return p.is_last or (p.number * months) % frequency_months(kpi_frequency) == 0


def due_on(p: Period, due_days: int) -> dt.date:
    """The date a return is due: ``due_days`` days after the period ends."""
    return p.ends_on + dt.timedelta(days=due_days)


def contract_year(p: Period, months: int) -> int:
    """The contract year (1, 2, …) the period starts in."""
    return (p.number - 1) * months // 12 + 1


def year_bounds(starts_on: dt.date, ends_on: dt.date, year: int) -> tuple[dt.date, dt.date] | None:
    """First and last day of contract year ``year``; None when there is no such year."""
    if year < 1:
        return None
    first = add_months(starts_on, (year - 1) * 12)
    if first > ends_on:
        return None
    return first, min(add_months(starts_on, year * 12) - dt.timedelta(days=1), ends_on)
