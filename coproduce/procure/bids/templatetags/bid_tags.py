"""``{% bid_actions tender %}``: the "Start a bid" box on a published tender's page.

Shows a signed-in member of an organisation the way into their organisation's bid (start
or continue), asks visitors to sign in, and says nothing about anybody else's bids.
"""

from __future__ import annotations

from django import template

from coproduce.procure.tenders.selectors import tender_is_open

from ..selectors_bidder import tender_bid_for_user, user_organisations

register = template.Library()


@register.inclusion_tag("bids/bid_actions.html", takes_context=True)
def bid_actions(context, tender) -> dict:
    """The bidder's entry point for ``tender`` (published tenders only)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    signed_in = bool(user is not None and user.is_authenticated)
    published = tender is not None and tender.published_at is not None
    is_open = published and tender_is_open(tender)
    bids = tender_bid_for_user(user, tender) if signed_in and published else []
    organisation_count = user_organisations(user).count() if signed_in else 0
    return {
        "tender": tender,
        "show": published,
        "is_open": is_open,
        "signed_in": signed_in,
        "bids": bids,
        "has_organisation": organisation_count > 0,
        "can_start": organisation_count > len(bids),
        "next_path": request.get_full_path() if request is not None else "",
    }
