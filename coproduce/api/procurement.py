"""REST endpoints for procurement (a django-ninja Router added to the API in api.py)."""

from ninja import Router

router = Router(tags=["procurement"])


# --- rules ---
# Procurement rules as data (public) and the route advisor (council staff only).
import datetime as _rules_dt  # noqa: E402

from django.http import HttpRequest as _RulesRequest  # noqa: E402
from django.utils import timezone as _rules_tz  # noqa: E402
from ninja import Query as _RulesQuery  # noqa: E402
from ninja import Schema as _RulesSchema  # noqa: E402
from ninja.security import django_auth as _rules_auth  # noqa: E402

from coproduce.foundation.core.errors import NotFound as _RulesNotFound  # noqa: E402
from coproduce.plan.procurement_rules import selectors as _routes  # noqa: E402


class ProcurementRuleOut(_RulesSchema):
    key: str
    route: str
    value: int
    unit: str
    shown: str
    label: str
    effective_from: _rules_dt.date
    source_title: str
    source_url: str
    note: str


class ProcurementRulesOut(_RulesSchema):
    on: _rules_dt.date
    rules: list[ProcurementRuleOut]


class ProcurementRulesQuery(_RulesSchema):
    on: _rules_dt.date | None = None


class RouteAdviceIn(_RulesSchema):
    value_pence: int
    light_touch: bool = False
    route: str = ""
    reserved_for: str = ""
    route_justification: str = ""
    workforce_percent: int | None = None
    publish_on: _rules_dt.date | None = None
    planned_notice_on: _rules_dt.date | None = None
    deadline_on: _rules_dt.date | None = None
    decision_on: _rules_dt.date | None = None


class RouteOptionOut(_RulesSchema):
    route: str
    label: str
    allowed: bool
    code: str
    reasons: list[str]
    rules: list[str]


class RuleBreachOut(_RulesSchema):
    code: str
    message: str
    field: str
    rule: str | None


class RouteAdviceOut(_RulesSchema):
    on: _rules_dt.date
    threshold: ProcurementRuleOut
    above_threshold: bool
    options: list[RouteOptionOut]
    earliest_closing_on: _rules_dt.date | None
    closing_reasons: list[str]
    standstill_required: bool | None
    standstill_from: _rules_dt.date | None
    standstill_ends_on: _rules_dt.date | None
    breaches: list[RuleBreachOut]
    rules_applied: list[ProcurementRuleOut]


def _rule_out(rule) -> dict:
    return {**rule.as_dict(), "shown": rule.shown, "effective_from": rule.effective_from}


@router.get(
    "/procurement-rules",
    response=ProcurementRulesOut,
    tags=["procurement rules"],
    summary="The procurement rules in force on a day (default today), each with its source",
)
def procurement_rules(request: _RulesRequest, filters: _RulesQuery[ProcurementRulesQuery]):
    day = filters.on or _rules_tz.localdate()
    return {"on": day, "rules": [_rule_out(r) for r in _routes.rulebook_on(day).all()]}


@router.post(
    "/procurement-rules/advice",
    response={200: RouteAdviceOut, 400: dict, 404: dict},
    auth=_rules_auth,
    tags=["procurement rules"],
    summary="Route advice: which routes are allowed and why, closing date and standstill",
)
def procurement_route_advice(request: _RulesRequest, payload: RouteAdviceIn):
    """Council staff only (others get 404). Same inputs as the advisor page."""
    if not request.user.has_perm("routes.use_advisor"):
        raise _RulesNotFound()
    case = _routes.Case(
        value_pence=payload.value_pence,
        light_touch=payload.light_touch,
        route=payload.route,
        reserved_for=payload.reserved_for,
        route_justification=payload.route_justification,
        publish_on=payload.publish_on or _rules_tz.localdate(),
        planned_notice_on=payload.planned_notice_on,
        deadline_on=payload.deadline_on,
        workforce_percent=payload.workforce_percent,
    )
    advice = _routes.advice_for(case, decision_on=payload.decision_on)
    return {
        "on": advice.on,
        "threshold": _rule_out(advice.threshold),
        "above_threshold": advice.above_threshold,
        "options": [
            {
                "route": o.key,
                "label": o.label,
                "allowed": o.allowed,
                "code": o.code,
                "reasons": o.reasons,
                "rules": [r.key for r in o.rules],
            }
            for o in advice.options
        ],
        "earliest_closing_on": advice.closing.earliest if advice.closing else None,
        "closing_reasons": advice.closing.reasons if advice.closing else [],
        "standstill_required": advice.standstill.required if advice.standstill else None,
        "standstill_from": advice.standstill_from,
        "standstill_ends_on": advice.standstill.ends_on if advice.standstill else None,
        "breaches": [
            {
                "code": b.code,
                "message": b.message,
                "field": b.field,
                "rule": b.rule.key if b.rule else None,
            }
            for b in advice.breaches
        ],
        "rules_applied": [_rule_out(r) for r in advice.rules_applied],
    }


# --- evaluation ---
# How bids will be scored. Locked models are public; drafts are for council staff only.
import datetime as _dt  # noqa: E402
from decimal import Decimal as _Decimal  # noqa: E402

from django.http import HttpRequest as _HttpRequest  # noqa: E402
from ninja import Schema as _Schema  # noqa: E402

from coproduce.plan.evaluation_models import selectors as _evaluation  # noqa: E402


class EvaluationCriterionOut(_Schema):
    id: int
    kind: str
    title: str
    question: str
    guidance: str
    word_limit: int | None
    weight_percent: _Decimal
    scored_by: list[str]


class EvaluationGroupOut(_Schema):
    kind: str
    title: str
    weight_percent: _Decimal
    criteria: list[EvaluationCriterionOut]


class EvaluationLevelOut(_Schema):
    score: int
    label: str
    descriptor: str


class EvaluationRoleOut(_Schema):
    name: str
    kind: str
    criteria: list[int]


class EvaluationModelOut(_Schema):
    id: int
    project: str
    title: str
    status: str
    price_formula: str
    price_formula_explained: str
    social_value_reason: str
    locked_at: _dt.datetime | None
    total_weight_percent: _Decimal


class EvaluationModelDetailOut(EvaluationModelOut):
    groups: list[EvaluationGroupOut]
    scale: list[EvaluationLevelOut]
    panel_roles: list[EvaluationRoleOut]


def _evaluation_summary(model) -> dict:
    return {
        "id": model.pk,
        "project": model.project.reference,
        "title": model.title,
        "status": model.status,
        "price_formula": model.price_formula,
        "price_formula_explained": _evaluation.PRICE_FORMULA_EXPLAINED[model.price_formula],
        "social_value_reason": model.social_value_reason,
        "locked_at": model.locked_at,
        "total_weight_percent": _evaluation.total_weight(model),
    }


@router.get(
    "/projects/{reference}/evaluation-models",
    response=list[EvaluationModelOut],
    summary="Evaluation models of a project (locked ones for everyone; drafts for staff)",
)
def evaluation_model_list(request: _HttpRequest, reference: str):
    models = _evaluation.evaluation_models_for_project_reference(
        user=request.user, reference=reference
    )
    return [_evaluation_summary(m) for m in models]


@router.get(
    "/projects/{reference}/evaluation-models/{model_id}",
    response=EvaluationModelDetailOut,
    summary="How bids will be scored: criteria, weights, scale, price formula and panel",
)
def evaluation_model_detail(request: _HttpRequest, reference: str, model_id: int):
    model = _evaluation.access_model_by_id(
        user=request.user, reference=reference, model_id=model_id
    )
    groups = [
        {
            "kind": g.criterion.kind,
            "title": g.criterion.title,
            "weight_percent": g.weight,
            "criteria": [
                {
                    "id": leaf.criterion.pk,
                    "kind": leaf.criterion.kind,
                    "title": leaf.criterion.title,
                    "question": leaf.criterion.question,
                    "guidance": leaf.criterion.guidance,
                    "word_limit": leaf.criterion.word_limit,
                    "weight_percent": leaf.criterion.weight_percent,
                    "scored_by": sorted({r.kind for r in leaf.roles}),
                }
                for leaf in g.children
            ],
        }
        for g in _evaluation.criteria_tree(model)
    ]
    return {
        **_evaluation_summary(model),
        "groups": groups,
        "scale": [
            {"score": s.score, "label": s.label, "descriptor": s.descriptor}
            for s in model.scale.all()
        ],
        "panel_roles": [
            {"name": r.name, "kind": r.kind, "criteria": [c.pk for c in r.criteria.all()]}
            for r in model.panel_roles.all()
        ],
    }


# --- specifications ---
# Service specifications: published versions for everyone, drafts for council staff only.
import datetime as _spec_dt  # noqa: E402

from django.http import HttpRequest as _SpecRequest  # noqa: E402
from ninja import Schema as _SpecSchema  # noqa: E402

from coproduce.plan.specifications import selectors as _specs  # noqa: E402


class SpecificationRequirementOut(_SpecSchema):
    position: int
    kind: str
    text: str
    target: str
    unit: str
    frequency: str
    findings: list[str]
    ideas: list[str]
    equality_entries: list[str]


class SpecificationOut(_SpecSchema):
    project: str
    version: int
    status: str
    title: str
    purpose: str
    involvement: str
    inclusion: str
    contract_years: int
    extension_years: int
    short_term_reason: str
    estimated_value_pence: int
    change_reason: str
    published_at: _spec_dt.datetime | None
    requirements: list[SpecificationRequirementOut]


def _specification_out(spec) -> dict:
    return {
        "project": spec.project.reference,
        **{
            name: getattr(spec, name)
            for name in (
                "version",
                "status",
                "title",
                "purpose",
                "involvement",
                "inclusion",
                "contract_years",
                "extension_years",
                "short_term_reason",
                "estimated_value_pence",
                "change_reason",
                "published_at",
            )
        },
        "requirements": [
            {
                "position": r.position,
                "kind": r.kind,
                "text": r.text,
                "target": r.target,
                "unit": r.unit,
                "frequency": r.frequency,
                "findings": [f.reference for f in r.findings.all()],
                "ideas": [i.reference for i in r.ideas.all()],
                "equality_entries": [e.characteristic for e in r.equality_entries.all()],
            }
            for r in spec.requirements.all()
        ],
    }


@router.get(
    "/projects/{reference}/specifications",
    response=list[SpecificationOut],
    tags=["specifications"],
    summary="Versions of a project's service specification, newest first",
)
def specification_list(request: _SpecRequest, reference: str):
    """Published versions (the current one has status "published", older ones
    "superseded"), each requirement with the references of the evidence it cites.
    Council staff also get the draft."""
    versions = _specs.access_project_specifications(user=request.user, reference=reference)
    return [_specification_out(s) for s in versions]


@router.get(
    "/projects/{reference}/specifications/{version}",
    response=SpecificationOut,
    tags=["specifications"],
    summary="One version of a project's service specification",
)
def specification_detail(request: _SpecRequest, reference: str, version: int):
    """404 for a draft unless you are council staff, and for anything that does not exist."""
    spec = _specs.access_specification(user=request.user, reference=reference, version=version)
    return _specification_out(spec)
