"""Participation gap arithmetic: who answered, compared with who lives in the area.

Pure Python, no Django, so it can be property-tested on its own. The input is, per
protected characteristic, how many equality monitoring returns chose each group (plus
"prefer not to say") and the area's population share of each group in percent.

Small numbers are never shown. A group chosen by 1 to 4 people is shown as "fewer than 5"
with no percentage (a percentage and a total would give the count back). Because the
total who answered is shown, hiding one small group is not enough: the total minus the
groups that are shown would give it back. So the smallest other group is hidden too
("not shown"), and if a hidden count could still be worked out from what is on the page,
the whole characteristic is hidden. If fewer than 5 people answered a question at
all, nothing is shown for it but a note.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from coproduce.understand.consultations.equality import (
    CHARACTERISTICS,
    PREFER_NOT_TO_SAY,
    SUPPRESSION_THRESHOLD,
    Characteristic,
    suppress,
)

DEFAULT_MARGIN = 5.0
NOT_SHOWN = "not shown"


@dataclass(frozen=True)
class GroupGap:
    """One group's line in the comparison. Hidden groups carry no count or percentage."""

    key: str
    label: str
    count_text: str  # what people see: "12", "0", "fewer than 5" or "not shown"
    respondent_pct: float | None  # None when the count is hidden
    population_pct: float | None  # None when the profile has no figure for the group
    difference: float | None  # respondent_pct - population_pct, in percentage points
    under_represented: bool

    @property
    def hidden(self) -> bool:
        return self.respondent_pct is None


@dataclass(frozen=True)
class CharacteristicGap:
    """The comparison for one characteristic, or only a note when numbers are too small."""

    key: str
    label: str
    answered: int | None  # people who chose a group (not "prefer not to say"); None if hidden
    prefer_not_to_say_text: str
    groups: tuple[GroupGap, ...]
    note: str = ""

    @property
    def shown(self) -> bool:
        return not self.note


def _feasible_ranges(
    counts: Mapping[str, int], hidden: Sequence[str], secondary: set[str], total: int
) -> dict[str, tuple[int, int]]:
    """What a reader who knows these rules could deduce about each hidden count.

    A reader sees the total and every shown count, and knows that a "fewer than 5" count
    is 1 to 4 and that the "not shown" group is at least 5 and comes first when the
    groups anyone chose are sorted by count, then by their order on the form.
    """
    order = list(counts)
    bounds = {k: (1, SUPPRESSION_THRESHOLD - 1) for k in hidden if k not in secondary}
    for s in secondary:
        ceiling = total
        for k, c in counts.items():
            if k not in hidden and c > 0:
                ceiling = min(ceiling, c if order.index(k) > order.index(s) else c - 1)
        bounds[s] = (SUPPRESSION_THRESHOLD, ceiling)
    rest = total - sum(c for k, c in counts.items() if k not in hidden)
    ranges = {}
    for k in hidden:
        others_low = sum(lo for j, (lo, _) in bounds.items() if j != k)
        others_high = sum(hi for j, (_, hi) in bounds.items() if j != k)
        lo, hi = bounds[k]
        ranges[k] = (max(lo, rest - others_high), min(hi, rest - others_low))
    return ranges


def hidden_groups(counts: Mapping[str, int]) -> tuple[set[str], set[str]] | None:
    """(small groups, the group hidden to protect them), or None to hide everything.

    Whenever a group is small, the smallest other group that anyone chose is hidden too,
    always (if it were hidden only when needed, hiding it would itself give the small
    numbers away). If a hidden count could still be pinned down, everything is hidden.
    """
    total = sum(counts.values())
    small = {k for k, c in counts.items() if 0 < c < SUPPRESSION_THRESHOLD}
    if not small:
        return set(), set()
    order = list(counts)
    candidates = sorted(
        (k for k, c in counts.items() if k not in small and c > 0),
        key=lambda k: (counts[k], order.index(k)),
    )
    secondary = set(candidates[:1])
    ranges = _feasible_ranges(counts, [*small, *secondary], secondary, total)
    if all(lo < hi for lo, hi in ranges.values()):
        return small, secondary
    return None


def _pct(part: int, whole: int) -> float:
    return round(100.0 * part / whole, 1)


def characteristic_gap(
    characteristic: Characteristic,
    counts: Mapping[str, int],
    population: Mapping[str, float],
    margin: float = DEFAULT_MARGIN,
) -> CharacteristicGap:
    """Compare one characteristic's answers with the population.

    ``counts`` maps option keys (including "prefer_not_to_say") to how many returns chose
    each; blanks are simply absent. Shares are of the people who chose a group, so
    "prefer not to say" and blanks are left out of the denominator.
    """
    groups = [(k, label) for k, label in characteristic.options if k != PREFER_NOT_TO_SAY]
    group_counts = {k: int(counts.get(k, 0)) for k, _ in groups}
    answered = sum(group_counts.values())
    pnts_text = suppress(int(counts.get(PREFER_NOT_TO_SAY, 0)))
    if answered < SUPPRESSION_THRESHOLD:
        return CharacteristicGap(
            characteristic.key,
            characteristic.label,
            None,
            pnts_text,
            (),
            note=f"Fewer than {SUPPRESSION_THRESHOLD} people answered this question, "
            "so nothing is shown for it.",
        )
    hidden = hidden_groups(group_counts)
    if hidden is None:
        return CharacteristicGap(
            characteristic.key,
            characteristic.label,
            None,
            pnts_text,
            (),
            note="Some groups are so small that any figures could identify people, "
            "so nothing is shown for this question.",
        )
    small, secondary = hidden
    rows = []
    for key, label in groups:
        count = group_counts[key]
        pop = population.get(key)
        pop = None if pop is None else round(float(pop), 1)
        if key in small or key in secondary:
            text = suppress(count) if key in small else NOT_SHOWN
            # Its share is at most 4 in ``answered``, which says nothing about the count.
            flag = (
                pop is not None
                and key in small
                and pop - 100.0 * (SUPPRESSION_THRESHOLD - 1) / answered > margin
            )
            rows.append(GroupGap(key, label, text, None, pop, None, flag))
            continue
        share = _pct(count, answered)
        diff = None if pop is None else round(share - pop, 1)
        rows.append(
            GroupGap(key, label, str(count), share, pop, diff, diff is not None and -diff > margin)
        )
    return CharacteristicGap(
        characteristic.key, characteristic.label, answered, pnts_text, tuple(rows)
    )


def compare(
    counts: Mapping[str, Mapping[str, int]],
    population: Mapping[str, Mapping[str, float]],
    margin: float = DEFAULT_MARGIN,
    characteristics: Sequence[Characteristic] = CHARACTERISTICS,
) -> list[CharacteristicGap]:
    """The comparison for every characteristic, in the order of the monitoring form."""
    return [
        characteristic_gap(c, counts.get(c.key, {}), population.get(c.key, {}), margin)
        for c in characteristics
    ]


_PHRASES = {
    ("disability", "yes"): "disabled people",
    ("disability", "no"): "people without a disability",
    ("gender_reassignment", "no"): "trans people",
    ("gender_reassignment", "yes"): "people whose gender is the same as at birth",
    ("marriage_civil_partnership", "yes"): "married people and civil partners",
    ("marriage_civil_partnership", "no"): "people who are not married or in a civil partnership",
    ("pregnancy_maternity", "yes"): "people who are pregnant or have a new baby",
    ("pregnancy_maternity", "no"): "people who are not pregnant and have no new baby",
    ("race", "asian"): "Asian or Asian British people",
    ("race", "black"): "Black, Black British, Caribbean or African people",
    ("race", "mixed"): "people of mixed or multiple ethnic groups",
    ("race", "white"): "White people",
    ("race", "other"): "people of another ethnic group",
    ("religion_belief", "none"): "people with no religion",
    ("religion_belief", "other"): "people of another religion or belief",
    ("sex", "female"): "women",
    ("sex", "male"): "men",
    ("sexual_orientation", "heterosexual"): "straight people",
    ("sexual_orientation", "gay_lesbian"): "gay men and lesbians",
    ("sexual_orientation", "bisexual"): "bisexual people",
    ("sexual_orientation", "other"): "people of another sexual orientation",
}


def describe_group(characteristic_key: str, group: GroupGap) -> str:
    """The group in words that fit "You have heard less from: …"."""
    phrase = _PHRASES.get((characteristic_key, group.key))
    if phrase:
        return phrase
    if characteristic_key == "age":
        return f"people aged {group.label.lower()}"
    if characteristic_key == "religion_belief":
        return f"{group.label} people"
    return f"people who answered “{group.label}”"


def _fmt(value: float) -> str:
    return f"{value:.0f}%" if abs(value - round(value)) < 0.05 else f"{value:.1f}%"


def heard_less_from(gaps: Sequence[CharacteristicGap]) -> list[str]:
    """One phrase per under-represented group, biggest gap first, counts never revealed."""
    items = []
    for gap in gaps:
        for g in gap.groups:
            if not g.under_represented or g.population_pct is None:
                continue
            if g.respondent_pct is None:
                heard = f"{g.count_text} respondents"
                size = g.population_pct
            else:
                heard = f"{_fmt(g.respondent_pct)} of respondents"
                size = -(g.difference or 0.0)
            items.append(
                (
                    -size,
                    f"{describe_group(gap.key, g)} ({heard}, "
                    f"{_fmt(g.population_pct)} of residents)",
                )
            )
    return [text for _, text in sorted(items, key=lambda t: t[0])]
