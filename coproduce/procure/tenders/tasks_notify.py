"""Background emails about questions and changes on a tender (Django tasks API).

Enqueued with ``transaction.on_commit`` by ``services_clarifications``. Notifications to
followers record an ``AlertDelivery`` row per person *before* sending, so a retried or
repeated task never emails anyone twice about the same answer or change. Emails to other
organisations show only the asker's pseudonym, never who asked.
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django_tasks import task

from .models import AlertDelivery, AlertKind, Amendment, Clarification
from .selectors_clarifications import follower_emails


def _site_url() -> str:
    # Same fallback as the new-tender alerts (services_alerts), until SITE_URL is a setting.
    return (getattr(settings, "SITE_URL", "") or "http://localhost:8000").rstrip("/")


def _link(name: str, reference: str) -> str:
    return _site_url() + reverse(name, args=[reference])


def _claim(*, tender_id: int, user_id: int, kind: str, event_key: str) -> bool:
    """Record that this person is being told about this event; False if they already were."""
    try:
        with transaction.atomic():
            AlertDelivery.objects.create(
                tender_id=tender_id, user_id=user_id, kind=kind, event_key=event_key
            )
    except IntegrityError:
        return False
    return True


def _notify_followers(*, tender, kind: str, event_key: str, subject: str, body: str) -> int:
    sent = 0
    for user_id, email in follower_emails(tender):
        if not _claim(tender_id=tender.pk, user_id=user_id, kind=kind, event_key=event_key):
            continue
        sent += send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [email])
    return sent


@task()
def send_answer_notifications(*, clarification_id: int) -> int:
    """Email every member of every following organisation about a published answer, once."""
    clarification = (
        Clarification.objects.select_related("tender", "pseudonym", "lot")
        .filter(pk=clarification_id, status="published")
        .first()
    )
    if clarification is None:
        return 0
    tender = clarification.tender
    body = render_to_string(
        "tenders/notify_answer.txt",
        {
            "tender": tender,
            "clarification": clarification,
            "link": _link("tenders:questions", tender.reference),
        },
    )
    return _notify_followers(
        tender=tender,
        kind=AlertKind.ANSWER,
        event_key=str(clarification.number),
        subject=f"Question {clarification.number} answered: {tender.reference} {tender.title}",
        body=body,
    )


@task()
def send_amendment_notifications(*, amendment_id: int) -> int:
    """Email every member of every following organisation about a change, once."""
    amendment = Amendment.objects.select_related("tender").filter(pk=amendment_id).first()
    if amendment is None:
        return 0
    tender = amendment.tender
    body = render_to_string(
        "tenders/notify_amendment.txt",
        {
            "tender": tender,
            "amendment": amendment,
            "deadline_moved": amendment.previous_deadline != amendment.new_deadline,
            "link": _link("tenders:amendments", tender.reference),
        },
    )
    return _notify_followers(
        tender=tender,
        kind=AlertKind.AMENDMENT,
        event_key=str(amendment.number),
        subject=f"Change {amendment.number} to {tender.reference} {tender.title}",
        body=body,
    )


@task()
def send_question_received(*, clarification_id: int) -> int:
    """Confirm to the person who asked that their question arrived (names their organisation)."""
    clarification = (
        Clarification.objects.select_related(
            "tender", "organisation", "asked_by", "pseudonym", "lot"
        )
        .filter(pk=clarification_id)
        .first()
    )
    if clarification is None or not clarification.asked_by.email:
        return 0
    tender = clarification.tender
    body = render_to_string(
        "tenders/notify_question_received.txt",
        {
            "tender": tender,
            "clarification": clarification,
            "link": _link("tenders:questions", tender.reference),
        },
    )
    return send_mail(
        f"We have your question {clarification.number} on {tender.reference}",
        body,
        settings.DEFAULT_FROM_EMAIL,
        [clarification.asked_by.email],
    )


@task()
def send_question_declined(*, clarification_id: int) -> int:
    """Tell the person who asked that their question will not be published, and why."""
    clarification = (
        Clarification.objects.select_related("tender", "organisation", "asked_by")
        .filter(pk=clarification_id, status="declined")
        .first()
    )
    if clarification is None or not clarification.asked_by.email:
        return 0
    tender = clarification.tender
    body = render_to_string(
        "tenders/notify_question_declined.txt",
        {
            "tender": tender,
            "clarification": clarification,
            "link": _link("tenders:questions", tender.reference),
        },
    )
    return send_mail(
        f"Your question {clarification.number} on {tender.reference} will not be published",
        body,
        settings.DEFAULT_FROM_EMAIL,
        [clarification.asked_by.email],
    )
