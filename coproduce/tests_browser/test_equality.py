"""Equality pages in Chromium: axe-core on every page and state, and a keyboard-only entry.

The demo council includes Riverside's population figures and a published assessment of
"Day opportunities for adults with learning disabilities"; the participation gap needs
monitoring returns, which are added here.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from coproduce.foundation.commissioning.models import CommissioningProject
from coproduce.understand.consultations.models import Consultation, EqualityMonitoringReturn

from .conftest import focused, tab_to

pytestmark = pytest.mark.browser

SUBMIT = '#main-content form[method="post"]:not(.app-inline-form) button[type="submit"]'


@pytest.fixture
def consultation(demo):
    """A consultation of the published demo project with 60 monitoring returns."""
    project = CommissioningProject.objects.get(reference=demo.published)
    now = timezone.now()
    consultation = Consultation.objects.create(
        project=project,
        reference="CN-BROWSER-1",
        title="Day opportunities: tell us what matters",
        intro="Help us design the new service.",
        opens_at=now - dt.timedelta(days=20),
        closes_at=now + dt.timedelta(days=5),
        status="published",
        published_at=now,
        created_by=demo.users["commissioner"],
    )
    groups = [
        (3, {"age": "18_24", "race": "asian", "sex": "female"}),
        (25, {"age": "45_54", "race": "white", "sex": "female", "disability": "yes"}),
        (20, {"age": "65_74", "race": "white", "sex": "male", "disability": "no"}),
        (12, {"age": "prefer_not_to_say", "race": "black", "sex": "male"}),
    ]
    EqualityMonitoringReturn.objects.bulk_create(
        EqualityMonitoringReturn(
            consultation=consultation, received_on=dt.date(2026, 5, 1), **answers
        )
        for n, answers in groups
        for _ in range(n)
    )
    return consultation


def _go(page, path: str, status: int = 200):
    response = page.goto(path)
    assert response.status == status, (path, response.status)


def test_every_equality_page_has_no_serious_accessibility_problems(
    demo, consultation, page, commissioner_page, finance_page, axe
):
    ref = demo.published
    _go(page, f"/equality-impact/{ref}/")
    assert page.locator("h1").inner_text() == "Equality impact assessment"
    assert "needs a mitigation" in page.locator("#summary").inner_text()
    axe.check(page, "anonymous:public equality impact assessment")
    _go(page, f"/projects/{ref}/")
    page.get_by_role("link", name="Read the equality impact assessment").click()
    assert page.url.endswith(f"/equality-impact/{ref}/")

    cp = commissioner_page
    _go(cp, f"/projects/{ref}/")
    cp.get_by_role("link", name="Equality impact assessment", exact=True).click()
    assert cp.locator("h1").inner_text() == "Equality impact assessment"
    axe.check(cp, "commissioner:manage equality impact assessment")
    _go(cp, f"/manage/projects/{demo.draft}/equality/")
    assert "Start the assessment" in cp.locator("main").inner_text()
    axe.check(cp, "commissioner:assessment not started")

    _go(cp, f"/manage/projects/{ref}/equality/race/")
    axe.check(cp, "commissioner:assessment entry form")
    cp.fill("#id_owner", "")
    cp.fill("#id_review_on_1", "13")
    cp.click(SUBMIT)
    assert cp.locator(".govuk-error-summary").is_visible()
    axe.check(cp, "commissioner:assessment entry form with errors")

    _go(cp, "/manage/population/")
    assert "In use: Riverside population" in cp.locator("main").inner_text()
    axe.check(cp, "commissioner:population figures")
    _go(cp, "/manage/population/upload/")
    axe.check(cp, "commissioner:upload population figures")
    cp.fill("#id_name", "Broken")
    cp.fill("#id_source", "Test")
    cp.fill("#id_year", "2025")
    cp.set_input_files(
        "#id_file",
        files=[
            {
                "name": "bad.csv",
                "mimeType": "text/csv",
                "buffer": b"characteristic,group,percent\nsex,female,20\n",
            }
        ],
    )
    cp.click(SUBMIT)
    assert "The shares for sex add up to 20%" in cp.locator(".govuk-error-summary").inner_text()
    axe.check(cp, "commissioner:upload population figures with errors")

    fp = finance_page
    _go(fp, f"/manage/participation-gap/{consultation.reference}/")
    summary = fp.locator(".app-gap-summary").inner_text()
    assert "You have heard less from:" in summary
    assert "Asian or Asian British people (fewer than 5 respondents, 14.2% of residents)" in summary
    axe.check(fp, "finance:participation gap for a consultation")
    _go(fp, f"/manage/participation-gap/{consultation.reference}/?margin=99", status=400)
    axe.check(fp, "finance:participation gap with a bad margin")
    _go(fp, f"/manage/projects/{ref}/participation-gap/?margin=2")
    axe.check(fp, "finance:participation gap for a project")
    _go(fp, f"/manage/projects/{ref}/equality/{'age'}/", status=404)


def test_commissioner_fills_in_one_entry_with_a_keyboard_only(demo, commissioner_page, axe):
    page = commissioner_page
    page.goto(f"/manage/projects/{demo.draft}/equality/")

    tab_to(page, lambda f: f["text"] == "Start the assessment")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "Assessment started" in page.locator(".govuk-notification-banner").inner_text()

    tab_to(page, lambda f: f["tag"] == "a" and f["href"].endswith("/equality/age/"))
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("h1").inner_text() == "Age"

    radio = tab_to(page, lambda f: f["name"] == "impact")
    # Tab lands on the chosen radio ("Not known yet", the last); arrows move within the group.
    assert radio["value"] == "unknown"
    page.keyboard.press("ArrowUp")
    assert page.is_checked("input[name=impact][value=negative]")
    page.keyboard.press("Tab")
    assert focused(page)["id"] == "id_evidence"
    page.keyboard.type("Older people said buses to the new venues are too infrequent.")
    page.keyboard.press("Tab")
    assert focused(page)["id"] == "id_mitigation"
    page.keyboard.type("Door-to-door transport for anyone over 65 who needs it.")
    page.keyboard.press("Tab")
    assert focused(page)["id"] == "id_owner"
    page.keyboard.type("Transport Commissioning Officer")
    for field_id, value in [
        ("id_review_on_0", "1"),
        ("id_review_on_1", "4"),
        ("id_review_on_2", "2027"),
    ]:
        page.keyboard.press("Tab")
        assert focused(page)["id"] == field_id
        page.keyboard.type(value)
    page.keyboard.press("Tab")
    assert focused(page)["text"] == "Save"
    with page.expect_navigation():
        page.keyboard.press("Enter")

    assert "Age: saved." in page.locator(".govuk-notification-banner").inner_text()
    row = page.locator("tr", has_text="Age").first.inner_text()
    assert "Negative" in row
    assert "Transport Commissioning Officer" in row
    assert "1 Apr 2027" in row
    assert "needs a mitigation" not in row
    axe.check(page, "commissioner:assessment after keyboard entry")
