"""Fixtures shared with the panels' tests: awards sits above panels, so its tests may use
the panel fixtures (a closed tender with a scoring panel, and the conflicted officer)."""

from coproduce.procure.panels.tests.conftest import chair_user, panel  # noqa: F401
from coproduce.procure.panels.tests.test_conflicts import world  # noqa: F401
