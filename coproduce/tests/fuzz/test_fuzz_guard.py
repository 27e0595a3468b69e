"""Every URL pattern has a fuzz row (as every bid page has a permission-matrix row)."""

from __future__ import annotations

from .rows import all_rows
from .world import url_patterns


def test_every_url_pattern_has_a_fuzz_row():
    rows = all_rows()
    missing = sorted({key for key, _route in url_patterns() if key not in rows})
    assert not missing, f"add these URL names to coproduce/tests/fuzz/rows.py: {missing}"


def test_no_fuzz_row_is_left_over_from_a_removed_page():
    names = {key for key, _route in url_patterns()}
    stale = sorted(key for key in all_rows() if key not in names)
    assert not stale, f"remove these rows from coproduce/tests/fuzz/rows.py: {stale}"
