"""Demo data for review (issue 13): a service being decommissioned with care.

The contract let before coproduce (``deliver_contracts.LEGACY_CONTRACT_TITLE``, for the
project "Supported employment for disabled people") is reviewed and decommissioned: the
review report (published), the project's equality impact assessment (published), the
decision with its reasons, a transition plan with two groups of people and actions part
done, and notice given on the day of loading, so the notice period is running (3 months,
the contract ending the day the notice ends).

Everything goes through the services. Idempotent: each step looks for what it would make
(the review of the cycle, the assessment, the decision, the plan's groups and actions, the
notice) and makes only what is missing.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from coproduce.deliver.contracts.models import Contract
from coproduce.deliver.review import services as svc
from coproduce.deliver.review.models import (
    ActionStatus,
    Decommissioning,
    DecommissioningStatus,
    Outcome,
    Review,
    ReviewDecision,
    ReviewStatus,
)
from coproduce.demo.deliver_contracts import LEGACY_CONTRACT_TITLE, LEGACY_PROJECT_TITLE
from coproduce.foundation.accounts.models import User
from coproduce.foundation.commissioning.models import CommissioningProject, Stage
from coproduce.understand.equality.models import AssessmentStatus, EqualityImpactAssessment
from coproduce.understand.equality.services import (
    EntryData,
    assessment_publish,
    assessment_start,
    assessment_update_entry,
)

COMMISSIONER2 = "commissioner2@riverside.example"

CONCLUSIONS = (
    "The contract let in 2024 gave job coaching to disabled people in two offices. Fewer "
    "people used it each year: 61 people in its first year, 23 in the last. Most people "
    "who found work did so through the peer support service that started this year, "
    "which people told us they prefer because their supporter is a disabled person too.\n\n"
    "The contract's own measures were met on paper (sessions delivered), but they counted "
    "activity, not whether people found or kept work. We did not ask people what they "
    "thought of it; that is a lesson for every contract we let."
)
EQUALITY_NOTES = (
    "The service was used mostly by people with learning disabilities aged over 40. The "
    "peer support service reaches younger people well but has fewer older members, so the "
    "transition plan gives older people a named supporter and a visit together before "
    "anything changes. Nobody using the service is left without a named place to go."
)
REASONS = (
    "Use has fallen by more than half in two years and the peer support service now does "
    "the same job better, by people's own account. Keeping both would pay twice for the "
    "same help. The money (£230,000 a year) moves to peer support places and a job-coaching "
    "budget that people can spend with the provider they choose."
)
EQUALITY_SUMMARY = (
    "Ending the service most affects disabled people over 40 with learning disabilities. "
    "Each of them will be offered a peer support place or a personal job-coaching budget, "
    "with easy read information and a visit together before the service ends."
)
MESSAGE = (
    "Nothing changes straight away. Your job coach will keep seeing you until the service "
    "ends. Before then, someone will talk with you about what you want next and help you "
    "move to peer support or to a job coach you choose, paid for by the council."
)
EASY_READ = "Not many people use this service now. A new service helps people find work."

GROUPS = [
    {
        "who": "People looking for work with a job coach now",
        "people_count": 14,
        "destination": "A place with Peer support into work (Riverside Disabled People’s "
        "Forum), or a personal job-coaching budget",
        "days": 70,
        "responsible": "Tom Okafor, Senior Commissioning Officer",
        "actions": [
            ("Talk with each person about what they want next", "Workable job coaches", -20, True),
            ("Visit the peer support group together", "Peer support team", -5, True),
            ("Agree each person's new place or budget in writing", "Tom Okafor", 40, False),
        ],
    },
    {
        "who": "People in work who get in-work support",
        "people_count": 9,
        "destination": "In-work support from Peer support into work, with the same "
        "employer contact kept",
        "days": 85,
        "responsible": "Workable Supported Enterprises, service manager",
        "actions": [
            (
                "Tell employers in writing who their contact will be",
                "Workable service manager",
                -10,
                True,
            ),
            (
                "Hand over support plans, with each person's agreement",
                "Workable service manager",
                60,
                False,
            ),
        ],
    },
]


def _assessment(project: CommissioningProject, actor: User) -> EqualityImpactAssessment:
    eqia = EqualityImpactAssessment.objects.filter(project=project).first()
    if eqia is None:
        eqia = assessment_start(actor=actor, project=project)
        entries = {e.characteristic: e for e in eqia.entries.all()}
        assessment_update_entry(
            actor=actor,
            entry=entries["disability"],
            data=EntryData(
                impact="negative",
                evidence="Everyone using the service is disabled; changing support is "
                "unsettling, and some people rely on their job coach.",
                mitigation="A named supporter for each person, easy read letters, a visit "
                "together to the new service and three months' notice at least.",
                owner="Senior Commissioning Officer",
                review_on=timezone.localdate() + dt.timedelta(days=120),
            ),
        )
        assessment_update_entry(
            actor=actor,
            entry=entries["age"],
            data=EntryData(
                impact="negative",
                evidence="Most people using the service are over 40; the peer support "
                "service has fewer older members.",
                mitigation="Older people are offered a peer supporter of a similar age.",
                owner="Senior Commissioning Officer",
                review_on=timezone.localdate() + dt.timedelta(days=120),
            ),
        )
    if eqia.status != AssessmentStatus.PUBLISHED:
        eqia = assessment_publish(actor=actor, assessment=eqia)
    return eqia


def _review(project: CommissioningProject, actor: User) -> Review | None:
    review = Review.objects.filter(project=project).order_by("-cycle").first()
    if review is None:
        if project.stage != Stage.DELIVER:
            return None
        review = svc.review_start(actor=actor, project=project)
    if review.status == ReviewStatus.DRAFT:
        review = svc.review_update(
            actor=actor, review=review, conclusions=CONCLUSIONS, equality_notes=EQUALITY_NOTES
        )
        review = svc.review_publish(actor=actor, review=review)
    return review


def _plan(d: Decommissioning, actor: User) -> None:
    if d.groups.exists():
        return
    today = timezone.localdate()
    for spec in GROUPS:
        group = svc.transition_group_add(
            actor=actor,
            decommissioning=d,
            data=svc.GroupData(
                who=spec["who"],
                people_count=spec["people_count"],
                destination=spec["destination"],
                by_when=today + dt.timedelta(days=spec["days"]),
                responsible=spec["responsible"],
            ),
        )
        for text, owner, due_in, done in spec["actions"]:
            action = svc.transition_action_add(
                actor=actor,
                group=group,
                text=text,
                owner=owner,
                due_on=today + dt.timedelta(days=due_in),
            )
            if done:
                svc.transition_action_update(
                    actor=actor,
                    action=action,
                    status=ActionStatus.DONE,
                    done_on=today + dt.timedelta(days=min(due_in, 0)),
                )
            elif due_in > 50:
                svc.transition_action_update(
                    actor=actor, action=action, status=ActionStatus.IN_PROGRESS
                )


def load(users) -> dict[str, int]:
    """Create whatever part of the decommissioning demo is missing. Returns counts created."""
    created = {"reviews": 0, "decommissionings": 0}
    actor = users.get(COMMISSIONER2) or User.objects.filter(email=COMMISSIONER2).first()
    project = CommissioningProject.objects.filter(title=LEGACY_PROJECT_TITLE).first()
    if actor is None or project is None:
        return created
    contract = Contract.objects.filter(project=project, title=LEGACY_CONTRACT_TITLE).first()
    if contract is None:
        return created
    had_review = Review.objects.filter(project=project).exists()
    review = _review(project, actor)
    if review is None:
        return created
    created["reviews"] += 0 if had_review else 1
    _assessment(project, actor)
    decision = ReviewDecision.objects.filter(review=review).first()
    if decision is None:
        decision = svc.review_decide(
            actor=actor, review=review, outcome=Outcome.DECOMMISSION, reasons=REASONS
        )
        created["decommissionings"] += 1
    d = Decommissioning.objects.filter(decision=decision).first()
    if d is None:
        return created
    _plan(d, actor)
    if d.status == DecommissioningStatus.PLANNING:
        svc.decommissioning_give_notice(
            actor=actor,
            decommissioning=d,
            data=svc.NoticeData(
                contract_id=contract.pk,
                notice_months=svc.DEFAULT_NOTICE_MONTHS,
                service_ends_on=None,
                message_to_users=MESSAGE,
                easy_read_message=EASY_READ,
                contact_name=actor.full_name,
                contact_details="01632 960 123, commissioning@riverside.example",
                equality_summary=EQUALITY_SUMMARY,
            ),
        )
    return created
