"""Change pages: officers record changes; everyone reads them; others are refused."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from coproduce.plan.procurement_rules.selectors import minimum_deadline, rulebook_on
from coproduce.procure.tenders.models import Amendment, TenderStatus
from coproduce.procure.tenders.services_clarifications import tender_amend
from coproduce.procure.tenders.tests.factories import make_tender

pytestmark = pytest.mark.django_db


def _minimum(tender) -> dt.date:
    """From the table: the original minimum period, and the days that must be left."""
    original, _rules = minimum_deadline(
        publish_on=timezone.localdate(tender.published_at),
        planned_notice_on=tender.planned_notice_on,
        light_touch=tender.service_area.light_touch,
    )
    today = timezone.localdate()
    left = today + dt.timedelta(days=rulebook_on(today).value("amendment.minimum_days_left"))
    return max(original, left)


def test_officer_records_a_change_and_is_told_when_the_closing_date_moved(client, commissioner):
    tender = make_tender(actor=commissioner)
    minimum = _minimum(tender)
    tender.deadline = timezone.make_aware(
        dt.datetime.combine(minimum - dt.timedelta(days=1), dt.time(17))
    )
    tender.save()
    client.force_login(commissioner)
    url = reverse("tenders:amend", args=[tender.reference])
    page = client.get(url)
    assert page.status_code == 200
    assert minimum.strftime("%-d %B %Y") in page.content.decode()
    response = client.post(url, {"summary": "New lot map.", "reason": "Boundary change."})
    assert response.status_code == 302
    assert response["Location"] == reverse("tenders:amendments", args=[tender.reference])
    page = client.get(response["Location"]).content.decode()
    assert "closing date moved to the earliest date the rules allow" in page
    amendment = Amendment.objects.get()
    assert timezone.localtime(amendment.new_deadline).date() == minimum


def test_officer_sets_a_later_closing_date(client, commissioner):
    tender = make_tender(actor=commissioner)
    day = _minimum(tender) + dt.timedelta(days=30)
    client.force_login(commissioner)
    response = client.post(
        reverse("tenders:amend", args=[tender.reference]),
        {
            "summary": "More time.",
            "reason": "Asked for by small groups.",
            "new_deadline_date_0": day.day,
            "new_deadline_date_1": day.month,
            "new_deadline_date_2": day.year,
            "new_deadline_time": "12:00",
        },
    )
    assert response.status_code == 302
    tender.refresh_from_db()
    assert timezone.localtime(tender.deadline) == timezone.make_aware(
        dt.datetime.combine(day, dt.time(12))
    )


def test_missing_reason_is_400_and_nothing_stored(client, commissioner):
    tender = make_tender(actor=commissioner)
    client.force_login(commissioner)
    response = client.post(
        reverse("tenders:amend", args=[tender.reference]), {"summary": "x", "reason": ""}
    )
    assert response.status_code == 400
    assert "Enter why the tender changed" in response.content.decode()
    assert not Amendment.objects.exists()


def test_closed_tender_change_is_refused_with_the_rule(client, commissioner):
    tender = make_tender(actor=commissioner, status=TenderStatus.CLOSED)
    client.force_login(commissioner)
    response = client.post(
        reverse("tenders:amend", args=[tender.reference]), {"summary": "x", "reason": "y"}
    )
    assert response.status_code == 400
    assert "closed for bids" in response.content.decode()
    assert not Amendment.objects.exists()


@pytest.mark.parametrize("who", ["resident", "provider", "finance"])
def test_others_cannot_record_changes(client, commissioner, request, who):
    tender = make_tender(actor=commissioner)
    client.force_login(request.getfixturevalue(who))
    url = reverse("tenders:amend", args=[tender.reference])
    assert client.get(url).status_code == 404
    assert client.post(url, {"summary": "x", "reason": "y"}).status_code == 404
    assert not Amendment.objects.exists()


def test_anonymous_is_sent_to_sign_in_to_record_a_change(client, commissioner):
    tender = make_tender(actor=commissioner)
    assert client.get(reverse("tenders:amend", args=[tender.reference])).status_code == 302


def test_public_list_of_changes_with_dates_and_reasons(
    client, commissioner, django_assert_max_num_queries
):
    tender = make_tender(actor=commissioner)
    for i in range(4):
        tender_amend(
            actor=commissioner,
            tender=tender,
            summary=f"Change {i}.",
            reason=f"Reason {i}.",
            changes={},
        )
    url = reverse("tenders:amendments", args=[tender.reference])
    with django_assert_max_num_queries(5):
        response = client.get(url)
    body = response.content.decode()
    assert response.status_code == 200
    assert "Reason 3." in body and "Closing date before" in body and "(UK time)" in body
    assert "Record a change" not in body


def test_changes_of_a_draft_are_404_for_the_public(client, commissioner, provider):
    tender = make_tender(actor=commissioner, status=TenderStatus.DRAFT)
    url = reverse("tenders:amendments", args=[tender.reference])
    assert client.get(url).status_code == 404
    client.force_login(provider)
    assert client.get(url).status_code == 404
