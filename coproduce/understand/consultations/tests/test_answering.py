"""Answering consultations: residents answer page by page, save, resume and send once."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core import mail
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from coproduce.foundation.core.audit import verify_chain
from coproduce.foundation.core.models import AuditEvent
from coproduce.understand.consultations.models import (
    Answer,
    Consultation,
    EqualityMonitoringReturn,
    Response,
)
from coproduce.understand.consultations.selectors import (
    consultation_public_list,
    submitted_responses,
)
from coproduce.understand.consultations.services import hash_token
from coproduce.understand.consultations.tests.test_builder import build_consultation, qs

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def consultation(commissioner):
    return build_consultation(commissioner)


def url(name, c, *args):
    return reverse(f"engagement:{name}", args=[c.reference, *args])


def page1(c):
    q = qs(c)
    taxi = q["single"].options.get(label="Taxi")
    return {f"q{q['single'].pk}": str(taxi.pk), f"q{q['rating'].pk}": "4", "action": "continue"}


def page2(c, text="More evening clubs, please."):
    q = qs(c)
    art, cooking = (
        q["multiple"].options.get(label="Art"),
        q["multiple"].options.get(label="Cooking"),
    )
    ranking = {
        f"q{q['ranking'].pk}_o{o.pk}": str(i) for i, o in enumerate(q["ranking"].options.all(), 1)
    }
    return {
        f"q{q['multiple'].pk}": [str(art.pk), str(cooking.pk)],
        **ranking,
        f"q{q['text'].pk}": text,
        "action": "continue",
    }


def key_of(client, c) -> str:
    return client.session["engagement"][c.reference]["key"]


def start(client, c):
    response = client.get(url("start", c))
    assert response.status_code == 302
    return key_of(client, c)


def answer_all(client, c, *, equality=None):
    key = start(client, c)
    assert client.post(url("page", c, 1), {**page1(c), "submission_key": key}).status_code == 302
    r = client.post(url("page", c, 2), {**page2(c), "submission_key": key})
    assert r.status_code == 302, r.content.decode()[:3000]
    if c.equality_monitoring:
        r = client.post(url("equality", c), equality or {"age": "25_34", "disability": "yes"})
        assert r["Location"] == url("check", c)
    return key


# --- Finding and reading ---------------------------------------------------------------


def test_public_list_shows_open_first_then_closed_and_hides_drafts(client, commissioner):
    now = timezone.now()
    closed = build_consultation(commissioner, title="Closed one")
    Consultation.objects.filter(pk=closed.pk).update(closes_at=now - dt.timedelta(minutes=1))
    open_one = build_consultation(commissioner, title="Open one")
    draft = build_consultation(commissioner, title="Draft one", publish=False)
    refs = [c.reference for c in consultation_public_list()]
    assert refs == [open_one.reference, closed.reference]
    body = client.get(reverse("engagement:public_list")).content.decode()
    assert body.index("Open one") < body.index("Closed one")
    assert "Draft one" not in body
    assert client.get(url("intro", draft)).status_code == 404


def test_public_list_query_count_does_not_grow(client, commissioner):
    build_consultation(commissioner)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("engagement:public_list"))
    for i in range(4):
        build_consultation(commissioner, title=f"More {i}")
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("engagement:public_list"))
    assert len(many) == len(few)


def test_intro_shows_closing_time_with_day_and_easy_read_intro(client, consultation):
    body = client.get(url("intro", consultation)).content.decode()
    closes = timezone.localtime(consultation.closes_at)
    assert f"{closes:%A} {closes.day} {closes:%B %Y} at" in body
    assert "Easy read version" in body
    easy = client.get(url("easy_intro", consultation)).content.decode()
    assert "We want to know what you like to do in the day." in easy
    assert "app-easy-read" in easy


# --- The whole journey -----------------------------------------------------------------


def test_answer_and_send_without_an_account(client, consultation):
    answer_all(client, consultation)
    check = client.get(url("check", consultation))
    body = check.content.decode()
    assert "Taxi" in body
    assert "4 – Good" in body
    assert "1. Evenings" in body
    assert "25 to 34" in body
    sent = client.post(url("check", consultation), {"submission_key": key_of(client, consultation)})
    assert sent["Location"] == url("sent", consultation)
    page = client.get(url("sent", consultation)).content.decode()
    response = Response.objects.get()
    assert response.status == "submitted"
    assert re.fullmatch(r"R-[A-Z2-9]{4}-[A-Z2-9]{4}", response.reference)
    assert "Thank you, your response is recorded" in page
    assert response.reference in page
    assert response.respondent is None
    assert response.answers.count() == 5
    ranking = response.answers.get(question__kind="ranking")
    assert sorted(ranking.chosen.values_list("rank", flat=True)) == [1, 2, 3]
    eq = EqualityMonitoringReturn.objects.get()
    assert (eq.consultation_id, eq.age, eq.disability, eq.sex) == (
        consultation.pk,
        "25_34",
        "yes",
        "",
    )
    assert eq.received_on == timezone.localdate()
    assert not any(
        f.is_relation and f.related_model is Response
        for f in EqualityMonitoringReturn._meta.get_fields()
    )
    event = AuditEvent.objects.get(verb="engagement.response.submitted")
    assert event.target_id == str(response.pk)
    assert event.changes == {"status": ["draft", "submitted"]}
    assert "evening" not in str(event.changes).lower()
    assert verify_chain()[1] is None


def test_double_submit_and_back_button_resubmit_store_one_response(client, consultation):
    key = answer_all(client, consultation)
    first = client.post(url("check", consultation), {"submission_key": key})
    second = client.post(url("check", consultation), {"submission_key": key})
    assert first["Location"] == second["Location"] == url("sent", consultation)
    # A retry after a timeout from a browser that lost its session carries the same key.
    other = Client()
    retry = other.post(url("check", consultation), {"submission_key": key})
    assert retry["Location"] == url("sent", consultation)
    ref = Response.objects.get().reference
    assert ref in other.get(url("sent", consultation)).content.decode()
    assert Response.objects.count() == 1
    assert EqualityMonitoringReturn.objects.count() == 1
    assert AuditEvent.objects.filter(verb="engagement.response.submitted").count() == 1
    # Pressing back to a question page after sending shows the confirmation, not a form.
    assert client.get(url("page", consultation, 2))["Location"] == url("sent", consultation)


def test_empty_required_answer_is_refused_and_nothing_saved(client, consultation):
    key = start(client, consultation)
    data = {**page1(consultation), "submission_key": key}
    data.pop(f"q{qs(consultation)['single'].pk}")
    response = client.post(url("page", consultation, 1), data)
    assert response.status_code == 400
    assert "Select an answer to “How do you get to your day service?”" in response.content.decode()
    assert not Response.objects.exists()
    assert not Answer.objects.exists()


def test_too_long_text_names_the_limit_and_saves_nothing(client, consultation):
    key = start(client, consultation)
    client.post(url("page", consultation, 1), {**page1(consultation), "submission_key": key})
    answers_before = Answer.objects.count()
    response = client.post(
        url("page", consultation, 2), {**page2(consultation, text="x" * 201), "submission_key": key}
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "must be 200 characters or fewer (you have written 201)" in body
    assert "x" * 201 in body  # what they typed is kept on the page
    assert Answer.objects.count() == answers_before


def test_ranking_must_use_each_number_once(client, consultation):
    key = start(client, consultation)
    client.post(url("page", consultation, 1), {**page1(consultation), "submission_key": key})
    data = {**page2(consultation), "submission_key": key}
    ranking = qs(consultation)["ranking"]
    for o in ranking.options.all():
        data[f"q{ranking.pk}_o{o.pk}"] = "1"
    response = client.post(url("page", consultation, 2), data)
    assert response.status_code == 400
    assert "Give each option a different number from 1 to 3" in response.content.decode()
    assert not Answer.objects.filter(question__kind__in=["ranking", "multiple", "text"]).exists()


def test_forged_question_or_option_is_refused_with_400(client, commissioner, consultation):
    other = build_consultation(commissioner, title="Another")
    key = start(client, consultation)
    foreign_q = qs(other)["rating"]
    forged_question = {**page1(consultation), "submission_key": key, f"q{foreign_q.pk}": "3"}
    response = client.post(url("page", consultation, 1), forged_question)
    assert response.status_code == 400
    assert "not part of this consultation" in response.content.decode()
    foreign_option = qs(other)["single"].options.first()
    forged_option = {
        **page1(consultation),
        "submission_key": key,
        f"q{qs(consultation)['single'].pk}": str(foreign_option.pk),
    }
    response = client.post(url("page", consultation, 1), forged_option)
    assert response.status_code == 400
    assert "nothing was saved" in response.content.decode()
    bad_rating = {
        **page1(consultation),
        "submission_key": key,
        f"q{qs(consultation)['rating'].pk}": "9",
    }
    assert client.post(url("page", consultation, 1), bad_rating).status_code == 400
    assert not Response.objects.exists()


def test_answers_after_closing_are_refused_politely_and_the_draft_is_kept(client, consultation):
    key = start(client, consultation)
    client.post(url("page", consultation, 1), {**page1(consultation), "submission_key": key})
    draft = Response.objects.get()
    Consultation.objects.filter(pk=consultation.pk).update(
        closes_at=timezone.now() - dt.timedelta(seconds=1)
    )
    response = client.post(
        url("page", consultation, 2), {**page2(consultation), "submission_key": key}
    )
    assert response.status_code == 400
    assert "This consultation closed on" in response.content.decode()
    assert "Your saved answers have been kept" in response.content.decode()
    submit = client.post(url("check", consultation), {"submission_key": key})
    assert submit.status_code == 400
    draft.refresh_from_db()
    assert draft.status == "draft"
    assert draft.answers.count() == 2
    assert not Answer.objects.filter(question__kind="text").exists()


def test_missing_required_answers_block_sending(client, consultation):
    key = start(client, consultation)
    client.post(url("page", consultation, 1), {**page1(consultation), "submission_key": key})
    response = client.post(url("check", consultation), {"submission_key": key})
    assert response.status_code == 400
    assert "Answer the question “What would make your days better?”" in response.content.decode()
    assert Response.objects.get().status == "draft"


def test_save_and_come_back_later_with_email(
    client, consultation, django_capture_on_commit_callbacks
):
    key = start(client, consultation)
    saved = client.post(
        url("page", consultation, 1),
        {**page1(consultation), "submission_key": key, "action": "save"},
    )
    assert saved["Location"] == url("saved", consultation)
    page = client.get(url("saved", consultation)).content.decode()
    link = re.search(r'href="(http://testserver/consultations/resume/[^"]+)"', page)[1]
    token = link.rstrip("/").rsplit("/", 1)[1]
    draft = Response.objects.get()
    assert draft.resume_token_hash == hash_token(token)
    assert token not in str(Response.objects.values().get())
    # The same link is shown again while the session lasts.
    assert link in client.get(url("saved", consultation)).content.decode()
    mail.outbox = []
    with django_capture_on_commit_callbacks(execute=True):
        emailed = client.post(url("saved", consultation), {"email": "sam@example.org"})
    assert emailed.status_code == 302
    assert len(mail.outbox) == 1
    assert link in mail.outbox[0].body
    assert mail.outbox[0].to == ["sam@example.org"]
    bad = client.post(url("saved", consultation), {"email": "not an email"})
    assert bad.status_code == 400
    assert "Enter an email address in the correct format" in bad.content.decode()
    # Another browser picks up the answers from the link.
    other = Client()
    resumed = other.get(link)
    assert resumed["Location"].startswith(url("page", consultation, 1))
    body = other.get(resumed["Location"]).content.decode()
    taxi = qs(consultation)["single"].options.get(label="Taxi")
    assert f'value="{taxi.pk}" checked' in body
    assert "Welcome back" in body
    key2 = key_of(other, consultation)
    assert key2 == key
    other.post(url("page", consultation, 2), {**page2(consultation), "submission_key": key})
    other.post(url("check", consultation), {"submission_key": key})
    assert Response.objects.get().status == "submitted"
    assert Response.objects.get().resume_token_hash == ""
    assert other.get(link).status_code == 404  # a used link no longer works


def test_resume_link_after_closing_shows_the_closed_page(client, consultation):
    key = start(client, consultation)
    client.post(
        url("page", consultation, 1),
        {**page1(consultation), "submission_key": key, "action": "save"},
    )
    page = client.get(url("saved", consultation)).content.decode()
    link = re.search(r'href="(http://testserver/consultations/resume/[^"]+)"', page)[1]
    Consultation.objects.filter(pk=consultation.pk).update(
        closes_at=timezone.now() - dt.timedelta(seconds=1)
    )
    body = Client().get(link).content.decode()
    assert "This consultation closed on" in body
    assert Response.objects.get().answers.count() == 2


def test_back_saves_without_checking_required_answers(client, consultation):
    key = start(client, consultation)
    rating = qs(consultation)["rating"]
    response = client.post(
        url("page", consultation, 1),
        {f"q{rating.pk}": "2", "action": "back", "submission_key": key},
    )
    assert response["Location"] == url("intro", consultation)
    assert Answer.objects.get().rating == 2


def test_honeypot_is_refused(client, consultation):
    key = start(client, consultation)
    response = client.post(
        url("page", consultation, 1),
        {**page1(consultation), "submission_key": key, "website": "http://spam"},
    )
    assert response.status_code == 400
    assert not Response.objects.exists()


def test_anonymous_submissions_are_rate_limited_per_address(settings, consultation):
    settings.ENGAGEMENT_ANON_RATE = 2
    for _ in range(2):
        c = Client()
        key = answer_all(c, consultation)
        assert c.post(url("check", consultation), {"submission_key": key})["Location"] == url(
            "sent", consultation
        )
    c = Client()
    key = answer_all(c, consultation)
    blocked = c.post(url("check", consultation), {"submission_key": key})
    assert blocked.status_code == 429
    assert "Sorry, please try again later" in blocked.content.decode()
    assert Response.objects.filter(status="submitted").count() == 2
    assert Response.objects.filter(status="draft").count() == 1  # kept for later
    elsewhere = Client(REMOTE_ADDR="10.9.9.9")
    key = answer_all(elsewhere, consultation)
    assert elsewhere.post(url("check", consultation), {"submission_key": key}).status_code == 302


def test_anonymous_saves_are_rate_limited(settings, consultation):
    settings.ENGAGEMENT_ANON_SAVE_RATE = 1
    c = Client()
    key = start(c, consultation)
    assert (
        c.post(
            url("page", consultation, 1), {**page1(consultation), "submission_key": key}
        ).status_code
        == 302
    )
    blocked = c.post(
        url("page", consultation, 1),
        {**page1(consultation), "submission_key": key, "action": "save"},
    )
    assert blocked.status_code == 429


def test_signed_in_person_carries_on_their_draft(client, resident, consultation):
    client.force_login(resident)
    key = start(client, consultation)
    client.post(url("page", consultation, 1), {**page1(consultation), "submission_key": key})
    assert Response.objects.get().respondent == resident
    fresh = Client()
    fresh.force_login(resident)
    start(fresh, consultation)
    assert key_of(fresh, consultation) == key


def test_easy_read_mode_shows_easy_words_and_is_remembered(client, consultation):
    start(client, consultation)
    body = client.get(url("page", consultation, 1), {"easy_read": "1"}).content.decode()
    assert "How do you get there?" in body
    assert "Car" in body
    assert "Switch to the standard version" in body
    body = client.get(url("page", consultation, 1)).content.decode()
    assert "How do you get there?" in body
    body = client.get(url("page", consultation, 1), {"easy_read": "0"}).content.decode()
    assert "How do you get to your day service?" in body


def test_equality_page_is_optional_and_explains_why(client, consultation):
    start(client, consultation)
    body = client.get(url("equality", consultation)).content.decode()
    assert "You do not have to answer these questions" in body
    assert body.count(">Prefer not to say</label>") == 9
    assert client.post(url("equality", consultation), {})["Location"] == url("check", consultation)
    bad = client.post(url("equality", consultation), {"age": "forged"})
    assert bad.status_code == 400


def test_no_equality_return_when_nothing_answered_or_not_asked(client, commissioner):
    c = build_consultation(commissioner, equality=False)
    key = answer_all(client, c)
    client.post(url("check", c), {"submission_key": key})
    assert Response.objects.get().status == "submitted"
    assert not EqualityMonitoringReturn.objects.exists()
    assert client.get(url("equality", c)).status_code == 404


def test_submitted_responses_selector_has_flat_query_count(client, consultation):
    for _ in range(2):
        c = Client()
        key = answer_all(c, consultation)
        c.post(url("check", consultation), {"submission_key": key})
    with CaptureQueriesContext(connection) as few:
        rows = [
            (r.reference, [list(a.chosen.all()) for a in r.answers.all()])
            for r in submitted_responses(consultation=consultation)
        ]
    assert len(rows) == 2
    for _ in range(3):
        c = Client()
        key = answer_all(c, consultation)
        c.post(url("check", consultation), {"submission_key": key})
    with CaptureQueriesContext(connection) as many:
        rows = [
            (r.reference, [list(a.chosen.all()) for a in r.answers.all()])
            for r in submitted_responses(consultation=consultation)
        ]
    assert len(rows) == 5
    assert len(many) == len(few) == 3


def test_draft_consultation_cannot_be_answered(client, commissioner):
    c = build_consultation(commissioner, publish=False)
    assert client.get(url("start", c)).status_code == 404
    assert client.post(url("page", c, 1), {"submission_key": "x" * 40}).status_code == 404
    assert not Response.objects.exists()


def test_upcoming_consultation_says_when_it_opens(client, commissioner):
    now = timezone.now()
    c = build_consultation(
        commissioner, opens_at=now + dt.timedelta(days=2), closes_at=now + dt.timedelta(days=9)
    )
    body = client.get(url("start", c)).content.decode()
    assert "This consultation is not open yet" in body
