"""The participation gap arithmetic, including that small numbers can never be worked out."""

from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from coproduce.understand.consultations.equality import BY_KEY, Characteristic
from coproduce.understand.equality import gap

AGE = BY_KEY["age"]
RACE = BY_KEY["race"]
SEX = BY_KEY["sex"]


def _groups(c: Characteristic) -> list[str]:
    return [k for k, _ in c.options if k != "prefer_not_to_say"]


def test_shares_exclude_prefer_not_to_say_and_flag_under_representation():
    counts = {"asian": 6, "black": 10, "mixed": 9, "white": 75, "other": 0, "prefer_not_to_say": 30}
    population = {"asian": 14.2, "black": 6.1, "mixed": 3.4, "white": 73.8, "other": 2.5}
    result = gap.characteristic_gap(RACE, counts, population, margin=5)
    rows = {g.key: g for g in result.groups}
    assert result.answered == 100
    assert result.prefer_not_to_say_text == "30"
    assert rows["asian"].respondent_pct == 6.0
    assert rows["asian"].difference == -8.2
    assert rows["asian"].under_represented
    assert not rows["black"].under_represented  # over-represented, not under
    assert rows["other"].count_text == "0"
    assert rows["other"].respondent_pct == 0.0
    assert not rows["other"].under_represented  # 2.5 points is within the margin


def test_sentence_names_groups_biggest_gap_first_in_plain_words():
    counts = {"age": {"18_24": 5, "25_34": 20, "35_44": 30, "45_54": 25, "55_64": 20}}
    population = {
        "age": {"under_18": 0, "18_24": 12, "25_34": 14, "35_44": 20, "45_54": 20, "55_64": 34}
    }
    sentence = gap.heard_less_from(gap.compare(counts, population, margin=5))
    assert sentence == [
        "people aged 55 to 64 (20% of respondents, 34% of residents)",
        "people aged 18 to 24 (5% of respondents, 12% of residents)",
    ]


def test_fewer_than_five_answers_show_only_a_note():
    result = gap.characteristic_gap(
        SEX, {"female": 2, "male": 2, "prefer_not_to_say": 9}, {"female": 51}
    )
    assert not result.shown
    assert result.groups == ()
    assert result.answered is None
    assert "Fewer than 5 people answered" in result.note


def test_a_single_small_group_is_protected_by_hiding_another():
    result = gap.characteristic_gap(SEX, {"female": 3, "male": 40}, {"female": 51, "male": 49})
    rows = {g.key: g for g in result.groups}
    assert rows["female"].count_text == "fewer than 5"
    assert rows["female"].respondent_pct is None
    assert rows["male"].count_text == "not shown"
    assert rows["male"].respondent_pct is None
    # 51% of residents but at most 4 of 43 respondents (9.3%): certainly under-represented.
    assert rows["female"].under_represented
    assert gap.heard_less_from([result]) == ["women (fewer than 5 respondents, 51% of residents)"]


def test_when_nothing_else_can_be_hidden_the_whole_characteristic_is_hidden():
    result = gap.characteristic_gap(SEX, {"female": 1, "male": 5}, {})
    assert not result.shown
    assert "could identify people" in result.note


counts_strategy = st.lists(st.integers(0, 60), min_size=8, max_size=8)
margins = st.floats(0, 50, allow_nan=False)


@given(counts_strategy, st.integers(0, 20))
def test_shown_shares_add_up_to_100_when_nothing_is_hidden(values, pnts):
    counts = dict(zip(_groups(AGE), values, strict=True)) | {"prefer_not_to_say": pnts}
    result = gap.characteristic_gap(AGE, counts, {})
    if result.shown and not any(g.hidden for g in result.groups):
        assert abs(sum(g.respondent_pct for g in result.groups) - 100) < 0.1 * len(result.groups)
        assert result.answered == sum(values)


@given(counts_strategy, st.lists(st.floats(0, 40), min_size=8, max_size=8), margins, margins)
def test_the_flag_never_appears_as_the_margin_grows(values, pops, m1, m2):
    low, high = sorted((m1, m2))
    counts = dict(zip(_groups(AGE), values, strict=True))
    population = dict(zip(_groups(AGE), pops, strict=True))
    flags_low = {
        g.key: g.under_represented
        for g in gap.characteristic_gap(AGE, counts, population, low).groups
    }
    flags_high = {
        g.key: g.under_represented
        for g in gap.characteristic_gap(AGE, counts, population, high).groups
    }
    for key, flagged in flags_high.items():
        assert not flagged or flags_low[key]


def _display(c: Characteristic, counts: dict[str, int]) -> tuple:
    """Everything a reader sees for one characteristic (the population figures aside)."""
    r = gap.characteristic_gap(c, counts, {}, 5)
    return (
        r.answered,
        r.note,
        r.prefer_not_to_say_text,
        tuple((g.count_text, g.respondent_pct) for g in r.groups),
    )


@given(counts_strategy)
def test_small_counts_never_appear_on_the_page(values):
    counts = dict(zip(_groups(AGE), values, strict=True))
    result = gap.characteristic_gap(AGE, counts, {"18_24": 10.0})
    for g in result.groups:
        if 1 <= counts[g.key] <= 4:
            assert g.count_text == "fewer than 5"
            assert g.respondent_pct is None
            assert g.difference is None
    for phrase in gap.heard_less_from([result]):
        assert not any(f"({n} respondents" in phrase for n in range(1, 5))


_TEST = Characteristic("t", "Test", "", "", (("a", "A"), ("b", "B"), ("c", "C")))
_MAX = 14
# Every page that answers of up to 13 people per group could produce, computed once.
_PAGES: dict[tuple, list[tuple[int, ...]]] = {}
for _v in itertools.product(range(_MAX), repeat=3):
    _PAGES.setdefault(_display(_TEST, dict(zip("abc", _v, strict=True))), []).append(_v)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.integers(0, 9), min_size=3, max_size=3))
def test_no_small_count_can_be_worked_out_from_the_page(values):
    """For every small count, another set of answers gives exactly the same page with a
    different value in that cell, so the page does not pin it down (checked by brute
    force over every possible set of answers, not by the rule the code uses)."""
    seen = _display(_TEST, dict(zip("abc", values, strict=True)))
    same = _PAGES[seen]
    for i, n in enumerate(values):
        if 1 <= n <= 4:
            assert {alt[i] for alt in same} != {n}, (values, i)
