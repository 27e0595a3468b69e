"""Plan and publish (issue 5) in Chromium: axe-core on every page and state, a keyboard-only
journey (find an opportunity, read its pack, ask a question) and the search without
JavaScript.

The demo council publishes "Day opportunities for adults with learning disabilities"
(two area lots and a reserved lot, questions, a change, a supplier event) and a few
hundred other opportunities (``coproduce/demo/procurement.py``).
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import parse_qs, urlparse

import pytest
from django.utils import timezone

from coproduce.foundation.commissioning.models import CommissioningProject
from coproduce.plan.evaluation_models.services import evaluation_model_create
from coproduce.plan.forward_plan.models import ForumEvent
from coproduce.plan.specifications.selectors import current_specification
from coproduce.procure.tenders.models import Tender
from coproduce.procure.tenders.services import TenderData, tender_create

from .conftest import tab_to

pytestmark = pytest.mark.browser

TENDER_TITLE = "Day opportunities for adults with learning disabilities"
SUBMIT = '#main-content form[method="post"] button[type="submit"]'


@pytest.fixture
def flagship(demo):
    """Handles on the demo's flagship tender: its reference, project, model and event."""
    tender = Tender.objects.select_related("project").get(title=TENDER_TITLE, status="open")
    event = ForumEvent.objects.get(title__startswith="Meet the commissioners")
    awaiting = tender.clarifications.get(status="awaiting")
    return {
        "ref": tender.reference,
        "project": tender.project.reference,
        "model": tender.evaluation_model_id,
        "event": event.pk,
        "plan_entry": tender.plan_entry_id,
        "awaiting": awaiting.number,
        "document": tender.documents.order_by("position", "pk").first().pk,
    }


@pytest.fixture
def drafts(demo, flagship):
    """A draft tender and a draft evaluation model on the flagship project (via services)."""
    actor = demo.users["commissioner"]
    project = CommissioningProject.objects.get(reference=flagship["project"])
    model = evaluation_model_create(
        actor=actor,
        project=project,
        title="Draft scoring for a pilot",
        price_formula="lowest_ratio",
    )
    tender = tender_create(
        actor=actor,
        project=project,
        data=TenderData(
            title="Pilot: evening clubs",
            summary="A small pilot of evening clubs.",
            service_area_id=project.service_area_id,
            value_pence=50_000_00,
            specification_id=current_specification(project).pk,
            evaluation_model_id=model.pk,
            deadline=timezone.now() + dt.timedelta(days=3),
        ),
    )
    return {"tender": tender.reference, "model": model.pk}


def _go(page, path: str, status: int = 200):
    response = page.goto(path)
    assert response.status == status, (path, response.status)
    return response


def _submit(page):
    page.locator(SUBMIT).last.click()
    page.wait_for_load_state()


def _assert_error_page(page):
    assert page.locator(".govuk-error-summary").is_visible(), page.url
    assert page.title().startswith("Error: "), page.title()


def test_public_procurement_pages_have_no_serious_accessibility_problems(page, flagship, axe):
    ref, project = flagship["ref"], flagship["project"]
    _go(page, "/opportunities/")
    assert page.locator(".app-result").count() == 20
    axe.check(page, "anonymous:opportunity search")
    _go(page, "/opportunities/?q=zebra+crossings+on+the+moon")
    assert page.locator(".app-result").count() == 0
    axe.check(page, "anonymous:opportunity search without results")
    _go(page, "/opportunities/?value_min=200&value_max=100", status=400)
    _assert_error_page(page)
    axe.check(page, "anonymous:opportunity search with a filter error")

    _go(page, "/opportunities/?q=day+opportunities")
    page.get_by_role("link", name=TENDER_TITLE).first.click()
    assert page.locator("h1").inner_text().strip() == TENDER_TITLE
    main = page.locator("main").inner_text()
    for text in ("North of the borough", "South of the borough", "Work skills café"):
        assert text in main
    assert "(UK time)" in main
    axe.check(page, "anonymous:tender detail")
    for path, name in [
        (f"/opportunities/{ref}/documents/", "tender pack"),
        (f"/opportunities/{ref}/documents/{flagship['document']}/", "document as a web page"),
        (f"/opportunities/{ref}/questions/", "questions and answers"),
        (f"/opportunities/{ref}/changes/", "changes to the tender"),
        (f"/opportunities/{ref}/complaints/", "complaint outcomes"),
        ("/forward-plan/", "forward plan"),
        (f"/forward-plan/{flagship['plan_entry']}/", "forward plan entry"),
        ("/events/", "events"),
        (f"/projects/{project}/specification/", "specification"),
        (f"/projects/{project}/specification/history/", "specification history"),
        (f"/projects/{project}/evaluation/{flagship['model']}/", "how bids will be scored"),
        ("/procurement-rules/", "procurement rules"),
    ]:
        _go(page, path)
        axe.check(page, f"anonymous:{name}")
    _go(page, f"/opportunities/{ref}/questions/")
    assert "Organisation A" in page.locator("main").inner_text()

    _go(page, f"/events/{flagship['event']}/")
    axe.check(page, "anonymous:event detail and registration form")
    _submit(page)
    _assert_error_page(page)
    axe.check(page, "anonymous:event registration with errors")

    _go(page, f"/opportunities/{ref}/feedback/")
    axe.check(page, "anonymous:process feedback form")
    _submit(page)
    _assert_error_page(page)
    axe.check(page, "anonymous:process feedback form with errors")

    _go(page, f"/complaints/new/{ref}/")
    axe.check(page, "anonymous:complaint form")
    _submit(page)
    _assert_error_page(page)
    axe.check(page, "anonymous:complaint form with errors")


def test_provider_pages_have_no_serious_accessibility_problems(provider_page, flagship, axe):
    p, ref = provider_page, flagship["ref"]
    _go(p, f"/opportunities/{ref}/questions/ask/")
    axe.check(p, "provider:ask a question")
    _submit(p)
    _assert_error_page(p)
    axe.check(p, "provider:ask a question with errors")
    _go(p, f"/opportunities/{ref}/follow/")
    axe.check(p, "provider:follow")
    _go(p, f"/opportunities/{ref}/questions/")
    axe.check(p, "provider:questions with own unpublished question")


def test_staff_procurement_pages_have_no_serious_accessibility_problems(
    commissioner_page, admin_page, flagship, drafts, axe
):
    cp, ref, project = commissioner_page, flagship["ref"], flagship["project"]
    draft = drafts["tender"]
    for path, name in [
        ("/procurement-rules/advisor/", "route advisor"),
        (f"/projects/{project}/tenders/new/", "create a tender"),
        (f"/manage/tenders/{draft}/edit/", "edit a draft tender with the route advisor"),
        (f"/manage/tenders/{draft}/lots/", "lots"),
        (f"/manage/tenders/{draft}/documents/", "documents"),
        (f"/manage/tenders/{draft}/publish/", "check and publish"),
        ("/manage/tenders/", "staff list of tenders"),
        (f"/manage/projects/{project}/specification/", "specification working page"),
        (f"/projects/{project}/evaluation/{drafts['model']}/build/", "evaluation builder"),
        (f"/projects/{project}/evaluation/{flagship['model']}/build/", "locked evaluation model"),
        (f"/opportunities/{ref}/questions/manage/", "questions to answer"),
        (f"/opportunities/{ref}/questions/{flagship['awaiting']}/answer/", "answer a question"),
        (f"/opportunities/{ref}/change/", "record a change"),
        ("/complaints/", "complaints desk"),
        ("/forward-plan/new/", "forward plan entry form"),
        ("/events/new/", "event form"),
        (f"/events/{flagship['event']}/registrations/", "event registrations"),
    ]:
        _go(cp, path)
        axe.check(cp, f"commissioner:{name}")

    # The route advisor's answer and its errors.
    _go(cp, "/procurement-rules/advisor/")
    _submit(cp)
    _assert_error_page(cp)
    axe.check(cp, "commissioner:route advisor with errors")
    cp.fill("#id_value", "150000")
    for name in ("light_touch", "route", "reserved_for"):
        cp.locator(f'input[name="{name}"]').first.check()
    _submit(cp)
    assert not cp.locator(".govuk-error-summary").count()
    assert "Allowed" in cp.locator("main").inner_text()
    axe.check(cp, "commissioner:route advisor answer")

    # Forms with errors.
    _go(cp, f"/projects/{project}/tenders/new/")
    _submit(cp)
    _assert_error_page(cp)
    axe.check(cp, "commissioner:create a tender with errors")
    _go(cp, f"/manage/tenders/{draft}/publish/")
    assert "closing date" in cp.locator("main").inner_text().lower()
    _go(cp, f"/opportunities/{ref}/change/")
    _submit(cp)
    _assert_error_page(cp)
    axe.check(cp, "commissioner:record a change with errors")
    _go(cp, "/forward-plan/new/")
    _submit(cp)
    _assert_error_page(cp)
    axe.check(cp, "commissioner:forward plan entry with errors")
    _go(cp, "/events/new/")
    _submit(cp)
    _assert_error_page(cp)
    axe.check(cp, "commissioner:event form with errors")

    ap = admin_page
    _go(ap, "/procurement-rules/tender_period.minimum_days/new-version/")
    axe.check(ap, "admin:new version of a rule")
    ap.fill("#id_value", "-3")
    _submit(ap)
    _assert_error_page(ap)
    axe.check(ap, "admin:new version of a rule with errors")


def test_keyboard_only_find_an_opportunity_read_its_pack_and_ask_a_question(
    provider_page, commissioner_page, flagship
):
    p = provider_page
    _go(p, "/opportunities/")
    tab_to(p, lambda f: f["id"] == "id_q")
    p.keyboard.type("day opportunities learning disabilities")
    p.keyboard.press("Enter")
    # With JavaScript the results are swapped in place and the address bar follows.
    p.wait_for_url(lambda url: "q=day" in url)
    p.locator("#result-count").wait_for()

    tab_to(p, lambda f: f["tag"] == "a" and f["text"] == TENDER_TITLE, limit=150)
    p.keyboard.press("Enter")
    p.wait_for_url(f"**/opportunities/{flagship['ref']}/")
    assert p.locator("h1").inner_text().strip() == TENDER_TITLE

    tab_to(p, lambda f: f["href"] == f"/opportunities/{flagship['ref']}/documents/")
    p.keyboard.press("Enter")
    p.wait_for_url(f"**/opportunities/{flagship['ref']}/documents/")
    tab_to(
        p,
        lambda f: (
            f["text"].startswith("Read as a web page") and "Service specification" in f["text"]
        ),
    )
    p.keyboard.press("Enter")
    p.wait_for_load_state()
    assert "Service specification" in p.locator("h1").inner_text()
    assert "People want activities in the evenings" in p.locator("main").inner_text()

    _go(p, f"/opportunities/{flagship['ref']}/")
    tab_to(p, lambda f: f["text"] == "Ask a question")
    p.keyboard.press("Enter")
    p.wait_for_url(f"**/opportunities/{flagship['ref']}/questions/ask/")
    now = tab_to(p, lambda f: f["name"] == "organisation")
    if not p.evaluate("document.activeElement.checked"):
        p.keyboard.press("Space")
    organisation = now["value"]
    tab_to(p, lambda f: f["name"] == "lot")
    if not p.evaluate("document.activeElement.checked"):
        p.keyboard.press("Space")
    tab_to(p, lambda f: f["id"] == "id_question")
    question = "Will the council pay for taxis to evening sessions in the first year?"
    p.keyboard.type(question)
    tab_to(p, lambda f: f["tag"] == "button" and f["text"] == "Send question")
    p.keyboard.press("Enter")
    try:
        p.wait_for_url(lambda url: "/asked/" in url)
    except Exception:
        raise AssertionError(p.locator("main").inner_text()) from None
    assert organisation

    cp = commissioner_page
    _go(cp, f"/opportunities/{flagship['ref']}/questions/manage/")
    assert question in cp.locator("main").inner_text()


def test_search_filters_work_without_javascript(new_context, demo):
    page = new_context(java_script_enabled=False).new_page()
    _go(page, "/opportunities/")
    page.check("#id_service_area_11")  # Transport and travel
    page.check("#id_suitable_for_small")
    page.select_option("#id_sort", index=0)
    page.get_by_role("button", name="Show opportunities").click()
    page.wait_for_load_state()
    query = parse_qs(urlparse(page.url).query)
    assert query["service_area"] == ["transport"]
    assert query["suitable_for_small"] == ["on"]
    results = page.locator(".app-result")
    assert results.count() > 0
    for i in range(results.count()):
        assert "Transport and travel" in results.nth(i).inner_text()
    assert page.locator("#id_service_area_11").is_checked()

    page.fill("#id_value_min", "lots of money")
    page.get_by_role("button", name="Show opportunities").click()
    page.wait_for_load_state()
    _assert_error_page(page)
    assert page.locator(".app-result").count() == 0
