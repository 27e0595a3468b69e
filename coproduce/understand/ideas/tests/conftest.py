"""Fixtures for the ideas board: seeded areas and ideas made through the services."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from coproduce.understand.ideas.models import Area
from coproduce.understand.ideas.services import IdeaData, areas_ensure, idea_submit


@pytest.fixture(autouse=True)
def _clean_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def areas(db):
    areas_ensure()  # a transactional test elsewhere may have flushed the seeded rows
    return {a.slug: a for a in Area.objects.all()}


@pytest.fixture
def make_idea(areas):
    def make(
        *,
        actor,
        project=None,
        title="An evening club",
        description="Somewhere to meet friends after 6pm.",
        area="millbrook",
    ):
        return idea_submit(
            actor=actor,
            project=project,
            data=IdeaData(title=title, description=description, area_id=areas[area].pk),
        )

    return make
