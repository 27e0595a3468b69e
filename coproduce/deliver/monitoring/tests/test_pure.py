"""The pure rules: reporting periods, RAG, figures by kind and chart geometry."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from coproduce.deliver.monitoring import charts, periods, rag
from coproduce.deliver.monitoring.figures import format_figure, parse_figure
from coproduce.foundation.core.errors import ServiceError

dates = st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2090, 12, 31))
months = st.sampled_from([1, 3, 6, 12])
amounts = st.decimals(min_value=0, max_value=10**6, places=2, allow_nan=False)


# --- periods --------------------------------------------------------------------------


def test_a_month_after_the_31st_is_the_last_day_of_a_shorter_month_without_drift():
    start = dt.date(2027, 1, 31)
    assert periods.add_months(start, 1) == dt.date(2027, 2, 28)
    assert periods.add_months(start, 2) == dt.date(2027, 3, 31)
    assert periods.add_months(dt.date(2028, 1, 31), 1) == dt.date(2028, 2, 29)
    assert periods.add_months(dt.date(2027, 3, 15), -3) == dt.date(2026, 12, 15)


def test_returns_follow_the_most_frequent_kpi():
    assert periods.return_months(["annually", "quarterly"]) == 3
    assert periods.return_months(["six_monthly", "monthly"]) == 1
    assert periods.return_months([]) is None


def test_periods_of_a_three_year_contract_counted_from_its_start():
    start, end = dt.date(2027, 1, 15), dt.date(2030, 1, 14)
    assert periods.period_count(start, end, 1) == 36
    first = periods.period(start, end, 1, 1)
    assert (first.starts_on, first.ends_on, first.is_last) == (start, dt.date(2027, 2, 14), False)
    last = periods.period(start, end, 3, 12)
    assert last.ends_on == end and last.is_last
    assert periods.period(start, end, 3, 13) is None
    assert periods.period(start, end, 3, 0) is None


def test_a_quarterly_kpi_is_asked_every_third_monthly_return_and_all_in_the_last():
    start, end = dt.date(2027, 1, 1), dt.date(2027, 12, 31)
    asked = [
        n
        for n in range(1, 13)
        if periods.kpi_asked_in("quarterly", 1, periods.period(start, end, 1, n))
    ]
    assert asked == [3, 6, 9, 12]
    # A contract cut short: the last return asks for the annual KPI too.
    short = periods.period(start, dt.date(2027, 5, 20), 1, 5)
    assert short.is_last and periods.kpi_asked_in("annually", 1, short)


@given(start=dates, length=st.integers(1, 120), m=months)
def test_periods_cover_the_contract_without_gaps_or_overlaps(start, length, m):
    end = periods.add_months(start, length) - dt.timedelta(days=1)
    count = periods.period_count(start, end, m)
    ps = [periods.period(start, end, m, n) for n in range(1, count + 1)]
    assert ps[0].starts_on == start
    assert ps[-1].ends_on == end and ps[-1].is_last
    assert not any(p.is_last for p in ps[:-1])
    for a, b in itertools.pairwise(ps):
        assert b.starts_on == a.ends_on + dt.timedelta(days=1)
    assert all(p.starts_on <= p.ends_on for p in ps)


@given(start=dates, today=dates, m=months)
def test_periods_started_are_exactly_those_starting_by_today(start, today, m):
    end = periods.add_months(start, 36) - dt.timedelta(days=1)
    started = periods.periods_started(start, end, m, today)
    assert all(p.starts_on <= today for p in started)
    following = periods.period(start, end, m, len(started) + 1)
    assert following is None or following.starts_on > today


def test_contract_years():
    start, end = dt.date(2027, 4, 1), dt.date(2030, 3, 31)
    assert periods.year_bounds(start, end, 1) == (dt.date(2027, 4, 1), dt.date(2028, 3, 31))
    assert periods.year_bounds(start, end, 4) is None
    assert periods.contract_year(periods.period(start, end, 1, 13), 1) == 2


# --- RAG ------------------------------------------------------------------------------


def test_rag_at_the_thresholds():
    h = {"green_from": Decimal(60), "red_beyond": Decimal(45), "direction": "higher"}
    assert [rag.rag(Decimal(v), **h) for v in (60, 59, 45, 44.99)] == [
        "green",
        "amber",
        "amber",
        "red",
    ]
    lo = {"green_from": Decimal(10), "red_beyond": Decimal(15), "direction": "lower"}
    assert [rag.rag(Decimal(v), **lo) for v in (10, 11, 15, 15.5)] == [
        "green",
        "amber",
        "amber",
        "red",
    ]


RANK = {"red": 0, "amber": 1, "green": 2}


@given(a=amounts, b=amounts, g=amounts, r=amounts)
def test_a_better_result_is_never_a_worse_colour(a, b, g, r):
    green_from, red_beyond = max(g, r), min(g, r)
    lo, hi = sorted([a, b])
    args = {"green_from": green_from, "red_beyond": red_beyond, "direction": "higher"}
    assert RANK[rag.rag(lo, **args)] <= RANK[rag.rag(hi, **args)]


@given(v=amounts, g=amounts, r=amounts)
def test_lower_is_better_mirrors_higher_is_better(v, g, r):
    green_from, red_beyond = min(g, r), max(g, r)
    assert rag.rag(v, green_from=green_from, red_beyond=red_beyond, direction="lower") == rag.rag(
        -v, green_from=-green_from, red_beyond=-red_beyond, direction="higher"
    )


def test_red_twice_in_a_row_triggers_one_plan_per_run():
    results = list(enumerate(["red", "green", "red", "red", "red", "amber", "red", "red"], 1))
    assert rag.red_streak_triggers(results) == [4, 8]


@given(st.lists(st.sampled_from(["red", "amber", "green"]), max_size=30))
def test_each_trigger_is_a_second_red_in_a_row(colours):
    results = list(enumerate(colours, 1))
    triggers = rag.red_streak_triggers(results)
    for n in triggers:
        assert colours[n - 1] == "red" and colours[n - 2] == "red" and n >= 2
        assert n < 3 or colours[n - 3] != "red"
    pairs = sum(
        1
        for i in range(1, len(colours))
        if colours[i] == colours[i - 1] == "red" and (i < 2 or colours[i - 2] != "red")
    )
    assert len(triggers) == pairs


def test_suggested_rating():
    assert rag.suggested_rating([]) is None
    assert rag.suggested_rating(["green", "green"]) == rag.GOOD
    assert rag.suggested_rating(["green", "amber"]) == rag.APPROACHING
    assert rag.suggested_rating(["red", "green", "green"]) == rag.REQUIRES_IMPROVEMENT
    assert rag.suggested_rating(["red", "red", "green"]) == rag.INADEQUATE


@given(st.lists(st.sampled_from(["red", "amber", "green"]), min_size=1, max_size=24))
def test_more_red_never_suggests_a_better_rating(colours):
    order = [rag.GOOD, rag.APPROACHING, rag.REQUIRES_IMPROVEMENT, rag.INADEQUATE]
    worse = ["red", *colours[1:]]
    assert order.index(rag.suggested_rating(worse)) >= order.index(rag.suggested_rating(colours))


# --- figures --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "kind", "code"),
    [
        ("", "count", "figure_required"),
        ("lots", "count", "figure_not_a_number"),
        ("1e5", "count", "figure_not_a_number"),
        ("NaN", "percent", "figure_not_a_number"),
        ("12,34", "count", "figure_not_a_number"),
        ("101", "percent", "figure_percent_range"),
        ("-1", "percent", "figure_negative"),
        ("12.5", "count", "figure_whole_number"),
        ("-3", "days", "figure_negative"),
        ("10.555", "pounds", "figure_decimals"),
        ("1.001", "hours", "figure_decimals"),
        ("9" * 40, "pounds", "figure_too_large"),
    ],
)
def test_a_figure_in_the_wrong_unit_is_refused_naming_the_rule(raw, kind, code):
    with pytest.raises(ServiceError) as exc:
        parse_figure(raw, kind=kind, label="KPI 2", field="kpi_2")
    assert exc.value.code == code
    assert exc.value.field == "kpi_2"
    assert "KPI 2" in exc.value.message


@pytest.mark.parametrize(
    ("raw", "kind", "value"),
    [
        ("87.5%", "percent", "87.5"),
        ("100", "percent", "100"),
        ("1,204", "count", "1204"),
        ("£1,250.50", "pounds", "1250.50"),
        ("0", "days", "0"),
        (" 3.25 ", "hours", "3.25"),
    ],
)
def test_figures_people_type_are_read(raw, kind, value):
    assert parse_figure(raw, kind=kind, label="KPI 1", field="kpi_1") == Decimal(value)


@given(amounts)
def test_every_amount_in_pounds_reads_back_from_its_formatting(value):
    text = format_figure(value, "pounds")
    assert parse_figure(text, kind="pounds", label="KPI 1", field="f") == value


# --- charts ---------------------------------------------------------------------------


@given(
    st.lists(st.tuples(amounts, st.sampled_from(["red", "amber", "green"])), max_size=40),
    amounts,
    amounts,
    st.sampled_from(["count", "percent", "pounds", "days"]),
)
def test_every_point_and_line_is_inside_the_plot(points, g, r, kind):
    if kind == "percent":
        points = [(min(v, Decimal(100)), c) for v, c in points]
        g, r = min(g, Decimal(100)), min(r, Decimal(100))
    chart = charts.build_chart(
        [(str(i), v, c) for i, (v, c) in enumerate(points, 1)],
        target=g,
        green_from=max(g, r),
        red_beyond=min(g, r),
        direction="higher",
        kind=kind,
        chart_id="k",
    )
    assert len(chart.points) == len(points)
    for p in chart.points:
        assert chart.left <= p.x <= chart.right and chart.top <= p.y <= chart.bottom
    for line in chart.lines:
        assert chart.top <= line.y <= chart.bottom
    labels = sorted(line.label_y for line in chart.lines)
    assert all(b - a >= 13.9 for a, b in itertools.pairwise(labels))
    assert labels[-1] < chart.height
    assert chart.ticks[0].y == chart.bottom and chart.ticks[-1].y <= chart.top + 0.1
    assert len(chart.x_labels) <= 12


def test_nice_steps():
    assert charts.nice_step(100) == 20
    assert charts.nice_step(7) == 2
    assert charts.nice_step(0) == 1
