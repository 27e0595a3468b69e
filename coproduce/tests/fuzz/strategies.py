"""Hypothesis strategies of malformed values, for form fields and query parameters.

Each strategy draws what a careless person or an attacker might send in place of a real
value: numbers that are huge, negative, not numbers at all, ``Infinity``/``NaN``/``1e309``;
very long text; NUL and other control characters; unusual unicode; nothing at all; several
values for one name; dates that are not dates; page numbers that are not pages.
"""

from __future__ import annotations

from hypothesis import strategies as st

NUMBERS = [
    "Infinity",
    "-Infinity",
    "NaN",
    "sNaN",
    "1e309",
    "-1e309",
    "99999999999999999999",
    "-99999999999999999999",
    "9223372036854775808",
    "-1",
    "0",
    "1,2,3",
    "1.5e3",
    "0x10",
    "١٢٣",
    "12.345",
    "£-0.001",
]
TEXT = [
    "",
    " ",
    "a\x00b",
    "\x00",
    "\x01\x02\x1b[31m",
    "\u202e\u200b\ufeff",
    "🙂" * 20,
    "null",
    "[]",
    "{}",
    "' OR 1=1 --",
    "<script>alert(1)</script>",
    "../../etc/passwd",
    "%00",
    "\r\nSet-Cookie: x=1",
]
DATES = ["2027-02-30", "31/13/2027", "0000-00-00", "9" * 20, "-1", "today", "2027-1-1T99:99"]
PAGES = ["99999999999999999999", "-1", "0", "abc", "1e3", "", "1.5"]

malformed_scalar = st.one_of(
    st.sampled_from(NUMBERS + TEXT + DATES + PAGES),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.text(
        alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]),
        max_size=30,
    ),
    st.just("x" * 10_000),
)
#: A value for one field or parameter: usually one string, sometimes several.
malformed_value = st.one_of(
    malformed_scalar,
    malformed_scalar,
    malformed_scalar,
    st.lists(malformed_scalar, min_size=2, max_size=3),
)

#: The bytes of an uploaded file: empty, a damaged zip, a fake PDF, random bytes.
BAD_FILES = [
    b"",
    b"PK\x03\x04" + b"\x00" * 40,
    b"PK\x05\x06" + b"\x00" * 18,
    b"%PDF-1.7\n%%EOF",
    b"\xff\xd8\xff" + b"\x00" * 10,
    b"\x00" * 64,
    b"META\nkey;value\nbudget;1e309\n",
    b"name,postcode,date_of_birth\n\x00,\xff\xfe,99/99/9999\n",
]
bad_file = st.one_of(st.sampled_from(BAD_FILES), st.binary(max_size=200))


def fields_strategy(names: list[str]) -> st.SearchStrategy[dict]:
    """Malformed values for each name (some left out, as a browser leaves out a box)."""
    return st.fixed_dictionaries({}, optional=dict.fromkeys(names, malformed_value))
