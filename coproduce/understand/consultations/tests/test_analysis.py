"""Reading responses: the summary, browsing responses, the streamed CSV and equality counts."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from coproduce.understand.consultations.models import EqualityMonitoringReturn
from coproduce.understand.consultations.selectors_analysis import (
    csv_safe,
    response_csv_rows,
    response_summary,
)

from .test_analysis_support import add_response, make_consultation


@pytest.fixture
def consultation(commissioner, published_project):
    return make_consultation(actor=commissioner, project=published_project)


def _many(c, n=6):
    for i in range(n):
        add_response(
            c,
            single="Bus",
            multiple=("Art", "Sport"),
            rating=4 if i % 2 else 2,
            ranking=("Evenings", "Weekends", "Holidays"),
            text=f"Answer number {i}",
        )


def _url(name, c, **kw):
    return reverse(f"engagement_analysis:{name}", args=[c.reference], **kw)


PAGES = ["summary", "responses", "export_csv", "equality", "themes", "findings"]


@pytest.mark.parametrize("name", PAGES)
@pytest.mark.parametrize("who", [None, "resident", "provider"])
def test_people_outside_the_council_cannot_read_responses(client, consultation, request, who, name):
    if who:
        client.force_login(request.getfixturevalue(who))
    response = client.get(_url(name, consultation))
    assert response.status_code in (302, 404) if who is None else response.status_code == 404
    if who is None:
        assert "/account/sign-in/" in response["Location"]


@pytest.mark.parametrize("name", PAGES)
@pytest.mark.parametrize("who", ["commissioner", "finance", "platform_admin"])
def test_council_staff_can_read_responses(client, consultation, request, who, name):
    _many(consultation, 1)
    client.force_login(request.getfixturevalue(who))
    assert client.get(_url(name, consultation)).status_code == 200


def test_unknown_consultation_is_not_found(client, commissioner):
    client.force_login(commissioner)
    assert client.get("/manage/consultations/CON-NOPE/analysis/").status_code == 404


def test_summary_counts_percentages_average_and_ranking(consultation):
    _many(consultation, 6)
    add_response(consultation, single="Taxi", ranking=("Holidays", "Weekends", "Evenings"))
    add_response(consultation, single="Walk", text="draft only", submitted=False)
    s = response_summary(consultation=consultation)
    assert s.responses == 7
    single, multiple, rating, ranking, text = s.questions
    bus, taxi, walk = single.options
    assert (bus.count, bus.percent, bus.shown) == (6, 86, "6")
    assert (taxi.shown, taxi.percent, taxi.suppressed) == ("fewer than 5", 0, True)
    assert walk.shown == "0"  # the draft response is not counted
    assert [o.shown for o in multiple.options] == ["6", "6", "0"]
    assert rating.rating_average == 3.0  # three 4s and three 2s
    first = ranking.ranking[0]
    assert first.label == "Evenings"
    assert first.borda == 6 * 3 + 1 * 1  # six first places and one last place
    assert first.mean_rank == round((6 * 1 + 3) / 7, 2)
    assert (text.text_count, text.text_shown) == (6, "6")


def test_an_average_of_fewer_than_five_ratings_is_not_shown(consultation):
    for _ in range(4):
        add_response(consultation, rating=5, ranking=("Evenings",))
    s = response_summary(consultation=consultation)
    assert s.questions[2].rating_average is None
    assert s.questions[3].ranking[0].mean_rank is None
    assert s.questions[3].ranking[0].shown == "fewer than 5"


def test_summary_page_suppresses_small_numbers_and_draws_bars(client, commissioner, consultation):
    _many(consultation, 5)
    add_response(consultation, single="Taxi")
    client.force_login(commissioner)
    body = client.get(_url("summary", consultation)).content.decode()
    assert "fewer than 5" in body
    assert '<meter class="app-bar" min="0" max="100" value="83"' in body
    assert "Average rating: <strong>2.8</strong>" in body
    assert "5 written answers" in body


def test_summary_query_count_does_not_grow_with_responses(client, commissioner, consultation):
    client.force_login(commissioner)
    _many(consultation, 2)
    with CaptureQueriesContext(connection) as few:
        client.get(_url("summary", consultation))
    _many(consultation, 20)
    with CaptureQueriesContext(connection) as many:
        client.get(_url("summary", consultation))
    assert len(many) == len(few)


def test_responses_are_browsed_page_by_page_with_constant_queries(
    client, commissioner, consultation
):
    client.force_login(commissioner)
    _many(consultation, 3)
    with CaptureQueriesContext(connection) as few:
        body = client.get(_url("responses", consultation)).content.decode()
    assert "Answer number 2" in body
    assert "Bus" in body
    assert "1. Evenings; 2. Weekends; 3. Holidays" in body
    assert "Art; Sport" in body
    _many(consultation, 20)
    with CaptureQueriesContext(connection) as many:
        body = client.get(_url("responses", consultation)).content.decode()
    assert len(many) == len(few)
    assert "Page 1 of 3" in body


def _csv(c, chunk_size=2000):
    return list(
        csv.reader(io.StringIO("".join(response_csv_rows(consultation=c, chunk_size=chunk_size))))
    )


def test_csv_has_one_row_per_sent_response_and_one_column_per_question(consultation):
    add_response(
        consultation,
        single="Bus",
        multiple=("Art", "Cooking"),
        rating=3,
        ranking=("Weekends", "Evenings"),
        text="More trips",
    )
    add_response(consultation, single="Taxi")
    add_response(consultation, single="Walk", submitted=False)
    rows = _csv(consultation, chunk_size=1)  # chunking must not lose or repeat rows
    header, first, second = rows
    assert header[0] == "\ufeffReference"
    assert header[3:] == [
        "Q1. How do you get to your day service?",
        "Q2. What would you like to do?",
        "Q3. How good is your day service now?",
        "Q4. Put these in order",
        "Q5. What would make your days better?",
    ]
    assert first[3:] == ["Bus", "Art; Cooking", "3", "1. Weekends; 2. Evenings", "More trips"]
    assert second[3:] == ["Taxi", "", "", "", ""]


@pytest.mark.parametrize("dangerous", ['=HYPERLINK("x")', "+1", "-2+3", "@SUM(A1)", "\t=1"])
def test_csv_cells_cannot_start_a_formula(consultation, dangerous):
    add_response(consultation, text=dangerous)
    assert _csv(consultation)[1][-1] == "'" + dangerous
    assert csv_safe("plain") == "plain"


def test_csv_download_streams_with_a_filename(client, commissioner, consultation):
    _many(consultation, 2)
    client.force_login(commissioner)
    response = client.get(_url("export_csv", consultation))
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"].startswith("text/csv")
    assert f"{consultation.reference}-responses.csv" in response["Content-Disposition"]
    body = b"".join(response.streaming_content).decode()
    assert body.count("\n") == 3


def test_csv_holds_no_equality_data(consultation):
    add_response(consultation, single="Bus")
    EqualityMonitoringReturn.objects.create(
        consultation=consultation, received_on=dt.date.today(), sex="female"
    )
    text = "".join(response_csv_rows(consultation=consultation))
    assert "female" not in text.lower()
    assert "sex" not in text.lower()


def test_equality_summary_suppresses_every_small_group(client, commissioner, consultation):
    for _ in range(6):
        EqualityMonitoringReturn.objects.create(
            consultation=consultation, received_on=dt.date.today(), sex="female", age="25_34"
        )
    for _ in range(2):
        EqualityMonitoringReturn.objects.create(
            consultation=consultation, received_on=dt.date.today(), sex="male"
        )
    client.force_login(commissioner)
    body = client.get(_url("equality", consultation)).content.decode()
    assert "8 people answered" in body
    assert ">6</td>" in body
    assert ">2</td>" not in body
    assert "fewer than 5" in body
    assert "any group of fewer than 5 people" in body


def test_equality_page_query_count_is_fixed(client, commissioner, consultation):
    client.force_login(commissioner)
    with CaptureQueriesContext(connection) as q:
        client.get(_url("equality", consultation))
    assert len(q) <= 6
