"""Reads of the audit trail."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from .errors import NotFound
from .models import AuditEvent


@dataclass(frozen=True)
class AuditFilters:
    verb: str = ""
    actor: str = ""
    target_type: str = ""
    target_id: str = ""
    since: dt.date | None = None
    until: dt.date | None = None


# Apps register callables returning a Q of events that must stay hidden for now (the bids
# app hides events about bids until their tender is opened, so the trail leaks no count).
AUDIT_EVENT_HIDERS: list[Callable[[], Q]] = []


def visible_audit_events() -> QuerySet[AuditEvent]:
    """Every audit event except those an app hides for now (``AUDIT_EVENT_HIDERS``).

    The one place the hiding rule is applied: the list of events and the choices of its
    filters (verbs, types of record) all start here, so a filter never names something
    the list hides (before opening, "bids.bid.submitted" would tell that a bid exists).
    """
    qs = AuditEvent.objects.all()
    for hidden in AUDIT_EVENT_HIDERS:
        qs = qs.exclude(hidden())
    return qs


def audit_event_list(*, user, filters: AuditFilters = AuditFilters()) -> QuerySet[AuditEvent]:
    """Audit events, newest first, for admins and auditors; NotFound for anyone else."""
    if not user.has_perm("core.view_auditevent"):
        raise NotFound()
    qs = visible_audit_events()
    if filters.verb:
        qs = qs.filter(verb__startswith=filters.verb)
    if filters.actor:
        qs = qs.filter(actor_label__icontains=filters.actor)
    if filters.target_type:
        qs = qs.filter(target_type=filters.target_type)
    if filters.target_id:
        qs = qs.filter(target_id=filters.target_id)
    if filters.since:
        qs = qs.filter(occurred_at__date__gte=filters.since)
    if filters.until:
        qs = qs.filter(occurred_at__date__lte=filters.until)
    return qs.order_by("-seq")


def audit_verbs() -> list[str]:
    """The distinct verbs of the events the list may show, for the filter drop-down."""
    return list(visible_audit_events().order_by("verb").values_list("verb", flat=True).distinct())


def audit_target_types() -> list[str]:
    """The distinct types of record of the events the list may show, for the filter."""
    return list(
        visible_audit_events()
        .order_by("target_type")
        .values_list("target_type", flat=True)
        .distinct()
    )
