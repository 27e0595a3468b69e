"""Community budgets in Chromium: axe-core on every page (and its error states), and casting
a budget ballot with the keyboard alone, with JavaScript off, using the recalculate button
(axe-core needs JavaScript, so the pages of that journey are checked in the other tests,
including the recalculated total and the receipt pages).

The demo council has a finished round (Riverside Community Fund 2026) and one open for
voting (Millbrook Ward Green Spaces 2027, a budget ballot). The tests add a round open for
ideas and rounds with approval and points ballots, through the services.
"""

from __future__ import annotations

import re

import pytest

from coproduce.demo import budgeting as demo_pb
from coproduce.tests_browser.conftest import focused, tab_to
from coproduce.understand.participatory_budgeting.models import Phase, Round
from coproduce.understand.participatory_budgeting.services import ProposalData, proposal_submit
from coproduce.understand.participatory_budgeting.tests.factories import make_round

pytestmark = pytest.mark.browser

SUBMIT = '#main-content form[method="post"]:not(.app-inline-form) button[type="submit"]'


@pytest.fixture
def pb(demo):
    """References of the demo rounds plus three made here, keyed by what they show."""
    officer = demo.users["commissioner"]
    ideas = make_round(officer, phase=Phase.PROPOSALS, costs=(), title="Eastgate Ideas Fund 2027")
    idea = proposal_submit(
        actor=demo.users["resident"],
        round_=ideas,
        data=ProposalData(
            title="Planters on Eastgate", description="Flowers.", estimated_cost_pence=900_00
        ),
    )
    approval = make_round(
        officer, ballot_type="approval", min_choices=1, max_choices=2, title="Approval test"
    )
    points = make_round(officer, ballot_type="cumulative", points=10, title="Points test")
    finished = Round.objects.get(title=demo_pb.FINISHED_TITLE)
    open_round = Round.objects.get(title=demo_pb.OPEN_TITLE)
    line = finished.result.lines.select_related("proposal").first()
    return {
        "finished": finished.reference,
        "open": open_round.reference,
        "ideas": ideas.reference,
        "idea": idea.reference,
        "approval": approval.reference,
        "points": points.reference,
        "funded_line": line.proposal.reference,
        "finished_idea": finished.proposals.first().reference,
        "code": demo_pb.demo_codes()[0],
    }


def _visit(
    page, axe, live_server, path, name, *, status=200, submit=None, submit_status=400, fill=()
):
    response = page.goto(live_server.url + path)
    assert response.status == status, f"{name}: {response.status}"
    if submit is not None:
        for selector, value in fill:
            page.fill(selector, value)
        with page.expect_navigation() as nav:
            page.click(submit)
        assert nav.value.status == submit_status, f"{name}: {nav.value.status}"
    axe.check(page, name)


def test_public_budget_pages_pass_axe(pb, page, axe, live_server):
    r = pb
    visits = [
        ("/budgets/", "budget rounds", {}),
        (f"/budgets/{r['finished']}/", "finished round", {}),
        (f"/budgets/{r['finished']}/results/", "published results", {}),
        (f"/budgets/{r['finished']}/ideas/{r['finished_idea']}/", "idea with decision", {}),
        (f"/budgets/{r['open']}/", "open round", {}),
        (f"/budgets/{r['open']}/vote/", "knapsack ballot", {}),
        (
            f"/budgets/{r['open']}/vote/",
            "knapsack ballot with errors",
            {"submit": 'button[value="cast"]', "fill": (("#id_code", "NOT-A-CODE"),)},
        ),
        (f"/budgets/{r['approval']}/vote/", "approval ballot", {}),
        (
            f"/budgets/{r['approval']}/vote/",
            "approval ballot with errors",
            {"submit": 'button[value="cast"]'},
        ),
        (f"/budgets/{r['points']}/vote/", "points ballot", {}),
        (
            f"/budgets/{r['points']}/vote/",
            "points ballot with errors",
            {"submit": 'button[value="cast"]', "fill": (('[name^="points-"] >> nth=0', "11"),)},
        ),
        ("/budgets/check-receipt/", "receipt check", {}),
        ("/budgets/check-receipt/", "receipt check with errors", {"submit": SUBMIT}),
        (f"/budgets/{r['ideas']}/ideas/{r['idea']}/", "idea waiting for a check", {}),
        (f"/budgets/{r['open']}/results/", "results hidden while voting", {"status": 404}),
    ]
    for path, name, options in visits:
        _visit(page, axe, live_server, path, name, **options)
    page.goto(f"{live_server.url}/budgets/{r['open']}/vote/")
    page.locator('input[name="project"]').first.check()
    with page.expect_navigation():
        page.click('button[value="recalculate"]')
    axe.check(page, "knapsack ballot after recalculating")
    page.fill("#id_code", r["code"])
    with page.expect_navigation():
        page.click('button[value="cast"]')
    axe.check(page, "vote received")
    receipt = page.locator("#receipt-code").inner_text().strip()
    page.goto(f"{live_server.url}/budgets/check-receipt/")
    page.fill("#id_receipt", receipt)
    with page.expect_navigation():
        page.click(SUBMIT)
    axe.check(page, "receipt found")


def test_resident_proposal_pages_pass_axe(pb, resident_page, axe, live_server):
    path = f"/budgets/{pb['ideas']}/propose/"
    _visit(resident_page, axe, live_server, path, "propose an idea")
    _visit(resident_page, axe, live_server, path, "propose an idea with errors", submit=SUBMIT)
    _visit(resident_page, axe, live_server, "/manage/budgets/", "manage budgets hidden", status=404)


def test_officer_budget_pages_pass_axe(pb, commissioner_page, axe, live_server):
    r = pb
    page = commissioner_page
    visits = [
        ("/manage/budgets/", "manage budgets", {}),
        ("/manage/budgets/new/", "create round", {}),
        (
            "/manage/budgets/new/",
            "create round with errors",
            {"submit": SUBMIT, "fill": (("#id_budget", "lots"),)},
        ),
        ("/manage/budgets/import/", "import pabulib", {}),
        ("/manage/budgets/import/", "import pabulib with errors", {"submit": SUBMIT}),
        (f"/manage/budgets/{r['ideas']}/", "manage round open for ideas", {}),
        (f"/manage/budgets/{r['ideas']}/ideas/{r['idea']}/review/", "feasibility review", {}),
        (
            f"/manage/budgets/{r['ideas']}/ideas/{r['idea']}/review/",
            "feasibility review with errors",
            {"submit": SUBMIT},
        ),
        (f"/manage/budgets/{r['open']}/", "manage round open for voting", {}),
        (f"/manage/budgets/{r['open']}/paper/", "enter paper ballots", {}),
        (
            f"/manage/budgets/{r['open']}/paper/",
            "enter paper ballots with errors",
            {"submit": SUBMIT, "fill": (("#id_ballots", "NOPE"),)},
        ),
        (f"/manage/budgets/{r['finished']}/", "manage finished round", {}),
        (f"/budgets/{r['finished']}/results/", "results as an officer", {}),
        (f"/manage/budgets/{r['finished']}/results/{r['funded_line']}/", "override", {}),
        (
            f"/manage/budgets/{r['finished']}/results/{r['funded_line']}/",
            "override with errors",
            {"submit": SUBMIT, "fill": ()},
        ),
    ]
    for path, name, options in visits:
        if name == "override with errors":
            page.goto(live_server.url + path)
            page.check("#id_funded_0" if page.is_checked("#id_funded_1") else "#id_funded_1")
            with page.expect_navigation() as nav:
                page.click(SUBMIT)
            assert nav.value.status == 400
            axe.check(page, name)
            continue
        _visit(page, axe, live_server, path, name, **options)


def test_casting_a_budget_ballot_by_keyboard_without_javascript(pb, new_context, live_server):
    page = new_context(java_script_enabled=False).new_page()
    page.goto(f"{live_server.url}/budgets/{pb['open']}/vote/")
    first = tab_to(page, lambda f: f["name"] == "project")
    page.keyboard.press("Space")
    tab_to(page, lambda f: f["name"] == "project" and f["value"] != first["value"])
    page.keyboard.press("Space")
    tab_to(page, lambda f: f["name"] == "action" and f["value"] == "recalculate")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    total = page.locator("#ballot-total").inner_text()
    assert re.search(r"£[\d,]+ of £40,000 chosen", total), total
    assert page.locator('input[name="project"]:checked').count() == 2
    tab_to(page, lambda f: f["id"] == "id_code")
    page.keyboard.type(pb["code"])
    tab_to(page, lambda f: f["name"] == "action" and f["value"] == "cast")
    assert focused(page)["text"] == "Cast your vote"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    receipt = page.locator("#receipt-code").inner_text().strip()
    assert re.fullmatch(r"[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}", receipt)
    page.goto(f"{live_server.url}/budgets/check-receipt/")
    tab_to(page, lambda f: f["id"] == "id_receipt")
    page.keyboard.type(receipt)
    page.keyboard.press("Enter")
    page.wait_for_selector("#receipt-result")
    assert "will be counted when voting closes" in page.locator("#receipt-result").inner_text()
