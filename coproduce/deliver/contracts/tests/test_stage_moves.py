"""The golden thread: publishing a tender moves its project to procure, confirming an award
moves it to deliver, each a recorded decision with a generated reason and a link; a move the
stage rules do not allow is skipped. The contract carries the specification's KPIs."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from coproduce.foundation.commissioning.models import CommissioningProject, Stage
from coproduce.foundation.commissioning.services import project_change_stage
from coproduce.plan.specifications.models import Requirement
from coproduce.procure.awards import services as awards
from coproduce.procure.awards.tests.helpers import build
from coproduce.procure.tenders.services import tender_publish
from coproduce.procure.tenders.tests import test_tenders_support as support

pytestmark = pytest.mark.django_db

ready_project = support.ready_project
spec = support.spec
model = support.model
draft_tender = support.draft_tender


def test_publishing_a_tender_moves_its_project_to_procure(commissioner, draft_tender):
    project = draft_tender.project
    assert project.stage == Stage.PLAN
    tender = tender_publish(actor=commissioner, tender=draft_tender)
    project.refresh_from_db()
    assert project.stage == Stage.PROCURE
    move = project.stage_changes.get(to_stage=Stage.PROCURE)
    today = timezone.localdate()
    assert move.reason == (f"Tender {tender.reference} was published on {today.day} {today:%B %Y}.")
    assert move.link == reverse("tenders:detail", args=[tender.reference])
    assert move.decided_by == commissioner


def test_the_link_shows_on_the_project_page(client, commissioner, draft_tender):
    tender = tender_publish(actor=commissioner, tender=draft_tender)
    page = client.get(reverse("commissioning:detail", args=[tender.project.reference]))
    assert reverse("tenders:detail", args=[tender.reference]) in page.content.decode()
    assert "See what moved the project to procure" in page.content.decode()
    moves = client.get(f"/api/projects/{tender.project.reference}").json()["timeline"]
    assert moves[-1]["link"] == reverse("tenders:detail", args=[tender.reference])


def _award(commissioner, *, stage: str):
    built = build(commissioner, area="adult-social-care")  # light touch: no standstill needed
    spec = built.tender.specification
    spec.extension_years = 2
    spec.save(update_fields=["extension_years"])
    for position, (target, unit, frequency) in enumerate(
        [
            ("85", "% of hours", "monthly"),
            ("£1,200", "pounds saved", "annually"),
            ("10", "working days", "quarterly"),
            ("40", "people a year", "annually"),
        ],
        start=90,
    ):
        Requirement.objects.create(
            specification=spec,
            kind="kpi",
            position=position,
            text=f"KPI at {position}",
            target=target,
            unit=unit,
            frequency=frequency,
        )
    CommissioningProject.objects.filter(pk=built.tender.project_id).update(stage=stage)
    decision = awards.award_decide(
        actor=commissioner,
        tender=built.tender,
        lot=None,
        reasons="Best value overall.",
        standstill="none",
        no_standstill_reason="The current provider stops this week.",
    )
    return awards.award_confirm(
        actor=commissioner, decision=decision, starts_on=timezone.localdate()
    )


def test_confirming_an_award_copies_the_kpis_names_the_contact_and_moves_to_deliver(
    commissioner,
):
    contract = _award(commissioner, stage=Stage.PROCURE)
    kpis = list(contract.kpis.order_by("position"))
    assert [(k.kind, k.target, k.green_from, k.red_beyond) for k in kpis] == [
        ("percent", Decimal("85"), Decimal("85"), Decimal("68")),
        ("pounds", Decimal("1200"), Decimal("1200"), Decimal("960")),
        ("days", Decimal("10"), Decimal("10"), Decimal("8")),
        ("count", Decimal("40"), Decimal("40"), Decimal("32")),
    ]
    assert [k.position for k in kpis] == [1, 2, 3, 4]
    assert all(k.requirement_id and not k.why_asked and not k.how_used for k in kpis)
    assert contract.council_contact == contract.project.owner
    assert contract.contact_changes.count() == 1
    assert contract.extension_months_available == 24
    project = contract.project
    project.refresh_from_db()
    assert project.stage == Stage.DELIVER
    move = project.stage_changes.get(to_stage=Stage.DELIVER)
    assert contract.reference in move.reason and contract.provider.name in move.reason
    assert move.link == reverse("tenders:detail", args=[contract.award.tender.reference])


def test_a_move_not_allowed_from_the_current_stage_is_skipped(commissioner):
    contract = _award(commissioner, stage=Stage.REVIEW)
    project = contract.project
    project.refresh_from_db()
    assert project.stage == Stage.REVIEW
    assert not project.stage_changes.filter(to_stage=Stage.DELIVER).exists()


def test_manual_moves_keep_working(commissioner, published_project):
    project = project_change_stage(
        actor=commissioner, project=published_project, to_stage=Stage.PLAN, reason="Ready."
    )
    assert project.stage == Stage.PLAN
    assert project.stage_changes.get().link == ""
