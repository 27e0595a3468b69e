"""Demo consultations: an open one about day opportunities (with ~300 sent responses) and a
closed one about carers' breaks.

The consultations, sections and questions are made through the engagement services, as an
officer would. The sent responses are bulk demo data: made with ``bulk_create`` from a
seeded random generator (the same every time), without an audit row each. Loading twice
adds nothing: consultations are found by project and title, and responses are only made
for a consultation that has none.
"""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from coproduce.foundation.accounts.models import User
from coproduce.foundation.commissioning.models import CommissioningProject
from coproduce.understand.consultations import equality
from coproduce.understand.consultations.models import (
    Answer,
    AnswerOption,
    Consultation,
    EqualityMonitoringReturn,
    Response,
)
from coproduce.understand.consultations.services import (
    REFERENCE_ALPHABET,
    ConsultationData,
    QuestionData,
    consultation_close,
    consultation_create,
    consultation_publish,
    question_add,
    section_save,
)

COMMISSIONER = "commissioner@riverside.example"
DAY_PROJECT = "Day opportunities for adults with learning disabilities"
CARERS_PROJECT = "Carers’ breaks and support"

DAY_INTRO = (
    "Riverside Council pays for day opportunities for about 400 adults with learning "
    "disabilities: day centres, clubs, college courses, volunteering and help to find work. "
    "The contracts end in March 2027 and we are planning what comes next.\n\n"
    "We want to hear from people who use day opportunities, their families and carers, and "
    "the staff who support them. Tell us what works now, what does not, and what you would "
    "like instead.\n\n"
    "It takes about 10 minutes. You can save your answers and come back later. We will "
    "publish what people told us, and what we changed because of it, on the project page."
)
DAY_EASY_INTRO = (
    "We want to know what you like to do in the day.\n\n"
    "We pay for day centres, clubs and help to find a job.\n\n"
    "We are making plans for the future. Your ideas will help us.\n\n"
    "There are 9 questions. You can ask someone to help you.\n\n"
    "You can stop and come back later."
)

# (section title, easy-read title, [question kwargs…])
DAY_SECTIONS = [
    (
        "About you and your day now",
        "You and your day now",
        [
            {
                "kind": "single",
                "text": "Who are you answering as?",
                "required": True,
                "options": [
                    "I use day opportunities",
                    "A family member or unpaid carer",
                    "A paid support worker",
                    "Someone else",
                ],
                "easy_read_text": "Who are you?",
                "easy_read_options": [
                    "I go to day services",
                    "I am family or a carer",
                    "I am a support worker",
                    "Someone else",
                ],
            },
            {
                "kind": "multiple",
                "text": "What do you do in the day now?",
                "hint": "Select all that apply.",
                "options": [
                    "Go to a day centre",
                    "A college course",
                    "Volunteering",
                    "Paid work",
                    "Clubs and groups",
                    "Sport and exercise",
                    "I stay at home most days",
                ],
                "easy_read_text": "What do you do in the day?",
                "easy_read_options": [
                    "Day centre",
                    "College",
                    "Volunteering",
                    "A paid job",
                    "Clubs",
                    "Sport",
                    "I stay at home",
                ],
            },
            {
                "kind": "single",
                "text": "How do you usually get to your day activities?",
                "options": [
                    "Minibus or taxi arranged by the service",
                    "Bus or train",
                    "Someone gives me a lift",
                    "I walk or cycle",
                    "I do not go out for day activities",
                ],
                "easy_read_text": "How do you get there?",
                "easy_read_options": [
                    "Minibus or taxi",
                    "Bus or train",
                    "A lift",
                    "Walk or bike",
                    "I do not go",
                ],
            },
            {
                "kind": "rating",
                "text": "Overall, how good are your day activities now?",
                "required": True,
                "easy_read_text": "Are your day activities good?",
            },
        ],
    ),
    (
        "What matters to you",
        "What matters to you",
        [
            {
                "kind": "ranking",
                "text": "Put these in order of how important they are to you",
                "options": [
                    "Seeing my friends",
                    "Learning new skills",
                    "Help to find paid work",
                    "Activities in the evenings and at weekends",
                    "The same staff who know me",
                ],
                "easy_read_text": "What is most important to you? Put them in order.",
                "easy_read_options": [
                    "Friends",
                    "Learning",
                    "Getting a job",
                    "Evenings and weekends",
                    "Staff I know",
                ],
            },
            {
                "kind": "single",
                "text": "Would you use activities in the evenings or at weekends?",
                "options": ["Yes, often", "Sometimes", "No", "Not sure"],
                "easy_read_text": "Would you go to things in the evening or at the weekend?",
                "easy_read_options": ["Yes, a lot", "Sometimes", "No", "I don’t know"],
            },
            {
                "kind": "text",
                "text": "What would make your days better?",
                "hint": "For example, things you would like to do, places you would like to go, or help you need.",
                "required": True,
                "max_length": 2000,
                "easy_read_text": "What would make your days better?",
            },
        ],
    ),
    (
        "Anything else",
        "Anything else",
        [
            {
                "kind": "multiple",
                "text": "What stops you doing more of the things you want to do?",
                "options": [
                    "Transport",
                    "The cost",
                    "No Changing Places toilet nearby",
                    "Not enough staff to support me",
                    "I do not know what is on",
                    "I worry about being safe",
                ],
                "easy_read_text": "What stops you doing more?",
                "easy_read_options": [
                    "Getting there",
                    "Money",
                    "No toilet I can use",
                    "Not enough staff",
                    "I don’t know what is on",
                    "I feel unsafe",
                ],
            },
            {
                "kind": "text",
                "text": "Is there anything else you want to tell us?",
                "max_length": 2000,
                "easy_read_text": "Is there anything else you want to say?",
            },
        ],
    ),
]

# Free-text fragments, combined at random. Written as people say things, not as officers do.
BETTER_DAYS = [
    "I want to do things in the evening like my brother does, not just 10 till 3.",
    "Clubs at the weekend. Saturdays are really long and boring at home.",
    "More help to get a real job. I have done volunteering for six years and nobody pays me.",
    "A job coach who comes with me to work for the first few weeks.",
    "My son needs the same staff. Every time there is a new face he gets upset and won’t go.",
    "Keep the staff. He has had four key workers this year.",
    "I miss my friends from the old centre. We need somewhere to meet up.",
    "Cooking classes so I can make my own tea.",
    "Going swimming and to the gym with someone who knows me.",
    "The minibus picks her up at 8.15 and she doesn’t get to the centre till 10. That is too long.",
    "Better transport. The bus doesn’t go near the centre and taxis cost too much.",
    "Travel training so I can get the bus on my own.",
    "There is no Changing Places toilet in town so we can only go out for two hours.",
    "We need Changing Places toilets at the leisure centre and the library.",
    "Art and music. I like drumming.",
    "Going to the football on a Saturday with a supporter.",
    "Learning to use my phone and the internet safely.",
    "Courses at college that carry on after I am 25.",
    "A disco or a social club in the evening, somewhere safe.",
    "Gardening and being outside. The allotment project was brilliant.",
    "More choice. At the centre everyone does the same thing.",
    "Staff who listen to me and don’t talk over me.",
    "Help with money so I can pay for activities myself.",
    "Being part of the community, not in a building away from everyone.",
    "Proper breaks for us as carers. We are both in our seventies.",
    "Drama group. I want to be in a play.",
    "A café where people with learning disabilities get paid to work.",
    "Short breaks and holidays with friends.",
    "Sport like boccia and walking football.",
    "Dating and making friends. I am lonely in the evenings.",
]
ANYTHING_ELSE = [
    "Please ask us again before you decide.",
    "Thank you for asking us.",
    "Easy read letters please. I can’t read the long ones.",
    "The centre is like a second home for my daughter. Please don’t close it without something better.",
    "We need to know what is on. A list or a website in easy read.",
    "Staff are lovely but there are not enough of them.",
    "Personal budgets are too hard to sort out.",
    "My mum worries about me going out on my own.",
    "Make sure the new service works for people with high support needs too.",
    "Please involve self-advocates in choosing the provider.",
    "",
    "",
]

CARERS_TEXT = [
    "A sitting service at short notice, so I can go to my own hospital appointments.",
    "Overnight respite closer to home. The nearest is 20 miles away.",
    "Someone to ring when things get too much.",
    "Breaks that the person I care for actually enjoys, so I don’t feel guilty.",
    "Less paperwork. I filled in the same form three times.",
    "A carers’ group in the evening; I work in the day.",
    "Knowing what I am entitled to without having to fight for it.",
    "A few hours every week, not one long break a year.",
]

# Plausible spreads for the equality questions (option key → weight); "" = not answered.
EQUALITY_WEIGHTS = {
    "age": {
        "18_24": 18,
        "25_34": 24,
        "35_44": 16,
        "45_54": 14,
        "55_64": 12,
        "65_74": 9,
        "75_plus": 4,
        "prefer_not_to_say": 3,
    },
    "disability": {"yes": 70, "no": 22, "prefer_not_to_say": 8},
    "gender_reassignment": {"yes": 93, "no": 2, "prefer_not_to_say": 5},
    "marriage_civil_partnership": {"yes": 22, "no": 70, "prefer_not_to_say": 8},
    "pregnancy_maternity": {"yes": 2, "no": 90, "prefer_not_to_say": 8},
    "race": {"white": 68, "asian": 14, "black": 9, "mixed": 5, "other": 2, "prefer_not_to_say": 4},
    "religion_belief": {
        "none": 38,
        "christian": 40,
        "muslim": 9,
        "hindu": 4,
        "sikh": 2,
        "jewish": 1,
        "buddhist": 1,
        "other": 1,
        "prefer_not_to_say": 6,
    },
    "sex": {"female": 46, "male": 50, "prefer_not_to_say": 4},
    "sexual_orientation": {
        "heterosexual": 78,
        "gay_lesbian": 4,
        "bisexual": 3,
        "other": 2,
        "prefer_not_to_say": 13,
    },
}
assert set(EQUALITY_WEIGHTS) == {c.key for c in equality.CHARACTERISTICS}

CARERS_INTRO = (
    "We asked unpaid carers what kind of breaks help them most, and how easy it is to arrange "
    "them. This consultation has closed: thank you to everyone who answered."
)


def _pick(rng: random.Random, weights: dict[str, int]) -> str:
    keys = list(weights)
    return rng.choices(keys, weights=[weights[k] for k in keys])[0]


def _reference(rng: random.Random, taken: set[str]) -> str:
    while True:
        pick = "".join(rng.choice(REFERENCE_ALPHABET) for _ in range(8))
        ref = f"R-{pick[:4]}-{pick[4:]}"
        if ref not in taken:
            taken.add(ref)
            return ref


def _build(
    actor: User,
    project: CommissioningProject,
    title: str,
    intro: str,
    easy_intro: str,
    sections,
    *,
    opens_at,
    closes_at,
) -> Consultation:
    consultation = consultation_create(
        actor=actor,
        project=project,
        data=ConsultationData(
            title=title,
            intro=intro,
            easy_read_intro=easy_intro,
            opens_at=opens_at,
            closes_at=closes_at,
            equality_monitoring=True,
        ),
    )
    for section_title, easy_title, questions in sections:
        section = section_save(
            actor=actor, consultation=consultation, title=section_title, easy_read_title=easy_title
        )
        for q in questions:
            question_add(
                actor=actor,
                consultation=consultation,
                data=QuestionData(section_id=section.pk, **q),
            )
    return consultation_publish(actor=actor, consultation=consultation)


def _answer(
    rng: random.Random, question, options: list, texts: tuple[list[str], list[str]]
) -> tuple[dict, list[tuple[int, int | None]]]:
    """Fields for an Answer and (option id, rank) pairs, or ({}, []) to leave it blank."""
    if not question.required and rng.random() < 0.12:
        return {}, []
    if question.kind == "single":
        weights = [max(1, len(options) - i) for i in range(len(options))]
        return {"text": ""}, [(rng.choices(options, weights=weights)[0].pk, None)]
    if question.kind == "multiple":
        chosen = [o for o in options if rng.random() < 0.35] or [rng.choice(options)]
        return {}, [(o.pk, None) for o in chosen]
    if question.kind == "rating":
        return {"rating": rng.choices([1, 2, 3, 4, 5], weights=[8, 17, 30, 30, 15])[0]}, []
    if question.kind == "ranking":
        # Friends and evenings tend to come first; a little noise keeps it realistic.
        scored = sorted(options, key=lambda o: (o.position in (1, 4)) * -1.2 + rng.random() * 2)
        return {}, [(o.pk, rank) for rank, o in enumerate(scored, start=1)]
    pool = texts[0] if question.required else texts[1]
    text = " ".join(rng.sample(pool, rng.choice([1, 1, 2]))).strip()
    if not text:
        return {}, []
    return {"text": text[: question.max_length]}, []


def _responses(
    consultation: Consultation, count: int, seed: int, texts=(BETTER_DAYS, ANYTHING_ELSE)
) -> int:
    """``count`` sent responses with answers and equality returns, made in bulk."""
    if consultation.responses.exists():
        return 0
    rng = random.Random(seed)  # noqa: S311 - demo data, repeatable on purpose
    taken = set(Response.objects.values_list("reference", flat=True))
    questions = list(
        consultation.questions.prefetch_related("options").order_by("section__position", "position")
    )
    options = {q.pk: list(q.options.all()) for q in questions}
    start = consultation.opens_at
    span = max(1.0, (min(timezone.now(), consultation.closes_at) - start).total_seconds() - 60)
    responses = [
        Response(
            consultation=consultation,
            reference=_reference(rng, taken),
            submission_key=f"demo-{seed}-{i:04d}",
            status="submitted",
            easy_read=rng.random() < 0.25,
            submitted_at=start + dt.timedelta(seconds=rng.uniform(0, span)),
        )
        for i in range(count)
    ]
    responses = Response.objects.bulk_create(responses)
    if responses[0].pk is None:
        responses = list(consultation.responses.order_by("pk"))
    answers, picks = [], []
    for response in responses:
        for question in questions:
            fields, chosen = _answer(rng, question, options[question.pk], texts)
            if not fields and not chosen:
                continue
            answers.append(Answer(response=response, question=question, **fields))
            picks.append(chosen)
    answers = Answer.objects.bulk_create(answers, batch_size=1000)
    if answers and answers[0].pk is None:
        answers = list(Answer.objects.filter(response__consultation=consultation).order_by("pk"))
    AnswerOption.objects.bulk_create(
        [
            AnswerOption(answer=a, option_id=o, rank=r)
            for a, chosen in zip(answers, picks, strict=True)
            for o, r in chosen
        ],
        batch_size=2000,
    )
    returns = []
    for response in responses:
        if rng.random() < 0.65:
            values = {
                k: (_pick(rng, w) if rng.random() < 0.9 else "")
                for k, w in EQUALITY_WEIGHTS.items()
            }
            returns.append(
                EqualityMonitoringReturn(
                    consultation=consultation,
                    received_on=timezone.localdate(response.submitted_at),
                    **values,
                )
            )
    rng.shuffle(returns)  # stored in no order that could be matched back to responses
    EqualityMonitoringReturn.objects.bulk_create(returns, batch_size=1000)
    return len(responses)


def load(users: dict[str, User]) -> dict[str, int]:
    """Create the demo consultations and responses that are missing. Returns counts made."""
    created = {"consultations": 0, "consultation_responses": 0}
    actor = users[COMMISSIONER]
    now = timezone.now().replace(second=0, microsecond=0)
    day = CommissioningProject.objects.filter(title=DAY_PROJECT).first()
    if day is not None:
        consultation = Consultation.objects.filter(project=day, title=DAY_PROJECT).first()
        if consultation is None:
            consultation = _build(
                actor,
                day,
                DAY_PROJECT,
                DAY_INTRO,
                DAY_EASY_INTRO,
                DAY_SECTIONS,
                opens_at=now - dt.timedelta(days=21),
                closes_at=now + dt.timedelta(days=42),
            )
            created["consultations"] += 1
        created["consultation_responses"] += _responses(consultation, 300, seed=2026)
    carers = CommissioningProject.objects.filter(title=CARERS_PROJECT).first()
    title = "Carers’ breaks: what helps you?"
    if carers is not None and not Consultation.objects.filter(project=carers, title=title).exists():
        sections = [
            (
                "Breaks",
                "Breaks",
                [
                    {
                        "kind": "multiple",
                        "text": "Which breaks have you used in the last year?",
                        "options": [
                            "Day care for the person I care for",
                            "Overnight respite",
                            "A sitting service",
                            "Holidays or short breaks",
                            "None",
                        ],
                        "easy_read_text": "Which breaks did you have this year?",
                    },
                    {
                        "kind": "rating",
                        "text": "How easy is it to arrange a break?",
                        "required": True,
                        "easy_read_text": "Is it easy to get a break?",
                    },
                    {
                        "kind": "text",
                        "text": "What would help you most?",
                        "required": True,
                        "max_length": 1500,
                        "easy_read_text": "What would help you?",
                    },
                ],
            )
        ]
        consultation = _build(
            actor,
            carers,
            title,
            CARERS_INTRO,
            "",
            sections,
            opens_at=now - dt.timedelta(days=120),
            closes_at=now + dt.timedelta(days=1),
        )
        created["consultations"] += 1
        created["consultation_responses"] += _responses(
            consultation, 40, seed=77, texts=(CARERS_TEXT, [])
        )
        consultation_close(actor=actor, consultation=consultation)
    return created
