"""REST endpoints for the forward plan, supplier events and published complaint outcomes.

Read-only and public: the same selectors as the pages, so drafts, registrations and
complainants' identities never appear here.
"""

import datetime as dt

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.pagination import paginate

from coproduce.plan.forward_plan.selectors import places_left, public_plan_entries, upcoming_events
from coproduce.procure.complaints.selectors import access_published_tender, tender_outcomes

from .pagination import PageNumberPagination
from .schemas import ErrorOut

router = Router(tags=["pipeline"])


class PlanEventOut(Schema):
    id: int
    title: str
    starts_at: dt.datetime


class PlanEntryOut(Schema):
    id: int
    title: str
    description: str
    service_area: str
    estimated_value_pence: int
    expected_tender_on: dt.date
    intended_route: str
    status: str
    published_at: dt.datetime | None
    withdrawn_reason: str
    project_reference: str | None
    tender_reference: str | None
    events: list[PlanEventOut]

    @staticmethod
    def resolve_service_area(obj) -> str:
        return obj.service_area.slug

    @staticmethod
    def resolve_project_reference(obj) -> str | None:
        return obj.project.reference if obj.project and obj.project.published_at else None

    @staticmethod
    def resolve_tender_reference(obj) -> str | None:
        return obj.tender.reference if obj.tender and obj.tender.published_at else None

    @staticmethod
    def resolve_events(obj) -> list:
        return obj.public_events


class EventOut(Schema):
    id: int
    title: str
    description: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    venue: str
    online: bool
    accessibility: str
    capacity: int | None
    places_left: int | None
    registration_closes_at: dt.datetime
    cancelled: bool
    cancelled_reason: str

    @staticmethod
    def resolve_online(obj) -> bool:
        # Joining details themselves go only to registered people, by email.
        return bool(obj.online_joining_details)

    @staticmethod
    def resolve_places_left(obj) -> int | None:
        return places_left(obj)

    @staticmethod
    def resolve_cancelled(obj) -> bool:
        return bool(obj.cancelled_reason)


class OutcomeOut(Schema):
    reference: str
    subject: str
    status: str
    published_outcome: str
    decided_at: dt.datetime | None


class TenderComplaintsOut(Schema):
    tender_reference: str
    open_count: int
    decided: list[OutcomeOut]


@router.get("/forward-plan", response=list[PlanEntryOut], summary="The public forward plan")
@paginate(PageNumberPagination, page_size=100)
def forward_plan(request: HttpRequest):
    """Published entries (including tendered and withdrawn ones), by expected tender date."""
    return public_plan_entries()


@router.get("/events", response=list[EventOut], summary="Upcoming supplier events")
@paginate(PageNumberPagination, page_size=100)
def events(request: HttpRequest):
    return upcoming_events()


@router.get(
    "/opportunities/{reference}/complaints",
    response={200: TenderComplaintsOut, 404: ErrorOut},
    summary="Published complaint outcomes for a tender",
)
def tender_complaints(request: HttpRequest, reference: str):
    """Outcomes of decided complaints (no names) and how many are still open."""
    tender = access_published_tender(reference)
    outcomes = tender_outcomes(tender)
    return {
        "tender_reference": tender.reference,
        "open_count": outcomes.open_count,
        "decided": outcomes.decided,
    }
