"""Demo consultation for the peer support project: what disabled adults and carers told us.

"Peer support into work for disabled adults" (see ``bids``) starts, like every project,
with listening. Its short consultation ran for three months and has closed: 32 disabled
adults, family members and carers answered four questions. Their free-text answers are
coded into themes by keyword and four findings are published, each with its count of
people and two short quotes. The peer support specification (written in ``bids``) cites
these findings, so this module is loaded before ``bids``.

All through the services, as an officer would; the sent responses are bulk demo data
(``engagement_consultation._responses``, a seeded generator, the same every time).
Idempotent: the project is found by title, the consultation by project and title, themes
by name and findings by statement; answers already tagged are left alone.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from coproduce.demo import bids
from coproduce.demo.engagement_consultation import _build, _responses
from coproduce.demo.engagement_findings import _quotes
from coproduce.foundation.accounts.models import User
from coproduce.understand.consultations.models import Consultation, ConsultationStatus, Finding
from coproduce.understand.consultations.selectors_analysis import codable_answers
from coproduce.understand.consultations.services import consultation_close
from coproduce.understand.consultations.services_analysis import (
    FindingData,
    answers_tag,
    finding_create,
    finding_publish,
    finding_quote_add,
    theme_create,
)

OFFICER = bids.COMMISSIONER2  # the project's owner
TITLE = "Peer support into work: what would help you?"
RESPONSES = 32
SEED = 1304

INTRO = (
    "We are planning a new service in which disabled people who have found work help other "
    "disabled adults to find and keep a paid job. We asked disabled adults, their families "
    "and carers what help would make a difference, and where they would like to meet.\n\n"
    "This consultation has closed: thank you to everyone who answered. What people told us "
    "is published on the project page."
)
EASY_INTRO = (
    "We want to help disabled people get a job and keep it.\n\n"
    "We asked you what help you want.\n\n"
    "This has finished now. Thank you for telling us."
)

SECTIONS = [
    (
        "About you",
        "About you",
        [
            {
                "kind": "single",
                "text": "Who are you answering as?",
                "required": True,
                "options": [
                    "A disabled adult",
                    "A family member or unpaid carer",
                    "Someone who supports disabled people at work",
                ],
                "easy_read_text": "Who are you?",
                "easy_read_options": [
                    "I am disabled",
                    "I am family or a carer",
                    "I help disabled people at work",
                ],
            },
            {
                "kind": "single",
                "text": "Do you, or the person you care for, have a paid job now?",
                "options": [
                    "No, but I want one",
                    "Yes",
                    "I had one but lost it",
                    "No, and I do not want one now",
                ],
                "easy_read_text": "Do you have a paid job?",
                "easy_read_options": [
                    "No, but I want one",
                    "Yes",
                    "I had a job but lost it",
                    "No, I do not want one now",
                ],
            },
        ],
    ),
    (
        "Help with work",
        "Help with work",
        [
            {
                "kind": "text",
                "text": "What help would make the biggest difference to finding and keeping "
                "a paid job?",
                "required": True,
                "max_length": 1500,
                "easy_read_text": "What help do you want to get a job and keep it?",
            },
            {
                "kind": "text",
                "text": "Where would you like to meet the person who supports you?",
                "max_length": 1000,
                "easy_read_text": "Where do you want to meet?",
            },
        ],
    ),
]

# Answers to the required question, then to the optional one ("" leaves it blank).
WORK_HELP = [
    "Someone who has been through it. A disabled person who found work would understand.",
    "Talking to someone like me who got a job, not an adviser reading from a script.",
    "A peer supporter who is disabled too and knows what interviews are like.",
    "My son needs someone with lived experience who will not give up on him.",
    "Help to keep the job. I got one last year and lost it after six weeks.",
    "Support in the first weeks of a new job, when everything is strange.",
    "Help to settle in and talk to my manager about adjustments so I can keep my job.",
    "Courses find you a job and then stop. She needed help to stay in work.",
    "I waited four months for a first appointment and gave up.",
    "Someone to see me quickly, while I still feel brave enough to try.",
    "A job coach who comes to work with me for the first weeks.",
    "Interview practice with someone who has been through it themselves.",
]
MEETING_PLACES = [
    "Somewhere near home. I cannot manage two buses.",
    "The library. It is accessible and I know it.",
    "A local café with step-free access and a quiet corner.",
    "Close to home, somewhere I can walk to.",
    "Not the jobcentre. Somewhere local and friendly.",
    "At home first, then somewhere accessible in town.",
    "A community centre near where I live, with a lift and a proper toilet.",
    "",
    "",
]

# Theme name: (description, keywords matched in lower-cased answers)
THEMES: dict[str, tuple[str, tuple[str, ...]]] = {
    "Lived experience": (
        "Support from a disabled person who has found work.",
        ("been through", "lived experience", "disabled too", "someone like me", "disabled person"),
    ),
    "Keeping a job": (
        "Support that carries on after the job starts.",
        ("keep", "first weeks", "settle", "lost it", "stay in work"),
    ),
    "Accessible places near home": (
        "Meeting in step-free places people know, without long journeys.",
        ("near", "accessible", "step-free", "library", "local", "walk to", "close to home"),
    ),
    "Waiting": (
        "How long it takes to get a first meeting.",
        ("waited", "quickly", "months"),
    ),
}

# Statement: (theme behind it, detail)
FINDINGS: list[tuple[str, str, str]] = [
    (
        bids.FINDING_LIVED,
        "Lived experience",
        "Disabled adults and carers said advice from a disabled person who has found work "
        "helps more than a course or an adviser.",
    ),
    (
        bids.FINDING_KEEP,
        "Keeping a job",
        "People told us support often stops when a job starts, and that the first weeks are "
        "when jobs are lost.",
    ),
    (
        bids.FINDING_NEAR,
        "Accessible places near home",
        "People asked to meet in step-free places they already know, such as the library, "
        "without long journeys.",
    ),
    (
        bids.FINDING_QUICK,
        "Waiting",
        "Long waits for a first meeting put people off; some gave up.",
    ),
]


def _consultation(actor: User, project) -> tuple[Consultation, int, int]:
    """The closed consultation with its responses, built if missing, and how many of each
    were made."""
    consultation = Consultation.objects.filter(project=project, title=TITLE).first()
    made = 0
    if consultation is None:
        now = timezone.now().replace(second=0, microsecond=0)
        consultation = _build(
            actor,
            project,
            TITLE,
            INTRO,
            EASY_INTRO,
            SECTIONS,
            opens_at=now - dt.timedelta(days=150),
            closes_at=now + dt.timedelta(days=1),
        )
        made = 1
    responses = _responses(consultation, RESPONSES, seed=SEED, texts=(WORK_HELP, MEETING_PLACES))
    if consultation.status != ConsultationStatus.CLOSED:
        consultation = consultation_close(actor=actor, consultation=consultation)
    return consultation, made, responses


def load(users: dict[str, User]) -> dict[str, int]:
    """Create whatever part of the consultation and its findings is missing."""
    created = {
        "peer_support_consultations": 0,
        "peer_support_responses": 0,
        "peer_support_findings": 0,
    }
    officer = users.get(OFFICER)
    if officer is None:
        return created
    project = bids.published_project(users)
    consultation, made, responses = _consultation(officer, project)
    created["peer_support_consultations"] = made
    created["peer_support_responses"] = responses
    answers = list(codable_answers(consultation=consultation).values_list("pk", "text"))
    themes = {t.name: t for t in consultation.themes.all()}
    for name, (description, keywords) in THEMES.items():
        if name not in themes:
            themes[name] = theme_create(
                actor=officer, consultation=consultation, name=name, description=description
            )
        ids = [pk for pk, text in answers if any(k in text.lower() for k in keywords)]
        if ids:
            answers_tag(
                actor=officer, consultation=consultation, theme_id=themes[name].pk, answer_ids=ids
            )
    for statement, theme_name, detail in FINDINGS:
        theme = themes[theme_name]
        finding = Finding.objects.filter(consultation=consultation, statement=statement).first()
        if finding is None:
            if not theme.answers.exists():
                continue  # nothing to base it on in this copy of the demo
            finding = finding_create(
                actor=officer,
                consultation=consultation,
                data=FindingData(statement=statement, detail=detail, theme_ids=[theme.pk]),
            )
            created["peer_support_findings"] += 1
        if finding.published_at is not None:
            continue
        for answer in _quotes(theme, THEMES[theme_name][1], finding):
            finding_quote_add(actor=officer, finding=finding, answer_id=answer.pk, text=answer.text)
        finding_publish(actor=officer, finding=finding)
    return created
