"""Feedback pages: the public form (plain and easy read), rate limit, double submission,
anonymity to providers, coding and the mystery shopping pages."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone

from coproduce.deliver.feedback import services as svc
from coproduce.deliver.feedback.models import (
    FeedbackAnswer,
    FeedbackResponse,
    FollowUpAction,
    ProviderReply,
    ShoppingReport,
    ShoppingVisit,
)
from coproduce.foundation.accounts.tests.factories import make_member
from coproduce.foundation.core.testing import submission_key_of

from . import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_rate_limit():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def contract(commissioner):
    return f.make_contract(commissioner)


def _send(client, url, **data):
    page = client.get(url)
    payload = {"submission_key": submission_key_of(page), **data}
    return client.post(url, payload)


def test_anyone_gives_feedback_without_an_account(client, contract):
    url = reverse("feedback:give", args=[contract.reference])
    page = client.get(url)
    assert page.status_code == 200
    assert "Overall, how was your experience of the service?" in page.content.decode()
    response = _send(client, url, rating="good", what_good="Kind", uses_service="someone_else")
    assert response.status_code == 302
    assert response["Location"] == reverse("feedback:thanks", args=[contract.reference])
    saved = FeedbackResponse.objects.get()
    assert (saved.rating, saved.uses_service, saved.easy_read) == ("good", "someone_else", False)
    assert client.get(response["Location"]).status_code == 200


def test_easy_read_form_has_pictures_and_is_recorded_as_easy_read(client, contract):
    url = reverse("feedback:give_easy", args=[contract.reference])
    html = client.get(url).content.decode()
    assert "feedback/openmoji/1f600.svg" in html
    assert "I do not know" in html
    assert 'class="govuk-grid-row app-easy-read"' in html
    response = _send(client, url, rating="very_good")
    assert response["Location"].endswith("?easy_read=1")
    assert FeedbackResponse.objects.get().easy_read
    thanks = client.get(response["Location"]).content.decode()
    assert "Nobody will know it was you." in thanks


@pytest.mark.parametrize("name", ["give", "give_easy"])
def test_no_answer_shows_the_error_summary_and_saves_nothing(client, contract, name):
    response = _send(client, reverse(f"feedback:{name}", args=[contract.reference]))
    assert response.status_code == 400
    html = response.content.decode()
    assert "There is a problem" in html
    assert "Choose how your experience of the service was" in html
    assert 'href="#id_rating_0"' in html
    assert FeedbackResponse.objects.count() == 0


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"rating": "brilliant"}, "Choose one of the answers in the list"),
        ({"rating": "good", "what_good": "x" * 2001}, "2,000 characters or fewer"),
        ({"rating": "good", "uses_service": "cat"}, "Choose one of the answers in the list"),
    ],
)
def test_bad_input_is_a_clear_message(client, contract, data, message):
    response = _send(client, reverse("feedback:give", args=[contract.reference]), **data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert FeedbackResponse.objects.count() == 0


def test_a_double_click_keeps_one_response(client, contract):
    url = reverse("feedback:give", args=[contract.reference])
    key = submission_key_of(client.get(url))
    first = client.post(url, {"submission_key": key, "rating": "good"})
    second = client.post(url, {"submission_key": key, "rating": "good"})
    assert first.status_code == second.status_code == 302
    assert FeedbackResponse.objects.count() == 1


def test_ended_contract_says_so_and_refuses(client, commissioner):
    today = timezone.localdate()
    ended = f.make_contract(
        commissioner,
        starts_on=today - dt.timedelta(days=500),
        ends_on=today - dt.timedelta(days=10),
    )
    url = reverse("feedback:give", args=[ended.reference])
    page = client.get(url)
    assert page.status_code == 200
    assert "This service has ended" in page.content.decode()
    response = client.post(url, {"rating": "good"})
    assert response.status_code == 400
    assert FeedbackResponse.objects.count() == 0


def test_the_form_is_rate_limited_per_address(client, contract, settings):
    settings.FEEDBACK_RATE = "2/h"
    url = reverse("feedback:give", args=[contract.reference])
    for _ in range(2):
        assert _send(client, url, rating="good").status_code == 302
    blocked = _send(client, url, rating="good")
    assert blocked.status_code == 429
    assert "try again in an hour" in blocked.content.decode().lower()
    assert FeedbackResponse.objects.count() == 2
    # Another address is not held back.
    other = client.post(url, {"rating": "good"}, REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 302


def test_a_draft_projects_contract_answers_404(client, commissioner):
    hidden = f.make_contract(commissioner, published=False)
    assert client.get(reverse("feedback:give", args=[hidden.reference])).status_code == 404
    assert client.get(reverse("feedback:summary", args=["K-1999-0001"])).status_code == 404


def test_public_summary_shows_score_counts_and_themes(client, contract, commissioner):
    for rating in ["very_good", "very_good", "good", "poor", "dont_know"]:
        f.give(contract, rating, what_good="Peer supporters")
    theme = svc.theme_create(actor=commissioner, contract=contract, name="Peer supporters")
    svc.answers_tag(
        actor=commissioner,
        contract=contract,
        theme_id=theme.pk,
        answer_ids=list(FeedbackAnswer.objects.values_list("pk", flat=True)),
    )
    html = client.get(reverse("feedback:summary", args=[contract.reference])).content.decode()
    assert "60%" in html
    assert "3 of 5 answers" in html
    assert "Peer supporters" in html
    assert "Neither good nor poor" in html  # the table of counts


def test_public_summary_hides_score_below_five(client, contract):
    f.give(contract, "very_good", what_good="Secret text")
    html = client.get(reverse("feedback:summary", args=[contract.reference])).content.decode()
    assert "Fewer than 5 people" in html
    assert "100%" not in html
    assert "Secret text" not in html


def test_provider_sees_answers_anonymised_commissioner_sees_all(client, contract, commissioner):
    f.give(contract, "poor", what_better="Phone me on 07700 900123 about the wait")
    member, _ = make_member(contract.provider)
    url = reverse("feedback:responses", args=[contract.reference])
    client.force_login(member)
    html = client.get(url).content.decode()
    assert "about the wait" in html
    assert "07700" not in html
    response_id = FeedbackResponse.objects.get().pk
    assert f"Response {response_id}" not in html
    client.force_login(commissioner)
    html = client.get(url).content.decode()
    assert "07700 900123" in html
    assert f"Response {response_id}" in html


def test_responses_page_query_count(client, contract, commissioner, django_assert_max_num_queries):
    for i in range(10):
        f.give(contract, "good", what_good=f"Good {i}", what_better=f"Better {i}")
    client.force_login(commissioner)
    with django_assert_max_num_queries(15):
        page = client.get(reverse("feedback:responses", args=[contract.reference]))
    assert page.status_code == 200


def test_coding_page_codes_ticked_answers(client, contract, commissioner):
    f.give(contract, "good", what_good="Friendly")
    client.force_login(commissioner)
    themes_url = reverse("feedback:themes", args=[contract.reference])
    assert client.post(themes_url, {"name": "Friendly staff"}).status_code == 302
    assert client.post(themes_url, {"name": ""}).status_code == 400
    theme = contract.feedback_themes.get()
    url = reverse("feedback:coding", args=[contract.reference])
    assert client.get(url).status_code == 200
    answer = FeedbackAnswer.objects.get()
    response = client.post(url, {"action": "tag", "theme": theme.pk, "answers": [answer.pk]})
    assert response.status_code == 302
    assert list(answer.themes.all()) == [theme]
    bad = client.post(url, {"action": "tag", "theme": theme.pk})
    assert bad.status_code == 400
    assert "Select at least one answer" in bad.content.decode()
    # An id beyond the database's range (SQLite cannot even compare with it) is refused.
    huge = client.post(url, {"action": "tag", "theme": theme.pk, "answers": [str(2**64)]})
    assert huge.status_code == 400
    assert "Choose answers from the list" in huge.content.decode()
    assert (
        client.get(reverse("feedback:theme_edit", args=[contract.reference, 2**64])).status_code
        == 404
    )
    edit = reverse("feedback:theme_edit", args=[contract.reference, theme.pk])
    assert client.post(edit, {"name": "Kind staff"}).status_code == 302
    filtered = client.get(url, {"show": "theme", "theme": theme.pk, "part": "good"})
    assert "Friendly" in filtered.content.decode()


def test_project_feedback_tag(contract):
    for _ in range(5):
        f.give(contract, "good")
    html = Template("{% load feedback_tags %}{% project_feedback project %}").render(
        Context({"project": contract.project})
    )
    assert "100% of 5 answers" in html
    assert reverse("feedback:give", args=[contract.reference]) in html
    assert reverse("feedback:give_easy", args=[contract.reference]) in html
    empty = Template("{% load feedback_tags %}{% project_feedback project %}").render(
        Context({"project": None})
    )
    assert empty.strip() == ""


# --- Mystery shopping pages ------------------------------------------------------------


def _date(prefix: str, day: dt.date) -> dict:
    return {f"{prefix}_0": day.day, f"{prefix}_1": day.month, f"{prefix}_2": day.year}


def test_mystery_shopping_journey(client, contract, commissioner, resident):
    today = timezone.localdate()
    client.force_login(commissioner)
    shoppers_url = reverse("feedback:shoppers")
    key = submission_key_of(client.get(shoppers_url))
    response = client.post(
        shoppers_url,
        {
            "submission_key": key,
            "full_name": "Ali Shopper",
            **_date("trained_on", today - dt.timedelta(days=40)),
            "trained_by": "Speak Up Riverside",
            "email": resident.email,
        },
    )
    assert response.status_code == 302
    shopper = resident.mystery_shopper
    plan_url = reverse("feedback:visit_new", args=[contract.reference])
    key = submission_key_of(client.get(plan_url))
    response = client.post(
        plan_url,
        {
            "submission_key": key,
            **_date("window_from", today - dt.timedelta(days=10)),
            "shoppers": [shopper.pk],
            "focus": "Getting started",
            "checklist": "Were you welcomed?\nWas the leaflet easy to read?",
        },
    )
    assert response.status_code == 302
    visit = ShoppingVisit.objects.get()
    assert visit.window_from == visit.window_to
    # The shopper writes the report from their own account.
    client.force_login(resident)
    assert client.get(reverse("feedback:my_visits")).status_code == 200
    report_url = reverse("feedback:report", args=[contract.reference, 1])
    key = submission_key_of(client.get(report_url))
    items = {f"item_{i.pk}": "good" for i in visit.checklist.all()}
    photo = SimpleUploadedFile("sign.txt", b"The sign said: closed on Mondays.\n")
    response = client.post(
        report_url,
        {
            "submission_key": key,
            **_date("visited_on", today - dt.timedelta(days=9)),
            "overall": "Welcoming, leaflet hard to read.",
            "evidence": [photo],
            **items,
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert ShoppingReport.objects.get().evidence.count() == 1
    evidence_url = reverse("feedback:evidence", args=[contract.reference, 1, 1])
    download = client.get(evidence_url)
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    # The provider sees the report without the shopper's name, and replies.
    member, _ = make_member(contract.provider)
    client.force_login(member)
    visit_url = reverse("feedback:visit", args=[contract.reference, 1])
    html = client.get(visit_url).content.decode()
    assert "Welcoming, leaflet hard to read." in html
    assert "Ali Shopper" not in html
    assert resident.full_name not in html
    reply_url = reverse("feedback:reply", args=[contract.reference, 1])
    key = submission_key_of(client.get(visit_url))
    assert client.post(reply_url, {"submission_key": key, "text": ""}).status_code == 400
    assert client.post(reply_url, {"submission_key": key, "text": "Thanks"}).status_code == 302
    assert ProviderReply.objects.get().text == "Thanks"
    # The commissioner sees the names and adds a follow-up action.
    client.force_login(commissioner)
    html = client.get(visit_url).content.decode()
    assert "Ali Shopper" in html
    action_url = reverse("feedback:action_new", args=[contract.reference, 1])
    key = submission_key_of(client.get(visit_url))
    response = client.post(
        action_url,
        {
            "submission_key": key,
            "description": "Easy read leaflet",
            "owner": "Jo at the provider",
            **_date("due_on", today + dt.timedelta(days=20)),
        },
    )
    assert response.status_code == 302
    action = FollowUpAction.objects.get()
    client.force_login(member)
    update_url = reverse("feedback:action_update", args=[contract.reference, 1, action.pk])
    assert client.post(update_url, {"status": "done"}).status_code == 400
    assert (
        client.post(update_url, {"status": "done", "what_changed": "New leaflet"}).status_code
        == 302
    )
    public = client.get(reverse("feedback:summary", args=[contract.reference])).content.decode()
    assert "New leaflet" in public
    assert "Ali Shopper" not in public
    assert client.get(reverse("feedback:visits", args=[contract.reference])).status_code == 200


def test_late_reply_is_shown_as_late(client, contract, commissioner, resident):
    shopper = f.make_shopper(commissioner, user=resident)
    visit = f.plan_visit(commissioner, contract, [shopper])
    report = f.send_report(resident, visit)
    ShoppingReport.objects.filter(pk=report.pk).update(
        reply_due_on=timezone.localdate() - dt.timedelta(days=2)
    )
    client.force_login(commissioner)
    html = client.get(reverse("feedback:visits", args=[contract.reference])).content.decode()
    assert "Late" in html
    member, _ = make_member(contract.provider)
    client.force_login(member)
    visit_url = reverse("feedback:visit", args=[contract.reference, 1])
    key = submission_key_of(client.get(visit_url))
    response = client.post(
        reverse("feedback:reply", args=[contract.reference, 1]),
        {"submission_key": key, "text": "Sorry"},
        follow=True,
    )
    assert "shown as late" in response.content.decode()
    assert "Replied late" in response.content.decode()
