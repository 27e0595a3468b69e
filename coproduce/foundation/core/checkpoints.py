"""Signed, published checkpoints of the audit chain, and checking a chain against them.

A checkpoint states where the public stream stood (sequence number and head hash) at a
moment, plus an HMAC digest of every sealed stream's head, signed with Ed25519. Once the
checkpoints are published (``/audit/checkpoints/`` and its JSON file) and someone has kept
a copy, anything done to the chain before the last checkpoint shows: events removed from
the end with the head moved back, a TRUNCATE, or a chain recomputed without the key.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import functools
import hmac
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from .audit import (
    GENESIS_HASH,
    canonical,
    chain_keys,
    current_chain_key,
    decode_key,
    keyed_digest,
    lock_stream_head,
)
from .models import PUBLIC_STREAM, AuditChainHead, AuditCheckpoint, AuditEvent, CheckpointKind

FILE_FORMAT = "coproduce-audit-checkpoints/1"


# --- keys -------------------------------------------------------------------------------


@functools.lru_cache(maxsize=4)
def _signing_key(text: str) -> Ed25519PrivateKey:
    seed = decode_key(text, setting="AUDIT_CHECKPOINT_SIGNING_KEY")[:32]
    return Ed25519PrivateKey.from_private_bytes(seed)


def signing_key() -> Ed25519PrivateKey:
    return _signing_key(settings.AUDIT_CHECKPOINT_SIGNING_KEY)


def _public_text(key: Ed25519PublicKey) -> str:
    return base64.urlsafe_b64encode(key.public_bytes_raw()).decode()


def current_public_key() -> str:
    """The public key that checks checkpoints signed now (urlsafe base64, 32 bytes)."""
    return _public_text(signing_key().public_key())


def known_public_keys() -> list[str]:
    """The current public key first, then those of earlier signing keys."""
    keys = [current_public_key()]
    keys += [k for k in settings.AUDIT_CHECKPOINT_OLD_PUBLIC_KEYS if k not in keys]
    return keys


# --- what is signed ---------------------------------------------------------------------


def _when(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).isoformat()


def signed_fields(checkpoint: AuditCheckpoint) -> dict[str, Any]:
    """The published fields of a checkpoint, as they appear in the file."""
    return {
        "id": checkpoint.pk,
        "kind": checkpoint.kind,
        "made_at": _when(checkpoint.made_at),
        "stream": PUBLIC_STREAM,
        "seq": checkpoint.seq,
        "head_hash": checkpoint.head_hash,
        "sealed_digest": checkpoint.sealed_digest,
        "chain_key_id": checkpoint.chain_key_id,
        "public_key": checkpoint.public_key,
    }


def signed_payload(fields: dict[str, Any]) -> bytes:
    """The bytes the signature covers (everything published except the id and signature)."""
    names = ("kind", "made_at", "stream", "seq", "head_hash", "sealed_digest", "chain_key_id")
    return canonical({"format": FILE_FORMAT, **{name: fields[name] for name in names}}).encode()


def published(checkpoint: AuditCheckpoint) -> dict[str, Any]:
    return {**signed_fields(checkpoint), "signature": checkpoint.signature}


def checkpoints_document() -> dict[str, Any]:
    """The downloadable file: every checkpoint, oldest first, with the keys to check them."""
    return {
        "format": FILE_FORMAT,
        "public_keys": known_public_keys(),
        "signature_algorithm": "Ed25519 over the canonical JSON of the signed fields",
        "checkpoints": [published(c) for c in AuditCheckpoint.objects.order_by("made_at", "id")],
    }


def published_checkpoints() -> QuerySet[AuditCheckpoint]:
    """Checkpoints for the public page, newest first (every one is public)."""
    return AuditCheckpoint.objects.order_by("-made_at", "-id")


# --- making one -------------------------------------------------------------------------


def audit_checkpoint_make(
    *, kind: str = CheckpointKind.HOURLY, now: dt.datetime | None = None
) -> AuditCheckpoint:
    """Sign and store where the audit chain stands now.

    Runs inside the caller's transaction when there is one (a stage decision records its
    checkpoint with the decision), otherwise in its own. The public head is locked, as
    every audit writer does, so the heads read are one consistent moment. An hourly
    checkpoint is made at most once per clock hour: asking again in the same hour returns
    the one already made. A checkpoint writes no audit event of its own (that event would
    move the head it records); the append-only checkpoint table is its record.
    """
    now = now or timezone.now()
    hour = now.replace(minute=0, second=0, microsecond=0) if kind == CheckpointKind.HOURLY else None
    with transaction.atomic():
        public = lock_stream_head(PUBLIC_STREAM)
        if hour is not None:
            existing = AuditCheckpoint.objects.filter(kind=kind, hour=hour).first()
            if existing is not None:
                return existing
        sealed_heads = {
            head.stream: [head.seq, head.last_hash]
            for head in AuditChainHead.objects.exclude(stream=PUBLIC_STREAM).order_by("stream")
        }
        key_id, key = current_chain_key()
        checkpoint = AuditCheckpoint(
            kind=kind,
            made_at=now,
            hour=hour,
            seq=public.seq,
            head_hash=public.last_hash,
            sealed_heads=sealed_heads,
            sealed_digest=keyed_digest(key, sealed_heads),
            chain_key_id=key_id,
            public_key=current_public_key(),
        )
        signature = signing_key().sign(signed_payload(signed_fields(checkpoint)))
        checkpoint.signature = base64.urlsafe_b64encode(signature).decode()
        try:
            with transaction.atomic():
                checkpoint.save(force_insert=True)
        except IntegrityError:  # another process made this hour's checkpoint meanwhile
            return AuditCheckpoint.objects.get(kind=kind, hour=hour)
    return checkpoint


# --- checking a chain against published checkpoints -------------------------------------


@dataclass(frozen=True)
class CheckpointProblem:
    """A published checkpoint that the stored chain (or the file itself) contradicts."""

    checkpoint: str
    reason: str


def _signature_ok(entry: dict[str, Any]) -> bool:
    try:
        key = Ed25519PublicKey.from_public_bytes(base64.urlsafe_b64decode(entry["public_key"]))
        key.verify(base64.urlsafe_b64decode(entry["signature"]), signed_payload(entry))
    except (InvalidSignature, ValueError, TypeError, binascii.Error):
        return False
    return True


def _event_hash(stream: str, seq: int) -> str | None:
    if seq == 0:
        return GENESIS_HASH
    return AuditEvent.objects.filter(stream=stream, seq=seq).values_list("hash", flat=True).first()


def _check_entry(entry: dict[str, Any], known_keys: list[str]) -> str | None:
    if entry.get("public_key") not in known_keys:
        return "it is signed with a key this site does not list"
    if not _signature_ok(entry):
        return "its signature does not match: the file was altered"
    stored = AuditCheckpoint.objects.filter(pk=entry["id"]).first()
    if stored is None:
        return "it is missing from the database (deleted, or the table was emptied)"
    if published(stored) != entry:
        return "the stored checkpoint differs from the published one"
    if _event_hash(PUBLIC_STREAM, stored.seq) != stored.head_hash:
        return (
            f"the public stream no longer has event #{stored.seq} as published: events were "
            "removed or the chain was rewritten"
        )
    key = chain_keys().get(stored.chain_key_id)
    if key is None:
        return f"its sealed digest uses chain key {stored.chain_key_id}, which this server lacks"
    if not hmac.compare_digest(keyed_digest(key, stored.sealed_heads), stored.sealed_digest):
        return "the stored record of the sealed streams was altered"
    for stream, (seq, head_hash) in sorted(stored.sealed_heads.items()):
        if _event_hash(stream, seq) != head_hash:
            return f"a sealed stream no longer has its event #{seq} as at this checkpoint"
    return None


def verify_checkpoints(document: dict[str, Any]) -> tuple[int, list[CheckpointProblem]]:
    """Check every checkpoint of a published file against the stored chain.

    Returns (checkpoints checked, problems). A checkpoint holds if its signature is good
    under a key this site lists, the same checkpoint is stored, and the stored chain still
    has, at the sequence number it names, the head hash it names, in the public stream and
    in every sealed stream. Run it with ``verify_chain`` (``manage.py audit_verify
    --checkpoint FILE``): together they cover the whole chain up to the last checkpoint.
    """
    if not isinstance(document, dict) or document.get("format") != FILE_FORMAT:
        return 0, [CheckpointProblem("file", f"it is not a {FILE_FORMAT} file")]
    known = known_public_keys()
    problems: list[CheckpointProblem] = []
    entries = document.get("checkpoints") or []
    for entry in entries:
        try:
            reason = _check_entry(entry, known)
        except (KeyError, TypeError, ValueError, AttributeError):
            reason = "it is not a well-formed checkpoint"
        if reason:
            label = entry.get("made_at", "?") if isinstance(entry, dict) else "?"
            problems.append(CheckpointProblem(f"checkpoint of {label}", reason))
    return len(entries), problems
