"""Evaluation services: the rules at their boundaries, locking, copying and the audit trail."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from coproduce.foundation.core.errors import NotFound, ServiceError
from coproduce.foundation.core.models import AuditEvent
from coproduce.plan.evaluation_models.models import (
    Criterion,
    CriterionKind,
    EvaluationModel,
    ModelStatus,
    PanelRole,
    PanelRoleKind,
    PriceFormula,
    ScaleLevel,
)
from coproduce.plan.evaluation_models.selectors import (
    evaluation_model_as_html,
    evaluation_problems,
    evaluation_warnings,
    proportionality_warnings,
)
from coproduce.plan.evaluation_models.services import (
    CriterionData,
    LevelData,
    RoleData,
    criterion_add,
    criterion_remove,
    criterion_update,
    evaluation_model_copy,
    evaluation_model_create,
    evaluation_model_lock,
    evaluation_model_update,
    panel_role_add,
    panel_role_remove,
    panel_role_update,
    scale_set,
)
from coproduce.plan.procurement_rules.models import ProcurementRule

from .conftest import build_model, question


def codes(model):
    return [p.code for p in evaluation_problems(model)]


def test_a_new_model_has_three_groups_and_the_standard_scale(commissioner, draft_project):
    model = evaluation_model_create(
        actor=commissioner, project=draft_project, title="Scoring", price_formula="lowest_ratio"
    )
    groups = list(Criterion.objects.filter(model=model, parent=None).order_by("position"))
    assert [g.kind for g in groups] == ["quality", "social_value", "price"]
    assert [s.score for s in model.scale.all()] == [0, 1, 2, 3, 4]
    assert all(s.descriptor for s in model.scale.all())
    assert AuditEvent.objects.filter(verb="evaluation.model.created").count() == 1


def test_creating_twice_with_the_same_title_makes_one_model(commissioner, draft_project):
    for _ in range(2):
        evaluation_model_create(
            actor=commissioner, project=draft_project, title="Scoring", price_formula="lowest_ratio"
        )
    assert EvaluationModel.objects.count() == 1


@pytest.mark.parametrize("who", ["finance", "resident", "provider"])
def test_only_commissioners_and_admins_create_models(request, who, draft_project):
    with pytest.raises(NotFound):
        evaluation_model_create(
            actor=request.getfixturevalue(who),
            project=draft_project,
            title="Scoring",
            price_formula="lowest_ratio",
        )
    assert not EvaluationModel.objects.exists()


@pytest.mark.parametrize(
    ("quality", "ok"),
    [(("30", "29.99"), False), (("30", "30"), True), (("30", "30.01"), False)],
)
def test_weights_must_add_up_to_exactly_100(commissioner, published_project, quality, ok):
    model = build_model(commissioner, published_project, quality=quality)
    if ok:
        assert codes(model) == []
        assert evaluation_model_lock(actor=commissioner, model=model).is_locked
    else:
        assert "weights_not_100" in codes(model)
        with pytest.raises(ServiceError) as exc:
            evaluation_model_lock(actor=commissioner, model=model)
        assert exc.value.code == "weights_not_100"
        total = "99.99" if quality[1] == "29.99" else "100.01"
        assert exc.value.message == f"Weights add up to {total}%. They must add up to 100%."
        model.refresh_from_db()
        assert model.status == ModelStatus.DRAFT


def test_the_lock_message_names_the_rule(commissioner, published_project):
    model = build_model(commissioner, published_project, quality=("25", "30"))
    with pytest.raises(ServiceError) as exc:
        evaluation_model_lock(actor=commissioner, model=model)
    assert str(exc.value) == "Weights add up to 95%. They must add up to 100%."


def test_social_value_below_the_rule_minimum_needs_a_reason(commissioner, published_project):
    model = build_model(commissioner, published_project, quality=("30", "30.01"), social="9.99")
    assert codes(model) == ["social_value_below_minimum"]
    with pytest.raises(ServiceError) as exc:
        evaluation_model_lock(actor=commissioner, model=model)
    assert exc.value.code == "social_value_below_minimum"
    assert "9.99%" in exc.value.message and "10%" in exc.value.message

    evaluation_model_update(
        actor=commissioner,
        model=model,
        title=model.title,
        price_formula=model.price_formula,
        social_value_reason="Social value is written into the specification as KPIs instead.",
    )
    model.refresh_from_db()
    assert codes(model) == []
    assert evaluation_model_lock(actor=commissioner, model=model).is_locked
    assert "written into the specification" in evaluation_model_as_html(model)


def test_the_minimum_comes_from_the_rules_table(commissioner, published_project):
    ProcurementRule.objects.create(
        key="social_value.minimum_weight_percent",
        value=20,
        unit="percent",
        effective_from=dt.date(2026, 1, 1),
        label="Minimum weight for social value",
        source_title="A stricter local policy",
    )
    model = build_model(commissioner, published_project)
    assert codes(model) == ["social_value_below_minimum"]
    assert "20%" in evaluation_problems(model)[0].message


def test_every_question_must_be_scored_by_a_panel_role(commissioner, published_project):
    model = build_model(commissioner, published_project, assign=False)
    assert codes(model) == ["criterion_unassigned"] * 3
    with pytest.raises(ServiceError) as exc:
        evaluation_model_lock(actor=commissioner, model=model)
    assert exc.value.code == "criterion_unassigned"
    assert "Quality 1" in exc.value.message


def test_service_users_scoring_no_quality_question_is_a_warning_not_a_refusal(
    commissioner, published_project
):
    model = build_model(commissioner, published_project)
    assert evaluation_warnings(model) == []
    role = PanelRole.objects.get(model=model, kind=PanelRoleKind.SERVICE_USER)
    panel_role_remove(actor=commissioner, role=role)
    model.refresh_from_db()
    assert "no service-user member" in evaluation_warnings(model)[0]
    assert evaluation_model_lock(actor=commissioner, model=model).is_locked


def test_price_needs_one_criterion_unless_the_price_is_fixed(commissioner, published_project):
    model = build_model(commissioner, published_project, quality=("40", "50"), price=None)
    assert "price_criterion_count" in codes(model)
    evaluation_model_update(
        actor=commissioner, model=model, title=model.title, price_formula=PriceFormula.FIXED_PRICE
    )
    model.refresh_from_db()
    assert codes(model) == []
    with pytest.raises(ServiceError) as exc:
        criterion_add(
            actor=commissioner,
            model=model,
            kind=CriterionKind.PRICE,
            data=CriterionData(title="Price", weight_percent=Decimal(1)),
        )
    assert exc.value.code == "price_not_scored"


def test_a_second_price_criterion_is_refused(commissioner, published_project):
    model = build_model(commissioner, published_project)
    with pytest.raises(ServiceError) as exc:
        criterion_add(
            actor=commissioner,
            model=model,
            kind=CriterionKind.PRICE,
            data=CriterionData(title="Another price", weight_percent=Decimal(1)),
        )
    assert exc.value.code == "price_criterion_exists"


def test_fixed_price_cannot_be_chosen_while_price_is_scored(commissioner, published_project):
    model = build_model(commissioner, published_project)
    with pytest.raises(ServiceError) as exc:
        evaluation_model_update(
            actor=commissioner, model=model, title=model.title, price_formula="fixed_price"
        )
    assert exc.value.code == "price_criterion_with_fixed_price"
    model.refresh_from_db()
    assert model.price_formula == "lowest_ratio"


@pytest.mark.parametrize("weight", ["0", "-1", "100.01", "1.005"])
def test_bad_weights_are_refused_and_nothing_is_stored(commissioner, draft_project, weight):
    model = evaluation_model_create(
        actor=commissioner, project=draft_project, title="S", price_formula="lowest_ratio"
    )
    before = Criterion.objects.count()
    with pytest.raises(ServiceError) as exc:
        criterion_add(actor=commissioner, model=model, kind="quality", data=question("Q", weight))
    assert exc.value.code == "weight_invalid"
    assert Criterion.objects.count() == before


def test_a_question_needs_text_and_a_word_limit(commissioner, draft_project):
    model = evaluation_model_create(
        actor=commissioner, project=draft_project, title="S", price_formula="lowest_ratio"
    )
    with pytest.raises(ServiceError) as exc:
        criterion_add(
            actor=commissioner,
            model=model,
            kind="quality",
            data=CriterionData(title="Q", weight_percent=Decimal(10), question=" "),
        )
    assert exc.value.code == "question_required"
    with pytest.raises(ServiceError) as exc:
        criterion_add(
            actor=commissioner,
            model=model,
            kind="quality",
            data=CriterionData(title="Q", weight_percent=Decimal(10), question="Why?"),
        )
    assert exc.value.code == "word_limit_invalid"


def test_the_same_question_sent_twice_is_stored_once(commissioner, draft_project):
    model = evaluation_model_create(
        actor=commissioner, project=draft_project, title="S", price_formula="lowest_ratio"
    )
    a = criterion_add(actor=commissioner, model=model, kind="quality", data=question("Q", "10"))
    b = criterion_add(actor=commissioner, model=model, kind="quality", data=question("Q", "10"))
    assert a.pk == b.pk
    assert Criterion.objects.filter(model=model).exclude(parent=None).count() == 1
    group = Criterion.objects.get(model=model, parent=None, kind="quality")
    assert group.weight_percent == Decimal("10")


@pytest.mark.parametrize(
    ("levels", "code"),
    [
        ([LevelData(0, "None", "Nothing")], "scale_too_short"),
        ([LevelData(0, "None", "Nothing"), LevelData(1, "Some", " ")], "scale_descriptor_missing"),
        ([LevelData(0, "None", "Nothing"), LevelData(0, "Some", "x")], "scale_duplicate_score"),
    ],
)
def test_scale_validation(commissioner, draft_project, levels, code):
    model = evaluation_model_create(
        actor=commissioner, project=draft_project, title="S", price_formula="lowest_ratio"
    )
    with pytest.raises(ServiceError) as exc:
        scale_set(actor=commissioner, model=model, levels=levels)
    assert exc.value.code == code
    assert ScaleLevel.objects.filter(model=model).count() == 5


def test_a_scale_can_be_edited_per_level(commissioner, draft_project):
    model = evaluation_model_create(
        actor=commissioner, project=draft_project, title="S", price_formula="lowest_ratio"
    )
    scale_set(
        actor=commissioner,
        model=model,
        levels=[LevelData(0, "Fail", "Does not answer."), LevelData(10, "Top", "Outstanding.")],
    )
    assert [(s.score, s.label) for s in model.scale.all()] == [(0, "Fail"), (10, "Top")]
    assert AuditEvent.objects.filter(verb="evaluation.scale.changed").exists()


def test_locking_is_audited_and_idempotent(commissioner, draft_model):
    first = evaluation_model_lock(actor=commissioner, model=draft_model)
    again = evaluation_model_lock(actor=commissioner, model=draft_model)
    assert first.is_locked and again.is_locked and first.locked_at == again.locked_at
    assert AuditEvent.objects.filter(verb="evaluation.model.locked").count() == 1


def test_a_locked_model_refuses_every_write(commissioner, draft_model):
    model = evaluation_model_lock(actor=commissioner, model=draft_model)
    leaf = Criterion.objects.filter(model=model, kind="quality").exclude(parent=None).first()
    role = PanelRole.objects.filter(model=model).first()
    writes = [
        lambda: evaluation_model_update(
            actor=commissioner, model=model, title="New", price_formula="lowest_ratio"
        ),
        lambda: criterion_add(
            actor=commissioner, model=model, kind="quality", data=question("New", "1")
        ),
        lambda: criterion_update(actor=commissioner, criterion=leaf, data=question("New", "1")),
        lambda: criterion_remove(actor=commissioner, criterion=leaf),
        lambda: scale_set(
            actor=commissioner,
            model=model,
            levels=[LevelData(0, "a", "b"), LevelData(1, "c", "d")],
        ),
        lambda: panel_role_add(
            actor=commissioner, model=model, data=RoleData(name="X", kind="officer")
        ),
        lambda: panel_role_update(
            actor=commissioner, role=role, data=RoleData(name="X", kind="officer")
        ),
        lambda: panel_role_remove(actor=commissioner, role=role),
    ]
    events = AuditEvent.objects.count()
    for write in writes:
        with pytest.raises(ServiceError) as exc:
            write()
        assert exc.value.code == "model_locked"
    assert AuditEvent.objects.count() == events
    model.refresh_from_db()
    assert model.title == "Day opportunities scoring"
    assert Criterion.objects.filter(pk=leaf.pk).exists()
    assert ScaleLevel.objects.filter(model=model).count() == 5


def test_copying_a_locked_model_makes_an_equal_draft(commissioner, draft_model, draft_project):
    locked = evaluation_model_lock(actor=commissioner, model=draft_model)
    copy = evaluation_model_copy(
        actor=commissioner, model=locked, title="Next tender", project=draft_project
    )
    assert copy.status == ModelStatus.DRAFT and copy.project == draft_project
    assert codes(copy) == []
    assert (
        Criterion.objects.filter(model=copy).count()
        == Criterion.objects.filter(model=locked).count()
    )
    roles = {r.name: {c.title for c in r.criteria.all()} for r in copy.panel_roles.all()}
    assert roles["Service-user member"] == {"Quality 1"}
    assert AuditEvent.objects.filter(verb="evaluation.model.copied").exists()
    with pytest.raises(ServiceError) as exc:
        evaluation_model_copy(
            actor=commissioner, model=locked, title="Next tender", project=draft_project
        )
    assert exc.value.code == "title_taken"


def test_panel_roles_score_only_questions_of_the_same_model(commissioner, draft_model):
    price = Criterion.objects.get(model=draft_model, kind="price", parent__isnull=False)
    with pytest.raises(ServiceError) as exc:
        panel_role_add(
            actor=commissioner,
            model=draft_model,
            data=RoleData(name="Specialist", kind="specialist", criterion_ids=[price.pk]),
        )
    assert exc.value.code == "invalid_criterion"
    assert not PanelRole.objects.filter(name="Specialist").exists()


def test_proportionality_warns_for_a_small_contract(commissioner, published_project):
    model = build_model(
        commissioner, published_project, quality=("10",) * 5 + ("10.00",), social="10"
    )
    # 7 questions of 500 words: over both limits for under £100,000, within them for £2m.
    assert len(proportionality_warnings(model, 9_999_999)) == 2
    assert proportionality_warnings(model, 200_000_000) == []


def test_changes_are_audited(commissioner, draft_model):
    leaf = Criterion.objects.filter(model=draft_model, kind="quality").exclude(parent=None)[0]
    criterion_update(actor=commissioner, criterion=leaf, data=question("Quality 1", "29"))
    criterion_remove(actor=commissioner, criterion=leaf)
    verbs = set(AuditEvent.objects.values_list("verb", flat=True))
    assert {
        "evaluation.criterion.added",
        "evaluation.criterion.updated",
        "evaluation.criterion.removed",
        "evaluation.panel_role.added",
    } <= verbs
