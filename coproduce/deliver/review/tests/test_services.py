"""Review, decision and decommissioning services: the rules, each refusal named, nothing saved."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from coproduce.deliver.contracts.models import Contract, ContractStatus
from coproduce.foundation.commissioning.models import CommissioningProject, Stage, StageChange
from coproduce.foundation.commissioning.tests.factories import make_project
from coproduce.foundation.core.errors import NotFound, ServiceError
from coproduce.foundation.core.models import AuditEvent

from .. import notice
from .. import services as svc
from ..models import (
    ActionStatus,
    Decommissioning,
    DecommissioningStatus,
    Review,
    ReviewDecision,
    TransitionAction,
)
from .factories import (
    assessment,
    decommissioning,
    notice_data,
    project_in_deliver,
    published_review,
)

pytestmark = pytest.mark.django_db


def test_starting_a_review_moves_the_project_to_review_with_a_reason_and_a_link(
    commissioner, organisation
):
    project, _ = project_in_deliver(actor=commissioner, organisation=organisation)
    review = svc.review_start(actor=commissioner, project=project)
    project.refresh_from_db()
    assert project.stage == Stage.REVIEW
    change = StageChange.objects.filter(project=project).latest("decided_at", "pk")
    assert change.to_stage == Stage.REVIEW
    assert review.reference in change.reason
    assert change.link == f"/projects/{project.reference}/#review"
    assert AuditEvent.objects.filter(verb="review.review.started").count() == 1
    # A double click returns the same review and moves nothing twice.
    assert svc.review_start(actor=commissioner, project=project) == review
    assert StageChange.objects.filter(project=project, to_stage=Stage.REVIEW).count() == 1


def test_a_review_of_a_project_not_in_deliver_is_refused_naming_the_rule(commissioner):
    project = make_project(actor=commissioner, published=True)
    with pytest.raises(ServiceError) as exc:
        svc.review_start(actor=commissioner, project=project)
    assert exc.value.code == "not_in_deliver"
    assert "only start when the service is being delivered" in exc.value.message
    assert not Review.objects.exists()
    assert CommissioningProject.objects.get(pk=project.pk).stage == Stage.UNDERSTAND


def test_only_commissioners_start_reviews(provider, resident, commissioner, organisation):
    project, _ = project_in_deliver(actor=commissioner, organisation=organisation)
    for person in (provider, resident):
        with pytest.raises(NotFound):
            svc.review_start(actor=person, project=project)
    assert not Review.objects.exists()


def test_publishing_needs_conclusions_and_the_equality_impact_revisited(commissioner, organisation):
    project, _ = project_in_deliver(actor=commissioner, organisation=organisation)
    review = svc.review_start(actor=commissioner, project=project)
    with pytest.raises(ServiceError) as exc:
        svc.review_publish(actor=commissioner, review=review)
    assert exc.value.code == "conclusions_required"
    svc.review_update(
        actor=commissioner, review=review, conclusions="It worked.", equality_notes=""
    )
    with pytest.raises(ServiceError) as exc:
        svc.review_publish(actor=commissioner, review=review)
    assert exc.value.code == "equality_notes_required"
    svc.review_update(
        actor=commissioner, review=review, conclusions="It worked.", equality_notes="No change."
    )
    published = svc.review_publish(actor=commissioner, review=review)
    assert published.is_published
    with pytest.raises(ServiceError) as exc:
        svc.review_update(actor=commissioner, review=published, conclusions="x", equality_notes="y")
    assert exc.value.code == "already_published"


def test_a_decision_without_reasons_is_refused_and_nothing_saved(commissioner, organisation):
    project, _ = project_in_deliver(actor=commissioner, organisation=organisation)
    review = published_review(actor=commissioner, project=project)
    for reasons in ("", "   \n "):
        with pytest.raises(ServiceError) as exc:
            svc.review_decide(
                actor=commissioner, review=review, outcome="recommission", reasons=reasons
            )
        assert exc.value.code == "reasons_required"
    with pytest.raises(ServiceError) as exc:
        svc.review_decide(
            actor=commissioner, review=review, outcome="recommission_changed", reasons="Works."
        )
    assert exc.value.code == "changes_required"
    with pytest.raises(ServiceError) as exc:
        svc.review_decide(actor=commissioner, review=review, outcome="abolish", reasons="x")
    assert exc.value.code == "invalid_choice"
    assert not ReviewDecision.objects.exists()


def test_deciding_needs_a_published_report(commissioner, organisation):
    project, _ = project_in_deliver(actor=commissioner, organisation=organisation)
    review = svc.review_start(actor=commissioner, project=project)
    with pytest.raises(ServiceError) as exc:
        svc.review_decide(
            actor=commissioner, review=review, outcome="recommission", reasons="Good."
        )
    assert exc.value.code == "review_not_published"


def test_recommissioning_opens_the_next_cycle_at_understand_carrying_the_review(
    commissioner, organisation
):
    project, _ = project_in_deliver(actor=commissioner, organisation=organisation)
    review = published_review(actor=commissioner, project=project)
    decision = svc.review_decide(
        actor=commissioner,
        review=review,
        outcome="recommission_changed",
        reasons="People valued it; evenings were missing.",
        changes="Open two evenings a week.",
    )
    project.refresh_from_db()
    assert (project.stage, project.cycle) == (Stage.UNDERSTAND, 2)
    change = StageChange.objects.filter(project=project).latest("decided_at", "pk")
    assert change.link == f"/reviews/{review.reference}/"
    assert "with changes" in change.reason
    # The same decision again is a repeat; a different one is refused.
    assert (
        svc.review_decide(
            actor=commissioner,
            review=review,
            outcome="recommission_changed",
            reasons="x",
            changes="y",
        )
        == decision
    )
    with pytest.raises(ServiceError) as exc:
        svc.review_decide(actor=commissioner, review=review, outcome="decommission", reasons="x")
    assert exc.value.code == "already_decided"


def test_decommissioning_needs_the_projects_equality_impact_assessment(commissioner, organisation):
    project, _ = project_in_deliver(actor=commissioner, organisation=organisation)
    review = published_review(actor=commissioner, project=project)
    with pytest.raises(ServiceError) as exc:
        svc.review_decide(actor=commissioner, review=review, outcome="decommission", reasons="x")
    assert exc.value.code == "assessment_required"
    assert not Decommissioning.objects.exists()
    assessment(actor=commissioner, project=project, publish=False)
    decision = svc.review_decide(
        actor=commissioner, review=review, outcome="decommission", reasons="Few use it."
    )
    d = decision.decommissioning
    assert d.status == DecommissioningStatus.PLANNING
    assert d.assessment.project == project
    project.refresh_from_db()
    assert project.stage == Stage.REVIEW  # nothing ends yet


@pytest.mark.parametrize("months", [0, 1, 2])
def test_a_notice_shorter_than_the_minimum_is_refused_naming_the_rule(
    commissioner, organisation, months
):
    d = decommissioning(actor=commissioner, organisation=organisation)
    with pytest.raises(ServiceError) as exc:
        svc.decommissioning_give_notice(
            actor=commissioner, decommissioning=d, data=notice_data(d, notice_months=months)
        )
    assert exc.value.code == "notice_too_short"
    assert "at least 3 months (the minimum notice" in exc.value.message
    d.refresh_from_db()
    assert d.status == DecommissioningStatus.PLANNING
    assert Contract.objects.get(pk=d.contract_id).status == ContractStatus.LIVE


def test_nothing_ends_before_the_notice_period(commissioner, organisation):
    d = decommissioning(actor=commissioner, organisation=organisation)
    today = timezone.localdate()
    too_early = notice.notice_ends_on(today, 3) - dt.timedelta(days=1)
    with pytest.raises(ServiceError) as exc:
        svc.decommissioning_give_notice(
            actor=commissioner, decommissioning=d, data=notice_data(d, service_ends_on=too_early)
        )
    assert exc.value.code == "ends_before_notice"
    assert "Nothing may end before the notice period" in exc.value.message
    assert Decommissioning.objects.get(pk=d.pk).status == DecommissioningStatus.PLANNING


def test_notice_needs_a_published_assessment_and_a_transition_group(commissioner, organisation):
    d = decommissioning(actor=commissioner, organisation=organisation, with_group=False)
    with pytest.raises(ServiceError) as exc:
        svc.decommissioning_give_notice(actor=commissioner, decommissioning=d, data=notice_data(d))
    assert exc.value.code == "not_ready"
    assert "transition plan" in exc.value.message


def test_giving_notice_sets_the_contract_end_and_status(commissioner, organisation):
    d = decommissioning(actor=commissioner, organisation=organisation)
    d = svc.decommissioning_give_notice(actor=commissioner, decommissioning=d, data=notice_data(d))
    today = timezone.localdate()
    assert d.status == DecommissioningStatus.NOTICE
    assert d.notice_given_on == today
    assert d.notice_ends_on == notice.add_months(today, 3) == d.service_ends_on
    contract = Contract.objects.get(pk=d.contract_id)
    assert contract.status == ContractStatus.ENDING
    assert contract.ends_on == d.service_ends_on
    assert AuditEvent.objects.filter(verb="contracts.contract.ending").count() == 1
    # Giving notice again returns the first notice.
    again = svc.decommissioning_give_notice(
        actor=commissioner, decommissioning=d, data=notice_data(d, notice_months=6)
    )
    assert again.notice_months == 3


def test_the_project_is_decommissioned_only_after_the_end_and_every_action_finished(
    commissioner, organisation
):
    d = decommissioning(actor=commissioner, organisation=organisation)
    d = svc.decommissioning_give_notice(actor=commissioner, decommissioning=d, data=notice_data(d))
    group = d.groups.get()
    first = svc.transition_action_add(
        actor=commissioner,
        group=group,
        text="Visit the hub together",
        owner="Peer supporter",
        due_on=timezone.localdate(),
    )
    second = svc.transition_action_add(
        actor=commissioner,
        group=group,
        text="Share care plans",
        owner="Provider",
        due_on=timezone.localdate(),
    )
    # Nothing ends on the last day itself.
    assert svc.decommissioning_end_due(today=d.service_ends_on) == []
    after = d.service_ends_on + dt.timedelta(days=1)
    assert [x.pk for x in svc.decommissioning_end_due(today=after)] == [d.pk]
    d.refresh_from_db()
    assert d.status == DecommissioningStatus.ENDED
    assert Contract.objects.get(pk=d.contract_id).status == ContractStatus.ENDED
    assert CommissioningProject.objects.get(pk=d.project_id).stage == Stage.REVIEW
    assert svc.decommissioning_end_due(today=after) == []  # once only
    svc.transition_action_update(actor=commissioner, action=first, status=ActionStatus.DONE)
    assert CommissioningProject.objects.get(pk=d.project_id).stage == Stage.REVIEW
    with pytest.raises(ServiceError) as exc:
        svc.transition_action_update(actor=commissioner, action=second, status="explained")
    assert exc.value.code == "explanation_required"
    svc.transition_action_update(
        actor=commissioner,
        action=second,
        status="explained",
        explanation="They chose another service.",
    )
    project = CommissioningProject.objects.get(pk=d.project_id)
    assert project.stage == Stage.DECOMMISSIONED
    change = StageChange.objects.filter(project=project).latest("decided_at", "pk")
    assert change.link == f"/decommissioning/{d.reference}/"
    assert Decommissioning.objects.get(pk=d.pk).status == DecommissioningStatus.CLOSED


def test_a_group_cannot_move_after_the_service_ends(commissioner, organisation):
    d = decommissioning(actor=commissioner, organisation=organisation)
    d = svc.decommissioning_give_notice(actor=commissioner, decommissioning=d, data=notice_data(d))
    with pytest.raises(ServiceError) as exc:
        svc.transition_group_add(
            actor=commissioner,
            decommissioning=d,
            data=svc.GroupData(
                who="Carers",
                people_count=None,
                destination="Carers' centre",
                by_when=d.service_ends_on + dt.timedelta(days=1),
                responsible="Tom",
            ),
        )
    assert exc.value.code == "after_service_ends"
    assert d.groups.count() == 1


def test_done_in_the_future_is_refused(commissioner, organisation):
    d = decommissioning(actor=commissioner, organisation=organisation)
    action = svc.transition_action_add(
        actor=commissioner,
        group=d.groups.get(),
        text="Call",
        owner="Tom",
        due_on=timezone.localdate(),
    )
    with pytest.raises(ServiceError) as exc:
        svc.transition_action_update(
            actor=commissioner,
            action=action,
            status="done",
            done_on=timezone.localdate() + dt.timedelta(days=2),
        )
    assert exc.value.code == "done_in_future"
    assert TransitionAction.objects.get(pk=action.pk).status == ActionStatus.TO_DO


def test_a_double_submitted_group_keeps_one(commissioner, organisation):
    d = decommissioning(actor=commissioner, organisation=organisation, with_group=False)
    data = svc.GroupData(
        who="Carers",
        people_count=3,
        destination="Carers' centre",
        by_when=timezone.localdate(),
        responsible="Tom",
    )
    key = "k" * 32
    first = svc.transition_group_add(
        actor=commissioner, decommissioning=d, data=data, submission_key=key
    )
    again = svc.transition_group_add(
        actor=commissioner, decommissioning=d, data=data, submission_key=key
    )
    assert first == again
    assert d.groups.count() == 1


def test_notice_is_refused_when_a_group_moves_after_the_last_day(commissioner, organisation):
    d = decommissioning(actor=commissioner, organisation=organisation, with_group=False)
    notice_end = notice.notice_ends_on(timezone.localdate(), 3)
    svc.transition_group_add(
        actor=commissioner,
        decommissioning=d,
        data=svc.GroupData(
            who="People who come in the evening",
            people_count=8,
            destination="The library's evening group",
            by_when=notice_end + dt.timedelta(days=10),
            responsible="Tom",
        ),
    )
    with pytest.raises(ServiceError) as exc:
        svc.decommissioning_give_notice(actor=commissioner, decommissioning=d, data=notice_data(d))
    assert exc.value.code == "after_service_ends"
    assert "People who come in the evening" in exc.value.message
    assert "after the service's last day" in exc.value.message
    d.refresh_from_db()
    assert d.status == DecommissioningStatus.PLANNING and d.notice_given_on is None
    assert Contract.objects.get(pk=d.contract_id).status != ContractStatus.ENDING
    # A last day on or after the group's date is accepted.
    d = svc.decommissioning_give_notice(
        actor=commissioner,
        decommissioning=d,
        data=notice_data(d, service_ends_on=notice_end + dt.timedelta(days=10)),
    )
    assert d.status == DecommissioningStatus.NOTICE


def test_a_group_added_before_notice_cannot_move_after_the_planned_last_day(
    commissioner, organisation
):
    d = decommissioning(actor=commissioner, organisation=organisation, with_group=False)
    planned = d.contract.ends_on
    data = svc.GroupData(
        who="Carers",
        people_count=None,
        destination="Carers' centre",
        by_when=planned + dt.timedelta(days=1),
        responsible="Tom",
    )
    with pytest.raises(ServiceError) as exc:
        svc.transition_group_add(actor=commissioner, decommissioning=d, data=data)
    assert exc.value.code == "after_service_ends"
    assert "planned to end" in exc.value.message
    assert not d.groups.exists()
    data.by_when = planned
    svc.transition_group_add(actor=commissioner, decommissioning=d, data=data)
    assert d.groups.count() == 1
