"""Taking out of a free-text answer what could identify the person who wrote it, before
a provider reads it. Pure Python, no Django.

Feedback is anonymous to the provider: it never sees who answered, when (to the minute)
or any id. People sometimes write their contact details into the text anyway ("call me
on 07700 900123"), so email addresses, phone numbers, postcodes and long numbers (an NHS
or National Insurance number, a reference) are replaced by "[removed]". Names cannot be
found reliably by a program; the commissioner sees the text as written.
"""

from __future__ import annotations

import re

REMOVED = "[removed]"

_PATTERNS = [
    # email addresses
    re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE),
    # web addresses (a personal page or profile)
    re.compile(r"\b(?:https?://|www\.)\S+", re.IGNORECASE),
    # UK postcodes, with or without the space (SW1A 1AA, M1 1AE, B338TH)
    re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b", re.IGNORECASE),
    # National Insurance numbers (QQ 12 34 56 C)
    re.compile(r"\b[A-Z]{2}\s?\d{2}\s?\d{2}\s?\d{2}\s?[A-D]\b", re.IGNORECASE),
    # phone numbers and other long numbers: 7 or more digits, spaces, dashes, brackets
    re.compile(r"(?<![\w])\+?\(?\d[\d\s().-]{5,}\d(?![\w])"),
]


def _long_enough(match: re.Match) -> bool:
    return sum(c.isdigit() for c in match.group(0)) >= 7


def anonymise(text: str) -> str:
    """``text`` with contact details and long numbers replaced by ``[removed]``."""
    out = text or ""
    for pattern in _PATTERNS[:-1]:
        out = pattern.sub(REMOVED, out)
    return _PATTERNS[-1].sub(lambda m: REMOVED if _long_enough(m) else m.group(0), out)
