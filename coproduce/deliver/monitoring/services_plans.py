"""Writes for improvement plans and annual KPI assessments (the rest of monitoring's
writes are in ``services.py``).

Same rules: permission through the contracts rules, validation before any write, then lock,
change and audit in one transaction.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from coproduce.deliver.contracts.models import Contract, ContractKPI
from coproduce.foundation.core.audit import audit_record
from coproduce.foundation.core.errors import NotFound, ServiceError
from coproduce.foundation.core.idempotency import submitted_once
from coproduce.foundation.core.validation import clean_text, require_perm

from . import selectors as sel
from .models import ImprovementPlan, KPIAssessment, PlanStatus, Rating
from .services import OFFICER, PROVIDER, TEXT_MAX

# --- improvement plans ----------------------------------------------------------------


@dataclass
class PlanData:
    actions: str
    owner: str
    by_when: dt.date | None


def _plan_fields(data: PlanData) -> tuple[str, str, dt.date]:
    actions = clean_text(
        data.actions, field="actions", limit=TEXT_MAX, label="the actions you will take"
    )
    owner = clean_text(
        data.owner, field="owner", limit=200, label="who is responsible for the plan"
    )
    if not isinstance(data.by_when, dt.date):
        raise ServiceError("required", "Enter the date the plan will be done by.", field="by_when")
    if data.by_when < timezone.localdate():
        raise ServiceError(
            "by_when_past",
            "The date the plan will be done by must be today or later.",
            field="by_when",
        )
    return actions, owner, data.by_when


@submitted_once("monitoring.plan", within="kpi")
def plan_submit(
    *, actor, contract: Contract, kpi: ContractKPI, trigger_number: int, data: PlanData
) -> ImprovementPlan:
    """Send an improvement plan for a KPI that was red twice in a row (the provider).

    Refused when no plan is needed for that KPI and period, or one was already sent.
    Audited as ``monitoring.plan.submitted``.
    """
    require_perm(actor, PROVIDER, contract)
    if kpi.contract_id != contract.pk:
        raise NotFound()
    actions, owner, by_when = _plan_fields(data)
    with transaction.atomic():
        Contract.objects.select_for_update().filter(pk=contract.pk).first()
        try:
            need = sel.plan_need(contract, kpi, trigger_number)
        except NotFound:
            raise ServiceError(
                "plan_not_needed",
                f"KPI {kpi.position} has not been red twice in a row up to that period, so no "
                "improvement plan is needed for it.",
            ) from None
        if need.plan is not None:
            raise ServiceError(
                "plan_already_sent",
                "An improvement plan for this has already been sent. You can change it if "
                "the council asks for changes.",
            )
        plan = ImprovementPlan.objects.create(
            contract=contract,
            kpi=kpi,
            trigger_number=trigger_number,
            actions=actions,
            owner=owner,
            by_when=by_when,
            status=PlanStatus.SUBMITTED,
            submitted_by=actor,
            submitted_at=timezone.now(),
        )
        audit_record(
            actor=actor,
            verb="monitoring.plan.submitted",
            target=plan,
            changes={"kpi": kpi.position, "after_period": trigger_number, "by_when": by_when},
        )
    return plan


def plan_revise(*, actor, plan: ImprovementPlan, data: PlanData) -> ImprovementPlan:
    """Change a plan the council asked changes to (the provider); it goes back to the
    council. Audited as ``monitoring.plan.revised`` with the old and new text."""
    require_perm(actor, PROVIDER, plan.contract)
    actions, owner, by_when = _plan_fields(data)
    with transaction.atomic():
        locked = ImprovementPlan.objects.select_for_update().get(pk=plan.pk)
        if locked.status != PlanStatus.CHANGES:
            raise ServiceError(
                "plan_not_open",
                "This plan can only be changed when the council has asked for changes.",
            )
        changes = {
            "actions": [locked.actions, actions],
            "owner": [locked.owner, owner],
            "by_when": [locked.by_when, by_when],
            "status": [locked.status, PlanStatus.SUBMITTED],
        }
        locked.actions, locked.owner, locked.by_when = actions, owner, by_when
        locked.status = PlanStatus.SUBMITTED
        locked.submitted_by = actor
        locked.submitted_at = timezone.now()
        locked.save()
        audit_record(actor=actor, verb="monitoring.plan.revised", target=locked, changes=changes)
    locked.contract = plan.contract
    return locked


def _plan_decide(*, actor, plan: ImprovementPlan, to: str, note: str) -> ImprovementPlan:
    require_perm(actor, OFFICER, plan.contract)
    note = clean_text(
        note,
        field="note",
        limit=TEXT_MAX,
        label="what needs to change",
        required=to == PlanStatus.CHANGES,
    )
    with transaction.atomic():
        locked = ImprovementPlan.objects.select_for_update().get(pk=plan.pk)
        if locked.status == to:
            return locked
        if locked.status != PlanStatus.SUBMITTED:
            raise ServiceError(
                "plan_not_waiting",
                f"This plan is “{PlanStatus(locked.status).label.lower()}”, so it cannot be "
                "decided now.",
            )
        old = locked.status
        locked.status = to
        locked.officer_note = note
        if to == PlanStatus.AGREED:
            locked.agreed_by = actor
            locked.agreed_at = timezone.now()
        locked.save()
        audit_record(
            actor=actor,
            verb="monitoring.plan.agreed"
            if to == PlanStatus.AGREED
            else "monitoring.plan.changes_asked",
            target=locked,
            changes={"status": [old, to]},
            reason=note,
        )
    locked.contract = plan.contract
    return locked


def plan_agree(*, actor, plan: ImprovementPlan, note: str = "") -> ImprovementPlan:
    """Agree a sent plan (council officers)."""
    return _plan_decide(actor=actor, plan=plan, to=PlanStatus.AGREED, note=note)


def plan_ask_changes(*, actor, plan: ImprovementPlan, note: str) -> ImprovementPlan:
    """Send a plan back to the provider saying what needs to change (council officers)."""
    return _plan_decide(actor=actor, plan=plan, to=PlanStatus.CHANGES, note=note)


# --- annual assessments ---------------------------------------------------------------


def assessment_record(
    *, actor, contract: Contract, kpi: ContractKPI, year: int, rating: str, reasons: str
) -> KPIAssessment:
    """Record (or change, until published) the rating of a KPI for an ended contract year,
    with the officer's reasons. Audited as ``monitoring.assessment.recorded``."""
    require_perm(actor, OFFICER, contract)
    if kpi.contract_id != contract.pk:
        raise NotFound()
    if rating not in Rating.values:
        raise ServiceError(
            "invalid_choice",
            "Choose a rating: good, approaching target, requires improvement or inadequate.",
            field="rating",
        )
    reasons = clean_text(
        reasons, field="reasons", limit=TEXT_MAX, label="the reasons for the rating"
    )
    if year not in sel.assessable_years(contract):
        raise ServiceError(
            "year_not_ended",
            f"Year {year} of the contract has not ended (or does not exist): a KPI is "
            "assessed once the contract year is over.",
            field="year",
        )
    with transaction.atomic():
        Contract.objects.select_for_update().filter(pk=contract.pk).first()
        existing = KPIAssessment.objects.filter(kpi=kpi, year=year).first()
        if existing is not None and existing.published_at is not None:
            raise ServiceError(
                "assessment_published",
                "This assessment has been published and cannot be changed.",
            )
        if existing is None:
            assessment = KPIAssessment.objects.create(
                contract=contract,
                kpi=kpi,
                year=year,
                rating=rating,
                reasons=reasons,
                assessed_by=actor,
            )
            changes = {"kpi": kpi.position, "year": year, "rating": rating}
        else:
            changes = {"rating": [existing.rating, rating], "reasons": [existing.reasons, reasons]}
            existing.rating, existing.reasons, existing.assessed_by = rating, reasons, actor
            existing.save()
            assessment = existing
        audit_record(
            actor=actor, verb="monitoring.assessment.recorded", target=assessment, changes=changes
        )
    return assessment


def assessment_publish(*, actor, assessment: KPIAssessment) -> KPIAssessment:
    """Publish an assessment on the project page (final). Publishing twice does nothing.
    Audited as ``monitoring.assessment.published``."""
    require_perm(actor, OFFICER, assessment.contract)
    with transaction.atomic():
        locked = KPIAssessment.objects.select_for_update().get(pk=assessment.pk)
        if locked.published_at is not None:
            return locked
        locked.published_at = timezone.now()
        locked.save(update_fields=["published_at", "updated_at"])
        audit_record(
            actor=actor,
            verb="monitoring.assessment.published",
            target=locked,
            changes={"kpi": locked.kpi.position, "year": locked.year, "rating": locked.rating},
        )
    return locked
