"""Writes for the forward plan and supplier forum events.

Every service is one transaction that checks permission first (answering NotFound, so
nothing leaks), validates with coded errors, changes state and writes the audit row.
Emails go out through background tasks enqueued on commit.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import partial

from django.db import IntegrityError, transaction
from django.utils import timezone

from coproduce.foundation.accounts.models import User
from coproduce.foundation.commissioning.models import CommissioningProject
from coproduce.foundation.core.audit import audit_record
from coproduce.foundation.core.errors import IllegalTransition, NotFound, ServiceError
from coproduce.foundation.core.idempotency import submitted_once
from coproduce.foundation.core.models import ServiceArea
from coproduce.foundation.core.validation import TOO_LONG_THE, clean_text
from coproduce.plan.procurement_rules.models import Route

from .models import EventRegistration, ForumEvent, PlanEntry, PlanStatus
from .selectors import registration_from_token, registration_token  # noqa: F401 (callers use services.*)
from .tasks import send_event_cancelled, send_registration_confirmation

TEXT_MAX = 5000
REASON_MAX = 2000

# A public reason (withdrawing an entry, cancelling an event): required, "The reason must be …".
_reason = partial(
    clean_text,
    field="reason",
    label="the reason",
    limit=REASON_MAX,
    code="reason_required",
    too_long=TOO_LONG_THE,
)


# ---------------------------------------------------------------------------- forward plan


@dataclass
class PlanEntryData:
    """What the plan entry form sends."""

    title: str
    description: str
    service_area_id: int
    estimated_value_pence: int
    expected_tender_on: dt.date
    intended_route: str = Route.OPEN
    project_id: int | None = None


def _check_can_change_plan(actor) -> None:
    if not actor.has_perm("pipeline.change_plan"):
        raise NotFound()


def _validate_plan(data: PlanEntryData) -> dict:
    title = (data.title or "").strip()
    description = (data.description or "").strip()
    if not title:
        raise ServiceError("required", "Enter a title.", field="title")
    if len(title) > 200:
        raise ServiceError("too_long", "The title must be 200 characters or fewer.", field="title")
    if not description:
        raise ServiceError("required", "Enter a description.", field="description")
    if len(description) > TEXT_MAX:
        raise ServiceError(
            "too_long",
            f"The description must be {TEXT_MAX:,} characters or fewer.",
            field="description",
        )
    if data.estimated_value_pence is None or data.estimated_value_pence < 0:
        raise ServiceError(
            "negative_value",
            "The estimated value must be £0 or more.",
            field="estimated_value",
        )
    if data.intended_route not in Route.values:
        raise ServiceError("invalid_choice", "Choose an intended route.", field="intended_route")
    if not ServiceArea.objects.filter(pk=data.service_area_id).exists():
        raise ServiceError("invalid_choice", "Choose a service area.", field="service_area")
    if (
        data.project_id is not None
        and not CommissioningProject.objects.filter(pk=data.project_id).exists()
    ):
        raise ServiceError("invalid_choice", "Choose a project from the list.", field="project")
    return {
        "title": title,
        "description": description,
        "service_area_id": data.service_area_id,
        "estimated_value_pence": data.estimated_value_pence,
        "expected_tender_on": data.expected_tender_on,
        "intended_route": data.intended_route,
        "project_id": data.project_id,
    }


@submitted_once("pipeline.plan_entry")
def plan_entry_create(*, actor: User, data: PlanEntryData) -> PlanEntry:
    """Create a draft forward plan entry (commissioners and admins). Not public until published."""
    _check_can_change_plan(actor)
    values = _validate_plan(data)
    with transaction.atomic():
        entry = PlanEntry.objects.create(created_by=actor, **values)
        audit_record(
            actor=actor,
            verb="pipeline.plan_entry.created",
            target=entry,
            changes=dict(values),
        )
    return entry


def plan_entry_update(*, actor: User, entry: PlanEntry, data: PlanEntryData) -> PlanEntry:
    """Change an entry's details. A withdrawn or tendered entry is kept as it was."""
    _check_can_change_plan(actor)
    values = _validate_plan(data)
    with transaction.atomic():
        locked = PlanEntry.objects.select_for_update().get(pk=entry.pk)
        if locked.status in {PlanStatus.WITHDRAWN, PlanStatus.TENDERED}:
            raise ServiceError(
                "plan_entry_closed",
                "This entry is no longer planned or is already a tender, so it cannot be changed.",
            )
        changes = {k: [getattr(locked, k), v] for k, v in values.items() if getattr(locked, k) != v}
        if not changes:
            return locked
        for k, v in values.items():
            setattr(locked, k, v)
        locked.save()
        audit_record(
            actor=actor, verb="pipeline.plan_entry.updated", target=locked, changes=changes
        )
    return locked


def plan_entry_publish(*, actor: User, entry: PlanEntry) -> PlanEntry:
    """Publish a draft on the forward plan: this is the planned procurement notice.

    Its ``published_at`` is the day a tender may count from for the shorter minimum
    tender period. Publishing again does nothing.
    """
    _check_can_change_plan(actor)
    with transaction.atomic():
        locked = PlanEntry.objects.select_for_update().get(pk=entry.pk)
        if locked.status == PlanStatus.PUBLISHED:
            return locked
        if locked.status != PlanStatus.DRAFT:
            raise IllegalTransition(
                "illegal_transition",
                f"An entry that is “{locked.get_status_display().lower()}” cannot be published.",
            )
        locked.status = PlanStatus.PUBLISHED
        locked.published_at = timezone.now()
        locked.save(update_fields=["status", "published_at", "updated_at"])
        audit_record(
            actor=actor,
            verb="pipeline.plan_entry.published",
            target=locked,
            changes={"status": [PlanStatus.DRAFT, PlanStatus.PUBLISHED]},
        )
    return locked


def plan_entry_withdraw(*, actor: User, entry: PlanEntry, reason: str) -> PlanEntry:
    """Take an entry off the plan with a reason, which is shown publicly. Idempotent."""
    _check_can_change_plan(actor)
    reason = _reason(reason, missing="Say why this is no longer planned: it is shown publicly.")
    with transaction.atomic():
        locked = PlanEntry.objects.select_for_update().get(pk=entry.pk)
        if locked.status == PlanStatus.WITHDRAWN:
            return locked
        if locked.status == PlanStatus.TENDERED:
            raise IllegalTransition(
                "illegal_transition", "This entry is already a tender and cannot be withdrawn."
            )
        old = locked.status
        locked.status = PlanStatus.WITHDRAWN
        locked.withdrawn_reason = reason
        locked.save(update_fields=["status", "withdrawn_reason", "updated_at"])
        audit_record(
            actor=actor,
            verb="pipeline.plan_entry.withdrawn",
            target=locked,
            changes={"status": [old, PlanStatus.WITHDRAWN]},
            reason=reason,
        )
    return locked


def plan_entry_mark_tendered(*, actor: User, entry: PlanEntry, tender) -> PlanEntry:
    """Link a published entry to the tender that came from it; the plan then links to it.

    Called by the tenders work when a tender is published from a plan entry. Marking it
    again with the same tender does nothing; a draft or withdrawn entry is refused.
    """
    _check_can_change_plan(actor)
    with transaction.atomic():
        locked = PlanEntry.objects.select_for_update().get(pk=entry.pk)
        if locked.status == PlanStatus.TENDERED and locked.tender_id == tender.pk:
            return locked
        if locked.status != PlanStatus.PUBLISHED:
            raise IllegalTransition(
                "illegal_transition",
                "Only an entry on the published forward plan can be marked as tendered.",
            )
        locked.status = PlanStatus.TENDERED
        locked.tender = tender
        locked.save(update_fields=["status", "tender", "updated_at"])
        audit_record(
            actor=actor,
            verb="pipeline.plan_entry.tendered",
            target=locked,
            changes={
                "status": [PlanStatus.PUBLISHED, PlanStatus.TENDERED],
                "tender": tender.reference,
            },
        )
    return locked


# ---------------------------------------------------------------------------- events


@dataclass
class EventData:
    """What the event form sends. Times are aware datetimes."""

    title: str
    description: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    registration_closes_at: dt.datetime
    venue: str = ""
    online_joining_details: str = ""
    accessibility: str = ""
    capacity: int | None = None
    plan_entry_id: int | None = None


def _validate_event(data: EventData) -> dict:
    title = (data.title or "").strip()
    if not title:
        raise ServiceError("required", "Enter a title.", field="title")
    if len(title) > 200:
        raise ServiceError("too_long", "The title must be 200 characters or fewer.", field="title")
    description = (data.description or "").strip()
    if not description:
        raise ServiceError("required", "Enter a description.", field="description")
    if data.ends_at <= data.starts_at:
        raise ServiceError(
            "times_out_of_order", "The event must end after it starts.", field="ends_at"
        )
    if data.registration_closes_at > data.starts_at:
        raise ServiceError(
            "registration_after_start",
            "Registration must close before the event starts.",
            field="registration_closes_at",
        )
    venue = (data.venue or "").strip()
    online = (data.online_joining_details or "").strip()
    if not venue and not online:
        raise ServiceError(
            "place_required", "Enter a venue, online joining details, or both.", field="venue"
        )
    if data.capacity is not None and data.capacity < 1:
        raise ServiceError(
            "invalid_capacity", "The number of places must be 1 or more.", field="capacity"
        )
    if (
        data.plan_entry_id is not None
        and not PlanEntry.objects.filter(pk=data.plan_entry_id).exists()
    ):
        raise ServiceError("invalid_choice", "Choose a forward plan entry.", field="plan_entry")
    for name in ("description", "venue", "online_joining_details", "accessibility"):
        if len(getattr(data, name) or "") > TEXT_MAX:
            raise ServiceError(
                "too_long", f"This must be {TEXT_MAX:,} characters or fewer.", field=name
            )
    return {
        "title": title,
        "description": description,
        "starts_at": data.starts_at,
        "ends_at": data.ends_at,
        "registration_closes_at": data.registration_closes_at,
        "venue": venue,
        "online_joining_details": online,
        "accessibility": (data.accessibility or "").strip(),
        "capacity": data.capacity,
        "plan_entry_id": data.plan_entry_id,
    }


@submitted_once("pipeline.event")
def event_create(*, actor: User, data: EventData) -> ForumEvent:
    """Create an unpublished forum event (commissioners and admins)."""
    _check_can_change_plan(actor)
    values = _validate_event(data)
    with transaction.atomic():
        event = ForumEvent.objects.create(created_by=actor, **values)
        audit_record(actor=actor, verb="pipeline.event.created", target=event, changes=dict(values))
    return event


def event_update(*, actor: User, event: ForumEvent, data: EventData) -> ForumEvent:
    """Change an event's details. A cancelled event cannot be changed."""
    _check_can_change_plan(actor)
    values = _validate_event(data)
    with transaction.atomic():
        locked = ForumEvent.objects.select_for_update().get(pk=event.pk)
        if locked.cancelled_reason:
            raise ServiceError("event_cancelled", "This event was cancelled and cannot be changed.")
        if values["capacity"] is not None:
            taken = locked.registrations.filter(cancelled_at__isnull=True).count()
            if values["capacity"] < taken:
                raise ServiceError(
                    "capacity_below_registrations",
                    f"{taken} people are already registered: the number of places cannot be "
                    "lower than that.",
                    field="capacity",
                )
        changes = {k: [getattr(locked, k), v] for k, v in values.items() if getattr(locked, k) != v}
        if not changes:
            return locked
        for k, v in values.items():
            setattr(locked, k, v)
        locked.save()
        audit_record(actor=actor, verb="pipeline.event.updated", target=locked, changes=changes)
    return locked


def event_publish(*, actor: User, event: ForumEvent) -> ForumEvent:
    """Publish an event so people can see it and register. Publishing again does nothing."""
    _check_can_change_plan(actor)
    with transaction.atomic():
        locked = ForumEvent.objects.select_for_update().get(pk=event.pk)
        if locked.published_at is not None:
            return locked
        if locked.cancelled_reason:
            raise ServiceError("event_cancelled", "A cancelled event cannot be published.")
        locked.published_at = timezone.now()
        locked.save(update_fields=["published_at", "updated_at"])
        audit_record(
            actor=actor,
            verb="pipeline.event.published",
            target=locked,
            changes={"published_at": locked.published_at},
        )
    return locked


def event_cancel(*, actor: User, event: ForumEvent, reason: str, site_url: str = "") -> ForumEvent:
    """Cancel an event with a reason; everyone still registered is emailed. Idempotent."""
    _check_can_change_plan(actor)
    reason = _reason(reason, missing="Say why the event is cancelled: registrants are told.")
    with transaction.atomic():
        locked = ForumEvent.objects.select_for_update().get(pk=event.pk)
        if locked.cancelled_reason:
            return locked
        locked.cancelled_reason = reason
        locked.save(update_fields=["cancelled_reason", "updated_at"])
        audit_record(
            actor=actor,
            verb="pipeline.event.cancelled",
            target=locked,
            changes={"cancelled": True},
            reason=reason,
        )
        event_id = locked.pk
        transaction.on_commit(
            lambda: send_event_cancelled.enqueue(event_id=event_id, site_url=site_url)
        )
    return locked


# ---------------------------------------------------------------------------- registrations


@dataclass
class RegistrationData:
    """What the registration form sends."""

    name: str
    email: str
    organisation_name: str = ""
    access_needs: str = ""


def _event_open_for_registration(event: ForumEvent, now: dt.datetime) -> None:
    if event.published_at is None:
        raise NotFound()
    if event.cancelled_reason:
        raise ServiceError("event_cancelled", "This event has been cancelled.")
    if now >= event.registration_closes_at:
        raise ServiceError(
            "registration_closed", "Registration for this event has closed.", field=None
        )


def registration_create(
    *, actor, event: ForumEvent, data: RegistrationData, site_url: str = ""
) -> tuple[EventRegistration, bool]:
    """Register one person (signed in or not) for a published event.

    Returns ``(registration, created)``. One registration per email per event: a second
    one with the same email changes nothing and returns ``created=False``; a cancelled
    registration is taken up again. Capacity is enforced with the event row locked, so
    simultaneous registrations never exceed it. On success the confirmation email (with
    an .ics attachment and a cancel link) is sent after commit.
    """
    name = (data.name or "").strip()
    email = (data.email or "").strip().lower()
    if not name:
        raise ServiceError("required", "Enter your name.", field="name")
    if len(name) > 200:
        raise ServiceError("too_long", "Your name must be 200 characters or fewer.", field="name")
    if not email or "@" not in email or len(email) > 254:
        raise ServiceError(
            "invalid_email", "Enter an email address, like name@example.org.", field="email"
        )
    organisation_name = (data.organisation_name or "").strip()[:200]
    access_needs = (data.access_needs or "").strip()
    if len(access_needs) > TEXT_MAX:
        raise ServiceError(
            "too_long",
            f"Access needs must be {TEXT_MAX:,} characters or fewer.",
            field="access_needs",
        )
    user = actor if getattr(actor, "is_authenticated", False) else None
    with transaction.atomic():
        locked = ForumEvent.objects.select_for_update().get(pk=event.pk)
        _event_open_for_registration(locked, timezone.now())
        existing = EventRegistration.objects.filter(event=locked, email=email).first()
        if existing is not None and existing.cancelled_at is None:
            return existing, False
        if locked.capacity is not None:
            taken = EventRegistration.objects.filter(
                event=locked, cancelled_at__isnull=True
            ).count()
            if taken >= locked.capacity:
                raise ServiceError("event_full", "Sorry, this event is full.")
        values = {
            "name": name,
            "user": user,
            "organisation_name": organisation_name,
            "access_needs": access_needs,
            "cancelled_at": None,
        }
        if existing is not None:
            for k, v in values.items():
                setattr(existing, k, v)
            existing.save()
            registration = existing
        else:
            try:
                with transaction.atomic():
                    registration = EventRegistration.objects.create(
                        event=locked, email=email, **values
                    )
            except IntegrityError:  # a racing duplicate on a database without row locks
                return EventRegistration.objects.get(event=locked, email=email), False
        audit_record(
            actor=user,
            verb="pipeline.registration.created",
            target=registration,
            changes={"event": locked.pk},
        )
        reg_id = registration.pk
        transaction.on_commit(
            lambda: send_registration_confirmation.enqueue(
                registration_id=reg_id, site_url=site_url
            )
        )
    return registration, True


def registration_cancel(*, actor, registration: EventRegistration) -> EventRegistration:
    """Cancel a registration (from the signed link or by staff), freeing the place. Idempotent."""
    with transaction.atomic():
        ForumEvent.objects.select_for_update().get(pk=registration.event_id)
        locked = EventRegistration.objects.get(pk=registration.pk)
        if locked.cancelled_at is not None:
            return locked
        locked.cancelled_at = timezone.now()
        locked.save(update_fields=["cancelled_at"])
        audit_record(
            actor=actor if getattr(actor, "is_authenticated", False) else None,
            verb="pipeline.registration.cancelled",
            target=locked,
            changes={"event": locked.event_id},
        )
    return locked
