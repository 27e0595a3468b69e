"""The budgeting demo: a finished Riverside round with published results and an open round."""

from __future__ import annotations

from coproduce.demo import budgeting as demo
from coproduce.demo import data
from coproduce.foundation.core.audit import verify_chain
from coproduce.foundation.core.models import AuditEvent
from coproduce.understand.participatory_budgeting.models import (
    Ballot,
    Phase,
    Result,
    Round,
    VotingCode,
)
from coproduce.understand.participatory_budgeting.services import Verification, ballot_cast


def test_demo_rounds_load_once_with_published_results_and_working_codes(demo_world):
    data.load()
    finished = Round.objects.get(title=demo.FINISHED_TITLE)
    open_round = Round.objects.get(title=demo.OPEN_TITLE)
    assert finished.phase == Phase.RESULTS
    assert open_round.phase == Phase.VOTING
    result = Result.objects.get(round=finished)
    assert result.published_at is not None
    assert result.ballots_counted == demo.BALLOTS
    assert result.lines.count() == 14
    spent = sum(ln.cost_pence for ln in result.lines.filter(funded=True))
    assert 0 < spent <= finished.budget_pence
    assert VotingCode.objects.filter(round=open_round).count() == demo.DEMO_CODE_COUNT
    counts = (Round.objects.count(), Ballot.objects.count(), AuditEvent.objects.count())
    assert data.load()["budget_rounds"] == 0
    assert (Round.objects.count(), Ballot.objects.count(), AuditEvent.objects.count()) == counts
    assert verify_chain()[1] is None
    choice = open_round.proposals.filter(status="feasible").first().pb_id
    ballot_cast(
        round_=open_round, choices={choice: 1}, verification=Verification(code=demo.demo_codes()[0])
    )
    assert Ballot.objects.filter(round=open_round).count() == 1


def test_demo_codes_are_fixed():
    assert demo.demo_codes() == demo.demo_codes()
    assert len(set(demo.demo_codes())) == demo.DEMO_CODE_COUNT
