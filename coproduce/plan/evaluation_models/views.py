"""Evaluation model pages. Views parse input, call a selector or service, and render."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from coproduce.foundation.commissioning.selectors import access_project_by_reference
from coproduce.foundation.core.errors import NotFound, ServiceError
from coproduce.foundation.core.http import form_page, not_found_as_404, post_action
from coproduce.foundation.core.idempotency import posted_key

from . import scoring
from .forms import CopyForm, CriterionForm, ModelCreateForm, ModelEditForm, RoleForm, ScaleForm
from .models import CriterionKind, EvaluationModel
from .selectors import (
    access_model_by_id,
    access_project_for_evaluation,
    criteria_tree,
    evaluation_problems,
    evaluation_warnings,
    model_context,
    project_evaluation_models,
    proportionality_warnings,
    social_value_rule,
)
from .services import (
    SCALE_MAX_LEVELS,
    CriterionData,
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


def _staff_model(request: HttpRequest, reference: str, model_id: int) -> EvaluationModel:
    return access_model_by_id(
        user=request.user, reference=reference, model_id=model_id, perm="evaluation.view_drafts"
    )


def _changeable_model(request: HttpRequest, reference: str, model_id: int) -> EvaluationModel:
    if not request.user.has_perm("evaluation.change_model"):
        raise NotFound()
    return _staff_model(request, reference, model_id)


def _build_url(model: EvaluationModel) -> str:
    return reverse("evaluation:build", args=[model.project.reference, model.pk])


def _form_page(request, form, model, *, heading, caption, submit, **kwargs) -> HttpResponse:
    """The builder's one-form page (``kwargs`` as for ``form_page``; back to the builder)."""
    kwargs.setdefault("redirect_to", _build_url(model))
    return form_page(
        request,
        form,
        "evaluation/form.html",
        {
            "model": model,
            "project": model.project,
            "heading": heading,
            "caption": caption,
            "submit": submit,
            "back_url": _build_url(model),
        },
        **kwargs,
    )


def _builder_action(request, model: EvaluationModel, action, success: str) -> HttpResponse:
    """A remove button on the builder: say what happened and go back to the builder."""
    return post_action(
        request, action, success=success, redirect_to=_build_url(model), raise_not_found=True
    )


# --- public ------------------------------------------------------------------------------


@require_GET
@not_found_as_404
def detail(request: HttpRequest, reference: str, model_id: int) -> HttpResponse:
    """How bids will be scored: public once locked, council staff see drafts."""
    model = access_model_by_id(user=request.user, reference=reference, model_id=model_id)
    context = model_context(model)
    context["project"] = model.project
    context["is_staff_view"] = request.user.has_perm("evaluation.view_drafts")
    return render(request, "evaluation/detail.html", context)


# --- staff -------------------------------------------------------------------------------


@login_required
@require_GET
@not_found_as_404
def model_list(request: HttpRequest, reference: str) -> HttpResponse:
    project = access_project_for_evaluation(user=request.user, reference=reference)
    return render(
        request,
        "evaluation/list.html",
        {
            "project": project,
            "models": list(project_evaluation_models(user=request.user, project=project)),
            "can_change": request.user.has_perm("evaluation.change_model"),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
@not_found_as_404
def create(request: HttpRequest, reference: str) -> HttpResponse:
    if not request.user.has_perm("evaluation.change_model"):
        raise NotFound()
    project = access_project_for_evaluation(user=request.user, reference=reference)
    return form_page(
        request,
        ModelCreateForm(request.POST or None),
        "evaluation/form.html",
        {
            "project": project,
            "heading": "Create an evaluation model",
            "caption": project.title,
            "submit": "Create",
            "back_url": reverse("evaluation:list", args=[project.reference]),
        },
        save=lambda form: evaluation_model_create(
            actor=request.user,
            project=project,
            **form.cleaned_data,
            submission_key=posted_key(request),
        ),
        success="Evaluation model created with the standard 0 to 4 scoring scale.",
        redirect_to=_build_url,
    )


def _build_context(request: HttpRequest, model: EvaluationModel) -> dict:
    groups = criteria_tree(model)
    total = sum((g.weight for g in groups), start=scoring.ZERO)
    try:
        rule = social_value_rule()
    except ServiceError:
        rule = None
    return {
        "model": model,
        "project": model.project,
        "groups": groups,
        "total": total,
        "total_text": scoring.percent_text(total),
        "total_ok": total == 100,
        "social_rule": rule,
        "problems": evaluation_problems(model),
        "warnings": evaluation_warnings(model),
        "proportionality": proportionality_warnings(model, model.project.budget_pence),
        "levels": list(model.scale.all()),
        "roles": list(model.panel_roles.all()),
        "can_change": request.user.has_perm("evaluation.change_model") and not model.is_locked,
        "can_copy": request.user.has_perm("evaluation.change_model"),
        "kinds": CriterionKind,
    }


@login_required
@require_GET
@not_found_as_404
def build(request: HttpRequest, reference: str, model_id: int) -> HttpResponse:
    model = _staff_model(request, reference, model_id)
    return render(request, "evaluation/build.html", _build_context(request, model))


@login_required
@require_POST
@not_found_as_404
def lock(request: HttpRequest, reference: str, model_id: int) -> HttpResponse:
    model = _changeable_model(request, reference, model_id)
    try:
        evaluation_model_lock(actor=request.user, model=model)
    except ServiceError as exc:
        form = forms.Form(data={})
        form.is_valid()
        form.add_error(None, forms.ValidationError(exc.message, code=exc.code))
        context = _build_context(request, model)
        context["form"] = form
        return render(request, "evaluation/build.html", context, status=400)
    messages.success(request, "The evaluation model is locked and public. It cannot change now.")
    return redirect("evaluation:detail", model.project.reference, model.pk)


@login_required
@require_http_methods(["GET", "POST"])
@not_found_as_404
def edit(request: HttpRequest, reference: str, model_id: int) -> HttpResponse:
    model = _changeable_model(request, reference, model_id)
    initial = {
        "title": model.title,
        "price_formula": model.price_formula,
        "social_value_reason": model.social_value_reason,
    }
    return _form_page(
        request,
        ModelEditForm(request.POST or None, initial=initial),
        model,
        heading="Title and price formula",
        caption=model.title,
        submit="Save",
        save=lambda form: evaluation_model_update(
            actor=request.user, model=model, **form.cleaned_data
        ),
        success="Saved.",
    )


@login_required
@require_http_methods(["GET", "POST"])
@not_found_as_404
def copy(request: HttpRequest, reference: str, model_id: int) -> HttpResponse:
    model = _changeable_model(request, reference, model_id)
    form = CopyForm(
        request.POST or None,
        initial={"title": f"Copy of {model.title}"[:200], "project": model.project.reference},
    )

    def save(form: CopyForm) -> EvaluationModel:
        try:
            target = access_project_by_reference(
                user=request.user, reference=form.cleaned_data["project"].strip()
            )
        except NotFound:
            raise ServiceError(
                "project_not_found", "There is no project with that reference.", field="project"
            ) from None
        return evaluation_model_copy(
            actor=request.user, model=model, title=form.cleaned_data["title"], project=target
        )

    return _form_page(
        request,
        form,
        model,
        heading="Copy this evaluation model for another tender",
        caption=model.title,
        submit="Make a copy",
        save=save,
        success="Copied. This is a new draft you can change.",
        redirect_to=_build_url,
        raise_not_found=True,
    )


def _criterion_data(form: CriterionForm) -> CriterionData:
    d = form.cleaned_data
    return CriterionData(
        title=d["title"],
        weight_percent=d["weight_percent"],
        question=d.get("question", ""),
        guidance=d.get("guidance", ""),
        word_limit=d.get("word_limit"),
    )


@login_required
@require_http_methods(["GET", "POST"])
@not_found_as_404
def criterion_new(request: HttpRequest, reference: str, model_id: int, kind: str) -> HttpResponse:
    model = _changeable_model(request, reference, model_id)
    if kind not in CriterionKind.values:
        raise NotFound()
    return _form_page(
        request,
        CriterionForm(request.POST or None, kind=kind),
        model,
        heading=f"Add a criterion: {CriterionKind(kind).label}",
        caption=model.title,
        submit="Add",
        save=lambda form: criterion_add(
            actor=request.user, model=model, kind=kind, data=_criterion_data(form)
        ),
        success="Criterion added.",
    )


def _leaf(model: EvaluationModel, criterion_id: int):
    for c in model.criteria.all():
        if c.pk == criterion_id and c.parent_id is not None:
            return c
    raise NotFound()


@login_required
@require_http_methods(["GET", "POST"])
@not_found_as_404
def criterion_edit(
    request: HttpRequest, reference: str, model_id: int, criterion_id: int
) -> HttpResponse:
    model = _changeable_model(request, reference, model_id)
    criterion = _leaf(model, criterion_id)
    initial = {
        "title": criterion.title,
        "question": criterion.question,
        "guidance": criterion.guidance,
        "word_limit": criterion.word_limit,
        "weight_percent": criterion.weight_percent,
    }
    return _form_page(
        request,
        CriterionForm(request.POST or None, initial=initial, kind=criterion.kind),
        model,
        heading=f"Change “{criterion.title}”",
        caption=model.title,
        submit="Save",
        save=lambda form: criterion_update(
            actor=request.user, criterion=criterion, data=_criterion_data(form)
        ),
        success="Criterion saved.",
    )


@login_required
@require_POST
@not_found_as_404
def criterion_delete(
    request: HttpRequest, reference: str, model_id: int, criterion_id: int
) -> HttpResponse:
    model = _changeable_model(request, reference, model_id)
    criterion = _leaf(model, criterion_id)
    return _builder_action(
        request,
        model,
        lambda: criterion_remove(actor=request.user, criterion=criterion),
        f"“{criterion.title}” removed.",
    )


@login_required
@require_http_methods(["GET", "POST"])
@not_found_as_404
def scale(request: HttpRequest, reference: str, model_id: int) -> HttpResponse:
    model = _changeable_model(request, reference, model_id)
    levels = list(model.scale.all())
    rows = min(SCALE_MAX_LEVELS, max(len(levels) + 2, 5))
    initial = {}
    for i, lvl in enumerate(levels):
        initial.update(
            {f"score_{i}": lvl.score, f"label_{i}": lvl.label, f"descriptor_{i}": lvl.descriptor}
        )
    return form_page(
        request,
        ScaleForm(request.POST or None, initial=initial, rows=rows),
        "evaluation/scale_form.html",
        {"model": model, "project": model.project, "back_url": _build_url(model)},
        save=lambda form: scale_set(
            actor=request.user, model=model, levels=form.cleaned_data["levels"]
        ),
        success="Scoring scale saved.",
        redirect_to=_build_url(model),
    )


def _role_choices(model: EvaluationModel) -> list[tuple[str, str]]:
    return [
        (str(leaf.criterion.pk), f"{g.criterion.title}: {leaf.criterion.title}")
        for g in criteria_tree(model)
        for leaf in g.children
        if leaf.criterion.kind != CriterionKind.PRICE
    ]


def _role_data(form: RoleForm) -> RoleData:
    d = form.cleaned_data
    return RoleData(name=d["name"], kind=d["kind"], criterion_ids=[int(x) for x in d["criteria"]])


@login_required
@require_http_methods(["GET", "POST"])
@not_found_as_404
def role_new(request: HttpRequest, reference: str, model_id: int) -> HttpResponse:
    model = _changeable_model(request, reference, model_id)
    return _form_page(
        request,
        RoleForm(request.POST or None, criterion_choices=_role_choices(model)),
        model,
        heading="Add a panel role",
        caption=model.title,
        submit="Add",
        save=lambda form: panel_role_add(actor=request.user, model=model, data=_role_data(form)),
        success="Panel role added.",
    )


def _role(model: EvaluationModel, role_id: int):
    for role in model.panel_roles.all():
        if role.pk == role_id:
            return role
    raise NotFound()


@login_required
@require_http_methods(["GET", "POST"])
@not_found_as_404
def role_edit(request: HttpRequest, reference: str, model_id: int, role_id: int) -> HttpResponse:
    model = _changeable_model(request, reference, model_id)
    role = _role(model, role_id)
    initial = {
        "name": role.name,
        "kind": role.kind,
        "criteria": [str(c.pk) for c in role.criteria.all()],
    }
    return _form_page(
        request,
        RoleForm(request.POST or None, initial=initial, criterion_choices=_role_choices(model)),
        model,
        heading=f"Change “{role.name}”",
        caption=model.title,
        submit="Save",
        save=lambda form: panel_role_update(actor=request.user, role=role, data=_role_data(form)),
        success="Panel role saved.",
    )


@login_required
@require_POST
@not_found_as_404
def role_delete(request: HttpRequest, reference: str, model_id: int, role_id: int) -> HttpResponse:
    model = _changeable_model(request, reference, model_id)
    role = _role(model, role_id)
    return _builder_action(
        request,
        model,
        lambda: panel_role_remove(actor=request.user, role=role),
        f"“{role.name}” removed from the panel.",
    )
