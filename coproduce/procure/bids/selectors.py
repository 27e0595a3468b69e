"""Reads of bids. Sealing is enforced here: staff selectors refuse before opening.

Before a tender's bids are opened (which ``bids_open`` allows only after the deadline)
council staff get ``NotFound`` for every bid, list and count, exactly as for a tender with
no bids; only members of the bidding organisations reach their own bid.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import ROUND_DOWN, Decimal

from django.db.models import CharField, Max, Q, QuerySet
from django.db.models.functions import Cast
from django.utils import timezone

from coproduce.foundation.core.errors import NotFound
from coproduce.plan.procurement_rules import keys
from coproduce.plan.procurement_rules.models import Reservation
from coproduce.plan.procurement_rules.selectors import rulebook_on
from coproduce.procure.tenders.models import Amendment
from coproduce.procure.tenders.selectors_clarifications import amendments_requiring_reconfirmation

from . import sealing
from .hooks import CONFLICT_HIDDEN, conflicted_bid_ids
from .models import (
    Bid,
    BidFile,
    BidStatus,
    BidSubmission,
    ConsortiumMember,
    Opening,
    RequiredDocument,
)
from .rules import is_bid_organisation_member
from .services_refusals import bid_access_refused


def tender_opening(tender) -> Opening | None:
    """The tender's opening record, or None while the bids are sealed."""
    return Opening.objects.filter(tender=tender).first()


def access_bid_for_bidder(user, reference: str) -> Bid:
    """The bid if ``user`` belongs to its lead or a consortium member organisation.

    NotFound for everybody else (council staff included), and for a missing bid; a
    signed-in user refused an existing bid is recorded (``services_refusals``).
    """
    bid = (
        Bid.objects.select_related("tender", "lead_organisation")
        .filter(reference=reference)
        .first()
    )
    if bid is None:
        raise NotFound()
    if not is_bid_organisation_member(user, bid):
        bid_access_refused(actor=user, bid=bid, what="receipt")
        raise NotFound()
    return bid


def opened_bids(*, user, tender, lot=None) -> QuerySet[Bid]:
    """Submitted bids of an opened tender, for council staff; NotFound before opening."""
    if not user.has_perm("bids.view_opened_bids") or tender_opening(tender) is None:
        raise NotFound()
    qs = (
        Bid.objects.filter(tender=tender, opened_at__isnull=False)
        .select_related("lead_organisation")
        .prefetch_related("members__organisation")
        .order_by("reference")
    )
    if lot is not None:
        qs = qs.filter(lots=lot)
    return qs


def access_opened_bid(user, tender, reference: str) -> Bid:
    """One opened bid of ``tender`` for council staff; NotFound before opening or if missing."""
    bid = opened_bids(user=user, tender=tender).filter(reference=reference).first()
    if bid is None:
        raise NotFound()
    return bid


def bid_count_visible(user, tender) -> int | None:
    """How many bids were opened, for staff after opening; None whenever it must stay secret."""
    try:
        return opened_bids(user=user, tender=tender).count()
    except NotFound:
        return None


def _require_file_reader(user, bid: Bid) -> None:
    """Who may read a bid's documents (content, title, SHA-256): the bidding organisations
    any time; council staff after opening, unless they declared a conflict with the bid."""
    if is_bid_organisation_member(user, bid):
        return
    if not (bid.opened_at is not None and user.has_perm("bids.view_opened_bids")):
        raise NotFound()
    if bid.pk in _conflicted_ids(user, bid.tender):
        raise NotFound()  # declared a conflict of interest with this bid


def bid_file_content(*, user, bid_file: BidFile) -> bytes:
    """A document's bytes: for the bidding organisations any time, for staff after opening."""
    _require_file_reader(user, bid_file.bid)
    return sealing.decrypt_blob(bytes(bid_file.ciphertext))


def with_file_meta(files) -> list[BidFile]:
    """``files`` with their titles and SHA-256 decrypted. No permission check: for services
    that already checked, and for the selectors here."""
    return [f.with_meta(sealing.decrypt_file_meta(bytes(f.meta_ciphertext))) for f in files]


def bid_files_readable(*, user, bid: Bid) -> list[BidFile]:
    """The bid's documents (oldest first) with titles and SHA-256 decrypted, for those who
    may read their content (``_require_file_reader``); NotFound for anyone else."""
    _require_file_reader(user, bid)
    return with_file_meta(BidFile.objects.filter(bid=bid).order_by("pk"))


def access_bid_file(*, user, bid: Bid, public_id) -> BidFile:
    """One document of ``bid`` by its public id, title decrypted; NotFound when it is
    missing, belongs to another bid, or ``user`` may not read the bid's documents.

    A document of another bid answers exactly like a missing one; when the user has
    nothing to do with that other bid the attempt is recorded (``services_refusals``).
    """
    _require_file_reader(user, bid)
    found = BidFile.objects.select_related("bid").filter(public_id=public_id).first()
    if found is None:
        raise NotFound()
    if found.bid_id != bid.pk:
        bid_access_refused(actor=user, bid=found.bid, what="document")
        raise NotFound()
    return with_file_meta([found])[0]


def draft_content(bid: Bid) -> dict:
    """The bid's decrypted working draft (empty shape when there is none). No permission check:
    callers are services that already checked, or selectors above."""
    draft = getattr(bid, "draft", None) if _has_draft(bid) else None
    if draft is None:
        return {"answers": {}, "prices": {}, "lots": [], "members": []}
    data = json.loads(
        sealing.decrypt_for_bid(bytes(draft.wrapped_data_key), bytes(draft.ciphertext))
    )
    for key, empty in (("answers", {}), ("prices", {}), ("lots", []), ("members", [])):
        data.setdefault(key, empty)
    return data


def _has_draft(bid: Bid) -> bool:
    try:
        bid.draft  # noqa: B018
    except Bid.draft.RelatedObjectDoesNotExist:
        return False
    return True


def latest_submission(bid: Bid):
    """The bid's most recent submission or re-confirmation, or None."""
    return bid.submissions.order_by("-number").first()


def needs_reconfirmation(bid: Bid) -> bool:
    """True when a submitted bid predates a change to the tender that asks bids to confirm again."""
    if bid.status != BidStatus.SUBMITTED:
        return False
    last = latest_submission(bid)
    if last is None:
        return False
    return amendments_requiring_reconfirmation(bid.tender, last.submitted_at).exists()


def bids_needing_reconfirmation(bids) -> set[int]:
    """Ids of the ``bids`` for which ``needs_reconfirmation`` is true, in two queries in all.

    The same rule for a whole list: a submitted bid whose latest submission or
    re-confirmation (by number) is older than a change to its tender that asks bids to be
    confirmed again. No query when none of the bids is submitted.
    """
    submitted = {bid.pk: bid.tender_id for bid in bids if bid.status == BidStatus.SUBMITTED}
    if not submitted:
        return set()
    latest_change = dict(
        Amendment.objects.filter(tender_id__in=set(submitted.values()), reconfirm_required=True)
        .values("tender_id")
        .annotate(latest=Max("made_at"))
        .values_list("tender_id", "latest")
    )
    last_sent = dict(  # in number order, so the last one written wins
        BidSubmission.objects.filter(bid_id__in=submitted)
        .order_by("bid_id", "number")
        .values_list("bid_id", "submitted_at")
    )
    return {
        pk
        for pk, tender_id in submitted.items()
        if pk in last_sent
        and tender_id in latest_change
        and latest_change[tender_id] > last_sent[pk]
    }


def required_documents(tender) -> QuerySet[RequiredDocument]:
    """The documents every bid must (or may) include; public part of the tender pack."""
    return RequiredDocument.objects.filter(tender=tender).order_by("pk")


def missing_documents(bid: Bid) -> list[RequiredDocument]:
    """Mandatory documents for which the bid has no file (matched by name or id)."""
    have = set(bid.files.values_list("requirement", flat=True))
    return [
        doc
        for doc in required_documents(bid.tender).filter(mandatory=True)
        if doc.name not in have and str(doc.pk) not in have
    ]


def rectification_is_open(tender, now: dt.datetime | None = None) -> bool:
    """True while the tender's rectification window (same for every bidder) is open."""
    opening = tender_opening(tender)
    now = now or timezone.now()
    return bool(
        opening and opening.rectification_closes_at and now < opening.rectification_closes_at
    )


def _conflicted_ids(user, tender) -> set[int]:
    """Bids the user declared a conflict of interest with (the panels app decides, through
    the hook in ``hooks.py``)."""
    return conflicted_bid_ids(user, tender)


def conflict_message() -> str:
    return CONFLICT_HIDDEN


def bid_hidden_by_conflict(user, bid: Bid) -> bool:
    """True when staff ``user`` declared a conflict with ``bid``: its content is hidden."""
    return bid.pk in _conflicted_ids(user, bid.tender)


def sealed_audit_events() -> Q:
    """Audit events that would reveal that a bid exists before its tender is opened.

    The audit browser excludes these (see ``coproduce.foundation.core.selectors``) so that auditors see
    bid events only once the bids are opened.
    """
    unopened_bids = (
        Bid.objects.filter(opened_at__isnull=True)
        .annotate(pk_text=Cast("pk", output_field=CharField()))
        .values("pk_text")
    )
    unopened_members = (
        ConsortiumMember.objects.filter(bid__opened_at__isnull=True)
        .annotate(pk_text=Cast("pk", output_field=CharField()))
        .values("pk_text")
    )
    unopened_files = (
        BidFile.objects.filter(bid__opened_at__isnull=True)
        .annotate(pk_text=Cast("pk", output_field=CharField()))
        .values("pk_text")
    )
    return (
        Q(target_type="bids.bid", target_id__in=unopened_bids)
        | Q(target_type="bids.consortiummember", target_id__in=unopened_members)
        | Q(target_type="bids.bidfile", target_id__in=unopened_files)
        | Q(target_type__in=["bids.biddraft", "bids.bidsubmission", "bids.tenderkey"])
    )


def eligibility_problem(*, reservation: str, organisations: list, day: dt.date) -> str | None:
    """Why these organisations (one, or a consortium) may not bid for a reserved lot; None if they may.

    Supported businesses: the combined workforce — all disadvantaged staff of all partners
    divided by all their staff (``workforce_headcount``) — must reach the rule
    ``reserved.supported_business_min_percent``. A single organisation is judged on its own
    stated percentage. Small business / voluntary and local reservations: every partner
    must qualify.
    """
    if reservation == Reservation.SUPPORTED_BUSINESS:
        minimum = rulebook_on(day).value(keys.RESERVED_SUPPORTED_BUSINESS_MIN_PERCENT)
        unknown = [o.name for o in organisations if o.workforce_disadvantaged_percent is None]
        if unknown:
            return (
                "This lot is reserved for supported businesses, and "
                + ", ".join(unknown)
                + " has not stated the share of its workers who are disabled or disadvantaged "
                "(organisation profile)."
            )
        if len(organisations) == 1:
            percent = Decimal(organisations[0].workforce_disadvantaged_percent)
        else:
            no_headcount = [
                o.name for o in organisations if not getattr(o, "workforce_headcount", None)
            ]
            if no_headcount:
                return (
                    "This lot is reserved for supported businesses. For a joint bid we add up "
                    "the workers of all partners, so each partner must give its number of "
                    "workers; missing for: " + ", ".join(no_headcount) + "."
                )
            staff = sum(o.workforce_headcount for o in organisations)
            disadvantaged = sum(
                Decimal(o.workforce_headcount * o.workforce_disadvantaged_percent) / 100
                for o in organisations
            )
            # Compared exactly; rounded down only for the message (29.96% is not 30%).
            percent = disadvantaged * 100 / staff
        if percent < minimum:
            percent = percent.quantize(Decimal("0.1"), rounding=ROUND_DOWN)
            who = "Your organisation's" if len(organisations) == 1 else "The partners' combined"
            return (
                f"This lot is reserved for supported businesses: at least {minimum}% of the "
                f"workers must be disabled or disadvantaged. {who} share is {percent.normalize():f}%."
            )
        return None
    if reservation == Reservation.SME_VCSE:
        others = [o.name for o in organisations if not (o.is_sme or o.is_vcse)]
        if others:
            return (
                "This lot is reserved for small and medium-sized businesses and voluntary "
                "organisations; " + ", ".join(others) + " is neither."
            )
        return None
    if reservation == Reservation.LOCAL:
        others = [o.name for o in organisations if not o.is_local]
        if others:
            return (
                "This lot is reserved for organisations based in the council's area; "
                + ", ".join(others)
                + " is not (postcode on the organisation profile)."
            )
        return None
    return None
