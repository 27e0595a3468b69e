"""Review pages: bad input gets a clear message (400, nothing saved); the golden thread's
forward links, interim findings and "what we learned last time"; the daily command."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from coproduce.deliver.contracts.models import ContractKPI
from coproduce.foundation.commissioning.models import Stage
from coproduce.plan.specifications.models import Requirement, Specification
from coproduce.understand.consultations.tests.factories import ConsultationFactory, make_finding

from .. import notice
from .. import services as svc
from ..models import Decommissioning, DecommissioningStatus, ReviewDecision, TransitionGroup
from .factories import decommissioning, notice_data, project_in_deliver, published_review


@pytest.mark.django_db
def test_the_notice_form_refuses_a_notice_shorter_than_the_minimum(
    client, commissioner, organisation
):
    d = decommissioning(actor=commissioner, organisation=organisation)
    client.force_login(commissioner)
    form = {
        "contract": d.contract_id,
        "notice_months": "2",
        "message_to_users": "We will help.",
        "contact_name": "Priya",
        "contact_details": "01234 567890",
        "equality_summary": "Older people most affected.",
    }
    page = client.post(reverse("review:notice", args=[d.reference]), form)
    assert page.status_code == 400
    body = page.content.decode()
    assert "There is a problem" in body
    assert "at least 3 months (the minimum notice for ending a service" in body
    assert Decommissioning.objects.get(pk=d.pk).status == DecommissioningStatus.PLANNING
    form["notice_months"] = "3"
    page = client.post(reverse("review:notice", args=[d.reference]), form)
    assert page.status_code == 302
    assert Decommissioning.objects.get(pk=d.pk).status == DecommissioningStatus.NOTICE


@pytest.mark.django_db
@pytest.mark.parametrize(
    "months", ["", "three", "-1", "1e309", "NaN", "3.5", "99999999999999999999"]
)
def test_a_malformed_notice_period_is_a_form_error(client, commissioner, organisation, months):
    d = decommissioning(actor=commissioner, organisation=organisation)
    client.force_login(commissioner)
    page = client.post(reverse("review:notice", args=[d.reference]), {"notice_months": months})
    assert page.status_code == 400
    assert "There is a problem" in page.content.decode()
    assert Decommissioning.objects.get(pk=d.pk).status == DecommissioningStatus.PLANNING


@pytest.mark.django_db
def test_a_decision_without_reasons_is_shown_on_the_form(client, commissioner, organisation):
    project, _ = project_in_deliver(actor=commissioner, organisation=organisation)
    review = published_review(actor=commissioner, project=project)
    client.force_login(commissioner)
    page = client.post(
        reverse("review:decide", args=[review.reference]),
        {"outcome": "recommission", "reasons": " "},
    )
    assert page.status_code == 400
    assert "Give the reasons for the decision: they are published with it." in page.content.decode()
    assert not ReviewDecision.objects.exists()


@pytest.mark.django_db
def test_starting_a_review_of_a_project_not_in_deliver_is_shown_on_the_page(
    client, commissioner, published_project
):
    client.force_login(commissioner)
    page = client.post(reverse("review:start", args=[published_project.reference]))
    assert page.status_code == 400
    assert "A review can only start when the service is being delivered" in page.content.decode()


@pytest.mark.django_db
def test_a_commissioner_runs_a_review_through_the_pages(client, commissioner, organisation):
    project, _ = project_in_deliver(actor=commissioner, organisation=organisation)
    client.force_login(commissioner)
    detail = client.get(reverse("commissioning:detail", args=[project.reference])).content.decode()
    assert reverse("review:start", args=[project.reference]) in detail
    page = client.post(reverse("review:start", args=[project.reference]))
    review = project.reviews.get()
    assert page["Location"] == reverse("review:manage", args=[review.reference])
    client.post(
        reverse("review:manage", args=[review.reference]),
        {"conclusions": "It worked for most people.", "equality_notes": "No change."},
    )
    client.post(reverse("review:publish", args=[review.reference]))
    page = client.post(
        reverse("review:decide", args=[review.reference]),
        {"outcome": "recommission_changed", "reasons": "People valued it.", "changes": "Evenings."},
    )
    assert page.status_code == 302
    project.refresh_from_db()
    assert (project.stage, project.cycle) == (Stage.UNDERSTAND, 2)
    public = client.get(reverse("commissioning:detail", args=[project.reference])).content.decode()
    assert "What we learned last time" in public
    assert reverse("review:report", args=[review.reference]) in public
    assert (
        "People valued it."
        in client.get(reverse("review:report", args=[review.reference])).content.decode()
    )


@pytest.mark.django_db
def test_the_transition_plan_pages_save_groups_and_actions_once(client, commissioner, organisation):
    d = decommissioning(actor=commissioner, organisation=organisation, with_group=False)
    client.force_login(commissioner)
    url = reverse("review:group_add", args=[d.reference])
    bad = client.post(url, {"who": "", "destination": "", "responsible": ""})
    assert bad.status_code == 400 and not TransitionGroup.objects.exists()
    today = timezone.localdate()
    form = {
        "who": "Carers",
        "destination": "The carers' centre",
        "by_when_0": today.day,
        "by_when_1": today.month,
        "by_when_2": today.year,
        "responsible": "Tom",
        "submission_key": "a" * 32,
    }
    assert client.post(url, form).status_code == 302
    assert client.post(url, form).status_code == 302  # a double click
    assert TransitionGroup.objects.count() == 1


def _cite(project, actor, finding) -> Requirement:
    """A published specification whose KPI requirement cites ``finding``; the project's
    contract KPI is built on it."""
    spec = Specification.objects.create(
        project=project,
        version=1,
        status="published",
        title="Drop-in",
        purpose="Support.",
        created_by=actor,
        published_at=timezone.now(),
    )
    requirement = Requirement.objects.create(
        specification=spec,
        kind="kpi",
        position=1,
        text="People supported",
        target="40",
        unit="people",
        frequency="monthly",
    )
    requirement.findings.add(finding)
    ContractKPI.objects.filter(contract__project=project).update(requirement=requirement)
    return requirement


@pytest.mark.django_db
def test_a_finding_links_forward_to_the_kpis_and_reviews_that_used_it(
    client, commissioner, organisation
):
    project, contract = project_in_deliver(actor=commissioner, organisation=organisation)
    finding = make_finding(project, commissioner, statement="People want a drop-in nearby.")
    _cite(project, commissioner, finding)
    url = reverse("engagement_analysis:finding_public", args=[finding.reference])
    page = client.get(url).content.decode()
    assert "What we now measure because of this" in page
    assert contract.reference in page
    assert "Reviews that looked at this" not in page
    review = published_review(actor=commissioner, project=project)
    assert list(review.findings.all()) == [finding]
    page = client.get(url).content.decode()
    assert reverse("review:report", args=[review.reference]) in page
    report = client.get(reverse("review:report", args=[review.reference])).content.decode()
    assert finding.reference in report


@pytest.mark.django_db
def test_a_specification_citing_findings_of_an_open_consultation_says_they_are_interim(
    commissioner, published_project
):
    consultation = ConsultationFactory(project=published_project, created_by=commissioner)
    finding = make_finding(published_project, commissioner, consultation=consultation)
    spec = Specification.objects.create(
        project=published_project,
        version=1,
        title="Day support",
        purpose="Support.",
        created_by=commissioner,
    )
    requirement = Requirement.objects.create(
        specification=spec, kind="outcome", position=1, text="More choice"
    )
    render = lambda: Template("{% load review_tags %}{% interim_findings_note spec %}").render(  # noqa: E731
        Context({"spec": spec})
    )
    assert render().strip() == ""
    requirement.findings.add(finding)
    assert "findings this specification cites are interim" in render()
    consultation.closes_at = timezone.now() - dt.timedelta(minutes=1)
    consultation.save()
    assert render().strip() == ""


@pytest.mark.django_db
def test_end_services_ends_contracts_after_their_last_day(commissioner, organisation, capsys):
    d = decommissioning(actor=commissioner, organisation=organisation)
    d = svc.decommissioning_give_notice(actor=commissioner, decommissioning=d, data=notice_data(d))
    call_command("end_services", today=d.service_ends_on.isoformat())
    assert "Ended 0 services." in capsys.readouterr().out
    call_command("end_services", today=(d.service_ends_on + dt.timedelta(days=1)).isoformat())
    assert f"Ended 1 service.\n{d.reference}" in capsys.readouterr().out
    # No actions in the plan: the project is decommissioned at once.
    d.refresh_from_db()
    assert d.status == DecommissioningStatus.CLOSED
    assert d.project.stage == Stage.DECOMMISSIONED


@given(
    day=st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2100, 12, 31)),
    months=st.integers(min_value=0, max_value=120),
)
def test_a_notice_never_ends_before_its_months_have_passed(day, months):
    end = notice.notice_ends_on(day, months)
    assert end >= day
    assert (end.year - day.year) * 12 + end.month - day.month == months
    assert end.day == day.day or end.day < day.day  # clamped only at the end of a short month
    assert not notice.ends_too_early(given_on=day, months=months, service_ends_on=end)
    assert notice.ends_too_early(
        given_on=day, months=months, service_ends_on=end - dt.timedelta(days=1)
    )


def test_notice_arithmetic_examples():
    assert notice.add_months(dt.date(2026, 11, 30), 3) == dt.date(2027, 2, 28)
    assert notice.add_months(dt.date(2027, 11, 30), 3) == dt.date(2028, 2, 29)
    assert notice.add_months(dt.date(2026, 12, 7), 3) == dt.date(2027, 3, 7)
    with pytest.raises(ValueError, match="must not be negative"):
        notice.add_months(dt.date(2026, 1, 1), -1)
