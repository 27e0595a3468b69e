"""Demo contracts (issue 13): the peer support contract in month 9, and one contract let
before coproduce.

1. **Peer support into work** (``coproduce/demo/bids.py`` decides the award to the
   Riverside Disabled People’s Forum consortium): the award is confirmed through
   ``award_confirm``, which creates the contract with the specification's KPIs and moves
   the project to deliver. The contract started on the first day of the month eight
   months before the day of loading, so it is **in month 9**. The commissioner sets each
   KPI's thresholds, why it is asked and how it will be used; the provider proposes a
   change to one KPI, which the commissioner accepts, and one the commissioner declines;
   then both sides agree the framework (version 1).

   A demo is a snapshot in time: an award can only be confirmed after its standstill and
   the framework only agreed now, so the services run first and then the dates are moved
   back directly (``_backdate``), keeping their order (tender published, bids in, award
   decided, standstill over, award confirmed, framework agreed before the start date).
   The audit trail keeps the real times.

2. **A contract let before coproduce** for "Supported employment for disabled people"
   (a project already in deliver), recorded by a commissioner with its KPIs and an agreed
   framework: ``LEGACY_CONTRACT_TITLE``. The review work decommissions it.

Idempotent: contracts are found by their award or by project and title; a framework
already agreed is left alone. Dates are relative to the day of loading.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import F
from django.utils import timezone

from coproduce.deliver.contracts.models import (
    Contract,
    ContractKPI,
    Direction,
    FrameworkProposal,
    FrameworkVersion,
)
from coproduce.deliver.contracts.services import (
    ExistingContractData,
    KPIData,
    KPIFrameworkData,
    add_months,
    contract_record_existing,
    contracts_go_live,
    framework_agree,
    framework_proposal_decide,
    framework_propose,
    kpi_framework_update,
)
from coproduce.demo import bids as bids_demo
from coproduce.foundation.accounts.models import Organisation, User
from coproduce.foundation.commissioning.models import CommissioningProject, Stage, StageChange
from coproduce.plan.specifications.models import Frequency
from coproduce.procure.awards.models import AssessmentLetter, AwardDecision, AwardStatus
from coproduce.procure.awards.services import award_confirm
from coproduce.procure.bids.models import Bid, BidSubmission, Opening
from coproduce.procure.tenders.models import Tender

COMMISSIONER = "commissioner@riverside.example"
COMMISSIONER2 = "commissioner2@riverside.example"
PROVIDER = "provider@riverside.example"  # a member of the Forum, the peer support provider

#: The month of the contract the demo shows (month 1 is the month it started).
PEER_SUPPORT_MONTH = 9
#: How long before the start date the award was decided (days).
AWARD_LEAD_DAYS = 42

# The framework for the peer support KPIs, by the start of the KPI's text:
# (direction, green_from, red_beyond, why it is asked, how it will be used).
PEER_SUPPORT_FRAMEWORK = {
    "People helped into paid work": (
        Direction.HIGHER_IS_BETTER,
        "40",
        "30",
        "Getting and keeping a paid job is what people asked the service for.",
        "Reported to the council's employment board once a year and published on the "
        "project page; if it is red we agree an improvement plan with the provider.",
    ),
    "People supported each month": (
        Direction.HIGHER_IS_BETTER,
        "60",
        "45",
        "It shows whether the service is reaching the 150 people a year it was set up for.",
        "Looked at every month with the provider; a fall for two months running starts a "
        "conversation about referrals, not a penalty.",
    ),
    "Working days from someone asking": (
        Direction.LOWER_IS_BETTER,
        "10",
        "15",
        "People told us that waiting weeks for a first meeting makes them give up.",
        "Looked at every month; the provider tells us what slowed things down when it is "
        "amber or red.",
    ),
    "People who say their peer supporter": (
        Direction.HIGHER_IS_BETTER,
        "90",
        "75",
        "Being understood by someone with lived experience is the point of peer support.",
        "Reported every three months with what people said in their own words, shared with "
        "the service-user reference group and published in easy read.",
    ),
}

LEGACY_PROJECT_TITLE = "Supported employment for disabled people"
LEGACY_PROVIDER = "Workable Supported Enterprises"
LEGACY_CONTRACT_TITLE = "Supported employment: job coaching and in-work support"
LEGACY_VALUE_POUNDS = 1_150_000
LEGACY_KPIS = [
    KPIData(
        text="Disabled people who start a paid job with job coaching support.",
        target="35",
        unit="people a quarter",
        frequency=Frequency.QUARTERLY,
    ),
    KPIData(
        text="People still in work six months after starting.",
        target="70",
        unit="% of people who started work",
        frequency=Frequency.QUARTERLY,
    ),
    KPIData(
        text="Job coaching hours given each month.",
        target="900",
        unit="hours",
        frequency=Frequency.MONTHLY,
    ),
]
LEGACY_WHY = "Agreed when the contract was recorded in coproduce: the contract's own KPI."
LEGACY_HOW = "Checked at the quarterly contract meeting and used in the service review."


def peer_support_starts_on(today: dt.date) -> dt.date:
    """The first day of the month ``PEER_SUPPORT_MONTH - 1`` months before ``today``'s."""
    return add_months(today.replace(day=1), -(PEER_SUPPORT_MONTH - 1))


def _backdate_award(decision: AwardDecision, decided_at: dt.datetime) -> None:
    """Move the tender, its bids and the award decision back so the award was decided at
    ``decided_at`` and its standstill is over (everything keeps its order)."""
    shift = decision.decided_at - decided_at
    if shift <= dt.timedelta(0):
        return
    tender = decision.tender
    Tender.objects.filter(pk=tender.pk).update(
        published_at=F("published_at") - shift,
        deadline=F("deadline") - shift,
        questions_close_at=F("questions_close_at") - shift,
    )
    Bid.objects.filter(tender=tender, submitted_at__isnull=False).update(
        submitted_at=F("submitted_at") - shift
    )
    Bid.objects.filter(tender=tender, opened_at__isnull=False).update(
        opened_at=F("opened_at") - shift
    )
    BidSubmission.objects.filter(bid__tender=tender).update(
        submitted_at=F("submitted_at") - shift, started_at=F("started_at") - shift
    )
    Opening.objects.filter(tender=tender).update(opened_at=F("opened_at") - shift)
    AssessmentLetter.objects.filter(decision=decision).update(
        generated_at=F("generated_at") - shift
    )
    AwardDecision.objects.filter(pk=decision.pk).update(
        decided_at=F("decided_at") - shift,
        standstill_ends_on=(
            decision.standstill_ends_on - dt.timedelta(days=shift.days)
            if decision.standstill_ends_on
            else None
        ),
    )
    # The move to procure when the tender was published.
    StageChange.objects.filter(
        project=tender.project, to_stage=Stage.PROCURE, link__contains=tender.reference
    ).update(decided_at=F("decided_at") - shift)


def _framework(
    users: dict[str, User],
    contract: Contract,
    rows: dict,
    provider: User | None,
    *,
    proposals: bool = False,
) -> int:
    """Set the framework, answer the provider's proposals and agree it (once)."""
    if FrameworkVersion.objects.filter(contract=contract, agreed_at__isnull=False).exists():
        return 0
    commissioner = users[COMMISSIONER2] if COMMISSIONER2 in users else users[COMMISSIONER]
    kpis = list(ContractKPI.objects.filter(contract=contract).order_by("position"))
    for kpi in kpis:
        key = next((k for k in rows if kpi.text.startswith(k)), None)
        if key is None:
            continue
        direction, green, red, why, how = rows[key]
        kpi_framework_update(
            actor=commissioner,
            kpi=kpi,
            data=KPIFrameworkData(
                direction=direction, green_from=green, red_beyond=red, why_asked=why, how_used=how
            ),
        )
    if provider is None:
        return 0
    if proposals:
        by_text = {k.text: k for k in kpis}
        monthly = next(k for t, k in by_text.items() if t.startswith("People supported"))
        wait = next(k for t, k in by_text.items() if t.startswith("Working days"))
        if not FrameworkProposal.objects.filter(contract=contract).exists():
            accepted = framework_propose(
                actor=provider,
                kpi=wait,
                text="Count working days from the first phone call or message, not from the "
                "written referral: many people contact us themselves.",
            )
            framework_proposal_decide(
                actor=commissioner,
                proposal=accepted,
                accept=True,
                reason="Agreed: people contacting the service themselves is what we want, and "
                "the clock should start when they do.",
            )
            declined = framework_propose(
                actor=provider,
                kpi=monthly,
                text="Report people supported every three months instead of every month.",
            )
            framework_proposal_decide(
                actor=commissioner,
                proposal=declined,
                accept=False,
                reason="Monthly figures let us spot a drop in referrals early; the return is "
                "one number and takes a few minutes.",
            )
    framework_agree(actor=provider, contract=contract, side="provider")
    framework_agree(actor=commissioner, contract=contract, side="council")
    return 1


def _backdate_framework(contract: Contract, agreed_on: dt.date) -> None:
    """The framework was agreed on ``agreed_on`` (before the start date), the proposals a
    week earlier."""
    moment = timezone.make_aware(dt.datetime.combine(agreed_on, dt.time(11)))
    FrameworkVersion.objects.filter(contract=contract).update(
        council_agreed_at=moment,
        provider_agreed_at=moment - dt.timedelta(hours=2),
        agreed_at=moment,
    )
    earlier = moment - dt.timedelta(days=7)
    FrameworkProposal.objects.filter(contract=contract).update(
        proposed_at=earlier, decided_at=earlier + dt.timedelta(days=2)
    )


def _peer_support(users: dict[str, User]) -> int:
    project = CommissioningProject.objects.filter(title=bids_demo.PROJECT_TITLE).first()
    tender = (
        Tender.objects.filter(project=project, title=bids_demo.TENDER_TITLE).first()
        if project
        else None
    )
    decision = (
        AwardDecision.objects.filter(tender=tender, lot=None)
        .exclude(status=AwardStatus.WITHDRAWN)
        .first()
        if tender
        else None
    )
    if decision is None:
        return 0
    created = 0
    today = timezone.localdate()
    starts_on = peer_support_starts_on(today)
    if decision.status != AwardStatus.CONFIRMED:
        decided_at = timezone.make_aware(
            dt.datetime.combine(starts_on - dt.timedelta(days=AWARD_LEAD_DAYS), dt.time(10))
        )
        _backdate_award(decision, decided_at)
        decision.refresh_from_db()
        award_confirm(actor=users[COMMISSIONER], decision=decision, starts_on=starts_on)
        confirmed_at = decided_at + dt.timedelta(days=21)
        AwardDecision.objects.filter(pk=decision.pk).update(confirmed_at=confirmed_at)
        StageChange.objects.filter(project=project, to_stage=Stage.DELIVER).update(
            decided_at=confirmed_at
        )
        created = 1
    contract = Contract.objects.get(award=decision)
    provider = users.get(PROVIDER) or User.objects.filter(email=PROVIDER).first()
    if _framework(users, contract, PEER_SUPPORT_FRAMEWORK, provider, proposals=True):
        _backdate_framework(contract, starts_on - dt.timedelta(days=10))
    return created


def _legacy(users: dict[str, User]) -> int:
    project = CommissioningProject.objects.filter(title=LEGACY_PROJECT_TITLE).first()
    provider = Organisation.objects.filter(name=LEGACY_PROVIDER).first()
    if project is None or provider is None or project.stage != Stage.DELIVER:
        return 0
    contract = Contract.objects.filter(project=project, title=LEGACY_CONTRACT_TITLE).first()
    created = 0
    if contract is None:
        today = timezone.localdate()
        starts_on = add_months(today.replace(day=1), -30)
        contract = contract_record_existing(
            actor=users[COMMISSIONER2],
            project=project,
            data=ExistingContractData(
                provider_id=provider.pk,
                title=LEGACY_CONTRACT_TITLE,
                value_pence=LEGACY_VALUE_POUNDS * 100,
                starts_on=starts_on,
                ends_on=add_months(starts_on, 60) - dt.timedelta(days=1),
                extension_months_available=0,
                extension_terms="",
                kpis=LEGACY_KPIS,
            ),
        )
        created = 1
    member = (
        User.objects.filter(memberships__organisation=provider, is_active=True)
        .order_by("pk")
        .first()
    )
    rows = {
        kpi.text: (kpi.direction, str(kpi.green_from), str(kpi.red_beyond), LEGACY_WHY, LEGACY_HOW)
        for kpi in contract.kpis.all()
    }
    if _framework(users, contract, rows, member):
        _backdate_framework(contract, contract.starts_on)
    return created


def load(users) -> dict[str, int]:
    """Create whatever part of the demo contracts is missing. Returns counts created."""
    created = {"contracts": 0}
    if COMMISSIONER not in users:
        return created
    created["contracts"] += _peer_support(users)
    created["contracts"] += _legacy(users)
    contracts_go_live()
    return created
