"""The bids demo: a closed tender awarded to a DPULO-led consortium; the contracts demo
confirms the award after its standstill (the contract is in month 9)."""

import pytest
from django.core.management import call_command
from django.utils import timezone

from coproduce.demo import bids as bids_demo
from coproduce.foundation.core.audit import verify_chain
from coproduce.foundation.core.models import AuditEvent
from coproduce.procure.awards.models import AssessmentLetter, AwardDecision, AwardStatus
from coproduce.procure.awards.selectors import effective_status
from coproduce.procure.bids.models import Bid, BidStatus, Opening
from coproduce.procure.complaints.models import Complaint
from coproduce.procure.panels.models import (
    Declaration,
    ModeratedScore,
    Moderation,
    ModerationStatus,
    PanelMember,
    Score,
)
from coproduce.procure.panels.selectors import ranking
from coproduce.procure.tenders.models import Tender, TenderStatus


@pytest.fixture
def loaded(demo_world):
    """The demo council, loaded once for all the demo tests (see the root conftest)."""
    return demo_world


@pytest.fixture
def tender(loaded):
    return Tender.objects.get(title=bids_demo.TENDER_TITLE)


def test_loading_twice_creates_nothing_new_and_the_audit_chain_verifies(tender, capsys):
    counts = (
        Bid.objects.count(),
        PanelMember.objects.count(),
        Score.objects.count(),
        ModeratedScore.objects.count(),
        AwardDecision.objects.count(),
        AssessmentLetter.objects.count(),
        Complaint.objects.count(),
    )
    events = AuditEvent.objects.count()
    call_command("load_demo")
    assert "already loaded" in capsys.readouterr().out
    assert (
        Bid.objects.count(),
        PanelMember.objects.count(),
        Score.objects.count(),
        ModeratedScore.objects.count(),
        AwardDecision.objects.count(),
        AssessmentLetter.objects.count(),
        Complaint.objects.count(),
    ) == counts
    assert AuditEvent.objects.count() == events
    assert verify_chain()[1] is None
    call_command("audit_verify")


def test_tender_closed_with_three_opened_bids_including_a_confirmed_consortium(tender):
    assert tender.status == TenderStatus.CLOSED
    assert tender.deadline < timezone.now()
    assert Opening.objects.filter(tender=tender, bids_opened=3).exists()
    bids = {b.lead_organisation.name: b for b in Bid.objects.filter(tender=tender)}
    assert set(bids) == {bids_demo.FORUM, bids_demo.CHARITY_ORG, bids_demo.NATIONAL}
    for bid in bids.values():
        assert bid.status == BidStatus.SUBMITTED
        assert bid.submitted_at < tender.deadline
        assert bid.opened_at is not None
    consortium = bids[bids_demo.FORUM]
    assert consortium.is_consortium
    members = {m.organisation.name: m for m in consortium.members.select_related("organisation")}
    assert set(members) == {bids_demo.FORUM, bids_demo.SPEAK_UP}
    partner = members[bids_demo.SPEAK_UP]
    assert partner.confirmed_at is not None
    assert partner.confirmed_by.email == bids_demo.PARTNER
    assert members[bids_demo.FORUM].organisation.is_user_led
    charity = bids[bids_demo.CHARITY_ORG].lead_organisation
    assert charity.is_vcse and charity.is_local and charity.workforce_headcount
    national = bids[bids_demo.NATIONAL].lead_organisation
    assert national.size_band == "large" and not national.is_local


def test_panel_has_a_chair_and_two_service_user_members_who_declared_and_scored(tender):
    members = list(PanelMember.objects.filter(tender=tender, removed_at__isnull=True))
    assert len(members) == 4
    assert sum(m.is_chair for m in members) == 1
    service_users = [m for m in members if m.kind == "service_user"]
    assert len(service_users) == 2
    assert all(m.user_id is None for m in service_users)
    assert Declaration.objects.filter(member__in=members, no_conflicts=True).count() == 4
    scores = Score.objects.filter(member__in=members)
    assert scores.exists()
    assert not scores.filter(submitted_at__isnull=True).exists()
    assert not scores.filter(justification="").exists()
    assert Score.objects.filter(member__in=service_users).exists()


def test_moderation_complete_with_reasons_and_the_consortium_ranked_first(tender):
    moderation = Moderation.objects.get(tender=tender, lot=None)
    assert moderation.status == ModerationStatus.COMPLETE
    agreed = ModeratedScore.objects.filter(moderation=moderation)
    assert agreed.count() == 3 * 4
    assert not agreed.filter(reason="").exists()
    ranked = ranking(tender=tender, lot=None)
    assert ranked[0].bid.lead_organisation.name == bids_demo.FORUM
    assert ranked[0].rank == 1
    # Honest win: not the cheapest bid.
    assert ranked[0].price_score < max(r.price_score for r in ranked)
    assert not any(r.abnormally_low for r in ranked)


def test_award_confirmed_after_its_standstill_with_a_letter_for_each_bidder(tender):
    decision = AwardDecision.objects.get(tender=tender, lot=None)
    assert decision.status == AwardStatus.CONFIRMED
    assert effective_status(decision) == AwardStatus.CONFIRMED
    assert decision.standstill_ends_on is not None
    assert decision.standstill_ends_on < timezone.localdate(decision.confirmed_at)
    assert tender.published_at < tender.deadline < decision.decided_at < decision.confirmed_at
    assert decision.winning_bid.lead_organisation.name == bids_demo.FORUM
    letters = AssessmentLetter.objects.filter(decision=decision)
    assert {letter.bid_id for letter in letters} == set(
        Bid.objects.filter(tender=tender).values_list("pk", flat=True)
    )
    assert all(letter.html and letter.pdf for letter in letters)


def test_demo_complaint_is_about_another_tender_so_the_award_is_not_paused(tender):
    complaints = Complaint.objects.all()
    assert complaints.count() == 1
    assert not complaints.filter(tender=tender).exists()
