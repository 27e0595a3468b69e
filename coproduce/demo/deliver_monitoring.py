"""Demo monitoring returns (issue 13), sent and checked through the services.

**Peer support into work** (``deliver_contracts``: in month 9 on the day of loading):

* months 1 to 7 are accepted; month 8 has just been sent and waits for the officer;
* "People supported each month" is red in months 5 and 6 (40 and 42 people, red below
  45), so the Forum wrote an improvement plan, which the commissioner agreed;
* the commissioner queried month 2 (a jump in numbers) and the Forum answered before it
  was accepted.

**The contract let before coproduce** (supported employment): every month up to the one
before last is accepted (the review reads them); the one before last was never sent and is
**late** (the daily reminder job has something to do), and last month's is not due yet.

A demo is a snapshot: the services run today, then the dates on the returns, messages
and plan are moved back to when they would have happened. Idempotent: a period that
already has a return, or a plan that exists, is left alone.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from coproduce.deliver.contracts.models import Contract
from coproduce.deliver.monitoring import selectors as sel
from coproduce.deliver.monitoring import services as svc
from coproduce.deliver.monitoring import services_plans as plans
from coproduce.deliver.monitoring.models import (
    ImprovementPlan,
    MonitoringReturn,
    ReturnMessage,
    ReturnSubmission,
)
from coproduce.demo import bids as bids_demo
from coproduce.demo import deliver_contracts as contracts_demo
from coproduce.foundation.accounts.models import User

COMMISSIONER = contracts_demo.COMMISSIONER
COMMISSIONER2 = contracts_demo.COMMISSIONER2
PROVIDER = contracts_demo.PROVIDER

# Peer support figures for months 1–8, by the start of the KPI's text (month → figure).
PEER_SUPPORT_FIGURES = {
    "People supported each month": ["48", "55", "58", "62", "40", "42", "57", "63"],
    "Working days from someone asking": ["14", "12", "11", "9", "10", "9", "8", "8.5"],
    "People who say their peer supporter": {3: "88", 6: "93"},
    "People helped into paid work": {},
}
PEER_SUPPORT_COMMENTARY = {
    1: "Our first month: referrals came mostly from the jobcentre.",
    5: "Two peer supporters were off sick and we paused new starts for two weeks.",
    6: "Still short of peer supporters; two new peer supporters start next month.",
    8: "Back to full strength; a new evening drop-in started.",
}
QUERY = (
    2,
    "Numbers went from 48 to 55 in a month. Is that the new referral route from GP "
    "surgeries, and will it last?",
    "Yes: 6 of the 7 extra people came through the GP social prescribers. They expect to "
    "keep referring about the same number each month.",
)
PLAN = {
    "actions": "1. Two new paid peer supporters start in month 7 (already recruited).\n"
    "2. An evening drop-in for people in work who cannot come in the day.\n"
    "3. Ask the GP social prescribers to refer earlier in the month.",
    "owner": "Amira Hussain, peer support coordinator",
}

# The contract let before coproduce: a figure per KPI start for each month (cycled).
LEGACY_FIGURES = {
    "Disabled people who start a paid job": ["33", "36", "38", "31"],
    "People still in work six months": ["72", "68", "75", "71"],
    "Job coaching hours": ["910", "880", "930", "905", "870", "915"],
}


def _kpis_by_start(contract: Contract, starts: dict) -> dict[str, object]:
    return {
        start: next((k for k in contract.kpis.all() if k.text.startswith(start)), None)
        for start in starts
    }


def _figures(contract: Contract, table: dict, number: int) -> dict[int, str]:
    out = {}
    for start, kpi in _kpis_by_start(contract, table).items():
        if kpi is None:
            continue
        values = table[start]
        if isinstance(values, dict):
            value = values.get(number, values[max(values)] if values else "0")
        else:
            value = values[(number - 1) % len(values)]
        out[kpi.position] = value if values else str(kpi.target)
    return out


def _backdate(ret: MonitoringReturn, sent_on: dt.date, checked_on: dt.date | None) -> None:
    """Move a demo return's times back to when it would have been sent and checked."""
    sent_at = timezone.make_aware(dt.datetime.combine(sent_on, dt.time(11)))
    MonitoringReturn.objects.filter(pk=ret.pk).update(first_submitted_at=sent_at)
    ReturnSubmission.objects.filter(monitoring_return=ret).update(submitted_at=sent_at)
    if checked_on is not None:
        checked_at = timezone.make_aware(dt.datetime.combine(checked_on, dt.time(15)))
        MonitoringReturn.objects.filter(pk=ret.pk, accepted_at__isnull=False).update(
            accepted_at=checked_at
        )
        for i, message in enumerate(ReturnMessage.objects.filter(monitoring_return=ret)):
            ReturnMessage.objects.filter(pk=message.pk).update(
                at=sent_at + dt.timedelta(days=2 + 2 * i)
            )


def _send(contract, provider, number, figures, commentary="") -> MonitoringReturn:
    ret = svc.return_submit(
        actor=provider, contract=contract, number=number, figures=figures, commentary=commentary
    )
    ret.contract = contract
    return ret


def _peer_support(users: dict[str, User]) -> int:
    contract = Contract.objects.filter(award__tender__title=bids_demo.TENDER_TITLE).first()
    provider = users.get(PROVIDER)
    officer = users.get(COMMISSIONER)
    if contract is None or provider is None or officer is None:
        return 0
    created = 0
    rows = {r.period.number: r for r in sel.period_rows(contract)}
    for number in range(1, 9):
        row = rows.get(number)
        if row is None or row.ret is not None:
            continue
        ret = _send(
            contract,
            provider,
            number,
            _figures(contract, PEER_SUPPORT_FIGURES, number),
            PEER_SUPPORT_COMMENTARY.get(number, ""),
        )
        created += 1
        sent_on = row.period.ends_on + dt.timedelta(days=9 if number < 8 else 0)
        sent_on = min(sent_on, timezone.localdate())
        if number == 8:
            _backdate(ret, sent_on, None)
            continue
        if number == QUERY[0]:
            svc.return_query(actor=officer, monitoring_return=ret, question=QUERY[1])
            svc.return_answer(actor=provider, monitoring_return=ret, answer=QUERY[2])
        svc.return_accept(actor=officer, monitoring_return=ret)
        _backdate(ret, sent_on, sent_on + dt.timedelta(days=7))
    for need in sel.plan_needs(contract):
        if need.plan is not None:
            continue
        plan = plans.plan_submit(
            actor=provider,
            contract=contract,
            kpi=need.kpi,
            trigger_number=need.trigger_number,
            data=plans.PlanData(
                actions=PLAN["actions"],
                owner=PLAN["owner"],
                by_when=timezone.localdate() + dt.timedelta(days=45),
            ),
        )
        plan.contract = contract
        plans.plan_agree(
            actor=officer, plan=plan, note="Agreed: we will look at the numbers monthly."
        )
        sent = MonitoringReturn.objects.get(contract=contract, number=need.trigger_number)
        when = sent.first_submitted_at + dt.timedelta(days=5)
        ImprovementPlan.objects.filter(pk=plan.pk).update(
            submitted_at=when, agreed_at=when + dt.timedelta(days=3)
        )
    return created


def _legacy(users: dict[str, User]) -> int:
    contract = Contract.objects.filter(title=contracts_demo.LEGACY_CONTRACT_TITLE).first()
    officer = users.get(COMMISSIONER2)
    if contract is None or officer is None:
        return 0
    provider = (
        User.objects.filter(memberships__organisation=contract.provider, is_active=True)
        .order_by("pk")
        .first()
    )
    if provider is None:
        return 0
    rows = sel.period_rows(contract)
    ended = [r for r in rows if r.state in ("late", "due") or r.ret is not None]
    overdue = [r for r in ended if r.due_on < timezone.localdate()]
    keep_late = overdue[-1].period.number if overdue else None
    created = 0
    for row in ended:
        if row.ret is not None or row.period.number == keep_late or row.state == "due":
            continue
        ret = _send(
            contract,
            provider,
            row.period.number,
            _figures(contract, LEGACY_FIGURES, row.period.number),
        )
        svc.return_accept(actor=officer, monitoring_return=ret)
        sent_on = row.period.ends_on + dt.timedelta(days=12)
        _backdate(ret, sent_on, sent_on + dt.timedelta(days=5))
        created += 1
    return created


def load(users) -> dict[str, int]:
    """Send and check whatever demo returns are missing. Returns counts created."""
    return {"monitoring returns": _peer_support(users) + _legacy(users)}
