"""Writing panels: appointments, invitations, declarations, scores, moderation, price checks.

Every function validates, changes state and writes an audit event in one transaction.
Members without a council account act through their panel-only session; their audit
events have no actor account and name the member in ``changes``. Score values are never
written to the audit trail (only which questions were saved or submitted), so no one can
read a member's scores there before moderation.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from coproduce.foundation.accounts.models import COUNCIL_ROLES, Membership, User
from coproduce.foundation.core.audit import audit_record
from coproduce.foundation.core.errors import NotFound, ServiceError
from coproduce.foundation.core.tasks import send_email
from coproduce.foundation.core.validation import require_perm
from coproduce.plan.evaluation_models.models import Criterion, PanelRole, PanelRoleKind
from coproduce.procure.bids.hooks import require_no_conflict
from coproduce.procure.bids.models import Bid
from coproduce.procure.tenders.models import Lot, Tender

from . import selectors as sel
from .models import (
    Conflict,
    Declaration,
    ModeratedScore,
    Moderation,
    ModerationStatus,
    PanelMember,
    PriceExplanation,
    Score,
)

MAX_TEXT = 5000


def _email(*, subject: str, body: str, to: str) -> None:
    transaction.on_commit(lambda: send_email.enqueue(subject=subject, body=body, to=[to]))


def _member_actor(member: PanelMember):
    """The account to record as actor: the member's own account, or none (session only)."""
    return member.user if member.user_id else None


def _invite_link(token: str) -> str:
    return settings.SITE_URL + reverse("panels:join", args=[token])


def _send_invitation(member: PanelMember, *, resend: bool) -> None:
    token = secrets.token_urlsafe(32)
    member.invite_token_hash = sel.token_digest(token)
    member.invited_at = timezone.now()
    member.save(update_fields=["invite_token_hash", "invited_at", "updated_at"])
    link = _invite_link(token)
    guide = settings.SITE_URL + reverse("panels:guide")
    easy = settings.SITE_URL + reverse("panels:guide_easy_read")
    intro = "Here is a new link" if resend else "You have been asked to help choose"
    body = (
        f"Hello {member.name},\n\n"
        f"{intro} for the panel that will choose who runs this service:\n"
        f"{member.tender.title} ({member.tender.reference}).\n\n"
        f"Your part: {member.role.name}.\n\n"
        f"Use this link to start. It works once and for {sel.INVITE_DAYS} days:\n{link}\n\n"
        f"How scoring works, in plain words: {guide}\n"
        f"Easy read version: {easy}\n\n"
        "If you were not expecting this, you can ignore this email."
    )
    _email(subject=f"Your panel link: {member.tender.title}", body=body, to=member.email)


@dataclass(frozen=True)
class AppointData:
    """Who to appoint: a council officer (``user_id``) or a person by name and email."""

    role_id: int
    user_id: int | None = None
    name: str = ""
    email: str = ""
    is_chair: bool = False


def panel_member_appoint(*, actor: User, tender: Tender, data: AppointData) -> PanelMember:
    """Appoint someone to one of the model's panel seats and email them a single-use link.

    Officer seats and the chair need a council officer's account; other seats take a name
    and email (no account is created). The same person appointed twice (a double click)
    is stored once.
    """
    require_perm(actor, "panels.manage_panel", tender)
    if tender.published_at is None:
        raise NotFound()
    role = PanelRole.objects.filter(pk=data.role_id, model_id=tender.evaluation_model_id).first()
    if role is None:
        raise ServiceError("invalid_choice", "Choose a seat on the panel.", field="role")
    user = None
    if role.kind == PanelRoleKind.OFFICER or data.is_chair:
        user = User.objects.filter(pk=data.user_id, role__in=COUNCIL_ROLES, is_active=True).first()
        if user is None:
            raise ServiceError(
                "officer_required",
                "Choose a council officer: officer seats and the chair need a council account.",
                field="user",
            )
        name, email = user.full_name, user.email.lower()
    else:
        name, email = data.name.strip(), data.email.strip().lower()
        if not name:
            raise ServiceError("required", "Enter the person's name.", field="name")
        if not email or "@" not in email:
            raise ServiceError(
                "required", "Enter an email address, like name@example.org.", field="email"
            )
    with transaction.atomic():
        Tender.objects.select_for_update().filter(pk=tender.pk).first()
        existing = PanelMember.objects.filter(
            tender=tender, email__iexact=email, removed_at__isnull=True
        ).first()
        if existing is not None:
            if existing.role_id == role.pk and existing.is_chair == data.is_chair:
                return existing
            raise ServiceError(
                "already_on_panel", f"{email} is already on this panel.", field="email"
            )
        if (
            data.is_chair
            and PanelMember.objects.filter(
                tender=tender, is_chair=True, removed_at__isnull=True
            ).exists()
        ):
            raise ServiceError(
                "chair_exists",
                "The panel already has a chair. Remove them first to appoint another.",
                field="is_chair",
            )
        member = PanelMember.objects.create(
            tender=tender,
            role=role,
            kind=role.kind,
            user=user,
            name=name,
            email=email,
            is_chair=data.is_chair,
            appointed_by=actor,
        )
        _send_invitation(member, resend=False)
        audit_record(
            actor=actor,
            verb="panels.member.appointed",
            target=member,
            changes={
                "tender": tender.reference,
                "role": role.name,
                "kind": role.kind,
                "email": email,
                "is_chair": data.is_chair,
            },
        )
    return member


def panel_member_resend(*, actor: User, member: PanelMember) -> PanelMember:
    """Send a new single-use link; the old link stops working."""
    require_perm(actor, "panels.manage_panel", member.tender)
    with transaction.atomic():
        member = (
            PanelMember.objects.select_for_update()
            .select_related("tender", "role")
            .get(pk=member.pk)
        )
        if member.removed_at is not None:
            raise ServiceError("removed", "This person has been removed from the panel.")
        _send_invitation(member, resend=True)
        audit_record(actor=actor, verb="panels.member.invitation_resent", target=member)
    return member


def panel_member_remove(*, actor: User, member: PanelMember, reason: str) -> PanelMember:
    """Remove a member (with a reason). Their link and session stop working; their scores
    are kept but no longer count. Removing twice does nothing more."""
    require_perm(actor, "panels.manage_panel", member.tender)
    reason = reason.strip()
    if not reason:
        raise ServiceError(
            "reason_required", "Say why this person is leaving the panel.", field="reason"
        )
    with transaction.atomic():
        member = PanelMember.objects.select_for_update().get(pk=member.pk)
        if member.removed_at is not None:
            return member
        member.removed_at = timezone.now()
        member.removed_reason = reason
        member.invite_token_hash = ""
        member.save(
            update_fields=["removed_at", "removed_reason", "invite_token_hash", "updated_at"]
        )
        audit_record(actor=actor, verb="panels.member.removed", target=member, reason=reason)
    return member


def panel_session_start(*, token: str) -> PanelMember:
    """Use an invitation link: returns the member and makes the link unusable (single use).

    The caller puts ``panel_member_id`` in the (fresh) session. NotFound for unknown,
    used, expired or removed links.
    """
    with transaction.atomic():
        member = sel.member_by_token(token=token)
        member = (
            PanelMember.objects.select_for_update()
            .select_related("tender", "role")
            .get(pk=member.pk)
        )
        if member.invite_token_hash != sel.token_digest(token):
            raise NotFound("This link is not valid. It may have been used already or replaced.")
        member.invite_token_hash = ""
        if member.accepted_at is None:
            member.accepted_at = timezone.now()
        member.save(update_fields=["invite_token_hash", "accepted_at", "updated_at"])
        audit_record(
            actor=_member_actor(member),
            verb="panels.member.signed_in_by_link",
            target=member,
            changes={"member": member.name},
        )
    return member


# --- declarations ------------------------------------------------------------------------


@dataclass(frozen=True)
class DeclarationData:
    """``no_conflicts`` or a list of bid ids / lot ids with ``details``."""

    no_conflicts: bool
    bid_ids: tuple[int, ...] = ()
    lot_ids: tuple[int, ...] = ()
    details: str = ""


def declaration_make(*, member: PanelMember, data: DeclarationData) -> Declaration:
    """Record the member's interests, once, after the bids are opened.

    A conflict removes the member from that bid (or every bid in that lot) everywhere.
    A repeated submission returns the declaration already made.
    """
    if member.removed_at is not None:
        raise NotFound()
    tender = member.tender
    if not sel.bids_opened(tender):
        raise ServiceError(
            "not_opened",
            "You can declare your interests once the bids have been opened, so we can show "
            "you who has bid.",
        )
    details = data.details.strip()
    bid_ids, lot_ids = set(data.bid_ids), set(data.lot_ids)
    if data.no_conflicts and (bid_ids or lot_ids):
        raise ServiceError(
            "contradiction",
            "You said you have no conflicts but also chose a bidder or lot. Choose one or "
            "the other.",
            field="no_conflicts",
        )
    if not data.no_conflicts:
        if not (bid_ids or lot_ids):
            raise ServiceError(
                "choose_conflict",
                "Choose the bidders or lots you have a conflict with, or say you have none.",
                field="bids",
            )
        if not details:
            raise ServiceError(
                "details_required",
                "Tell us about the conflict, for example how you know the organisation.",
                field="details",
            )
    valid_bids = set(sel.scorable_bids(tender).values_list("pk", flat=True))
    if not bid_ids <= valid_bids:
        raise ServiceError("invalid_choice", "Choose bidders from the list.", field="bids")
    valid_lots = set(Lot.objects.filter(tender=tender).values_list("pk", flat=True))
    if not lot_ids <= valid_lots:
        raise ServiceError("invalid_choice", "Choose lots from the list.", field="lots")
    with transaction.atomic():
        PanelMember.objects.select_for_update().filter(pk=member.pk).first()
        existing = Declaration.objects.filter(member=member).first()
        if existing is not None:
            return existing
        declaration = Declaration.objects.create(
            member=member,
            declared_at=timezone.now(),
            no_conflicts=data.no_conflicts,
            details=details[:MAX_TEXT],
        )
        now = declaration.declared_at
        Conflict.objects.bulk_create(
            [
                Conflict(declaration=declaration, bid_id=b, details=details, added_at=now)
                for b in sorted(bid_ids)
            ]
            + [
                Conflict(declaration=declaration, lot_id=lot, details=details, added_at=now)
                for lot in sorted(lot_ids)
            ]
        )
        audit_record(
            actor=_member_actor(member),
            verb="panels.declaration.made",
            target=member,
            changes={
                "member": member.name,
                "no_conflicts": data.no_conflicts,
                "conflict_bids": sorted(bid_ids),
                "conflict_lots": sorted(lot_ids),
            },
            reason=details,
        )
    return declaration


@dataclass(frozen=True)
class LateConflictData:
    """A conflict declared after the first declaration: one bid or one lot, and why."""

    bid_id: int | None = None
    lot_id: int | None = None
    details: str = ""


def conflict_add(*, member: PanelMember, data: LateConflictData) -> Conflict:
    """Declare a new conflict after the first declaration (a bid, or a whole lot).

    The bid (or every bid in the lot) leaves the member's pages at once, and any scores
    they already saved on it are set aside: kept, but no longer counted in moderation.
    Declaring the same bid or lot again returns the conflict already recorded.
    """
    if member.removed_at is not None:
        raise NotFound()
    if not sel.has_declared(member):
        raise ServiceError("not_declared", "Declare your interests first.", field="target")
    tender = member.tender
    if (data.bid_id is None) == (data.lot_id is None):
        raise ServiceError(
            "choose_conflict",
            "Choose the bidder or the lot you have a conflict with.",
            field="target",
        )
    if data.bid_id is not None and not sel.scorable_bids(tender).filter(pk=data.bid_id).exists():
        raise ServiceError("invalid_choice", "Choose a bidder from the list.", field="target")
    if data.lot_id is not None and not Lot.objects.filter(pk=data.lot_id, tender=tender).exists():
        raise ServiceError("invalid_choice", "Choose a lot from the list.", field="target")
    details = data.details.strip()
    if not details:
        raise ServiceError(
            "details_required",
            "Tell us about the conflict, for example how you know the organisation.",
            field="details",
        )
    with transaction.atomic():
        PanelMember.objects.select_for_update().filter(pk=member.pk).first()
        declaration = Declaration.objects.get(member=member)
        existing = Conflict.objects.filter(
            declaration=declaration, bid_id=data.bid_id, lot_id=data.lot_id
        ).first()
        if existing is not None:
            return existing
        now = timezone.now()
        conflict = Conflict.objects.create(
            declaration=declaration,
            bid_id=data.bid_id,
            lot_id=data.lot_id,
            details=details[:MAX_TEXT],
            added_at=now,
            declared_late=True,
        )
        covered = sel.member_conflicted_bid_ids(member)
        set_aside = Score.objects.filter(
            member=member, bid_id__in=covered, set_aside_at__isnull=True
        ).update(set_aside_at=now)
        audit_record(
            actor=_member_actor(member),
            verb="panels.conflict.added",
            target=member,
            changes={
                "member": member.name,
                "conflict_bid": data.bid_id,
                "conflict_lot": data.lot_id,
                "scores_set_aside": set_aside,
            },
            reason=details,
        )
    return conflict


# --- scoring -----------------------------------------------------------------------------


class ScoreProblems(ServiceError):
    """Several problems with a scoring form at once (``problems``; the first is the code)."""

    def __init__(self, problems: list[ServiceError]) -> None:
        first = problems[0]
        super().__init__(first.code, first.message, field=first.field)
        self.problems = problems


@dataclass(frozen=True)
class ScoreInput:
    """One question's score and justification as typed (``score`` None when left empty)."""

    criterion_id: int
    score: int | None
    justification: str


def scores_save(
    *, member: PanelMember, bid: Bid, entries: list[ScoreInput], submit: bool
) -> list[Score]:
    """Save the member's scores for a bid as a draft, or submit them (final).

    Every filled-in question needs a score on the scale and a justification; submitting
    needs every allotted question. Any problem: ServiceError, nothing stored. Submitting
    again after submission returns the stored scores unchanged; changing submitted scores
    is refused.
    """
    if member.removed_at is not None:
        raise NotFound()
    if bid.pk not in {b.pk for b in sel.member_bids(member)}:
        raise NotFound()
    if sel.bid_scoring_closed(bid):
        raise ServiceError(
            "scoring_closed", "Moderation has started for this bid, so scores cannot change."
        )
    criteria = {c.pk: c for c in sel.member_criteria(member)}
    levels = {lvl.score for lvl in sel.scale_levels(member.tender)}
    by_id = {}
    for e in entries:
        if e.criterion_id not in criteria:
            raise NotFound()
        by_id[e.criterion_id] = e
    problems: list[ServiceError] = []
    filled = []
    for cid, criterion in criteria.items():
        e = by_id.get(cid)
        text = (e.justification if e else "").strip()
        score = e.score if e else None
        if score is None and not text:
            if submit:
                problems.append(
                    ServiceError(
                        "score_required",
                        f"Choose a score for “{criterion.title}”.",
                        field=f"score_{cid}",
                    )
                )
            continue
        if score is None:
            problems.append(
                ServiceError(
                    "score_required",
                    f"Choose a score for “{criterion.title}”.",
                    field=f"score_{cid}",
                )
            )
        elif score not in levels:
            problems.append(
                ServiceError(
                    "score_off_scale",
                    f"The score for “{criterion.title}” must be one of "
                    f"{', '.join(str(x) for x in sorted(levels))}.",
                    field=f"score_{cid}",
                )
            )
        if not text:
            problems.append(
                ServiceError(
                    "justification_required",
                    f"Write why you gave this score for “{criterion.title}”.",
                    field=f"justification_{cid}",
                )
            )
        filled.append((cid, score, text[:MAX_TEXT]))
    if problems:
        raise ScoreProblems(problems)
    now = timezone.now()
    with transaction.atomic():
        PanelMember.objects.select_for_update().filter(pk=member.pk).first()
        stored = sel.member_scores(member, bid)
        if any(s.submitted_at for s in stored.values()):
            same = all(
                cid in stored and stored[cid].score == score and stored[cid].justification == text
                for cid, score, text in filled
            )
            if submit and same and all(s.submitted_at for s in stored.values()):
                return list(stored.values())
            raise ServiceError(
                "already_submitted", "You have already submitted your scores for this bid."
            )
        saved = []
        for cid, score, text in filled:
            obj, _ = Score.objects.update_or_create(
                member=member,
                bid=bid,
                criterion_id=cid,
                defaults={
                    "score": score,
                    "justification": text,
                    "submitted_at": now if submit else None,
                },
            )
            saved.append(obj)
        audit_record(
            actor=_member_actor(member),
            verb="panels.scores.submitted" if submit else "panels.scores.saved",
            target=bid,
            changes={"member": member.name, "member_id": member.pk, "criteria": sorted(by_id)},
        )
    return saved


# --- moderation --------------------------------------------------------------------------


def _lock_moderation(tender: Tender, lot: Lot | None) -> Moderation:
    Moderation.objects.get_or_create(tender=tender, lot=lot)
    return Moderation.objects.select_for_update().get(tender=tender, lot=lot)


def moderation_start(*, actor: User, tender: Tender, lot: Lot | None) -> Moderation:
    """Open the moderation meeting for a lot: every allotted score must be submitted.

    Members' scores become visible to the chair and commissioners. Abnormally low prices
    are flagged and each bidder concerned is asked (by email) for an explanation.
    Starting again does nothing.
    """
    require_perm(actor, "panels.moderate", tender)
    if lot is not None and lot.tender_id != tender.pk:
        raise NotFound()
    if not sel.bids_opened(tender):
        raise ServiceError("not_opened", "The bids have not been opened yet.")
    with transaction.atomic():
        mod = _lock_moderation(tender, lot)
        if mod.status != ModerationStatus.SCORING:
            return mod
        if not list(sel.scorable_bids(tender, lot)):
            raise ServiceError("no_bids", "There are no bids to moderate.")
        missing = sel.missing_scores(tender, lot)
        if missing:
            names = "; ".join(
                f"{a.member.name} ({a.missing} score{'s' if a.missing != 1 else ''})"
                for a in missing
            )
            raise ServiceError(
                "scores_missing",
                f"Moderation cannot start until every member has submitted their scores. "
                f"Still to submit: {names}.",
            )
        mod.status = ModerationStatus.MODERATING
        mod.started_at = timezone.now()
        mod.save(update_fields=["status", "started_at"])
        flagged = _request_price_explanations(tender, lot)
        audit_record(
            actor=actor,
            verb="panels.moderation.started",
            target=mod,
            changes={"lot": lot.number if lot else None, "abnormally_low": flagged},
        )
    return mod


def _request_price_explanations(tender: Tender, lot: Lot | None) -> list[str]:
    flagged = []
    bids = {b.pk: b for b in sel.scorable_bids(tender, lot).select_related("submitted_by")}
    for bid_id, reason in sel.price_flags(tender, lot).items():
        bid = bids[bid_id]
        pe, created = PriceExplanation.objects.get_or_create(
            bid=bid,
            lot=lot,
            defaults={"flagged_reason": reason, "requested_at": timezone.now()},
        )
        flagged.append(bid.reference)
        if created and bid.submitted_by_id:
            link = settings.SITE_URL + reverse("panels:explanation", args=[pe.pk])
            where = "" if lot is None else f" (lot {lot.number}: {lot.title})"
            _email(
                subject=f"Please explain your price: {tender.title}",
                body=(
                    f"Your bid {bid.reference} for {tender.title}{where} has a price that is "
                    f"much lower than the other bids. {reason}\n\n"
                    "Before any decision, the panel needs to understand how you can deliver "
                    f"the service for this price. Please explain here:\n{link}\n"
                ),
                to=bid.submitted_by.email,
            )
    return flagged


def _check_moderating(mod: Moderation) -> None:
    if mod.status != ModerationStatus.MODERATING:
        raise ServiceError(
            "not_moderating",
            "Scores can only be agreed during moderation (after it starts, before it is complete).",
        )


def moderated_score_agree(
    *, actor: User, moderation: Moderation, bid: Bid, criterion: Criterion, score: int, reason: str
) -> ModeratedScore:
    """Record (or change) the panel's agreed score for a bid and question, with a reason.

    Members' own scores are kept unchanged. Only while the moderation is in progress.
    """
    tender = moderation.tender
    require_perm(actor, "panels.moderate", tender)
    if bid.pk not in {b.pk for b in sel.scorable_bids(tender, moderation.lot)}:
        raise NotFound()
    require_no_conflict(actor, [bid])
    if criterion.pk not in {c.pk for c in sel.scored_criteria(tender)}:
        raise NotFound()
    levels = {lvl.score for lvl in sel.scale_levels(tender)}
    if score not in levels:
        raise ServiceError(
            "score_off_scale",
            f"The score must be one of {', '.join(str(x) for x in sorted(levels))}.",
            field="score",
        )
    reason = reason.strip()
    if not reason:
        raise ServiceError(
            "reason_required", "Write the reason the panel agreed this score.", field="reason"
        )
    with transaction.atomic():
        mod = Moderation.objects.select_for_update().get(pk=moderation.pk)
        _check_moderating(mod)
        existing = (
            ModeratedScore.objects.select_related("moderation")
            .filter(bid=bid, criterion=criterion)
            .first()
        )
        if existing is not None:
            if existing.score == score and existing.reason == reason:
                return existing
            if existing.moderation.status == ModerationStatus.COMPLETE:
                raise ServiceError(
                    "moderation_complete",
                    "This score was agreed in a moderation that is already complete.",
                )
            old = [existing.score, existing.reason]
            existing.score, existing.reason = score, reason[:MAX_TEXT]
            existing.agreed_by, existing.agreed_at = actor, timezone.now()
            existing.save()
            agreed = existing
        else:
            old = None
            agreed = ModeratedScore.objects.create(
                moderation=mod,
                bid=bid,
                criterion=criterion,
                score=score,
                reason=reason[:MAX_TEXT],
                agreed_by=actor,
                agreed_at=timezone.now(),
            )
        audit_record(
            actor=actor,
            verb="panels.moderated_score.agreed",
            target=agreed,
            changes={
                "bid": bid.reference,
                "criterion": criterion.pk,
                "score": [old[0], score] if old else score,
            },
            reason=reason,
        )
    return agreed


def moderation_complete(*, actor: User, moderation: Moderation) -> Moderation:
    """Close moderation once every bid has an agreed score for every question.

    Computes the ranking and records any tie-break used in ``tie_break_note``.
    Completing again does nothing.
    """
    tender = moderation.tender
    require_perm(actor, "panels.moderate", tender)
    require_no_conflict(actor, sel.scorable_bids(tender, moderation.lot))
    with transaction.atomic():
        mod = (
            Moderation.objects.select_for_update(of=("self",))
            .select_related("tender", "lot")
            .get(pk=moderation.pk)
        )
        if mod.status == ModerationStatus.COMPLETE:
            return mod
        _check_moderating(mod)
        gaps = sel.moderation_gaps(mod)
        if gaps:
            raise ServiceError(
                "moderation_incomplete",
                f"Agree a score for every question of every bid first ({gaps} still to agree).",
            )
        ranked = sel.ranking(tender=tender, lot=mod.lot)
        mod.tie_break_note = sel.ranking_tie_break_note(ranked)
        mod.status = ModerationStatus.COMPLETE
        mod.completed_at = timezone.now()
        mod.save(update_fields=["status", "completed_at", "tie_break_note"])
        audit_record(
            actor=actor,
            verb="panels.moderation.completed",
            target=mod,
            changes={
                "ranking": [[r.rank, r.bid.reference, str(r.total)] for r in ranked],
                "tie_break_note": mod.tie_break_note,
            },
        )
    return mod


# --- abnormally low prices ---------------------------------------------------------------


def price_explanation_answer(
    *, actor: User, explanation: PriceExplanation, text: str
) -> PriceExplanation:
    """The bidder's explanation (members of the bid's lead organisation), before a decision."""
    if not Membership.objects.filter(
        user=actor, organisation_id=explanation.bid.lead_organisation_id
    ).exists():
        raise NotFound()
    text = text.strip()
    if not text:
        raise ServiceError(
            "required",
            "Explain how you can deliver the service for this price.",
            field="explanation",
        )
    with transaction.atomic():
        pe = PriceExplanation.objects.select_for_update().get(pk=explanation.pk)
        if pe.accepted is not None:
            raise ServiceError("decided", "The panel has already decided on this explanation.")
        if pe.explanation == text[:MAX_TEXT]:
            return pe
        old = pe.explanation
        pe.explanation = text[:MAX_TEXT]
        pe.received_at = timezone.now()
        pe.save(update_fields=["explanation", "received_at"])
        audit_record(
            actor=actor,
            verb="panels.price_explanation.answered",
            target=pe,
            changes={"explanation": [old, pe.explanation]},
        )
    return pe


def price_explanation_decide(
    *, actor: User, explanation: PriceExplanation, accepted: bool, reason: str
) -> PriceExplanation:
    """The panel accepts or rejects a bidder's explanation, with a reason (once).

    Accepting needs an explanation from the bidder; rejecting does not (no answer is a
    reason to reject).
    """
    require_perm(actor, "panels.moderate", explanation.bid.tender)
    require_no_conflict(actor, [explanation.bid])
    reason = reason.strip()
    if not reason:
        raise ServiceError("reason_required", "Give the reason for the decision.", field="reason")
    with transaction.atomic():
        pe = PriceExplanation.objects.select_for_update().get(pk=explanation.pk)
        if pe.accepted is not None:
            if pe.accepted == accepted and pe.decision_reason == reason:
                return pe
            raise ServiceError("decided", "The panel has already decided on this explanation.")
        if accepted and pe.received_at is None:
            raise ServiceError(
                "no_explanation",
                "The bidder has not explained the price yet, so it cannot be accepted.",
                field="accepted",
            )
        pe.accepted = accepted
        pe.decision_reason = reason[:MAX_TEXT]
        pe.decided_by = actor
        pe.save(update_fields=["accepted", "decision_reason", "decided_by"])
        audit_record(
            actor=actor,
            verb="panels.price_explanation.decided",
            target=pe,
            changes={"accepted": accepted},
            reason=reason,
        )
    return pe


def invitation_expires_at(member: PanelMember) -> dt.datetime | None:
    """When the member's current link stops working (None when there is no open link)."""
    if not member.invite_token_hash or member.invited_at is None:
        return None
    return member.invited_at + dt.timedelta(days=sel.INVITE_DAYS)
