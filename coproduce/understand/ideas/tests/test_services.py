"""Ideas services: references, support once, merging, decisions with reasons, moderation."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from coproduce.foundation.accounts.tests.factories import UserFactory
from coproduce.foundation.core.audit import verify_chain
from coproduce.foundation.core.errors import NotFound, ServiceError
from coproduce.foundation.core.models import AuditEvent
from coproduce.understand.ideas import bulk
from coproduce.understand.ideas.models import Comment, CommentReport, Idea, Support
from coproduce.understand.ideas.services import (
    IdeaData,
    comment_add,
    comment_moderate,
    comment_report,
    idea_change_status,
    idea_merge,
    idea_submit,
    idea_support,
    idea_withdraw_support,
    ideas_bulk_create,
)


def test_submitted_idea_gets_a_reference_and_an_audit_event(resident, make_idea):
    idea = make_idea(actor=resident)
    assert idea.reference.startswith("ID-")
    assert idea.reference.endswith("-0001")
    assert idea.author == resident
    event = AuditEvent.objects.get(verb="ideas.idea.submitted")
    assert event.target_id == str(idea.pk)
    assert verify_chain()[1] is None


def test_anonymous_visitor_can_submit_with_an_optional_name(db, areas):
    idea = idea_submit(
        actor=AnonymousUser(),
        project=None,
        data=IdeaData(
            title="More benches",
            description="By the river.",
            area_id=areas["eastgate"].pk,
            author_name="Ada",
            author_email="ada@example.org",
        ),
    )
    assert idea.author is None
    assert idea.display_author == "Ada"


@pytest.mark.parametrize(
    ("data", "code", "field"),
    [
        ({"title": "  "}, "required", "title"),
        ({"title": "x" * 201}, "too_long", "title"),
        ({"description": ""}, "required", "description"),
        ({"area_id": 999999}, "invalid_choice", "area"),
        ({"author_email": "not-an-email"}, "invalid_email", "author_email"),
    ],
)
def test_bad_ideas_are_refused_and_nothing_is_saved(db, areas, data, code, field):
    values = {"title": "T", "description": "D", "area_id": areas["eastgate"].pk, **data}
    with pytest.raises(ServiceError) as exc:
        idea_submit(actor=AnonymousUser(), project=None, data=IdeaData(**values))
    assert (exc.value.code, exc.value.field) == (code, field)
    assert not Idea.objects.exists()


def test_nobody_submits_to_a_draft_projects_board_except_staff(
    resident, draft_project, areas, commissioner
):
    data = IdeaData(title="T", description="D", area_id=areas["eastgate"].pk)
    with pytest.raises(NotFound):
        idea_submit(actor=resident, project=draft_project, data=data)
    assert (
        idea_submit(actor=commissioner, project=draft_project, data=data).project == draft_project
    )


def test_support_counts_once_and_can_be_withdrawn(resident, make_idea):
    idea = make_idea(actor=resident)
    assert idea_support(actor=resident, idea=idea) is True
    assert idea_support(actor=resident, idea=idea) is False
    assert Support.objects.filter(idea=idea).count() == 1
    assert idea_withdraw_support(actor=resident, idea=idea) is True
    assert idea_withdraw_support(actor=resident, idea=idea) is False
    assert not Support.objects.exists()
    verbs = list(
        AuditEvent.objects.filter(verb__startswith="ideas.idea.support")
        .order_by("seq")
        .values_list("verb", flat=True)
    )
    assert verbs == ["ideas.idea.supported", "ideas.idea.support_withdrawn"]


def test_anonymous_visitors_cannot_support(resident, make_idea):
    idea = make_idea(actor=resident)
    with pytest.raises(NotFound):
        idea_support(actor=AnonymousUser(), idea=idea)


def test_merging_moves_supporters_without_counting_anyone_twice(
    commissioner, resident, provider, make_idea
):
    target = make_idea(actor=resident, title="Evening club")
    duplicate = make_idea(actor=provider, title="Club in the evenings")
    third = UserFactory()
    for person in (resident, provider):
        idea_support(actor=person, idea=target)
    for person in (resident, third):
        idea_support(actor=person, idea=duplicate)
    merged = idea_merge(
        actor=commissioner, duplicate=duplicate, target_reference=target.reference.lower()
    )
    assert merged.status == "merged"
    assert merged.merged_into == target
    assert merged.status_reason == f"The same idea as {target.reference}."
    assert set(Support.objects.filter(idea=target).values_list("user_id", flat=True)) == {
        resident.pk,
        provider.pk,
        third.pk,
    }
    assert not Support.objects.filter(idea=duplicate).exists()
    event = AuditEvent.objects.get(verb="ideas.idea.merged")
    assert event.changes["supports_moved"] == 1
    assert event.changes["supports_already_there"] == 1
    with pytest.raises(ServiceError) as exc:
        idea_support(actor=provider, idea=merged)
    assert exc.value.code == "merged"


@pytest.mark.parametrize("case", ["itself", "merged_target", "other_board", "missing", "empty"])
def test_bad_merges_are_refused(commissioner, resident, make_idea, published_project, case):
    idea = make_idea(actor=resident)
    other = make_idea(actor=resident, title="Other")
    if case == "itself":
        ref, code = idea.reference, "merge_into_itself"
    elif case == "merged_target":
        third = make_idea(actor=resident, title="Third")
        idea_merge(actor=commissioner, duplicate=other, target_reference=third.reference)
        ref, code = other.reference, "target_merged"
    elif case == "other_board":
        ref, code = make_idea(actor=resident, project=published_project).reference, "unknown_target"
    elif case == "missing":
        ref, code = "ID-1999-9999", "unknown_target"
    else:
        ref, code = "", "required"
    with pytest.raises(ServiceError) as exc:
        idea_merge(actor=commissioner, duplicate=idea, target_reference=ref)
    assert exc.value.code == code
    idea.refresh_from_db()
    assert idea.status == "open"
    assert idea.merged_into is None


def test_only_commissioners_merge_and_decide(resident, finance, make_idea):
    idea = make_idea(actor=resident)
    other = make_idea(actor=resident, title="Other")
    for person in (resident, finance):
        with pytest.raises(NotFound):
            idea_merge(actor=person, duplicate=idea, target_reference=other.reference)
        with pytest.raises(NotFound):
            idea_change_status(actor=person, idea=idea, to_status="taken_forward", reason="Yes")


def test_a_decision_needs_a_reason_and_follows_the_state_machine(commissioner, resident, make_idea):
    idea = make_idea(actor=resident)
    with pytest.raises(ServiceError) as exc:
        idea_change_status(actor=commissioner, idea=idea, to_status="taken_forward", reason="  ")
    assert exc.value.code == "reason_required"
    idea = idea_change_status(
        actor=commissioner, idea=idea, to_status="taken_forward", reason="In the specification."
    )
    assert idea.status_reason == "In the specification."
    again = idea_change_status(
        actor=commissioner, idea=idea, to_status="taken_forward", reason="Twice"
    )
    assert again.status_reason == "In the specification."  # a repeat does nothing
    for bad in ("open", "merged", "nonsense"):
        with pytest.raises(ServiceError) as exc:
            idea_change_status(actor=commissioner, idea=idea, to_status=bad, reason="x")
        assert exc.value.code == "invalid_choice"
    assert AuditEvent.objects.filter(verb="ideas.idea.status_changed").count() == 1


def test_a_merged_idea_cannot_be_given_another_status(commissioner, resident, make_idea):
    idea, target = make_idea(actor=resident), make_idea(actor=resident, title="Keep")
    idea_merge(actor=commissioner, duplicate=idea, target_reference=target.reference)
    idea.refresh_from_db()
    with pytest.raises(ServiceError) as exc:
        idea_change_status(actor=commissioner, idea=idea, to_status="taken_forward", reason="x")
    assert exc.value.code == "illegal_transition"


def test_bulk_entry_creates_every_idea_in_one_go_with_an_event_each(
    commissioner, published_project, areas
):
    rows, problems = bulk.parse_lines(
        "Cooking club: Learn to cook\nGardening\n\nDrama: A theatre group"
    )
    assert problems == []
    ideas = ideas_bulk_create(
        actor=commissioner, project=published_project, rows=rows, event_name="Kick-off workshop"
    )
    assert [i.title for i in ideas] == ["Cooking club", "Gardening", "Drama"]
    assert {i.source for i in ideas} == {"paper"}
    assert AuditEvent.objects.filter(verb="ideas.idea.entered").count() == 3


def test_bulk_entry_refuses_everything_if_one_row_is_bad(commissioner, areas):
    rows = [bulk.Row(1, "Fine"), bulk.Row(2, "Also fine", area="Atlantis")]
    with pytest.raises(ServiceError) as exc:
        ideas_bulk_create(actor=commissioner, project=None, rows=rows, event_name="")
    assert exc.value.code == "bulk_invalid"
    assert "Line 2: Unknown area “Atlantis”" in exc.value.message
    assert not Idea.objects.exists()


def test_bulk_entry_is_for_commissioners_only(resident, finance, areas):
    for person in (resident, finance):
        with pytest.raises(NotFound):
            ideas_bulk_create(actor=person, project=None, rows=[bulk.Row(1, "x")], event_name="")


def test_reporting_and_moderating_a_comment(commissioner, resident, provider, make_idea):
    idea = make_idea(actor=resident)
    comment = comment_add(actor=resident, idea=idea, body="Rude words")
    assert comment_report(actor=provider, comment=comment, reason="Rude") is True
    assert comment_report(actor=provider, comment=comment, reason="Rude again") is False
    assert comment_report(actor=AnonymousUser(), comment=comment, reason="Also rude") is True
    assert CommentReport.objects.filter(decided_at__isnull=True).count() == 2
    with pytest.raises(ServiceError) as exc:
        comment_moderate(actor=commissioner, comment=comment, decision="hide", reason="")
    assert exc.value.code == "reason_required"
    comment_moderate(actor=commissioner, comment=comment, decision="hide", reason="Personal abuse.")
    comment.refresh_from_db()
    assert comment.is_hidden
    assert comment.moderation_reason == "Personal abuse."
    assert not CommentReport.objects.filter(decided_at__isnull=True).exists()
    assert AuditEvent.objects.filter(
        verb="ideas.comment.removed", reason="Personal abuse."
    ).exists()
    with pytest.raises(ServiceError) as exc:
        comment_report(actor=provider, comment=comment, reason="Rude")
    assert exc.value.code == "already_removed"


def test_keeping_a_comment_closes_its_reports_and_leaves_it_visible(
    commissioner, resident, provider, make_idea
):
    comment = comment_add(actor=resident, idea=make_idea(actor=resident), body="I disagree")
    comment_report(actor=provider, comment=comment, reason="I don't like it")
    comment_moderate(
        actor=commissioner, comment=comment, decision="keep", reason="Disagreeing is allowed."
    )
    comment.refresh_from_db()
    assert comment.status == "visible"
    assert not CommentReport.objects.filter(decided_at__isnull=True).exists()
    assert comment_report(actor=provider, comment=comment, reason="Still don't") is True


@pytest.mark.parametrize("who", ["resident", "provider", "finance"])
def test_only_commissioners_moderate(request, who, resident, make_idea):
    comment = comment_add(actor=resident, idea=make_idea(actor=resident), body="Hi")
    with pytest.raises(NotFound):
        comment_moderate(
            actor=request.getfixturevalue(who), comment=comment, decision="hide", reason="x"
        )
    assert not Comment.objects.filter(status="hidden").exists()
