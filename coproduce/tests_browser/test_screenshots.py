"""Regenerate docs/screenshots/ from the demo council (see screenshots.py)."""

from __future__ import annotations

import struct

import pytest

from . import screenshots

pytestmark = pytest.mark.browser


def png_width(path) -> int:
    with open(path, "rb") as f:
        header = f.read(24)
    assert header[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">I", header[16:20])[0]


def test_screenshots_of_the_demo_council(demo, browser, live_server):
    saved = screenshots.take(browser, live_server.url)
    assert [p.name for p in saved] == ["home.png", "project.png", "project-mobile.png"]
    assert [png_width(p) for p in saved] == [1280, 1280, 390]
