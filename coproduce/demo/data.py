"""The fictional Riverside Borough Council: people, organisations and projects.

Everything is created through the same services the pages use, so the demo also fills
the audit trail. Loading is idempotent: objects are found by stable keys (email, slug,
title) and only missing ones are created.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from coproduce.demo import bids as bids_demo
from coproduce.demo import budgeting as budgeting_demo
from coproduce.demo import (
    deliver_contracts,
    deliver_feedback,
    deliver_monitoring,
    deliver_review,
    deliver_social_value,
    engagement_consultation,
    engagement_findings,
    peer_support_consultation,
)
from coproduce.demo import equality as equality_demo
from coproduce.demo import ideas as ideas_demo
from coproduce.demo import procurement as procurement_demo
from coproduce.demo.constants import DEMO_PASSWORD
from coproduce.foundation.accounts.models import Organisation, Role, User
from coproduce.foundation.accounts.services import OrganisationData, organisation_create
from coproduce.foundation.commissioning.models import CommissioningProject
from coproduce.foundation.commissioning.services import (
    ProjectData,
    project_change_stage,
    project_create,
    project_publish,
)
from coproduce.foundation.core.models import ServiceArea

USERS = [
    (
        "commissioner@riverside.example",
        "Priya Shah",
        Role.COMMISSIONER,
        "Commissioning Manager, Adult Services",
    ),
    (
        "commissioner2@riverside.example",
        "Tom Okafor",
        Role.COMMISSIONER,
        "Senior Commissioning Officer",
    ),
    ("finance@riverside.example", "Gareth Lewis", Role.FINANCE, "Finance Business Partner"),
    ("admin@riverside.example", "Jo Benson", Role.ADMIN, "Digital Services Lead"),
    ("provider@riverside.example", "Amira Hussain", Role.PROVIDER, ""),
    ("provider2@riverside.example", "Dan Whitfield", Role.PROVIDER, ""),
    ("resident@riverside.example", "Sam Taylor", Role.RESIDENT, ""),
]

ORGANISATIONS = [
    (
        "provider@riverside.example",
        OrganisationData(
            name="Riverside Disabled People’s Forum",
            legal_form="cio",
            size_band="small",
            description="A user-led organisation run by and for disabled people in Riverside since 1994. "
            "We run peer support, advocacy and an easy-read information service.",
            website="https://rdpf.example",
            email="hello@rdpf.example",
            postcode="RV1 3DP",
            is_vcse=True,
            is_user_led=True,
            user_led_description="Run by and for disabled people",
            service_area_ids=[],
            identifiers={"GB-CHC": "1187654"},
        ),
        ["adult-social-care", "learning-disability", "mental-health"],
    ),
    (
        "provider@riverside.example",
        OrganisationData(
            name="Brightpath Community Interest Company",
            legal_form="cic",
            size_band="micro",
            description="Supported employment, job coaching and volunteering for adults with learning disabilities.",
            postcode="RV3 7QT",
            is_vcse=True,
            identifiers={"GB-COH": "11223344"},
        ),
        ["employment-skills", "learning-disability"],
    ),
    (
        "provider2@riverside.example",
        OrganisationData(
            name="Workable Supported Enterprises",
            legal_form="clg",
            size_band="small",
            description="A supported business running a print shop, café and grounds maintenance team.",
            postcode="RV2 1AA",
            is_vcse=True,
            is_supported_business=True,
            workforce_disadvantaged_percent=42,
            identifiers={"GB-COH": "09876543", "GB-CHC": "1099887"},
        ),
        ["employment-skills", "environment-parks"],
    ),
    (
        "provider2@riverside.example",
        OrganisationData(
            name="Meadowvale Care Group",
            legal_form="cls",
            size_band="large",
            description="A national provider of residential, home care and day services.",
            website="https://meadowvale.example",
            postcode="LS1 4AP",
            identifiers={"GB-COH": "04455667"},
        ),
        ["adult-social-care", "older-people", "learning-disability"],
    ),
    (
        "resident@riverside.example",
        OrganisationData(
            name="Riverside Carers Network",
            legal_form="unincorporated",
            size_band="micro",
            description="A volunteer-run network of unpaid carers meeting weekly at the Eastgate library.",
            postcode="RV5 2LB",
            is_vcse=True,
            is_user_led=True,
            user_led_description="Run by and for unpaid carers",
        ),
        ["adult-social-care", "older-people"],
    ),
]

# (title, area slug, summary, budget £, start, end, owner email, published, [(stage, reason)…])
PROJECTS = [
    (
        "Day opportunities for adults with learning disabilities",
        "learning-disability",
        "Day services help adults with learning disabilities to learn, work, make friends and take part "
        "in community life. The current contracts end in March 2027. We want the new service to be "
        "designed with the people who use it and their families.",
        2_400_000,
        dt.date(2027, 4, 1),
        dt.date(2032, 3, 31),
        "commissioner@riverside.example",
        True,
        [
            (
                "plan",
                "The first listening survey closed with 312 responses and a kick-off workshop produced 96 ideas. "
                "People told us they want more choice of activities in the evening and at weekends, and help "
                "to find paid work. We have enough to write the specification.",
            ),
        ],
    ),
    (
        "Carers’ breaks and support",
        "adult-social-care",
        "Short breaks, advice and peer support for unpaid carers, so that they can look after their own "
        "health and keep caring if they want to.",
        850_000,
        dt.date(2027, 10, 1),
        dt.date(2030, 9, 30),
        "commissioner2@riverside.example",
        True,
        [],
    ),
    (
        "Community mental health peer support",
        "mental-health",
        "Peer support groups and one-to-one support from people with lived experience of mental ill health, "
        "in community venues across the borough.",
        600_000,
        dt.date(2027, 6, 1),
        dt.date(2030, 5, 31),
        "commissioner@riverside.example",
        True,
        [
            (
                "plan",
                "Findings from 14 listening events show people want support outside clinical settings, "
                "led by people with lived experience.",
            ),
            (
                "procure",
                "The specification was agreed with the service user reference group. A three-year "
                "contract with an option to extend, open to small and user-led organisations.",
            ),
        ],
    ),
    (
        "Supported employment for disabled people",
        "employment-skills",
        "Job coaching and in-work support that helps disabled people find and keep paid jobs.",
        1_200_000,
        dt.date(2025, 4, 1),
        dt.date(2030, 3, 31),
        "commissioner2@riverside.example",
        True,
        [
            ("plan", "Evidence from the employment needs assessment and 120 survey responses."),
            (
                "procure",
                "Reserved for supported businesses for the job-coaching lot; social value weighted at 15%.",
            ),
            (
                "deliver",
                "Contract awarded to a consortium led by Workable Supported Enterprises after evaluation "
                "by a panel that included two people who use the service.",
            ),
        ],
    ),
    (
        "Home library service",
        "leisure-culture",
        "Volunteers delivering library books to people who cannot get to a library.",
        90_000,
        dt.date(2022, 4, 1),
        dt.date(2026, 3, 31),
        "commissioner2@riverside.example",
        True,
        [
            ("plan", "Needs assessment complete."),
            ("procure", "Small grant-style contract, open to local groups."),
            ("deliver", "Awarded to Riverside Carers Network."),
            ("review", "The contract ends in March 2026; reviewing use and feedback."),
            (
                "decommission",
                "Use fell to 11 people, all of whom now get books through the new mobile library "
                "route, which visits their streets every fortnight. Each person was contacted and helped to "
                "move across before the service ended, and the volunteers joined the mobile library team.",
            ),
        ],
    ),
    (
        "Young carers’ activities",
        "children-families",
        "Activities, trips and a weekly club for young carers aged 8 to 18.",
        300_000,
        dt.date(2024, 9, 1),
        dt.date(2027, 8, 31),
        "commissioner@riverside.example",
        True,
        [
            ("plan", "Young carers designed the questions for the needs survey."),
            ("procure", "Open procedure with a young carers' panel scoring the quality questions."),
            ("deliver", "Contract awarded."),
            ("review", "Annual review with young carers."),
            (
                "recommission",
                "Young carers asked for more support at school, which the current contract does not "
                "cover. We are starting a new cycle to hear from schools and families before the contract ends.",
            ),
        ],
    ),
    (
        "Floating housing support",
        "housing-homelessness",
        "Visiting support to help people keep their tenancy.",
        1_500_000,
        dt.date(2028, 4, 1),
        dt.date(2033, 3, 31),
        "commissioner2@riverside.example",
        False,
        [],
    ),
]

STAGE_ALIASES = {"decommission": "decommissioned", "recommission": "understand"}


def _user(email: str, full_name: str, role: str, job_title: str) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(
            email=email,
            password=DEMO_PASSWORD,
            full_name=full_name,
            role=role,
            job_title=job_title,
            is_staff=role == Role.ADMIN,
            is_superuser=role == Role.ADMIN,
        )
    return user


def load(stdout=None) -> dict[str, int]:
    """Create whatever part of the demo council is missing. Returns counts created."""
    created = {"users": 0, "organisations": 0, "projects": 0}
    with transaction.atomic():
        users = {}
        for email, name, role, title in USERS:
            existed = User.objects.filter(email=email).exists()
            users[email] = _user(email, name, role, title)
            created["users"] += 0 if existed else 1
        areas = {a.slug: a for a in ServiceArea.objects.all()}
        for email, data, area_slugs in ORGANISATIONS:
            if Organisation.objects.filter(name=data.name).exists():
                continue
            data.service_area_ids = [areas[s].pk for s in area_slugs]
            organisation_create(actor=users[email], data=data)
            created["organisations"] += 1
        for title, area, summary, pounds, start, end, owner, published, moves in PROJECTS:
            if CommissioningProject.objects.filter(title=title).exists():
                continue
            project = project_create(
                actor=users[owner],
                data=ProjectData(
                    title=title,
                    service_area_id=areas[area].pk,
                    summary=summary,
                    budget_pence=pounds * 100,
                    starts_on=start,
                    ends_on=end,
                    owner_id=users[owner].pk,
                ),
            )
            if published:
                project = project_publish(actor=users[owner], project=project)
            for stage, reason in moves:
                project = project_change_stage(
                    actor=users[owner],
                    project=project,
                    to_stage=STAGE_ALIASES.get(stage, stage),
                    reason=reason,
                )
            created["projects"] += 1
        created.update(engagement_consultation.load(users))
        created.update(budgeting_demo.load(users))
        created.update(ideas_demo.load(users))
        # After engagement_consultation: the findings are built on its responses.
        created.update(engagement_findings.load(users))
        # After the findings, which the demo equality impact assessment cites.
        created.update(equality_demo.load(users))
        created.update(procurement_demo.load(users))  # after findings and equality: it cites them
        # Before bids: the peer support specification cites this consultation's findings.
        created.update(peer_support_consultation.load(users))
        # After the procurement demo: the closed, awarded tender (issue 6) checks its complaint.
        created.update(bids_demo.load(users))
        # Deliver and review (issue 13): the contracts first, then what hangs on them.
        created.update(deliver_contracts.load(users))
        created.update(deliver_monitoring.load(users))
        created.update(deliver_feedback.load(users))
        created.update(deliver_social_value.load(users))
        created.update(deliver_review.load(users))
    return created
