"""Writes for service specifications and their requirements.

Each service checks permission first (NotFound, so nothing leaks), validates (coded
``ServiceError``), then in one transaction locks the specification row, re-checks that it
is still a draft, changes it and writes the audit row. Published versions are never
changed: every write to one is refused with ``specification_published``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from coproduce.foundation.accounts.models import User
from coproduce.foundation.commissioning.models import CommissioningProject
from coproduce.foundation.core.audit import audit_record, diff
from coproduce.foundation.core.errors import NotFound, ServiceError

from . import citations
from .models import Frequency, Requirement, RequirementKind, Specification, SpecificationStatus

TITLE_MAX = 200
TEXT_MAX = 10_000
REQUIREMENT_MAX = 2_000
SHORT_FIELD_MAX = {"target": 50, "unit": 100}
CONTRACT_YEARS_MIN, CONTRACT_YEARS_MAX = 1, 15
EXTENSION_YEARS_MAX = 10
# Contracts shorter than this need a written reason: year-to-year funding makes it hard
# for small providers to keep staff and plan (PRODUCT.md, C3).
SHORT_CONTRACT_YEARS = 3
VALUE_MAX_PENCE = 10**15

PERM = "specifications.change_specification"
_FIGURE = re.compile(r"\d")


@dataclass
class SpecificationData:
    """The specification's own fields (everything but its requirements)."""

    title: str
    purpose: str
    involvement: str = ""
    inclusion: str = ""
    contract_years: int = 3
    extension_years: int = 0
    short_term_reason: str = ""
    estimated_value_pence: int = 0


@dataclass
class RequirementData:
    """One outcome, performance criterion or KPI, with the evidence it cites (by id)."""

    kind: str
    text: str
    target: str = ""
    unit: str = ""
    frequency: str = ""
    finding_ids: list[int] = field(default_factory=list)
    idea_ids: list[int] = field(default_factory=list)
    equality_entry_ids: list[int] = field(default_factory=list)


def has_figure(target: str) -> bool:
    """Whether a KPI target has a figure in it ("85", "85%", "£1,200", "at least 40").

    The contract created at award reads the first figure as the target, so words alone
    ("as many as possible") are refused here.
    """
    return bool(_FIGURE.search(target))


def _check_perm(actor: User) -> None:
    if not actor.has_perm(PERM):
        raise NotFound()


def _clean_spec(data: SpecificationData) -> dict:
    values = {
        "title": data.title.strip(),
        "purpose": data.purpose.strip(),
        "involvement": data.involvement.strip(),
        "inclusion": data.inclusion.strip(),
        "contract_years": data.contract_years,
        "extension_years": data.extension_years,
        "short_term_reason": data.short_term_reason.strip(),
        "estimated_value_pence": data.estimated_value_pence,
    }
    if not values["title"]:
        raise ServiceError("required", "Enter a title for the specification.", field="title")
    if len(values["title"]) > TITLE_MAX:
        raise ServiceError(
            "too_long", f"The title must be {TITLE_MAX} characters or fewer.", field="title"
        )
    if not values["purpose"]:
        raise ServiceError(
            "required", "Say what the service is for and who it is for.", field="purpose"
        )
    for name, label in (
        ("purpose", "The purpose"),
        ("involvement", "How the provider involves people"),
        ("inclusion", "How the provider reaches people"),
        ("short_term_reason", "The reason for a short contract"),
    ):
        if len(values[name]) > TEXT_MAX:
            raise ServiceError(
                "too_long", f"{label} must be {TEXT_MAX:,} characters or fewer.", field=name
            )
    years = values["contract_years"]
    if not isinstance(years, int) or not CONTRACT_YEARS_MIN <= years <= CONTRACT_YEARS_MAX:
        raise ServiceError(
            "invalid_contract_years",
            f"The contract length must be a whole number of years from {CONTRACT_YEARS_MIN} "
            f"to {CONTRACT_YEARS_MAX}.",
            field="contract_years",
        )
    ext = values["extension_years"]
    if not isinstance(ext, int) or not 0 <= ext <= EXTENSION_YEARS_MAX:
        raise ServiceError(
            "invalid_extension_years",
            f"Extension years must be a whole number from 0 to {EXTENSION_YEARS_MAX}.",
            field="extension_years",
        )
    if years < SHORT_CONTRACT_YEARS and not values["short_term_reason"]:
        raise ServiceError(
            "short_term_reason_required",
            f"A contract shorter than {SHORT_CONTRACT_YEARS} years leaves the provider "
            "funded year to year. Say why the contract needs to be this short.",
            field="short_term_reason",
        )
    if years >= SHORT_CONTRACT_YEARS:
        values["short_term_reason"] = ""
    value = values["estimated_value_pence"]
    if not isinstance(value, int) or value < 0:
        raise ServiceError(
            "negative_value",
            "The estimated value must be £0 or more.",
            field="estimated_value_pence",
        )
    if value > VALUE_MAX_PENCE:
        raise ServiceError(
            "value_too_large", "Enter a smaller estimated value.", field="estimated_value_pence"
        )
    return values


def _lock_draft(specification: Specification) -> Specification:
    """The specification re-read under a row lock; refused unless it is still a draft."""
    locked = (
        Specification.objects.select_for_update().select_related("project").get(pk=specification.pk)
    )
    if locked.status != SpecificationStatus.DRAFT:
        raise ServiceError(
            "specification_published",
            f"Version {locked.version} is published and cannot be changed. "
            "Make a new version to change it.",
        )
    return locked


def specification_create(
    *, actor: User, project: CommissioningProject, data: SpecificationData
) -> Specification:
    """Start a project's first specification (version 1, a draft).

    Idempotent for a double click: if the project already has a draft, that draft is
    returned unchanged. Once a version is published, changes go through
    ``specification_new_version`` instead.
    """
    _check_perm(actor)
    values = _clean_spec(data)
    with transaction.atomic():
        locked = CommissioningProject.objects.select_for_update().get(pk=project.pk)
        existing = Specification.objects.filter(project=locked).order_by("-version").first()
        if existing is not None:
            if existing.status == SpecificationStatus.DRAFT:
                return existing
            raise ServiceError(
                "already_published",
                "This project already has a published specification. Make a new version "
                "to change it.",
            )
        spec = Specification.objects.create(project=locked, version=1, created_by=actor, **values)
        audit_record(
            actor=actor,
            verb="specifications.specification.created",
            target=spec,
            changes={"project": locked.reference, "version": 1, **values},
        )
    return spec


def specification_update(
    *, actor: User, specification: Specification, data: SpecificationData
) -> Specification:
    """Change a draft's own fields; the audit row keeps each old and new value."""
    _check_perm(actor)
    values = _clean_spec(data)
    with transaction.atomic():
        locked = _lock_draft(specification)
        changes = diff(locked, values)
        if not changes:
            return locked
        for name, value in values.items():
            setattr(locked, name, value)
        locked.save()
        audit_record(
            actor=actor,
            verb="specifications.specification.updated",
            target=locked,
            changes=changes,
        )
    return locked


def specification_new_version(
    *, actor: User, project: CommissioningProject, reason: str
) -> Specification:
    """Copy the latest published version, with its requirements and citations, into a draft.

    A reason for the change is required (it is published with the new version). Only one
    draft may exist: if there is one already (a double click), it is returned unchanged.
    """
    _check_perm(actor)
    reason = reason.strip()
    if not reason:
        raise ServiceError(
            "reason_required", "Say why the specification needs to change.", field="reason"
        )
    if len(reason) > TEXT_MAX:
        raise ServiceError(
            "too_long", f"The reason must be {TEXT_MAX:,} characters or fewer.", field="reason"
        )
    with transaction.atomic():
        locked = CommissioningProject.objects.select_for_update().get(pk=project.pk)
        draft = Specification.objects.filter(
            project=locked, status=SpecificationStatus.DRAFT
        ).first()
        if draft is not None:
            return draft
        previous = (
            Specification.objects.filter(project=locked, status=SpecificationStatus.PUBLISHED)
            .order_by("-version")
            .first()
        )
        if previous is None:
            raise ServiceError(
                "nothing_published",
                "There is no published version to copy. Write the first version instead.",
            )
        top = Specification.objects.filter(project=locked).aggregate(m=Max("version"))["m"]
        spec = Specification.objects.create(
            project=locked,
            version=top + 1,
            title=previous.title,
            purpose=previous.purpose,
            involvement=previous.involvement,
            inclusion=previous.inclusion,
            contract_years=previous.contract_years,
            extension_years=previous.extension_years,
            short_term_reason=previous.short_term_reason,
            estimated_value_pence=previous.estimated_value_pence,
            change_reason=reason,
            previous=previous,
            created_by=actor,
        )
        for old in previous.requirements.prefetch_related(
            "findings", "ideas", "equality_entries"
        ).order_by("position"):
            new = Requirement.objects.create(
                specification=spec,
                kind=old.kind,
                position=old.position,
                text=old.text,
                target=old.target,
                unit=old.unit,
                frequency=old.frequency,
            )
            new.findings.set(old.findings.all())
            new.ideas.set(old.ideas.all())
            new.equality_entries.set(old.equality_entries.all())
        audit_record(
            actor=actor,
            verb="specifications.specification.version_started",
            target=spec,
            changes={
                "project": locked.reference,
                "version": spec.version,
                "from": previous.version,
            },
            reason=reason,
        )
    return spec


def specification_publish(*, actor: User, specification: Specification) -> Specification:
    """Publish a draft: it becomes immutable and the previous published version superseded.

    Needs at least one outcome, and every KPI target a figure. Publishing a version that is already published does
    nothing (a double click).
    """
    _check_perm(actor)
    with transaction.atomic():
        locked = (
            Specification.objects.select_for_update()
            .select_related("project")
            .get(pk=specification.pk)
        )
        if locked.status != SpecificationStatus.DRAFT:
            return locked
        if not locked.requirements.filter(kind=RequirementKind.OUTCOME).exists():
            raise ServiceError(
                "outcome_required",
                "Add at least one outcome before publishing: a specification says what the "
                "service must achieve.",
            )
        for kpi in locked.requirements.filter(kind=RequirementKind.KPI).order_by("position"):
            if not has_figure(kpi.target):
                # A draft copied from a version published before targets had to be figures.
                raise ServiceError(
                    "kpi_target_not_a_figure",
                    f"Give the target of the KPI “{kpi.text[:80]}” as a figure, such as 85 "
                    f"or 85%, before publishing (it says “{kpi.target}”).",
                )
        if locked.contract_years < SHORT_CONTRACT_YEARS and not locked.short_term_reason:
            raise ServiceError(
                "short_term_reason_required",
                f"Say why the contract is shorter than {SHORT_CONTRACT_YEARS} years before "
                "publishing.",
                field="short_term_reason",
            )
        superseded = list(
            Specification.objects.select_for_update().filter(
                project_id=locked.project_id, status=SpecificationStatus.PUBLISHED
            )
        )
        for old in superseded:
            old.status = SpecificationStatus.SUPERSEDED
            old.save(update_fields=["status", "updated_at"])
            audit_record(
                actor=actor,
                verb="specifications.specification.superseded",
                target=old,
                changes={"status": ["published", "superseded"], "by_version": locked.version},
            )
        locked.status = SpecificationStatus.PUBLISHED
        locked.published_at = timezone.now()
        locked.published_by = actor
        locked.save(update_fields=["status", "published_at", "published_by", "updated_at"])
        audit_record(
            actor=actor,
            verb="specifications.specification.published",
            target=locked,
            changes={
                "status": ["draft", "published"],
                "version": locked.version,
                "requirements": locked.requirements.count(),
            },
            reason=locked.change_reason,
        )
    return locked


def _clean_requirement(spec: Specification, data: RequirementData) -> tuple[dict, dict]:
    if data.kind not in RequirementKind.values:
        raise ServiceError(
            "invalid_choice",
            "Choose whether this is an outcome, a performance criterion or a KPI.",
            field="kind",
        )
    values = {
        "kind": data.kind,
        "text": data.text.strip(),
        "target": data.target.strip(),
        "unit": data.unit.strip(),
        "frequency": data.frequency.strip(),
    }
    if not values["text"]:
        raise ServiceError("required", "Enter what the provider must achieve.", field="text")
    if len(values["text"]) > REQUIREMENT_MAX:
        raise ServiceError(
            "too_long", f"The text must be {REQUIREMENT_MAX:,} characters or fewer.", field="text"
        )
    for name, limit in SHORT_FIELD_MAX.items():
        if len(values[name]) > limit:
            raise ServiceError(
                "too_long", f"The {name} must be {limit} characters or fewer.", field=name
            )
    if values["frequency"] and values["frequency"] not in Frequency.values:
        raise ServiceError("invalid_choice", "Choose how often it is reported.", field="frequency")
    if values["kind"] == RequirementKind.KPI:
        for name, message in (
            ("target", "A KPI needs a target, for example 90."),
            ("unit", "A KPI needs a unit, for example “% of people who say they feel safe”."),
            ("frequency", "A KPI needs a reporting frequency."),
        ):
            if not values[name]:
                raise ServiceError("kpi_incomplete", message, field=name)
        if not has_figure(values["target"]):
            raise ServiceError(
                "kpi_target_not_a_figure",
                "Give the KPI target as a figure, such as 85 or 85%: the contract and its "
                "monitoring compare each result with it.",
                field="target",
            )
    else:
        # Only KPIs are measured; drop stray measurement fields rather than store them.
        values.update(target="", unit="", frequency="")
    cited = citations.validate(
        project=spec.project,
        finding_ids=data.finding_ids,
        idea_ids=data.idea_ids,
        equality_entry_ids=data.equality_entry_ids,
    )
    return values, cited


def _citation_refs(cited: dict) -> dict:
    return {name: sorted(citations.label(obj) for obj in objs) for name, objs in cited.items()}


def _current_refs(req: Requirement) -> dict:
    return {
        "findings": sorted(citations.label(o) for o in req.findings.all()),
        "ideas": sorted(citations.label(o) for o in req.ideas.all()),
        "equality_entries": sorted(
            citations.label(o) for o in req.equality_entries.select_related("assessment__project")
        ),
    }


def _set_citations(req: Requirement, cited: dict) -> None:
    req.findings.set(cited["findings"])
    req.ideas.set(cited["ideas"])
    req.equality_entries.set(cited["equality_entries"])


def requirement_add(
    *, actor: User, specification: Specification, data: RequirementData
) -> Requirement:
    """Add a requirement at the end of a draft, with its citations.

    Citations must be published evidence of the same project (``citations.validate``);
    if any is not, nothing is stored. Adding exactly the same requirement twice (a double
    click) returns the first one.
    """
    _check_perm(actor)
    values, cited = _clean_requirement(specification, data)
    with transaction.atomic():
        locked = _lock_draft(specification)
        wanted = _citation_refs(cited)
        for same in locked.requirements.filter(**values):
            if _current_refs(same) == wanted:
                return same
        top = locked.requirements.aggregate(m=Max("position"))["m"] or 0
        req = Requirement.objects.create(specification=locked, position=top + 1, **values)
        _set_citations(req, cited)
        locked.save(update_fields=["updated_at"])
        audit_record(
            actor=actor,
            verb="specifications.requirement.added",
            target=locked,
            changes={"requirement": req.pk, "position": req.position, **values, **wanted},
        )
    return req


def _lock_requirement(requirement: Requirement) -> tuple[Specification, Requirement]:
    spec = _lock_draft(requirement.specification)
    req = Requirement.objects.filter(pk=requirement.pk, specification=spec).first()
    if req is None:
        raise NotFound()
    return spec, req


def requirement_update(
    *, actor: User, requirement: Requirement, data: RequirementData
) -> Requirement:
    """Change a requirement of a draft and what it cites; the audit row has old and new."""
    _check_perm(actor)
    values, cited = _clean_requirement(requirement.specification, data)
    with transaction.atomic():
        spec, req = _lock_requirement(requirement)
        changes = diff(req, values)
        old_refs, new_refs = _current_refs(req), _citation_refs(cited)
        for name in old_refs:
            if old_refs[name] != new_refs[name]:
                changes[name] = [old_refs[name], new_refs[name]]
        if not changes:
            return req
        for name, value in values.items():
            setattr(req, name, value)
        req.save()
        _set_citations(req, cited)
        spec.save(update_fields=["updated_at"])
        audit_record(
            actor=actor,
            verb="specifications.requirement.updated",
            target=spec,
            changes={"requirement": req.pk, **changes},
        )
    return req


def requirement_move(*, actor: User, requirement: Requirement, direction: str) -> Requirement:
    """Swap a requirement with its neighbour of the same kind above ("up") or below ("down").

    At the top (or bottom) already, nothing changes.
    """
    _check_perm(actor)
    if direction not in ("up", "down"):
        raise ServiceError("invalid_choice", "Move a requirement up or down.", field="direction")
    with transaction.atomic():
        spec, req = _lock_requirement(requirement)
        # Pages list outcomes, criteria and KPIs separately, so order within the kind.
        siblings = spec.requirements.filter(kind=req.kind)
        if direction == "up":
            other = siblings.filter(position__lt=req.position).order_by("-position").first()
        else:
            other = siblings.filter(position__gt=req.position).order_by("position").first()
        if other is None:
            return req
        mine, theirs = req.position, other.position
        # Positions are unique per specification, so park one at 0 (never used) first.
        Requirement.objects.filter(pk=req.pk).update(position=0)
        Requirement.objects.filter(pk=other.pk).update(position=mine)
        Requirement.objects.filter(pk=req.pk).update(position=theirs)
        req.position = theirs
        spec.save(update_fields=["updated_at"])
        audit_record(
            actor=actor,
            verb="specifications.requirement.moved",
            target=spec,
            changes={"requirement": req.pk, "position": [mine, theirs]},
        )
    return req


def requirement_remove(*, actor: User, requirement: Requirement) -> None:
    """Remove a requirement from a draft (its citations go with it). Repeats do nothing."""
    _check_perm(actor)
    with transaction.atomic():
        spec = _lock_draft(requirement.specification)
        req = Requirement.objects.filter(pk=requirement.pk, specification=spec).first()
        if req is None:
            return
        snapshot = {
            "requirement": req.pk,
            "kind": req.kind,
            "text": req.text,
            "position": req.position,
            **_current_refs(req),
        }
        req.delete()
        spec.save(update_fields=["updated_at"])
        audit_record(
            actor=actor,
            verb="specifications.requirement.removed",
            target=spec,
            changes=snapshot,
        )
