"""Reading panels: who scores what, what each person may see, moderation figures and ranking.

Blindness rules enforced here (and tested):

* a member sees no bid until they have declared their interests, and never a bid they
  declared a conflict with, nor any bid in a lot they declared a conflict with;
* a member sees only their own scores; everyone's scores for a bid become visible only
  once a moderation covering that bid has started (to the chair and commissioners);
* scores never appear in the audit trail's ``changes`` (only that a score was saved).

Bids a panel scores ("scorable"): submitted, opened (``opened_at`` set), and not found
non-compliant (compliant, or compliance not decided yet, or in rectification).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import QuerySet
from django.utils import timezone

from coproduce.foundation.accounts.models import Membership
from coproduce.foundation.core.errors import NotFound, ServiceError
from coproduce.plan.evaluation_models import scoring
from coproduce.plan.evaluation_models.models import Criterion, CriterionKind, ScaleLevel
from coproduce.procure.bids.hooks import CONFLICT_HIDDEN
from coproduce.procure.bids.models import Bid, BidPrice, BidStatus, ComplianceStatus, Opening
from coproduce.procure.tenders.models import Lot, Tender

from . import arithmetic
from .models import (
    Conflict,
    ModeratedScore,
    Moderation,
    ModerationStatus,
    PanelMember,
    PriceExplanation,
    Score,
)

INVITE_DAYS = 30
SESSION_KEY = "panel_member_id"
SCORED_KINDS = (CriterionKind.QUALITY, CriterionKind.SOCIAL_VALUE)


def token_digest(token: str) -> str:
    """The SHA-256 hex digest stored instead of an invitation token."""
    return hashlib.sha256(token.encode()).hexdigest()


def bids_opened(tender: Tender) -> bool:
    """True once an officer has opened the tender's bids (recorded as an ``Opening``)."""
    return Opening.objects.filter(tender=tender).exists()


def scorable_bids(tender: Tender, lot: Lot | None = None) -> QuerySet[Bid]:
    """Opened, submitted bids not found non-compliant (for one lot, or all when lot=None)."""
    qs = (
        Bid.objects.filter(tender=tender, status=BidStatus.SUBMITTED, opened_at__isnull=False)
        .exclude(compliance=ComplianceStatus.NOT_COMPLIANT)
        .select_related("lead_organisation")
        .order_by("reference")
    )
    if lot is not None:
        qs = qs.filter(lots=lot)
    return qs


def scored_criteria(tender: Tender) -> list[Criterion]:
    """The questions the panel scores (quality and social value leaves), in order."""
    return list(
        Criterion.objects.filter(
            model_id=tender.evaluation_model_id, parent__isnull=False, kind__in=SCORED_KINDS
        ).order_by("kind", "position")
    )


def scale_levels(tender: Tender) -> list[ScaleLevel]:
    """The evaluation model's scale, lowest first."""
    return list(ScaleLevel.objects.filter(model_id=tender.evaluation_model_id).order_by("score"))


def active_members(tender: Tender) -> QuerySet[PanelMember]:
    """Members not removed, chair first."""
    return (
        PanelMember.objects.filter(tender=tender, removed_at__isnull=True)
        .select_related("role", "user", "declaration")
        .order_by("-is_chair", "pk")
    )


def member_criteria(member: PanelMember) -> list[Criterion]:
    """The scored questions allotted to the member's role."""
    return list(
        member.role.criteria.filter(parent__isnull=False, kind__in=SCORED_KINDS).order_by(
            "kind", "position"
        )
    )


def has_declared(member: PanelMember) -> bool:
    try:
        return member.declaration is not None
    except PanelMember.declaration.RelatedObjectDoesNotExist:
        return False


# --- conflicts of interest ---------------------------------------------------------------
#
# The one place that decides who is conflicted with which bid. A conflict declared on a
# bid, or on a whole lot (then every bid in that lot), hides the bid's content from that
# person everywhere (panel pages, staff bid pages, moderation, awards, the API) and stops
# them taking decisions that touch it. Services call ``bids.hooks.require_no_conflict``;
# views and the API ask ``conflicted_bid_ids`` / ``is_conflicted`` and show
# ``bids.hooks.CONFLICT_HIDDEN`` instead. The bids app asks ``conflicted_bid_ids`` through
# its hook (``bids/hooks.py``), registered in ``PanelsConfig.ready()``.


def _conflict_bid_ids(conflicts: QuerySet[Conflict], tender_id: int) -> set[int]:
    """The bids the given conflicts cover: the bids named, and every bid in a lot named."""
    bid_ids, lot_ids = set(), set()
    for bid_id, lot_id in conflicts.values_list("bid_id", "lot_id"):
        if bid_id:
            bid_ids.add(bid_id)
        if lot_id:
            lot_ids.add(lot_id)
    if lot_ids:
        bid_ids |= set(
            Bid.lots.through.objects.filter(
                lot_id__in=lot_ids, bid__tender_id=tender_id
            ).values_list("bid_id", flat=True)
        )
    return bid_ids


def member_conflicted_bid_ids(member: PanelMember) -> set[int]:
    """Bids this panel seat declared a conflict with (directly or through a lot)."""
    return _conflict_bid_ids(Conflict.objects.filter(declaration__member=member), member.tender_id)


def conflicted_bid_ids(user, tender: Tender) -> set[int]:
    """Bids of ``tender`` the signed-in ``user`` declared a conflict with on any of their
    panel seats for it (removed seats included: the conflict is about the person)."""
    if user is None or not getattr(user, "is_authenticated", False) or tender is None:
        return set()
    return _conflict_bid_ids(
        Conflict.objects.filter(declaration__member__user=user, declaration__member__tender=tender),
        tender.pk,
    )


def is_conflicted(user, bid: Bid) -> bool:
    """True when ``user`` declared a conflict with ``bid`` (or with a lot it is in)."""
    return bid.pk in conflicted_bid_ids(user, bid.tender)


def member_conflicts(member: PanelMember) -> tuple[set[int], set[int]]:
    """(bid ids, lot ids) the member declared a conflict with (as declared)."""
    if not has_declared(member):
        return set(), set()
    bids, lots = set(), set()
    for c in member.declaration.conflicts.all():
        if c.bid_id:
            bids.add(c.bid_id)
        if c.lot_id:
            lots.add(c.lot_id)
    return bids, lots


def member_bids(member: PanelMember, lot: Lot | None = None) -> list[Bid]:
    """The bids the member may see and score: none before declaring; never a conflicted one."""
    if member.removed_at is not None or not has_declared(member):
        return []
    bids = list(scorable_bids(member.tender, lot))
    excluded = member_conflicted_bid_ids(member)
    return [b for b in bids if b.pk not in excluded]


def access_panel_member(*, user, session_member_id: int | None, member_id: int) -> PanelMember:
    """The member whose pages these are, if the visitor is that member.

    The visitor is the member when the panel-only session names them, or when they are
    signed in as the member's council account. Removed members, other members, other
    people: NotFound.
    """
    member = (
        PanelMember.objects.select_related("tender", "role", "user")
        .filter(pk=member_id, removed_at__isnull=True)
        .first()
    )
    if member is None:
        raise NotFound()
    by_session = session_member_id is not None and int(session_member_id) == member.pk
    by_account = member.user_id is not None and user.is_authenticated and user.pk == member.user_id
    if not (by_session or by_account):
        raise NotFound()
    return member


def members_for_visitor(*, user, session_member_id: int | None) -> list[PanelMember]:
    """Every active panel seat of the visitor (session seat and account seats)."""
    seats = []
    if session_member_id is not None:
        seats += list(
            PanelMember.objects.select_related("tender", "role").filter(
                pk=session_member_id, removed_at__isnull=True
            )
        )
    if user.is_authenticated:
        seats += list(
            PanelMember.objects.select_related("tender", "role")
            .filter(user=user, removed_at__isnull=True)
            .exclude(pk=session_member_id or 0)
        )
    return seats


def member_by_token(*, token: str) -> PanelMember:
    """The member an invitation link is for; NotFound if unknown, used, expired or removed."""
    if not token:
        raise NotFound("This link is not valid.")
    member = (
        PanelMember.objects.select_related("tender", "role")
        .filter(invite_token_hash=token_digest(token), removed_at__isnull=True)
        .first()
    )
    if member is None or member.invited_at is None:
        raise NotFound("This link is not valid. It may have been used already or replaced.")
    if timezone.now() > member.invited_at + dt.timedelta(days=INVITE_DAYS):
        raise NotFound("This link has expired. Ask the council officer to send you a new one.")
    return member


def access_member_bid(member: PanelMember, reference: str) -> Bid:
    """One of the member's bids by reference; NotFound otherwise (conflicted bids too)."""
    for bid in member_bids(member):
        if bid.reference == reference:
            return bid
    raise NotFound()


def access_panel_tender(user, reference: str, perm: str = "panels.view_panel") -> Tender:
    """A published tender whose panel the user may see (or manage, or moderate)."""
    tender = (
        Tender.objects.select_related("evaluation_model")
        .filter(reference=reference, published_at__isnull=False)
        .first()
    )
    if tender is None or not user.has_perm(perm, tender):
        raise NotFound()
    return tender


def lot_from_key(tender: Tender, key: str) -> Lot | None:
    """``"whole"`` for a tender without lots, else the lot number; NotFound if it does not fit."""
    lots = list(tender.lots.all())
    if not lots:
        if key != "whole":
            raise NotFound()
        return None
    for lot in lots:
        if str(lot.number) == key:
            return lot
    raise NotFound()


def lot_key(lot: Lot | None) -> str:
    return "whole" if lot is None else str(lot.number)


def moderation_units(tender: Tender) -> list[Lot | None]:
    """What is moderated separately: each lot, or the whole tender when it has no lots."""
    lots = list(tender.lots.all())
    return lots or [None]


def moderation_for(tender: Tender, lot: Lot | None) -> Moderation | None:
    return Moderation.objects.filter(tender=tender, lot=lot).first()


# --- who still has to score --------------------------------------------------------------


@dataclass
class Allotment:
    """One member's work for a lot: the bids and questions, and how many are submitted."""

    member: PanelMember
    bids: list[Bid]
    criteria: list[Criterion]
    submitted: int = 0

    @property
    def expected(self) -> int:
        return len(self.bids) * len(self.criteria)

    @property
    def missing(self) -> int:
        return self.expected - self.submitted


def allotments(tender: Tender, lot: Lot | None = None) -> list[Allotment]:
    """For every active member, the (bid, question) pairs they must score and progress.

    Members who have not declared count all their bids as still to score (they cannot
    see them yet). Only counts are returned: no scores.
    """
    bids = list(scorable_bids(tender, lot))
    out = []
    for member in active_members(tender):
        criteria = member_criteria(member)
        if not criteria:
            continue
        if has_declared(member):
            excluded = member_conflicted_bid_ids(member)
            mine = [b for b in bids if b.pk not in excluded]
        else:
            mine = list(bids)
        submitted = Score.objects.filter(
            member=member,
            bid__in=mine,
            criterion__in=criteria,
            submitted_at__isnull=False,
        ).count()
        out.append(Allotment(member=member, bids=mine, criteria=criteria, submitted=submitted))
    return out


def missing_scores(tender: Tender, lot: Lot | None = None) -> list[Allotment]:
    """The allotments with scores still to submit (names and counts only)."""
    return [a for a in allotments(tender, lot) if a.missing > 0]


# --- moderation --------------------------------------------------------------------------


def scores_visible(moderation: Moderation | None) -> bool:
    """Members' scores are visible (to the chair and commissioners) once moderation starts."""
    return moderation is not None and moderation.status != ModerationStatus.SCORING


@dataclass
class CriterionSpread:
    """Members' submitted scores for one bid and question, and the agreed score if any."""

    criterion: Criterion
    scores: list[Score]
    low: int | None
    high: int | None
    moderated: ModeratedScore | None


@dataclass
class BidSpread:
    """One bid's rows; ``hidden`` (no rows) when the viewer declared a conflict with it."""

    bid: Bid
    rows: list[CriterionSpread] = field(default_factory=list)
    hidden: bool = False


def moderation_spread(moderation: Moderation, *, user=None) -> list[BidSpread]:
    """Per bid and question, every active member's submitted score with its justification.

    Scores set aside (a conflict declared after scoring) are left out. When ``user`` is
    given, bids they declared a conflict with come back ``hidden`` with no rows.
    Raises NotFound while the moderation has not started (blindness).
    """
    if not scores_visible(moderation):
        raise NotFound()
    tender = moderation.tender
    bids = list(scorable_bids(tender, moderation.lot))
    criteria = scored_criteria(tender)
    hidden_ids = conflicted_bid_ids(user, tender)
    scores = defaultdict(list)
    for s in (
        Score.objects.filter(
            bid__in=bids,
            submitted_at__isnull=False,
            set_aside_at__isnull=True,
            member__removed_at__isnull=True,
            member__tender=tender,
        )
        .select_related("member")
        .order_by("member_id")
    ):
        scores[(s.bid_id, s.criterion_id)].append(s)
    agreed = {(m.bid_id, m.criterion_id): m for m in ModeratedScore.objects.filter(bid__in=bids)}
    out = []
    for bid in bids:
        row = BidSpread(bid=bid)
        if bid.pk in hidden_ids:
            row.hidden = True
            out.append(row)
            continue
        for c in criteria:
            found = scores.get((bid.pk, c.pk), [])
            pair = arithmetic.spread(s.score for s in found)
            row.rows.append(
                CriterionSpread(
                    criterion=c,
                    scores=found,
                    low=pair[0] if pair else None,
                    high=pair[1] if pair else None,
                    moderated=agreed.get((bid.pk, c.pk)),
                )
            )
        out.append(row)
    return out


def set_aside_count(tender: Tender, lot: Lot | None = None) -> int:
    """How many scores of this lot's bids were set aside by a conflict declared later."""
    return Score.objects.filter(
        bid__in=scorable_bids(tender, lot), set_aside_at__isnull=False
    ).count()


def moderation_gaps(moderation: Moderation) -> int:
    """How many (bid, question) pairs have no agreed score yet."""
    bids = list(scorable_bids(moderation.tender, moderation.lot))
    criteria = scored_criteria(moderation.tender)
    agreed = ModeratedScore.objects.filter(bid__in=bids, criterion__in=criteria).count()
    return len(bids) * len(criteria) - agreed


# --- ranking -----------------------------------------------------------------------------


@dataclass
class CriterionResult:
    """One question's agreed score for a bid and the points it earned."""

    criterion: Criterion
    moderated_score: int
    weight: Decimal
    weighted_points: Decimal
    reason: str


@dataclass
class RankedBid:
    """A bid's place in a lot's ranking, with every figure behind it (Decimals, 2 dp)."""

    bid: Bid
    quality: Decimal
    social_value: Decimal
    price_score: Decimal
    price_pence: int
    total: Decimal
    rank: int
    tie_break: str
    abnormally_low: bool
    abnormal_reason: str
    per_criterion: list[CriterionResult]
    hidden: bool = False


HIDDEN_FIGURE = "—"


def hide_conflicted(ranked: list[RankedBid], user) -> list[RankedBid]:
    """The ranking as ``user`` may see it: for a bid they declared a conflict with, the
    place and bidder name stay but every figure, reason and tie-break is replaced (the
    tie-break line carries ``CONFLICT_HIDDEN``)."""
    if not ranked:
        return ranked
    hidden_ids = conflicted_bid_ids(user, ranked[0].bid.tender)
    out = []
    for r in ranked:
        if r.bid.pk not in hidden_ids:
            out.append(r)
            continue
        out.append(
            RankedBid(
                bid=r.bid,
                quality=HIDDEN_FIGURE,
                social_value=HIDDEN_FIGURE,
                price_score=HIDDEN_FIGURE,
                price_pence=None,
                total=HIDDEN_FIGURE,
                rank=r.rank,
                tie_break=CONFLICT_HIDDEN,
                abnormally_low=False,
                abnormal_reason="",
                per_criterion=[],
                hidden=True,
            )
        )
    return out


def _bid_prices(bids: list[Bid], lot: Lot | None) -> dict[int, int]:
    prices = {p.bid_id: p.price_pence for p in BidPrice.objects.filter(bid__in=bids, lot=lot)}
    missing = [b.reference for b in bids if b.pk not in prices]
    if missing:
        raise ServiceError(
            "price_missing", f"There is no opened price for {', '.join(missing)} in this lot."
        )
    return prices


def price_flags(tender: Tender, lot: Lot | None = None) -> dict[int, str]:
    """Bid id → why its price is abnormally low (only flagged bids) among the lot's bids."""
    bids = list(scorable_bids(tender, lot))
    prices = _bid_prices(bids, lot)
    by_ref = {b.reference: prices[b.pk] for b in bids}
    flagged = arithmetic.abnormal_prices(by_ref)
    return {b.pk: flagged[b.reference] for b in bids if b.reference in flagged}


def ranking(*, tender: Tender, lot: Lot | None = None) -> list[RankedBid]:
    """The lot's bids ranked by total, from the moderated scores and the price formula.

    Quality and social value points: ``scoring.weighted_total`` of the moderated scores
    (each group rounded once to 2 dp). Price points: ``scoring.price_score`` with the
    model's formula, the lowest price among the lot's bids and the lot's (or tender's)
    value as the budget. Total = sum of the rounded parts. Ties broken as documented in
    ``coproduce.procure.panels.arithmetic``. Raises ServiceError("moderation_incomplete") when any
    bid lacks an agreed score for a question.
    """
    model = tender.evaluation_model
    bids = list(scorable_bids(tender, lot))
    if not bids:
        return []
    criteria = scored_criteria(tender)
    max_scale = max((lvl.score for lvl in scale_levels(tender)), default=0)
    agreed = {
        (m.bid_id, m.criterion_id): m
        for m in ModeratedScore.objects.filter(bid__in=bids, criterion__in=criteria)
    }
    if len(agreed) < len(bids) * len(criteria):
        raise ServiceError(
            "moderation_incomplete",
            "The panel has not agreed a score for every question of every bid yet.",
        )
    price_weight = sum(
        (
            c.weight_percent
            for c in Criterion.objects.filter(
                model=model, parent__isnull=False, kind=CriterionKind.PRICE
            )
        ),
        Decimal(0),
    )
    prices = _bid_prices(bids, lot)
    lowest = min(prices.values())
    budget = lot.value_pence if lot is not None else tender.value_pence
    flags = arithmetic.abnormal_prices({b.reference: prices[b.pk] for b in bids})
    entries, details = [], {}
    for bid in bids:
        groups: dict[str, tuple[dict, dict]] = {k: ({}, {}) for k in SCORED_KINDS}
        per = []
        for c in criteria:
            m = agreed[(bid.pk, c.pk)]
            groups[c.kind][0][str(c.pk)] = m.score
            groups[c.kind][1][str(c.pk)] = c.weight_percent
            per.append(
                CriterionResult(
                    criterion=c,
                    moderated_score=m.score,
                    weight=c.weight_percent,
                    weighted_points=arithmetic.question_points(
                        m.score, c.weight_percent, max_scale
                    ),
                    reason=m.reason,
                )
            )
        quality = arithmetic.group_points(*groups[CriterionKind.QUALITY], max_scale)
        social = arithmetic.group_points(*groups[CriterionKind.SOCIAL_VALUE], max_scale)
        if price_weight > 0:
            p_score = scoring.price_score(
                model.price_formula,
                bid_pence=prices[bid.pk],
                lowest_pence=lowest,
                budget_pence=budget or lowest,
                weight=price_weight,
            )
        else:
            p_score = scoring.round2(Decimal(0))
        entries.append(
            arithmetic.Entry(
                key=bid.reference,
                quality=quality,
                social_value=social,
                price_score=p_score,
                price_pence=prices[bid.pk],
                submitted_at=bid.submitted_at,
            )
        )
        details[bid.reference] = (bid, per)
    out = []
    for r in arithmetic.rank(entries):
        bid, per = details[r.entry.key]
        out.append(
            RankedBid(
                bid=bid,
                quality=r.entry.quality,
                social_value=r.entry.social_value,
                price_score=r.entry.price_score,
                price_pence=r.entry.price_pence,
                total=r.entry.total,
                rank=r.rank,
                tie_break=r.tie_break,
                abnormally_low=r.entry.key in flags,
                abnormal_reason=flags.get(r.entry.key, ""),
                per_criterion=per,
            )
        )
    return out


def ranking_tie_break_note(ranked: list[RankedBid]) -> str:
    """The text recorded in ``Moderation.tie_break_note`` (empty when no tie-break used)."""
    return "\n".join(f"{r.bid.reference}: {r.tie_break}" for r in ranked if r.tie_break)


def price_explanations(tender: Tender, lot: Lot | None = None) -> list[PriceExplanation]:
    return list(
        PriceExplanation.objects.filter(bid__tender=tender, lot=lot)
        .select_related("bid", "bid__lead_organisation")
        .order_by("bid__reference")
    )


def award_blockers(*, tender: Tender, lot: Lot | None = None) -> list[str]:
    """Plain sentences saying what stops an award for this lot (empty: nothing does).

    Moderation must be complete, and every abnormally low price must have an explanation
    the panel accepted or rejected.
    """
    out = []
    moderation = moderation_for(tender, lot)
    where = "this tender" if lot is None else f"lot {lot.number}"
    if moderation is None or moderation.status != ModerationStatus.COMPLETE:
        out.append(f"The panel has not finished moderating the scores for {where}.")
    for pe in price_explanations(tender, lot):
        if pe.accepted is not None:
            continue
        if pe.received_at is None:
            out.append(
                f"Bid {pe.bid.reference} has an abnormally low price and the bidder has not "
                "yet explained it."
            )
        else:
            out.append(
                f"Bid {pe.bid.reference} has an abnormally low price: the bidder has explained "
                "it, but the panel has not accepted or rejected the explanation."
            )
    return out


def access_price_explanation_for_bidder(user, explanation_id: int) -> PriceExplanation:
    """A price-explanation request, for members of the bid's lead organisation only."""
    pe = (
        PriceExplanation.objects.select_related("bid", "bid__tender", "bid__lead_organisation")
        .filter(pk=explanation_id)
        .first()
    )
    if pe is None or not user.is_authenticated:
        raise NotFound()

    if not Membership.objects.filter(user=user, organisation=pe.bid.lead_organisation).exists():
        raise NotFound()
    return pe


def member_scores(member: PanelMember, bid: Bid) -> dict[int, Score]:
    """The member's own scores for a bid, by criterion id (never anyone else's)."""
    return {s.criterion_id: s for s in Score.objects.filter(member=member, bid=bid)}


def member_progress(member: PanelMember) -> list[tuple[Bid, int, int, bool]]:
    """(bid, questions submitted, questions allotted, scores are final) for each of the bids."""
    criteria = member_criteria(member)
    bids = member_bids(member)
    counts = defaultdict(int)
    for s in Score.objects.filter(
        member=member, bid__in=bids, criterion__in=criteria, submitted_at__isnull=False
    ):
        counts[s.bid_id] += 1
    return [(b, counts[b.pk], len(criteria), counts[b.pk] >= len(criteria)) for b in bids]


def bid_scoring_closed(bid: Bid) -> bool:
    """True once a moderation covering this bid has started (scores can no longer change)."""
    lots = list(bid.lots.all())
    qs = Moderation.objects.filter(tender_id=bid.tender_id).exclude(status=ModerationStatus.SCORING)
    qs = qs.filter(lot__in=lots) if lots else qs.filter(lot__isnull=True)
    return qs.exists()
