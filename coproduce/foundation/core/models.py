"""Shared building blocks: base model, the append-only audit trail and named counters."""

from __future__ import annotations

from django.db import models


class TimeStampedModel(models.Model):
    """Adds creation and last-change times. Nothing else happens on save()."""

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class AuditEvent(models.Model):
    """One state change, written by the service that made it, in the same transaction.

    Invariants: rows are never updated or deleted (a database trigger refuses updates,
    and deletes on PostgreSQL); ``seq`` runs 1, 2, 3… without gaps; ``hash`` is the
    SHA-256 of the previous row's hash and this row's canonical content, so editing or
    removing any row breaks the chain from that point (``manage.py audit_verify``).
    """

    seq = models.PositiveBigIntegerField(unique=True)
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
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["-seq"]
        indexes = [models.Index(fields=["target_type", "target_id"], name="audit_target_idx")]

    def __str__(self) -> str:
        return f"#{self.seq} {self.verb} {self.target_type}:{self.target_id}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.get("force_insert"):
            raise RuntimeError("The audit trail is append-only: events cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise RuntimeError("The audit trail is append-only: events cannot be deleted.")


class AuditChainHead(models.Model):
    """The single row holding the last sequence number and hash of the audit chain.

    Writers lock it (SELECT … FOR UPDATE) so that events are chained one at a time.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    seq = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=models.Q(id=1), name="audit_head_singleton")
        ]

    def __str__(self) -> str:
        return f"audit head #{self.seq}"


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
