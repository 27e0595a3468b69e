"""Specification services: versions, immutability, citations, KPIs, contract length, audit."""

from __future__ import annotations

import pytest

from coproduce.foundation.commissioning.tests.factories import make_project
from coproduce.foundation.core.errors import NotFound, ServiceError
from coproduce.foundation.core.models import AuditEvent
from coproduce.plan.specifications.models import Requirement, Specification, SpecificationStatus
from coproduce.plan.specifications.selectors import (
    citation_gaps,
    current_specification,
    published_specifications,
    specification_diff,
)
from coproduce.plan.specifications.services import (
    RequirementData,
    requirement_add,
    requirement_move,
    requirement_remove,
    requirement_update,
    specification_create,
    specification_new_version,
    specification_publish,
    specification_update,
)
from coproduce.understand.consultations.tests.factories import make_finding
from coproduce.understand.equality.services import assessment_start

from .conftest import kpi, make_idea, outcome, spec_data

pytestmark = pytest.mark.django_db


def _verbs() -> list[str]:
    return list(AuditEvent.objects.order_by("seq").values_list("verb", flat=True))


# --- creating and publishing ---------------------------------------------------------------


def test_first_draft_is_version_one_and_audited(commissioner, published_project):
    spec = specification_create(actor=commissioner, project=published_project, data=spec_data())
    assert (spec.version, spec.status) == (1, SpecificationStatus.DRAFT)
    assert "specifications.specification.created" in _verbs()


def test_creating_twice_returns_the_same_draft(commissioner, published_project):
    first = specification_create(actor=commissioner, project=published_project, data=spec_data())
    again = specification_create(actor=commissioner, project=published_project, data=spec_data())
    assert again.pk == first.pk
    assert Specification.objects.count() == 1


@pytest.mark.parametrize("who", ["finance", "resident", "provider"])
def test_only_commissioners_and_admins_may_write(request, who, published_project):
    user = request.getfixturevalue(who)
    with pytest.raises(NotFound):
        specification_create(actor=user, project=published_project, data=spec_data())
    assert not Specification.objects.exists()


def test_admin_may_write(platform_admin, published_project):
    spec = specification_create(actor=platform_admin, project=published_project, data=spec_data())
    assert spec.created_by == platform_admin


def test_publish_needs_an_outcome(commissioner, draft_spec):
    requirement_add(actor=commissioner, specification=draft_spec, data=kpi())
    with pytest.raises(ServiceError) as exc:
        specification_publish(actor=commissioner, specification=draft_spec)
    assert exc.value.code == "outcome_required"
    draft_spec.refresh_from_db()
    assert draft_spec.status == SpecificationStatus.DRAFT
    assert "specifications.specification.published" not in _verbs()


def test_publish_is_audited_and_repeat_does_nothing(commissioner, published_spec):
    assert published_spec.status == SpecificationStatus.PUBLISHED
    assert published_spec.published_by == commissioner
    event = AuditEvent.objects.get(verb="specifications.specification.published")
    assert event.target_id == str(published_spec.pk)
    again = specification_publish(actor=commissioner, specification=published_spec)
    assert again.published_at == published_spec.published_at
    assert AuditEvent.objects.filter(verb="specifications.specification.published").count() == 1


# --- immutability -----------------------------------------------------------------------------


def test_every_write_to_a_published_version_is_refused(commissioner, published_spec):
    req = published_spec.requirements.first()
    attempts = [
        lambda: specification_update(
            actor=commissioner, specification=published_spec, data=spec_data(title="New")
        ),
        lambda: requirement_add(
            actor=commissioner, specification=published_spec, data=outcome("x")
        ),
        lambda: requirement_update(actor=commissioner, requirement=req, data=outcome("changed")),
        lambda: requirement_move(actor=commissioner, requirement=req, direction="down"),
        lambda: requirement_remove(actor=commissioner, requirement=req),
    ]
    before = _verbs()
    for attempt in attempts:
        with pytest.raises(ServiceError) as exc:
            attempt()
        assert exc.value.code == "specification_published"
        assert "Make a new version" in exc.value.message
    published_spec.refresh_from_db()
    assert published_spec.title == spec_data().title
    assert published_spec.requirements.count() == 2
    assert _verbs() == before


# --- versions ---------------------------------------------------------------------------------


def test_new_version_needs_a_reason(commissioner, published_spec):
    with pytest.raises(ServiceError) as exc:
        specification_new_version(actor=commissioner, project=published_spec.project, reason="  ")
    assert exc.value.code == "reason_required"
    assert Specification.objects.count() == 1


def test_new_version_copies_requirements_and_citations(commissioner, published_spec, finding):
    new = specification_new_version(
        actor=commissioner, project=published_spec.project, reason="Carers asked for evenings."
    )
    assert (new.version, new.status, new.previous_id) == (2, "draft", published_spec.pk)
    assert new.change_reason == "Carers asked for evenings."
    old_reqs = list(published_spec.requirements.order_by("position"))
    new_reqs = list(new.requirements.order_by("position"))
    assert [(r.kind, r.text, r.position) for r in new_reqs] == [
        (r.kind, r.text, r.position) for r in old_reqs
    ]
    assert {r.pk for r in new_reqs}.isdisjoint({r.pk for r in old_reqs})
    assert list(new_reqs[0].findings.all()) == [finding]
    assert new_reqs[1].target == "90"
    event = AuditEvent.objects.get(verb="specifications.specification.version_started")
    assert event.reason == "Carers asked for evenings."


def test_only_one_draft_at_a_time(commissioner, published_spec):
    first = specification_new_version(
        actor=commissioner, project=published_spec.project, reason="Change"
    )
    again = specification_new_version(
        actor=commissioner, project=published_spec.project, reason="Change"
    )
    assert again.pk == first.pk
    assert Specification.objects.filter(status="draft").count() == 1


def test_first_version_cannot_be_created_again_once_published(commissioner, published_spec):
    with pytest.raises(ServiceError) as exc:
        specification_create(actor=commissioner, project=published_spec.project, data=spec_data())
    assert exc.value.code == "already_published"


def test_new_version_without_anything_published_is_refused(commissioner, published_project):
    with pytest.raises(ServiceError) as exc:
        specification_new_version(actor=commissioner, project=published_project, reason="x")
    assert exc.value.code == "nothing_published"
    assert not Specification.objects.exists()


def test_publishing_a_new_version_supersedes_the_previous(commissioner, published_spec):
    project = published_spec.project
    new = specification_new_version(actor=commissioner, project=project, reason="Evenings")
    requirement_add(actor=commissioner, specification=new, data=outcome("Evening activities."))
    specification_publish(actor=commissioner, specification=new)
    published_spec.refresh_from_db()
    assert published_spec.status == SpecificationStatus.SUPERSEDED
    assert current_specification(project).pk == new.pk
    assert [s.version for s in published_specifications(project)] == [2, 1]
    assert "specifications.specification.superseded" in _verbs()
    # The old version's requirements are untouched.
    assert published_spec.requirements.count() == 2


def test_diff_reports_added_removed_and_changed(commissioner, published_spec):
    project = published_spec.project
    new = specification_new_version(actor=commissioner, project=project, reason="Evenings")
    first, second = new.requirements.order_by("position")
    requirement_update(actor=commissioner, requirement=second, data=kpi(target="95"))
    requirement_remove(actor=commissioner, requirement=first)
    requirement_add(actor=commissioner, specification=new, data=outcome("Evening activities."))
    specification_update(actor=commissioner, specification=new, data=spec_data(contract_years=3))
    d = specification_diff(
        Specification.objects.get(pk=published_spec.pk), Specification.objects.get(pk=new.pk)
    )
    assert [label for label, _, _ in d.fields] == ["Contract length (years)"]
    kinds = sorted(c.change for c in d.requirements)
    assert kinds == ["changed", "changed"]  # one KPI target, one outcome reworded
    details = " ".join(" ".join(c.details) for c in d.requirements)
    assert "target changed from “90” to “95”" in details
    assert "wording changed" in details


def test_diff_reports_plain_additions(commissioner, published_spec):
    new = specification_new_version(
        actor=commissioner, project=published_spec.project, reason="More"
    )
    requirement_add(actor=commissioner, specification=new, data=outcome("Evening activities."))
    d = specification_diff(published_spec, Specification.objects.get(pk=new.pk))
    assert [(c.change, c.new_text) for c in d.requirements] == [("added", "Evening activities.")]


# --- requirements -------------------------------------------------------------------------------


@pytest.mark.parametrize("missing", ["target", "unit", "frequency"])
def test_a_kpi_needs_target_unit_and_frequency(commissioner, draft_spec, missing):
    with pytest.raises(ServiceError) as exc:
        requirement_add(actor=commissioner, specification=draft_spec, data=kpi(**{missing: ""}))
    assert exc.value.code == "kpi_incomplete"
    assert exc.value.field == missing
    assert not Requirement.objects.exists()


@pytest.mark.parametrize("target", ["as many as possible", "most people", "  ", "n/a", "%"])
def test_a_kpi_target_without_a_figure_is_refused(commissioner, draft_spec, target):
    with pytest.raises(ServiceError) as exc:
        requirement_add(actor=commissioner, specification=draft_spec, data=kpi(target=target))
    assert exc.value.code in {"kpi_target_not_a_figure", "kpi_incomplete"}
    assert exc.value.field == "target"
    if target.strip():
        assert "as a figure, such as 85 or 85%" in exc.value.message
    assert not Requirement.objects.exists()


@pytest.mark.parametrize("target", ["85", "85%", "£1,200", "at least 40", "0.5"])
def test_a_kpi_target_with_a_figure_is_kept_as_written(commissioner, draft_spec, target):
    req = requirement_add(actor=commissioner, specification=draft_spec, data=kpi(target=target))
    assert req.target == target


def test_a_kpi_target_cannot_be_changed_to_words(commissioner, draft_spec):
    req = requirement_add(actor=commissioner, specification=draft_spec, data=kpi())
    with pytest.raises(ServiceError) as exc:
        requirement_update(actor=commissioner, requirement=req, data=kpi(target="lots"))
    assert exc.value.code == "kpi_target_not_a_figure"
    assert Requirement.objects.get(pk=req.pk).target == "90"


def test_a_draft_copied_from_a_legacy_kpi_without_a_figure_cannot_be_published(
    commissioner, draft_spec
):
    requirement_add(actor=commissioner, specification=draft_spec, data=outcome())
    req = requirement_add(actor=commissioner, specification=draft_spec, data=kpi())
    Requirement.objects.filter(pk=req.pk).update(target="as many as possible")  # legacy row
    with pytest.raises(ServiceError) as exc:
        specification_publish(actor=commissioner, specification=draft_spec)
    assert exc.value.code == "kpi_target_not_a_figure"
    assert "“as many as possible”" in exc.value.message
    assert Specification.objects.get(pk=draft_spec.pk).status == SpecificationStatus.DRAFT


def test_measurement_fields_are_dropped_from_an_outcome(commissioner, draft_spec):
    req = requirement_add(
        actor=commissioner,
        specification=draft_spec,
        data=RequirementData(kind="outcome", text="x", target="5", unit="u", frequency="monthly"),
    )
    assert (req.target, req.unit, req.frequency) == ("", "", "")


def test_adding_the_same_requirement_twice_stores_it_once(commissioner, draft_spec, finding):
    data = outcome(finding_ids=[finding.pk])
    a = requirement_add(actor=commissioner, specification=draft_spec, data=data)
    b = requirement_add(actor=commissioner, specification=draft_spec, data=data)
    assert a.pk == b.pk
    assert draft_spec.requirements.count() == 1


def test_requirements_move_and_remove(commissioner, draft_spec):
    a = requirement_add(actor=commissioner, specification=draft_spec, data=outcome("A"))
    b = requirement_add(actor=commissioner, specification=draft_spec, data=outcome("B"))
    c = requirement_add(actor=commissioner, specification=draft_spec, data=outcome("C"))
    requirement_move(actor=commissioner, requirement=c, direction="up")
    order = list(draft_spec.requirements.order_by("position").values_list("text", flat=True))
    assert order == ["A", "C", "B"]
    requirement_move(actor=commissioner, requirement=a, direction="up")  # already at the top
    requirement_remove(actor=commissioner, requirement=b)
    requirement_remove(actor=commissioner, requirement=b)  # repeat does nothing
    order = list(draft_spec.requirements.order_by("position").values_list("text", flat=True))
    assert order == ["A", "C"]
    verbs = _verbs()
    assert verbs.count("specifications.requirement.moved") == 1
    assert verbs.count("specifications.requirement.removed") == 1


# --- citations ----------------------------------------------------------------------------------


def test_another_projects_finding_is_refused_and_nothing_stored(commissioner, draft_spec):
    other = make_project(actor=commissioner, title="Other", published=True)
    theirs = make_finding(other, commissioner)
    with pytest.raises(ServiceError) as exc:
        requirement_add(
            actor=commissioner, specification=draft_spec, data=outcome(finding_ids=[theirs.pk])
        )
    assert exc.value.code == "invalid_finding"
    assert theirs.reference in exc.value.message
    assert "published findings of this project" in exc.value.message
    assert not Requirement.objects.exists()


def test_an_unpublished_finding_is_refused(commissioner, draft_spec):
    draft_finding = make_finding(draft_spec.project, commissioner, published=False)
    with pytest.raises(ServiceError) as exc:
        requirement_add(
            actor=commissioner,
            specification=draft_spec,
            data=outcome(finding_ids=[draft_finding.pk]),
        )
    assert exc.value.code == "invalid_finding"
    assert not Requirement.objects.exists()


def test_changing_citations_to_a_bad_finding_keeps_the_old_ones(commissioner, draft_spec, finding):
    req = requirement_add(
        actor=commissioner, specification=draft_spec, data=outcome(finding_ids=[finding.pk])
    )
    bad = make_finding(draft_spec.project, commissioner, published=False)
    with pytest.raises(ServiceError):
        requirement_update(actor=commissioner, requirement=req, data=outcome(finding_ids=[bad.pk]))
    assert list(req.findings.all()) == [finding]


@pytest.mark.parametrize(
    ("status", "ok"),
    [
        ("open", True),
        ("under_consideration", True),
        ("taken_forward", True),
        ("not_taken_forward", False),
    ],
)
def test_ideas_on_the_public_board_may_be_cited_unless_turned_down(
    commissioner, draft_spec, status, ok
):
    idea = make_idea(draft_spec.project, status=status, reason="" if status == "open" else "Why")
    data = outcome(idea_ids=[idea.pk])
    if ok:
        req = requirement_add(actor=commissioner, specification=draft_spec, data=data)
        assert list(req.ideas.all()) == [idea]
    else:
        with pytest.raises(ServiceError) as exc:
            requirement_add(actor=commissioner, specification=draft_spec, data=data)
        assert exc.value.code == "invalid_idea"


def test_ideas_of_an_unpublished_project_cannot_be_cited(commissioner, draft_project):
    spec = specification_create(actor=commissioner, project=draft_project, data=spec_data())
    idea = make_idea(draft_project)
    with pytest.raises(ServiceError) as exc:
        requirement_add(actor=commissioner, specification=spec, data=outcome(idea_ids=[idea.pk]))
    assert exc.value.code == "invalid_idea"


def test_equality_entries_need_a_published_assessment(commissioner, draft_spec, published_project):
    assessment = assessment_start(actor=commissioner, project=published_project)
    entry = assessment.entries.first()
    with pytest.raises(ServiceError) as exc:
        requirement_add(
            actor=commissioner,
            specification=draft_spec,
            data=outcome(equality_entry_ids=[entry.pk]),
        )
    assert exc.value.code == "invalid_equality_entry"
    assert not Requirement.objects.exists()


def test_published_equality_entries_may_be_cited(commissioner, draft_spec, published_entry):
    req = requirement_add(
        actor=commissioner,
        specification=draft_spec,
        data=outcome(equality_entry_ids=[published_entry.pk]),
    )
    assert list(req.equality_entries.all()) == [published_entry]


def test_gaps_show_uncited_requirements_and_findings(commissioner, draft_spec, finding):
    cited = requirement_add(
        actor=commissioner, specification=draft_spec, data=outcome(finding_ids=[finding.pk])
    )
    bare = requirement_add(actor=commissioner, specification=draft_spec, data=outcome("Bare"))
    other = make_finding(draft_spec.project, commissioner, statement="Transport is hard.")
    gaps = citation_gaps(Specification.objects.get(pk=draft_spec.pk))
    assert [r.pk for r in gaps.uncited_requirements] == [bare.pk]
    assert [f.pk for f in gaps.uncited_findings] == [other.pk]
    assert cited.pk not in [r.pk for r in gaps.uncited_requirements]


# --- contract length and value -------------------------------------------------------------------


@pytest.mark.parametrize("years", [1, 2])
def test_a_short_contract_needs_a_reason(commissioner, published_project, years):
    with pytest.raises(ServiceError) as exc:
        specification_create(
            actor=commissioner, project=published_project, data=spec_data(contract_years=years)
        )
    assert exc.value.code == "short_term_reason_required"
    assert "year to year" in exc.value.message
    assert not Specification.objects.exists()
    spec = specification_create(
        actor=commissioner,
        project=published_project,
        data=spec_data(contract_years=years, short_term_reason="A pilot."),
    )
    assert spec.short_term_reason == "A pilot."


def test_a_three_year_contract_needs_no_reason_and_drops_one(commissioner, published_project):
    spec = specification_create(
        actor=commissioner,
        project=published_project,
        data=spec_data(contract_years=3, short_term_reason="left over"),
    )
    assert spec.short_term_reason == ""


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"contract_years": 0}, "invalid_contract_years"),
        ({"contract_years": 16}, "invalid_contract_years"),
        ({"extension_years": -1}, "invalid_extension_years"),
        ({"estimated_value_pence": -1}, "negative_value"),
        ({"title": " "}, "required"),
        ({"purpose": ""}, "required"),
    ],
)
def test_bad_specification_details_are_refused(commissioner, published_project, overrides, code):
    with pytest.raises(ServiceError) as exc:
        specification_create(
            actor=commissioner, project=published_project, data=spec_data(**overrides)
        )
    assert exc.value.code == code
    assert not Specification.objects.exists()


def test_update_records_old_and_new_values(commissioner, draft_spec):
    specification_update(
        actor=commissioner, specification=draft_spec, data=spec_data(estimated_value_pence=5)
    )
    event = AuditEvent.objects.get(verb="specifications.specification.updated")
    assert event.changes == {"estimated_value_pence": [120_000_000, 5]}


def test_requirements_move_within_their_kind(commissioner, draft_spec):
    o1 = requirement_add(actor=commissioner, specification=draft_spec, data=outcome("O1"))
    k1 = requirement_add(actor=commissioner, specification=draft_spec, data=kpi("K1"))
    o2 = requirement_add(actor=commissioner, specification=draft_spec, data=outcome("O2"))
    requirement_move(actor=commissioner, requirement=k1, direction="up")  # the only KPI
    requirement_move(actor=commissioner, requirement=o2, direction="up")
    order = list(draft_spec.requirements.order_by("position").values_list("text", flat=True))
    assert order == ["O2", "K1", "O1"]
    assert o1.pk != o2.pk
