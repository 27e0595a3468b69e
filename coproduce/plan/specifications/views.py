"""Specification pages. Views parse input, call a selector or service, and render."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from coproduce.foundation.core.errors import NotFound, ServiceError
from coproduce.foundation.core.http import form_page, not_found_as_404, post_action

from . import citations
from .forms import NewVersionForm, RequirementForm, SpecificationForm
from .selectors import (
    access_draft_requirement,
    access_draft_specification,
    access_project_for_specifications,
    access_specification,
    citation_gaps,
    draft_specification,
    published_specifications,
    requirement_groups,
    specification_versions,
    version_history,
)
from .services import (
    SHORT_CONTRACT_YEARS,
    RequirementData,
    SpecificationData,
    requirement_add,
    requirement_move,
    requirement_remove,
    requirement_update,
    specification_create,
    specification_new_version,
    specification_publish,
    specification_update,
)

CHANGE = "specifications.change_specification"


def _manage(reference: str):
    return redirect("specifications:manage", reference)


# --- public pages ------------------------------------------------------------------------


@require_GET
@not_found_as_404
def detail(request: HttpRequest, reference: str, version: int | None = None) -> HttpResponse:
    """What you told us → what we asked for: one version, each requirement with its evidence."""
    spec = access_specification(user=request.user, reference=reference, version=version)
    versions = list(published_specifications(spec.project).only("version", "status", "project"))
    return render(
        request,
        "specifications/detail.html",
        {
            "spec": spec,
            "project": spec.project,
            "groups": requirement_groups(spec),
            "versions": versions,
            "short_contract": spec.contract_years < SHORT_CONTRACT_YEARS,
            "is_staff_view": request.user.has_perm("specifications.view_drafts"),
        },
    )


@require_GET
@not_found_as_404
def history(request: HttpRequest, reference: str) -> HttpResponse:
    """Every published version with its reason for change and what changed."""
    staff = request.user.has_perm("specifications.view_drafts")
    spec = access_specification(user=request.user, reference=reference)
    versions = specification_versions(project=spec.project, include_drafts=staff)
    return render(
        request,
        "specifications/history.html",
        {"project": spec.project, "history": version_history(versions)},
    )


# --- the commissioner's working page ------------------------------------------------------


@login_required
@require_GET
@not_found_as_404
def manage(request: HttpRequest, reference: str) -> HttpResponse:
    project = access_project_for_specifications(user=request.user, reference=reference)
    draft = draft_specification(project)
    published = list(published_specifications(project))
    return render(
        request,
        "specifications/manage.html",
        {
            "project": project,
            "draft": draft,
            "groups": requirement_groups(draft) if draft else [],
            "gaps": citation_gaps(draft) if draft else None,
            "published": published,
            "current": next((s for s in published if s.status == "published"), None),
            "can_change": request.user.has_perm(CHANGE),
            "short_contract": draft is not None and draft.contract_years < SHORT_CONTRACT_YEARS,
        },
    )


def _spec_data(form: SpecificationForm) -> SpecificationData:
    d = form.cleaned_data
    return SpecificationData(
        title=d["title"],
        purpose=d["purpose"],
        involvement=d["involvement"],
        inclusion=d["inclusion"],
        contract_years=d["years"],
        extension_years=d["extension_years"] or 0,
        short_term_reason=d["short_term_reason"],
        estimated_value_pence=d["estimated_value_pence"],
    )


def _spec_form_page(request, form, *, project, spec=None, **kwargs) -> HttpResponse:
    """The specification details form (``kwargs`` as for ``form_page``)."""

    def context() -> dict:
        # Worked out after validation: the years just typed decide the short-contract hint.
        bound = form.is_bound and hasattr(form, "cleaned_data")
        years = form.cleaned_data.get("years") if bound else None
        if years is None and spec is not None:
            years = spec.contract_years
        return {
            "project": project,
            "spec": spec,
            "short_contract": years is not None and years < SHORT_CONTRACT_YEARS,
            "short_years": SHORT_CONTRACT_YEARS,
        }

    return form_page(
        request,
        form,
        "specifications/spec_form.html",
        context,
        raise_not_found=True,
        **kwargs,
    )


@login_required
@require_http_methods(["GET", "POST"])
@not_found_as_404
def create(request: HttpRequest, reference: str) -> HttpResponse:
    project = access_project_for_specifications(user=request.user, reference=reference)
    if not request.user.has_perm(CHANGE):
        raise NotFound()
    draft = draft_specification(project)
    if draft is not None:
        return _manage(project.reference)
    form = SpecificationForm(
        request.POST or None,
        initial={"title": project.title, "contract_years": "3", "extension_years": 0},
    )
    return _spec_form_page(
        request,
        form,
        project=project,
        save=lambda form: specification_create(
            actor=request.user, project=project, data=_spec_data(form)
        ),
        success="Draft specification saved. Now add its requirements.",
        redirect_to=("specifications:manage", project.reference),
    )


@login_required
@require_http_methods(["GET", "POST"])
@not_found_as_404
def edit(request: HttpRequest, reference: str) -> HttpResponse:
    spec = access_draft_specification(user=request.user, reference=reference)
    return _spec_form_page(
        request,
        SpecificationForm(request.POST or None, initial=SpecificationForm.initial_for(spec)),
        project=spec.project,
        spec=spec,
        save=lambda form: specification_update(
            actor=request.user, specification=spec, data=_spec_data(form)
        ),
        success="Specification details saved.",
        redirect_to=("specifications:manage", reference),
    )


@login_required
@require_http_methods(["GET", "POST"])
@not_found_as_404
def new_version(request: HttpRequest, reference: str) -> HttpResponse:
    project = access_project_for_specifications(user=request.user, reference=reference)
    if not request.user.has_perm(CHANGE):
        raise NotFound()
    if draft_specification(project) is not None:
        return _manage(project.reference)
    current = next(iter(published_specifications(project).filter(status="published")), None)
    if current is None:
        raise NotFound()
    return form_page(
        request,
        NewVersionForm(request.POST or None),
        "specifications/new_version.html",
        {"project": project, "current": current},
        save=lambda form: specification_new_version(
            actor=request.user, project=project, reason=form.cleaned_data["reason"]
        ),
        success=lambda spec: (
            f"Version {spec.version} started as a copy of version {current.version}. "
            "Change it, then publish it."
        ),
        redirect_to=("specifications:manage", project.reference),
        raise_not_found=True,
    )


@login_required
@require_http_methods(["GET", "POST"])
@not_found_as_404
def publish(request: HttpRequest, reference: str) -> HttpResponse:
    spec = access_draft_specification(user=request.user, reference=reference)
    return form_page(
        request,
        forms.Form(request.POST if request.method == "POST" else None),
        "specifications/publish.html",
        lambda: {
            "spec": spec,
            "project": spec.project,
            "gaps": citation_gaps(spec),
            "outcomes": sum(1 for r in spec.requirements.all() if r.kind == "outcome"),
        },
        save=lambda form: specification_publish(actor=request.user, specification=spec),
        success=lambda _: f"Version {spec.version} of the specification is published.",
        redirect_to=("specifications:manage", reference),
        raise_not_found=True,
    )


# --- requirements ---------------------------------------------------------------------------


def _requirement_form(request, project, initial=None) -> RequirementForm:
    return RequirementForm(
        request.POST or None,
        initial=initial,
        findings=citations.citable_findings(project),
        ideas=citations.citable_ideas(project),
        entries=citations.citable_equality_entries(project),
    )


def _requirement_data(form: RequirementForm) -> RequirementData:
    d = form.cleaned_data
    return RequirementData(
        kind=d["kind"],
        text=d["text"],
        target=d["target"],
        unit=d["unit"],
        frequency=d["frequency"],
        finding_ids=[int(pk) for pk in d["findings"]],
        idea_ids=[int(pk) for pk in d["ideas"]],
        equality_entry_ids=[int(pk) for pk in d["equality_entries"]],
    )


def _requirement_page(request, form, *, spec, requirement=None, **kwargs) -> HttpResponse:
    """The requirement form (``kwargs`` as for ``form_page``)."""
    return form_page(
        request,
        form,
        "specifications/requirement_form.html",
        {"spec": spec, "project": spec.project, "requirement": requirement},
        raise_not_found=True,
        **kwargs,
    )


@login_required
@require_http_methods(["GET", "POST"])
@not_found_as_404
def requirement_new(request: HttpRequest, reference: str) -> HttpResponse:
    spec = access_draft_specification(user=request.user, reference=reference)
    return _requirement_page(
        request,
        _requirement_form(request, spec.project, initial={"kind": request.GET.get("kind")}),
        spec=spec,
        save=lambda form: requirement_add(
            actor=request.user, specification=spec, data=_requirement_data(form)
        ),
        success="Requirement added.",
        redirect_to=("specifications:manage", reference),
    )


@login_required
@require_http_methods(["GET", "POST"])
@not_found_as_404
def requirement_edit(request: HttpRequest, reference: str, requirement_id: int) -> HttpResponse:
    req = access_draft_requirement(
        user=request.user, reference=reference, requirement_id=requirement_id
    )
    spec = req.specification
    return _requirement_page(
        request,
        _requirement_form(request, spec.project, initial=RequirementForm.initial_for(req)),
        spec=spec,
        requirement=req,
        save=lambda form: requirement_update(
            actor=request.user, requirement=req, data=_requirement_data(form)
        ),
        success="Requirement saved.",
        redirect_to=("specifications:manage", reference),
    )


@login_required
@require_POST
@not_found_as_404
def requirement_move_view(
    request: HttpRequest, reference: str, requirement_id: int
) -> HttpResponse:
    req = access_draft_requirement(
        user=request.user, reference=reference, requirement_id=requirement_id
    )
    try:
        requirement_move(
            actor=request.user, requirement=req, direction=request.POST.get("direction", "")
        )
    except ServiceError as exc:
        if isinstance(exc, NotFound):
            raise
        messages.error(request, exc.message)
    return redirect(f"{reverse('specifications:manage', args=[reference])}#requirement-{req.pk}")


@login_required
@require_http_methods(["GET", "POST"])
@not_found_as_404
def requirement_delete(request: HttpRequest, reference: str, requirement_id: int) -> HttpResponse:
    req = access_draft_requirement(
        user=request.user, reference=reference, requirement_id=requirement_id
    )
    if request.method == "POST":
        return post_action(
            request,
            lambda: requirement_remove(actor=request.user, requirement=req),
            success="Requirement removed.",
            redirect_to=("specifications:manage", reference),
            raise_not_found=True,
        )
    return render(
        request,
        "specifications/requirement_remove.html",
        {"requirement": req, "spec": req.specification, "project": req.specification.project},
    )
