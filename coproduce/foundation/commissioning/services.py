"""Writes to commissioning projects. Each is one transaction that also writes the audit row."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from coproduce.foundation.accounts.models import User
from coproduce.foundation.core.audit import audit_record, diff
from coproduce.foundation.core.checkpoints import audit_checkpoint_make
from coproduce.foundation.core.errors import NotFound, ServiceError
from coproduce.foundation.core.idempotency import submitted_once
from coproduce.foundation.core.models import CheckpointKind, ServiceArea
from coproduce.foundation.core.services import counter_next

from .models import STAGES, CommissioningProject, Stage, StageChange

REASON_MAX = 5000
MAX_BUDGET_PENCE = 10**13  # £100 billion: anything bigger is a typing mistake


@dataclass
class ProjectData:
    """The editable facts of a project, as entered on the form or sent to the API."""

    title: str
    service_area_id: int
    summary: str
    budget_pence: int
    starts_on: dt.date
    ends_on: dt.date
    owner_id: int


def _validate(data: ProjectData) -> dict:
    title = data.title.strip()
    if not title:
        raise ServiceError("required", "Enter a title for the project.", field="title")
    if len(title) > 200:
        raise ServiceError("too_long", "The title must be 200 characters or fewer.", field="title")
    summary = data.summary.strip()
    if not summary:
        raise ServiceError(
            "required", "Enter a plain English summary of the service.", field="summary"
        )
    if len(summary) > 5000:
        raise ServiceError(
            "too_long", "The summary must be 5,000 characters or fewer.", field="summary"
        )
    if data.budget_pence < 0:
        raise ServiceError("negative", "The budget cannot be negative.", field="budget")
    if data.budget_pence > MAX_BUDGET_PENCE:
        raise ServiceError(
            "too_large", "The budget is too large. Check the amount.", field="budget"
        )
    if data.ends_on < data.starts_on:
        raise ServiceError(
            "dates_out_of_order",
            "The end date must be on or after the start date.",
            field="ends_on",
        )
    area = ServiceArea.objects.filter(pk=data.service_area_id).first()
    if area is None:
        raise ServiceError(
            "invalid_choice", "Choose a service area from the list.", field="service_area"
        )
    owner = User.objects.filter(pk=data.owner_id).first()
    if owner is None or not owner.is_council_staff:
        raise ServiceError("invalid_owner", "Choose a council officer as the owner.", field="owner")
    return {
        "title": title,
        "service_area": area,
        "summary": summary,
        "budget_pence": data.budget_pence,
        "starts_on": data.starts_on,
        "ends_on": data.ends_on,
        "owner": owner,
    }


@submitted_once("commissioning.project")
def project_create(*, actor: User, data: ProjectData) -> CommissioningProject:
    """Create a draft project at the understand stage with a new reference CP-YYYY-NNNN."""
    if not actor.has_perm("commissioning.add_project"):
        raise NotFound()
    fields = _validate(data)
    with transaction.atomic():
        year = timezone.localdate().year
        number = counter_next(name=f"commissioning.project.{year}")
        project = CommissioningProject.objects.create(reference=f"CP-{year}-{number:04d}", **fields)
        audit_record(
            actor=actor,
            verb="commissioning.project.created",
            target=project,
            changes={k: (v.pk if hasattr(v, "pk") else v) for k, v in fields.items()},
        )
    return project


def project_update(
    *, actor: User, project: CommissioningProject, data: ProjectData
) -> CommissioningProject:
    """Change a project's details; the audit row keeps old and new values."""
    if not actor.has_perm("commissioning.change_project", project):
        raise NotFound()
    fields = _validate(data)
    with transaction.atomic():
        locked = CommissioningProject.objects.select_for_update().get(pk=project.pk)
        changes = diff(locked, fields)
        if not changes:
            return locked
        for name, value in fields.items():
            setattr(locked, name, value)
        locked.save()
        audit_record(
            actor=actor, verb="commissioning.project.updated", target=locked, changes=changes
        )
    return locked


def project_publish(*, actor: User, project: CommissioningProject) -> CommissioningProject:
    """Make a project public. Publishing twice does nothing the second time."""
    if not actor.has_perm("commissioning.change_project", project):
        raise NotFound()
    with transaction.atomic():
        locked = CommissioningProject.objects.select_for_update().get(pk=project.pk)
        if locked.published_at is not None:
            return locked
        locked.published_at = timezone.now()
        locked.save(update_fields=["published_at", "updated_at"])
        audit_record(
            actor=actor,
            verb="commissioning.project.published",
            target=locked,
            changes={"published_at": [None, locked.published_at]},
        )
    return locked


def project_change_stage(
    *,
    actor: User,
    project: CommissioningProject,
    to_stage: str,
    reason: str,
    link: str = "",
    follows_event: bool = False,
) -> CommissioningProject:
    """Move a project to another stage, recording who decided, when and why.

    A repeat of the move just made (a double click, a retried request) does nothing.
    Moving from review back to understand starts a new commissioning cycle.

    ``follows_event``: the move follows something that happened (a tender published, an
    award confirmed), called inside that event's transaction with a generated reason and
    ``link`` to the event's page. A move the stage rules do not allow from the current
    stage (say, the project is already in deliver) is then skipped, not refused.
    """
    if not actor.has_perm("commissioning.change_project", project):
        raise NotFound()
    reason = reason.strip()
    if not reason:
        raise ServiceError(
            "reason_required", "Explain why the project is changing stage.", field="reason"
        )
    if len(reason) > REASON_MAX:
        raise ServiceError(
            "too_long", f"The reason must be {REASON_MAX:,} characters or fewer.", field="reason"
        )
    with transaction.atomic():
        locked = CommissioningProject.objects.select_for_update().get(pk=project.pk)
        if locked.stage == to_stage:
            return locked
        if follows_event and to_stage not in {t.target for t in STAGES.allowed_from(locked.stage)}:
            return locked
        STAGES.check(locked.stage, to_stage)
        from_stage = locked.stage
        new_cycle = (
            locked.cycle + 1
            if (from_stage, to_stage) == (Stage.REVIEW, Stage.UNDERSTAND)
            else locked.cycle
        )
        now = timezone.now()
        StageChange.objects.create(
            project=locked,
            from_stage=from_stage,
            to_stage=to_stage,
            reason=reason,
            decided_by=actor,
            decided_at=now,
            cycle=new_cycle,
            link=link[:300],
        )
        locked.stage = to_stage
        locked.cycle = new_cycle
        locked.save(update_fields=["stage", "cycle", "updated_at"])
        audit_record(
            actor=actor,
            verb="commissioning.project.stage_changed",
            target=locked,
            changes={"stage": [from_stage, to_stage], "cycle": new_cycle}
            | ({"link": link} if link else {}),
            reason=reason,
        )
        # Every stage decision is sealed by a published checkpoint, in the same transaction.
        audit_checkpoint_make(kind=CheckpointKind.STAGE_DECISION)
    return locked
