"""Helpers for the budgeting tests: rounds and ballots made through the services."""

from __future__ import annotations

import datetime as dt
import io

from PIL import Image

from coproduce.understand.participatory_budgeting.models import Phase, Round
from coproduce.understand.participatory_budgeting.services import (
    ProposalData,
    RoundData,
    codes_issue,
    proposal_decide,
    proposal_submit,
    round_change_phase,
    round_create,
)


def round_data(**overrides) -> RoundData:
    values = {
        "title": "Riverside Test Fund",
        "description": "Money for small projects.",
        "budget_pence": 10_000_00,
        "proposals_open_on": dt.date(2027, 1, 1),
        "review_starts_on": dt.date(2027, 2, 1),
        "voting_opens_on": dt.date(2027, 3, 1),
        "voting_closes_on": dt.date(2027, 3, 31),
        "results_on": dt.date(2027, 4, 15),
        "ballot_type": "knapsack",
        "rule": "mes",
        "postcode_areas": "RV1 RV2",
        "allow_codes": True,
        "allow_residency": True,
    }
    values.update(overrides)
    return RoundData(**values)


def make_round(
    actor, *, costs=(4000_00, 3000_00, 5000_00), phase=Phase.VOTING, **overrides
) -> Round:
    """A round with one feasible project per cost (pounds in pence), moved to ``phase``."""
    round_ = round_create(actor=actor, data=round_data(**overrides))
    areas = list(round_.areas.all())
    for i, cost in enumerate(costs):
        proposal = proposal_submit(
            actor=actor,
            round_=round_,
            data=ProposalData(
                title=f"Project {i + 1}",
                description="A useful thing.",
                estimated_cost_pence=cost,
                area_id=areas[i % len(areas)].pk if areas else None,
            ),
        )
        proposal_decide(
            actor=actor,
            proposal=proposal,
            feasible=True,
            costed_pence=cost,
            reason="Checked by parks.",
        )
    order = [Phase.PROPOSALS, Phase.REVIEW, Phase.VOTING, Phase.RESULTS]
    for target in order[1 : order.index(phase) + 1]:
        round_ = round_change_phase(actor=actor, round_=round_, to_phase=target)
    return round_


def refs(round_: Round) -> list[str]:
    return list(
        round_.proposals.filter(status="feasible").order_by("pk").values_list("pb_id", flat=True)
    )


def codes(actor, round_: Round, n: int = 3) -> list[str]:
    return codes_issue(actor=actor, round_=round_, count=n)


def png_bytes(size=(8, 8)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, format="PNG")
    return out.getvalue()
