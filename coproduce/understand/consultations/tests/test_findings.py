"""Findings: drafts for staff, publishing with a fixed count, quotes, corrections, public pages."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from coproduce.foundation.commissioning.tests.factories import make_project
from coproduce.foundation.core.errors import NotFound, ServiceError
from coproduce.foundation.core.models import AuditEvent
from coproduce.understand.consultations.models import Finding, FindingQuote
from coproduce.understand.consultations.selectors_analysis import (
    finding_by_reference,
    published_findings_for_project,
)
from coproduce.understand.consultations.services_analysis import (
    FindingData,
    answers_tag,
    finding_correct,
    finding_create,
    finding_publish,
    finding_quote_add,
    quote_fits_answer,
    theme_create,
)

from .test_analysis_support import add_response, make_consultation, text_answer


@pytest.fixture
def consultation(commissioner, published_project):
    return make_consultation(actor=commissioner, project=published_project)


@pytest.fixture
def theme(commissioner, consultation):
    theme = theme_create(actor=commissioner, consultation=consultation, name="Evenings")
    answers = [
        text_answer(add_response(consultation, text=f"I want evening clubs, said person {i}"))
        for i in range(6)
    ]
    answers_tag(
        actor=commissioner,
        consultation=consultation,
        theme_id=theme.pk,
        answer_ids=[a.pk for a in answers],
    )
    return theme


@pytest.fixture
def draft(commissioner, consultation, theme):
    return finding_create(
        actor=commissioner,
        consultation=consultation,
        data=FindingData("People want activities in the evenings", theme_ids=[theme.pk]),
    )


def _m(name, *args):
    return reverse(f"engagement_analysis:{name}", args=args)


def test_a_finding_gets_a_stable_reference_and_a_count_fixed_at_publishing(
    commissioner, consultation, theme, draft
):
    assert re.fullmatch(r"F-\d{4}-0001", draft.reference)
    assert draft.published_at is None
    assert draft.project == consultation.project
    published = finding_publish(actor=commissioner, finding=draft)
    assert published.people_count == 6
    answers_tag(
        actor=commissioner,
        consultation=consultation,
        theme_id=theme.pk,
        answer_ids=[text_answer(add_response(consultation, text="evening too")).pk],
    )
    again = finding_publish(actor=commissioner, finding=published)
    assert again.people_count == 6
    assert again.published_at == published.published_at
    assert finding_by_reference(draft.reference) == published
    assert list(published_findings_for_project(consultation.project)) == [published]
    verbs = set(
        AuditEvent.objects.filter(verb__startswith="engagement.finding").values_list(
            "verb", flat=True
        )
    )
    assert verbs == {"engagement.finding.created", "engagement.finding.published"}


def test_people_are_counted_once_across_several_themes(commissioner, consultation, theme):
    other = theme_create(actor=commissioner, consultation=consultation, name="Weekends")
    answers_tag(
        actor=commissioner,
        consultation=consultation,
        theme_id=other.pk,
        answer_ids=list(theme.answers.values_list("pk", flat=True)[:3]),
    )
    finding = finding_create(
        actor=commissioner,
        consultation=consultation,
        data=FindingData("Both", theme_ids=[theme.pk, other.pk]),
    )
    assert finding_publish(actor=commissioner, finding=finding).people_count == 6


def test_drafts_are_not_returned_by_the_public_selectors(draft):
    assert finding_by_reference(draft.reference) is None
    assert not published_findings_for_project(draft.project).exists()


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (FindingData("   "), "required"),
        (FindingData("x" * 501), "too_long"),
        (FindingData("ok", theme_ids=[999999]), "invalid_theme"),
    ],
)
def test_bad_findings_are_refused_and_nothing_is_saved(commissioner, consultation, data, code):
    with pytest.raises(ServiceError) as exc:
        finding_create(actor=commissioner, consultation=consultation, data=data)
    assert exc.value.code == code
    assert not Finding.objects.exists()


def test_publishing_without_a_theme_is_refused(client, commissioner, consultation):
    finding = finding_create(
        actor=commissioner, consultation=consultation, data=FindingData("No evidence")
    )
    client.force_login(commissioner)
    response = client.post(_m("finding_publish", finding.reference))
    assert response.status_code == 400
    assert "Choose at least one theme behind the finding" in response.content.decode()
    finding.refresh_from_db()
    assert finding.published_at is None
    assert not AuditEvent.objects.filter(verb="engagement.finding.published").exists()


def test_publishing_a_theme_nobody_is_tagged_with_is_refused(commissioner, consultation):
    empty = theme_create(actor=commissioner, consultation=consultation, name="Empty")
    finding = finding_create(
        actor=commissioner,
        consultation=consultation,
        data=FindingData("Nobody", theme_ids=[empty.pk]),
    )
    with pytest.raises(ServiceError) as exc:
        finding_publish(actor=commissioner, finding=finding)
    assert exc.value.code == "no_people"


def test_the_new_finding_form_shows_errors_and_saves_nothing(
    client, commissioner, consultation, theme
):
    client.force_login(commissioner)
    response = client.post(
        _m("finding_new", consultation.reference), {"statement": "", "themes": [theme.pk]}
    )
    assert response.status_code == 400
    assert "Enter what people told you, in one sentence" in response.content.decode()
    assert not Finding.objects.exists()
    response = client.post(
        _m("finding_new", consultation.reference), {"statement": "Evenings", "themes": [theme.pk]}
    )
    finding = Finding.objects.get()
    assert response["Location"] == _m("finding_manage", finding.reference)


@pytest.mark.parametrize(
    ("quote", "ok"),
    [
        ("I want evening clubs", True),
        ("I want … clubs, said person 1", True),
        ("i want EVENING clubs", True),
        ("I want morning clubs", False),
        ("clubs … I want", False),
    ],
)
def test_a_quote_can_only_leave_words_out(quote, ok):
    assert quote_fits_answer(quote, "I want evening clubs, said person 1") is ok


def test_quotes_come_from_tagged_answers_and_are_trimmed(
    client, commissioner, consultation, draft, theme
):
    answer = theme.answers.first()
    client.force_login(commissioner)
    assert answer.text in client.get(_m("finding_quote_choose", draft.reference)).content.decode()
    response = client.post(
        _m("finding_quote_add", draft.reference, answer.pk), {"text": "Something I never said"}
    )
    assert response.status_code == 400
    assert "can only leave words out" in response.content.decode()
    response = client.post(
        _m("finding_quote_add", draft.reference, answer.pk), {"text": "I want evening clubs"}
    )
    assert response.status_code == 302
    assert FindingQuote.objects.get().text == "I want evening clubs"
    untagged = text_answer(add_response(consultation, text="Not tagged"))
    assert client.get(_m("finding_quote_add", draft.reference, untagged.pk)).status_code == 404
    with pytest.raises(NotFound):
        finding_quote_add(
            actor=commissioner, finding=draft, answer_id=untagged.pk, text="Not tagged"
        )
    quote = FindingQuote.objects.get()
    assert client.post(_m("finding_quote_remove", draft.reference, quote.pk)).status_code == 302
    assert not FindingQuote.objects.exists()


def test_a_published_finding_is_corrected_with_a_reason_not_edited(client, commissioner, draft):
    published = finding_publish(actor=commissioner, finding=draft)
    client.force_login(commissioner)
    assert client.get(_m("finding_edit", published.reference))["Location"] == _m(
        "finding_correct", published.reference
    )
    response = client.post(
        _m("finding_correct", published.reference),
        {"statement": "People want evening activities", "reason": ""},
    )
    assert response.status_code == 400
    assert "Explain why the statement is being corrected" in response.content.decode()
    response = client.post(
        _m("finding_correct", published.reference),
        {"statement": "People want evening activities", "reason": "Typo in the first version"},
    )
    assert response.status_code == 302
    published.refresh_from_db()
    assert published.statement == "People want evening activities"
    event = AuditEvent.objects.get(verb="engagement.finding.corrected")
    assert event.reason == "Typo in the first version"
    body = client.get(_m("finding_public", published.reference)).content.decode()
    assert "Typo in the first version" in body
    assert "People want activities in the evenings" in body
    with pytest.raises(ServiceError) as exc:
        finding_correct(
            actor=commissioner,
            finding=published,
            statement="People want evening activities",
            reason="again",
        )
    assert exc.value.code == "unchanged"


@pytest.mark.parametrize("who", [None, "resident", "provider"])
def test_a_draft_finding_is_hidden_outside_the_council(client, request, draft, who):
    if who:
        client.force_login(request.getfixturevalue(who))
    assert client.get(_m("finding_public", draft.reference)).status_code == 404
    expected = 302 if who is None else 404
    for name in (
        "finding_manage",
        "finding_edit",
        "finding_quote_choose",
        "finding_publish",
        "finding_correct",
    ):
        assert client.get(_m(name, draft.reference)).status_code == expected
    assert client.post(_m("finding_publish", draft.reference)).status_code == expected
    draft.refresh_from_db()
    assert draft.published_at is None


@pytest.mark.parametrize("who", ["commissioner", "finance"])
def test_council_staff_see_draft_findings(client, request, draft, who):
    client.force_login(request.getfixturevalue(who))
    response = client.get(_m("finding_public", draft.reference))
    assert response.status_code == 200
    assert "Draft: only council staff" in response.content.decode()
    assert client.get(_m("finding_manage", draft.reference)).status_code == 200


def test_finance_can_read_but_not_publish_findings(client, finance, draft):
    client.force_login(finance)
    assert client.post(_m("finding_publish", draft.reference)).status_code == 404
    assert client.get(_m("finding_new", draft.consultation.reference)).status_code == 404


def test_everyone_sees_a_published_finding_with_small_counts_suppressed(
    client, commissioner, consultation
):
    few = theme_create(actor=commissioner, consultation=consultation, name="Toilets")
    answer = text_answer(add_response(consultation, text="We need a Changing Places toilet"))
    answers_tag(
        actor=commissioner, consultation=consultation, theme_id=few.pk, answer_ids=[answer.pk]
    )
    finding = finding_create(
        actor=commissioner,
        consultation=consultation,
        data=FindingData("Changing Places toilets", theme_ids=[few.pk]),
    )
    finding_quote_add(
        actor=commissioner,
        finding=finding,
        answer_id=answer.pk,
        text="We need a Changing Places toilet",
    )
    finding_publish(actor=commissioner, finding=finding)
    response = client.get(f"/findings/{finding.reference}/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "fewer than 5 people told us this" in body
    assert "We need a Changing Places toilet" in body
    assert consultation.title in body
    assert f"/projects/{consultation.project.reference}/" in body
    project_page = client.get(f"/projects/{consultation.project.reference}/").content.decode()
    assert "What you told us" in project_page
    assert "Changing Places toilets" in project_page
    assert "fewer than 5 people told us this" in project_page
    assert "Read responses to" not in project_page  # staff links only for staff


def test_unknown_finding_is_not_found(client, db):
    assert client.get("/findings/F-1999-0001/").status_code == 404


def test_project_page_query_count_does_not_grow_with_findings(
    client, commissioner, consultation, theme
):
    def publish_one(i):
        f = finding_create(
            actor=commissioner,
            consultation=consultation,
            data=FindingData(f"Finding {i}", theme_ids=[theme.pk]),
        )
        finding_quote_add(
            actor=commissioner, finding=f, answer_id=theme.answers.first().pk, text="evening clubs"
        )
        finding_publish(actor=commissioner, finding=f)

    publish_one(0)
    url = f"/projects/{consultation.project.reference}/"
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for i in range(1, 6):
        publish_one(i)
    with CaptureQueriesContext(connection) as many:
        body = client.get(url).content.decode()
    assert body.count("people told us this") == 6
    assert len(many) == len(few)


def test_staff_see_links_to_read_responses_on_the_project_page(client, commissioner, consultation):
    client.force_login(commissioner)
    body = client.get(f"/projects/{consultation.project.reference}/").content.decode()
    assert _m("summary", consultation.reference) in body


def test_a_project_without_consultations_shows_no_findings_section(client, commissioner):
    project = make_project(actor=commissioner, published=True, title="Quiet project")
    assert "What you told us" not in client.get(f"/projects/{project.reference}/").content.decode()


def test_staff_findings_list_shows_drafts_and_published(client, commissioner, consultation, draft):
    client.force_login(commissioner)
    body = client.get(_m("findings", consultation.reference)).content.decode()
    assert draft.reference in body
    assert "Draft" in body


def test_staff_lists_keep_a_fixed_query_count(client, commissioner, consultation, theme, draft):
    client.force_login(commissioner)
    urls = [
        _m("findings", consultation.reference),
        _m("themes", consultation.reference),
        _m("finding_quote_choose", draft.reference),
    ]
    before = []
    for url in urls:
        with CaptureQueriesContext(connection) as q:
            assert client.get(url).status_code == 200
        before.append(len(q))
    for i in range(8):
        extra = theme_create(actor=commissioner, consultation=consultation, name=f"Theme {i}")
        answer = text_answer(add_response(consultation, text=f"evening {i}"))
        answers_tag(
            actor=commissioner, consultation=consultation, theme_id=theme.pk, answer_ids=[answer.pk]
        )
        finding_create(
            actor=commissioner,
            consultation=consultation,
            data=FindingData(f"Finding {i}", theme_ids=[theme.pk, extra.pk]),
        )
    after = []
    for url in urls:
        with CaptureQueriesContext(connection) as q:
            client.get(url)
        after.append(len(q))
    assert after == before
