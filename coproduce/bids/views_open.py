"""Staff pages for a tender's bids (sealed overview, opening, compliance, rectification),
the documents a tender asks for, and the bidder's receipt page.

Before the closing time the overview says only that bids are sealed until then: no count,
no list. Every other bid page answers 404 until the bids are opened.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from coproduce.core.errors import NotFound, ServiceError
from coproduce.core.forms import apply_service_error
from coproduce.core.http import not_found_as_404, render_form
from coproduce.tenders.selectors import access_tender_by_reference

from .forms_open import ComplianceForm, RectificationForm, RequiredDocumentForm
from .models import BidFile, RequiredDocument
from .selectors import (
    access_bid_for_bidder,
    access_opened_bid,
    bid_file_content,
    bid_hidden_by_conflict,
    compliance_rows,
    conflict_message,
    required_documents,
    tender_opening,
)
from .services_open import (
    bid_compliance_decide,
    bid_compliance_problems,
    bids_open,
    rectification_open,
    required_document_add,
    required_document_remove,
)

STAFF = "bids.view_opened_bids"
CHANGE = "tenders.change_tender"


def _staff_tender(request: HttpRequest, reference: str):
    if not request.user.has_perm(STAFF):
        raise NotFound()
    return access_tender_by_reference(request.user, reference)


@login_required
@not_found_as_404
def overview(request: HttpRequest, reference: str) -> HttpResponse:
    """Sealed notice before opening; after opening the bids with their compliance."""
    tender = _staff_tender(request, reference)
    opening = tender_opening(tender)
    now = timezone.now()
    closed = tender.deadline is not None and now >= tender.deadline
    rows = compliance_rows(user=request.user, tender=tender) if opening else []
    return render(
        request,
        "bids/open_overview.html",
        {
            "tender": tender,
            "opening": opening,
            "closed": closed,
            "rows": rows,
            "conflict_hidden": conflict_message(),
            "can_open": closed and opening is None and request.user.has_perm("bids.open_bids"),
            "can_rectify": opening is not None and request.user.has_perm("bids.open_bids"),
        },
    )


@login_required
@require_POST
@not_found_as_404
def open_bids(request: HttpRequest, reference: str) -> HttpResponse:
    tender = _staff_tender(request, reference)
    try:
        opening = bids_open(actor=request.user, tender=tender)
    except NotFound:
        raise
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"Bids opened: {opening.bids_opened}.")
    return redirect("bids:open_overview", tender.reference)


@login_required
@require_http_methods(["GET", "POST"])
@not_found_as_404
def bid_detail(request: HttpRequest, reference: str, bid_reference: str) -> HttpResponse:
    """An opened bid's answers, prices and documents, with the compliance decision."""
    tender = _staff_tender(request, reference)
    bid = access_opened_bid(request.user, tender, bid_reference)
    can_decide = request.user.has_perm("bids.decide_compliance")
    hidden = bid_hidden_by_conflict(request.user, bid)
    form = ComplianceForm(
        request.POST or None,
        initial={"status": bid.compliance or None, "notes": bid.compliance_notes},
    )
    if request.method == "POST":
        if not can_decide:
            raise NotFound()
        if form.is_valid():
            try:
                bid_compliance_decide(
                    actor=request.user,
                    bid=bid,
                    status=form.cleaned_data["status"],
                    notes=form.cleaned_data["notes"],
                )
            except NotFound:
                raise
            except ServiceError as exc:
                apply_service_error(form, exc)
            else:
                messages.success(request, f"Compliance decision recorded for {bid.reference}.")
                return redirect("bids:open_bid", tender.reference, bid.reference)
    if hidden:
        # Declared a conflict of interest: the message in place of the bid's content.
        return render_form(
            request,
            "bids/open_bid.html",
            {
                "form": form,
                "tender": tender,
                "bid": bid,
                "hidden": conflict_message(),
                "can_decide": False,
            },
        )
    return render_form(
        request,
        "bids/open_bid.html",
        {
            "form": form,
            "tender": tender,
            "bid": bid,
            "answers": bid.answers.select_related("criterion"),
            "prices": bid.prices.select_related("lot"),
            "files": bid.files.all(),
            "members": bid.members.select_related("organisation"),
            "problems": bid_compliance_problems(bid),
            "can_decide": can_decide,
        },
    )


@login_required
@not_found_as_404
def bid_file_download(
    request: HttpRequest, reference: str, bid_reference: str, file_id: int
) -> HttpResponse:
    """A document of an opened bid (decrypted on the way out), for staff only."""
    tender = _staff_tender(request, reference)
    bid = access_opened_bid(request.user, tender, bid_reference)
    bid_file = BidFile.objects.filter(bid=bid, pk=file_id).first()
    if bid_file is None:
        raise NotFound()
    data = bid_file_content(user=request.user, bid_file=bid_file)
    response = HttpResponse(data, content_type=bid_file.content_type)
    response["Content-Disposition"] = f'attachment; filename="{bid.reference}-{bid_file.pk}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
@not_found_as_404
def rectification(request: HttpRequest, reference: str) -> HttpResponse:
    """Set the one closing time by which every bidder may add missing documents."""
    tender = _staff_tender(request, reference)
    opening = tender_opening(tender)
    if opening is None or not request.user.has_perm("bids.open_bids"):
        raise NotFound()
    form = RectificationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            rectification_open(
                actor=request.user,
                tender=tender,
                closes_at=form.closes_at,
                note=form.cleaned_data["note"],
            )
        except NotFound:
            raise
        except ServiceError as exc:
            if exc.field == "closes_at":
                exc.field = "closes_date"
            apply_service_error(form, exc)
        else:
            messages.success(request, "The window for missing documents is open.")
            return redirect("bids:open_overview", tender.reference)
    return render_form(
        request,
        "bids/open_rectification.html",
        {"form": form, "tender": tender, "opening": opening},
    )


@login_required
@require_http_methods(["GET", "POST"])
@not_found_as_404
def documents_required(request: HttpRequest, reference: str) -> HttpResponse:
    """The documents every bid must include; changeable only before publication."""
    tender = access_tender_by_reference(request.user, reference, perm=CHANGE)
    form = RequiredDocumentForm(request.POST or None)
    can_change = tender.published_at is None
    if request.method == "POST" and form.is_valid():
        try:
            doc = required_document_add(actor=request.user, tender=tender, **form.cleaned_data)
        except NotFound:
            raise
        except ServiceError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, f"“{doc.name}” added.")
            return redirect("bids:documents_required", tender.reference)
    return render_form(
        request,
        "bids/open_documents.html",
        {
            "form": form,
            "tender": tender,
            "documents": required_documents(tender),
            "can_change": can_change,
        },
    )


@login_required
@require_POST
@not_found_as_404
def document_required_remove(
    request: HttpRequest, reference: str, document_id: int
) -> HttpResponse:
    tender = access_tender_by_reference(request.user, reference, perm=CHANGE)
    document = RequiredDocument.objects.filter(tender=tender, pk=document_id).first()
    if document is None:
        raise NotFound()
    try:
        required_document_remove(actor=request.user, document=document)
    except NotFound:
        raise
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"“{document.name}” removed.")
    return redirect("bids:documents_required", tender.reference)


@login_required
@not_found_as_404
def receipt(request: HttpRequest, reference: str, number: int) -> HttpResponse:
    """The bidder's receipt for one submission: reference, server time and hash."""
    bid = access_bid_for_bidder(request.user, reference)
    submission = bid.submissions.filter(number=number).first()
    if submission is None:
        raise Http404
    return render(
        request,
        "bids/receipt.html",
        {"bid": bid, "tender": bid.tender, "submission": submission},
    )
