"""The demo decommissions the contract let before coproduce, with care; and the peer
support project's public page tells its whole story."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from coproduce.deliver.contracts.models import Contract, ContractStatus
from coproduce.deliver.review.models import ActionStatus, DecommissioningStatus, Review
from coproduce.deliver.review.notice import add_months
from coproduce.demo import bids as bids_demo
from coproduce.demo import deliver_review
from coproduce.demo.deliver_contracts import LEGACY_CONTRACT_TITLE, LEGACY_PROJECT_TITLE
from coproduce.foundation.accounts.models import User
from coproduce.foundation.commissioning.models import CommissioningProject, Stage
from coproduce.procure.bids.models import Bid


def test_the_legacy_contract_is_being_decommissioned_while_the_notice_runs(demo_world, client):
    project = CommissioningProject.objects.get(title=LEGACY_PROJECT_TITLE)
    assert project.stage == Stage.REVIEW
    review = Review.objects.get(project=project)
    assert review.is_published
    d = review.decision.decommissioning
    assert d.status == DecommissioningStatus.NOTICE
    assert d.assessment.is_published
    today = timezone.localdate()
    assert d.notice_months == 3
    assert d.service_ends_on >= d.notice_ends_on > today
    contract = Contract.objects.get(title=LEGACY_CONTRACT_TITLE)
    assert (contract.status, contract.ends_on) == (ContractStatus.ENDING, d.service_ends_on)
    statuses = [a.status for g in d.groups.all() for a in g.actions.all()]
    assert len(d.groups.all()) == 2
    assert ActionStatus.DONE in statuses and ActionStatus.TO_DO in statuses  # part done
    # Everyone can read the notice, the letters and the plan.
    for name in ("decommissioning", "letter", "letter_easy_read", "transition_plan"):
        assert client.get(reverse(f"review:{name}", args=[d.reference])).status_code == 200
    easy = client.get(reverse("review:letter_easy_read", args=[d.reference])).content.decode()
    assert "review/openmoji/1f3c1" in easy and 'alt="A finish flag"' in easy
    # The provider reads its notice; the project page shows the review and the ending.
    provider2 = User.objects.get(email="provider2@riverside.example")
    client.force_login(provider2)
    assert client.get(reverse("review:provider_letter", args=[d.reference])).status_code == 200
    page = client.get(reverse("commissioning:detail", args=[project.reference])).content.decode()
    assert review.reference in page and "The service is ending" in page


def test_loading_the_review_demo_again_creates_nothing(demo_world):
    users = {u.email: u for u in User.objects.filter(email__endswith="@riverside.example")}
    assert deliver_review.load(users) == {"reviews": 0, "decommissionings": 0}
    assert Review.objects.count() == 1


def test_the_peer_support_project_page_tells_the_whole_story(demo_world, client):
    project = CommissioningProject.objects.get(title=bids_demo.PROJECT_TITLE)
    page = client.get(reverse("commissioning:detail", args=[project.reference])).content.decode()
    steps = [
        "1. What people told us",
        "2. What we asked for",
        "3. How we judged bids",
        "4. Who won, and why",
        "5. What they promised",
        "6. How it is going",
        "7. What we decided at review, and why",
        "8. What happens next",
    ]
    positions = [page.index(step) for step in steps]
    assert positions == sorted(positions)
    contract = Contract.objects.get(project=project)
    decision = contract.award
    assert decision.reasons.splitlines()[0][:40] in page  # why they won
    assert "The winning bid&#x27;s scores" in page or "The winning bid's scores" in page
    assert "people who use services" in page or "person who uses services" in page
    assert contract.reference in page and contract.provider.name in page
    assert "Who decided each stage" in page
    assert contract.council_contact.full_name in page
    # Each step links to the next.
    for anchor in (
        "#asked-for",
        "#judged",
        "#won",
        "#promised",
        "#going",
        "#review",
        "#next-cycle",
    ):
        assert f'href="{anchor}"' in page
    # Nothing of the losing bids.
    losers = Bid.objects.filter(tender=decision.tender).exclude(pk=decision.winning_bid_id)
    assert losers.exists()
    for loser in losers:
        assert loser.lead_organisation.name not in page


def test_add_months_is_used_for_the_notice(demo_world):
    d = Review.objects.get().decision.decommissioning
    assert d.notice_ends_on == add_months(d.notice_given_on, d.notice_months)
