"""Panel pages and API: who sees what (denied = 404), forms with clear errors, blindness."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from coproduce.foundation.accounts.tests.factories import UserFactory
from coproduce.foundation.core.models import AuditEvent
from coproduce.procure.bids.tests.factories import make_submitted_bid
from coproduce.procure.panels import selectors as sel
from coproduce.procure.panels import services
from coproduce.procure.panels.models import PanelMember, Score

from .helpers import (
    appoint,
    declare_none,
    last_token,
    make_closed_tender,
    open_tender,
    score_all,
)

OUTSIDERS = ["resident", "provider"]


def _login(client, request, who):
    if who:
        client.force_login(request.getfixturevalue(who))


def _join(client, token):
    return client.post(f"/panel/join/{token}/")


def _all_scored(panel):
    for m in (panel.chair, panel.sam):
        if not sel.has_declared(m):
            declare_none(m)
        for bid in sel.member_bids(PanelMember.objects.get(pk=m.pk)):
            score_all(m, bid, 3)


# --- staff pages ------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["commissioner", "finance", "platform_admin", "chair_user"])
def test_staff_and_the_chair_see_the_panel_page_without_scores(
    client, request, who, panel, django_assert_max_num_queries
):
    declare_none(panel.sam)
    score_all(panel.sam, panel.bids[0], 4)
    _login(client, request, who)
    with django_assert_max_num_queries(40):
        response = client.get(f"/manage/tenders/{panel.tender.reference}/panel/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Sam Service" in body and "Reason for 4" not in body


@pytest.mark.parametrize("who", [None, *OUTSIDERS])
def test_others_do_not_find_the_panel_page(client, request, who, panel):
    _login(client, request, who)
    response = client.get(f"/manage/tenders/{panel.tender.reference}/panel/")
    assert response.status_code == (302 if who is None else 404)


def test_a_commissioner_appoints_a_service_user_from_the_form(client, commissioner, panel):
    client.force_login(commissioner)
    url = f"/manage/tenders/{panel.tender.reference}/panel/appoint/"
    assert client.get(url).status_code == 200
    bad = client.post(url, {"role": panel.roles["service_user"].pk, "name": "Jo", "email": "nope"})
    assert bad.status_code == 400 and "Error:" in bad.content.decode()
    assert not PanelMember.objects.filter(name="Jo").exists()
    ok = client.post(
        url, {"role": panel.roles["service_user"].pk, "name": "Jo", "email": "jo@example.org"}
    )
    assert ok.status_code == 302
    assert PanelMember.objects.filter(name="Jo", user=None).exists()


@pytest.mark.parametrize("who", ["finance", *OUTSIDERS])
def test_only_commissioners_appoint_resend_and_remove(client, request, who, panel):
    _login(client, request, who)
    base = f"/manage/tenders/{panel.tender.reference}/panel"
    assert client.get(f"{base}/appoint/").status_code == 404
    assert client.post(f"{base}/members/{panel.sam.pk}/resend/").status_code == 404
    assert client.post(f"{base}/members/{panel.sam.pk}/remove/", {"reason": "x"}).status_code == 404
    assert PanelMember.objects.get(pk=panel.sam.pk).removed_at is None


def test_removing_a_member_needs_a_reason(client, commissioner, panel):
    client.force_login(commissioner)
    url = f"/manage/tenders/{panel.tender.reference}/panel/members/{panel.sam.pk}/remove/"
    assert client.post(url, {"reason": ""}).status_code == 400
    assert client.post(url, {"reason": "Unwell"}).status_code == 302
    assert PanelMember.objects.get(pk=panel.sam.pk).removed_reason == "Unwell"


# --- the emailed link and the panel-only session ----------------------------------------


def test_the_link_signs_a_service_user_in_to_their_panel_pages_only(client, panel):
    assert client.get(f"/panel/join/{panel.sam_token}/").status_code == 200
    response = _join(client, panel.sam_token)
    assert response.status_code == 302
    assert client.session[sel.SESSION_KEY] == panel.sam.pk
    home = client.get(f"/panel/{panel.sam.pk}/")
    assert home.status_code == 200
    assert "/panel/guide/easy-read/" in home.content.decode()
    assert client.get(f"/manage/tenders/{panel.tender.reference}/panel/").status_code == 302
    # used link
    assert client.post(f"/panel/join/{panel.sam_token}/").status_code == 404


def test_an_expired_link_says_so(client, panel):
    PanelMember.objects.filter(pk=panel.sam.pk).update(
        invited_at=timezone.now() - dt.timedelta(days=31)
    )
    response = client.get(f"/panel/join/{panel.sam_token}/")
    assert response.status_code == 404 and "expired" in response.content.decode()


def test_a_session_for_another_tender_does_not_open_this_panel(client, commissioner, panel):
    other, _, roles = make_closed_tender(actor=commissioner)
    make_submitted_bid(other, price_pence=1000)
    open_tender(other, commissioner)
    appoint(commissioner, other, roles["service_user"], name="Kim", email="kim@example.org")
    _join(client, last_token())
    assert client.get(f"/panel/{panel.sam.pk}/").status_code == 404
    assert client.get(f"/panel/{panel.sam.pk}/bids/{panel.bids[0].reference}/").status_code == 404


@pytest.mark.parametrize("who", [None, "resident", "provider", "commissioner"])
def test_member_pages_are_not_found_for_anyone_else(client, request, who, panel):
    declare_none(panel.sam)
    _login(client, request, who)
    assert client.get(f"/panel/{panel.sam.pk}/").status_code == 404
    assert client.get(f"/panel/{panel.sam.pk}/declare/").status_code == 404
    assert client.get(f"/panel/{panel.sam.pk}/bids/{panel.bids[0].reference}/").status_code == 404


def test_a_removed_members_session_stops_working(client, commissioner, panel):
    _join(client, panel.sam_token)
    services.panel_member_remove(actor=commissioner, member=panel.sam, reason="Left")
    assert client.get(f"/panel/{panel.sam.pk}/").status_code == 404


def test_the_chair_uses_their_account(client, chair_user, panel):
    client.force_login(chair_user)
    assert client.get(f"/panel/{panel.chair.pk}/").status_code == 200
    assert client.get(f"/panel/{panel.sam.pk}/").status_code == 404


# --- declaration and scoring pages -------------------------------------------------------


def test_bids_are_hidden_until_declaration_and_bidder_names_show_on_the_declaration_page(
    client, panel
):
    _join(client, panel.sam_token)
    a = panel.bids[0]
    assert client.get(f"/panel/{panel.sam.pk}/bids/{a.reference}/").status_code == 404
    page = client.get(f"/panel/{panel.sam.pk}/declare/").content.decode()
    assert a.lead_organisation.name in page
    bad = client.post(f"/panel/{panel.sam.pk}/declare/", {"no_conflicts": "yes", "bids": [a.pk]})
    assert bad.status_code == 400 and "Tell us about the conflict" in bad.content.decode()
    ok = client.post(
        f"/panel/{panel.sam.pk}/declare/",
        {"no_conflicts": "yes", "bids": [a.pk], "details": "I work there"},
    )
    assert ok.status_code == 302
    assert client.get(f"/panel/{panel.sam.pk}/bids/{a.reference}/").status_code == 404
    home = client.get(f"/panel/{panel.sam.pk}/").content.decode()
    assert a.lead_organisation.name not in home
    assert panel.bids[1].lead_organisation.name in home


def test_declaration_page_before_opening_lists_no_bidders(client, commissioner):
    tender, _, roles = make_closed_tender(actor=commissioner)
    bid = make_submitted_bid(tender, price_pence=1000)
    m = appoint(commissioner, tender, roles["service_user"], name="Ann", email="ann@example.org")
    _join(client, last_token())
    page = client.get(f"/panel/{m.pk}/declare/").content.decode()
    assert bid.lead_organisation.name not in page and "not been opened" in page


def test_scoring_page_shows_question_answer_scale_and_refuses_bad_scores(client, panel):
    _join(client, panel.sam_token)
    declare_none(panel.sam)
    bid = panel.bids[0]
    q1 = panel.criteria["q1"]
    url = f"/panel/{panel.sam.pk}/bids/{bid.reference}/"
    page = client.get(url).content.decode()
    assert q1.question in page and "Our answer to Involving people" in page
    assert 'type="radio"' in page and "Safe staffing" not in page  # not this seat's question
    off = client.post(url, {f"score_{q1.pk}": "9", f"justification_{q1.pk}": "Good", "submit": "1"})
    assert off.status_code == 400 and "Choose a score from the scale" in off.content.decode()
    none = client.post(url, {f"score_{q1.pk}": "3", f"justification_{q1.pk}": "", "submit": "1"})
    assert none.status_code == 400 and "Write why you gave this score" in none.content.decode()
    assert not Score.objects.exists()
    draft = client.post(
        url, {f"score_{q1.pk}": "3", f"justification_{q1.pk}": "Clear plan", "save": "1"}
    )
    assert draft.status_code == 302
    assert Score.objects.get().submitted_at is None
    final = client.post(
        url, {f"score_{q1.pk}": "3", f"justification_{q1.pk}": "Clear plan", "submit": "1"}
    )
    assert final.status_code == 302 and Score.objects.get().submitted_at is not None
    assert AuditEvent.objects.filter(verb="panels.scores.submitted").exists()


def test_no_member_sees_another_members_scores(client, chair_user, panel):
    declare_none(panel.sam)
    declare_none(panel.chair)
    score_all(panel.sam, panel.bids[0], 1)
    client.force_login(chair_user)
    page = client.get(f"/panel/{panel.chair.pk}/bids/{panel.bids[0].reference}/").content.decode()
    assert "Reason for 1" not in page
    mod = client.get(f"/manage/tenders/{panel.tender.reference}/moderation/whole/").content.decode()
    assert "Reason for 1" not in mod and "Sam Service" in mod


# --- moderation pages -------------------------------------------------------------------


def test_moderation_before_all_scores_are_in_is_a_clear_400(client, chair_user, panel):
    client.force_login(chair_user)
    response = client.post(f"/manage/tenders/{panel.tender.reference}/moderation/whole/start/")
    assert response.status_code == 400
    assert "Still to submit" in response.content.decode()


def test_the_chair_moderates_through_the_pages(client, chair_user, panel):
    _all_scored(panel)
    client.force_login(chair_user)
    base = f"/manage/tenders/{panel.tender.reference}/moderation/whole"
    assert client.post(f"{base}/start/").status_code == 302
    page = client.get(f"{base}/").content.decode()
    assert "Reason for 3" in page and "Abnormally low prices" in page
    bid, q1 = panel.bids[0], panel.criteria["q1"]
    url = f"{base}/bids/{bid.reference}/questions/{q1.pk}/"
    assert client.post(url, {"score": "3", "reason": ""}).status_code == 400
    assert client.post(url, {"score": "3", "reason": "We agreed"}).status_code == 302
    assert client.post(f"{base}/complete/").status_code == 400


@pytest.mark.parametrize("who", [None, "resident", "provider", "finance"])
def test_moderation_pages_are_not_found_for_others(client, request, who, panel):
    _all_scored(panel)
    _login(client, request, who)
    base = f"/manage/tenders/{panel.tender.reference}/moderation/whole"
    expected = 302 if who is None else 404
    assert client.get(f"{base}/").status_code == expected
    assert client.post(f"{base}/start/").status_code == expected


def test_a_service_user_session_cannot_moderate(client, panel):
    _all_scored(panel)
    _join(client, panel.sam_token)
    assert (
        client.post(f"/manage/tenders/{panel.tender.reference}/moderation/whole/start/").status_code
        == 302
    )


# --- price explanations (bidders) -------------------------------------------------------


def test_only_the_bidding_organisation_answers_a_price_request(
    client, request, commissioner, panel
):
    _all_scored(panel)
    services.moderation_start(actor=commissioner, tender=panel.tender, lot=None)
    pe = panel.bids[2].price_explanations.get()
    url = f"/price-explanations/{pe.pk}/"
    for who in ("resident", "provider", "commissioner"):
        client.force_login(request.getfixturevalue(who))
        assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302
    client.force_login(panel.bids[2].submitted_by)
    assert client.get(url).status_code == 200
    assert client.post(url, {"explanation": ""}).status_code == 400
    assert client.post(url, {"explanation": "Volunteers"}).status_code == 302
    pe.refresh_from_db()
    assert pe.explanation == "Volunteers"


# --- guide pages ------------------------------------------------------------------------


def test_the_guides_are_public(client):
    assert "Step 3" in client.get("/panel/guide/").content.decode()
    assert "Easy read" in client.get("/panel/guide/easy-read/").content.decode()


# --- API --------------------------------------------------------------------------------


def _complete(panel, actor):
    _all_scored(panel)
    mod = services.moderation_start(actor=actor, tender=panel.tender, lot=None)
    for bid in panel.bids:
        for c in sel.scored_criteria(panel.tender):
            services.moderated_score_agree(
                actor=actor, moderation=mod, bid=bid, criterion=c, score=3, reason="ok"
            )
    return services.moderation_complete(actor=actor, moderation=mod)


def test_ranking_api_is_for_staff_after_moderation_only(client, request, commissioner, panel):
    url = f"/api/opportunities/{panel.tender.reference}/ranking"
    client.force_login(commissioner)
    assert client.get(url).status_code == 404
    _complete(panel, commissioner)
    data = client.get(url).json()
    assert data[0]["bids"][0]["rank"] == 1 and data[0]["bids"][0]["total"]
    for who in ("resident", "provider"):
        client.force_login(request.getfixturevalue(who))
        assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 404


def test_my_scoring_api_lists_only_my_bids_and_questions(client, panel):
    assert client.get("/api/panel/my-scoring").status_code == 404
    _join(client, panel.sam_token)
    data = client.get("/api/panel/my-scoring").json()
    assert data[0]["bids"] == [] and not data[0]["declared"]
    services.declaration_make(
        member=panel.sam,
        data=services.DeclarationData(
            no_conflicts=False, bid_ids=(panel.bids[0].pk,), details="Friend"
        ),
    )
    data = client.get("/api/panel/my-scoring").json()
    assert [b["reference"] for b in data[0]["bids"]] == [b.reference for b in panel.bids[1:]]
    assert [c["id"] for c in data[0]["criteria"]] == [panel.criteria["q1"].pk]


def test_my_scoring_api_is_not_found_for_people_not_on_a_panel(client, db):
    client.force_login(UserFactory(role="commissioner"))
    assert client.get("/api/panel/my-scoring").status_code == 404
