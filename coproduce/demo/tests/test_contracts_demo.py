"""The contracts demo: the peer support contract in month 9 with an agreed framework, and
one contract let before coproduce."""

import pytest
from django.utils import timezone

from coproduce.deliver.contracts.models import (
    Contract,
    ContractStatus,
    FrameworkProposal,
    FrameworkVersion,
    ProposalStatus,
)
from coproduce.deliver.contracts.services import add_months
from coproduce.demo import bids as bids_demo
from coproduce.demo import deliver_contracts as demo
from coproduce.foundation.commissioning.models import Stage
from coproduce.procure.awards.models import AwardDecision


@pytest.fixture
def peer_support(demo_world):
    return Contract.objects.get(award__tender__title=bids_demo.TENDER_TITLE)


def test_peer_support_contract_is_in_month_9(peer_support):
    today = timezone.localdate()
    assert peer_support.starts_on == demo.peer_support_starts_on(today)
    assert add_months(peer_support.starts_on, 8) <= today < add_months(peer_support.starts_on, 9)
    assert peer_support.status == ContractStatus.LIVE
    assert peer_support.provider.name == bids_demo.FORUM
    assert peer_support.council_contact == peer_support.project.owner
    assert peer_support.extension_months_available == 12
    decision = AwardDecision.objects.get(contract=peer_support)
    assert timezone.localdate(decision.confirmed_at) < peer_support.starts_on


def test_peer_support_kpis_come_from_the_specification_with_monthly_and_quarterly_ones(
    peer_support,
):
    kpis = list(peer_support.kpis.all())
    assert {k.frequency for k in kpis} >= {"monthly", "quarterly", "annually"}
    assert all(k.requirement_id for k in kpis)
    kinds = {k.text.split()[0]: k.kind for k in kpis}
    assert kinds["Working"] == "days"
    assert {k.kind for k in kpis if "%" in k.unit} == {"percent"}
    assert all(k.why_asked and k.how_used for k in kpis)


def test_peer_support_framework_agreed_by_both_before_the_start(peer_support):
    version = FrameworkVersion.objects.get(contract=peer_support)
    assert version.number == 1 and version.is_agreed
    assert version.council_agreed_by.email == demo.COMMISSIONER2
    assert version.provider_agreed_by.email == demo.PROVIDER
    assert timezone.localdate(version.agreed_at) < peer_support.starts_on
    statuses = set(
        FrameworkProposal.objects.filter(contract=peer_support).values_list("status", flat=True)
    )
    assert statuses == {ProposalStatus.ACCEPTED, ProposalStatus.DECLINED}


def test_the_project_moved_to_procure_and_deliver_with_links(peer_support):
    project = peer_support.project
    assert project.stage == Stage.DELIVER
    moves = list(project.stage_changes.filter(to_stage__in=[Stage.PROCURE, Stage.DELIVER]))
    assert [m.to_stage for m in moves] == [Stage.PROCURE, Stage.DELIVER]
    assert all(m.link for m in moves)
    assert moves[0].decided_at < moves[1].decided_at


def test_the_contract_let_before_coproduce(demo_world):
    contract = Contract.objects.get(title=demo.LEGACY_CONTRACT_TITLE)
    assert contract.award is None
    assert contract.project.title == demo.LEGACY_PROJECT_TITLE
    # Live until the review demo (deliver_review.py) gives notice on it: then ending.
    assert contract.status in (ContractStatus.LIVE, ContractStatus.ENDING)
    assert contract.kpis.count() == len(demo.LEGACY_KPIS)
    assert FrameworkVersion.objects.get(contract=contract).is_agreed
