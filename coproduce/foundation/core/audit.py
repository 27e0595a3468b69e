"""Writing and verifying the hash-chained audit trail.

``audit_record`` is called by every service that changes state, inside that service's
transaction, so the change and its audit row commit or roll back together. Audit rows
are never written by signals (those miss bulk updates and can fire outside the
transaction).
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import functools
import hashlib
import hmac
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models, transaction
from django.db.models import CharField, Q, QuerySet, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone

from .models import LEGACY_KEY_ID, PUBLIC_STREAM, AuditChainHead, AuditEvent

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


def canonical(payload: Any) -> str:
    """The one JSON spelling of ``payload`` that hashes and signatures are computed over."""
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


# --- keys -------------------------------------------------------------------------------


def decode_key(text: str, *, setting: str) -> bytes:
    """A key from settings: urlsafe base64 of at least 32 bytes, or ImproperlyConfigured."""
    try:
        raw = base64.urlsafe_b64decode(text.encode())
    except (binascii.Error, ValueError):
        raise ImproperlyConfigured(f"{setting} must be urlsafe base64.") from None
    if len(raw) < 32:
        raise ImproperlyConfigured(f"{setting} must be at least 32 random bytes.")
    return raw


def key_id_for(key: bytes) -> str:
    """A short public name for a chain key, stored on every event it chains.

    A hash of the key, so it tells nothing about the key itself but lets a verifier pick
    the right key after a rotation.
    """
    return hashlib.sha256(b"coproduce-audit-chain-key-id:" + key).hexdigest()[:12]


@functools.lru_cache(maxsize=8)
def _parse_keys(current: str, old: tuple[str, ...]) -> tuple[str, dict[str, bytes]]:
    key = decode_key(current, setting="AUDIT_CHAIN_KEY")
    keys = {key_id_for(key): key}
    for text in old:
        old_key = decode_key(text, setting="AUDIT_CHAIN_OLD_KEYS")
        keys.setdefault(key_id_for(old_key), old_key)
    return key_id_for(key), keys


def chain_keys() -> dict[str, bytes]:
    """Every chain key this server has (current and old), by key id."""
    return _parse_keys(settings.AUDIT_CHAIN_KEY, tuple(settings.AUDIT_CHAIN_OLD_KEYS))[1]


def current_chain_key() -> tuple[str, bytes]:
    """The key new events are chained with, and its id."""
    key_id, keys = _parse_keys(settings.AUDIT_CHAIN_KEY, tuple(settings.AUDIT_CHAIN_OLD_KEYS))
    return key_id, keys[key_id]


def keyed_digest(key: bytes, payload: Any) -> str:
    """HMAC-SHA256 of the canonical JSON of ``payload``, hex."""
    return hmac.new(key, canonical(payload).encode(), hashlib.sha256).hexdigest()


def legacy_payload(event: AuditEvent) -> dict[str, Any]:
    """The fields every hash covers; on its own, what the unkeyed SHA-256 chain hashed."""
    return {
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


def compute_hash(event: AuditEvent) -> str:
    """The hash that chains ``event`` to the one before it.

    Events chained before the chain was keyed (``key_id`` ``sha256``) keep their plain
    SHA-256; every later event is an HMAC-SHA256 under the chain key named by ``key_id``,
    which also covers the stream and the key id. KeyError if the key is unknown here.
    """
    payload = legacy_payload(event)
    if event.key_id == LEGACY_KEY_ID:
        return hashlib.sha256(canonical(payload).encode()).hexdigest()
    payload["stream"] = event.stream
    payload["key_id"] = event.key_id
    return keyed_digest(chain_keys()[event.key_id], payload)


# --- sealed streams ---------------------------------------------------------------------


@dataclass(frozen=True)
class SealedAudit:
    """How an app keeps some of its audit events sealed until a moment it decides.

    An event whose verb starts with one of ``verb_prefixes`` is written to the sealed
    stream ``"<scope>:<pk>"`` of the object ``scope_of(target)`` returns the pk of (the
    tender, the budgeting round), unless that object is already in ``revealed()``, in which
    case it is written to the public stream. A sealed stream is invisible to every reader
    (its events, their count, its sequence) until its object appears in ``revealed()``;
    then it is shown whole, with its own numbers, so no reader ever sees a gap.
    """

    scope: str
    verb_prefixes: tuple[str, ...]
    scope_of: Callable[[models.Model], Any]
    revealed: Callable[[], QuerySet]


# Filled by apps from ``AppConfig.ready()`` (bids, participatory budgeting).
SEALED_AUDIT: dict[str, SealedAudit] = {}


def register_sealed_audit(sealed: SealedAudit) -> None:
    """Register (or replace, so a repeated ``ready()`` is harmless) an app's sealed events."""
    if ":" in sealed.scope or sealed.scope == PUBLIC_STREAM:
        raise ImproperlyConfigured(f"Bad sealed audit scope {sealed.scope!r}.")
    SEALED_AUDIT[sealed.scope] = sealed


def sealed_registration(verb: str) -> SealedAudit | None:
    """The registration that seals ``verb``, if any."""
    for sealed in SEALED_AUDIT.values():
        if verb.startswith(sealed.verb_prefixes):
            return sealed
    return None


def stream_for(verb: str, target: models.Model) -> str:
    """The stream an event with this verb about this target is written to."""
    sealed = sealed_registration(verb)
    if sealed is None:
        return PUBLIC_STREAM
    scope_pk = sealed.scope_of(target)
    if scope_pk is None:
        # Failing loudly beats writing a sealed event where everyone can read it.
        raise ImproperlyConfigured(
            f"{verb}: cannot tell which {sealed.scope} the {target._meta.label} belongs to."
        )
    if sealed.revealed().filter(pk=scope_pk).exists():
        return PUBLIC_STREAM
    return f"{sealed.scope}:{scope_pk}"


def visible_streams_q() -> Q:
    """Events in the public stream or in a sealed stream whose object is revealed."""
    q = Q(stream=PUBLIC_STREAM)
    for sealed in SEALED_AUDIT.values():
        names = (
            sealed.revealed()
            .order_by()
            .annotate(
                _audit_stream=Concat(
                    Value(f"{sealed.scope}:"),
                    Cast("pk", output_field=CharField()),
                    output_field=CharField(),
                )
            )
            .values("_audit_stream")
        )
        q |= Q(stream__in=names)
    return q


# --- writing ----------------------------------------------------------------------------


def actor_label_for(actor) -> str:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return "system"
    return actor.get_username()


def lock_stream_head(stream: str) -> AuditChainHead:
    """Lock (SELECT … FOR UPDATE) the head of ``stream``, creating it on first use.

    Callers lock the public head first, so a new sealed head is never created twice.
    """
    head = AuditChainHead.objects.select_for_update().filter(stream=stream).first()
    if head is None:  # a new sealed stream, or the public one after a test flush
        AuditChainHead.objects.get_or_create(
            stream=stream, defaults={"seq": 0, "last_hash": GENESIS_HASH}
        )
        head = AuditChainHead.objects.select_for_update().get(stream=stream)
    return head


def audit_record(
    *,
    actor,
    verb: str,
    target: models.Model,
    changes: dict[str, Any] | None = None,
    reason: str = "",
) -> AuditEvent:
    """Append one event to its stream. Must run inside the caller's transaction.

    ``changes`` maps a field name to ``[old, new]`` (or to a value for creations).
    The public head is always locked first (and the sealed stream's head after it, for a
    sealed verb), so concurrent writers chain one after another and never deadlock.
    """
    conn = transaction.get_connection()
    if not conn.in_atomic_block:
        raise RuntimeError("audit_record must be called inside transaction.atomic().")
    public = lock_stream_head(PUBLIC_STREAM)
    stream = stream_for(verb, target)
    head = public if stream == PUBLIC_STREAM else lock_stream_head(stream)
    key_id, _key = current_chain_key()
    event = AuditEvent(
        stream=stream,
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
        key_id=key_id,
    )
    event.hash = compute_hash(event)
    event.save(force_insert=True)
    AuditChainHead.objects.filter(pk=head.pk).update(seq=event.seq, last_hash=event.hash)
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
    stream: str = PUBLIC_STREAM

    @property
    def where(self) -> str:
        return f"#{self.seq}" if self.stream == PUBLIC_STREAM else f"{self.stream} #{self.seq}"


@dataclass
class _StreamWalk:
    stream: str
    expected_seq: int = 1
    prev_hash: str = GENESIS_HASH
    keyed_seen: bool = False


def _check_event(walk: _StreamWalk, event: AuditEvent, keys: dict[str, bytes]) -> str | None:
    """Why ``event`` does not continue its stream correctly, or None."""
    if event.seq != walk.expected_seq:
        return f"event #{walk.expected_seq} is missing (next stored is #{event.seq})"
    if event.prev_hash != walk.prev_hash:
        return "its previous-hash link does not match the event before it"
    if event.key_id == LEGACY_KEY_ID:
        if walk.keyed_seen or walk.stream != PUBLIC_STREAM:
            return (
                "it has an unkeyed SHA-256 hash where only keyed hashes may follow: "
                "the chain was recomputed without the key"
            )
    elif event.key_id not in keys:
        return (
            f"it was chained with key {event.key_id}, which this server does not have "
            "(an old key missing from AUDIT_CHAIN_OLD_KEYS, or a forged chain)"
        )
    if not hmac.compare_digest(compute_hash(event), event.hash):
        return "its content does not match its hash"
    return None


def _check_head(walk: _StreamWalk, head: AuditChainHead | None) -> ChainProblem | None:
    stored = walk.expected_seq - 1
    head_seq, head_hash = (head.seq, head.last_hash) if head else (0, GENESIS_HASH)
    if head_seq != stored or head_hash != walk.prev_hash:
        return ChainProblem(
            stored + 1,
            f"the chain head records {head_seq} events but {stored} are stored "
            "(events at the end were removed)",
            walk.stream,
        )
    return None


def verify_chain(*, chunk_size: int = 2000) -> tuple[int, ChainProblem | None]:
    """Walk every stream in order; return (events checked, first problem or None).

    Checks, in each stream: sequence without gaps, each link to the previous hash, each
    hash (keyed with the key its event names; unkeyed only for events from before the
    chain was keyed, never after a keyed one), and that the stream's head matches its last
    event. What this cannot see (the last events removed *and* the head moved back, or a
    chain recomputed by someone holding the key) is what checkpoints are for
    (``verify_checkpoints``).
    """
    keys = chain_keys()
    heads = {head.stream: head for head in AuditChainHead.objects.all()}
    checked = 0
    walk: _StreamWalk | None = None
    rows: Iterator[AuditEvent] = AuditEvent.objects.order_by("stream", "seq").iterator(
        chunk_size=chunk_size
    )
    for event in rows:
        if walk is None or event.stream != walk.stream:
            if walk is not None and (problem := _check_head(walk, heads.pop(walk.stream, None))):
                return checked, problem
            walk = _StreamWalk(event.stream)
        if reason := _check_event(walk, event, keys):
            seq = walk.expected_seq if event.seq != walk.expected_seq else event.seq
            return checked, ChainProblem(seq, reason, event.stream)
        walk.prev_hash = event.hash
        walk.keyed_seen = walk.keyed_seen or event.key_id != LEGACY_KEY_ID
        walk.expected_seq += 1
        checked += 1
    if walk is not None and (problem := _check_head(walk, heads.pop(walk.stream, None))):
        return checked, problem
    # Heads of streams with no events left at all (the public head always exists).
    heads.setdefault(PUBLIC_STREAM, None)
    for stream, head in sorted(heads.items(), key=lambda item: item[0]):
        if problem := _check_head(_StreamWalk(stream), head):
            return checked, problem
    return checked, None
