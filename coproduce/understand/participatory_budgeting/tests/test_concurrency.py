"""On PostgreSQL: one voter, one current ballot (50 simultaneous submissions of one code),
and no ballot stored after voting closed (40 ballots racing the close)."""

from __future__ import annotations

import datetime as dt
import threading
import time

import pytest
from django.db import connection, connections  # noqa: F401 - connection is read by the skipif condition

from coproduce.foundation.core.audit import verify_chain
from coproduce.foundation.core.errors import ServiceError
from coproduce.foundation.core.models import AuditEvent
from coproduce.understand.participatory_budgeting.models import Ballot, Phase, Round, VotingCode
from coproduce.understand.participatory_budgeting.services import (
    Verification,
    ballot_cast,
    counted_ballots,
    round_change_phase,
)

from .factories import codes, make_round, refs

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        "connection.vendor != 'postgresql'", reason="row locks are exercised on PostgreSQL"
    ),
]


def _run_concurrently(n: int, work) -> tuple[list, list[BaseException]]:
    barrier = threading.Barrier(n)
    results, errors = [], []

    def target(i: int) -> None:
        try:
            barrier.wait()
            results.append(work(i))
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=target, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return results, errors


def test_fifty_simultaneous_submissions_of_one_code_leave_one_current_ballot(commissioner):
    round_ = make_round(commissioner)
    [code] = codes(commissioner, round_, 1)
    choice = refs(round_)[0]

    def submit(_):
        fresh = Round.objects.get(pk=round_.pk)
        return ballot_cast(round_=fresh, choices={choice: 1}, verification=Verification(code=code))

    receipts, errors = _run_concurrently(50, submit)
    assert len(receipts) == 1, errors
    assert len(errors) == 49
    assert all(isinstance(e, ServiceError) and e.code == "already_voted" for e in errors), {
        repr(e) for e in errors
    }
    assert Ballot.objects.filter(superseded_at__isnull=True).count() == 1
    assert Ballot.objects.count() == 1
    assert VotingCode.objects.get().used_at is not None
    assert verify_chain()[1] is None


def test_simultaneous_residency_votes_by_one_person_leave_one_current_ballot(commissioner):
    round_ = make_round(commissioner)
    choice = refs(round_)[0]

    def submit(_):
        fresh = Round.objects.get(pk=round_.pk)
        return ballot_cast(
            round_=fresh,
            choices={choice: 1},
            verification=Verification(postcode="RV1 3DP", date_of_birth=dt.date(1970, 1, 2)),
        )

    receipts, errors = _run_concurrently(20, submit)
    assert len(receipts) == 1
    assert all(isinstance(e, ServiceError) and e.code == "already_voted" for e in errors), {
        repr(e) for e in errors
    }
    assert Ballot.objects.filter(superseded_at__isnull=True).count() == 1


def test_ballots_racing_the_close_are_stored_before_it_or_refused_with_a_message(commissioner):
    """The probe: 40 ballots and a phase change 30 ms later stored 9 ballots after it."""
    round_ = make_round(commissioner)
    code_list = codes(commissioner, round_, 40)
    choice = refs(round_)[0]
    barrier = threading.Barrier(41)
    receipts, errors = [], []

    def voter(i: int) -> None:
        try:
            page = Round.objects.get(pk=round_.pk)  # read while voting is open, as the view does
            barrier.wait()
            time.sleep(i * 0.003)  # arrivals spread over 120 ms, around the close
            receipts.append(
                ballot_cast(
                    round_=page, choices={choice: 1}, verification=Verification(code=code_list[i])
                )
            )
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    def officer() -> None:
        try:
            page = Round.objects.get(pk=round_.pk)
            barrier.wait()
            time.sleep(0.03)
            round_change_phase(actor=commissioner, round_=page, to_phase=Phase.RESULTS)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=voter, args=(i,)) for i in range(40)]
    threads.append(threading.Thread(target=officer))
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert len(receipts) + len(errors) == 40
    assert all(isinstance(e, ServiceError) and e.code == "round_closed" for e in errors), errors
    assert {e.message for e in errors} <= {"Voting closed before your vote arrived."}
    closed = AuditEvent.objects.get(
        verb="budgeting.round.phase_changed", changes__phase=["voting", "results"]
    )
    assert Ballot.objects.count() == len(receipts) == counted_ballots(round_).count()
    assert not Ballot.objects.filter(cast_at__gte=closed.occurred_at).exists()
    cast = AuditEvent.objects.filter(verb="budgeting.ballot.cast")
    assert cast.count() == len(receipts)
    assert not cast.filter(occurred_at__gte=closed.occurred_at).exists()
    assert receipts and errors, (len(receipts), len(errors))
