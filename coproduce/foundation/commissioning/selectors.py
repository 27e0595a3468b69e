"""Reads of commissioning projects. Drafts are visible to council staff only."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from coproduce.foundation.core.errors import NotFound

from .models import STAGES, CommissioningProject, Stage, StageChange


@dataclass(frozen=True)
class ProjectFilters:
    q: str = ""
    stage: str = ""
    service_area: str = ""


def _filtered(qs: QuerySet[CommissioningProject], filters: ProjectFilters) -> QuerySet:
    if filters.q:
        qs = qs.filter(
            Q(title__icontains=filters.q)
            | Q(summary__icontains=filters.q)
            | Q(reference__iexact=filters.q)
        )
    if filters.stage in Stage.values:
        qs = qs.filter(stage=filters.stage)
    if filters.service_area:
        qs = qs.filter(service_area__slug=filters.service_area)
    return qs


def project_public_list(
    *, filters: ProjectFilters = ProjectFilters()
) -> QuerySet[CommissioningProject]:
    """Published projects, newest first, with what the list page shows joined in."""
    qs = CommissioningProject.objects.filter(published_at__isnull=False).select_related(
        "service_area"
    )
    return _filtered(qs, filters).order_by("-published_at", "-pk")


def project_staff_list(
    *, user, filters: ProjectFilters = ProjectFilters()
) -> QuerySet[CommissioningProject]:
    """Every project including drafts, for council staff; NotFound for anyone else."""
    if not user.has_perm("commissioning.view_draft_projects"):
        raise NotFound()
    qs = CommissioningProject.objects.select_related("service_area", "owner")
    return _filtered(qs, filters).order_by("-updated_at", "-pk")


def access_project_by_reference(
    *, user, reference: str, perm: str = "commissioning.view_project"
) -> CommissioningProject:
    """The project if ``user`` holds ``perm`` on it; NotFound for missing and forbidden alike."""
    project = (
        CommissioningProject.objects.select_related("service_area", "owner")
        .filter(reference=reference)
        .first()
    )
    if project is None or not user.has_perm(perm, project):
        raise NotFound()
    return project


def project_timeline(*, project: CommissioningProject) -> QuerySet[StageChange]:
    """The project's stage decisions in the order they were made."""
    return project.stage_changes.select_related("decided_by").order_by("decided_at", "pk")


def project_next_stages(*, project: CommissioningProject) -> list[tuple[str, str]]:
    """(stage, label) pairs that the project may move to from where it is."""
    return [(t.target, t.label) for t in STAGES.allowed_from(project.stage)]
