"""Reads for the bidder's pages: their bids, partner invitations and the "check your bid" list.

Only members of the bidding organisations reach a bid here (``access_bid_for_bidder`` in
``coproduce.procure.bids.selectors``); council staff and administrators get ``NotFound`` like
anybody else, before and after the closing date (they read opened bids elsewhere).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q, QuerySet
from django.utils import timezone

from coproduce.foundation.accounts.models import Membership, Organisation
from coproduce.foundation.core.errors import NotFound, ServiceError
from coproduce.foundation.core.validation import word_count
from coproduce.plan.evaluation_models.models import Criterion
from coproduce.procure.tenders.models import Lot, Tender
from coproduce.procure.tenders.selectors import tender_days_left
from coproduce.procure.tenders.selectors_clarifications import amendments_requiring_reconfirmation

from .models import Bid, BidFile, BidStatus, ConsortiumMember, RequiredDocument
from .selectors import (
    access_bid_file,
    bid_files_readable,
    bids_needing_reconfirmation,
    eligibility_problem,
    latest_submission,
)
from .services_draft import WHOLE, answerable_questions, bid_draft_load
from .services_refusals import bid_access_refused

ORG_SEARCH_LIMIT = 20


def user_organisation_ids(user) -> list[int]:
    """Ids of the organisations ``user`` belongs to (empty for visitors)."""
    if not getattr(user, "is_authenticated", False):
        return []
    return list(Membership.objects.filter(user=user).values_list("organisation_id", flat=True))


def user_organisations(user) -> QuerySet[Organisation]:
    """The organisations ``user`` belongs to, by name."""
    return Organisation.objects.filter(pk__in=user_organisation_ids(user)).order_by("name")


def access_bid_as_member(user, reference: str) -> Bid:
    """The bid if ``user`` belongs to its lead or a partner organisation; NotFound otherwise.

    Membership is checked directly, not through ``user.has_perm``: Django answers True to
    every ``has_perm`` for a superuser, and a platform administrator must not see a bid.
    A signed-in user refused a bid that exists is recorded (``services_refusals``, at most
    once a minute per user and bid); the answer is the same as for a missing bid.
    """
    org_ids = user_organisation_ids(user)
    bid = (
        Bid.objects.select_related("tender", "lead_organisation")
        .filter(reference=reference)
        .filter(Q(lead_organisation_id__in=org_ids) | Q(members__organisation_id__in=org_ids))
        .distinct()
        .first()
        if org_ids
        else None
    )
    if bid is None:
        refused = Bid.objects.filter(reference=reference).first()
        if refused is not None:
            bid_access_refused(actor=user, bid=refused, what="bid")
        raise NotFound()
    return bid


def access_bid_for_lead(user, reference: str) -> Bid:
    """The bid if ``user`` belongs to its lead organisation (who prepares it); NotFound otherwise."""
    bid = access_bid_as_member(user, reference)
    if bid.lead_organisation_id not in user_organisation_ids(user):
        raise NotFound()
    return bid


def is_lead_member(user, bid: Bid) -> bool:
    """True when ``user`` belongs to the bid's lead organisation."""
    return bid.lead_organisation_id in user_organisation_ids(user)


def bidder_bids(user) -> QuerySet[Bid]:
    """Bids led by, or joined by, the user's organisations (newest deadline first)."""
    org_ids = user_organisation_ids(user)
    if not org_ids:
        return Bid.objects.none()
    return (
        Bid.objects.filter(
            Q(lead_organisation_id__in=org_ids) | Q(members__organisation_id__in=org_ids)
        )
        .distinct()
        .select_related("tender", "lead_organisation")
        .order_by("-tender__deadline", "reference")
    )


def consortium_invitations(user) -> QuerySet[ConsortiumMember]:
    """Partner places offered to the user's organisations in other organisations' bids."""
    org_ids = user_organisation_ids(user)
    return (
        ConsortiumMember.objects.filter(organisation_id__in=org_ids, is_lead=False)
        .select_related("bid__tender", "bid__lead_organisation", "organisation")
        .order_by("confirmed_at", "-bid__tender__deadline", "pk")
    )


def _refuse_other_bids_member(user, public_id) -> None:
    """Record (rate-limited) a partner place of a bid that is not the user's."""
    other = ConsortiumMember.objects.select_related("bid").filter(public_id=public_id).first()
    if other is not None:
        bid_access_refused(actor=user, bid=other.bid, what="partner place")


def access_invitation(user, public_id) -> ConsortiumMember:
    """A partner place (by its public id) of one of the user's organisations; NotFound
    otherwise, the same for a missing place and another organisation's."""
    member = consortium_invitations(user).filter(public_id=public_id).first()
    if member is None:
        _refuse_other_bids_member(user, public_id)
        raise NotFound()
    return member


def access_member_of_bid(bid: Bid, public_id, *, user) -> ConsortiumMember:
    """A member row of ``bid`` by its public id (the caller already checked access to the
    bid); NotFound for a missing id and for a member of another bid alike."""
    member = bid.members.select_related("organisation").filter(public_id=public_id).first()
    if member is None:
        _refuse_other_bids_member(user, public_id)
        raise NotFound()
    return member


def access_file_of_bid(bid: Bid, public_id, *, user) -> BidFile:
    """A document of ``bid`` by its public id, title decrypted (the caller already checked
    access to the bid); NotFound for a missing id and another bid's document alike."""
    return access_bid_file(user=user, bid=bid, public_id=public_id)


def access_question(tender: Tender, number: int) -> Criterion:
    """Question ``number`` (1, 2, …) of the questions bidders answer on this tender;
    NotFound for anything else. URLs number questions within the tender instead of using
    criterion ids, which count every tender's criteria."""
    questions = answerable_questions(tender)
    if not 1 <= number <= len(questions):
        raise NotFound()
    return questions[number - 1]


def organisation_search(query: str, *, exclude_ids: list[int]) -> list[Organisation]:
    """Registered organisations whose name contains ``query`` (at least 2 characters)."""
    query = (query or "").strip()
    if len(query) < 2:
        return []
    return list(
        Organisation.objects.filter(name__icontains=query)
        .exclude(pk__in=exclude_ids)
        .order_by("name")[:ORG_SEARCH_LIMIT]
    )


def bid_members(bid: Bid) -> list[ConsortiumMember]:
    return list(bid.members.select_related("organisation").order_by("-is_lead", "pk"))


def bid_files(bid: Bid, *, user) -> list[BidFile]:
    """The bid's documents with titles decrypted, for a member of a bidding organisation."""
    return bid_files_readable(user=user, bid=bid)


# --- the check page -------------------------------------------------------------------


@dataclass
class AnswerRow:
    question: Criterion
    text: str
    words: int
    over_limit: bool


@dataclass
class LotRow:
    lot: Lot | None
    label: str
    price_pence: int | None


@dataclass
class DocumentRow:
    required: RequiredDocument
    files: list[BidFile]


@dataclass
class BidCheck:
    """Everything the "Check your bid" page lists, with the problems that stop sending it."""

    answers: list[AnswerRow]
    lots: list[LotRow]
    has_lots: bool
    members: list[ConsortiumMember]
    documents: list[DocumentRow]
    other_files: list[BidFile]
    problems: list[tuple[str, str]] = field(default_factory=list)  # (message, link anchor)
    warnings: list[str] = field(default_factory=list)


def bid_check(*, user, bid: Bid) -> BidCheck:
    """The bid's content laid out for checking, and every problem found (decrypts for members)."""
    content = bid_draft_load(user=user, bid=bid)
    tender = bid.tender
    problems: list[tuple[str, str]] = []
    warnings: list[str] = []

    answers = []
    for number, question in enumerate(answerable_questions(tender), start=1):
        text = content["answers"].get(str(question.pk), "")
        words = word_count(text)
        over = bool(question.word_limit and words > question.word_limit)
        answers.append(AnswerRow(question=question, text=text, words=words, over_limit=over))
        if not text:
            problems.append((f"Answer the question “{question.title}”.", f"q-{number}"))
        elif over:
            problems.append(
                (
                    f"Your answer to “{question.title}” has {words:,} words; the limit is "
                    f"{question.word_limit:,}.",
                    f"q-{number}",
                )
            )

    all_lots = list(tender.lots.order_by("number"))
    chosen = [lot for lot in all_lots if lot.pk in set(content["lots"])]
    lot_rows: list[LotRow] = []
    if all_lots:
        if not chosen:
            problems.append(("Choose at least one lot to bid for.", "lots"))
        for lot in chosen:
            price = content["prices"].get(str(lot.pk))
            lot_rows.append(LotRow(lot=lot, label=str(lot), price_pence=price))
            if not price:
                problems.append((f"Give a price for lot {lot.number}.", "prices"))
    else:
        price = content["prices"].get(WHOLE)
        lot_rows.append(LotRow(lot=None, label="The whole contract", price_pence=price))
        if not price:
            problems.append(("Give your price.", "prices"))

    members = bid_members(bid)
    unconfirmed = [m.organisation.name for m in members if m.confirmed_at is None]
    if unconfirmed:
        problems.append(
            (
                "Still waiting for partners to confirm their part: " + ", ".join(unconfirmed) + ".",
                "partners",
            )
        )
    total = sum((m.share_percent for m in members), Decimal(0))
    if members and total != 100:
        problems.append(
            (f"The partners’ shares add up to {total.normalize():f}%, not 100%.", "partners")
        )

    files = bid_files(bid, user=user)
    documents = []
    for required in RequiredDocument.objects.filter(tender=tender).order_by("pk"):
        mine = [f for f in files if f.requirement in (required.name, str(required.pk))]
        documents.append(DocumentRow(required=required, files=mine))
        if required.mandatory and not mine:
            problems.append((f"Add the document “{required.name}”.", "documents"))
    named = {d.required.name for d in documents}
    other_files = [f for f in files if f.requirement not in named]

    warnings.extend(_eligibility_warnings(tender, chosen, [m.organisation for m in members]))
    return BidCheck(
        answers=answers,
        lots=lot_rows,
        has_lots=bool(all_lots),
        members=members,
        documents=documents,
        other_files=other_files,
        problems=problems,
        warnings=warnings,
    )


def _eligibility_warnings(tender: Tender, lots: list[Lot], organisations: list) -> list[str]:
    """Reserved lots the organisations may not qualify for (checked again when sending)."""
    targets = [(lot.reserved_for or tender.reserved_for) for lot in lots] or [tender.reserved_for]
    out: list[str] = []
    for reservation in dict.fromkeys(targets):
        if not reservation:
            continue
        try:
            problem = eligibility_problem(
                reservation=reservation, organisations=organisations, day=timezone.localdate()
            )
        except ServiceError:
            continue
        if problem:
            out.append(problem)
    return out


# --- "your bids" --------------------------------------------------------------------


@dataclass
class BidRow:
    bid: Bid
    status: str
    days_left: str
    is_lead: bool
    submission_number: int | None
    needs_reconfirmation: bool


def bid_rows(user, now: dt.datetime | None = None) -> list[BidRow]:
    """The "Your bids" table: one row per bid of the user's organisations."""
    now = now or timezone.now()
    org_ids = set(user_organisation_ids(user))
    bids = list(bidder_bids(user).prefetch_related("submissions"))
    unconfirmed = bids_needing_reconfirmation(bids)  # one batch, not queries per bid
    rows = []
    for bid in bids:
        submissions = sorted(bid.submissions.all(), key=lambda s: s.number)
        rows.append(
            BidRow(
                bid=bid,
                status=bid.get_status_display(),
                days_left=tender_days_left(bid.tender, now),
                is_lead=bid.lead_organisation_id in org_ids,
                submission_number=submissions[-1].number if submissions else None,
                needs_reconfirmation=bid.pk in unconfirmed,
            )
        )
    return rows


def reconfirmation_banner(bid: Bid):
    """The latest change to the tender that asks this submitted bid to be confirmed again."""
    if bid.status != BidStatus.SUBMITTED:
        return None
    last = latest_submission(bid)
    if last is None:
        return None
    return amendments_requiring_reconfirmation(bid.tender, last.submitted_at).last()


def tender_bid_for_user(user, tender: Tender) -> list[Bid]:
    """The user's organisations' bids (as lead) on this tender, for the "Start a bid" box."""
    org_ids = user_organisation_ids(user)
    if not org_ids:
        return []
    return list(
        Bid.objects.filter(tender=tender, lead_organisation_id__in=org_ids).select_related(
            "lead_organisation"
        )
    )
