"""``{% tender_outcome tender %}``: award status, standstill and cancellation, for everyone.

Shows no scores and no losing bidders; safe on the public tender page.
"""

from django import template
from django.urls import reverse

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
