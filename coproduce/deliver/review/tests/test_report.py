"""The review report: the contracts of its own cycle only, and figures frozen when it is
published (a later return or feedback never changes a published report)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from coproduce.deliver.contracts.services import (
    ExistingContractData,
    KPIData,
    contract_record_existing,
)
from coproduce.deliver.feedback.tests.factories import give
from coproduce.deliver.monitoring import services as monitoring_svc
from coproduce.deliver.monitoring.tests.factories import make_contract, send
from coproduce.foundation.commissioning.models import Stage
from coproduce.foundation.commissioning.services import project_change_stage
from coproduce.plan.specifications.models import Requirement, Specification
from coproduce.understand.consultations.tests.factories import ConsultationFactory, make_finding

from .. import selectors as sel
from .. import services as svc
from .factories import project_in_deliver, published_review

pytestmark = pytest.mark.django_db


def _to_deliver(actor, project):
    for stage in (Stage.PLAN, Stage.PROCURE, Stage.DELIVER):
        project = project_change_stage(
            actor=actor, project=project, to_stage=stage, reason=f"Test move to {stage}."
        )
    return project


def _accepted(commissioner, contract, member, number, figures):
    ret = send(contract, member, number, figures)
    return monitoring_svc.return_accept(actor=commissioner, monitoring_return=ret)


def _report_html(client, review) -> str:
    page = client.get(reverse("review:report", args=[review.reference]))
    assert page.status_code == 200
    html = page.content.decode()
    return html[html.index('id="kpis"') : html.index('id="findings"')]


def test_a_published_report_stays_the_same_after_a_later_return_or_feedback(client, commissioner):
    contract, member = make_contract(commissioner)
    project = _to_deliver(commissioner, contract.project)
    _accepted(commissioner, contract, member, 1, {1: "61"})
    for rating in ("very_good", "good", "good", "poor", "very_good"):
        give(contract, rating)
    review = published_review(actor=commissioner, project=project)
    assert review.snapshot is not None
    before = _report_html(client, review)
    assert 'numeric">61</td>' in before and "80% of 5 answers" in before

    # Later: another accepted return (red) and more feedback.
    _accepted(commissioner, contract, member, 2, {1: "30"})
    for _ in range(5):
        give(contract, "very_poor")

    review.refresh_from_db()
    assert _report_html(client, review) == before
    after = _report_html(client, review)
    assert 'numeric">30</td>' not in after
    assert "40% of 10 answers" not in after
    # The live figures have moved on: the project page shows them.
    live = sel.report_figures(review)
    assert live["contracts"][0]["feedback"]["responses"] == 10
    assert sel.figures_of(review) == review.snapshot


def test_a_draft_report_shows_the_figures_live(client, commissioner):
    contract, _member = make_contract(commissioner)
    project = _to_deliver(commissioner, contract.project)
    review = svc.review_start(actor=commissioner, project=project)
    client.force_login(commissioner)
    for rating in ("very_good",) * 5:
        give(contract, rating)
    assert "100% of 5 answers" in _report_html(client, review)
    give(contract, "very_poor")
    assert "83% of 6 answers" in _report_html(client, review)
    assert review.snapshot is None


def test_the_report_of_a_later_cycle_looks_at_that_cycle_s_contracts_only(
    commissioner, organisation
):
    project, first = project_in_deliver(actor=commissioner, organisation=organisation)
    assert first.cycle == 1
    review = published_review(actor=commissioner, project=project)
    svc.review_decide(
        actor=commissioner, review=review, outcome="recommission", reasons="It works."
    )
    project.refresh_from_db()
    assert project.cycle == 2
    project = _to_deliver(commissioner, project)
    today = timezone.localdate()
    second = contract_record_existing(
        actor=commissioner,
        project=project,
        data=ExistingContractData(
            provider_id=organisation.pk,
            title="Drop-in support, second contract",
            value_pence=9_000_000,
            starts_on=today - dt.timedelta(days=30),
            ends_on=today + dt.timedelta(days=700),
            kpis=[KPIData(text="Visits", target="10", unit="visits", frequency="monthly")],
        ),
    )
    assert second.cycle == 2
    later = svc.review_start(actor=commissioner, project=project)
    report = sel.review_report(later)
    assert [c.reference for c in report.contracts] == [second.reference]
    assert [c["reference"] for c in sel.report_figures(later)["contracts"]] == [second.reference]
    # The first review still reports on the first contract only.
    assert [c.reference for c in sel.review_report(review).contracts] == [first.reference]


def test_the_link_recorded_when_a_review_starts_is_public(client, commissioner, organisation):
    project, _ = project_in_deliver(actor=commissioner, organisation=organisation)
    svc.review_start(actor=commissioner, project=project)
    change = project.stage_changes.get(to_stage=Stage.REVIEW)
    path, _, anchor = change.link.partition("#")
    assert anchor == "review"
    page = client.get(path)  # anonymous
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="review"' in html
    assert "The council is reviewing the service now." in html


def test_recommissioning_carries_the_conclusions_and_key_figures_into_the_next_cycle(
    client, commissioner
):
    contract, member = make_contract(commissioner)
    project = _to_deliver(commissioner, contract.project)
    _accepted(commissioner, contract, member, 1, {1: "61"})
    for rating in ("very_good", "good", "good", "poor", "very_good"):
        give(contract, rating)
    review = published_review(actor=commissioner, project=project)
    svc.review_decide(
        actor=commissioner,
        review=review,
        outcome="recommission_changed",
        reasons="People valued the peer supporters.",
        changes="Open in the evenings.",
    )
    # Figures after the review never reach "what we learned last time".
    for _ in range(5):
        give(contract, "very_poor")
    page = client.get(reverse("commissioning:detail", args=[project.reference]))
    html = page.content.decode()
    told_us = html[html.index('id="told-us"') : html.index('id="asked-for"')]
    assert "What we learned last time" in told_us
    assert review.conclusions in told_us
    assert "People supported each month: 61 in" in told_us
    assert "80% of the 5 people who answered" in told_us
    assert "People valued the peer supporters." in told_us
    assert "Open in the evenings." in told_us
    assert reverse("review:report", args=[review.reference]) in told_us


def test_nothing_is_carried_in_the_first_cycle(client, commissioner, organisation):
    project, _ = project_in_deliver(actor=commissioner, organisation=organisation)
    published_review(actor=commissioner, project=project)
    html = client.get(reverse("commissioning:detail", args=[project.reference])).content.decode()
    assert "What we learned last time" not in html


def test_step_2_of_the_project_page_shows_each_requirement_with_the_findings_it_cites(
    client, commissioner, published_project
):
    consultation = ConsultationFactory(project=published_project, created_by=commissioner)
    closed = make_finding(published_project, commissioner, statement="People want evenings.")
    interim = make_finding(
        published_project, commissioner, consultation=consultation, statement="Buses are late."
    )
    spec = Specification.objects.create(
        project=published_project,
        version=1,
        status="published",
        title="Day support",
        purpose="Support.",
        created_by=commissioner,
        published_at=timezone.now(),
    )
    outcome = Requirement.objects.create(
        specification=spec, kind="outcome", position=1, text="Open in the evenings"
    )
    kpi = Requirement.objects.create(
        specification=spec,
        kind="kpi",
        position=2,
        text="People who arrive on time",
        target="90",
        unit="% of visits",
        frequency="monthly",
    )
    outcome.findings.add(closed)
    kpi.findings.add(interim)
    consultation.closes_at = timezone.now() - dt.timedelta(minutes=1)
    consultation.save()

    def step_2() -> str:
        html = client.get(
            reverse("commissioning:detail", args=[published_project.reference])
        ).content.decode()
        return html[html.index('id="asked-for"') : html.index('id="judged"')]

    page = step_2()
    assert "Open in the evenings" in page and "People who arrive on time" in page
    assert "Target: 90 % of visits, reported monthly." in page
    for finding in (closed, interim):
        assert reverse("engagement_analysis:finding_public", args=[finding.reference]) in page
    assert "are interim" not in page
    # The KPI's finding comes from a consultation still open: the findings are interim.
    consultation.closes_at = timezone.now() + dt.timedelta(days=7)
    consultation.save()
    page = step_2()
    assert 'id="interim-findings"' in page
    assert "findings this specification cites are interim" in page
