"""Demo procurement: Riverside plans and publishes opportunities (issue 5).

The flagship: "Day opportunities for adults with learning disabilities" gets a published
specification whose requirements cite the demo findings (and an idea and equality
entries), a locked evaluation model, a forward-plan entry published weeks before the
tender, a tender with two area lots and a lot reserved for supported businesses, pack
documents with web-page versions, questions and answers, an amendment and a supplier
event with registrations. Around it, a few hundred other opportunities across every
service area make the search worth using; they hang off one "umbrella" project per
service area, each with its own published specification and evaluation model.

Everything goes through the services, so the audit trail shows the work. Idempotent:
projects, specifications, models, plan entries, events and tenders are found by title,
questions by their text, the complaint by its tender and email; only what is missing is
created. Dates are relative to the day of loading, so the opportunities are open whenever
the demo is loaded.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.utils import timezone

from coproduce.foundation.accounts.models import Organisation, User
from coproduce.foundation.commissioning.models import CommissioningProject, Stage
from coproduce.foundation.commissioning.services import (
    ProjectData,
    project_change_stage,
    project_create,
    project_publish,
)
from coproduce.foundation.core.models import ServiceArea
from coproduce.plan.evaluation_models.models import (
    Criterion,
    CriterionKind,
    EvaluationModel,
    PanelRoleKind,
    PriceFormula,
)
from coproduce.plan.evaluation_models.services import (
    CriterionData,
    RoleData,
    criterion_add,
    evaluation_model_create,
    panel_role_add,
)
from coproduce.plan.forward_plan.models import ForumEvent, PlanEntry
from coproduce.plan.forward_plan.services import (
    EventData,
    PlanEntryData,
    RegistrationData,
    event_create,
    event_publish,
    plan_entry_create,
    plan_entry_publish,
    registration_create,
)
from coproduce.plan.procurement_rules.models import Reservation, Route
from coproduce.plan.procurement_rules.selectors import bank_holidays
from coproduce.plan.specifications.models import Frequency, RequirementKind, Specification
from coproduce.plan.specifications.selectors import current_specification
from coproduce.plan.specifications.services import (
    RequirementData,
    SpecificationData,
    requirement_add,
    specification_create,
    specification_publish,
)
from coproduce.procure.complaints.models import Complaint
from coproduce.procure.complaints.services import (
    ComplaintData,
    complaint_acknowledge,
    complaint_raise,
)
from coproduce.procure.tenders.models import Clarification, DocumentKind, Tender, TenderStatus
from coproduce.procure.tenders.services import (
    LotData,
    TenderData,
    document_add,
    lot_add,
    tender_close,
    tender_create,
    tender_publish,
    tender_set_no_lots_reason,
)
from coproduce.procure.tenders.services_clarifications import (
    clarification_answer,
    clarification_ask,
    tender_amend,
)
from coproduce.understand.consultations.models import Finding
from coproduce.understand.equality.models import ImpactEntry
from coproduce.understand.ideas.models import Idea
from coproduce.understand.ideas.models import Status as IdeaStatus

PROJECT_TITLE = "Day opportunities for adults with learning disabilities"
TENDER_TITLE = "Day opportunities for adults with learning disabilities"
MODEL_TITLE = "Day opportunities: how bids will be scored"
EVENT_TITLE = "Meet the commissioners: day opportunities"
COMMISSIONER = "commissioner@riverside.example"
COMMISSIONER2 = "commissioner2@riverside.example"
PROVIDER = "provider@riverside.example"
PROVIDER2 = "provider2@riverside.example"
RESIDENT = "resident@riverside.example"
FORUM = "Riverside Disabled People’s Forum"
WORKABLE = "Workable Supported Enterprises"
UMBRELLA_PREFIX = "Community contracts 2027: "
OTHER_TENDERS = 300  # across the umbrella projects, 25 per service area
CLOSED_EVERY = 15  # one opportunity in 15 is shown as already closed
PLAN_NOTICE_DAYS_BEFORE = 60  # the forward-plan entry went out this long before the tender


# --- dates ---------------------------------------------------------------------------------


def _working_day(day: dt.date) -> dt.date:
    """``day``, or the next day that is neither a weekend nor a bank holiday."""
    holidays = bank_holidays()
    while day.weekday() >= 5 or day in holidays:
        day += dt.timedelta(days=1)
    return day


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    """An aware datetime at ``hour`` UK time on ``day``."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


# --- the flagship specification -------------------------------------------------------------

SPEC = SpecificationData(
    title="Day opportunities for adults with learning disabilities",
    purpose=(
        "Day opportunities help adults with learning disabilities to learn, work, make friends "
        "and take part in the life of the borough. This service replaces the current day "
        "centre contracts from April 2027. It is for about 240 adults, their families and "
        "carers. People told us what they want, and each requirement below says which of "
        "their findings it comes from."
    ),
    involvement=(
        "People who use the service must help run it: a members’ group that meets every month "
        "with the manager, two members on every staff interview panel, an easy read report "
        "every three months of what changed because of what members said, and paid expenses "
        "for everyone who takes part."
    ),
    inclusion=(
        "The provider must reach people who do not use day services today: Asian and Black "
        "families, people living with older carers, people with complex needs who need a "
        "Changing Places toilet, and LGBT+ people who have told us they do not feel safe."
    ),
    contract_years=5,
    extension_years=2,
    estimated_value_pence=2_400_000 * 100,
)

# (kind, text, target, unit, frequency, finding statements, idea keywords, equality entries)
REQUIREMENTS: list[tuple[str, str, str, str, str, list[str], tuple[str, ...], list[str]]] = [
    (
        RequirementKind.OUTCOME,
        "People can take part in activities in the evenings and at weekends, not only on "
        "weekday daytimes.",
        "",
        "",
        "",
        ["People want activities in the evenings and at weekends"],
        ("evening", "weekend"),
        [],
    ),
    (
        RequirementKind.OUTCOME,
        "People get to and from their activities reliably, and people who want to learn to "
        "travel on their own are helped to.",
        "",
        "",
        "",
        ["Getting there is a barrier: people need reliable transport"],
        ("bus", "travel", "transport"),
        [],
    ),
    (
        RequirementKind.OUTCOME,
        "People who want a paid job get help to find one and to keep it.",
        "",
        "",
        "",
        ["People want help to find paid work"],
        ("job", "paid", "work"),
        ["disability"],
    ),
    (
        RequirementKind.OUTCOME,
        "People are supported by staff who know them.",
        "",
        "",
        "",
        ["Keep the same staff"],
        (),
        [],
    ),
    (
        RequirementKind.OUTCOME,
        "Nobody misses a day out because there is no Changing Places toilet where they are going.",
        "",
        "",
        "",
        ["We need more Changing Places toilets"],
        ("toilet", "changing places"),
        ["disability"],
    ),
    (
        RequirementKind.CRITERION,
        "In each lot area, at least two sessions a week start after 5pm or run at the weekend.",
        "",
        "",
        "",
        ["People want activities in the evenings and at weekends"],
        (),
        [],
    ),
    (
        RequirementKind.CRITERION,
        "Sessions where LGBT+ people feel safe are planned with LGBT+ Riverside and run at "
        "least once a month.",
        "",
        "",
        "",
        [],
        (),
        ["sexual_orientation"],
    ),
    (
        RequirementKind.KPI,
        "People who say they do things they enjoy in the evenings or at weekends.",
        "75",
        "% of people asked",
        Frequency.QUARTERLY,
        ["People want activities in the evenings and at weekends"],
        (),
        [],
    ),
    (
        RequirementKind.KPI,
        "People helped into paid work who still have the job six months later.",
        "20",
        "people a year",
        Frequency.ANNUALLY,
        ["People want help to find paid work"],
        (),
        [],
    ),
    (
        RequirementKind.KPI,
        "Support hours given by staff the person already knows.",
        "85",
        "% of hours",
        Frequency.MONTHLY,
        ["Keep the same staff"],
        (),
        [],
    ),
]

# (group, title, question, guidance, words, weight, panel kinds that score it)
QUESTIONS: list[tuple[str, str, str, str, int, str, tuple[str, ...]]] = [
    (
        CriterionKind.QUALITY,
        "Evenings and weekends",
        "How will you offer activities people enjoy in the evenings and at weekends?",
        "A good answer shows what people will be able to do, when, and how you will find out "
        "what they want. It is scored by the service-user members of the panel.",
        750,
        "15",
        ("officer", "service_user"),
    ),
    (
        CriterionKind.QUALITY,
        "Getting there",
        "How will you make sure people can get to and from activities, and learn to travel "
        "on their own if they want to?",
        "Say who provides transport, what happens when it is late, and how travel training works.",
        500,
        "10",
        ("officer", "specialist"),
    ),
    (
        CriterionKind.QUALITY,
        "Paid work",
        "How will you help people find paid jobs and keep them?",
        "Include job coaching, work experience and how you work with local employers.",
        750,
        "15",
        ("officer", "specialist"),
    ),
    (
        CriterionKind.QUALITY,
        "Keeping the same staff",
        "How will you keep staff who know the people they support?",
        "Tell us about pay, rotas, training and what you do when staff leave.",
        500,
        "10",
        ("officer", "service_user"),
    ),
    (
        CriterionKind.QUALITY,
        "Involving the people who use the service",
        "How will the people who use the service help to run it, all the time?",
        "Describe the members’ group, how you report back and how you pay expenses.",
        500,
        "10",
        ("service_user",),
    ),
    (
        CriterionKind.SOCIAL_VALUE,
        "Local jobs and volunteering",
        "What will you do for Riverside beyond the contract: local jobs, apprenticeships and "
        "volunteering for disabled people?",
        "Give numbers you will commit to and how you will report them.",
        500,
        "10",
        ("officer",),
    ),
]
PRICE_WEIGHT = "30"

PANEL = [
    ("Council officer 1", PanelRoleKind.OFFICER),
    ("Council officer 2", PanelRoleKind.OFFICER),
    ("Service-user member 1", PanelRoleKind.SERVICE_USER),
    ("Service-user member 2", PanelRoleKind.SERVICE_USER),
    ("Specialist adviser (employment)", PanelRoleKind.SPECIALIST),
]

LOTS = [
    LotData(
        number=1,
        title="North of the borough",
        description="Day opportunities in Northgate, Millbrook and Hollins, including "
        "evening and weekend sessions.",
        client_group="Adults with learning disabilities",
        locality="North Riverside",
        value_pence=1_050_000 * 100,
    ),
    LotData(
        number=2,
        title="South of the borough",
        description="Day opportunities in Southbank, Eastgate and Westfield, including "
        "evening and weekend sessions.",
        client_group="Adults with learning disabilities",
        locality="South Riverside",
        value_pence=1_050_000 * 100,
    ),
    LotData(
        number=3,
        title="Work skills café and supported jobs",
        description="A café and catering team where people learn work skills and move into "
        "paid jobs. Reserved for supported businesses: at least 30% of the workforce "
        "disabled or disadvantaged.",
        client_group="Adults with learning disabilities who want paid work",
        locality="",
        value_pence=300_000 * 100,
        reserved_for=Reservation.SUPPORTED_BUSINESS,
    ),
]

DOCUMENTS = [
    (
        DocumentKind.QUESTIONS,
        "Questions to answer in your bid",
        "# Questions to answer in your bid\n\n"
        "Answer each question in the word limit shown. You can bid for one lot, two or all "
        "three.\n\n"
        "1. Evenings and weekends (750 words)\n"
        "2. Getting there (500 words)\n"
        "3. Paid work (750 words)\n"
        "4. Keeping the same staff (500 words)\n"
        "5. Involving the people who use the service (500 words)\n"
        "6. Local jobs and volunteering (500 words)\n\n"
        "**Easy read versions** of these questions are available: ask through the questions "
        "and answers page.",
    ),
    (
        DocumentKind.CONTRACT,
        "Contract terms (summary)",
        "# Contract terms\n\n"
        "- Five years from 1 April 2027, with the option to extend by up to two years.\n"
        "- Payment every month in arrears, within 14 days of an accurate invoice.\n"
        "- Staff transfer under TUPE from the current providers: the staff list is in the "
        "pricing schedule.\n"
        "- The council pays the Real Living Wage uplift each April.\n",
    ),
    (
        DocumentKind.PRICING,
        "Pricing schedule",
        "# Pricing schedule\n\n"
        "Give one price per lot for the first year, and the hourly rate for extra sessions.\n\n"
        "- Lot 1, North of the borough: up to £210,000 a year\n"
        "- Lot 2, South of the borough: up to £210,000 a year\n"
        "- Lot 3, Work skills café and supported jobs: up to £60,000 a year\n",
    ),
]

# (organisation, lot number or None, question, answer or "" to leave it waiting)
QUESTIONS_ASKED = [
    (
        FORUM,
        None,
        "Can a small user-led organisation bid for one lot with a partner, and does the "
        "partner need to be named in the bid?",
        "Yes. You can bid as a group of organisations for any lot. Name every member of the "
        "group and say which one will hold the contract; the others can be subcontractors.",
    ),
    (
        WORKABLE,
        3,
        "For the reserved lot, is the 30% disabled or disadvantaged workforce counted across "
        "the whole organisation or only the staff working on this contract?",
        "For a single organisation, across its whole workforce. For a joint bid, the combined "
        "workforce of the organisations doing the contract counts. Tell us the percentage in "
        "your bid; we will check it when we assess bids.",
    ),
    (
        FORUM,
        1,
        "Is there a building in the north of the borough that the council will lease to the "
        "provider, or do bidders need to find their own?",
        "",
    ),
]

AMENDMENT = (
    "Added a site visit to the current north day centre and an easy read summary of the questions.",
    "Two organisations asked to see the current building before bidding, and the members’ "
    "group asked for an easy read summary so they can help bidders.",
)


# --- helpers --------------------------------------------------------------------------------


def _stage_to_plan(actor: User, project: CommissioningProject, reason: str) -> CommissioningProject:
    if project.stage in (Stage.PLAN, Stage.PROCURE):
        return project
    return project_change_stage(actor=actor, project=project, to_stage=Stage.PLAN, reason=reason)


def _published_spec(
    actor: User,
    project: CommissioningProject,
    data: SpecificationData,
    requirements: list[RequirementData],
) -> Specification:
    """The project's current published specification, writing and publishing it if missing."""
    spec = current_specification(project)
    if spec is not None:
        return spec
    spec = specification_create(actor=actor, project=project, data=data)
    for requirement in requirements:
        requirement_add(actor=actor, specification=spec, data=requirement)
    return specification_publish(actor=actor, specification=spec)


def _model(
    actor: User,
    project: CommissioningProject,
    title: str,
    questions: list[tuple[str, str, str, str, int, str, tuple[str, ...]]],
    price_weight: str,
    panel: list[tuple[str, str]],
) -> EvaluationModel:
    """The project's model called ``title``, built through the services if missing."""
    existing = EvaluationModel.objects.filter(project=project, title=title).first()
    if (
        existing is not None
        and Criterion.objects.filter(model=existing).exclude(parent=None).exists()
    ):
        return existing
    model = existing or evaluation_model_create(
        actor=actor, project=project, title=title, price_formula=PriceFormula.LOWEST_RATIO
    )
    scored_by: dict[str, list[int]] = {}
    for kind, ctitle, question, guidance, words, weight, kinds in questions:
        criterion = criterion_add(
            actor=actor,
            model=model,
            kind=kind,
            data=CriterionData(
                title=ctitle,
                weight_percent=Decimal(weight),
                question=question,
                guidance=guidance,
                word_limit=words,
            ),
        )
        for panel_kind in kinds:
            scored_by.setdefault(panel_kind, []).append(criterion.pk)
    criterion_add(
        actor=actor,
        model=model,
        kind=CriterionKind.PRICE,
        data=CriterionData(title="Price", weight_percent=Decimal(price_weight)),
    )
    for name, kind in panel:
        panel_role_add(
            actor=actor,
            model=model,
            data=RoleData(name=name, kind=kind, criterion_ids=scored_by.get(kind, [])),
        )
    return model


def _citations(project: CommissioningProject) -> tuple[dict, list, dict]:
    findings = {
        f.statement: f.pk
        for f in Finding.objects.filter(project=project, published_at__isnull=False)
    }
    ideas = list(
        Idea.objects.filter(project=project, merged_into__isnull=True)
        .exclude(status__in=[IdeaStatus.MERGED, IdeaStatus.NOT_TAKEN_FORWARD])
        .order_by("pk")
        .values_list("pk", "title")
    )
    entries = {
        e.characteristic: e.pk
        for e in ImpactEntry.objects.filter(
            assessment__project=project, assessment__published_at__isnull=False
        )
    }
    return findings, ideas, entries


def _flagship_requirements(project: CommissioningProject) -> list[RequirementData]:
    findings, ideas, entries = _citations(project)
    used_ideas: set[int] = set()
    out = []
    for kind, text, target, unit, frequency, statements, keywords, characteristics in REQUIREMENTS:
        idea_ids = []
        for pk, title in ideas:
            if keywords and pk not in used_ideas and any(k in title.lower() for k in keywords):
                idea_ids.append(pk)
                used_ideas.add(pk)
                break
        out.append(
            RequirementData(
                kind=kind,
                text=text,
                target=target,
                unit=unit,
                frequency=frequency,
                finding_ids=[findings[s] for s in statements if s in findings],
                idea_ids=idea_ids,
                equality_entry_ids=[entries[c] for c in characteristics if c in entries],
            )
        )
    return out


# --- the flagship tender --------------------------------------------------------------------


def _plan_entry(actor: User, project: CommissioningProject, today: dt.date) -> PlanEntry:
    entry = PlanEntry.objects.filter(project=project, title=TENDER_TITLE).first()
    if entry is not None:
        return entry
    entry = plan_entry_create(
        actor=actor,
        data=PlanEntryData(
            title=TENDER_TITLE,
            description="New day opportunities for adults with learning disabilities, in two "
            "area lots and a lot reserved for supported businesses, from April 2027.",
            service_area_id=project.service_area_id,
            estimated_value_pence=2_400_000 * 100,
            expected_tender_on=today,
            intended_route=Route.OPEN,
            project_id=project.pk,
        ),
    )
    entry = plan_entry_publish(actor=actor, entry=entry)
    # The story needs the planned procurement notice to have gone out weeks ago (so the
    # shorter minimum tender period could apply), but publishing always stamps "now".
    # Move the timestamp back directly; the audit row keeps the real publication time.
    back = timezone.now() - dt.timedelta(days=PLAN_NOTICE_DAYS_BEFORE)
    PlanEntry.objects.filter(pk=entry.pk).update(published_at=back)
    entry.refresh_from_db()
    return entry


def _flagship_tender(users: dict[str, User], project, spec, model, entry, today) -> Tender:
    actor = users[COMMISSIONER]
    deadline_day = _working_day(today + dt.timedelta(days=35))
    questions_day = _working_day(deadline_day - dt.timedelta(days=10))
    tender = tender_create(
        actor=actor,
        project=project,
        data=TenderData(
            title=TENDER_TITLE,
            summary="Day services where adults with learning disabilities learn, work, make "
            "friends and take part in community life, in the evenings and at weekends too. "
            "Two lots by area and a third lot reserved for supported businesses. Small and "
            "user-led organisations are welcome to bid for one lot, alone or with partners.",
            service_area_id=project.service_area_id,
            value_pence=2_400_000 * 100,
            specification_id=spec.pk,
            evaluation_model_id=model.pk,
            route=Route.OPEN,
            suitable_for_small=True,
            plan_entry_id=entry.pk,
            deadline=_at(deadline_day, 12),
            questions_close_at=_at(questions_day, 17),
        ),
    )
    for lot in LOTS:
        lot_add(actor=actor, tender=tender, data=lot)
    for kind, title, text in DOCUMENTS:
        if not tender.documents.filter(title=title).exists():
            document_add(actor=actor, tender=tender, title=title, kind=kind, html_source=text)
    return tender_publish(actor=actor, tender=tender)


def _clarifications(users: dict[str, User], tender: Tender) -> int:
    created = 0
    orgs = {o.name: o for o in Organisation.objects.filter(name__in=[FORUM, WORKABLE])}
    askers = {FORUM: users[PROVIDER], WORKABLE: users[PROVIDER2]}
    for org_name, lot_number, question, answer in QUESTIONS_ASKED:
        if org_name not in orgs:
            continue
        clarification = Clarification.objects.filter(tender=tender, question=question).first()
        if clarification is None:
            clarification = clarification_ask(
                actor=askers[org_name],
                tender=tender,
                organisation=orgs[org_name],
                question=question,
                lot=tender.lots.filter(number=lot_number).first() if lot_number else None,
            )
            created += 1
            if answer:
                clarification_answer(
                    actor=users[COMMISSIONER],
                    clarification=clarification,
                    question=question,
                    answer=answer,
                    publish=True,
                )
    return created


def _event(users: dict[str, User], entry: PlanEntry, today: dt.date) -> int:
    if ForumEvent.objects.filter(title=EVENT_TITLE).exists():
        return 0
    day = _working_day(today + dt.timedelta(days=10))
    event = event_create(
        actor=users[COMMISSIONER],
        data=EventData(
            title=EVENT_TITLE,
            description="Hear what people told us, ask the commissioners about the lots and "
            "meet organisations you could bid with. Members of the day services members’ "
            "group will talk about what good support looks like to them.",
            starts_at=_at(day, 10),
            ends_at=_at(day, 12, 30),
            registration_closes_at=_at(day - dt.timedelta(days=1), 17),
            venue="Eastgate Library community room, 14 Eastgate Road, Riverside RV5 2LB",
            online_joining_details="Join on Microsoft Teams: the link is in your confirmation email.",
            accessibility="Step-free access, a hearing loop and a Changing Places toilet. Easy "
            "read slides and BSL interpretation. Tell us about any other needs when you register.",
            capacity=40,
            plan_entry_id=entry.pk,
        ),
    )
    event_publish(actor=users[COMMISSIONER], event=event)
    for email, org_name, needs in (
        (PROVIDER, FORUM, "Easy read slides, please."),
        (PROVIDER2, WORKABLE, ""),
    ):
        user = users[email]
        registration_create(
            actor=user,
            event=event,
            data=RegistrationData(
                name=user.full_name,
                email=user.email,
                organisation_name=org_name,
                access_needs=needs,
            ),
        )
    return 1


def load_flagship(users: dict[str, User]) -> dict[str, int]:
    """The day opportunities specification, model, plan entry, tender, questions and event."""
    created = {"specifications": 0, "tenders": 0, "questions": 0, "events": 0}
    project = CommissioningProject.objects.filter(title=PROJECT_TITLE).first()
    if project is None or COMMISSIONER not in users:
        return created
    actor = users[COMMISSIONER]
    today = timezone.localdate()
    project = _stage_to_plan(
        actor,
        project,
        "The findings are published and the equality impact assessment is done: we can write "
        "the specification and plan the tender.",
    )
    had_spec = current_specification(project) is not None
    spec = _published_spec(actor, project, SPEC, _flagship_requirements(project))
    created["specifications"] += 0 if had_spec else 1
    model = _model(actor, project, MODEL_TITLE, QUESTIONS, PRICE_WEIGHT, PANEL)
    entry = _plan_entry(actor, project, today)
    tender = Tender.objects.filter(project=project, title=TENDER_TITLE).first()
    if tender is None or tender.status == TenderStatus.DRAFT:
        tender = _flagship_tender(users, project, spec, model, entry, today)
        created["tenders"] += 1
    created["questions"] = _clarifications(users, tender)
    if not tender.amendments.exists():
        tender_amend(
            actor=actor, tender=tender, summary=AMENDMENT[0], reason=AMENDMENT[1], changes={}
        )
    created["events"] = _event(users, entry, today)
    return created


# --- a few hundred other opportunities ------------------------------------------------------

WARDS = ["", "Northgate", "Eastgate", "Southbank", "Westfield", "Millbrook", "Hollins"]

# Per service area: five kinds of service, each (title, one-line description).
SERVICES: dict[str, list[tuple[str, str]]] = {
    "adult-social-care": [
        ("Home care", "care and support at home for adults who need help with daily living"),
        ("Carers’ short breaks", "short breaks so unpaid carers can rest"),
        ("Shared lives placements", "adults living with or visiting a trained carer family"),
        ("Advocacy", "independent advocates who help people speak up about their care"),
        ("Hospital discharge support", "support at home for the first weeks after hospital"),
    ],
    "learning-disability": [
        ("Supported living", "support for adults with learning disabilities in their own homes"),
        ("Self-advocacy groups", "groups run by people with learning disabilities"),
        ("Travel training", "help to learn to travel by bus and train alone"),
        ("Short breaks for families", "overnight and day breaks for families"),
        ("Easy read information service", "turning council information into easy read"),
    ],
    "mental-health": [
        ("Crisis café", "an evening drop-in for people in mental health crisis"),
        ("Peer support groups", "groups led by people with lived experience"),
        ("Suicide bereavement support", "support for people bereaved by suicide"),
        ("Talking therapies outreach", "reaching people who do not use talking therapies"),
        ("Recovery college courses", "courses about living well with mental ill health"),
    ],
    "older-people": [
        ("Befriending", "regular visits and calls for older people who are lonely"),
        ("Lunch clubs", "a hot meal and company once a week"),
        ("Falls prevention classes", "strength and balance classes"),
        ("Dementia cafés", "a monthly café for people with dementia and their carers"),
        ("Handyperson service", "small repairs and adaptations for older people"),
    ],
    "children-families": [
        ("Family hubs activities", "play, parenting and advice sessions at the family hubs"),
        ("Young carers’ clubs", "clubs and trips for young carers"),
        ("Holiday activities and food", "activities and a meal in the school holidays"),
        ("Parenting support", "courses and one-to-one help for parents"),
        ("Youth clubs", "open-access youth work in the evenings"),
    ],
    "housing-homelessness": [
        ("Floating support", "visiting support to help people keep their tenancy"),
        ("Rough sleeper outreach", "outreach to people sleeping rough"),
        ("Young people’s supported housing", "supported housing for 16 to 25 year olds"),
        ("Domestic abuse refuge", "safe accommodation and support"),
        ("Tenancy sustainment", "help with bills, repairs and neighbours"),
    ],
    "public-health": [
        ("Stop smoking service", "help to stop smoking"),
        ("Healthy weight programme", "support to eat well and move more"),
        ("Sexual health outreach", "testing and advice in community venues"),
        ("Drug and alcohol recovery", "community recovery support"),
        ("Health checks outreach", "NHS health checks in community venues"),
    ],
    "employment-skills": [
        ("Supported employment", "job coaching for disabled people"),
        ("Adult learning courses", "English, maths and digital skills for adults"),
        ("Work experience placements", "placements for young people leaving care"),
        ("Employer engagement", "finding employers who will offer inclusive jobs"),
        ("Volunteering brokerage", "matching volunteers with local groups"),
    ],
    "community-safety": [
        ("Anti-social behaviour mediation", "mediation between neighbours"),
        ("Hate crime reporting centres", "places to report hate crime and get support"),
        ("Youth diversion", "activities for young people at risk of crime"),
        ("Victim support", "practical and emotional support after crime"),
        ("Street pastors", "volunteers in the town centre at night"),
    ],
    "environment-parks": [
        ("Community gardening", "gardening groups in parks and estates"),
        ("Parks volunteering", "volunteer days in the borough’s parks"),
        ("Litter picking groups", "supporting community litter picks"),
        ("Tree planting", "planting street and park trees with residents"),
        ("Grounds maintenance", "mowing, planting and paths in small green spaces"),
    ],
    "leisure-culture": [
        ("Community arts programme", "arts projects with local groups"),
        ("Library reading groups", "reading groups and story times"),
        ("Inclusive sport sessions", "sport for disabled people"),
        ("Heritage open days", "tours and events at local heritage sites"),
        ("Summer reading challenge", "activities for children in libraries"),
    ],
    "transport": [
        ("Community transport", "door-to-door minibus journeys for people who cannot use buses"),
        ("Cycle training", "cycle training for adults and children"),
        ("School travel escorts", "escorts on home-to-school transport"),
        ("Volunteer car scheme", "lifts to appointments by volunteer drivers"),
        ("Wheels to work", "scooter and bike loans to get to work"),
    ],
}


def _umbrella(users: dict[str, User], area: ServiceArea, today: dt.date):
    """The area's umbrella project at plan stage, with a published spec and a model."""
    actor = users[COMMISSIONER2]
    title = f"{UMBRELLA_PREFIX}{area.name}"
    project = CommissioningProject.objects.filter(title=title).first()
    if project is None:
        project = project_create(
            actor=actor,
            data=ProjectData(
                title=title,
                service_area_id=area.pk,
                summary=f"The smaller {area.name.lower()} contracts Riverside is renewing in "
                "2027, bought together so organisations can see them in one place.",
                budget_pence=6_000_000 * 100,
                starts_on=dt.date(today.year + 1, 4, 1),
                ends_on=dt.date(today.year + 4, 3, 31),
                owner_id=actor.pk,
            ),
        )
        project = project_publish(actor=actor, project=project)
    project = _stage_to_plan(
        actor,
        project,
        "The needs assessment and last year’s contract reviews are done; each contract is "
        "renewed with what the people who use it told us at the annual reviews.",
    )
    spec = _published_spec(
        actor,
        project,
        SpecificationData(
            title=f"{area.name}: community contracts",
            purpose=f"Community services for {area.name.lower()} across Riverside. Each "
            "opportunity describes its own service; these requirements apply to all of them.",
            involvement="Ask the people who use the service what is working at least every "
            "three months, and tell them what changed as a result.",
            inclusion="Show how you reach people who do not use services today, including "
            "people who do not speak English and people without internet access.",
            contract_years=3,
            estimated_value_pence=6_000_000 * 100,
        ),
        [
            RequirementData(
                kind=RequirementKind.OUTCOME,
                text="People who use the service say it helps them live the life they want.",
            ),
            RequirementData(
                kind=RequirementKind.CRITERION,
                text="The service is open at times that suit the people who use it, including "
                "some evenings or weekends.",
            ),
            RequirementData(
                kind=RequirementKind.KPI,
                text="People who would recommend the service to a friend.",
                target="85",
                unit="% of people asked",
                frequency=Frequency.QUARTERLY,
            ),
        ],
    )
    model = _model(
        actor,
        project,
        f"{area.name}: how bids will be scored",
        [
            (
                CriterionKind.QUALITY,
                "The service",
                "How will you run the service so that it helps the people who use it?",
                "Use examples from your work.",
                500,
                "30",
                ("officer",),
            ),
            (
                CriterionKind.QUALITY,
                "Involving people",
                "How will the people who use the service help shape it?",
                "Scored by the service-user member of the panel.",
                300,
                "20",
                ("officer", "service_user"),
            ),
            (
                CriterionKind.SOCIAL_VALUE,
                "Social value",
                "What will you do for Riverside beyond the contract?",
                "Local jobs, volunteering and buying locally.",
                300,
                "20",
                ("officer",),
            ),
        ],
        "30",
        [
            ("Council officer", PanelRoleKind.OFFICER),
            ("Service-user member", PanelRoleKind.SERVICE_USER),
        ],
    )
    return project, spec, model


def _value_pounds(rng: random.Random) -> int:
    band = rng.random()
    if band < 0.3:
        return rng.randrange(8, 100) * 1000
    if band < 0.6:
        return rng.randrange(100, 200) * 1000
    if band < 0.85:
        return rng.randrange(200, 650) * 1000
    return rng.randrange(70, 300) * 10_000


def _other_tender(users, area, project, spec, model, index: int, today: dt.date) -> Tender:
    rng = random.Random(f"{area.slug}-{index}")  # noqa: S311 - repeatable demo data
    service, description = SERVICES[area.slug][index % 5]
    ward = WARDS[(index // 5 + index % 5) % len(WARDS)]
    where = f"in {ward}" if ward else "across the borough"
    pounds = _value_pounds(rng)
    reserved, route, justification = Reservation.NONE, Route.OPEN, ""
    pick = rng.random()
    if pounds < 200_000 and pick < 0.12:
        reserved = Reservation.SME_VCSE if pick < 0.08 else Reservation.LOCAL
    elif pick > 0.95:
        reserved = Reservation.SUPPORTED_BUSINESS
    if reserved:
        route = Route.RESERVED
        justification = {
            Reservation.SME_VCSE: "A small contract below the threshold, reserved so that "
            "small businesses and voluntary groups can compete.",
            Reservation.LOCAL: "A small contract below the threshold, reserved for "
            "organisations based in Riverside.",
            Reservation.SUPPORTED_BUSINESS: "Reserved for supported businesses, where at least "
            "30% of the workforce is disabled or disadvantaged.",
        }[reserved]
    deadline_day = _working_day(today + dt.timedelta(days=rng.randrange(27, 95)))
    actor = users[COMMISSIONER2]
    tender = tender_create(
        actor=actor,
        project=project,
        data=TenderData(
            title=f"{service} {where}",
            summary=f"{description[0].upper()}{description[1:]}, {where}. A "
            f"{rng.choice([2, 3, 3, 5])}-year contract starting in spring {today.year + 1}.",
            service_area_id=area.pk,
            value_pence=pounds * 100,
            specification_id=spec.pk,
            evaluation_model_id=model.pk,
            locality=ward,
            route=route,
            reserved_for=reserved,
            route_justification=justification,
            suitable_for_small=pounds < 250_000 and rng.random() < 0.7,
            deadline=_at(deadline_day, rng.choice([12, 12, 17])),
        ),
    )
    if pounds >= 400_000 and index % 3 == 0:
        half = pounds * 45
        for number, (title, client_group) in enumerate(
            [("Adults", "Adults aged 18 and over"), ("Children and young people", "Under 18s")],
            start=1,
        ):
            lot_add(
                actor=actor,
                tender=tender,
                data=LotData(
                    number=number, title=title, client_group=client_group, value_pence=half
                ),
            )
    else:
        tender_set_no_lots_reason(
            actor=actor,
            tender=tender,
            reason="The service is small and works best run by one organisation; splitting it "
            "would add cost without helping small organisations bid.",
        )
    return tender_publish(actor=actor, tender=tender)


def _close_in_the_past(actor: User, tender: Tender, rng: random.Random) -> None:
    # A tender cannot be published with a past closing date, so a closed opportunity is
    # published through the service and its dates are then moved back directly, before
    # ``tender_close`` records the closing (audited) as the scheduled job would.
    now = timezone.now()
    Tender.objects.filter(pk=tender.pk).update(
        published_at=now - dt.timedelta(days=rng.randrange(45, 90)),
        deadline=now - dt.timedelta(days=rng.randrange(2, 20)),
    )
    tender.refresh_from_db()
    tender_close(actor=actor, tender=tender)


def load_others(users: dict[str, User]) -> dict[str, int]:
    """Umbrella projects and ``OTHER_TENDERS`` published opportunities across all areas."""
    created = {"umbrella_projects": 0, "other_tenders": 0}
    if COMMISSIONER2 not in users:
        return created
    today = timezone.localdate()
    areas = list(ServiceArea.objects.filter(slug__in=SERVICES).order_by("slug"))
    per_area = OTHER_TENDERS // max(len(areas), 1)
    for area in areas:
        existed = CommissioningProject.objects.filter(
            title=f"{UMBRELLA_PREFIX}{area.name}"
        ).exists()
        project, spec, model = _umbrella(users, area, today)
        created["umbrella_projects"] += 0 if existed else 1
        published = set(
            Tender.objects.filter(project=project)
            .exclude(status=TenderStatus.DRAFT)
            .values_list("title", flat=True)
        )
        for index in range(per_area):
            service = SERVICES[area.slug][index % 5][0]
            ward = WARDS[(index // 5 + index % 5) % len(WARDS)]
            if f"{service} {'in ' + ward if ward else 'across the borough'}" in published:
                continue
            tender = _other_tender(users, area, project, spec, model, index, today)
            created["other_tenders"] += 1
            if index % CLOSED_EVERY == CLOSED_EVERY - 1:
                rng = random.Random(tender.reference)  # noqa: S311 - repeatable demo data
                _close_in_the_past(users[COMMISSIONER2], tender, rng)
    return created


def _complaint(users: dict[str, User]) -> int:
    """One complaint, acknowledged, about an open opportunity other than the flagship."""
    tender = (
        Tender.objects.filter(
            status=TenderStatus.OPEN,
            title="Community transport across the borough",
        )
        .order_by("pk")
        .first()
    )
    resident = users.get(RESIDENT)
    if tender is None or resident is None:
        return 0
    if Complaint.objects.filter(tender=tender, contact_email=resident.email).exists():
        return 0
    complaint = complaint_raise(
        actor=resident,
        tender=tender,
        data=ComplaintData(
            subject="conditions",
            details="The pack asks for three years of audited accounts. Our carers’ group "
            "has run the volunteer driver rota for six years but only has two years of "
            "independently examined accounts, so we cannot bid.",
            contact_name=resident.full_name,
            contact_email=resident.email,
            outcome_wanted="Accept independently examined accounts, or a reference from the "
            "council’s grants team, from small groups.",
        ),
    )
    complaint_acknowledge(
        actor=users[COMMISSIONER2],
        complaint=complaint,
        note="Thank you. We have passed this to the commissioner and will reply by the date shown.",
    )
    return 1


def load(users: dict[str, User]) -> dict[str, int]:
    """Create whatever part of the procurement demo is missing. Returns counts created."""
    created = load_flagship(users)
    created.update(load_others(users))
    created["complaints"] = _complaint(users)
    return created
