"""The documentation's screenshots of the demo council (see screenshots.py).

Every run takes them, into a temporary folder, so the script keeps working. To refresh
the committed ones in docs/screenshots/, run with ``UPDATE_SCREENSHOTS=1``::

    UPDATE_SCREENSHOTS=1 make test-browser PYTEST_ARGS="-k screenshots"
"""

from __future__ import annotations

import os
import struct

import pytest

from . import screenshots

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
