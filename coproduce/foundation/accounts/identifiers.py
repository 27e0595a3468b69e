"""Organisation identifiers in the org-id.guide style (e.g. GB-CHC-1234567).

Pure functions, no Django: each scheme has a pattern and a normaliser so that what a
person types ("01234567", "sc 123456") becomes the canonical stored form.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Scheme:
    code: str
    name: str
    pattern: re.Pattern[str]
    example: str
    hint: str


SCHEMES: dict[str, Scheme] = {
    s.code: s
    for s in [
        Scheme(
            "GB-CHC",
            "Charity Commission for England and Wales",
            re.compile(r"^[1-9]\d{5,6}$"),
            "1234567",
            "6 or 7 digits, for example 1234567",
        ),
        Scheme(
            "GB-SC",
            "Scottish Charity Regulator (OSCR)",
            re.compile(r"^SC0\d{5}$"),
            "SC012345",
            "SC followed by 6 digits, for example SC012345",
        ),
        Scheme(
            "GB-NIC",
            "Charity Commission for Northern Ireland",
            re.compile(r"^1\d{5}$"),
            "100123",
            "6 digits starting with 1, for example 100123",
        ),
        Scheme(
            "GB-COH",
            "Companies House",
            re.compile(r"^(\d{8}|(SC|NI|OC|SO|NC|IP|SP|RS|SL|CE|CS|NP)\d{6}|R\d{7})$"),
            "01234567",
            "8 characters: 8 digits, or 2 letters and 6 digits, for example 01234567 or SC123456",
        ),
        Scheme(
            "GB-MPR",
            "Mutuals Public Register (co-operatives and community benefit societies)",
            re.compile(r"^\d{1,6}R?$"),
            "31234R",
            "up to 6 digits, sometimes followed by R, for example 31234R",
        ),
    ]
}


class IdentifierError(ValueError):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def normalise(scheme: str, value: str) -> str:
    """Return the canonical identifier, or raise ``IdentifierError`` saying what to fix."""
    if scheme not in SCHEMES:
        raise IdentifierError("unknown_scheme", f"“{scheme}” is not an identifier scheme we know.")
    spec = SCHEMES[scheme]
    cleaned = re.sub(r"[\s\-./]", "", value).upper()
    prefix = spec.code.replace("-", "")
    if cleaned.startswith(prefix):
        cleaned = cleaned[len(prefix) :]
    if scheme == "GB-COH" and cleaned.isdigit() and 5 <= len(cleaned) < 8:
        cleaned = cleaned.zfill(8)  # Companies House numbers are often written without zeros
    if not spec.pattern.match(cleaned):
        raise IdentifierError(
            "invalid_identifier", f"Enter a valid {spec.name} number: {spec.hint}."
        )
    return cleaned


def org_id(scheme: str, value: str) -> str:
    """The org-id string, e.g. ``GB-COH-01234567``."""
    return f"{scheme}-{value}"


UK_POSTCODE = re.compile(r"^([A-Z]{1,2}\d[A-Z\d]?) ?(\d[A-Z]{2})$")


def normalise_postcode(value: str) -> str:
    """Return a UK postcode as ``OUTWARD INWARD`` in capitals, or raise ``IdentifierError``."""
    cleaned = re.sub(r"\s+", "", value).upper()
    match = UK_POSTCODE.match(cleaned)
    if not match:
        raise IdentifierError("invalid_postcode", "Enter a full UK postcode, like RV1 2AB.")
    return f"{match.group(1)} {match.group(2)}"


def postcode_district(postcode: str) -> str:
    return postcode.split(" ")[0] if postcode else ""


def field_name(scheme: str) -> str:
    """The form field that holds a scheme's number, e.g. GB-CHC → ``id_gb_chc``."""
    return "id_" + scheme.replace("-", "_").lower()
