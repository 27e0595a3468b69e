"""Reads for participatory budgeting. Nothing here reveals a tally before voting closes."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from coproduce.foundation.core.errors import NotFound

from .models import (
    Ballot,
    PaperBatch,
    Phase,
    Proposal,
    ProposalStatus,
    RegisterEntry,
    Result,
    Round,
)


def normalise_code(code: str) -> str:
    """Codes are printed as XXXX-XXXX-XXXX; spaces, dashes and case do not matter."""
    return re.sub(r"[\s-]", "", code or "").upper()


def receipt_hash(receipt: str) -> str:
    return hashlib.sha256(normalise_code(receipt).encode()).hexdigest()


def ballot_projects(round_: Round) -> list[Proposal]:
    return list(
        round_.proposals.filter(status=ProposalStatus.FEASIBLE)
        .select_related("area")
        .order_by("area__name", "pk")
    )


def counted_ballots(round_: Round):
    """The ballots that count: current, not in an unconfirmed paper batch, and, if not
    matched to the register, accepted by the officer who confirmed their batch."""
    return Ballot.objects.filter(round=round_, superseded_at__isnull=True).filter(
        Q(batch__isnull=True)
        | (
            Q(batch__confirmed_at__isnull=False)
            & (Q(unmatched=False) | Q(batch__unmatched_accepted=True))
        )
    )


TALLY_PERMS = {"budgeting.view_results", "budgeting.export_round"}


def round_list() -> QuerySet[Round]:
    """Every round, open ones first; the list shows no counts of ballots."""
    return Round.objects.order_by("phase", "-voting_opens_on", "-pk")


def access_round_by_reference(*, user, reference: str, perm: str = "budgeting.view_round") -> Round:
    """The round if ``user`` holds ``perm`` on it; NotFound for missing and forbidden alike."""
    round_ = Round.objects.filter(reference=reference).first()
    if round_ is None or not user.has_perm(perm, round_):
        raise NotFound()
    # Checked here as well as in the rules: superusers pass every has_perm, and no one,
    # superusers included, may see a tally while voting is open.
    if perm in TALLY_PERMS and round_.phase != Phase.RESULTS:
        raise NotFound()
    return round_


def access_proposal(*, user, round_: Round, reference: str) -> Proposal:
    proposal = (
        round_.proposals.select_related("area", "decided_by").filter(reference=reference).first()
    )
    if proposal is None:
        raise NotFound()
    return proposal


def round_proposals(*, round_: Round, status: str = "") -> QuerySet[Proposal]:
    qs = round_.proposals.select_related("area").defer("photo").order_by("pk")
    if status:
        qs = qs.filter(status=status)
    return qs


def proposal_counts(*, round_: Round) -> dict[str, int]:
    row = round_.proposals.aggregate(
        submitted=Count("pk", filter=Q(status=ProposalStatus.SUBMITTED)),
        feasible=Count("pk", filter=Q(status=ProposalStatus.FEASIBLE)),
        not_feasible=Count("pk", filter=Q(status=ProposalStatus.NOT_FEASIBLE)),
    )
    return row


def round_batches(*, user, round_: Round) -> QuerySet[PaperBatch]:
    """Paper batches with who entered and confirmed them (not what the ballots chose)."""
    if not user.has_perm("budgeting.manage_round", round_):
        raise NotFound()
    return round_.batches.select_related("entered_by", "confirmed_by").annotate(
        n=Count("ballots"), unmatched_n=Count("ballots", filter=Q(ballots__unmatched=True))
    )


@dataclass(frozen=True)
class RegisterStatus:
    """A round's register as officers see it. ``voted`` is None while voting is open: how
    many listed people have voted is turnout, which nobody sees before voting closes."""

    uploaded_at: object
    entries: int
    with_codes: int
    voted: int | None = None
    voted_after_removal: int | None = None


def register_status(*, user, round_: Round) -> RegisterStatus | None:
    """The register's size for officers (None without a register); counts of who voted
    only once voting has closed."""
    if not user.has_perm("budgeting.manage_round", round_):
        raise NotFound()
    if not round_.has_register:
        return None
    listed = RegisterEntry.objects.filter(round=round_, in_register=True)
    status = {
        "uploaded_at": round_.register_uploaded_at,
        "entries": listed.count(),
        "with_codes": listed.filter(code__isnull=False).count(),
    }
    if round_.phase == Phase.RESULTS:
        voted = RegisterEntry.objects.filter(round=round_, voter__isnull=False)
        status["voted"] = voted.filter(in_register=True).count()
        status["voted_after_removal"] = voted.filter(in_register=False).count()
    return RegisterStatus(**status)


def turnout(*, user, round_: Round) -> int | None:
    """How many ballots count: only once voting has closed, and only for those who may see results."""
    if round_.phase != Phase.RESULTS or not user.has_perm("budgeting.view_results", round_):
        return None
    return counted_ballots(round_).count()


@dataclass(frozen=True)
class ResultView:
    result: Result
    lines: list
    spent_pence: int
    left_pence: int
    max_score: int


def result_for(*, user, round_: Round) -> ResultView | None:
    """The result a person may see: published, or (for officers) computed after voting closed."""
    if round_.phase != Phase.RESULTS or not user.has_perm("budgeting.view_results", round_):
        raise NotFound()
    result = Result.objects.filter(round=round_).first()
    if result is None:
        return None
    lines = list(
        result.lines.select_related("proposal", "proposal__area").order_by(
            "-funded", "-score", "pk"
        )
    )
    spent = sum(ln.cost_pence for ln in lines if ln.funded)
    return ResultView(
        result=result,
        lines=lines,
        spent_pence=spent,
        left_pence=round_.budget_pence - spent,
        max_score=max([ln.score for ln in lines] or [0]),
    )


@dataclass(frozen=True)
class ReceiptStatus:
    found: bool
    cast_at: object = None
    superseded_at: object = None
    counted: bool = False
    round_title: str = ""
    voting_closed: bool = False
    awaiting_confirmation: bool = False


def receipt_status(*, receipt: str) -> ReceiptStatus:
    """Whether a receipt's ballot was received and counts; never what it chose."""
    ballot = (
        Ballot.objects.select_related("round", "batch")
        .filter(receipt_hash=receipt_hash(receipt))
        .only(
            "cast_at",
            "superseded_at",
            "unmatched",
            "round__title",
            "round__phase",
            "batch__confirmed_at",
            "batch__unmatched_accepted",
        )
        .first()
    )
    if ballot is None:
        return ReceiptStatus(found=False)
    unconfirmed = ballot.batch_id is not None and ballot.batch.confirmed_at is None
    refused = ballot.unmatched and not ballot.batch.unmatched_accepted
    return ReceiptStatus(
        found=True,
        cast_at=ballot.cast_at,
        superseded_at=ballot.superseded_at,
        counted=ballot.superseded_at is None and not unconfirmed and not refused,
        round_title=ballot.round.title,
        voting_closed=ballot.round.phase == Phase.RESULTS,
        awaiting_confirmation=unconfirmed,
    )
