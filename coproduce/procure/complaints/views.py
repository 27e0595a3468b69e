"""Complaint pages: raising one, the complainant's own view, the staff desk, public outcomes."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_http_methods

from coproduce.foundation.accounts.models import Organisation
from coproduce.foundation.core.errors import ServiceError
from coproduce.foundation.core.forms import apply_service_error
from coproduce.foundation.core.http import form_page, not_found_as_404, render_form
from coproduce.foundation.core.idempotency import posted_key
from coproduce.foundation.core.ratelimit import hit

from . import selectors as sel
from . import services as svc
from .forms import ComplaintForm, DecisionForm, NoteForm, WithdrawForm
from .models import ComplaintStatus

ANON_COMPLAINTS_PER_HOUR = 10


@require_http_methods(["GET", "POST"])
@not_found_as_404
def raise_complaint(request: HttpRequest, tender_reference: str) -> HttpResponse:
    tender = sel.access_published_tender(tender_reference)
    organisations = (
        list(Organisation.objects.filter(memberships__user=request.user).order_by("name"))
        if request.user.is_authenticated
        else []
    )
    initial = {}
    if request.user.is_authenticated:
        initial = {"contact_name": request.user.full_name, "contact_email": request.user.email}
    form = ComplaintForm(request.POST or None, initial=initial, organisations=organisations)
    if request.method == "POST":
        if not request.user.is_authenticated and not hit(
            request, scope="complaints.raise", limit=ANON_COMPLAINTS_PER_HOUR, period=3600
        ):
            return HttpResponse(
                "Too many complaints from this connection. Try again later.", status=429
            )
        if form.is_valid():
            d = form.cleaned_data
            try:
                complaint = svc.complaint_raise(
                    actor=request.user,
                    tender=tender,
                    data=svc.ComplaintData(
                        subject=d["subject"],
                        details=d["details"],
                        outcome_wanted=d["outcome_wanted"],
                        contact_name=d["contact_name"],
                        contact_email=d["contact_email"],
                        organisation_id=d.get("organisation"),
                    ),
                    site_url=request.build_absolute_uri("/")[:-1],
                    submission_key=posted_key(request),
                )
            except ServiceError as exc:
                apply_service_error(form, exc)
            else:
                return render(
                    request, "complaints/raised.html", {"complaint": complaint, "tender": tender}
                )
    return render_form(request, "complaints/raise.html", {"form": form, "tender": tender})


def _own_page(request, complaint, *, token: str = "") -> HttpResponse:
    return form_page(
        request,
        WithdrawForm(request.POST or None),
        "complaints/mine_detail.html",
        lambda: {
            "complaint": complaint,
            "history": list(sel.complaint_history(complaint)),
            "can_withdraw": complaint.status in sel.OPEN,
        },
        save=lambda form: svc.complaint_withdraw(
            actor=request.user, complaint=complaint, note=form.cleaned_data["note"]
        ),
        success="Your complaint has been withdrawn.",
        redirect_to=request.path,
    )


@require_http_methods(["GET", "POST"])
@not_found_as_404
def mine_by_token(request: HttpRequest, token: str) -> HttpResponse:
    return _own_page(request, svc.complaint_from_token(token), token=token)


@login_required
@require_GET
def mine_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "complaints/mine_list.html",
        {"complaints": list(sel.complaints_raised_by(user=request.user))},
    )


@login_required
@require_http_methods(["GET", "POST"])
@not_found_as_404
def mine_detail(request: HttpRequest, reference: str) -> HttpResponse:
    return _own_page(request, sel.access_own_complaint(user=request.user, reference=reference))


@login_required
@require_GET
@not_found_as_404
def desk(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "open")
    complaints = list(sel.complaint_desk_list(user=request.user, status=status))
    for c in complaints:
        c.overdue = sel.is_overdue(c)
    return render(
        request,
        "complaints/desk.html",
        {
            "complaints": complaints,
            "status": status,
            "statuses": [("open", "Open"), *ComplaintStatus.choices, ("all", "All")],
        },
    )


@login_required
@require_GET
@not_found_as_404
def desk_detail(request: HttpRequest, reference: str) -> HttpResponse:
    complaint = sel.access_complaint_by_reference(user=request.user, reference=reference)
    return render(request, "complaints/desk_detail.html", _desk_context(request, complaint))


def _desk_context(request, complaint, **forms) -> dict:
    can_act = request.user.has_perm("complaints.act")
    s = complaint.status
    return {
        "complaint": complaint,
        "history": list(sel.complaint_history(complaint)),
        "overdue": sel.is_overdue(complaint),
        "can_acknowledge": can_act and s == ComplaintStatus.RECEIVED,
        "can_review": can_act and s in (ComplaintStatus.RECEIVED, ComplaintStatus.ACKNOWLEDGED),
        "can_decide": can_act and s == ComplaintStatus.UNDER_REVIEW,
        "note_form": forms.get("note_form") or NoteForm(),
        "decision_form": forms.get("decision_form") or DecisionForm(),
        "form": forms.get("note_form") or forms.get("decision_form"),
    }


@login_required
@require_http_methods(["POST"])
@not_found_as_404
def desk_action(request: HttpRequest, reference: str, action: str) -> HttpResponse:
    complaint = sel.access_complaint_by_reference(
        user=request.user, reference=reference, perm="complaints.act"
    )

    def page(form, form_key: str, save, success: str) -> HttpResponse:
        # POST only, so a page shown again always has errors (status 400).
        return form_page(
            request,
            form,
            "complaints/desk_detail.html",
            lambda: _desk_context(request, complaint, **{form_key: form}),
            save=save,
            success=success,
            redirect_to=("complaints:desk_detail", complaint.reference),
        )

    if action == "decide":
        return page(
            DecisionForm(request.POST),
            "decision_form",
            lambda form: svc.complaint_decide(
                actor=request.user,
                complaint=complaint,
                upheld=form.cleaned_data["decision"] == "upheld",
                response=form.cleaned_data["response"],
                published_outcome=form.cleaned_data["published_outcome"],
            ),
            "Decision recorded and the complainant emailed.",
        )
    if action in ("acknowledge", "review"):
        service = (
            svc.complaint_acknowledge if action == "acknowledge" else svc.complaint_start_review
        )
        return page(
            NoteForm(request.POST),
            "note_form",
            lambda form: service(
                actor=request.user, complaint=complaint, note=form.cleaned_data["note"]
            ),
            "Status updated.",
        )
    raise Http404


@require_GET
@not_found_as_404
def tender_outcomes(request: HttpRequest, reference: str) -> HttpResponse:
    tender = sel.access_published_tender(reference)
    return render(
        request,
        "complaints/tender_outcomes.html",
        {"tender": tender, "outcomes": sel.tender_outcomes(tender)},
    )
