"""The demo decommissions the contract let before coproduce, with care; and the peer
support project's public page tells its whole story."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from coproduce.deliver.contracts.models import Contract, ContractStatus
from coproduce.deliver.review.models import ActionStatus, DecommissioningStatus, Review
from coproduce.deliver.review.notice import add_months
from coproduce.demo import bids as bids_demo
from coproduce.demo import deliver_review, peer_support_consultation
from coproduce.demo.deliver_contracts import LEGACY_CONTRACT_TITLE, LEGACY_PROJECT_TITLE
from coproduce.foundation.accounts.models import User
from coproduce.foundation.commissioning.models import CommissioningProject, Stage
from coproduce.plan.specifications.models import RequirementKind, Specification
from coproduce.procure.bids.models import Bid
from coproduce.understand.consultations.models import Consultation, ConsultationStatus, Finding


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


def test_the_peer_support_project_cites_its_own_published_findings(demo_world, client):
    project = CommissioningProject.objects.get(title=bids_demo.PROJECT_TITLE)
    consultation = Consultation.objects.get(project=project, title=peer_support_consultation.TITLE)
    assert consultation.status == ConsultationStatus.CLOSED
    assert 20 <= consultation.responses.filter(status="submitted").count() <= 40
    findings = list(Finding.objects.filter(project=project, published_at__isnull=False))
    assert 3 <= len(findings) <= 4
    assert all(f.people_count > 0 and f.quotes.exists() for f in findings)
    spec = Specification.objects.get(project=project, status="published")
    requirements = list(spec.requirements.prefetch_related("findings"))
    kpis = [r for r in requirements if r.kind == RequirementKind.KPI]
    assert kpis and all(r.findings.exists() for r in requirements)
    assert {f.pk for r in requirements for f in r.findings.all()} == {f.pk for f in findings}
    page = client.get(reverse("commissioning:detail", args=[project.reference])).content.decode()
    told, asked, judged = (page.index(s) for s in ('id="told-us"', 'id="asked-for"', 'id="judged"'))
    for finding in findings:  # step 1 shows what people told us
        assert told < page.index(escape(finding.statement)) < asked
    # Step 2 leads to the specification, whose requirements and KPIs cite the findings.
    spec_url = reverse("specifications:detail", args=[project.reference])
    assert asked < page.index(f'href="{spec_url}"') < judged
    spec_page = client.get(spec_url).content.decode()
    assert escape(kpis[0].text) in spec_page
    assert "interim" not in spec_page.lower()  # the consultation has closed
    for finding in findings:
        assert escape(finding.statement) in spec_page
        # Each finding's page links forward to what was asked for because of it.
        url = reverse("engagement_analysis:finding_public", args=[finding.reference])
        finding_page = client.get(url).content.decode()
        assert "What we asked for because of this" in finding_page
        cited = [r for r in requirements if finding in r.findings.all()]
        assert cited and all(escape(r.text)[:100] in finding_page for r in cited)


def test_loading_the_peer_support_consultation_again_creates_nothing(demo_world):
    users = {u.email: u for u in User.objects.filter(email__endswith="@riverside.example")}
    assert set(peer_support_consultation.load(users).values()) == {0}
