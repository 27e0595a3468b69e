"""Writing and verifying the hash-chained audit trail.

``audit_record`` is called by every service that changes state, inside that service's
transaction, so the change and its audit row commit or roll back together. Audit rows
are never written by signals (those miss bulk updates and can fire outside the
transaction).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from .models import AuditChainHead, AuditEvent

GENESIS_HASH = "0" * 64


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, models.Model):
        return str(value.pk)
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_jsonable(v) for v in value]
    if value is None or isinstance(value, bool | int | str):
        return value
    return str(value)


def _canonical(payload: dict[str, Any]) -> str:
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def compute_hash(event: AuditEvent) -> str:
    """SHA-256 over the previous hash and every meaningful field of ``event``."""
    payload = {
        "seq": event.seq,
        "occurred_at": event.occurred_at.astimezone(dt.UTC).isoformat(),
        "actor_id": event.actor_id,
        "actor_label": event.actor_label,
        "verb": event.verb,
        "target_type": event.target_type,
        "target_id": event.target_id,
        "target_label": event.target_label,
        "changes": event.changes,
        "reason": event.reason,
        "prev_hash": event.prev_hash,
    }
    return hashlib.sha256(_canonical(payload).encode()).hexdigest()


def actor_label_for(actor) -> str:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return "system"
    return actor.get_username()


def audit_record(
    *,
    actor,
    verb: str,
    target: models.Model,
    changes: dict[str, Any] | None = None,
    reason: str = "",
) -> AuditEvent:
    """Append one event to the chain. Must run inside the caller's transaction.

    ``changes`` maps a field name to ``[old, new]`` (or to a value for creations).
    The chain head is locked so concurrent writers chain one after another.
    """
    conn = transaction.get_connection()
    if not conn.in_atomic_block:
        raise RuntimeError("audit_record must be called inside transaction.atomic().")
    head = AuditChainHead.objects.select_for_update().filter(pk=1).first()
    if head is None:  # only after a test flush emptied the table; migrations create it
        head = AuditChainHead.objects.create(pk=1, seq=0, last_hash=GENESIS_HASH)
    event = AuditEvent(
        seq=head.seq + 1,
        occurred_at=timezone.now(),
        actor_id=actor.pk if getattr(actor, "is_authenticated", False) else None,
        actor_label=actor_label_for(actor)[:254],
        verb=verb,
        target_type=target._meta.label_lower,
        target_id=str(target.pk),
        target_label=str(target)[:255],
        changes=_jsonable(changes or {}),
        reason=reason,
        prev_hash=head.last_hash,
    )
    event.hash = compute_hash(event)
    event.save(force_insert=True)
    AuditChainHead.objects.filter(pk=1).update(seq=event.seq, last_hash=event.hash)
    return event


def diff(instance: models.Model, new_values: dict[str, Any]) -> dict[str, list[Any]]:
    """The ``{field: [old, new]}`` map of values that ``new_values`` would change."""
    out: dict[str, list[Any]] = {}
    for field, new in new_values.items():
        old = getattr(instance, field)
        if old != new:
            out[field] = [_jsonable(old), _jsonable(new)]
    return out


@dataclass(frozen=True)
class ChainProblem:
    """Where and why the audit chain stops being trustworthy."""

    seq: int
    reason: str


def verify_chain(*, chunk_size: int = 2000) -> tuple[int, ChainProblem | None]:
    """Walk the whole chain in order; return (events checked, first problem or None)."""
    expected_seq = 1
    prev_hash = GENESIS_HASH
    checked = 0
    rows: Iterator[AuditEvent] = AuditEvent.objects.order_by("seq").iterator(chunk_size=chunk_size)
    for event in rows:
        if event.seq != expected_seq:
            return checked, ChainProblem(
                expected_seq, f"event #{expected_seq} is missing (next stored is #{event.seq})"
            )
        if event.prev_hash != prev_hash:
            return checked, ChainProblem(
                event.seq, "its previous-hash link does not match the event before it"
            )
        if compute_hash(event) != event.hash:
            return checked, ChainProblem(event.seq, "its content does not match its hash")
        prev_hash = event.hash
        expected_seq += 1
        checked += 1
    head = AuditChainHead.objects.filter(pk=1).first()
    head_seq, head_hash = (head.seq, head.last_hash) if head else (0, GENESIS_HASH)
    if head_seq != checked or head_hash != prev_hash:
        return checked, ChainProblem(
            checked + 1,
            f"the chain head records {head_seq} events but {checked} are stored "
            "(events at the end were removed)",
        )
    return checked, None
