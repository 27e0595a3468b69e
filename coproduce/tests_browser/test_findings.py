"""Reading responses, themes and findings in the browser: axe-core on every page, and
tagging answers with a keyboard only.

The consultation is built in the test (with the same helpers as the unit tests) on the
demo council's published project, so these tests do not depend on other demo content.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from coproduce.foundation.commissioning.models import CommissioningProject
from coproduce.tests_browser.conftest import tab_to
from coproduce.understand.consultations.services_analysis import (
    FindingData,
    answers_tag,
    finding_create,
    finding_publish,
    finding_quote_add,
    theme_create,
)
from coproduce.understand.consultations.tests.test_analysis_support import (
    add_response,
    make_consultation,
)

pytestmark = pytest.mark.browser


@dataclass
class Analysis:
    consultation: str
    project: str
    theme: int
    draft: str
    published: str


@pytest.fixture
def analysis(demo) -> Analysis:
    officer = demo.users["commissioner"]
    project = CommissioningProject.objects.get(reference=demo.published)
    c = make_consultation(actor=officer, project=project, title="What should day services offer?")
    texts = [
        "Clubs in the evening would be great",
        "I want weekend trips",
        "The bus is always late",
        "Help me find a paid job",
        "Keep the same staff please",
        "More evening discos",
        "Evening cooking classes",
    ]
    for i in range(21):
        add_response(
            c,
            single=["Bus", "Taxi", "Walk"][i % 3],
            multiple=("Art", "Sport") if i % 2 else ("Cooking",),
            rating=1 + i % 5,
            ranking=("Evenings", "Weekends", "Holidays"),
            text=texts[i % len(texts)],
        )
    evenings = theme_create(actor=officer, consultation=c, name="Evenings")
    theme_create(actor=officer, consultation=c, name="Transport")
    ids = list(
        c.responses.filter(answers__text__icontains="evening").values_list("answers__pk", flat=True)
    )
    answers_tag(actor=officer, consultation=c, theme_id=evenings.pk, answer_ids=ids)
    published = finding_create(
        actor=officer,
        consultation=c,
        data=FindingData("People want activities in the evenings", theme_ids=[evenings.pk]),
    )
    finding_quote_add(
        actor=officer,
        finding=published,
        answer_id=ids[0],
        text="Clubs in the evening would be great",
    )
    finding_publish(actor=officer, finding=published)
    draft = finding_create(
        actor=officer, consultation=c, data=FindingData("Evening classes", theme_ids=[evenings.pk])
    )
    return Analysis(
        c.reference, project.reference, evenings.pk, draft.reference, published.reference
    )


def _pages(a: Analysis) -> list[tuple[str, str]]:
    base = f"/manage/consultations/{a.consultation}/analysis"
    return [
        ("summary", f"{base}/"),
        ("responses", f"{base}/responses/"),
        ("equality", f"{base}/equality/"),
        ("themes", f"{base}/themes/"),
        ("rename theme", f"{base}/themes/{a.theme}/edit/"),
        ("merge theme", f"{base}/themes/{a.theme}/merge/"),
        ("tag answers", f"{base}/coding/"),
        ("tag answers filtered", f"{base}/coding/?show=untagged&q=bus"),
        ("findings", f"{base}/findings/"),
        ("new finding", f"{base}/findings/new/"),
        ("draft finding", f"/manage/findings/{a.draft}/"),
        ("edit finding", f"/manage/findings/{a.draft}/edit/"),
        ("choose quote", f"/manage/findings/{a.draft}/quotes/"),
        ("publish finding", f"/manage/findings/{a.draft}/publish/"),
        ("published finding", f"/manage/findings/{a.published}/"),
        ("correct finding", f"/manage/findings/{a.published}/correct/"),
        ("project with findings", f"/projects/{a.project}/"),
    ]


def test_analysis_pages_have_no_serious_accessibility_problems(commissioner_page, analysis, axe):
    page = commissioner_page
    for name, path in _pages(analysis):
        response = page.goto(path)
        assert response.status == 200, (name, response.status)
        axe.check(page, f"commissioner:{name}")
    # The summary links to the CSV download.
    page.goto(f"/manage/consultations/{analysis.consultation}/analysis/")
    with page.expect_download() as download:
        page.get_by_role(
            "link", name="Download every response as a spreadsheet (CSV)"
        ).first.click()
    assert download.value.suggested_filename == f"{analysis.consultation}-responses.csv"


def test_forms_with_errors_have_no_serious_accessibility_problems(commissioner_page, analysis, axe):
    page = commissioner_page
    base = f"/manage/consultations/{analysis.consultation}/analysis"
    page.goto(f"{base}/themes/")
    page.fill("#id_name", "evenings")
    page.locator('#main-content form[method="post"] button[type="submit"]').click()
    assert "already a theme called" in page.locator(".govuk-error-summary").inner_text()
    axe.check(page, "commissioner:themes with errors")
    page.goto(f"{base}/coding/")
    page.get_by_role("button", name="Tag selected with this theme").click()
    assert "Choose a theme" in page.locator(".govuk-error-summary").inner_text()
    axe.check(page, "commissioner:tag answers with errors")
    page.goto(f"{base}/findings/new/")
    page.locator('#main-content form[method="post"] button[type="submit"]').click()
    assert "Enter what people told you" in page.locator(".govuk-error-summary").inner_text()
    axe.check(page, "commissioner:new finding with errors")
    page.goto(f"/manage/findings/{analysis.published}/correct/")
    page.fill("#id_reason", "")
    page.locator('#main-content form[method="post"] button[type="submit"]').click()
    axe.check(page, "commissioner:correct finding with errors")


def test_public_finding_and_project_pages_for_anyone(page, analysis, axe):
    response = page.goto(f"/findings/{analysis.published}/")
    assert response.status == 200
    assert page.locator("h1").inner_text() == "People want activities in the evenings"
    assert "Clubs in the evening would be great" in page.content()
    axe.check(page, "anonymous:public finding")
    page.goto(f"/projects/{analysis.project}/")
    assert page.get_by_role("heading", name="What you told us").is_visible()
    axe.check(page, "anonymous:project with findings")
    assert page.goto(f"/findings/{analysis.draft}/").status == 404
    # Reading responses needs signing in as council staff.
    page.goto(f"/manage/consultations/{analysis.consultation}/analysis/")
    assert "/account/sign-in/" in page.url


def test_commissioner_tags_answers_with_a_keyboard_only(commissioner_page, analysis, axe):
    page = commissioner_page
    page.goto(f"/manage/consultations/{analysis.consultation}/analysis/coding/?show=untagged&q=bus")
    # Tick the first answer with Space.
    assert page.locator('input[name="answers"]').count() == 3
    tab_to(page, lambda f: f["name"] == "answers", limit=120)
    page.keyboard.press("Space")
    assert page.locator('input[name="answers"]').first.is_checked()
    # Choose the theme from the list with the keyboard, then press the button.
    tab_to(page, lambda f: f["id"] == "tag_theme")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    assert page.locator("#tag_theme option:checked").inner_text() == "Transport"
    tab_to(page, lambda f: f["text"] == "Tag selected with this theme")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "1 answer tagged." in page.locator("#main-content").inner_text()
    # The filters were kept, and the tagged answer has left the "no theme" list.
    assert "show=untagged" in page.url
    assert page.locator('input[name="answers"]').count() == 2  # three "bus" answers, one tagged
    axe.check(page, "commissioner:tag answers after tagging")
