"""The demo ideas load through the services, and loading twice adds nothing."""

from __future__ import annotations

from coproduce.demo import data
from coproduce.foundation.core.audit import verify_chain
from coproduce.foundation.core.models import AuditEvent
from coproduce.understand.ideas.models import CommentReport, Idea, Support


def test_demo_ideas_load_once_with_merges_decisions_and_a_reported_comment(demo_world):
    # What the one load of the demo (on a freshly migrated database) created.
    first = demo_world.created
    assert first["ideas"] == 100
    workshop = Idea.objects.filter(event_name="Kick-off workshop, 3 March")
    assert workshop.count() == 96
    assert workshop.filter(status="merged").count() == 3
    assert workshop.filter(status="taken_forward").count() == 8
    assert workshop.filter(status="not_taken_forward").count() == 2
    assert CommentReport.objects.filter(decided_at__isnull=True).count() == 1
    assert Idea.objects.filter(project=None).count() == 4
    evening = Idea.objects.get(title="Evening club")
    # Four supporters of the kept idea plus the one supporter of the duplicate who had not
    # supported it already (the resident supported both and counts once).
    assert Support.objects.filter(idea=evening).count() == 5
    counts = (Idea.objects.count(), Support.objects.count(), AuditEvent.objects.count())
    again = data.load()
    assert again["ideas"] == 0
    assert (Idea.objects.count(), Support.objects.count(), AuditEvent.objects.count()) == counts
    assert verify_chain()[1] is None
