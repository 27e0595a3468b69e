"""How much feedback one address may send: ``FEEDBACK_RATE`` (default 30 an hour).

Counted per address (hashed, see ``core.ratelimit``) across every service's form and the
API, so one connection cannot flood a service's score; generous enough for a day centre
whose visitors answer on one shared tablet.
"""

from __future__ import annotations

from django.conf import settings

from coproduce.foundation.core import ratelimit

DEFAULT_RATE = "30/h"
SCOPE = "feedback:give"


def feedback_rate() -> tuple[int, int]:
    """(limit, period in seconds) from ``FEEDBACK_RATE``, e.g. "30/h"."""
    rate = getattr(settings, "FEEDBACK_RATE", DEFAULT_RATE)
    return ratelimit.parse_rate(rate, setting="FEEDBACK_RATE")


def over_rate(request) -> bool:
    """Count one feedback submission from this address; True when over the limit."""
    limit, period = feedback_rate()
    return not ratelimit.hit(request, scope=SCOPE, limit=limit, period=period)
