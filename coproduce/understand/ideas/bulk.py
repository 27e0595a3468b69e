"""Reading ideas typed up from paper: one per line ("Title: description") or a CSV file.

Pure parsing, no database: each function returns the rows it understood and the problems
it found, by line number, so the officer can fix them before anything is saved.
"""

from __future__ import annotations

import csv
import io
from dataclasses import asdict, dataclass

TITLE_MAX = 200
DESCRIPTION_MAX = 5000
MAX_ROWS = 500
MAX_TEXT_CHARS = 200_000
MAX_FILE_BYTES = 1_000_000


@dataclass(frozen=True)
class Row:
    line: int
    title: str
    description: str = ""
    area: str = ""

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Problem:
    line: int
    message: str


def _check(line: int, title: str, description: str) -> str | None:
    if not title:
        return "The title is missing."
    if len(title) > TITLE_MAX:
        return f"The title is longer than {TITLE_MAX} characters."
    if len(description) > DESCRIPTION_MAX:
        return f"The description is longer than {DESCRIPTION_MAX:,} characters."
    return None


def parse_lines(text: str) -> tuple[list[Row], list[Problem]]:
    """One idea per non-empty line: "Title: description" (the description is optional)."""
    if len(text) > MAX_TEXT_CHARS:
        return [], [Problem(0, f"The text is longer than {MAX_TEXT_CHARS:,} characters.")]
    rows: list[Row] = []
    problems: list[Problem] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        title, _, description = line.partition(":")
        title, description = title.strip(), description.strip()
        problem = _check(number, title, description)
        if problem:
            problems.append(Problem(number, problem))
        else:
            rows.append(Row(number, title, description))
    return rows, problems


def parse_csv(data: bytes) -> tuple[list[Row], list[Problem]]:
    """A CSV saved as UTF-8 with a header row: title (required), description, area."""
    if len(data) > MAX_FILE_BYTES:
        return [], [Problem(0, "The file is larger than 1 MB. Split it into smaller files.")]
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return [], [Problem(0, "The file must be a CSV file saved as UTF-8 text.")]
    if "\x00" in text:
        return [], [Problem(0, "The file must be a CSV file saved as UTF-8 text.")]
    try:
        reader = csv.reader(io.StringIO(text, newline=""))
        table = list(reader)
    except csv.Error:
        return [], [Problem(0, "The file could not be read as CSV. Check the commas and quotes.")]
    if not table:
        return [], [Problem(0, "The file is empty.")]
    header = [h.strip().lower() for h in table[0]]
    if "title" not in header:
        return [], [Problem(1, "The first row must name the columns: title, description, area.")]
    unknown = [h for h in header if h and h not in {"title", "description", "area"}]
    if unknown:
        return [], [
            Problem(1, f"Unknown column “{unknown[0]}”. Use only title, description and area.")
        ]
    index = {
        name: header.index(name) for name in ("title", "description", "area") if name in header
    }
    rows: list[Row] = []
    problems: list[Problem] = []
    for number, cells in enumerate(table[1:], start=2):
        if not any(c.strip() for c in cells):
            continue
        if len(cells) > len(header):
            problems.append(Problem(number, "This row has more cells than the header row."))
            continue

        def cell(name: str, cells=cells) -> str:
            i = index.get(name)
            return cells[i].strip() if i is not None and i < len(cells) else ""

        title, description, area = cell("title"), cell("description"), cell("area")
        problem = _check(number, title, description)
        if problem:
            problems.append(Problem(number, problem))
        else:
            rows.append(Row(number, title, description, area))
    return rows, problems


def too_many(rows: list[Row]) -> Problem | None:
    if len(rows) > MAX_ROWS:
        return Problem(0, f"You can add up to {MAX_ROWS} ideas at a time; this has {len(rows)}.")
    if not rows:
        return Problem(0, "There are no ideas to add. Type one idea per line, or choose a file.")
    return None
