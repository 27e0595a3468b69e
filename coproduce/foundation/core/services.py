"""Core write helpers shared by the domain services."""

from __future__ import annotations

from django.db import transaction

from .models import Counter


def counter_next(*, name: str) -> int:
    """Return the next value of a named counter, gap-free under concurrency.

    The row is locked for the rest of the caller's transaction, so two concurrent
    callers never receive the same value.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("counter_next must be called inside transaction.atomic().")
    counter, _ = Counter.objects.select_for_update().get_or_create(name=name)
    counter.value += 1
    Counter.objects.filter(pk=counter.pk).update(value=counter.value)
    return counter.value
