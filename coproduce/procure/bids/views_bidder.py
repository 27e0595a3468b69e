"""The provider's pages: start a bid, answer, price, documents, partners, check and send.

Views parse input, call a selector or service and render. Only members of the bidding
organisations reach a bid; everyone else (council staff included) gets 404 through
``not_found_as_404``. The lead organisation's members prepare and send the bid; partner
organisations read it and confirm their own part.
"""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from coproduce.foundation.core.errors import NotFound, ServiceError
from coproduce.foundation.core.forms import apply_service_error
from coproduce.foundation.core.http import (
    form_page,
    not_found_as_404,
    post_action,
    render_form,
    save_form,
)
from coproduce.foundation.core.validation import word_count
from coproduce.procure.tenders.selectors import (
    access_tender_by_reference,
    tender_days_left,
    tender_is_open,
    upload_limit_bytes,
)

from .forms import (
    AnswerForm,
    ConfirmForm,
    FileForm,
    LotsForm,
    PartnerForm,
    PartnerSearchForm,
    PricesForm,
    SharesForm,
    StartForm,
)
from .models import Bid, BidStatus, RequiredDocument
from .selectors import latest_submission
from .selectors_bidder import (
    access_bid_as_member,
    access_bid_for_lead,
    access_file_of_bid,
    access_invitation,
    access_member_of_bid,
    access_question,
    bid_check,
    bid_files,
    bid_members,
    bid_rows,
    consortium_invitations,
    is_lead_member,
    organisation_search,
    reconfirmation_banner,
    user_organisations,
)
from .services_draft import (
    EDITABLE,
    WHOLE,
    answerable_questions,
    bid_draft_load,
    bid_draft_save,
    bid_file_add,
    bid_file_remove,
    bid_start,
    consortium_member_add,
    consortium_member_confirm,
    consortium_member_decline,
    consortium_member_remove,
    consortium_member_update,
    consortium_shares_set,
)
from .services_submit import bid_reconfirm, bid_submit, bid_withdraw


def _started_at(request: HttpRequest):
    """When the request reached the server (set by middleware if present, else now)."""
    return getattr(request, "started_at", None) or timezone.now()


def _data(request: HttpRequest):
    """The submitted data for a POST (bound even when empty), None for a GET."""
    return request.POST if request.method == "POST" else None


def _editable(bid: Bid) -> bool:
    return bid.status in EDITABLE and tender_is_open(bid.tender)


def _base_context(request: HttpRequest, bid: Bid) -> dict:
    lead = is_lead_member(request.user, bid)
    return {
        "bid": bid,
        "tender": bid.tender,
        "is_lead": lead,
        "can_change": lead and _editable(bid),
        "is_open": tender_is_open(bid.tender),
        "days_left": tender_days_left(bid.tender),
    }


def _bid_page(request: HttpRequest, bid: Bid, template: str, extra: dict) -> HttpResponse:
    """A page of the bid: the common context (``_base_context``) and the page's own."""
    return render_form(request, template, {**_base_context(request, bid), **extra})


def _saved(request: HttpRequest, form, save) -> bool:
    """True when a valid POST was saved (for pages that go on without a message)."""
    return save_form(request, form, save)[0]


def _while_editable(view):
    """For the preparing pages: call ``view`` with the lead's bid while it can change;
    otherwise say why and go to the bid's overview."""

    @wraps(view)
    def wrapper(request: HttpRequest, reference: str, **kwargs) -> HttpResponse:
        bid = access_bid_for_lead(request.user, reference)
        if not _editable(bid):
            messages.info(
                request,
                "This bid cannot be changed now: it has been sent, or the closing date has passed.",
            )
            return redirect("bids:overview", reference=bid.reference)
        return view(request, bid, **kwargs)

    return wrapper


# --- starting -------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
@not_found_as_404
def start(request: HttpRequest, tender_reference: str) -> HttpResponse:
    """Start (or open) the bid of one of the user's organisations for a published tender."""
    tender = access_tender_by_reference(request.user, tender_reference)
    if tender.published_at is None:
        raise NotFound()
    organisations = list(user_organisations(request.user))
    form = StartForm(_data(request), organisations=organisations)
    context = {
        "tender": tender,
        "form": form,
        "organisations": organisations,
        "choose": len(organisations) > 1,
        "is_open": tender_is_open(tender),
    }
    if request.method == "POST" and organisations:
        if len(organisations) == 1:
            form = StartForm({"organisation": organisations[0].slug}, organisations=organisations)
            context["form"] = form
        if form.is_valid():
            organisation = next(
                o for o in organisations if o.slug == form.cleaned_data["organisation"]
            )
            try:
                bid = bid_start(actor=request.user, tender=tender, organisation=organisation)
            except ServiceError as exc:
                apply_service_error(form, exc)
            else:
                return redirect("bids:overview", reference=bid.reference)
    return render_form(request, "bids/bid_start.html", context)


# --- overview (task list) -------------------------------------------------------------


@login_required
@require_GET
@not_found_as_404
def overview(request: HttpRequest, reference: str) -> HttpResponse:
    """The bid's task list: what is done, what is left, and its status."""
    bid = access_bid_as_member(request.user, reference)
    content = bid_draft_load(user=request.user, bid=bid)
    questions = answerable_questions(bid.tender)
    answered = {k for k, v in content["answers"].items() if v}
    members = bid_members(bid)
    lots = list(bid.tender.lots.order_by("number"))
    context = _base_context(request, bid)
    context.update(
        {
            "questions": [{"question": q, "done": str(q.pk) in answered} for q in questions],
            "has_lots": bool(lots),
            "lots_done": bool(content["lots"]) or not lots,
            "prices_done": bool(content["prices"]),
            "members": members,
            "partners_waiting": [m for m in members if m.confirmed_at is None],
            "files_count": bid.files.count(),
            "submission": latest_submission(bid),
            "amendment": reconfirmation_banner(bid),
        }
    )
    return render(request, "bids/bid_overview.html", context)


# --- lots, answers, prices ------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
@not_found_as_404
@_while_editable
def lots(request: HttpRequest, bid: Bid) -> HttpResponse:
    """Choose the lots to bid for (only when the tender has lots)."""
    tender_lots = list(bid.tender.lots.order_by("number"))
    if not tender_lots:
        return redirect("bids:overview", reference=bid.reference)
    content = bid_draft_load(user=request.user, bid=bid)
    form = LotsForm(
        _data(request),
        lots=tender_lots,
        initial={"lots": [str(pk) for pk in content["lots"]]},
    )
    if _saved(
        request,
        form,
        lambda form: bid_draft_save(
            actor=request.user, bid=bid, lots=[int(pk) for pk in form.cleaned_data["lots"]]
        ),
    ):
        return redirect("bids:overview", reference=bid.reference)
    return _bid_page(request, bid, "bids/bid_lots.html", {"form": form, "lots": tender_lots})


@login_required
@require_http_methods(["GET", "POST"])
@not_found_as_404
@_while_editable
def answer(request: HttpRequest, bid: Bid, number: int) -> HttpResponse:
    """Question ``number`` of the tender: guidance, the scoring scale, the answer box with
    its word limit."""
    question = access_question(bid.tender, number)
    questions = answerable_questions(bid.tender)
    position = number - 1
    content = bid_draft_load(user=request.user, bid=bid)
    form = AnswerForm(
        _data(request), initial={"answer": content["answers"].get(str(question.pk), "")}
    )
    if _saved(
        request,
        form,
        lambda form: bid_draft_save(
            actor=request.user, bid=bid, answers={question.pk: form.cleaned_data["answer"]}
        ),
    ):
        if position + 1 < len(questions):
            return redirect("bids:answer", reference=bid.reference, number=number + 1)
        return redirect("bids:prices", reference=bid.reference)
    text = form["answer"].value() or ""
    return _bid_page(
        request,
        bid,
        "bids/bid_answer.html",
        {
            "form": form,
            "question": question,
            "number": position + 1,
            "total": len(questions),
            "scale": list(bid.tender.evaluation_model.scale.order_by("score")),
            "words": word_count(text),
            "text": text,
        },
    )


def _price_rows(bid: Bid, content: dict) -> list[tuple[str, str]]:
    tender_lots = list(bid.tender.lots.order_by("number"))
    if not tender_lots:
        return [(WHOLE, "Your price for the whole contract")]
    chosen = set(content["lots"])
    return [(str(lot.pk), f"Price for {lot}") for lot in tender_lots if lot.pk in chosen]


@login_required
@require_http_methods(["GET", "POST"])
@not_found_as_404
@_while_editable
def prices(request: HttpRequest, bid: Bid) -> HttpResponse:
    """Prices per chosen lot (or one price), in pounds."""
    content = bid_draft_load(user=request.user, bid=bid)
    rows = _price_rows(bid, content)
    initial = {f"price_{key}": content["prices"].get(key) for key, _ in rows}
    initial = {k: f"{v / 100:.2f}" for k, v in initial.items() if v}
    form = PricesForm(_data(request), rows=rows, initial=initial)
    if _saved(
        request,
        form,
        lambda form: bid_draft_save(
            actor=request.user,
            bid=bid,
            prices={key: form.cleaned_data[f"price_{key}"] for key, _ in rows},
        ),
    ):
        return redirect("bids:documents", reference=bid.reference)
    return _bid_page(
        request, bid, "bids/bid_prices.html", {"form": form, "no_lots_chosen": not rows}
    )


# --- documents ------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
@not_found_as_404
@_while_editable
def documents(request: HttpRequest, bid: Bid) -> HttpResponse:
    """The documents asked for, with an upload for each, and any other documents."""
    required = list(RequiredDocument.objects.filter(tender=bid.tender).order_by("pk"))
    _, limit_label = upload_limit_bytes()
    form = FileForm(
        _data(request),
        request.FILES or None,
        required_documents=required,
        limit_label=limit_label,
        initial={"requirement": request.GET.get("for", "")},
    )

    def context() -> dict:
        files = bid_files(bid, user=request.user)
        return {
            **_base_context(request, bid),
            "required": [
                {"document": d, "files": [f for f in files if f.requirement == d.name]}
                for d in required
            ],
            "other_files": [f for f in files if f.requirement not in {d.name for d in required}],
        }

    return form_page(
        request,
        form,
        "bids/bid_documents.html",
        context,
        save=lambda form: bid_file_add(
            actor=request.user,
            bid=bid,
            upload=form.cleaned_data["file"],
            title=form.cleaned_data["title"],
            requirement=form.cleaned_data["requirement"],
        ),
        success="Document added.",
        redirect_to=("bids:documents", bid.reference),
    )


@login_required
@require_POST
@not_found_as_404
def document_remove(request: HttpRequest, reference: str, file_public_id) -> HttpResponse:
    bid = access_bid_for_lead(request.user, reference)
    bid_file = access_file_of_bid(bid, file_public_id, user=request.user)
    return post_action(
        request,
        lambda: bid_file_remove(actor=request.user, bid_file=bid_file),
        success=lambda _: f"“{bid_file.title}” removed.",
        redirect_to=("bids:documents", bid.reference),
    )


# --- partners -------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
@not_found_as_404
def partners(request: HttpRequest, reference: str) -> HttpResponse:
    """Bidding alone or with partners: the members, a search, and the form to add one."""
    bid = access_bid_as_member(request.user, reference)
    members = bid_members(bid)
    context = _base_context(request, bid)
    context["members"] = members
    if not context["can_change"]:
        if request.method == "POST":
            return redirect("bids:partners", reference=bid.reference)
        return render(request, "bids/consortium.html", context)
    search = PartnerSearchForm(request.GET or None)
    query = search.cleaned_data["q"] if search.is_valid() else ""
    if request.method == "POST":
        query = request.POST.get("q", "")
    found = organisation_search(query, exclude_ids=[m.organisation_id for m in members])
    add_form = None
    if found or request.method == "POST":
        add_form = PartnerForm(_data(request), organisations=found)
    if request.method == "POST" and add_form is not None and add_form.is_valid():
        organisation = next(o for o in found if o.slug == add_form.cleaned_data["organisation"])
        try:
            consortium_member_add(
                actor=request.user,
                bid=bid,
                organisation=organisation,
                role=add_form.cleaned_data["role"],
                share_percent=add_form.cleaned_data["share_percent"],
            )
        except ServiceError as exc:
            apply_service_error(add_form, exc)
        else:
            messages.success(
                request,
                f"{organisation.name} added. They must confirm their part from their own account.",
            )
            return redirect("bids:partners", reference=bid.reference)
    context.update(
        {
            "search": search,
            "query": query,
            "found": found,
            "form": add_form,
            "searched": bool(query),
        }
    )
    return render_form(request, "bids/consortium.html", context)


@login_required
@require_http_methods(["GET", "POST"])
@not_found_as_404
@_while_editable
def partner_change(request: HttpRequest, bid: Bid, member_public_id) -> HttpResponse:
    """Change a member's role and share (a partner must then confirm again)."""
    member = access_member_of_bid(bid, member_public_id, user=request.user)
    form = PartnerForm(
        _data(request), initial={"role": member.role, "share_percent": member.share_percent}
    )
    if member.is_lead:
        form.fields["share_percent"].disabled = True
        form.fields[
            "share_percent"
        ].help_text = "Your organisation’s share is what the partners’ shares leave."
    if _saved(
        request,
        form,
        lambda form: consortium_member_update(
            actor=request.user,
            member=member,
            role=form.cleaned_data["role"],
            share_percent=form.cleaned_data["share_percent"],
        ),
    ):
        return redirect("bids:partners", reference=bid.reference)
    return _bid_page(request, bid, "bids/consortium_change.html", {"form": form, "member": member})


@login_required
@require_http_methods(["GET", "POST"])
@not_found_as_404
@_while_editable
def partner_remove(request: HttpRequest, bid: Bid, member_public_id) -> HttpResponse:
    member = access_member_of_bid(bid, member_public_id, user=request.user)
    if member.is_lead:
        raise NotFound()
    return form_page(
        request,
        ConfirmForm(_data(request)),
        "bids/consortium_remove.html",
        lambda: {**_base_context(request, bid), "member": member},
        save=lambda form: consortium_member_remove(actor=request.user, member=member),
        success=lambda _: f"{member.organisation.name} removed from the bid.",
        redirect_to=("bids:partners", bid.reference),
    )


@login_required
@require_http_methods(["GET", "POST"])
@not_found_as_404
@_while_editable
def shares(request: HttpRequest, bid: Bid) -> HttpResponse:
    """Change every member's share at once; they must add up to exactly 100%."""
    members = bid_members(bid)
    form = SharesForm(_data(request), members=members)
    if _saved(
        request,
        form,
        lambda form: consortium_shares_set(
            actor=request.user,
            bid=bid,
            shares={m.public_id: form.cleaned_data[f"share_{m.public_id}"] for m in members},
        ),
    ):
        return redirect("bids:partners", reference=bid.reference)
    return _bid_page(
        request, bid, "bids/consortium_shares.html", {"form": form, "members": members}
    )


# --- check, send, receipt, withdraw, confirm again ------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
@not_found_as_404
def check(request: HttpRequest, reference: str) -> HttpResponse:
    """Check your bid (every answer, price, partner and document, with problems) and send it."""
    started_at = _started_at(request)
    bid = access_bid_as_member(request.user, reference)
    form = ConfirmForm(_data(request))
    if request.method == "POST":
        if not is_lead_member(request.user, bid):
            raise NotFound()
        try:
            submission = bid_submit(actor=request.user, bid=bid, started_at=started_at)
        except ServiceError as exc:
            form.add_error(None, exc.message)
        else:
            return redirect("bids:receipt", reference=bid.reference, number=submission.number)
        bid = access_bid_as_member(request.user, reference)
    context = _base_context(request, bid)
    context.update(
        {
            "form": form,
            "check": bid_check(user=request.user, bid=bid),
            "can_send": context["is_lead"] and _editable(bid),
            "submission": latest_submission(bid),
            "amendment": reconfirmation_banner(bid),
        }
    )
    return render_form(request, "bids/bid_check.html", context)


@login_required
@require_http_methods(["GET", "POST"])
@not_found_as_404
def withdraw(request: HttpRequest, reference: str) -> HttpResponse:
    """Withdraw a sent bid, after a confirmation page (it can be sent again before the deadline)."""
    bid = access_bid_for_lead(request.user, reference)
    if bid.status != BidStatus.SUBMITTED:
        return redirect("bids:overview", reference=bid.reference)
    return form_page(
        request,
        ConfirmForm(_data(request)),
        "bids/bid_withdraw.html",
        lambda: _base_context(request, bid),
        save=lambda form: bid_withdraw(actor=request.user, bid=bid),
        success=(
            "Your bid has been withdrawn. You can change it and send it again before the "
            "closing date."
        ),
        redirect_to=("bids:overview", bid.reference),
    )


@login_required
@require_POST
@not_found_as_404
def reconfirm(request: HttpRequest, reference: str) -> HttpResponse:
    """Confirm a sent bid again after the council changed the opportunity."""
    started_at = _started_at(request)
    bid = access_bid_for_lead(request.user, reference)
    try:
        submission = bid_reconfirm(actor=request.user, bid=bid, started_at=started_at)
    except ServiceError as exc:
        messages.error(request, exc.message)
        return redirect("bids:overview", reference=bid.reference)
    return redirect("bids:receipt", reference=bid.reference, number=submission.number)


# --- your bids, partner invitations ---------------------------------------------------


@login_required
@require_GET
def my_bids(request: HttpRequest) -> HttpResponse:
    """Every bid of the user's organisations: status, closing date, days left, receipt."""
    return render(
        request,
        "bids/bidder_bids.html",
        {
            "rows": bid_rows(request.user),
            "invitations_waiting": consortium_invitations(request.user)
            .filter(confirmed_at__isnull=True, bid__status__in=EDITABLE)
            .count(),
        },
    )


@login_required
@require_GET
def invitations(request: HttpRequest) -> HttpResponse:
    """Places offered to the user's organisations in other organisations' joint bids."""
    rows = []
    for member in consortium_invitations(request.user):
        bid = member.bid
        rows.append(
            {
                "member": member,
                "bid": bid,
                "can_answer": bid.status in EDITABLE and tender_is_open(bid.tender),
            }
        )
    return render(request, "bids/consortium_invitations.html", {"rows": rows})


@login_required
@require_POST
@not_found_as_404
def invitation_confirm(request: HttpRequest, member_public_id) -> HttpResponse:
    member = access_invitation(request.user, member_public_id)
    return post_action(
        request,
        lambda: consortium_member_confirm(actor=request.user, member=member),
        success=lambda _: (
            f"You confirmed {member.organisation.name}’s part in the bid led by "
            f"{member.bid.lead_organisation.name}."
        ),
        redirect_to="bids:invitations",
    )


@login_required
@require_http_methods(["GET", "POST"])
@not_found_as_404
def invitation_decline(request: HttpRequest, member_public_id) -> HttpResponse:
    member = access_invitation(request.user, member_public_id)
    return form_page(
        request,
        ConfirmForm(_data(request)),
        "bids/consortium_decline.html",
        lambda: {"member": member, "bid": member.bid},
        save=lambda form: consortium_member_decline(actor=request.user, member=member),
        success=lambda _: (
            f"{member.organisation.name} is no longer a partner in the bid led by "
            f"{member.bid.lead_organisation.name}."
        ),
        redirect_to="bids:invitations",
    )
