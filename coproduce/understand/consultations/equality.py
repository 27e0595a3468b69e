"""The nine protected characteristics (Equality Act 2010) and the monitoring questions.

Pure data, no Django: every question offers "Prefer not to say". Categories for ethnicity
follow the ONS 2021 census high-level groups; age uses bands so nobody is identifiable.
"""

from __future__ import annotations

from dataclasses import dataclass

PREFER_NOT_TO_SAY = "prefer_not_to_say"


@dataclass(frozen=True)
class Characteristic:
    key: str
    label: str
    question: str
    easy_read: str
    options: tuple[tuple[str, str], ...]


def _with_pnts(*options: tuple[str, str]) -> tuple[tuple[str, str], ...]:
    return (*options, (PREFER_NOT_TO_SAY, "Prefer not to say"))


CHARACTERISTICS: tuple[Characteristic, ...] = (
    Characteristic(
        "age",
        "Age",
        "How old are you?",
        "How old are you?",
        _with_pnts(
            ("under_18", "Under 18"),
            ("18_24", "18 to 24"),
            ("25_34", "25 to 34"),
            ("35_44", "35 to 44"),
            ("45_54", "45 to 54"),
            ("55_64", "55 to 64"),
            ("65_74", "65 to 74"),
            ("75_plus", "75 or over"),
        ),
    ),
    Characteristic(
        "disability",
        "Disability",
        "Do you have a physical or mental health condition or illness that has lasted, or is "
        "expected to last, 12 months or more and affects your day-to-day activities?",
        "Do you have a disability or long-term health condition?",
        _with_pnts(("yes", "Yes"), ("no", "No")),
    ),
    Characteristic(
        "gender_reassignment",
        "Gender reassignment",
        "Is the gender you identify with the same as your sex registered at birth?",
        "Is your gender the same as the sex you were given when you were born?",
        _with_pnts(("yes", "Yes"), ("no", "No")),
    ),
    Characteristic(
        "marriage_civil_partnership",
        "Marriage and civil partnership",
        "Are you married or in a civil partnership?",
        "Are you married or in a civil partnership?",
        _with_pnts(("yes", "Yes"), ("no", "No")),
    ),
    Characteristic(
        "pregnancy_maternity",
        "Pregnancy and maternity",
        "Are you pregnant, or have you had a baby in the last 26 weeks?",
        "Are you pregnant, or did you have a baby in the last 6 months?",
        _with_pnts(("yes", "Yes"), ("no", "No")),
    ),
    Characteristic(
        "race",
        "Race (ethnic group)",
        "What is your ethnic group?",
        "What is your ethnic group?",
        _with_pnts(
            ("asian", "Asian or Asian British"),
            ("black", "Black, Black British, Caribbean or African"),
            ("mixed", "Mixed or multiple ethnic groups"),
            ("white", "White"),
            ("other", "Another ethnic group"),
        ),
    ),
    Characteristic(
        "religion_belief",
        "Religion or belief",
        "What is your religion or belief?",
        "What is your religion or belief?",
        _with_pnts(
            ("none", "No religion"),
            ("buddhist", "Buddhist"),
            ("christian", "Christian"),
            ("hindu", "Hindu"),
            ("jewish", "Jewish"),
            ("muslim", "Muslim"),
            ("sikh", "Sikh"),
            ("other", "Another religion or belief"),
        ),
    ),
    Characteristic(
        "sex",
        "Sex",
        "What is your sex?",
        "Are you female or male?",
        _with_pnts(("female", "Female"), ("male", "Male")),
    ),
    Characteristic(
        "sexual_orientation",
        "Sexual orientation",
        "Which of the following best describes your sexual orientation?",
        "Which of these describes you?",
        _with_pnts(
            ("heterosexual", "Straight or heterosexual"),
            ("gay_lesbian", "Gay or lesbian"),
            ("bisexual", "Bisexual"),
            ("other", "Another sexual orientation"),
        ),
    ),
)

BY_KEY = {c.key: c for c in CHARACTERISTICS}

# Any aggregate cell smaller than this is shown as "fewer than 5" everywhere.
SUPPRESSION_THRESHOLD = 5


def suppress(count: int) -> str:
    """A count as people may see it: exact from 5 up, otherwise "fewer than 5" (or 0)."""
    if count == 0:
        return "0"
    return str(count) if count >= SUPPRESSION_THRESHOLD else f"fewer than {SUPPRESSION_THRESHOLD}"
