"""The monitoring demo: the peer support contract in month 9 with its returns, a red KPI
with an agreed plan, an answered query, a return waiting to be checked; a late return on
the contract let before coproduce."""

import pytest
from django.template import Context, Template

from coproduce.deliver.contracts.models import Contract
from coproduce.deliver.monitoring import selectors as sel
from coproduce.deliver.monitoring.models import MonitoringReturn, ReturnMessage
from coproduce.demo import bids as bids_demo
from coproduce.demo import deliver_contracts as contracts_demo
from coproduce.demo import deliver_monitoring as demo
from coproduce.foundation.accounts.models import User


@pytest.fixture
def peer_support(demo_world):
    return Contract.objects.get(award__tender__title=bids_demo.TENDER_TITLE)


def test_months_1_to_7_accepted_and_month_8_just_sent(peer_support):
    states = {r.period.number: r.state for r in sel.period_rows(peer_support)}
    assert [states[n] for n in range(1, 8)] == ["accepted"] * 7
    assert states[8] == "submitted"
    assert states[9] == "open"
    assert not any(r.sent_late for r in sel.period_rows(peer_support))


def test_a_kpi_red_twice_in_a_row_has_an_agreed_plan(peer_support):
    [need] = sel.plan_needs(peer_support)
    assert need.kpi.text.startswith("People supported each month")
    assert need.trigger_number == 6
    assert need.plan is not None and need.plan.status == "agreed"


def test_one_query_was_answered(peer_support):
    ret = MonitoringReturn.objects.get(contract=peer_support, number=demo.QUERY[0])
    assert [m.kind for m in ReturnMessage.objects.filter(monitoring_return=ret)] == [
        "query",
        "answer",
        "accepted",
    ]


def test_the_contract_let_before_coproduce_has_one_late_return(demo_world):
    legacy = Contract.objects.get(title=contracts_demo.LEGACY_CONTRACT_TITLE)
    late = [r for r in sel.period_rows(legacy) if r.late]
    assert len(late) == 1
    assert [c.pk for c, _row in sel.late_rows()] == [legacy.pk]


def test_the_project_page_shows_the_accepted_results(peer_support):
    html = Template("{% load monitoring_tags %}{% project_monitoring project %}").render(
        Context({"project": peer_support.project})
    )
    assert "People supported each month" in html
    # Every KPI but the annual one (not reported yet) has a chart.
    assert html.count("<svg") == len(sel.contract_kpis(peer_support)) - 1
    assert "No accepted results yet." in html
    assert "Month 7" in html and "Month 8" not in html  # month 8 is not accepted yet


def test_loading_again_creates_nothing(demo_world):
    users = {u.email: u for u in User.objects.all()}
    before = MonitoringReturn.objects.count()
    assert demo.load(users) == {"monitoring returns": 0}
    assert MonitoringReturn.objects.count() == before
