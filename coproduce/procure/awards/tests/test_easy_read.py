"""The easy read assessment letter: result first, short lines, large text, same readers."""

from __future__ import annotations

import pytest
from django.urls import reverse

from coproduce.foundation.accounts.tests.factories import UserFactory
from coproduce.procure.awards import services as svc
from coproduce.procure.awards.models import AssessmentLetter

from .helpers import add_member, build, org, pdf_parts
from .test_services import at, decide

pytestmark = pytest.mark.django_db


def urls(letter):
    return (
        reverse("awards:letter_easy_read", args=[letter.pk]),
        reverse("awards:letter_easy_read_pdf", args=[letter.pk]),
    )


def decided(commissioner, monkeypatch):
    built = build(commissioner)
    at(monkeypatch, 2026, 11, 25)  # Wednesday: 8 working days end on Friday 4 December
    decision = decide(commissioner, built)
    return built, decision


def test_losing_bidder_reads_the_result_first_then_scores_and_the_complaint_date(
    client, commissioner, monkeypatch
):
    built, decision = decided(commissioner, monkeypatch)
    letter = AssessmentLetter.objects.get(decision=decision, bid=built.bids[1])
    page, pdf = urls(letter)
    client.force_login(built.users[1])
    body = client.get(page).content.decode()
    order = [
        "You did not win this contract.",
        "Your score: 81.07 out of 100.",
        "The winning bid scored 95 out of 100.",
        "Your bid came 2nd out of 3.",
        "How you involve people",
        "You got 3 out of 4.",
        "The winning bid got 4 out of 4.",
        "You can complain until Friday 4 December 2026.",
        f"/complaints/new/{built.tender.reference}/",
        "Email us at commissioning@riverside.example.",
        f"Tell us this number: {built.tender.reference}.",
    ]
    positions = [body.index(text) for text in order]
    assert positions == sorted(positions)
    assert "You won this contract." not in body
    assert "govuk-body-l" in body
    assert reverse("awards:letter", args=[letter.pk]) in body  # back to the longer letter
    assert pdf in body


def test_winning_bidder_reads_that_they_won_without_a_comparison(client, commissioner, monkeypatch):
    built, decision = decided(commissioner, monkeypatch)
    letter = AssessmentLetter.objects.get(decision=decision, bid=built.bids[0])
    client.force_login(built.users[0])
    body = client.get(urls(letter)[0]).content.decode()
    assert "You won this contract." in body
    assert "You did not win" not in body
    assert "The winning bid got" not in body
    assert "Your score: 95 out of 100." in body


def test_easy_read_pdf_has_large_text_the_result_first_and_names_intact(
    client, commissioner, monkeypatch
):
    built, decision = decided(commissioner, monkeypatch)
    letter = AssessmentLetter.objects.get(decision=decision, bid=built.bids[2])
    client.force_login(built.users[2])
    response = client.get(urls(letter)[1])
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "private, no-store"
    parts = pdf_parts(response.content)
    assert parts.sizes and min(parts.sizes) >= 14
    text = parts.text
    assert text.index("You did not win this contract.") < text.index("Your score: 62.27")
    assert "You can complain until Friday 4 December 2026." in text
    assert "Tell us this number" in text


def test_easy_read_is_for_the_bidders_organisations_and_staff_only(
    client, commissioner, finance, resident, provider, monkeypatch
):
    built = build(commissioner)
    member_user = UserFactory(role="provider")
    add_member(built.bids[1], org(admin=member_user), "40")
    decision = decide(commissioner, built)
    letter = AssessmentLetter.objects.get(decision=decision, bid=built.bids[1])
    for url in urls(letter):
        client.logout()
        assert client.get(url).status_code == 302  # sign in first
        for denied in (built.users[0], built.users[2], resident, provider):
            client.force_login(denied)
            assert client.get(url).status_code == 404, (url, denied)
        for allowed in (built.users[1], member_user, finance, commissioner):
            client.force_login(allowed)
            assert client.get(url).status_code == 200, (url, allowed)
    client.force_login(built.users[1])
    missing = reverse("awards:letter_easy_read", args=[letter.pk + 1000])
    assert client.get(missing).status_code == 404


def test_letter_page_my_letters_and_the_email_link_to_the_easy_read_version(
    client, commissioner, mailoutbox, django_capture_on_commit_callbacks
):
    built = build(commissioner)
    with django_capture_on_commit_callbacks(execute=True):
        decision = svc.award_decide(
            actor=commissioner, tender=built.tender, lot=None, reasons="Best value overall."
        )
    letter = AssessmentLetter.objects.get(decision=decision, bid=built.bids[1])
    easy = reverse("awards:letter_easy_read", args=[letter.pk])
    client.force_login(built.users[1])
    assert easy in client.get(reverse("awards:letter", args=[letter.pk])).content.decode()
    assert easy in client.get(reverse("awards:my_letters")).content.decode()
    mail = next(m for m in mailoutbox if m.to == [built.users[1].email])
    assert easy in mail.body


def test_a_withdrawn_decision_says_so_in_the_easy_read_letter(client, commissioner):
    built = build(commissioner)
    decision = decide(commissioner, built)
    svc.award_withdraw(actor=commissioner, decision=decision, reason="A scoring error.")
    letter = AssessmentLetter.objects.get(decision=decision, bid=built.bids[1])
    client.force_login(built.users[1])
    body = client.get(urls(letter)[0]).content.decode()
    assert "We have taken this decision back." in body
    assert "A scoring error." in body
