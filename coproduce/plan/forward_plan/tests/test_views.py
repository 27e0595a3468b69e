"""Forward plan and event pages and API: who sees what, forms, query counts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail

from coproduce.plan.forward_plan import services as svc
from coproduce.plan.forward_plan import views
from coproduce.plan.forward_plan.models import EventRegistration, ForumEvent, PlanEntry

from .factories import make_entry, make_event, reg

pytestmark = pytest.mark.django_db

STAFF_PAGES = [
    "/forward-plan/manage/",
    "/forward-plan/new/",
    "/events/manage/",
    "/events/new/",
]


def test_public_plan_groups_by_quarter_and_hides_drafts(client, commissioner):
    make_entry(actor=commissioner, published=True, title="Carers’ breaks")
    make_entry(
        actor=commissioner, published=True, title="Advocacy", expected_tender_on=dt.date(2027, 5, 1)
    )
    make_entry(actor=commissioner, title="Secret draft")
    body = client.get("/forward-plan/").content.decode()
    assert "January to March 2027" in body and "April to June 2027" in body
    assert body.index("Carers") < body.index("Advocacy")
    assert "Secret draft" not in body
    assert "£2,400,000" in body


def test_withdrawn_entries_show_their_reason(client, commissioner):
    entry = make_entry(actor=commissioner, published=True)
    svc.plan_entry_withdraw(actor=commissioner, entry=entry, reason="Merged with another service.")
    assert "Merged with another service." in client.get("/forward-plan/").content.decode()


def test_public_plan_query_count(client, commissioner, django_assert_max_num_queries):
    for i in range(6):
        entry = make_entry(actor=commissioner, published=True, title=f"Entry {i}")
        make_event(actor=commissioner, plan_entry_id=entry.pk)
    with django_assert_max_num_queries(6):
        assert client.get("/forward-plan/").status_code == 200


def test_plan_detail_shows_notice_date_and_shorter_period_hint(client, commissioner):
    entry = make_entry(actor=commissioner, published=True)
    body = client.get(f"/forward-plan/{entry.pk}/").content.decode()
    assert "Planned procurement notice published on" in body
    assert "40 days and one year" in body


@pytest.mark.parametrize("who", [None, "resident", "provider"])
def test_draft_plan_entry_is_not_found_for_the_public(client, request, commissioner, who):
    entry = make_entry(actor=commissioner)
    if who:
        client.force_login(request.getfixturevalue(who))
    assert client.get(f"/forward-plan/{entry.pk}/").status_code == 404


@pytest.mark.parametrize("url", STAFF_PAGES)
def test_staff_pages_send_anonymous_people_to_sign_in(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith("/account/sign-in/")


@pytest.mark.parametrize("url", STAFF_PAGES)
@pytest.mark.parametrize("who", ["resident", "provider"])
def test_staff_pages_are_not_found_for_residents_and_providers(client, request, url, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("who", ["commissioner", "platform_admin"])
@pytest.mark.parametrize("url", STAFF_PAGES)
def test_commissioners_and_admins_reach_staff_pages(client, request, url, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(url).status_code == 200


def test_finance_reads_but_cannot_create(client, finance):
    client.force_login(finance)
    assert client.get("/forward-plan/manage/").status_code == 200
    assert client.get("/forward-plan/new/").status_code == 404


def test_create_plan_entry_with_bad_input_answers_400_and_stores_nothing(client, commissioner):
    client.force_login(commissioner)
    response = client.post("/forward-plan/new/", {"title": "", "estimated_value": "-5"})
    assert response.status_code == 400
    assert "There is a problem" in response.content.decode()
    assert PlanEntry.objects.count() == 0


def test_publish_and_withdraw_through_the_pages(client, commissioner, resident):
    entry = make_entry(actor=commissioner)
    client.force_login(resident)
    assert client.post(f"/forward-plan/{entry.pk}/publish/").status_code == 404
    client.force_login(commissioner)
    assert client.post(f"/forward-plan/{entry.pk}/publish/").status_code == 302
    response = client.post(f"/forward-plan/{entry.pk}/withdraw/", {"reason": ""})
    assert response.status_code == 400
    client.post(f"/forward-plan/{entry.pk}/withdraw/", {"reason": "Not needed"})
    entry.refresh_from_db()
    assert entry.status == "withdrawn"


# ------------------------------------------------------------------ events


def test_events_list_query_count(client, commissioner, django_assert_max_num_queries):
    for i in range(6):
        make_event(actor=commissioner, title=f"Event {i}")
    make_event(actor=commissioner, title="Hidden draft", published=False)
    with django_assert_max_num_queries(4):
        body = client.get("/events/").content.decode()
    assert "Event 5" in body and "Hidden draft" not in body
    assert "(UK time)" in body


def test_unpublished_event_is_not_found_for_the_public(client, commissioner, provider):
    event = make_event(actor=commissioner, published=False)
    assert client.get(f"/events/{event.pk}/").status_code == 404
    client.force_login(provider)
    assert client.get(f"/events/{event.pk}/").status_code == 404


def test_online_details_only_for_registered_people(client, commissioner, provider):
    event = make_event(actor=commissioner)
    assert "Teams link" not in client.get(f"/events/{event.pk}/").content.decode()
    client.force_login(provider)
    assert "Teams link" not in client.get(f"/events/{event.pk}/").content.decode()
    svc.registration_create(actor=provider, event=event, data=reg(email=provider.email))
    assert "Teams link" in client.get(f"/events/{event.pk}/").content.decode()


def test_register_anonymously_then_again_says_already_registered(
    client, commissioner, django_capture_on_commit_callbacks
):
    event = make_event(actor=commissioner)
    form = {"name": "Sam", "email": "sam@example.org", "access_needs": "BSL interpreter"}
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(f"/events/{event.pk}/", form)
        second = client.post(f"/events/{event.pk}/", form)
    assert "You are registered" in first.content.decode()
    assert "You are already registered" in second.content.decode()
    assert EventRegistration.objects.count() == 1
    assert len(mail.outbox) == 1
    # Access needs are for staff only.
    assert "BSL interpreter" not in client.get(f"/events/{event.pk}/").content.decode()


def test_register_with_bad_input_answers_400(client, commissioner):
    event = make_event(actor=commissioner)
    response = client.post(f"/events/{event.pk}/", {"name": "", "email": "nope"})
    assert response.status_code == 400
    assert EventRegistration.objects.count() == 0


def test_closed_registration_shows_the_reason_and_refuses(client, commissioner):
    event = make_event(actor=commissioner)
    ForumEvent.objects.filter(pk=event.pk).update(
        registration_closes_at=event.starts_at - dt.timedelta(days=40)
    )
    assert (
        "Registration for this event has closed"
        in client.get(f"/events/{event.pk}/").content.decode()
    )
    response = client.post(f"/events/{event.pk}/", {"name": "Sam", "email": "s@example.org"})
    assert response.status_code == 400
    assert EventRegistration.objects.count() == 0


def test_anonymous_registrations_are_rate_limited(client, commissioner, settings):
    event = make_event(actor=commissioner, capacity=None)
    codes = [
        client.post(f"/events/{event.pk}/", {"name": "P", "email": f"p{i}@example.org"}).status_code
        for i in range(views.ANON_REGISTRATIONS_PER_HOUR + 1)
    ]
    assert codes[-1] == 429


def test_registrations_list_and_csv_are_for_council_staff_only(
    client, commissioner, finance, provider
):
    event = make_event(actor=commissioner)
    svc.registration_create(actor=None, event=event, data=reg(access_needs="Hearing loop"))
    for url in (f"/events/{event.pk}/registrations/", f"/events/{event.pk}/registrations.csv"):
        client.logout()
        assert client.get(url).status_code == 302
        client.force_login(provider)
        assert client.get(url).status_code == 404
        client.force_login(finance)
        response = client.get(url)
        assert response.status_code == 200
        assert "Hearing loop" in response.content.decode()


def test_cancel_link_frees_the_place_and_a_tampered_link_is_not_found(client, commissioner):
    event = make_event(actor=commissioner, capacity=1)
    registration, _ = svc.registration_create(actor=None, event=event, data=reg())
    token = svc.registration_token(registration)
    assert client.get(f"/events/registrations/{token}x/cancel/").status_code == 404
    assert client.get(f"/events/registrations/{token}/cancel/").status_code == 200
    assert client.post(f"/events/registrations/{token}/cancel/").status_code == 200
    registration.refresh_from_db()
    assert registration.cancelled_at is not None


def test_staff_event_actions_are_not_found_for_others(client, commissioner, finance, resident):
    event = make_event(actor=commissioner, published=False)
    for user in (resident, finance):
        client.force_login(user)
        assert client.post(f"/events/{event.pk}/publish/").status_code == 404
        assert client.get(f"/events/{event.pk}/edit/").status_code == 404
        assert client.get(f"/events/{event.pk}/cancel/").status_code == 404
    client.force_login(commissioner)
    assert client.post(f"/events/{event.pk}/publish/").status_code == 302
    assert client.post(f"/events/{event.pk}/cancel/", {"reason": "Venue closed"}).status_code == 302
    event.refresh_from_db()
    assert event.published_at and event.cancelled_reason == "Venue closed"


def test_create_event_through_the_page(client, commissioner):
    client.force_login(commissioner)
    form = {
        "title": "Market day",
        "description": "Meet us",
        "day_0": "12",
        "day_1": "3",
        "day_2": "2030",
        "starts_at": "10am",
        "ends_at": "12:30pm",
        "closes_on_0": "10",
        "closes_on_1": "3",
        "closes_on_2": "2030",
        "closes_at": "17:00",
        "venue": "Town Hall",
        "capacity": "40",
    }
    response = client.post("/events/new/", form)
    assert response.status_code == 302
    event = ForumEvent.objects.get()
    assert (
        "Tuesday 12 March 2030, 10am to 12:30pm (UK time)"
        in client.get(f"/events/{event.pk}/").content.decode()
    )
    bad = client.post("/events/new/", {**form, "ends_at": "9am"})
    assert bad.status_code == 400 and ForumEvent.objects.count() == 1


# ------------------------------------------------------------------ API


def test_api_forward_plan_and_events_are_public_and_leave_out_drafts(client, commissioner):
    make_entry(actor=commissioner, published=True, title="Shown")
    make_entry(actor=commissioner, title="Draft")
    make_event(actor=commissioner, title="Published event")
    make_event(actor=commissioner, title="Draft event", published=False)
    plan = client.get("/api/forward-plan").json()
    assert [e["title"] for e in plan["items"]] == ["Shown"]
    events = client.get("/api/events").json()
    assert [e["title"] for e in events["items"]] == ["Published event"]
    assert "Teams" not in str(events)
