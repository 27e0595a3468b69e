"""Reads for contracts: the public list on a project page and the staff list."""

from __future__ import annotations

from django.db.models import QuerySet

from coproduce.foundation.commissioning.models import CommissioningProject
from coproduce.foundation.core.errors import NotFound

from .models import Contract


def project_contracts(project: CommissioningProject) -> QuerySet[Contract]:
    """Contracts awarded under ``project`` (public: reference, provider, value, dates)."""
    return (
        Contract.objects.filter(project=project)
        .select_related("provider", "award__tender", "award__lot")
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
