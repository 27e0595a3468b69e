"""Opening bids after the deadline, compliance decisions and the rectification window.

``bids_open`` is the only code that writes plain-text ``BidAnswer`` / ``BidPrice`` rows and
the only caller of ``sealing.open_sealed`` (which itself refuses before the deadline).
A bid still waiting to be confirmed again after a tender change is opened all the same and
flagged; the officer decides its compliance (see docs/bids.md).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from coproduce.foundation.core.audit import audit_record
from coproduce.foundation.core.errors import NotFound, ServiceError
from coproduce.foundation.core.validation import word_count
from coproduce.plan.evaluation_models.models import Criterion
from coproduce.plan.procurement_rules import keys
from coproduce.plan.procurement_rules.selectors import rulebook_on
from coproduce.procure.tenders.documents import check_upload
from coproduce.procure.tenders.models import Lot, Tender

from . import sealing
from .hooks import require_no_conflict
from .models import (
    Bid,
    BidAnswer,
    BidFile,
    BidPrice,
    BidStatus,
    ComplianceStatus,
    Opening,
    RequiredDocument,
)
from .rules import is_bid_lead_member
from .selectors import (
    _conflicted_ids,
    eligibility_problem,
    missing_documents,
    needs_reconfirmation,
    opened_bids,
    rectification_is_open,
    with_file_meta,
)
from .services_draft import existing_bid_file
from .services_refusals import refusal_record
from .services_submit import tender_key_for

__all__ = [
    "ComplianceRow",
    "bid_compliance_check",
    "bid_compliance_decide",
    "bid_compliance_problems",
    "bid_file_add_in_rectification",
    "bids_open",
    "compliance_rows",
    "rectification_is_open",
    "rectification_open",
    "required_document_add",
    "required_document_remove",
]


def _now() -> dt.datetime:
    return timezone.now()


def _sealed_content(bid: Bid) -> dict:
    raw = sealing.open_sealed(
        tender_key_for(bid.tender), bytes(bid.sealed), now=_now(), deadline=bid.tender.deadline
    )
    if hashlib.sha256(raw).hexdigest() != bid.receipt_hash:
        raise sealing.SealingError(
            "sealing_tampered", f"Bid {bid.reference} does not match its receipt."
        )
    return json.loads(raw)


def bids_open(*, actor, tender: Tender) -> Opening:
    """Open every submitted bid of ``tender``: after the deadline, commissioners and admins only.

    Decrypts each sealed bid, checks it against its receipt hash, writes ``BidAnswer`` and
    ``BidPrice`` rows, stamps ``opened_at`` and records the ``Opening`` (with the count) and
    an audit event ``bids.tender.opened``. Withdrawn and unsent bids are not opened.
    Idempotent: opening again returns the existing record. Documents stay encrypted and are
    read through ``selectors.bid_file_content``. An attempt before the closing time is
    refused (``sealed_until_deadline``) and recorded as ``bids.bid.open_refused`` (at
    most once a minute per officer and tender, ``services_refusals``).
    """
    if not actor.has_perm("bids.open_bids"):
        raise NotFound()
    try:
        return _open(actor=actor, tender=tender)
    except ServiceError as exc:
        if exc.code == "sealed_until_deadline":
            refusal_record(
                actor=actor,
                verb="bids.bid.open_refused",
                target=tender,
                changes={"tender": tender.reference, "attempted_at": _now()},
                reason=exc.message,
            )
        raise


def _open(*, actor, tender: Tender) -> Opening:
    with transaction.atomic():
        tender = Tender.objects.select_for_update().get(pk=tender.pk)
        existing = Opening.objects.filter(tender=tender).first()
        if existing is not None:
            return existing
        now = _now()
        if tender.published_at is None or tender.deadline is None or now < tender.deadline:
            raise ServiceError(
                "sealed_until_deadline", "Bids stay sealed until the closing time has passed."
            )
        criteria = {
            str(c.pk): c for c in Criterion.objects.filter(model_id=tender.evaluation_model_id)
        }
        lots = {str(lot.pk): lot for lot in Lot.objects.filter(tender=tender)}
        bids = list(
            Bid.objects.select_for_update()
            .filter(tender=tender, status=BidStatus.SUBMITTED)
            .order_by("pk")
        )
        for bid in bids:
            bid.tender = tender
            content = _sealed_content(bid)["draft"]
            BidAnswer.objects.bulk_create(
                BidAnswer(bid=bid, criterion=criteria[key], text=text, word_count=word_count(text))
                for key, text in sorted((content.get("answers") or {}).items())
                if key in criteria and (text or "").strip()
            )
            chosen = {str(x) for x in content.get("lots") or []}
            BidPrice.objects.bulk_create(
                BidPrice(bid=bid, lot=lots.get(key), price_pence=int(value))
                for key, value in sorted((content.get("prices") or {}).items())
                if (key == "whole" and not lots) or (key in lots and key in chosen)
            )
            bid.opened_at = now
            bid.save(update_fields=["opened_at", "updated_at"])
        opening = Opening.objects.create(
            tender=tender, opened_by=actor, opened_at=now, bids_opened=len(bids)
        )
        audit_record(
            actor=actor,
            verb="bids.tender.opened",
            target=opening,
            changes={"tender": tender.reference, "bids_opened": len(bids), "opened_at": now},
        )
    return opening


def bid_compliance_problems(bid: Bid) -> list[str]:
    """What the automatic checks found: missing mandatory documents, eligibility, changed files.

    A bid still waiting to be confirmed again after a tender change is listed too.
    """
    problems = [f"No {doc.name} was included." for doc in missing_documents(bid)]
    organisations = [m.organisation for m in bid.members.select_related("organisation")] or [
        bid.lead_organisation
    ]
    day = timezone.localdate(bid.submitted_at) if bid.submitted_at else timezone.localdate()
    lots = list(bid.lots.all())
    reservations = {lot.reserved_for or bid.tender.reserved_for for lot in lots} or {
        bid.tender.reserved_for
    }
    for reservation in sorted(r for r in reservations if r):
        problem = eligibility_problem(reservation=reservation, organisations=organisations, day=day)
        if problem:
            problems.append(problem)
    if bid.sealed and bid.opened_at:
        try:
            sent = {
                f["id"]: f["sha256"]
                for f in json.loads(
                    sealing.open_sealed(
                        tender_key_for(bid.tender),
                        bytes(bid.sealed),
                        now=_now(),
                        deadline=bid.tender.deadline,
                    )
                )["files"]
            }
        except sealing.SealingError:
            sent = {}
            problems.append("The sealed copy of this bid could not be read.")
        for f in with_file_meta(bid.files.filter(added_in_rectification=False)):
            if f.pk in sent and sent[f.pk] != f.sha256:
                problems.append(f"The document “{f.title}” differs from the one sent.")
    if needs_reconfirmation(bid):
        problems.append(
            "The bid was not confirmed again after a change to the tender that asked for it."
        )
    return problems


def bid_compliance_decide(*, actor, bid: Bid, status: str, notes: str = "") -> Bid:
    """Record the officer's compliance decision on an opened bid (with notes; audited).

    ``status`` is one of ``ComplianceStatus``; "does not meet the requirements" needs notes
    saying why. Idempotent when nothing changes.
    """
    if not actor.has_perm("bids.decide_compliance") or bid.opened_at is None:
        raise NotFound()
    require_no_conflict(actor, [bid])
    if status not in {s for s, _ in ComplianceStatus.choices} or status == "":
        raise ServiceError("compliance_status", "Choose a compliance decision.", field="status")
    notes = (notes or "").strip()
    if status in {ComplianceStatus.NOT_COMPLIANT, ComplianceStatus.RECTIFICATION} and not notes:
        raise ServiceError(
            "notes_required", "Say why, in plain words the bidder will read.", field="notes"
        )
    with transaction.atomic():
        bid = Bid.objects.select_for_update().get(pk=bid.pk)
        if bid.compliance == status and bid.compliance_notes == notes:
            return bid
        changes = {"compliance": [bid.compliance, status]}
        bid.compliance = status
        bid.compliance_notes = notes
        bid.save(update_fields=["compliance", "compliance_notes", "updated_at"])
        audit_record(
            actor=actor,
            verb="bids.bid.compliance_decided",
            target=bid,
            changes=changes,
            reason=notes,
        )
    return bid


bid_compliance_check = bid_compliance_decide


def rectification_open(*, actor, tender: Tender, closes_at: dt.datetime, note: str) -> Opening:
    """Open (or move) the one rectification window for all bidders of an opened tender.

    Bidders whose bids miss documents may add them until ``closes_at`` (in the future).
    Audited as ``bids.rectification.opened``.
    """
    if not actor.has_perm("bids.open_bids"):
        raise NotFound()
    note = (note or "").strip()
    if closes_at is None or closes_at <= _now():
        raise ServiceError(
            "closes_in_past", "The window must close at a time in the future.", field="closes_at"
        )
    if not note:
        raise ServiceError("note_required", "Say what bidders may add.", field="note")
    with transaction.atomic():
        opening = Opening.objects.select_for_update().filter(tender=tender).first()
        if opening is None:
            raise NotFound()
        old = opening.rectification_closes_at
        if old == closes_at and opening.rectification_note == note:
            return opening
        opening.rectification_closes_at = closes_at
        opening.rectification_note = note
        opening.save(update_fields=["rectification_closes_at", "rectification_note"])
        audit_record(
            actor=actor,
            verb="bids.rectification.opened",
            target=opening,
            changes={"rectification_closes_at": [old, closes_at]},
            reason=note,
        )
    return opening


def bid_file_add_in_rectification(
    *, actor, bid: Bid, requirement: str, title: str, data: bytes, name: str
) -> BidFile:
    """Add a missing mandatory document during the rectification window (bidder members only).

    Only documents the bid is missing can be added; the file's type is checked from its
    bytes; stored encrypted and marked ``added_in_rectification``. Audited. A repeated
    upload of the same file returns the existing one.
    """
    if not is_bid_lead_member(actor, bid) or bid.opened_at is None:
        raise NotFound()
    if not rectification_is_open(bid.tender, _now()):
        raise ServiceError("rectification_closed", "Documents can no longer be added to this bid.")
    missing = {doc.name: doc for doc in missing_documents(bid)}
    if requirement not in missing:
        raise ServiceError(
            "not_missing",
            "Only documents missing from your bid can be added now.",
            field="requirement",
        )
    max_mb = rulebook_on(timezone.localdate()).value(keys.DOCUMENTS_MAX_UPLOAD_MB)
    checked = check_upload(
        data=data, name=name, max_bytes=max_mb * 1024 * 1024, limit_label=f"{max_mb} MB"
    )
    title = (title or "").strip() or requirement
    with transaction.atomic():
        Bid.objects.select_for_update().filter(pk=bid.pk).first()
        existing = existing_bid_file(bid, checked.sha256)
        if existing is not None:
            return existing
        fields = sealing.file_fields(bid_id=bid.pk, title=title[:200], data=checked.content)
        try:
            with transaction.atomic():
                bid_file = BidFile.objects.create(
                    bid=bid,
                    requirement=requirement,
                    content_type=checked.kind.content_type,
                    size_bytes=checked.size_bytes,
                    uploaded_by=actor,
                    added_in_rectification=True,
                    **fields,
                )
        except IntegrityError:
            return BidFile.objects.get(bid=bid, digest=fields["digest"])
        audit_record(
            actor=actor,
            verb="bids.bid.document_added_in_rectification",
            target=bid,
            changes={"requirement": requirement, "file": str(bid_file.public_id)},
        )
    return bid_file.with_meta({"title": title[:200], "sha256": checked.sha256})


def required_document_add(
    *, actor, tender: Tender, name: str, description: str = "", mandatory: bool = True
) -> RequiredDocument:
    """Ask every bid for a document; only before the tender is published (idempotent by name)."""
    if not actor.has_perm("bids.change_requireddocument"):
        raise NotFound()
    name = (name or "").strip()
    if not name:
        raise ServiceError("name_required", "Enter the document's name.", field="name")
    with transaction.atomic():
        tender = Tender.objects.select_for_update().get(pk=tender.pk)
        if tender.published_at is not None:
            raise ServiceError(
                "tender_published",
                "The tender has been published, so the documents asked for cannot change.",
            )
        doc, created = RequiredDocument.objects.get_or_create(
            tender=tender,
            name=name[:100],
            defaults={"description": description.strip(), "mandatory": mandatory},
        )
        if created:
            audit_record(
                actor=actor,
                verb="bids.required_document.added",
                target=doc,
                changes={"tender": tender.reference, "name": doc.name, "mandatory": mandatory},
            )
    return doc


def required_document_remove(*, actor, document: RequiredDocument) -> None:
    """Stop asking for a document; only before the tender is published."""
    if not actor.has_perm("bids.change_requireddocument"):
        raise NotFound()
    with transaction.atomic():
        tender = Tender.objects.select_for_update().get(pk=document.tender_id)
        if tender.published_at is not None:
            raise ServiceError(
                "tender_published",
                "The tender has been published, so the documents asked for cannot change.",
            )
        audit_record(
            actor=actor,
            verb="bids.required_document.removed",
            target=document,
            changes={"tender": tender.reference, "name": document.name},
        )
        document.delete()


@dataclass(frozen=True)
class ComplianceRow:
    """An opened bid with the automatic checks' findings, for the staff list.

    ``hidden``: the viewer declared a conflict with the bid (no findings shown)."""

    bid: Bid
    problems: list[str]
    unconfirmed: bool
    hidden: bool = False


def compliance_rows(*, user, tender) -> list[ComplianceRow]:
    """Every opened bid with its compliance problems (missing documents, eligibility, files)."""
    hidden = _conflicted_ids(user, tender)
    return [
        ComplianceRow(
            bid=bid,
            problems=[] if bid.pk in hidden else bid_compliance_problems(bid),
            unconfirmed=needs_reconfirmation(bid),
            hidden=bid.pk in hidden,
        )
        for bid in opened_bids(user=user, tender=tender)
    ]
