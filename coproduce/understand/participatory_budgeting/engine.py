"""The bridge between the database and the pure allocation engine (``allocation/``).

Builds engine ``Election`` objects from a round's projects and counted ballots, runs the
round's rule pot by pot (each area's budget, then the rest of the round), and turns a
parsed pabulib file into a round. Money goes to the engine in pounds (as exact fractions)
and comes back to the database in pence.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from coproduce.foundation.core.errors import ServiceError

from .allocation import (
    Ballot as EBallot,
)
from .allocation import (
    Election,
    PabulibError,
    allocate,
    parse_pabulib_text,
    render_outcome,
    write_pabulib_text,
)
from .allocation import (
    Project as EProject,
)
from .allocation.pabulib import format_number
from .models import (
    Ballot,
    BallotType,
    Phase,
    Proposal,
    Result,
    Round,
    Rule,
)
from .selectors import ballot_projects, counted_ballots

ENGINE_RULES = {Rule.MES: "mes-add1", Rule.GREEDY: "greedy"}


def _pounds(pence: int) -> Fraction:
    return Fraction(pence, 100)


def _pence(amount: Fraction, *, line: int, what: str) -> int:
    pence = amount * 100
    if pence.denominator != 1:
        raise ServiceError(
            "bad_amount", f"Line {line}: {what} is not a whole number of pence.", field="file"
        )
    return int(pence)


def _vote_type(round_: Round) -> str:
    return "cumulative" if round_.ballot_type == BallotType.CUMULATIVE else "approval"


@dataclass
class LineOutcome:
    proposal: Proposal
    votes: int
    score: int
    funded: bool
    explanation: str


def allocate_round(
    round_: Round, projects: list[Proposal], ballots: list[Ballot], pots
) -> list[LineOutcome]:
    """Run the round's rule in each pot; one line per project, with the engine's sentence."""
    choices_by_ballot = [[(c.proposal_id, c.points) for c in b.choices.all()] for b in ballots]
    votes = {p.pk: 0 for p in projects}
    score = {p.pk: 0 for p in projects}
    for choices in choices_by_ballot:
        for pid, points in choices:
            if pid in votes:
                votes[pid] += 1
                score[pid] += points
    lines: list[LineOutcome] = []
    for pot_key, (_name, budget_pence) in pots.items():
        in_pot = [p for p in projects if p.area_id == pot_key]
        if not in_pot:
            continue
        ids = {p.pk for p in in_pot}
        eballots = []
        for i, choices in enumerate(choices_by_ballot):
            mine = [(pid, pts) for pid, pts in choices if pid in ids]
            if not mine:
                continue
            eballots.append(
                EBallot(
                    voter_id=str(i + 1),
                    projects=tuple(str(pid) for pid, _ in mine),
                    points=tuple(Fraction(pts) for _, pts in mine)
                    if _vote_type(round_) == "cumulative"
                    else None,
                )
            )
        election = Election(
            meta={"budget": str(_pounds(budget_pence)), "currency": "GBP"},
            budget=_pounds(budget_pence),
            vote_type=_vote_type(round_),
            project_columns=("project_id", "cost", "name"),
            projects={
                str(p.pk): EProject(str(p.pk), _pounds(p.costed_pence), {"name": p.title})
                for p in in_pot
            },
            vote_columns=("voter_id", "vote", "points")
            if _vote_type(round_) == "cumulative"
            else ("voter_id", "vote"),
            ballots=tuple(eballots),
        )
        outcome = allocate(election, ENGINE_RULES[Rule(round_.rule)], explain=True)
        sentences = render_outcome(outcome, "GBP")
        selected = set(outcome.selected)
        for p in in_pot:
            lines.append(
                LineOutcome(
                    proposal=p,
                    votes=votes[p.pk],
                    score=score[p.pk],
                    funded=str(p.pk) in selected,
                    explanation=sentences[str(p.pk)],
                )
            )
    return lines


# --- pabulib ---------------------------------------------------------------------------


def parse(text: str) -> Election:
    try:
        return parse_pabulib_text(text)
    except PabulibError as exc:
        where = f"Line {exc.line}: " if exc.line else ""
        raise ServiceError(
            f"pabulib_{exc.code}", f"{where}{exc.reason[0].upper()}{exc.reason[1:]}.", field="file"
        ) from None


def export_text(round_: Round) -> str:
    """The round, its projects and its counted ballots as pabulib text (after voting closes)."""
    if round_.phase != Phase.RESULTS:
        raise ServiceError("voting_not_closed", "Ballots can only be exported after voting closes.")
    projects = ballot_projects(round_)
    result = Result.objects.filter(round=round_).first()
    lines = {ln.proposal_id: ln for ln in result.lines.all()} if result else {}
    vote_type = _vote_type(round_)
    meta = {
        "description": round_.title,
        "country": "United Kingdom",
        "unit": round_.reference,
        "instance": str(round_.voting_closes_on.year),
        "num_projects": str(len(projects)),
        "budget": format_number(_pounds(round_.budget_pence)),
        "vote_type": vote_type,
        "rule": ENGINE_RULES[Rule(round_.rule)],
        "date_begin": round_.voting_opens_on.strftime("%d.%m.%Y"),
        "date_end": round_.voting_closes_on.strftime("%d.%m.%Y"),
        "currency": "GBP",
    }
    if round_.ballot_type == BallotType.KNAPSACK:
        meta["max_sum_cost"] = meta["budget"]
    if round_.ballot_type == BallotType.APPROVAL:
        meta["min_length"] = str(round_.min_choices)
        if round_.max_choices:
            meta["max_length"] = str(round_.max_choices)
    if round_.ballot_type == BallotType.CUMULATIVE:
        meta["max_sum_points"] = str(round_.points)
    ballots = list(counted_ballots(round_).prefetch_related("choices__proposal").order_by("pk"))
    meta["num_votes"] = str(len(ballots))
    by_pk = {p.pk: p for p in projects}
    eprojects = {}
    for p in projects:
        fields = {"name": p.title, "category": p.area.name if p.area_id else ""}
        if p.pk in lines:
            fields["votes"] = str(lines[p.pk].votes)
            fields["score"] = str(lines[p.pk].score)
            fields["selected"] = "1" if lines[p.pk].funded else "0"
        eprojects[p.pb_id] = EProject(p.pb_id, _pounds(p.costed_pence), fields)
    columns = ("project_id", "cost", "name", "category") + (
        ("votes", "score", "selected") if lines else ()
    )
    eballots = []
    for i, b in enumerate(ballots, 1):
        chosen = [c for c in b.choices.all() if c.proposal_id in by_pk]
        eballots.append(
            EBallot(
                voter_id=str(i),
                projects=tuple(c.proposal.pb_id for c in chosen),
                points=tuple(Fraction(c.points) for c in chosen)
                if vote_type == "cumulative"
                else None,
            )
        )
    election = Election(
        meta=meta,
        budget=_pounds(round_.budget_pence),
        vote_type=vote_type,
        project_columns=columns,
        projects=eprojects,
        vote_columns=("voter_id", "vote", "points")
        if vote_type == "cumulative"
        else ("voter_id", "vote"),
        ballots=tuple(eballots),
    )
    return write_pabulib_text(election)
