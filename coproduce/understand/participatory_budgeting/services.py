"""Writes for participatory budgeting. Each is one transaction that also writes the audit row.

No audit row ever records what a ballot chose: casting is audited with the channel only.

Closing voting and casting a ballot serialise on the round row: ``round_change_phase``
locks it for update, and everything that stores or confirms a ballot first locks it too
(``lock_round_for_voting``) and re-reads the phase under that lock. So a ballot
is either stored before the round closes, or refused.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import itertools
import random
import secrets
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils import timezone

from coproduce.foundation.accounts.models import User
from coproduce.foundation.core.audit import audit_record
from coproduce.foundation.core.errors import NotFound, ServiceError
from coproduce.foundation.core.idempotency import submitted_once
from coproduce.foundation.core.images import NotAnImage, identify_image
from coproduce.foundation.core.services import counter_next
from coproduce.foundation.core.validation import clean_text, require_perm

from . import engine
from .eligibility import POSTCODE_RE, age_on, normalise_postcode, parse_date, person_key
from .models import (
    PHASES,
    Area,
    Ballot,
    BallotChoice,
    BallotType,
    Channel,
    PaperBatch,
    Phase,
    Proposal,
    ProposalStatus,
    RegisterEntry,
    Result,
    ResultLine,
    Round,
    Rule,
    Voter,
    VotingCode,
)
from .selectors import ballot_projects, counted_ballots, normalise_code, receipt_hash

MAX_BUDGET_PENCE = 10**12  # £10 million for one round: anything bigger is a typing mistake
MAX_PHOTO_BYTES = 5 * 1024 * 1024
PHOTO_FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
MAX_PHOTO_PIXELS = 40_000_000
MAX_CODES = 5000
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I


# --- Helpers ---------------------------------------------------------------------------


def _hmac(round_: Round, value: str) -> str:
    return hmac.new(round_.secret.encode(), value.encode(), hashlib.sha256).hexdigest()


def lock_round_for_voting(round_: Round) -> Round:
    """Re-read the round under a row lock, inside the caller's transaction.

    ``SELECT … FOR NO KEY UPDATE`` on PostgreSQL: a phase change (``FOR UPDATE``) waits
    for the ballot being stored, and a ballot arriving during a phase change waits for it
    and then reads the new phase. Ballots queue behind each other on this row, which costs
    nothing they do not already pay (each also appends to the audit chain, one at a time),
    and the queue is first come, first served, so a stream of votes cannot hold off the
    close indefinitely (a shared lock could). SQLite runs one writing transaction at a time
    (IMMEDIATE), so there the read inside the transaction is already serialised.
    """
    return Round.objects.select_for_update(no_key=True).get(pk=round_.pk)


def _new_code(rng: random.Random | None = None) -> str:
    pick = rng.choice if rng is not None else secrets.choice
    raw = "".join(pick(CODE_ALPHABET) for _ in range(12))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


# --- Rounds ----------------------------------------------------------------------------


@dataclass
class RoundData:
    """A round as the officer sets it up. Areas are (name, budget in pence) pairs."""

    title: str
    description: str
    budget_pence: int
    proposals_open_on: dt.date
    review_starts_on: dt.date
    voting_opens_on: dt.date
    voting_closes_on: dt.date
    results_on: dt.date
    ballot_type: str
    min_choices: int = 1
    max_choices: int | None = None
    points: int | None = None
    rule: str = Rule.MES
    min_age: int = 16
    postcode_areas: str = ""
    allow_codes: bool = True
    allow_residency: bool = False
    areas: list[tuple[str, int]] = field(default_factory=list)


def _validate_round(data: RoundData) -> dict:
    title = clean_text(data.title, field="title", label="a title for the round", limit=200)
    description = clean_text(
        data.description, field="description", label="a description of the round", limit=5000
    )
    if data.budget_pence <= 0:
        raise ServiceError("not_positive", "The budget must be more than £0.", field="budget")
    if data.budget_pence > MAX_BUDGET_PENCE:
        raise ServiceError(
            "too_large", "The budget is too large. Check the amount.", field="budget"
        )
    dates = [
        ("proposals_open_on", data.proposals_open_on),
        ("review_starts_on", data.review_starts_on),
        ("voting_opens_on", data.voting_opens_on),
        ("voting_closes_on", data.voting_closes_on),
        ("results_on", data.results_on),
    ]
    for (_, earlier), (name, later) in itertools.pairwise(dates):
        if later < earlier:
            raise ServiceError(
                "dates_out_of_order",
                "Each phase must start on or after the one before it.",
                field=name,
            )
    if data.ballot_type not in BallotType.values:
        raise ServiceError("invalid_choice", "Choose a type of ballot.", field="ballot_type")
    if data.rule not in Rule.values:
        raise ServiceError("invalid_choice", "Choose how votes are counted.", field="rule")
    min_choices, max_choices, points = data.min_choices or 0, data.max_choices, data.points
    if data.ballot_type == BallotType.APPROVAL:
        if min_choices < 1:
            raise ServiceError(
                "min_too_small",
                "The minimum number of projects must be at least 1.",
                field="min_choices",
            )
        if max_choices is not None and max_choices < min_choices:
            raise ServiceError(
                "max_below_min",
                "The maximum number of projects must be at least the minimum.",
                field="max_choices",
            )
        points = None
    elif data.ballot_type == BallotType.CUMULATIVE:
        if not points or points < 2 or points > 1000:
            raise ServiceError(
                "points_required",
                "Enter how many points each voter has, from 2 to 1,000.",
                field="points",
            )
        min_choices, max_choices = 1, None
    else:
        min_choices, max_choices, points = 1, None, None
    if not (data.allow_codes or data.allow_residency):
        raise ServiceError(
            "no_verification",
            "Choose at least one way of checking that voters are eligible.",
            field="allow_codes",
        )
    postcodes = " ".join(p.upper() for p in (data.postcode_areas or "").split())
    if data.allow_residency and not postcodes:
        raise ServiceError(
            "postcodes_required",
            "Enter the postcode districts of the area, for example RV1 RV2, to check residency.",
            field="postcode_areas",
        )
    if not 0 <= data.min_age <= 120:
        raise ServiceError("invalid_age", "Enter a minimum age from 0 to 120.", field="min_age")
    names = set()
    total = 0
    for name, pence in data.areas:
        if not name.strip() or pence <= 0:
            raise ServiceError(
                "invalid_area", "Give each area a name and a budget above £0.", field="areas"
            )
        if name.strip().lower() in names:
            raise ServiceError(
                "duplicate_area", f"The area “{name}” is listed twice.", field="areas"
            )
        names.add(name.strip().lower())
        total += pence
    if total > data.budget_pence:
        raise ServiceError(
            "areas_over_budget",
            "The areas’ budgets add up to more than the total budget.",
            field="areas",
        )
    return {
        "title": title,
        "description": description,
        "budget_pence": data.budget_pence,
        **dict(dates),
        "ballot_type": data.ballot_type,
        "min_choices": min_choices,
        "max_choices": max_choices,
        "points": points,
        "rule": data.rule,
        "min_age": data.min_age,
        "postcode_areas": postcodes,
        "allow_codes": data.allow_codes,
        "allow_residency": data.allow_residency,
    }


def _new_reference(prefix: str) -> str:
    year = timezone.localdate().year
    number = counter_next(name=f"budgeting.{prefix.lower()}.{year}")
    return f"{prefix}-{year}-{number:04d}"


@submitted_once("budgeting.round")
def round_create(*, actor: User, data: RoundData) -> Round:
    """Create a round, open for ideas, with reference PB-YYYY-NNNN."""
    require_perm(actor, "budgeting.add_round")
    fields = _validate_round(data)
    with transaction.atomic():
        round_ = Round.objects.create(
            reference=_new_reference("PB"), secret=secrets.token_hex(32), created_by=actor, **fields
        )
        for name, pence in data.areas:
            Area.objects.create(round=round_, name=name.strip(), budget_pence=pence)
        audit_record(
            actor=actor,
            verb="budgeting.round.created",
            target=round_,
            changes={**fields, "areas": [[n, p] for n, p in data.areas]},
        )
    return round_


def round_change_phase(*, actor: User, round_: Round, to_phase: str) -> Round:
    """Move a round to its next phase. Repeating the move just made does nothing."""
    require_perm(actor, "budgeting.manage_round", round_)
    with transaction.atomic():
        locked = Round.objects.select_for_update().get(pk=round_.pk)
        if locked.phase == to_phase:
            return locked
        PHASES.check(locked.phase, to_phase)
        if (
            to_phase == Phase.VOTING
            and not locked.proposals.filter(status=ProposalStatus.FEASIBLE).exists()
        ):
            raise ServiceError(
                "no_projects",
                "At least one idea must be found feasible before voting opens.",
                field="phase",
            )
        if (
            to_phase == Phase.VOTING
            and locked.proposals.filter(status=ProposalStatus.SUBMITTED).exists()
        ):
            raise ServiceError(
                "unchecked_ideas", "Decide on every idea before voting opens.", field="phase"
            )
        old = locked.phase
        locked.phase = to_phase
        locked.save(update_fields=["phase", "updated_at"])
        audit_record(
            actor=actor,
            verb="budgeting.round.phase_changed",
            target=locked,
            changes={"phase": [old, to_phase]},
        )
    return locked


# --- Proposals -------------------------------------------------------------------------


@dataclass
class ProposalData:
    title: str
    description: str
    estimated_cost_pence: int
    area_id: int | None = None
    photo: bytes | None = None
    photo_alt: str = ""


def check_photo(data: bytes) -> str:
    """Check that the bytes are a real JPEG, PNG or WebP image; return its content type."""
    if len(data) > MAX_PHOTO_BYTES:
        raise ServiceError("photo_too_large", "The photo must be smaller than 5 MB.", field="photo")
    try:
        info = identify_image(data, formats=set(PHOTO_FORMATS))
    except NotAnImage:
        raise ServiceError(
            "photo_not_image", "The photo must be a JPG, PNG or WebP image.", field="photo"
        ) from None
    if info.width * info.height > MAX_PHOTO_PIXELS:
        raise ServiceError(
            "photo_too_large", "The photo has too many pixels. Use a smaller photo.", field="photo"
        )
    return PHOTO_FORMATS[info.format]


@submitted_once("budgeting.proposal", within="round_")
def proposal_submit(*, actor: User, round_: Round, data: ProposalData) -> Proposal:
    """A signed-in person suggests a project while the round is open for ideas."""
    if not actor.is_authenticated:
        raise NotFound()
    if round_.phase != Phase.PROPOSALS:
        raise ServiceError("round_closed", "This round is not taking ideas any more.")
    title = clean_text(data.title, field="title", label="a title for your idea", limit=120)
    description = clean_text(
        data.description, field="description", label="a description of your idea", limit=3000
    )
    if data.estimated_cost_pence <= 0 or data.estimated_cost_pence > round_.budget_pence:
        raise ServiceError(
            "cost_out_of_range",
            f"Enter a cost above £0 and no more than the whole budget of £{round_.budget_pence // 100:,}.",
            field="estimated_cost",
        )
    area = None
    if round_.areas.exists():
        area = round_.areas.filter(pk=data.area_id).first()
        if area is None:
            raise ServiceError("area_required", "Choose the area your idea is for.", field="area")
    content_type, alt = "", ""
    if data.photo:
        content_type = check_photo(data.photo)
        alt = clean_text(
            data.photo_alt, field="photo_alt", label="a short description of the photo", limit=250
        )
    with transaction.atomic():
        reference = _new_reference("PBP")
        proposal = Proposal.objects.create(
            round=round_,
            reference=reference,
            pb_id=reference,
            title=title,
            description=description,
            area=area,
            estimated_cost_pence=data.estimated_cost_pence,
            photo=data.photo or None,
            photo_content_type=content_type,
            photo_alt=alt,
            proposed_by=actor,
        )
        audit_record(
            actor=actor,
            verb="budgeting.proposal.submitted",
            target=proposal,
            changes={
                "round": round_.reference,
                "title": title,
                "estimated_cost_pence": data.estimated_cost_pence,
                "photo": bool(content_type),
            },
        )
    return proposal


def proposal_decide(
    *, actor: User, proposal: Proposal, feasible: bool, costed_pence: int | None, reason: str
) -> Proposal:
    """Record the feasibility decision: on the ballot at the costed amount, or not, and why."""
    require_perm(actor, "budgeting.manage_round", proposal.round)
    if proposal.round.phase not in (Phase.PROPOSALS, Phase.REVIEW):
        raise ServiceError("round_closed", "Ideas can only be checked before voting opens.")
    reason = clean_text(reason, field="reason", label="the reason for your decision", limit=3000)
    if feasible:
        if costed_pence is None or costed_pence <= 0:
            raise ServiceError(
                "cost_required", "Enter the costed amount for the project.", field="costed"
            )
        budget = proposal.area.budget_pence if proposal.area_id else proposal.round.budget_pence
        if costed_pence > budget:
            raise ServiceError(
                "cost_over_budget",
                "The costed amount is more than the budget available.",
                field="costed",
            )
    else:
        costed_pence = None
    with transaction.atomic():
        locked = Proposal.objects.select_for_update().get(pk=proposal.pk)
        old = locked.status
        locked.status = ProposalStatus.FEASIBLE if feasible else ProposalStatus.NOT_FEASIBLE
        locked.costed_pence = costed_pence
        locked.decision_reason = reason
        locked.decided_by = actor
        locked.decided_at = timezone.now()
        locked.save()
        audit_record(
            actor=actor,
            verb="budgeting.proposal.decided",
            target=locked,
            changes={"status": [old, locked.status], "costed_pence": costed_pence},
            reason=reason,
        )
    return locked


# --- Codes -----------------------------------------------------------------------------


def codes_issue(
    *, actor: User, round_: Round, count: int, rng: random.Random | None = None
) -> list[str]:
    """Make ``count`` new single-use codes; return them once, keeping only their hashes."""
    require_perm(actor, "budgeting.manage_round", round_)
    if not round_.allow_codes:
        raise ServiceError("codes_not_used", "This round does not use voting codes.", field="count")
    if round_.has_register:
        raise ServiceError(
            "register_codes_only",
            "This round has an eligibility register, so each code must belong to one person "
            "on it. Make codes when you upload the register.",
            field="count",
        )
    if round_.phase == Phase.RESULTS:
        raise ServiceError(
            "round_closed", "Voting has closed, so no more codes can be issued.", field="count"
        )
    if not 1 <= count <= MAX_CODES:
        raise ServiceError(
            "invalid_count", f"Enter a number of codes from 1 to {MAX_CODES:,}.", field="count"
        )
    now = timezone.now()
    codes: list[str] = []
    with transaction.atomic():
        existing = set(VotingCode.objects.filter(round=round_).values_list("code_hash", flat=True))
        rows = []
        while len(codes) < count:
            code = _new_code(rng)
            digest = _hmac(round_, normalise_code(code))
            if digest in existing:
                continue
            existing.add(digest)
            codes.append(code)
            rows.append(VotingCode(round=round_, code_hash=digest, issued_at=now))
        VotingCode.objects.bulk_create(rows)
        audit_record(
            actor=actor, verb="budgeting.codes.issued", target=round_, changes={"count": count}
        )
    return codes


# --- Ballots ---------------------------------------------------------------------------


def validate_choices(
    round_: Round, choices: dict[str, int], projects: list[Proposal] | None = None
) -> list[tuple[Proposal, int]]:
    """Check a ballot against the round's rules. ``choices`` maps a project reference to points."""
    projects = ballot_projects(round_) if projects is None else projects
    by_ref = {p.pb_id: p for p in projects}
    chosen: list[tuple[Proposal, int]] = []
    for ref, points in choices.items():
        if ref not in by_ref:
            raise ServiceError(
                "unknown_project", f"“{ref}” is not a project on this ballot.", field="projects"
            )
        if points < 0:
            raise ServiceError("negative_points", "Points cannot be less than 0.", field="projects")
        if points > 0:
            chosen.append((by_ref[ref], points))
    kind = round_.ballot_type
    if not chosen:
        raise ServiceError("empty_ballot", "Choose at least one project.", field="projects")
    if kind == BallotType.APPROVAL:
        if len(chosen) < round_.min_choices:
            raise ServiceError(
                "too_few", f"Choose at least {round_.min_choices} projects.", field="projects"
            )
        if round_.max_choices and len(chosen) > round_.max_choices:
            raise ServiceError(
                "too_many", f"Choose no more than {round_.max_choices} projects.", field="projects"
            )
        chosen = [(p, 1) for p, _ in chosen]
    elif kind == BallotType.KNAPSACK:
        chosen = [(p, 1) for p, _ in chosen]
        for pot, budget, spent in pot_totals(round_, chosen):
            if spent > budget:
                where = f" in {pot}" if pot else ""
                raise ServiceError(
                    "over_budget",
                    f"Your choices{where} cost £{spent / 100:,.0f}, more than the £{budget / 100:,.0f} available. "
                    "Remove a project.",
                    field="projects",
                )
    else:
        total = sum(points for _, points in chosen)
        if total > (round_.points or 0):
            raise ServiceError(
                "too_many_points",
                f"You have used {total} points. You can spread up to {round_.points} points.",
                field="projects",
            )
    return chosen


def pot_budgets(round_: Round) -> dict[int | None, tuple[str, int]]:
    """Each pot of money: every area with its budget, and the rest of the round (key None)."""
    areas = list(round_.areas.all())
    pots: dict[int | None, tuple[str, int]] = {a.pk: (a.name, a.budget_pence) for a in areas}
    rest = round_.budget_pence - sum(a.budget_pence for a in areas)
    if rest > 0 or not areas:
        pots[None] = ("", rest)
    return pots


def pot_totals(round_: Round, chosen: list[tuple[Proposal, int]]) -> list[tuple[str, int, int]]:
    """(pot name, budget, cost of the chosen projects in it) for every pot."""
    pots = pot_budgets(round_)
    spent = dict.fromkeys(pots, 0)
    for proposal, _ in chosen:
        spent[proposal.area_id] = spent.get(proposal.area_id, 0) + proposal.costed_pence
    return [(pots.get(k, ("", 0))[0], pots.get(k, ("", 0))[1], v) for k, v in spent.items()]


@dataclass
class Verification:
    """How the voter proves eligibility: a printed code, or postcode and date of birth."""

    code: str = ""
    postcode: str = ""
    date_of_birth: dt.date | None = None
    previous_receipt: str = ""


def _residency_details(round_: Round, v: Verification) -> tuple[str, dt.date]:
    """Check the postcode and date of birth a voter gave; return them normalised."""
    if not round_.allow_residency:
        raise ServiceError(
            "residency_not_used",
            "This round uses printed voting codes. Enter your code.",
            field="code",
        )
    postcode = normalise_postcode(v.postcode)
    if postcode is None:
        raise ServiceError(
            "invalid_postcode", "Enter a real postcode, like RV1 3DP.", field="postcode"
        )
    if POSTCODE_RE.match(postcode).group(1) not in round_.postcode_list:
        raise ServiceError(
            "outside_area",
            "This postcode is not in the area of this round, so you cannot vote.",
            field="postcode",
        )
    if v.date_of_birth is None:
        raise ServiceError("dob_required", "Enter your date of birth.", field="date_of_birth")
    age = age_on(v.date_of_birth, round_.voting_closes_on)
    if age < round_.min_age or age > 120:
        raise ServiceError(
            "too_young",
            f"You must be {round_.min_age} or older to vote in this round.",
            field="date_of_birth",
        )
    return postcode, v.date_of_birth


def _residency_key(round_: Round, v: Verification) -> str:
    postcode, dob = _residency_details(round_, v)
    return _hmac(round_, f"residency:{postcode}:{dob.isoformat()}")


NOT_REGISTERED = (
    "We cannot find this postcode and date of birth on the list of people who can vote in "
    "this round. Check them, or contact the council."
)


def register_entry_for(
    round_: Round, postcode: str, date_of_birth: dt.date
) -> RegisterEntry | None:
    """The register entry for a normalised postcode and date of birth, if it is listed."""
    return RegisterEntry.objects.filter(
        round=round_,
        person_key=person_key(round_.reference, postcode, date_of_birth),
        in_register=True,
    ).first()


def _voter_for(round_: Round, *, key: str, channel: str, entry: RegisterEntry | None) -> Voter:
    """The voter row for a key (or a register entry), created once, then locked."""
    lookup = {"entry": entry} if entry is not None else {"key": key}
    try:
        with transaction.atomic():
            voter, _ = Voter.objects.get_or_create(
                round=round_, **lookup, defaults={"key": key, "channel": channel}
            )
    except IntegrityError:
        voter = Voter.objects.get(round=round_, **lookup)
    return Voter.objects.select_for_update().get(pk=voter.pk)


def ballot_cast(
    *, round_: Round, choices: dict[str, int], verification: Verification, actor=None
) -> str:
    """Cast (or replace) a ballot; return the receipt code, which is shown once.

    A code can be used once. To change a vote, the voter enters the same code (or the same
    postcode and date of birth) with the receipt of their current ballot; the new ballot
    supersedes it. Concurrent casts by the same voter are serialised by row locks.
    """
    if round_.phase != Phase.VOTING:
        raise ServiceError("round_closed", "Voting is not open in this round.")
    chosen = validate_choices(round_, choices)
    code = normalise_code(verification.code)
    if code and not round_.allow_codes:
        raise ServiceError("codes_not_used", "This round does not use voting codes.", field="code")
    if not code and not round_.allow_residency:
        raise ServiceError("code_required", "Enter the voting code from your letter.", field="code")
    receipt = _new_code()
    with transaction.atomic():
        # Under the round's lock: voting may have closed (or a register been uploaded)
        # since the page was read.
        locked = lock_round_for_voting(round_)
        if locked.phase != Phase.VOTING:
            raise ServiceError("round_closed", "Voting closed before your vote arrived.")
        now = timezone.now()
        entry = None
        if code:
            row = (
                VotingCode.objects.select_for_update(of=("self",))
                .select_related("entry")
                .filter(round=locked, code_hash=_hmac(locked, code))
                .first()
            )
            if row is None or (
                locked.has_register and (row.entry is None or not row.entry.in_register)
            ):
                raise ServiceError(
                    "unknown_code",
                    "We do not recognise this voting code. Check it and try again.",
                    field="code",
                )
            key, channel, entry = row.code_hash, Channel.CODE, row.entry
        elif locked.has_register:
            row = None
            postcode, dob = _residency_details(locked, verification)
            entry = register_entry_for(locked, postcode, dob)
            if entry is None:
                raise ServiceError("not_registered", NOT_REGISTERED, field="postcode")
            key, channel = "", Channel.RESIDENCY
        else:
            row = None
            key, channel = _residency_key(locked, verification), Channel.RESIDENCY
        if entry is not None:
            key = f"entry:{entry.pk}"
        voter = _voter_for(locked, key=key, channel=channel, entry=entry)
        current = Ballot.objects.filter(voter=voter, superseded_at__isnull=True).first()
        if current is not None:
            given = verification.previous_receipt.strip()
            if not given:
                what = "voting code" if code else "postcode and date of birth"
                message = f"This {what} has already been used to vote."
                if entry is not None:
                    message = "You have already voted in this round, online or on paper."
                raise ServiceError(
                    "already_voted",
                    f"{message} To change your vote, also enter the receipt code you were given.",
                    field="previous_receipt" if not code else "code",
                )
            if not hmac.compare_digest(receipt_hash(given), current.receipt_hash):
                raise ServiceError(
                    "wrong_receipt",
                    "That receipt code does not match your latest vote.",
                    field="previous_receipt",
                )
            current.superseded_at = now
            current.save(update_fields=["superseded_at"])
        ballot = Ballot.objects.create(
            round=locked, voter=voter, receipt_hash=receipt_hash(receipt), cast_at=now
        )
        BallotChoice.objects.bulk_create(
            [BallotChoice(ballot=ballot, proposal=p, points=pts) for p, pts in chosen]
        )
        if row is not None and row.used_at is None:
            row.used_at = now
            row.save(update_fields=["used_at"])
        audit_record(
            actor=actor,
            verb="budgeting.ballot.cast",
            target=round_,
            changes={"channel": channel, "replaced_earlier_ballot": current is not None},
        )
    return receipt


# --- Paper ballots ---------------------------------------------------------------------


@dataclass(frozen=True)
class PaperLine:
    """One typed paper ballot: its line number, its choices, and whom it is from if known."""

    number: int
    choices: dict[str, int]
    postcode: str = ""
    date_of_birth: dt.date | None = None


def _paper_voter(round_: Round, n: int, postcode_text: str, dob_text: str) -> tuple[str, dt.date]:
    postcode = normalise_postcode(postcode_text)
    if postcode is None:
        raise ServiceError(
            "invalid_postcode",
            f"Line {n}: “{postcode_text.strip()[:20]}” is not a postcode.",
            field="ballots",
        )
    try:
        dob = parse_date(dob_text)
    except ValueError as exc:
        raise ServiceError("invalid_date", f"Line {n}: {exc}.", field="ballots") from None
    return postcode, dob


def parse_paper_lines(round_: Round, text: str) -> list[PaperLine]:
    """One ballot a line: project references separated by commas; ``REF:points`` for points.

    In a round with a register a line may start with the voter's postcode and date of
    birth, each followed by ``|`` (``RV4 2AB | 14/03/1980 | PBP-2027-0003``), to enter
    the ballot against their register entry.
    """
    ballots = []
    lines = [
        (n, line.strip()) for n, line in enumerate((text or "").splitlines(), 1) if line.strip()
    ]
    if not lines:
        raise ServiceError(
            "required", "Enter at least one paper ballot, one a line.", field="ballots"
        )
    if len(lines) > 2000:
        raise ServiceError(
            "too_many_lines", "Enter no more than 2,000 ballots in one batch.", field="ballots"
        )
    projects = ballot_projects(round_)
    for n, line in lines:
        parts = line.split("|")
        postcode, dob = "", None
        if len(parts) == 3:
            postcode, dob = _paper_voter(round_, n, parts[0], parts[1])
        elif len(parts) != 1:
            raise ServiceError(
                "bad_line",
                f"Line {n}: write the postcode, the date of birth and the projects, separated "
                "by |, or the projects alone.",
                field="ballots",
            )
        choices: dict[str, int] = {}
        for item in (i.strip() for i in parts[-1].split(",")):
            if not item:
                continue
            ref, _, pts = item.partition(":")
            ref = ref.strip().upper()
            try:
                points = int(pts) if pts.strip() else 1
            except ValueError:
                raise ServiceError(
                    "bad_points",
                    f"Line {n}: “{pts.strip()}” is not a whole number of points.",
                    field="ballots",
                ) from None
            if ref in choices:
                raise ServiceError(
                    "repeated_project", f"Line {n}: {ref} appears twice.", field="ballots"
                )
            choices[ref] = points
        try:
            validate_choices(round_, choices, projects)
        except ServiceError as exc:
            raise ServiceError(exc.code, f"Line {n}: {exc.message}", field="ballots") from None
        ballots.append(PaperLine(n, choices, postcode, dob))
    return ballots


def _paper_entries(round_: Round, parsed: list[PaperLine]) -> list[RegisterEntry | None]:
    """The register entry of each paper line (None: unmatched). The caller holds the
    round's lock, so no ballot can arrive for these entries meanwhile."""
    if any(line.postcode for line in parsed) and not round_.has_register:
        raise ServiceError(
            "no_register",
            "This round has no eligibility register: enter the projects only, without a "
            "postcode and date of birth.",
            field="ballots",
        )
    entries: list[RegisterEntry | None] = []
    seen: dict[int, int] = {}
    for line in parsed:
        if not line.postcode:
            entries.append(None)
            continue
        entry = register_entry_for(round_, line.postcode, line.date_of_birth)
        if entry is None:
            raise ServiceError(
                "not_registered",
                f"Line {line.number}: this postcode and date of birth are not on the register. "
                "Check them, or enter the projects alone so that the confirming officer decides.",
                field="ballots",
            )
        if entry.pk in seen:
            raise ServiceError(
                "same_person_twice",
                f"Line {line.number}: the same person as line {seen[entry.pk]}.",
                field="ballots",
            )
        seen[entry.pk] = line.number
        entries.append(entry)
    voted = set(
        Ballot.objects.filter(
            voter__entry__in=[e for e in entries if e is not None], superseded_at__isnull=True
        ).values_list("voter__entry_id", flat=True)
    )
    for line, entry in zip(parsed, entries, strict=True):
        if entry is not None and entry.pk in voted:
            raise ServiceError(
                "already_voted",
                f"Line {line.number}: this person has already voted in this round.",
                field="ballots",
            )
    return entries


def batch_enter(*, actor: User, round_: Round, text: str) -> PaperBatch:
    """Store a batch of paper ballots; they count only after another officer confirms it.

    With a register, a ballot entered against a register entry is that person's vote (one
    across every channel); one entered without is flagged as unmatched, and counts only
    if the confirming officer accepts the batch's unmatched ballots.
    """
    require_perm(actor, "budgeting.manage_round", round_)
    if round_.phase != Phase.VOTING:
        raise ServiceError(
            "round_closed",
            "Paper ballots can only be entered while voting is open.",
            field="ballots",
        )
    parsed = parse_paper_lines(round_, text)
    by_ref = {p.pb_id: p for p in ballot_projects(round_)}
    with transaction.atomic():
        locked = Round.objects.select_for_update().get(pk=round_.pk)
        if locked.phase != Phase.VOTING:
            raise ServiceError(
                "round_closed", "Voting closed before the batch was saved.", field="ballots"
            )
        entries = _paper_entries(locked, parsed)
        now = timezone.now()
        number = (
            locked.batches.order_by("-number").values_list("number", flat=True).first() or 0
        ) + 1
        batch = PaperBatch.objects.create(
            round=locked, number=number, entered_by=actor, entered_at=now
        )
        existing = {
            v.entry_id: v
            for v in Voter.objects.filter(entry__in=[e for e in entries if e is not None])
        }
        new_voters = [
            Voter(
                round=locked,
                key=f"entry:{e.pk}" if e is not None else secrets.token_hex(32),
                channel=Channel.PAPER,
                entry=e,
            )
            for e in entries
            if e is None or e.pk not in existing
        ]
        Voter.objects.bulk_create(new_voters)
        made = iter(new_voters)
        voters = [
            existing[e.pk] if e is not None and e.pk in existing else next(made) for e in entries
        ]
        ballots = Ballot.objects.bulk_create(
            [
                Ballot(
                    round=locked,
                    voter=v,
                    receipt_hash=secrets.token_hex(32),
                    cast_at=now,
                    batch=batch,
                    unmatched=locked.has_register and e is None,
                )
                for v, e in zip(voters, entries, strict=True)
            ]
        )
        BallotChoice.objects.bulk_create(
            [
                BallotChoice(ballot=ballot, proposal=by_ref[r], points=pts)
                for ballot, line in zip(ballots, parsed, strict=True)
                for r, pts in line.choices.items()
                if pts > 0
            ]
        )
        audit_record(
            actor=actor,
            verb="budgeting.batch.entered",
            target=batch,
            changes={
                "round": locked.reference,
                "ballots": len(parsed),
                "unmatched": sum(1 for b in ballots if b.unmatched),
            },
        )
    return batch


def batch_confirm(*, actor: User, batch: PaperBatch, accept_unmatched: bool = False) -> PaperBatch:
    """A second officer confirms a batch; the officer who typed it in cannot.

    Ballots in it that were not entered against the register count only if this officer
    accepts them (``accept_unmatched``); otherwise they stay stored and never count.
    """
    require_perm(actor, "budgeting.manage_round", batch.round)
    if batch.entered_by_id == actor.pk:
        raise ServiceError("same_officer", "A different officer must confirm this batch.")
    with transaction.atomic():
        round_ = lock_round_for_voting(batch.round)
        locked = PaperBatch.objects.select_for_update().get(pk=batch.pk)
        if locked.confirmed_at is not None:
            return locked
        if round_.phase != Phase.VOTING:
            raise ServiceError(
                "round_closed", "Batches can only be confirmed while voting is open."
            )
        unmatched = locked.ballots.filter(unmatched=True).count()
        locked.confirmed_by = actor
        locked.confirmed_at = timezone.now()
        locked.unmatched_accepted = bool(unmatched and accept_unmatched)
        locked.save(update_fields=["confirmed_by", "confirmed_at", "unmatched_accepted"])
        audit_record(
            actor=actor,
            verb="budgeting.batch.confirmed",
            target=locked,
            changes={
                "round": round_.reference,
                "unmatched": unmatched,
                "unmatched_accepted": locked.unmatched_accepted,
            },
        )
    return locked


# --- Results ---------------------------------------------------------------------------


def result_record(*, actor: User, round_: Round, computed_at=None) -> Result:
    """Count the counted ballots with the round's rule, pot by pot, and store the result.

    The one place results are worked out: ``results_compute`` and the pabulib import
    call it. The caller checks the permission and the phase, holds the round's lock and
    has removed any earlier result. Audited as ``budgeting.results.computed``.
    """
    projects = ballot_projects(round_)
    ballots = list(counted_ballots(round_).prefetch_related("choices"))
    lines = engine.allocate_round(round_, projects, ballots, pot_budgets(round_))
    result = Result.objects.create(
        round=round_,
        computed_at=computed_at or timezone.now(),
        computed_by=actor,
        rule=round_.rule,
        ballots_counted=len(ballots),
    )
    ResultLine.objects.bulk_create(
        [
            ResultLine(
                result=result,
                proposal=line.proposal,
                votes=line.votes,
                score=line.score,
                cost_pence=line.proposal.costed_pence,
                funded_by_rule=line.funded,
                funded=line.funded,
                explanation=line.explanation,
            )
            for line in lines
        ]
    )
    audit_record(
        actor=actor,
        verb="budgeting.results.computed",
        target=round_,
        changes={
            "rule": round_.rule,
            "ballots_counted": len(ballots),
            "funded": sum(1 for ln in lines if ln.funded),
        },
    )
    return result


def results_compute(*, actor: User, round_: Round) -> Result:
    """Count the ballots with the round's rule, pot by pot; replaces an unpublished result."""
    require_perm(actor, "budgeting.manage_round", round_)
    if round_.phase != Phase.RESULTS:
        raise ServiceError(
            "voting_not_closed", "Results can only be worked out after voting closes."
        )
    with transaction.atomic():
        locked = Round.objects.select_for_update().get(pk=round_.pk)
        existing = Result.objects.filter(round=locked).first()
        if existing is not None and existing.published_at is not None:
            raise ServiceError(
                "already_published", "The results are published and cannot be worked out again."
            )
        if existing is not None:
            existing.delete()
        result = result_record(actor=actor, round_=locked)
    return result


def results_publish(*, actor: User, round_: Round) -> Result:
    """Make the results public. Publishing twice does nothing the second time."""
    require_perm(actor, "budgeting.manage_round", round_)
    with transaction.atomic():
        result = Result.objects.select_for_update().filter(round=round_).first()
        if result is None:
            raise ServiceError("no_result", "Work out the results before publishing them.")
        if result.published_at is not None:
            return result
        result.published_at = timezone.now()
        result.save(update_fields=["published_at"])
        audit_record(
            actor=actor,
            verb="budgeting.results.published",
            target=round_,
            changes={"published_at": result.published_at},
        )
    return result


def result_override(*, actor: User, line: ResultLine, funded: bool, reason: str) -> ResultLine:
    """Fund or unfund a project against the rule's outcome, with a public reason."""
    round_ = line.result.round
    require_perm(actor, "budgeting.manage_round", round_)
    reason = (reason or "").strip()
    if funded != line.funded_by_rule:
        reason = clean_text(
            reason, field="reason", label="the public reason for this change", limit=2000
        )
    else:
        reason = ""
    with transaction.atomic():
        locked = ResultLine.objects.select_for_update().get(pk=line.pk)
        old = locked.funded
        locked.funded = funded
        locked.override_reason = reason
        locked.save(update_fields=["funded", "override_reason"])
        audit_record(
            actor=actor,
            verb="budgeting.results.overridden",
            target=round_,
            changes={"project": locked.proposal.reference, "funded": [old, funded]},
            reason=reason,
        )
    return locked
