"""Hooks through which the apps above awards take part in award decisions.

Imports run one way (docs/architecture.md): complaints may import awards, and deliver
(contracts) may import procure, but awards never imports either. Where an award must ask a
higher app a question, or let it act, it calls a hook here, and that app registers its
answer in its ``AppConfig.ready()``. No Django signals: every hook is called explicitly, in
the caller's transaction, and a hook that must be answered fails loudly when nobody
registered it (an award must never be confirmed because a check was silently missing).

- **Complaints** (``ComplaintsConfig.ready()`` calls ``register_complaint_checks``):
  ``complaint_blocks_award(tender)`` — is a complaint about the tender still open? (a
  standstill award shows as paused and cannot be confirmed or resumed); and
  ``complaint_decided_since(tender_id=, since=)`` — was a complaint about the tender
  decided after this moment? (the officer must resume or withdraw the award first).
- **Contracts** (``ContractsConfig.ready()`` calls ``on_award_confirmed``): every callback
  runs inside ``award_confirm``'s transaction, after the decision is marked confirmed and
  before its audit row; the contracts callback creates the contract record (and audits
  it), so an award is never confirmed without its contract, nor the reverse.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured

from coproduce.procure.tenders.models import Tender

from .models import AwardDecision

# --- complaints ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ComplaintChecks:
    """The two questions awards asks the complaints app."""

    blocks_award: Callable[[Tender], bool]
    decided_since: Callable[..., bool]  # (*, tender_id: int, since: datetime) -> bool


_complaint_checks: ComplaintChecks | None = None


def register_complaint_checks(checks: ComplaintChecks) -> None:
    """Install the complaints app's answers (called from ``ComplaintsConfig.ready()``)."""
    global _complaint_checks
    _complaint_checks = checks


def _checks() -> ComplaintChecks:
    if _complaint_checks is None:
        raise ImproperlyConfigured(
            "No complaint checks are registered for awards: coproduce.procure.complaints "
            "must be in INSTALLED_APPS (its AppConfig.ready() registers them)."
        )
    return _complaint_checks


def complaint_blocks_award(tender: Tender) -> bool:
    """True while any complaint about ``tender`` is still open (asks the complaints app)."""
    return _checks().blocks_award(tender)


def complaint_decided_since(*, tender_id: int, since: dt.datetime) -> bool:
    """True when a complaint about the tender was decided after ``since`` (asks complaints)."""
    return _checks().decided_since(tender_id=tender_id, since=since)


# --- award confirmed -----------------------------------------------------------------------


@dataclass(frozen=True)
class AwardConfirmation:
    """What a callback learns when an award is confirmed (inside the transaction).

    ``decision`` is the locked row, already marked confirmed; ``value_pence`` is the winning
    price for the lot; ``starts_on`` the contract start the officer entered."""

    actor: object
    decision: AwardDecision
    starts_on: dt.date
    value_pence: int


_award_confirmed: list[Callable[[AwardConfirmation], object]] = []


def on_award_confirmed(callback: Callable[[AwardConfirmation], object]) -> None:
    """Register ``callback`` to run inside every award confirmation (once per callback)."""
    if callback not in _award_confirmed:
        _award_confirmed.append(callback)


def award_confirmed(confirmation: AwardConfirmation) -> None:
    """Run the registered callbacks, in order; called by ``award_confirm`` only.

    A callback that raises rolls the whole confirmation back."""
    if not _award_confirmed:
        raise ImproperlyConfigured(
            "Nothing is registered to create the contract when an award is confirmed: "
            "coproduce.deliver.contracts must be in INSTALLED_APPS."
        )
    for callback in _award_confirmed:
        callback(confirmation)
