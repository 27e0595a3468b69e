"""The documentation's screenshots of the demo council (see screenshots.py).

Every run takes them, into a temporary folder, so the script keeps working. To refresh
the committed ones in docs/screenshots/, run with ``UPDATE_SCREENSHOTS=1``::

    UPDATE_SCREENSHOTS=1 make test-browser PYTEST_ARGS="-k screenshots"
"""

from __future__ import annotations

import os
import struct

import pytest

from coproduce.demo import bids as bids_demo

from . import screenshots
from .test_bids import PHONE, make_scoring_tender

pytestmark = pytest.mark.browser


def png_width(path) -> int:
    with open(path, "rb") as f:
        header = f.read(24)
    assert header[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">I", header[16:20])[0]


def test_screenshots_of_the_demo_council(demo, browser, live_server, tmp_path):
    out = screenshots.OUT if os.environ.get("UPDATE_SCREENSHOTS") == "1" else tmp_path
    saved = screenshots.take(browser, live_server.url, out)
    assert [p.name for p in saved] == [
        "home.png",
        "project.png",
        "project-mobile.png",
        "opportunities.png",
        "tender.png",
        "specification.png",
    ]
    assert [png_width(p) for p in saved] == [1280, 1280, 390, 1280, 1280, 1280]


def test_screenshot_of_a_service_user_scoring_on_a_phone(demo, new_context, tmp_path):
    """docs/screenshots/panel-scoring-phone.png: the scoring page of a service-user member."""
    scoring = make_scoring_tender(title="Peer support into work for disabled adults: 2027 round")
    member = next(m for m in scoring.members if m.email == "marcus.bell@example.org")
    page = new_context(
        viewport=PHONE, device_scale_factor=1, is_mobile=True, has_touch=True
    ).new_page()
    page.goto(scoring.links[member.email])
    page.get_by_role("button", name="Start").click()
    page.goto(f"/panel/{member.pk}/declare/")
    page.get_by_label("No, I do not know any of them", exact=False).check()
    page.get_by_role("button", name="Send").click()
    page.wait_for_load_state()
    page.goto(f"/panel/{member.pk}/bids/{scoring.bids[bids_demo.FORUM].reference}/")
    out = screenshots.OUT if os.environ.get("UPDATE_SCREENSHOTS") == "1" else tmp_path
    saved = screenshots.save_panel_scoring_phone(page, out)
    assert saved.name == "panel-scoring-phone.png"
    assert png_width(saved) == 390
