"""Projects for tests in every app, made through the services as a person would."""

from __future__ import annotations

import datetime as dt

from coproduce.foundation.accounts.models import User
from coproduce.foundation.commissioning.models import CommissioningProject
from coproduce.foundation.commissioning.services import ProjectData, project_create, project_publish
from coproduce.foundation.core.tests.factories import service_area


def make_project(*, actor: User, published: bool = False, **overrides) -> CommissioningProject:
    """A project created (and optionally published) through the services, as a person would."""
    values = {
        "title": "Day opportunities",
        "service_area_id": service_area().pk,
        "summary": "Things to do in the day for adults with learning disabilities.",
        "budget_pence": 240_000_000,
        "starts_on": dt.date(2027, 4, 1),
        "ends_on": dt.date(2032, 3, 31),
        "owner_id": actor.pk,
    }
    values.update(overrides)
    project = project_create(actor=actor, data=ProjectData(**values))
    if published:
        project = project_publish(actor=actor, project=project)
    return project
