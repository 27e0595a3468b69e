"""Tender pages: the public notice and pack, and the staff pages to prepare and publish.

Views parse input with a form, call a selector or service, and render. Permission
answers come from the selectors and services (NotFound → 404, never 403).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from coproduce.foundation.commissioning.selectors import access_project_by_reference
from coproduce.foundation.core.errors import NotFound, ServiceError
from coproduce.foundation.core.http import form_page, not_found_as_404, post_action
from coproduce.foundation.core.idempotency import posted_key

from .documents import BY_CONTENT_TYPE, human_size
from .forms import (
    FIELD_FOR_ERROR,
    DocumentForm,
    LotForm,
    NoLotsReasonForm,
    StaffFilterForm,
    TenderForm,
    apply_error,
    split_uk,
)
from .models import Tender, TenderStatus
from .selectors import (
    ROUTE_PLAIN,
    access_document,
    access_lot,
    access_tender_by_reference,
    lot_views,
    reservation_plain,
    specification_requirements,
    tender_days_left,
    tender_is_open,
    tender_lots,
    tender_pack_documents,
    tender_public_status,
    tender_publication_problems,
    tender_staff_list,
    upload_limit_bytes,
)
from .services import (
    LotData,
    TenderData,
    document_add,
    document_remove,
    lot_add,
    lot_remove,
    lot_update,
    tender_create,
    tender_publish,
    tender_set_no_lots_reason,
    tender_update,
)

CHANGE = "tenders.change_tender"
PAGE_SIZE = 25


def _document_rows(tender: Tender, documents) -> list[dict]:
    rows = []
    for doc in documents:
        kind = BY_CONTENT_TYPE.get(doc.content_type)
        rows.append(
            {
                "doc": doc,
                "type_label": kind.label if kind else "Web page only",
                "size": human_size(doc.size_bytes) if doc.file else "",
                "has_file": bool(doc.file),
            }
        )
    return rows


@require_GET
@not_found_as_404
def detail(request: HttpRequest, reference: str) -> HttpResponse:
    """The public notice: what, who for, how much, by when, and where the documents are."""
    tender = access_tender_by_reference(request.user, reference)
    now = timezone.now()
    can_change = request.user.has_perm(CHANGE, tender)
    documents = list(tender_pack_documents(tender))
    context = {
        "tender": tender,
        "is_draft": tender.status == TenderStatus.DRAFT,
        "is_open": tender_is_open(tender, now),
        "status_label": tender_public_status(tender, now),
        "days_left": tender_days_left(tender, now),
        "lots": lot_views(tender),
        "route_plain": ROUTE_PLAIN.get(tender.route, ""),
        "reservation": reservation_plain(tender.reserved_for),
        "requirements": specification_requirements(tender),
        "documents": _document_rows(tender, documents),
        "amendments": list(tender.amendments.order_by("number")),
        "can_change": can_change,
    }
    return render(request, "tenders/detail.html", context)


@require_GET
@not_found_as_404
def pack(request: HttpRequest, reference: str) -> HttpResponse:
    """Every document of the tender in one place, each with its web page version."""
    tender = access_tender_by_reference(request.user, reference)
    return render(
        request,
        "tenders/pack.html",
        {
            "tender": tender,
            "documents": _document_rows(tender, tender_pack_documents(tender)),
            "is_draft": tender.status == TenderStatus.DRAFT,
        },
    )


@require_GET
@not_found_as_404
def document(request: HttpRequest, reference: str, document_id: int) -> HttpResponse:
    """The HTML version of one document."""
    tender = access_tender_by_reference(request.user, reference)
    doc = access_document(tender, document_id)
    row = _document_rows(tender, [doc])[0]
    return render(request, "tenders/document.html", {"tender": tender, "row": row, "doc": doc})


@require_GET
@not_found_as_404
def document_download(request: HttpRequest, reference: str, document_id: int) -> HttpResponse:
    """The stored file, always as a download with its checked type, never run or rendered."""
    tender = access_tender_by_reference(request.user, reference)
    doc = access_document(tender, document_id)
    if not doc.file:
        raise NotFound()
    kind = BY_CONTENT_TYPE.get(doc.content_type)
    extension = kind.extension if kind else "bin"
    safe_title = (
        "".join(c if c.isalnum() or c in " -_" else "-" for c in doc.title).strip() or "document"
    )
    response = FileResponse(
        default_storage.open(doc.file.name, "rb"),
        as_attachment=True,
        filename=f"{tender.reference} {safe_title}.{extension}",
        content_type=doc.content_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = (
        "private, no-cache" if tender.status == TenderStatus.DRAFT else "public, max-age=300"
    )
    return response


# --- staff pages ---


def _tender_form_page(request: HttpRequest, form, template: str, context, *, save, **kwargs):
    """``form_page`` for the tender forms: a service error naming a model field is shown
    next to the form's box for it (as ``forms.apply_error``), and NotFound answers 404."""

    def save_on_form_fields(form):
        try:
            return save(form)
        except ServiceError as exc:
            exc.field = FIELD_FOR_ERROR.get(exc.field or "", exc.field)
            raise

    return form_page(
        request, form, template, context, save=save_on_form_fields, raise_not_found=True, **kwargs
    )


@login_required
@require_GET
@not_found_as_404
def staff_list(request: HttpRequest) -> HttpResponse:
    """All tenders with their status, drafts included (council staff)."""
    form = StaffFilterForm(request.GET or None)
    status = form.cleaned_data["status"] if form.is_bound and form.is_valid() else ""
    qs = tender_staff_list(user=request.user, status=status)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    now = timezone.now()
    rows = [(t, tender_public_status(t, now)) for t in page.object_list]
    return render(
        request,
        "tenders/staff_list.html",
        {"form": form, "page": page, "rows": rows, "query": query.urlencode()},
    )


def _tender_data(form: TenderForm) -> TenderData:
    d = form.cleaned_data
    return TenderData(
        title=d["title"],
        summary=d["summary"],
        service_area_id=d["service_area"].pk,
        locality=d.get("locality", ""),
        value_pence=d["value"],
        specification_id=d["specification"].pk,
        evaluation_model_id=d["evaluation_model"].pk,
        route=d["route"],
        reserved_for=d.get("reserved_for") or "",
        route_justification=d.get("route_justification", ""),
        suitable_for_small=d.get("suitable_for_small", False),
        planned_notice_on=d.get("planned_notice_on"),
        plan_entry_id=d["plan_entry"].pk if d.get("plan_entry") else None,
        deadline=form.deadline,
        questions_close_at=form.questions_close_at,
    )


@login_required
@require_http_methods(["GET", "POST"])
@not_found_as_404
def create(request: HttpRequest, project_ref: str) -> HttpResponse:
    """Start a draft tender for a project (commissioners)."""
    project = access_project_by_reference(
        user=request.user, reference=project_ref, perm="commissioning.change_project"
    )
    if not request.user.has_perm("tenders.add_tender"):
        raise NotFound()
    initial = {
        "title": project.title,
        "summary": project.summary,
        "service_area": project.service_area_id,
        "value": project.budget_pence,
    }
    return _tender_form_page(
        request,
        TenderForm(request.POST or None, project=project, initial=initial),
        "tenders/tender_form.html",
        {"project": project, "tender": None},
        save=lambda form: tender_create(
            actor=request.user,
            project=project,
            data=_tender_data(form),
            submission_key=posted_key(request),
        ),
        success=lambda tender: f"Tender {tender.reference} created as a draft.",
        redirect_to=lambda tender: ("tenders:edit", tender.reference),
    )


@login_required
@require_http_methods(["GET", "POST"])
@not_found_as_404
def edit(request: HttpRequest, reference: str) -> HttpResponse:
    """Edit a draft and see what stops it being published (the route advisor's verdict)."""
    tender = access_tender_by_reference(request.user, reference, perm=CHANGE)
    deadline_date, deadline_time = split_uk(tender.deadline)
    questions_date, questions_time = split_uk(tender.questions_close_at)
    initial = {
        "title": tender.title,
        "summary": tender.summary,
        "service_area": tender.service_area_id,
        "locality": tender.locality,
        "value": tender.value_pence,
        "specification": tender.specification_id,
        "evaluation_model": tender.evaluation_model_id,
        "route": tender.route,
        "reserved_for": tender.reserved_for,
        "route_justification": tender.route_justification,
        "suitable_for_small": tender.suitable_for_small,
        "plan_entry": tender.plan_entry_id,
        "planned_notice_on": tender.planned_notice_on,
        "deadline_date": deadline_date,
        "deadline_time": deadline_time,
        "questions_date": questions_date,
        "questions_time": questions_time,
    }
    is_draft = tender.status == TenderStatus.DRAFT
    return _tender_form_page(
        request,
        TenderForm(request.POST or None, project=tender.project, initial=initial),
        "tenders/tender_form.html",
        lambda: {
            "project": tender.project,
            "tender": tender,
            "is_draft": is_draft,
            "problems": tender_publication_problems(tender) if is_draft else [],
        },
        save=lambda form: tender_update(actor=request.user, tender=tender, data=_tender_data(form)),
        success="Tender details saved.",
        redirect_to=lambda saved: ("tenders:edit", saved.reference),
    )


def _lot_data(form: LotForm) -> LotData:
    d = form.cleaned_data
    return LotData(
        number=d["number"],
        title=d["title"],
        description=d.get("description", ""),
        client_group=d.get("client_group", ""),
        locality=d.get("locality", ""),
        value_pence=d["value"],
        reserved_for=d.get("reserved_for") or "",
    )


@login_required
@require_http_methods(["GET", "POST"])
@not_found_as_404
def lots(request: HttpRequest, reference: str) -> HttpResponse:
    """The lots of a draft tender: add one, or record why there are none."""
    tender = access_tender_by_reference(request.user, reference, perm=CHANGE)
    existing = list(tender_lots(tender))
    next_number = max((lot.number for lot in existing), default=0) + 1
    action = request.POST.get("action") if request.method == "POST" else ""
    lot_form = LotForm(
        request.POST if action == "add_lot" else None, initial={"number": next_number}, prefix="lot"
    )
    reason_form = NoLotsReasonForm(
        request.POST if action == "no_lots" else None,
        initial={"no_lots_reason": tender.no_lots_reason},
        prefix="nolots",
    )
    if action == "add_lot" and lot_form.is_valid():
        try:
            lot = lot_add(actor=request.user, tender=tender, data=_lot_data(lot_form))
        except NotFound:
            raise
        except ServiceError as exc:
            apply_error(lot_form, exc)
        else:
            messages.success(request, f"Lot {lot.number} added.")
            return redirect("tenders:lots", tender.reference)
    if action == "no_lots" and reason_form.is_valid():
        try:
            tender_set_no_lots_reason(
                actor=request.user, tender=tender, reason=reason_form.cleaned_data["no_lots_reason"]
            )
        except NotFound:
            raise
        except ServiceError as exc:
            apply_error(reason_form, exc)
        else:
            messages.success(request, "Reason saved.")
            return redirect("tenders:lots", tender.reference)
    failed = request.method == "POST" and (lot_form.errors or reason_form.errors)
    return render(
        request,
        "tenders/lots.html",
        {
            "tender": tender,
            "lots": lot_views(tender),
            "lot_form": lot_form,
            "reason_form": reason_form,
            "form": lot_form if lot_form.errors else reason_form,
            "is_draft": tender.status == TenderStatus.DRAFT,
        },
        status=400 if failed else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
@not_found_as_404
def lot_edit(request: HttpRequest, reference: str, lot_id: int) -> HttpResponse:
    tender = access_tender_by_reference(request.user, reference, perm=CHANGE)
    lot = access_lot(tender, lot_id)
    initial = {
        "number": lot.number,
        "title": lot.title,
        "description": lot.description,
        "client_group": lot.client_group,
        "locality": lot.locality,
        "value": lot.value_pence,
        "reserved_for": lot.reserved_for,
    }
    return _tender_form_page(
        request,
        LotForm(request.POST or None, initial=initial),
        "tenders/lot_form.html",
        {"tender": tender, "lot": lot},
        save=lambda form: lot_update(actor=request.user, lot=lot, data=_lot_data(form)),
        success="Lot saved.",
        redirect_to=("tenders:lots", tender.reference),
    )


@login_required
@require_POST
@not_found_as_404
def lot_delete(request: HttpRequest, reference: str, lot_id: int) -> HttpResponse:
    tender = access_tender_by_reference(request.user, reference, perm=CHANGE)
    try:
        lot = access_lot(tender, lot_id)
    except NotFound:
        return redirect("tenders:lots", tender.reference)  # already removed (double click)
    return post_action(
        request,
        lambda: lot_remove(actor=request.user, lot=lot),
        success=lambda _: f"Lot {lot.number} removed.",
        redirect_to=("tenders:lots", tender.reference),
        raise_not_found=True,
    )


@login_required
@require_http_methods(["GET", "POST"])
@not_found_as_404
def documents_manage(request: HttpRequest, reference: str) -> HttpResponse:
    """Upload documents to a draft tender's pack, each with its web page version."""
    tender = access_tender_by_reference(request.user, reference, perm=CHANGE)

    def save(form: DocumentForm):
        d = form.cleaned_data
        return document_add(
            actor=request.user,
            tender=tender,
            title=d["title"],
            kind=d["kind"],
            html_source=d["html_source"],
            upload=d.get("file"),
            lot=d.get("lot"),
        )

    def context() -> dict:
        try:
            _, limit_label = upload_limit_bytes()
        except ServiceError:
            limit_label = ""
        return {
            "tender": tender,
            "documents": _document_rows(tender, tender_pack_documents(tender)),
            "is_draft": tender.status == TenderStatus.DRAFT,
            "limit_label": limit_label,
        }

    return _tender_form_page(
        request,
        DocumentForm(request.POST or None, request.FILES or None, tender=tender),
        "tenders/documents_manage.html",
        context,
        save=save,
        success=lambda doc: f"“{doc.title}” added to the tender pack.",
        redirect_to=("tenders:documents_manage", tender.reference),
    )


@login_required
@require_POST
@not_found_as_404
def document_delete(request: HttpRequest, reference: str, document_id: int) -> HttpResponse:
    tender = access_tender_by_reference(request.user, reference, perm=CHANGE)
    try:
        doc = access_document(tender, document_id)
    except NotFound:
        return redirect("tenders:documents_manage", tender.reference)
    return post_action(
        request,
        lambda: document_remove(actor=request.user, document=doc),
        success=lambda _: f"“{doc.title}” removed from the pack.",
        redirect_to=("tenders:documents_manage", tender.reference),
        raise_not_found=True,
    )


@login_required
@require_http_methods(["GET", "POST"])
@not_found_as_404
def publish(request: HttpRequest, reference: str) -> HttpResponse:
    """Check everything and publish. A repeated submit does nothing the second time."""
    tender = access_tender_by_reference(request.user, reference, perm=CHANGE)
    error = None
    if request.method == "POST":
        try:
            tender = tender_publish(actor=request.user, tender=tender)
        except NotFound:
            raise
        except ServiceError as exc:
            error = exc
        else:
            messages.success(request, f"Tender {tender.reference} is published and open for bids.")
            return redirect("tenders:detail", tender.reference)
    is_draft = tender.status == TenderStatus.DRAFT
    problems = tender_publication_problems(tender) if is_draft else []
    if error is not None and not any(p.code == error.code for p in problems):
        problems.insert(0, error)
    return render(
        request,
        "tenders/publish.html",
        {
            "tender": tender,
            "problems": problems,
            "is_draft": is_draft,
            "lot_count": tender.lots.count(),
            "document_count": tender_pack_documents(tender).count(),
            "reservation": reservation_plain(tender.reserved_for),
        },
        status=400 if error is not None else 200,
    )
