"""Background jobs for awards (Django tasks API), enqueued with ``transaction.on_commit``.

With the default ``ImmediateBackend`` a job runs in the same process as soon as the
transaction that enqueued it commits; with a queue backend, a worker runs it later.
Either way the decision is already stored, and the job is safe to run again.
"""

from __future__ import annotations

import logging

from django_tasks import task

from .services_letters import award_letters_write

logger = logging.getLogger(__name__)


@task()
def write_award_letters(decision_id: int) -> int:
    """Write every bidder's assessment letters (standard and easy read, HTML and PDF) for
    one award decision; returns how many. Idempotent: see ``services_letters``."""
    try:
        return award_letters_write(decision_id=decision_id)
    except Exception:
        # The decision stands and its page says the letters are being prepared; an
        # officer can regenerate them once the cause (a missing font, say) is fixed.
        logger.exception("Assessment letters for award decision %s were not written", decision_id)
        raise
