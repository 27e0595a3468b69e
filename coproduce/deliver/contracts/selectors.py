"""Reads for contracts: the public list on a project page and the staff list."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from coproduce.foundation.commissioning.models import CommissioningProject
from coproduce.foundation.core.errors import NotFound

from .models import (
    ChangeKind,
    ContactChange,
    Contract,
    ContractChange,
    ContractKPI,
    FrameworkProposal,
    FrameworkVersion,
    ProposalStatus,
)


def project_contracts(project: CommissioningProject) -> QuerySet[Contract]:
    """Contracts awarded under ``project`` (public: reference, provider, value, dates)."""
    return (
        Contract.objects.filter(project=project)
        .select_related("provider", "award__tender", "award__lot", "council_contact")
        .prefetch_related("kpis")
        .order_by("starts_on", "reference")
    )


def contract_list(*, user) -> QuerySet[Contract]:
    """Every contract, newest start first, for council staff; NotFound for anyone else."""
    if not getattr(user, "is_authenticated", False) or not user.has_perm("contracts.view_list"):
        raise NotFound()
    return Contract.objects.select_related("provider", "project", "award__tender").order_by(
        "-starts_on", "-pk"
    )


def access_contract_by_reference(user, reference: str) -> Contract:
    """One contract for council staff; NotFound for anyone else or a missing one."""
    contract = contract_list(user=user).filter(reference=reference).first()
    if contract is None:
        raise NotFound()
    return contract


def access_contract(user, reference: str, perm: str = "contracts.view_contract") -> Contract:
    """One contract that ``user`` holds ``perm`` on (see ``rules.py``); NotFound otherwise,
    exactly as for a contract that does not exist (a forbidden one never answers 403)."""
    contract = (
        Contract.objects.select_related("provider", "project", "award__tender", "council_contact")
        .filter(reference=reference)
        .first()
    )
    if (
        contract is None
        or not getattr(user, "is_authenticated", False)
        or not user.has_perm(perm, contract)
    ):
        raise NotFound()
    return contract


def contracts_for_provider_user(user) -> QuerySet[Contract]:
    """The contracts of every organisation ``user`` is a member of (newest first)."""
    if not getattr(user, "is_authenticated", False):
        return Contract.objects.none()
    return (
        Contract.objects.filter(provider__memberships__user=user)
        .select_related("provider", "project")
        .distinct()
        .order_by("-starts_on", "-pk")
    )


# --- one contract, with everything its pages show --------------------------------------------


@dataclass
class FrameworkState:
    """Where the monitoring framework stands: the agreed version, and any waiting one."""

    agreed: FrameworkVersion | None
    waiting: FrameworkVersion | None
    changed_since_agreed: bool
    problems: list[str]
    agreed_before_start: bool | None

    @property
    def can_agree(self) -> bool:
        return not self.problems and (self.agreed is None or self.changed_since_agreed)


def framework_state(contract: Contract) -> FrameworkState:
    versions = list(
        FrameworkVersion.objects.filter(contract=contract)
        .select_related("council_agreed_by", "provider_agreed_by")
        .order_by("-number")
    )
    agreed = next((v for v in versions if v.is_agreed), None)
    waiting = next((v for v in versions if not v.is_agreed), None)
    snapshot = [
        k.snapshot() for k in ContractKPI.objects.filter(contract=contract).order_by("position")
    ]
    first = versions[-1] if versions and versions[-1].is_agreed else None
    problems = []
    for kpi in snapshot:
        if not kpi["why_asked"].strip() or not kpi["how_used"].strip():
            problems.append(f"KPI {kpi['position']} needs why it is asked and how it will be used.")
    open_count = FrameworkProposal.objects.filter(
        contract=contract, status=ProposalStatus.OPEN
    ).count()
    if open_count:
        problems.append(
            f"{open_count} proposed change{'s' if open_count != 1 else ''} from the provider "
            "must be answered."
        )
    if not snapshot:
        problems.append("The contract has no KPIs.")
    return FrameworkState(
        agreed=agreed,
        waiting=waiting,
        changed_since_agreed=agreed is not None and agreed.kpis != snapshot,
        problems=problems,
        agreed_before_start=(
            None if first is None else first.agreed_at.date() < contract.starts_on
        ),
    )


def framework_versions(contract: Contract) -> list[FrameworkVersion]:
    return list(
        FrameworkVersion.objects.filter(contract=contract, agreed_at__isnull=False)
        .select_related("council_agreed_by", "provider_agreed_by")
        .order_by("-number")
    )


def contract_kpis(contract: Contract) -> list[ContractKPI]:
    return list(
        ContractKPI.objects.filter(contract=contract)
        .select_related("requirement")
        .order_by("position")
    )


def contract_proposals(contract: Contract) -> list[FrameworkProposal]:
    return list(
        FrameworkProposal.objects.filter(contract=contract)
        .select_related("kpi", "proposed_by", "decided_by")
        .order_by("-proposed_at", "-pk")
    )


def contract_changes(contract: Contract) -> list[ContractChange]:
    return list(
        ContractChange.objects.filter(contract=contract)
        .select_related("recorded_by")
        .order_by("effective_on", "pk")
    )


def contact_history(contract: Contract) -> list[ContactChange]:
    return list(
        ContactChange.objects.filter(contract=contract)
        .select_related("contact", "changed_by")
        .order_by("-changed_at", "-pk")
    )


def extension_months_used(contract: Contract) -> int:
    return sum(
        ContractChange.objects.filter(contract=contract, kind=ChangeKind.EXTENSION).values_list(
            "extension_months", flat=True
        )
    )


def contract_page(contract: Contract) -> dict:
    """Everything the staff and provider contract pages show."""
    used = extension_months_used(contract)
    return {
        "contract": contract,
        "kpis": contract_kpis(contract),
        "framework": framework_state(contract),
        "versions": framework_versions(contract),
        "proposals": contract_proposals(contract),
        "changes": contract_changes(contract),
        "contacts": contact_history(contract),
        "extension_used": used,
        "extension_left": max(contract.extension_months_available - used, 0),
    }


def access_kpi(contract: Contract, position) -> ContractKPI:
    try:
        position = int(position)
    except (TypeError, ValueError):
        raise NotFound() from None
    kpi = ContractKPI.objects.filter(contract=contract, position=position).first()
    if kpi is None:
        raise NotFound()
    return kpi


def access_proposal(contract: Contract, proposal_id) -> FrameworkProposal:
    try:
        proposal_id = int(proposal_id)
    except (TypeError, ValueError):
        raise NotFound() from None
    proposal = (
        FrameworkProposal.objects.filter(contract=contract, pk=proposal_id)
        .select_related("kpi", "proposed_by")
        .first()
    )
    if proposal is None:
        raise NotFound()
    return proposal


def access_project_for_record(user, reference: str) -> CommissioningProject:
    """A project a commissioner may record a contract let before coproduce for."""
    if not getattr(user, "is_authenticated", False) or not user.has_perm(
        "contracts.manage_contract"
    ):
        raise NotFound()
    project = CommissioningProject.objects.filter(reference=reference).first()
    if project is None:
        raise NotFound()
    return project
