"""Shapes of what the API accepts and returns."""

import datetime as dt
from typing import Annotated

from ninja import Field, Header, Schema

from coproduce.foundation.core.idempotency import HEADER

# The optional ``Idempotency-Key`` header of the create operations (nothing twice): a
# repeat with the same key by the same user returns what the first request created.
IdempotencyKey = Annotated[
    str,
    Header(
        alias=HEADER,
        description=(
            "Optional. 16 to 128 letters, digits, '-', '_', '.' or ':' (a UUID will do). "
            "A repeat with the same key by the same user returns the first result and "
            "creates nothing new."
        ),
    ),
]


class ErrorOut(Schema):
    code: str
    message: str
    field: str | None = None


class StageChangeOut(Schema):
    from_stage: str
    to_stage: str
    reason: str
    decided_by: str
    decided_at: dt.datetime
    cycle: int
    #: The page of the event that moved the project (a published tender, a confirmed
    #: award, a review), when the move followed one; empty for a decision made by hand.
    link: str = ""

    @staticmethod
    def resolve_decided_by(obj) -> str:
        return obj.decided_by.full_name


class ProjectOut(Schema):
    reference: str
    title: str
    service_area: str
    summary: str
    budget_pence: int
    starts_on: dt.date
    ends_on: dt.date
    stage: str
    cycle: int
    owner: str
    published_at: dt.datetime | None

    @staticmethod
    def resolve_service_area(obj) -> str:
        return obj.service_area.slug

    @staticmethod
    def resolve_owner(obj) -> str:
        return obj.owner.full_name


class ProjectDetailOut(ProjectOut):
    timeline: list[StageChangeOut]

    @staticmethod
    def resolve_timeline(obj) -> list:
        return list(obj.stage_changes.select_related("decided_by").order_by("decided_at", "pk"))


class ProjectIn(Schema):
    title: str = Field(max_length=200)
    service_area: str = Field(description="Service area slug, e.g. adult-social-care")
    summary: str = Field(max_length=5000)
    budget_pence: int
    starts_on: dt.date
    ends_on: dt.date
    owner_email: str | None = Field(default=None, description="Defaults to you")


class StageChangeIn(Schema):
    stage: str
    reason: str = Field(max_length=5000)


class OrganisationOut(Schema):
    slug: str
    name: str
    legal_form: str
    size_band: str
    identifiers: list[str]
    is_vcse: bool
    is_user_led: bool
    is_supported_business: bool
    workforce_disadvantaged_percent: int | None
    is_local: bool
    service_areas: list[str]

    @staticmethod
    def resolve_identifiers(obj) -> list[str]:
        return [i.org_id for i in obj.identifiers.all()]

    @staticmethod
    def resolve_service_areas(obj) -> list[str]:
        return [a.slug for a in obj.service_areas.all()]
