"""Recording refused attempts that matter, without letting traffic flood the audit trail.

Three refusals are recorded (audit verbs):

* ``bids.bid.access_refused``: a signed-in user asked for a bid page, receipt, partner place or
  document of a bid none of whose organisations they belong to (the answer is the same
  404 as for a bid that does not exist);
* ``bids.bid.open_refused``: an officer allowed to open bids tried before the closing
  time;
* ``bids.bid.withdraw_refused``: a lead member tried to withdraw after the closing time.

Each is written in a transaction of its own (so it survives the refusal) at most once per
``REFUSAL_RECORD_SECONDS`` for the same user and target, counted in Django's cache (with
several app servers, configure a shared cache so the window is shared). Anonymous
requests are never recorded: bidder pages send them to sign in and the API answers 401.
The verbs start with ``bids.bid.``, so the audit core puts them in the tender's sealed
stream with the other bid events (hidden until the bids are opened).
"""

from __future__ import annotations

from typing import Any

from django.core.cache import cache
from django.db import models, transaction

from coproduce.foundation.core.audit import audit_record

from .rules import is_bid_organisation_member

REFUSAL_RECORD_SECONDS = 60


def _window_key(*, verb: str, actor, target: models.Model) -> str:
    return f"bids:refused:{verb}:{actor.pk}:{target._meta.label_lower}:{target.pk}"


def refusal_record(
    *,
    actor,
    verb: str,
    target: models.Model,
    changes: dict[str, Any] | None = None,
    reason: str = "",
) -> bool:
    """Record one refused attempt; True if written, False when anonymous or already
    recorded for this user and target in the last ``REFUSAL_RECORD_SECONDS``.

    ``cache.add`` claims the window atomically, so concurrent refusals write one row.
    """
    if actor is None or not getattr(actor, "is_authenticated", False):
        return False
    if not cache.add(_window_key(verb=verb, actor=actor, target=target), 1, REFUSAL_RECORD_SECONDS):
        return False
    with transaction.atomic():
        audit_record(actor=actor, verb=verb, target=target, changes=changes or {}, reason=reason)
    return True


def bid_access_refused(*, actor, bid, what: str) -> None:
    """Record (rate-limited) that ``actor`` asked for ``what`` ("bid", "receipt",
    "partner place", "document") of ``bid`` without belonging to any of its organisations.

    Called by the bidder ``access_*`` selectors just before they raise NotFound. A member
    of a partner organisation refused a lead-only page is not recorded: the bid is theirs too.
    """
    if not getattr(actor, "is_authenticated", False) or is_bid_organisation_member(actor, bid):
        return
    refusal_record(
        actor=actor,
        verb="bids.bid.access_refused",
        target=bid,
        changes={"what": what},
        reason="Asked for another organisation's bid; answered 'not found'.",
    )
