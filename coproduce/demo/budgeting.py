"""Demo community budgets for Riverside: one finished round with published results, one open.

* "Riverside Community Fund 2026": £100,000, 14 projects on the ballot (and one idea that
  could not go ahead), 300 approval ballots made with a seeded random generator and
  entered as two confirmed paper batches, counted by Equal Shares and published.
* "Millbrook Ward Green Spaces 2027": a budget (knapsack) ballot open for voting, with five
  printed demo codes made from a fixed seed (listed in docs/budgeting.md) and the postcode
  check for RV4 and RV5.

Idempotent: rounds are found by title and only a missing round is created.
"""

from __future__ import annotations

import datetime as dt
import random

from coproduce.foundation.accounts.models import User
from coproduce.understand.participatory_budgeting.models import Phase, Round
from coproduce.understand.participatory_budgeting.services import (
    ProposalData,
    RoundData,
    _new_code,
    batch_confirm,
    batch_enter,
    codes_issue,
    proposal_decide,
    proposal_submit,
    results_compute,
    results_publish,
    round_change_phase,
    round_create,
)

FINISHED_TITLE = "Riverside Community Fund 2026"
OPEN_TITLE = "Millbrook Ward Green Spaces 2027"
DEMO_CODE_SEED = "millbrook-demo-2027"
DEMO_CODE_COUNT = 5
BALLOT_SEED = 2026
BALLOTS = 300

# (title, description, pounds, popularity 0–1)
RIVERSIDE_PROJECTS = [
    (
        "Riverside path lighting",
        "Solar lights along the riverside path between the footbridge and the leisure centre.",
        18_000,
        0.55,
    ),
    ("Youth club kit", "New sports and music equipment for the Eastgate youth club.", 6_500, 0.40),
    (
        "Community fridge",
        "A fridge and volunteer rota at St Mark’s hall so surplus food goes to people who need it.",
        4_000,
        0.45,
    ),
    (
        "Accessible play area",
        "Wheelchair-accessible swing and sensory panels at Victoria Park.",
        22_000,
        0.50,
    ),
    (
        "Benches on the high street",
        "Eight benches with arms, so older people can rest on the way to the shops.",
        5_500,
        0.35,
    ),
    ("Repair café", "Tools and a year of room hire for a monthly repair café.", 3_000, 0.25),
    ("Street trees", "Thirty street trees on roads with the least shade.", 15_000, 0.42),
    (
        "Dementia-friendly walks",
        "Trained walk leaders and printed maps for weekly dementia-friendly walks.",
        2_500,
        0.22,
    ),
    (
        "Skate park resurfacing",
        "Resurface the skate park at Millfield and add a beginners’ area.",
        25_000,
        0.30,
    ),
    (
        "Library homework club",
        "Staff and laptops for an after-school homework club at Riverside library.",
        9_000,
        0.33,
    ),
    ("Allotment water supply", "Mains water taps for the Northway allotments.", 7_500, 0.18),
    ("Bike repair stands", "Six public bike repair stands with pumps and tools.", 3_500, 0.20),
    ("Community noticeboards", "Weatherproof noticeboards in each ward.", 2_000, 0.15),
    ("Pond clean-up", "Clear and replant the pond in Rectory Gardens.", 8_000, 0.28),
]
RIVERSIDE_REJECTED = (
    "Free bus to the coast",
    "A weekly free bus to the coast in the summer holidays.",
    60_000,
    "A weekly coach for the whole summer would cost more than half of the fund, and the council cannot run a bus "
    "service from this fund. The transport team will consider it for the 2027 summer programme instead.",
)

MILLBROOK_PROJECTS = [
    (
        "Wildflower verges",
        "Sow wildflowers on the verges of Millbrook Road and leave them uncut until September.",
        6_000,
    ),
    ("Community orchard", "Plant twenty fruit trees on the green behind Millbrook school.", 9_500),
    (
        "Pocket park at Station Yard",
        "Turn the empty corner at Station Yard into a small park with seating.",
        18_000,
    ),
    (
        "Bird and bat boxes",
        "Forty bird and bat boxes made by local schools, put up by volunteers.",
        1_500,
    ),
    (
        "Brook footpath repair",
        "Repair the muddy stretch of the brook footpath and add a handrail.",
        12_000,
    ),
    (
        "Raised beds at the health centre",
        "Accessible raised planting beds for the health centre’s gardening group.",
        4_500,
    ),
]


def _make_round(officer: User, data: RoundData, projects, proposer: User) -> Round:
    round_ = round_create(actor=officer, data=data)
    for title, description, pounds, *_ in projects:
        proposal = proposal_submit(
            actor=proposer,
            round_=round_,
            data=ProposalData(
                title=title, description=description, estimated_cost_pence=pounds * 100
            ),
        )
        proposal_decide(
            actor=officer,
            proposal=proposal,
            feasible=True,
            costed_pence=pounds * 100,
            reason="Checked with the parks and highways teams. It can be done within a year at this cost.",
        )
    return round_


def _riverside(officer: User, second: User, proposer: User) -> Round:
    data = RoundData(
        title=FINISHED_TITLE,
        description="£100,000 for projects that make Riverside a better place to live, chosen by residents.",
        budget_pence=100_000_00,
        proposals_open_on=dt.date(2026, 1, 5),
        review_starts_on=dt.date(2026, 2, 16),
        voting_opens_on=dt.date(2026, 3, 16),
        voting_closes_on=dt.date(2026, 4, 12),
        results_on=dt.date(2026, 4, 30),
        ballot_type="approval",
        min_choices=1,
        max_choices=5,
        rule="mes",
        min_age=16,
        postcode_areas="RV1 RV2 RV3 RV4 RV5",
        allow_codes=True,
        allow_residency=True,
    )
    round_ = _make_round(officer, data, RIVERSIDE_PROJECTS, proposer)
    title, description, pounds, reason = RIVERSIDE_REJECTED
    idea = proposal_submit(
        actor=proposer,
        round_=round_,
        data=ProposalData(title=title, description=description, estimated_cost_pence=pounds * 100),
    )
    proposal_decide(actor=officer, proposal=idea, feasible=False, costed_pence=None, reason=reason)
    round_ = round_change_phase(actor=officer, round_=round_, to_phase=Phase.REVIEW)
    round_ = round_change_phase(actor=officer, round_=round_, to_phase=Phase.VOTING)
    refs = list(
        round_.proposals.filter(status="feasible").order_by("pk").values_list("pb_id", flat=True)
    )
    popularity = [p[3] for p in RIVERSIDE_PROJECTS]
    rng = random.Random(BALLOT_SEED)  # noqa: S311 - repeatable demo data
    lines = []
    for _ in range(BALLOTS):
        chosen = [ref for ref, p in zip(refs, popularity, strict=True) if rng.random() < p * 0.6]
        if not chosen:
            chosen = [rng.choices(refs, weights=popularity)[0]]
        rng.shuffle(chosen)
        lines.append(", ".join(chosen[:5]))
    half = len(lines) // 2
    for part in (lines[:half], lines[half:]):
        batch = batch_enter(actor=officer, round_=round_, text="\n".join(part))
        batch_confirm(actor=second, batch=batch)
    round_ = round_change_phase(actor=officer, round_=round_, to_phase=Phase.RESULTS)
    results_compute(actor=officer, round_=round_)
    results_publish(actor=officer, round_=round_)
    return round_


def demo_codes() -> list[str]:
    """The printed demo codes for Millbrook: the same every time (listed in docs/budgeting.md)."""
    rng = random.Random(DEMO_CODE_SEED)  # noqa: S311 - demo codes are public on purpose
    return [_new_code(rng) for _ in range(DEMO_CODE_COUNT)]


def _millbrook(officer: User, proposer: User) -> Round:
    data = RoundData(
        title=OPEN_TITLE,
        description="£40,000 to make Millbrook’s green spaces greener, safer and easier to use. Choose the projects "
        "you would fund, up to the budget.",
        budget_pence=40_000_00,
        proposals_open_on=dt.date(2026, 8, 3),
        review_starts_on=dt.date(2026, 9, 14),
        voting_opens_on=dt.date(2026, 11, 2),
        voting_closes_on=dt.date(2027, 1, 31),
        results_on=dt.date(2027, 2, 26),
        ballot_type="knapsack",
        rule="mes",
        min_age=11,
        postcode_areas="RV4 RV5",
        allow_codes=True,
        allow_residency=True,
    )
    round_ = _make_round(officer, data, MILLBROOK_PROJECTS, proposer)
    round_ = round_change_phase(actor=officer, round_=round_, to_phase=Phase.REVIEW)
    round_ = round_change_phase(actor=officer, round_=round_, to_phase=Phase.VOTING)
    rng = random.Random(DEMO_CODE_SEED)  # noqa: S311 - demo codes are public on purpose
    codes_issue(actor=officer, round_=round_, count=DEMO_CODE_COUNT, rng=rng)
    return round_


def load(users: dict[str, User]) -> dict[str, int]:
    """Create the demo rounds that are missing. Returns how many rounds were created."""
    officer = users["commissioner@riverside.example"]
    second = users["commissioner2@riverside.example"]
    proposer = users["resident@riverside.example"]
    created = 0
    if not Round.objects.filter(title=FINISHED_TITLE).exists():
        _riverside(officer, second, proposer)
        created += 1
    if not Round.objects.filter(title=OPEN_TITLE).exists():
        _millbrook(officer, proposer)
        created += 1
    return {"budget_rounds": created}
