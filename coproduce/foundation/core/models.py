"""Shared building blocks: base model, the append-only audit trail and named counters."""

from __future__ import annotations

from django.db import models


class TimeStampedModel(models.Model):
    """Adds creation and last-change times. Nothing else happens on save()."""

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


PUBLIC_STREAM = "public"
LEGACY_KEY_ID = "sha256"  # events chained before the chain was keyed: plain SHA-256


class AuditEvent(models.Model):
    """One state change, written by the service that made it, in the same transaction.

    Invariants: rows are never updated or deleted (database triggers refuse updates, and
    deletes and TRUNCATE on PostgreSQL). Events belong to a *stream*: ``public`` for almost
    everything, or a sealed stream per sealed scope (``bids.tender:42``: that tender's bid
    events until its bids are opened; ``budgeting.round:7``: that round's ballots until its
    results are published). In each stream ``seq`` runs 1, 2, 3… without gaps and ``hash``
    is the HMAC-SHA256, under the key named by ``key_id``, of the previous event's hash and
    this event's canonical content (``key_id`` ``sha256``: plain SHA-256, events written
    before the chain was keyed). Editing, removing or reordering any event breaks its stream
    from that point (``manage.py audit_verify``; see docs/audit.md).
    """

    stream = models.CharField(max_length=64, default=PUBLIC_STREAM)
    seq = models.PositiveBigIntegerField()
    occurred_at = models.DateTimeField(db_index=True)
    actor_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    actor_label = models.CharField(max_length=254)
    verb = models.CharField(max_length=100, db_index=True)
    target_type = models.CharField(max_length=100, db_index=True)
    target_id = models.CharField(max_length=64, db_index=True)
    target_label = models.CharField(max_length=255, blank=True)
    changes = models.JSONField(default=dict, blank=True)
    reason = models.TextField(blank=True)
    prev_hash = models.CharField(max_length=64)
    key_id = models.CharField(max_length=16)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id"], name="audit_target_idx")]
        constraints = [
            models.UniqueConstraint(fields=["stream", "seq"], name="audit_event_stream_seq_unique")
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.verb} {self.target_type}:{self.target_id}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.get("force_insert"):
            raise RuntimeError("The audit trail is append-only: events cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise RuntimeError("The audit trail is append-only: events cannot be deleted.")

    @property
    def reference(self) -> str:
        """How people refer to the event: ``#57`` in the public stream, ``bids.tender:42 #3``."""
        if self.stream == PUBLIC_STREAM:
            return f"#{self.seq}"
        return f"{self.stream} #{self.seq}"


class AuditChainHead(models.Model):
    """The last sequence number and hash of one audit stream (one row per stream).

    Writers lock the public stream's head (SELECT … FOR UPDATE), and then the sealed
    stream's head when they write to one, so events are chained one at a time and two
    writers never take the locks in opposite orders.
    """

    stream = models.CharField(max_length=64, unique=True, default=PUBLIC_STREAM)
    seq = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64)

    def __str__(self) -> str:
        return f"audit head {self.stream} #{self.seq}"


class CheckpointKind(models.TextChoices):
    HOURLY = "hourly", "Hourly"
    STAGE_DECISION = "stage_decision", "Stage decision"
    MANUAL = "manual", "Made by an operator"


class AuditCheckpoint(models.Model):
    """A signed statement of where the audit chain stood at a moment, published for anyone.

    ``seq`` and ``head_hash`` are the public stream's head; ``sealed_digest`` is an
    HMAC (under the chain key ``chain_key_id``) of every sealed stream's head, kept in
    ``sealed_heads``, which is never published (the number of events in a sealed stream
    would tell how many bids a tender has). ``signature`` is Ed25519 by the checkpoint
    signing key (``public_key``) over ``signed_payload()``. Rows are append-only (database
    triggers) and at most one hourly checkpoint exists per hour.
    """

    kind = models.CharField(max_length=20, choices=CheckpointKind.choices)
    made_at = models.DateTimeField(db_index=True)
    hour = models.DateTimeField(null=True, blank=True)
    seq = models.PositiveBigIntegerField()
    head_hash = models.CharField(max_length=64)
    sealed_digest = models.CharField(max_length=64)
    sealed_heads = models.JSONField(default=dict, blank=True)
    chain_key_id = models.CharField(max_length=16)
    public_key = models.CharField(max_length=64)
    signature = models.CharField(max_length=128)

    class Meta:
        ordering = ["-made_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["hour"],
                condition=models.Q(kind="hourly"),
                name="audit_checkpoint_one_hourly_per_hour",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="hourly") | models.Q(hour__isnull=False),
                name="audit_checkpoint_hourly_has_hour",
            ),
        ]

    def __str__(self) -> str:
        return f"checkpoint {self.made_at:%Y-%m-%d %H:%M} #{self.seq}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.get("force_insert"):
            raise RuntimeError("Audit checkpoints cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise RuntimeError("Audit checkpoints cannot be deleted.")


class Counter(models.Model):
    """A named, gap-free counter for human-readable references (e.g. CP-2026-0007)."""

    name = models.CharField(max_length=100, unique=True)
    value = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.name}={self.value}"


class ServiceArea(models.Model):
    """A field of public service (e.g. adult social care). Shared by projects and providers.

    ``light_touch`` marks areas that fall under the light-touch procurement regime
    (social care, health and similar services), which later rules depend on.
    """

    name = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(max_length=120, unique=True)
    light_touch = models.BooleanField(default=False)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class SubmissionKey(models.Model):
    """One use of a form's submission key (or an API ``Idempotency-Key``): "nothing twice".

    Every create form carries a one-time random key, issued when the form is rendered. The
    service that creates the row inserts this record first, in the same transaction, so a
    repeat of the same key by the same owner (a double click, a browser retry, twenty
    identical requests at once) finds it and gets the first result back instead of a
    second row. Only a hash of the key is stored. ``owner`` is ``user:<id>`` for a
    signed-in person and ``anonymous`` otherwise, so another person's key never returns
    someone else's result. ``model`` and ``object_ids`` say what the first use created.
    """

    owner = models.CharField(max_length=40)
    scope = models.CharField(max_length=120)
    key_hash = models.CharField(max_length=64)
    model = models.CharField(max_length=100, blank=True)
    result = models.JSONField(null=True, blank=True)
    many = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "scope", "key_hash"], name="submission_key_once_per_owner"
            )
        ]

    def __str__(self) -> str:
        return f"{self.scope} by {self.owner}"
