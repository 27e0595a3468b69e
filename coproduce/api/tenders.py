"""REST endpoints for tenders (a django-ninja Router added to the API in api.py)."""

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate
from ninja.security import django_auth

from coproduce.foundation.core.errors import ServiceError
from coproduce.procure.tenders.models import TenderStatus
from coproduce.procure.tenders.selectors import (
    access_tender_by_reference,
    tender_is_open,
    tender_lots,
    tender_pack_documents,
)
from coproduce.procure.tenders.selectors_clarifications import (
    access_organisation_for_member,
    access_tender,
    published_clarifications,
    tender_amendments,
)
from coproduce.procure.tenders.selectors_search import (
    CLOSING_WITHIN_DAYS,
    CappedCount,
    Sort,
    TenderSearch,
    tender_search,
)
from coproduce.procure.tenders.services_clarifications import clarification_ask

from .pagination import PageNumberPagination
from .schemas import ErrorOut, IdempotencyKey

router = Router(tags=["tenders"])

# --- search ---------------------------------------------------------------------------


class OpportunityQuery(Schema):
    q: str = Field(
        "",
        max_length=200,
        description="Words to look for (title, summary, lots, "
        'service area). On PostgreSQL: web-search syntax, e.g. "day care" -nursing',
    )
    service_area: list[str] = Field([], description="Service area slugs (repeat for several)")
    value_min_pence: int | None = Field(None, ge=0, description="Lowest value, in pence")
    value_max_pence: int | None = Field(None, ge=0, description="Highest value, in pence")
    locality: str = Field("", max_length=100, description="Ward or area; borough-wide included")
    closing_within_days: int | None = Field(None, description="7, 14 or 30")
    suitable_for_small: bool = False
    reserved_only: bool = False
    include_closed: bool = False
    sort: str = Field(Sort.CLOSING, description="closing, newest, value_high, value_low, best")


class OpportunityOut(Schema):
    reference: str
    title: str
    summary: str
    service_area: str
    locality: str
    value_pence: int
    route: str
    reserved_for: str
    reserved: bool
    suitable_for_small: bool
    status: str
    published_at: dt.datetime
    deadline: dt.datetime

    @staticmethod
    def resolve_service_area(obj) -> str:
        return obj.service_area.slug

    @staticmethod
    def resolve_reserved(obj) -> bool:
        return bool(obj.reserved_for or obj.lot_reserved or obj.route == "reserved")


def _opportunity_search(filters: OpportunityQuery) -> TenderSearch:
    low, high = filters.value_min_pence, filters.value_max_pence
    if low is not None and high is not None and low > high:
        raise ServiceError(
            "value_range",
            "value_max_pence must be the same as or more than value_min_pence",
            field="value_max_pence",
        )
    if filters.closing_within_days not in (None, *CLOSING_WITHIN_DAYS):
        raise ServiceError(
            "invalid_choice", "closing_within_days must be 7, 14 or 30", field="closing_within_days"
        )
    if filters.sort not in Sort.values:
        raise ServiceError("invalid_choice", "Unknown sort order.", field="sort")
    return TenderSearch(
        q=filters.q.strip(),
        service_areas=tuple(filters.service_area),
        value_min_pence=low,
        value_max_pence=high,
        locality=filters.locality.strip(),
        closing_within_days=filters.closing_within_days,
        suitable_for_small=filters.suitable_for_small,
        reserved_only=filters.reserved_only,
        include_closed=filters.include_closed,
        sort=filters.sort,
    )


COUNT_CAP = 1000


class CappedPageNumberPagination(PageNumberPagination):
    """Page-number pagination that counts the matches only up to 1,000 (``CappedCount``).

    ``count`` is exact up to 1,000 (or up to the end of a later page asked for); beyond
    that ``count_capped`` is true and ``count`` means "more than this many".
    """

    class Output(Schema):
        items: list[Any]
        count: int = Field(description="Matches, counted up to 1,000 (see count_capped)")
        count_capped: bool = Field(description="True when there are more matches than count")

    def paginate_queryset(self, queryset, pagination, request: HttpRequest, **params: Any):
        page_size = self._get_page_size(pagination.page_size)
        offset = (pagination.page - 1) * page_size
        counter = CappedCount(cap=COUNT_CAP, per_page=page_size, page=pagination.page)
        found = counter.count(queryset)
        return {
            "items": queryset[offset : offset + page_size],
            "count": min(found, counter.limit),
            "count_capped": counter.capped,
        }


@router.get(
    "/opportunities",
    response=list[OpportunityOut],
    summary="Search published opportunities",
    tags=["opportunities"],
)
@paginate(CappedPageNumberPagination, page_size=50)
def list_opportunities(request: HttpRequest, filters: Query[OpportunityQuery]):
    """Published tenders (never drafts), open ones unless include_closed, with the same
    filters as the search page. Money in pence; times in UTC (ISO 8601). ``count`` is
    exact up to 1,000 matches; past that ``count_capped`` is true."""
    return tender_search(search=_opportunity_search(filters))


# --- end of search ---------------------------------------------------------------------


# --- tender detail ----------------------------------------------------------------------


class LotOut(Schema):
    number: int
    title: str
    description: str
    client_group: str
    locality: str
    value_pence: int
    reserved_for: str


class DocumentOut(Schema):
    id: int
    title: str
    kind: str
    lot_number: int | None
    content_type: str = Field(description="Empty for documents published as a web page only")
    size_bytes: int
    sha256: str
    html_url: str = Field(description="The document as an accessible web page")
    download_url: str | None = Field(description="The original file, when there is one")


class AmendmentOut(Schema):
    number: int
    summary: str
    reason: str
    previous_deadline: dt.datetime
    new_deadline: dt.datetime
    made_at: dt.datetime


class OpportunityDetailOut(Schema):
    reference: str
    url: str
    title: str
    summary: str
    project_reference: str
    service_area: str
    locality: str
    value_pence: int
    route: str
    reserved_for: str
    route_justification: str
    suitable_for_small: bool
    no_lots_reason: str
    status: str = Field(description="draft, open, closed, awarded or cancelled (from the clock)")
    is_open: bool
    published_at: dt.datetime | None
    deadline: dt.datetime | None
    questions_close_at: dt.datetime | None
    planned_notice_on: dt.date | None
    specification_version: int
    lots: list[LotOut]
    documents: list[DocumentOut]
    amendments: list[AmendmentOut]


def _opportunity_detail(request: HttpRequest, reference: str) -> dict:
    tender = access_tender_by_reference(request.user, reference)
    now = timezone.now()
    is_open = tender_is_open(tender, now)
    status = tender.status
    if status == TenderStatus.OPEN and not is_open:
        status = TenderStatus.CLOSED
    absolute = request.build_absolute_uri
    documents = [
        {
            "id": d.pk,
            "title": d.title,
            "kind": d.kind,
            "lot_number": d.lot.number if d.lot else None,
            "content_type": d.content_type,
            "size_bytes": d.size_bytes,
            "sha256": d.sha256,
            "html_url": absolute(reverse("tenders:document", args=[tender.reference, d.pk])),
            "download_url": absolute(
                reverse("tenders:document_download", args=[tender.reference, d.pk])
            )
            if d.file
            else None,
        }
        for d in tender_pack_documents(tender)
    ]
    return {
        "reference": tender.reference,
        "url": absolute(reverse("tenders:detail", args=[tender.reference])),
        "title": tender.title,
        "summary": tender.summary,
        "project_reference": tender.project.reference,
        "service_area": tender.service_area.slug,
        "locality": tender.locality,
        "value_pence": tender.value_pence,
        "route": tender.route,
        "reserved_for": tender.reserved_for,
        "route_justification": tender.route_justification,
        "suitable_for_small": tender.suitable_for_small,
        "no_lots_reason": tender.no_lots_reason,
        "status": status,
        "is_open": is_open,
        "published_at": tender.published_at,
        "deadline": tender.deadline,
        "questions_close_at": tender.questions_close_at,
        "planned_notice_on": tender.planned_notice_on,
        "specification_version": tender.specification.version,
        "lots": list(tender_lots(tender)),
        "documents": documents,
        "amendments": list(tender.amendments.order_by("number")),
    }


@router.get(
    "/opportunities/{reference}",
    response={200: OpportunityDetailOut, 404: ErrorOut},
    summary="One opportunity with its lots, documents and changes",
    tags=["opportunities"],
)
def get_opportunity(request: HttpRequest, reference: str):
    """A published tender (drafts only for council staff; 404 for anyone else), with its
    lots, the documents in its pack (web page and download URLs) and its amendments."""
    return _opportunity_detail(request, reference)


# --- end of tender detail -----------------------------------------------------------------


# --- questions ----------------------------------------------------------------------------
# Questions and answers, and changes (amendments). Self-contained: owned by the questions
# helper; the asker is only ever shown by pseudonym here.


class QuestionAnswerOut(Schema):
    number: int
    lot_number: int | None = Field(description="Blank when the question is about the whole tender")
    asked_by: str = Field(
        description='The asker\'s pseudonym on this tender, e.g. "Organisation A"'
    )
    question: str
    answer: str
    published_at: dt.datetime


class QuestionIn(Schema):
    organisation: str = Field(description="Slug of an organisation you are a member of")
    question: str = Field(max_length=5000)
    lot_number: int | None = Field(None, description="Leave out for the whole tender")


class QuestionAskedOut(Schema):
    number: int
    lot_number: int | None
    asked_by: str = Field(description="Your organisation's pseudonym on this tender")
    question: str
    status: str = Field(description="awaiting, published or declined")
    decline_reason: str = Field(
        "", description="Why the council will not publish it (only when declined)"
    )


class TenderChangeOut(Schema):
    number: int
    summary: str
    reason: str
    previous_deadline: dt.datetime
    new_deadline: dt.datetime
    reconfirm_required: bool
    made_at: dt.datetime


def _q_clarification_row(c) -> dict:
    return {
        "number": c.number,
        "lot_number": c.lot.number if c.lot else None,
        "asked_by": c.pseudonym.label,
        "question": c.question,
        "answer": c.answer,
        "published_at": c.published_at,
        "status": c.status,
        "decline_reason": c.decline_reason if c.status == "declined" else "",
    }


@router.get(
    "/opportunities/{reference}/questions",
    response={200: list[QuestionAnswerOut], 404: ErrorOut},
    summary="Published questions and answers",
    tags=["questions"],
)
def list_questions(request: HttpRequest, reference: str, lot: int | None = None):
    """Published questions and answers in number order; askers by pseudonym only. With
    ``lot``, questions about that lot and about the whole tender."""
    tender = access_tender(request.user, reference)
    chosen = tender_lots(tender).filter(number=lot).first() if lot is not None else None
    return [_q_clarification_row(c) for c in published_clarifications(tender, lot=chosen)]


@router.post(
    "/opportunities/{reference}/questions",
    response={201: QuestionAskedOut, 400: ErrorOut, 404: ErrorOut},
    auth=django_auth,
    summary="Ask a question for your organisation",
    tags=["questions"],
)
def ask_question(
    request: HttpRequest,
    reference: str,
    payload: QuestionIn,
    idempotency_key: IdempotencyKey = "",
):
    """Ask a question as a member of ``organisation``. 400 with code ``tender_closed``,
    ``deadline_passed`` or ``questions_closed`` when questions are no longer taken; 404 for
    an unpublished tender or an organisation you do not belong to. Repeating the same
    question within a few minutes returns the first one. Send an ``Idempotency-Key``
    header (16 to 128 letters, digits, ``-``, ``_``, ``.`` or ``:``, for example a UUID)
    to make any retry safe: a repeat with the same key returns the first question, never
    a second one (400 ``submission_key_invalid`` for a malformed key)."""
    tender = access_tender(request.user, reference)
    organisation = access_organisation_for_member(request.user, payload.organisation)
    lot = None
    if payload.lot_number is not None:
        lot = tender_lots(tender).filter(number=payload.lot_number).first()
        if lot is None:
            raise ServiceError("invalid_lot", "Choose a lot of this tender.", field="lot_number")
    clarification = clarification_ask(
        actor=request.user,
        tender=tender,
        organisation=organisation,
        question=payload.question,
        lot=lot,
        submission_key=idempotency_key,
    )
    return Status(201, _q_clarification_row(clarification))


@router.get(
    "/opportunities/{reference}/amendments",
    response={200: list[TenderChangeOut], 404: ErrorOut},
    summary="Changes made to a published opportunity",
    tags=["questions"],
)
def list_amendments(request: HttpRequest, reference: str):
    """Every change since publication, with the reason and the closing date before and
    after. Bids sent before a change with ``reconfirm_required`` must be confirmed again."""
    return list(tender_amendments(access_tender(request.user, reference)))


# --- end of questions ---------------------------------------------------------------------
