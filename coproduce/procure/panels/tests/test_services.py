"""Panel services: appointments and links, declarations, blind scoring, moderation, prices."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail
from django.test import TestCase
from django.utils import timezone

from coproduce.foundation.core.errors import NotFound, ServiceError
from coproduce.foundation.core.models import AuditEvent
from coproduce.procure.bids.tests.factories import make_submitted_bid
from coproduce.procure.panels import selectors as sel
from coproduce.procure.panels import services
from coproduce.procure.panels.models import (
    ModeratedScore,
    Moderation,
    ModerationStatus,
    PanelMember,
    PriceExplanation,
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


def _all_scored(panel):
    for m in (panel.chair, panel.sam):
        if not sel.has_declared(m):
            declare_none(m)
        for bid in sel.member_bids(m):
            score_all(m, bid, 3)


def _agree_all(panel, actor, mod, score=3):
    for bid in panel.bids:
        for c in sel.scored_criteria(panel.tender):
            services.moderated_score_agree(
                actor=actor, moderation=mod, bid=bid, criterion=c, score=score, reason="Agreed."
            )


# --- appointments and links -------------------------------------------------------------


def test_appointing_a_service_user_stores_only_the_hash_of_the_emailed_link(panel):
    sam = PanelMember.objects.get(pk=panel.sam.pk)
    assert sam.user is None and sam.kind == "service_user"
    assert sam.invite_token_hash == sel.token_digest(panel.sam_token)
    assert panel.sam_token not in sam.invite_token_hash
    assert "panel/guide/easy-read/" in mail.outbox[-1].body
    assert AuditEvent.objects.filter(verb="panels.member.appointed", target_id=str(sam.pk)).exists()


def test_appointing_twice_keeps_one_member(panel, commissioner):
    again = appoint(
        commissioner, panel.tender, panel.roles["service_user"], name="Sam", email="SAM@example.org"
    )
    assert again.pk == panel.sam.pk
    assert PanelMember.objects.filter(tender=panel.tender).count() == 2


@pytest.mark.parametrize("who", ["resident", "provider", "finance"])
def test_only_commissioners_appoint(panel, request, who):
    with pytest.raises(NotFound):
        appoint(
            request.getfixturevalue(who),
            panel.tender,
            panel.roles["service_user"],
            name="X",
            email="x@example.org",
        )


def test_an_officer_seat_or_the_chair_needs_a_council_account(panel, commissioner, resident):
    with pytest.raises(ServiceError) as exc:
        appoint(commissioner, panel.tender, panel.roles["officer"], user=resident)
    assert exc.value.code == "officer_required"
    with pytest.raises(ServiceError) as exc:
        appoint(
            commissioner,
            panel.tender,
            panel.roles["service_user"],
            name="X",
            email="x@example.org",
            chair=True,
        )
    assert exc.value.code == "officer_required"


def test_the_link_works_once(panel):
    member = services.panel_session_start(token=panel.sam_token)
    assert member.pk == panel.sam.pk and member.accepted_at is not None
    with pytest.raises(NotFound):
        services.panel_session_start(token=panel.sam_token)
    assert AuditEvent.objects.filter(verb="panels.member.signed_in_by_link").count() == 1


def test_an_expired_link_does_not_work(panel):
    PanelMember.objects.filter(pk=panel.sam.pk).update(
        invited_at=timezone.now() - dt.timedelta(days=31)
    )
    with pytest.raises(NotFound) as exc:
        services.panel_session_start(token=panel.sam_token)
    assert "expired" in exc.value.message


def test_a_new_link_replaces_the_old_one(panel, commissioner):
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.panel_member_resend(actor=commissioner, member=panel.sam)
    new = last_token()
    with pytest.raises(NotFound):
        services.panel_session_start(token=panel.sam_token)
    assert services.panel_session_start(token=new).pk == panel.sam.pk


def test_removing_needs_a_reason_and_kills_the_link(panel, commissioner):
    with pytest.raises(ServiceError) as exc:
        services.panel_member_remove(actor=commissioner, member=panel.sam, reason=" ")
    assert exc.value.code == "reason_required"
    services.panel_member_remove(actor=commissioner, member=panel.sam, reason="Moved away")
    with pytest.raises(NotFound):
        services.panel_session_start(token=panel.sam_token)
    assert AuditEvent.objects.filter(verb="panels.member.removed", reason="Moved away").exists()


# --- declarations and conflicts ---------------------------------------------------------


def test_no_bid_is_visible_before_declaring(panel):
    assert sel.member_bids(panel.sam) == []
    declare_none(panel.sam)
    assert len(sel.member_bids(PanelMember.objects.get(pk=panel.sam.pk))) == 3


def test_declaring_is_refused_before_the_bids_are_opened(commissioner):
    tender, _, roles = make_closed_tender(actor=commissioner)
    m = appoint(commissioner, tender, roles["service_user"], name="Ann", email="ann@example.org")
    with pytest.raises(ServiceError) as exc:
        declare_none(m)
    assert exc.value.code == "not_opened"


def test_a_conflict_needs_details_and_a_choice(panel):
    with pytest.raises(ServiceError) as exc:
        services.declaration_make(
            member=panel.sam,
            data=services.DeclarationData(no_conflicts=False, bid_ids=(panel.bids[0].pk,)),
        )
    assert exc.value.code == "details_required"
    with pytest.raises(ServiceError) as exc:
        services.declaration_make(
            member=panel.sam, data=services.DeclarationData(no_conflicts=False, details="x")
        )
    assert exc.value.code == "choose_conflict"
    assert not sel.has_declared(PanelMember.objects.get(pk=panel.sam.pk))


def test_a_declared_conflict_removes_the_bid_from_pages_counts_and_scoring(panel):
    a, b, c = panel.bids
    services.declaration_make(
        member=panel.sam,
        data=services.DeclarationData(
            no_conflicts=False, bid_ids=(a.pk,), details="I volunteer there"
        ),
    )
    sam = PanelMember.objects.get(pk=panel.sam.pk)
    assert [x.pk for x in sel.member_bids(sam)] == [b.pk, c.pk]
    allot = {x.member.pk: x for x in sel.allotments(panel.tender)}
    assert allot[sam.pk].expected == 2
    with pytest.raises(NotFound):
        sel.access_member_bid(sam, a.reference)
    with pytest.raises(NotFound):
        score_all(sam, a)
    assert AuditEvent.objects.filter(verb="panels.declaration.made").exists()


def test_a_lot_conflict_removes_every_bid_in_that_lot(commissioner):
    tender, _, roles = make_closed_tender(actor=commissioner, lots=2)
    lot1, lot2 = tender.lots.all()
    in1 = make_submitted_bid(tender, price_pence=1000, lots=[lot1])
    in_both = make_submitted_bid(tender, price_pence=1000, lots=[lot1, lot2])
    in2 = make_submitted_bid(tender, price_pence=1000, lots=[lot2])
    open_tender(tender, commissioner)
    m = appoint(commissioner, tender, roles["service_user"], name="Ann", email="ann@example.org")
    services.declaration_make(
        member=m,
        data=services.DeclarationData(no_conflicts=False, lot_ids=(lot1.pk,), details="Family"),
    )
    m.refresh_from_db()
    assert [b.pk for b in sel.member_bids(m)] == [in2.pk]
    assert in1.pk and in_both.pk


# --- scoring ----------------------------------------------------------------------------


def test_a_score_off_the_scale_or_without_a_reason_stores_nothing(panel):
    declare_none(panel.sam)
    bid = panel.bids[0]
    q1 = panel.criteria["q1"]
    for score, text, code in [(9, "Good", "score_off_scale"), (3, "  ", "justification_required")]:
        with pytest.raises(ServiceError) as exc:
            services.scores_save(
                member=panel.sam,
                bid=bid,
                entries=[services.ScoreInput(q1.pk, score, text)],
                submit=False,
            )
        assert exc.value.code == code
    assert not Score.objects.exists()


def test_a_member_cannot_score_questions_of_another_seat(panel):
    declare_none(panel.sam)
    with pytest.raises(NotFound):
        services.scores_save(
            member=panel.sam,
            bid=panel.bids[0],
            entries=[services.ScoreInput(panel.criteria["q2"].pk, 2, "x")],
            submit=False,
        )


def test_submitting_twice_keeps_one_set_and_submitted_scores_cannot_change(panel):
    declare_none(panel.sam)
    bid = panel.bids[0]
    score_all(panel.sam, bid, 2, submit=False)
    score_all(panel.sam, bid, 3)
    score_all(panel.sam, bid, 3)
    assert Score.objects.filter(member=panel.sam).count() == 1
    with pytest.raises(ServiceError) as exc:
        score_all(panel.sam, bid, 1)
    assert exc.value.code == "already_submitted"
    assert Score.objects.get(member=panel.sam).score == 3
    event = AuditEvent.objects.filter(verb="panels.scores.submitted").first()
    assert "score" not in event.changes  # no score values in the audit trail


def test_submitting_needs_every_question(panel):
    declare_none(panel.chair)
    with pytest.raises(ServiceError) as exc:
        services.scores_save(
            member=panel.chair,
            bid=panel.bids[0],
            entries=[services.ScoreInput(panel.criteria["q1"].pk, 2, "ok")],
            submit=True,
        )
    assert exc.value.code == "score_required"
    assert not Score.objects.exists()


# --- moderation -------------------------------------------------------------------------


def test_members_scores_are_hidden_until_moderation_starts(panel, commissioner):
    _all_scored(panel)
    mod = Moderation.objects.create(tender=panel.tender, lot=None)
    with pytest.raises(NotFound):
        sel.moderation_spread(mod)
    mod = services.moderation_start(actor=commissioner, tender=panel.tender, lot=None)
    spread = sel.moderation_spread(mod)
    row = spread[0].rows[0]
    assert {s.member.pk for s in row.scores} == {panel.chair.pk, panel.sam.pk}
    assert (row.low, row.high) == (3, 3)


def test_moderation_before_all_scores_are_in_names_who_is_missing_and_stores_nothing(
    panel, chair_user
):
    declare_none(panel.chair)
    for bid in panel.bids:
        score_all(panel.chair, bid, 4)
    with pytest.raises(ServiceError) as exc:
        services.moderation_start(actor=chair_user, tender=panel.tender, lot=None)
    assert exc.value.code == "scores_missing"
    assert "Sam Service (3 scores)" in exc.value.message
    assert "Chris Chair" not in exc.value.message
    assert "4" not in exc.value.message.replace("T-2026", "")
    assert not Moderation.objects.exclude(status=ModerationStatus.SCORING).exists()
    assert not PriceExplanation.objects.exists()


def test_only_the_chair_or_a_commissioner_moderates(panel, finance, provider):
    _all_scored(panel)
    for who in (finance, provider):
        with pytest.raises(NotFound):
            services.moderation_start(actor=who, tender=panel.tender, lot=None)


def test_the_whole_moderation_ranks_flags_the_low_price_and_records_the_audit(
    panel, chair_user, provider
):
    _all_scored(panel)
    with TestCase.captureOnCommitCallbacks(execute=True):
        mod = services.moderation_start(actor=chair_user, tender=panel.tender, lot=None)
    a, b, c = panel.bids
    pe = PriceExplanation.objects.get()
    assert pe.bid == c and "average" in pe.flagged_reason
    assert mail.outbox[-1].to == [c.submitted_by.email]
    assert scores_kept(panel)
    with pytest.raises(ServiceError) as exc:
        services.moderation_complete(actor=chair_user, moderation=mod)
    assert exc.value.code == "moderation_incomplete"
    with pytest.raises(ServiceError) as exc:
        services.moderated_score_agree(
            actor=chair_user,
            moderation=mod,
            bid=a,
            criterion=panel.criteria["q1"],
            score=3,
            reason="",
        )
    assert exc.value.code == "reason_required"
    _agree_all(panel, chair_user, mod)
    services.moderated_score_agree(
        actor=chair_user,
        moderation=mod,
        bid=a,
        criterion=panel.criteria["q1"],
        score=4,
        reason="Strong.",
    )
    mod = services.moderation_complete(actor=chair_user, moderation=mod)
    assert mod.status == ModerationStatus.COMPLETE
    ranked = sel.ranking(tender=panel.tender)
    # quality 3/4 × (40+20) = 45 (A: 4/4×40 + 3/4×20 = 55); social 7.50; price 30 × lowest/bid
    assert [r.bid.pk for r in ranked] == [c.pk, a.pk, b.pk]
    assert ranked[0].total == Decimal("82.50")  # 45 + 7.50 + 30
    top = ranked[1]
    assert top.quality == Decimal("55.00") and top.social_value == Decimal("7.50")
    assert top.price_score == Decimal("18.00")  # 30 × 60,000 / 100,000
    assert top.total == Decimal("80.50")
    assert next(r for r in ranked if r.bid == c).abnormally_low
    assert AuditEvent.objects.filter(verb="panels.moderation.completed").exists()
    assert ModeratedScore.objects.count() == 9
    assert sel.award_blockers(tender=panel.tender) == [
        f"Bid {c.reference} has an abnormally low price and the bidder has not yet explained it."
    ]
    member = c.lead_organisation.memberships.first().user
    with pytest.raises(NotFound):
        services.price_explanation_answer(actor=provider, explanation=pe, text="x")
    with pytest.raises(ServiceError) as exc:
        services.price_explanation_decide(
            actor=chair_user, explanation=pe, accepted=True, reason="ok"
        )
    assert exc.value.code == "no_explanation"
    services.price_explanation_answer(actor=member, explanation=pe, text="Volunteers and a grant.")
    services.price_explanation_decide(
        actor=chair_user, explanation=pe, accepted=True, reason="Credible."
    )
    assert sel.award_blockers(tender=panel.tender) == []
    assert AuditEvent.objects.filter(verb="panels.price_explanation.decided").exists()


def scores_kept(panel) -> bool:
    return Score.objects.filter(submitted_at__isnull=False).count() == 3 * 3 + 3


def test_a_tie_is_broken_and_recorded(commissioner):
    tender, _criteria, roles = make_closed_tender(actor=commissioner)
    t0 = tender.deadline - dt.timedelta(hours=5)
    early = make_submitted_bid(tender, price_pence=100_000, submitted_at=t0)
    late = make_submitted_bid(tender, price_pence=100_000, submitted_at=t0 + dt.timedelta(hours=1))
    open_tender(tender, commissioner)
    m = appoint(commissioner, tender, roles["officer"], user=commissioner, chair=True)
    declare_none(m)
    for bid in (early, late):
        score_all(m, bid, 2)
    mod = services.moderation_start(actor=commissioner, tender=tender, lot=None)
    for bid in (early, late):
        for c in sel.scored_criteria(tender):
            services.moderated_score_agree(
                actor=commissioner, moderation=mod, bid=bid, criterion=c, score=2, reason="Same"
            )
    mod = services.moderation_complete(actor=commissioner, moderation=mod)
    ranked = sel.ranking(tender=tender)
    assert ranked[0].bid == early and ranked[0].total == ranked[1].total
    assert "earlier submission" in mod.tie_break_note
    assert mod.tie_break_note.startswith(early.reference)


def test_scores_cannot_change_once_moderation_has_started(panel, commissioner):
    declare_none(panel.sam)
    _all_scored(panel)
    services.moderation_start(actor=commissioner, tender=panel.tender, lot=None)
    with pytest.raises(ServiceError) as exc:
        score_all(panel.sam, panel.bids[0], 1, submit=False)
    assert exc.value.code == "scoring_closed"
