"""Question pages: who may see and do what, anonymity of askers, refusals with the rule."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from coproduce.foundation.accounts.models import Membership
from coproduce.foundation.accounts.tests.factories import OrganisationFactory, make_member
from coproduce.procure.tenders.models import Clarification, TenderInterest, TenderStatus
from coproduce.procure.tenders.services_clarifications import (
    clarification_answer,
    clarification_ask,
    clarification_decline,
)
from coproduce.procure.tenders.tests.factories import make_tender

pytestmark = pytest.mark.django_db

SECRET = "Zebra Crossing Community Trust"


def _published_question(tender, commissioner, *, org_name=SECRET, lot=None, text="Can we bid?"):
    user, org = make_member(name=org_name)
    q = clarification_ask(actor=user, tender=tender, organisation=org, question=text, lot=lot)
    clarification_answer(
        actor=commissioner, clarification=q, question=text, answer="Yes, you can.", publish=True
    )
    return user, org, q


# --- public list -------------------------------------------------------------------------


def test_public_list_shows_pseudonym_never_the_organisation(client, commissioner):
    tender = make_tender(actor=commissioner)
    _published_question(tender, commissioner)
    response = client.get(reverse("tenders:questions", args=[tender.reference]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Organisation A" in body
    assert "Yes, you can." in body
    assert SECRET not in body


def test_public_list_hides_unpublished_questions(client, commissioner):
    tender = make_tender(actor=commissioner)
    user, org = make_member(name=SECRET)
    clarification_ask(actor=user, tender=tender, organisation=org, question="Secret question?")
    body = client.get(reverse("tenders:questions", args=[tender.reference])).content.decode()
    assert "Secret question?" not in body


def test_asker_sees_own_unpublished_question_and_decline_reason(client, commissioner):
    tender = make_tender(actor=commissioner)
    user, org = make_member(name=SECRET)
    q = clarification_ask(actor=user, tender=tender, organisation=org, question="Rival prices?")
    clarification_decline(actor=commissioner, clarification=q, reason="Commercially sensitive.")
    other, _ = make_member()
    client.force_login(other)
    body = client.get(reverse("tenders:questions", args=[tender.reference])).content.decode()
    assert "Commercially sensitive." not in body
    client.force_login(user)
    body = client.get(reverse("tenders:questions", args=[tender.reference])).content.decode()
    assert "Commercially sensitive." in body


def test_public_list_filters_by_lot(client, commissioner):
    tender = make_tender(actor=commissioner, lots=2)
    lot1, lot2 = tender.lots.order_by("number")
    _published_question(tender, commissioner, lot=lot1, text="About lot one?")
    _published_question(tender, commissioner, org_name="B org", lot=lot2, text="About lot two?")
    _published_question(tender, commissioner, org_name="C org", text="About everything?")
    url = reverse("tenders:questions", args=[tender.reference])
    body = client.get(url, {"lot": "1"}).content.decode()
    assert "About lot one?" in body and "About everything?" in body
    assert "About lot two?" not in body


def test_public_list_query_count_does_not_grow(client, commissioner, django_assert_max_num_queries):
    tender = make_tender(actor=commissioner, lots=1)
    for i in range(6):
        _published_question(tender, commissioner, org_name=f"Org {i}", text=f"Question {i}?")
    url = reverse("tenders:questions", args=[tender.reference])
    with django_assert_max_num_queries(8):
        assert client.get(url).status_code == 200


def test_draft_tender_questions_are_404_for_the_public(client, commissioner, provider):
    tender = make_tender(actor=commissioner, status=TenderStatus.DRAFT)
    url = reverse("tenders:questions", args=[tender.reference])
    assert client.get(url).status_code == 404
    client.force_login(provider)
    assert client.get(url).status_code == 404


def test_unknown_tender_is_404(client, db):
    assert client.get(reverse("tenders:questions", args=["T-1999-0001"])).status_code == 404


# --- asking ------------------------------------------------------------------------------


def test_anonymous_visitor_is_sent_to_sign_in_to_ask(client, commissioner):
    tender = make_tender(actor=commissioner)
    response = client.get(reverse("tenders:ask", args=[tender.reference]))
    assert response.status_code == 302
    assert "/account/sign-in/" in response["Location"]


def test_signed_in_person_without_organisation_is_told_to_register_one(
    client, commissioner, resident
):
    tender = make_tender(actor=commissioner)
    client.force_login(resident)
    url = reverse("tenders:ask", args=[tender.reference])
    response = client.get(url)
    assert response.status_code == 200
    assert "You need an organisation" in response.content.decode()
    response = client.post(url, {"question": "Hello?"})
    assert response.status_code == 400
    assert not Clarification.objects.exists()


def test_member_asks_and_sees_a_confirmation(
    client, commissioner, django_capture_on_commit_callbacks
):
    tender = make_tender(actor=commissioner, lots=1)
    user, org = make_member(name=SECRET)
    client.force_login(user)
    url = reverse("tenders:ask", args=[tender.reference])
    assert client.get(url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"organisation": org.slug, "lot": "1", "question": "Why?"})
    assert response.status_code == 302
    q = Clarification.objects.get()
    assert q.lot.number == 1 and q.organisation == org
    assert response["Location"] == reverse(
        "tenders:question_asked", args=[tender.reference, q.number]
    )
    page = client.get(response["Location"]).content.decode()
    assert "Organisation A" in page
    assert TenderInterest.objects.filter(tender=tender, organisation=org).exists()
    assert [m.to for m in mail.outbox] == [[user.email]]


def test_double_submit_makes_one_question(client, commissioner):
    tender = make_tender(actor=commissioner)
    user, org = make_member()
    client.force_login(user)
    url = reverse("tenders:ask", args=[tender.reference])
    client.post(url, {"organisation": org.slug, "question": "Once?"})
    client.post(url, {"organisation": org.slug, "question": "Once?"})
    assert Clarification.objects.count() == 1


def test_member_of_two_organisations_must_choose(client, commissioner):
    tender = make_tender(actor=commissioner)
    user, _first = make_member()
    second = OrganisationFactory()
    Membership.objects.create(user=user, organisation=second)
    client.force_login(user)
    url = reverse("tenders:ask", args=[tender.reference])
    response = client.post(url, {"question": "Which?"})
    assert response.status_code == 400
    assert "Choose an organisation" in response.content.decode()
    response = client.post(url, {"organisation": second.slug, "question": "Which?"})
    assert response.status_code == 302
    assert Clarification.objects.get().organisation == second


def test_cannot_ask_for_an_organisation_you_do_not_belong_to(client, commissioner):
    tender = make_tender(actor=commissioner)
    user, _org = make_member()
    _other_user, other_org = make_member()
    client.force_login(user)
    url = reverse("tenders:ask", args=[tender.reference])
    response = client.post(url, {"organisation": other_org.slug, "question": "Sneaky?"})
    assert response.status_code == 400
    assert not Clarification.objects.exists()


def test_question_on_a_closed_tender_is_refused_naming_the_rule(client, commissioner):
    tender = make_tender(actor=commissioner, status=TenderStatus.CLOSED)
    user, org = make_member()
    client.force_login(user)
    url = reverse("tenders:ask", args=[tender.reference])
    page = client.get(url).content.decode()
    assert "Questions are only taken while a tender is open for bids" in page
    response = client.post(url, {"organisation": org.slug, "question": "Too late?"})
    assert response.status_code == 400
    assert "open for bids" in response.content.decode()
    assert "Error:" in response.content.decode()
    assert not Clarification.objects.exists()


def test_empty_question_is_400_and_nothing_stored(client, commissioner):
    tender = make_tender(actor=commissioner)
    user, org = make_member()
    client.force_login(user)
    response = client.post(
        reverse("tenders:ask", args=[tender.reference]), {"organisation": org.slug, "question": ""}
    )
    assert response.status_code == 400
    assert "Enter your question" in response.content.decode()
    assert not Clarification.objects.exists()


def test_asking_on_a_draft_is_404(client, commissioner):
    tender = make_tender(actor=commissioner, status=TenderStatus.DRAFT)
    user, _org = make_member()
    client.force_login(user)
    assert client.get(reverse("tenders:ask", args=[tender.reference])).status_code == 404


def test_confirmation_page_is_only_for_the_asking_organisation(client, commissioner):
    tender = make_tender(actor=commissioner)
    user, org = make_member()
    q = clarification_ask(actor=user, tender=tender, organisation=org, question="Mine?")
    url = reverse("tenders:question_asked", args=[tender.reference, q.number])
    other, _ = make_member()
    client.force_login(other)
    assert client.get(url).status_code == 404
    client.force_login(user)
    assert client.get(url).status_code == 200


# --- officers ----------------------------------------------------------------------------


@pytest.mark.parametrize(("who", "status"), [("commissioner", 200), ("platform_admin", 200)])
def test_officers_see_every_question_with_the_real_asker(
    client, commissioner, request, who, status
):
    tender = make_tender(actor=commissioner)
    user, org = make_member(name=SECRET)
    clarification_ask(actor=user, tender=tender, organisation=org, question="Who am I?")
    client.force_login(request.getfixturevalue(who))
    response = client.get(reverse("tenders:questions_manage", args=[tender.reference]))
    assert response.status_code == status
    assert SECRET in response.content.decode()


@pytest.mark.parametrize("who", ["resident", "provider", "finance"])
def test_others_cannot_see_the_officers_pages(client, commissioner, request, who):
    tender = make_tender(actor=commissioner)
    user, org = make_member()
    q = clarification_ask(actor=user, tender=tender, organisation=org, question="?")
    client.force_login(request.getfixturevalue(who))
    assert (
        client.get(reverse("tenders:questions_manage", args=[tender.reference])).status_code == 404
    )
    url = reverse("tenders:answer", args=[tender.reference, q.number])
    assert client.get(url).status_code == 404
    response = client.post(url, {"question": "?", "answer": "Hacked.", "action": "publish"})
    assert response.status_code == 404
    q.refresh_from_db()
    assert q.status == "awaiting"


def test_anonymous_is_sent_to_sign_in_for_officer_pages(client, commissioner):
    tender = make_tender(actor=commissioner)
    response = client.get(reverse("tenders:questions_manage", args=[tender.reference]))
    assert response.status_code == 302


def test_officer_rewords_and_publishes(client, commissioner, django_capture_on_commit_callbacks):
    tender = make_tender(actor=commissioner)
    user, org = make_member(name=SECRET)
    follower, follower_org = make_member()
    TenderInterest.objects.create(tender=tender, organisation=follower_org, registered_by=follower)
    q = clarification_ask(
        actor=user, tender=tender, organisation=org, question=f"We at {SECRET} ask: why?"
    )
    client.force_login(commissioner)
    url = reverse("tenders:answer", args=[tender.reference, q.number])
    page = client.get(url).content.decode()
    assert SECRET in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"question": "Why?", "answer": "Because.", "action": "publish"})
    assert response.status_code == 302
    q.refresh_from_db()
    assert q.status == "published" and q.question == "Why?"
    bodies = [m.body + m.subject for m in mail.outbox]
    assert bodies and all(SECRET not in b for b in bodies)
    assert follower.email in [m.to[0] for m in mail.outbox]
    client.logout()
    public = client.get(reverse("tenders:questions", args=[tender.reference])).content.decode()
    assert "Because." in public and SECRET not in public


def test_officer_answer_without_text_is_400(client, commissioner):
    tender = make_tender(actor=commissioner)
    user, org = make_member()
    q = clarification_ask(actor=user, tender=tender, organisation=org, question="?")
    client.force_login(commissioner)
    url = reverse("tenders:answer", args=[tender.reference, q.number])
    response = client.post(url, {"question": "?", "answer": "", "action": "publish"})
    assert response.status_code == 400
    q.refresh_from_db()
    assert q.status == "awaiting"


def test_officer_declines_with_a_reason(client, commissioner):
    tender = make_tender(actor=commissioner)
    user, org = make_member()
    q = clarification_ask(actor=user, tender=tender, organisation=org, question="Rival?")
    client.force_login(commissioner)
    url = reverse("tenders:answer", args=[tender.reference, q.number])
    response = client.post(url, {"action": "decline", "decline-reason": ""})
    assert response.status_code == 400
    response = client.post(url, {"action": "decline", "decline-reason": "Sensitive."})
    assert response.status_code == 302
    q.refresh_from_db()
    assert q.status == "declined" and q.decline_reason == "Sensitive." and q.answer == ""
    # The form shows the reason again; the answer box stays empty.
    page = client.get(url)
    assert page.context["decline_form"].initial["reason"] == "Sensitive."
    assert page.context["answer_form"].initial["answer"] == ""
    assert "Sensitive." in page.content.decode()


def test_unknown_question_number_is_404(client, commissioner):
    tender = make_tender(actor=commissioner)
    client.force_login(commissioner)
    assert client.get(reverse("tenders:answer", args=[tender.reference, 99])).status_code == 404
