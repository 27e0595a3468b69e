"""The pabulib import: a parsed ``.pb`` file becomes a round in the results phase.

Writes the round, its projects and anonymous paper ballots, then works out the result with
``services.result_record``, all in one transaction. It sits above ``services`` (which it
calls) and ``engine`` (which parses the file and converts money), so neither of those
imports the other in a loop.
"""

from __future__ import annotations

import datetime as dt
import secrets
from fractions import Fraction

from django.db import transaction
from django.utils import timezone

from coproduce.foundation.accounts.models import User
from coproduce.foundation.core.audit import audit_record
from coproduce.foundation.core.errors import ServiceError
from coproduce.foundation.core.validation import require_perm

from . import engine
from .allocation import Election
from .engine import _pence
from .models import (
    Ballot,
    BallotChoice,
    BallotType,
    Channel,
    Phase,
    Proposal,
    ProposalStatus,
    Round,
    Rule,
    Voter,
)
from .services import _new_reference, result_record


def round_import(*, actor: User, text: str, title: str = "") -> Round:
    """Create a round in the results phase from a pabulib file, with its results worked out."""
    require_perm(actor, "budgeting.add_round")
    election = engine.parse(text)
    return import_election(actor=actor, election=election, title=title)


def _meta_date(meta: dict[str, str], key: str, default: dt.date) -> dt.date:
    raw = meta.get(key, "")
    for fmt in ("%d.%m.%Y", "%Y-%m-%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(raw, fmt).date()  # noqa: DTZ007 - a date, no time
        except ValueError:
            continue
    return default


def import_election(*, actor, election: Election, title: str = "") -> Round:
    """Create a round in the results phase with its projects, ballots and worked-out results."""
    if election.vote_type not in ("approval", "cumulative"):
        raise ServiceError(
            "unsupported_vote_type",
            f"Ballots of type “{election.vote_type}” cannot be imported. Use approval or cumulative ballots.",
            field="file",
        )
    budget = _pence(election.budget, line=0, what="the budget")
    if budget <= 0:
        raise ServiceError(
            "bad_budget", "The budget in the file must be more than 0.", field="file"
        )
    meta = election.meta
    title = (
        title or meta.get("description") or f"Imported round {meta.get('instance', '')}"
    ).strip()[:200]
    today = timezone.localdate()
    begins = _meta_date(meta, "date_begin", today)
    ends = max(_meta_date(meta, "date_end", begins), begins)
    if election.vote_type == "cumulative":
        kind = BallotType.CUMULATIVE
        raw = meta.get("max_sum_points", "")
        points = max(
            [
                int(raw) if raw.isdigit() else 0,
                2,
                *(int(sum(b.points or ())) for b in election.ballots),
            ]
        )
    elif "max_sum_cost" in meta:
        kind, points = BallotType.KNAPSACK, None
    else:
        kind, points = BallotType.APPROVAL, None
    rule = Rule.GREEDY if "greedy" in meta.get("rule", "").lower() else Rule.MES
    with transaction.atomic():
        round_ = Round.objects.create(
            reference=_new_reference("PB"),
            title=title or "Imported round",
            description=f"Imported from a pabulib file ({meta.get('country', '')} {meta.get('unit', '')} {meta.get('instance', '')}).".replace(
                "  ", " "
            ),
            budget_pence=budget,
            phase=Phase.RESULTS,
            proposals_open_on=begins,
            review_starts_on=begins,
            voting_opens_on=begins,
            voting_closes_on=ends,
            results_on=ends,
            ballot_type=kind,
            min_choices=1,
            max_choices=None,
            points=points,
            rule=rule,
            secret=secrets.token_hex(32),
            created_by=actor,
            imported=True,
        )
        proposals = {}
        for pid, project in election.projects.items():
            cost = _pence(project.cost, line=0, what=f"the cost of project {pid}")
            reference = _new_reference("PBP")
            proposals[pid] = Proposal(
                round=round_,
                reference=reference,
                pb_id=pid,
                title=(project.name or pid)[:120],
                description=project.fields.get("description", "")
                or f"Project {pid} from the imported file.",
                estimated_cost_pence=cost,
                costed_pence=cost,
                status=ProposalStatus.FEASIBLE,
                decision_reason="Imported with the round.",
            )
        Proposal.objects.bulk_create(proposals.values())
        now = timezone.now()
        voters = Voter.objects.bulk_create(
            [
                Voter(round=round_, key=secrets.token_hex(32), channel=Channel.PAPER)
                for _ in election.ballots
            ]
        )
        ballots = Ballot.objects.bulk_create(
            [
                Ballot(round=round_, voter=v, receipt_hash=secrets.token_hex(32), cast_at=now)
                for v in voters
            ]
        )
        choices = []
        for ballot, eb in zip(ballots, election.ballots, strict=True):
            pts = eb.points or (Fraction(1),) * len(eb.projects)
            for pid, value in zip(eb.projects, pts, strict=True):
                if value > 0:
                    choices.append(
                        BallotChoice(
                            ballot=ballot, proposal=proposals[pid], points=max(1, int(value))
                        )
                    )
        BallotChoice.objects.bulk_create(choices, batch_size=2000)
        audit_record(
            actor=actor,
            verb="budgeting.round.imported",
            target=round_,
            changes={
                "projects": len(proposals),
                "ballots": len(ballots),
                "vote_type": election.vote_type,
            },
        )
        result_record(actor=actor, round_=round_, computed_at=now)
    return round_
