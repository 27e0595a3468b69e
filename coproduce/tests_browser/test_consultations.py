"""Consultations in a real browser: every page passes axe, a keyboard-only journey, easy read.

Uses the demo council's open consultation "Day opportunities for adults with learning
disabilities" (three sections, nine questions of all five kinds, equality questions) and the
closed one about carers' breaks.
"""

from __future__ import annotations

import io
import os

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from coproduce.understand.consultations.forms import QuestionForm
from coproduce.understand.consultations.models import (
    Consultation,
    EqualityMonitoringReturn,
    Response,
)
from coproduce.understand.consultations.services import QuestionData, question_update

from .conftest import focused, tab_to

pytestmark = pytest.mark.browser

DAY = "Day opportunities for adults with learning disabilities"
CARERS = "Carers’ breaks: what helps you?"


@pytest.fixture
def consultations(demo):
    cache.clear()
    return {
        "open": Consultation.objects.get(title=DAY),
        "closed": Consultation.objects.get(title=CARERS),
    }


def press_and_wait(page, key: str) -> None:
    with page.expect_navigation():
        page.keyboard.press(key)


def shot(page, name: str) -> None:
    """Save a full-page screenshot when COPRODUCE_SHOTS names a folder (for looking at)."""
    folder = os.environ.get("COPRODUCE_SHOTS")
    if folder:
        page.screenshot(path=f"{folder}/{name}.png", full_page=True)


def h1(page) -> str:
    return page.locator("h1").first.inner_text().strip()


def fill_page_1(page) -> None:
    page.get_by_label("I use day opportunities").check()
    page.get_by_label("Clubs and groups").check()
    page.get_by_label("Bus or train").check()
    page.get_by_label("4 – Good").check()


def fill_page_2(page) -> None:
    selects = page.locator(".app-rank select")
    for i in range(selects.count()):
        selects.nth(i).select_option(str(i + 1))
    page.get_by_label("Sometimes").check()
    page.get_by_label("What would make your days better?").fill("Clubs on Saturdays.")


def test_resident_pages_have_no_serious_accessibility_problems(consultations, page, axe, settings):
    c = consultations["open"]
    page.goto("/consultations/")
    axe.check(page, "consultations:public list")
    shot(page, "list")
    page.goto(f"/consultations/{c.reference}/")
    axe.check(page, "consultations:intro")
    page.goto(f"/consultations/{c.reference}/easy-read/")
    axe.check(page, "consultations:easy-read intro")
    page.goto(f"/consultations/{c.reference}/start/")
    assert page.url.endswith("/questions/1/")
    axe.check(page, "consultations:page 1 (choose one, choose any, rating)")
    page.get_by_role("button", name="Continue").click()
    assert "There is a problem" in page.content()
    axe.check(page, "consultations:page 1 with errors")
    shot(page, "page1_errors")
    fill_page_1(page)
    page.get_by_role("button", name="Continue").click()
    axe.check(page, "consultations:page 2 (ranking, text)")
    shot(page, "page2")
    selects = page.locator(".app-rank select")
    selects.nth(0).select_option("1")
    selects.nth(1).select_option("1")
    page.get_by_role("button", name="Continue").click()
    assert "Give each option a different number" in page.content()
    axe.check(page, "consultations:page 2 with ranking error")
    page.goto(page.url.split("?")[0] + "?easy_read=1")
    axe.check(page, "consultations:page 2 easy read")
    shot(page, "page2_easy")
    page.goto(page.url.split("?")[0] + "?easy_read=0")
    fill_page_2(page)
    page.get_by_role("button", name="Save and come back later").click()
    assert h1(page) == "Your answers are saved"
    axe.check(page, "consultations:saved")
    shot(page, "saved")
    page.get_by_role("button", name="Send me the link").click()
    axe.check(page, "consultations:saved with error")
    page.get_by_role("link", name="Carry on answering now").click()
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("button", name="Continue").click()
    assert h1(page) == "About you (optional)"
    axe.check(page, "consultations:equality questions")
    page.get_by_role("button", name="Continue").click()
    assert h1(page) == "Check your answers before sending them"
    axe.check(page, "consultations:check your answers")
    shot(page, "check")
    page.get_by_role("button", name="Send my response").click()
    assert "Thank you, your response is recorded" in page.content()
    axe.check(page, "consultations:confirmation")
    shot(page, "sent")
    closed = consultations["closed"]
    page.goto(f"/consultations/{closed.reference}/start/")
    assert h1(page) == "This consultation has closed"
    axe.check(page, "consultations:closed")
    settings.ENGAGEMENT_ANON_SAVE_RATE = 0
    page.goto(f"/consultations/{c.reference}/start/")
    page.get_by_role("button", name="Save and come back later").click()
    assert h1(page) == "Sorry, please try again later"
    axe.check(page, "consultations:rate limited")


def test_builder_pages_have_no_serious_accessibility_problems(
    consultations, commissioner_page, axe
):
    page = commissioner_page
    c = consultations["open"]
    page.goto("/manage/consultations/")
    axe.check(page, "consultations:staff list")
    page.goto("/manage/consultations/new/")
    axe.check(page, "consultations:create")
    page.get_by_role("button", name="Create consultation").click()
    assert "There is a problem" in page.content()
    axe.check(page, "consultations:create with errors")
    value = page.locator("#id_project option", has_text="Home library").get_attribute("value")
    page.get_by_label("Which project is this consultation for?").select_option(value)
    page.get_by_label("Title", exact=True).fill("Home library: what would you like?")
    page.get_by_label("Introduction", exact=True).fill("Tell us about the home library service.")
    for prefix, day in (("opens_on", "1"), ("closes_on", "28")):
        page.locator(f"#id_{prefix}_0").fill(day)
        page.locator(f"#id_{prefix}_1").fill("2")
        page.locator(f"#id_{prefix}_2").fill("2030")
    page.get_by_role("button", name="Create consultation").click()
    assert h1(page) == "Home library: what would you like?"
    axe.check(page, "consultations:manage draft")
    page.get_by_role("link", name="Add a section").click()
    axe.check(page, "consultations:add section")
    page.get_by_label("Section title", exact=True).fill("Your visits")
    page.get_by_role("button", name="Save section").click()
    page.get_by_role("link", name="Add a question").first.click()
    axe.check(page, "consultations:add question")
    page.get_by_role("button", name="Save question").click()
    axe.check(page, "consultations:add question with errors")
    page.get_by_label("Rating from 1 to 5").check()
    page.get_by_label("Question", exact=True).fill("How good is the service?")
    page.get_by_role("button", name="Save question").click()
    axe.check(page, "consultations:manage with a question")
    page.get_by_role("link", name="Remove How good is the service?").click()
    axe.check(page, "consultations:remove question")
    page.goto(f"/manage/consultations/{c.reference}/")
    axe.check(page, "consultations:manage open")
    shot(page, "manage")
    page.goto(f"/manage/consultations/{c.reference}/edit/")
    axe.check(page, "consultations:fix wording")
    question = c.questions.first()
    page.goto(f"/manage/consultations/{c.reference}/questions/{question.pk}/edit/")
    axe.check(page, "consultations:fix question wording")
    page.goto(f"/manage/consultations/{c.reference}/preview/")
    axe.check(page, "consultations:preview intro")
    for n in (1, 2, 3):
        page.goto(f"/manage/consultations/{c.reference}/preview/questions/{n}/")
        axe.check(page, f"consultations:preview page {n}")
        page.goto(f"/manage/consultations/{c.reference}/preview/questions/{n}/?easy_read=1")
        axe.check(page, f"consultations:preview page {n} easy read")
    page.goto(f"/manage/consultations/{c.reference}/preview/about-you/?easy_read=1")
    axe.check(page, "consultations:preview equality easy read")


def test_answering_a_consultation_with_a_keyboard_only(consultations, page, axe):
    c = consultations["open"]
    sent_before = Response.objects.filter(consultation=c, status="submitted").count()
    returns_before = EqualityMonitoringReturn.objects.count()
    page.goto("/consultations/")
    tab_to(page, lambda f: f["tag"] == "a" and f["text"] == DAY)
    press_and_wait(page, "Enter")
    tab_to(page, lambda f: f["tag"] == "a" and f["text"].startswith("Start now"))
    press_and_wait(page, "Enter")
    assert page.url.endswith("/questions/1/")

    # Page 1: radios (Space picks the focused one), checkboxes, a rating.
    tab_to(page, lambda f: f["type"] == "radio" and f["name"].startswith("q"))
    page.keyboard.press("Space")
    tab_to(page, lambda f: f["type"] == "checkbox")
    page.keyboard.press("Space")
    tab_to(page, lambda f: f["type"] == "radio" and f["name"] != "")  # how you get there
    page.keyboard.press("ArrowDown")  # move to "Bus or train" and select it
    tab_to(page, lambda f: f["type"] == "radio" and f["value"] == "1")  # the rating
    for _ in range(3):
        page.keyboard.press("ArrowRight")
    assert focused(page)["value"] == "4"
    tab_to(page, lambda f: f["tag"] == "button" and f["text"] == "Continue")
    press_and_wait(page, "Enter")
    assert page.url.endswith("/questions/2/"), page.content()[:2000]

    # Page 2: ranking with one select per option, a radio, free text.
    for n in range(1, 6):
        tab_to(page, lambda f: f["tag"] == "select")
        page.keyboard.type(str(n))
        assert page.evaluate("document.activeElement.value") == str(n)
    tab_to(page, lambda f: f["type"] == "radio")
    page.keyboard.press("Space")
    tab_to(page, lambda f: f["tag"] == "textarea")
    page.keyboard.type("A club on Saturday afternoons with my friends.")
    tab_to(page, lambda f: f["tag"] == "button" and f["text"] == "Continue")
    press_and_wait(page, "Enter")
    assert page.url.endswith("/questions/3/")

    # Page 3 is optional: straight on.
    tab_to(page, lambda f: f["tag"] == "button" and f["text"] == "Continue")
    press_and_wait(page, "Enter")

    # Equality questions: answer two, skip the rest.
    assert h1(page) == "About you (optional)"
    tab_to(page, lambda f: f["name"] == "age")
    page.keyboard.press("ArrowDown")
    tab_to(page, lambda f: f["name"] == "disability")
    page.keyboard.press("Space")
    tab_to(page, lambda f: f["tag"] == "button" and f["text"] == "Continue")
    press_and_wait(page, "Enter")

    assert h1(page) == "Check your answers before sending them"
    assert "A club on Saturday afternoons with my friends." in page.content()
    tab_to(page, lambda f: f["tag"] == "button" and f["text"] == "Send my response", limit=200)
    press_and_wait(page, "Enter")
    assert "Thank you, your response is recorded" in page.content()
    reference = page.locator(".govuk-panel__body strong").inner_text()
    assert Response.objects.get(reference=reference).status == "submitted"
    assert Response.objects.filter(consultation=c, status="submitted").count() == sent_before + 1
    assert EqualityMonitoringReturn.objects.count() == returns_before + 1
    axe.check(page, "consultations:keyboard confirmation")


def test_easy_read_view_shows_plain_words_pictures_and_bigger_text(
    consultations, page, axe, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    c = consultations["open"]
    question = c.questions.get(text="How do you usually get to your day activities?")
    buffer = io.BytesIO()
    Image.new("RGB", (120, 80), (30, 90, 200)).save(buffer, format="PNG")
    values = QuestionForm.initial_for(question)
    question_update(
        actor=c.created_by,
        consultation=c,
        question=question,
        data=QuestionData(
            kind=values["kind"],
            text=values["text"],
            section_id=values["section"],
            hint=values["hint"],
            required=values["required"],
            options=values["options"].splitlines(),
            easy_read_text=values["easy_read_text"],
            easy_read_options=values["easy_read_options"].splitlines(),
            easy_read_image=SimpleUploadedFile("bus.png", buffer.getvalue()),
            easy_read_image_alt="A blue minibus",
        ),
    )
    page.goto(f"/consultations/{c.reference}/easy-read/")
    assert "We want to know what you like to do in the day." in page.content()
    page.get_by_role("button", name="Start now").click()
    assert page.url.endswith("/questions/1/")
    assert page.get_by_role("heading", name="How do you get there?").count() == 1
    assert page.get_by_label("Minibus or taxi").count() == 1
    image = page.get_by_role("img", name="A blue minibus")
    assert image.count() == 1
    assert image.evaluate("i => i.complete && i.naturalWidth > 0")
    size = page.get_by_label("Minibus or taxi").evaluate(
        "e => parseFloat(getComputedStyle(document.querySelector(`label[for='${e.id}']`)).fontSize)"
    )
    assert size >= 24
    axe.check(page, "consultations:easy read with picture")
    shot(page, "easy_picture")
    page.get_by_role("link", name="Switch to the standard version").click()
    assert (
        page.get_by_role("heading", name="How do you usually get to your day activities?").count()
        == 1
    )
    assert page.get_by_role("img", name="A blue minibus").count() == 0
    page.get_by_role(
        "link", name="Switch to easy read: simpler words, pictures and bigger text"
    ).click()
    assert page.get_by_role("heading", name="How do you get there?").count() == 1
