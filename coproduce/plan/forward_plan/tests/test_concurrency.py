"""Capacity holds when many people register at once (row lock on the event, PostgreSQL)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections  # noqa: F401 (used by skipif)

from coproduce.foundation.core.errors import ServiceError
from coproduce.plan.forward_plan import services as svc
from coproduce.plan.forward_plan.models import EventRegistration, ForumEvent

from .factories import make_event, reg

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        "connection.vendor != 'postgresql'", reason="row locks are exercised on PostgreSQL"
    ),
]


def test_twenty_simultaneous_registrations_for_five_places_give_exactly_five(commissioner):
    event = make_event(actor=commissioner, capacity=5)
    barrier = threading.Barrier(20)
    full, other = [], []

    def register(i: int) -> None:
        try:
            barrier.wait()
            fresh = ForumEvent.objects.get(pk=event.pk)
            svc.registration_create(
                actor=None, event=fresh, data=reg(name=f"P{i}", email=f"p{i}@example.org")
            )
        except ServiceError as exc:
            (full if exc.code == "event_full" else other).append(exc)
        except BaseException as exc:
            other.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=register, args=(i,)) for i in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert other == []
    assert len(full) == 15
    assert EventRegistration.objects.filter(event=event, cancelled_at__isnull=True).count() == 5
