"""Panel pages. Views parse input, call a selector or service, and render.

Three audiences: council staff (appoint members, moderate), panel members (declare,
score; service users through a panel-only session started by their emailed link), and
bidders (explain an abnormally low price).
"""

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
from coproduce.plan.evaluation_models.models import Criterion, PanelRoleKind
from coproduce.procure.bids.hooks import CONFLICT_HIDDEN, CONFLICT_REFUSED

from . import selectors as sel
from . import services
from .forms import (
    AgreeForm,
    AppointForm,
    DecideForm,
    DeclarationForm,
    ExplanationForm,
    LateConflictForm,
    RemoveForm,
    ScoreForm,
)
from .models import ModerationStatus, PanelMember, PriceExplanation

# --- helpers -----------------------------------------------------------------------------


def _session_member_id(request: HttpRequest) -> int | None:
    value = request.session.get(sel.SESSION_KEY)
    return int(value) if value is not None else None


def _member(request: HttpRequest, member_id: int) -> PanelMember:
    return sel.access_panel_member(
        user=request.user, session_member_id=_session_member_id(request), member_id=member_id
    )


def _plain(member: PanelMember) -> bool:
    """Service-user members get the plain-language pages with large steps."""
    return member.kind == PanelRoleKind.SERVICE_USER


def _manage_url(tender) -> str:
    return reverse("panels:manage", args=[tender.reference])


def _moderation_url(tender, lot) -> str:
    return reverse("panels:moderation", args=[tender.reference, sel.lot_key(lot)])


# --- staff: the panel --------------------------------------------------------------------


@require_GET
@login_required
@not_found_as_404
def manage(request: HttpRequest, reference: str) -> HttpResponse:
    tender = sel.access_panel_tender(request.user, reference)
    members = list(
        tender.panel_members.select_related("role", "user", "declaration").order_by(
            "removed_at", "-is_chair", "pk"
        )
    )
    units = []
    for lot in sel.moderation_units(tender):
        moderation = sel.moderation_for(tender, lot)
        units.append(
            {
                "lot": lot,
                "allotments": sel.allotments(tender, lot),
                "moderation": moderation,
                "status": moderation.get_status_display()
                if moderation
                else ModerationStatus.SCORING.label,
                "url": _moderation_url(tender, lot),
            }
        )
    rows = [
        {
            "member": m,
            "declared": sel.has_declared(m),
            "expires": services.invitation_expires_at(m),
        }
        for m in members
    ]
    return render(
        request,
        "panels/manage.html",
        {
            "tender": tender,
            "rows": rows,
            "units": units,
            "opened": sel.bids_opened(tender),
            "can_manage": request.user.has_perm("panels.manage_panel", tender),
            "can_moderate": request.user.has_perm("panels.moderate", tender),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
@not_found_as_404
def appoint(request: HttpRequest, reference: str) -> HttpResponse:
    tender = sel.access_panel_tender(request.user, reference, "panels.manage_panel")
    roles = list(tender.evaluation_model.panel_roles.all())

    def save(form: AppointForm) -> PanelMember:
        d = form.cleaned_data
        return services.panel_member_appoint(
            actor=request.user,
            tender=tender,
            data=services.AppointData(
                role_id=d["role"],
                user_id=d["user"],
                name=d["name"],
                email=d["email"],
                is_chair=d["is_chair"],
            ),
        )

    return form_page(
        request,
        AppointForm(request.POST or None, roles=roles),
        "panels/appoint.html",
        {"tender": tender},
        save=save,
        success=lambda member: f"{member.name} has been appointed and emailed a link.",
        redirect_to=_manage_url(tender),
    )


@require_POST
@login_required
@not_found_as_404
def resend(request: HttpRequest, reference: str, member_id: int) -> HttpResponse:
    tender = sel.access_panel_tender(request.user, reference, "panels.manage_panel")
    member = tender.panel_members.filter(pk=member_id).first()
    if member is None:
        raise Http404
    return post_action(
        request,
        lambda: services.panel_member_resend(actor=request.user, member=member),
        success=lambda _: f"A new link has been sent to {member.name}.",
        redirect_to=_manage_url(tender),
    )


@require_http_methods(["GET", "POST"])
@login_required
@not_found_as_404
def remove(request: HttpRequest, reference: str, member_id: int) -> HttpResponse:
    tender = sel.access_panel_tender(request.user, reference, "panels.manage_panel")
    member = tender.panel_members.filter(pk=member_id, removed_at__isnull=True).first()
    if member is None:
        raise Http404
    return form_page(
        request,
        RemoveForm(request.POST or None),
        "panels/remove.html",
        {"tender": tender, "member": member},
        save=lambda form: services.panel_member_remove(
            actor=request.user, member=member, reason=form.cleaned_data["reason"]
        ),
        success=lambda _: f"{member.name} has been removed from the panel.",
        redirect_to=_manage_url(tender),
    )


# --- panel members -----------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def join(request: HttpRequest, token: str) -> HttpResponse:
    """The emailed link. GET shows a start button (so mail scanners do not use the link);
    POST uses the link once and starts the panel-only session."""
    try:
        member = sel.member_by_token(token=token)
    except NotFound as exc:
        return render(request, "panels/join_invalid.html", {"message": exc.message}, status=404)
    if request.method == "POST":
        try:
            member = services.panel_session_start(token=token)
        except NotFound as exc:
            return render(request, "panels/join_invalid.html", {"message": exc.message}, status=404)
        request.session.cycle_key()
        request.session[sel.SESSION_KEY] = member.pk
        return redirect("panels:member_home", member.pk)
    return render(request, "panels/join.html", {"member": member, "plain": _plain(member)})


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    request.session.pop(sel.SESSION_KEY, None)
    messages.success(request, "You have left your panel pages.")
    return redirect("commissioning:home")


@require_GET
@not_found_as_404
def member_home(request: HttpRequest, member_id: int) -> HttpResponse:
    member = _member(request, member_id)
    declared = sel.has_declared(member)
    return render(
        request,
        "panels/member_home.html",
        {
            "member": member,
            "tender": member.tender,
            "plain": _plain(member),
            "declared": declared,
            "opened": sel.bids_opened(member.tender),
            "progress": sel.member_progress(member) if declared else [],
            "criteria": sel.member_criteria(member),
        },
    )


@require_http_methods(["GET", "POST"])
@not_found_as_404
def declare(request: HttpRequest, member_id: int) -> HttpResponse:
    member = _member(request, member_id)
    tender = member.tender
    if sel.has_declared(member):
        messages.info(request, "You have already declared your interests.")
        return redirect("panels:member_home", member.pk)
    opened = sel.bids_opened(tender)
    bids = list(sel.scorable_bids(tender)) if opened else []
    lots = list(tender.lots.all())

    def save(form: DeclarationForm):
        d = form.cleaned_data
        return services.declaration_make(
            member=member,
            data=services.DeclarationData(
                no_conflicts=d["no_conflicts"],
                bid_ids=tuple(d.get("bids") or ()),
                lot_ids=tuple(d.get("lots") or ()),
                details=d["details"],
            ),
        )

    return form_page(
        request,
        DeclarationForm(request.POST or None, bids=bids, lots=lots),
        "panels/declare.html",
        {"member": member, "tender": tender, "opened": opened, "plain": _plain(member)},
        save=save,
        success="Thank you. You have declared your interests.",
        redirect_to=("panels:member_home", member.pk),
    )


@require_http_methods(["GET", "POST"])
@not_found_as_404
def declare_more(request: HttpRequest, member_id: int) -> HttpResponse:
    """Declare a new conflict after the first declaration (a bidder or a whole lot)."""
    member = _member(request, member_id)
    tender = member.tender
    if not sel.has_declared(member):
        return redirect("panels:declare", member.pk)
    bids = list(sel.scorable_bids(tender))
    lots = list(tender.lots.all())
    declared_bids, declared_lots = sel.member_conflicts(member)
    already = {f"bid:{pk}" for pk in declared_bids} | {f"lot:{pk}" for pk in declared_lots}

    def save(form: LateConflictForm):
        bid_id, lot_id = form.target_ids()
        return services.conflict_add(
            member=member,
            data=services.LateConflictData(
                bid_id=bid_id, lot_id=lot_id, details=form.cleaned_data["details"]
            ),
        )

    return form_page(
        request,
        LateConflictForm(request.POST or None, bids=bids, lots=lots, already=already),
        "panels/declare_more.html",
        {"member": member, "tender": tender, "plain": _plain(member)},
        save=save,
        success=(
            "Thank you. You have declared the conflict. You will not see or score that "
            "bid, and any scores you gave it no longer count."
        ),
        redirect_to=("panels:member_home", member.pk),
    )


@require_http_methods(["GET", "POST"])
@not_found_as_404
def score_bid(request: HttpRequest, member_id: int, bid_reference: str) -> HttpResponse:
    member = _member(request, member_id)
    bid = sel.access_member_bid(member, bid_reference)
    criteria = sel.member_criteria(member)
    levels = sel.scale_levels(member.tender)
    own = sel.member_scores(member, bid)
    final = bool(own) and all(s.submitted_at for s in own.values())
    initial = {}
    for cid, s in own.items():
        initial[f"score_{cid}"] = s.score
        initial[f"justification_{cid}"] = s.justification
    form = ScoreForm(request.POST or None, criteria=criteria, levels=levels, initial=initial)
    if request.method == "POST" and form.is_valid():
        submit = "submit" in request.POST
        entries = [
            services.ScoreInput(
                c.pk,
                form.cleaned_data[f"score_{c.pk}"],
                form.cleaned_data[f"justification_{c.pk}"],
            )
            for c in criteria
        ]
        try:
            services.scores_save(member=member, bid=bid, entries=entries, submit=submit)
        except services.ScoreProblems as exc:
            for problem in exc.problems:
                apply_service_error(form, problem)
        except ServiceError as exc:
            apply_service_error(form, exc)
        else:
            if submit:
                messages.success(request, f"Your scores for {bid.lead_organisation.name} are sent.")
                return redirect("panels:member_home", member.pk)
            messages.success(request, "Your scores are saved. You can come back and change them.")
            return redirect("panels:score", member.pk, bid.reference)
    form.answers = {a.criterion_id: a.text for a in bid.answers.all()}
    return render_form(
        request,
        "panels/score.html",
        {
            "form": form,
            "member": member,
            "tender": member.tender,
            "bid": bid,
            "levels": levels,
            "final": final,
            "closed": sel.bid_scoring_closed(bid),
            "plain": _plain(member),
        },
    )


@require_GET
def guide(request: HttpRequest) -> HttpResponse:
    return render(request, "panels/guide.html")


@require_GET
def guide_easy_read(request: HttpRequest) -> HttpResponse:
    return render(request, "panels/guide_easy_read.html")


# --- moderation --------------------------------------------------------------------------


def _conflict_page(request: HttpRequest, tender, bid, back_url: str) -> HttpResponse:
    """In place of a bid's content (and any decision on it): the conflict message. A POST
    is refused the same way the services refuse it (nothing changes)."""
    return render(
        request,
        "panels/conflict_hidden.html",
        {
            "tender": tender,
            "bid": bid,
            "message": CONFLICT_HIDDEN,
            "refused": CONFLICT_REFUSED if request.method == "POST" else "",
            "back_url": back_url,
        },
        status=400 if request.method == "POST" else 200,
    )


def _moderation_refused(request: HttpRequest, tender, lot, exc: ServiceError) -> HttpResponse:
    """The moderation page again, with the service's refusal at the top (status 400)."""
    ctx = _moderation_context(request, tender, lot)
    ctx["error"] = exc.message
    return render(request, "panels/moderation.html", ctx, status=400)


def _moderation_context(request, tender, lot) -> dict:
    moderation = sel.moderation_for(tender, lot)
    ctx = {
        "tender": tender,
        "lot": lot,
        "lot_key": sel.lot_key(lot),
        "moderation": moderation,
        "started": sel.scores_visible(moderation),
        "complete": moderation is not None and moderation.status == ModerationStatus.COMPLETE,
        "missing": [],
        "spread": [],
        "ranking": [],
        "gaps": None,
        "explanations": [],
        "blockers": [],
        "set_aside": sel.set_aside_count(tender, lot) if sel.bids_opened(tender) else 0,
        "conflicted": bool(
            sel.conflicted_bid_ids(request.user, tender)
            & {b.pk for b in sel.scorable_bids(tender, lot)}
        ),
        "conflict_hidden": CONFLICT_HIDDEN,
    }
    if not ctx["started"]:
        ctx["missing"] = sel.missing_scores(tender, lot)
        return ctx
    ctx["spread"] = sel.moderation_spread(moderation, user=request.user)
    ctx["gaps"] = sel.moderation_gaps(moderation)
    hidden = sel.conflicted_bid_ids(request.user, tender)
    ctx["explanations"] = [
        {"pe": pe, "hidden": pe.bid_id in hidden} for pe in sel.price_explanations(tender, lot)
    ]
    if ctx["gaps"] == 0:
        ctx["ranking"] = sel.hide_conflicted(sel.ranking(tender=tender, lot=lot), request.user)
    if ctx["complete"]:
        ctx["blockers"] = sel.award_blockers(tender=tender, lot=lot)
    return ctx


@require_GET
@login_required
@not_found_as_404
def moderation(request: HttpRequest, reference: str, lot_key: str) -> HttpResponse:
    tender = sel.access_panel_tender(request.user, reference, "panels.moderate")
    lot = sel.lot_from_key(tender, lot_key)
    return render(request, "panels/moderation.html", _moderation_context(request, tender, lot))


@require_POST
@login_required
@not_found_as_404
def moderation_start(request: HttpRequest, reference: str, lot_key: str) -> HttpResponse:
    tender = sel.access_panel_tender(request.user, reference, "panels.moderate")
    lot = sel.lot_from_key(tender, lot_key)
    try:
        services.moderation_start(actor=request.user, tender=tender, lot=lot)
    except ServiceError as exc:
        return _moderation_refused(request, tender, lot, exc)
    messages.success(request, "Moderation has started. Members' scores are now shown.")
    return redirect(_moderation_url(tender, lot))


@require_POST
@login_required
@not_found_as_404
def moderation_complete(request: HttpRequest, reference: str, lot_key: str) -> HttpResponse:
    tender = sel.access_panel_tender(request.user, reference, "panels.moderate")
    lot = sel.lot_from_key(tender, lot_key)
    mod = sel.moderation_for(tender, lot)
    try:
        if mod is None:
            raise ServiceError("not_moderating", "Moderation has not started yet.")
        services.moderation_complete(actor=request.user, moderation=mod)
    except ServiceError as exc:
        return _moderation_refused(request, tender, lot, exc)
    messages.success(request, "Moderation is complete.")
    return redirect(_moderation_url(tender, lot))


@require_http_methods(["GET", "POST"])
@login_required
@not_found_as_404
def agree(
    request: HttpRequest, reference: str, lot_key: str, bid_reference: str, criterion_id: int
) -> HttpResponse:
    tender = sel.access_panel_tender(request.user, reference, "panels.moderate")
    lot = sel.lot_from_key(tender, lot_key)
    mod = sel.moderation_for(tender, lot)
    if not sel.scores_visible(mod):
        raise NotFound()
    bid = sel.scorable_bids(tender, lot).filter(reference=bid_reference).first()
    criterion = Criterion.objects.filter(
        pk=criterion_id, pk__in=[c.pk for c in sel.scored_criteria(tender)]
    ).first()
    if bid is None or criterion is None:
        raise NotFound()
    back = _moderation_url(tender, lot)
    if sel.is_conflicted(request.user, bid):
        return _conflict_page(request, tender, bid, back)
    row = next(
        r
        for b in sel.moderation_spread(mod)
        if b.bid.pk == bid.pk
        for r in b.rows
        if r.criterion.pk == criterion.pk
    )
    levels = sel.scale_levels(tender)
    initial = (
        {"score": row.moderated.score, "reason": row.moderated.reason} if row.moderated else {}
    )
    return form_page(
        request,
        AgreeForm(request.POST or None, levels=levels, initial=initial),
        "panels/agree.html",
        lambda: {
            "tender": tender,
            "lot": lot,
            "bid": bid,
            "criterion": criterion,
            "row": row,
            "answer": bid.answers.filter(criterion=criterion).first(),
            "back_url": back,
        },
        save=lambda form: services.moderated_score_agree(
            actor=request.user,
            moderation=mod,
            bid=bid,
            criterion=criterion,
            score=form.cleaned_data["score"],
            reason=form.cleaned_data["reason"],
        ),
        success="The agreed score is recorded.",
        redirect_to=back,
    )


@require_http_methods(["GET", "POST"])
@login_required
@not_found_as_404
def decide(request: HttpRequest, reference: str, lot_key: str, explanation_id: int) -> HttpResponse:
    tender = sel.access_panel_tender(request.user, reference, "panels.moderate")
    lot = sel.lot_from_key(tender, lot_key)
    pe = (
        PriceExplanation.objects.select_related("bid", "bid__tender", "bid__lead_organisation")
        .filter(pk=explanation_id, bid__tender=tender, lot=lot)
        .first()
    )
    if pe is None:
        raise NotFound()
    back = _moderation_url(tender, lot)
    if sel.is_conflicted(request.user, pe.bid):
        return _conflict_page(request, tender, pe.bid, back)
    return form_page(
        request,
        DecideForm(request.POST or None),
        "panels/decide.html",
        {"tender": tender, "lot": lot, "pe": pe, "back_url": back},
        save=lambda form: services.price_explanation_decide(
            actor=request.user,
            explanation=pe,
            accepted=form.cleaned_data["accepted"],
            reason=form.cleaned_data["reason"],
        ),
        success="The decision is recorded.",
        redirect_to=back,
    )


# --- bidders -----------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
@not_found_as_404
def explanation(request: HttpRequest, explanation_id: int) -> HttpResponse:
    pe = sel.access_price_explanation_for_bidder(request.user, explanation_id)
    return form_page(
        request,
        ExplanationForm(request.POST or None, initial={"explanation": pe.explanation}),
        "panels/explanation.html",
        lambda: {"pe": pe, "decided": pe.accepted is not None},
        save=lambda form: services.price_explanation_answer(
            actor=request.user, explanation=pe, text=form.cleaned_data["explanation"]
        ),
        success="Thank you. The panel will consider your explanation.",
        redirect_to=("panels:explanation", pe.pk),
    )
