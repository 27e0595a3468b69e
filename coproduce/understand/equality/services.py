"""Writes for equality impact assessments and population profiles.

Each is one transaction that also writes the audit row; permission is checked first and
answers NotFound, so nothing leaks whether a project exists.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from coproduce.foundation.accounts.models import User
from coproduce.foundation.commissioning.models import CommissioningProject
from coproduce.foundation.core.audit import audit_record
from coproduce.foundation.core.errors import NotFound, ServiceError
from coproduce.understand.consultations.equality import CHARACTERISTICS
from coproduce.understand.consultations.models import Finding

from . import population_csv
from .models import (
    ASSESSMENT_STATES,
    AssessmentStatus,
    EqualityImpactAssessment,
    Impact,
    ImpactEntry,
    PopulationProfile,
    PopulationShare,
)

TEXT_MAX = 5000
OWNER_MAX = 200


def assessment_start(*, actor: User, project: CommissioningProject) -> EqualityImpactAssessment:
    """Start the project's assessment with all nine characteristics at "not known yet".

    Starting it again (a double click) returns the one that exists.
    """
    if not actor.has_perm("equality.change_assessment"):
        raise NotFound()
    with transaction.atomic():
        locked = CommissioningProject.objects.select_for_update().get(pk=project.pk)
        existing = EqualityImpactAssessment.objects.filter(project=locked).first()
        if existing is not None:
            return existing
        assessment = EqualityImpactAssessment.objects.create(project=locked, created_by=actor)
        ImpactEntry.objects.bulk_create(
            ImpactEntry(assessment=assessment, characteristic=c.key, position=i)
            for i, c in enumerate(CHARACTERISTICS)
        )
        audit_record(
            actor=actor,
            verb="equality.assessment.created",
            target=assessment,
            changes={"project": locked.reference, "status": assessment.status},
        )
    return assessment


@dataclass
class EntryData:
    """What the form for one characteristic sends."""

    impact: str
    evidence: str = ""
    finding_ids: list[int] = field(default_factory=list)
    mitigation: str = ""
    owner: str = ""
    review_on: dt.date | None = None


def _validate_entry(entry: ImpactEntry, data: EntryData) -> tuple[dict, list[Finding]]:
    if data.impact not in Impact.values:
        raise ServiceError("invalid_choice", "Choose the expected impact.", field="impact")
    values = {
        "impact": data.impact,
        "evidence": data.evidence.strip(),
        "mitigation": data.mitigation.strip(),
        "owner": data.owner.strip(),
        "review_on": data.review_on,
    }
    for name, label in (("evidence", "The evidence"), ("mitigation", "The mitigation")):
        if len(values[name]) > TEXT_MAX:
            raise ServiceError(
                "too_long", f"{label} must be {TEXT_MAX:,} characters or fewer.", field=name
            )
    if len(values["owner"]) > OWNER_MAX:
        raise ServiceError(
            "too_long", f"The owner must be {OWNER_MAX} characters or fewer.", field="owner"
        )
    if values["mitigation"] and not values["owner"]:
        raise ServiceError(
            "owner_required",
            "Enter who is responsible for the mitigation, by name or role.",
            field="owner",
        )
    wanted = set(data.finding_ids)
    findings = list(
        Finding.objects.filter(
            pk__in=wanted, project_id=entry.assessment.project_id, published_at__isnull=False
        ).order_by("reference")
    )
    if len(findings) != len(wanted):
        raise ServiceError(
            "invalid_finding",
            "Choose findings from this project’s published findings.",
            field="findings",
        )
    return values, findings


def _jsonable(value):
    return value.isoformat() if isinstance(value, dt.date) else value


def assessment_update_entry(*, actor: User, entry: ImpactEntry, data: EntryData) -> ImpactEntry:
    """Change one characteristic's entry; the audit row keeps every old and new value.

    Allowed after publishing too: the public page then shows the new "last updated" date.
    """
    if not actor.has_perm("equality.change_assessment"):
        raise NotFound()
    values, findings = _validate_entry(entry, data)
    with transaction.atomic():
        assessment = EqualityImpactAssessment.objects.select_for_update().get(
            pk=entry.assessment_id
        )
        locked = ImpactEntry.objects.get(pk=entry.pk)
        changes = {}
        for name, new in values.items():
            old = getattr(locked, name)
            if old != new:
                changes[name] = [_jsonable(old), _jsonable(new)]
        old_refs = sorted(locked.findings.values_list("reference", flat=True))
        new_refs = [f.reference for f in findings]
        if old_refs != new_refs:
            changes["findings"] = [old_refs, new_refs]
        if not changes:
            return locked
        for name, new in values.items():
            setattr(locked, name, new)
        locked.save()
        locked.findings.set(findings)
        assessment.save(update_fields=["updated_at"])
        audit_record(
            actor=actor,
            verb="equality.assessment.updated",
            target=assessment,
            changes={"characteristic": locked.characteristic, **changes},
        )
    return locked


def assessment_publish(
    *, actor: User, assessment: EqualityImpactAssessment
) -> EqualityImpactAssessment:
    """Make the assessment public (shown once the project is public too). Repeats do nothing."""
    if not actor.has_perm("equality.change_assessment"):
        raise NotFound()
    with transaction.atomic():
        locked = EqualityImpactAssessment.objects.select_for_update().get(pk=assessment.pk)
        if locked.status == AssessmentStatus.PUBLISHED:
            return locked
        ASSESSMENT_STATES.check(locked.status, AssessmentStatus.PUBLISHED)
        locked.status = AssessmentStatus.PUBLISHED
        locked.published_at = timezone.now()
        locked.save(update_fields=["status", "published_at", "updated_at"])
        audit_record(
            actor=actor,
            verb="equality.assessment.published",
            target=locked,
            changes={"status": [AssessmentStatus.DRAFT, AssessmentStatus.PUBLISHED]},
        )
    return locked


@dataclass
class ProfileData:
    """An upload of population shares as sent by the form."""

    name: str
    source: str
    year: int
    content: bytes


def population_profile_upload(*, actor: User, data: ProfileData) -> PopulationProfile:
    """Check the CSV and store it as the new current profile, or store nothing at all.

    The previous profile stays as it was (and current) if anything is wrong with the file.
    """
    if not actor.has_perm("equality.upload_population"):
        raise NotFound()
    name, source = data.name.strip(), data.source.strip()
    if not name:
        raise ServiceError("required", "Enter a name for these figures.", field="name")
    if len(name) > 200:
        raise ServiceError("too_long", "The name must be 200 characters or fewer.", field="name")
    if not source:
        raise ServiceError(
            "required", "Enter where the figures come from, like “Census 2021”.", field="source"
        )
    if len(source) > 300:
        raise ServiceError(
            "too_long", "The source must be 300 characters or fewer.", field="source"
        )
    if not 1900 <= data.year <= 2200:
        raise ServiceError("invalid_year", "Enter a year like 2021.", field="year")
    try:
        shares = population_csv.parse(data.content)
    except population_csv.PopulationCSVError as exc:
        raise ServiceError(exc.code, exc.message, field="file") from None
    with transaction.atomic():
        profile = PopulationProfile.objects.create(
            name=name, source=source, year=data.year, uploaded_by=actor, uploaded_at=timezone.now()
        )
        PopulationShare.objects.bulk_create(
            PopulationShare(
                profile=profile,
                characteristic=s.characteristic,
                group=s.group,
                percent=Decimal(f"{s.percent:.2f}"),
            )
            for s in shares
        )
        audit_record(
            actor=actor,
            verb="equality.population_profile.uploaded",
            target=profile,
            changes={
                "name": name,
                "source": source,
                "year": data.year,
                "shares": len(shares),
                "characteristics": sorted({s.characteristic for s in shares}),
            },
        )
    return profile
