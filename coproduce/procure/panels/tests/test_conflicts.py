"""Conflicts of interest everywhere: a staff user who declared a conflict with a bid (or its
lot) never sees its content and cannot take decisions touching it; panel members can
declare a new conflict after their first declaration (their scores are then set aside)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.contrib.auth.models import AnonymousUser

from coproduce.foundation.accounts.tests.factories import UserFactory
from coproduce.foundation.core.errors import NotFound, ServiceError
from coproduce.foundation.core.models import AuditEvent
from coproduce.procure.bids import sealing
from coproduce.procure.bids.models import BidFile
from coproduce.procure.bids.selectors import bid_file_content
from coproduce.procure.bids.services_open import bid_compliance_decide
from coproduce.procure.bids.tests.factories import make_submitted_bid
from coproduce.procure.panels import selectors as sel
from coproduce.procure.panels import services
from coproduce.procure.panels.models import (
    Conflict,
    ModeratedScore,
    Moderation,
    ModerationStatus,
    PanelMember,
    Score,
)

from .helpers import (
    appoint,
    declare_none,
    last_token,
    make_closed_tender,
    open_tender,
    score_all,
)

HIDDEN = "You declared a conflict of interest with this bid, so it is hidden from you."
REFUSED = "Another officer without a conflict must do this."
SECRET_JUSTIFICATION = "Wombat-kettle justification only for bid A"
SECRET_HASH = "f00d" * 16
PRICE_A = "99,876.54"


@pytest.fixture
def world(commissioner, chair_user, panel):
    """The panel fixture plus two officers with council accounts: Cat declared a conflict
    with bid A, Olu has none. Everyone has submitted their scores."""
    a = panel.bids[0]
    a.receipt_hash = SECRET_HASH
    a.save(update_fields=["receipt_hash"])
    a.prices.update(price_pence=99_876_54)
    cat_user = UserFactory(role="commissioner", full_name="Cat Conflicted")
    olu_user = UserFactory(role="commissioner", full_name="Olu Officer")
    cat = appoint(commissioner, panel.tender, panel.roles["officer"], user=cat_user)
    olu = appoint(commissioner, panel.tender, panel.roles["officer"], user=olu_user)
    services.declaration_make(
        member=cat,
        data=services.DeclarationData(no_conflicts=False, bid_ids=(a.pk,), details="Ex-employer"),
    )
    for m in (panel.chair, panel.sam, olu):
        declare_none(m)
    services.scores_save(
        member=olu,
        bid=a,
        entries=[
            services.ScoreInput(c.pk, 3, SECRET_JUSTIFICATION) for c in sel.member_criteria(olu)
        ],
        submit=True,
    )
    for m in (panel.chair, panel.sam, olu, cat):
        for bid in sel.member_bids(PanelMember.objects.get(pk=m.pk)):
            if not sel.member_scores(m, bid):
                score_all(m, bid, 3)
    return SimpleNamespace(p=panel, a=a, cat=cat, olu=olu, cat_user=cat_user, olu_user=olu_user)


def _answer(bid) -> str:
    return bid.answers.first().text


def _start(w):
    return services.moderation_start(actor=w.olu_user, tender=w.p.tender, lot=None)


def _agree_all(w, mod):
    for bid in w.p.bids:
        for c in sel.scored_criteria(w.p.tender):
            services.moderated_score_agree(
                actor=w.olu_user, moderation=mod, bid=bid, criterion=c, score=3, reason="Agreed"
            )


def _complete(w):
    mod = _start(w)
    _agree_all(w, mod)
    for pe in sel.price_explanations(w.p.tender):
        services.price_explanation_decide(
            actor=w.olu_user, explanation=pe, accepted=False, reason="No answer given"
        )
    return services.moderation_complete(actor=w.olu_user, moderation=mod)


# --- the one helper ----------------------------------------------------------------------


def test_the_selector_covers_bids_and_whole_lots(commissioner):
    tender, _c, roles = make_closed_tender(actor=commissioner, lots=2)
    lot1, lot2 = tender.lots.order_by("number")
    in_both = make_submitted_bid(tender, price_pence=1000, lots=[lot1, lot2])
    only_two = make_submitted_bid(tender, price_pence=1000, lots=[lot2])
    open_tender(tender, commissioner)
    user = UserFactory(role="commissioner")
    m = appoint(commissioner, tender, roles["officer"], user=user)
    services.declaration_make(
        member=m,
        data=services.DeclarationData(no_conflicts=False, lot_ids=(lot1.pk,), details="Family"),
    )
    assert sel.conflicted_bid_ids(user, tender) == {in_both.pk}
    assert sel.is_conflicted(user, in_both) and not sel.is_conflicted(user, only_two)
    assert sel.conflicted_bid_ids(commissioner, tender) == set()
    assert sel.conflicted_bid_ids(AnonymousUser(), tender) == set()


# --- staff bid pages and the bids API ----------------------------------------------------


def test_staff_bid_page_hides_a_conflicted_bid(client, world):
    url = f"/manage/tenders/{world.p.tender.reference}/bids/{world.a.reference}/"
    client.force_login(world.cat_user)
    page = client.get(url).content.decode()
    assert HIDDEN in page
    for secret in (_answer(world.a), PRICE_A, SECRET_HASH):
        assert secret not in page
    overview = client.get(f"/manage/tenders/{world.p.tender.reference}/bids/").content.decode()
    assert HIDDEN in overview and world.a.lead_organisation.name in overview
    client.force_login(world.olu_user)
    page = client.get(url).content.decode()
    assert HIDDEN not in page
    assert _answer(world.a) in page and PRICE_A in page and SECRET_HASH in page
    # Another bid stays readable for the conflicted officer.
    client.force_login(world.cat_user)
    other = f"/manage/tenders/{world.p.tender.reference}/bids/{world.p.bids[1].reference}/"
    assert _answer(world.p.bids[1]) in client.get(other).content.decode()


def test_conflicted_officer_cannot_download_the_bids_files(client, world):
    data = b"%PDF secret echidna"
    f = BidFile.objects.create(
        bid=world.a,
        content_type="application/pdf",
        size_bytes=len(data),
        uploaded_by=world.a.created_by,
        **sealing.file_fields(bid_id=world.a.pk, title="Policy", data=data),
    )
    url = (
        f"/manage/tenders/{world.p.tender.reference}/bids/{world.a.reference}/files/{f.public_id}/"
    )
    client.force_login(world.cat_user)
    assert client.get(url).status_code == 404
    with pytest.raises(NotFound):
        bid_file_content(user=world.cat_user, bid_file=f)
    client.force_login(world.olu_user)
    assert client.get(url).status_code == 200


def test_compliance_decision_is_refused_for_the_conflicted_officer(client, world):
    before = AuditEvent.objects.count()
    with pytest.raises(ServiceError) as exc:
        bid_compliance_decide(actor=world.cat_user, bid=world.a, status="compliant")
    assert exc.value.code == "conflict_of_interest" and REFUSED in exc.value.message
    client.force_login(world.cat_user)
    url = f"/manage/tenders/{world.p.tender.reference}/bids/{world.a.reference}/"
    response = client.post(url, {"status": "compliant", "notes": ""})
    assert response.status_code == 400
    body = response.content.decode()
    assert REFUSED in body and "There is a problem" in body and _answer(world.a) not in body
    world.a.refresh_from_db()
    assert world.a.compliance == "" and AuditEvent.objects.count() == before
    bid_compliance_decide(actor=world.olu_user, bid=world.a, status="compliant")
    world.a.refresh_from_db()
    assert world.a.compliance == "compliant"


def test_bids_api_leaves_out_a_conflicted_bids_content(client, world):
    url = f"/api/opportunities/{world.p.tender.reference}/bids"
    client.force_login(world.cat_user)
    response = client.get(url)
    body = response.content.decode()
    assert response.status_code == 200
    assert _answer(world.a) not in body and SECRET_HASH not in body and "9987654" not in body
    row = next(b for b in response.json() if b["reference"] == world.a.reference)
    assert row["hidden"] == HIDDEN and row["answers"] == [] and row["prices"] == []
    client.force_login(world.olu_user)
    body = client.get(url).content.decode()
    assert _answer(world.a) in body and SECRET_HASH in body and "9987654" in body


# --- moderation --------------------------------------------------------------------------


def test_moderation_page_hides_the_conflicted_bids_scores(client, world):
    _start(world)
    url = f"/manage/tenders/{world.p.tender.reference}/moderation/whole/"
    client.force_login(world.cat_user)
    page = client.get(url).content.decode()
    assert HIDDEN in page and SECRET_JUSTIFICATION not in page
    assert "Another officer without a conflict" in page
    assert world.a.lead_organisation.name in page  # the name may stay
    client.force_login(world.olu_user)
    page = client.get(url).content.decode()
    assert SECRET_JUSTIFICATION in page and HIDDEN not in page


def test_agreeing_a_score_on_a_conflicted_bid_is_refused(client, world):
    mod = _start(world)
    q1 = world.p.criteria["q1"]
    url = (
        f"/manage/tenders/{world.p.tender.reference}/moderation/whole/bids/"
        f"{world.a.reference}/questions/{q1.pk}/"
    )
    client.force_login(world.cat_user)
    page = client.get(url).content.decode()
    assert HIDDEN in page and SECRET_JUSTIFICATION not in page and _answer(world.a) not in page
    before = AuditEvent.objects.count()
    response = client.post(url, {"score": "4", "reason": "We agreed"})
    assert response.status_code == 400 and REFUSED in response.content.decode()
    with pytest.raises(ServiceError) as exc:
        services.moderated_score_agree(
            actor=world.cat_user, moderation=mod, bid=world.a, criterion=q1, score=4, reason="x"
        )
    assert exc.value.code == "conflict_of_interest"
    assert not ModeratedScore.objects.exists() and AuditEvent.objects.count() == before
    client.force_login(world.olu_user)
    page = client.get(url).content.decode()
    assert SECRET_JUSTIFICATION in page and _answer(world.a) in page
    assert client.post(url, {"score": "4", "reason": "We agreed"}).status_code == 302


def test_completing_moderation_of_the_lot_is_refused(client, world):
    mod = _start(world)
    _agree_all(world, mod)
    for pe in sel.price_explanations(world.p.tender):
        services.price_explanation_decide(
            actor=world.olu_user, explanation=pe, accepted=False, reason="No answer"
        )
    before = AuditEvent.objects.count()
    with pytest.raises(ServiceError) as exc:
        services.moderation_complete(actor=world.cat_user, moderation=mod)
    assert REFUSED in exc.value.message
    client.force_login(world.cat_user)
    response = client.post(f"/manage/tenders/{world.p.tender.reference}/moderation/whole/complete/")
    assert response.status_code == 400 and REFUSED in response.content.decode()
    assert Moderation.objects.get(pk=mod.pk).status == ModerationStatus.MODERATING
    assert AuditEvent.objects.count() == before


def test_price_explanation_of_a_conflicted_bid_is_hidden_and_refused(client, commissioner, world):
    mod = _start(world)
    # Bid C is abnormally low; make Cat conflicted with it too, through a late conflict.
    c = world.p.bids[2]
    services.conflict_add(
        member=world.cat, data=services.LateConflictData(bid_id=c.pk, details="Trustee")
    )
    pe = sel.price_explanations(world.p.tender)[0]
    assert pe.bid_id == c.pk
    url = f"/manage/tenders/{world.p.tender.reference}/moderation/whole/price-explanations/{pe.pk}/"
    client.force_login(world.cat_user)
    assert HIDDEN in client.get(url).content.decode()
    assert client.post(url, {"accepted": "no", "reason": "No"}).status_code == 400
    with pytest.raises(ServiceError):
        services.price_explanation_decide(
            actor=world.cat_user, explanation=pe, accepted=False, reason="No"
        )
    pe.refresh_from_db()
    assert pe.accepted is None and mod.status == ModerationStatus.MODERATING


def test_ranking_api_hides_the_conflicted_bids_figures(client, world):
    _complete(world)
    url = f"/api/opportunities/{world.p.tender.reference}/ranking"
    client.force_login(world.cat_user)
    bids = client.get(url).json()[0]["bids"]
    mine = next(b for b in bids if b["bid"] == world.a.reference)
    assert mine["hidden"] == HIDDEN and mine["total"] is None and mine["price_pence"] is None
    assert mine["per_criterion"] == [] and mine["organisation"] == world.a.lead_organisation.name
    assert all(b["total"] is not None for b in bids if b["bid"] != world.a.reference)
    client.force_login(world.olu_user)
    mine = next(b for b in client.get(url).json()[0]["bids"] if b["bid"] == world.a.reference)
    assert mine["total"] is not None and mine["per_criterion"] and not mine["hidden"]


# --- declaring a new conflict later ------------------------------------------------------


def _url(member) -> str:
    return f"/panel/{member.pk}/declare/new/"


def test_a_service_user_declares_a_new_conflict_after_scoring(client, chair_user, world):
    b = world.p.bids[1]
    sam = world.p.sam
    assert Score.objects.filter(member=sam, bid=b, set_aside_at__isnull=True).count() == 1
    client.post(f"/panel/join/{world.p.sam_token}/")
    page = client.get(_url(sam)).content.decode()
    assert b.lead_organisation.name in page and b.reference not in page
    assert "declare a new conflict" in client.get(f"/panel/{sam.pk}/").content.decode()
    bad = client.post(_url(sam), {"target": f"bid:{b.pk}", "details": ""})
    assert bad.status_code == 400 and "There is a problem" in bad.content.decode()
    assert not Conflict.objects.filter(declaration__member=sam).exists()
    response = client.post(_url(sam), {"target": f"bid:{b.pk}", "details": "My cousin works there"})
    assert response.status_code == 302
    conflict = Conflict.objects.get(declaration__member=sam)
    assert conflict.bid_id == b.pk and conflict.declared_late and conflict.added_at
    event = AuditEvent.objects.get(verb="panels.conflict.added")
    assert event.changes["scores_set_aside"] == 1
    score = Score.objects.get(member=sam, bid=b)
    assert score.set_aside_at is not None  # kept, set aside
    assert b not in sel.member_bids(PanelMember.objects.get(pk=sam.pk))
    assert client.get(f"/panel/{sam.pk}/bids/{b.reference}/").status_code == 404
    # Moderation leaves the score out and tells the chair.
    mod = services.moderation_start(actor=chair_user, tender=world.p.tender, lot=None)
    spread = next(s for s in sel.moderation_spread(mod) if s.bid.pk == b.pk)
    assert all(sam.pk not in {x.member_id for x in row.scores} for row in spread.rows)
    client.force_login(chair_user)
    page = client.get(f"/manage/tenders/{world.p.tender.reference}/moderation/whole/")
    assert "1 score set aside because of a conflict declared after scoring" in page.content.decode()


def test_a_staff_member_declares_a_new_conflict_with_a_whole_lot(client, commissioner):
    tender, _c, roles = make_closed_tender(actor=commissioner, lots=2)
    lot1, lot2 = tender.lots.order_by("number")
    one = make_submitted_bid(tender, price_pence=1000, lots=[lot1])
    two = make_submitted_bid(tender, price_pence=1000, lots=[lot2])
    open_tender(tender, commissioner)
    user = UserFactory(role="commissioner")
    m = appoint(commissioner, tender, roles["officer"], user=user)
    declare_none(m)
    score_all(m, one, 3, submit=False)
    client.force_login(user)
    response = client.post(_url(m), {"target": f"lot:{lot1.pk}", "details": "Board member"})
    assert response.status_code == 302
    assert [b.pk for b in sel.member_bids(PanelMember.objects.get(pk=m.pk))] == [two.pk]
    assert Score.objects.filter(member=m, bid=one, set_aside_at__isnull=False).count() == 3
    assert sel.is_conflicted(user, one) and not sel.is_conflicted(user, two)


def test_declaring_the_same_conflict_twice_keeps_one(client, world):
    b = world.p.bids[1]
    client.force_login(world.olu_user)
    for _ in range(2):
        assert (
            client.post(_url(world.olu), {"target": f"bid:{b.pk}", "details": "Friend"}).status_code
            == 302
        )
    assert Conflict.objects.filter(declaration__member=world.olu, bid=b).count() == 1
    assert AuditEvent.objects.filter(verb="panels.conflict.added").count() == 1
    # Declaring again a conflict from the first declaration adds nothing either.
    services.conflict_add(
        member=world.cat, data=services.LateConflictData(bid_id=world.a.pk, details="Again")
    )
    assert Conflict.objects.filter(declaration__member=world.cat).count() == 1


def test_late_declaration_denied_cases(client, commissioner, world):
    sam = world.p.sam
    # Anonymous, and people who are not this member (another tender's member, staff).
    assert client.get(_url(sam)).status_code == 404
    other, _c, other_roles = make_closed_tender(actor=commissioner)
    other_bid = make_submitted_bid(other, price_pence=1000)
    open_tender(other, commissioner)
    ann = appoint(commissioner, other, other_roles["service_user"], name="Ann", email="a@x.org")
    client.post(f"/panel/join/{last_token()}/")
    declare_none(ann)
    assert client.get(_url(sam)).status_code == 404
    assert (
        client.post(_url(sam), {"target": f"bid:{world.a.pk}", "details": "x"}).status_code == 404
    )
    client.force_login(commissioner)
    assert client.get(_url(sam)).status_code == 404
    # A bid of another tender: a clear message, nothing recorded.
    client.logout()
    client.post(f"/panel/join/{world.p.sam_token}/")
    response = client.post(_url(sam), {"target": f"bid:{other_bid.pk}", "details": "x"})
    assert (
        response.status_code == 400 and "Choose an organisation or lot" in response.content.decode()
    )
    with pytest.raises(ServiceError):
        services.conflict_add(
            member=sam, data=services.LateConflictData(bid_id=other_bid.pk, details="x")
        )
    assert not Conflict.objects.filter(declaration__member=sam).exists()
    assert not AuditEvent.objects.filter(verb="panels.conflict.added").exists()


def test_a_member_who_has_not_declared_is_sent_to_the_declaration_first(client, commissioner):
    tender, _c, roles = make_closed_tender(actor=commissioner)
    bid = make_submitted_bid(tender, price_pence=1000)
    open_tender(tender, commissioner)
    m = appoint(commissioner, tender, roles["service_user"], name="Bo", email="bo@x.org")
    client.post(f"/panel/join/{last_token()}/")
    response = client.get(_url(m))
    assert response.status_code == 302 and response["Location"].endswith(f"/panel/{m.pk}/declare/")
    with pytest.raises(ServiceError):
        services.conflict_add(member=m, data=services.LateConflictData(bid_id=bid.pk, details="x"))
