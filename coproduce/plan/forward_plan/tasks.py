"""Emails about forum events, sent in the background (enqueued on commit by the services)."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from coproduce.foundation.core.formatting import uk_moment, uk_when

from .ics import event_ics
from .models import EventRegistration, ForumEvent
from .selectors import registration_token


def _ics_for(event: ForumEvent, *, cancelled: bool = False) -> str:
    location = ", ".join(
        p for p in [event.venue, "Online" if event.online_joining_details else ""] if p
    )
    return event_ics(
        uid=f"forum-event-{event.pk}@coproduce",
        title=event.title,
        description=event.description,
        starts_at=event.starts_at,
        ends_at=event.ends_at,
        location=location,
        stamp=timezone.now(),
        cancelled=cancelled,
    )


@task()
def send_registration_confirmation(*, registration_id: int, site_url: str = "") -> int:
    """Email one registrant their place, the details, an .ics file and a cancel link."""
    reg = EventRegistration.objects.select_related("event").get(pk=registration_id)
    event = reg.event
    cancel = site_url + reverse("pipeline:registration_cancel", args=[registration_token(reg)])
    lines = [
        f"Dear {reg.name},",
        "",
        f"You have a place at “{event.title}”.",
        "",
        f"When: {uk_when(event.starts_at, event.ends_at)}",
    ]
    if event.venue:
        lines.append(f"Where: {event.venue}")
    if event.online_joining_details:
        lines += ["", "How to join online:", event.online_joining_details]
    if event.accessibility:
        lines += ["", "Accessibility:", event.accessibility]
    lines += [
        "",
        "A calendar file is attached so you can add the event to your calendar.",
        "",
        "If you can no longer come, please cancel so someone else can have your place:",
        cancel,
        "",
        settings.COUNCIL_NAME,
    ]
    message = EmailMessage(
        subject=f"Your place at {event.title}",
        body="\n".join(lines),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[reg.email],
    )
    message.attach("event.ics", _ics_for(event), "text/calendar")
    return message.send()


@task()
def send_event_cancelled(*, event_id: int, site_url: str = "") -> int:
    """Tell everyone still registered that the event is cancelled, and why."""
    event = ForumEvent.objects.get(pk=event_id)
    sent = 0
    for reg in event.registrations.filter(cancelled_at__isnull=True):
        message = EmailMessage(
            subject=f"Cancelled: {event.title}",
            body="\n".join(
                [
                    f"Dear {reg.name},",
                    "",
                    f"We are sorry: “{event.title}”, planned for "
                    f"{uk_moment(event.starts_at)}, has been cancelled.",
                    "",
                    f"Why: {event.cancelled_reason}",
                    "",
                    settings.COUNCIL_NAME,
                ]
            ),
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[reg.email],
        )
        message.attach("event.ics", _ics_for(event, cancelled=True), "text/calendar")
        sent += message.send()
    return sent
