"""Equality pages. Views parse input, call a selector or service, and render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from coproduce.foundation.core.http import form_page, not_found_as_404
from coproduce.understand.consultations.equality import BY_KEY

from .forms import EntryForm, MarginForm, PopulationUploadForm
from .population_csv import MAX_BYTES
from .selectors import (
    access_assessment_by_project_reference,
    access_consultation_for_gap,
    access_entry,
    access_project_for_assessment,
    access_project_for_gap,
    assessment_for_project,
    assessment_summary,
    consultation_participation_gap,
    current_population_profile,
    population_profiles,
    population_shares,
    project_consultations,
    project_participation_gap,
    published_findings,
)
from .services import (
    EntryData,
    ProfileData,
    assessment_publish,
    assessment_start,
    assessment_update_entry,
    population_profile_upload,
)


@require_GET
@not_found_as_404
def public_detail(request: HttpRequest, reference: str) -> HttpResponse:
    assessment = access_assessment_by_project_reference(user=request.user, reference=reference)
    return render(
        request,
        "equality/public_detail.html",
        {
            "assessment": assessment,
            "project": assessment.project,
            "summary": assessment_summary(assessment=assessment),
            "today": timezone.localdate(),
        },
    )


@login_required
@require_GET
@not_found_as_404
def manage(request: HttpRequest, reference: str) -> HttpResponse:
    project = access_project_for_assessment(user=request.user, reference=reference)
    assessment = assessment_for_project(project=project)
    return render(
        request,
        "equality/manage.html",
        {
            "project": project,
            "assessment": assessment,
            "summary": assessment_summary(assessment=assessment) if assessment else None,
            "today": timezone.localdate(),
            "can_change": request.user.has_perm("equality.change_assessment"),
            "consultations": project_consultations(project=project),
        },
    )


@login_required
@require_POST
@not_found_as_404
def start(request: HttpRequest, reference: str) -> HttpResponse:
    project = access_project_for_assessment(user=request.user, reference=reference)
    assessment_start(actor=request.user, project=project)
    messages.success(request, "Assessment started. Fill in each protected characteristic.")
    return redirect("equality:manage", project.reference)


@login_required
@require_http_methods(["GET", "POST"])
@not_found_as_404
def edit_entry(request: HttpRequest, reference: str, characteristic: str) -> HttpResponse:
    assessment = access_assessment_by_project_reference(
        user=request.user, reference=reference, perm="equality.view_assessment_draft"
    )
    entry = access_entry(user=request.user, assessment=assessment, characteristic=characteristic)
    findings = list(published_findings(project=assessment.project))
    initial = {
        "impact": entry.impact,
        "evidence": entry.evidence,
        "findings": [str(f.pk) for f in entry.findings.all()],
        "mitigation": entry.mitigation,
        "owner": entry.owner,
        "review_on": entry.review_on,
    }
    form = EntryForm(
        request.POST or None,
        initial=initial,
        finding_choices=[(str(f.pk), f"{f.reference}: {f.statement}") for f in findings],
    )

    def save(form: EntryForm) -> None:
        d = form.cleaned_data
        assessment_update_entry(
            actor=request.user,
            entry=entry,
            data=EntryData(
                impact=d["impact"],
                evidence=d["evidence"],
                finding_ids=[int(pk) for pk in d["findings"]],
                mitigation=d["mitigation"],
                owner=d["owner"],
                review_on=d["review_on"],
            ),
        )

    return form_page(
        request,
        form,
        "equality/entry_form.html",
        {
            "assessment": assessment,
            "project": assessment.project,
            "entry": entry,
            "characteristic": BY_KEY[characteristic],
        },
        save=save,
        success=f"{BY_KEY[characteristic].label}: saved.",
        redirect_to=("equality:manage", assessment.project.reference),
    )


@login_required
@require_POST
@not_found_as_404
def publish(request: HttpRequest, reference: str) -> HttpResponse:
    assessment = access_assessment_by_project_reference(
        user=request.user, reference=reference, perm="equality.view_assessment_draft"
    )
    assessment_publish(actor=request.user, assessment=assessment)
    messages.success(
        request,
        "The assessment is published. The public can read it once the project is published.",
    )
    return redirect("equality:manage", assessment.project.reference)


@login_required
@require_GET
@not_found_as_404
def population(request: HttpRequest) -> HttpResponse:
    profiles = list(population_profiles(user=request.user)[:20])
    current = profiles[0] if profiles else None
    return render(
        request,
        "equality/population.html",
        {
            "profiles": profiles,
            "current": current,
            "shares": _share_rows(current),
            "can_upload": request.user.has_perm("equality.upload_population"),
        },
    )


def _share_rows(profile) -> list[dict]:
    shares = population_shares(profile)
    rows = []
    for key, c in BY_KEY.items():
        groups = [(label, shares[key][g]) for g, label in c.options if g in shares.get(key, {})]
        if groups:
            rows.append({"label": c.label, "groups": groups})
    return rows


@login_required
@require_http_methods(["GET", "POST"])
def population_upload(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("equality.upload_population"):
        raise Http404

    def save(form: PopulationUploadForm):
        d = form.cleaned_data
        # Read one byte past the limit: enough to know the file is too big.
        content = d["file"].read(MAX_BYTES + 1)
        return population_profile_upload(
            actor=request.user,
            data=ProfileData(name=d["name"], source=d["source"], year=d["year"], content=content),
        )

    return form_page(
        request,
        PopulationUploadForm(request.POST or None, request.FILES or None),
        "equality/population_upload.html",
        lambda: {"current": current_population_profile()},
        save=save,
        success=lambda profile: f"“{profile.name}” is now the population profile in use.",
        redirect_to="equality:population",
    )


def _gap_page(request: HttpRequest, *, subject, heading: str, context: dict) -> HttpResponse:
    form = MarginForm(request.GET or None)
    invalid = form.is_bound and not form.is_valid()
    if context["consultation"] is not None:
        result = consultation_participation_gap(consultation=subject, margin=form.margin_value())
    else:
        result = project_participation_gap(project=subject, margin=form.margin_value())
    return render(
        request,
        "equality/participation_gap.html",
        {"form": form, "gap": result, "heading": heading, **context},
        status=400 if invalid else 200,
    )


@login_required
@require_GET
@not_found_as_404
def consultation_gap(request: HttpRequest, reference: str) -> HttpResponse:
    consultation = access_consultation_for_gap(user=request.user, reference=reference)
    return _gap_page(
        request,
        subject=consultation,
        heading=consultation.title,
        context={"consultation": consultation, "project": consultation.project},
    )


@login_required
@require_GET
@not_found_as_404
def project_gap(request: HttpRequest, reference: str) -> HttpResponse:
    project = access_project_for_gap(user=request.user, reference=reference)
    return _gap_page(
        request,
        subject=project,
        heading=project.title,
        context={"consultation": None, "project": project},
    )
