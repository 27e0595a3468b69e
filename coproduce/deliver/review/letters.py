"""The notice letters about a service ending: plain and easy read, to the people using the
service and to the provider. Rendering only (no writes): every line is drawn from the
decommissioning, its decision and its transition plan, so the letters always say what the
records say.

Easy read lines carry an OpenMoji picture (``static/review/openmoji/``) with a text
alternative; each line holds one idea in short words.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

from coproduce.foundation.core.formatting import uk_date

from .models import Decommissioning, TransitionGroup

PICTURES = {
    "hello": ("1f44b", "A hand waving hello"),
    "end": ("1f3c1", "A finish flag"),
    "why": ("2753", "A question mark"),
    "calendar": ("1f4c5", "A calendar"),
    "where": ("27a1", "An arrow pointing on"),
    "help": ("1f91d", "Two hands shaking"),
    "phone": ("1f4de", "A telephone"),
    "letter": ("2709", "An envelope"),
    "home": ("1f3e0", "A house"),
    "write": ("1f4dd", "A page being written"),
}


@dataclass(frozen=True)
class EasyLine:
    picture: str  # the file name under review/openmoji/
    alt: str
    text: str


def _line(key: str, text: str) -> EasyLine:
    code, alt = PICTURES[key]
    return EasyLine(picture=f"review/openmoji/{code}.svg", alt=alt, text=text)


@dataclass(frozen=True)
class Letter:
    """One letter: a heading, paragraphs and the transition plan, plain words."""

    heading: str
    greeting: str
    paragraphs: list[str]
    groups: list[TransitionGroup]
    contact: str
    signed: str


def _contact(d: Decommissioning) -> str:
    return f"{d.contact_name}: {d.contact_details}" if d.contact_details else d.contact_name


def users_letter(d: Decommissioning, groups: list[TransitionGroup]) -> Letter:
    """The letter to the people using the service."""
    title = d.contract.title if d.contract else d.project.title
    paragraphs = [
        f"We are writing to tell you that the council has decided to stop the service "
        f"“{title}”. It will end on {uk_date(d.service_ends_on)}.",
        f"We are giving {d.notice_months} months' notice from {uk_date(d.notice_given_on)}, "
        "so that there is time to find the right support for everyone who uses it. Nothing "
        f"will stop before {uk_date(d.notice_ends_on)}.",
        f"Why we decided this: {d.decision.reasons}",
    ]
    if d.message_to_users:
        paragraphs.append(d.message_to_users)
    if d.equality_summary:
        paragraphs.append(
            "Before deciding, we looked at how ending the service affects people with "
            f"protected characteristics (disabled people, older people and others). {d.equality_summary}"
        )
    return Letter(
        heading=f"The service “{title}” is ending",
        greeting="Dear person who uses this service,",
        paragraphs=paragraphs,
        groups=groups,
        contact=_contact(d),
        signed=settings.COUNCIL_NAME,
    )


def provider_letter(d: Decommissioning, groups: list[TransitionGroup]) -> Letter:
    """The formal notice to the provider holding the contract."""
    c = d.contract
    paragraphs = [
        f"This letter gives notice that contract {c.reference} “{c.title}” will end on "
        f"{uk_date(d.service_ends_on)}.",
        f"The notice period is {d.notice_months} months, from {uk_date(d.notice_given_on)} "
        f"to {uk_date(d.notice_ends_on)}. The service must continue as agreed until its last "
        "day, and nothing ends before the notice period is over.",
        f"The council decided this after review {d.decision.review.reference}. The reasons, "
        f"which are published: {d.decision.reasons}",
        "We will work with you on the transition plan below, so that everyone who uses the "
        "service knows where they will go and has help to get there. Please tell us "
        "straight away about anyone the plan does not yet cover.",
    ]
    if d.equality_summary:
        paragraphs.append(f"The equality impact assessment found: {d.equality_summary}")
    return Letter(
        heading=f"Notice that contract {c.reference} is ending",
        greeting=f"Dear {c.provider.name},",
        paragraphs=paragraphs,
        groups=groups,
        contact=_contact(d),
        signed=settings.COUNCIL_NAME,
    )


def users_easy_read(d: Decommissioning, groups: list[TransitionGroup]) -> list[EasyLine]:
    """The easy read letter to the people using the service: one idea a line, a picture each."""
    title = d.contract.title if d.contract else d.project.title
    lines = [
        _line("hello", f"This letter is about the service “{title}”."),
        _line("end", f"The service will stop on {uk_date(d.service_ends_on)}."),
        _line(
            "calendar",
            f"We are telling you now. That gives you {d.notice_months} months to get ready.",
        ),
        _line(
            "why",
            d.easy_read_message
            or "The council looked at how well the service worked. It decided to stop it. "
            "The longer letter says why.",
        ),
    ]
    for g in groups:
        lines.append(_line("where", f"{g.who}: you will go to {g.destination}"))
        lines.append(_line("calendar", f"This will happen by {uk_date(g.by_when)}."))
        lines.append(_line("help", f"{g.responsible} will help you with this."))
    lines.append(_line("phone", f"Questions? Ask {_contact(d)}."))
    return lines


def provider_easy_read(d: Decommissioning, groups: list[TransitionGroup]) -> list[EasyLine]:
    """The easy read notice to the provider (for user-led and small organisations)."""
    c = d.contract
    lines = [
        _line("letter", f"This letter is for {c.provider.name}."),
        _line("end", f"Your contract {c.reference} will stop on {uk_date(d.service_ends_on)}."),
        _line(
            "calendar",
            f"This is {d.notice_months} months' notice. Please keep running the service until then.",
        ),
        _line(
            "why",
            "The council reviewed the service and decided to stop it. The longer letter says why.",
        ),
        _line("help", "We will work with you so that everyone has somewhere to go."),
    ]
    for g in groups:
        lines.append(_line("where", f"{g.who} will go to {g.destination} by {uk_date(g.by_when)}."))
    lines.append(_line("phone", f"Questions? Ask {_contact(d)}."))
    return lines
