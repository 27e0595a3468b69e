"""The main commissioning journey with a keyboard only: no mouse, no clicks.

Every step moves focus with Tab, checks what has focus, then types or presses Enter or
Space, as someone who cannot use a mouse would.
"""

from __future__ import annotations

import pytest

from coproduce.demo.data import DEMO_PASSWORD

from .conftest import focused, tab_to

pytestmark = pytest.mark.browser

TITLE = "Lunch clubs for older people"
SUMMARY = "Friendly lunch clubs in community centres, with transport for people who need it."
REASON = "Older people and carers told us at six listening events that they want clubs near home."


def press_and_wait(page, key: str) -> None:
    """Press a key that should load a new page, and wait for it."""
    with page.expect_navigation():
        page.keyboard.press(key)


def selected_text(page) -> str:
    return page.evaluate("document.activeElement.selectedOptions[0].text")


def test_skip_link_is_the_first_tab_stop_and_moves_focus_to_main_content(page):
    page.goto("/")
    first = tab_to(page, lambda f: True, limit=1)
    assert first["tag"] == "a"
    assert first["href"] == "#main-content"
    assert first["text"] == "Skip to main content"
    assert page.locator(".govuk-skip-link").evaluate("e => e.getBoundingClientRect().height") > 0

    page.keyboard.press("Enter")
    assert focused(page)["id"] == "main-content"
    # The next Tab stop is inside the main content, past the header and navigation.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('main') !== null")


def test_commissioner_creates_a_project_and_changes_its_stage_with_a_keyboard_only(
    demo, page, new_context, axe
):
    page.goto("/")

    # Sign in.
    tab_to(page, lambda f: f["tag"] == "a" and f["text"] == "Sign in")
    press_and_wait(page, "Enter")
    assert page.locator("h1").inner_text() == "Sign in"
    tab_to(page, lambda f: f["id"] == "id_username")
    page.keyboard.type("commissioner@riverside.example")
    page.keyboard.press("Tab")
    assert focused(page)["id"] == "id_password"
    page.keyboard.type(DEMO_PASSWORD)
    press_and_wait(page, "Enter")
    assert page.locator("h1").inner_text() == "Your account"

    # Manage projects, then "Create a project" (a link styled as a button: Space works).
    tab_to(page, lambda f: f["text"] == "Manage projects")
    press_and_wait(page, "Enter")
    assert page.locator("h1").inner_text() == "Manage projects"
    tab_to(page, lambda f: f["text"] == "Create a project")
    press_and_wait(page, "Space")
    assert page.locator("h1").inner_text() == "Create a project"

    # Every field, in tab order.
    tab_to(page, lambda f: f["id"] == "id_title")
    page.keyboard.type(TITLE)
    page.keyboard.press("Tab")
    assert focused(page)["id"] == "id_service_area"
    page.keyboard.type("Older")  # a closed select picks the option typed
    assert selected_text(page) == "Older people"
    page.keyboard.press("Tab")
    assert focused(page)["id"] == "id_summary"
    page.keyboard.type(SUMMARY)
    page.keyboard.press("Tab")
    assert focused(page)["id"] == "id_budget"
    page.keyboard.type("450,000")
    for field_id, value in [
        ("id_starts_on_0", "1"),
        ("id_starts_on_1", "10"),
        ("id_starts_on_2", "2027"),
        ("id_ends_on_0", "30"),
        ("id_ends_on_1", "9"),
        ("id_ends_on_2", "2030"),
    ]:
        page.keyboard.press("Tab")
        assert focused(page)["id"] == field_id
        page.keyboard.type(value)
    page.keyboard.press("Tab")
    assert focused(page)["id"] == "id_owner"
    page.keyboard.type("Tom")
    assert selected_text(page) == "Tom Okafor"
    page.keyboard.press("Tab")
    assert focused(page)["text"] == "Create project"
    press_and_wait(page, "Enter")

    assert page.locator("h1").inner_text() == TITLE
    assert "created as a draft" in page.locator(".govuk-notification-banner").inner_text()
    summary = page.locator(".govuk-summary-list").inner_text()
    assert "£450,000" in summary
    assert "1 October 2027" in summary
    assert "30 September 2030" in summary
    assert "Tom Okafor" in summary
    assert "Older people" in page.locator(".govuk-caption-l").inner_text()

    # Change stage to plan, with a reason.
    tab_to(page, lambda f: f["text"] == "Change stage")
    press_and_wait(page, "Enter")
    assert page.locator("h1").inner_text() == "Change stage"
    radio = tab_to(page, lambda f: f["name"] == "stage")
    assert radio["value"] == "plan"
    page.keyboard.press("Space")
    assert page.is_checked("input[name=stage][value=plan]")
    page.keyboard.press("Tab")
    assert focused(page)["id"] == "id_reason"
    page.keyboard.type(REASON)
    page.keyboard.press("Tab")
    assert focused(page)["text"] == "Record decision"
    press_and_wait(page, "Enter")

    assert "now at the plan stage" in page.locator(".govuk-notification-banner").inner_text()
    assert page.locator("[aria-current=step]").inner_text().startswith("Plan")
    timeline = page.locator(".app-timeline").inner_text()
    assert "From Understand to Plan" in timeline
    assert REASON in timeline
    axe.check(page, "commissioner:project after a stage change")

    # Publish it, still by keyboard, and read the decision on the public page.
    tab_to(page, lambda f: f["text"] == "Publish")
    press_and_wait(page, "Enter")
    assert "now public" in page.locator(".govuk-notification-banner").inner_text()
    public = new_context().new_page()
    public.goto(page.url)
    assert public.locator("h1").inner_text() == TITLE
    public_timeline = public.locator(".app-timeline").inner_text()
    assert "From Understand to Plan" in public_timeline
    assert REASON in public_timeline
    assert public.locator("text=Change stage").count() == 0
