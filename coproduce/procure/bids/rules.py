"""Who may do what with bids (django-rules). Views, services and the API ask these.

Bidder-side checks call the predicates directly (``is_bid_lead_member(user, bid)``), never
``user.has_perm``: Django answers True to every ``has_perm`` for a superuser, and a sealed
bid must stay closed to superusers too.

Nobody is given a permission that depends on the number or content of bids before the
closing time: council staff permissions below are combined with "the tender has been
opened" in the selectors (``coproduce.procure.bids.selectors``), never in templates.
"""

from __future__ import annotations

import rules

from coproduce.foundation.accounts.models import Membership
from coproduce.foundation.accounts.rules import is_commissioner, is_council_staff


@rules.predicate
def is_bid_organisation_member(user, bid) -> bool:
    """A member of the lead organisation or of a consortium member organisation."""
    if not getattr(user, "is_authenticated", False) or bid is None:
        return False
    org_ids = {bid.lead_organisation_id, *bid.members.values_list("organisation_id", flat=True)}
    return Membership.objects.filter(user=user, organisation_id__in=org_ids).exists()


@rules.predicate
def is_bid_lead_member(user, bid) -> bool:
    """A member of the lead organisation (who may submit, withdraw and re-confirm)."""
    if not getattr(user, "is_authenticated", False) or bid is None:
        return False
    return Membership.objects.filter(user=user, organisation_id=bid.lead_organisation_id).exists()


@rules.predicate
def is_opened(user, tender) -> bool:
    return tender is not None and hasattr(tender, "opening") and tender.opening is not None


rules.add_perm("bids.view_bid_as_bidder", is_bid_organisation_member)
rules.add_perm("bids.submit_bid", is_bid_lead_member)
# Staff: opening, compliance and required documents (commissioners and admins).
rules.add_perm("bids.open_bids", is_commissioner)
rules.add_perm("bids.decide_compliance", is_commissioner)
rules.add_perm("bids.change_requireddocument", is_commissioner)
# Reading opened bids: all council staff (finance included), only after opening.
rules.add_perm("bids.view_opened_bids", is_council_staff)
