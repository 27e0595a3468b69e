"""The rules at their boundaries, with every number read from the seeded table.

The rules table is seeded by a data migration, so these tests see the same values a
fresh installation does. No threshold, period or percentage is written into a test: each
is looked up with ``rulebook_on`` and the boundary is built around it.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coproduce.foundation.core.errors import ServiceError
from coproduce.foundation.core.models import AuditEvent
from coproduce.plan.procurement_rules import advisor, keys
from coproduce.plan.procurement_rules.models import BankHoliday
from coproduce.plan.procurement_rules.selectors import (
    Case,
    add_working_days,
    advice_for,
    amendment_minimum_deadline,
    bank_holidays,
    check_publication,
    minimum_deadline,
    rulebook_on,
    standstill_end,
)
from coproduce.plan.procurement_rules.services import bank_holiday_add, rule_add

UK = zoneinfo.ZoneInfo("Europe/London")
DAY = dt.date(2026, 6, 1)  # a Monday with the 2026 thresholds in force

pytestmark = pytest.mark.django_db


def _options(case: Case) -> dict[str, advisor.RouteOption]:
    return {o.key: o for o in advice_for(case).options}


def _deadline(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(17, 0), tzinfo=UK)


def _publish_check(**overrides):
    values = {
        "value_pence": 10_000_00,
        "light_touch": False,
        "route": "open",
        "reserved_for": "",
        "route_justification": "",
        "publish_on": DAY,
        "deadline": _deadline(DAY + dt.timedelta(days=60)),
        "planned_notice_on": None,
    }
    values.update(overrides)
    return check_publication(**values)


# --- Thresholds ---------------------------------------------------------------------------


@pytest.mark.parametrize("light_touch", [False, True])
def test_reservation_for_small_organisations_allowed_one_penny_under_the_threshold(light_touch):
    key = keys.THRESHOLD_LIGHT_TOUCH if light_touch else keys.THRESHOLD_GOODS_SERVICES
    threshold = rulebook_on(DAY).value(key)
    options = _options(Case(value_pence=threshold - 1, light_touch=light_touch, publish_on=DAY))
    assert options["sme_vcse"].allowed
    assert options["local"].allowed
    assert (
        _publish_check(value_pence=threshold - 1, light_touch=light_touch, reserved_for="sme_vcse")
        == []
    )


@pytest.mark.parametrize("light_touch", [False, True])
@pytest.mark.parametrize("over", [0, 1])
def test_reservation_for_small_organisations_refused_at_and_one_penny_over_the_threshold(
    light_touch, over
):
    key = keys.THRESHOLD_LIGHT_TOUCH if light_touch else keys.THRESHOLD_GOODS_SERVICES
    threshold = rulebook_on(DAY).value(key)
    options = _options(Case(value_pence=threshold + over, light_touch=light_touch, publish_on=DAY))
    assert not options["sme_vcse"].allowed
    assert not options["local"].allowed
    assert options["sme_vcse"].code == "reserved_over_threshold"
    breaches = _publish_check(
        value_pence=threshold + over, light_touch=light_touch, reserved_for="sme_vcse"
    )
    assert [b.code for b in breaches] == ["reserved_over_threshold"]
    assert breaches[0].field == "reserved_for"
    assert breaches[0].rule.key == key
    # The message names the rule and its source.
    assert key in breaches[0].message
    assert breaches[0].rule.source_title in breaches[0].message


def test_open_restricted_and_supported_business_routes_are_allowed_either_side_of_the_threshold():
    threshold = rulebook_on(DAY).value(keys.THRESHOLD_GOODS_SERVICES)
    for value in (threshold - 1, threshold + 1):
        options = _options(Case(value_pence=value, publish_on=DAY))
        assert options["open"].allowed
        assert options["restricted"].allowed
        assert options["supported_business"].allowed
    below = _options(Case(value_pence=threshold - 1, publish_on=DAY))
    assert "simpler process" in " ".join(below["open"].reasons)


def test_threshold_used_is_the_one_in_force_on_the_publication_day():
    old = rulebook_on(dt.date(2025, 12, 31)).value(keys.THRESHOLD_GOODS_SERVICES)
    new = rulebook_on(dt.date(2026, 1, 1)).value(keys.THRESHOLD_GOODS_SERVICES)
    assert new < old  # the 2026 revision lowered it
    between = new + (old - new) // 2
    before = _options(Case(value_pence=between, publish_on=dt.date(2025, 12, 31)))
    after = _options(Case(value_pence=between, publish_on=dt.date(2026, 1, 1)))
    assert before["sme_vcse"].allowed
    assert not after["sme_vcse"].allowed


def test_adding_a_rule_version_changes_the_outcome_from_its_effective_date(platform_admin):
    current = rulebook_on(DAY).rule(keys.THRESHOLD_GOODS_SERVICES)
    start = dt.date(2028, 1, 1)
    lower = current.value - 10_000_00
    value = lower + 1  # under today's threshold, over the new one
    assert _options(Case(value_pence=value, publish_on=start))["sme_vcse"].allowed
    rule_add(
        actor=platform_admin,
        key=keys.THRESHOLD_GOODS_SERVICES,
        route="",
        value=lower,
        unit="pence",
        effective_from=start,
        label=current.label,
        source_title="Threshold regulations 2027 (test)",
        source_url="https://www.legislation.gov.uk/",
        note="",
    )
    assert _options(Case(value_pence=value, publish_on=start - dt.timedelta(days=1)))[
        "sme_vcse"
    ].allowed
    assert not _options(Case(value_pence=value, publish_on=start))["sme_vcse"].allowed
    assert (
        rulebook_on(start)
        .rule(keys.THRESHOLD_GOODS_SERVICES)
        .source_title.startswith("Threshold regulations 2027")
    )
    assert AuditEvent.objects.filter(verb="routes.rule.added").exists()


def test_supported_business_route_is_allowed_at_any_value_but_needs_the_minimum_workforce():
    minimum = rulebook_on(DAY).value(keys.RESERVED_SUPPORTED_BUSINESS_MIN_PERCENT)
    big = rulebook_on(DAY).value(keys.THRESHOLD_GOODS_SERVICES) * 10
    ok = _options(Case(value_pence=big, publish_on=DAY, workforce_percent=minimum))
    short = _options(Case(value_pence=big, publish_on=DAY, workforce_percent=minimum - 1))
    assert ok["supported_business"].allowed
    assert "combined workforce" in " ".join(ok["supported_business"].reasons)
    assert not short["supported_business"].allowed
    assert short["supported_business"].code == "workforce_below_minimum"


def test_single_source_without_a_justification_is_refused():
    breaches = _publish_check(route="single_source", route_justification="  ")
    assert [b.code for b in breaches] == ["justification_required"]
    assert breaches[0].field == "route_justification"
    assert breaches[0].rule.key == keys.SINGLE_SOURCE_JUSTIFICATION_REQUIRED
    assert _publish_check(route="single_source", route_justification="Only provider.") == []


def test_reserved_route_without_saying_for_whom_is_refused():
    breaches = _publish_check(route="reserved", reserved_for="")
    assert [b.code for b in breaches] == ["reservation_required"]


def test_local_reservation_was_not_allowed_before_the_order_came_in():
    book_day = dt.date(2025, 6, 2)
    assert rulebook_on(book_day).value(keys.RESERVED_LOCAL_BELOW_THRESHOLD_ALLOWED) == 0
    options = _options(Case(value_pence=100, publish_on=book_day))
    assert not options["local"].allowed
    assert options["sme_vcse"].allowed


def test_a_negative_value_is_a_breach():
    assert [b.code for b in _publish_check(value_pence=-1)] == ["negative_value"]


# --- Time to bid ----------------------------------------------------------------------------


def test_a_closing_date_exactly_at_the_minimum_is_allowed_and_one_day_short_is_not():
    days = rulebook_on(DAY).value(keys.TENDER_PERIOD_MINIMUM_DAYS)
    earliest, rules = minimum_deadline(publish_on=DAY, planned_notice_on=None, light_touch=False)
    assert earliest == DAY + dt.timedelta(days=days)
    assert [r.key for r in rules] == [keys.TENDER_PERIOD_MINIMUM_DAYS]
    assert _publish_check(deadline=_deadline(earliest)) == []
    breaches = _publish_check(deadline=_deadline(earliest - dt.timedelta(days=1)))
    assert [b.code for b in breaches] == ["deadline_too_soon"]
    assert breaches[0].field == "deadline"
    assert breaches[0].rule.key == keys.TENDER_PERIOD_MINIMUM_DAYS


def test_a_deadline_just_after_midnight_uk_time_counts_as_that_uk_day():
    earliest, _ = minimum_deadline(publish_on=DAY, planned_notice_on=None, light_touch=False)
    # 23:30 UTC the day before is 00:30 on the earliest day in British Summer Time.
    moment = dt.datetime.combine(earliest - dt.timedelta(days=1), dt.time(23, 30), tzinfo=dt.UTC)
    assert _publish_check(deadline=moment) == []


@pytest.mark.parametrize(
    ("which", "offset", "reduced"),
    [
        (keys.PLANNED_NOTICE_EARLIEST_DAYS_BEFORE, -1, False),  # 39 days before
        (keys.PLANNED_NOTICE_EARLIEST_DAYS_BEFORE, 0, True),  # 40 days before
        (keys.PLANNED_NOTICE_LATEST_DAYS_BEFORE, 0, True),  # 365 days before
        (keys.PLANNED_NOTICE_LATEST_DAYS_BEFORE, 1, False),  # 366 days before
    ],
)
def test_the_reduced_period_needs_a_planned_notice_between_the_earliest_and_latest_days(
    which, offset, reduced
):
    book = rulebook_on(DAY)
    gap = book.value(which) + offset
    earliest, rules = minimum_deadline(
        publish_on=DAY, planned_notice_on=DAY - dt.timedelta(days=gap), light_touch=False
    )
    expected_key = (
        keys.TENDER_PERIOD_REDUCED_MINIMUM_DAYS if reduced else keys.TENDER_PERIOD_MINIMUM_DAYS
    )
    assert earliest == DAY + dt.timedelta(days=book.value(expected_key))
    assert (keys.TENDER_PERIOD_REDUCED_MINIMUM_DAYS in [r.key for r in rules]) is reduced


def test_light_touch_uses_the_council_policy_period_when_the_law_sets_none():
    book = rulebook_on(DAY)
    assert book.value(keys.TENDER_PERIOD_LIGHT_TOUCH_MINIMUM_APPLIES) == 0
    earliest, rules = minimum_deadline(
        publish_on=DAY, planned_notice_on=DAY - dt.timedelta(days=100), light_touch=True
    )
    assert earliest == DAY + dt.timedelta(
        days=book.value(keys.TENDER_PERIOD_LIGHT_TOUCH_POLICY_DAYS)
    )
    assert keys.TENDER_PERIOD_LIGHT_TOUCH_POLICY_DAYS in [r.key for r in rules]


def test_after_an_amendment_the_minimum_days_left_come_from_the_table():
    earliest, rules = amendment_minimum_deadline(amended_on=DAY)
    assert earliest == DAY + dt.timedelta(
        days=rulebook_on(DAY).value(keys.AMENDMENT_MINIMUM_DAYS_LEFT)
    )
    assert rules[0].key == keys.AMENDMENT_MINIMUM_DAYS_LEFT


def test_a_missing_rule_is_a_coded_error():
    with pytest.raises(ServiceError) as info:
        rulebook_on(dt.date(2020, 1, 1)).value(keys.TENDER_PERIOD_MINIMUM_DAYS)
    assert info.value.code == "rule_missing"


# --- Standstill and working days --------------------------------------------------------------


def test_standstill_across_the_easter_2026_bank_holiday_weekend():
    assert rulebook_on(dt.date(2026, 4, 1)).value(keys.STANDSTILL_WORKING_DAYS) == 8
    # Wednesday 1 April counts as day 1; Good Friday 3 and Easter Monday 6 April do not.
    assert standstill_end(decision_on=dt.date(2026, 4, 1), light_touch=False) == dt.date(
        2026, 4, 14
    )


def test_standstill_across_christmas_and_new_year_2026():
    # 25 Dec is a Friday, Boxing Day moves to Monday 28, and 1 January 2027 is a Friday.
    assert standstill_end(decision_on=dt.date(2026, 12, 23), light_touch=False) == dt.date(
        2027, 1, 6
    )


def test_standstill_published_on_a_weekend_starts_counting_on_the_next_working_day():
    saturday = dt.date(2026, 6, 6)
    friday = standstill_end(decision_on=saturday, light_touch=False)
    monday = standstill_end(decision_on=dt.date(2026, 6, 8), light_touch=False)
    assert friday == monday


def test_no_standstill_is_required_for_light_touch_services():
    assert rulebook_on(DAY).value(keys.STANDSTILL_LIGHT_TOUCH_REQUIRED) == 0
    assert standstill_end(decision_on=DAY, light_touch=True) is None


def test_no_standstill_is_required_below_the_threshold_when_the_value_is_given():
    threshold = rulebook_on(DAY).value(keys.THRESHOLD_GOODS_SERVICES)
    assert standstill_end(decision_on=DAY, light_touch=False, value_pence=threshold - 1) is None
    assert standstill_end(decision_on=DAY, light_touch=False, value_pence=threshold) is not None


def test_a_new_bank_holiday_is_used_by_the_next_calculation(platform_admin):
    start = dt.date(2028, 6, 5)  # Monday
    before = add_working_days(start, 1)
    bank_holiday_add(actor=platform_admin, date=before, name="One-off holiday")
    assert add_working_days(start, 1) == before + dt.timedelta(days=1)


def test_seeded_bank_holidays_match_the_england_and_wales_rules_2024_to_2028():
    seeded = {h.date: h.name for h in BankHoliday.objects.filter(date__year__range=(2024, 2028))}
    expected: dict[dt.date, str] = {}
    for year in range(2024, 2029):
        expected.update(advisor.england_and_wales_bank_holidays(year))
    assert seeded == expected
    assert dt.date(2026, 4, 3) in seeded  # Good Friday 2026
    assert dt.date(2027, 3, 29) in seeded  # Easter Monday 2027
    assert dt.date(2027, 12, 27) in seeded and dt.date(2027, 12, 28) in seeded


def test_working_day_arithmetic_never_lands_on_a_weekend_or_holiday_and_is_monotonic():
    holidays = bank_holidays()

    @settings(max_examples=300, deadline=None)
    @given(
        start=st.dates(min_value=dt.date(2024, 1, 1), max_value=dt.date(2028, 10, 31)),
        days=st.integers(min_value=0, max_value=40),
        later_by=st.integers(min_value=0, max_value=20),
    )
    def check(start, days, later_by):
        end = advisor.add_working_days(start, days, holidays)
        assert end.weekday() < 5
        assert end not in holidays
        assert end >= start
        later = advisor.add_working_days(start + dt.timedelta(days=later_by), days, holidays)
        assert later >= end
        following = advisor.add_working_days(start, days + 1, holidays)
        # One more working day is always later, except that 0 days from a holiday already
        # rolls forward to the same next working day as 1 day does.
        assert following > end or (days == 0 and following == end)

    check()


def test_easter_sunday_known_dates():
    known = {
        2024: dt.date(2024, 3, 31),
        2025: dt.date(2025, 4, 20),
        2026: dt.date(2026, 4, 5),
        2027: dt.date(2027, 3, 28),
        2028: dt.date(2028, 4, 16),
        2038: dt.date(2038, 4, 25),
    }
    for year, day in known.items():
        assert advisor.easter_sunday(year) == day
