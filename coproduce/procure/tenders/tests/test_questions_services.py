"""Asking, answering, declining questions: rules, pseudonyms, audit and notifications."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from coproduce.foundation.accounts.tests.factories import make_member
from coproduce.foundation.core.errors import NotFound, ServiceError
from coproduce.foundation.core.models import AuditEvent
from coproduce.procure.tenders import tasks_notify
from coproduce.procure.tenders.models import (
    AlertDelivery,
    AskerPseudonym,
    Clarification,
    TenderInterest,
    TenderStatus,
)
from coproduce.procure.tenders.services_clarifications import (
    clarification_answer,
    clarification_ask,
    clarification_decline,
    pseudonym_label,
    tender_follow,
)
from coproduce.procure.tenders.tests.factories import make_tender

pytestmark = pytest.mark.django_db


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """Run on-commit callbacks (the emails) when the block ends, as a real commit would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def test_pseudonym_labels_run_a_to_z_then_double_letters():
    assert pseudonym_label(0) == "Organisation A"
    assert pseudonym_label(1) == "Organisation B"
    assert pseudonym_label(25) == "Organisation Z"
    assert pseudonym_label(26) == "Organisation AA"
    assert pseudonym_label(27) == "Organisation AB"


def test_member_asks_a_question_gets_a_pseudonym_follows_and_is_emailed(commissioner, commit):
    tender = make_tender(actor=commissioner)
    user, org = make_member(name="Sunrise Day Services")
    with commit():
        q = clarification_ask(
            actor=user, tender=tender, organisation=org, question="Is TUPE likely?"
        )
    assert q.number == 1
    assert q.pseudonym.label == "Organisation A"
    assert q.status == "awaiting"
    assert TenderInterest.objects.filter(tender=tender, organisation=org).exists()
    assert AuditEvent.objects.filter(verb="tenders.clarification.asked").count() == 1
    assert AuditEvent.objects.filter(verb="tenders.tender.followed").count() == 1
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [user.email]
    assert "Organisation A" in mail.outbox[0].body


def test_pseudonym_is_stable_for_repeat_questions_and_differs_between_organisations(commissioner):
    tender = make_tender(actor=commissioner)
    a_user, a_org = make_member()
    b_user, b_org = make_member()
    q1 = clarification_ask(actor=a_user, tender=tender, organisation=a_org, question="One?")
    q2 = clarification_ask(actor=b_user, tender=tender, organisation=b_org, question="Two?")
    q3 = clarification_ask(actor=a_user, tender=tender, organisation=a_org, question="Three?")
    assert [q1.number, q2.number, q3.number] == [1, 2, 3]
    assert q1.pseudonym_id == q3.pseudonym_id
    assert q1.pseudonym.label == "Organisation A"
    assert q2.pseudonym.label == "Organisation B"


def test_pseudonym_differs_across_tenders(commissioner):
    first = make_tender(actor=commissioner)
    second = make_tender(actor=commissioner)
    a_user, a_org = make_member()
    b_user, b_org = make_member()
    clarification_ask(actor=a_user, tender=first, organisation=a_org, question="On first?")
    clarification_ask(actor=b_user, tender=second, organisation=b_org, question="On second?")
    q = clarification_ask(actor=a_user, tender=second, organisation=a_org, question="Also?")
    assert q.pseudonym.label == "Organisation B"
    assert AskerPseudonym.objects.get(tender=first, organisation=a_org).label == "Organisation A"


def test_double_submit_returns_the_same_question(commissioner):
    tender = make_tender(actor=commissioner)
    user, org = make_member()
    q1 = clarification_ask(actor=user, tender=tender, organisation=org, question="Same?")
    q2 = clarification_ask(actor=user, tender=tender, organisation=org, question=" Same? ")
    assert q1.pk == q2.pk
    assert Clarification.objects.count() == 1


def test_same_text_after_the_window_is_a_new_question(commissioner):
    tender = make_tender(actor=commissioner)
    user, org = make_member()
    clarification_ask(actor=user, tender=tender, organisation=org, question="Same?")
    later = timezone.now() + dt.timedelta(minutes=30)
    q2 = clarification_ask(actor=user, tender=tender, organisation=org, question="Same?", now=later)
    assert q2.number == 2


@pytest.mark.parametrize(
    "status", [TenderStatus.CLOSED, TenderStatus.AWARDED, TenderStatus.CANCELLED]
)
def test_question_on_a_closed_tender_is_refused_and_nothing_stored(commissioner, status):
    tender = make_tender(actor=commissioner, status=status)
    user, org = make_member()
    with pytest.raises(ServiceError) as err:
        clarification_ask(actor=user, tender=tender, organisation=org, question="Too late?")
    assert err.value.code == "tender_closed"
    assert "open for bids" in err.value.message
    assert not Clarification.objects.exists()
    assert not AskerPseudonym.objects.exists()
    assert not TenderInterest.objects.exists()
    assert not AuditEvent.objects.filter(verb__startswith="tenders.").exists()


def test_question_after_the_closing_date_is_refused(commissioner):
    tender = make_tender(actor=commissioner)
    user, org = make_member()
    with pytest.raises(ServiceError) as err:
        clarification_ask(
            actor=user,
            tender=tender,
            organisation=org,
            question="Late?",
            now=tender.deadline,
        )
    assert err.value.code == "deadline_passed"
    assert not Clarification.objects.exists()


def test_question_after_the_question_closing_date_is_refused(commissioner):
    closes = timezone.now() - dt.timedelta(minutes=1)
    tender = make_tender(actor=commissioner, questions_close_at=closes)
    user, org = make_member()
    with pytest.raises(ServiceError) as err:
        clarification_ask(actor=user, tender=tender, organisation=org, question="Late?")
    assert err.value.code == "questions_closed"
    assert "closing date for questions" in err.value.message
    assert not Clarification.objects.exists()


def test_question_on_a_draft_is_not_found(commissioner):
    tender = make_tender(actor=commissioner, status=TenderStatus.DRAFT)
    user, org = make_member()
    with pytest.raises(NotFound):
        clarification_ask(actor=user, tender=tender, organisation=org, question="Draft?")
    assert not Clarification.objects.exists()


def test_non_member_cannot_ask_for_an_organisation(commissioner):
    tender = make_tender(actor=commissioner)
    _user, org = make_member()
    stranger, _other = make_member()
    with pytest.raises(NotFound):
        clarification_ask(actor=stranger, tender=tender, organisation=org, question="Hm?")
    assert not Clarification.objects.exists()


@pytest.mark.parametrize(("text", "code"), [("", "required"), ("x" * 5001, "too_long")])
def test_bad_question_text_is_refused(commissioner, text, code):
    tender = make_tender(actor=commissioner)
    user, org = make_member()
    with pytest.raises(ServiceError) as err:
        clarification_ask(actor=user, tender=tender, organisation=org, question=text)
    assert err.value.code == code
    assert not Clarification.objects.exists()


def test_lot_of_another_tender_is_refused(commissioner):
    tender = make_tender(actor=commissioner, lots=1)
    other = make_tender(actor=commissioner, lots=1)
    user, org = make_member()
    with pytest.raises(ServiceError) as err:
        clarification_ask(
            actor=user, tender=tender, organisation=org, question="?", lot=other.lots.get()
        )
    assert err.value.code == "invalid_lot"


def test_officer_rewords_and_publishes_original_kept_in_audit(commissioner, commit):
    tender = make_tender(actor=commissioner)
    user, org = make_member(name="Sunrise Day Services")
    follower, follower_org = make_member(name="Other Group")
    tender_follow(actor=follower, tender=tender, organisation=follower_org)
    q = clarification_ask(
        actor=user,
        tender=tender,
        organisation=org,
        question="As Sunrise Day Services we run 3 centres: can we bid for both lots?",
    )
    mail.outbox.clear()
    with commit():
        q = clarification_answer(
            actor=commissioner,
            clarification=q,
            question="Can an organisation bid for both lots?",
            answer="Yes.",
            publish=True,
        )
    assert q.status == "published" and q.published_at is not None
    event = AuditEvent.objects.get(verb="tenders.clarification.published")
    assert event.changes["question"][0].startswith("As Sunrise Day Services")
    # Both the asker's and the follower's members were told, and nobody's email names the asker.
    assert sorted(m.to[0] for m in mail.outbox) == sorted([user.email, follower.email])
    for message in mail.outbox:
        assert "Sunrise" not in message.body and "Sunrise" not in message.subject
        assert "Organisation A" in message.body


def test_answer_notifications_go_once_even_if_the_task_runs_twice(commissioner, commit):
    tender = make_tender(actor=commissioner)
    user, org = make_member()
    q = clarification_ask(actor=user, tender=tender, organisation=org, question="Once?")
    clarification_answer(
        actor=commissioner, clarification=q, question="Once?", answer="Yes.", publish=True
    )
    tasks_notify.send_answer_notifications.call(clarification_id=q.pk)
    tasks_notify.send_answer_notifications.call(clarification_id=q.pk)
    assert [m.to for m in mail.outbox] == [[user.email]]
    assert AlertDelivery.objects.filter(kind="answer", event_key="1").count() == 1


def test_saving_a_draft_answer_does_not_publish_or_notify(commissioner):
    tender = make_tender(actor=commissioner)
    user, org = make_member()
    q = clarification_ask(actor=user, tender=tender, organisation=org, question="Draft?")
    mail.outbox.clear()
    q = clarification_answer(
        actor=commissioner, clarification=q, question="Draft?", answer="Maybe.", publish=False
    )
    assert q.status == "awaiting" and q.published_at is None
    assert mail.outbox == []
    assert AuditEvent.objects.filter(verb="tenders.clarification.answer_drafted").exists()


def test_publishing_twice_changes_nothing(commissioner):
    tender = make_tender(actor=commissioner)
    user, org = make_member()
    q = clarification_ask(actor=user, tender=tender, organisation=org, question="Twice?")
    clarification_answer(
        actor=commissioner, clarification=q, question="Twice?", answer="Yes.", publish=True
    )
    before = AuditEvent.objects.count()
    clarification_answer(
        actor=commissioner, clarification=q, question="Twice?", answer="Yes.", publish=True
    )
    assert AuditEvent.objects.count() == before


@pytest.mark.parametrize("who", ["resident", "provider", "finance"])
def test_only_commissioners_answer(commissioner, request, who):
    tender = make_tender(actor=commissioner)
    user, org = make_member()
    q = clarification_ask(actor=user, tender=tender, organisation=org, question="Who?")
    with pytest.raises(NotFound):
        clarification_answer(
            actor=request.getfixturevalue(who),
            clarification=q,
            question="Who?",
            answer="Me.",
            publish=True,
        )
    q.refresh_from_db()
    assert q.status == "awaiting" and q.answer == ""


def test_answer_is_required(commissioner):
    tender = make_tender(actor=commissioner)
    user, org = make_member()
    q = clarification_ask(actor=user, tender=tender, organisation=org, question="Empty?")
    with pytest.raises(ServiceError) as err:
        clarification_answer(
            actor=commissioner, clarification=q, question="Empty?", answer=" ", publish=True
        )
    assert err.value.code == "required" and err.value.field == "answer"


def test_decline_with_reason_tells_the_asker_only(commissioner, commit):
    tender = make_tender(actor=commissioner)
    user, org = make_member()
    follower, follower_org = make_member()
    tender_follow(actor=follower, tender=tender, organisation=follower_org)
    q = clarification_ask(actor=user, tender=tender, organisation=org, question="Price of rival?")
    mail.outbox.clear()
    with pytest.raises(ServiceError) as err:
        clarification_decline(actor=commissioner, clarification=q, reason="")
    assert err.value.code == "reason_required"
    with commit():
        q = clarification_decline(
            actor=commissioner, clarification=q, reason="Commercially sensitive."
        )
    assert q.status == "declined"
    assert q.decline_reason == "Commercially sensitive." and q.answer == ""
    assert [m.to for m in mail.outbox] == [[user.email]]
    assert "Commercially sensitive." in mail.outbox[0].body
    assert (
        AuditEvent.objects.get(verb="tenders.clarification.declined").reason
        == "Commercially sensitive."
    )


def test_decline_keeps_a_draft_answer_and_is_idempotent(commissioner):
    tender = make_tender(actor=commissioner)
    user, org = make_member()
    q = clarification_ask(actor=user, tender=tender, organisation=org, question="Rival?")
    clarification_answer(
        actor=commissioner, clarification=q, question="Rival?", answer="Draft.", publish=False
    )
    clarification_decline(actor=commissioner, clarification=q, reason="Sensitive.")
    clarification_decline(actor=commissioner, clarification=q, reason="Sensitive.")
    q.refresh_from_db()
    assert (q.status, q.answer, q.decline_reason) == ("declined", "Draft.", "Sensitive.")
    assert AuditEvent.objects.filter(verb="tenders.clarification.declined").count() == 1


def test_answering_a_declined_question_clears_the_reason(commissioner):
    tender = make_tender(actor=commissioner)
    user, org = make_member()
    q = clarification_ask(actor=user, tender=tender, organisation=org, question="Hours?")
    clarification_decline(actor=commissioner, clarification=q, reason="Out of scope.")
    q = clarification_answer(
        actor=commissioner, clarification=q, question="Hours?", answer="9 to 5.", publish=True
    )
    q.refresh_from_db()
    assert (q.status, q.answer, q.decline_reason) == ("published", "9 to 5.", "")
    event = AuditEvent.objects.get(verb="tenders.clarification.published")
    assert event.changes["decline_reason"] == ["Out of scope.", ""]


def test_published_question_cannot_be_declined(commissioner):
    tender = make_tender(actor=commissioner)
    user, org = make_member()
    q = clarification_ask(actor=user, tender=tender, organisation=org, question="?")
    clarification_answer(
        actor=commissioner, clarification=q, question="?", answer="Yes.", publish=True
    )
    with pytest.raises(ServiceError) as err:
        clarification_decline(actor=commissioner, clarification=q, reason="No.")
    assert err.value.code == "already_published"
