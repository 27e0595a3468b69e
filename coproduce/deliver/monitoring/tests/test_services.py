"""Monitoring services: sending, checking, correcting returns; plans; assessments; reminders."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection  # noqa: F401 - read by skipif
from django.utils import timezone

from coproduce.deliver.contracts.models import FrameworkVersion
from coproduce.deliver.monitoring import selectors as sel
from coproduce.deliver.monitoring import services as svc
from coproduce.deliver.monitoring import services_plans as plans
from coproduce.deliver.monitoring.models import (
    EvidenceFile,
    ImprovementPlan,
    KPIAssessment,
    MonitoringReturn,
    ReminderSent,
    ReturnFigure,
    ReturnSubmission,
)
from coproduce.deliver.monitoring.periods import add_months
from coproduce.deliver.monitoring.tasks import remind_late_returns
from coproduce.foundation.accounts.tests.factories import make_member
from coproduce.foundation.core.errors import NotFound, ServiceError
from coproduce.foundation.core.models import AuditEvent
from coproduce.foundation.core.testing import run_concurrently
from coproduce.plan.procurement_rules.tests.factories import seed_rules

from .factories import agree_framework, make_contract, months_ago, send

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def world(commissioner):
    contract, member = make_contract(commissioner)
    return contract, member


def _saved_nothing():
    assert MonitoringReturn.objects.count() == 0
    assert ReturnSubmission.objects.count() == 0
    assert ReturnFigure.objects.count() == 0


# --- sending --------------------------------------------------------------------------


def test_provider_sends_a_return_with_the_kpis_asked_in_its_period(world):
    contract, member = world
    ret = send(contract, member, 3, commentary="A good month.")
    assert ret.status == "submitted" and ret.version == 1
    assert ret.period_start == add_months(contract.starts_on, 2)
    assert ret.due_on == ret.period_end + dt.timedelta(days=28)
    figures = {
        f.kpi.position: f for f in ReturnFigure.objects.filter(submission__monitoring_return=ret)
    }
    assert sorted(figures) == [1, 2, 3]  # month 3: both monthly KPIs and the quarterly one
    assert figures[1].value == Decimal("62") and figures[1].rag == "green"
    assert AuditEvent.objects.filter(verb="monitoring.return.submitted").count() == 1


def test_no_return_before_both_sides_have_agreed_the_framework(commissioner):
    contract, member = make_contract(commissioner, framework_agreed=False)
    with pytest.raises(ServiceError) as info:
        send(contract, member, 3)
    assert info.value.code == "framework_not_agreed"
    assert "agreed by both the council and the provider" in info.value.message
    _saved_nothing()
    # One side's agreement is not enough.
    FrameworkVersion.objects.create(
        contract=contract,
        number=1,
        kpis=[],
        council_agreed_by=commissioner,
        council_agreed_at=timezone.now(),
    )
    with pytest.raises(ServiceError) as info:
        send(contract, member, 3)
    assert info.value.code == "framework_not_agreed"
    _saved_nothing()
    FrameworkVersion.objects.filter(contract=contract).delete()
    agree_framework(contract, commissioner, member)
    assert send(contract, member, 3).status == "submitted"


def test_month_two_asks_only_the_monthly_kpis(world):
    contract, member = world
    ret = send(contract, member, 2)
    assert sorted(
        ReturnFigure.objects.filter(submission__monitoring_return=ret).values_list(
            "kpi__position", flat=True
        )
    ) == [1, 2]


def test_due_days_is_a_setting(world, settings):
    settings.MONITORING_RETURN_DUE_DAYS = 20
    contract, member = world
    ret = send(contract, member, 1)
    assert ret.due_on == ret.period_end + dt.timedelta(days=20)


@pytest.mark.parametrize(
    ("figures", "code", "field"),
    [
        ({1: "12.5"}, "figure_whole_number", "kpi_1"),
        ({2: "-1"}, "figure_negative", "kpi_2"),
        ({3: "120"}, "figure_percent_range", "kpi_3"),
        ({1: ""}, "figure_required", "kpi_1"),
        ({2: "ten"}, "figure_not_a_number", "kpi_2"),
    ],
)
def test_a_figure_in_the_wrong_unit_saves_nothing(world, figures, code, field):
    contract, member = world
    with pytest.raises(ServiceError) as exc:
        send(contract, member, 3, figures)
    assert (exc.value.code, exc.value.field) == (code, field)
    _saved_nothing()


def test_a_period_not_yet_started_is_refused(world):
    contract, member = world
    with pytest.raises(ServiceError) as exc:
        send(contract, member, 10)
    assert exc.value.code == "period_not_started"
    assert "Month 10 starts on" in exc.value.message
    _saved_nothing()


def test_a_period_after_the_contract_ended_is_refused(commissioner):
    contract, member = make_contract(
        commissioner,
        starts_on=months_ago(14),
        ends_on=add_months(months_ago(14), 12) - dt.timedelta(days=1),
    )
    with pytest.raises(ServiceError) as exc:
        send(contract, member, 13)
    assert exc.value.code == "after_contract_end"
    assert "The contract ends on" in exc.value.message
    send(contract, member, 12)  # the last month is fine, and asks for every KPI
    assert ReturnFigure.objects.count() == 4
    with pytest.raises(ServiceError) as exc:
        send(contract, member, 0)
    assert exc.value.code == "unknown_period"


def test_a_second_return_for_the_same_period_is_refused(world):
    contract, member = world
    send(contract, member, 1)
    with pytest.raises(ServiceError) as exc:
        send(contract, member, 1, {1: "70"})
    assert exc.value.code == "return_already_sent"
    assert MonitoringReturn.objects.count() == 1


def test_the_same_submission_key_keeps_one_return(world):
    contract, member = world
    first = send(contract, member, 1, submission_key="k" * 32)
    again = send(contract, member, 1, {1: "1"}, submission_key="k" * 32)
    assert again.pk == first.pk
    assert MonitoringReturn.objects.count() == 1
    assert AuditEvent.objects.filter(verb="monitoring.return.submitted").count() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    "connection.vendor != 'postgresql'", reason="needs real parallel connections (PostgreSQL)"
)
def test_twenty_simultaneous_sends_keep_one_return(commissioner):
    seed_rules()  # a transactional test starts after another one's flush emptied the rules
    contract, member = make_contract(commissioner)

    def work(i: int):
        # Half with one key (a double click), half with keys of their own (two tabs).
        key = "same-key-0123456789" if i % 2 else f"own-key-{i:02d}-0123456789"
        send(contract, member, 2, submission_key=key)

    errors = run_concurrently(20, work)
    # The others are told the return was already sent (repeats of the winner's own key
    # get its result back instead); nothing else goes wrong.
    assert all(getattr(e, "code", None) == "return_already_sent" for e in errors), errors
    assert len(errors) in (10, 19)
    assert MonitoringReturn.objects.filter(contract=contract, number=2).count() == 1
    assert ReturnSubmission.objects.count() == 1


def test_another_organisation_cannot_send_or_see(world):
    contract, _member = world
    stranger, _org = make_member(role="admin")
    with pytest.raises(NotFound):
        send(contract, stranger, 1)
    with pytest.raises(NotFound):
        sel.access_return(stranger, contract.reference, 1)
    _saved_nothing()


def test_evidence_is_checked_by_content_and_stored(world):
    contract, member = world
    ret = send(
        contract,
        member,
        1,
        files=[SimpleUploadedFile("report.pdf", PDF, content_type="application/pdf")],
    )
    ev = EvidenceFile.objects.get(submission__monitoring_return=ret)
    assert ev.content_type == "application/pdf" and ev.size_bytes == len(PDF)
    assert ev.file.read() == PDF


def test_a_program_called_pdf_is_refused_and_nothing_is_saved(world):
    contract, member = world
    with pytest.raises(ServiceError) as exc:
        send(contract, member, 1, files=[SimpleUploadedFile("report.pdf", b"MZ\x90\x00rest")])
    assert exc.value.field == "evidence" and "report.pdf" in exc.value.message
    _saved_nothing()
    assert EvidenceFile.objects.count() == 0


def test_a_file_over_the_size_limit_is_refused(world, monkeypatch):
    contract, member = world
    monkeypatch.setattr(svc, "upload_limit_bytes", lambda: (10, "10 bytes"))
    with pytest.raises(ServiceError) as exc:
        send(contract, member, 1, files=[SimpleUploadedFile("a.txt", b"x" * 11)])
    assert exc.value.code == "file_too_large"
    _saved_nothing()


# --- checking, questions and corrections ----------------------------------------------


def test_query_answer_and_accept(world, commissioner, django_capture_on_commit_callbacks):
    contract, member = world
    ret = send(contract, member, 1)
    with django_capture_on_commit_callbacks(execute=True):
        ret = svc.return_query(actor=commissioner, monitoring_return=ret, question="Why so many?")
    assert ret.status == "queried"
    assert mail.outbox and "a question about your return" in mail.outbox[-1].subject
    ret.contract = contract
    ret = svc.return_answer(actor=member, monitoring_return=ret, answer="A new referral route.")
    assert ret.status == "submitted"
    ret = svc.return_accept(actor=commissioner, monitoring_return=ret)
    assert ret.status == "accepted" and ret.accepted_by == commissioner
    assert [m.kind for m in sel.return_thread(ret)] == ["query", "answer", "accepted"]
    assert svc.return_accept(actor=commissioner, monitoring_return=ret).status == "accepted"


def test_a_correction_keeps_the_earlier_figures(world, commissioner):
    contract, member = world
    ret = send(contract, member, 1, {1: "40"})
    svc.return_query(actor=commissioner, monitoring_return=ret, question="Is KPI 1 right?")
    ret = svc.return_correct(
        actor=member, monitoring_return=ret, figures={1: "61", 2: "9"}, answer="Typo, sorry."
    )
    assert ret.version == 2 and ret.status == "submitted"
    versions = sel.return_submissions(ret)
    assert [s.version for s in versions] == [2, 1]
    assert next(f.value for f in versions[0].figures.all()) == Decimal("61")
    assert next(f.value for f in versions[1].figures.all()) == Decimal("40")
    # Only the current version counts in the results.
    assert [
        p.value
        for p in sel.kpi_series(contract, accepted_only=False)[versions[0].figures.all()[0].kpi_id]
    ] == [Decimal("61")]


def test_a_return_not_queried_cannot_be_corrected_or_answered(world):
    contract, member = world
    ret = send(contract, member, 1)
    with pytest.raises(ServiceError) as exc:
        svc.return_correct(
            actor=member, monitoring_return=ret, figures={1: "1", 2: "1"}, answer="x"
        )
    assert exc.value.code == "illegal_transition"
    with pytest.raises(ServiceError):
        svc.return_answer(actor=member, monitoring_return=ret, answer="x")


def test_the_provider_cannot_accept_and_the_officer_cannot_answer(world, commissioner):
    contract, member = world
    ret = send(contract, member, 1)
    with pytest.raises(NotFound):
        svc.return_accept(actor=member, monitoring_return=ret)
    svc.return_query(actor=commissioner, monitoring_return=ret, question="?")
    with pytest.raises(NotFound):
        svc.return_answer(actor=commissioner, monitoring_return=ret, answer="!")


def test_an_empty_question_is_refused(world, commissioner):
    contract, member = world
    ret = send(contract, member, 1)
    with pytest.raises(ServiceError) as exc:
        svc.return_query(actor=commissioner, monitoring_return=ret, question="   ")
    assert exc.value.field == "question"
    ret.refresh_from_db()
    assert ret.status == "submitted"


# --- late returns and reminders -------------------------------------------------------


def test_late_returns_are_shown_as_late(world):
    contract, member = world
    send(contract, member, 1)
    rows = {r.period.number: r for r in sel.period_rows(contract)}
    assert rows[1].state == "submitted"
    assert rows[2].state == "late"  # month 2 ended over 28 days ago with nothing sent
    assert rows[9].state == "open"
    assert [r.period.number for _c, r in sel.late_rows()][:1] == [2]


def test_reminders_go_once_a_week_and_a_rerun_sends_nothing_twice(
    world, django_capture_on_commit_callbacks
):
    _contract, member = world
    today = timezone.localdate()
    with django_capture_on_commit_callbacks(execute=True):
        sent = svc.reminders_send_due(today=today)
    late = {r.period.number for _c, r in sel.late_rows(today=today)}
    assert {r.number for r in sent} == late and late
    assert len(mail.outbox) == len(late)
    assert member.email in mail.outbox[0].to
    assert svc.reminders_send_due(today=today) == []
    assert svc.reminders_send_due(today=today + dt.timedelta(days=6)) == []
    assert len(mail.outbox) == len(late)
    again = svc.reminders_send_due(today=today + dt.timedelta(days=7))
    assert {r.number for r in again} >= late
    assert ReminderSent.objects.filter(number=2).count() == 2


def test_the_daily_command_runs_the_reminder_task(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("remind_late_returns")
    first = ReminderSent.objects.count()
    assert first and len(mail.outbox) == first
    call_command("remind_late_returns")
    assert ReminderSent.objects.count() == first
    assert remind_late_returns.call(today=timezone.localdate().isoformat()) == 0


@pytest.mark.parametrize("day", ["31/03/2027", "2027-02-30", "yesterday"])
def test_the_daily_command_refuses_a_date_it_cannot_read(world, day):
    with pytest.raises(CommandError, match="Give --today as a date like 2027-03-31"):
        call_command("remind_late_returns", "--today", day)
    assert not ReminderSent.objects.exists()


def test_the_daily_command_runs_as_if_on_another_day(world, django_capture_on_commit_callbacks):
    contract, _member = world
    with django_capture_on_commit_callbacks(execute=True):
        call_command("remind_late_returns", "--today", contract.starts_on.isoformat())
    assert not ReminderSent.objects.exists()  # nothing was late on the first day


def test_no_reminder_while_the_framework_is_not_agreed(commissioner):
    make_contract(commissioner, framework_agreed=False)
    assert sel.late_rows()  # the officer still sees the late periods
    assert svc.reminders_send_due() == []
    assert not ReminderSent.objects.exists()


def test_a_return_sent_is_no_longer_reminded(world):
    contract, member = world
    for n in range(1, 9):
        send(contract, member, n)
    assert svc.reminders_send_due() == []


# --- improvement plans ----------------------------------------------------------------


def test_red_twice_in_a_row_requires_a_plan_until_agreed(world, commissioner):
    contract, member = world
    send(contract, member, 1, {1: "40"})
    assert sel.plan_needs(contract) == []
    send(contract, member, 2, {1: "30"})
    [need] = sel.plan_needs(contract)
    assert (need.kpi.position, need.trigger_number, need.plan) == (1, 2, None)
    assert need.state_label == "Required: no plan yet"
    later = timezone.localdate() + dt.timedelta(days=15)
    assert sel.plan_needs(contract, today=later)[0].overdue

    data = plans.PlanData(actions="Two more outreach days.", owner="Amira, manager", by_when=later)
    plan = plans.plan_submit(
        actor=member, contract=contract, kpi=need.kpi, trigger_number=2, data=data
    )
    assert sel.plan_needs(contract)[0].plan == plan
    with pytest.raises(ServiceError) as exc:
        plans.plan_submit(
            actor=member, contract=contract, kpi=need.kpi, trigger_number=2, data=data
        )
    assert exc.value.code == "plan_already_sent"

    plan.contract = contract
    with pytest.raises(ServiceError) as exc:
        plans.plan_ask_changes(actor=commissioner, plan=plan, note="")
    assert exc.value.field == "note"
    plan = plans.plan_ask_changes(actor=commissioner, plan=plan, note="Say who does the outreach.")
    assert plan.status == "changes"
    plan = plans.plan_revise(
        actor=member,
        plan=plan,
        data=plans.PlanData(actions="Outreach by Sam.", owner="Sam", by_when=later),
    )
    assert plan.status == "submitted"
    plan = plans.plan_agree(actor=commissioner, plan=plan)
    assert plan.status == "agreed" and plan.agreed_by == commissioner
    assert AuditEvent.objects.filter(verb="monitoring.plan.revised").exists()


def test_no_plan_where_none_is_needed_and_bad_plans_are_refused(world):
    contract, member = world
    send(contract, member, 1, {1: "40"})
    kpi = contract.kpis.get(position=1)
    good = plans.PlanData(actions="x", owner="y", by_when=timezone.localdate())
    with pytest.raises(ServiceError) as exc:
        plans.plan_submit(actor=member, contract=contract, kpi=kpi, trigger_number=1, data=good)
    assert exc.value.code == "plan_not_needed"
    send(contract, member, 2, {1: "40"})
    past = plans.PlanData(
        actions="x", owner="y", by_when=timezone.localdate() - dt.timedelta(days=1)
    )
    with pytest.raises(ServiceError) as exc:
        plans.plan_submit(actor=member, contract=contract, kpi=kpi, trigger_number=2, data=past)
    assert exc.value.code == "by_when_past"
    assert ImprovementPlan.objects.count() == 0


# --- annual assessments ---------------------------------------------------------------


def test_a_kpi_is_assessed_once_the_year_has_ended_and_published(commissioner):
    contract, member = make_contract(commissioner, starts_on=months_ago(13))
    kpi = contract.kpis.get(position=1)
    for n in range(1, 13):
        send(contract, member, n, {1: "62" if n % 4 else "50"})
    for ret in MonitoringReturn.objects.filter(contract=contract):
        ret.contract = contract
        svc.return_accept(actor=commissioner, monitoring_return=ret)
    assert sel.suggested_rating(contract, kpi, 1) == "approaching_target"
    with pytest.raises(ServiceError) as exc:
        plans.assessment_record(
            actor=commissioner, contract=contract, kpi=kpi, year=2, rating="good", reasons="x"
        )
    assert exc.value.code == "year_not_ended"
    with pytest.raises(ServiceError) as exc:
        plans.assessment_record(
            actor=commissioner, contract=contract, kpi=kpi, year=1, rating="great", reasons="x"
        )
    assert exc.value.code == "invalid_choice"
    with pytest.raises(NotFound):
        plans.assessment_record(
            actor=member, contract=contract, kpi=kpi, year=1, rating="good", reasons="x"
        )
    a = plans.assessment_record(
        actor=commissioner, contract=contract, kpi=kpi, year=1, rating="good", reasons="Close."
    )
    a = plans.assessment_record(
        actor=commissioner,
        contract=contract,
        kpi=kpi,
        year=1,
        rating="approaching_target",
        reasons="Three amber months.",
    )
    assert KPIAssessment.objects.count() == 1 and a.rating == "approaching_target"
    due = sel.officer_desk(user=commissioner).assessments_due
    assert (contract.pk, kpi.pk, 1) in [(c.pk, k.pk, y) for c, k, y in due]
    a = plans.assessment_publish(actor=commissioner, assessment=a)
    due = sel.officer_desk(user=commissioner).assessments_due
    assert (contract.pk, kpi.pk, 1) not in [(c.pk, k.pk, y) for c, k, y in due]
    assert a.published_at is not None
    with pytest.raises(ServiceError) as exc:
        plans.assessment_record(
            actor=commissioner, contract=contract, kpi=kpi, year=1, rating="good", reasons="x"
        )
    assert exc.value.code == "assessment_published"
    public = sel.project_results(contract.project)[0].kpis[0]
    assert [x.rating for x in public.assessments] == ["approaching_target"]
