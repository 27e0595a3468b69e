"""Writes for review, the decision after it, and decommissioning with care.

Each service runs in one transaction, locks the row whose state it changes, and records an
audit event in that transaction. Project stage moves go through
``commissioning.services.project_change_stage`` with a generated reason and a link.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from coproduce.deliver.contracts.models import Contract, ContractStatus
from coproduce.foundation.commissioning.models import CommissioningProject, Stage
from coproduce.foundation.commissioning.services import project_change_stage
from coproduce.foundation.core.audit import audit_record
from coproduce.foundation.core.errors import ServiceError
from coproduce.foundation.core.formatting import uk_date
from coproduce.foundation.core.idempotency import submitted_once
from coproduce.foundation.core.services import counter_next
from coproduce.foundation.core.validation import clean_text, require_perm
from coproduce.understand.equality.models import AssessmentStatus, EqualityImpactAssessment

from . import notice
from .models import (
    ActionStatus,
    Decommissioning,
    DecommissioningStatus,
    Outcome,
    Review,
    ReviewDecision,
    ReviewStatus,
    TransitionAction,
    TransitionGroup,
)
from .selectors import (
    decommissionings_due,
    decommissionings_to_close,
    findings_behind_contracts,
    live_contracts,
    plan_progress,
    report_figures,
)

TEXT_MAX = 20_000
SHORT_MAX = 300
#: Notice given when the officer does not choose another length.
DEFAULT_NOTICE_MONTHS = getattr(settings, "REVIEW_NOTICE_MONTHS", 3)
#: A notice shorter than this is refused: people need time to find another service.
MINIMUM_NOTICE_MONTHS = getattr(settings, "REVIEW_MINIMUM_NOTICE_MONTHS", 3)
MAXIMUM_NOTICE_MONTHS = 36


def _today() -> dt.date:
    return timezone.localdate()


# --- review ----------------------------------------------------------------------------------


def review_start(*, actor, project: CommissioningProject) -> Review:
    """Start the review of ``project``'s current cycle and move the project to review.

    Only from the deliver stage (``not_in_deliver`` otherwise). Records the published
    findings the cycle's contract KPIs were built on. Starting twice (a double click)
    returns the review already started. Audited as ``review.review.started``; the stage
    move is a ``StageChange`` with a generated reason and a link to the review.
    """
    require_perm(actor, "review.manage")
    require_perm(actor, "commissioning.change_project", project)
    with transaction.atomic():
        locked = CommissioningProject.objects.select_for_update().get(pk=project.pk)
        existing = Review.objects.filter(project=locked, cycle=locked.cycle).first()
        if existing is not None:
            return existing
        if locked.stage != Stage.DELIVER:
            raise ServiceError(
                "not_in_deliver",
                "A review can only start when the service is being delivered (the project is "
                f"at the {locked.get_stage_display().lower()} stage, not deliver).",
            )
        now = timezone.now()
        number = counter_next(name=f"review.review.{now.year}")
        review = Review.objects.create(
            reference=f"RV-{now.year}-{number:04d}",
            project=locked,
            cycle=locked.cycle,
            started_by=actor,
            started_at=now,
        )
        review.findings.set(findings_behind_contracts(locked, locked.cycle))
        audit_record(
            actor=actor,
            verb="review.review.started",
            target=review,
            changes={"project": locked.reference, "cycle": locked.cycle},
        )
        project_change_stage(
            actor=actor,
            project=locked,
            to_stage=Stage.REVIEW,
            reason=(
                f"Review {review.reference} of cycle {locked.cycle} was started on "
                f"{uk_date(timezone.localdate(now))} by {actor.full_name}."
            ),
            # The report is a draft until published: link to the public project page's
            # review section, which says a review is under way.
            link=reverse("commissioning:detail", args=[locked.reference]) + "#review",
        )
    return review


def review_update(*, actor, review: Review, conclusions: str, equality_notes: str) -> Review:
    """Save the officer's conclusions and the equality impact revisited (draft only)."""
    require_perm(actor, "review.manage")
    conclusions = clean_text(
        conclusions, field="conclusions", limit=TEXT_MAX, label="the conclusions", required=False
    )
    equality_notes = clean_text(
        equality_notes,
        field="equality_notes",
        limit=TEXT_MAX,
        label="the notes on equality",
        required=False,
    )
    with transaction.atomic():
        locked = Review.objects.select_for_update().get(pk=review.pk)
        if locked.status != ReviewStatus.DRAFT:
            raise ServiceError(
                "already_published", "A published review cannot be changed.", field="conclusions"
            )
        changes = {}
        for name, value in (("conclusions", conclusions), ("equality_notes", equality_notes)):
            if getattr(locked, name) != value:
                changes[name] = [getattr(locked, name), value]
                setattr(locked, name, value)
        if changes:
            locked.save()
            audit_record(actor=actor, verb="review.review.updated", target=locked, changes=changes)
    return locked


def review_publish(*, actor, review: Review) -> Review:
    """Publish the review report. Needs conclusions and the equality impact revisited.

    Publishing twice does nothing the second time.
    """
    require_perm(actor, "review.manage")
    with transaction.atomic():
        locked = Review.objects.select_for_update().get(pk=review.pk)
        if locked.status == ReviewStatus.PUBLISHED:
            return locked
        if not locked.conclusions.strip():
            raise ServiceError(
                "conclusions_required",
                "Write the conclusions of the review before publishing it.",
                field="conclusions",
            )
        if not locked.equality_notes.strip():
            raise ServiceError(
                "equality_notes_required",
                "Say what changed for equality since the equality impact assessment before "
                "publishing the review.",
                field="equality_notes",
            )
        locked.snapshot = report_figures(locked)
        locked.status = ReviewStatus.PUBLISHED
        locked.published_at = timezone.now()
        locked.published_by = actor
        locked.save()
        audit_record(
            actor=actor,
            verb="review.review.published",
            target=locked,
            changes={"status": [ReviewStatus.DRAFT, ReviewStatus.PUBLISHED]},
        )
    return locked


# --- the decision ----------------------------------------------------------------------------


def review_decide(
    *, actor, review: Review, outcome: str, reasons: str, changes: str = ""
) -> ReviewDecision:
    """Decide what happens after a published review; the reasons are published with it.

    * recommission (as it is, or with changes, which must be stated): the project starts
      its next cycle at understand, with a generated reason linking to the review;
    * decommission: needs the project's equality impact assessment (in the equality
      pages); opens a ``Decommissioning`` to plan the notice and the transition. The project
      stays at review until the service has ended and everyone has moved on.

    A repeat of the same decision returns it; a different second decision is refused.
    """
    require_perm(actor, "review.manage")
    require_perm(actor, "commissioning.change_project", review.project)
    if outcome not in Outcome.values:
        raise ServiceError("invalid_choice", "Choose what the council decided.", field="outcome")
    reasons = clean_text(
        reasons,
        field="reasons",
        limit=TEXT_MAX,
        label="the reasons",
        code="reasons_required",
        missing="Give the reasons for the decision: they are published with it.",
    )
    changes = clean_text(
        changes,
        field="changes",
        limit=TEXT_MAX,
        label="what will change",
        required=outcome == Outcome.RECOMMISSION_CHANGED,
        code="changes_required",
        missing="Say what will change when the service is commissioned again.",
    )
    if outcome != Outcome.RECOMMISSION_CHANGED:
        changes = ""
    with transaction.atomic():
        project = CommissioningProject.objects.select_for_update().get(pk=review.project_id)
        locked = Review.objects.select_for_update().get(pk=review.pk)
        existing = ReviewDecision.objects.filter(review=locked).first()
        if existing is not None:
            if existing.outcome == outcome:
                return existing
            raise ServiceError(
                "already_decided",
                f"The council has already decided: {existing.get_outcome_display().lower()}.",
                field="outcome",
            )
        if locked.status != ReviewStatus.PUBLISHED:
            raise ServiceError(
                "review_not_published",
                "Publish the review report before deciding: the decision rests on it.",
                field="outcome",
            )
        if project.stage != Stage.REVIEW or project.cycle != locked.cycle:
            raise ServiceError(
                "not_in_review",
                "A decision can only be made while the project is at the review stage of "
                "this cycle.",
                field="outcome",
            )
        assessment = None
        if outcome == Outcome.DECOMMISSION:
            assessment = EqualityImpactAssessment.objects.filter(project=project).first()
            if assessment is None:
                raise ServiceError(
                    "assessment_required",
                    "Decommissioning needs an equality impact assessment of the project. "
                    "Start it on the equality impact pages first.",
                    field="outcome",
                )
        decision = ReviewDecision.objects.create(
            review=locked,
            outcome=outcome,
            reasons=reasons,
            changes=changes,
            decided_by=actor,
            decided_at=timezone.now(),
        )
        audit_record(
            actor=actor,
            verb="review.decision.made",
            target=decision,
            changes={"review": locked.reference, "outcome": outcome},
            reason=reasons,
        )
        report_url = reverse("review:report", args=[locked.reference])
        if decision.recommissions:
            how = "as it is" if outcome == Outcome.RECOMMISSION else "with changes"
            project_change_stage(
                actor=actor,
                project=project,
                to_stage=Stage.UNDERSTAND,
                reason=(
                    f"After review {locked.reference}, the council decided to commission the "
                    f"service again {how}. Cycle {project.cycle + 1} starts by understanding "
                    f"what people need, with what we learned last time. Reasons: {reasons}"
                ),
                link=report_url,
            )
        else:
            _decommissioning_open(actor=actor, decision=decision, assessment=assessment)
    return decision


def _decommissioning_open(
    *, actor, decision: ReviewDecision, assessment: EqualityImpactAssessment
) -> Decommissioning:
    project = decision.review.project
    contracts = live_contracts(project)
    year = timezone.localdate().year
    number = counter_next(name=f"review.decommissioning.{year}")
    d = Decommissioning.objects.create(
        reference=f"D-{year}-{number:04d}",
        decision=decision,
        project=project,
        contract=contracts[0] if len(contracts) == 1 else None,
        assessment=assessment,
        contact_name=project.owner.full_name,
    )
    audit_record(
        actor=actor,
        verb="review.decommissioning.opened",
        target=d,
        changes={
            "project": project.reference,
            "contract": d.contract.reference if d.contract else None,
        },
    )
    return d


# --- decommissioning: the notice ---------------------------------------------------------------


@dataclass
class NoticeData:
    """What the notice form sends."""

    contract_id: int | None
    notice_months: int
    service_ends_on: dt.date | None
    message_to_users: str
    easy_read_message: str
    contact_name: str
    contact_details: str
    equality_summary: str


def notice_problems(d: Decommissioning) -> list[str]:
    """What still stops notice being given (shown on the page before the form)."""
    out = []
    if d.assessment.status != AssessmentStatus.PUBLISHED:
        out.append(
            "Publish the equality impact assessment: people must be able to read it when "
            "they are told the service is ending."
        )
    if not d.groups.exists():
        out.append("Add at least one group of people to the transition plan.")
    if not d.project.is_published:
        out.append("Publish the project: the notice and its reasons are public.")
    return out


def decommissioning_give_notice(
    *, actor, decommissioning: Decommissioning, data: NoticeData
) -> Decommissioning:
    """Give notice that the service will end: to the provider and to the people using it.

    Rules (each refused with a message naming it, nothing saved):

    * the notice is at least ``MINIMUM_NOTICE_MONTHS`` (3 months unless the council sets
      another minimum) and at most 36 months;
    * nothing ends before the notice period: the last day of the service is on or after
      the day the notice ends (by default, that day);
    * the equality impact assessment is published and the transition plan has a group;
    * no group of the transition plan is due to move after the service's last day.

    The contract's end date becomes the service's last day and its status "ending". The
    letters (plain and easy read) are then public pages. Giving notice twice returns the
    first notice.
    """
    require_perm(actor, "review.manage")
    months = data.notice_months
    if not isinstance(months, int) or isinstance(months, bool):
        raise ServiceError(
            "invalid_number",
            "Enter the notice period as a whole number of months.",
            field="notice_months",
        )
    if months < MINIMUM_NOTICE_MONTHS:
        raise ServiceError(
            "notice_too_short",
            f"The notice must be at least {MINIMUM_NOTICE_MONTHS} months (the minimum notice "
            f"for ending a service, so people have time to move). {months} "
            f"month{'s' if months != 1 else ''} is too short.",
            field="notice_months",
        )
    if months > MAXIMUM_NOTICE_MONTHS:
        raise ServiceError(
            "notice_too_long",
            f"The notice must be {MAXIMUM_NOTICE_MONTHS} months or fewer.",
            field="notice_months",
        )
    message = clean_text(
        data.message_to_users,
        field="message_to_users",
        limit=TEXT_MAX,
        label="what the letter tells the people using the service",
        missing="Write what the letter tells the people using the service.",
    )
    easy = clean_text(
        data.easy_read_message,
        field="easy_read_message",
        limit=2000,
        label="the easy read message",
        required=False,
    )
    contact_name = clean_text(
        data.contact_name,
        field="contact_name",
        limit=200,
        label="the name of the person to contact",
    )
    contact_details = clean_text(
        data.contact_details,
        field="contact_details",
        limit=SHORT_MAX,
        label="how to contact them (a phone number or email address)",
    )
    summary = clean_text(
        data.equality_summary,
        field="equality_summary",
        limit=TEXT_MAX,
        label="what the equality impact assessment found about ending the service",
    )
    today = _today()
    notice_end = notice.notice_ends_on(today, months)
    service_end = data.service_ends_on or notice_end
    if notice.ends_too_early(given_on=today, months=months, service_ends_on=service_end):
        raise ServiceError(
            "ends_before_notice",
            f"Nothing may end before the notice period: with {months} months' notice given "
            f"today, the service can end on {uk_date(notice_end)} at the earliest.",
            field="service_ends_on",
        )
    with transaction.atomic():
        locked = (
            Decommissioning.objects.select_for_update(of=("self",))
            .select_related("assessment", "project")
            .get(pk=decommissioning.pk)
        )
        if locked.status != DecommissioningStatus.PLANNING:
            return locked
        contracts = {c.pk: c for c in live_contracts(locked.project)}
        if data.contract_id not in contracts:
            raise ServiceError(
                "invalid_contract",
                "Choose the contract that is ending from the list.",
                field="contract",
            )
        problems = notice_problems(locked)
        if problems:
            raise ServiceError("not_ready", " ".join(problems))
        contract = Contract.objects.select_for_update().get(pk=data.contract_id)
        if service_end < contract.starts_on:
            raise ServiceError(
                "ends_before_start",
                "The service cannot end before its contract started.",
                field="service_ends_on",
            )
        late = locked.groups.filter(by_when__gt=service_end).order_by("position").first()
        if late is not None:
            raise ServiceError(
                "after_service_ends",
                f"The transition plan says “{late.who}” will move by {uk_date(late.by_when)}, "
                f"after the service's last day ({uk_date(service_end)}): people must have "
                "somewhere to go before the service ends. Choose a later last day, or an "
                "earlier date for that group.",
                field="service_ends_on",
            )
        old_end, old_status = contract.ends_on, contract.status
        contract.ends_on = service_end
        contract.status = ContractStatus.ENDING
        contract.save(update_fields=["ends_on", "status", "updated_at"])
        audit_record(
            actor=actor,
            verb="contracts.contract.ending",
            target=contract,
            changes={
                "ends_on": [old_end, service_end],
                "status": [old_status, ContractStatus.ENDING],
            },
            reason=f"Notice given under decommissioning {locked.reference}.",
        )
        locked.contract = contract
        locked.notice_months = months
        locked.notice_given_on = today
        locked.notice_ends_on = notice_end
        locked.service_ends_on = service_end
        locked.message_to_users = message
        locked.easy_read_message = easy
        locked.contact_name = contact_name
        locked.contact_details = contact_details
        locked.equality_summary = summary
        locked.notice_given_by = actor
        locked.status = DecommissioningStatus.NOTICE
        locked.save()
        audit_record(
            actor=actor,
            verb="review.decommissioning.notice_given",
            target=locked,
            changes={
                "contract": contract.reference,
                "notice_months": months,
                "notice_ends_on": notice_end,
                "service_ends_on": service_end,
            },
        )
    return locked


# --- decommissioning: the transition plan --------------------------------------------------------


@dataclass
class GroupData:
    who: str
    people_count: int | None
    destination: str
    by_when: dt.date
    responsible: str


def _check_open(d: Decommissioning) -> None:
    if d.status == DecommissioningStatus.CLOSED:
        raise ServiceError("closed", "This decommissioning is closed: the plan cannot change.")


def planned_last_day(d: Decommissioning) -> dt.date | None:
    """The service's last day: set when notice is given; before that, the end date of the
    contract that is ending (when the decommissioning is of one contract), or None."""
    if d.service_ends_on is not None:
        return d.service_ends_on
    if d.contract is not None:
        return d.contract.ends_on
    return None


@submitted_once("review.transition_group", within="decommissioning")
def transition_group_add(
    *, actor, decommissioning: Decommissioning, data: GroupData
) -> TransitionGroup:
    """Add a group of people to the transition plan: who, where they will go, by when,
    who is responsible. "By when" may not be after the service's last day (before notice:
    the planned last day, the ending contract's end date, if known)."""
    require_perm(actor, "review.manage")
    who = clean_text(data.who, field="who", limit=SHORT_MAX, label="who the group is")
    destination = clean_text(
        data.destination, field="destination", limit=TEXT_MAX, label="where they will go"
    )
    responsible = clean_text(
        data.responsible, field="responsible", limit=200, label="who is responsible"
    )
    if data.people_count is not None and not (0 <= data.people_count <= 10_000_000):
        raise ServiceError(
            "out_of_range", "Enter a number of people from 0 upwards.", field="people_count"
        )
    with transaction.atomic():
        locked = (
            Decommissioning.objects.select_for_update(of=("self",))
            .select_related("contract")
            .get(pk=decommissioning.pk)
        )
        _check_open(locked)
        last_day = planned_last_day(locked)
        if last_day is not None and data.by_when > last_day:
            when = "ends" if locked.service_ends_on else "is planned to end"
            raise ServiceError(
                "after_service_ends",
                f"People must have somewhere to go before the service {when} on "
                f"{uk_date(last_day)}: choose that day or earlier.",
                field="by_when",
            )
        position = (
            locked.groups.order_by("-position").values_list("position", flat=True).first() or 0
        ) + 1
        group = TransitionGroup.objects.create(
            decommissioning=locked,
            position=position,
            who=who,
            people_count=data.people_count,
            destination=destination,
            by_when=data.by_when,
            responsible=responsible,
        )
        audit_record(
            actor=actor,
            verb="review.transition_group.added",
            target=group,
            changes={"who": who, "by_when": data.by_when, "responsible": responsible},
        )
    return group


@submitted_once("review.transition_action", within="group")
def transition_action_add(
    *, actor, group: TransitionGroup, text: str, owner: str, due_on: dt.date
) -> TransitionAction:
    """Add a tracked action to a group's move (not started)."""
    require_perm(actor, "review.manage")
    text = clean_text(text, field="text", limit=TEXT_MAX, label="what needs doing")
    owner = clean_text(owner, field="owner", limit=200, label="who will do it")
    with transaction.atomic():
        d = Decommissioning.objects.select_for_update().get(pk=group.decommissioning_id)
        _check_open(d)
        action = TransitionAction.objects.create(
            group=group, text=text, owner=owner, due_on=due_on, updated_by=actor
        )
        audit_record(
            actor=actor,
            verb="review.transition_action.added",
            target=action,
            changes={"text": text, "owner": owner, "due_on": due_on},
        )
    return action


def transition_action_update(
    *,
    actor,
    action: TransitionAction,
    status: str,
    done_on: dt.date | None = None,
    explanation: str = "",
) -> TransitionAction:
    """Track an action: not started, in progress, done (on a day not in the future), or not
    done with an explanation. When the service has ended and every action is finished, the
    project becomes decommissioned."""
    require_perm(actor, "review.manage")
    if status not in ActionStatus.values:
        raise ServiceError("invalid_choice", "Choose where the action is.", field="status")
    explanation = clean_text(
        explanation,
        field="explanation",
        limit=TEXT_MAX,
        label="why it was not done",
        required=status == ActionStatus.EXPLAINED,
        code="explanation_required",
        missing="Explain why the action was not done (for example, the person chose another service).",
    )
    today = _today()
    if status == ActionStatus.DONE:
        done_on = done_on or today
        if done_on > today:
            raise ServiceError(
                "done_in_future", "The day it was done cannot be in the future.", field="done_on"
            )
    else:
        done_on = None
    with transaction.atomic():
        d = Decommissioning.objects.select_for_update().get(pk=action.group.decommissioning_id)
        _check_open(d)
        locked = TransitionAction.objects.select_for_update().get(pk=action.pk)
        old = locked.status
        locked.status = status
        locked.done_on = done_on
        locked.explanation = explanation if status == ActionStatus.EXPLAINED else ""
        locked.updated_by = actor
        locked.save()
        audit_record(
            actor=actor,
            verb="review.transition_action.updated",
            target=locked,
            changes={"status": [old, status], "done_on": done_on},
            reason=locked.explanation,
        )
        _close_if_complete(d, actor=actor)
    return locked


# --- decommissioning: the end ----------------------------------------------------------------------


def _close_if_complete(d: Decommissioning, *, actor=None) -> bool:
    """Ended, and every action done or explained: the project becomes decommissioned."""
    if d.status != DecommissioningStatus.ENDED or not plan_progress(d).complete:
        return False
    decider = (
        actor
        if actor is not None and actor.has_perm("commissioning.change_project", d.project)
        else d.decision.decided_by
    )
    d.status = DecommissioningStatus.CLOSED
    d.closed_at = timezone.now()
    d.save(update_fields=["status", "closed_at", "updated_at"])
    audit_record(
        actor=decider,
        verb="review.decommissioning.closed",
        target=d,
        changes={"status": [DecommissioningStatus.ENDED, DecommissioningStatus.CLOSED]},
    )
    project_change_stage(
        actor=decider,
        project=d.project,
        to_stage=Stage.DECOMMISSIONED,
        reason=(
            f"The service ended on {uk_date(d.service_ends_on)} after {d.notice_months} months' "
            f"notice ({d.reference}), and every step of the transition plan is done or "
            f"explained. Reasons for ending it: {d.decision.reasons}"
        ),
        link=reverse("review:decommissioning", args=[d.reference]),
    )
    return True


def decommissioning_end_due(*, today: dt.date | None = None) -> list[Decommissioning]:
    """End the services whose last day has passed (run daily: ``end_services``).

    For each notice whose ``service_ends_on`` is before ``today``: the contract becomes
    "ended", the decommissioning "ended", and when every transition action is finished the
    project becomes decommissioned. Safe to run again: each is changed once. Returns those
    ended.
    """
    today = today or _today()
    ended = []
    for due in list(decommissionings_due(today)):
        with transaction.atomic():
            d = (
                Decommissioning.objects.select_for_update(of=("self",))
                .select_related("project", "decision")
                .get(pk=due.pk)
            )
            if d.status != DecommissioningStatus.NOTICE or not d.service_ends_on < today:
                continue
            contract = Contract.objects.select_for_update().get(pk=d.contract_id)
            old = contract.status
            contract.status = old if old == ContractStatus.TERMINATED else ContractStatus.ENDED
            contract.save(update_fields=["status", "updated_at"])
            audit_record(
                actor=None,
                verb="contracts.contract.ended",
                target=contract,
                changes={"status": [old, ContractStatus.ENDED]},
                reason=f"The notice under decommissioning {d.reference} ran its course.",
            )
            d.status = DecommissioningStatus.ENDED
            d.ended_at = timezone.now()
            d.save(update_fields=["status", "ended_at", "updated_at"])
            audit_record(
                actor=None,
                verb="review.decommissioning.ended",
                target=d,
                changes={"status": [DecommissioningStatus.NOTICE, DecommissioningStatus.ENDED]},
            )
            _close_if_complete(d)
            ended.append(d)
    for d in list(decommissionings_to_close()):
        if d not in ended:
            with transaction.atomic():
                locked = (
                    Decommissioning.objects.select_for_update(of=("self",))
                    .select_related("project", "decision")
                    .get(pk=d.pk)
                )
                _close_if_complete(locked)
    return ended
