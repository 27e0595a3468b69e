"""Writes for evaluation models.

Each is one transaction that locks the model row, refuses if the model is locked (a
locked model is part of a published tender pack and never changes), and writes the audit
row. Permission is checked first and answers NotFound, so nothing leaks.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from coproduce.foundation.accounts.models import User
from coproduce.foundation.commissioning.models import CommissioningProject
from coproduce.foundation.core.audit import audit_record
from coproduce.foundation.core.errors import NotFound, ServiceError
from coproduce.foundation.core.idempotency import submitted_once

from .models import (
    Criterion,
    CriterionKind,
    EvaluationModel,
    ModelStatus,
    PanelRole,
    PanelRoleKind,
    PriceFormula,
    ScaleLevel,
)
from .selectors import evaluation_problems

TITLE_MAX = 200
TEXT_MAX = 5000
WORD_LIMIT_MAX = 10_000
SCALE_MAX_LEVELS = 11
SCALE_TOP_MAX = 100

GROUPS = (
    (CriterionKind.QUALITY, "Quality"),
    (CriterionKind.SOCIAL_VALUE, "Social value"),
    (CriterionKind.PRICE, "Price"),
)


@dataclass(frozen=True)
class LevelData:
    """One level of a scoring scale."""

    score: int
    label: str
    descriptor: str


DEFAULT_SCALE = (
    LevelData(0, "Unacceptable", "No answer, or the answer does not address the question."),
    LevelData(
        1,
        "Poor",
        "The answer addresses the question only in part, with significant gaps or little "
        "evidence that it would be delivered.",
    ),
    LevelData(
        2,
        "Satisfactory",
        "The answer meets the requirement, with some gaps or limited evidence.",
    ),
    LevelData(
        3,
        "Good",
        "The answer meets the requirement in full, with good evidence that it will be delivered.",
    ),
    LevelData(
        4,
        "Excellent",
        "The answer meets the requirement in full, with strong evidence and clear added "
        "value for the people who use the service.",
    ),
)


def _check_can_change(actor: User) -> None:
    if not actor.has_perm("evaluation.change_model"):
        raise NotFound()


def _lock_draft(model: EvaluationModel) -> EvaluationModel:
    """Lock the row (inside the caller's transaction) and refuse if the model is locked."""
    locked = EvaluationModel.objects.select_for_update().select_related("project").get(pk=model.pk)
    if locked.is_locked:
        raise ServiceError(
            "model_locked",
            "This evaluation model is locked because it is part of a published tender. "
            "Make a copy to change it.",
        )
    return locked


def _clean_title(title: str) -> str:
    title = (title or "").strip()
    if not title:
        raise ServiceError("title_required", "Enter a title.", field="title")
    if len(title) > TITLE_MAX:
        raise ServiceError(
            "too_long", f"The title must be {TITLE_MAX} characters or fewer.", field="title"
        )
    return title


def _clean_formula(formula: str) -> str:
    if formula not in PriceFormula.values:
        raise ServiceError("invalid_choice", "Choose a price formula.", field="price_formula")
    return formula


def _touch(model: EvaluationModel) -> None:
    EvaluationModel.objects.filter(pk=model.pk).update(updated_at=timezone.now())


# --- the model ---------------------------------------------------------------------------


@submitted_once("evaluation.model", within="project")
def evaluation_model_create(
    *, actor: User, project: CommissioningProject, title: str, price_formula: str
) -> EvaluationModel:
    """A draft model with the three groups and the standard 0–4 scale.

    Creating the same title again for the project (a double click) returns the existing
    draft; a locked model with that title is refused.
    """
    _check_can_change(actor)
    title = _clean_title(title)
    price_formula = _clean_formula(price_formula)
    with transaction.atomic():
        CommissioningProject.objects.select_for_update().filter(pk=project.pk).first()
        existing = EvaluationModel.objects.filter(project=project, title=title).first()
        if existing is not None:
            if existing.is_locked:
                raise ServiceError(
                    "title_taken",
                    "This project already has an evaluation model with that title.",
                    field="title",
                )
            return existing
        model = EvaluationModel.objects.create(
            project=project, title=title, price_formula=price_formula, created_by=actor
        )
        _create_groups(model)
        ScaleLevel.objects.bulk_create(
            ScaleLevel(model=model, score=lvl.score, label=lvl.label, descriptor=lvl.descriptor)
            for lvl in DEFAULT_SCALE
        )
        audit_record(
            actor=actor,
            verb="evaluation.model.created",
            target=model,
            changes={"project": project.reference, "title": title, "price_formula": price_formula},
        )
    return model


def _create_groups(model: EvaluationModel) -> dict[str, Criterion]:
    return {
        kind: Criterion.objects.create(
            model=model, kind=kind, position=i, title=title, weight_percent=Decimal(0)
        )
        for i, (kind, title) in enumerate(GROUPS)
    }


def evaluation_model_update(
    *,
    actor: User,
    model: EvaluationModel,
    title: str,
    price_formula: str,
    social_value_reason: str = "",
) -> EvaluationModel:
    """Change the title, price formula or the reason for a low social-value weight."""
    _check_can_change(actor)
    values = {
        "title": _clean_title(title),
        "price_formula": _clean_formula(price_formula),
        "social_value_reason": (social_value_reason or "").strip(),
    }
    if len(values["social_value_reason"]) > TEXT_MAX:
        raise ServiceError(
            "too_long",
            f"The reason must be {TEXT_MAX:,} characters or fewer.",
            field="social_value_reason",
        )
    with transaction.atomic():
        locked = _lock_draft(model)
        if (
            values["price_formula"] == PriceFormula.FIXED_PRICE
            and Criterion.objects.filter(model=locked, kind=CriterionKind.PRICE)
            .exclude(parent=None)
            .exists()
        ):
            raise ServiceError(
                "price_criterion_with_fixed_price",
                "Remove the price criterion before choosing fixed price: with a fixed price, "
                "price is not scored.",
                field="price_formula",
            )
        if (
            EvaluationModel.objects.filter(project_id=locked.project_id, title=values["title"])
            .exclude(pk=locked.pk)
            .exists()
        ):
            raise ServiceError(
                "title_taken",
                "This project already has an evaluation model with that title.",
                field="title",
            )
        changes = {
            name: [getattr(locked, name), new]
            for name, new in values.items()
            if getattr(locked, name) != new
        }
        if not changes:
            return locked
        for name, new in values.items():
            setattr(locked, name, new)
        locked.save()
        audit_record(actor=actor, verb="evaluation.model.updated", target=locked, changes=changes)
    return locked


def evaluation_model_lock(*, actor: User, model: EvaluationModel) -> EvaluationModel:
    """Lock the model for good. Raises the first problem from ``evaluation_problems``.

    Locking again does nothing. Called by ``tender_publish`` inside its transaction.
    """
    _check_can_change(actor)
    with transaction.atomic():
        locked = (
            EvaluationModel.objects.select_for_update().select_related("project").get(pk=model.pk)
        )
        if locked.is_locked:
            return locked
        problems = evaluation_problems(locked)
        if problems:
            raise problems[0]
        locked.status = ModelStatus.LOCKED
        locked.locked_at = timezone.now()
        locked.save(update_fields=["status", "locked_at", "updated_at"])
        audit_record(
            actor=actor,
            verb="evaluation.model.locked",
            target=locked,
            changes={"status": [ModelStatus.DRAFT, ModelStatus.LOCKED]},
        )
    return locked


def evaluation_model_copy(
    *,
    actor: User,
    model: EvaluationModel,
    title: str,
    project: CommissioningProject | None = None,
) -> EvaluationModel:
    """A new draft with the same groups, questions, weights, scale, roles and reason, for
    another tender (in ``project``, this model's project by default)."""
    _check_can_change(actor)
    title = _clean_title(title)
    project = project or model.project
    with transaction.atomic():
        if EvaluationModel.objects.filter(project=project, title=title).exists():
            raise ServiceError(
                "title_taken",
                "This project already has an evaluation model with that title.",
                field="title",
            )
        source = EvaluationModel.objects.get(pk=model.pk)
        copy = EvaluationModel.objects.create(
            project=project,
            title=title,
            price_formula=source.price_formula,
            social_value_reason=source.social_value_reason,
            created_by=actor,
        )
        mapping: dict[int, Criterion] = {}
        for c in source.criteria.order_by("parent_id", "position", "pk").filter(parent=None):
            mapping[c.pk] = Criterion.objects.create(
                model=copy,
                kind=c.kind,
                position=c.position,
                title=c.title,
                weight_percent=c.weight_percent,
            )
        for c in source.criteria.exclude(parent=None).order_by("position", "pk"):
            mapping[c.pk] = Criterion.objects.create(
                model=copy,
                parent=mapping[c.parent_id],
                kind=c.kind,
                position=c.position,
                title=c.title,
                question=c.question,
                guidance=c.guidance,
                word_limit=c.word_limit,
                weight_percent=c.weight_percent,
            )
        ScaleLevel.objects.bulk_create(
            ScaleLevel(model=copy, score=s.score, label=s.label, descriptor=s.descriptor)
            for s in source.scale.all()
        )
        for role in source.panel_roles.prefetch_related("criteria"):
            new_role = PanelRole.objects.create(model=copy, name=role.name, kind=role.kind)
            new_role.criteria.set([mapping[c.pk] for c in role.criteria.all()])
        audit_record(
            actor=actor,
            verb="evaluation.model.copied",
            target=copy,
            changes={"copied_from": source.pk, "project": project.reference, "title": title},
        )
    return copy


# --- criteria ----------------------------------------------------------------------------


@dataclass(frozen=True)
class CriterionData:
    """A question (or the price criterion) as the form sends it."""

    title: str
    weight_percent: Decimal
    question: str = ""
    guidance: str = ""
    word_limit: int | None = None


def _clean_criterion(kind: str, data: CriterionData) -> dict:
    values = {
        "title": _clean_title(data.title),
        "question": (data.question or "").strip(),
        "guidance": (data.guidance or "").strip(),
        "word_limit": data.word_limit,
        "weight_percent": data.weight_percent,
    }
    weight = data.weight_percent
    if (
        not isinstance(weight, Decimal)
        or not weight.is_finite()
        or weight <= 0
        or weight > 100
        or weight != weight.quantize(Decimal("0.01"))
    ):
        raise ServiceError(
            "weight_invalid",
            "Enter a weight between 0.01% and 100%, to 2 decimal places at most.",
            field="weight_percent",
        )
    if kind == CriterionKind.PRICE:
        values.update(question="", guidance="", word_limit=None)
        return values
    if not values["question"]:
        raise ServiceError(
            "question_required", "Enter the question bidders answer.", field="question"
        )
    for name, label in (("question", "The question"), ("guidance", "The guidance")):
        if len(values[name]) > TEXT_MAX:
            raise ServiceError(
                "too_long", f"{label} must be {TEXT_MAX:,} characters or fewer.", field=name
            )
    limit = data.word_limit
    if limit is None or not 1 <= limit <= WORD_LIMIT_MAX:
        raise ServiceError(
            "word_limit_invalid",
            f"Enter a word limit between 1 and {WORD_LIMIT_MAX:,}.",
            field="word_limit",
        )
    return values


def _refresh_group_weights(model: EvaluationModel) -> None:
    """A group's stored weight is the sum of its children's."""
    for group in Criterion.objects.filter(model=model, parent=None):
        total = sum((c.weight_percent for c in group.children.all()), Decimal(0))
        if group.weight_percent != total:
            group.weight_percent = min(total, Decimal(100))
            group.save(update_fields=["weight_percent"])


def criterion_add(
    *, actor: User, model: EvaluationModel, kind: str, data: CriterionData
) -> Criterion:
    """Add a question to the quality or social-value group, or the one price criterion.

    The same question sent twice (a double click) is stored once.
    """
    _check_can_change(actor)
    if kind not in CriterionKind.values:
        raise NotFound()
    values = _clean_criterion(kind, data)
    with transaction.atomic():
        locked = _lock_draft(model)
        group = Criterion.objects.filter(model=locked, parent=None, kind=kind).first()
        if group is None:
            raise NotFound()
        children = list(group.children.all())
        for child in children:
            if all(getattr(child, k) == v for k, v in values.items()):
                return child
        if kind == CriterionKind.PRICE:
            if locked.price_formula == PriceFormula.FIXED_PRICE:
                raise ServiceError(
                    "price_not_scored",
                    "The price is fixed, so price is not scored. Choose a price formula first.",
                    field="weight_percent",
                )
            if children:
                raise ServiceError(
                    "price_criterion_exists",
                    "Price already has its criterion. Change its weight instead.",
                    field="weight_percent",
                )
        position = (group.children.aggregate(m=Max("position"))["m"] or 0) + 1
        criterion = Criterion.objects.create(
            model=locked, parent=group, kind=kind, position=position, **values
        )
        _refresh_group_weights(locked)
        _touch(locked)
        audit_record(
            actor=actor,
            verb="evaluation.criterion.added",
            target=locked,
            changes={"criterion": criterion.pk, "kind": kind, **values},
        )
    return criterion


def criterion_update(*, actor: User, criterion: Criterion, data: CriterionData) -> Criterion:
    """Change a question's wording, word limit or weight."""
    _check_can_change(actor)
    if criterion.parent_id is None:
        raise NotFound()
    values = _clean_criterion(criterion.kind, data)
    with transaction.atomic():
        locked = _lock_draft(criterion.model)
        current = Criterion.objects.get(pk=criterion.pk)
        changes = {
            k: [getattr(current, k), v] for k, v in values.items() if getattr(current, k) != v
        }
        if not changes:
            return current
        for k, v in values.items():
            setattr(current, k, v)
        current.save()
        _refresh_group_weights(locked)
        _touch(locked)
        audit_record(
            actor=actor,
            verb="evaluation.criterion.updated",
            target=locked,
            changes={"criterion": current.pk, **changes},
        )
    return current


def criterion_remove(*, actor: User, criterion: Criterion) -> None:
    """Remove a question (and its panel assignments). Groups cannot be removed."""
    _check_can_change(actor)
    if criterion.parent_id is None:
        raise NotFound()
    with transaction.atomic():
        locked = _lock_draft(criterion.model)
        deleted, _ = Criterion.objects.filter(pk=criterion.pk).delete()
        if not deleted:
            return
        _refresh_group_weights(locked)
        _touch(locked)
        audit_record(
            actor=actor,
            verb="evaluation.criterion.removed",
            target=locked,
            changes={"criterion": criterion.pk, "title": criterion.title},
        )


# --- scale -------------------------------------------------------------------------------


def scale_set(*, actor: User, model: EvaluationModel, levels: list[LevelData]) -> list[ScaleLevel]:
    """Replace the scoring scale. At least two levels, distinct scores, each with a label
    and a descriptor."""
    _check_can_change(actor)
    cleaned = sorted(
        (
            LevelData(lvl.score, (lvl.label or "").strip(), (lvl.descriptor or "").strip())
            for lvl in levels
        ),
        key=lambda lvl: lvl.score,
    )
    if len(cleaned) < 2:
        raise ServiceError(
            "scale_too_short", "The scoring scale needs at least two levels.", field="scale"
        )
    if len(cleaned) > SCALE_MAX_LEVELS:
        raise ServiceError(
            "scale_too_long",
            f"The scoring scale can have at most {SCALE_MAX_LEVELS} levels.",
            field="scale",
        )
    scores = [lvl.score for lvl in cleaned]
    if len(set(scores)) != len(scores):
        raise ServiceError(
            "scale_duplicate_score", "Each level needs a different score.", field="scale"
        )
    if any(not 0 <= s <= SCALE_TOP_MAX for s in scores):
        raise ServiceError(
            "scale_score_invalid",
            f"Scores must be whole numbers from 0 to {SCALE_TOP_MAX}.",
            field="scale",
        )
    for lvl in cleaned:
        if not lvl.label or not lvl.descriptor:
            raise ServiceError(
                "scale_descriptor_missing",
                f"Score {lvl.score} needs a label and a descriptor: every level needs a "
                "descriptor.",
                field="scale",
            )
        if len(lvl.label) > 50 or len(lvl.descriptor) > TEXT_MAX:
            raise ServiceError(
                "too_long",
                f"Score {lvl.score}: labels are up to 50 characters and descriptors up to "
                f"{TEXT_MAX:,}.",
                field="scale",
            )
    with transaction.atomic():
        locked = _lock_draft(model)
        old = [[s.score, s.label, s.descriptor] for s in locked.scale.all()]
        new = [[lvl.score, lvl.label, lvl.descriptor] for lvl in cleaned]
        if old == new:
            return list(locked.scale.all())
        locked.scale.all().delete()
        rows = ScaleLevel.objects.bulk_create(
            ScaleLevel(model=locked, score=lvl.score, label=lvl.label, descriptor=lvl.descriptor)
            for lvl in cleaned
        )
        _touch(locked)
        audit_record(
            actor=actor,
            verb="evaluation.scale.changed",
            target=locked,
            changes={"scale": [old, new]},
        )
    return rows


# --- panel roles -------------------------------------------------------------------------


@dataclass
class RoleData:
    """A panel seat and the criteria it scores."""

    name: str
    kind: str
    criterion_ids: list[int] = field(default_factory=list)


def _clean_role(model: EvaluationModel, data: RoleData) -> tuple[str, str, list[Criterion]]:
    name = (data.name or "").strip()
    if not name:
        raise ServiceError("name_required", "Enter a name for the panel role.", field="name")
    if len(name) > 100:
        raise ServiceError("too_long", "The name must be 100 characters or fewer.", field="name")
    if data.kind not in PanelRoleKind.values:
        raise ServiceError("invalid_choice", "Choose the kind of panel member.", field="kind")
    wanted = set(data.criterion_ids)
    criteria = list(
        Criterion.objects.filter(pk__in=wanted, model=model)
        .exclude(parent=None)
        .exclude(kind=CriterionKind.PRICE)
        .order_by("parent__position", "position")
    )
    if len(criteria) != len(wanted):
        raise ServiceError(
            "invalid_criterion",
            "Choose questions from this evaluation model (price is scored by the formula).",
            field="criteria",
        )
    return name, data.kind, criteria


def panel_role_add(*, actor: User, model: EvaluationModel, data: RoleData) -> PanelRole:
    """Add a seat to the panel. Adding the same name again returns the existing seat
    (a double click) when nothing else differs; otherwise the name must be new."""
    _check_can_change(actor)
    with transaction.atomic():
        locked = _lock_draft(model)
        name, kind, criteria = _clean_role(locked, data)
        existing = PanelRole.objects.filter(model=locked, name=name).first()
        if existing is not None:
            if existing.kind == kind and set(existing.criteria.values_list("pk", flat=True)) == {
                c.pk for c in criteria
            }:
                return existing
            raise ServiceError(
                "role_name_taken", "The panel already has a role with that name.", field="name"
            )
        try:
            with transaction.atomic():
                role = PanelRole.objects.create(model=locked, name=name, kind=kind)
        except IntegrityError:
            raise ServiceError(
                "role_name_taken", "The panel already has a role with that name.", field="name"
            ) from None
        role.criteria.set(criteria)
        _touch(locked)
        audit_record(
            actor=actor,
            verb="evaluation.panel_role.added",
            target=locked,
            changes={"role": name, "kind": kind, "criteria": [c.title for c in criteria]},
        )
    return role


def panel_role_update(*, actor: User, role: PanelRole, data: RoleData) -> PanelRole:
    """Rename a seat or change which criteria it scores."""
    _check_can_change(actor)
    with transaction.atomic():
        locked = _lock_draft(role.model)
        name, kind, criteria = _clean_role(locked, data)
        current = PanelRole.objects.get(pk=role.pk)
        if PanelRole.objects.filter(model=locked, name=name).exclude(pk=current.pk).exists():
            raise ServiceError(
                "role_name_taken", "The panel already has a role with that name.", field="name"
            )
        old_titles = sorted(current.criteria.values_list("title", flat=True))
        new_titles = sorted(c.title for c in criteria)
        changes = {}
        if current.name != name:
            changes["name"] = [current.name, name]
        if current.kind != kind:
            changes["kind"] = [current.kind, kind]
        if old_titles != new_titles:
            changes["criteria"] = [old_titles, new_titles]
        if not changes:
            return current
        current.name, current.kind = name, kind
        current.save()
        current.criteria.set(criteria)
        _touch(locked)
        audit_record(
            actor=actor,
            verb="evaluation.panel_role.updated",
            target=locked,
            changes={"role": current.pk, **changes},
        )
    return current


def panel_role_remove(*, actor: User, role: PanelRole) -> None:
    """Remove a seat from the panel."""
    _check_can_change(actor)
    with transaction.atomic():
        locked = _lock_draft(role.model)
        deleted, _ = PanelRole.objects.filter(pk=role.pk).delete()
        if not deleted:
            return
        _touch(locked)
        audit_record(
            actor=actor,
            verb="evaluation.panel_role.removed",
            target=locked,
            changes={"role": role.name},
        )
