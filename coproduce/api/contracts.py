"""REST endpoints for one contract: its KPIs and monitoring framework, proposals,
agreement, variations and the council contact. A forbidden contract answers 404."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.http import HttpRequest
from ninja import Router, Schema, Status
from ninja.security import django_auth

from coproduce.deliver.contracts import selectors as sel
from coproduce.deliver.contracts import services as svc
from coproduce.foundation.core.errors import NotFound

from .schemas import IdempotencyKey

router = Router(tags=["contracts"])

MANAGE = "contracts.manage_contract"
PROVIDER = "contracts.act_for_provider"


class ErrorOut(Schema):
    code: str
    message: str
    field: str | None = None


class KPIOut(Schema):
    position: int
    text: str
    target: Decimal
    unit: str
    kind: str
    frequency: str
    direction: str
    green_from: Decimal
    red_beyond: Decimal
    why_asked: str
    how_used: str


class VersionOut(Schema):
    number: int
    agreed_at: dt.datetime | None
    council_agreed_by: str | None
    provider_agreed_by: str | None
    kpis: list[dict]

    @staticmethod
    def resolve_council_agreed_by(obj) -> str | None:
        return obj.council_agreed_by.full_name if obj.council_agreed_by_id else None

    @staticmethod
    def resolve_provider_agreed_by(obj) -> str | None:
        return obj.provider_agreed_by.full_name if obj.provider_agreed_by_id else None


class ContractDetailOut(Schema):
    reference: str
    title: str
    project: str
    provider: str
    status: str
    value_pence: int
    starts_on: dt.date
    ends_on: dt.date
    extension_months_available: int
    extension_terms: str
    council_contact: str | None
    kpis: list[KPIOut]
    agreed_versions: list[VersionOut]
    framework_changed_since_agreed: bool

    @staticmethod
    def resolve_project(obj) -> str:
        return obj.project.reference

    @staticmethod
    def resolve_provider(obj) -> str:
        return obj.provider.name

    @staticmethod
    def resolve_council_contact(obj) -> str | None:
        return obj.council_contact.full_name if obj.council_contact_id else None

    @staticmethod
    def resolve_kpis(obj) -> list:
        return sel.contract_kpis(obj)

    @staticmethod
    def resolve_agreed_versions(obj) -> list:
        return sel.framework_versions(obj)

    @staticmethod
    def resolve_framework_changed_since_agreed(obj) -> bool:
        return sel.framework_state(obj).changed_since_agreed


class ContractBriefOut(Schema):
    reference: str
    title: str
    provider: str
    starts_on: dt.date
    ends_on: dt.date

    @staticmethod
    def resolve_provider(obj) -> str:
        return obj.provider.name


@router.get("/my-contracts", response=list[ContractBriefOut], auth=django_auth)
def contracts_mine(request: HttpRequest):
    """The contracts of the organisations the signed-in person belongs to."""
    return list(sel.contracts_for_provider_user(request.user)[:200])


@router.get(
    "/contracts/{reference}",
    response={200: ContractDetailOut, 404: ErrorOut},
    auth=django_auth,
)
def contract_detail(request: HttpRequest, reference: str):
    """One contract with its KPIs and agreed framework versions (council staff, or a
    member of the provider)."""
    return sel.access_contract(request.user, reference)


class KPIFrameworkIn(Schema):
    direction: str
    green_from: str
    red_beyond: str
    why_asked: str = ""
    how_used: str = ""
    target: str | None = None


@router.post(
    "/contracts/{reference}/kpis/{position}",
    response={200: KPIOut, 400: ErrorOut, 404: ErrorOut},
    auth=django_auth,
)
def contract_kpi_update(
    request: HttpRequest, reference: str, position: int, payload: KPIFrameworkIn
):
    """Set a KPI's direction, thresholds, why it is asked and how it is used
    (commissioners). Inverted thresholds: 400 ``thresholds_inverted``."""
    contract = sel.access_contract(request.user, reference, perm=MANAGE)
    kpi = sel.access_kpi(contract, position)
    return svc.kpi_framework_update(
        actor=request.user, kpi=kpi, data=svc.KPIFrameworkData(**payload.dict())
    )


class ProposalIn(Schema):
    text: str


class ProposalOut(Schema):
    id: int
    kpi: int
    text: str
    status: str
    proposed_at: dt.datetime
    decision_reason: str

    @staticmethod
    def resolve_kpi(obj) -> int:
        return obj.kpi.position


@router.post(
    "/contracts/{reference}/kpis/{position}/proposals",
    response={201: ProposalOut, 400: ErrorOut, 404: ErrorOut},
    auth=django_auth,
)
def contract_propose(
    request: HttpRequest,
    reference: str,
    position: int,
    payload: ProposalIn,
    idempotency_key: IdempotencyKey = "",
):
    """The provider proposes a change to one KPI (members of the provider)."""
    contract = sel.access_contract(request.user, reference, perm=PROVIDER)
    kpi = sel.access_kpi(contract, position)
    proposal = svc.framework_propose(
        actor=request.user, kpi=kpi, text=payload.text, submission_key=idempotency_key
    )
    return Status(201, proposal)


class AnswerIn(Schema):
    accept: bool
    reason: str


@router.post(
    "/contracts/{reference}/proposals/{proposal_id}/answer",
    response={200: ProposalOut, 400: ErrorOut, 404: ErrorOut},
    auth=django_auth,
)
def contract_proposal_answer(
    request: HttpRequest, reference: str, proposal_id: int, payload: AnswerIn
):
    """Accept or decline a proposal with a reason (commissioners)."""
    contract = sel.access_contract(request.user, reference, perm=MANAGE)
    proposal = sel.access_proposal(contract, proposal_id)
    return svc.framework_proposal_decide(
        actor=request.user, proposal=proposal, accept=payload.accept, reason=payload.reason
    )


@router.post(
    "/contracts/{reference}/framework/agree",
    response={200: VersionOut, 400: ErrorOut, 404: ErrorOut},
    auth=django_auth,
)
def contract_framework_agree(request: HttpRequest, reference: str):
    """Agree the framework as it stands: for the council (commissioners) or for the
    provider (its members). Fixed when both have agreed the same version."""
    contract = sel.access_contract(request.user, reference)
    if request.user.has_perm(MANAGE, contract):
        side = "council"
    elif request.user.has_perm(PROVIDER, contract):
        side = "provider"
    else:
        raise NotFound()
    return svc.framework_agree(actor=request.user, contract=contract, side=side)


class ChangeIn(Schema):
    kind: str
    reason: str
    value_change_pence: int = 0
    effective_on: dt.date
    approved_by: str
    extension_months: int = 0


class ChangeOut(Schema):
    kind: str
    reason: str
    value_change_pence: int
    effective_on: dt.date
    approved_by: str
    extension_months: int
    ends_on_after: dt.date
    flagged: bool
    flag_text: str


@router.post(
    "/contracts/{reference}/changes",
    response={201: ChangeOut, 400: ErrorOut, 404: ErrorOut},
    auth=django_auth,
)
def contract_change_record(
    request: HttpRequest, reference: str, payload: ChangeIn, idempotency_key: IdempotencyKey = ""
):
    """Record a variation, extension or early end (commissioners)."""
    contract = sel.access_contract(request.user, reference, perm=MANAGE)
    change = svc.contract_change_record(
        actor=request.user,
        contract=contract,
        data=svc.ChangeData(**payload.dict()),
        submission_key=idempotency_key,
    )
    return Status(201, change)


class ContactIn(Schema):
    contact_id: int
    reason: str


@router.post(
    "/contracts/{reference}/contact",
    response={200: ContractDetailOut, 400: ErrorOut, 404: ErrorOut},
    auth=django_auth,
)
def contract_contact_change(request: HttpRequest, reference: str, payload: ContactIn):
    """Name a new council contact, with a reason (commissioners)."""
    contract = sel.access_contract(request.user, reference, perm=MANAGE)
    return svc.contract_contact_change(
        actor=request.user, contract=contract, contact_id=payload.contact_id, reason=payload.reason
    )
