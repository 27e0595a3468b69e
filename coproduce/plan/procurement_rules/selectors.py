"""Reads for the procurement rules: the rule book on a day, bank holidays, deadlines.

Thin wrappers that read the table and call the pure ``advisor`` module. Nothing is
cached between calls, so a rule added a moment ago is used by the next request.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone

from coproduce.foundation.core.errors import NotFound

from . import advisor, keys
from .advisor import Advice, Case, RuleBook, RuleBreach, RuleRef
from .models import BankHoliday, ProcurementRule

__all__ = [
    "Advice",
    "Case",
    "RuleBook",
    "RuleBreach",
    "RuleRef",
    "add_working_days",
    "advice_for",
    "amendment_minimum_deadline",
    "bank_holidays",
    "check_publication",
    "minimum_deadline",
    "rulebook_on",
    "standstill_end",
]

_FIELDS = (
    "key",
    "route",
    "value",
    "unit",
    "label",
    "source_title",
    "source_url",
    "effective_from",
    "note",
)


def _ref(row: ProcurementRule) -> RuleRef:
    return RuleRef(
        key=row.key,
        value=row.value,
        unit=row.unit,
        label=row.label,
        source_title=row.source_title,
        source_url=row.source_url,
        effective_from=row.effective_from,
        route=row.route,
        note=row.note,
    )


def rulebook_on(day: dt.date) -> RuleBook:
    """The rules in force on ``day``: for each (key, route), the latest row from on or before.

    One query; rows starting after ``day`` are ignored, so future versions can be entered
    in advance and take effect on their date.
    """
    rows = ProcurementRule.objects.filter(effective_from__lte=day).values(*_FIELDS)
    return advisor.rulebook_from_rows(day, rows)


def bank_holidays() -> frozenset[dt.date]:
    """Every bank holiday in the table (England and Wales), read fresh each time."""
    return frozenset(BankHoliday.objects.values_list("date", flat=True))


def add_working_days(start: dt.date, days: int) -> dt.date:
    """The working day ``days`` working days after ``start`` (weekends and bank holidays skipped)."""
    return advisor.add_working_days(start, days, bank_holidays())


def minimum_deadline(
    *, publish_on: dt.date, planned_notice_on: dt.date | None, light_touch: bool
) -> tuple[dt.date, list[RuleRef]]:
    """The earliest allowed closing date for a tender published on ``publish_on``.

    Uses the rules in force on ``publish_on``. Returns the date and the rules applied.
    """
    closing = advisor.minimum_closing_date(
        rulebook_on(publish_on),
        publish_on=publish_on,
        planned_notice_on=planned_notice_on,
        light_touch=light_touch,
    )
    return closing.earliest, closing.rules


def amendment_minimum_deadline(*, amended_on: dt.date) -> tuple[dt.date, list[RuleRef]]:
    """The earliest closing date allowed after a change made on ``amended_on``.

    ``amendment.minimum_days_left`` days after the change (council policy). Callers should
    also keep the tender's original minimum from ``minimum_deadline``.
    """
    closing = advisor.amendment_closing_date(rulebook_on(amended_on), amended_on=amended_on)
    return closing.earliest, closing.rules


def _local_date(moment: dt.datetime | dt.date) -> dt.date:
    if isinstance(moment, dt.datetime):
        if timezone.is_aware(moment):
            return timezone.localtime(moment).date()
        return moment.date()
    return moment


def check_publication(
    *,
    value_pence: int,
    light_touch: bool,
    route: str,
    reserved_for: str,
    route_justification: str,
    publish_on: dt.date,
    deadline: dt.datetime,
    planned_notice_on: dt.date | None,
) -> list[RuleBreach]:
    """What stops a tender from being published under the rules in force on ``publish_on``.

    Empty when it may be published. Each breach names its rule and source; ``field`` is
    the form field it concerns ("deadline", "route", "reserved_for",
    "route_justification" or "value_pence").
    """
    case = Case(
        value_pence=value_pence,
        light_touch=light_touch,
        route=route or "",
        reserved_for=reserved_for or "",
        route_justification=route_justification or "",
        publish_on=publish_on,
        planned_notice_on=planned_notice_on,
        deadline_on=_local_date(deadline) if deadline is not None else None,
    )
    return advisor.breaches(rulebook_on(publish_on), case)


def standstill_end(
    *, decision_on: dt.date, light_touch: bool, value_pence: int | None = None
) -> dt.date | None:
    """The last day of the standstill after an award notice published on ``decision_on``.

    The contract may be signed from the next day. None when no standstill is required
    (light-touch services per the flag rule; below the threshold when ``value_pence`` is
    given).
    """
    result = advisor.standstill(
        rulebook_on(decision_on),
        decision_on=decision_on,
        light_touch=light_touch,
        holidays=bank_holidays(),
        value_pence=value_pence,
    )
    return result.ends_on


def advice_for(case: Case, *, decision_on: dt.date | None = None) -> Advice:
    """The route advisor's full answer, under the rules in force on the publication day
    (or today when no publication day is given)."""
    day = case.publish_on or timezone.localdate()
    return advisor.advise(rulebook_on(day), case, holidays=bank_holidays(), decision_on=decision_on)


# --- The public rules page ------------------------------------------------------------


@dataclass
class RuleHistory:
    """A rule in force, with every version of it (older and scheduled)."""

    current: RuleRef
    versions: list[RuleRef] = field(default_factory=list)

    @property
    def earlier(self) -> list[RuleRef]:
        return [v for v in self.versions if v.effective_from < self.current.effective_from]

    @property
    def scheduled(self) -> list[RuleRef]:
        return [v for v in self.versions if v.effective_from > self.current.effective_from]


@dataclass
class RuleGroup:
    title: str
    rules: list[RuleHistory]


def _group_title(key: str) -> str:
    prefix = key.split(".", 1)[0]
    for group_prefix, title in keys.GROUPS:
        if group_prefix == prefix:
            return title
    return "Other rules"


def rules_in_force_grouped(day: dt.date) -> list[RuleGroup]:
    """The rules in force on ``day`` grouped for the public page, each with its history.

    One query. A rule whose first version starts after ``day`` is listed as scheduled
    under its group with no current value.
    """
    rows = [_ref(r) for r in ProcurementRule.objects.order_by("key", "route", "effective_from")]
    by_rule: dict[tuple[str, str], list[RuleRef]] = {}
    for ref in rows:
        by_rule.setdefault((ref.key, ref.route), []).append(ref)
    order = [title for _, title in keys.GROUPS]
    groups: dict[str, list[RuleHistory]] = {}
    for versions in by_rule.values():
        in_force = [v for v in versions if v.effective_from <= day]
        if not in_force:
            continue
        history = RuleHistory(current=in_force[-1], versions=versions)
        groups.setdefault(_group_title(versions[0].key), []).append(history)
    ordered = sorted(
        groups.items(), key=lambda item: order.index(item[0]) if item[0] in order else len(order)
    )
    return [RuleGroup(title=t, rules=rules) for t, rules in ordered]


def access_rule_for_new_version(user, key: str) -> RuleRef:
    """The newest version of rule ``key`` (generic row first), for an admin to copy.

    Raises NotFound when the user may not add rules or the key does not exist.
    """
    if not user.has_perm("routes.add_rule"):
        raise NotFound()
    row = ProcurementRule.objects.filter(key=key).order_by("route", "-effective_from").first()
    if row is None:
        raise NotFound()
    return _ref(row)


def bank_holiday_list(user) -> list[BankHoliday]:
    """All bank holidays, oldest first (administrators only; NotFound for others)."""
    if not user.has_perm("routes.view_bankholidays"):
        raise NotFound()
    return list(BankHoliday.objects.order_by("date"))
