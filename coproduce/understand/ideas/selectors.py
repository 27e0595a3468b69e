"""Reads of the ideas boards. A project's board is public once the project is published."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Max, Prefetch, Q, QuerySet

from coproduce.foundation.commissioning.models import CommissioningProject
from coproduce.foundation.core.errors import NotFound

from .models import Comment, CommentReport, Idea, Status, Support

SORTS = {"supported": "Most supported", "newest": "Newest"}


@dataclass(frozen=True)
class IdeaFilters:
    status: str = ""
    area: str = ""
    sort: str = "supported"


def access_board(*, user, reference: str | None) -> CommissioningProject | None:
    """The project whose board this is (None for the council-wide board); NotFound if hidden."""
    if reference is None:
        return None
    project = CommissioningProject.objects.filter(reference=reference).first()
    if project is None or not user.has_perm("ideas.view_board", project):
        raise NotFound()
    return project


def idea_list(
    *, project: CommissioningProject | None, filters: IdeaFilters = IdeaFilters()
) -> QuerySet[Idea]:
    """A board's ideas with support counts. Merged duplicates are left out unless asked for."""
    qs = Idea.objects.filter(project=project).select_related("area", "author")
    if filters.status in Status.values:
        qs = qs.filter(status=filters.status)
    else:
        qs = qs.exclude(status=Status.MERGED)
    if filters.area:
        qs = qs.filter(area__slug=filters.area)
    qs = qs.annotate(
        support_count=Count("supports", distinct=True),
        comment_count=Count("comments", distinct=True),
    )
    if filters.sort == "newest":
        return qs.order_by("-created_at", "-pk")
    return qs.order_by("-support_count", "-created_at", "-pk")


def board_list(*, user) -> QuerySet[CommissioningProject]:
    """Projects whose boards this person can see, with how many ideas each has."""
    qs = CommissioningProject.objects.all()
    if not user.has_perm("commissioning.view_draft_projects"):
        qs = qs.filter(published_at__isnull=False)
    return qs.annotate(idea_count=Count("ideas", filter=~Q(ideas__status=Status.MERGED))).order_by(
        "title", "pk"
    )


def access_idea_by_reference(*, user, reference: str) -> Idea:
    """The idea if its board is visible to ``user``; NotFound for missing and hidden alike."""
    idea = (
        Idea.objects.select_related("project", "area", "author", "merged_into", "status_changed_by")
        .annotate(support_count=Count("supports"))
        .filter(reference=reference)
        .first()
    )
    if idea is None or not user.has_perm("ideas.view_board", idea.project):
        raise NotFound()
    return idea


def idea_comments(*, idea: Idea) -> QuerySet[Comment]:
    return idea.comments.select_related("author").order_by("created_at", "pk")


def idea_merged_duplicates(*, idea: Idea) -> QuerySet[Idea]:
    return idea.merged_ideas.order_by("reference")


def user_supports(*, user, idea: Idea) -> bool:
    return bool(user.is_authenticated and Support.objects.filter(idea=idea, user=user).exists())


def access_comment(*, user, idea: Idea, comment_id: int) -> Comment:
    """A comment on this idea; NotFound if the id belongs to another idea or none."""
    comment = (
        Comment.objects.select_related("author", "idea").filter(pk=comment_id, idea=idea).first()
    )
    if comment is None:
        raise NotFound()
    return comment


def moderation_queue(*, user) -> QuerySet[Comment]:
    """Comments with reports awaiting a decision, most recently reported first."""
    if not user.has_perm("ideas.moderate_comments"):
        raise NotFound()
    open_reports = CommentReport.objects.filter(decided_at__isnull=True).select_related("reporter")
    waiting = Q(reports__decided_at__isnull=True)
    return (
        Comment.objects.filter(pk__in=open_reports.values("comment_id"))
        .select_related("author", "idea", "idea__project")
        .annotate(last_reported=Max("reports__created_at", filter=waiting))
        .prefetch_related(Prefetch("reports", queryset=open_reports, to_attr="pending_reports"))
        .order_by("-last_reported", "-pk")
    )


def access_reported_comment(*, user, comment_id: int) -> Comment:
    """A comment for the moderation page; moderators only (NotFound for everyone else)."""
    if not user.has_perm("ideas.moderate_comments"):
        raise NotFound()
    comment = (
        Comment.objects.select_related("author", "idea", "idea__project")
        .filter(pk=comment_id)
        .first()
    )
    if comment is None or not user.has_perm("ideas.view_board", comment.idea.project):
        raise NotFound()
    return comment


def comment_open_reports(*, comment: Comment) -> QuerySet[CommentReport]:
    return comment.reports.filter(decided_at__isnull=True).select_related("reporter")


def comment_decisions(*, comment: Comment):
    return comment.decisions.select_related("decided_by")
