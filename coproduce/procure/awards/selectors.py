"""Reads for awards: the staff award page, letters, the public outcome and market diversity."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db import models
from django.db.models import Count, F, Max, Prefetch, Q
from django.urls import reverse
from django.utils import timezone

from coproduce.foundation.accounts.models import SME_BANDS, Membership, Organisation
from coproduce.foundation.core.errors import NotFound, ServiceError
from coproduce.plan.procurement_rules import keys as rule_keys
from coproduce.plan.procurement_rules.selectors import add_working_days, rulebook_on, standstill_end
from coproduce.procure.bids.models import Bid, BidPrice, BidStatus, ConsortiumMember
from coproduce.procure.panels.models import PanelMember
from coproduce.procure.panels.selectors import award_blockers, ranking
from coproduce.procure.tenders.models import Lot, Tender, TenderStatus

from . import letters
from .hooks import complaint_blocks_award, complaint_decided_since
from .models import AssessmentLetter, AwardDecision, AwardStatus, Cancellation, StandstillKind

S = AwardStatus


# --- status --------------------------------------------------------------------------------


def awaiting_resume(decision: AwardDecision) -> bool:
    """True when a complaint decided after the award (or after its last resume) still needs
    the officer to resume the award (or withdraw it) before it can be confirmed."""
    since = max(filter(None, [decision.decided_at, decision.resumed_at]))
    return complaint_decided_since(tender_id=decision.tender_id, since=since)


def effective_status(decision: AwardDecision, *, blocked: bool | None = None) -> str:
    """The status people see: "paused" while a complaint about the tender is open, and
    after it is decided until an officer resumes (or withdraws) the award.

    A decision in standstill shows as paused as soon as a complaint is raised, even
    before the pause is recorded; confirmation is refused in every paused case.
    """
    if decision.status == S.STANDSTILL:
        if blocked is None:
            blocked = complaint_blocks_award(decision.tender)
        if blocked or awaiting_resume(decision):
            return S.PAUSED
    return decision.status


def can_confirm_on(decision: AwardDecision) -> dt.date | None:
    """The first day the award may be confirmed (None: no standstill, at once)."""
    if decision.standstill_ends_on is None:
        return None
    return decision.standstill_ends_on + dt.timedelta(days=1)


# --- standstill choice (light-touch contracts) ---------------------------------------------


class StandstillChoice(models.TextChoices):
    """What the officer chooses for a light-touch contract that needs no standstill by law."""

    VOLUNTARY = "voluntary", "Wait for a voluntary standstill period"
    NONE = "none", "Confirm without a standstill"


@dataclass(frozen=True)
class StandstillOptions:
    """The standstill an award decided on ``decided_on`` would get.

    ``choice`` is True for a light-touch contract with no standstill required by law:
    the officer then chooses a voluntary standstill of ``voluntary_days`` working days
    (ending ``voluntary_ends_on``) or none, with a reason.
    """

    decided_on: dt.date
    required_ends_on: dt.date | None
    choice: bool
    voluntary_days: int | None = None
    voluntary_ends_on: dt.date | None = None


def voluntary_standstill_end(decided_on: dt.date) -> tuple[int, dt.date]:
    """(working days, last day) of a voluntary standstill for an award decided on
    ``decided_on``, from ``standstill.voluntary_light_touch_working_days`` in force that
    day. Counted like the statutory one: the decision day is day 1 when it is a working
    day. Raises ServiceError("rule_missing") when the rule is not in the table."""
    rule = rulebook_on(decided_on).rule(rule_keys.STANDSTILL_VOLUNTARY_LIGHT_TOUCH_WORKING_DAYS)
    days = int(rule.value)
    return days, add_working_days(decided_on - dt.timedelta(days=1), days)


def standstill_options(tender: Tender, decided_on: dt.date) -> StandstillOptions:
    """The standstill rules for deciding an award of ``tender`` on ``decided_on``."""
    required = standstill_end(
        decision_on=decided_on,
        light_touch=tender.service_area.light_touch,
        value_pence=tender.value_pence,
    )
    if required is not None or not tender.service_area.light_touch:
        return StandstillOptions(decided_on=decided_on, required_ends_on=required, choice=False)
    days, ends = voluntary_standstill_end(decided_on)
    return StandstillOptions(
        decided_on=decided_on,
        required_ends_on=None,
        choice=True,
        voluntary_days=days,
        voluntary_ends_on=ends,
    )


def standstill_options_today(tender: Tender) -> StandstillOptions | None:
    """``standstill_options`` for a decision made today, or None when a rule it needs is
    missing from the table (deciding then fails with the rules page's message)."""
    try:
        return standstill_options(tender, timezone.localdate())
    except ServiceError:
        return None


@dataclass(frozen=True)
class StandstillBasis:
    """How an award's standstill was set: its kind, a label, and the reason given when
    the officer chose to confirm a light-touch award without one."""

    kind: str
    label: str
    reason: str = ""


def standstill_basis(decision: AwardDecision) -> StandstillBasis:
    """How ``decision``'s standstill was set. Decisions recorded before the kind was
    stored are read from their standstill end (required, or none required)."""
    kind = decision.standstill_kind or (
        StandstillKind.REQUIRED if decision.standstill_ends_on else StandstillKind.NOT_REQUIRED
    )
    return StandstillBasis(
        kind=kind, label=StandstillKind(kind).label, reason=decision.no_standstill_reason
    )


def standstill_bases(decisions: list[AwardDecision]) -> dict[int, StandstillBasis]:
    """The ``StandstillBasis`` of each decision, by pk (no query)."""
    return {d.pk: standstill_basis(d) for d in decisions}


# --- staff award page ------------------------------------------------------------------------


def lot_key(lot: Lot | None) -> str:
    """URL key of a lot: its number, or "whole" for a tender without lots."""
    return "whole" if lot is None else str(lot.number)


def lot_from_key(tender: Tender, key: str) -> Lot | None:
    """The lot a URL key names; NotFound for an unknown one."""
    lots = list(tender.lots.all())
    if key == "whole" and not lots:
        return None
    for lot in lots:
        if str(lot.number) == key:
            return lot
    raise NotFound()


def access_tender_for_awards(user, reference: str, perm: str = "awards.view_staff") -> Tender:
    """A published tender for the staff award pages; NotFound without ``perm``."""
    if not getattr(user, "is_authenticated", False) or not user.has_perm(perm):
        raise NotFound()
    tender = (
        Tender.objects.select_related("service_area", "project", "specification")
        .filter(reference=reference, published_at__isnull=False)
        .first()
    )
    if tender is None:
        raise NotFound()
    return tender


@dataclass
class AwardUnit:
    """One lot (or the whole tender) on the staff award page."""

    lot: Lot | None
    key: str
    decision: AwardDecision | None
    status: str
    status_label: str
    blockers: list[str]
    ranking: list
    ranking_problem: str
    cancellation: Cancellation | None
    withdrawn: list[AwardDecision] = field(default_factory=list)
    confirm_from: dt.date | None = None
    standstill_over: bool = False
    standstill: StandstillBasis | None = None


def award_units(*, tender: Tender) -> list[AwardUnit]:
    """Every lot of ``tender`` with its decision, ranking and what blocks an award.

    Caller must have checked staff access (``access_tender_for_awards``).
    """
    lots: list[Lot | None] = list(tender.lots.all()) or [None]
    decisions = list(
        AwardDecision.objects.filter(tender=tender).select_related(
            "winning_bid__lead_organisation", "lot"
        )
    )
    cancellations = list(Cancellation.objects.filter(tender=tender))
    whole_cancel = next((c for c in cancellations if c.lot_id is None), None)
    blocked = complaint_blocks_award(tender)
    today = timezone.localdate()
    bases = standstill_bases([d for d in decisions if d.status != S.WITHDRAWN])
    units = []
    for lot in lots:
        lot_id = lot.pk if lot else None
        mine = [d for d in decisions if d.lot_id == lot_id]
        live = next((d for d in mine if d.status != S.WITHDRAWN), None)
        cancellation = next((c for c in cancellations if c.lot_id == lot_id), None) or whole_cancel
        try:
            ranked = ranking(tender=tender, lot=lot)
            problem = ""
        except ServiceError as exc:
            ranked, problem = [], exc.message
        status = effective_status(live, blocked=blocked) if live else ""
        units.append(
            AwardUnit(
                lot=lot,
                key=lot_key(lot),
                decision=live,
                status=status,
                status_label=S(status).label if status else "Not decided",
                blockers=award_blockers(tender=tender, lot=lot) if not live else [],
                ranking=ranked,
                ranking_problem=problem,
                cancellation=cancellation,
                withdrawn=[d for d in mine if d.status == S.WITHDRAWN],
                confirm_from=can_confirm_on(live) if live else None,
                standstill_over=bool(
                    live and (live.standstill_ends_on is None or today > live.standstill_ends_on)
                ),
                standstill=bases.get(live.pk) if live else None,
            )
        )
    return units


def access_decision(user, pk: int, perm: str = "awards.decide") -> AwardDecision:
    """One award decision for staff holding ``perm``; NotFound otherwise."""
    if not getattr(user, "is_authenticated", False) or not user.has_perm(perm):
        raise NotFound()
    decision = (
        AwardDecision.objects.select_related(
            "tender__specification", "tender__service_area", "lot", "winning_bid"
        )
        .filter(pk=pk)
        .first()
    )
    if decision is None:
        raise NotFound()
    return decision


# --- letters ---------------------------------------------------------------------------------


def _bid_org_ids(bid: Bid) -> set[int]:
    ids = {bid.lead_organisation_id}
    ids.update(ConsortiumMember.objects.filter(bid=bid).values_list("organisation_id", flat=True))
    return ids


def access_letter(user, pk: int) -> AssessmentLetter:
    """An assessment letter for council staff or a member of one of the bid's organisations.

    NotFound for everyone else (another bidder, the public), and for a letter that does
    not exist (before the award there is none).
    """
    if not getattr(user, "is_authenticated", False):
        raise NotFound()
    letter = (
        AssessmentLetter.objects.select_related(
            "decision__tender", "decision__lot", "bid__lead_organisation"
        )
        .filter(pk=pk)
        .first()
    )
    if letter is None:
        raise NotFound()
    if user.has_perm("awards.view_staff"):
        return letter
    if Membership.objects.filter(user=user, organisation_id__in=_bid_org_ids(letter.bid)).exists():
        return letter
    raise NotFound()


def letter_sources(tender: Tender) -> tuple[str, int]:
    """(complaint link, top of the scoring scale) for the letters of ``tender``."""
    complaint_url = settings.SITE_URL + reverse("complaints:raise", args=[tender.reference])
    max_scale = max(tender.evaluation_model.scale.values_list("score", flat=True), default=0)
    return complaint_url, max_scale


def letter_facts(letter: AssessmentLetter) -> letters.LetterData:
    """The facts of ``letter``, rebuilt with ``letters.letter_data`` (the same builder the
    award used) from the moderated scores, which cannot change once moderation is
    complete. Used for the easy read version of letters written before it was stored
    (``AssessmentLetter.easy_read_html`` blank). Caller must have checked access
    (``access_letter``). NotFound when the ranking no longer includes the bid or the
    winner (for example a bid withdrawn since)."""
    decision = letter.decision
    tender = decision.tender
    try:
        ranked = ranking(tender=tender, lot=decision.lot)
    except ServiceError:
        raise NotFound() from None
    entry = next((r for r in ranked if r.bid.pk == letter.bid_id), None)
    if entry is None or not any(r.bid.pk == decision.winning_bid_id for r in ranked):
        raise NotFound()
    complaint_url, max_scale = letter_sources(tender)
    return letters.letter_data(
        decision=decision,
        ranking=ranked,
        ranked=entry,
        max_scale=max_scale,
        complaint_url=complaint_url,
        decided_on=timezone.localdate(decision.decided_at),
        standstill_kind=standstill_basis(decision).kind,
    )


@dataclass(frozen=True)
class LetterSummary:
    """What the award page says about one decision's letters.

    ``pending``: asked for (the decision, or a regeneration) and not yet all written by
    the background task, so the pages say they are being prepared."""

    pending: bool
    count: int
    generated_at: dt.datetime | None


def letter_summaries(decisions: list[AwardDecision]) -> dict[int, LetterSummary]:
    """The ``LetterSummary`` of each decision, by pk (one query)."""
    rows = {
        row["decision"]: row
        for row in AssessmentLetter.objects.filter(decision__in=[d.pk for d in decisions])
        .values("decision")
        .annotate(n=Count("pk"), last=Max("generated_at"))
        .order_by()
    }
    out = {}
    for d in decisions:
        row = rows.get(d.pk, {})
        out[d.pk] = LetterSummary(
            pending=d.letters_pending_since is not None,
            count=row.get("n", 0),
            generated_at=row.get("last"),
        )
    return out


def letters_being_prepared_for_user(user) -> list[AwardDecision]:
    """Award decisions whose letters are still being prepared and will include a first
    letter for an organisation ``user`` belongs to (lead or consortium member of a
    submitted bid for the decision's lot), so "Your assessment summaries" can say one is
    on its way. Oldest first."""
    if not getattr(user, "is_authenticated", False):
        return []
    org_ids = list(Membership.objects.filter(user=user).values_list("organisation_id", flat=True))
    if not org_ids:
        return []
    mine = Q(tender__bids__lead_organisation_id__in=org_ids) | Q(
        tender__bids__members__organisation_id__in=org_ids
    )
    for_lot = Q(lot__isnull=True) | Q(tender__bids__lots=F("lot"))
    decisions = (
        AwardDecision.objects.filter(letters_pending_since__isnull=False)
        .exclude(status=S.WITHDRAWN)
        .filter(mine, for_lot, tender__bids__status=BidStatus.SUBMITTED)
        .select_related("tender", "lot")
        .distinct()
        .order_by("decided_at", "pk")
    )
    written = {
        letter.decision_id
        for letter in AssessmentLetter.objects.filter(
            Q(bid__lead_organisation_id__in=org_ids) | Q(bid__members__organisation_id__in=org_ids),
            decision__in=decisions,
        ).only("decision_id")
    }
    return [d for d in decisions if d.pk not in written]


def letters_for_user(user) -> list[AssessmentLetter]:
    """Letters addressed to the organisations ``user`` belongs to, newest first."""
    if not getattr(user, "is_authenticated", False):
        return []
    org_ids = list(Membership.objects.filter(user=user).values_list("organisation_id", flat=True))
    return list(
        AssessmentLetter.objects.filter(
            Q(bid__lead_organisation_id__in=org_ids) | Q(bid__members__organisation_id__in=org_ids)
        )
        .select_related("decision__tender", "decision__lot", "bid")
        .distinct()
        .order_by("-generated_at", "-pk")
    )


# --- public outcome --------------------------------------------------------------------------


@dataclass(frozen=True)
class OutcomeLine:
    """What the public sees about one lot: no scores, no losing bidders."""

    lot: Lot | None
    status: str
    status_label: str
    winner: str
    decided_at: dt.datetime | None
    standstill_ends_on: dt.date | None
    cancellation: Cancellation | None


@dataclass(frozen=True)
class TenderOutcome:
    lines: list[OutcomeLine]
    cancellation: Cancellation | None
    has_award: bool


def tender_outcome(tender: Tender) -> TenderOutcome:
    """Award status, standstill end and cancellation of each lot, for the public page."""
    decisions = list(
        AwardDecision.objects.filter(tender=tender)
        .exclude(status=S.WITHDRAWN)
        .select_related("winning_bid__lead_organisation")
    )
    cancellations = list(Cancellation.objects.filter(tender=tender).select_related("lot"))
    whole = next((c for c in cancellations if c.lot_id is None), None)
    lots: list[Lot | None] = list(tender.lots.all()) or [None]
    blocked = complaint_blocks_award(tender) if decisions else False
    lines = []
    for lot in lots:
        lot_id = lot.pk if lot else None
        d = next((x for x in decisions if x.lot_id == lot_id), None)
        c = next((x for x in cancellations if x.lot_id == lot_id), None)
        if d is None and c is None:
            continue
        status = effective_status(d, blocked=blocked) if d else "cancelled"
        lines.append(
            OutcomeLine(
                lot=lot,
                status=status,
                status_label=S(status).label if d else "Cancelled",
                winner=d.winning_bid.lead_organisation.name if d else "",
                decided_at=d.decided_at if d else None,
                standstill_ends_on=d.standstill_ends_on if d else None,
                cancellation=c,
            )
        )
    return TenderOutcome(lines=lines, cancellation=whole, has_award=bool(decisions))


def tender_has_award(tender: Tender) -> bool:
    """True once any lot of ``tender`` has a live (not withdrawn) award decision."""
    return AwardDecision.objects.filter(tender=tender).exclude(status=S.WITHDRAWN).exists()


# --- market diversity ------------------------------------------------------------------------


@dataclass(frozen=True)
class Category:
    key: str
    label: str
    test: Callable[[Organisation], bool]


CATEGORIES: tuple[Category, ...] = (
    Category("vcse", "Voluntary, community and social enterprises", lambda o: o.is_vcse),
    Category(
        "sme",
        "Small and medium-sized organisations (fewer than 250 staff)",
        lambda o: o.size_band in SME_BANDS,
    ),
    Category("user_led", "User-led organisations", lambda o: o.is_user_led),
    Category("supported_business", "Supported businesses", lambda o: o.is_supported_business),
    Category("local", "Local organisations", lambda o: o.is_local),
)


def share(part: Decimal | int, whole: Decimal | int) -> Decimal:
    """``part`` as a percentage of ``whole`` to one decimal place (0.0 when whole is 0)."""
    if not whole:
        return Decimal("0.0")
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), ROUND_HALF_UP)


@dataclass
class CategoryRow:
    """One category's counts and shares. Organisations are counted once per bid/award."""

    key: str
    label: str
    bid_organisations: int = 0
    bid_share: Decimal = Decimal("0.0")
    bids_involving: int = 0
    award_organisations: int = 0
    award_share: Decimal = Decimal("0.0")
    awards_involving: int = 0
    award_value_pence: int = 0
    value_share: Decimal = Decimal("0.0")


@dataclass
class DiversityPart:
    """Counts for one year (or for all years when ``year`` is None)."""

    year: int | None
    bids: int = 0
    bid_organisations: int = 0
    awards: int = 0
    award_organisations: int = 0
    award_value_pence: int = 0
    rows: list[CategoryRow] = field(default_factory=list)


@dataclass
class Diversity:
    """Market diversity council-wide (``tender`` None) or for one tender.

    ``sealed`` is True for a tender whose bids may not be counted yet (deadline not
    passed or bids not opened): then every count is zero.
    """

    tender: Tender | None
    sealed: bool
    tenders_counted: int
    overall: DiversityPart
    by_year: list[DiversityPart]


@dataclass
class _Participation:
    year: int
    organisations: list[tuple[Organisation, Decimal]]  # (organisation, share of the work)
    value_pence: int = 0


def _countable_tenders(now: dt.datetime):
    """Tenders whose bids may be counted: the deadline has passed and bids were opened."""
    return Tender.objects.filter(
        published_at__isnull=False, deadline__lt=now, opening__isnull=False
    )


def _organisations(bid: Bid) -> list[tuple[Organisation, Decimal]]:
    """The bid's distinct organisations (lead and consortium members), each once, with shares.

    Shares come from ``ConsortiumMember.share_percent``, scaled to add up to 1; a bid
    without member rows is the lead's alone (share 1).
    """
    seen: dict[int, tuple[Organisation, Decimal]] = {}
    for m in bid.members.all():
        if m.organisation_id in seen:
            org, s = seen[m.organisation_id]
            seen[m.organisation_id] = (org, s + m.share_percent)
        else:
            seen[m.organisation_id] = (m.organisation, Decimal(m.share_percent))
    if bid.lead_organisation_id not in seen:
        if not seen:
            return [(bid.lead_organisation, Decimal(1))]
        seen[bid.lead_organisation_id] = (bid.lead_organisation, Decimal(0))
    total = sum((s for _, s in seen.values()), Decimal(0))
    return [(org, (s / total) if total else Decimal(0)) for org, s in seen.values()]


def _fill(part: DiversityPart, bids: list[_Participation], awards: list[_Participation]) -> None:
    part.bids = len(bids)
    part.awards = len(awards)
    part.bid_organisations = sum(len(p.organisations) for p in bids)
    part.award_organisations = sum(len(p.organisations) for p in awards)
    part.award_value_pence = sum(p.value_pence for p in awards)
    for cat in CATEGORIES:
        row = CategoryRow(key=cat.key, label=cat.label)
        value = Decimal(0)
        for p in bids:
            hits = [o for o, _ in p.organisations if cat.test(o)]
            row.bid_organisations += len(hits)
            row.bids_involving += 1 if hits else 0
        for p in awards:
            hits = [(o, s) for o, s in p.organisations if cat.test(o)]
            row.award_organisations += len(hits)
            row.awards_involving += 1 if hits else 0
            value += sum((Decimal(p.value_pence) * s for _, s in hits), Decimal(0))
        row.award_value_pence = int(value.quantize(Decimal(1), ROUND_HALF_UP))
        row.bid_share = share(row.bid_organisations, part.bid_organisations)
        row.award_share = share(row.award_organisations, part.award_organisations)
        row.value_share = share(row.award_value_pence, part.award_value_pence)
        part.rows.append(row)


def market_diversity(*, tender: Tender | None = None, now: dt.datetime | None = None) -> Diversity:
    """Bids and awards from VCSEs, SMEs, user-led, supported and local organisations.

    Counting rules (see docs/market-diversity.md):

    * only tenders whose deadline has passed **and** whose bids were opened are counted
      (a sealed tender never shows, not even as a count of bids);
    * a bid counts each of its organisations once: the lead and every consortium member
      (an organisation named twice counts once); shares are of all organisations counted;
    * an award is a live decision (standstill, paused or confirmed); its value (the
      winning price) is split between the winning bid's organisations by share of work;
    * bids are grouped by the year of the tender's closing date, awards by the year
      they were decided (UK time).

    About six queries whatever the number of tenders.
    """
    now = now or timezone.now()
    tenders = _countable_tenders(now)
    sealed = False
    if tender is not None:
        sealed = not tenders.filter(pk=tender.pk).exists()
        tenders = tenders.filter(pk=tender.pk)
    member_qs = ConsortiumMember.objects.select_related("organisation")
    bid_rows = list(
        Bid.objects.filter(tender__in=tenders, status=BidStatus.SUBMITTED)
        .select_related("lead_organisation", "tender")
        .prefetch_related(Prefetch("members", queryset=member_qs))
    )
    decisions = list(
        AwardDecision.objects.filter(tender__in=tenders)
        .exclude(status=S.WITHDRAWN)
        .select_related("winning_bid__lead_organisation")
        .prefetch_related(Prefetch("winning_bid__members", queryset=member_qs))
    )
    prices = {
        (p.bid_id, p.lot_id): p.price_pence
        for p in BidPrice.objects.filter(bid_id__in=[d.winning_bid_id for d in decisions])
    }
    tz = timezone.get_current_timezone()
    bids = [
        _Participation(year=b.tender.deadline.astimezone(tz).year, organisations=_organisations(b))
        for b in bid_rows
    ]
    awards = [
        _Participation(
            year=d.decided_at.astimezone(tz).year,
            organisations=_organisations(d.winning_bid),
            value_pence=prices.get((d.winning_bid_id, d.lot_id), 0),
        )
        for d in decisions
    ]
    overall = DiversityPart(year=None)
    _fill(overall, bids, awards)
    by_bids: dict[int, list] = defaultdict(list)
    by_awards: dict[int, list] = defaultdict(list)
    for p in bids:
        by_bids[p.year].append(p)
    for p in awards:
        by_awards[p.year].append(p)
    years = []
    for year in sorted(set(by_bids) | set(by_awards), reverse=True):
        part = DiversityPart(year=year)
        _fill(part, by_bids[year], by_awards[year])
        years.append(part)
    return Diversity(
        tender=tender,
        sealed=sealed,
        tenders_counted=len({b.tender_id for b in bid_rows}),
        overall=overall,
        by_year=years,
    )


def access_tender_market(reference: str) -> Tender:
    """A tender whose market diversity may be shown: published, opened and awarded.

    NotFound before the award (and for drafts), so nothing about bids leaks early.
    """
    tender = (
        Tender.objects.filter(reference=reference, published_at__isnull=False)
        .exclude(status=TenderStatus.DRAFT)
        .first()
    )
    if tender is None or not tender_has_award(tender):
        raise NotFound()
    if not _countable_tenders(timezone.now()).filter(pk=tender.pk).exists():
        raise NotFound()
    return tender


# --- public award summary (the project page's "who won and why") ----------------------------


@dataclass(frozen=True)
class PublicCriterionLine:
    """The winning bid's agreed score on one question: nothing of any other bid."""

    title: str
    kind: str
    weight: Decimal
    score: int
    points: Decimal


@dataclass(frozen=True)
class PublicAwardSummary:
    """What anyone may read about one live award: who won, why, and the winning bid's
    scores per criterion, the number of bids and who sat on the panel (by kind, no names).
    Other bidders' names, answers, scores and prices are never included."""

    decision: AwardDecision
    lot: Lot | None
    winner: str
    reasons: str
    bid_count: int
    max_scale: int
    lines: list[PublicCriterionLine]
    quality: Decimal | None
    social_value: Decimal | None
    price_score: Decimal | None
    total: Decimal | None
    panel: dict[str, int]


def award_public_summaries(tender: Tender) -> list[PublicAwardSummary]:
    """One ``PublicAwardSummary`` per live award of a published tender (empty before the
    award). Scores come from the moderated ranking; when it cannot be read (a bid withdrawn
    since) the summary keeps the reasons and leaves the scores out."""
    if tender.published_at is None:
        return []
    decisions = list(
        AwardDecision.objects.filter(tender=tender)
        .exclude(status=S.WITHDRAWN)
        .select_related("winning_bid__lead_organisation", "lot")
        .order_by("lot__number", "pk")
    )
    if not decisions:
        return []
    panel: dict[str, int] = defaultdict(int)
    for kind in PanelMember.objects.filter(tender=tender, removed_at__isnull=True).values_list(
        "kind", flat=True
    ):
        panel[kind] += 1
    _, max_scale = letter_sources(tender)
    out = []
    for d in decisions:
        try:
            ranked = ranking(tender=tender, lot=d.lot)
        except ServiceError:
            ranked = []
        entry = next((r for r in ranked if r.bid.pk == d.winning_bid_id), None)
        lines = [
            PublicCriterionLine(
                title=c.criterion.title,
                kind=c.criterion.get_kind_display(),
                weight=c.weight,
                score=c.moderated_score,
                points=c.weighted_points,
            )
            for c in (entry.per_criterion if entry else [])
        ]
        out.append(
            PublicAwardSummary(
                decision=d,
                lot=d.lot,
                winner=d.winning_bid.lead_organisation.name,
                reasons=d.reasons,
                bid_count=len(ranked),
                max_scale=max_scale,
                lines=lines,
                quality=entry.quality if entry else None,
                social_value=entry.social_value if entry else None,
                price_score=entry.price_score if entry else None,
                total=entry.total if entry else None,
                panel=dict(panel),
            )
        )
    return out
