"""Consultations and findings for tests in this app and the apps that cite them.

Rows are made directly (factory_boy), so tests of equality, specifications or tenders do
not depend on how the questionnaire is built or answers are analysed; those are tested
here through the services.
"""

from __future__ import annotations

import datetime as dt

import factory
from django.utils import timezone

from coproduce.understand.consultations.models import Consultation, Finding


class ConsultationFactory(factory.django.DjangoModelFactory):
    """A published consultation, open from ten days ago for twenty days. Pass ``project``
    and ``created_by``."""

    class Meta:
        model = Consultation

    reference = factory.Sequence(lambda n: f"CN-T-{n:05d}")
    title = "Have your say"
    intro = "What we want to know."
    opens_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=10))
    closes_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=10))
    status = "published"
    published_at = factory.LazyFunction(timezone.now)


class FindingFactory(factory.django.DjangoModelFactory):
    """A published finding drawn from 12 people. Pass ``project`` and ``created_by``."""

    class Meta:
        model = Finding

    reference = factory.Sequence(lambda n: f"F-T-{n:05d}")
    statement = "People want more choice."
    people_count = 12
    published_at = factory.LazyFunction(timezone.now)


def make_finding(project, actor, *, published: bool = True, **fields) -> Finding:
    """A finding on ``project`` (a draft unless ``published``); ``fields`` as for the model."""
    return FindingFactory(
        project=project,
        created_by=actor,
        published_at=timezone.now() if published else None,
        **fields,
    )
