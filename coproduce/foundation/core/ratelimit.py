"""A fixed-window rate limit for anonymous writes, counted in Django's cache per address.

The address is hashed (with SECRET_KEY) before it is used as a key, so the cache never
holds a visitor's IP address. ``REMOTE_ADDR`` is used as given: behind a proxy, configure
the proxy to set it (``X-Forwarded-For`` from the internet is not trusted). With several
app servers, configure a shared cache (e.g. Redis) so the counts are shared.
"""

from __future__ import annotations

import hashlib
import re

from django.conf import settings
from django.core.cache import cache

PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_rate(rate: str, *, setting: str = "rate") -> tuple[int, int]:
    """'10/h' → (10, 3600). A malformed setting is a configuration error."""
    match = re.fullmatch(r"\s*(\d+)\s*/\s*([smhd])\s*", rate or "")
    if not match:
        raise ValueError(f"{setting} must look like '10/h', not {rate!r}")
    return int(match.group(1)), PERIODS[match.group(2)]


def client_key(request) -> str:
    address = request.META.get("REMOTE_ADDR", "") or "unknown"
    return hashlib.sha256(f"{settings.SECRET_KEY}:{address}".encode()).hexdigest()[:32]


def _key(request, scope: str) -> str:
    # ``request=None`` counts attempts from every address together (a limit on a target,
    # such as one voting round, that spreading guesses over many addresses cannot avoid).
    return f"rate:{scope}:{client_key(request) if request is not None else 'everyone'}"


def attempts(request, *, scope: str) -> int:
    """How many attempts ``scope`` has counted from this address (``None``: from everyone)
    in the current window, without counting one more."""
    return cache.get(_key(request, scope), 0)


def hit(request, *, scope: str, limit: int, period: int) -> bool:
    """Count one attempt in ``scope`` from this address (``None``: from everyone); True
    while within ``limit``."""
    key = _key(request, scope)
    cache.add(key, 0, timeout=period)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=period)
        count = 1
    return count <= limit
