"""Shared pytest fixtures: one user per role, an organisation, projects made through
services, and the demo council loaded once for the tests that ask for it (``demo_world``).

``make test`` runs the suite on every core (pytest-xdist, ``--dist loadgroup``); each
worker has its own test database. ``make test PYTEST_ARGS="path -n0"`` runs a part of it
in one process.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import gc
import hashlib
import os
import sqlite3
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import connection, transaction
from django.test import TestCase
from django.test.utils import override_settings

from coproduce.foundation.accounts.tests.factories import OrganisationFactory, UserFactory
from coproduce.foundation.commissioning.tests.factories import make_project

CONFIGURED_LETTER_FONT_DIR = django_settings.LETTER_FONT_DIR


def pytest_configure(config):
    """Fewer garbage collector passes: a test run makes millions of short-lived objects
    (querysets, template contexts, requests) and Python's default thresholds run the cycle
    collector thousands of times over them. Everything loaded so far (Django, the apps) is
    moved out of the collector's sight for good; cycles are still collected, less often."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(50_000, 50, 100)


@pytest.fixture(autouse=True)
def _fast_settings(settings):
    settings.AXES_ENABLED = False
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    # Award letter PDFs in the built-in Helvetica instead of parsing and subsetting DejaVu
    # Sans for every PDF (about 0.15 s each: two thirds of the awards tests' time), as the
    # MD5 password hasher stands in for the slow production one. The tests of the letter
    # font itself ask for ``letter_font``, which puts the configured font back.
    settings.LETTER_FONT_DIR = ""


@pytest.fixture
def letter_font(settings):
    """Award letter PDFs in the configured Unicode font (DejaVu Sans), as in production."""
    settings.LETTER_FONT_DIR = CONFIGURED_LETTER_FONT_DIR
    return CONFIGURED_LETTER_FONT_DIR


# --- The migrated test database, built once ----------------------------------------------
#
# Migrating an empty database takes about 15 s of CPU (Django re-renders the model states
# of some 60 migrations). With SQLite's in-memory test database (the default), the first
# run migrates and keeps a copy in build/test-db/, named after a hash of every migration
# file; later runs, and the other xdist workers of the same run, restore that copy in a
# fraction of a second instead. A changed or new migration changes the name, so the copy
# is never stale. COPRODUCE_TEST_DB_CACHE=0 turns this off (or names another folder).

TEST_DB_CACHE = os.environ.get("COPRODUCE_TEST_DB_CACHE", "")


def _migrations_key() -> str:
    import django
    from django.db.migrations.loader import MigrationLoader

    digest = hashlib.sha256()
    digest.update(f"{django.__version__} {sqlite3.sqlite_version} {sys.version}".encode())
    loader = MigrationLoader(None, ignore_no_migrations=True)
    for key in sorted(loader.disk_migrations):
        path = Path(sys.modules[loader.disk_migrations[key].__module__].__file__)
        digest.update(f"{key}".encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _migrate_sqlite_from_copy(connection, migrate) -> None:
    folder = Path(TEST_DB_CACHE or Path(__file__).parent / "build" / "test-db")
    folder.mkdir(parents=True, exist_ok=True)
    copy = folder / f"migrated-{_migrations_key()}.sqlite3"
    with open(folder / "lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # one xdist worker migrates, the others wait
        connection.ensure_connection()
        if copy.exists():
            source = sqlite3.connect(copy)
            source.backup(connection.connection)
            source.close()
            return
        migrate()
        partial = copy.with_suffix(f".{os.getpid()}.partial")
        target = sqlite3.connect(partial)
        connection.connection.backup(target)
        target.close()
        os.replace(partial, copy)


@pytest.fixture(scope="session")
def _migrations_from_copy():
    """While the test databases are made: an in-memory SQLite one is filled from the copy."""
    from django.core import management
    from django.db import connections

    real = management.call_command

    def call_command(name, *args, **options):
        connection = connections[options.get("database", "default")]
        if (
            name == "migrate"
            and TEST_DB_CACHE != "0"
            and connection.vendor == "sqlite"
            and connection.is_in_memory_db()
        ):
            return _migrate_sqlite_from_copy(connection, lambda: real(name, *args, **options))
        return real(name, *args, **options)

    def undo():
        management.call_command = real

    management.call_command = call_command
    yield undo
    undo()


@pytest.fixture(scope="session")
def django_db_setup(_migrations_from_copy, django_db_setup):
    """pytest-django's ``django_db_setup`` (the argument), made with the copy above."""
    _migrations_from_copy()


# --- The demo council, loaded once -----------------------------------------------------
#
# Loading the demo council through the services takes about 20 s of CPU. The tests that
# ask for ``demo_world`` share one load: the first of them loads it inside a transaction
# that stays open, each test runs in a savepoint inside it (pytest-django's ``db``), and
# the transaction is rolled back before the first test that did not ask for the demo, so
# no other test ever sees demo data. The demo tests are run first and together (under
# xdist, all of coproduce/demo/tests on one worker), so the demo is loaded once per run.

DEMO_GROUP = "demo"
# Tests asking for demo_world belong here (the fuzz suite reaches every page through it).
DEMO_TESTS = ("coproduce/demo/tests/", "coproduce/tests/fuzz/")


@dataclass
class DemoWorld:
    """The demo council as loaded for the tests; ``created`` is what that load returned
    (``coproduce.demo.data.load()`` on a freshly migrated database)."""

    created: dict


class _World:
    atomic: transaction.Atomic | None = None
    blocker = None
    value: DemoWorld | None = None

    @classmethod
    def load(cls, blocker) -> DemoWorld:
        if cls.value is not None:
            return cls.value
        from coproduce.demo import data

        with blocker.unblock():
            atomic = transaction.atomic()
            atomic.__enter__()
            try:
                # As ``manage.py load_demo`` does: the demo's emails stay off the console;
                # the after-commit work it starts (award letters, emails) runs as it would
                # when the load commits (this transaction never does).
                with (
                    override_settings(
                        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"
                    ),
                    TestCase.captureOnCommitCallbacks(execute=True),
                ):
                    created = data.load()
            except BaseException as exc:
                transaction.set_rollback(True)
                atomic.__exit__(type(exc), exc, exc.__traceback__)
                raise
        cls.atomic, cls.blocker, cls.value = atomic, blocker, DemoWorld(created=created)
        return cls.value

    @classmethod
    def unload(cls) -> None:
        if cls.atomic is None:
            return
        atomic, blocker = cls.atomic, cls.blocker
        cls.atomic = cls.blocker = cls.value = None
        with blocker.unblock():
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture(scope="session")
def _demo_world_session(django_db_setup, django_db_blocker):
    """Rolls the demo back at the end of the run, before the test database goes."""
    yield django_db_blocker
    _World.unload()


@pytest.fixture
def _demo_world_loaded(_demo_world_session) -> DemoWorld:
    if len(connection.atomic_blocks) != (0 if _World.atomic is None else 1):
        pytest.fail(
            "demo_world must be set up before the test's own transaction: ask for "
            "demo_world instead of db, and do not mark the test with django_db."
        )
    return _World.load(_demo_world_session)


@pytest.fixture
def demo_world(_demo_world_loaded, db) -> DemoWorld:
    """The Riverside demo council (``manage.py load_demo``), with database access.

    Ask for it instead of ``db`` (not with a ``django_db`` mark), in a test module under
    coproduce/demo/tests: the test's savepoint (``db``) is then opened inside the
    transaction that holds the demo. Changes a test makes are rolled back after it.
    """
    return _demo_world_loaded


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    """Before any fixture of a test that did not ask for the demo, roll the demo back."""
    if not _wants_demo(item):
        _World.unload()


def _wants_demo(item) -> bool:
    return "demo_world" in getattr(item, "fixturenames", ())


DB_FIXTURES = frozenset(
    {"db", "transactional_db", "django_db_setup", "django_db_reset_sequences", "live_server"}
)


def _needs_db(item) -> bool:
    names = set(getattr(item, "fixturenames", ()))
    return bool(names & DB_FIXTURES) or item.get_closest_marker("django_db") is not None


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """The demo tests first, so the demo is loaded once; then the tests that need no
    database, so that under xdist the other worker runs them while the first one migrates
    (on a fresh checkout) instead of waiting for the lock; then the rest, each group in
    pytest-django's order."""
    demo = [item for item in items if _wants_demo(item)]
    chosen = set(map(id, demo))
    rest = [item for item in items if id(item) not in chosen]
    items[:] = demo + sorted(rest, key=_needs_db)


@pytest.hookimpl(tryfirst=True, optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    """``--dist loadgroup``: every test of coproduce/demo/tests goes to one worker, which
    loads the demo once; every other test is scheduled on its own, to whichever worker is
    free. (xdist's own ``xdist_group`` mark does not group under pytest 9.2.)"""
    if config.getvalue("dist") != "loadgroup":
        return None
    from xdist.scheduler import LoadGroupScheduling

    class DemoTogether(LoadGroupScheduling):
        def _split_scope(self, nodeid: str) -> str:
            if nodeid.startswith(DEMO_TESTS):
                return DEMO_GROUP
            return super()._split_scope(nodeid)

    return DemoTogether(config, log)


# --- People and projects ----------------------------------------------------------------


@pytest.fixture
def commissioner(db):
    return UserFactory(role="commissioner", full_name="Priya Commissioner")


@pytest.fixture
def finance(db):
    return UserFactory(role="finance")


@pytest.fixture
def platform_admin(db):
    return UserFactory(role="admin", is_staff=True, is_superuser=True)


@pytest.fixture
def resident(db):
    return UserFactory(role="resident")


@pytest.fixture
def provider(db):
    return UserFactory(role="provider")


@pytest.fixture
def organisation(provider):
    return OrganisationFactory(admin=provider)


@pytest.fixture
def draft_project(commissioner):
    return make_project(actor=commissioner)


@pytest.fixture
def published_project(commissioner):
    return make_project(actor=commissioner, published=True, starts_on=dt.date(2027, 4, 1))
