"""Project lifecycle rules, tested through the services."""

from __future__ import annotations

import datetime as dt

import pytest

from coproduce.foundation.commissioning.models import StageChange
from coproduce.foundation.commissioning.services import (
    ProjectData,
    project_change_stage,
    project_create,
    project_publish,
    project_update,
)
from coproduce.foundation.commissioning.tests.factories import make_project
from coproduce.foundation.core.errors import IllegalTransition, NotFound, ServiceError
from coproduce.foundation.core.models import AuditEvent
from coproduce.foundation.core.tests.factories import service_area


def _data(owner, **kw):
    base = {
        "title": "Carers’ breaks",
        "service_area_id": service_area().pk,
        "summary": "Short breaks for carers.",
        "budget_pence": 85_000_000,
        "starts_on": dt.date(2027, 1, 1),
        "ends_on": dt.date(2029, 12, 31),
        "owner_id": owner.pk,
    }
    base.update(kw)
    return ProjectData(**base)


def test_references_count_up_within_the_year(commissioner):
    first = project_create(actor=commissioner, data=_data(commissioner))
    second = project_create(actor=commissioner, data=_data(commissioner))
    year = dt.date.today().year
    assert (first.reference, second.reference) == (f"CP-{year}-0001", f"CP-{year}-0002")
    assert first.stage == "understand" and first.published_at is None


@pytest.mark.parametrize("role", ["resident", "provider", "finance"])
def test_only_commissioners_create_projects(request, commissioner, role):
    with pytest.raises(NotFound):
        project_create(actor=request.getfixturevalue(role), data=_data(commissioner))
    assert not AuditEvent.objects.exists()


@pytest.mark.parametrize(
    ("change", "code", "field"),
    [
        ({"title": "  "}, "required", "title"),
        ({"title": "x" * 201}, "too_long", "title"),
        ({"summary": ""}, "required", "summary"),
        ({"budget_pence": -1}, "negative", "budget"),
        ({"budget_pence": 10**14}, "too_large", "budget"),
        ({"ends_on": dt.date(2026, 1, 1)}, "dates_out_of_order", "ends_on"),
        ({"service_area_id": 999_999}, "invalid_choice", "service_area"),
    ],
)
def test_bad_project_data_is_refused_with_a_code(commissioner, change, code, field):
    with pytest.raises(ServiceError) as exc:
        project_create(actor=commissioner, data=_data(commissioner, **change))
    assert (exc.value.code, exc.value.field) == (code, field)
    assert not AuditEvent.objects.exists()


def test_the_owner_must_be_a_council_officer(commissioner, resident):
    with pytest.raises(ServiceError) as exc:
        project_create(actor=commissioner, data=_data(resident))
    assert exc.value.code == "invalid_owner"


def test_update_records_old_and_new_values(commissioner, draft_project):
    project_update(
        actor=commissioner, project=draft_project, data=_data(commissioner, budget_pence=1)
    )
    event = AuditEvent.objects.get(verb="commissioning.project.updated")
    assert event.changes["budget_pence"] == [240_000_000, 1]


def test_publishing_twice_records_one_event(commissioner, draft_project):
    project_publish(actor=commissioner, project=draft_project)
    project_publish(actor=commissioner, project=draft_project)
    assert AuditEvent.objects.filter(verb="commissioning.project.published").count() == 1


def test_a_stage_change_needs_a_reason(commissioner, draft_project):
    with pytest.raises(ServiceError) as exc:
        project_change_stage(
            actor=commissioner, project=draft_project, to_stage="plan", reason="   "
        )
    assert exc.value.code == "reason_required"
    draft_project.refresh_from_db()
    assert draft_project.stage == "understand"
    assert not StageChange.objects.exists()


def test_a_too_long_reason_is_refused(commissioner, draft_project):
    with pytest.raises(ServiceError) as exc:
        project_change_stage(
            actor=commissioner, project=draft_project, to_stage="plan", reason="x" * 5001
        )
    assert exc.value.code == "too_long"


def test_an_unknown_stage_is_refused(commissioner, draft_project):
    with pytest.raises(IllegalTransition) as exc:
        project_change_stage(
            actor=commissioner, project=draft_project, to_stage="party", reason="Why not"
        )
    assert exc.value.code == "unknown_state"


def test_skipping_stages_is_refused_with_the_options(commissioner, draft_project):
    with pytest.raises(IllegalTransition) as exc:
        project_change_stage(
            actor=commissioner, project=draft_project, to_stage="deliver", reason="Hurry"
        )
    assert exc.value.code == "illegal_transition"
    assert "From here it can move to: plan" in exc.value.message
    assert not StageChange.objects.exists()


def test_a_repeated_stage_change_does_nothing(commissioner, draft_project):
    project_change_stage(actor=commissioner, project=draft_project, to_stage="plan", reason="Ready")
    project_change_stage(actor=commissioner, project=draft_project, to_stage="plan", reason="Ready")
    assert StageChange.objects.count() == 1
    assert AuditEvent.objects.filter(verb="commissioning.project.stage_changed").count() == 1


def test_a_full_cycle_then_recommission_starts_cycle_two(commissioner, draft_project):
    p = draft_project
    for stage in ["plan", "procure", "deliver", "review", "understand"]:
        p = project_change_stage(
            actor=commissioner, project=p, to_stage=stage, reason=f"To {stage}"
        )
    assert p.stage == "understand" and p.cycle == 2
    assert list(p.stage_changes.values_list("cycle", flat=True)) == [1, 1, 1, 1, 2]


def test_decommissioned_is_final(commissioner):
    p = make_project(actor=commissioner)
    for stage in ["plan", "procure", "deliver", "review", "decommissioned"]:
        p = project_change_stage(
            actor=commissioner, project=p, to_stage=stage, reason=f"To {stage}"
        )
    with pytest.raises(IllegalTransition) as exc:
        project_change_stage(actor=commissioner, project=p, to_stage="understand", reason="Revive")
    assert "nowhere" in exc.value.message


@pytest.mark.parametrize("role", ["resident", "provider", "finance"])
def test_only_commissioners_change_stages(request, draft_project, role):
    with pytest.raises(NotFound):
        project_change_stage(
            actor=request.getfixturevalue(role), project=draft_project, to_stage="plan", reason="Me"
        )
    draft_project.refresh_from_db()
    assert draft_project.stage == "understand"
