"""Nothing twice on PostgreSQL: simultaneous supports, and a merge racing with supports."""

from __future__ import annotations

import pytest
from django.db import connection, connections  # noqa: F401 - connection is read by skipif

from coproduce.foundation.accounts.tests.factories import UserFactory
from coproduce.foundation.core.audit import verify_chain
from coproduce.foundation.core.errors import ServiceError
from coproduce.foundation.core.models import AuditEvent
from coproduce.foundation.core.testing import run_concurrently
from coproduce.understand.ideas.models import Area, Idea, Support
from coproduce.understand.ideas.services import (
    IdeaData,
    areas_ensure,
    idea_merge,
    idea_submit,
    idea_support,
)

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        "connection.vendor != 'postgresql'", reason="row locks are exercised on PostgreSQL"
    ),
]


@pytest.fixture
def idea(resident):
    areas_ensure()
    return idea_submit(
        actor=resident,
        project=None,
        data=IdeaData(
            title="Evening club", description="After 6pm", area_id=Area.objects.first().pk
        ),
    )


def test_twenty_simultaneous_clicks_by_one_person_count_once(idea, resident):
    assert (
        run_concurrently(
            20, lambda _: idea_support(actor=resident, idea=Idea.objects.get(pk=idea.pk))
        )
        == []
    )
    assert Support.objects.filter(idea=idea).count() == 1
    assert AuditEvent.objects.filter(verb="ideas.idea.supported").count() == 1
    assert verify_chain()[1] is None


def test_twenty_people_supporting_at_once_are_all_counted(idea):
    people = [UserFactory() for _ in range(20)]
    assert (
        run_concurrently(
            20, lambda i: idea_support(actor=people[i], idea=Idea.objects.get(pk=idea.pk))
        )
        == []
    )
    assert Support.objects.filter(idea=idea).count() == 20
    assert verify_chain()[1] is None


def test_supports_racing_a_merge_never_count_anyone_twice(idea, resident, commissioner):
    dup = idea_submit(
        actor=resident,
        project=None,
        data=IdeaData(title="Club at night", description="x", area_id=idea.area_id),
    )
    people = [UserFactory() for _ in range(10)]
    for person in people[:5]:
        idea_support(actor=person, idea=idea)

    def work(i):
        if i == 10:
            idea_merge(
                actor=commissioner,
                duplicate=Idea.objects.get(pk=dup.pk),
                target_reference=idea.reference,
            )
        else:
            try:
                idea_support(actor=people[i], idea=Idea.objects.get(pk=dup.pk))
            except ServiceError as exc:  # supporting after the merge is refused with a message
                if exc.code != "merged":
                    raise

    assert run_concurrently(11, work) == []
    users = list(Support.objects.filter(idea=idea).values_list("user_id", flat=True))
    assert len(users) == len(set(users))
    assert not Support.objects.filter(idea=dup).exists()
    assert verify_chain()[1] is None
