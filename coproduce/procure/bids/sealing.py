"""Encryption for bids: what is stored, with which key, and when it can be read.

Three layers (see docs/bids.md, "How keys are managed"):

* **Master key** (setting ``BID_SEALING_KEY``, 32 bytes, urlsafe base64), kept outside the
  database. Its id is the first 8 hex digits of its SHA-256, stored next to everything it
  wraps, so earlier keys listed in ``BID_SEALING_OLD_KEYS`` still unwrap (rotation).
* **Per-bid data keys** (AES-256-GCM): ``encrypt_for_bid`` makes a fresh key for every
  draft save, encrypts with it, and returns it wrapped with the master key. Used for the
  working draft (``BidDraft``) and documents (``BidFile.ciphertext`` holds one packed blob,
  see ``encrypt_blob``), which the bidding organisation reads while preparing its bid.
* **Per-tender key pair** (X25519): the public key seals each submitted bid
  (``seal_to_tender``: ephemeral X25519 + HKDF-SHA256 + AES-256-GCM); the private key is
  stored only wrapped with the master key and ``open_sealed`` unwraps it only when the
  clock is past the tender's deadline.

Every ciphertext is authenticated: a flipped byte, a wrong key or a blob moved to another
purpose is refused with ``SealingError``. Formats (all bytes):

* wrapped key: ``b"K1" + key_id(8) + nonce(12) + AES-GCM(master, secret)``
* data ciphertext: ``b"D1" + nonce(12) + AES-GCM(data key, plaintext)``
* packed blob: ``b"B1" + len(wrapped)(2, big-endian) + wrapped key + data ciphertext``
* sealed bid: ``b"S1" + ephemeral public key(32) + nonce(12) + AES-GCM(derived, plaintext)``

A document's title and SHA-256 are a packed blob too (purpose ``bid-file-meta``), readable
exactly like its content. The digest stored in the clear (``BidFile.digest``, used to store
the same file once per bid) is keyed: HMAC-SHA256 under a key derived from the master key
(``file_digest``), over the bid's id and the file's SHA-256, so equal files in different
bids do not match for someone reading the database.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from coproduce.foundation.core.errors import ServiceError

from .models import TenderKey

PURPOSE_DATA_KEY = b"coproduce/bid-data-key/v1"
PURPOSE_TENDER_KEY = b"coproduce/tender-private-key/v1"
PURPOSE_CONTENT = b"coproduce/bid-content/v1"
PURPOSE_SEAL = b"coproduce/bid-seal/v1"
PURPOSE_FILE_META = b"coproduce/bid-file-meta/v1"
PURPOSE_FILE_DIGEST = b"coproduce/bid-file-digest/v1"
_RAW = serialization.Encoding.Raw


class SealingError(ServiceError):
    """Ciphertext that cannot be opened: tampered, wrong key, unknown key, or too early."""


# ----------------------------------------------------------------------------- master keys


def _decode_key(text: str) -> bytes:
    try:
        raw = base64.urlsafe_b64decode(text.strip() + "=" * (-len(text.strip()) % 4))
    except ValueError as exc:
        raise ImproperlyConfigured("A bid sealing key is not valid base64.") from exc
    if len(raw) != 32:
        raise ImproperlyConfigured("A bid sealing key must be 32 bytes (urlsafe base64).")
    return raw


def key_id(raw: bytes) -> str:
    """The master key's id: the first 8 hex digits of its SHA-256 (never the key itself)."""
    return hashlib.sha256(raw).hexdigest()[:8]


def _current_master() -> tuple[str, bytes]:
    raw = _decode_key(settings.BID_SEALING_KEY)
    return key_id(raw), raw


def _master_keys() -> dict[str, bytes]:
    keys = {}
    for text in list(getattr(settings, "BID_SEALING_OLD_KEYS", []) or []):
        if text.strip():
            raw = _decode_key(text)
            keys[key_id(raw)] = raw
    current_id, current = _current_master()
    keys[current_id] = current
    return keys


def current_key_id() -> str:
    """The id of the master key new keys are wrapped with."""
    return _current_master()[0]


def _wrap(secret: bytes, purpose: bytes) -> bytes:
    kid, master = _current_master()
    nonce = os.urandom(12)
    return b"K1" + kid.encode() + nonce + AESGCM(master).encrypt(nonce, secret, purpose)


def wrapped_key_id(wrapped: bytes) -> str:
    """The id of the master key that ``wrapped`` was made with."""
    if len(wrapped) < 22 or wrapped[:2] != b"K1":
        raise SealingError("sealing_format", "This key is not in a format the service knows.")
    return wrapped[2:10].decode("ascii", "replace")


def _unwrap(wrapped: bytes, purpose: bytes) -> bytes:
    kid = wrapped_key_id(bytes(wrapped))
    master = _master_keys().get(kid)
    if master is None:
        raise SealingError(
            "sealing_unknown_key",
            f"The master key {kid} that protects this is not configured "
            "(add it to BID_SEALING_OLD_KEYS).",
        )
    wrapped = bytes(wrapped)
    try:
        return AESGCM(master).decrypt(wrapped[10:22], wrapped[22:], purpose)
    except InvalidTag:
        raise SealingError(
            "sealing_tampered", "A stored key has been changed or belongs elsewhere."
        ) from None


def rewrap(wrapped: bytes, *, purpose: bytes) -> bytes:
    """``wrapped`` re-wrapped with the current master key (rotation); unchanged if already."""
    if wrapped_key_id(bytes(wrapped)) == current_key_id():
        return bytes(wrapped)
    return _wrap(_unwrap(wrapped, purpose), purpose)


# ----------------------------------------------------------------------- per-bid data keys


def encrypt_for_bid(plaintext: bytes, *, purpose: bytes = PURPOSE_CONTENT) -> tuple[bytes, bytes]:
    """Encrypt with a fresh AES-256 data key; return (data key wrapped by master, ciphertext)."""
    data_key = AESGCM.generate_key(bit_length=256)
    nonce = os.urandom(12)
    ciphertext = b"D1" + nonce + AESGCM(data_key).encrypt(nonce, plaintext, purpose)
    return _wrap(data_key, PURPOSE_DATA_KEY), ciphertext


def decrypt_for_bid(
    wrapped_key: bytes, ciphertext: bytes, *, purpose: bytes = PURPOSE_CONTENT
) -> bytes:
    """The plaintext of ``encrypt_for_bid``; SealingError if anything was changed (or if
    ``purpose`` is not the one it was encrypted for)."""
    data_key = _unwrap(bytes(wrapped_key), PURPOSE_DATA_KEY)
    ciphertext = bytes(ciphertext)
    if ciphertext[:2] != b"D1" or len(ciphertext) < 14:
        raise SealingError("sealing_format", "This content is not in a format the service knows.")
    try:
        return AESGCM(data_key).decrypt(ciphertext[2:14], ciphertext[14:], purpose)
    except InvalidTag:
        raise SealingError("sealing_tampered", "The stored content has been changed.") from None


def encrypt_blob(plaintext: bytes, *, purpose: bytes = PURPOSE_CONTENT) -> bytes:
    """``encrypt_for_bid`` packed into one value (for ``BidFile.ciphertext``)."""
    wrapped, ciphertext = encrypt_for_bid(plaintext, purpose=purpose)
    return b"B1" + len(wrapped).to_bytes(2, "big") + wrapped + ciphertext


def decrypt_blob(blob: bytes, *, purpose: bytes = PURPOSE_CONTENT) -> bytes:
    """The plaintext of ``encrypt_blob``."""
    blob = bytes(blob)
    if blob[:2] != b"B1" or len(blob) < 4:
        raise SealingError("sealing_format", "This document is not in a format the service knows.")
    size = int.from_bytes(blob[2:4], "big")
    return decrypt_for_bid(blob[4 : 4 + size], blob[4 + size :], purpose=purpose)


# ------------------------------------------------------------------- documents of a bid


def encrypt_file_meta(*, title: str, sha256: str) -> bytes:
    """A document's title and SHA-256 as one packed blob (``BidFile.meta_ciphertext``)."""
    plaintext = json.dumps({"sha256": sha256, "title": title}, ensure_ascii=False).encode()
    return encrypt_blob(plaintext, purpose=PURPOSE_FILE_META)


def decrypt_file_meta(blob: bytes) -> dict[str, str]:
    """``{"title": …, "sha256": …}`` of ``encrypt_file_meta``; SealingError if changed."""
    meta = json.loads(decrypt_blob(bytes(blob), purpose=PURPOSE_FILE_META))
    return {"title": str(meta["title"]), "sha256": str(meta["sha256"])}


def _digest_key(master: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=PURPOSE_FILE_DIGEST).derive(
        master
    )


def file_digest(*, bid_id: int, sha256: str, key_id: str | None = None) -> tuple[str, str]:
    """(keyed digest, master key id) of a bid's document with this SHA-256 (hex).

    HMAC-SHA256 under a key derived (HKDF) from the master key ``key_id`` (the current one
    by default), over ``"<bid id>:"`` and the raw SHA-256: the same file gives the same
    digest within one bid and unrelated digests in two bids. Nobody without the master
    key can compute it, so it does not tell a database reader which file it is.
    """
    kid = key_id or current_key_id()
    master = _master_keys().get(kid)
    if master is None:
        raise SealingError(
            "sealing_unknown_key",
            f"The master key {kid} that keyed this digest is not configured "
            "(add it to BID_SEALING_OLD_KEYS).",
        )
    message = f"{int(bid_id)}:".encode() + bytes.fromhex(sha256)
    return hmac.new(_digest_key(master), message, hashlib.sha256).hexdigest(), kid


def file_fields(*, bid_id: int, title: str, data: bytes) -> dict:
    """The stored fields of a new document of bid ``bid_id``: content and title encrypted,
    digest keyed (for ``BidFile.objects.create(**…)``)."""
    sha256 = hashlib.sha256(data).hexdigest()
    digest, kid = file_digest(bid_id=bid_id, sha256=sha256)
    return {
        "ciphertext": encrypt_blob(data),
        "meta_ciphertext": encrypt_file_meta(title=title, sha256=sha256),
        "digest": digest,
        "digest_key_id": kid,
    }


# ------------------------------------------------------------------- per-tender key pairs


def tender_key_create(tender) -> TenderKey:
    """A new X25519 key pair for ``tender``; the private half stored only wrapped.

    Callers make sure there is none yet (``services_submit.tender_key_for`` does so under a
    row lock on the tender).
    """
    private = X25519PrivateKey.generate()
    private_raw = private.private_bytes(
        _RAW, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )
    return TenderKey.objects.create(
        tender=tender,
        public_key=private.public_key().public_bytes(_RAW, serialization.PublicFormat.Raw),
        wrapped_private_key=_wrap(private_raw, PURPOSE_TENDER_KEY),
        master_key_id=current_key_id(),
    )


def _derive(shared: bytes, ephemeral_public: bytes, recipient_public: bytes) -> bytes:
    return HKDF(
        algorithm=hashes.SHA256(),
        length=32,
        salt=ephemeral_public + recipient_public,
        info=PURPOSE_SEAL,
    ).derive(shared)


def seal_to_tender(tender_key: TenderKey, plaintext: bytes) -> bytes:
    """Seal ``plaintext`` so that only the tender's private key can open it (ECIES)."""
    recipient_public = bytes(tender_key.public_key)
    ephemeral = X25519PrivateKey.generate()
    ephemeral_public = ephemeral.public_key().public_bytes(_RAW, serialization.PublicFormat.Raw)
    shared = ephemeral.exchange(X25519PublicKey.from_public_bytes(recipient_public))
    key = _derive(shared, ephemeral_public, recipient_public)
    nonce = os.urandom(12)
    return b"S1" + ephemeral_public + nonce + AESGCM(key).encrypt(nonce, plaintext, PURPOSE_SEAL)


def open_sealed(
    tender_key: TenderKey, sealed: bytes, *, now: dt.datetime, deadline: dt.datetime | None
) -> bytes:
    """Open a sealed bid; refused (``sealed_until_deadline``) before the tender's deadline."""
    if deadline is None or now < deadline:
        raise SealingError(
            "sealed_until_deadline", "Bids stay sealed until the closing time has passed."
        )
    sealed = bytes(sealed)
    if sealed[:2] != b"S1" or len(sealed) < 46:
        raise SealingError("sealing_format", "This bid is not in a format the service knows.")
    private = X25519PrivateKey.from_private_bytes(
        _unwrap(bytes(tender_key.wrapped_private_key), PURPOSE_TENDER_KEY)
    )
    ephemeral_public = sealed[2:34]
    recipient_public = bytes(tender_key.public_key)
    try:
        shared = private.exchange(X25519PublicKey.from_public_bytes(ephemeral_public))
        key = _derive(shared, ephemeral_public, recipient_public)
        return AESGCM(key).decrypt(sealed[34:46], sealed[46:], PURPOSE_SEAL)
    except (InvalidTag, ValueError):
        raise SealingError(
            "sealing_tampered", "This sealed bid has been changed or belongs to another tender."
        ) from None


def tender_key_rewrap(tender_key: TenderKey) -> bool:
    """Re-wrap the tender's private key with the current master key; True if it changed."""
    if tender_key.master_key_id == current_key_id():
        return False
    tender_key.wrapped_private_key = rewrap(
        bytes(tender_key.wrapped_private_key), purpose=PURPOSE_TENDER_KEY
    )
    tender_key.master_key_id = current_key_id()
    tender_key.save(update_fields=["wrapped_private_key", "master_key_id"])
    return True
