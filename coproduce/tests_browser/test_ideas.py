"""The ideas board in Chromium: axe-core on every page (with error states), and a keyboard-only
journey of sharing an idea and supporting one.

Each test loads the demo council once and visits several pages, because loading the demo
(with its 96 workshop ideas) is the slow part.
"""

from __future__ import annotations

import pytest

from coproduce.understand.ideas.models import Comment, Idea

from .conftest import focused, tab_to

pytestmark = pytest.mark.browser

SUBMIT = '#main-content form[method="post"]:not(.app-inline-form) button[type="submit"]'


def _idea_ref(title: str) -> str:
    return Idea.objects.filter(title=title).order_by("pk").first().reference


def _comment_id(body_start: str) -> int:
    return Comment.objects.get(body__startswith=body_start).pk


def _check(page, axe, path: str, name: str, status: int = 200) -> None:
    response = page.goto(path)
    assert response.status == status, f"{name}: {response.status}"
    axe.check(page, name)


def _submit_and_check(page, axe, name: str, status: int = 400) -> None:
    with page.expect_navigation() as nav:
        page.locator(SUBMIT).first.click()
    assert nav.value.status == status, f"{name}: {nav.value.status}"
    if status == 400:
        assert page.locator(".govuk-error-summary").is_visible()
    axe.check(page, name)


def test_public_ideas_pages_pass_axe(demo, page, axe, settings):
    evening = _idea_ref("Evening club")
    merged = _idea_ref("Evening social club")
    football = _idea_ref("Football team")
    _check(page, axe, "/ideas/", "council ideas board")
    _check(page, axe, f"/ideas/project/{demo.published}/", "project ideas board")
    _check(
        page,
        axe,
        f"/ideas/project/{demo.published}/?status=taken_forward&area=millbrook&sort=newest",
        "filtered board",
    )
    _check(page, axe, f"/ideas/project/{demo.published}/?page=2", "board page 2")
    assert page.locator(".govuk-pagination").is_visible()
    _check(page, axe, f"/ideas/project/{demo.draft}/", "draft board hidden", status=404)
    _check(page, axe, f"/ideas/{evening}/", "idea with comments and a decision")
    assert "Sign in to support this idea" in page.content()
    _check(page, axe, f"/ideas/{merged}/", "merged idea")
    assert page.locator(f'a[href="/ideas/{evening}/"]').count() >= 1
    comment = _comment_id("Waste of money")
    _check(page, axe, f"/ideas/{football}/comments/{comment}/report/", "report a comment")
    _submit_and_check(page, axe, "report a comment with errors")
    _check(page, axe, f"/ideas/project/{demo.published}/new/", "share an idea, anonymous")
    _submit_and_check(page, axe, "share an idea with errors")
    settings.IDEAS_ANON_RATE = "0/h"
    page.goto(f"/ideas/project/{demo.published}/new/")
    page.fill("#id_title", "Spam")
    _submit_and_check(page, axe, "rate limited", status=429)


def test_resident_ideas_pages_pass_axe(resident_page, demo, axe):
    page = resident_page
    evening = _idea_ref("Evening club")
    _check(page, axe, f"/ideas/{evening}/", "idea, signed in")
    assert page.get_by_role("button", name="Withdraw my support").is_visible()
    page.fill("#id_body", "   ")
    with page.expect_navigation() as nav:
        page.get_by_role("button", name="Add comment").click()
    assert nav.value.status == 400
    axe.check(page, "comment with errors")
    _check(page, axe, "/ideas/moderation/", "moderation hidden from residents", status=404)


def test_officer_ideas_pages_pass_axe(commissioner_page, demo, axe):
    page = commissioner_page
    drama = _idea_ref("Drama group")
    _check(page, axe, f"/ideas/project/{demo.published}/", "board as officer")
    _check(page, axe, f"/ideas/{drama}/", "idea as officer")
    _check(page, axe, f"/ideas/{drama}/status/", "record a decision")
    _submit_and_check(page, axe, "record a decision with errors")
    _check(page, axe, f"/ideas/{drama}/merge/", "merge")
    page.fill("#id_target", drama)
    _submit_and_check(page, axe, "merge into itself")
    _check(page, axe, f"/ideas/project/{demo.published}/bulk/", "bulk entry")
    _submit_and_check(page, axe, "bulk entry empty")
    page.fill("#id_lines", "Good idea: fine\n: no title here")
    _submit_and_check(page, axe, "bulk entry with a bad line")
    assert "Lines to fix" in page.content()
    page.fill("#id_lines", "Pottery class: with a kiln\nChess club")
    page.fill("#id_event_name", "Library drop-in")
    _submit_and_check(page, axe, "bulk preview", status=200)
    assert "2 ideas will be added." in page.content()
    _submit_and_check(page, axe, "bulk added", status=200)
    assert "2 ideas added to the board." in page.content()
    _check(page, axe, "/ideas/moderation/", "moderation queue")
    page.get_by_role("link", name="Waste of money").click()
    page.wait_for_load_state()
    axe.check(page, "moderate a comment")
    _submit_and_check(page, axe, "moderate with errors")
    page.get_by_label("Remove the comment").check()
    page.fill("#id_reason", "This comment is insulting to disabled people.")
    _submit_and_check(page, axe, "moderation done", status=200)
    page.goto(f"/ideas/{_idea_ref('Football team')}/")
    assert "This comment was removed by a moderator: This comment is insulting" in page.content()
    axe.check(page, "idea with a removed comment")


def press_and_wait(page, key: str) -> None:
    with page.expect_navigation():
        page.keyboard.press(key)


def test_resident_shares_and_supports_an_idea_with_a_keyboard_only(resident_page, demo, axe):
    page = resident_page
    page.goto(f"/ideas/project/{demo.published}/")
    tab_to(page, lambda f: f["text"] == "Share an idea", limit=120)
    press_and_wait(page, "Enter")
    assert page.locator("h1").inner_text() == "Share an idea"
    tab_to(page, lambda f: f["id"] == "id_title")
    page.keyboard.type("Pen pals between centres")
    page.keyboard.press("Tab")
    assert focused(page)["id"] == "id_description"
    page.keyboard.type("Write letters to people at day centres in other towns.")
    page.keyboard.press("Tab")
    assert focused(page)["id"] == "id_area"
    page.keyboard.type("West")
    assert page.evaluate("document.activeElement.selectedOptions[0].text") == "Westholme"
    tab_to(page, lambda f: f["text"] == "Send my idea")
    press_and_wait(page, "Enter")
    assert page.locator("h1").inner_text() == "Pen pals between centres"
    assert "Your idea is on the board" in page.content()
    axe.check(page, "idea just shared")

    tab_to(page, lambda f: f["text"] == "Support this idea", limit=120)
    press_and_wait(page, "Enter")
    assert "Thank you for supporting this idea." in page.content()
    assert page.locator("#support").inner_text() == "1 supporter"
    tab_to(page, lambda f: f["text"] == "Withdraw my support", limit=120)
