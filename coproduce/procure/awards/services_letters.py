"""Writes for assessment letters: rendering every bidder's letters, after the decision.

``award_decide`` records the decision in one short transaction and, once it commits,
enqueues ``tasks.write_award_letters``, which calls ``award_letters_write`` here. So does
``award_letters_regenerate`` (an officer asking for the letters again, for example after
a font fix). Rendering (two PDFs per bidder) never happens inside the decision's
transaction: if it fails, the decision stands and the letters stay "being prepared"
until a later run writes them.

The run is idempotent. A bidder's whole letter set (standard and easy read, HTML and
PDF) is one ``AssessmentLetter`` row, keyed on (decision, bid) by the constraint
``assessment_letter_once`` and written whole by ``update_or_create`` in its own short
transaction. Running twice, or again after a crash part-way, leaves exactly one current
set per bidder; a rewrite keeps the letter's address. The bidder is emailed once, the
first time their letter is written (``sent_at``, set in the same transaction as the
email is queued).

No audit row here: the person's act (``awards.award.decided``,
``awards.letters.regenerated``) is audited by the service that asked for the letters;
this only derives documents from it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from coproduce.foundation.core.errors import ServiceError
from coproduce.foundation.core.tasks import send_email
from coproduce.procure.bids.models import Bid
from coproduce.procure.panels.selectors import ranking
from coproduce.procure.tenders.models import Tender

from . import letters
from .models import AssessmentLetter, AwardDecision
from .selectors import letter_sources, standstill_basis


def letters_ranking(decision: AwardDecision) -> list:
    """The ranking the letters of ``decision`` are written from (the moderated scores,
    which cannot change once moderation is complete).

    Raises ServiceError("letters_unavailable") when there is no ranking any more or it no
    longer includes the winning bid (every letter shows the winner's scores)."""
    try:
        ranked = ranking(tender=decision.tender, lot=decision.lot)
    except ServiceError as exc:
        raise ServiceError(
            "letters_unavailable", f"The letters cannot be written: {exc.message}"
        ) from None
    if not any(r.bid.pk == decision.winning_bid_id for r in ranked):
        raise ServiceError(
            "letters_unavailable",
            "The letters cannot be written: the winning bid is no longer in the ranking.",
        )
    return ranked


def _email_letter_ready(letter: AssessmentLetter, tender: Tender) -> None:
    """After commit, tell the bid's submitter their letter is ready (a link, no scores)."""
    bid: Bid = letter.bid
    user = bid.submitted_by or bid.created_by
    if not (user and user.email):
        return
    url = settings.SITE_URL + reverse("awards:letter", args=[letter.pk])
    easy_url = settings.SITE_URL + reverse("awards:letter_easy_read", args=[letter.pk])
    subject = f"Your assessment summary for {tender.reference} is ready"
    body = (
        f"The council has decided the award for {tender.reference} {tender.title}.\n\n"
        f"Your assessment summary is ready. Sign in to read it:\n{url}\n\n"
        f"There is also an easy read version:\n{easy_url}\n"
    )
    to = [user.email]
    transaction.on_commit(lambda: send_email.enqueue(subject=subject, body=body, to=to))


def _store(decision: AwardDecision, bid: Bid, rendered: letters.RenderedLetter) -> AssessmentLetter:
    """Write one bidder's letter set (create or replace), emailing them the first time."""
    now = timezone.now()
    with transaction.atomic():
        letter, _created = AssessmentLetter.objects.update_or_create(
            decision=decision,
            bid=bid,
            defaults={
                "html": rendered.html,
                "pdf": rendered.pdf,
                "easy_read_html": rendered.easy_read_html,
                "easy_read_pdf": rendered.easy_read_pdf,
                "generated_at": now,
            },
        )
        if letter.sent_at is None:
            letter.sent_at = now
            letter.save(update_fields=["sent_at"])
            _email_letter_ready(letter, decision.tender)
    return letter


def award_letters_write(*, decision_id: int) -> int:
    """Write (or rewrite) the letter set of every ranked bid of one award decision.

    Called by the background task ``tasks.write_award_letters``, never inside the
    decision's transaction (see the module docstring for why it is safe to run again).
    Each letter is rendered outside any transaction and stored in its own short one.
    When all are written, ``letters_pending_since`` is cleared, unless an officer asked
    for the letters again meanwhile (then the newer run clears it). Returns the number of
    letters written (0 for a decision that no longer exists). Raises
    ServiceError("letters_unavailable") as ``letters_ranking`` does; the letters then stay
    "being prepared" and the officer is told to regenerate them.
    """
    decision = (
        AwardDecision.objects.select_related("tender", "lot", "winning_bid")
        .filter(pk=decision_id)
        .first()
    )
    if decision is None:
        return 0
    asked_at = decision.letters_pending_since
    ranked = letters_ranking(decision)
    complaint_url, max_scale = letter_sources(decision.tender)
    kind = standstill_basis(decision).kind
    decided_on = timezone.localdate(decision.decided_at)
    for entry in ranked:
        data = letters.letter_data(
            decision=decision,
            ranking=ranked,
            ranked=entry,
            max_scale=max_scale,
            complaint_url=complaint_url,
            decided_on=decided_on,
            standstill_kind=kind,
        )
        _store(decision, entry.bid, letters.render_letter(data))
    AwardDecision.objects.filter(pk=decision.pk, letters_pending_since=asked_at).update(
        letters_pending_since=None
    )
    return len(ranked)
