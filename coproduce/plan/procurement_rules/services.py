"""Writes for the procurement rules table and bank holidays (administrators only).

A rule is never edited: a change is a new version with a later ``effective_from``. Each
write is one transaction with its audit row; permission is checked first and answers
NotFound, like every other admin-only write.
"""

from __future__ import annotations

import datetime as dt
import re

from django.db import IntegrityError, transaction

from coproduce.foundation.accounts.models import User
from coproduce.foundation.core.audit import audit_record
from coproduce.foundation.core.errors import NotFound, ServiceError

from .models import BankHoliday, ProcurementRule, Route, Unit

KEY_PATTERN = re.compile(r"^[a-z][a-z_]*(\.[a-z][a-z_]*)+$")
LABEL_MAX = 200
SOURCE_TITLE_MAX = 300
SOURCE_URL_MAX = 500
NAME_MAX = 100


def _validate_rule(
    *, key: str, route: str, value: int, unit: str, label: str, source_title: str, source_url: str
) -> None:
    if not KEY_PATTERN.match(key) or len(key) > 80:
        raise ServiceError(
            "invalid_key", "Use a rule name like “threshold.goods_services”.", field="key"
        )
    if route not in {"", *Route.values}:
        raise ServiceError("invalid_choice", "Choose a route from the list.", field="route")
    if unit not in Unit.values:
        raise ServiceError("invalid_choice", "Choose a unit from the list.", field="unit")
    if not isinstance(value, int) or isinstance(value, bool):
        raise ServiceError("invalid_value", "Enter the value as a whole number.", field="value")
    if value < 0:
        raise ServiceError(
            "negative_value",
            "The value must be 0 or more: a rule cannot have a negative value.",
            field="value",
        )
    if not label:
        raise ServiceError("required", "Enter a plain-English name for the rule.", field="label")
    if len(label) > LABEL_MAX:
        raise ServiceError(
            "too_long", f"The name must be {LABEL_MAX} characters or fewer.", field="label"
        )
    if not source_title:
        raise ServiceError(
            "source_required",
            "Enter where the rule comes from, for example the Act and section.",
            field="source_title",
        )
    if len(source_title) > SOURCE_TITLE_MAX:
        raise ServiceError(
            "too_long",
            f"The source must be {SOURCE_TITLE_MAX} characters or fewer.",
            field="source_title",
        )
    if source_url and (
        not re.match(r"^https?://[^\s]+$", source_url) or len(source_url) > SOURCE_URL_MAX
    ):
        raise ServiceError(
            "invalid_url",
            "Enter the source’s web address starting with https://, or leave it blank.",
            field="source_url",
        )


def rule_add(
    *,
    actor: User,
    key: str,
    route: str,
    value: int,
    unit: str,
    effective_from: dt.date,
    label: str,
    source_title: str,
    source_url: str = "",
    note: str = "",
) -> ProcurementRule:
    """Add a new version of a rule from ``effective_from``; never changes an existing row.

    Refuses negative values and a second, different version on the same date. Submitting
    the very same version again (a double click) returns the one already stored.
    Audited as ``routes.rule.added``.
    """
    if not actor.has_perm("routes.add_rule"):
        raise NotFound()
    key, route = key.strip(), (route or "").strip()
    label, source_title = label.strip(), source_title.strip()
    source_url, note = (source_url or "").strip(), (note or "").strip()
    _validate_rule(
        key=key,
        route=route,
        value=value,
        unit=unit,
        label=label,
        source_title=source_title,
        source_url=source_url,
    )
    if effective_from is None:
        raise ServiceError(
            "required", "Enter the date the rule applies from.", field="effective_from"
        )
    with transaction.atomic():
        existing = (
            ProcurementRule.objects.select_for_update()
            .filter(key=key, route=route, effective_from=effective_from)
            .first()
        )
        if existing is not None:
            same = (existing.value, existing.unit, existing.label, existing.source_title) == (
                value,
                unit,
                label,
                source_title,
            )
            if same:
                return existing
            raise ServiceError(
                "duplicate_version",
                f"There is already a version of “{key}” from "
                f"{effective_from.day} {effective_from:%B %Y}. Choose another date: a rule "
                "is never changed, only followed by a new version.",
                field="effective_from",
            )
        previous = (
            ProcurementRule.objects.filter(key=key, route=route, effective_from__lt=effective_from)
            .order_by("-effective_from")
            .first()
        )
        try:
            with transaction.atomic():
                rule = ProcurementRule.objects.create(
                    key=key,
                    route=route,
                    value=value,
                    unit=unit,
                    effective_from=effective_from,
                    label=label,
                    source_title=source_title,
                    source_url=source_url,
                    note=note,
                    created_by=actor,
                )
        except IntegrityError:
            raise ServiceError(
                "duplicate_version",
                f"There is already a version of “{key}” from that date.",
                field="effective_from",
            ) from None
        audit_record(
            actor=actor,
            verb="routes.rule.added",
            target=rule,
            changes={
                "key": key,
                "route": route,
                "value": [previous.value if previous else None, value],
                "unit": unit,
                "effective_from": effective_from,
                "source_title": source_title,
                "source_url": source_url,
            },
            reason=note,
        )
    return rule


def bank_holiday_add(*, actor: User, date: dt.date, name: str) -> BankHoliday:
    """Add a bank holiday (for example a one-off proclaimed day). Audited.

    Adding the same day with the same name again returns the one stored; a weekend day is
    refused because it cannot change the working-day arithmetic.
    """
    if not actor.has_perm("routes.add_bankholiday"):
        raise NotFound()
    name = (name or "").strip()
    if date is None:
        raise ServiceError("required", "Enter the date of the bank holiday.", field="date")
    if not name:
        raise ServiceError("required", "Enter the name of the bank holiday.", field="name")
    if len(name) > NAME_MAX:
        raise ServiceError(
            "too_long", f"The name must be {NAME_MAX} characters or fewer.", field="name"
        )
    if date.weekday() >= 5:
        raise ServiceError(
            "weekend_date",
            "Enter a weekday: weekends are never working days already. For a holiday that "
            "falls at the weekend, enter the substitute day.",
            field="date",
        )
    with transaction.atomic():
        existing = BankHoliday.objects.select_for_update().filter(date=date).first()
        if existing is not None:
            if existing.name == name:
                return existing
            raise ServiceError(
                "duplicate_holiday",
                f"{date.day} {date:%B %Y} is already a bank holiday ({existing.name}).",
                field="date",
            )
        holiday = BankHoliday.objects.create(date=date, name=name)
        audit_record(
            actor=actor,
            verb="routes.bank_holiday.added",
            target=holiday,
            changes={"date": date, "name": name},
        )
    return holiday
