import pytest
pytestmark = pytest.mark.browser

def test_look(demo, page_as, new_context):
    page = page_as("commissioner")
    page.goto("/manage/projects/new/")
    page.fill("#id_title", "Lunch"); page.fill("#id_budget", "lots"); page.fill("#id_starts_on_0", "31"); page.fill("#id_starts_on_1", "2"); page.fill("#id_starts_on_2", "2027")
    with page.expect_navigation(): page.click("button:has-text('Create project')")
    page.screenshot(path="/tmp/look-create-errors.png", full_page=True)
    page.goto("/manage/projects/")
    page.screenshot(path="/tmp/look-staff-list.png", full_page=True)
    page.goto(f"/manage/projects/{demo.published}/stage/")
    page.screenshot(path="/tmp/look-stage.png", full_page=True)
    p = page_as("provider"); p.goto(f"/organisations/{demo.organisation}/members/")
    p.screenshot(path="/tmp/look-members.png", full_page=True)
    p.goto(f"/organisations/{demo.organisation}/")
    p.screenshot(path="/tmp/look-org.png", full_page=True)
    f = page_as("finance"); f.goto("/audit/")
    f.screenshot(path="/tmp/look-audit.png", full_page=False)
