"""Screenshots of the demo council for the documentation (docs/screenshots/).

Made by ``test_screenshots.py`` during ``make test-browser``, or by hand against a running
site with the demo loaded (``make run`` in another terminal)::

    .venv/bin/python -m coproduce.tests_browser.screenshots http://127.0.0.1:8000
"""

from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "docs" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
# The published demo project with stage decisions on its page.
PROJECT_TITLE = "Day opportunities for adults with learning disabilities"


def take(browser, base_url: str, out: Path = OUT) -> list[Path]:
    """Save home.png, project.png, opportunities.png, tender.png and specification.png at
    1280 wide and project-mobile.png at 390 wide."""
    out.mkdir(parents=True, exist_ok=True)
    saved = []
    desktop = browser.new_context(base_url=base_url, viewport={"width": 1280, "height": 800})
    mobile = browser.new_context(
        base_url=base_url,
        viewport={"width": 390, "height": 844},
        device_scale_factor=1,
        is_mobile=True,
        has_touch=True,
    )
    try:
        page = desktop.new_page()
        page.goto("/")
        saved.append(_shot(page, out / "home.png"))

        page.goto("/projects/?" + "q=" + PROJECT_TITLE.replace(" ", "+"))
        page.click(f"a:has-text('{PROJECT_TITLE}')")
        page.wait_for_load_state()
        project_path = page.url.removeprefix(base_url.rstrip("/"))
        saved.append(_shot(page, out / "project.png"))

        phone = mobile.new_page()
        phone.goto(project_path)
        saved.append(_shot(phone, out / "project-mobile.png"))

        # The opportunity portal (issue 5): search, the flagship tender, and its
        # specification ("what you told us → what we asked for").
        page.goto("/opportunities/")
        saved.append(_shot(page, out / "opportunities.png"))
        page.goto("/opportunities/?q=" + PROJECT_TITLE.replace(" ", "+"))
        page.click(f"#main-content a:has-text('{PROJECT_TITLE}')")
        page.wait_for_load_state()
        saved.append(_shot(page, out / "tender.png"))
        page.goto(project_path.rstrip("/") + "/specification/")
        saved.append(_shot(page, out / "specification.png"))
    finally:
        desktop.close()
        mobile.close()
    return saved


PANEL_SCORING_PHONE = "panel-scoring-phone.png"


def save_panel_scoring_phone(page, out: Path = OUT) -> Path:
    """Save a service-user panel member's scoring page, open in ``page`` on a 390×844 phone
    viewport, as panel-scoring-phone.png. It needs a panel member's session (from an
    invitation link), so the browser tests take it (``test_screenshots.py``), not ``take``."""
    out.mkdir(parents=True, exist_ok=True)
    return _shot(page, out / PANEL_SCORING_PHONE)


def _shot(page, path: Path) -> Path:
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(path), full_page=True, animations="disabled")
    return path


def main(argv: list[str]) -> int:
    base_url = argv[1] if len(argv) > 1 else "http://127.0.0.1:8000"
    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            for path in take(browser, base_url):
                print(path.relative_to(ROOT))
        finally:
            browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
