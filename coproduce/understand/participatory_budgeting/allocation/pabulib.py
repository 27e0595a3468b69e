"""Read and write the pabulib ``.pb`` format.

A file has three sections, each a title line (``META``, ``PROJECTS``,
``VOTES``) followed by a header line and semicolon-separated rows; fields that
contain a semicolon or a double quote are quoted CSV-style.  See
https://pabulib.org/format.

Every problem with a file raises :class:`PabulibError`, which carries the line
number (``.line``), a plain-English reason (``.reason``) and a short
machine-readable ``.code``.
"""

from __future__ import annotations

import csv
import io
import os
from decimal import Decimal, InvalidOperation
from fractions import Fraction

from .model import VOTE_TYPES, Ballot, Election, Project

SECTIONS = ("meta", "projects", "votes")
MAX_DIGITS = 15  # whole-number digits of any number in a file (up to 10**16, exclusive)
MAX_DECIMALS = 12  # decimal places of any number in a file


class PabulibError(ValueError):
    """A malformed ``.pb`` file.

    ``line`` is the 1-based line number where the problem was found (0 when it
    concerns the file as a whole), ``reason`` says what is wrong in plain
    English, and ``code`` is a stable identifier such as ``"unknown-project"``.
    """

    def __init__(self, line: int, reason: str, code: str) -> None:
        self.line = line
        self.reason = reason
        self.code = code
        super().__init__(f"line {line}: {reason}")


def parse_number(text: str, line: int, what: str) -> Fraction:
    """Parse a decimal number exactly (``"12"``, ``"12.50"``, ``"12,50"``).

    Invariant: the result equals the decimal written, with no rounding; any
    other text raises :class:`PabulibError` with code ``"bad-number"``, and a number
    of more than ``MAX_DIGITS`` whole digits (``1e309``) with ``"number-too-large"``.
    """
    cleaned = text.strip().replace(",", ".")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite() or cleaned == "":
        raise PabulibError(line, f"{what} is not a number: {text!r}", "bad-number")
    # "1e309" is a finite decimal, but no budget, cost or score is that large, and turning
    # it into pence or a float later would overflow: refuse it here, with its line.
    if value and value.adjusted() > MAX_DIGITS:
        raise PabulibError(line, f"{what} is too large: {text!r}", "number-too-large")
    if value.as_tuple().exponent < -MAX_DECIMALS:
        raise PabulibError(line, f"{what} has too many decimal places: {text!r}", "bad-number")
    return Fraction(value)


def format_number(value: Fraction) -> str:
    """Write a number the way pabulib does: an integer if whole, else a decimal.

    Invariant: ``parse_number(format_number(x)) == x`` for every value with a
    terminating decimal expansion (all values read from a file).
    """
    if value.denominator == 1:
        return str(value.numerator)
    text = format(Decimal(value.numerator) / Decimal(value.denominator), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _split_list(text: str) -> list[str]:
    return [item.strip() for item in text.split(",") if item.strip()]


def parse_pabulib_text(text: str) -> Election:
    """Parse the text of a ``.pb`` file into an :class:`Election`.

    Invariant: the result satisfies every :class:`Election` invariant, or a
    :class:`PabulibError` is raised naming the offending line.
    """
    if text.startswith("\ufeff"):
        text = text[1:]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=";", quotechar='"')
    section: str | None = None
    seen: dict[str, int] = {}
    header: list[str] | None = None
    meta: dict[str, str] = {}
    meta_lines: dict[str, int] = {}
    project_columns: tuple[str, ...] = ()
    projects: dict[str, Project] = {}
    vote_columns: tuple[str, ...] = ()
    raw_votes: list[tuple[int, dict[str, str]]] = []
    last_line = 0
    try:
        for row in reader:
            line = reader.line_num
            last_line = line
            cells = [cell.strip() for cell in row]
            if not cells or all(cell == "" for cell in cells):
                continue
            title = cells[0].lower()
            if len(cells) == 1 and title in SECTIONS:
                if title in seen:
                    raise PabulibError(
                        line, f"section {title.upper()} appears twice", "duplicate-section"
                    )
                seen[title] = line
                section = title
                header = None
                continue
            if section is None:
                raise PabulibError(line, "data found before the META section", "unexpected-row")
            if header is None:
                header = cells
                if any(name == "" for name in header):
                    raise PabulibError(line, "empty column name in header", "bad-header")
                if len(set(header)) != len(header):
                    raise PabulibError(line, "repeated column name in header", "bad-header")
                if section == "meta":
                    if [h.lower() for h in header[:2]] != ["key", "value"] or len(header) != 2:
                        raise PabulibError(line, "META header must be 'key;value'", "bad-header")
                elif section == "projects":
                    for needed in ("project_id", "cost"):
                        if needed not in header:
                            raise PabulibError(
                                line, f"PROJECTS header has no '{needed}' column", "missing-column"
                            )
                    project_columns = tuple(header)
                else:
                    if "vote" not in header:
                        raise PabulibError(
                            line, "VOTES header has no 'vote' column", "missing-column"
                        )
                    vote_columns = tuple(header)
                continue
            if len(cells) != len(header):
                raise PabulibError(
                    line,
                    f"expected {len(header)} fields but found {len(cells)}",
                    "column-count",
                )
            if section == "meta":
                key, value = cells
                if key in meta:
                    raise PabulibError(line, f"META key {key!r} appears twice", "duplicate-key")
                meta[key] = value
                meta_lines[key] = line
            elif section == "projects":
                fields = dict(zip(header, cells, strict=True))
                pid = fields["project_id"]
                if pid == "":
                    raise PabulibError(line, "project id is empty", "bad-project-id")
                if "," in pid:
                    raise PabulibError(
                        line, f"project id {pid!r} contains a comma", "bad-project-id"
                    )
                if pid in projects:
                    raise PabulibError(
                        line, f"project {pid!r} is listed twice", "duplicate-project"
                    )
                cost = parse_number(fields["cost"], line, f"cost of project {pid!r}")
                if cost < 0:
                    raise PabulibError(
                        line, f"project {pid!r} has a negative cost", "negative-cost"
                    )
                projects[pid] = Project(pid, cost, fields)
            else:
                raw_votes.append((line, dict(zip(header, cells, strict=True))))
    except csv.Error as exc:
        raise PabulibError(reader.line_num, f"badly quoted field ({exc})", "bad-quoting") from exc

    for name in SECTIONS:
        if name not in seen:
            raise PabulibError(
                last_line, f"the {name.upper()} section is missing", "missing-section"
            )
    if not (seen["meta"] < seen["projects"] < seen["votes"]):
        raise PabulibError(
            seen["votes"], "sections must come in the order META, PROJECTS, VOTES", "section-order"
        )
    for name, columns in (("projects", project_columns), ("votes", vote_columns)):
        if not columns:
            raise PabulibError(
                seen[name], f"the {name.upper()} section has no header", "bad-header"
            )
    if "budget" not in meta:
        raise PabulibError(seen["meta"], "META has no 'budget'", "missing-budget")
    budget = parse_number(meta["budget"], meta_lines["budget"], "budget")
    if budget < 0:
        raise PabulibError(meta_lines["budget"], "the budget is negative", "negative-budget")
    vote_type = meta.get("vote_type", "")
    if vote_type not in VOTE_TYPES:
        where = meta_lines.get("vote_type", seen["meta"])
        raise PabulibError(where, f"unknown or missing vote_type {vote_type!r}", "bad-vote-type")
    if vote_type in ("cumulative", "scoring") and "points" not in vote_columns:
        raise PabulibError(
            seen["votes"], f"{vote_type} ballots need a 'points' column", "missing-column"
        )
    for key in ("min_project_score_threshold", "min_votes"):
        if key in meta:
            parse_number(meta[key], meta_lines[key], key)

    ballots = []
    voter_ids: set[str] = set()
    for line, fields in raw_votes:
        ballots.append(_parse_ballot(line, fields, vote_type, projects, voter_ids))
    return Election(
        meta=meta,
        budget=budget,
        vote_type=vote_type,
        project_columns=project_columns,
        projects=projects,
        vote_columns=vote_columns,
        ballots=tuple(ballots),
    )


def _parse_ballot(
    line: int,
    fields: dict[str, str],
    vote_type: str,
    projects: dict[str, Project],
    voter_ids: set[str],
) -> Ballot:
    voter_id = fields.get("voter_id", "")
    if "voter_id" in fields:
        if voter_id in voter_ids:
            raise PabulibError(line, f"voter {voter_id!r} appears twice", "duplicate-voter")
        voter_ids.add(voter_id)
    chosen = _split_list(fields["vote"])
    seen: set[str] = set()
    for pid in chosen:
        if pid not in projects:
            raise PabulibError(line, f"vote names unknown project {pid!r}", "unknown-project")
        if pid in seen:
            raise PabulibError(line, f"vote names project {pid!r} twice", "repeated-project")
        seen.add(pid)
    if vote_type == "choose-1" and len(chosen) > 1:
        raise PabulibError(line, "a choose-1 vote names more than one project", "too-many-projects")
    points = None
    if ("points" in fields and fields["points"] != "") or vote_type in ("cumulative", "scoring"):
        raw_points = _split_list(fields.get("points", ""))
        if len(raw_points) != len(chosen):
            raise PabulibError(
                line,
                f"{len(chosen)} projects but {len(raw_points)} points",
                "points-mismatch",
            )
        points = tuple(parse_number(p, line, "points") for p in raw_points)
        if vote_type == "cumulative" and any(p < 0 for p in points):
            raise PabulibError(line, "cumulative points cannot be negative", "negative-points")
    return Ballot(voter_id, tuple(chosen), points, fields)


def parse_pabulib(path: str | os.PathLike[str]) -> Election:
    """Read and parse a ``.pb`` file (UTF-8, with or without a byte-order mark).

    Invariant: as :func:`parse_pabulib_text`.
    """
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return parse_pabulib_text(handle.read())


def _project_row(project: Project, columns: tuple[str, ...]) -> list[str]:
    row = []
    for column in columns:
        if column == "project_id":
            row.append(project.project_id)
        elif column == "cost":
            raw = project.fields.get("cost")
            same = raw is not None and _safe_number(raw) == project.cost
            row.append(raw if same else format_number(project.cost))
        else:
            row.append(project.fields.get(column, ""))
    return row


def _safe_number(text: str) -> Fraction | None:
    try:
        return parse_number(text, 0, "value")
    except PabulibError:
        return None


def _safe_points(text: str) -> tuple[Fraction, ...] | None:
    try:
        return tuple(parse_number(p, 0, "points") for p in _split_list(text))
    except PabulibError:
        return None


def _ballot_row(ballot: Ballot, columns: tuple[str, ...]) -> list[str]:
    row = []
    for column in columns:
        if column == "voter_id":
            row.append(ballot.voter_id)
        elif column == "vote":
            raw = ballot.fields.get("vote")
            same = raw is not None and tuple(_split_list(raw)) == ballot.projects
            row.append(raw if same else ",".join(ballot.projects))
        elif column == "points":
            raw = ballot.fields.get("points", "")
            if ballot.points is None or _safe_points(raw) == ballot.points:
                row.append(raw)
            else:
                row.append(",".join(format_number(p) for p in ballot.points))
        else:
            row.append(ballot.fields.get(column, ""))
    return row


def write_pabulib_text(election: Election) -> str:
    """Serialise an :class:`Election` as ``.pb`` text.

    Invariant: ``parse_pabulib_text(write_pabulib_text(e)) == e`` for every
    election produced by the parser (round trip).  The budget written is
    ``election.budget``; the other META values are written as stored.
    """
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", quotechar='"', lineterminator="\n")
    meta = dict(election.meta)
    if _safe_number(meta.get("budget", "")) != election.budget:
        meta["budget"] = format_number(election.budget)
    meta["vote_type"] = election.vote_type
    writer.writerow(["META"])
    writer.writerow(["key", "value"])
    for key, value in meta.items():
        writer.writerow([key, value])
    writer.writerow(["PROJECTS"])
    project_columns = election.project_columns or ("project_id", "cost")
    writer.writerow(project_columns)
    for project in election.projects.values():
        writer.writerow(_project_row(project, project_columns))
    writer.writerow(["VOTES"])
    vote_columns = election.vote_columns or ("voter_id", "vote")
    writer.writerow(vote_columns)
    for ballot in election.ballots:
        writer.writerow(_ballot_row(ballot, vote_columns))
    return out.getvalue()


def write_pabulib(election: Election, path: str | os.PathLike[str]) -> None:
    """Write an :class:`Election` to ``path`` as UTF-8 ``.pb`` text.

    Invariant: as :func:`write_pabulib_text`.
    """
    with open(path, "w", encoding="utf-8", newline="") as handle:
        handle.write(write_pabulib_text(election))
