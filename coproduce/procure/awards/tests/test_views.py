"""Award pages: who may see and do what (denied cases answer 404 or sign-in)."""

from __future__ import annotations

import pytest
from django.template import Context, Template
from django.urls import reverse

from coproduce.foundation.accounts.tests.factories import UserFactory
from coproduce.procure.awards import services as svc
from coproduce.procure.awards.models import (
    AssessmentLetter,
    AwardDecision,
    AwardStatus,
    Cancellation,
)

from .helpers import add_member, build, committed, org

pytestmark = pytest.mark.django_db


def login(client, user):
    client.force_login(user)
    return client


def decided(commissioner, **kw):
    built = build(commissioner, **kw)
    with committed():  # the letters are written after the decision commits
        decision = svc.award_decide(
            actor=commissioner, tender=built.tender, lot=built.lot, reasons="Best value overall."
        )
    return built, decision


def test_award_page_needs_sign_in_and_is_staff_only(client, commissioner, finance, provider):
    built = build(commissioner)
    url = reverse("awards:manage", args=[built.tender.reference])
    assert client.get(url).status_code == 302
    assert login(client, provider).get(url).status_code == 404
    page = login(client, finance).get(url)
    assert page.status_code == 200
    assert "Decide the award" not in page.content.decode()  # finance reads only
    page = login(client, commissioner).get(url)
    assert page.status_code == 200
    assert "Decide the award" in page.content.decode()
    assert "95.00" in page.content.decode()


def test_decide_page_is_for_commissioners_only(client, commissioner, finance, provider):
    built = build(commissioner)
    url = reverse("awards:decide", args=[built.tender.reference, "whole"])
    assert client.get(url).status_code == 302
    assert login(client, provider).get(url).status_code == 404
    assert login(client, finance).post(url, {"reasons": "x"}).status_code == 404
    assert not AwardDecision.objects.exists()
    assert login(client, commissioner).get(url).status_code == 200


def test_decide_with_blank_reasons_answers_400_and_stores_nothing(client, commissioner):
    built = build(commissioner)
    url = reverse("awards:decide", args=[built.tender.reference, "whole"])
    page = login(client, commissioner).post(url, {"bid": built.bids[0].pk, "reasons": ""})
    assert page.status_code == 400
    assert "Error:" in page.content.decode()
    assert not AwardDecision.objects.exists()


def test_decide_double_click_makes_one_decision(client, commissioner):
    built = build(commissioner)
    url = reverse("awards:decide", args=[built.tender.reference, "whole"])
    data = {"bid": built.bids[0].pk, "reasons": "Highest scoring bid."}
    login(client, commissioner)
    assert client.post(url, data).status_code == 302
    second = client.post(url, data)
    assert second.status_code == 302
    assert AwardDecision.objects.count() == 1


def test_choosing_a_lower_bid_without_a_reason_answers_400(client, commissioner):
    built = build(commissioner)
    url = reverse("awards:decide", args=[built.tender.reference, "whole"])
    page = login(client, commissioner).post(
        url, {"bid": built.bids[1].pk, "reasons": "Close enough."}
    )
    assert page.status_code == 400
    assert "not the top-ranked bid" in page.content.decode()
    assert not AwardDecision.objects.exists()


def test_withdraw_needs_a_reason(client, commissioner):
    _built, decision = decided(commissioner)
    url = reverse("awards:action", args=[decision.pk, "withdraw"])
    login(client, commissioner)
    assert client.post(url, {"reason": ""}).status_code == 400
    assert client.post(url, {"reason": "Complaint upheld."}).status_code == 302
    decision.refresh_from_db()
    assert decision.status == AwardStatus.WITHDRAWN


def test_unknown_action_is_404(client, commissioner):
    _built, decision = decided(commissioner)
    url = reverse("awards:action", args=[decision.pk, "explode"])
    assert login(client, commissioner).post(url).status_code == 404


def test_cancel_page_permissions_and_bad_input(client, commissioner, provider):
    built = build(commissioner, with_lot=True)
    url = reverse("awards:cancel", args=[built.tender.reference])
    assert client.get(url).status_code == 302
    assert login(client, provider).get(url).status_code == 404
    login(client, commissioner)
    assert client.get(url).status_code == 200
    bad = client.post(url, {"lot": "1", "reason_code": "funding", "reason_text": ""})
    assert bad.status_code == 400
    assert not Cancellation.objects.exists()
    ok = client.post(url, {"lot": "1", "reason_code": "funding", "reason_text": "Funding ended."})
    assert ok.status_code == 302
    assert Cancellation.objects.get().lot == built.lot


def test_letter_is_for_the_bidder_and_staff_only(client, commissioner, finance, resident):
    built, decision = decided(commissioner)
    mine = AssessmentLetter.objects.get(decision=decision, bid=built.bids[1])
    url = reverse("awards:letter", args=[mine.pk])
    pdf = reverse("awards:letter_pdf", args=[mine.pk])
    assert client.get(url).status_code == 302
    login(client, built.users[1])
    page = client.get(url)
    assert page.status_code == 200
    assert "81.07" in page.content.decode()
    response = client.get(pdf)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    # Another bidder, a resident: not found.
    for other in (built.users[0], built.users[2], resident):
        login(client, other)
        assert client.get(url).status_code == 404
        assert client.get(pdf).status_code == 404
    assert login(client, finance).get(url).status_code == 200
    assert login(client, commissioner).get(pdf).status_code == 200


def test_letter_of_a_consortium_member_is_visible_to_the_member(client, commissioner):
    built, _ = (build(commissioner), None)
    member_user = UserFactory(role="provider")
    member_org = org(admin=member_user)
    add_member(built.bids[0], member_org, "40")
    with committed():
        decision = svc.award_decide(
            actor=commissioner, tender=built.tender, lot=None, reasons="Best value overall."
        )
    letter = AssessmentLetter.objects.get(decision=decision, bid=built.bids[0])
    assert (
        login(client, member_user).get(reverse("awards:letter", args=[letter.pk])).status_code
        == 200
    )
    assert [x.pk for x in client.get(reverse("awards:my_letters")).context["letters"]] == [
        letter.pk
    ]


def test_no_letter_exists_before_the_award(client, commissioner):
    built = build(commissioner)
    login(client, built.users[0])
    assert client.get(reverse("awards:letter", args=[999999])).status_code == 404
    assert client.get(reverse("awards:my_letters")).status_code == 200


def test_tender_outcome_tag_shows_status_without_scores(commissioner):
    built, _decision = decided(commissioner)
    html = Template("{% load award_tags %}{% tender_outcome tender %}").render(
        Context({"tender": built.tender})
    )
    assert built.bids[0].lead_organisation.name in html
    assert "will not be signed before the end of" in html
    assert "95.00" not in html and built.bids[1].lead_organisation.name not in html


def test_tender_outcome_tag_shows_cancellation(commissioner):
    built = build(commissioner)
    svc.tender_cancel(
        actor=commissioner,
        tender=built.tender,
        lot=None,
        reason_code="no_suitable_bids",
        reason_text="None of the bids met the minimum quality.",
    )
    html = Template("{% load award_tags %}{% tender_outcome tender %}").render(
        Context({"tender": built.tender})
    )
    assert "None of the bids met the minimum quality." in html
    assert "No suitable bids" in html


def test_tender_outcome_tag_is_empty_before_award(commissioner):
    built = build(commissioner)
    html = Template("{% load award_tags %}{% tender_outcome tender %}").render(
        Context({"tender": built.tender})
    )
    assert html.strip() == ""
