"""The provider's bid pages: who may see them, and the bad-input cases."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.template import Context, Template
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from coproduce.foundation.accounts.models import Membership
from coproduce.foundation.accounts.tests.factories import OrganisationFactory, make_member
from coproduce.procure.tenders.models import Amendment

from ..models import Bid, BidDraft, BidFile, BidStatus, ConsortiumMember
from ..services_draft import (
    bid_draft_load,
    bid_draft_save,
    bid_file_add,
    bid_start,
    consortium_member_add,
)
from ..services_submit import bid_submit
from .test_bidder_support import WORD_LIMIT, make_open_tender, pdf_upload, questions

pytestmark = pytest.mark.django_db


@pytest.fixture
def tender(commissioner):
    return make_open_tender(actor=commissioner)


@pytest.fixture
def lead():
    return make_member(name="Riverside Self Advocacy")


@pytest.fixture
def bid(tender, lead):
    return bid_start(actor=lead[0], tender=tender, organisation=lead[1])


def _pages(bid: Bid) -> list[str]:
    member = ConsortiumMember.objects.get(bid=bid, is_lead=True)
    ref = {"reference": bid.reference}
    return [
        reverse("bids:overview", kwargs=ref),
        reverse("bids:answer", kwargs={**ref, "number": 1}),
        reverse("bids:prices", kwargs=ref),
        reverse("bids:documents", kwargs=ref),
        reverse("bids:partners", kwargs=ref),
        reverse("bids:shares", kwargs=ref),
        reverse("bids:partner_change", kwargs={**ref, "member_public_id": member.public_id}),
        reverse("bids:check", kwargs=ref),
        reverse("bids:withdraw", kwargs=ref),
    ]


def test_lead_member_sees_every_bid_page(client, bid, lead):
    client.force_login(lead[0])
    for url in _pages(bid):
        response = client.get(url)
        assert response.status_code in (200, 302), url
        if response.status_code == 302:  # withdraw: only a sent bid
            assert response.url == reverse("bids:overview", kwargs={"reference": bid.reference})


@pytest.mark.parametrize("who", ["other_org", "commissioner", "platform_admin", "finance"])
def test_bid_pages_are_not_found_for_anyone_else(client, bid, who, request):
    user = make_member()[0] if who == "other_org" else request.getfixturevalue(who)
    client.force_login(user)
    before = bytes(BidDraft.objects.get(bid=bid).ciphertext)
    overview, *others = _pages(bid)
    assert client.get(overview).status_code == 404
    for url in others:
        assert client.get(url).status_code == 404, url
        assert client.post(url, {"answer": "x", "role": "x"}).status_code == 404, url
    assert bytes(BidDraft.objects.get(bid=bid).ciphertext) == before


def test_bid_pages_send_visitors_to_sign_in(client, bid):
    for url in _pages(bid):
        response = client.get(url)
        assert response.status_code == 302
        assert reverse("accounts:login") in response.url


def test_missing_bid_is_not_found(client, lead):
    client.force_login(lead[0])
    assert (
        client.get(reverse("bids:overview", kwargs={"reference": "B-2026-99999"})).status_code
        == 404
    )


# --- start ---


def test_start_creates_one_bid_even_when_clicked_twice(client, tender, lead):
    client.force_login(lead[0])
    url = reverse("bids:start", kwargs={"tender_reference": tender.reference})
    assert client.get(url).status_code == 200
    first = client.post(url)
    second = client.post(url)
    bid = Bid.objects.get(tender=tender)
    assert first.url == second.url == reverse("bids:overview", kwargs={"reference": bid.reference})


def test_start_asks_which_organisation_when_there_are_several(client, tender, lead):
    second = OrganisationFactory(name="Second Org")
    Membership.objects.create(user=lead[0], organisation=second)
    client.force_login(lead[0])
    url = reverse("bids:start", kwargs={"tender_reference": tender.reference})
    response = client.post(url)
    assert response.status_code == 400
    assert not Bid.objects.exists()
    client.post(url, {"organisation": second.slug})
    assert Bid.objects.get().lead_organisation == second


def test_start_needs_sign_in_and_a_published_tender(client, commissioner, lead):
    tender = make_open_tender(actor=commissioner)
    url = reverse("bids:start", kwargs={"tender_reference": tender.reference})
    assert reverse("accounts:login") in client.get(url).url
    tender.status = "draft"
    tender.published_at = None
    tender.deadline = None
    tender.save()
    client.force_login(lead[0])
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    assert not Bid.objects.exists()


# --- answers ---


def test_answer_exactly_at_the_word_limit_is_saved(client, bid, lead):
    q = questions(bid.tender)[0]
    client.force_login(lead[0])
    url = reverse("bids:answer", kwargs={"reference": bid.reference, "number": 1})
    page = client.get(url)
    assert f'data-maxwords="{WORD_LIMIT}"' in page.content.decode()
    text = " ".join(["word"] * WORD_LIMIT)
    response = client.post(url, {"answer": text})
    assert response.status_code == 302
    assert bid_draft_load(user=lead[0], bid=bid)["answers"][str(q.pk)] == text


def test_answer_one_word_over_the_limit_is_refused_and_kept_in_the_form(client, bid, lead):
    client.force_login(lead[0])
    url = reverse("bids:answer", kwargs={"reference": bid.reference, "number": 1})
    text = " ".join(["toolong"] * (WORD_LIMIT + 1))
    response = client.post(url, {"answer": text})
    assert response.status_code == 400
    body = response.content.decode()
    assert "5 words or fewer" in body
    assert text in body
    assert "<title>Error:" in body
    assert bid_draft_load(user=lead[0], bid=bid)["answers"] == {}


def test_a_question_number_the_tender_does_not_have_is_not_found(client, bid, lead):
    client.force_login(lead[0])
    count = len(questions(bid.tender))
    last = reverse("bids:answer", kwargs={"reference": bid.reference, "number": count})
    assert client.get(last).status_code == 200
    for number in (0, count + 1):
        url = reverse("bids:answer", kwargs={"reference": bid.reference, "number": number})
        assert client.get(url).status_code == 404


def test_question_urls_number_questions_within_the_tender(client, bid, lead, commissioner):
    """Criterion ids count every tender's criteria: links and redirects use the question's
    number within the tender instead."""
    make_open_tender(actor=commissioner)  # another tender's criteria in the table
    client.force_login(lead[0])
    html = client.get(reverse("bids:overview", kwargs={"reference": bid.reference})).content
    hrefs = re.findall(r'href="(/bids/[^"]+/questions/[^"]+)"', html.decode())
    count = len(questions(bid.tender))
    assert hrefs == [f"/bids/{bid.reference}/questions/{n}/" for n in range(1, count + 1)]
    first = reverse("bids:answer", kwargs={"reference": bid.reference, "number": 1})
    response = client.post(first, {"answer": "A clear answer"})
    assert response.url == reverse("bids:answer", kwargs={"reference": bid.reference, "number": 2})


def test_a_real_pdf_is_added_and_can_be_removed(client, bid, lead):
    client.force_login(lead[0])
    url = reverse("bids:documents", kwargs={"reference": bid.reference})
    response = client.post(
        url, {"requirement": "Insurance certificate", "title": "Insurance", "file": pdf_upload()}
    )
    assert response.status_code == 302
    bid_file = BidFile.objects.get(bid=bid)
    assert bid_file.requirement == "Insurance certificate"
    other, _ = make_member()
    client.force_login(other)
    remove = reverse(
        "bids:document_remove",
        kwargs={"reference": bid.reference, "file_public_id": bid_file.public_id},
    )
    assert client.post(remove).status_code == 404
    client.force_login(lead[0])
    assert client.post(remove).status_code == 302
    assert not BidFile.objects.exists()


# --- partners ---


def test_partner_search_and_add(client, bid, lead):
    _, partner = make_member(name="Northside Carers Network")
    client.force_login(lead[0])
    url = reverse("bids:partners", kwargs={"reference": bid.reference})
    page = client.get(url, {"q": "northside"})
    assert "Northside Carers Network" in page.content.decode()
    response = client.post(
        url,
        {
            "q": "northside",
            "organisation": partner.slug,
            "role": "Transport",
            "share_percent": "30",
        },
    )
    assert response.status_code == 302
    assert ConsortiumMember.objects.get(bid=bid, organisation=partner).share_percent == 30


def test_shares_not_adding_up_to_100_are_refused_on_the_page(client, bid, lead):
    _, partner = make_member()
    member = consortium_member_add(
        actor=lead[0], bid=bid, organisation=partner, role="Transport", share_percent=30
    )
    lead_row = ConsortiumMember.objects.get(bid=bid, is_lead=True)
    client.force_login(lead[0])
    url = reverse("bids:shares", kwargs={"reference": bid.reference})
    response = client.post(
        url, {f"share_{lead_row.public_id}": "50", f"share_{member.public_id}": "30"}
    )
    assert response.status_code == 400
    assert "must add up to exactly 100%" in response.content.decode()
    member.refresh_from_db()
    assert member.share_percent == 30


def test_partner_confirms_from_its_own_account_only(client, bid, lead):
    partner_user, partner = make_member(name="Partner Org")
    member = consortium_member_add(
        actor=lead[0], bid=bid, organisation=partner, role="Transport", share_percent=30
    )
    confirm = reverse("bids:invitation_confirm", kwargs={"member_public_id": member.public_id})
    client.force_login(lead[0])
    assert client.post(confirm).status_code == 404
    client.force_login(partner_user)
    page = client.get(reverse("bids:invitations"))
    assert "Riverside Self Advocacy" in page.content.decode()
    assert client.post(confirm).status_code == 302
    member.refresh_from_db()
    assert member.confirmed_by == partner_user
    # The partner can read the bid but not change it.
    assert client.get(reverse("bids:check", kwargs={"reference": bid.reference})).status_code == 200
    assert (
        client.post(reverse("bids:check", kwargs={"reference": bid.reference})).status_code == 404
    )
    prices = reverse("bids:prices", kwargs={"reference": bid.reference})
    assert client.post(prices, {"price_whole": "10"}).status_code == 404


def test_partner_declines_after_a_confirmation_page(client, bid, lead):
    partner_user, partner = make_member()
    member = consortium_member_add(
        actor=lead[0], bid=bid, organisation=partner, role="Transport", share_percent=30
    )
    url = reverse("bids:invitation_decline", kwargs={"member_public_id": member.public_id})
    client.force_login(make_member()[0])
    assert client.get(url).status_code == 404
    client.force_login(partner_user)
    assert client.get(url).status_code == 200
    assert client.post(url).status_code == 302
    assert not ConsortiumMember.objects.filter(pk=member.pk).exists()


def test_invitation_pages_need_sign_in(client):
    for url in (reverse("bids:invitations"), reverse("bids:my_bids")):
        assert reverse("accounts:login") in client.get(url).url


# --- check, send, withdraw, confirm again ---


def _complete(bid: Bid, user) -> None:
    answers = {q.pk: "Short clear answer" for q in questions(bid.tender)}
    bid_draft_save(actor=user, bid=bid, answers=answers, prices={"whole": 500_000_00})
    bid_file_add(
        actor=user,
        bid=bid,
        upload=pdf_upload(),
        title="Insurance",
        requirement="Insurance certificate",
    )


def test_check_page_lists_problems_and_refuses_to_send(client, bid, lead):
    client.force_login(lead[0])
    url = reverse("bids:check", kwargs={"reference": bid.reference})
    page = client.get(url).content.decode()
    assert "Answer the question" in page
    assert "Give your price." in page
    assert "Insurance certificate" in page
    response = client.post(url)
    assert response.status_code == 400
    bid.refresh_from_db()
    assert bid.status == BidStatus.DRAFT


def test_send_withdraw_and_send_again(client, bid, lead):
    _complete(bid, lead[0])
    client.force_login(lead[0])
    url = reverse("bids:check", kwargs={"reference": bid.reference})
    page = client.get(url).content.decode()
    assert "Your bid cannot be sent yet" not in page
    response = client.post(url)
    assert response.status_code == 302
    bid.refresh_from_db()
    assert bid.status == BidStatus.SUBMITTED
    assert response.url == reverse("bids:receipt", kwargs={"reference": bid.reference, "number": 1})
    assert bid.receipt_hash in client.get(response.url).content.decode()
    # a sent bid cannot be changed until withdrawn
    prices = reverse("bids:prices", kwargs={"reference": bid.reference})
    assert client.get(prices).status_code == 302
    withdraw = reverse("bids:withdraw", kwargs={"reference": bid.reference})
    assert client.get(withdraw).status_code == 200
    assert client.post(withdraw).status_code == 302
    bid.refresh_from_db()
    assert bid.status == BidStatus.WITHDRAWN
    assert client.post(url).status_code == 302
    bid.refresh_from_db()
    assert bid.status == BidStatus.SUBMITTED


def test_withdraw_is_not_found_for_others(client, bid, lead, commissioner):
    _complete(bid, lead[0])
    client.force_login(lead[0])
    client.post(reverse("bids:check", kwargs={"reference": bid.reference}))
    client.force_login(commissioner)
    withdraw = reverse("bids:withdraw", kwargs={"reference": bid.reference})
    assert client.post(withdraw).status_code == 404
    bid.refresh_from_db()
    assert bid.status == BidStatus.SUBMITTED


def test_banner_asks_to_confirm_again_after_a_change(client, bid, lead, commissioner):
    _complete(bid, lead[0])
    client.force_login(lead[0])
    client.post(reverse("bids:check", kwargs={"reference": bid.reference}))
    tender = bid.tender
    Amendment.objects.create(
        tender=tender,
        number=1,
        summary="Lot 2 changed.",
        reason="Market feedback.",
        previous_deadline=tender.deadline,
        new_deadline=tender.deadline,
        reconfirm_required=True,
        made_by=commissioner,
        made_at=timezone.now() + dt.timedelta(seconds=1),
    )
    page = client.get(reverse("bids:overview", kwargs={"reference": bid.reference}))
    assert "confirm your bid again" in page.content.decode()
    other = make_member()[0]
    client.force_login(other)
    assert (
        client.post(reverse("bids:reconfirm", kwargs={"reference": bid.reference})).status_code
        == 404
    )
    client.force_login(lead[0])
    response = client.post(reverse("bids:reconfirm", kwargs={"reference": bid.reference}))
    assert response.status_code == 302
    assert bid.submissions.count() == 2


# --- your bids ---


def test_your_bids_lists_only_your_organisations_bids(
    client, bid, lead, tender, django_assert_max_num_queries
):
    other_user, other_org = make_member(name="Other Provider")
    bid_start(actor=other_user, tender=tender, organisation=other_org)
    client.force_login(lead[0])
    with django_assert_max_num_queries(15):
        page = client.get(reverse("bids:my_bids")).content.decode()
    assert bid.reference in page
    assert "Other Provider" not in page
    assert Bid.objects.exclude(pk=bid.pk).get().reference not in page


def _sent_bid_then_changed(commissioner, lead, *, changed: bool = True) -> Bid:
    """A bid sent on a new tender, then (``changed``) a change asking bids to confirm again."""
    bid = bid_start(
        actor=lead[0], tender=make_open_tender(actor=commissioner), organisation=lead[1]
    )
    _complete(bid, lead[0])
    bid_submit(actor=lead[0], bid=bid)
    if changed:
        tender = bid.tender
        Amendment.objects.create(
            tender=tender, number=1, summary="Lot 2 changed.", reason="Market feedback.",
            previous_deadline=tender.deadline, new_deadline=tender.deadline,
            reconfirm_required=True, made_by=commissioner,
            made_at=timezone.now() + dt.timedelta(seconds=1),
        )  # fmt: skip
    return bid


def test_your_bids_query_count_is_the_same_for_one_and_five_sent_bids(client, lead, commissioner):
    def page_queries() -> tuple[int, str]:
        with CaptureQueriesContext(connection) as ctx:
            page = client.get(reverse("bids:my_bids")).content.decode()
        return len(ctx.captured_queries), page

    first = _sent_bid_then_changed(commissioner, lead)
    client.force_login(lead[0])
    one, page = page_queries()
    assert page.count("Confirm again") == 1 and first.reference in page
    more = [_sent_bid_then_changed(commissioner, lead, changed=n % 2 == 0) for n in range(4)]
    five, page = page_queries()
    assert five == one
    assert all(b.reference in page for b in more)
    assert page.count("Confirm again") == 3  # the first, and two of the four more


def test_bid_actions_tag(tender, lead):
    template = Template("{% load bid_tags %}{% bid_actions tender %}")
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    html = template.render(Context({"request": request, "tender": tender}))
    assert "Sign in to start a bid" in html
    request.user = lead[0]
    html = template.render(Context({"request": request, "tender": tender}))
    assert reverse("bids:start", kwargs={"tender_reference": tender.reference}) in html
    bid = bid_start(actor=lead[0], tender=tender, organisation=lead[1])
    html = template.render(Context({"request": request, "tender": tender}))
    assert bid.reference in html
    assert "Start a bid" not in html


def test_partner_remove_page_and_change_page(client, bid, lead):
    partner_user, partner = make_member(name="Partner Org")
    member = consortium_member_add(
        actor=lead[0], bid=bid, organisation=partner, role="Transport", share_percent=30
    )
    client.force_login(partner_user)
    ids = {"reference": bid.reference, "member_public_id": member.public_id}
    remove = reverse("bids:partner_remove", kwargs=ids)
    change = reverse("bids:partner_change", kwargs=ids)
    assert client.get(remove).status_code == 404
    assert client.post(change, {"role": "All", "share_percent": "50"}).status_code == 404
    client.force_login(lead[0])
    response = client.post(change, {"role": "Transport and meals", "share_percent": "35"})
    assert response.status_code == 302
    member.refresh_from_db()
    assert (member.role, member.share_percent, member.confirmed_at) == (
        "Transport and meals",
        35,
        None,
    )
    assert client.get(remove).status_code == 200
    assert client.post(remove).status_code == 302
    assert not ConsortiumMember.objects.filter(pk=member.pk).exists()


def test_pages_after_the_deadline_are_read_only(client, bid, lead):
    tender = bid.tender
    tender.deadline = timezone.now() - dt.timedelta(minutes=5)
    tender.save()
    client.force_login(lead[0])
    url = reverse("bids:answer", kwargs={"reference": bid.reference, "number": 1})
    assert client.post(url, {"answer": "late words"}).status_code == 302
    assert bid_draft_load(user=lead[0], bid=bid)["answers"] == {}
    page = client.get(reverse("bids:check", kwargs={"reference": bid.reference})).content.decode()
    assert "Send the bid" not in page


def test_invitations_page_query_count(client, bid, lead, django_assert_max_num_queries):
    partner_user, partner = make_member(name="Partner Org")
    consortium_member_add(
        actor=lead[0], bid=bid, organisation=partner, role="Transport", share_percent=30
    )
    client.force_login(partner_user)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("bids:invitations"))
    assert "Confirm our part" in response.content.decode()
