"""Tender services: drafts, lots, publication against the rules table, closing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from coproduce.foundation.commissioning.tests.factories import make_project
from coproduce.foundation.core.errors import IllegalTransition, NotFound, ServiceError
from coproduce.foundation.core.models import AuditEvent
from coproduce.plan.evaluation_models.models import ModelStatus
from coproduce.plan.forward_plan.models import PlanStatus
from coproduce.plan.forward_plan.services import (
    PlanEntryData,
    plan_entry_create,
    plan_entry_publish,
)
from coproduce.plan.procurement_rules.selectors import rulebook_on
from coproduce.plan.specifications.models import Specification
from coproduce.procure.tenders import services as tender_services
from coproduce.procure.tenders.models import DocumentKind, Lot, Tender, TenderStatus
from coproduce.procure.tenders.selectors import (
    tender_is_open,
    tender_public_status,
    tender_publication_problems,
)
from coproduce.procure.tenders.services import (
    tender_close,
    tender_create,
    tender_publish,
    tender_set_no_lots_reason,
    tender_update,
)

from . import test_tenders_support as support
from .test_tenders_support import add_lot, audit_verbs, earliest_deadline, tender_data

# Fixtures shared by the tender test modules.
draft_tender = support.draft_tender
model = support.model
published_tender = support.published_tender
ready_project = support.ready_project
spec = support.spec


def _publish_error(actor, tender) -> ServiceError:
    with pytest.raises(ServiceError) as caught:
        tender_publish(actor=actor, tender=tender)
    return caught.value


def test_a_commissioner_creates_a_draft_with_a_reference_and_an_audit_event(
    commissioner, ready_project, spec, model
):
    tender = tender_create(
        actor=commissioner, project=ready_project, data=tender_data(ready_project, spec, model)
    )
    year = timezone.localdate().year
    assert tender.reference == f"T-{year}-0001"
    assert tender.status == TenderStatus.DRAFT
    assert tender.published_at is None
    assert audit_verbs(tender) == ["tenders.tender.created"]


def test_a_double_submitted_create_makes_one_draft(commissioner, ready_project, spec, model):
    data = tender_data(ready_project, spec, model)
    first = tender_create(actor=commissioner, project=ready_project, data=data)
    second = tender_create(actor=commissioner, project=ready_project, data=data)
    assert first.pk == second.pk
    assert Tender.objects.count() == 1


def test_a_tender_cannot_be_started_before_the_plan_stage(commissioner, spec, model):
    project = make_project(actor=commissioner, published=True, title="Understand only")
    with pytest.raises(ServiceError) as caught:
        tender_create(actor=commissioner, project=project, data=tender_data(project, spec, model))
    assert caught.value.code == "project_stage"
    assert not Tender.objects.exists()


@pytest.mark.parametrize("who", ["finance", "resident", "provider"])
def test_only_commissioners_create_tenders(request, who, ready_project, spec, model):
    with pytest.raises(NotFound):
        tender_create(
            actor=request.getfixturevalue(who),
            project=ready_project,
            data=tender_data(ready_project, spec, model),
        )
    assert not Tender.objects.exists()


def test_a_negative_value_is_refused_and_nothing_is_stored(
    commissioner, ready_project, spec, model
):
    with pytest.raises(ServiceError) as caught:
        tender_create(
            actor=commissioner,
            project=ready_project,
            data=tender_data(ready_project, spec, model, value_pence=-1),
        )
    assert (caught.value.code, caught.value.field) == ("negative", "value")
    assert not Tender.objects.exists()


def test_a_draft_specification_cannot_be_used(commissioner, ready_project, model):
    draft = Specification.objects.create(
        project=ready_project, version=1, title="Draft", purpose="x", created_by=commissioner
    )
    with pytest.raises(ServiceError) as caught:
        tender_create(
            actor=commissioner,
            project=ready_project,
            data=tender_data(ready_project, draft, model),
        )
    assert caught.value.code == "specification_not_published"


def test_publishing_opens_the_tender_locks_the_model_and_adds_the_pack_pages(
    commissioner, draft_tender, django_capture_on_commit_callbacks, monkeypatch
):
    queued = []
    monkeypatch.setattr(tender_services, "_enqueue_alerts", queued.append)
    with django_capture_on_commit_callbacks(execute=True):
        tender = tender_publish(actor=commissioner, tender=draft_tender)
    assert tender.status == TenderStatus.OPEN
    assert tender.published_at is not None
    tender.evaluation_model.refresh_from_db()
    assert tender.evaluation_model.status == ModelStatus.LOCKED
    kinds = set(tender.documents.values_list("kind", flat=True))
    assert kinds == {DocumentKind.SPECIFICATION, DocumentKind.EVALUATION}
    assert all(d.html for d in tender.documents.all())
    assert "tenders.tender.published" in audit_verbs(tender)
    assert queued == [tender.pk]
    assert tender_is_open(tender)


def test_publishing_twice_does_nothing_the_second_time(commissioner, draft_tender):
    first = tender_publish(actor=commissioner, tender=draft_tender)
    second = tender_publish(actor=commissioner, tender=draft_tender)
    assert first.published_at == second.published_at
    assert AuditEvent.objects.filter(verb="tenders.tender.published").count() == 1
    assert first.documents.count() == 2


def test_a_deadline_one_day_short_of_the_minimum_is_refused_naming_the_rule(
    commissioner, draft_tender
):
    minimum = earliest_deadline()
    draft_tender.deadline = minimum - dt.timedelta(days=1)
    draft_tender.save(update_fields=["deadline"])
    error = _publish_error(commissioner, draft_tender)
    assert error.code == "deadline_too_soon"
    assert error.field == "deadline"
    assert "must be on or after" in error.message
    assert "25" in error.message  # the minimum tender period from the rules table
    draft_tender.refresh_from_db()
    assert draft_tender.status == TenderStatus.DRAFT
    assert draft_tender.evaluation_model.status == ModelStatus.DRAFT
    assert not draft_tender.documents.exists()


def test_the_minimum_deadline_itself_is_allowed(commissioner, draft_tender):
    draft_tender.deadline = earliest_deadline()
    draft_tender.save(update_fields=["deadline"])
    assert tender_publish(actor=commissioner, tender=draft_tender).status == TenderStatus.OPEN


def test_a_deadline_in_the_past_is_refused(commissioner, draft_tender):
    draft_tender.deadline = timezone.now() - dt.timedelta(hours=1)
    draft_tender.save(update_fields=["deadline"])
    codes = [p.code for p in tender_publication_problems(draft_tender)]
    assert "deadline_past" in codes


def test_no_lots_without_a_reason_is_refused(commissioner, draft_tender):
    tender_set_no_lots_reason(actor=commissioner, tender=draft_tender, reason="")
    draft_tender.refresh_from_db()
    error = _publish_error(commissioner, draft_tender)
    assert (error.code, error.field) == ("no_lots_reason_required", "no_lots_reason")
    assert "lots" in error.message


def test_lots_replace_the_need_for_a_reason(commissioner, draft_tender):
    tender_set_no_lots_reason(actor=commissioner, tender=draft_tender, reason="")
    add_lot(commissioner, draft_tender, 1)
    add_lot(commissioner, draft_tender, 2)
    assert tender_publish(actor=commissioner, tender=draft_tender).status == TenderStatus.OPEN


def test_a_reserved_lot_over_the_threshold_is_refused(commissioner, draft_tender):
    threshold = rulebook_on(timezone.localdate()).value("threshold.goods_services")
    add_lot(commissioner, draft_tender, 1, value_pence=threshold + 1, reserved_for="sme_vcse")
    error = _publish_error(commissioner, draft_tender)
    assert error.field == "lot-1"
    assert error.message.startswith("Lot 1 (Lot 1 area):")
    draft_tender.refresh_from_db()
    assert draft_tender.status == TenderStatus.DRAFT


def test_a_reserved_lot_one_penny_under_the_threshold_is_allowed(commissioner, draft_tender):
    threshold = rulebook_on(timezone.localdate()).value("threshold.goods_services")
    add_lot(commissioner, draft_tender, 1, value_pence=threshold - 1, reserved_for="sme_vcse")
    add_lot(commissioner, draft_tender, 2, value_pence=threshold * 2)
    assert tender_publish(actor=commissioner, tender=draft_tender).status == TenderStatus.OPEN


def test_a_single_source_route_needs_a_published_justification(commissioner, draft_tender):
    draft_tender.route = "single_source"
    draft_tender.save(update_fields=["route"])
    fields = {p.field for p in tender_publication_problems(draft_tender)}
    assert fields & {"route", "route_justification"}


def test_lots_adding_up_to_more_than_the_value_are_refused(commissioner, draft_tender):
    add_lot(commissioner, draft_tender, 1, value_pence=draft_tender.value_pence)
    add_lot(commissioner, draft_tender, 2, value_pence=1)
    assert "lots_exceed_value" in [p.code for p in tender_publication_problems(draft_tender)]


def test_a_repeated_lot_submit_returns_the_same_lot_and_a_clash_is_refused(
    commissioner, draft_tender
):
    first = add_lot(commissioner, draft_tender, 1)
    assert add_lot(commissioner, draft_tender, 1).pk == first.pk
    with pytest.raises(ServiceError) as caught:
        add_lot(commissioner, draft_tender, 1, value_pence=1)
    assert caught.value.code == "lot_number_taken"
    assert Lot.objects.count() == 1
    assert "tenders.lot.added" in audit_verbs(first)


def test_finance_cannot_publish(finance, draft_tender):
    with pytest.raises(NotFound):
        tender_publish(actor=finance, tender=draft_tender)


def test_a_published_tender_changes_only_through_an_amendment(
    commissioner, published_tender, ready_project, spec, model
):
    with pytest.raises(IllegalTransition) as caught:
        tender_update(
            actor=commissioner,
            tender=published_tender,
            data=tender_data(ready_project, spec, model, title="New title"),
        )
    assert caught.value.code == "not_draft"
    with pytest.raises(IllegalTransition):
        add_lot(commissioner, published_tender, 3)


def test_update_keeps_old_and_new_values_in_the_audit(
    commissioner, draft_tender, ready_project, spec, model
):
    tender_update(
        actor=commissioner,
        tender=draft_tender,
        data=tender_data(ready_project, spec, model, value_pence=250_000_000),
    )
    event = AuditEvent.objects.get(verb="tenders.tender.updated")
    assert event.changes["value_pence"] == [240_000_000, 250_000_000]


def test_the_clock_decides_when_a_tender_is_closed(commissioner, published_tender):
    after = published_tender.deadline + dt.timedelta(seconds=1)
    assert tender_is_open(published_tender, now=published_tender.deadline - dt.timedelta(seconds=1))
    assert not tender_is_open(published_tender, now=published_tender.deadline)
    assert tender_public_status(published_tender, now=after) == "Closed for bids"


def test_tender_close_waits_for_the_deadline_and_is_idempotent(commissioner, published_tender):
    with pytest.raises(ServiceError) as caught:
        tender_close(actor=None, tender=published_tender)
    assert caught.value.code == "deadline_not_passed"
    later = published_tender.deadline + dt.timedelta(minutes=1)
    closed = tender_close(actor=None, tender=published_tender, now=later)
    assert closed.status == TenderStatus.CLOSED
    assert (
        tender_close(actor=None, tender=published_tender, now=later).status == TenderStatus.CLOSED
    )
    assert audit_verbs(published_tender).count("tenders.tender.closed") == 1


def test_a_draft_cannot_be_closed(draft_tender):
    with pytest.raises(IllegalTransition):
        tender_close(actor=None, tender=draft_tender)


def test_a_forward_plan_entry_sets_the_planned_notice_date_and_is_marked_tendered(
    commissioner, ready_project, spec, model
):
    entry = plan_entry_create(
        actor=commissioner,
        data=PlanEntryData(
            title="Day opportunities",
            description="Coming soon.",
            service_area_id=ready_project.service_area_id,
            estimated_value_pence=240_000_000,
            expected_tender_on=timezone.localdate() + dt.timedelta(days=60),
            project_id=ready_project.pk,
        ),
    )
    entry = plan_entry_publish(actor=commissioner, entry=entry)
    tender = tender_create(
        actor=commissioner,
        project=ready_project,
        data=tender_data(ready_project, spec, model, plan_entry_id=entry.pk),
    )
    assert tender.planned_notice_on == timezone.localdate(entry.published_at)
    tender_set_no_lots_reason(actor=commissioner, tender=tender, reason="One team.")
    tender_publish(actor=commissioner, tender=tender)
    entry.refresh_from_db()
    assert entry.status == PlanStatus.TENDERED
    assert entry.tender_id == tender.pk
