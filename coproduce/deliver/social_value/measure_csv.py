"""Reading a council's social value measure table from CSV, with no Django imports.

One row per measure, with a header row naming the columns (in any order; other columns
are ignored)::

    code,name,unit,proxy_pounds,source,price_year
    JOBS-LOCAL,Local people employed full time for a year,person,20000.00,Example: ...,2024

Every row is checked and every problem is reported with its row number and the rule it
breaks; the caller saves nothing unless there are none. Units come from a fixed list
(:data:`UNITS`) so that quantities are always counted the same way.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

#: The units a measure may be counted in: code → words shown after a quantity.
UNITS: dict[str, str] = {
    "person": "people",
    "job": "full-time jobs for a year",
    "week": "weeks",
    "hour": "hours",
    "session": "sessions",
    "pound": "pounds spent",
    "tonne_co2e": "tonnes of carbon dioxide equivalent",
    "mile": "miles",
}
#: The same for exactly one unit ("1 full-time job for a year").
UNIT_ONE: dict[str, str] = {
    "person": "person",
    "job": "full-time job for a year",
    "week": "week",
    "hour": "hour",
    "session": "session",
    "pound": "pound spent",
    "tonne_co2e": "tonne of carbon dioxide equivalent",
    "mile": "mile",
}
COLUMNS = ("code", "name", "unit", "proxy_pounds", "source", "price_year")
MAX_ROWS = 500
MAX_BYTES = 1024 * 1024
CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,29}")
POUNDS = re.compile(r"£?[0-9]{1,9}(\.[0-9]{1,2})?")
MAX_PROXY_PENCE = 100_000_000_00  # £100 million per unit is surely a typing mistake
NAME_MAX = 200
SOURCE_MAX = 300
EARLIEST_YEAR = 1990


@dataclass(frozen=True)
class MeasureRow:
    """One valid row."""

    code: str
    name: str
    unit: str
    proxy_pence: int
    source: str
    price_year: int


@dataclass(frozen=True)
class Problem:
    """One broken rule: the row (1 is the header) and column it is in, and a sentence."""

    row: int
    column: str
    code: str
    message: str

    def __str__(self) -> str:
        where = f"Row {self.row}" if self.row else "The file"
        return f"{where}: {self.message}"


def units_in_words() -> str:
    return ", ".join(UNITS)


def pounds_to_pence(text: str) -> int | None:
    """ "1,234.5" → 123450; None when it is not an amount in pounds and pence."""
    cleaned = text.replace(",", "").strip()
    if not POUNDS.fullmatch(cleaned):
        return None
    try:
        value = Decimal(cleaned.lstrip("£"))
    except InvalidOperation:  # pragma: no cover - the pattern only lets numbers through
        return None
    return int(value * 100)


def _check_row(number: int, raw: dict[str, str], seen: dict[str, int], this_year: int):
    problems: list[Problem] = []

    def bad(column: str, code: str, message: str) -> None:
        problems.append(Problem(number, column, code, message))

    values = {k: (raw.get(k) or "").strip() for k in COLUMNS}
    code = values["code"]
    if not code:
        bad("code", "code_missing", "the code is missing. Give every measure a short code.")
    elif not CODE.fullmatch(code):
        bad(
            "code",
            "code_invalid",
            f"the code “{code[:40]}” must be 1 to 30 letters, digits, dots, dashes or "
            "underscores, starting with a letter or digit.",
        )
    elif code.upper() in seen:
        bad(
            "code",
            "code_duplicate",
            f"the code “{code}” is already used on row {seen[code.upper()]}. Each code "
            "must appear once.",
        )
    else:
        seen[code.upper()] = number
    name = values["name"]
    if not name:
        bad("name", "name_missing", "the name of the measure is missing.")
    elif len(name) > NAME_MAX:
        bad("name", "name_too_long", f"the name must be {NAME_MAX} characters or fewer.")
    unit = values["unit"].lower()
    if not unit:
        bad("unit", "unit_missing", f"the unit is missing. Use one of: {units_in_words()}.")
    elif unit not in UNITS:
        bad(
            "unit",
            "unit_unknown",
            f"the unit “{values['unit'][:40]}” is not one we know. Use one of: {units_in_words()}.",
        )
    proxy_text = values["proxy_pounds"]
    proxy = None
    if not proxy_text:
        bad(
            "proxy_pounds",
            "proxy_missing",
            "the financial proxy (£ value per unit) is missing. Every measure needs one.",
        )
    else:
        proxy = pounds_to_pence(proxy_text)
        if proxy is None:
            bad(
                "proxy_pounds",
                "proxy_invalid",
                f"the financial proxy “{proxy_text[:40]}” must be an amount in pounds, "
                "like 1250 or 1250.50, with no minus sign.",
            )
        elif proxy <= 0:
            bad("proxy_pounds", "proxy_not_positive", "the financial proxy must be more than £0.")
        elif proxy > MAX_PROXY_PENCE:
            bad(
                "proxy_pounds",
                "proxy_too_large",
                "the financial proxy must be £100,000,000 or less per unit.",
            )
    source = values["source"]
    if not source:
        bad(
            "source",
            "source_missing",
            "the source of the financial proxy is missing. Say where the value comes from.",
        )
    elif len(source) > SOURCE_MAX:
        bad("source", "source_too_long", f"the source must be {SOURCE_MAX} characters or fewer.")
    year_text = values["price_year"]
    year = None
    if not year_text:
        bad("price_year", "year_missing", "the price year is missing (the year the £ value is in).")
    elif not re.fullmatch(r"[0-9]{4}", year_text):
        bad(
            "price_year",
            "year_invalid",
            f"the price year “{year_text[:40]}” must be a year with 4 digits, like 2024.",
        )
    else:
        year = int(year_text)
        if not EARLIEST_YEAR <= year <= this_year:
            bad(
                "price_year",
                "year_out_of_range",
                f"the price year must be between {EARLIEST_YEAR} and {this_year}.",
            )
    if problems:
        return None, problems
    return MeasureRow(code, name, unit, proxy, source, year), []


def parse_measures(data: bytes, *, today: dt.date) -> tuple[list[MeasureRow], list[Problem]]:
    """The rows of a measure table CSV and every problem found (rows only if none).

    ``today`` sets the latest price year allowed (the caller passes the council's date).
    """
    this_year = today.year
    if not data:
        return [], [Problem(0, "", "file_empty", "the file is empty.")]
    if len(data) > MAX_BYTES:
        return [], [Problem(0, "", "file_too_large", "the file is larger than 1 MB.")]
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return [], [Problem(0, "", "file_not_utf8", "the file must be a CSV saved as UTF-8 text.")]
    if "\x00" in text:
        return [], [Problem(0, "", "file_not_csv", "the file is not a CSV text file.")]
    try:
        reader = csv.reader(io.StringIO(text, newline=""))
        header = next(reader, None)
        if header is None:
            return [], [Problem(0, "", "file_empty", "the file is empty.")]
        names = [h.strip().lower() for h in header]
        missing = [c for c in COLUMNS if c not in names]
        if missing:
            return [], [
                Problem(
                    1,
                    "",
                    "columns_missing",
                    f"the header row has no column called {', '.join(missing)}. The first "
                    f"row must name the columns: {', '.join(COLUMNS)}.",
                )
            ]
        duplicated = sorted({n for n in names if n in COLUMNS and names.count(n) > 1})
        if duplicated:
            return [], [
                Problem(
                    1,
                    "",
                    "columns_duplicated",
                    f"the header row names {', '.join(duplicated)} more than once.",
                )
            ]
        rows: list[MeasureRow] = []
        problems: list[Problem] = []
        seen: dict[str, int] = {}
        counted = 0
        for number, cells in enumerate(reader, start=2):
            if not any(c.strip() for c in cells):
                continue  # blank lines are allowed
            counted += 1
            if counted > MAX_ROWS:
                problems.append(
                    Problem(
                        number,
                        "",
                        "too_many_rows",
                        f"a table may have at most {MAX_ROWS} measures.",
                    )
                )
                break
            raw = dict(zip(names, cells, strict=False))
            row, found = _check_row(number, raw, seen, this_year)
            problems.extend(found)
            if row is not None:
                rows.append(row)
    except csv.Error:
        return [], [Problem(0, "", "file_not_csv", "the file cannot be read as rows and columns.")]
    if not rows and not problems:
        problems.append(Problem(0, "", "no_measures", "the file has a header row but no measures."))
    return (rows, []) if not problems else ([], problems)
