"""Participatory budgeting pages. Views parse input, call a selector or service, and render."""

from __future__ import annotations

import csv
import io

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from coproduce.foundation.core import ratelimit
from coproduce.foundation.core.errors import NotFound, ServiceError
from coproduce.foundation.core.forms import apply_service_error
from coproduce.foundation.core.http import form_page, post_action, render_form
from coproduce.foundation.core.idempotency import posted_key

from . import engine
from .forms import (
    BatchForm,
    CodesForm,
    FeasibilityForm,
    ImportForm,
    OverrideForm,
    PhaseForm,
    ProposalForm,
    ReceiptForm,
    RegisterForm,
    RoundForm,
    VerifyForm,
)
from .models import PHASES, BallotType, PaperBatch, Phase, ProposalStatus, ResultLine
from .selectors import (
    access_proposal,
    access_round_by_reference,
    proposal_counts,
    receipt_status,
    register_status,
    result_for,
    round_batches,
    round_list,
    round_proposals,
)
from .services import (
    ProposalData,
    RoundData,
    Verification,
    ballot_cast,
    ballot_projects,
    batch_confirm,
    batch_enter,
    codes_issue,
    pot_budgets,
    pot_totals,
    proposal_decide,
    proposal_submit,
    result_override,
    results_compute,
    results_publish,
    round_change_phase,
    round_create,
)
from .services_import import round_import
from .services_register import RegisterInvalid, register_upload

MANAGE = "budgeting.manage_round"

# Failed checks that could be someone guessing a code, a register entry or a receipt.
GUESS_CODES = {"unknown_code", "not_registered", "wrong_receipt", "already_voted"}
TOO_MANY_FROM_YOU = (
    "You have made too many attempts to vote that did not match. To protect voters, please "
    "wait an hour before you try again, or contact the council."
)
TOO_MANY_IN_ROUND = (
    "There have been too many attempts to vote that did not match in this round in the "
    "last hour. To protect voters, voting is paused for a while. Please try again later."
)


def _round(request: HttpRequest, reference: str, perm: str = "budgeting.view_round"):
    try:
        return access_round_by_reference(user=request.user, reference=reference, perm=perm)
    except NotFound:
        raise Http404 from None


def _proposal(request: HttpRequest, round_, reference: str):
    try:
        return access_proposal(user=request.user, round_=round_, reference=reference)
    except NotFound:
        raise Http404 from None


# --- Public pages ----------------------------------------------------------------------


@require_GET
def round_index(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "budgeting/round_list.html",
        {"rounds": round_list(), "can_manage": request.user.has_perm("budgeting.add_round")},
    )


@require_GET
def round_detail(request: HttpRequest, reference: str) -> HttpResponse:
    round_ = _round(request, reference)
    return render(
        request,
        "budgeting/round_detail.html",
        {
            "round": round_,
            "areas": round_.areas.all(),
            "feasible": round_proposals(round_=round_, status=ProposalStatus.FEASIBLE),
            "others": round_proposals(round_=round_).exclude(status=ProposalStatus.FEASIBLE),
            "phases": Phase.choices,
            "can_manage": request.user.has_perm(MANAGE, round_),
            "can_see_results": round_.phase == Phase.RESULTS
            and request.user.has_perm("budgeting.view_results", round_),
        },
    )


@require_GET
def proposal_detail(request: HttpRequest, reference: str, proposal: str) -> HttpResponse:
    round_ = _round(request, reference)
    return render(
        request,
        "budgeting/proposal_detail.html",
        {
            "round": round_,
            "proposal": _proposal(request, round_, proposal),
            "can_manage": request.user.has_perm(MANAGE, round_),
        },
    )


@require_GET
def proposal_photo(request: HttpRequest, reference: str, proposal: str) -> HttpResponse:
    round_ = _round(request, reference)
    item = _proposal(request, round_, proposal)
    if not item.has_photo:
        raise Http404
    response = HttpResponse(bytes(item.photo), content_type=item.photo_content_type)
    response["Cache-Control"] = "public, max-age=3600"
    response["Content-Disposition"] = "inline"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def propose(request: HttpRequest, reference: str) -> HttpResponse:
    round_ = _round(request, reference)
    if round_.phase != Phase.PROPOSALS:
        raise Http404

    def save(form: ProposalForm):
        d = form.cleaned_data
        return proposal_submit(
            actor=request.user,
            round_=round_,
            data=ProposalData(
                title=d["title"],
                description=d["description"],
                estimated_cost_pence=d["estimated_cost"],
                area_id=d["area"].pk if d.get("area") else None,
                photo=d["photo"],
                photo_alt=d["photo_alt"],
            ),
            submission_key=posted_key(request),
        )

    return form_page(
        request,
        ProposalForm(request.POST or None, request.FILES or None, areas=round_.areas.all()),
        "budgeting/propose.html",
        {"round": round_},
        save=save,
        success=lambda item: f"Thank you. Your idea {item.reference} has been sent for checking.",
        redirect_to=lambda item: ("budgeting:proposal_detail", round_.reference, item.reference),
    )


def _parse_choices(request: HttpRequest, round_, projects) -> tuple[dict[str, int], str]:
    """Read the chosen projects (or points) from the posted ballot."""
    if round_.ballot_type == BallotType.CUMULATIVE:
        choices = {}
        for key, value in request.POST.items():
            if not key.startswith("points-"):
                continue
            value = value.strip()
            if not value:
                continue
            if not value.isdigit():
                return {}, "Enter points as whole numbers, like 3."
            choices[key.removeprefix("points-")] = int(value)
        return choices, ""
    return dict.fromkeys(request.POST.getlist("project"), 1), ""


def _ballot_context(round_, projects, choices: dict[str, int]) -> dict:
    chosen = [(p, choices[p.pb_id]) for p in projects if choices.get(p.pb_id)]
    return {
        "round": round_,
        "projects": [(p, choices.get(p.pb_id, 0)) for p in projects],
        "pots": [t for t in pot_totals(round_, chosen) if t[1] > 0]
        if round_.ballot_type == BallotType.KNAPSACK
        else [],
        "points_used": sum(pts for _, pts in chosen),
        "chosen_count": len(chosen),
        "is_points": round_.ballot_type == BallotType.CUMULATIVE,
        "is_knapsack": round_.ballot_type == BallotType.KNAPSACK,
        "has_areas": len(pot_budgets(round_)) > 1,
    }


def _guess_limits() -> tuple[tuple[int, int], tuple[int, int]]:
    return (
        ratelimit.parse_rate(settings.BUDGETING_GUESS_RATE, setting="BUDGETING_GUESS_RATE"),
        ratelimit.parse_rate(
            settings.BUDGETING_ROUND_GUESS_RATE, setting="BUDGETING_ROUND_GUESS_RATE"
        ),
    )


def _too_many_guesses(request: HttpRequest, round_) -> str:
    """Why this address may not try to vote in this round now ("" if it may)."""
    (mine, _), (everyone, _) = _guess_limits()
    scope = f"budgeting.guess:{round_.pk}"
    if ratelimit.attempts(request, scope=scope) >= mine:
        return TOO_MANY_FROM_YOU
    if ratelimit.attempts(None, scope=scope) >= everyone:
        return TOO_MANY_IN_ROUND
    return ""


def _count_guess(request: HttpRequest, round_) -> None:
    """Count an attempt per address and per round (from every address together)."""
    (mine, period), (everyone, round_period) = _guess_limits()
    scope = f"budgeting.guess:{round_.pk}"
    ratelimit.hit(request, scope=scope, limit=mine, period=period)
    ratelimit.hit(None, scope=scope, limit=everyone, period=round_period)


@require_http_methods(["GET", "POST"])
def ballot(request: HttpRequest, reference: str) -> HttpResponse:
    """The ballot. Failed checks of a code, a register entry or a receipt are limited per
    address and per round (HTTP 429); so are successful self-declared residency votes, the
    only way to vote that nothing else limits."""
    round_ = _round(request, reference)
    projects = ballot_projects(round_) if round_.phase == Phase.VOTING else []
    form = VerifyForm(request.POST or None)
    choices: dict[str, int] = {}
    ballot_error = ""
    status = 200
    if request.method == "POST":
        choices, ballot_error = _parse_choices(request, round_, projects)
        if request.POST.get("action") != "recalculate":
            status = 400
            too_many = _too_many_guesses(request, round_)
            if too_many:
                form.is_valid()
                form.add_error(None, too_many)
                status = 429
            elif not ballot_error and form.is_valid():
                d = form.cleaned_data
                try:
                    receipt = ballot_cast(
                        round_=round_,
                        choices=choices,
                        verification=Verification(
                            code=d["code"],
                            postcode=d["postcode"],
                            date_of_birth=d["date_of_birth"],
                            previous_receipt=d["previous_receipt"],
                        ),
                    )
                except ServiceError as exc:
                    if exc.code in GUESS_CODES:
                        _count_guess(request, round_)
                    if exc.field == "projects" or exc.field is None:
                        ballot_error = exc.message
                    else:
                        apply_service_error(form, exc)
                else:
                    if not d["code"] and not round_.has_register:
                        _count_guess(request, round_)
                    request.session["pb_receipt"] = receipt
                    return redirect("budgeting:ballot_done", round_.reference)
    context = _ballot_context(round_, projects, choices)
    context.update(
        {"form": form, "ballot_error": ballot_error, "voting_open": round_.phase == Phase.VOTING}
    )
    template = (
        "budgeting/includes/ballot_total.html"
        if request.headers.get("HX-Request")
        else "budgeting/ballot.html"
    )
    return render(request, template, context, status=status)


@require_GET
def ballot_done(request: HttpRequest, reference: str) -> HttpResponse:
    round_ = _round(request, reference)
    receipt = request.session.pop("pb_receipt", None)
    if receipt is None:
        return redirect("budgeting:receipt_check")
    return render(request, "budgeting/ballot_done.html", {"round": round_, "receipt": receipt})


@require_http_methods(["GET", "POST"])
def receipt_check(request: HttpRequest) -> HttpResponse:
    form = ReceiptForm(request.POST or None)
    status = None
    if request.method == "POST" and form.is_valid():
        status = receipt_status(receipt=form.cleaned_data["receipt"])
        if not status.found:
            form.add_error(
                "receipt", "We could not find a vote with this receipt code. Check it and try again"
            )
            status = None
    return render_form(request, "budgeting/receipt_check.html", {"form": form, "status": status})


@require_GET
def results(request: HttpRequest, reference: str) -> HttpResponse:
    round_ = _round(request, reference, perm="budgeting.view_results")
    view = result_for(user=request.user, round_=round_)
    return render(
        request,
        "budgeting/results.html",
        {"round": round_, "view": view, "can_manage": request.user.has_perm(MANAGE, round_)},
    )


@require_GET
def export(request: HttpRequest, reference: str) -> HttpResponse:
    round_ = _round(request, reference, perm="budgeting.export_round")
    response = HttpResponse(engine.export_text(round_), content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{round_.reference}.pb"'
    return response


# --- Officer pages ---------------------------------------------------------------------


@login_required
@require_GET
def manage_index(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("budgeting.add_round"):
        raise Http404
    return render(request, "budgeting/manage_list.html", {"rounds": round_list()})


@login_required
@require_http_methods(["GET", "POST"])
def manage_create(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("budgeting.add_round"):
        raise Http404

    def save(form: RoundForm):
        d = form.cleaned_data
        return round_create(
            actor=request.user,
            data=RoundData(
                title=d["title"],
                description=d["description"],
                budget_pence=d["budget"],
                proposals_open_on=d["proposals_open_on"],
                review_starts_on=d["review_starts_on"],
                voting_opens_on=d["voting_opens_on"],
                voting_closes_on=d["voting_closes_on"],
                results_on=d["results_on"],
                ballot_type=d["ballot_type"],
                min_choices=d["min_choices"] or 0,
                max_choices=d["max_choices"],
                points=d["points"],
                rule=d["rule"],
                min_age=d["min_age"],
                postcode_areas=d["postcode_areas"],
                allow_codes=d["allow_codes"],
                allow_residency=d["allow_residency"],
                areas=d["areas"],
            ),
            submission_key=posted_key(request),
        )

    return form_page(
        request,
        RoundForm(
            request.POST or None,
            initial={"ballot_type": BallotType.KNAPSACK, "rule": "mes", "min_choices": 1},
        ),
        "budgeting/round_form.html",
        save=save,
        success=lambda round_: f"Round {round_.reference} created. It is open for ideas.",
        redirect_to=lambda round_: ("budgeting:manage_round", round_.reference),
    )


@login_required
@require_GET
def manage_round(request: HttpRequest, reference: str) -> HttpResponse:
    round_ = _round(request, reference, perm=MANAGE)
    result = getattr(round_, "result", None) if round_.phase == Phase.RESULTS else None
    return render(
        request,
        "budgeting/manage_round.html",
        {
            "round": round_,
            "next_phases": PHASES.allowed_from(round_.phase),
            "proposals": round_proposals(round_=round_),
            "counts": proposal_counts(round_=round_),
            "batches": round_batches(user=request.user, round_=round_),
            "result": result,
            "codes_form": CodesForm(),
        },
    )


@login_required
@require_POST
def manage_phase(request: HttpRequest, reference: str) -> HttpResponse:
    round_ = _round(request, reference, perm=MANAGE)
    form = PhaseForm(request.POST)
    if form.is_valid():
        try:
            round_ = round_change_phase(
                actor=request.user, round_=round_, to_phase=form.cleaned_data["phase"]
            )
        except ServiceError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"The round is now at: {round_.get_phase_display().lower()}.")
    return redirect("budgeting:manage_round", round_.reference)


@login_required
@require_http_methods(["GET", "POST"])
def manage_review(request: HttpRequest, reference: str, proposal: str) -> HttpResponse:
    round_ = _round(request, reference, perm=MANAGE)
    item = _proposal(request, round_, proposal)
    return form_page(
        request,
        FeasibilityForm(request.POST or None),
        "budgeting/review.html",
        {"round": round_, "proposal": item},
        save=lambda form: proposal_decide(
            actor=request.user,
            proposal=item,
            feasible=form.cleaned_data["decision"] == "feasible",
            costed_pence=form.cleaned_data["costed"],
            reason=form.cleaned_data["reason"],
        ),
        success=f"Decision on {item.reference} saved.",
        redirect_to=("budgeting:manage_round", round_.reference),
    )


@login_required
@require_POST
def manage_codes(request: HttpRequest, reference: str) -> HttpResponse:
    round_ = _round(request, reference, perm=MANAGE)
    form = CodesForm(request.POST)
    if form.is_valid():
        try:
            codes = codes_issue(actor=request.user, round_=round_, count=form.cleaned_data["count"])
        except ServiceError as exc:
            apply_service_error(form, exc)
        else:
            out = io.StringIO()
            writer = csv.writer(out)
            writer.writerow(["round", "voting_code"])
            for code in codes:
                writer.writerow([round_.reference, code])
            response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
            response["Content-Disposition"] = (
                f'attachment; filename="{round_.reference}-voting-codes.csv"'
            )
            response["Cache-Control"] = "no-store"
            return response
    return render_form(request, "budgeting/codes.html", {"form": form, "round": round_})


@login_required
@require_http_methods(["GET", "POST"])
def manage_register(request: HttpRequest, reference: str) -> HttpResponse:
    """Upload (or replace) the round's eligibility register and see its size."""
    round_ = _round(request, reference, perm=MANAGE)
    form = RegisterForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            upload = register_upload(
                actor=request.user,
                round_=round_,
                data=form.cleaned_data["file"],
                make_codes=form.cleaned_data["make_codes"],
            )
        except RegisterInvalid as exc:
            for problem in exc.problems:
                form.add_error("file", problem)
        except ServiceError as exc:
            apply_service_error(form, exc)
        else:
            if upload.codes:
                out = io.StringIO()
                writer = csv.writer(out)
                writer.writerow(["round", "reference", "postcode", "voting_code"])
                for ref, postcode, code in upload.codes:
                    writer.writerow([round_.reference, ref, postcode, code])
                response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
                response["Content-Disposition"] = (
                    f'attachment; filename="{round_.reference}-register-voting-codes.csv"'
                )
                response["Cache-Control"] = "no-store"
                return response
            messages.success(
                request,
                f"Register saved: {upload.entries:,} people ({upload.added:,} new, "
                f"{upload.removed:,} no longer listed).",
            )
            return redirect("budgeting:manage_register", round_.reference)
    return render_form(
        request,
        "budgeting/register.html",
        {
            "round": round_,
            "form": form,
            "status": register_status(user=request.user, round_=round_),
            "can_upload": round_.phase != Phase.RESULTS,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def manage_batch(request: HttpRequest, reference: str) -> HttpResponse:
    round_ = _round(request, reference, perm=MANAGE)
    return form_page(
        request,
        BatchForm(request.POST or None, register=round_.has_register),
        "budgeting/batch.html",
        lambda: {"round": round_, "projects": ballot_projects(round_)},
        save=lambda form: batch_enter(
            actor=request.user, round_=round_, text=form.cleaned_data["ballots"]
        ),
        success=lambda batch: (
            f"Batch {batch.number} saved. Another officer must confirm it before it counts."
        ),
        redirect_to=("budgeting:manage_round", round_.reference),
    )


@login_required
@require_POST
def manage_batch_confirm(request: HttpRequest, reference: str, number: int) -> HttpResponse:
    round_ = _round(request, reference, perm=MANAGE)
    batch = PaperBatch.objects.filter(round=round_, number=number).first()
    if batch is None:
        raise Http404
    return post_action(
        request,
        lambda: batch_confirm(
            actor=request.user,
            batch=batch,
            accept_unmatched=request.POST.get("accept_unmatched") == "yes",
        ),
        success=f"Batch {batch.number} confirmed. Its ballots now count.",
        redirect_to=("budgeting:manage_round", round_.reference),
    )


@login_required
@require_POST
def manage_compute(request: HttpRequest, reference: str) -> HttpResponse:
    return _results_action(
        request, reference, results_compute, "Results worked out. Check them, then publish."
    )


@login_required
@require_POST
def manage_publish(request: HttpRequest, reference: str) -> HttpResponse:
    return _results_action(request, reference, results_publish, "The results are now public.")


def _results_action(request: HttpRequest, reference: str, service, success: str) -> HttpResponse:
    """A results button: on success go to the results, on an error back to the round."""
    round_ = _round(request, reference, perm=MANAGE)
    try:
        service(actor=request.user, round_=round_)
    except ServiceError as exc:
        messages.error(request, exc.message)
        return redirect("budgeting:manage_round", round_.reference)
    messages.success(request, success)
    return redirect("budgeting:results", round_.reference)


@login_required
@require_http_methods(["GET", "POST"])
def manage_override(request: HttpRequest, reference: str, proposal: str) -> HttpResponse:
    round_ = _round(request, reference, perm=MANAGE)
    line = (
        ResultLine.objects.select_related("proposal", "result__round")
        .filter(result__round=round_, proposal__reference=proposal)
        .first()
    )
    if line is None:
        raise Http404
    return form_page(
        request,
        OverrideForm(
            request.POST or None,
            initial={"funded": "yes" if line.funded else "no", "reason": line.override_reason},
        ),
        "budgeting/override.html",
        {"round": round_, "line": line},
        save=lambda form: result_override(
            actor=request.user,
            line=line,
            funded=form.cleaned_data["funded"] == "yes",
            reason=form.cleaned_data["reason"],
        ),
        success="Decision saved. The reason is shown on the results page.",
        redirect_to=("budgeting:results", round_.reference),
    )


@login_required
@require_http_methods(["GET", "POST"])
def manage_import(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("budgeting.add_round"):
        raise Http404
    return form_page(
        request,
        ImportForm(request.POST or None, request.FILES or None),
        "budgeting/import.html",
        save=lambda form: round_import(
            actor=request.user, text=form.cleaned_data["file"], title=form.cleaned_data["title"]
        ),
        success=lambda round_: (
            f"Round {round_.reference} imported with its results. Check them, then publish."
        ),
        redirect_to=lambda round_: ("budgeting:results", round_.reference),
    )
