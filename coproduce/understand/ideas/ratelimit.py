"""Rate limit for anonymous ideas and comment reports (setting IDEAS_ANON_RATE, e.g. "10/h")."""

from __future__ import annotations

from django.conf import settings

from coproduce.foundation.core import ratelimit

DEFAULT_RATE = "10/h"


def parse_rate(rate: str) -> tuple[int, int]:
    return ratelimit.parse_rate(rate, setting="IDEAS_ANON_RATE")


def hit(request, *, bucket: str) -> bool:
    """Count one anonymous attempt; True if it is within the limit, False if over it."""
    limit, period = parse_rate(getattr(settings, "IDEAS_ANON_RATE", DEFAULT_RATE))
    return ratelimit.hit(request, scope=f"ideas:{bucket}", limit=limit, period=period)
