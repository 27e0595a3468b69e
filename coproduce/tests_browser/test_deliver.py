"""The deliver and review pages in Chromium: axe-core on every page as each person who sees
it (with each form's error state), reflow at 320 px, and a keyboard-only easy read
feedback journey (desktop and phone).

The demo council has the peer support contract in its ninth month and a contract let
before coproduce being decommissioned (``coproduce/demo/deliver_*.py``). States the demo
does not show are made here through the same services, between the visits that need them
(``STEPS``): an open proposal on the framework, a queried return that is corrected so a
KPI is red twice and needs an improvement plan, a plan sent back for changes, a second
mystery shopping visit waiting for its report, and a draft SROI analysis.

Every URL name of the five namespaces that answers a GET must be visited: a guard fails
when one is missing, and checks that each name left out answers a GET with 405.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import get_resolver, reverse
from django.utils import timezone
from playwright.sync_api import Error as PlaywrightError

from coproduce.deliver.contracts.models import Contract
from coproduce.deliver.contracts.services import framework_propose
from coproduce.deliver.feedback import services as feedback_svc
from coproduce.deliver.feedback.models import (
    FeedbackResponse,
    FeedbackTheme,
    MysteryShopper,
    ShoppingVisit,
)
from coproduce.deliver.monitoring import services as monitoring_svc
from coproduce.deliver.monitoring import services_plans as plans_svc
from coproduce.deliver.monitoring.models import EvidenceFile, ImprovementPlan, MonitoringReturn
from coproduce.deliver.review.models import Decommissioning, Review
from coproduce.deliver.social_value import services as sv_svc
from coproduce.deliver.social_value.models import Commitment, Delivery, MeasureTable, SroiAnalysis
from coproduce.demo import bids as bids_demo
from coproduce.demo import deliver_contracts as contracts_demo
from coproduce.demo import deliver_monitoring as monitoring_demo
from coproduce.foundation.accounts.models import User

from .conftest import DEMO_EMAILS, focused, tab_to

pytestmark = pytest.mark.browser

NAMESPACES = ("contracts", "monitoring", "feedback", "social_value", "review")
SUBMIT = '#main-content form[method="post"]:not(.app-inline-form) button[type="submit"]'
PHONE = {"width": 390, "height": 844}
NARROW = {"width": 320, "height": 720}
# The people of this file, as the conftest's demo roles. The demo resident is also the
# trained mystery shopper Dee Okafor; provider2 runs the contract being decommissioned.
PEOPLE = {
    "anonymous": None,
    "resident": "resident",
    "shopper": "resident",
    "provider": "provider",
    "legacy provider": "provider2",
    "commissioner": "commissioner",
    "finance": "finance",
}


@dataclass(frozen=True)
class Visit:
    """A page as one person sees it.

    ``url`` is a URL name with argument names looked up in the references (``refs``), or
    a path with ``{ref}`` placeholders. ``submit`` set: fill these fields (selector,
    value), press the form's button (``button`` names it when the page has several
    forms) and expect the error state. ``download``: a file, fetched rather than opened.
    """

    role: str
    url: str
    args: tuple[str, ...] = ()
    status: int = 200
    submit: tuple[tuple[str, str], ...] | None = None
    button: str | None = None
    download: bool = False

    @property
    def name(self) -> str:
        state = " with errors" if self.submit is not None else ""
        return f"{self.role}:{self.url}{state}"

    def path(self, refs: dict) -> str:
        if ":" in self.url:
            return reverse(self.url, args=[refs[a] for a in self.args])
        return self.url.format(**refs)


@dataclass(frozen=True)
class Step:
    """Something done through the services between visits, to reach a state."""

    name: str
    do: Callable[[dict], None]


EMPTY: tuple = ()


def references() -> dict:
    """The demo's deliver objects, found by their stable keys."""
    peer = Contract.objects.get(award__tender__title=bids_demo.TENDER_TITLE)
    legacy = Contract.objects.get(title=contracts_demo.LEGACY_CONTRACT_TITLE)
    waiting = MonitoringReturn.objects.get(contract=peer, status="submitted")
    plan = ImprovementPlan.objects.filter(contract=peer).order_by("pk").first()
    visit = ShoppingVisit.objects.filter(contract=peer).order_by("number").first()
    commitment = Commitment.objects.filter(contract=peer, status="agreed").order_by("pk").first()
    review = Review.objects.get(project=legacy.project)
    decommissioning = Decommissioning.objects.get(decision__review=review)
    group = decommissioning.groups.order_by("position").first()
    return {
        "peer": peer.reference,
        "legacy": legacy.reference,
        "peer_project": peer.project.reference,
        "legacy_project": legacy.project.reference,
        "waiting": waiting.number,
        "next": waiting.number + 1,
        "late": MonitoringReturn.objects.filter(contract=legacy).order_by("-number")[0].number + 1,
        "plan": plan.pk,
        "kpi": 1,
        "year": 1,
        "theme": FeedbackTheme.objects.filter(contract=peer).order_by("pk").first().pk,
        "visit": visit.number,
        "visit_action": visit.actions.order_by("pk").first().pk,
        "position": 1,
        "version": MeasureTable.objects.order_by("-version").first().version,
        "commitment": commitment.pk,
        "delivery": Delivery.objects.filter(commitment__contract=peer, status="submitted")
        .order_by("pk")
        .first()
        .pk,
        "sroi": SroiAnalysis.objects.get(contract=peer, status="published").reference,
        "review": review.reference,
        "decommissioning": decommissioning.reference,
        "group": group.position,
        "transition_action": group.actions.order_by("pk").first().pk,
    }


def _user(role: str) -> User:
    return User.objects.get(email=DEMO_EMAILS[PEOPLE[role]])


def _peer() -> Contract:
    return Contract.objects.get(award__tender__title=bids_demo.TENDER_TITLE)


def _propose(refs: dict) -> None:
    """The provider proposes a change to the agreed framework: the commissioner answers it."""
    kpi = _peer().kpis.get(position=1)
    proposal = framework_propose(
        actor=_user("provider"),
        kpi=kpi,
        text="Count people helped into self-employment as well as paid jobs.",
    )
    refs["proposal"] = proposal.pk


def _query(refs: dict) -> None:
    ret = MonitoringReturn.objects.get(contract=_peer(), number=refs["waiting"])
    monitoring_svc.return_query(
        actor=_user("commissioner"),
        monitoring_return=ret,
        question="The number of people supported went up by six: where did they come from?",
    )


def _figures(number: int, *, supported: str) -> dict[int, str]:
    """The demo's figures for ``number``, with "People supported each month" set."""
    contract = _peer()
    figures = monitoring_demo._figures(contract, monitoring_demo.PEER_SUPPORT_FIGURES, number)
    kpi = contract.kpis.get(text__startswith="People supported")
    return figures | {kpi.position: supported}


def _two_reds(refs: dict) -> None:
    """The provider corrects the queried return and sends the next: two reds in a row, so
    an improvement plan is needed; the next return comes with an evidence file."""
    contract = _peer()
    provider = _user("provider")
    ret = MonitoringReturn.objects.get(contract=contract, number=refs["waiting"])
    monitoring_svc.return_correct(
        actor=provider,
        monitoring_return=ret,
        figures=_figures(refs["waiting"], supported="43"),
        answer="We counted people twice by mistake; the right number is 43.",
    )
    sent = monitoring_svc.return_submit(
        actor=provider,
        contract=contract,
        number=refs["next"],
        figures=_figures(refs["next"], supported="41"),
        commentary="Two peer supporters left this month.",
        files=[SimpleUploadedFile("register.csv", b"week,people\n1,11\n2,10\n", "text/csv")],
    )
    refs["evidence"] = EvidenceFile.objects.get(submission__monitoring_return=sent).pk
    refs["red_kpi"] = contract.kpis.get(text__startswith="People supported").position


def _plan_sent_back(refs: dict) -> None:
    contract = _peer()
    plan = plans_svc.plan_submit(
        actor=_user("provider"),
        contract=contract,
        kpi=contract.kpis.get(position=refs["red_kpi"]),
        trigger_number=refs["next"],
        data=plans_svc.PlanData(
            actions="Recruit two peer supporters.",
            owner="Amira Hussain",
            by_when=timezone.localdate() + dt.timedelta(days=30),
        ),
    )
    plans_svc.plan_ask_changes(
        actor=_user("commissioner"), plan=plan, note="Say what happens to the waiting list."
    )
    refs["new_plan"] = plan.pk


def _visit_to_report(refs: dict) -> None:
    today = timezone.localdate()
    visit = feedback_svc.visit_plan(
        actor=_user("commissioner"),
        contract=_peer(),
        data=feedback_svc.VisitData(
            window_from=today - dt.timedelta(days=7),
            window_to=today,
            focus="Evening drop-in: is it easy to find and welcoming?",
            shopper_ids=[MysteryShopper.objects.get(user=_user("shopper")).pk],
            checklist=["Was the door easy to find?", "Were you welcomed?"],
        ),
    )
    refs["new_visit"] = visit.number


def _draft_analysis(refs: dict) -> None:
    contract = _peer()
    analysis = sv_svc.sroi_create(
        actor=_user("commissioner"),
        project=contract.project,
        contract=contract,
        data=sv_svc.AnalysisData(
            title="Peer support into work: evaluation after year 1",
            kind="evaluative",
            inputs_pence=500_000_00,
            inputs_description="The first year of the contract.",
            discount_rate="3.5",
            first_year=contract.starts_on.year,
        ),
    )
    outcome = sv_svc.sroi_outcome_add(
        actor=_user("commissioner"),
        analysis=analysis,
        data=sv_svc.OutcomeData(
            stakeholder="Disabled adults the service supports",
            outcome="In paid work six months later",
            indicator="Employer confirmation",
            quantity="12",
            proxy_description="Gain in income (per person a year)",
            proxy_pence=9_000_00,
            proxy_source="An example value",
            deadweight="30",
            attribution="20",
            displacement="0",
            drop_off="20",
            duration_years=2,
        ),
    )
    refs["draft"] = analysis.reference
    refs["outcome"] = outcome.pk


C, P, L = "commissioner", "provider", "legacy provider"

STEPS: list[Visit | Step] = [
    # --- Public pages: the two projects, feedback, the decommissioning ---
    Visit("anonymous", "/projects/{peer_project}/"),
    Visit("anonymous", "/projects/{legacy_project}/"),
    Visit("resident", "/projects/{peer_project}/"),
    Visit("resident", "/projects/{legacy_project}/"),
    Visit("anonymous", "feedback:give", ("peer",)),
    Visit("anonymous", "feedback:give", ("peer",), submit=(("#id_what_good", "x" * 5001),)),
    Visit("anonymous", "feedback:give_easy", ("peer",)),
    Visit("anonymous", "feedback:give_easy", ("peer",), submit=EMPTY),
    Visit("anonymous", "feedback:thanks", ("peer",)),
    Visit("anonymous", "/services/{peer}/feedback/thank-you/?easy_read=1"),
    Visit("anonymous", "feedback:summary", ("peer",)),
    Visit("resident", "feedback:give", ("peer",)),
    Visit("resident", "feedback:summary", ("peer",)),
    Visit("anonymous", "review:report", ("review",)),
    Visit("anonymous", "review:decommissioning", ("decommissioning",)),
    Visit("anonymous", "review:transition_plan", ("decommissioning",)),
    Visit("anonymous", "review:letter", ("decommissioning",)),
    Visit("anonymous", "review:letter_easy_read", ("decommissioning",)),
    Visit("anonymous", "social_value:sroi_detail", ("sroi",)),
    Visit("resident", "review:letter_easy_read", ("decommissioning",)),
    # --- Signed in with nothing to show ---
    Visit("resident", "contracts:mine"),
    Visit("resident", "monitoring:mine"),
    Visit("resident", "social_value:mine"),
    # --- Contracts ---
    Visit(C, "contracts:list"),
    Visit(C, "contracts:detail", ("peer",)),
    Visit(C, "contracts:detail", ("legacy",)),
    Visit(C, "contracts:kpi_edit", ("peer", "kpi")),
    Visit(C, "contracts:kpi_edit", ("peer", "kpi"), submit=(("#id_green_from", "lots"),)),
    Visit(C, "contracts:change", ("peer",)),
    Visit(C, "contracts:change", ("peer",), submit=EMPTY),
    Visit(C, "contracts:contact", ("peer",)),
    Visit(C, "contracts:contact", ("peer",), submit=EMPTY),
    Visit(C, "contracts:record", ("peer_project",)),
    Visit(C, "contracts:record", ("peer_project",), submit=EMPTY),
    Visit(P, "contracts:mine"),
    Visit(P, "contracts:mine_detail", ("peer",)),
    Visit(P, "contracts:propose", ("peer", "kpi")),
    Visit(P, "contracts:propose", ("peer", "kpi"), submit=EMPTY),
    Step("the provider proposes a change to the framework", _propose),
    Visit(C, "contracts:proposal_answer", ("peer", "proposal")),
    Visit(C, "contracts:proposal_answer", ("peer", "proposal"), submit=EMPTY),
    Visit(L, "contracts:mine_detail", ("legacy",)),
    # --- Monitoring ---
    Visit(P, "monitoring:mine"),
    Visit(L, "monitoring:mine"),
    Visit(C, "monitoring:desk"),
    Visit(C, "monitoring:contract", ("peer",)),
    Visit(C, "monitoring:contract", ("legacy",)),
    Visit(P, "monitoring:contract", ("peer",)),
    Visit(C, "monitoring:return_detail", ("peer", "waiting")),
    Visit(C, "monitoring:return_detail", ("peer", "waiting"), submit=EMPTY, button="Ask"),
    Visit(P, "monitoring:return_detail", ("peer", "waiting")),
    Visit(C, "monitoring:plan_detail", ("peer", "plan")),
    Visit(P, "monitoring:plan_detail", ("peer", "plan")),
    Visit(L, "monitoring:submit", ("legacy", "late")),
    Visit(L, "monitoring:submit", ("legacy", "late"), submit=EMPTY),
    Visit(C, "monitoring:assess", ("legacy", "kpi", "year")),
    Visit(C, "monitoring:assess", ("legacy", "kpi", "year"), submit=EMPTY),
    Step("the commissioner queries the waiting return", _query),
    Visit(P, "monitoring:return_detail", ("peer", "waiting")),
    Visit(P, "monitoring:correct", ("peer", "waiting")),
    Visit(P, "monitoring:correct", ("peer", "waiting"), submit=EMPTY),
    Step("the provider corrects it and sends the next: red twice", _two_reds),
    Visit(P, "monitoring:plan_new", ("peer", "red_kpi", "next")),
    Visit(P, "monitoring:plan_new", ("peer", "red_kpi", "next"), submit=EMPTY),
    Visit(P, "monitoring:evidence", ("peer", "next", "evidence"), download=True),
    Visit(C, "monitoring:evidence", ("peer", "next", "evidence"), download=True),
    Step("the provider sends a plan, the commissioner asks for changes", _plan_sent_back),
    Visit(P, "monitoring:plan_edit", ("peer", "new_plan")),
    Visit(P, "monitoring:plan_edit", ("peer", "new_plan"), submit=(("#id_actions", ""),)),
    Visit(C, "monitoring:plan_detail", ("peer", "new_plan")),
    # --- Feedback and mystery shopping ---
    Visit(C, "feedback:responses", ("peer",)),
    Visit(P, "feedback:responses", ("peer",)),
    Visit(C, "feedback:themes", ("peer",)),
    Visit(C, "feedback:themes", ("peer",), submit=EMPTY),
    Visit(C, "feedback:theme_edit", ("peer", "theme")),
    Visit(C, "feedback:theme_edit", ("peer", "theme"), submit=(("#id_name", ""),)),
    Visit(C, "feedback:coding", ("peer",)),
    Visit(C, "feedback:visits", ("peer",)),
    Visit(P, "feedback:visits", ("peer",)),
    Visit(C, "feedback:visit_new", ("peer",)),
    Visit(C, "feedback:visit_new", ("peer",), submit=EMPTY),
    Visit(C, "feedback:visit", ("peer", "visit")),
    Visit(P, "feedback:visit", ("peer", "visit")),
    Visit(P, "feedback:evidence", ("peer", "visit", "position"), download=True),
    Visit(P, "feedback:action_update", ("peer", "visit", "visit_action")),
    Visit(C, "feedback:action_update", ("peer", "visit", "visit_action")),
    Visit(C, "feedback:shoppers"),
    Visit(C, "feedback:shoppers", submit=EMPTY),
    Step("a second visit waits for its report", _visit_to_report),
    Visit("shopper", "feedback:my_visits"),
    Visit("shopper", "feedback:report", ("peer", "new_visit")),
    Visit("shopper", "feedback:report", ("peer", "new_visit"), submit=EMPTY),
    Visit(P, "feedback:visit", ("peer", "new_visit")),
    # --- Social value ---
    Visit(C, "social_value:measures"),
    Visit(C, "social_value:measure_version", ("version",)),
    Visit(C, "social_value:measure_import"),
    Visit(C, "social_value:measure_import", submit=EMPTY),
    Visit(C, "social_value:queue"),
    Visit(C, "social_value:contract", ("peer",)),
    Visit(C, "social_value:commitment_add", ("peer",)),
    Visit(C, "social_value:commitment_add", ("peer",), submit=EMPTY),
    Visit(C, "social_value:delivery", ("delivery",)),
    Visit(C, "social_value:evidence", ("delivery",), download=True),
    Visit(P, "social_value:mine"),
    Visit(P, "social_value:contract", ("peer",)),
    Visit(P, "social_value:commitment_add", ("peer",)),
    Visit(P, "social_value:delivery_report", ("commitment",)),
    Visit(P, "social_value:delivery_report", ("commitment",), submit=EMPTY),
    Visit(P, "social_value:delivery", ("delivery",)),
    Visit(C, "social_value:sroi_list"),
    Visit(C, "social_value:sroi_create"),
    Visit(C, "social_value:sroi_create", submit=EMPTY),
    Visit(C, "social_value:sroi_detail", ("sroi",)),
    Step("a draft SROI analysis", _draft_analysis),
    Visit(C, "social_value:sroi_detail", ("draft",)),
    Visit(C, "social_value:sroi_edit", ("draft",)),
    Visit(C, "social_value:sroi_edit", ("draft",), submit=(("#id_title", ""),)),
    Visit(C, "social_value:sroi_outcome_add", ("draft",)),
    Visit(C, "social_value:sroi_outcome_add", ("draft",), submit=EMPTY),
    Visit(C, "social_value:sroi_outcome_edit", ("draft", "outcome")),
    Visit(
        C,
        "social_value:sroi_outcome_edit",
        ("draft", "outcome"),
        submit=(("#id_quantity", "many"),),
    ),
    # --- Review and decommissioning ---
    Visit(C, "review:start", ("peer_project",)),
    # (review:start is a confirmation with no fields: it has no error state.)
    Visit(C, "review:report", ("review",)),
    Visit(C, "review:manage", ("review",)),
    Visit(C, "review:decide", ("review",)),
    Visit(C, "review:decommissioning_manage", ("decommissioning",)),
    Visit(C, "review:notice", ("decommissioning",)),
    Visit(C, "review:group_add", ("decommissioning",)),
    Visit(C, "review:group_add", ("decommissioning",), submit=EMPTY),
    Visit(C, "review:action_add", ("decommissioning", "group")),
    Visit(C, "review:action_add", ("decommissioning", "group"), submit=EMPTY),
    Visit(C, "review:action_update", ("decommissioning", "transition_action")),
    Visit(L, "review:provider_letter", ("decommissioning",)),
    Visit(L, "review:provider_letter_easy_read", ("decommissioning",)),
    Visit(L, "review:decommissioning", ("decommissioning",)),
    Visit("finance", "review:provider_letter", ("decommissioning",)),
    Visit("finance", "monitoring:desk"),
    Visit("finance", "social_value:queue"),
]

# Names that answer only a POST (the guard checks each answers a GET with 405).
POST_ONLY = {
    "contracts:agree": ("peer",),
    "monitoring:query": ("peer", "waiting"),
    "monitoring:accept": ("peer", "waiting"),
    "monitoring:answer": ("peer", "waiting"),
    "monitoring:plan_agree": ("peer", "plan"),
    "monitoring:plan_changes": ("peer", "plan"),
    "monitoring:assessment_publish": ("legacy", "kpi", "year"),
    "feedback:reply": ("peer", "visit"),
    "feedback:action_new": ("peer", "visit"),
    "social_value:commitment_decide": ("commitment",),
    "social_value:delivery_decide": ("delivery",),
    "social_value:sroi_outcome_remove": ("draft", "outcome"),
    "social_value:sroi_publish": ("sroi",),
    "review:publish": ("review",),
}


def url_names() -> set[str]:
    resolver = get_resolver()
    return {
        f"{ns}:{name}"
        for ns in NAMESPACES
        for name in resolver.namespace_dict[ns][1].reverse_dict
        if isinstance(name, str)
    }


def test_every_url_name_is_visited_or_answers_only_a_post():
    visited = {s.url for s in STEPS if isinstance(s, Visit) and ":" in s.url}
    missing = sorted(url_names() - visited - set(POST_ONLY))
    assert not missing, f"visit these pages in test_deliver.STEPS: {missing}"
    stale = sorted((visited | set(POST_ONLY)) - url_names())
    assert not stale, f"no such URL names: {stale}"
    both = sorted(visited & set(POST_ONLY))
    assert not both, f"visited, yet listed as POST only: {both}"


def _wide(page) -> bool:
    """Whether the page has a table or a chart (which must reflow at 320 px)."""
    return page.evaluate(
        "document.querySelector('#main-content table, #main-content svg, #main-content figure')"
        " !== null"
    )


def check_reflow(page, name: str) -> None:
    """At 320 px wide the page itself must not scroll sideways (WCAG 1.4.10)."""
    before = page.viewport_size
    page.set_viewport_size(NARROW)
    try:
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > NARROW["width"]:
            culprits = page.evaluate(
                """(limit) => [...document.querySelectorAll('#main-content *')]
                    .filter((e) => e.getBoundingClientRect().right > limit + 1)
                    .filter((e) => !e.closest('.app-table-wrap, .app-table-scroll'))
                    .slice(0, 5)
                    .map((e) => e.tagName.toLowerCase() + (e.className ? '.' + e.className : ''))""",
                NARROW["width"],
            )
            raise AssertionError(
                f"{name}: {width} px wide at 320 px (scrolls sideways); widest: {culprits}"
            )
    finally:
        page.set_viewport_size(before)


def look_at(visit: Visit, page, refs: dict, axe) -> None:
    """Open the page (submit its form, for error states) and run axe-core on it."""
    path = visit.path(refs)
    if visit.download:
        response = page.request.get(path)
        assert response.status == visit.status, f"answered {response.status}"
        assert "attachment" in response.headers.get("content-disposition", ""), response.headers
        return
    response = page.goto(path)
    assert response.status == visit.status, f"answered {response.status}, not {visit.status}"
    if visit.submit is not None:
        for selector, value in visit.submit:
            page.fill(selector, value)
        button = (
            page.locator("#main-content").get_by_role("button", name=visit.button).first
            if visit.button
            else page.locator(SUBMIT).first
        )
        with page.expect_navigation() as navigation:
            button.click()
        status = navigation.value.status
        assert status == 400, f"form answered {status}, not 400"
        assert page.locator(".govuk-error-summary").is_visible(), "no error summary"
        assert page.title().startswith("Error"), f"title {page.title()!r} does not start Error"
    axe.check(page, visit.name)


def reflows(visit: Visit, page, refs: dict, checked: list) -> None:
    """Open the page; if it has a table or a chart, check it at 320 px wide."""
    response = page.goto(visit.path(refs))
    assert response.status == visit.status, f"answered {response.status}, not {visit.status}"
    if _wide(page):
        checked.append(visit.name)
        check_reflow(page, visit.name)


def walk(check, *, page_as, new_context, errors: bool) -> tuple[dict, dict, list[str], int]:
    """Every step in order, one tab per person; ``check(visit, page, refs)`` on each visit
    (error states and downloads only when ``errors``). Failures are collected, not raised."""
    refs = references()
    pages: dict[str, object] = {}
    failures: list[str] = []
    visits = 0
    for step in STEPS:
        if isinstance(step, Step):
            step.do(refs)
            continue
        if not errors and (step.submit is not None or step.download):
            continue
        visits += 1
        if step.role not in pages:
            pages[step.role] = (
                new_context().new_page()
                if PEOPLE[step.role] is None
                else page_as(PEOPLE[step.role])
            )
        try:
            check(step, pages[step.role], refs)
        except (AssertionError, PlaywrightError) as exc:
            failures.append(f"{step.name} ({step.path(refs)}): {exc}")
    return refs, pages, failures, visits


def test_every_deliver_page_is_accessible(demo, page_as, new_context, axe):
    """axe-core on every page and error state; failures are reported together."""
    refs, pages, failures, visits = walk(
        lambda visit, page, refs: look_at(visit, page, refs, axe),
        page_as=page_as,
        new_context=new_context,
        errors=True,
    )
    assert not failures, f"{len(failures)} of {visits} visits failed:\n\n" + "\n\n".join(failures)

    # Pages that answer only a POST say so to a GET.
    page = pages[C]
    for name, args in POST_ONLY.items():
        response = page.request.get(reverse(name, args=[refs[a] for a in args]))
        assert response.status == 405, f"{name} answered a GET with {response.status}"


def test_every_deliver_page_with_a_table_or_chart_reflows_at_320px(demo, page_as, new_context):
    """No sideways scrolling of the page at 320 px wide (WCAG 1.4.10) where there is a
    table or a chart."""
    checked: list[str] = []
    _refs, _pages, failures, _visits = walk(
        lambda visit, page, refs: reflows(visit, page, refs, checked),
        page_as=page_as,
        new_context=new_context,
        errors=False,
    )
    assert checked, "no page with a table or chart was found"
    assert not failures, f"{len(failures)} of {len(checked)} pages do not reflow:\n\n" + (
        "\n\n".join(failures)
    )


# --- The easy read feedback form, with a keyboard only ---------------------------------

GOOD = "My peer supporter helped me get ready for interviews."
BETTER = "Please send a text the day before we meet."


def focus_is_visible(page) -> bool:
    """Whether the focused control shows a focus indicator (an outline or box shadow on
    it or, for a GOV.UK radio whose input is hidden, on its label's circle)."""
    return page.evaluate(
        """() => {
            const e = document.activeElement;
            const shows = (s) => (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0
                                  && s.outlineColor !== 'rgba(0, 0, 0, 0)')
                                 || (s.boxShadow && s.boxShadow !== 'none');
            if (e.type === 'radio' || e.type === 'checkbox') {
                const label = document.querySelector(`label[for="${e.id}"]`);
                return !!label && shows(getComputedStyle(label, '::before'));
            }
            return shows(getComputedStyle(e));
        }"""
    )


def _give_feedback_with_the_keyboard(page, axe, name: str) -> None:
    reference = _peer().reference
    before = FeedbackResponse.objects.filter(contract__reference=reference).count()
    response = page.goto(reverse("feedback:give_easy", args=[reference]))
    assert response.status == 200
    assert page.title().startswith("Easy read")
    axe.check(page, f"{name}:easy read feedback form")
    steps = []

    def check_focus(what: str) -> None:
        if not focus_is_visible(page):
            steps.append(what)

    # 1. How was the service? Tab reaches the group (one tab stop); Space chooses the first
    # answer and the arrow keys move within the group.
    first = tab_to(page, lambda f: f["name"] == "rating")
    assert first["value"] == "very_good", first
    check_focus("the first rating")
    page.keyboard.press("Space")
    assert page.is_checked("input[name=rating][value=very_good]")
    page.keyboard.press("ArrowDown")
    assert focused(page)["value"] == "good"
    assert page.is_checked("input[name=rating][value=good]")
    check_focus("the second rating")
    # 2. and 3.: typed answers.
    tab_to(page, lambda f: f["id"] == "id_what_good")
    check_focus("what was good")
    page.keyboard.type(GOOD)
    page.keyboard.press("Tab")
    assert focused(page)["id"] == "id_what_better"
    check_focus("what could be better")
    page.keyboard.type(BETTER)
    # 4. Who uses the service?
    tab_to(page, lambda f: f["name"] == "uses_service")
    check_focus("who uses the service")
    page.keyboard.press("Space")
    assert page.is_checked("input[name=uses_service][value=myself]")
    # Send, with Enter.
    tab_to(page, lambda f: f["tag"] == "button" and f["text"] == "Send")
    check_focus("the Send button")
    with page.expect_navigation() as navigation:
        page.keyboard.press("Enter")
    assert navigation.value.status == 200
    assert not steps, f"no visible focus on: {steps}"

    assert page.url.endswith(reverse("feedback:thanks", args=[reference]) + "?easy_read=1")
    axe.check(page, f"{name}:easy read thank you")
    saved = FeedbackResponse.objects.filter(contract__reference=reference)
    assert saved.count() == before + 1, "the response was not saved exactly once"
    latest = saved.order_by("-pk").first()
    assert (latest.rating, latest.uses_service, latest.easy_read) == ("good", "myself", True)
    answers = {a.part: a.text for a in latest.answers.all()}
    assert answers == {"good": GOOD, "better": BETTER}, answers


def test_easy_read_feedback_with_a_keyboard_only(demo, new_context, axe):
    _give_feedback_with_the_keyboard(new_context().new_page(), axe, "anonymous")


def test_easy_read_feedback_with_a_keyboard_only_on_a_phone(demo, new_context, axe):
    page = new_context(
        viewport=PHONE, device_scale_factor=1, is_mobile=True, has_touch=True
    ).new_page()
    _give_feedback_with_the_keyboard(page, axe, "anonymous (phone)")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
