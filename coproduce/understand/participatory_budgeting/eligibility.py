"""Eligibility registers (what Decidim calls a census): reading the council's CSV and the
keyed hashes that are all the database keeps of it.

A register lists the people who may vote in one round: a name or reference, a postcode
and a date of birth. Nothing of it is stored in plain text. Each person becomes two
HMAC-SHA256 values under the ``ELIGIBILITY_HASH_KEY`` setting, which lives outside the
database, each also keyed by the round's reference (so the same person has unrelated
hashes in two rounds):

* ``person_key``: the normalised postcode and date of birth, which is what a voter gives
  on the residency form or an officer types from a paper ballot;
* ``reference_key``: the normalised name or reference, so that an uploaded replacement
  register recognises someone whose postcode or date of birth was corrected.

``parse_register`` reads the file and returns every problem with its line number, so the
officer can fix them all at once; a file with any problem changes nothing.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import hmac
import io
import re
from dataclasses import dataclass

from django.conf import settings

POSTCODE_RE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?) ?([0-9][A-Z]{2})$")
MAX_ROWS = 250_000
MAX_PROBLEMS_SHOWN = 100
OLDEST_AGE = 120

REFERENCE_HEADERS = {"reference", "ref", "name", "nameorreference", "fullname", "id"}
POSTCODE_HEADERS = {"postcode", "postalcode"}
DOB_HEADERS = {"dateofbirth", "dob", "birthdate", "born"}

_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00)?)?$")
_DMY = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2,4})(?: 00:00(?::00)?)?$")
_SERIAL = re.compile(r"^\d{4,6}(?:\.0+)?$")


def _key(round_reference: str, kind: str, value: str) -> str:
    secret = settings.ELIGIBILITY_HASH_KEY.encode()
    message = f"budgeting.register:{kind}:{round_reference}:{value}".encode()
    return hmac.new(secret, message, hashlib.sha256).hexdigest()


def normalise_postcode(text: str) -> str | None:
    """``rv4 2ab`` → ``RV42AB``; None if it is not shaped like a UK postcode."""
    postcode = re.sub(r"\s+", "", text or "").upper()
    return postcode if POSTCODE_RE.match(postcode) else None


def postcode_district(postcode: str) -> str:
    """The outward part of a normalised postcode: ``RV42AB`` → ``RV4``."""
    match = POSTCODE_RE.match(postcode)
    return match.group(1) if match else ""


def normalise_reference(text: str) -> str:
    """Case, accents aside, and runs of spaces do not make a different person."""
    return " ".join((text or "").split()).casefold()


def person_key(round_reference: str, postcode: str, date_of_birth: dt.date) -> str:
    """The keyed hash of a normalised postcode and a date of birth in one round."""
    return _key(round_reference, "person", f"{postcode}:{date_of_birth.isoformat()}")


def reference_key(round_reference: str, reference: str) -> str:
    return _key(round_reference, "reference", normalise_reference(reference))


def parse_date(text: str) -> dt.date:
    """A date of birth as ``DD/MM/YYYY`` (also with ``-`` or ``.``) or ``YYYY-MM-DD``.

    Raises ``ValueError`` with a sentence saying what is wrong: two-digit years and
    spreadsheet date numbers are refused rather than guessed.
    """
    value = (text or "").strip()
    if not value:
        raise ValueError("the date of birth is missing")
    if _SERIAL.match(value):
        raise ValueError(
            f"“{value}” looks like a spreadsheet date number: format the column as a date "
            "(DD/MM/YYYY) and save the file again"
        )
    iso, dmy = _ISO.match(value), _DMY.match(value)
    if iso:
        year, month, day = (int(g) for g in iso.groups())
    elif dmy:
        day, month, year_text = int(dmy.group(1)), int(dmy.group(2)), dmy.group(3)
        if len(year_text) != 4:
            raise ValueError(f"“{value}” needs the year in full, for example 14/03/1980")
        year = int(year_text)
    else:
        raise ValueError(f"“{value}” is not a date: write it as DD/MM/YYYY, for example 14/03/1980")
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise ValueError(f"“{value}” is not a real date") from None


def age_on(date_of_birth: dt.date, on: dt.date) -> int:
    return (
        on.year
        - date_of_birth.year
        - ((on.month, on.day) < (date_of_birth.month, date_of_birth.day))
    )


@dataclass(frozen=True)
class RegisterRow:
    """One valid line of a register: its line number, what to print, and its two keys."""

    line: int
    reference: str
    postcode: str
    person_key: str
    reference_key: str


def _decode(data: bytes) -> str:
    if data.startswith(b"PK\x03\x04") or data.startswith(b"\xd0\xcf\x11\xe0"):
        raise ValueError(
            "This is a spreadsheet workbook, not a CSV file. In your spreadsheet, choose "
            "Save as, then CSV (comma delimited), and upload that file."
        )
    if b"\x00" in data:
        raise ValueError("The file is not a CSV text file. Upload a CSV file.")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Excel on Windows saves "CSV" in Windows-1252 unless told otherwise.
        return data.decode("cp1252", errors="replace")


def _column(headers: list[str], names: set[str]) -> int | None:
    for i, header in enumerate(headers):
        if re.sub(r"[^a-z]", "", header.lower()) in names:
            return i
    return None


def parse_register(
    data: bytes,
    *,
    round_reference: str,
    districts: list[str],
    min_age: int,
    age_on_date: dt.date,
    today: dt.date,
) -> tuple[list[RegisterRow], list[str]]:
    """Read a register CSV; return its valid rows and every problem, each with its line.

    The first line that is not blank names the columns (in any order): a name or
    reference, a postcode and a date of birth. Blank lines are skipped; line numbers are
    those a spreadsheet shows. Two lines with the same reference, or the same postcode and
    date of birth, are a problem: the register could not tell those people apart.
    """
    try:
        text = _decode(data)
    except ValueError as exc:
        return [], [str(exc)]
    lines = text.splitlines()
    sample = next((ln for ln in lines if ln.strip()), "")
    delimiter = ";" if sample.count(";") > sample.count(",") else ","
    if "\t" in sample and "," not in sample and ";" not in sample:
        delimiter = "\t"
    rows: list[RegisterRow] = []
    problems: list[str] = []
    seen_reference: dict[str, int] = {}
    seen_person: dict[str, int] = {}
    columns: tuple[int, int, int] | None = None
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for cells in reader:
            number = reader.line_num
            if not any(cell.strip() for cell in cells):
                continue
            if columns is None:
                found = [
                    _column(cells, REFERENCE_HEADERS),
                    _column(cells, POSTCODE_HEADERS),
                    _column(cells, DOB_HEADERS),
                ]
                missing = [
                    label
                    for label, index in zip(
                        ("a name or reference", "postcode", "date of birth"), found, strict=True
                    )
                    if index is None
                ]
                if missing:
                    return [], [
                        f"Line {number}: the first line must name the columns: reference (or "
                        f"name), postcode and date of birth. Missing: {', '.join(missing)}."
                    ]
                columns = (found[0], found[1], found[2])
                continue
            if len(rows) + len(problems) >= MAX_ROWS:
                return [], [
                    f"The file has more than {MAX_ROWS:,} people. Split the area into rounds."
                ]
            line_problems = []
            width = max(columns) + 1
            if len(cells) < width:
                problems.append(
                    f"Line {number}: this line has {len(cells)} columns; it needs {width}."
                )
                continue
            reference = " ".join(cells[columns[0]].split())
            postcode = normalise_postcode(cells[columns[1]])
            date_of_birth = None
            if not reference:
                line_problems.append("the name or reference is missing")
            elif len(reference) > 200:
                line_problems.append("the name or reference is longer than 200 characters")
            if not cells[columns[1]].strip():
                line_problems.append("the postcode is missing")
            elif postcode is None:
                line_problems.append(f"“{cells[columns[1]].strip()[:20]}” is not a UK postcode")
            elif districts and postcode_district(postcode) not in districts:
                line_problems.append(
                    f"{cells[columns[1]].strip()} is not in this round's postcode districts "
                    f"({' '.join(districts)})"
                )
            try:
                date_of_birth = parse_date(cells[columns[2]])
            except ValueError as exc:
                line_problems.append(str(exc))
            else:
                if date_of_birth > today or age_on(date_of_birth, today) > OLDEST_AGE:
                    line_problems.append(f"{date_of_birth:%d/%m/%Y} is not a likely date of birth")
                elif age_on(date_of_birth, age_on_date) < min_age:
                    line_problems.append(
                        f"this person is under {min_age} on the day voting closes, so cannot vote"
                    )
            if line_problems:
                problems.append(f"Line {number}: {'; '.join(line_problems)}.")
                continue
            pkey = person_key(round_reference, postcode, date_of_birth)
            rkey = reference_key(round_reference, reference)
            if rkey in seen_reference:
                problems.append(
                    f"Line {number}: the same name or reference as line {seen_reference[rkey]}. "
                    "Give each person a different reference, such as their elector number."
                )
                continue
            if pkey in seen_person:
                problems.append(
                    f"Line {number}: the same postcode and date of birth as line "
                    f"{seen_person[pkey]}. The register cannot tell two such people apart: "
                    "keep one of them and contact the other."
                )
                continue
            seen_reference[rkey], seen_person[pkey] = number, number
            rows.append(RegisterRow(number, reference, postcode, pkey, rkey))
    except csv.Error as exc:
        problems.append(f"Line {reader.line_num}: the file cannot be read as CSV ({exc}).")
    if columns is None:
        return [], ["The file is empty. Upload a CSV file with a line for each person."]
    if not rows and not problems:
        problems.append("The file names the columns but has no people in it.")
    return rows, problems
