"""Test support: the reference data that lives beside the repository, not in it.

Developers and CI have a folder ``shared/data`` next to the repository (real participatory
budgeting elections, the OCDS and 360Giving schemas, sample files). A public clone does
not, and must still run its tests, so a test that needs one of those files asks for it
here:

- the folder is found at ``$COPRODUCE_SHARED_DATA`` or, by default, ``<repo>/../shared/data``;
- when it is absent and the ``CI`` variable is not set, the test is **skipped** with a reason
  that says where the data was looked for;
- when ``CI`` is set, a missing file **fails** the test: CI must never go green by skipping.
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connections

ENV_VAR = "COPRODUCE_SHARED_DATA"


def shared_data_dir() -> Path:
    """Where the shared reference data is looked for (it may not exist)."""
    override = os.environ.get(ENV_VAR)
    if override:
        return Path(override)
    return Path(settings.BASE_DIR).parent / "shared" / "data"


def in_ci() -> bool:
    """True when running under CI (any non-empty ``CI`` other than ``0``/``false``)."""
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def shared_data_missing(path: Path) -> None:
    """Skip (on a developer's clone) or fail (in CI) because ``path`` is absent."""
    message = (
        f"needs the shared reference data, which is not here: {path} "
        f"(a public clone has no ../shared; set {ENV_VAR} to its data folder to run this test)"
    )
    if in_ci():
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


def require_shared_data(*parts: str) -> Path:
    """Path of a file or folder under the shared data; skips or fails when absent."""
    path = shared_data_dir().joinpath(*parts)
    if not path.exists():
        shared_data_missing(path)
    return path


SUBMISSION_KEY_INPUT = re.compile(r'name="submission_key" value="([^"]+)"')


def submission_key_of(response) -> str:
    """The one-time ``submission_key`` of the (first) create form on a rendered page."""
    found = SUBMISSION_KEY_INPUT.search(response.content.decode())
    assert found, "the page has no submission_key input"
    return found.group(1)


def run_concurrently(n: int, work: Callable[[int], object]) -> list[BaseException]:
    """Run ``work(0)``…``work(n - 1)`` in ``n`` threads released at the same instant.

    Each thread has its own database connection (closed when it ends), so on PostgreSQL
    the calls really race; returns the exceptions they raised, for the test to assert on.
    """
    barrier = threading.Barrier(n)
    errors: list[BaseException] = []

    def target(i: int) -> None:
        try:
            barrier.wait()
            work(i)
        except BaseException as exc:  # collected for the assertion
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=target, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return errors
