"""Letters are written after the decision commits, by an idempotent background task, and
officers can regenerate them; until then every page says they are being prepared."""

from __future__ import annotations

import pytest
from django.test import override_settings
from django.urls import reverse
from django_tasks import TaskResultStatus

from coproduce.foundation.accounts.tests.factories import UserFactory
from coproduce.foundation.core.errors import NotFound, ServiceError
from coproduce.foundation.core.models import AuditEvent
from coproduce.procure.awards import letters
from coproduce.procure.awards import services as svc
from coproduce.procure.awards.models import AssessmentLetter, AwardDecision
from coproduce.procure.awards.tasks import write_award_letters
from coproduce.procure.bids.models import BidStatus

from .helpers import build, committed, pdf_parts
from .test_services import decide

pytestmark = pytest.mark.django_db

BEING_PREPARED = "Being prepared"


def decide_uncommitted(commissioner, built):
    """Decide inside the test's transaction without committing: the letter task waits."""
    return svc.award_decide(
        actor=commissioner, tender=built.tender, lot=built.lot, reasons="Best value overall."
    )


def letter_rows(decision) -> list[tuple[int, int]]:
    return sorted(AssessmentLetter.objects.filter(decision=decision).values_list("bid_id", "pk"))


def test_the_decision_commits_first_and_the_letters_are_written_after_commit(
    commissioner, django_capture_on_commit_callbacks
):
    built = build(commissioner)
    with django_capture_on_commit_callbacks() as callbacks:
        decision = decide_uncommitted(commissioner, built)
    # Inside the decision's transaction: the decision and its audit row, no letter.
    assert AwardDecision.objects.filter(pk=decision.pk).exists()
    assert AuditEvent.objects.filter(verb="awards.award.decided").count() == 1
    assert not AssessmentLetter.objects.exists()
    assert decision.letters_pending_since is not None
    assert len(callbacks) == 1  # the letter task, enqueued on commit
    with committed():
        callbacks[0]()
    decision.refresh_from_db()
    assert AssessmentLetter.objects.filter(decision=decision).count() == 3
    assert decision.letters_pending_since is None
    letter = AssessmentLetter.objects.get(decision=decision, bid=built.bids[1])
    assert bytes(letter.pdf).startswith(b"%PDF")
    assert bytes(letter.easy_read_pdf).startswith(b"%PDF")
    assert "You did not win this contract." in letter.easy_read_html


def test_the_decision_stands_when_rendering_fails_and_a_later_run_writes_the_letters(
    client, commissioner, monkeypatch, mailoutbox
):
    built = build(commissioner)

    def broken(data):
        raise RuntimeError("font file unreadable")

    monkeypatch.setattr(letters, "render_letter", broken)
    decision = decide(commissioner, built)  # commits; the task runs and fails
    assert AwardDecision.objects.get(pk=decision.pk).letters_pending_since is not None
    assert AuditEvent.objects.filter(verb="awards.award.decided").count() == 1
    assert not AssessmentLetter.objects.exists()
    assert mailoutbox == []
    client.force_login(commissioner)
    body = client.get(reverse("awards:manage", args=[built.tender.reference])).content.decode()
    assert BEING_PREPARED in body and "Regenerate the letters" in body

    monkeypatch.undo()
    with committed():
        result = write_award_letters.enqueue(decision_id=decision.pk)
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value == 3
    assert AssessmentLetter.objects.filter(decision=decision).count() == 3
    assert AwardDecision.objects.get(pk=decision.pk).letters_pending_since is None
    assert sorted(m.to[0] for m in mailoutbox) == sorted(u.email for u in built.users)
    body = client.get(reverse("awards:manage", args=[built.tender.reference])).content.decode()
    assert BEING_PREPARED not in body and "3 letters, last written" in body


def test_a_run_that_crashed_part_way_is_completed_by_the_next_one(commissioner, monkeypatch):
    built = build(commissioner)
    real = letters.render_letter
    calls = {"n": 0}

    def crash_on_the_second(data):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("worker killed")
        return real(data)

    monkeypatch.setattr(letters, "render_letter", crash_on_the_second)
    decision = decide(commissioner, built)
    first = letter_rows(decision)
    assert len(first) == 1
    monkeypatch.undo()
    with committed():
        write_award_letters.enqueue(decision_id=decision.pk)
    rows = letter_rows(decision)
    assert len(rows) == 3
    assert first[0] in rows  # the letter written before the crash was kept, not doubled


def test_running_the_task_twice_keeps_one_letter_set_per_bidder_and_emails_once(
    commissioner, mailoutbox, django_capture_on_commit_callbacks
):
    built = build(commissioner)
    with django_capture_on_commit_callbacks(execute=True):
        decision = decide_uncommitted(commissioner, built)
    before = letter_rows(decision)
    assert len(before) == 3 and len(mailoutbox) == 3
    for _ in range(2):
        with committed():
            assert write_award_letters.enqueue(decision_id=decision.pk).return_value == 3
    assert letter_rows(decision) == before
    assert AssessmentLetter.objects.count() == 3
    assert len(mailoutbox) == 3  # no second "your letter is ready"


def test_officer_regenerates_the_letters_in_place_after_a_font_fix(
    client, commissioner, tmp_path, mailoutbox, letter_font
):
    built = build(commissioner)
    with override_settings(LETTER_FONT_DIR=str(tmp_path)):  # the font is missing
        decision = decide(commissioner, built)
    letter = AssessmentLetter.objects.get(decision=decision, bid=built.bids[1])
    assert {b for b, _ in pdf_parts(letter.pdf).fonts.values()} == {"Helvetica", "Helvetica-Bold"}
    emails = len(mailoutbox)
    url = reverse("awards:regenerate_letters", args=[decision.pk])
    client.force_login(commissioner)
    with committed():
        response = client.post(url)
    assert response.status_code == 302
    assert response["Location"] == reverse("awards:manage", args=[built.tender.reference])
    event = AuditEvent.objects.get(verb="awards.letters.regenerated")
    assert event.changes == {"letters": 3}
    again = AssessmentLetter.objects.get(decision=decision, bid=built.bids[1])
    assert again.pk == letter.pk  # same address: links in emails keep working
    fonts = {b.split("+")[-1] for b, _ in pdf_parts(again.pdf).fonts.values()}
    assert fonts == {"DejaVuSansBook", "DejaVuSansBold"}
    assert AssessmentLetter.objects.filter(decision=decision).count() == 3
    assert len(mailoutbox) == emails
    assert AwardDecision.objects.get(pk=decision.pk).letters_pending_since is None


def test_while_regenerated_letters_are_prepared_the_pages_say_so(client, commissioner):
    built = build(commissioner)
    decision = decide(commissioner, built)
    svc.award_letters_regenerate(actor=commissioner, decision=decision)  # not committed
    client.force_login(commissioner)
    body = client.get(reverse("awards:manage", args=[built.tender.reference])).content.decode()
    assert BEING_PREPARED in body
    letter = AssessmentLetter.objects.get(decision=decision, bid=built.bids[1])
    client.force_login(built.users[1])
    for name in ("awards:letter", "awards:letter_easy_read"):
        page = client.get(reverse(name, args=[letter.pk])).content.decode()
        assert "An updated version of this letter is being prepared" in page
        assert "81.07" in page  # the current version is still shown
    listing = client.get(reverse("awards:my_letters")).content.decode()
    assert "An updated version is being prepared." in listing


def test_regenerating_is_refused_to_anyone_who_may_not_decide(
    client, commissioner, finance, resident, provider
):
    built = build(commissioner)
    decision = decide(commissioner, built)
    url = reverse("awards:regenerate_letters", args=[decision.pk])
    anonymous = client.post(url)
    assert anonymous.status_code == 302 and "/sign-in/" in anonymous["Location"]
    for user in (finance, resident, provider, built.users[0], built.users[1]):
        client.force_login(user)
        assert client.post(url).status_code == 404, user.role
    client.force_login(commissioner)
    assert client.get(url).status_code == 405  # a button, never a link
    missing = reverse("awards:regenerate_letters", args=[decision.pk + 1000])
    assert client.post(missing).status_code == 404
    assert not AuditEvent.objects.filter(verb="awards.letters.regenerated").exists()
    for user in (finance, provider, None):
        with pytest.raises(NotFound):
            svc.award_letters_regenerate(actor=user, decision=decision)


def test_regenerating_is_refused_when_the_ranking_lost_the_winning_bid(commissioner):
    built = build(commissioner)
    decision = decide(commissioner, built)
    built.bids[0].status = BidStatus.WITHDRAWN
    built.bids[0].save(update_fields=["status"])
    with pytest.raises(ServiceError) as info:
        svc.award_letters_regenerate(actor=commissioner, decision=decision)
    assert info.value.code == "letters_unavailable"
    assert AwardDecision.objects.get(pk=decision.pk).letters_pending_since is None
    assert not AuditEvent.objects.filter(verb="awards.letters.regenerated").exists()


def test_award_page_and_my_letters_say_the_letters_are_being_prepared(client, commissioner):
    built = build(commissioner)
    other = build(commissioner)  # a bidder elsewhere is told nothing about this award
    decide_uncommitted(commissioner, built)
    client.force_login(commissioner)
    body = client.get(reverse("awards:manage", args=[built.tender.reference])).content.decode()
    assert BEING_PREPARED in body
    assert "Each bidder is emailed when theirs is ready." in body
    client.force_login(built.users[2])
    listing = client.get(reverse("awards:my_letters")).content.decode()
    assert BEING_PREPARED in listing and built.tender.reference in listing
    assert "You have no assessment summaries yet" not in listing
    client.force_login(other.users[0])
    listing = client.get(reverse("awards:my_letters")).content.decode()
    assert built.tender.reference not in listing and BEING_PREPARED not in listing


def test_api_lists_no_letter_before_they_are_written_and_says_they_are_prepared(
    client, commissioner
):
    built = build(commissioner)
    decide_uncommitted(commissioner, built)
    client.force_login(built.users[1])
    response = client.get("/api/letters")
    assert response.status_code == 200 and response.json() == []
    client.force_login(commissioner)
    awards = client.get(f"/api/tenders/{built.tender.reference}/awards").json()
    assert [a["letters_being_prepared"] for a in awards] == [True]
    decision = AwardDecision.objects.get()
    with committed():
        write_award_letters.enqueue(decision_id=decision.pk)
    awards = client.get(f"/api/tenders/{built.tender.reference}/awards").json()
    assert [a["letters_being_prepared"] for a in awards] == [False]
    client.force_login(built.users[1])
    assert len(client.get("/api/letters").json()) == 1


def test_a_resident_sees_no_letters_being_prepared(client, commissioner):
    built = build(commissioner)
    decide_uncommitted(commissioner, built)
    client.force_login(UserFactory(role="resident"))
    listing = client.get(reverse("awards:my_letters")).content.decode()
    assert BEING_PREPARED not in listing
