"""Reads of the audit trail."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from .audit import visible_streams_q
from .errors import NotFound
from .models import PUBLIC_STREAM, AuditEvent


@dataclass(frozen=True)
class AuditFilters:
    verb: str = ""
    actor: str = ""
    target_type: str = ""
    target_id: str = ""
    since: dt.date | None = None
    until: dt.date | None = None


# Apps register callables returning a Q of public-stream events that must stay hidden for
# now. Since sealed events have their own streams (``audit.register_sealed_audit``) this only
# matters for events written before the streams existed (the bids app hides those about
# bids until their tender is opened).
AUDIT_EVENT_HIDERS: list[Callable[[], Q]] = []


def visible_audit_events() -> QuerySet[AuditEvent]:
    """The one visibility rule for audit events, used by every reader.

    Public-stream events, except those an app still hides (``AUDIT_EVENT_HIDERS``), and the
    whole of every sealed stream whose tender has been opened or whose budgeting round's
    results are published (``audit.SEALED_AUDIT``). Nothing about an unrevealed sealed
    stream gets out: not its events, their number, nor a gap in the public numbering (its
    events were never numbered in the public stream). The same rule holds for everyone,
    superusers included. The audit page, its filters' choices (verbs, types of record) and
    the Django admin (list, filters, search, change page) all start here.
    """
    qs = AuditEvent.objects.filter(visible_streams_q())
    for hidden in AUDIT_EVENT_HIDERS:
        qs = qs.exclude(Q(stream=PUBLIC_STREAM) & hidden())
    return qs


def visible_audit_event(*, stream: str, seq: int) -> AuditEvent | None:
    """One visible event by its stream and number, or None (missing and hidden alike)."""
    return visible_audit_events().filter(stream=stream, seq=seq).first()


def may_read_audit(user) -> bool:
    """Only the admin and finance (auditor) roles read the audit trail.

    The role is checked as well as the permission because Django grants every permission
    to a superuser: being a superuser is not a reason to read the trail.
    """
    return bool(getattr(user, "can_read_audit", False)) and user.has_perm("core.view_auditevent")


def audit_event_list(*, user, filters: AuditFilters = AuditFilters()) -> QuerySet[AuditEvent]:
    """Audit events, newest first, for admins and auditors; NotFound for anyone else."""
    if not may_read_audit(user):
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
    return qs.order_by("-occurred_at", "-id")


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
