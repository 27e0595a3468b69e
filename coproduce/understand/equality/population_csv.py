"""Reading a council's population shares from CSV. Pure Python, no Django.

The file has the columns ``characteristic,group,percent``. Characteristics and groups may
be written as the keys used by the monitoring form (``age``, ``18_24``) or as the words
people see (``Age``, ``18 to 24``), in any case. Shares of each characteristic must add up
to 100% (give or take 1.5, to allow for rounding), not counting "prefer not to say".
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from coproduce.understand.consultations.equality import BY_KEY, CHARACTERISTICS, PREFER_NOT_TO_SAY

MAX_BYTES = 100 * 1024
SUM_TOLERANCE = 1.5
COLUMNS = ("characteristic", "group", "percent")


class PopulationCSVError(Exception):
    """The file cannot be used; ``code`` is stable, ``message`` is for people."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class Share:
    characteristic: str
    group: str
    percent: float


def _norm(text: str) -> str:
    return " ".join(text.strip().lower().split())


_CHARACTERISTIC_NAMES = {}
_GROUP_NAMES: dict[str, dict[str, str]] = {}
for _c in CHARACTERISTICS:
    _CHARACTERISTIC_NAMES[_norm(_c.key)] = _c.key
    _CHARACTERISTIC_NAMES[_norm(_c.label)] = _c.key
    _GROUP_NAMES[_c.key] = {}
    for _key, _label in _c.options:
        _GROUP_NAMES[_c.key][_norm(_key)] = _key
        _GROUP_NAMES[_c.key][_norm(_label)] = _key


def _decode(data: bytes) -> str:
    if len(data) > MAX_BYTES:
        raise PopulationCSVError(
            "too_large", f"The file must be smaller than {MAX_BYTES // 1024} KB."
        )
    if not data.strip():
        raise PopulationCSVError(
            "empty", "The file is empty. Choose a CSV file with figures in it."
        )
    if b"\x00" in data:
        raise PopulationCSVError(
            "not_csv",
            "The file must be a CSV file (text with commas), not a spreadsheet or other file.",
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise PopulationCSVError(
            "not_csv",
            "The file must be a CSV file saved as UTF-8 text, not a spreadsheet or other file.",
        ) from None
    if any(ord(ch) < 32 and ch not in "\r\n\t" for ch in text):
        raise PopulationCSVError(
            "not_csv",
            "The file must be a CSV file (text with commas), not a spreadsheet or other file.",
        )
    return text


def parse(data: bytes) -> list[Share]:
    """Every share in the file, or ``PopulationCSVError`` naming the first problem."""
    text = _decode(data)
    try:
        rows = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error:
        raise PopulationCSVError(
            "not_csv", "The file could not be read as CSV. Save it as “CSV UTF-8” and try again."
        ) from None
    header = [_norm(h) for h in rows[0]] if rows else []
    if tuple(header) != COLUMNS:
        raise PopulationCSVError(
            "wrong_columns",
            "The first line must be the column names characteristic,group,percent "
            f"(the file has: {','.join(h for h in header) or 'nothing'}).",
        )
    shares: list[Share] = []
    seen: set[tuple[str, str]] = set()
    for line, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != 3:
            raise PopulationCSVError(
                "wrong_columns",
                f"Line {line} must have 3 values: characteristic, group and percent.",
            )
        raw_c, raw_g, raw_p = row
        characteristic = _CHARACTERISTIC_NAMES.get(_norm(raw_c))
        if characteristic is None:
            raise PopulationCSVError(
                "unknown_characteristic",
                f"Line {line}: “{raw_c.strip()}” is not a protected characteristic we know. "
                "Use one of: " + ", ".join(c.key for c in CHARACTERISTICS) + ".",
            )
        group = _GROUP_NAMES[characteristic].get(_norm(raw_g))
        if group is None:
            raise PopulationCSVError(
                "unknown_group",
                f"Line {line}: “{raw_g.strip()}” is not a group of {characteristic}. Use one of: "
                + ", ".join(k for k, _ in BY_KEY[characteristic].options)
                + ".",
            )
        try:
            percent = float(raw_p.strip().removesuffix("%"))
        except ValueError:
            raise PopulationCSVError(
                "invalid_percent", f"Line {line}: the percent must be a number, like 12.5."
            ) from None
        if percent != percent or percent in {float("inf"), float("-inf")}:
            raise PopulationCSVError(
                "invalid_percent", f"Line {line}: the percent must be a number, like 12.5."
            )
        if percent < 0 or percent > 100:
            raise PopulationCSVError(
                "invalid_percent", f"Line {line}: the percent must be between 0 and 100."
            )
        if (characteristic, group) in seen:
            raise PopulationCSVError(
                "duplicate", f"Line {line}: {characteristic} {group} is in the file twice."
            )
        seen.add((characteristic, group))
        shares.append(Share(characteristic, group, round(percent, 2)))
    if not shares:
        raise PopulationCSVError("empty", "The file has no figures below the column names.")
    for c in CHARACTERISTICS:
        total = sum(
            s.percent for s in shares if s.characteristic == c.key and s.group != PREFER_NOT_TO_SAY
        )
        if any(s.characteristic == c.key for s in shares) and abs(total - 100) > SUM_TOLERANCE:
            raise PopulationCSVError(
                "shares_do_not_add_up",
                f"The shares for {c.label.lower()} add up to {total:g}%. They must add up to 100% "
                f"(give or take {SUM_TOLERANCE:g}), not counting “prefer not to say”.",
            )
    return shares
