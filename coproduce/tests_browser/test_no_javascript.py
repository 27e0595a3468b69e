"""Pages work with JavaScript switched off: GOV.UK Frontend and htmx only enhance them."""

from __future__ import annotations

import pytest

from coproduce.foundation.commissioning.models import CommissioningProject

pytestmark = pytest.mark.browser

REASON = "The specification was agreed with people who use day services and their families."


def test_commissioner_changes_stage_with_javascript_off(demo, page_as):
    page = page_as("commissioner", java_script_enabled=False)
    page.goto(f"/projects/{demo.published}/")
    assert "js-enabled" not in (page.get_attribute("body", "class") or "")

    with page.expect_navigation():
        page.click("text=Change stage")
    assert page.locator("h1").inner_text() == "Change stage"

    # Without a choice or a reason the server answers with the error summary.
    with page.expect_navigation() as navigation:
        page.click("button:has-text('Record decision')")
    assert navigation.value.status == 400
    summary = page.locator(".govuk-error-summary").inner_text()
    assert "Choose the stage to move to" in summary
    assert "Explain why the project is changing stage" in summary
    # The summary's links jump to the fields without any script.
    page.click(".govuk-error-summary a[href='#id_stage_0']")
    assert page.url.endswith("#id_stage_0")

    # The flagship project is at procure: publishing its tender moved it there (issue 13).
    page.check("input[name=stage][value=plan]")
    page.fill("#id_reason", REASON)
    with page.expect_navigation() as navigation:
        page.click("button:has-text('Record decision')")
    assert navigation.value.ok
    # (The address keeps the "#id_stage_0" it had; browsers carry a fragment over redirects.)
    assert page.url.split("#")[0].endswith(f"/projects/{demo.published}/")
    assert "now at the plan stage" in page.locator(".govuk-notification-banner").inner_text()
    timeline = page.locator(".app-timeline").inner_text()
    assert "From Procure to Plan" in timeline
    assert REASON in timeline


def test_project_list_filters_with_javascript_off(demo, new_context):
    published = CommissioningProject.objects.filter(published_at__isnull=False)
    # The flagship project is at procure: publishing its tender moved it there (issue 13).
    at_plan = list(published.filter(stage="procure").values_list("title", flat=True))
    assert "Day opportunities for adults with learning disabilities" in at_plan

    page = new_context(java_script_enabled=False).new_page()
    page.goto("/projects/")
    rows = page.locator(".govuk-table__body .govuk-table__row")
    assert rows.count() == min(published.count(), 20)  # 20 to a page

    page.select_option("#id_stage", "procure")
    with page.expect_navigation():
        page.click("button:has-text('Apply filters')")
    assert "stage=procure" in page.url
    assert sorted(rows.locator("a").all_inner_texts()) == sorted(at_plan)
    caption = page.locator(".govuk-table__caption").inner_text()
    assert caption == (f"{len(at_plan)} project" + ("s" if len(at_plan) != 1 else ""))
    # The form keeps what was chosen.
    assert page.locator("#id_stage").input_value() == "procure"

    page.select_option("#id_stage", "")
    page.fill("#id_q", "carers")
    page.select_option("#id_service_area", "adult-social-care")
    with page.expect_navigation():
        page.click("button:has-text('Apply filters')")
    titles = rows.locator("a").all_inner_texts()
    assert "Carers’ breaks and support" in titles
    assert "Day opportunities for adults with learning disabilities" not in titles

    page.fill("#id_q", "no such project")
    with page.expect_navigation():
        page.click("button:has-text('Apply filters')")
    assert "No projects match these filters." in page.locator(".govuk-table").inner_text()
