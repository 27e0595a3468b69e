"""Award pages: the staff award desk, decisions, letters, cancellation, market diversity."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from coproduce.foundation.core.errors import NotFound, ServiceError
from coproduce.foundation.core.forms import apply_service_error
from coproduce.foundation.core.http import form_page, not_found_as_404, post_action, render_form
from coproduce.procure.bids.hooks import CONFLICT_HIDDEN, CONFLICT_REFUSED, require_no_conflict
from coproduce.procure.panels import selectors as panel_sel
from coproduce.procure.panels.selectors import award_blockers, ranking

from . import letters
from . import selectors as sel
from . import services as svc
from .forms import CancelForm, ConfirmForm, DecideForm, ResumeForm, WithdrawForm
from .models import AwardStatus


@login_required
@require_GET
@not_found_as_404
def tender_awards(request: HttpRequest, reference: str) -> HttpResponse:
    tender = sel.access_tender_for_awards(request.user, reference)
    can_decide = request.user.has_perm("awards.decide")
    units = sel.award_units(tender=tender)
    summaries = sel.letter_summaries([u.decision for u in units if u.decision])
    conflicted = panel_sel.conflicted_bid_ids(request.user, tender)
    for u in units:
        # Declared conflicts: the figures of those bids are hidden, and no award actions.
        u.ranking = panel_sel.hide_conflicted(u.ranking, request.user)
        if conflicted & {b.pk for b in panel_sel.scorable_bids(tender, u.lot)}:
            u.blockers = [*u.blockers, CONFLICT_REFUSED]
            can_decide_here = False
        else:
            can_decide_here = can_decide
        live = u.decision
        u.can_decide = can_decide and live is None and u.cancellation is None and not u.blockers
        u.can_decide = u.can_decide and bool(u.ranking)
        u.can_confirm = bool(
            can_decide_here and live and u.status == AwardStatus.STANDSTILL and u.standstill_over
        )
        u.can_resume = bool(can_decide and live and u.status == AwardStatus.PAUSED)
        u.can_withdraw = bool(
            can_decide and live and live.status in (AwardStatus.STANDSTILL, AwardStatus.PAUSED)
        )
        u.paused = u.status == AwardStatus.PAUSED
        u.letters = summaries.get(live.pk) if live else None
        u.can_regenerate_letters = bool(can_decide_here and live)
    return render(
        request,
        "awards/tender_awards.html",
        {
            "tender": tender,
            "units": units,
            "can_cancel": can_decide and tender.status != "cancelled",
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
@not_found_as_404
def decide(request: HttpRequest, reference: str, key: str) -> HttpResponse:
    tender = sel.access_tender_for_awards(request.user, reference, perm="awards.decide")
    lot = sel.lot_from_key(tender, key)

    try:
        ranked = ranking(tender=tender, lot=lot)
    except ServiceError:
        ranked = []
    conflict = None
    try:
        require_no_conflict(request.user, panel_sel.scorable_bids(tender, lot))
    except ServiceError as exc:
        conflict = exc  # declared a conflict with a bid of this lot: figures hidden, refused
        ranked = panel_sel.hide_conflicted(ranked, request.user)
    standstill = sel.standstill_options_today(tender)
    form = DecideForm(request.POST or None, ranking=ranked, standstill=standstill)
    if conflict is not None:
        form.fields["bid"].choices = [
            (r.bid.pk, f"{r.rank}. {r.bid.lead_organisation.name} ({r.bid.reference})")
            for r in ranked
        ]
        _show_refusal(form, conflict)  # nothing is decided (the service refuses too)
    elif request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        bid = next((r.bid for r in ranked if r.bid.pk == d["bid"]), None)
        try:
            svc.award_decide(
                actor=request.user,
                tender=tender,
                lot=lot,
                bid=bid,
                reasons=d["reasons"],
                override_reason=d["override_reason"],
                standstill=d.get("standstill") or sel.StandstillChoice.VOLUNTARY,
                no_standstill_reason=d.get("no_standstill_reason", ""),
            )
        except ServiceError as exc:
            if exc.code == "already_decided":
                messages.info(request, exc.message)
                return redirect("awards:manage", tender.reference)
            apply_service_error(form, exc)
        else:
            messages.success(
                request,
                "Award decided. The letters to bidders are being prepared; each bidder is "
                "emailed when theirs is ready.",
            )
            return redirect("awards:manage", tender.reference)
    return render_form(
        request,
        "awards/decide.html",
        {
            "tender": tender,
            "lot": lot,
            "form": form,
            "ranking": ranked,
            "blockers": award_blockers(tender=tender, lot=lot),
        },
    )


def _show_refusal(form, exc: ServiceError) -> None:
    """Put a refusal (a declared conflict of interest) in the error summary of a form
    that has not been sent yet."""
    if not hasattr(form, "cleaned_data"):
        form.cleaned_data = {}
    apply_service_error(form, exc)


ACTIONS = {
    "confirm": (ConfirmForm, "Confirm the award and create the contract"),
    "resume": (ResumeForm, "Resume the award"),
    "withdraw": (WithdrawForm, "Withdraw the award"),
}


@login_required
@require_http_methods(["GET", "POST"])
@not_found_as_404
def decision_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    if action not in ACTIONS:
        raise Http404
    decision = sel.access_decision(request.user, pk)
    form_class, heading = ACTIONS[action]
    form = form_class(request.POST if request.method == "POST" else None)
    if action == "confirm" and request.method == "GET":
        try:
            require_no_conflict(
                request.user,
                [decision.winning_bid, *panel_sel.scorable_bids(decision.tender, decision.lot)],
            )
        except ServiceError as exc:
            _show_refusal(form, exc)  # shown at once; the service refuses a POST too

    def save(form) -> str:
        """Carry out the action; the message that says it is done."""
        d = form.cleaned_data
        if action == "confirm":
            contract = svc.award_confirm(
                actor=request.user, decision=decision, starts_on=d["starts_on"]
            )
            return f"Award confirmed: contract {contract.reference}."
        if action == "resume":
            svc.award_resume(actor=request.user, decision=decision, reason=d["note"])
            return "The award has resumed."
        svc.award_withdraw(actor=request.user, decision=decision, reason=d["reason"])
        return "The award has been withdrawn."

    return form_page(
        request,
        form,
        "awards/decision_action.html",
        lambda: {
            "decision": decision,
            "tender": decision.tender,
            "action": action,
            "heading": heading,
            "status": sel.effective_status(decision),
            "confirm_from": sel.can_confirm_on(decision),
        },
        save=save,
        success=lambda message: message,
        redirect_to=lambda _: ("awards:manage", decision.tender.reference),
    )


@login_required
@require_POST
@not_found_as_404
def regenerate_letters(request: HttpRequest, pk: int) -> HttpResponse:
    """The award page's "Regenerate the letters" button (same rule as deciding)."""
    decision = sel.access_decision(request.user, pk)
    return post_action(
        request,
        lambda: svc.award_letters_regenerate(actor=request.user, decision=decision),
        success="The letters are being prepared again. Each letter keeps its address; "
        "bidders are not emailed again.",
        redirect_to=("awards:manage", decision.tender.reference),
        raise_not_found=True,
    )


@login_required
@require_http_methods(["GET", "POST"])
@not_found_as_404
def cancel(request: HttpRequest, reference: str) -> HttpResponse:
    tender = sel.access_tender_for_awards(request.user, reference, perm="awards.decide")
    lots = list(tender.lots.all())

    def save(form: CancelForm):
        d = form.cleaned_data
        return svc.tender_cancel(
            actor=request.user,
            tender=tender,
            lot=sel.lot_from_key(tender, d["lot"]) if d["lot"] != "whole" else None,
            reason_code=d["reason_code"],
            reason_text=d["reason_text"],
        )

    return form_page(
        request,
        CancelForm(request.POST or None, lots=lots),
        "awards/cancel.html",
        {"tender": tender},
        save=save,
        success="Cancelled. Bidders have been told.",
        redirect_to=("awards:manage", tender.reference),
    )


@login_required
@require_GET
def my_letters(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "awards/my_letters.html",
        {
            "letters": sel.letters_for_user(request.user),
            "preparing": sel.letters_being_prepared_for_user(request.user),
        },
    )


@login_required
@require_GET
@not_found_as_404
def letter(request: HttpRequest, pk: int) -> HttpResponse:
    letter = sel.access_letter(request.user, pk)
    if _letter_conflicted(request.user, letter):
        return render(
            request,
            "panels/conflict_hidden.html",
            {
                "tender": letter.decision.tender,
                "bid": letter.bid,
                "message": CONFLICT_HIDDEN,
                "back_url": reverse("awards:manage", args=[letter.decision.tender.reference]),
            },
        )
    return render(request, "awards/letter.html", {"letter": letter})


def _letter_for_pdf(request: HttpRequest, pk: int):
    """The letter for a PDF download; none for those who declared a conflict with it."""
    letter = sel.access_letter(request.user, pk)
    if _letter_conflicted(request.user, letter):
        raise NotFound()
    return letter


def _pdf_response(content: bytes, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response


def _letter_conflicted(user, letter) -> bool:
    """Staff who declared a conflict with the letter's bid, or with the winning bid whose
    scores every letter shows beside the bidder's own (the bidder's members never are)."""
    conflicted = panel_sel.conflicted_bid_ids(user, letter.decision.tender)
    return bool(conflicted & {letter.bid_id, letter.decision.winning_bid_id})


@login_required
@require_GET
@not_found_as_404
def letter_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    letter = _letter_for_pdf(request, pk)
    name = f"assessment-summary-{letter.decision.tender.reference}-{letter.bid.reference}.pdf"
    return _pdf_response(bytes(letter.pdf), name)


@login_required
@require_GET
@not_found_as_404
def letter_easy_read(request: HttpRequest, pk: int) -> HttpResponse:
    """The easy read assessment letter: same readers as the letter, same facts."""
    found = sel.access_letter(request.user, pk)
    if _letter_conflicted(request.user, found):
        return letter(request, pk)  # the standard letter's "hidden" page
    if found.easy_read_html:  # written with the letter (after the decision committed)
        context = {"title": letters.easy_read_title(found.decision.tender.title)}
    else:  # a letter written before the easy read version was stored: made now
        easy = letters.easy_read(sel.letter_facts(found))
        context = {"title": easy.title, "er": easy}
    return render(request, "awards/letter_easy_read.html", {"letter": found, **context})


@login_required
@require_GET
@not_found_as_404
def letter_easy_read_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    letter = _letter_for_pdf(request, pk)
    pdf = bytes(letter.easy_read_pdf) or letters.easy_read_pdf(
        letters.easy_read(sel.letter_facts(letter))
    )
    name = f"easy-read-{letter.decision.tender.reference}-{letter.bid.reference}.pdf"
    return _pdf_response(pdf, name)


def _chart(part) -> list[dict]:
    """Bar lengths (0–300 px) for the SVG chart, with the numbers written beside them."""
    rows = []
    for i, row in enumerate(part.rows):
        rows.append(
            {
                "label": row.label,
                "bid_share": row.bid_share,
                "award_share": row.award_share,
                "bid_width": int(row.bid_share * 3),
                "award_width": int(row.award_share * 3),
                "y": i * 70,
            }
        )
    return rows


def _market_page(request: HttpRequest, diversity, extra: dict) -> HttpResponse:
    return render(
        request,
        "awards/market.html",
        {
            "diversity": diversity,
            **extra,
            "chart": _chart(diversity.overall),
            "chart_height": len(diversity.overall.rows) * 70,
        },
    )


@require_GET
def market(request: HttpRequest) -> HttpResponse:
    return _market_page(request, sel.market_diversity(), {})


@require_GET
@not_found_as_404
def tender_market(request: HttpRequest, reference: str) -> HttpResponse:
    tender = sel.access_tender_market(reference)
    return _market_page(request, sel.market_diversity(tender=tender), {"tender": tender})
