"""Process feedback: anyone may give it (rate limited); council staff read the summary."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.urls import reverse

from coproduce.foundation.core.errors import ServiceError
from coproduce.foundation.core.models import AuditEvent
from coproduce.procure.tenders.models import ProcessFeedback, TenderStatus
from coproduce.procure.tenders.selectors_clarifications import feedback_summary
from coproduce.procure.tenders.services_clarifications import process_feedback_submit
from coproduce.procure.tenders.tests.factories import make_tender

pytestmark = pytest.mark.django_db

GOOD = {"rating": "4", "clarity": "5", "time_enough": "no", "comments": "More time please."}


@pytest.fixture(autouse=True)
def _clear_rate_limits():
    cache.clear()
    yield
    cache.clear()


def test_anyone_gives_feedback_and_sees_thanks(client, commissioner):
    tender = make_tender(actor=commissioner)
    url = reverse("tenders:feedback", args=[tender.reference])
    assert client.get(url).status_code == 200
    response = client.post(url, GOOD)
    assert response.status_code == 302
    assert response["Location"] == reverse("tenders:feedback_thanks", args=[tender.reference])
    assert client.get(response["Location"]).status_code == 200
    fb = ProcessFeedback.objects.get()
    assert (fb.rating, fb.clarity, fb.time_enough) == (4, 5, False)
    assert AuditEvent.objects.filter(verb="tenders.process_feedback.received").exists()


@pytest.mark.parametrize(
    "data", [{**GOOD, "rating": "6"}, {**GOOD, "clarity": ""}, {**GOOD, "contact_email": "nope"}]
)
def test_bad_feedback_is_400_and_nothing_stored(client, commissioner, data):
    tender = make_tender(actor=commissioner)
    response = client.post(reverse("tenders:feedback", args=[tender.reference]), data)
    assert response.status_code == 400
    assert "There is a problem" in response.content.decode()
    assert not ProcessFeedback.objects.exists()


def test_service_refuses_scores_out_of_range(commissioner):
    tender = make_tender(actor=commissioner)
    with pytest.raises(ServiceError) as err:
        process_feedback_submit(actor=None, tender=tender, rating=0, clarity=3, time_enough=None)
    assert err.value.code == "out_of_range" and err.value.field == "rating"
    assert not ProcessFeedback.objects.exists()


def test_feedback_is_rate_limited(client, commissioner, settings):
    tender = make_tender(actor=commissioner)
    url = reverse("tenders:feedback", args=[tender.reference])
    for _ in range(10):
        assert client.post(url, GOOD).status_code == 302
    assert client.post(url, GOOD).status_code == 429
    assert ProcessFeedback.objects.count() == 10


def test_feedback_on_a_draft_is_404(client, commissioner):
    tender = make_tender(actor=commissioner, status=TenderStatus.DRAFT)
    assert client.get(reverse("tenders:feedback", args=[tender.reference])).status_code == 404
    assert (
        client.post(reverse("tenders:feedback", args=[tender.reference]), GOOD).status_code == 404
    )


def test_summary_averages(commissioner):
    tender = make_tender(actor=commissioner)
    for rating, clarity, enough in [(5, 4, True), (2, 3, False), (3, 2, None)]:
        process_feedback_submit(
            actor=None,
            tender=tender,
            rating=rating,
            clarity=clarity,
            time_enough=enough,
            comments="" if enough else "Hard.",
        )
    summary = feedback_summary(tender)
    assert summary.count == 3
    assert summary.average_rating == pytest.approx(3.3)
    assert summary.average_clarity == pytest.approx(3.0)
    assert (summary.time_enough_yes, summary.time_enough_no, summary.time_enough_unanswered) == (
        1,
        1,
        1,
    )
    assert len(summary.comments) == 2


@pytest.mark.parametrize("who", ["commissioner", "finance", "platform_admin"])
def test_council_staff_read_the_summary(
    client, commissioner, request, who, django_assert_max_num_queries
):
    tender = make_tender(actor=commissioner)
    for i in range(3):
        process_feedback_submit(
            actor=None, tender=tender, rating=4, clarity=4, time_enough=True, comments=f"Note {i}."
        )
    client.force_login(request.getfixturevalue(who))
    with django_assert_max_num_queries(8):
        response = client.get(reverse("tenders:feedback_summary", args=[tender.reference]))
    assert response.status_code == 200
    assert "Note 2." in response.content.decode()


@pytest.mark.parametrize("who", ["resident", "provider"])
def test_others_cannot_read_the_summary(client, commissioner, request, who):
    tender = make_tender(actor=commissioner)
    client.force_login(request.getfixturevalue(who))
    assert (
        client.get(reverse("tenders:feedback_summary", args=[tender.reference])).status_code == 404
    )


def test_anonymous_summary_goes_to_sign_in(client, commissioner):
    tender = make_tender(actor=commissioner)
    assert (
        client.get(reverse("tenders:feedback_summary", args=[tender.reference])).status_code == 302
    )
