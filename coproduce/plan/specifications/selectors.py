"""Reads of service specifications: versions, citations both ways, diffs, HTML for tenders."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Prefetch, QuerySet
from django.template.loader import render_to_string

from coproduce.foundation.commissioning.models import CommissioningProject
from coproduce.foundation.commissioning.selectors import access_project_by_reference
from coproduce.foundation.core.errors import NotFound
from coproduce.foundation.core.templatetags.govuk import pounds
from coproduce.understand.consultations.models import Finding
from coproduce.understand.equality.models import EqualityImpactAssessment, ImpactEntry
from coproduce.understand.ideas.models import Idea

from . import citations
from .models import Requirement, RequirementKind, Specification, SpecificationStatus

PUBLIC_STATUSES = (SpecificationStatus.PUBLISHED, SpecificationStatus.SUPERSEDED)


def _requirements_qs() -> QuerySet[Requirement]:
    return Requirement.objects.order_by("position").prefetch_related(
        Prefetch("findings", queryset=Finding.objects.order_by("reference")),
        Prefetch("ideas", queryset=Idea.objects.order_by("reference")),
        Prefetch(
            "equality_entries",
            queryset=ImpactEntry.objects.select_related("assessment__project").order_by("position"),
        ),
    )


def _spec_qs() -> QuerySet[Specification]:
    return Specification.objects.select_related(
        "project", "project__service_area", "published_by"
    ).prefetch_related(Prefetch("requirements", queryset=_requirements_qs()))


def published_specifications(project: CommissioningProject) -> QuerySet[Specification]:
    """Every version that was ever published (current and superseded), newest first."""
    return (
        Specification.objects.filter(project=project, status__in=PUBLIC_STATUSES)
        .select_related("project")
        .order_by("-version")
    )


def current_specification(project: CommissioningProject) -> Specification | None:
    """The latest published version with its requirements and citations, or None."""
    return (
        _spec_qs()
        .filter(project=project, status=SpecificationStatus.PUBLISHED)
        .order_by("-version")
        .first()
    )


def current_specification_summary(project: CommissioningProject) -> Specification | None:
    """The latest published version without its requirements (for links), or None."""
    return (
        Specification.objects.filter(project=project, status=SpecificationStatus.PUBLISHED)
        .only("pk", "version", "project_id", "status")
        .order_by("-version")
        .first()
    )


def draft_specification(project: CommissioningProject) -> Specification | None:
    """The project's draft (there is at most one), with requirements and citations."""
    return _spec_qs().filter(project=project, status=SpecificationStatus.DRAFT).first()


def access_project_for_specifications(*, user, reference: str) -> CommissioningProject:
    """The project, for council staff working on its specification; NotFound for others."""
    if not user.has_perm("specifications.view_drafts"):
        raise NotFound()
    return access_project_by_reference(user=user, reference=reference)


def access_specification(*, user, reference: str, version: int | None = None) -> Specification:
    """One version of a project's specification, if ``user`` may see it; NotFound otherwise.

    Without ``version``: the current published version (council staff with nothing
    published yet get the newest version, the draft). Drafts and anything of an
    unpublished project: council staff only.
    """
    qs = _spec_qs().filter(project__reference=reference)
    if version is not None:
        spec = qs.filter(version=version).first()
    else:
        spec = qs.filter(status=SpecificationStatus.PUBLISHED).order_by("-version").first()
        if spec is None and user.has_perm("specifications.view_drafts"):
            spec = qs.order_by("-version").first()
    if spec is None or not user.has_perm("specifications.view_specification", spec):
        raise NotFound()
    return spec


def access_draft_specification(*, user, reference: str) -> Specification:
    """The project's draft, for people who may change it; NotFound otherwise."""
    if not user.has_perm("specifications.change_specification"):
        raise NotFound()
    spec = _spec_qs().filter(project__reference=reference, status=SpecificationStatus.DRAFT).first()
    if spec is None:
        raise NotFound()
    return spec


def access_draft_requirement(*, user, reference: str, requirement_id: int) -> Requirement:
    """A requirement of the project's draft, for people who may change it; else NotFound."""
    spec = access_draft_specification(user=user, reference=reference)
    for req in spec.requirements.all():
        if req.pk == requirement_id:
            req.specification = spec
            return req
    raise NotFound()


def access_project_specifications(*, user, reference: str) -> list[Specification]:
    """Versions of a visible project's specification, newest first, with requirements:
    published and superseded ones for everyone, the draft too for council staff.
    NotFound when the project is missing or hidden."""
    project = access_project_by_reference(user=user, reference=reference)
    return specification_versions(
        project=project, include_drafts=user.has_perm("specifications.view_drafts")
    )


def specification_versions(
    *, project: CommissioningProject, include_drafts: bool = False
) -> list[Specification]:
    """The project's versions, newest first (drafts only when asked for), with requirements."""
    qs = _spec_qs().filter(project=project)
    if not include_drafts:
        qs = qs.filter(status__in=PUBLIC_STATUSES)
    return list(qs.order_by("-version"))


# --- citations, both ways ---------------------------------------------------------------


@dataclass(frozen=True)
class CitationGaps:
    """What the commissioner should look at: requirements citing nothing, evidence unused."""

    uncited_requirements: list[Requirement]
    uncited_findings: list[Finding]


def citation_gaps(specification: Specification) -> CitationGaps:
    """Requirements of ``specification`` that cite nothing, and the project's published
    findings that no requirement of it cites."""
    reqs = list(specification.requirements.all())
    uncited = [
        r for r in reqs if not (r.findings.all() or r.ideas.all() or r.equality_entries.all())
    ]
    cited = {f.pk for r in reqs for f in r.findings.all()}
    findings = [f for f in citations.citable_findings(specification.project) if f.pk not in cited]
    return CitationGaps(uncited_requirements=uncited, uncited_findings=findings)


def _citing(**filters) -> QuerySet[Requirement]:
    return (
        Requirement.objects.filter(
            specification__status=SpecificationStatus.PUBLISHED,
            specification__project__published_at__isnull=False,
            **filters,
        )
        .select_related("specification__project")
        .order_by("specification__project__reference", "position")
        .distinct()
    )


def requirements_citing_finding(finding: Finding) -> list[Requirement]:
    """Requirements of current published specifications that cite this finding."""
    return list(_citing(findings=finding))


def requirements_citing_idea(idea: Idea) -> list[Requirement]:
    """Requirements of current published specifications that cite this idea."""
    return list(_citing(ideas=idea))


def requirements_citing_assessment(
    assessment: EqualityImpactAssessment,
) -> dict[int, list[Requirement]]:
    """{entry id: requirements citing it} for a whole assessment, in one query."""
    out: dict[int, list[Requirement]] = {}
    rows = _citing(equality_entries__assessment=assessment).values_list("pk", "equality_entries")
    by_pk = {r.pk: r for r in _citing(equality_entries__assessment=assessment)}
    for pk, entry_id in rows:
        out.setdefault(entry_id, []).append(by_pk[pk])
    return out


# --- differences between versions -------------------------------------------------------

SPEC_FIELDS = (
    ("title", "Title"),
    ("purpose", "What the service is for"),
    ("involvement", "Involving the people who use the service"),
    ("inclusion", "Reaching people at risk of being left out"),
    ("contract_years", "Contract length (years)"),
    ("extension_years", "Possible extension (years)"),
    ("short_term_reason", "Why the contract is short"),
    ("estimated_value_pence", "Estimated value"),
)


@dataclass
class RequirementChange:
    """One line of a version diff."""

    change: str  # "added", "removed" or "changed"
    kind: str
    old_text: str = ""
    new_text: str = ""
    details: list[str] = field(default_factory=list)


@dataclass
class SpecificationDiff:
    """What changed between two versions, in words."""

    fields: list[tuple[str, str, str]]
    requirements: list[RequirementChange]

    @property
    def empty(self) -> bool:
        return not self.fields and not self.requirements


def _show(name: str, value) -> str:
    if name == "estimated_value_pence":
        return pounds(value)
    return str(value) if value not in ("", None) else "(blank)"


def _refs(req: Requirement) -> list[str]:
    return sorted(
        [f.reference for f in req.findings.all()]
        + [i.reference for i in req.ideas.all()]
        + [f"equality impact: {e.get_characteristic_display()}" for e in req.equality_entries.all()]
    )


def _details(old: Requirement, new: Requirement) -> list[str]:
    out = []
    if old.kind != new.kind:
        out.append(
            f"was a {old.get_kind_display().lower()}, now a {new.get_kind_display().lower()}"
        )
    for name in ("target", "unit", "frequency"):
        a, b = getattr(old, name), getattr(new, name)
        if a != b:
            out.append(f"{name} changed from “{a or '(blank)'}” to “{b or '(blank)'}”")
    a, b = _refs(old), _refs(new)
    if a != b:
        added, removed = sorted(set(b) - set(a)), sorted(set(a) - set(b))
        if added:
            out.append("now cites " + ", ".join(added))
        if removed:
            out.append("no longer cites " + ", ".join(removed))
    return out


def specification_diff(old: Specification | None, new: Specification) -> SpecificationDiff:
    """A readable comparison: requirements with the same wording are matched first, the
    rest by position; whatever is left over was added or removed."""
    if old is None:
        return SpecificationDiff(
            fields=[],
            requirements=[
                RequirementChange("added", r.get_kind_display(), new_text=r.text)
                for r in new.requirements.all()
            ],
        )
    fields = [
        (label, _show(name, getattr(old, name)), _show(name, getattr(new, name)))
        for name, label in SPEC_FIELDS
        if getattr(old, name) != getattr(new, name)
    ]
    olds, news = list(old.requirements.all()), list(new.requirements.all())
    changes: list[RequirementChange] = []
    unmatched_old = []
    remaining = list(news)
    for o in olds:
        match = next((n for n in remaining if n.text == o.text), None)
        if match is None:
            unmatched_old.append(o)
            continue
        remaining.remove(match)
        details = _details(o, match)
        if details:
            changes.append(
                RequirementChange("changed", match.get_kind_display(), o.text, match.text, details)
            )
    for o, n in zip(unmatched_old, remaining, strict=False):
        changes.append(
            RequirementChange(
                "changed",
                n.get_kind_display(),
                o.text,
                n.text,
                ["wording changed", *_details(o, n)],
            )
        )
    paired = min(len(unmatched_old), len(remaining))
    for n in remaining[paired:]:
        changes.append(RequirementChange("added", n.get_kind_display(), new_text=n.text))
    for o in unmatched_old[paired:]:
        changes.append(RequirementChange("removed", o.get_kind_display(), old_text=o.text))
    return SpecificationDiff(fields=fields, requirements=changes)


def version_history(versions: list[Specification]) -> list[tuple[Specification, SpecificationDiff]]:
    """Each version (newest first) with what changed since the version before it."""
    by_pk = {v.pk: v for v in versions}
    return [(v, specification_diff(by_pk.get(v.previous_id), v)) for v in versions]


# --- presentation helpers ----------------------------------------------------------------


def requirement_groups(specification: Specification) -> list[tuple[str, str, list[Requirement]]]:
    """(kind, heading, requirements) in the order a reader expects, keeping position order."""
    reqs = list(specification.requirements.all())
    headings = {
        RequirementKind.OUTCOME: "Outcomes",
        RequirementKind.CRITERION: "Performance criteria",
        RequirementKind.KPI: "Key performance indicators",
    }
    return [
        (kind, heading, [r for r in reqs if r.kind == kind])
        for kind, heading in headings.items()
        if any(r.kind == kind for r in reqs)
    ]


def specification_as_html(spec: Specification) -> str:
    """Safe HTML of the whole specification (for the tender pack's HTML version).

    Everything typed by people is escaped by the template engine. Headings start at h2
    so the fragment fits under the page's own h1.
    """
    spec = _spec_qs().get(pk=spec.pk)
    return render_to_string(
        "specifications/includes/body.html",
        {"spec": spec, "groups": requirement_groups(spec), "heading_level": 2},
    )
