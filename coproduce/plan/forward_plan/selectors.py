"""Reads for the forward plan and forum events."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.core import signing
from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from coproduce.foundation.core.errors import NotFound

from .formatting import quarter_label, quarter_of
from .models import EventRegistration, ForumEvent, PlanEntry, PlanStatus

PUBLIC_PLAN_STATUSES = [PlanStatus.PUBLISHED, PlanStatus.TENDERED, PlanStatus.WITHDRAWN]
CANCEL_SALT = "pipeline.registration.cancel"


def registration_token(registration: EventRegistration) -> str:
    """A signed token for the registration's cancel link (tamper-proof, no expiry)."""
    return signing.dumps({"r": registration.pk, "e": registration.email}, salt=CANCEL_SALT)


def registration_from_token(token: str) -> EventRegistration:
    """The registration a cancel token names; NotFound for a tampered or unknown token."""
    try:
        data = signing.loads(token, salt=CANCEL_SALT)
    except signing.BadSignature:
        raise NotFound() from None
    registration = (
        EventRegistration.objects.select_related("event")
        .filter(pk=data.get("r"), email=data.get("e"))
        .first()
    )
    if registration is None:
        raise NotFound()
    return registration


def _public_events() -> QuerySet[ForumEvent]:
    return ForumEvent.objects.filter(published_at__isnull=False).order_by("starts_at", "pk")


def _plan_qs() -> QuerySet[PlanEntry]:
    return PlanEntry.objects.select_related("service_area", "project", "tender").prefetch_related(
        Prefetch("events", queryset=_public_events(), to_attr="public_events")
    )


def public_plan_entries() -> QuerySet[PlanEntry]:
    """Entries anyone may see: published, tendered and withdrawn (with the reason)."""
    return _plan_qs().filter(status__in=PUBLIC_PLAN_STATUSES).order_by("expected_tender_on", "pk")


def published_plan_entries_for_project(project) -> QuerySet[PlanEntry]:
    """The project's entries that are on the public forward plan (published or tendered)."""
    return (
        PlanEntry.objects.filter(
            project=project, status__in=[PlanStatus.PUBLISHED, PlanStatus.TENDERED]
        )
        .select_related("service_area", "tender")
        .order_by("expected_tender_on", "pk")
    )


@dataclass
class Quarter:
    """Plan entries expected in one calendar quarter."""

    label: str
    entries: list[PlanEntry] = field(default_factory=list)


def plan_by_quarter(entries) -> list[Quarter]:
    """Group entries (already in date order) by expected quarter: "January to March 2027"."""
    quarters: dict[tuple[int, int], Quarter] = {}
    for entry in entries:
        key = quarter_of(entry.expected_tender_on)
        quarters.setdefault(key, Quarter(label=quarter_label(*key))).entries.append(entry)
    return [quarters[k] for k in sorted(quarters)]


def plan_staff_list(*, user) -> QuerySet[PlanEntry]:
    """Every entry including drafts, for council staff; NotFound for anyone else."""
    if not user.has_perm("pipeline.view_plan_drafts"):
        raise NotFound()
    return _plan_qs().order_by("expected_tender_on", "pk")


def access_plan_entry_by_id(*, user, entry_id: int, perm: str = "") -> PlanEntry:
    """One entry: public ones for everyone, drafts for council staff; ``perm`` to act on it."""
    entry = _plan_qs().filter(pk=entry_id).first()
    if entry is None:
        raise NotFound()
    if entry.status == PlanStatus.DRAFT and not user.has_perm("pipeline.view_plan_drafts"):
        raise NotFound()
    if perm and not user.has_perm(perm):
        raise NotFound()
    return entry


def _events_qs() -> QuerySet[ForumEvent]:
    return ForumEvent.objects.select_related("plan_entry").annotate(
        places_taken=Count("registrations", filter=Q(registrations__cancelled_at__isnull=True))
    )


def upcoming_events(*, now: dt.datetime | None = None) -> QuerySet[ForumEvent]:
    """Published events that have not ended (cancelled ones stay listed, marked cancelled)."""
    now = now or timezone.now()
    return _events_qs().filter(published_at__isnull=False, ends_at__gt=now).order_by("starts_at")


def event_staff_list(*, user) -> QuerySet[ForumEvent]:
    """All events, drafts included, newest first; council staff only."""
    if not user.has_perm("pipeline.view_plan_drafts"):
        raise NotFound()
    return _events_qs().order_by("-starts_at")


def access_event_by_id(*, user, event_id: int, perm: str = "") -> ForumEvent:
    """A published event for everyone; unpublished ones for council staff only."""
    event = _events_qs().filter(pk=event_id).first()
    if event is None:
        raise NotFound()
    if event.published_at is None and not user.has_perm("pipeline.view_plan_drafts"):
        raise NotFound()
    if perm and not user.has_perm(perm):
        raise NotFound()
    return event


def places_left(event: ForumEvent) -> int | None:
    """Free places (None when there is no limit). Uses the ``places_taken`` annotation."""
    if event.capacity is None:
        return None
    taken = getattr(event, "places_taken", None)
    if taken is None:
        taken = event.registrations.filter(cancelled_at__isnull=True).count()
    return max(event.capacity - taken, 0)


def registration_is_open(event: ForumEvent, now: dt.datetime | None = None) -> bool:
    """Published, not cancelled, before the registration closing time, with a place left."""
    now = now or timezone.now()
    left = places_left(event)
    return (
        event.published_at is not None
        and not event.cancelled_reason
        and now < event.registration_closes_at
        and (left is None or left > 0)
    )


def user_is_registered(event: ForumEvent, user) -> bool:
    """Whether this signed-in user holds a place (by account or by email address)."""
    if not getattr(user, "is_authenticated", False):
        return False
    return EventRegistration.objects.filter(
        Q(user=user) | Q(email__iexact=user.email), event=event, cancelled_at__isnull=True
    ).exists()


def event_registrations(*, user, event: ForumEvent) -> QuerySet[EventRegistration]:
    """Everyone registered (with access needs), for council staff; NotFound otherwise."""
    if not user.has_perm("pipeline.view_registrations"):
        raise NotFound()
    return EventRegistration.objects.filter(event=event).order_by("cancelled_at", "created_at")
