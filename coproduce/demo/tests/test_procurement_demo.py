"""The procurement demo: the flagship tender cites findings, and loading twice adds nothing."""

import pytest
from django.core.management import call_command
from django.utils import timezone

from coproduce.demo import procurement
from coproduce.foundation.commissioning.models import CommissioningProject
from coproduce.foundation.core.audit import verify_chain
from coproduce.foundation.core.models import AuditEvent
from coproduce.plan.evaluation_models.models import PanelRoleKind
from coproduce.plan.forward_plan.models import ForumEvent, PlanEntry
from coproduce.plan.procurement_rules.models import Reservation
from coproduce.plan.specifications.selectors import current_specification
from coproduce.procure.tenders.models import Amendment, Clarification, Tender, TenderStatus


@pytest.fixture
def loaded(demo_world):
    """The demo council, loaded once for all the demo tests (see the root conftest)."""
    return demo_world


def test_loading_twice_creates_nothing_new_and_the_audit_chain_verifies(loaded, capsys):
    counts = (
        Tender.objects.count(),
        Clarification.objects.count(),
        Amendment.objects.count(),
        PlanEntry.objects.count(),
        ForumEvent.objects.count(),
        CommissioningProject.objects.count(),
    )
    events = AuditEvent.objects.count()
    call_command("load_demo")
    assert "already loaded" in capsys.readouterr().out
    assert (
        Tender.objects.count(),
        Clarification.objects.count(),
        Amendment.objects.count(),
        PlanEntry.objects.count(),
        ForumEvent.objects.count(),
        CommissioningProject.objects.count(),
    ) == counts
    assert AuditEvent.objects.count() == events
    assert verify_chain()[1] is None


def test_flagship_tender_has_three_lots_and_its_specification_cites_findings(loaded):
    tender = Tender.objects.get(title=procurement.TENDER_TITLE)
    assert tender.status == TenderStatus.OPEN
    lots = list(tender.lots.order_by("number"))
    assert [lot.title for lot in lots] == [
        "North of the borough",
        "South of the borough",
        "Work skills café and supported jobs",
    ]
    assert lots[2].reserved_for == Reservation.SUPPORTED_BUSINESS
    spec = current_specification(tender.project)
    assert tender.specification == spec
    cited = {f.statement for r in spec.requirements.all() for f in r.findings.all()}
    assert len(cited) == 5
    assert any(r.equality_entries.exists() for r in spec.requirements.all())
    assert any(r.ideas.exists() for r in spec.requirements.all())
    # Every pack document has a web-page version.
    assert tender.documents.count() >= 5
    assert all(d.html for d in tender.documents.all())


def test_flagship_evaluation_model_weights_and_panel(loaded):
    tender = Tender.objects.get(title=procurement.TENDER_TITLE)
    model = tender.evaluation_model
    assert model.is_locked
    groups = {c.kind: c.weight_percent for c in model.criteria.filter(parent=None)}
    assert groups == {"quality": 60, "social_value": 10, "price": 30}
    kinds = sorted(model.panel_roles.values_list("kind", flat=True))
    assert kinds == sorted(
        [PanelRoleKind.OFFICER] * 2 + [PanelRoleKind.SERVICE_USER] * 2 + [PanelRoleKind.SPECIALIST]
    )
    by_users = model.criteria.filter(panel_roles__kind=PanelRoleKind.SERVICE_USER, kind="quality")
    assert by_users.exists()


def test_flagship_plan_entry_questions_amendment_and_event(loaded):
    tender = Tender.objects.get(title=procurement.TENDER_TITLE)
    entry = tender.plan_entry
    assert (tender.published_at - entry.published_at).days >= 40
    assert tender.planned_notice_on == timezone.localdate(entry.published_at)
    statuses = sorted(tender.clarifications.values_list("status", flat=True))
    assert statuses == ["awaiting", "published", "published"]
    assert tender.clarifications.values("organisation").distinct().count() == 2
    assert tender.amendments.get().reason
    event = ForumEvent.objects.get(title=procurement.EVENT_TITLE)
    assert event.published_at is not None
    assert event.registrations.count() == 2


def test_a_few_hundred_other_opportunities_across_areas(loaded):
    published = Tender.objects.exclude(status=TenderStatus.DRAFT)
    assert published.count() >= 300
    assert published.values("service_area").distinct().count() == 12
    assert published.filter(value_pence__lt=100_000 * 100).exists()
    assert published.filter(suitable_for_small=True).count() > 30
    assert published.exclude(reserved_for="").exists()
    assert published.filter(status=TenderStatus.CLOSED).exists()
    assert published.filter(complaints__isnull=False).exists()
