"""Specification pages. Views parse input, call a selector or service, and render."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from coproduce.core.errors import NotFound, ServiceError
from coproduce.core.forms import apply_service_error
from coproduce.core.http import not_found_as_404, render_form

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


def _spec_form_page(request, *, project, form, spec=None) -> HttpResponse:
    years = (
        form.cleaned_data.get("years") if form.is_bound and hasattr(form, "cleaned_data") else None
    )
    if years is None and spec is not None:
        years = spec.contract_years
    return render_form(
        request,
        "specifications/spec_form.html",
        {
            "form": form,
            "project": project,
            "spec": spec,
            "short_contract": years is not None and years < SHORT_CONTRACT_YEARS,
            "short_years": SHORT_CONTRACT_YEARS,
        },
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
    if request.method == "POST" and form.is_valid():
        try:
            specification_create(actor=request.user, project=project, data=_spec_data(form))
        except ServiceError as exc:
            if isinstance(exc, NotFound):
                raise
            apply_service_error(form, exc)
        else:
            messages.success(request, "Draft specification saved. Now add its requirements.")
            return _manage(project.reference)
    return _spec_form_page(request, project=project, form=form)


@login_required
@require_http_methods(["GET", "POST"])
@not_found_as_404
def edit(request: HttpRequest, reference: str) -> HttpResponse:
    spec = access_draft_specification(user=request.user, reference=reference)
    form = SpecificationForm(request.POST or None, initial=SpecificationForm.initial_for(spec))
    if request.method == "POST" and form.is_valid():
        try:
            specification_update(actor=request.user, specification=spec, data=_spec_data(form))
        except ServiceError as exc:
            if isinstance(exc, NotFound):
                raise
            apply_service_error(form, exc)
        else:
            messages.success(request, "Specification details saved.")
            return _manage(reference)
    return _spec_form_page(request, project=spec.project, form=form, spec=spec)


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
    form = NewVersionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            spec = specification_new_version(
                actor=request.user, project=project, reason=form.cleaned_data["reason"]
            )
        except ServiceError as exc:
            if isinstance(exc, NotFound):
                raise
            apply_service_error(form, exc)
        else:
            messages.success(
                request,
                f"Version {spec.version} started as a copy of version {current.version}. "
                "Change it, then publish it.",
            )
            return _manage(project.reference)
    return render_form(
        request,
        "specifications/new_version.html",
        {"form": form, "project": project, "current": current},
    )


@login_required
@require_http_methods(["GET", "POST"])
@not_found_as_404
def publish(request: HttpRequest, reference: str) -> HttpResponse:
    spec = access_draft_specification(user=request.user, reference=reference)
    form = forms.Form(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            specification_publish(actor=request.user, specification=spec)
        except ServiceError as exc:
            if isinstance(exc, NotFound):
                raise
            apply_service_error(form, exc)
        else:
            messages.success(request, f"Version {spec.version} of the specification is published.")
            return _manage(reference)
    return render_form(
        request,
        "specifications/publish.html",
        {
            "form": form,
            "spec": spec,
            "project": spec.project,
            "gaps": citation_gaps(spec),
            "outcomes": sum(1 for r in spec.requirements.all() if r.kind == "outcome"),
        },
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


def _requirement_page(request, *, spec, form, requirement=None) -> HttpResponse:
    return render_form(
        request,
        "specifications/requirement_form.html",
        {"form": form, "spec": spec, "project": spec.project, "requirement": requirement},
    )


@login_required
@require_http_methods(["GET", "POST"])
@not_found_as_404
def requirement_new(request: HttpRequest, reference: str) -> HttpResponse:
    spec = access_draft_specification(user=request.user, reference=reference)
    form = _requirement_form(request, spec.project, initial={"kind": request.GET.get("kind")})
    if request.method == "POST" and form.is_valid():
        try:
            requirement_add(actor=request.user, specification=spec, data=_requirement_data(form))
        except ServiceError as exc:
            if isinstance(exc, NotFound):
                raise
            apply_service_error(form, exc)
        else:
            messages.success(request, "Requirement added.")
            return _manage(reference)
    return _requirement_page(request, spec=spec, form=form)


@login_required
@require_http_methods(["GET", "POST"])
@not_found_as_404
def requirement_edit(request: HttpRequest, reference: str, requirement_id: int) -> HttpResponse:
    req = access_draft_requirement(
        user=request.user, reference=reference, requirement_id=requirement_id
    )
    spec = req.specification
    form = _requirement_form(request, spec.project, initial=RequirementForm.initial_for(req))
    if request.method == "POST" and form.is_valid():
        try:
            requirement_update(actor=request.user, requirement=req, data=_requirement_data(form))
        except ServiceError as exc:
            if isinstance(exc, NotFound):
                raise
            apply_service_error(form, exc)
        else:
            messages.success(request, "Requirement saved.")
            return _manage(reference)
    return _requirement_page(request, spec=spec, form=form, requirement=req)


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
        try:
            requirement_remove(actor=request.user, requirement=req)
        except ServiceError as exc:
            if isinstance(exc, NotFound):
                raise
            messages.error(request, exc.message)
        else:
            messages.success(request, "Requirement removed.")
        return _manage(reference)
    return render(
        request,
        "specifications/requirement_remove.html",
        {"requirement": req, "spec": req.specification, "project": req.specification.project},
    )
