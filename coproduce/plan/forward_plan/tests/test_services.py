"""Forward plan and event services: rules, idempotence, capacity, tokens and audit."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from coproduce.foundation.core.errors import NotFound, ServiceError
from coproduce.foundation.core.models import AuditEvent
from coproduce.plan.forward_plan import services as svc
from coproduce.plan.forward_plan.models import EventRegistration, ForumEvent, PlanEntry
from coproduce.plan.forward_plan.selectors import published_plan_entries_for_project

from .factories import event_data, make_entry, make_event, plan_data, reg

pytestmark = pytest.mark.django_db


def verbs() -> list[str]:
    return list(AuditEvent.objects.order_by("seq").values_list("verb", flat=True))


# ------------------------------------------------------------------ plan


def test_publishing_a_plan_entry_is_audited_and_idempotent(commissioner):
    entry = make_entry(actor=commissioner)
    first = svc.plan_entry_publish(actor=commissioner, entry=entry)
    again = svc.plan_entry_publish(actor=commissioner, entry=entry)
    assert first.status == again.status == "published"
    assert first.published_at == again.published_at
    assert verbs().count("pipeline.plan_entry.published") == 1


@pytest.mark.parametrize("who", ["resident", "provider", "finance"])
def test_only_commissioners_and_admins_write_the_plan(request, who):
    with pytest.raises(NotFound):
        svc.plan_entry_create(actor=request.getfixturevalue(who), data=plan_data())
    assert PlanEntry.objects.count() == 0


def test_admin_may_write_the_plan(platform_admin):
    assert make_entry(actor=platform_admin, published=True).status == "published"


def test_a_negative_value_is_refused_and_nothing_stored(commissioner):
    with pytest.raises(ServiceError) as exc:
        svc.plan_entry_create(actor=commissioner, data=plan_data(estimated_value_pence=-1))
    assert exc.value.code == "negative_value"
    assert PlanEntry.objects.count() == 0


def test_withdrawing_needs_a_reason_which_is_kept(commissioner):
    entry = make_entry(actor=commissioner, published=True)
    with pytest.raises(ServiceError) as exc:
        svc.plan_entry_withdraw(actor=commissioner, entry=entry, reason="  ")
    assert exc.value.code == "reason_required"
    entry.refresh_from_db()
    assert entry.status == "published"
    svc.plan_entry_withdraw(actor=commissioner, entry=entry, reason="Budget moved to 2028.")
    entry.refresh_from_db()
    assert (entry.status, entry.withdrawn_reason) == ("withdrawn", "Budget moved to 2028.")
    assert "pipeline.plan_entry.withdrawn" in verbs()


def test_published_plan_entries_for_project_leaves_out_drafts_and_withdrawn(
    commissioner, published_project
):
    shown = make_entry(actor=commissioner, published=True, project_id=published_project.pk)
    make_entry(actor=commissioner, project_id=published_project.pk)
    gone = make_entry(actor=commissioner, published=True, project_id=published_project.pk)
    svc.plan_entry_withdraw(actor=commissioner, entry=gone, reason="No longer needed")
    assert list(published_plan_entries_for_project(published_project)) == [shown]


# ------------------------------------------------------------------ events


def test_event_must_end_after_it_starts(commissioner):
    start = timezone.now() + dt.timedelta(days=3)
    with pytest.raises(ServiceError) as exc:
        svc.event_create(actor=commissioner, data=event_data(starts_at=start, ends_at=start))
    assert exc.value.code == "times_out_of_order"
    assert ForumEvent.objects.count() == 0


def test_registering_twice_with_the_same_email_changes_nothing(
    commissioner, django_capture_on_commit_callbacks
):
    event = make_event(actor=commissioner)
    with django_capture_on_commit_callbacks(execute=True):
        first, created = svc.registration_create(actor=None, event=event, data=reg())
        second, created_again = svc.registration_create(
            actor=None, event=event, data=reg(name="Someone else", email="SAM@example.org ")
        )
    assert (created, created_again) == (True, False)
    assert first.pk == second.pk
    assert EventRegistration.objects.get().name == "Sam Provider"
    assert len(mail.outbox) == 1
    assert verbs().count("pipeline.registration.created") == 1


def test_confirmation_email_has_a_calendar_file_and_a_cancel_link(
    commissioner, django_capture_on_commit_callbacks
):
    event = make_event(actor=commissioner)
    with django_capture_on_commit_callbacks(execute=True):
        svc.registration_create(actor=None, event=event, data=reg(), site_url="https://example.org")
    message = mail.outbox[0]
    assert message.to == ["sam@example.org"]
    name, content, mimetype = message.attachments[0]
    assert (name, mimetype) == ("event.ics", "text/calendar")
    assert "BEGIN:VEVENT" in content and "SUMMARY:Meet the buyer: day opportunities" in content
    assert "https://example.org/events/registrations/" in message.body
    assert "Teams link" in message.body


def test_registration_is_refused_after_it_closes(commissioner):
    start = timezone.now() + dt.timedelta(hours=3)
    event = make_event(
        actor=commissioner,
        starts_at=start,
        ends_at=start + dt.timedelta(hours=1),
        registration_closes_at=timezone.now() - dt.timedelta(minutes=1),
    )
    with pytest.raises(ServiceError) as exc:
        svc.registration_create(actor=None, event=event, data=reg())
    assert exc.value.code == "registration_closed"
    assert EventRegistration.objects.count() == 0


def test_a_full_event_refuses_and_a_cancellation_frees_the_place(commissioner):
    event = make_event(actor=commissioner, capacity=1)
    first, _ = svc.registration_create(actor=None, event=event, data=reg())
    with pytest.raises(ServiceError) as exc:
        svc.registration_create(actor=None, event=event, data=reg(email="b@example.org"))
    assert exc.value.code == "event_full"
    svc.registration_cancel(actor=None, registration=first)
    _, created = svc.registration_create(actor=None, event=event, data=reg(email="b@example.org"))
    assert created
    assert "pipeline.registration.cancelled" in verbs()


def test_unpublished_event_cannot_be_registered_for(commissioner):
    event = make_event(actor=commissioner, published=False)
    with pytest.raises(NotFound):
        svc.registration_create(actor=None, event=event, data=reg())


def test_cancel_token_round_trips_and_a_tampered_one_is_refused(commissioner):
    event = make_event(actor=commissioner)
    registration, _ = svc.registration_create(actor=None, event=event, data=reg())
    token = svc.registration_token(registration)
    assert svc.registration_from_token(token) == registration
    tampered = token[:-2] + ("AA" if token[-2:] != "AA" else "BB")
    with pytest.raises(NotFound):
        svc.registration_from_token(tampered)
    with pytest.raises(NotFound):
        svc.registration_from_token("not-a-token")


def test_cancelling_an_event_emails_everyone_still_registered(
    commissioner, django_capture_on_commit_callbacks
):
    event = make_event(actor=commissioner)
    svc.registration_create(actor=None, event=event, data=reg())
    gone, _ = svc.registration_create(actor=None, event=event, data=reg(email="b@example.org"))
    svc.registration_cancel(actor=None, registration=gone)
    with django_capture_on_commit_callbacks(execute=True):
        svc.event_cancel(actor=commissioner, event=event, reason="The venue flooded.")
        svc.event_cancel(actor=commissioner, event=event, reason="Again")
    assert [m.to for m in mail.outbox] == [["sam@example.org"]]
    assert "The venue flooded." in mail.outbox[0].body
    assert verbs().count("pipeline.event.cancelled") == 1
