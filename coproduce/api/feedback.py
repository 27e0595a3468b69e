"""REST endpoints for feedback on a service (capability C5: deliver and review).

* ``POST /api/feedback/{reference}``: give feedback on a running service; anyone, no
  account needed, limited per address, once-only with an ``Idempotency-Key``;
* ``GET /api/feedback/{reference}/summary``: the public summary;
* ``GET /api/feedback/{reference}/responses``: every response, for council staff (as
  written) and the provider (anonymised). 404 for anyone else.
"""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Router, Schema, Status
from ninja.security import django_auth

from coproduce.deliver.feedback import selectors as sel
from coproduce.deliver.feedback import services as svc
from coproduce.deliver.feedback.ratelimit import over_rate

from .schemas import ErrorOut, IdempotencyKey

router = Router(tags=["feedback"])


class FeedbackIn(Schema):
    #: very_good, good, neither, poor, very_poor or dont_know
    rating: str
    what_good: str = ""
    what_better: str = ""
    #: "", "myself" or "someone_else"
    uses_service: str = ""
    easy_read: bool = False
    #: the form's one-time key, as an alternative to the ``Idempotency-Key`` header
    submission_key: str = ""


class FeedbackReceivedOut(Schema):
    contract: str
    received_on: dt.date
    message: str


class CountOut(Schema):
    answer: str
    label: str
    count: int


class ScoreOut(Schema):
    responses: int
    positive: int
    #: very good + good as a share of all answers, "don't know" included; null with none
    percent: int | None
    counts: list[CountOut]


class ThemeCountOut(Schema):
    name: str
    answers: int


class VisitSummaryOut(Schema):
    number: int
    visited_month: str
    overall: str
    provider_replied: bool
    what_changed: list[str]


class SummaryOut(Schema):
    contract: str
    title: str
    provider: str
    taking_feedback: bool
    #: false below ``minimum_responses``: then the score and counts are left out
    score_shown: bool
    minimum_responses: int
    score: ScoreOut | None
    top_themes: list[ThemeCountOut]
    visits_planned: int
    visits_done: list[VisitSummaryOut]


class AnswerOut(Schema):
    part: str
    text: str
    themes: list[str]


class ResponseOut(Schema):
    received_on: dt.date
    rating: str
    uses_service: str
    answers: list[AnswerOut]
    #: council staff only (null for the provider)
    number: int | None
    easy_read: bool | None


@router.post(
    "/feedback/{reference}",
    response={201: FeedbackReceivedOut, 400: ErrorOut, 404: ErrorOut, 429: ErrorOut},
    summary="Give feedback on a service (no account needed)",
)
def give_feedback(
    request: HttpRequest,
    reference: str,
    payload: FeedbackIn,
    idempotency_key: IdempotencyKey = "",
):
    """Feedback on a running service, anonymous: nothing that says who sent it is kept.

    400 ``rating_required`` or ``invalid_rating`` (the six answers are listed in the
    schema), ``too_long`` (2,000 characters per written answer), ``invalid_choice``,
    ``contract_not_live`` (not started or ended); 404 for an unknown contract; 429 when
    too many have come from this address. Send an ``Idempotency-Key`` header (or the
    form's ``submission_key``) so that a retry never records the feedback twice.
    """
    contract = sel.access_public_contract(reference)
    if over_rate(request):
        return Status(
            429,
            {
                "code": "rate_limited",
                "message": "Too much feedback from this connection. Try again in an hour.",
                "field": None,
            },
        )
    response = svc.feedback_give(
        actor=request.user,
        contract=contract,
        data=svc.FeedbackData(
            rating=payload.rating,
            what_good=payload.what_good,
            what_better=payload.what_better,
            uses_service=payload.uses_service,
            easy_read=payload.easy_read,
        ),
        submission_key=idempotency_key or payload.submission_key,
    )
    return Status(
        201,
        {
            "contract": contract.reference,
            "received_on": response.received_on,
            "message": "Thank you for your feedback.",
        },
    )


@router.get(
    "/feedback/{reference}/summary",
    response={200: SummaryOut, 404: ErrorOut},
    summary="What people say about a service (public)",
)
def feedback_summary(request: HttpRequest, reference: str):
    """The public summary: the Friends and Family Test score (from 5 responses), the top
    themes and the mystery shopping visits done, with no names and no answer text."""
    contract = sel.access_public_contract(reference)
    s = sel.contract_summary(contract)
    score = None
    if s.show_score:
        score = {
            "responses": s.score.responses,
            "positive": s.score.positive,
            "percent": s.score.percent,
            "counts": [
                {"answer": row["key"], "label": row["label"], "count": row["count"]}
                for row in sel.score_rows(s.score)
            ],
        }
    return {
        "contract": contract.reference,
        "title": contract.title,
        "provider": contract.provider.name,
        "taking_feedback": s.live,
        "score_shown": s.show_score,
        "minimum_responses": sel.PUBLIC_MINIMUM,
        "score": score,
        "top_themes": [{"name": t.name, "answers": t.answer_count} for t in s.themes],
        "visits_planned": s.visits_planned,
        "visits_done": [
            {
                "number": v.number,
                "visited_month": v.visited_on.strftime("%Y-%m"),
                "overall": v.overall,
                "provider_replied": v.replied,
                "what_changed": v.changes,
            }
            for v in s.visits
        ],
    }


@router.get(
    "/feedback/{reference}/responses",
    response={200: list[ResponseOut], 404: ErrorOut},
    auth=django_auth,
    summary="Every response on a service (council staff; the provider anonymised)",
)
def feedback_responses(request: HttpRequest, reference: str, rating: str = ""):
    """Council staff get every response as written, with its number. The provider gets
    the text with contact details and long numbers removed, the day only and no number.
    404 for anyone else."""
    contract = sel.access_contract_feedback(request.user, reference)
    return [
        {
            "received_on": r.received_on,
            "rating": r.rating,
            "uses_service": r.uses_service,
            "answers": [{"part": a.part, "text": a.text, "themes": a.themes} for a in r.answers],
            "number": r.number,
            "easy_read": r.easy_read,
        }
        for r in sel.response_rows(user=request.user, contract=contract, rating=rating)
    ]
