"""Commissioning pages. Views parse input, call a selector or service, and render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from coproduce.foundation.core.http import form_page, not_found_as_404
from coproduce.foundation.core.idempotency import posted_key

from .forms import ProjectFilterForm, ProjectForm, StageChangeForm
from .models import Stage
from .selectors import (
    ProjectFilters,
    access_project_by_reference,
    project_next_stages,
    project_public_list,
    project_staff_list,
    project_timeline,
)
from .services import (
    ProjectData,
    project_change_stage,
    project_create,
    project_publish,
    project_update,
)

PAGE_SIZE = 20


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The site's front page: how commissioning works here, and the latest published projects."""
    projects = list(project_public_list()[:6])
    return render(request, "commissioning/home.html", {"projects": projects})


def _filters(request: HttpRequest) -> tuple[ProjectFilterForm, ProjectFilters]:
    form = ProjectFilterForm(request.GET or None)
    if form.is_bound and form.is_valid():
        return form, ProjectFilters(**form.cleaned_data)
    return form, ProjectFilters()


def _page(request: HttpRequest, qs):
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return page, query.urlencode()


@require_GET
def public_list(request: HttpRequest) -> HttpResponse:
    form, filters = _filters(request)
    page, query = _page(request, project_public_list(filters=filters))
    return render(
        request, "commissioning/public_list.html", {"form": form, "page": page, "query": query}
    )


@require_GET
@not_found_as_404
def detail(request: HttpRequest, reference: str) -> HttpResponse:
    project = access_project_by_reference(user=request.user, reference=reference)
    return render(
        request,
        "commissioning/detail.html",
        {
            "project": project,
            "timeline": project_timeline(project=project),
            "stages": [
                (value, label)
                for value, label in Stage.choices
                if value != Stage.DECOMMISSIONED or project.stage == value
            ],
            "can_change": request.user.has_perm("commissioning.change_project", project),
        },
    )


@login_required
@require_GET
@not_found_as_404
def staff_list(request: HttpRequest) -> HttpResponse:
    form, filters = _filters(request)
    qs = project_staff_list(user=request.user, filters=filters)
    page, query = _page(request, qs)
    return render(
        request,
        "commissioning/staff_list.html",
        {
            "form": form,
            "page": page,
            "query": query,
            "can_add": request.user.has_perm("commissioning.add_project"),
        },
    )


def _project_data(form: ProjectForm) -> ProjectData:
    d = form.cleaned_data
    return ProjectData(
        title=d["title"],
        service_area_id=d["service_area"].pk,
        summary=d["summary"],
        budget_pence=d["budget"],
        starts_on=d["starts_on"],
        ends_on=d["ends_on"],
        owner_id=d["owner"].pk,
    )


@login_required
@require_http_methods(["GET", "POST"])
def create(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("commissioning.add_project"):
        raise Http404
    return form_page(
        request,
        ProjectForm(request.POST or None, initial={"owner": request.user.pk}),
        "commissioning/project_form.html",
        {"project": None},
        save=lambda form: project_create(
            actor=request.user, data=_project_data(form), submission_key=posted_key(request)
        ),
        success=lambda project: f"Project {project.reference} created as a draft.",
        redirect_to=lambda project: ("commissioning:detail", project.reference),
    )


@login_required
@require_http_methods(["GET", "POST"])
@not_found_as_404
def edit(request: HttpRequest, reference: str) -> HttpResponse:
    project = access_project_by_reference(
        user=request.user, reference=reference, perm="commissioning.change_project"
    )
    initial = {
        "title": project.title,
        "service_area": project.service_area_id,
        "summary": project.summary,
        "budget": project.budget_pence,
        "starts_on": project.starts_on,
        "ends_on": project.ends_on,
        "owner": project.owner_id,
    }
    return form_page(
        request,
        ProjectForm(request.POST or None, initial=initial),
        "commissioning/project_form.html",
        {"project": project},
        save=lambda form: project_update(
            actor=request.user, project=project, data=_project_data(form)
        ),
        success="Project details saved.",
        redirect_to=("commissioning:detail", project.reference),
    )


@login_required
@require_http_methods(["GET", "POST"])
@not_found_as_404
def change_stage(request: HttpRequest, reference: str) -> HttpResponse:
    project = access_project_by_reference(
        user=request.user, reference=reference, perm="commissioning.change_project"
    )
    return form_page(
        request,
        StageChangeForm(request.POST or None, choices=project_next_stages(project=project)),
        "commissioning/change_stage.html",
        {"project": project},
        save=lambda form: project_change_stage(
            actor=request.user,
            project=project,
            to_stage=form.cleaned_data["stage"],
            reason=form.cleaned_data["reason"],
        ),
        success=lambda changed: (
            f"The project is now at the {changed.get_stage_display().lower()} stage."
        ),
        redirect_to=lambda changed: ("commissioning:detail", changed.reference),
    )


@login_required
@require_POST
@not_found_as_404
def publish(request: HttpRequest, reference: str) -> HttpResponse:
    project = access_project_by_reference(
        user=request.user, reference=reference, perm="commissioning.change_project"
    )
    project_publish(actor=request.user, project=project)
    messages.success(request, "The project is now public.")
    return redirect("commissioning:detail", project.reference)
