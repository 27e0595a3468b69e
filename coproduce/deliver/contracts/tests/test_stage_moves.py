"""The golden thread: publishing a tender moves its project to procure, confirming an award
moves it to deliver, each a recorded decision with a generated reason and a link; a move the
stage rules do not allow is skipped. The contract carries the specification's KPIs."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from coproduce.deliver.contracts import kpi_terms
from coproduce.deliver.contracts import services as svc
from coproduce.foundation.commissioning.models import CommissioningProject, Stage
from coproduce.foundation.commissioning.services import project_change_stage
from coproduce.foundation.core.errors import ServiceError
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


KPI_ROWS = [
    ("85", "% of hours", "monthly"),
    ("£1,200", "pounds saved", "annually"),
    ("10", "working days", "quarterly"),
    ("40", "people a year", "annually"),
]


def _award(commissioner, *, stage: str, rows=KPI_ROWS):
    built = build(commissioner, area="adult-social-care")  # light touch: no standstill needed
    spec = built.tender.specification
    spec.extension_years = 2
    spec.save(update_fields=["extension_years"])
    for position, (target, unit, frequency) in enumerate(rows, start=90):
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
    assert contract.status == "live"  # it starts today, so it is running at once
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


def test_an_award_whose_specification_has_a_kpi_target_in_words_still_confirms(
    commissioner, provider
):
    # A specification published before targets had to be figures: the tender keeps it.
    rows = [("as many as possible", "people supported", "monthly"), ("85", "% of hours", "monthly")]
    contract = _award(commissioner, stage=Stage.PROCURE, rows=rows)
    assert contract.award.status == "confirmed"
    words, figure = contract.kpis.order_by("position")
    assert (words.target, words.green_from, words.red_beyond) == (0, 0, 0)
    assert words.text.startswith("KPI at 90")
    assert "“as many as possible”" in words.text
    assert kpi_terms.target_to_set(words.text) == "as many as possible"
    assert kpi_terms.target_to_set(figure.text) is None and figure.target == Decimal("85")
    # The framework cannot be agreed until the council sets the figure.
    ready = svc.KPIFrameworkData(
        direction="higher", green_from="0", red_beyond="0", why_asked="Why.", how_used="How."
    )
    for kpi in (words, figure):
        data = (
            ready if kpi == words else dataclasses.replace(ready, green_from="85", red_beyond="68")
        )
        svc.kpi_framework_update(actor=commissioner, kpi=kpi, data=data)
    with pytest.raises(ServiceError) as info:
        svc.framework_agree(actor=commissioner, contract=contract, side="council")
    assert info.value.code == "kpi_target_to_set"
    assert "KPI 1 has no target yet" in info.value.message
    assert "“as many as possible”" in info.value.message
    # The page says so, and the form asks for the figure (it does not offer 0).
    client = Client()
    client.force_login(commissioner)
    page = client.get(reverse("contracts:detail", args=[contract.reference])).content.decode()
    assert "Target to be set" in page
    form = client.get(reverse("contracts:kpi_edit", args=[contract.reference, 1]))
    assert form.context["form"].initial["target"] == ""
    # Setting it keeps the specification's words and lets the framework be agreed.
    svc.kpi_framework_update(
        actor=commissioner,
        kpi=words,
        data=dataclasses.replace(ready, target="60", green_from="60", red_beyond="48"),
    )
    words.refresh_from_db()
    assert words.target == Decimal("60")
    assert kpi_terms.target_to_set(words.text) is None
    assert "“as many as possible”" in words.text
    version = svc.framework_agree(actor=commissioner, contract=contract, side="council")
    assert version.number == 1 and not version.is_agreed


def test_a_kpi_whose_words_mean_lower_is_better_gets_mirrored_thresholds(commissioner):
    rows = [("10", "working days to a first meeting", "monthly"), ("40", "people", "monthly")]
    contract = _award(commissioner, stage=Stage.PROCURE, rows=rows)
    days, people = contract.kpis.order_by("position")
    assert (days.direction, days.green_from, days.red_beyond) == (
        "lower",
        Decimal("10"),
        Decimal("12"),
    )
    assert (people.direction, people.green_from, people.red_beyond) == (
        "higher",
        Decimal("40"),
        Decimal("32"),
    )
