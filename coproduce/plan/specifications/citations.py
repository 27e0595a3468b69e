"""What a requirement may cite: published evidence of its own project.

The rules, in one place (services validate with them, forms offer only what they allow):

- a **finding** may be cited once it is published (``published_at`` set) — the same rule
  as the finding's public page and the equality impact assessment's citations;
- an **idea** may be cited when it is on the project's own board, the board is public
  (the project is published: ideas have no separate publication step, an idea is public
  as soon as its board is), and it has not been merged into another idea (cite the one
  it was merged into) or marked "not taken forward" (asking for it would contradict the
  published decision);
- an **equality impact entry** may be cited once the project's assessment is published.
"""

from __future__ import annotations

from django.db.models import Model, QuerySet

from coproduce.foundation.commissioning.models import CommissioningProject
from coproduce.foundation.core.errors import ServiceError
from coproduce.understand.consultations.models import Finding
from coproduce.understand.equality.models import AssessmentStatus, ImpactEntry
from coproduce.understand.ideas.models import Idea, Status

CITABLE_IDEA_STATUSES = (Status.OPEN, Status.UNDER_CONSIDERATION, Status.TAKEN_FORWARD)


def citable_findings(project: CommissioningProject) -> QuerySet[Finding]:
    """The project's published findings, by reference."""
    return Finding.objects.filter(project=project, published_at__isnull=False).order_by("reference")


def citable_ideas(project: CommissioningProject) -> QuerySet[Idea]:
    """Ideas on the project's public board that are not merged or turned down."""
    if project.published_at is None:
        return Idea.objects.none()
    return Idea.objects.filter(project=project, status__in=CITABLE_IDEA_STATUSES).order_by(
        "reference"
    )


def citable_equality_entries(project: CommissioningProject) -> QuerySet[ImpactEntry]:
    """The entries of the project's published equality impact assessment."""
    return (
        ImpactEntry.objects.filter(
            assessment__project=project, assessment__status=AssessmentStatus.PUBLISHED
        )
        .select_related("assessment__project")
        .order_by("position")
    )


def label(obj: Model) -> str:
    """How a cited thing is referred to in audit rows, diffs and the API."""
    if isinstance(obj, ImpactEntry):
        return f"EQIA:{obj.characteristic}"
    return obj.reference


def _refs_of(model, ids: set[int]) -> str:
    if model is ImpactEntry:
        rows = ImpactEntry.objects.filter(pk__in=ids).values_list("characteristic", flat=True)
        refs = [f"the {r.replace('_', ' ')} entry" for r in rows]
    else:
        refs = list(model.objects.filter(pk__in=ids).values_list("reference", flat=True))
    return ", ".join(sorted(refs))


def _check(kind: str, allowed: QuerySet, ids: list[int], rule: str) -> list:
    wanted = {int(i) for i in ids}
    found = list(allowed.filter(pk__in=wanted))
    missing = wanted - {o.pk for o in found}
    if missing:
        named = _refs_of(allowed.model, missing)
        raise ServiceError(
            f"invalid_{kind}",
            f"{rule}{' ' + named + ' cannot be cited.' if named else ''}",
            field=f"{kind}s" if kind != "equality_entry" else "equality_entries",
        )
    return found


def validate(
    *,
    project: CommissioningProject,
    finding_ids: list[int],
    idea_ids: list[int],
    equality_entry_ids: list[int],
) -> dict[str, list]:
    """The objects to cite, or ``ServiceError`` naming the first rule broken.

    Codes: ``invalid_finding``, ``invalid_idea``, ``invalid_equality_entry``.
    """
    return {
        "findings": _check(
            "finding",
            citable_findings(project),
            finding_ids,
            "A requirement can only cite published findings of this project.",
        ),
        "ideas": _check(
            "idea",
            citable_ideas(project),
            idea_ids,
            "A requirement can only cite ideas on this project’s public ideas board that "
            "were not merged or turned down.",
        ),
        "equality_entries": _check(
            "equality_entry",
            citable_equality_entries(project),
            equality_entry_ids,
            "A requirement can only cite entries of this project’s published equality "
            "impact assessment.",
        ),
    }
