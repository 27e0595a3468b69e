"""Writes while a bid is being prepared: starting it, the encrypted draft, partners, files.

Who may do what (checked here, NotFound otherwise, so nothing leaks that a bid exists):

* members of the **lead organisation** prepare the bid: answers, prices, lots, partners
  and documents;
* members of a **partner organisation** (a consortium member) confirm or decline their
  own part, from their own accounts, and may read the bid;
* nobody else: not council staff, not administrators.

Everything is refused once the tender is no longer open (the server clock decides) and
while the bid stands submitted (withdraw it first, then submit it again).

Sealing: the draft (answers, prices, lots, partners) is stored only as ciphertext in
``BidDraft`` and uploaded files only as ciphertext in ``BidFile.ciphertext``, both
through ``coproduce.procure.bids.sealing.encrypt_for_bid``. Audit rows name what kind of thing
changed, never its content.
"""

from __future__ import annotations

import json
import secrets
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from coproduce.foundation.accounts.models import Membership, Organisation, User
from coproduce.foundation.core.audit import audit_record
from coproduce.foundation.core.errors import NotFound, ServiceError
from coproduce.foundation.core.validation import word_count
from coproduce.plan.evaluation_models.models import Criterion, CriterionKind
from coproduce.procure.tenders.documents import check_upload
from coproduce.procure.tenders.models import Lot, Tender
from coproduce.procure.tenders.selectors import tender_is_open, upload_limit_bytes

from .models import Bid, BidDraft, BidFile, BidStatus, ConsortiumMember, RequiredDocument
from .sealing import (
    decrypt_blob,
    decrypt_for_bid,
    encrypt_for_bid,
    file_digest,
    file_fields,
)

WHOLE = "whole"  # the price key when a tender has no lots
ANSWER_MAX_CHARS = 100_000  # a safety net; the word limit is the real rule
ROLE_MAX = 200
TITLE_MAX = 200
MAX_PRICE_PENCE = 10**13  # £100 billion: anything bigger is a typing mistake
HUNDRED = Decimal("100")
EDITABLE = (BidStatus.DRAFT, BidStatus.WITHDRAWN)


# --- small helpers --------------------------------------------------------------------


def _is_member(user, organisation_id: int) -> bool:
    return bool(
        getattr(user, "is_authenticated", False)
        and Membership.objects.filter(user=user, organisation_id=organisation_id).exists()
    )


def _require_lead_member(actor: User, bid: Bid) -> None:
    if not _is_member(actor, bid.lead_organisation_id):
        raise NotFound()


def _lock_bid(bid: Bid) -> Bid:
    """The bid's row locked for the rest of the transaction (serialises with submission)."""
    return (
        Bid.objects.select_for_update().select_related("tender", "lead_organisation").get(pk=bid.pk)
    )


def _require_open(tender: Tender) -> None:
    if not tender_is_open(tender):
        raise ServiceError(
            "tender_closed",
            "This opportunity is closed: bids can only be changed before the closing date.",
        )


def _require_editable(bid: Bid) -> None:
    _require_open(bid.tender)
    if bid.status not in EDITABLE:
        raise ServiceError(
            "bid_submitted",
            "Your bid has been sent. To change it, withdraw it first, then send it again "
            "before the closing date.",
        )


def _prepare(actor: User, bid: Bid) -> Bid:
    """Permission, lock, then the state checks every preparing service shares."""
    _require_lead_member(actor, bid)
    bid = _lock_bid(bid)
    _require_editable(bid)
    return bid


# --- the encrypted draft --------------------------------------------------------------


def _empty_content() -> dict[str, Any]:
    return {"answers": {}, "prices": {}, "lots": [], "members": []}


def _read_content(bid: Bid) -> dict[str, Any]:
    draft = BidDraft.objects.filter(bid=bid).first()
    content = _empty_content()
    if draft is not None:
        plaintext = decrypt_for_bid(bytes(draft.wrapped_data_key), bytes(draft.ciphertext))
        content.update(json.loads(plaintext.decode("utf-8")))
    return content


def _members_snapshot(bid: Bid) -> list[dict[str, Any]]:
    return [
        {
            "organisation": m.organisation.slug,
            "name": m.organisation.name,
            "role": m.role,
            "share_percent": str(m.share_percent),
            "is_lead": m.is_lead,
            "confirmed": m.confirmed_at is not None,
        }
        for m in bid.members.select_related("organisation").order_by("-is_lead", "pk")
    ]


def _write_content(*, actor: User, bid: Bid, content: dict[str, Any]) -> None:
    """Encrypt ``content`` (members refreshed from the rows) and replace the stored draft."""
    content = {**content, "members": _members_snapshot(bid)}
    plaintext = json.dumps(content, sort_keys=True, ensure_ascii=False).encode("utf-8")
    wrapped, ciphertext = encrypt_for_bid(plaintext)
    BidDraft.objects.update_or_create(
        bid=bid,
        defaults={"wrapped_data_key": wrapped, "ciphertext": ciphertext, "updated_by": actor},
    )


def answerable_questions(tender: Tender) -> list[Criterion]:
    """The questions bidders answer: leaf criteria with a question, price left out, in order."""
    criteria = list(
        Criterion.objects.filter(model_id=tender.evaluation_model_id)
        .select_related("parent")
        .order_by("parent__position", "position", "pk")
    )
    parents = {c.parent_id for c in criteria if c.parent_id}
    questions = [
        c
        for c in criteria
        if c.pk not in parents and c.kind != CriterionKind.PRICE and c.question.strip()
    ]
    questions.sort(key=lambda c: (c.parent.position if c.parent else c.position, c.position))
    return questions


def _clean_answers(tender: Tender, answers: dict) -> dict[str, str]:
    by_id = {str(q.pk): q for q in answerable_questions(tender)}
    cleaned: dict[str, str] = {}
    for key, text in answers.items():
        question = by_id.get(str(key))
        if question is None:
            raise ServiceError(
                "unknown_question", "That question is not part of this opportunity.", field="answer"
            )
        text = (text or "").replace("\r\n", "\n").strip()
        if len(text) > ANSWER_MAX_CHARS:
            raise ServiceError(
                "answer_too_long",
                f"The answer must be {ANSWER_MAX_CHARS:,} characters or fewer.",
                field="answer",
            )
        words = word_count(text)
        if question.word_limit and words > question.word_limit:
            raise ServiceError(
                "over_word_limit",
                f"The answer to “{question.title}” must be {question.word_limit:,} words or "
                f"fewer. It has {words:,} words. Your text has not been saved.",
                field="answer",
            )
        cleaned[str(question.pk)] = text
    return cleaned


def _tender_lots(tender: Tender) -> dict[str, Lot]:
    return {str(lot.pk): lot for lot in tender.lots.order_by("number")}


def _clean_lots(tender: Tender, lots: list) -> list[int]:
    available = _tender_lots(tender)
    if not available:
        return []
    chosen: list[int] = []
    for value in lots:
        key = str(getattr(value, "pk", value))
        if key not in available:
            raise ServiceError(
                "unknown_lot", "That lot is not part of this opportunity.", field="lots"
            )
        if int(key) not in chosen:
            chosen.append(int(key))
    if not chosen:
        raise ServiceError("lots_required", "Choose at least one lot to bid for.", field="lots")
    return sorted(chosen, key=lambda pk: available[str(pk)].number)


def _clean_prices(tender: Tender, prices: dict, chosen_lots: list[int]) -> dict[str, int | None]:
    available = _tender_lots(tender)
    cleaned: dict[str, int | None] = {}
    for key, pence in prices.items():
        key = str(getattr(key, "pk", key))
        if available:
            if key not in available:
                raise ServiceError("unknown_lot", "That lot is not part of this opportunity.")
            if int(key) not in chosen_lots:
                raise ServiceError(
                    "lot_not_chosen",
                    f"You are not bidding for lot {available[key].number}. Choose it first.",
                    field=f"price_{key}",
                )
            label = f"the price for lot {available[key].number}"
        else:
            if key != WHOLE:
                raise ServiceError("unknown_lot", "This opportunity has no lots.")
            label = "your price"
        if pence is None:
            cleaned[key] = None
            continue
        if not isinstance(pence, int) or isinstance(pence, bool):
            raise ServiceError("invalid_amount", f"Enter {label} in pounds.", field=f"price_{key}")
        if pence <= 0:
            raise ServiceError(
                "price_not_positive",
                f"Enter {label}: it must be more than £0.",
                field=f"price_{key}",
            )
        if pence > MAX_PRICE_PENCE:
            raise ServiceError(
                "price_too_large",
                f"{label.capitalize()} is too large. Check the amount.",
                field=f"price_{key}",
            )
        cleaned[key] = pence
    return cleaned


# --- starting a bid -------------------------------------------------------------------


_REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"  # no 0/O, 1/I/L, U


def _random_reference() -> str:
    """A bid reference that reveals nothing about other bids (about 10^12 possibilities)."""
    chars = "".join(secrets.choice(_REFERENCE_ALPHABET) for _ in range(8))
    return f"B-{chars[:4]}-{chars[4:]}"


def bid_start(*, actor: User, tender: Tender, organisation: Organisation) -> Bid:
    """Start ``organisation``'s bid for ``tender``, or return the one it already has.

    One bid per organisation per tender (constraint ``bid_one_per_lead_organisation``):
    starting again, or a double click, opens the existing bid. A new bid gets a reference
    (random, e.g. B-7KQ4-M2PX: a running number would tell bidders how many bids
    exist, which must stay sealed), the lead as a confirmed consortium
    member with 100% of the work, and an empty encrypted draft. NotFound unless the actor
    belongs to the organisation; refused when the tender is not open.
    """
    if not _is_member(actor, organisation.pk):
        raise NotFound()
    existing = Bid.objects.filter(tender=tender, lead_organisation=organisation).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            tender = Tender.objects.select_for_update().get(pk=tender.pk)
            existing = Bid.objects.filter(tender=tender, lead_organisation=organisation).first()
            if existing is not None:
                return existing
            _require_open(tender)
            now = timezone.now()
            bid = Bid.objects.create(
                reference=_random_reference(),
                tender=tender,
                lead_organisation=organisation,
                created_by=actor,
            )
            ConsortiumMember.objects.create(
                bid=bid,
                organisation=organisation,
                role="Lead organisation",
                share_percent=HUNDRED,
                is_lead=True,
                confirmed_at=now,
                confirmed_by=actor,
            )
            _write_content(actor=actor, bid=bid, content=_empty_content())
            audit_record(actor=actor, verb="bids.bid.started", target=bid, changes={})
            return bid
    except IntegrityError:
        # Another request started the same bid a moment ago: open that one.
        existing = Bid.objects.filter(tender=tender, lead_organisation=organisation).first()
        if existing is None:
            raise
        return existing


# --- the draft ------------------------------------------------------------------------


def bid_draft_save(
    *,
    actor: User,
    bid: Bid,
    answers: dict | None = None,
    prices: dict | None = None,
    lots: list | None = None,
) -> Bid:
    """Save part of the bid's working content, encrypted; nothing is saved if any part is wrong.

    ``answers`` maps question (criterion) id → text and is merged into the saved answers
    (an empty text removes one); an answer over its word limit is refused
    (``over_word_limit``) and nothing is stored. ``lots`` (lot ids) replaces the chosen
    lots (at least one when the tender has lots) and drops prices for lots no longer
    chosen. ``prices`` maps lot id (or ``"whole"`` when the tender has no lots) → pence,
    merged (None removes one). Stored keys are strings.
    """
    with transaction.atomic():
        bid = _prepare(actor, bid)
        tender = bid.tender
        content = _read_content(bid)
        parts: dict[str, Any] = {}
        if lots is not None:
            chosen = _clean_lots(tender, list(lots))
            content["lots"] = chosen
            content["prices"] = {
                k: v for k, v in content["prices"].items() if k == WHOLE or int(k) in chosen
            }
            bid.lots.set(chosen)
            parts["lots"] = len(chosen)
        if answers is not None:
            cleaned = _clean_answers(tender, answers)
            for key, text in cleaned.items():
                if text:
                    content["answers"][key] = text
                else:
                    content["answers"].pop(key, None)
            parts["answers"] = sorted(int(k) for k in cleaned)
        if prices is not None:
            cleaned_prices = _clean_prices(tender, prices, content["lots"])
            for key, pence in cleaned_prices.items():
                if pence is None:
                    content["prices"].pop(key, None)
                else:
                    content["prices"][key] = pence
            parts["prices"] = len(cleaned_prices)
        _write_content(actor=actor, bid=bid, content=content)
        Bid.objects.filter(pk=bid.pk).update(updated_at=timezone.now())
        audit_record(actor=actor, verb="bids.draft.saved", target=bid, changes=parts)
        return bid


def bid_draft_load(*, user: User, bid: Bid) -> dict[str, Any]:
    """The decrypted working content for members of the bidding organisations; NotFound otherwise.

    ``{"answers": {criterion id: text}, "prices": {lot id or "whole": pence},
    "lots": [lot ids], "members": [...]}`` (keys of answers and prices are strings).
    """
    if not getattr(user, "is_authenticated", False):
        raise NotFound()
    org_ids = list(bid.members.values_list("organisation_id", flat=True))
    org_ids.append(bid.lead_organisation_id)
    if not Membership.objects.filter(user=user, organisation_id__in=org_ids).exists():
        raise NotFound()
    return _read_content(bid)


# --- partners (consortium) ------------------------------------------------------------


def _clean_share(value, *, field: str = "share_percent") -> Decimal:
    try:
        share = Decimal(str(value).strip().rstrip("%").strip())
    except (InvalidOperation, ValueError):
        raise ServiceError(
            "invalid_share", "Enter the share of the work as a number, like 25.", field=field
        ) from None
    if not share.is_finite() or share <= 0 or share >= HUNDRED:
        raise ServiceError(
            "share_range",
            "The share of the work must be more than 0% and less than 100%.",
            field=field,
        )
    if share != share.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP):
        raise ServiceError(
            "share_decimals", "Use at most 2 decimal places for the share.", field=field
        )
    return share.quantize(Decimal("0.01"))


def _clean_role(role: str) -> str:
    role = (role or "").strip()
    if not role:
        raise ServiceError(
            "required", "Enter the partner’s role, for example “delivers lot 2”.", field="role"
        )
    if len(role) > ROLE_MAX:
        raise ServiceError(
            "too_long", f"The role must be {ROLE_MAX} characters or fewer.", field="role"
        )
    return role


def _lead_of(bid: Bid) -> ConsortiumMember:
    return ConsortiumMember.objects.select_for_update().get(bid=bid, is_lead=True)


def _set_lead_share(*, actor: User, lead: ConsortiumMember, share: Decimal) -> None:
    if share <= 0:
        raise ServiceError(
            "lead_share_too_small",
            "The shares would leave your organisation with no part of the work. Shares of "
            "all the partners, including yours, must add up to 100%.",
            field="share_percent",
        )
    lead.share_percent = share
    lead.confirmed_at = timezone.now()
    lead.confirmed_by = actor
    lead.save(update_fields=["share_percent", "confirmed_at", "confirmed_by"])


def _after_members_change(*, actor: User, bid: Bid) -> None:
    is_consortium = bid.members.count() > 1
    if bid.is_consortium != is_consortium:
        bid.is_consortium = is_consortium
        Bid.objects.filter(pk=bid.pk).update(is_consortium=is_consortium)
    _write_content(actor=actor, bid=bid, content=_read_content(bid))


def consortium_member_add(
    *, actor: User, bid: Bid, organisation: Organisation, role: str, share_percent
) -> ConsortiumMember:
    """Invite ``organisation`` to the bid as a partner with a role and a share of the work.

    The share is taken from the lead organisation's share, so shares always add up to
    100% (refused if the lead would be left with nothing). The partner must confirm from
    its own account. Adding the same organisation again is refused (``already_partner``).
    """
    with transaction.atomic():
        bid = _prepare(actor, bid)
        role = _clean_role(role)
        share = _clean_share(share_percent)
        if organisation.pk == bid.lead_organisation_id:
            raise ServiceError(
                "partner_is_lead",
                "Your own organisation is already the lead.",
                field="organisation",
            )
        if ConsortiumMember.objects.filter(bid=bid, organisation=organisation).exists():
            raise ServiceError(
                "already_partner",
                f"{organisation.name} is already a partner in this bid.",
                field="organisation",
            )
        lead = _lead_of(bid)
        _set_lead_share(actor=actor, lead=lead, share=lead.share_percent - share)
        member = ConsortiumMember.objects.create(
            bid=bid, organisation=organisation, role=role, share_percent=share
        )
        _after_members_change(actor=actor, bid=bid)
        audit_record(
            actor=actor,
            verb="bids.member.added",
            target=bid,
            changes={"organisation": organisation.slug, "role": role, "share_percent": share},
        )
        return member


def consortium_member_update(
    *, actor: User, member: ConsortiumMember, role: str, share_percent
) -> ConsortiumMember:
    """Change a partner's role or share (the difference goes to or from the lead's share).

    A change clears the partner's confirmation: it must confirm again. The lead's own
    share is whatever the partners leave; for the lead only the role changes here.
    """
    with transaction.atomic():
        bid = _prepare(actor, member.bid)
        member = ConsortiumMember.objects.select_for_update().get(pk=member.pk, bid=bid)
        role = _clean_role(role)
        if member.is_lead:
            share = member.share_percent
            if _clean_share_or_hundred(share_percent) != share:
                raise ServiceError(
                    "lead_share_derived",
                    "Your organisation’s share is what the partners’ shares leave. Change a "
                    "partner’s share, or change all the shares together.",
                    field="share_percent",
                )
        else:
            share = _clean_share(share_percent)
            lead = _lead_of(bid)
            if share != member.share_percent:
                _set_lead_share(
                    actor=actor, lead=lead, share=lead.share_percent + member.share_percent - share
                )
        changes = {}
        if role != member.role:
            changes["role"] = [member.role, role]
        if share != member.share_percent:
            changes["share_percent"] = [member.share_percent, share]
        if not changes:
            return member
        member.role = role
        member.share_percent = share
        if member.is_lead:
            member.confirmed_at, member.confirmed_by = timezone.now(), actor
        else:
            member.confirmed_at, member.confirmed_by = None, None
        member.save(update_fields=["role", "share_percent", "confirmed_at", "confirmed_by"])
        _after_members_change(actor=actor, bid=bid)
        audit_record(actor=actor, verb="bids.member.changed", target=bid, changes=changes)
        return member


def _clean_share_or_hundred(value) -> Decimal:
    try:
        return Decimal(str(value).strip().rstrip("%").strip()).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        raise ServiceError(
            "invalid_share",
            "Enter the share of the work as a number, like 25.",
            field="share_percent",
        ) from None


def consortium_shares_set(*, actor: User, bid: Bid, shares: dict[Any, Any]) -> Bid:
    """Set every member's share at once (member public id → percent); they must add up to
    exactly 100.

    Refused with ``shares_not_100`` (nothing changed) otherwise. Partners whose share
    changes must confirm again; the lead is confirmed by the actor. An error about one
    share names the field ``share_<public id>`` (as ``SharesForm`` names it).
    """
    with transaction.atomic():
        bid = _prepare(actor, bid)
        rows = ConsortiumMember.objects.select_for_update().filter(bid=bid)
        by_public_id = {str(m.public_id): m for m in rows}
        if {str(k) for k in shares} != set(by_public_id):
            raise ServiceError("shares_incomplete", "Give a share for every partner.")
        members = {m.pk: m for m in by_public_id.values()}
        new: dict[int, Decimal] = {}
        for key, value in shares.items():
            member = by_public_id[str(key)]
            if member.is_lead and len(members) == 1:
                new[member.pk] = _clean_share_or_hundred(value)
            else:
                new[member.pk] = _clean_share(value, field=f"share_{member.public_id}")
        total = sum(new.values(), Decimal("0"))
        if total != HUNDRED:
            raise ServiceError(
                "shares_not_100",
                f"The shares add up to {total.normalize():f}%. The shares of all the partners, "
                "including your organisation, must add up to exactly 100%.",
            )
        changed = {}
        now = timezone.now()
        for pk, share in new.items():
            member = members[pk]
            if member.share_percent == share and not member.is_lead:
                continue
            if member.share_percent != share:
                changed[member.organisation_id] = [member.share_percent, share]
            member.share_percent = share
            if member.is_lead:
                member.confirmed_at, member.confirmed_by = now, actor
            else:
                member.confirmed_at, member.confirmed_by = None, None
            member.save(update_fields=["share_percent", "confirmed_at", "confirmed_by"])
        if changed:
            _after_members_change(actor=actor, bid=bid)
            audit_record(
                actor=actor,
                verb="bids.member.shares_changed",
                target=bid,
                changes={"shares": {str(k): v for k, v in changed.items()}},
            )
        return bid


def consortium_member_remove(*, actor: User, member: ConsortiumMember) -> None:
    """Take a partner out of the bid; its share goes back to the lead. The lead cannot be removed."""
    with transaction.atomic():
        bid = _prepare(actor, member.bid)
        member = ConsortiumMember.objects.filter(pk=member.pk, bid=bid).first()
        if member is None:
            return  # already removed (a double click)
        if member.is_lead:
            raise ServiceError("lead_cannot_leave", "The lead organisation cannot be removed.")
        lead = _lead_of(bid)
        _set_lead_share(actor=actor, lead=lead, share=lead.share_percent + member.share_percent)
        slug = member.organisation.slug
        member.delete()
        _after_members_change(actor=actor, bid=bid)
        audit_record(
            actor=actor, verb="bids.member.removed", target=bid, changes={"organisation": slug}
        )


def _partner_action(actor: User, member: ConsortiumMember) -> tuple[Bid, ConsortiumMember]:
    """Checks for a partner acting on its own part: its own members only, open tender."""
    if member.is_lead or not _is_member(actor, member.organisation_id):
        raise NotFound()
    bid = _lock_bid(member.bid)
    _require_editable(bid)
    member = ConsortiumMember.objects.select_for_update().filter(pk=member.pk, bid=bid).first()
    if member is None:
        raise NotFound()
    return bid, member


def consortium_member_confirm(*, actor: User, member: ConsortiumMember) -> ConsortiumMember:
    """The partner organisation confirms its role and share, from its own account.

    Only members of that organisation may (NotFound for anyone else, including the lead's
    members). Confirming again does nothing.
    """
    with transaction.atomic():
        bid, member = _partner_action(actor, member)
        if member.confirmed_at is not None:
            return member
        member.confirmed_at = timezone.now()
        member.confirmed_by = actor
        member.save(update_fields=["confirmed_at", "confirmed_by"])
        _write_content(actor=actor, bid=bid, content=_read_content(bid))
        audit_record(
            actor=actor,
            verb="bids.member.confirmed",
            target=bid,
            changes={"organisation": member.organisation.slug},
        )
        return member


def consortium_member_decline(*, actor: User, member: ConsortiumMember) -> None:
    """The partner organisation says no: it leaves the bid and its share goes back to the lead."""
    with transaction.atomic():
        bid, member = _partner_action(actor, member)
        lead = _lead_of(bid)
        lead.share_percent = lead.share_percent + member.share_percent
        lead.save(update_fields=["share_percent"])
        slug = member.organisation.slug
        member.delete()
        _after_members_change(actor=actor, bid=bid)
        audit_record(
            actor=actor, verb="bids.member.declined", target=bid, changes={"organisation": slug}
        )


# --- documents ------------------------------------------------------------------------


def bid_file_plaintext(bid_file: BidFile) -> bytes:
    """Decrypt a bid file. No permission check: callers (selectors) decide who may read."""
    return decrypt_blob(bytes(bid_file.ciphertext))


def _read_upload(upload: UploadedFile, max_bytes: int) -> bytes:
    if upload.size is not None and upload.size > max_bytes:
        return b"\0" * (max_bytes + 1)  # refused by size without reading it all
    chunks, total = [], 0
    for chunk in upload.chunks():
        total += len(chunk)
        chunks.append(chunk)
        if total > max_bytes:
            break
    return b"".join(chunks)


def _requirement_name(tender: Tender, requirement) -> str:
    if requirement in (None, ""):
        return ""
    if isinstance(requirement, RequiredDocument):
        if requirement.tender_id != tender.pk:
            raise ServiceError("unknown_requirement", "That document was not asked for.")
        return requirement.name
    found = RequiredDocument.objects.filter(tender=tender, name=str(requirement)).first()
    if found is None:
        raise ServiceError("unknown_requirement", "That document was not asked for.")
    return found.name


def bid_file_add(
    *, actor: User, bid: Bid, upload: UploadedFile, title: str, requirement=None
) -> BidFile:
    """Attach a document to the bid, stored only encrypted.

    The type is judged from the file's content (``coproduce.procure.tenders.documents``): a
    ``.pdf`` that is really a web page is refused. The size limit is the rule
    ``documents.max_upload_mb``. ``requirement`` is a ``RequiredDocument`` of the tender
    (or its name), or blank for other documents. The same file twice is stored once
    (found by its keyed digest, ``existing_bid_file``). The title and SHA-256 are stored
    encrypted, like the content.
    """
    title = (title or "").strip() or (upload.name or "").rsplit("/", 1)[-1][:TITLE_MAX]
    if len(title) > TITLE_MAX:
        raise ServiceError(
            "too_long", f"The title must be {TITLE_MAX} characters or fewer.", field="title"
        )
    with transaction.atomic():
        bid = _prepare(actor, bid)
        requirement_name = _requirement_name(bid.tender, requirement)
        max_bytes, label = upload_limit_bytes()
        data = _read_upload(upload, max_bytes)
        if len(data) > max_bytes:
            raise ServiceError(
                "file_too_large",
                f"The file is larger than {label}, the limit for documents in a bid. Make it "
                "smaller, for example by splitting it or compressing its pictures.",
                field="file",
            )
        checked = check_upload(
            data=data, name=upload.name or "", max_bytes=max_bytes, limit_label=label
        )
        existing = existing_bid_file(bid, checked.sha256)
        if existing is not None:
            return existing
        bid_file = BidFile.objects.create(
            bid=bid,
            requirement=requirement_name,
            content_type=checked.kind.content_type,
            size_bytes=checked.size_bytes,
            uploaded_by=actor,
            **file_fields(bid_id=bid.pk, title=title, data=checked.content),
        )
        bid_file.with_meta({"title": title, "sha256": checked.sha256})
        audit_record(
            actor=actor,
            verb="bids.file.added",
            target=bid,
            changes={"file": bid_file.pk, "requirement": requirement_name},
        )
        return bid_file


def existing_bid_file(bid: Bid, sha256: str) -> BidFile | None:
    """The bid's document with this content (SHA-256, hex), if it has one.

    Compared by keyed digest under every master key the bid's documents were keyed with,
    so a document stored before a key rotation is still found.
    """
    key_ids = set(BidFile.objects.filter(bid=bid).values_list("digest_key_id", flat=True))
    if not key_ids:
        return None
    digests = [file_digest(bid_id=bid.pk, sha256=sha256, key_id=kid)[0] for kid in key_ids]
    return BidFile.objects.filter(bid=bid, digest__in=digests).first()


def bid_file_remove(*, actor: User, bid_file: BidFile) -> None:
    """Remove a document from the bid (before the closing date, while not submitted)."""
    with transaction.atomic():
        bid = _prepare(actor, bid_file.bid)
        deleted, _ = BidFile.objects.filter(pk=bid_file.pk, bid=bid).delete()
        if deleted:
            audit_record(
                actor=actor, verb="bids.file.removed", target=bid, changes={"file": bid_file.pk}
            )
