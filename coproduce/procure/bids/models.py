"""Bids: prepared by an organisation (alone or as a consortium), sealed until the closing time.

Sealing. Until the tender's deadline nothing in these tables tells anyone but the bidding
organisation what a bid says, what it costs, or how many bids there are:

* a bid's answers, prices and documents, and the documents' titles and SHA-256, are
  stored only as ciphertext (``BidDraft.ciphertext``, ``BidFile.ciphertext``,
  ``BidFile.meta_ciphertext``, ``Bid.sealed``), see ``coproduce.procure.bids.sealing`` for
  the keys; the one document digest in the clear is keyed (``BidFile.digest``);
* rows a bidder names in a URL (partners, documents) carry a random ``public_id``; the
  sequential primary keys, which count every organisation's rows, stay internal;
* ``BidAnswer`` and ``BidPrice`` (plain text, used by the panel) are written only by
  ``bids_open``, which refuses before the deadline;
* selectors for council staff refuse to list or count bids before opening.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from coproduce.foundation.accounts.models import Organisation
from coproduce.foundation.core.models import TimeStampedModel
from coproduce.plan.evaluation_models.models import Criterion
from coproduce.procure.tenders.models import Lot, Tender


class TenderKey(models.Model):
    """The key pair that seals a tender's bids.

    The public key seals every submitted bid. The private key is stored only wrapped
    (encrypted) with the service's master key (setting ``BID_SEALING_KEY``), and
    ``coproduce.procure.bids.sealing`` unwraps it only after the deadline, when an officer opens
    the bids (recorded in the audit trail).
    """

    tender = models.OneToOneField(Tender, on_delete=models.PROTECT, related_name="sealing_key")
    public_key = models.BinaryField()
    wrapped_private_key = models.BinaryField()
    master_key_id = models.CharField(max_length=40)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Sealing key for {self.tender.reference}"


class BidStatus(models.TextChoices):
    DRAFT = "draft", "Being prepared"
    SUBMITTED = "submitted", "Submitted"
    WITHDRAWN = "withdrawn", "Withdrawn"


class ComplianceStatus(models.TextChoices):
    NOT_CHECKED = "", "Not checked yet"
    COMPLIANT = "compliant", "Meets the requirements"
    RECTIFICATION = "rectification", "Missing documents asked for"
    NOT_COMPLIANT = "not_compliant", "Does not meet the requirements"


class Bid(TimeStampedModel):
    """One organisation's bid for one tender (one or more of its lots).

    Invariants: one bid per (tender, lead organisation) — withdrawing and resubmitting
    reuses it; ``status`` changes only through ``bid_*`` services; a submission after the
    deadline (by the server clock) is refused and recorded as a ``LateAttempt``;
    ``receipt_hash`` is the SHA-256 of the canonical content of the current submission.
    """

    reference = models.CharField(max_length=20, unique=True)
    tender = models.ForeignKey(Tender, on_delete=models.PROTECT, related_name="bids")
    lead_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="bids_led"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(max_length=10, choices=BidStatus.choices, default=BidStatus.DRAFT)
    is_consortium = models.BooleanField(default=False)
    lots = models.ManyToManyField(Lot, blank=True, related_name="bids")
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    receipt_hash = models.CharField(max_length=64, blank=True)
    submission_count = models.PositiveIntegerField(default=0)
    sealed = models.BinaryField(null=True, blank=True)
    opened_at = models.DateTimeField(null=True, blank=True)
    compliance = models.CharField(
        max_length=15,
        choices=ComplianceStatus.choices,
        blank=True,
        default=ComplianceStatus.NOT_CHECKED,
    )
    compliance_notes = models.TextField(blank=True)

    class Meta:
        ordering = ["tender", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["tender", "lead_organisation"], name="bid_one_per_lead_organisation"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["draft", "submitted", "withdrawn"]), name="bid_status_known"
            ),
            models.CheckConstraint(
                condition=~Q(status="submitted")
                | (Q(submitted_at__isnull=False) & ~Q(receipt_hash="")),
                name="bid_submitted_has_receipt",
            ),
        ]

    def __str__(self) -> str:
        return self.reference


class BidDraft(models.Model):
    """The bid's working content (answers, prices per lot, member shares), encrypted.

    Encrypted with the bid's own data key (wrapped with the master key); the service
    decrypts it only for members of the bidding organisations. Replaced on every save.
    """

    bid = models.OneToOneField(Bid, on_delete=models.CASCADE, related_name="draft")
    wrapped_data_key = models.BinaryField()
    ciphertext = models.BinaryField()
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    def __str__(self) -> str:
        return f"Draft of {self.bid.reference}"


class ConsortiumMember(models.Model):
    """A member of a consortium bid (the lead is a member too), with role and share of work.

    A member organisation confirms its part from its own account (``confirmed_at``);
    every member must confirm before the bid can be submitted, and again if its role or
    share changes. ``public_id`` (random) names the row in URLs and forms.
    """

    public_id = models.UUIDField(default=uuid.uuid4, editable=False)
    bid = models.ForeignKey(Bid, on_delete=models.CASCADE, related_name="members")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=200)
    share_percent = models.DecimalField(max_digits=5, decimal_places=2)
    is_lead = models.BooleanField(default=False)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["bid", "-is_lead", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["bid", "organisation"], name="consortium_member_once"),
            models.UniqueConstraint(
                fields=["public_id"], name="consortium_member_public_id_unique"
            ),
            models.CheckConstraint(
                condition=Q(share_percent__gt=0) & Q(share_percent__lte=100),
                name="consortium_share_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} in {self.bid.reference}"


class FileMetaSealed(RuntimeError):
    """A document's title or SHA-256 was read before a selector decrypted it."""


class BidFile(TimeStampedModel):
    """A document attached to a bid, encrypted like the draft (type checked from content).

    The content (``ciphertext``) and the title with the file's SHA-256
    (``meta_ciphertext``) are stored only encrypted. ``title`` and ``sha256`` are readable
    once a selector that checked the reader decrypted them (``with_meta``); before that
    they raise ``FileMetaSealed``, so a page never shows a blank by mistake. ``digest`` is
    the keyed digest (``sealing.file_digest``, master key ``digest_key_id``) that stores
    the same file once per bid without telling a database reader which file it is.
    ``public_id`` (random) names the document in URLs and the API.
    """

    public_id = models.UUIDField(default=uuid.uuid4, editable=False)
    bid = models.ForeignKey(Bid, on_delete=models.CASCADE, related_name="files")
    requirement = models.CharField(
        max_length=100, blank=True, help_text="Which requested document this is (blank: other)."
    )
    meta_ciphertext = models.BinaryField()
    content_type = models.CharField(max_length=100)
    size_bytes = models.PositiveBigIntegerField()
    digest = models.CharField(max_length=64)
    digest_key_id = models.CharField(max_length=8)
    ciphertext = models.BinaryField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    added_in_rectification = models.BooleanField(default=False)

    _plain_meta: dict[str, str] | None = None  # set by ``with_meta``, never stored

    class Meta:
        ordering = ["bid", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["bid", "digest"], name="bid_file_once"),
            models.UniqueConstraint(fields=["public_id"], name="bid_file_public_id_unique"),
        ]

    def __str__(self) -> str:
        return f"Document {self.public_id}"

    def with_meta(self, meta: dict[str, str]) -> BidFile:
        """This document with its decrypted title and SHA-256 (``sealing.decrypt_file_meta``)."""
        self._plain_meta = meta
        return self

    def _meta_or_refuse(self) -> dict[str, str]:
        if self._plain_meta is None:
            raise FileMetaSealed(
                "A bid document's title and SHA-256 are encrypted: read the document "
                "through a selector that decrypts them (selectors.bid_files_readable)."
            )
        return self._plain_meta

    @property
    def title(self) -> str:
        return self._meta_or_refuse()["title"]

    @property
    def sha256(self) -> str:
        return self._meta_or_refuse()["sha256"]


class BidSubmission(models.Model):
    """One submission (or re-confirmation) of a bid: the receipt the bidder was given."""

    bid = models.ForeignKey(Bid, on_delete=models.CASCADE, related_name="submissions")
    number = models.PositiveIntegerField()
    submitted_at = models.DateTimeField()
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    receipt_hash = models.CharField(max_length=64)
    started_at = models.DateTimeField(help_text="When the request reached the server.")
    reconfirms_amendment = models.PositiveSmallIntegerField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["bid", "number"]
        constraints = [
            models.UniqueConstraint(fields=["bid", "number"], name="bid_submission_number_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.bid.reference} #{self.number}"


class LateAttempt(models.Model):
    """A refused submission after the deadline: who, when (server clock), and why."""

    tender = models.ForeignKey(Tender, on_delete=models.PROTECT, related_name="late_attempts")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    attempted_at = models.DateTimeField()
    started_at = models.DateTimeField()
    reason = models.CharField(max_length=200)

    class Meta:
        ordering = ["tender", "attempted_at"]

    def __str__(self) -> str:
        return f"Late attempt on {self.tender.reference} at {self.attempted_at}"


class BidAnswer(models.Model):
    """An opened bid's answer to one question. Written only by ``bids_open``."""

    bid = models.ForeignKey(Bid, on_delete=models.CASCADE, related_name="answers")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    text = models.TextField()
    word_count = models.PositiveIntegerField()

    class Meta:
        # Positions restart in each group of questions, so two answers can share one: the
        # criterion id breaks the tie, or PostgreSQL may return them in either order.
        ordering = ["bid", "criterion__position", "criterion_id"]
        constraints = [
            models.UniqueConstraint(fields=["bid", "criterion"], name="bid_answer_once"),
        ]

    def __str__(self) -> str:
        return f"{self.bid.reference} answer"


class BidPrice(models.Model):
    """An opened bid's price for one lot (or the whole tender when it has no lots)."""

    bid = models.ForeignKey(Bid, on_delete=models.CASCADE, related_name="prices")
    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    price_pence = models.BigIntegerField()

    class Meta:
        ordering = ["bid", "lot__number"]
        constraints = [
            models.UniqueConstraint(fields=["bid", "lot"], name="bid_price_once_per_lot"),
            models.UniqueConstraint(
                fields=["bid"], condition=Q(lot__isnull=True), name="bid_price_once_whole"
            ),
            models.CheckConstraint(condition=Q(price_pence__gt=0), name="bid_price_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.bid.reference} price"


class Opening(models.Model):
    """The recorded opening of a tender's bids, and the rectification window if any."""

    tender = models.OneToOneField(Tender, on_delete=models.PROTECT, related_name="opening")
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    opened_at = models.DateTimeField()
    bids_opened = models.PositiveIntegerField()
    rectification_closes_at = models.DateTimeField(null=True, blank=True)
    rectification_note = models.TextField(blank=True)

    def __str__(self) -> str:
        return f"Opening of {self.tender.reference}"


class RequiredDocument(models.Model):
    """A document every bid must (or may) include, e.g. insurance certificate, safeguarding policy.

    Set by the commissioner before publication (part of the tender pack); checked at
    opening: a missing mandatory document makes the bid non-compliant unless supplied in
    the rectification window, which is the same for every bidder.
    """

    tender = models.ForeignKey(Tender, on_delete=models.CASCADE, related_name="required_documents")
    name = models.CharField(max_length=100)
    description = models.TextField(blank=True)
    mandatory = models.BooleanField(default=True)

    class Meta:
        ordering = ["tender", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["tender", "name"], name="required_document_once"),
        ]

    def __str__(self) -> str:
        return self.name
