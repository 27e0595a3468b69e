"""Writes to the ideas boards. Each is one transaction that also writes the audit row(s)."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone

from coproduce.foundation.commissioning.models import CommissioningProject
from coproduce.foundation.core.audit import audit_record
from coproduce.foundation.core.errors import IllegalTransition, NotFound, ServiceError
from coproduce.foundation.core.idempotency import submitted_once
from coproduce.foundation.core.services import counter_next
from coproduce.foundation.core.validation import clean_text

from . import bulk
from .models import (
    AREAS,
    COMMENT_STATUSES,
    STATUSES,
    Area,
    Comment,
    CommentReport,
    CommentStatus,
    Decision,
    Idea,
    ModerationDecision,
    Source,
    Status,
    Support,
)

TITLE_MAX = bulk.TITLE_MAX
DESCRIPTION_MAX = bulk.DESCRIPTION_MAX
COMMENT_MAX = 2000
REASON_MAX = 2000
NAME_MAX = 100
EVENT_MAX = 200


@dataclass
class IdeaData:
    """What a person typed on the idea form."""

    title: str
    description: str
    area_id: int | None
    author_name: str = ""
    author_email: str = ""


def _reference() -> str:
    year = timezone.localdate().year
    return f"ID-{year}-{counter_next(name=f'ideas.idea.{year}'):04d}"


def _lock(idea: Idea) -> Idea:
    return Idea.objects.select_for_update().get(pk=idea.pk)


@submitted_once("ideas.idea", within="project")
def idea_submit(*, actor, project: CommissioningProject | None, data: IdeaData) -> Idea:
    """Add an idea to a board. Anonymous visitors may submit (the view rate-limits them)."""
    if not actor.has_perm("ideas.submit_idea", project):
        raise NotFound()
    title = clean_text(data.title, field="title", label="a title for your idea", limit=TITLE_MAX)
    description = clean_text(
        data.description,
        field="description",
        label="a description of your idea",
        limit=DESCRIPTION_MAX,
    )
    area = Area.objects.filter(pk=data.area_id).first() if data.area_id else None
    if area is None:
        raise ServiceError("invalid_choice", "Choose the area your idea is about.", field="area")
    signed_in = bool(actor.is_authenticated)
    name = (
        ""
        if signed_in
        else clean_text(
            data.author_name,
            field="author_name",
            label="your name",
            limit=NAME_MAX,
            required=False,
        )
    )
    email = "" if signed_in else (data.author_email or "").strip()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise ServiceError(
                "invalid_email",
                "Enter an email address like name@example.com, or leave it empty.",
                field="author_email",
            ) from None
    with transaction.atomic():
        idea = Idea.objects.create(
            reference=_reference(),
            project=project,
            title=title,
            description=description,
            area=area,
            source=Source.ONLINE,
            author=actor if signed_in else None,
            author_name=name,
            author_email=email,
        )
        audit_record(
            actor=actor,
            verb="ideas.idea.submitted",
            target=idea,
            changes={
                "board": project.reference if project else "council",
                "title": title,
                "area": area.name,
                "source": Source.ONLINE,
            },
        )
    return idea


def resolve_areas(rows: list[bulk.Row]) -> tuple[dict[int, Area | None], list[bulk.Problem]]:
    """Match each row's area (by name or slug, any case) to an Area; empty means none given."""
    areas = list(Area.objects.all())
    lookup = {a.name.lower(): a for a in areas} | {a.slug: a for a in areas}
    lookup |= {a.name.lower().replace("’", "'"): a for a in areas}
    found: dict[int, Area | None] = {}
    problems = []
    for row in rows:
        if not row.area:
            found[row.line] = None
            continue
        area = lookup.get(row.area.strip().lower())
        if area is None:
            names = ", ".join(a.name for a in areas)
            problems.append(
                bulk.Problem(row.line, f"Unknown area “{row.area}”. Use one of: {names}.")
            )
        found[row.line] = area
    return found, problems


@submitted_once("ideas.bulk", within="project")
def ideas_bulk_create(
    *, actor, project: CommissioningProject | None, rows: list[bulk.Row], event_name: str
) -> list[Idea]:
    """Enter ideas gathered on paper, all or nothing, in one transaction.

    Every idea gets its own reference and its own audit event (``ideas.idea.entered``), so
    each one's history starts like an online idea's. Any problem refuses the whole batch.
    """
    if not actor.has_perm("ideas.manage_ideas") or not actor.has_perm("ideas.view_board", project):
        raise NotFound()
    event_name = clean_text(
        event_name, field="event_name", label="the event name", limit=EVENT_MAX, required=False
    )
    problem = bulk.too_many(rows)
    problems = [problem] if problem else []
    for row in rows:
        message = bulk._check(row.line, row.title.strip(), row.description.strip())
        if message:
            problems.append(bulk.Problem(row.line, message))
    areas, area_problems = resolve_areas(rows)
    problems += area_problems
    if problems:
        first = problems[0]
        where = f"Line {first.line}: " if first.line else ""
        raise ServiceError("bulk_invalid", f"{where}{first.message}", field="lines")
    created = []
    with transaction.atomic():
        for row in rows:
            idea = Idea.objects.create(
                reference=_reference(),
                project=project,
                title=row.title.strip(),
                description=row.description.strip(),
                area=areas[row.line],
                source=Source.PAPER,
                event_name=event_name,
                entered_by=actor,
            )
            audit_record(
                actor=actor,
                verb="ideas.idea.entered",
                target=idea,
                changes={
                    "board": project.reference if project else "council",
                    "title": idea.title,
                    "source": Source.PAPER,
                    "event_name": event_name,
                },
            )
            created.append(idea)
    return created


def idea_support(*, actor, idea: Idea) -> bool:
    """Support an idea once. Returns False if this person already supported it (a repeat)."""
    if not actor.has_perm("ideas.support_idea", idea.project):
        raise NotFound()
    with transaction.atomic():
        locked = _lock(idea)  # serialises supports of one idea, and merges of it
        if locked.status == Status.MERGED:
            raise ServiceError(
                "merged",
                f"This idea was merged into {locked.merged_into.reference}. Support that idea instead.",
            )
        if Support.objects.filter(idea=locked, user=actor).exists():
            return False
        try:
            with transaction.atomic():
                Support.objects.create(idea=locked, user=actor)
        except IntegrityError:  # the unique constraint, should a lock ever be bypassed
            return False
        audit_record(actor=actor, verb="ideas.idea.supported", target=locked)
    return True


def idea_withdraw_support(*, actor, idea: Idea) -> bool:
    """Take back one's support. Returns False if there was none to take back."""
    if not actor.has_perm("ideas.support_idea", idea.project):
        raise NotFound()
    with transaction.atomic():
        locked = _lock(idea)
        deleted, _ = Support.objects.filter(idea=locked, user=actor).delete()
        if not deleted:
            return False
        audit_record(actor=actor, verb="ideas.idea.support_withdrawn", target=locked)
    return True


def _reason(reason: str, *, message: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError("reason_required", message, field="reason")
    if len(reason) > REASON_MAX:
        raise ServiceError(
            "too_long", f"The reason must be {REASON_MAX:,} characters or fewer.", field="reason"
        )
    return reason


def idea_change_status(*, actor, idea: Idea, to_status: str, reason: str) -> Idea:
    """Record an officer's decision on an idea (taken forward, not, under consideration).

    The reason is required and published. Repeating the current status does nothing.
    """
    if not actor.has_perm("ideas.manage_ideas") or not actor.has_perm(
        "ideas.view_board", idea.project
    ):
        raise NotFound()
    if to_status == Status.MERGED or to_status not in Status.values or to_status == Status.OPEN:
        raise ServiceError("invalid_choice", "Choose one of the decisions listed.", field="status")
    reason = _reason(
        reason, message="Explain the decision. People will read this on the idea’s page."
    )
    with transaction.atomic():
        locked = _lock(idea)
        if locked.status == to_status:
            return locked
        try:
            STATUSES.check(locked.status, to_status)
        except IllegalTransition:
            raise ServiceError(
                "illegal_transition",
                f"An idea that is {locked.get_status_display().lower()} cannot be marked "
                f"{Status(to_status).label.lower()}.",
                field="status",
            ) from None
        old = locked.status
        locked.status = to_status
        locked.status_reason = reason
        locked.status_changed_at = timezone.now()
        locked.status_changed_by = actor
        locked.save(
            update_fields=[
                "status",
                "status_reason",
                "status_changed_at",
                "status_changed_by",
                "updated_at",
            ]
        )
        audit_record(
            actor=actor,
            verb="ideas.idea.status_changed",
            target=locked,
            changes={"status": [old, to_status]},
            reason=reason,
        )
    return locked


def idea_merge(*, actor, duplicate: Idea, target_reference: str, reason: str = "") -> Idea:
    """Merge a duplicate into another idea on the same board.

    The duplicate becomes ``merged`` and points at the target; its supporters move to the
    target, except people who already support the target (nobody counts twice). Both rows
    are locked in id order, so a support arriving at the same time waits and then sees the
    merge.
    """
    if not actor.has_perm("ideas.manage_ideas") or not actor.has_perm(
        "ideas.view_board", duplicate.project
    ):
        raise NotFound()
    target_reference = (target_reference or "").strip().upper()
    if not target_reference:
        raise ServiceError(
            "required", "Enter the reference of the idea to merge into.", field="target"
        )
    if target_reference == duplicate.reference:
        raise ServiceError(
            "merge_into_itself", "An idea cannot be merged into itself.", field="target"
        )
    target = Idea.objects.filter(reference=target_reference, project=duplicate.project).first()
    if target is None:
        raise ServiceError(
            "unknown_target", f"There is no idea {target_reference} on this board.", field="target"
        )
    reason = (reason or "").strip() or f"The same idea as {target.reference}."
    reason = _reason(reason, message="Explain why these are the same idea.")
    with transaction.atomic():
        first, second = sorted([duplicate.pk, target.pk])
        locked = {
            i.pk: i
            for i in Idea.objects.select_for_update().filter(pk__in=[first, second]).order_by("pk")
        }
        dup, tgt = locked[duplicate.pk], locked[target.pk]
        if tgt.status == Status.MERGED:
            raise ServiceError(
                "target_merged",
                f"{tgt.reference} was itself merged into another idea. Merge into that one instead.",
                field="target",
            )
        if dup.status == Status.MERGED:
            raise ServiceError(
                "already_merged", "This idea is already merged into another idea.", field="target"
            )
        STATUSES.check(dup.status, Status.MERGED)
        already = Support.objects.filter(idea=tgt).values("user_id")
        dropped, _ = Support.objects.filter(idea=dup, user_id__in=already).delete()
        moved = Support.objects.filter(idea=dup).update(idea=tgt)
        old = dup.status
        dup.status = Status.MERGED
        dup.merged_into = tgt
        dup.status_reason = reason
        dup.status_changed_at = timezone.now()
        dup.status_changed_by = actor
        dup.save(
            update_fields=[
                "status",
                "merged_into",
                "status_reason",
                "status_changed_at",
                "status_changed_by",
                "updated_at",
            ]
        )
        audit_record(
            actor=actor,
            verb="ideas.idea.merged",
            target=dup,
            changes={
                "status": [old, Status.MERGED],
                "merged_into": tgt.reference,
                "supports_moved": moved,
                "supports_already_there": dropped,
            },
            reason=reason,
        )
    return dup


@submitted_once("ideas.comment", within="idea")
def comment_add(*, actor, idea: Idea, body: str) -> Comment:
    """A signed-in person comments on an idea that is not merged."""
    if not actor.has_perm("ideas.comment_idea", idea.project):
        raise NotFound()
    body = clean_text(body, field="body", label="your comment", limit=COMMENT_MAX)
    if idea.status == Status.MERGED:
        raise ServiceError(
            "merged",
            f"This idea was merged into {idea.merged_into.reference}. Comment there instead.",
            field="body",
        )
    with transaction.atomic():
        comment = Comment.objects.create(idea=idea, author=actor, body=body)
        audit_record(
            actor=actor,
            verb="ideas.comment.added",
            target=comment,
            changes={"idea": idea.reference, "body": body},
        )
    return comment


@submitted_once("ideas.report", within="comment")
def comment_report(*, actor, comment: Comment, reason: str) -> bool:
    """Report a comment to the moderators. Returns False for a repeat by the same person."""
    if not actor.has_perm("ideas.report_comment", comment.idea.project):
        raise NotFound()
    reason = clean_text(
        reason, field="reason", label="what is wrong with this comment", limit=REASON_MAX
    )
    if comment.status == CommentStatus.HIDDEN:
        raise ServiceError("already_removed", "A moderator has already removed this comment.")
    reporter = actor if actor.is_authenticated else None
    with transaction.atomic():
        if (
            reporter
            and CommentReport.objects.filter(
                comment=comment, reporter=reporter, decided_at__isnull=True
            ).exists()
        ):
            return False
        if reporter:
            # A person may report again after a moderator kept the comment: replace the old report.
            CommentReport.objects.filter(comment=comment, reporter=reporter).delete()
        try:
            with transaction.atomic():
                report = CommentReport.objects.create(
                    comment=comment, reporter=reporter, reason=reason
                )
        except IntegrityError:
            return False
        audit_record(
            actor=actor,
            verb="ideas.comment.reported",
            target=comment,
            changes={"report": report.pk},
            reason=reason,
        )
    return True


def comment_moderate(*, actor, comment: Comment, decision: str, reason: str) -> ModerationDecision:
    """A moderator removes or keeps a reported comment, with a reason; open reports close."""
    if not actor.has_perm("ideas.moderate_comments") or not actor.has_perm(
        "ideas.view_board", comment.idea.project
    ):
        raise NotFound()
    if decision not in Decision.values:
        raise ServiceError(
            "invalid_choice", "Choose whether to remove or keep the comment.", field="decision"
        )
    reason = _reason(
        reason,
        message="Explain your decision. If you remove the comment, this is shown in its place.",
    )
    with transaction.atomic():
        locked = Comment.objects.select_for_update().get(pk=comment.pk)
        old = locked.status
        if decision == Decision.HIDE:
            if locked.status != CommentStatus.HIDDEN:
                COMMENT_STATUSES.check(locked.status, CommentStatus.HIDDEN)
            locked.status = CommentStatus.HIDDEN
            locked.moderation_reason = reason
            locked.save(update_fields=["status", "moderation_reason", "updated_at"])
        elif locked.status == CommentStatus.HIDDEN:
            raise ServiceError(
                "already_removed", "This comment has already been removed.", field="decision"
            )
        now = timezone.now()
        closed = CommentReport.objects.filter(comment=locked, decided_at__isnull=True).update(
            decided_at=now
        )
        record = ModerationDecision.objects.create(
            comment=locked, decision=decision, reason=reason, decided_by=actor, decided_at=now
        )
        audit_record(
            actor=actor,
            verb=f"ideas.comment.{'removed' if decision == Decision.HIDE else 'kept'}",
            target=locked,
            changes={"status": [old, locked.status], "reports_closed": closed},
            reason=reason,
        )
    return record


def areas_ensure() -> int:
    """Put back the seeded areas if they are missing (after a test database flush)."""
    made = 0
    for position, (name, slug) in enumerate(AREAS):
        _, created = Area.objects.get_or_create(
            slug=slug, defaults={"name": name, "position": position}
        )
        made += int(created)
    return made
