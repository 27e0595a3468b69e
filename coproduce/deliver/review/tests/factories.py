"""Builders for review tests: a project in deliver with a contract, made through the services."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from coproduce.deliver.contracts.models import Contract
from coproduce.deliver.contracts.services import (
    ExistingContractData,
    KPIData,
    contract_record_existing,
)
from coproduce.foundation.commissioning.models import CommissioningProject, Stage
from coproduce.foundation.commissioning.services import project_change_stage
from coproduce.foundation.commissioning.tests.factories import make_project
from coproduce.understand.equality.models import EqualityImpactAssessment
from coproduce.understand.equality.services import assessment_publish, assessment_start

from .. import services as svc
from ..models import Decommissioning, Review


def project_in_deliver(
    *, actor, organisation, title: str = "Drop-in support"
) -> tuple[CommissioningProject, Contract]:
    """A published project moved by hand to deliver, with a contract let before coproduce."""
    project = make_project(actor=actor, published=True, title=title)
    for stage in (Stage.PLAN, Stage.PROCURE, Stage.DELIVER):
        project = project_change_stage(
            actor=actor, project=project, to_stage=stage, reason=f"Test move to {stage}."
        )
    today = timezone.localdate()
    contract = contract_record_existing(
        actor=actor,
        project=project,
        data=ExistingContractData(
            provider_id=organisation.pk,
            title=f"{title} service",
            value_pence=12_000_000,
            starts_on=today - dt.timedelta(days=400),
            ends_on=today + dt.timedelta(days=400),
            kpis=[
                KPIData(
                    text="People supported each month",
                    target="40",
                    unit="people",
                    frequency="monthly",
                )
            ],
        ),
    )
    return project, contract


def published_review(*, actor, project) -> Review:
    review = svc.review_start(actor=actor, project=project)
    svc.review_update(
        actor=actor,
        review=review,
        conclusions="Fewer people used the drop-in each year; most now use the new hub.",
        equality_notes="Older disabled people relied on it most; the hub is step-free.",
    )
    return svc.review_publish(actor=actor, review=review)


def assessment(*, actor, project, publish: bool = True) -> EqualityImpactAssessment:
    eqia = assessment_start(actor=actor, project=project)
    if publish:
        eqia = assessment_publish(actor=actor, assessment=eqia)
    return eqia


def decommissioning(*, actor, organisation, with_group: bool = True) -> Decommissioning:
    """A project decided for decommissioning (planning: notice not yet given)."""
    project, _ = project_in_deliver(actor=actor, organisation=organisation)
    assessment(actor=actor, project=project)
    review = published_review(actor=actor, project=project)
    decision = svc.review_decide(
        actor=actor, review=review, outcome="decommission", reasons="Few people use it now."
    )
    d = decision.decommissioning
    if with_group:
        svc.transition_group_add(
            actor=actor,
            decommissioning=d,
            data=svc.GroupData(
                who="People who come on Tuesdays",
                people_count=12,
                destination="The Riverside hub on Mill Street",
                by_when=timezone.localdate() + dt.timedelta(days=60),
                responsible="Priya Shah, commissioning manager",
            ),
        )
    return d


def notice_data(d: Decommissioning, **overrides) -> svc.NoticeData:
    values = {
        "contract_id": d.contract_id,
        "notice_months": 3,
        "service_ends_on": None,
        "message_to_users": "We will help everyone find the right support.",
        "easy_read_message": "Fewer people came. The council will help you move.",
        "contact_name": "Priya Shah",
        "contact_details": "01234 567890, commissioning@riverside.example",
        "equality_summary": "Older disabled people are most affected; the hub is step-free.",
    }
    values.update(overrides)
    return svc.NoticeData(**values)
