"""Hooks: conflicts of interest, recorded by the panels app, hide bids here too.

A member of staff who declared a conflict of interest with a bid (or with a lot it is in)
must not read its content, anywhere, nor take a decision touching it. The declarations
live in the panels app, which sits above bids (panels imports bids, never the reverse), so
bids asks one question through this hook: which bids of this tender did this person
declare a conflict with? ``PanelsConfig.ready()`` registers the answer
(``panels.selectors.conflicted_bid_ids``) with ``register_conflict_check``. Asking before
anything is registered raises ``ImproperlyConfigured``: a bid must never be shown
because the check was silently missing.

The two sentences people read when a bid is hidden or a decision refused live here, at
the lowest app that shows them; panels and awards use the same ones.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.core.exceptions import ImproperlyConfigured

from coproduce.foundation.core.errors import ServiceError

CONFLICT_HIDDEN = "You declared a conflict of interest with this bid, so it is hidden from you."
CONFLICT_REFUSED = (
    "You declared a conflict of interest with a bid this decision touches. "
    "Another officer without a conflict must do this."
)

ConflictCheck = Callable[..., set[int]]  # (user, tender) -> ids of the conflicted bids

_conflict_check: ConflictCheck | None = None


def register_conflict_check(check: ConflictCheck) -> None:
    """Install the panels app's answer (called from ``PanelsConfig.ready()``)."""
    global _conflict_check
    _conflict_check = check


def conflicted_bid_ids(user, tender) -> set[int]:
    """Bids of ``tender`` that ``user`` declared a conflict of interest with (asks panels)."""
    if _conflict_check is None:
        raise ImproperlyConfigured(
            "No conflict-of-interest check is registered for bids: coproduce.procure.panels "
            "must be in INSTALLED_APPS (its AppConfig.ready() registers it)."
        )
    return _conflict_check(user, tender)


def require_no_conflict(user, bids: Iterable) -> None:
    """Refuse (ServiceError ``conflict_of_interest``) a decision touching a conflicted bid."""
    bids = list(bids)
    if not bids:
        return
    conflicted = conflicted_bid_ids(user, bids[0].tender)
    if any(b.pk in conflicted for b in bids):
        raise ServiceError("conflict_of_interest", CONFLICT_REFUSED)
