"""Demo bids and evaluation: a Riverside tender that has closed and been awarded (issue 6).

"Peer support into work for disabled adults" is a second Riverside tender, with its own
commissioning project, published specification and locked evaluation model (quality,
social value and price; a panel of a chair, a council officer and two service-user
members). The story, all through the services:

1. the tender is published with a closing date in the future;
2. three organisations bid through the bid services: a consortium led by the user-led
   Riverside Disabled People’s Forum with Speak Up Riverside (which confirms its part
   from its own account), a local charity (Eastgate Community Trust) and a national
   provider (Meadowvale Care Group);
3. the closing date is moved into the past (see ``_close_in_the_past``: a demo is a
   snapshot in time, and nothing can submit a bid *and* be after its closing date);
4. the bids are opened, found compliant, scored by the panel (every score with a
   justification), moderated with reasons, and the award goes to the consortium, whose
   scores are the highest on quality and social value, so it wins honestly despite not
   having the lowest price;
5. the award waits in its standstill period (the tender is in "Employment and skills",
   which is not a light-touch service area, so an 8-working-day standstill applies);
   assessment summary letters exist for every bidder, each with an easy read version
   (``/awards/letters/<id>/easy-read/``, linked from the letter and from
   ``/awards/letters/``).

The demo's one complaint is about another tender (the procurement demo raises it about
"Community transport across the borough"), so this award stays in standstill rather than
paused; if that complaint is missing, one is raised about the flagship tender instead.

Idempotent: the project, specification and model are found by title, organisations by
name, users by email, the tender by project and title; once the award is decided, loading
again adds nothing. Dates are relative to the day of loading.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from coproduce.demo.constants import DEMO_PASSWORD
from coproduce.demo.procurement import (
    _at,
    _model,
    _published_spec,
    _stage_to_plan,
    _working_day,
)
from coproduce.foundation.accounts.models import Organisation, Role, User
from coproduce.foundation.accounts.services import OrganisationData, organisation_create
from coproduce.foundation.commissioning.models import CommissioningProject, Stage
from coproduce.foundation.commissioning.services import ProjectData, project_create, project_publish
from coproduce.foundation.core.models import ServiceArea
from coproduce.plan.evaluation_models.models import (
    Criterion,
    CriterionKind,
    PanelRole,
    PanelRoleKind,
)
from coproduce.plan.specifications.models import Frequency, RequirementKind
from coproduce.plan.specifications.services import RequirementData, SpecificationData
from coproduce.procure.awards.models import AwardDecision
from coproduce.procure.awards.services import award_decide
from coproduce.procure.bids.models import Bid, BidStatus, BidSubmission, ComplianceStatus, Opening
from coproduce.procure.bids.services_draft import (
    answerable_questions,
    bid_draft_save,
    bid_file_add,
    bid_start,
    consortium_member_add,
    consortium_member_confirm,
)
from coproduce.procure.bids.services_open import (
    bid_compliance_decide,
    bids_open,
    required_document_add,
)
from coproduce.procure.bids.services_submit import bid_submit
from coproduce.procure.complaints.models import Complaint
from coproduce.procure.complaints.services import (
    ComplaintData,
    complaint_acknowledge,
    complaint_raise,
)
from coproduce.procure.panels.models import Moderation, PanelMember
from coproduce.procure.panels.selectors import member_criteria
from coproduce.procure.panels.services import (
    AppointData,
    DeclarationData,
    ScoreInput,
    declaration_make,
    moderated_score_agree,
    moderation_complete,
    moderation_start,
    panel_member_appoint,
    scores_save,
)
from coproduce.procure.tenders.models import DocumentKind, Tender, TenderStatus
from coproduce.procure.tenders.services import (
    TenderData,
    document_add,
    tender_close,
    tender_create,
    tender_publish,
    tender_set_no_lots_reason,
)
from coproduce.understand.consultations.models import Finding

PROJECT_TITLE = "Peer support into work for disabled adults"
TENDER_TITLE = "Peer support into work for disabled adults"
MODEL_TITLE = "Peer support into work: how bids will be scored"
AREA = "employment-skills"  # not light touch, so the award has a real standstill
VALUE_POUNDS = 480_000
REQUIRED_DOCUMENT = "Insurance certificate"

COMMISSIONER = "commissioner@riverside.example"
COMMISSIONER2 = "commissioner2@riverside.example"
PROVIDER = "provider@riverside.example"
PROVIDER2 = "provider2@riverside.example"
PARTNER = "partner@riverside.example"
CHARITY = "charity@riverside.example"

FORUM = "Riverside Disabled People’s Forum"
SPEAK_UP = "Speak Up Riverside"
CHARITY_ORG = "Eastgate Community Trust"
NATIONAL = "Meadowvale Care Group"

# Demo accounts this module adds (email, name, role); password as in ``data``.
USERS = [
    (PARTNER, "Leah Morgan", Role.PROVIDER),
    (CHARITY, "Nadia Rahman", Role.PROVIDER),
]

ORGANISATIONS = [
    (
        PARTNER,
        OrganisationData(
            name=SPEAK_UP,
            legal_form="unincorporated",
            size_band="micro",
            description="A self-advocacy group run by people with learning disabilities. "
            "Members train as peer supporters and speak up about services in Riverside.",
            postcode="RV4 2SU",
            is_vcse=True,
            is_user_led=True,
            user_led_description="Run by and for people with learning disabilities",
            workforce_disadvantaged_percent=75,
            workforce_headcount=8,
        ),
        ["learning-disability", "employment-skills"],
    ),
    (
        CHARITY,
        OrganisationData(
            name=CHARITY_ORG,
            legal_form="charitable_company",
            size_band="small",
            description="A local charity running a community centre, adult learning and "
            "volunteering in Eastgate since 1978.",
            website="https://eastgatetrust.example",
            postcode="RV5 1ET",
            is_vcse=True,
            workforce_headcount=34,
            workforce_disadvantaged_percent=12,
            identifiers={"GB-CHC": "1034567"},
        ),
        ["employment-skills", "adult-social-care", "leisure-culture"],
    ),
]

# What disabled adults and carers told the council in the project's own consultation
# (``peer_support_consultation`` publishes these findings before the specification is
# written); the specification's requirements and KPIs cite them.
FINDING_LIVED = "People want support from someone who has been through it"
FINDING_KEEP = "People want help to keep a job, not just find one"
FINDING_NEAR = "People want to meet somewhere accessible near home"
FINDING_QUICK = "People want to be seen quickly when they ask for help"

PROJECT = ProjectData(
    title=PROJECT_TITLE,
    service_area_id=0,  # set from AREA when loading
    summary="Peer supporters, who are disabled people themselves, help disabled adults in "
    "Riverside find paid work they want and keep it. People told us that advice from someone "
    "who has been through it helps more than a course.",
    budget_pence=VALUE_POUNDS * 100,
    starts_on=dt.date(2027, 1, 1),
    ends_on=dt.date(2029, 12, 31),
    owner_id=0,
)

SPEC = SpecificationData(
    title="Peer support into work for disabled adults",
    purpose="Disabled adults in Riverside get help to find and keep paid work from peer "
    "supporters: disabled people who have found work themselves. The service works with "
    "about 150 people a year and with local employers.",
    involvement="Disabled people lead the service: peer supporters are paid, the people who "
    "use the service choose what the service measures, and an easy read report every three "
    "months says what changed because of what they said.",
    inclusion="The service reaches people with learning disabilities, autistic people, Deaf "
    "people and people with mental ill health, including people who have never had a job.",
    contract_years=3,
    extension_years=1,
    estimated_value_pence=VALUE_POUNDS * 100,
)

# Each requirement with the findings it cites (by statement; ids are looked up when the
# specification is written, see ``_requirements``).
REQUIREMENTS: list[tuple[RequirementData, tuple[str, ...]]] = [
    (
        RequirementData(
            kind=RequirementKind.OUTCOME,
            text="Disabled adults who want a paid job get one and keep it.",
        ),
        (FINDING_KEEP,),
    ),
    (
        RequirementData(
            kind=RequirementKind.OUTCOME,
            text="People get support from someone with lived experience of disability.",
        ),
        (FINDING_LIVED,),
    ),
    (
        RequirementData(
            kind=RequirementKind.OUTCOME,
            text="People meet their peer supporter in step-free places near where they live.",
        ),
        (FINDING_NEAR,),
    ),
    (
        RequirementData(
            kind=RequirementKind.CRITERION,
            text="At least half of the support hours are given by paid peer supporters.",
        ),
        (FINDING_LIVED,),
    ),
    (
        RequirementData(
            kind=RequirementKind.KPI,
            text="People helped into paid work who still have the job six months later.",
            target="40",
            unit="people a year",
            frequency=Frequency.ANNUALLY,
        ),
        (FINDING_KEEP,),
    ),
    # Reported every month and every three months, so that contract monitoring has
    # something to report on while the contract runs (issue 13).
    (
        RequirementData(
            kind=RequirementKind.KPI,
            text="People supported each month.",
            target="60",
            unit="people",
            frequency=Frequency.MONTHLY,
        ),
        (FINDING_NEAR,),
    ),
    (
        RequirementData(
            kind=RequirementKind.KPI,
            text="Working days from someone asking for support to their first meeting with a "
            "peer supporter.",
            target="10",
            unit="working days on average",
            frequency=Frequency.MONTHLY,
        ),
        (FINDING_QUICK,),
    ),
    (
        RequirementData(
            kind=RequirementKind.KPI,
            text="People who say their peer supporter understood them.",
            target="90",
            unit="% of people asked",
            frequency=Frequency.QUARTERLY,
        ),
        (FINDING_LIVED,),
    ),
]

# (group, title, question, guidance, words, weight, panel kinds that score it)
QUESTIONS = [
    (
        CriterionKind.QUALITY,
        "Peer support",
        "How will peer supporters help people find and keep paid work?",
        "Tell us who the peer supporters are, how they are trained, paid and supported, and "
        "what they do with each person. Scored by the service-user members too.",
        500,
        "25",
        ("officer", "service_user"),
    ),
    (
        CriterionKind.QUALITY,
        "Reaching people",
        "How will you reach disabled people who do not get help today?",
        "Include people who have never had a job, and people who do not use the internet.",
        300,
        "15",
        ("officer", "service_user"),
    ),
    (
        CriterionKind.QUALITY,
        "Working with employers",
        "How will you work with local employers so that jobs are open to disabled people?",
        "Give examples of employers you work with and the changes they made.",
        300,
        "15",
        ("officer",),
    ),
    (
        CriterionKind.SOCIAL_VALUE,
        "Local jobs for disabled people",
        "What will you do for Riverside beyond the contract?",
        "Give numbers you will commit to: paid jobs for disabled people in your own "
        "organisation, volunteering and buying locally.",
        300,
        "15",
        ("officer",),
    ),
]
PRICE_WEIGHT = "30"

PANEL_ROLES = [
    ("Chair and council officer", PanelRoleKind.OFFICER),
    ("Council officer", PanelRoleKind.OFFICER),
    ("Service-user member 1", PanelRoleKind.SERVICE_USER),
    ("Service-user member 2", PanelRoleKind.SERVICE_USER),
]

# (role name, account email or None, name, email, chair)
PANEL = [
    ("Chair and council officer", COMMISSIONER, "", "", True),
    ("Council officer", COMMISSIONER2, "", "", False),
    ("Service-user member 1", None, "Marcus Bell", "marcus.bell@example.org", False),
    ("Service-user member 2", None, "Aisha Karim", "aisha.karim@example.org", False),
]

# Bids: lead organisation → (submitting user, price in pounds, answers by question title).
BIDS: dict[str, tuple[str, int, dict[str, str]]] = {
    FORUM: (
        PROVIDER,
        452_000,
        {
            "Peer support": "Our six peer supporters are disabled people who found work with "
            "help from others. They are paid the Real Living Wage, trained with Speak Up "
            "Riverside and meet every week for supervision. Each person gets a peer supporter "
            "who helps them decide what work they want, practise interviews, and settle into "
            "the job for six months.",
            "Reaching people": "Speak Up Riverside members visit day services, colleges and "
            "libraries. We take referrals by phone, text and in person, and our easy read "
            "leaflets were written by members.",
            "Working with employers": "We work with 22 local employers, including the "
            "hospital and two supermarkets, on job carving and reasonable adjustments.",
            "Local jobs for disabled people": "We will create four paid peer supporter jobs "
            "for disabled Riverside residents and ten paid work placements a year.",
        },
    ),
    CHARITY_ORG: (
        CHARITY,
        430_000,
        {
            "Peer support": "Our employment advisers will be joined by volunteer peer mentors "
            "from our adult learning courses. Mentors are trained and meet people weekly.",
            "Reaching people": "Our community centre in Eastgate is well known; we will run "
            "drop-in sessions there and at the library.",
            "Working with employers": "We have a jobs club and links with employers in "
            "Eastgate, and run employer awareness sessions twice a year.",
            "Local jobs for disabled people": "We will offer six volunteering places a year "
            "and buy from local suppliers.",
        },
    ),
    NATIONAL: (
        PROVIDER2,
        446_000,
        {
            "Peer support": "Our national employment team uses a proven job-matching model. "
            "Peer support will be offered through an online forum for the people we support.",
            "Reaching people": "We will take referrals from Jobcentre Plus and the council.",
            "Working with employers": "Our national employer partnerships include large "
            "retailers and logistics firms with vacancies in the region.",
            "Local jobs for disabled people": "We will recruit two employment advisers locally "
            "and report social value quarterly.",
        },
    ),
}

# Moderated scores (0–4) per bid and question, with the panel's agreed reason. Members'
# own scores differ a little (``_member_score``) to show a spread at moderation.
MODERATED: dict[str, dict[str, tuple[int, str]]] = {
    FORUM: {
        "Peer support": (
            4,
            "Paid peer supporters with lived experience, weekly supervision and six months of "
            "in-work support: exactly what people asked for.",
        ),
        "Reaching people": (
            4,
            "Outreach by self-advocates in places people already go, with easy read "
            "information written by members.",
        ),
        "Working with employers": (
            3,
            "A good list of local employers and real adjustments; less on how new employers "
            "will be found.",
        ),
        "Local jobs for disabled people": (
            3,
            "Four paid jobs and ten placements a year are clear commitments; little on local "
            "buying.",
        ),
    },
    CHARITY_ORG: {
        "Peer support": (
            3,
            "Trained volunteer mentors meet people weekly, but the mentors are not paid and "
            "not all have lived experience of disability.",
        ),
        "Reaching people": (
            3,
            "A trusted local centre, but mostly relies on people coming to Eastgate.",
        ),
        "Working with employers": (3, "A jobs club and employer sessions with local firms."),
        "Local jobs for disabled people": (
            3,
            "Volunteering places and local buying, but no paid jobs committed.",
        ),
    },
    NATIONAL: {
        "Peer support": (
            2,
            "Peer support is an online forum only; people told us they want to meet someone "
            "face to face.",
        ),
        "Reaching people": (2, "Relies on referrals; no outreach to people who are not known."),
        "Working with employers": (
            3,
            "Strong national employer links with vacancies in the region.",
        ),
        "Local jobs for disabled people": (
            2,
            "Two local posts and quarterly reports; no commitment to jobs for disabled people.",
        ),
    },
}

JUSTIFICATIONS = {
    4: "Meets everything we asked for, with clear examples.",
    3: "A good answer with a few gaps.",
    2: "Some of what we asked for, but important parts are missing.",
    1: "Very little of what we asked for.",
    0: "Does not answer the question.",
}

AWARD_REASONS = (
    "The consortium led by Riverside Disabled People’s Forum scored highest on quality and "
    "social value: paid peer supporters with lived experience, outreach by self-advocates and "
    "four paid jobs for disabled residents. Its price was not the lowest, but it gave the "
    "highest total score under the published evaluation model."
)

PDF_BYTES = b"%PDF-1.4\n% Demo insurance certificate\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


# --- people and organisations ------------------------------------------------------------


def _demo_user(email: str, full_name: str, role: str) -> tuple[User, bool]:
    user = User.objects.filter(email=email).first()
    if user is not None:
        return user, False
    return (
        User.objects.create_user(
            email=email, password=DEMO_PASSWORD, full_name=full_name, role=role, job_title=""
        ),
        True,
    )


def _people(users: dict[str, User]) -> dict[str, int]:
    created = {"bid_demo_users": 0, "bid_demo_organisations": 0}
    for email, name, role in USERS:
        users[email], new = _demo_user(email, name, role)
        created["bid_demo_users"] += int(new)
    areas = {a.slug: a.pk for a in ServiceArea.objects.all()}
    for email, data, area_slugs in ORGANISATIONS:
        if Organisation.objects.filter(name=data.name).exists():
            continue
        data.service_area_ids = [areas[s] for s in area_slugs if s in areas]
        organisation_create(actor=users[email], data=data)
        created["bid_demo_organisations"] += 1
    return created


# --- the tender ---------------------------------------------------------------------------


def published_project(users: dict[str, User]) -> CommissioningProject:
    """The peer support project, created and published (at "understand") if missing."""
    actor = users[COMMISSIONER2]
    project = CommissioningProject.objects.filter(title=PROJECT_TITLE).first()
    if project is None:
        area = ServiceArea.objects.get(slug=AREA)
        data = ProjectData(**{**PROJECT.__dict__, "service_area_id": area.pk, "owner_id": actor.pk})
        project = project_publish(actor=actor, project=project_create(actor=actor, data=data))
    return project


def _project(users: dict[str, User]) -> CommissioningProject:
    project = published_project(users)
    if project.stage not in (Stage.UNDERSTAND, Stage.PLAN):
        return project  # moved on by its tender and award (the contracts demo confirms it)
    return _stage_to_plan(
        users[COMMISSIONER2],
        project,
        "Our consultation with disabled adults and carers has closed and its findings are "
        "published: people want support from someone who has been through it, help to keep a "
        "job and not just find one, and to meet somewhere accessible near home. With the "
        "employment needs assessment, that is enough to specify and buy.",
    )


def _requirements(project: CommissioningProject) -> list[RequirementData]:
    """The requirements, each citing the project's published findings it rests on."""
    findings = dict(
        Finding.objects.filter(project=project, published_at__isnull=False).values_list(
            "statement", "pk"
        )
    )
    return [
        replace(requirement, finding_ids=[findings[s] for s in statements if s in findings])
        for requirement, statements in REQUIREMENTS
    ]


def _tender(
    users: dict[str, User], project: CommissioningProject, title: str = TENDER_TITLE
) -> Tender:
    """The tender, published with a closing date in the future (or as it already is)."""
    actor = users[COMMISSIONER2]
    tender = Tender.objects.filter(project=project, title=title).first()
    if tender is not None and tender.status != TenderStatus.DRAFT:
        return tender
    spec = _published_spec(actor, project, SPEC, _requirements(project))
    model = _model(actor, project, MODEL_TITLE, QUESTIONS, PRICE_WEIGHT, PANEL_ROLES)
    today = timezone.localdate()
    deadline_day = _working_day(today + dt.timedelta(days=40))
    tender = tender or tender_create(
        actor=actor,
        project=project,
        data=TenderData(
            title=title,
            summary="Peer supporters who are disabled people themselves help disabled adults "
            "find paid work and keep it. A three-year contract from January 2027. Small and "
            "user-led organisations are welcome to bid, alone or with partners.",
            service_area_id=project.service_area_id,
            value_pence=VALUE_POUNDS * 100,
            specification_id=spec.pk,
            evaluation_model_id=model.pk,
            suitable_for_small=True,
            deadline=_at(deadline_day, 12),
            questions_close_at=_at(_working_day(deadline_day - dt.timedelta(days=10)), 17),
        ),
    )
    tender_set_no_lots_reason(
        actor=actor,
        tender=tender,
        reason="One borough-wide service: peer supporters work with people wherever they "
        "live, and splitting it would leave each part too small to employ a team.",
    )
    required_document_add(
        actor=actor,
        tender=tender,
        name=REQUIRED_DOCUMENT,
        description="Public liability insurance of at least £5 million (a PDF of the certificate).",
    )
    if not tender.documents.filter(title="Questions to answer in your bid").exists():
        document_add(
            actor=actor,
            tender=tender,
            title="Questions to answer in your bid",
            kind=DocumentKind.QUESTIONS,
            html_source="# Questions to answer in your bid\n\n"
            + "\n".join(
                f"{n}. {title} ({words} words)"
                for n, (_, title, _, _, words, _, _) in enumerate(QUESTIONS, start=1)
            ),
        )
    return tender_publish(actor=actor, tender=tender)


def _bid(
    users: dict[str, User], tender: Tender, lead_name: str, price_pounds: int | None = None
) -> Bid:
    """The organisation's bid, started, filled in and submitted through the bid services."""
    email, default_price, answers = BIDS[lead_name]
    price_pounds = price_pounds or default_price
    actor = users[email]
    lead = Organisation.objects.get(name=lead_name)
    bid = bid_start(actor=actor, tender=tender, organisation=lead)
    if bid.status == BidStatus.SUBMITTED:
        return bid
    questions = {c.title: c.pk for c in answerable_questions(tender)}
    bid_draft_save(
        actor=actor,
        bid=bid,
        answers={questions[title]: text for title, text in answers.items()},
        prices={"whole": price_pounds * 100},
    )
    if lead_name == FORUM:
        partner = Organisation.objects.get(name=SPEAK_UP)
        member = bid.members.filter(organisation=partner).first() or consortium_member_add(
            actor=actor,
            bid=bid,
            organisation=partner,
            role="Peer supporters: recruits, trains and supervises the peer supporters",
            share_percent="40",
        )
        # The partner confirms its part from its own account.
        consortium_member_confirm(actor=users[PARTNER], member=member)
    bid_file_add(
        actor=actor,
        bid=bid,
        upload=SimpleUploadedFile(
            "insurance-certificate.pdf",
            PDF_BYTES + lead.slug.encode(),
            content_type="application/pdf",
        ),
        title="Public liability insurance certificate",
        requirement=REQUIRED_DOCUMENT,
    )
    bid_submit(actor=actor, bid=bid)
    bid.refresh_from_db()
    return bid


def _close_in_the_past(users: dict[str, User], tender: Tender) -> Tender:
    # A demo is a snapshot in time: the story needs a tender whose closing date has passed
    # *after* bids were submitted before it. Bids can only be submitted before the closing
    # date, and a tender cannot be published with a past one, so the tender is published
    # and the bids submitted through the services first; then the dates are moved back
    # directly (the audit trail keeps the real times). ``tender_close`` then records the
    # closing as the scheduled job would.
    now = timezone.now()
    deadline = _at(timezone.localdate(now) - dt.timedelta(days=3), 12)
    Tender.objects.filter(pk=tender.pk).update(
        published_at=now - dt.timedelta(days=45), deadline=deadline
    )
    for hours, bid in enumerate(Bid.objects.filter(tender=tender).order_by("pk"), start=1):
        sent = deadline - dt.timedelta(days=1, hours=hours)
        Bid.objects.filter(pk=bid.pk).update(submitted_at=sent)
        BidSubmission.objects.filter(bid=bid).update(submitted_at=sent, started_at=sent)
    tender.refresh_from_db()
    return tender_close(actor=users[COMMISSIONER2], tender=tender)


def _member_score(moderated: int, member_index: int, criterion_index: int) -> int:
    """Members' own scores: the agreed score, one away for some members (a visible spread)."""
    nudge = (member_index + criterion_index) % 3 - 1  # -1, 0 or +1
    return max(0, min(4, moderated + (nudge if member_index % 2 else 0)))


def _panel(users: dict[str, User], tender: Tender) -> list[PanelMember]:
    actor = users[COMMISSIONER]
    roles = {r.name: r.pk for r in PanelRole.objects.filter(model_id=tender.evaluation_model_id)}
    members = []
    for role_name, account, name, email, chair in PANEL:
        user = users[account] if account else None
        members.append(
            panel_member_appoint(
                actor=actor,
                tender=tender,
                data=AppointData(
                    role_id=roles[role_name],
                    user_id=user.pk if user else None,
                    name=name,
                    email=email,
                    is_chair=chair,
                ),
            )
        )
    return members


def _score(members: list[PanelMember], bids: dict[str, Bid]) -> None:
    for m_index, member in enumerate(members):
        declaration_make(member=member, data=DeclarationData(no_conflicts=True))
        criteria = member_criteria(member)
        for lead_name, bid in bids.items():
            entries = []
            for c_index, criterion in enumerate(criteria):
                agreed, _ = MODERATED[lead_name][criterion.title]
                score = _member_score(agreed, m_index, c_index)
                entries.append(
                    ScoreInput(
                        criterion_id=criterion.pk,
                        score=score,
                        justification=JUSTIFICATIONS[score],
                    )
                )
            scores_save(member=member, bid=bid, entries=entries, submit=True)


def _moderate(users: dict[str, User], tender: Tender, bids: dict[str, Bid]) -> Moderation:
    chair = users[COMMISSIONER]
    moderation = moderation_start(actor=chair, tender=tender, lot=None)
    criteria = {
        c.title: c
        for c in Criterion.objects.filter(model_id=tender.evaluation_model_id).exclude(parent=None)
    }
    for lead_name, bid in bids.items():
        for title, (score, reason) in MODERATED[lead_name].items():
            moderated_score_agree(
                actor=chair,
                moderation=moderation,
                bid=bid,
                criterion=criteria[title],
                score=score,
                reason=reason,
            )
    return moderation_complete(actor=chair, moderation=moderation)


def _complaint(users: dict[str, User], tender: Tender) -> int:
    """Make sure the demo has its one complaint, about a tender other than this one."""
    if Complaint.objects.exclude(tender=tender).exists():
        return 0  # the procurement demo's complaint (Community transport across the borough)
    flagship = (
        Tender.objects.filter(
            title="Day opportunities for adults with learning disabilities",
            status=TenderStatus.OPEN,
        )
        .order_by("pk")
        .first()
    )
    resident = users.get("resident@riverside.example")
    if flagship is None or resident is None:
        return 0
    complaint = complaint_raise(
        actor=resident,
        tender=flagship,
        data=ComplaintData(
            subject="conditions",
            details="The bid questions are not available in easy read, so members of our "
            "self-advocacy group cannot help the organisations they work with to answer them.",
            contact_name=resident.full_name,
            contact_email=resident.email,
            outcome_wanted="Publish easy read versions of the questions and give bidders a "
            "few more days.",
        ),
    )
    complaint_acknowledge(
        actor=users[COMMISSIONER],
        complaint=complaint,
        note="Thank you. We will reply by the date shown.",
    )
    return 1


def load(users: dict[str, User]) -> dict[str, int]:
    """Create whatever part of the closed, awarded tender is missing. Returns counts created."""
    created = {"closed_tenders": 0, "bids": 0, "panel_members": 0, "awards": 0}
    if COMMISSIONER not in users or COMMISSIONER2 not in users:
        return created
    users = dict(users)
    created.update(_people(users))
    project = _project(users)
    existing = Tender.objects.filter(project=project, title=TENDER_TITLE).first()
    if existing is not None and AwardDecision.objects.filter(tender=existing).exists():
        created["complaints_about_other_tenders"] = _complaint(users, existing)
        return created
    tender = _tender(users, project)
    if not Opening.objects.filter(tender=tender).exists():
        before = Bid.objects.filter(tender=tender, status=BidStatus.SUBMITTED).count()
        if tender.deadline and tender.deadline > timezone.now():
            for lead_name in BIDS:
                _bid(users, tender, lead_name)
        created["bids"] = (
            Bid.objects.filter(tender=tender, status=BidStatus.SUBMITTED).count() - before
        )
        if tender.status == TenderStatus.OPEN:
            tender = _close_in_the_past(users, tender)
        bids_open(actor=users[COMMISSIONER], tender=tender)
        created["closed_tenders"] = 1
    bids = {
        name: Bid.objects.get(tender=tender, lead_organisation__name=name)
        for name in BIDS
        if Bid.objects.filter(tender=tender, lead_organisation__name=name).exists()
    }
    for bid in bids.values():
        bid_compliance_decide(
            actor=users[COMMISSIONER],
            bid=bid,
            status=ComplianceStatus.COMPLIANT,
            notes="Insurance certificate checked; all questions answered.",
        )
    panel_before = PanelMember.objects.filter(tender=tender).count()
    members = _panel(users, tender)
    created["panel_members"] = PanelMember.objects.filter(tender=tender).count() - panel_before
    _score(members, bids)
    _moderate(users, tender, bids)
    award_decide(
        actor=users[COMMISSIONER],
        tender=tender,
        lot=None,
        bid=bids[FORUM],
        reasons=AWARD_REASONS,
    )
    created["awards"] = 1
    created["complaints_about_other_tenders"] = _complaint(users, tender)
    return created
