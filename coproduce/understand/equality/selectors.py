"""Reads for equality impact assessments, population profiles and the participation gap."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from django.db.models import Count, Prefetch, QuerySet
from django.utils import timezone

from coproduce.foundation.commissioning.models import CommissioningProject
from coproduce.foundation.commissioning.selectors import access_project_by_reference
from coproduce.foundation.core.errors import NotFound
from coproduce.understand.consultations.equality import CHARACTERISTICS
from coproduce.understand.consultations.models import (
    Consultation,
    EqualityMonitoringReturn,
    Finding,
)

from . import gap
from .models import EqualityImpactAssessment, Impact, ImpactEntry, PopulationProfile


def _assessment_qs() -> QuerySet[EqualityImpactAssessment]:
    return EqualityImpactAssessment.objects.select_related(
        "project", "project__service_area", "project__owner"
    ).prefetch_related(
        Prefetch(
            "entries",
            queryset=ImpactEntry.objects.prefetch_related(
                Prefetch("findings", queryset=Finding.objects.order_by("reference"))
            ),
        )
    )


def access_assessment_by_project_reference(
    *, user, reference: str, perm: str = "equality.view_assessment"
) -> EqualityImpactAssessment:
    """The project's assessment if ``user`` holds ``perm`` on it; NotFound otherwise.

    The public may see a published assessment of a published project; council staff see
    drafts. Missing and forbidden answer the same.
    """
    assessment = _assessment_qs().filter(project__reference=reference).first()
    if assessment is None or not user.has_perm(perm, assessment):
        raise NotFound()
    return assessment


def access_project_for_assessment(*, user, reference: str) -> CommissioningProject:
    """The project, for council staff working on its assessment; NotFound for anyone else."""
    if not user.has_perm("equality.view_assessment_draft"):
        raise NotFound()
    return access_project_by_reference(user=user, reference=reference)


def assessment_for_project(*, project: CommissioningProject) -> EqualityImpactAssessment | None:
    return _assessment_qs().filter(project=project).first()


def access_entry(*, user, assessment: EqualityImpactAssessment, characteristic: str) -> ImpactEntry:
    """One entry of an assessment, for people who may change it; NotFound otherwise."""
    if not user.has_perm("equality.change_assessment"):
        raise NotFound()
    for entry in assessment.entries.all():
        if entry.characteristic == characteristic:
            return entry
    raise NotFound()


def published_findings(*, project: CommissioningProject) -> QuerySet[Finding]:
    """The project's published findings, which an assessment may cite."""
    return Finding.objects.filter(project=project, published_at__isnull=False).order_by("reference")


@dataclass(frozen=True)
class AssessmentSummary:
    """Counts by impact and the entries that need attention."""

    counts: dict[str, int]
    needs_mitigation: list[ImpactEntry]
    review_overdue: list[ImpactEntry]


def assessment_summary(
    *, assessment: EqualityImpactAssessment, today: dt.date | None = None
) -> AssessmentSummary:
    """Flags each negative impact with no mitigation and each review date in the past."""
    today = today or timezone.localdate()
    entries = list(assessment.entries.all())
    counts = Counter(e.impact for e in entries)
    return AssessmentSummary(
        counts={value: counts.get(value, 0) for value in Impact.values},
        needs_mitigation=[e for e in entries if e.needs_mitigation],
        review_overdue=[e for e in entries if e.review_on is not None and e.review_on < today],
    )


def current_population_profile() -> PopulationProfile | None:
    """The newest upload, which is the one in use."""
    return PopulationProfile.objects.select_related("uploaded_by").first()


def population_profiles(*, user) -> QuerySet[PopulationProfile]:
    """Every upload, newest first, for council staff; NotFound for anyone else."""
    if not user.has_perm("equality.view_population"):
        raise NotFound()
    return PopulationProfile.objects.select_related("uploaded_by").annotate(
        share_count=Count("shares")
    )


def population_shares(profile: PopulationProfile | None) -> dict[str, dict[str, float]]:
    """{characteristic: {group: percent}} for a profile (empty without one)."""
    out: dict[str, dict[str, float]] = {c.key: {} for c in CHARACTERISTICS}
    if profile is None:
        return out
    for c, g, p in profile.shares.values_list("characteristic", "group", "percent"):
        out.setdefault(c, {})[g] = float(p)
    return out


def access_consultation_for_gap(*, user, reference: str) -> Consultation:
    """A consultation, for council staff looking at who took part; NotFound otherwise."""
    if not user.has_perm("equality.view_participation_gap"):
        raise NotFound()
    consultation = (
        Consultation.objects.select_related("project").filter(reference=reference).first()
    )
    if consultation is None:
        raise NotFound()
    return consultation


def access_project_for_gap(*, user, reference: str) -> CommissioningProject:
    """A project, for council staff looking at who took part; NotFound otherwise."""
    if not user.has_perm("equality.view_participation_gap"):
        raise NotFound()
    return access_project_by_reference(user=user, reference=reference)


def monitoring_counts(
    *, consultations: QuerySet[Consultation]
) -> tuple[int, dict[str, dict[str, int]]]:
    """(returns, {characteristic: {group: count}}) over the consultations' equality returns.

    Blanks are left out. One aggregate query per characteristic, whatever the number of
    returns.
    """
    returns = EqualityMonitoringReturn.objects.filter(consultation__in=consultations)
    counts: dict[str, dict[str, int]] = {}
    for c in CHARACTERISTICS:
        rows = returns.exclude(**{c.key: ""}).values(c.key).annotate(n=Count("pk")).order_by()
        counts[c.key] = {row[c.key]: row["n"] for row in rows}
    return returns.count(), counts


@dataclass(frozen=True)
class ParticipationGap:
    profile: PopulationProfile | None
    returns: int
    characteristics: list[gap.CharacteristicGap]
    heard_less_from: list[str]
    margin: float


def project_consultations(*, project: CommissioningProject) -> QuerySet[Consultation]:
    """The project's consultations, newest first, for links to their participation gap."""
    return Consultation.objects.filter(project=project).order_by("-opens_at", "-pk")


def consultation_participation_gap(
    *, consultation: Consultation, margin: float = gap.DEFAULT_MARGIN
) -> ParticipationGap:
    """The gap for one consultation's equality monitoring returns."""
    return participation_gap(
        consultations=Consultation.objects.filter(pk=consultation.pk), margin=margin
    )


def project_participation_gap(
    *, project: CommissioningProject, margin: float = gap.DEFAULT_MARGIN
) -> ParticipationGap:
    """The gap for all the project's consultations taken together."""
    return participation_gap(
        consultations=Consultation.objects.filter(project=project), margin=margin
    )


def participation_gap(
    *, consultations: QuerySet[Consultation], margin: float = gap.DEFAULT_MARGIN
) -> ParticipationGap:
    """Who answered the equality questions compared with the current population profile."""
    profile = current_population_profile()
    returns, counts = monitoring_counts(consultations=consultations)
    comparison = gap.compare(counts, population_shares(profile), margin)
    return ParticipationGap(
        profile=profile,
        returns=returns,
        characteristics=comparison,
        heard_less_from=gap.heard_less_from(comparison) if profile else [],
        margin=margin,
    )
