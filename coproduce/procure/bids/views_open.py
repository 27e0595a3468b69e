"""Staff pages for a tender's bids (sealed overview, opening, compliance, rectification),
the documents a tender asks for, and the bidder's receipt page.

Before the closing time the overview says only that bids are sealed until then: no count,
no list. Every other bid page answers 404 until the bids are opened.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from coproduce.foundation.core.errors import NotFound, ServiceError
from coproduce.foundation.core.http import form_page, not_found_as_404, post_action
from coproduce.procure.tenders.selectors import access_tender_by_reference

from .forms_open import ComplianceForm, RectificationForm, RequiredDocumentForm
from .models import RequiredDocument
from .selectors import (
    access_bid_file,
    access_bid_for_bidder,
    access_opened_bid,
    bid_file_content,
    bid_files_readable,
    bid_hidden_by_conflict,
    conflict_message,
    required_documents,
    tender_opening,
)
from .services_open import (
    bid_compliance_decide,
    bid_compliance_problems,
    bids_open,
    compliance_rows,
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
    return post_action(
        request,
        lambda: bids_open(actor=request.user, tender=tender),
        success=lambda opening: f"Bids opened: {opening.bids_opened}.",
        redirect_to=("bids:open_overview", tender.reference),
        raise_not_found=True,
    )


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
    if request.method == "POST" and not can_decide:
        raise NotFound()

    def context() -> dict:
        if hidden:
            # Declared a conflict of interest: the message in place of the bid's content.
            return {"tender": tender, "bid": bid, "hidden": conflict_message(), "can_decide": False}
        return {
            "tender": tender,
            "bid": bid,
            "answers": bid.answers.select_related("criterion"),
            "prices": bid.prices.select_related("lot"),
            "files": bid_files_readable(user=request.user, bid=bid),
            "members": bid.members.select_related("organisation"),
            "problems": bid_compliance_problems(bid),
            "can_decide": can_decide,
        }

    return form_page(
        request,
        form,
        "bids/open_bid.html",
        context,
        save=lambda form: bid_compliance_decide(
            actor=request.user,
            bid=bid,
            status=form.cleaned_data["status"],
            notes=form.cleaned_data["notes"],
        ),
        success=f"Compliance decision recorded for {bid.reference}.",
        redirect_to=("bids:open_bid", tender.reference, bid.reference),
        raise_not_found=True,
    )


@login_required
@not_found_as_404
def bid_file_download(
    request: HttpRequest, reference: str, bid_reference: str, file_public_id
) -> HttpResponse:
    """A document of an opened bid (decrypted on the way out), for staff only."""
    tender = _staff_tender(request, reference)
    bid = access_opened_bid(request.user, tender, bid_reference)
    bid_file = access_bid_file(user=request.user, bid=bid, public_id=file_public_id)
    data = bid_file_content(user=request.user, bid_file=bid_file)
    response = HttpResponse(data, content_type=bid_file.content_type)
    response["Content-Disposition"] = f'attachment; filename="{bid.reference}-{bid_file.public_id}"'
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

    def save(form: RectificationForm):
        try:
            return rectification_open(
                actor=request.user,
                tender=tender,
                closes_at=form.closes_at,
                note=form.cleaned_data["note"],
            )
        except ServiceError as exc:
            if exc.field == "closes_at":
                exc.field = "closes_date"  # the date box of the form's date and time
            raise

    return form_page(
        request,
        RectificationForm(request.POST or None),
        "bids/open_rectification.html",
        {"tender": tender, "opening": opening},
        save=save,
        success="The window for missing documents is open.",
        redirect_to=("bids:open_overview", tender.reference),
        raise_not_found=True,
    )


@login_required
@require_http_methods(["GET", "POST"])
@not_found_as_404
def documents_required(request: HttpRequest, reference: str) -> HttpResponse:
    """The documents every bid must include; changeable only before publication."""
    tender = access_tender_by_reference(request.user, reference, perm=CHANGE)
    can_change = tender.published_at is None
    return form_page(
        request,
        RequiredDocumentForm(request.POST or None),
        "bids/open_documents.html",
        lambda: {
            "tender": tender,
            "documents": required_documents(tender),
            "can_change": can_change,
        },
        save=lambda form: required_document_add(
            actor=request.user, tender=tender, **form.cleaned_data
        ),
        success=lambda doc: f"“{doc.name}” added.",
        redirect_to=("bids:documents_required", tender.reference),
        raise_not_found=True,
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
    return post_action(
        request,
        lambda: required_document_remove(actor=request.user, document=document),
        success=lambda _: f"“{document.name}” removed.",
        redirect_to=("bids:documents_required", tender.reference),
        raise_not_found=True,
    )


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
