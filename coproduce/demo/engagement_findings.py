"""Demo themes and published findings for the day opportunities consultation.

Built on the responses that ``engagement_consultation`` loads: free-text answers are
tagged by keyword, then five findings are published, each with two short quotes. All
through the services, so the audit trail shows the work. Idempotent: themes are found by
name, findings by statement; answers already tagged are left alone.
"""

from __future__ import annotations

from coproduce.foundation.accounts.models import User
from coproduce.understand.consultations.models import Consultation, Finding, ResponseStatus
from coproduce.understand.consultations.selectors_analysis import codable_answers
from coproduce.understand.consultations.services_analysis import (
    FindingData,
    answers_tag,
    finding_create,
    finding_publish,
    finding_quote_add,
    theme_create,
)

PROJECT_TITLE = "Day opportunities for adults with learning disabilities"
OFFICER = "commissioner@riverside.example"

# Theme name: (description, keywords matched in lower-cased answers)
THEMES: dict[str, tuple[str, tuple[str, ...]]] = {
    "Evenings and weekends": (
        "Wanting things to do outside weekday daytime hours.",
        ("evening", "weekend", "saturday", "sunday", "at night", "after 4", "after four"),
    ),
    "Transport and getting there": (
        "Buses, taxis, travel training and lifts.",
        ("bus", "transport", "taxi", "travel", "getting there", "lift ", "minibus"),
    ),
    "Paid work": (
        "Help to find and keep a paid job.",
        ("job", "paid", "pays me", "employment", "work experience", "wage", "career"),
    ),
    "Same staff": (
        "Keeping staff who know the person.",
        (
            "same staff",
            "keep the staff",
            "staff change",
            "new face",
            "new staff",
            "key worker",
            "familiar",
            "agency staff",
        ),
    ),
    "Changing Places toilets": (
        "Accessible toilets with hoists and changing benches.",
        ("changing places", "toilet", "hoist"),
    ),
    "Friends and company": (
        "Seeing friends, not being lonely.",
        ("friend", "lonely", "loneliness", "social"),
    ),
    "Cost": (
        "Charges and affordability.",
        ("cost", "afford", "charge", "expensive", "money"),
    ),
    "Easy read information": (
        "Information people can understand.",
        ("easy read", "easy-read", "pictures", "information"),
    ),
}

# Statement: (themes behind it, detail); quotes are the shortest different answers on the
# first theme that contain one of QUOTE_HINTS[statement].
FINDINGS: list[tuple[str, list[str], str]] = [
    (
        "People want activities in the evenings and at weekends",
        ["Evenings and weekends"],
        "Many people said their day ends too early and there is nothing to do at weekends.",
    ),
    (
        "Getting there is a barrier: people need reliable transport",
        ["Transport and getting there"],
        "Late or missing transport stops people taking part; some asked for travel training.",
    ),
    (
        "People want help to find paid work",
        ["Paid work"],
        "People asked for job coaching, work experience and help to keep a job.",
    ),
    (
        "Keep the same staff",
        ["Same staff"],
        "People feel safer and do more when they know the staff who support them.",
    ),
    (
        "We need more Changing Places toilets",
        ["Changing Places toilets"],
        "Without a Changing Places toilet some people cannot go out for a whole day.",
    ),
]

QUOTE_HINTS = {
    "People want activities in the evenings and at weekends": (
        "evening",
        "weekend",
        "saturday",
        "sunday",
    ),
    "Getting there is a barrier: people need reliable transport": ("bus", "transport"),
    "People want help to find paid work": ("job", "paid"),
    "Keep the same staff": ("staff",),
    "We need more Changing Places toilets": ("changing places", "toilet"),
}
QUOTES_PER_FINDING = 2
QUOTE_MAX_CHARS = 240


def _consultation() -> Consultation | None:
    """The demo consultation with the most sent responses on the day opportunities project."""
    candidates = Consultation.objects.filter(project__title=PROJECT_TITLE).order_by("pk")
    best, most = None, 0
    for c in candidates:
        n = c.responses.filter(status=ResponseStatus.SUBMITTED).count()
        if n > most:
            best, most = c, n
    return best


def _quotes(theme, hints: tuple[str, ...], finding: Finding) -> list:
    """The shortest answers on ``theme`` with one of ``hints``, each text once."""
    wanted = QUOTES_PER_FINDING - finding.quotes.count()
    taken = set(finding.quotes.values_list("text", flat=True))
    picked = []
    for answer in sorted(theme.answers.all(), key=lambda a: (len(a.text), a.pk)):
        if len(picked) >= wanted:
            break
        text = " ".join(answer.text.split())
        if len(text) > QUOTE_MAX_CHARS or text in taken:
            continue
        if hints and not any(h in text.lower() for h in hints):
            continue
        taken.add(text)
        picked.append(answer)
    return picked


def load(users: dict[str, User]) -> dict[str, int]:
    """Create the missing themes, tags, findings and quotes. Returns what was created."""
    created = {"themes": 0, "answers_tagged": 0, "findings": 0}
    consultation = _consultation()
    officer = users.get(OFFICER)
    if consultation is None or officer is None:
        return created
    answers = list(codable_answers(consultation=consultation).values_list("pk", "text"))
    themes = {t.name: t for t in consultation.themes.all()}
    for name, (description, keywords) in THEMES.items():
        if name not in themes:
            themes[name] = theme_create(
                actor=officer, consultation=consultation, name=name, description=description
            )
            created["themes"] += 1
        ids = [pk for pk, text in answers if any(k in text.lower() for k in keywords)]
        if ids:
            created["answers_tagged"] += answers_tag(
                actor=officer, consultation=consultation, theme_id=themes[name].pk, answer_ids=ids
            )
    for statement, theme_names, detail in FINDINGS:
        finding = Finding.objects.filter(consultation=consultation, statement=statement).first()
        theme_ids = [themes[n].pk for n in theme_names]
        if finding is None:
            if not themes[theme_names[0]].answers.exists():
                continue  # nothing to base it on in this copy of the demo
            finding = finding_create(
                actor=officer,
                consultation=consultation,
                data=FindingData(statement=statement, detail=detail, theme_ids=theme_ids),
            )
            created["findings"] += 1
        if finding.published_at is not None:
            continue
        for answer in _quotes(themes[theme_names[0]], QUOTE_HINTS.get(statement, ()), finding):
            finding_quote_add(actor=officer, finding=finding, answer_id=answer.pk, text=answer.text)
        finding_publish(actor=officer, finding=finding)
    return created
