"""Pages for questions and answers, changes to a tender, following, and process feedback.

Views parse input, call a selector or service and render. Forbidden and missing tenders
are both 404 (``not_found_as_404``); permission booleans are passed to the templates.
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods

from coproduce.foundation.core import ratelimit
from coproduce.foundation.core.errors import NotFound, ServiceError
from coproduce.foundation.core.forms import apply_service_error
from coproduce.foundation.core.http import form_page, not_found_as_404, render_form
from coproduce.foundation.core.idempotency import posted_key
from coproduce.foundation.core.templatetags.govuk import uk_datetime

from .forms_clarifications import (
    WHOLE_TENDER,
    AmendForm,
    AnswerForm,
    DeclineForm,
    FeedbackForm,
    FollowForm,
)
from .forms_clarifications import AskForm as AskQuestionForm
from .models import ClarificationStatus, Tender, TenderStatus
from .selectors_clarifications import (
    access_clarification_for_answer,
    access_organisation_for_member,
    access_tender,
    access_tender_for_feedback_summary,
    access_tender_for_officer,
    clarification_counts,
    clarifications_for_officers,
    clarifications_of_user_organisations,
    feedback_summary,
    followed_organisation_ids,
    published_clarifications,
    question_refusal,
    tender_amendments,
    tender_lots,
    user_organisations,
)
from .services_clarifications import (
    amendment_minimum_deadline,
    clarification_answer,
    clarification_ask,
    clarification_decline,
    process_feedback_submit,
    tender_amend,
    tender_follow,
    tender_unfollow,
)

FEEDBACK_RATE = (10, 3600)  # submissions per address per hour


def _ask_refusal(tender: Tender) -> str:
    """Why questions cannot be asked now (empty when they can)."""
    problem = question_refusal(tender, timezone.now())
    if isinstance(problem, NotFound):
        return "Questions are taken once the tender is published."
    return problem.message if problem else ""


@require_GET
@not_found_as_404
def questions(request: HttpRequest, reference: str) -> HttpResponse:
    """Public list of published questions and answers (askers shown by pseudonym only)."""
    tender = access_tender(request.user, reference)
    lots = list(tender_lots(tender))
    lot = None
    wanted = request.GET.get("lot", "")
    if wanted:
        lot = next((x for x in lots if str(x.number) == wanted), None)
    items = list(published_clarifications(tender, lot=lot))
    own = []
    if request.user.is_authenticated:
        own = [
            c
            for c in clarifications_of_user_organisations(request.user, tender)
            if c.status != ClarificationStatus.PUBLISHED
        ]
    return render(
        request,
        "tenders/questions.html",
        {
            "tender": tender,
            "lots": lots,
            "lot": lot,
            "items": items,
            "own": own,
            "refusal": _ask_refusal(tender),
            "can_manage": request.user.has_perm("tenders.answer_clarification"),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
@not_found_as_404
def ask(request: HttpRequest, reference: str) -> HttpResponse:
    """Ask a question as one of the user's organisations (refused with the rule when closed)."""
    tender = access_tender(request.user, reference)
    if tender.published_at is None:
        raise NotFound()
    organisations = list(user_organisations(request.user))
    lots = list(tender_lots(tender))
    refusal = _ask_refusal(tender)
    if not organisations or (refusal and request.method == "GET"):
        return render(
            request,
            "tenders/question_ask_refused.html",
            {"tender": tender, "refusal": refusal, "no_organisation": not organisations},
            status=200 if request.method == "GET" else 400,
        )
    form = AskQuestionForm(request.POST or None, organisations=organisations, lots=lots)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        organisation = next(o for o in organisations if o.slug == d["organisation"])
        lot_number = d.get("lot") or WHOLE_TENDER
        lot = next((x for x in lots if str(x.number) == lot_number), None)
        try:
            clarification = clarification_ask(
                actor=request.user,
                tender=tender,
                organisation=organisation,
                question=d["question"],
                lot=lot,
                submission_key=posted_key(request),
            )
        except NotFound:
            raise
        except ServiceError as exc:
            apply_service_error(form, exc)
        else:
            return redirect("tenders:question_asked", tender.reference, clarification.number)
    return render_form(
        request,
        "tenders/question_ask.html",
        {
            "tender": tender,
            "form": form,
            "choose_organisation": len(organisations) > 1,
            "has_lots": bool(lots),
        },
    )


@login_required
@require_GET
@not_found_as_404
def question_asked(request: HttpRequest, reference: str, number: int) -> HttpResponse:
    """Confirmation for the asker (members of the asking organisation only)."""
    tender = access_tender(request.user, reference)
    clarification = (
        clarifications_of_user_organisations(request.user, tender).filter(number=number).first()
    )
    if clarification is None:
        raise NotFound()
    return render(
        request,
        "tenders/question_asked.html",
        {"tender": tender, "clarification": clarification},
    )


@login_required
@require_GET
@not_found_as_404
def questions_manage(request: HttpRequest, reference: str) -> HttpResponse:
    """Officers: every question with the real asker, and its state."""
    tender = access_tender_for_officer(request.user, reference)
    return render(
        request,
        "tenders/question_manage.html",
        {
            "tender": tender,
            "items": list(clarifications_for_officers(tender)),
            "counts": clarification_counts(tender),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
@not_found_as_404
def answer(request: HttpRequest, reference: str, number: int) -> HttpResponse:
    """Officers: reword, answer and publish, save a draft answer, or decline with a reason."""
    tender = access_tender_for_officer(request.user, reference)
    clarification = access_clarification_for_answer(request.user, tender, number)
    action = request.POST.get("action", "publish")
    answer_form = AnswerForm(
        request.POST if request.method == "POST" and action != "decline" else None,
        initial={
            "question": clarification.question,
            "answer": clarification.answer,
        },
    )
    decline_form = DeclineForm(
        request.POST if request.method == "POST" and action == "decline" else None,
        initial={"reason": clarification.decline_reason},
        prefix="decline",
    )
    form = decline_form if action == "decline" else answer_form
    if request.method == "POST" and form.is_valid():
        try:
            if action == "decline":
                clarification_decline(
                    actor=request.user,
                    clarification=clarification,
                    reason=decline_form.cleaned_data["reason"],
                )
                messages.success(
                    request,
                    f"Question {number} will not be published. The organisation that asked "
                    "has been told why.",
                )
            else:
                done = clarification_answer(
                    actor=request.user,
                    clarification=clarification,
                    question=answer_form.cleaned_data["question"],
                    answer=answer_form.cleaned_data["answer"],
                    publish=action == "publish",
                )
                if done.status == ClarificationStatus.PUBLISHED:
                    messages.success(
                        request,
                        f"Question {number} and its answer are published. Everyone following "
                        "this tender will be emailed.",
                    )
                else:
                    messages.success(request, f"Your answer to question {number} is saved.")
        except ServiceError as exc:
            if isinstance(exc, NotFound):
                raise
            apply_service_error(form, exc)
        else:
            return redirect("tenders:questions_manage", tender.reference)
    return render(
        request,
        "tenders/question_answer.html",
        {
            "tender": tender,
            "clarification": clarification,
            "form": form,
            "answer_form": answer_form,
            "decline_form": decline_form,
            "can_decline": clarification.status != ClarificationStatus.PUBLISHED,
            "is_published": clarification.status == ClarificationStatus.PUBLISHED,
        },
        status=400 if request.method == "POST" and form.errors else 200,
    )


def _safe_next(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


@login_required
@require_http_methods(["GET", "POST"])
@not_found_as_404
def follow(request: HttpRequest, reference: str) -> HttpResponse:
    """Follow or stop following a published tender as one of the user's organisations."""
    tender = access_tender(request.user, reference)
    if tender.published_at is None:
        raise NotFound()
    organisations = list(user_organisations(request.user))
    following = followed_organisation_ids(request.user, tender)
    form = FollowForm(request.POST or None, organisations=organisations)
    if request.method == "POST" and organisations and form.is_valid():
        organisation = access_organisation_for_member(
            request.user, form.cleaned_data["organisation"]
        )
        if form.cleaned_data["action"] == "unfollow":
            tender_unfollow(actor=request.user, tender=tender, organisation=organisation)
            messages.success(request, f"{organisation.name} no longer follows this tender.")
        else:
            tender_follow(actor=request.user, tender=tender, organisation=organisation)
            messages.success(
                request,
                f"{organisation.name} now follows this tender. Its members will be emailed "
                "about every answer and change.",
            )
        return redirect(_safe_next(request, reverse("tenders:follow", args=[tender.reference])))
    return render(
        request,
        "tenders/follow.html",
        {
            "tender": tender,
            "form": form,
            "rows": [(o, o.pk in following) for o in organisations],
            "no_organisation": not organisations,
        },
        status=400 if request.method == "POST" else 200,
    )


def _deadline_from(form: AmendForm, tender: Tender) -> dt.datetime | None:
    day = form.cleaned_data.get("new_deadline_date")
    if not day:
        return None
    time = form.cleaned_data.get("new_deadline_time")
    if time is None:
        time = timezone.localtime(tender.deadline).time().replace(tzinfo=None)
    return timezone.make_aware(dt.datetime.combine(day, time))


def _amended_message(amendment) -> str:
    text = f"Change {amendment.number} is recorded and everyone following is being told."
    if amendment.changes.get("deadline_moved_to_minimum"):
        text += (
            " The closing date moved to the earliest date the rules allow after a "
            "change: " + uk_datetime(amendment.new_deadline) + "."
        )
    return text


@login_required
@require_http_methods(["GET", "POST"])
@not_found_as_404
def amend(request: HttpRequest, reference: str) -> HttpResponse:
    """Officers: record a change to a published tender; the closing date may move later."""
    tender = access_tender_for_officer(request.user, reference)

    def context() -> dict:
        is_open = tender.status == TenderStatus.OPEN and tender.published_at is not None
        minimum = None
        if is_open:
            try:
                minimum = amendment_minimum_deadline(tender, timezone.localdate())
            except ServiceError:
                minimum = None
        return {"tender": tender, "is_open": is_open, "minimum": minimum}

    return form_page(
        request,
        AmendForm(request.POST or None),
        "tenders/amend.html",
        context,
        save=lambda form: tender_amend(
            actor=request.user,
            tender=tender,
            summary=form.cleaned_data["summary"],
            reason=form.cleaned_data["reason"],
            changes={},
            new_deadline=_deadline_from(form, tender),
        ),
        success=_amended_message,
        redirect_to=("tenders:amendments", tender.reference),
        raise_not_found=True,
    )


@require_GET
@not_found_as_404
def amendments(request: HttpRequest, reference: str) -> HttpResponse:
    """Public list of every change to the tender with its reason and closing dates."""
    tender = access_tender(request.user, reference)
    return render(
        request,
        "tenders/amendments.html",
        {
            "tender": tender,
            "items": list(tender_amendments(tender)),
            "can_amend": request.user.has_perm("tenders.amend_tender"),
        },
    )


@require_http_methods(["GET", "POST"])
@not_found_as_404
def feedback(request: HttpRequest, reference: str) -> HttpResponse:
    """Anyone: tell the council how the tender process went (rate limited per address)."""
    tender = access_tender(request.user, reference)
    if tender.published_at is None:
        raise NotFound()
    form = FeedbackForm(request.POST or None)
    if request.method == "POST":
        limit, period = FEEDBACK_RATE
        if not ratelimit.hit(request, scope="tender-feedback", limit=limit, period=period):
            return render(
                request,
                "tenders/feedback_limited.html",
                {"tender": tender},
                status=429,
            )
        if form.is_valid():
            d = form.cleaned_data
            try:
                process_feedback_submit(
                    actor=request.user,
                    tender=tender,
                    rating=d["rating"],
                    clarity=d["clarity"],
                    time_enough=d["time_enough"],
                    comments=d["comments"],
                    contact_email=d["contact_email"],
                    submission_key=posted_key(request),
                )
            except ServiceError as exc:
                if isinstance(exc, NotFound):
                    raise
                apply_service_error(form, exc)
            else:
                return redirect("tenders:feedback_thanks", tender.reference)
    return render_form(
        request,
        "tenders/feedback.html",
        {
            "tender": tender,
            "form": form,
            "can_see_summary": request.user.has_perm("tenders.view_process_feedback"),
        },
    )


@require_GET
@not_found_as_404
def feedback_thanks(request: HttpRequest, reference: str) -> HttpResponse:
    tender = access_tender(request.user, reference)
    return render(request, "tenders/feedback_thanks.html", {"tender": tender})


@login_required
@require_GET
@not_found_as_404
def feedback_summary_view(request: HttpRequest, reference: str) -> HttpResponse:
    """Council staff: averages and comments from the process feedback on one tender."""
    tender = access_tender_for_feedback_summary(request.user, reference)
    return render(
        request,
        "tenders/feedback_summary.html",
        {"tender": tender, "summary": feedback_summary(tender)},
    )
