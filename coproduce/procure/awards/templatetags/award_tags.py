"""``{% tender_outcome tender %}``: award status, standstill and cancellation, for everyone;
``{% award_public_summary tender %}``: the award reasons and the winning scores.

Neither shows anything of a losing bidder; both are safe on public pages.
"""

from django import template
from django.urls import reverse

from coproduce.procure.awards.selectors import award_public_summaries
from coproduce.procure.awards.selectors import tender_outcome as _tender_outcome

register = template.Library()


@register.inclusion_tag("awards/includes/tender_outcome.html")
def tender_outcome(tender) -> dict:
    """The outcome section of ``tender``; renders nothing before an award or cancellation."""
    outcome = _tender_outcome(tender)
    market_url = (
        reverse("awards:tender_market", args=[tender.reference]) if outcome.has_award else ""
    )
    return {"outcome": outcome, "market_url": market_url}


@register.inclusion_tag("awards/includes/award_summary.html")
def award_public_summary(tender) -> dict:
    """``{% award_public_summary tender %}``: who won and why, with the winning bid's score
    per criterion and the panel by kind. Nothing of any other bidder. Renders nothing
    before an award."""
    return {"tender": tender, "summaries": award_public_summaries(tender)}
