"""Throttling of password-reset requests, per client and per email address.

Counted with the shared fixed-window limiter (``core.ratelimit``). The email address is
keyed with SECRET_KEY before it names a cache entry, so the cache never holds it. Limits
are settings: ``PASSWORD_RESET_RATE`` (per client, default 5 an hour) and
``PASSWORD_RESET_EMAIL_RATE`` (per address, from every client together, default 3 an
hour). Both count whether or not the address has an account, so the refusal reveals
nothing either.
"""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings

from coproduce.foundation.core import ratelimit

DEFAULT_CLIENT_RATE = "5/h"
DEFAULT_EMAIL_RATE = "3/h"
RESET_REFUSED = (
    "Too many requests to reset a password. Wait an hour, then try again. "
    "If you already asked, check your email (and its spam folder) for the link."
)


def _email_scope(email: str) -> str:
    digest = hmac.new(
        settings.SECRET_KEY.encode(), email.strip().lower().encode(), hashlib.sha256
    ).hexdigest()[:32]
    return f"password_reset:email:{digest}"


def password_reset_allowed(request, email: str) -> bool:
    """Count one reset request from this client and for this address; False when either
    is over its limit (the request is then refused and no email is sent)."""
    limit, period = ratelimit.parse_rate(
        getattr(settings, "PASSWORD_RESET_RATE", DEFAULT_CLIENT_RATE),
        setting="PASSWORD_RESET_RATE",
    )
    email_limit, email_period = ratelimit.parse_rate(
        getattr(settings, "PASSWORD_RESET_EMAIL_RATE", DEFAULT_EMAIL_RATE),
        setting="PASSWORD_RESET_EMAIL_RATE",
    )
    client_ok = ratelimit.hit(request, scope="password_reset", limit=limit, period=period)
    email_ok = ratelimit.hit(
        None, scope=_email_scope(email), limit=email_limit, period=email_period
    )
    return client_ok and email_ok
