"""Consultation pages: the builder for officers and the questionnaire for residents.

Views parse input, call a selector or service, and render. Where a person is in the
questionnaire is kept in their session under ``engagement`` → consultation reference:
the submission key (also carried in every form), easy-read mode, the resume token last
shown to them, their equality answers until they send, and the reference once sent.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from coproduce.foundation.commissioning.models import CommissioningProject
from coproduce.foundation.core import ratelimit
from coproduce.foundation.core.errors import ServiceError
from coproduce.foundation.core.http import form_page, post_action, render_form
from coproduce.foundation.core.http import not_found_as_404 as _404
from coproduce.foundation.core.idempotency import posted_key

from . import equality
from .forms import (
    EASY_RATING_LABELS,
    RATING_LABELS,
    ConsultationFilterForm,
    ConsultationForm,
    EqualityForm,
    Forged,
    QuestionForm,
    ResumeEmailForm,
    SectionForm,
    parse_answers,
)
from .models import Consultation, Question, QuestionKind, ResponseStatus
from .selectors import (
    access_consultation_by_reference,
    access_public_consultation,
    consultation_pages,
    consultation_public_list,
    consultation_staff_list,
    draft_for_user,
    response_answers,
    response_for_key,
    submitted_count,
)
from .services import (
    ConsultationData,
    EqualityAnswers,
    QuestionData,
    consultation_close,
    consultation_create,
    consultation_publish,
    consultation_update,
    new_submission_key,
    question_add,
    question_remove,
    question_update,
    response_by_resume_token,
    response_issue_resume_token,
    response_save_answers,
    response_send_resume_email,
    response_submit,
    section_remove,
    section_save,
    when_label,
)

PAGE_SIZE = 20
SESSION_KEY = "engagement"
HONEYPOT = "website"
FORGED_MESSAGE = (
    "This page was sent with a question or answer that is not part of this consultation, "
    "so nothing was saved. Check your answers on this page and try again."
)


# --- Public: finding and reading ------------------------------------------------------


@require_GET
def public_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(consultation_public_list(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "engagement/public_list.html", {"page": page, "query": ""})


@require_GET
@_404
def intro(request: HttpRequest, reference: str) -> HttpResponse:
    consultation = access_public_consultation(reference=reference)
    return _intro(request, consultation, easy_read=False)


@require_GET
@_404
def easy_intro(request: HttpRequest, reference: str) -> HttpResponse:
    consultation = access_public_consultation(reference=reference)
    return _intro(request, consultation, easy_read=True)


def _intro(request, consultation, *, easy_read: bool, preview: bool = False) -> HttpResponse:
    state = _state(request, consultation, create=False) if not preview else {}
    return render(
        request,
        "engagement/intro.html",
        {
            "consultation": consultation,
            "easy_read": easy_read,
            "preview": preview,
            "phase": consultation.phase(),
            "opens_label": when_label(consultation.opens_at),
            "closes_label": when_label(consultation.closed_on),
            "has_draft": bool(state and state.get("key") and not state.get("sent")),
            "sent_reference": (state or {}).get("sent"),
        },
    )


# --- Session state ---------------------------------------------------------------------


def _state(request: HttpRequest, consultation: Consultation, *, create: bool = True) -> dict:
    store = request.session.get(SESSION_KEY, {})
    state = store.get(consultation.reference)
    if state is None and create:
        state = {
            "key": new_submission_key(),
            "easy": False,
            "token": "",
            "equality": {},
            "sent": "",
        }
        store[consultation.reference] = state
        request.session[SESSION_KEY] = store
    return state or {}


def _save_state(request: HttpRequest, consultation: Consultation, state: dict) -> None:
    store = request.session.get(SESSION_KEY, {})
    store[consultation.reference] = state
    request.session[SESSION_KEY] = store


def _easy(request: HttpRequest, consultation: Consultation, state: dict) -> bool:
    """Easy-read mode: switched by ?easy_read=1 or 0 on any page, remembered after."""
    flag = request.GET.get("easy_read")
    if flag in {"0", "1"} and state.get("easy") != (flag == "1"):
        state["easy"] = flag == "1"
        _save_state(request, consultation, state)
    return bool(state.get("easy"))


def _rate_limited(request: HttpRequest, consultation: Consultation, bucket: str) -> bool:
    """Count one anonymous save or submission from this address; True when over the limit.

    A fixed one-hour window (core.ratelimit). Signed-in people are not limited.
    """
    if request.user.is_authenticated:
        return False
    if bucket == "submit":
        limit = getattr(settings, "ENGAGEMENT_ANON_RATE", 20)
    else:
        limit = getattr(settings, "ENGAGEMENT_ANON_SAVE_RATE", 60)
    scope = f"engagement:{bucket}:{consultation.pk}"
    return not ratelimit.hit(request, scope=scope, limit=limit, period=3600)


def _too_many(request, consultation) -> HttpResponse:
    return render(
        request, "engagement/rate_limited.html", {"consultation": consultation}, status=429
    )


def _closed(request, consultation, state=None, *, status=200, message="") -> HttpResponse:
    return render(
        request,
        "engagement/closed.html",
        {
            "consultation": consultation,
            "phase": consultation.phase(),
            "closes_label": when_label(consultation.closed_on),
            "opens_label": when_label(consultation.opens_at),
            "has_draft": bool(state and state.get("key") and not state.get("sent")),
            "message": message,
        },
        status=status,
    )


def _closed_now(request, consultation, state) -> HttpResponse | None:
    """The closed page if the consultation is not open now (400 after a POST), else None."""
    if consultation.is_open():
        return None
    return _closed(request, consultation, state, status=400 if request.method == "POST" else 200)


def _cannot_answer(request, consultation, state) -> HttpResponse | None:
    """Where to send someone who cannot answer now (no draft, already sent, closed), or None."""
    if not state.get("key"):
        return redirect("engagement:start", consultation.reference)
    if state.get("sent"):
        return redirect("engagement:sent", consultation.reference)
    return _closed_now(request, consultation, state)


def _bad_request(request, consultation, message: str) -> HttpResponse:
    return render(
        request,
        "engagement/bad_request.html",
        {"consultation": consultation, "message": message},
        status=400,
    )


# --- Answering -------------------------------------------------------------------------


@require_GET
@_404
def start(request: HttpRequest, reference: str) -> HttpResponse:
    """Begin (or carry on) answering. A signed-in person's unsent draft is picked up."""
    consultation = access_public_consultation(reference=reference)
    if not consultation.is_open():
        return _closed(request, consultation, _state(request, consultation, create=False))
    state = _state(request, consultation, create=False)
    if state.get("sent"):
        state = {}
        request.session.get(SESSION_KEY, {}).pop(consultation.reference, None)
        request.session.modified = True
    state = _state(request, consultation)
    draft = draft_for_user(consultation=consultation, user=request.user)
    if draft is not None and draft.submission_key != state["key"]:
        existing = response_for_key(consultation=consultation, submission_key=state["key"])
        if existing is None:
            state["key"] = draft.submission_key
            _save_state(request, consultation, state)
    _easy(request, consultation, state)
    return redirect("engagement:page", consultation.reference, 1)


def _question_items(page, values, errors, *, easy_read: bool) -> list[dict]:
    items = []
    labels = EASY_RATING_LABELS if easy_read else RATING_LABELS
    for q in page.questions:
        value = values.get(q.pk)
        options = list(q.options.all())
        chosen = set(value.option_ids) if value else set()
        ranks = value.ranks if value else {}
        items.append(
            {
                "q": q,
                "name": f"q{q.pk}",
                "label": (q.easy_read_text or q.text) if easy_read else q.text,
                "hint": "" if easy_read and q.easy_read_text else q.hint,
                "image": q.easy_read_image if easy_read and q.easy_read_image else None,
                "error": errors.get(q.pk, ""),
                "text": value.text if value else "",
                "rating": value.rating if value else None,
                "ratings": [(n, labels[n]) for n in range(1, 6)],
                "options": [
                    {
                        "id": o.pk,
                        "label": (o.easy_read_label or o.label) if easy_read else o.label,
                        "checked": o.pk in chosen,
                        "rank": ranks.get(o.pk),
                    }
                    for o in options
                ],
                "positions": list(range(1, len(options) + 1)),
            }
        )
    return items


def _page_context(request, consultation, pages, page, items, *, easy_read, preview=False, key=""):
    n = page.number
    last = n == len(pages)
    after = "equality" if consultation.equality_monitoring else "check"
    return {
        "consultation": consultation,
        "pages": pages,
        "page": page,
        "items": items,
        "easy_read": easy_read,
        "preview": preview,
        "submission_key": key,
        "is_last": last,
        "after": after,
        "errors": [(f"q{i['q'].pk}", i["error"]) for i in items if i["error"]],
        "closes_label": when_label(consultation.closed_on),
        "kinds": QuestionKind,
    }


@require_http_methods(["GET", "POST"])
@_404
def page(request: HttpRequest, reference: str, number: int) -> HttpResponse:
    consultation = access_public_consultation(reference=reference)
    pages = consultation_pages(consultation=consultation)
    if not 1 <= number <= len(pages):
        raise Http404
    current = pages[number - 1]
    state = _state(request, consultation, create=False)
    posted_key = request.POST.get("submission_key", "") if request.method == "POST" else ""
    if request.method == "POST" and posted_key and posted_key != state.get("key"):
        # The session was lost (or expired) but the form still carries its key: carry on.
        state = _state(request, consultation)
        state.update(key=posted_key[:64], sent="")
        _save_state(request, consultation, state)
    stop = _cannot_answer(request, consultation, state)
    if stop is not None:
        return stop
    easy_read = _easy(request, consultation, state)
    response = response_for_key(consultation=consultation, submission_key=state["key"])
    values = response_answers(response=response)
    errors: dict[int, str] = {}
    top_error = ""
    status = 200
    if request.method == "POST":
        if request.POST.get(HONEYPOT):
            return _bad_request(
                request, consultation, "We could not accept this page. Please try again."
            )
        action = request.POST.get("action", "continue")
        if action not in {"continue", "back", "save"}:
            action = "continue"
        try:
            parsed, errors = parse_answers(
                current.questions, request.POST, check_required=action == "continue"
            )
        except Forged:
            parsed, top_error, status = None, FORGED_MESSAGE, 400
        if parsed is not None and errors:
            values = {**values, **parsed}
            status = 400
        elif parsed is not None:
            creating = response is None
            if (creating or action == "save") and _rate_limited(request, consultation, "save"):
                return _too_many(request, consultation)
            try:
                response = response_save_answers(
                    consultation=consultation,
                    submission_key=state["key"],
                    answers=parsed,
                    respondent=request.user,
                    easy_read=easy_read,
                )
            except ServiceError as exc:
                if exc.code in {"closed", "not_open"}:
                    return _closed(request, consultation, state, status=400, message=exc.message)
                if exc.code == "already_sent":
                    return redirect("engagement:sent", consultation.reference)
                values = {**values, **parsed}
                top_error, status = exc.message, 400
            else:
                if action == "save":
                    return redirect("engagement:saved", consultation.reference)
                if action == "back":
                    if number > 1:
                        return redirect("engagement:page", consultation.reference, number - 1)
                    return redirect("engagement:intro", consultation.reference)
                if number < len(pages):
                    return redirect("engagement:page", consultation.reference, number + 1)
                if consultation.equality_monitoring:
                    return redirect("engagement:equality", consultation.reference)
                return redirect("engagement:check", consultation.reference)
    items = _question_items(current, values, errors, easy_read=easy_read)
    context = _page_context(
        request, consultation, pages, current, items, easy_read=easy_read, key=state["key"]
    )
    context["top_error"] = top_error
    context["welcome_back"] = request.GET.get("resumed") == "1"
    return render(request, "engagement/page.html", context, status=status)


@require_http_methods(["GET", "POST"])
@_404
def equality_page(request: HttpRequest, reference: str) -> HttpResponse:
    """The optional equality monitoring questions. Kept in the session until sent."""
    consultation = access_public_consultation(reference=reference)
    if not consultation.equality_monitoring:
        raise Http404
    state = _state(request, consultation, create=False)
    stop = _cannot_answer(request, consultation, state)
    if stop is not None:
        return stop
    easy_read = _easy(request, consultation, state)
    form = EqualityForm(
        request.POST if request.method == "POST" else None,
        initial=state.get("equality") or {},
        easy_read=easy_read,
    )
    if request.method == "POST":
        if request.POST.get(HONEYPOT):
            return _bad_request(
                request, consultation, "We could not accept this page. Please try again."
            )
        if form.is_valid():
            state["equality"] = {k: v for k, v in form.cleaned_data.items() if v}
            _save_state(request, consultation, state)
            if request.POST.get("action") == "back":
                pages = consultation_pages(consultation=consultation)
                return redirect("engagement:page", consultation.reference, len(pages))
            return redirect("engagement:check", consultation.reference)
    pages = consultation_pages(consultation=consultation)
    return render_form(
        request,
        "engagement/equality.html",
        {
            "consultation": consultation,
            "form": form,
            "easy_read": easy_read,
            "preview": False,
            "last_page": len(pages),
            "submission_key": state["key"],
        },
    )


def _check_rows(pages, values, *, easy_read: bool) -> list[dict]:
    groups = []
    labels = EASY_RATING_LABELS if easy_read else RATING_LABELS
    for p in pages:
        rows = []
        for q in p.questions:
            value = values.get(q.pk)
            options = {
                o.pk: ((o.easy_read_label or o.label) if easy_read else o.label)
                for o in q.options.all()
            }
            answer: list[str] = []
            if value and not value.is_empty():
                if q.kind == QuestionKind.TEXT:
                    answer = [value.text]
                elif q.kind == QuestionKind.RATING:
                    answer = [f"{value.rating} – {labels[value.rating]}"]
                elif q.kind == QuestionKind.RANKING:
                    answer = [
                        f"{rank}. {options[o]}"
                        for o, rank in sorted(value.ranks.items(), key=lambda x: x[1])
                    ]
                else:
                    answer = [options[o] for o in value.option_ids if o in options]
            rows.append(
                {
                    "q": q,
                    "label": (q.easy_read_text or q.text) if easy_read else q.text,
                    "answer": answer,
                    "missing": q.required and not answer,
                }
            )
        groups.append({"page": p, "rows": rows})
    return groups


def _equality_rows(answers: dict) -> list[tuple[str, str]]:
    rows = []
    for c in equality.CHARACTERISTICS:
        chosen = answers.get(c.key, "")
        rows.append((c.label, dict(c.options).get(chosen, "Not answered")))
    return rows


@require_http_methods(["GET", "POST"])
@_404
def check(request: HttpRequest, reference: str) -> HttpResponse:
    """Check your answers, then send. Sending is idempotent on the submission key."""
    consultation = access_public_consultation(reference=reference)
    state = _state(request, consultation, create=False)
    posted_key = request.POST.get("submission_key", "")[:64] if request.method == "POST" else ""
    key = posted_key or state.get("key", "")
    if not key:
        return redirect("engagement:start", consultation.reference)
    response = response_for_key(consultation=consultation, submission_key=key)
    if response is not None and response.status == ResponseStatus.SUBMITTED:
        # A double click, the back button or a retry: same response, same reference.
        state = _state(request, consultation)
        state.update(key=key, sent=response.reference)
        _save_state(request, consultation, state)
        return redirect("engagement:sent", consultation.reference)
    stop = _closed_now(request, consultation, state)
    if stop is not None:
        return stop
    easy_read = _easy(request, consultation, state)
    pages = consultation_pages(consultation=consultation)
    top_error = ""
    status = 200
    if request.method == "POST":
        if request.POST.get(HONEYPOT):
            return _bad_request(
                request, consultation, "We could not accept this response. Please try again."
            )
        if _rate_limited(request, consultation, "submit"):
            return _too_many(request, consultation)
        try:
            sent, _ = response_submit(
                consultation=consultation,
                submission_key=key,
                equality_answers=EqualityAnswers(state.get("equality") or {}),
            )
        except ServiceError as exc:
            if exc.code in {"closed", "not_open"}:
                return _closed(request, consultation, state, status=400, message=exc.message)
            top_error, status = exc.message, 400
        else:
            state = _state(request, consultation)
            state.update(key=key, sent=sent.reference, equality={}, token="")
            _save_state(request, consultation, state)
            return redirect("engagement:sent", consultation.reference)
    values = response_answers(response=response)
    return render(
        request,
        "engagement/check.html",
        {
            "consultation": consultation,
            "groups": _check_rows(pages, values, easy_read=easy_read),
            "equality_rows": _equality_rows(state.get("equality") or {})
            if consultation.equality_monitoring
            else [],
            "easy_read": easy_read,
            "submission_key": key,
            "top_error": top_error,
            "last_page": len(pages),
        },
        status=status,
    )


@require_GET
@_404
def sent(request: HttpRequest, reference: str) -> HttpResponse:
    consultation = access_public_consultation(reference=reference)
    state = _state(request, consultation, create=False)
    if not state.get("sent"):
        return redirect("engagement:intro", consultation.reference)
    return render(
        request,
        "engagement/sent.html",
        {
            "consultation": consultation,
            "reference": state["sent"],
            "easy_read": bool(state.get("easy")),
            "closes_label": when_label(consultation.closed_on),
        },
    )


@require_http_methods(["GET", "POST"])
@_404
def saved(request: HttpRequest, reference: str) -> HttpResponse:
    """Save and come back later: the resume link on screen, and by email if asked."""
    consultation = access_public_consultation(reference=reference)
    state = _state(request, consultation, create=False)
    response = response_for_key(consultation=consultation, submission_key=state.get("key", ""))
    if response is None:
        return redirect("engagement:start", consultation.reference)
    if response.status == ResponseStatus.SUBMITTED:
        return redirect("engagement:sent", consultation.reference)
    stop = _closed_now(request, consultation, state)
    if stop is not None:
        return stop
    token = response_issue_resume_token(response=response, token=state.get("token"))
    if token != state.get("token"):
        state["token"] = token
        _save_state(request, consultation, state)
    link = request.build_absolute_uri(reverse("engagement:resume", args=[token]))
    form = ResumeEmailForm(request.POST or None)
    if request.method == "POST":
        if request.POST.get(HONEYPOT):
            return _bad_request(
                request, consultation, "We could not send the email. Please try again."
            )
        if form.is_valid():
            if _rate_limited(request, consultation, "save"):
                return _too_many(request, consultation)
            response_send_resume_email(
                response=response, email=form.cleaned_data["email"], link=link
            )
            messages.success(request, f"We have sent the link to {form.cleaned_data['email']}.")
            return redirect("engagement:saved", consultation.reference)
    return render_form(
        request,
        "engagement/saved.html",
        {
            "consultation": consultation,
            "link": link,
            "form": form,
            "closes_label": when_label(consultation.closed_on),
            "easy_read": bool(state.get("easy")),
        },
    )


@require_GET
@_404
def resume(request: HttpRequest, token: str) -> HttpResponse:
    """Open a saved draft from its link (it works until the consultation closes)."""
    response = response_by_resume_token(token=token)
    consultation = response.consultation
    state = _state(request, consultation)
    state.update(key=response.submission_key, token=token, easy=response.easy_read, sent="")
    _save_state(request, consultation, state)
    if not consultation.is_open():
        return _closed(request, consultation, state)
    return redirect(reverse("engagement:page", args=[consultation.reference, 1]) + "?resumed=1")


@require_GET
def easy_read_image(request: HttpRequest, pk: int) -> HttpResponse:
    """An easy-read picture, served from storage (published consultations, or staff)."""
    question = Question.objects.select_related("consultation").filter(pk=pk).first()
    if (
        question is None
        or not question.easy_read_image
        or not request.user.has_perm("engagement.view_consultation", question.consultation)
    ):
        raise Http404
    extension = question.easy_read_image.name.rsplit(".", 1)[-1].lower()
    content_type = {
        "png": "image/png",
        "jpg": "image/jpeg",
        "gif": "image/gif",
        "webp": "image/webp",
    }
    if extension not in content_type:
        raise Http404
    response = FileResponse(
        question.easy_read_image.open("rb"), content_type=content_type[extension]
    )
    response["Cache-Control"] = "public, max-age=3600"
    return response


# --- Staff: building -------------------------------------------------------------------


def _manage(request, reference: str, perm: str = "engagement.change_consultation") -> Consultation:
    return access_consultation_by_reference(user=request.user, reference=reference, perm=perm)


@login_required
@require_GET
@_404
def staff_list(request: HttpRequest) -> HttpResponse:
    form = ConsultationFilterForm(request.GET or None)
    project = form.cleaned_data["project"] if form.is_bound and form.is_valid() else ""
    qs = consultation_staff_list(user=request.user, project_reference=project)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "engagement/staff_list.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "can_add": request.user.has_perm("engagement.add_consultation"),
            "project": project,
        },
    )


def _consultation_data(form: ConsultationForm) -> ConsultationData:
    opens_at, closes_at = form.times()
    d = form.cleaned_data
    return ConsultationData(
        title=d["title"],
        intro=d["intro"],
        easy_read_intro=d["easy_read_intro"],
        opens_at=opens_at,
        closes_at=closes_at,
        equality_monitoring=d["equality_monitoring"],
    )


@login_required
@require_http_methods(["GET", "POST"])
def create(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("engagement.add_consultation"):
        raise Http404
    initial = {"equality_monitoring": True, "opens_time": "9:00am", "closes_time": "11:59pm"}
    project_ref = request.GET.get("project", "")
    if project_ref:
        found = CommissioningProject.objects.filter(reference=project_ref).first()
        if found:
            initial["project"] = found.pk
    return form_page(
        request,
        ConsultationForm(request.POST or None, initial=initial),
        "engagement/consultation_form.html",
        {"consultation": None},
        save=lambda form: consultation_create(
            actor=request.user,
            project=form.cleaned_data["project"],
            data=_consultation_data(form),
            submission_key=posted_key(request),
        ),
        success=lambda consultation: f"Consultation {consultation.reference} created as a draft.",
        redirect_to=lambda consultation: ("engagement:manage", consultation.reference),
    )


@login_required
@require_http_methods(["GET", "POST"])
@_404
def edit(request: HttpRequest, reference: str) -> HttpResponse:
    consultation = _manage(request, reference)
    opens, closes = (
        timezone.localtime(consultation.opens_at),
        timezone.localtime(consultation.closes_at),
    )
    initial = {
        "title": consultation.title,
        "intro": consultation.intro,
        "easy_read_intro": consultation.easy_read_intro,
        "opens_on": opens.date(),
        "opens_time": opens.strftime("%H:%M"),
        "closes_on": closes.date(),
        "closes_time": closes.strftime("%H:%M"),
        "equality_monitoring": consultation.equality_monitoring,
    }
    return form_page(
        request,
        ConsultationForm(request.POST or None, initial=initial, with_project=False),
        "engagement/consultation_form.html",
        {"consultation": consultation},
        save=lambda form: consultation_update(
            actor=request.user, consultation=consultation, data=_consultation_data(form)
        ),
        success="Consultation details saved.",
        redirect_to=("engagement:manage", consultation.reference),
    )


@login_required
@require_GET
@_404
def manage(request: HttpRequest, reference: str) -> HttpResponse:
    consultation = _manage(request, reference, perm="engagement.preview_consultation")
    pages = consultation_pages(consultation=consultation)
    in_pages = {q.pk for p in pages for q in p.questions}
    sections = list(consultation.sections.order_by("position", "pk"))
    return render(
        request,
        "engagement/manage.html",
        {
            "consultation": consultation,
            "pages": pages,
            "sections": sections,
            "empty_sections": [s for s in sections if not any(p.section == s for p in pages)],
            "question_count": len(in_pages),
            "sent_count": submitted_count(consultation=consultation),
            "phase": consultation.phase(),
            "opens_label": when_label(consultation.opens_at),
            "closes_label": when_label(consultation.closes_at),
            "can_change": request.user.has_perm("engagement.change_consultation", consultation),
            "is_draft": consultation.status == "draft",
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
@_404
def section_form(request: HttpRequest, reference: str, pk: int | None = None) -> HttpResponse:
    consultation = _manage(request, reference)
    section = consultation.sections.filter(pk=pk).first() if pk else None
    if pk and section is None:
        raise Http404
    initial = (
        {"title": section.title, "easy_read_title": section.easy_read_title} if section else {}
    )
    return form_page(
        request,
        SectionForm(request.POST or None, initial=initial),
        "engagement/section_form.html",
        {"consultation": consultation, "section": section},
        save=lambda form: section_save(
            actor=request.user, consultation=consultation, section=section, **form.cleaned_data
        ),
        success="Section saved.",
        redirect_to=("engagement:manage", consultation.reference),
    )


@login_required
@require_POST
@_404
def section_delete(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    consultation = _manage(request, reference)
    section = consultation.sections.filter(pk=pk).first()
    if section is None:
        raise Http404
    return post_action(
        request,
        lambda: section_remove(actor=request.user, consultation=consultation, section=section),
        success="Section removed.",
        redirect_to=("engagement:manage", consultation.reference),
    )


@login_required
@require_http_methods(["GET", "POST"])
@_404
def question_form(request: HttpRequest, reference: str, pk: int | None = None) -> HttpResponse:
    consultation = _manage(request, reference)
    question = consultation.questions.filter(pk=pk).first() if pk else None
    if pk and question is None:
        raise Http404
    sections = list(consultation.sections.order_by("position", "pk"))
    initial = (
        QuestionForm.initial_for(question) if question else {"kind": "single", "max_length": 1000}
    )
    if not question and request.GET.get("section"):
        initial["section"] = request.GET["section"]
    form = QuestionForm(
        request.POST or None, request.FILES or None, initial=initial, sections=sections
    )

    def save(form: QuestionForm) -> None:
        data = QuestionData(**form.data_kwargs())
        if question:
            question_update(
                actor=request.user, consultation=consultation, question=question, data=data
            )
        else:
            question_add(actor=request.user, consultation=consultation, data=data)

    return form_page(
        request,
        form,
        "engagement/question_form.html",
        {
            "consultation": consultation,
            "question": question,
            "is_draft": consultation.status == "draft",
        },
        save=save,
        success="Question saved.",
        redirect_to=("engagement:manage", consultation.reference),
    )


@login_required
@require_http_methods(["GET", "POST"])
@_404
def question_delete(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    consultation = _manage(request, reference)
    question = consultation.questions.filter(pk=pk).first()
    if question is None:
        raise Http404
    error = ""
    if request.method == "POST":
        try:
            question_remove(actor=request.user, consultation=consultation, question=question)
        except ServiceError as exc:
            error = exc.message
        else:
            messages.success(request, "Question removed.")
            return redirect("engagement:manage", consultation.reference)
    return render(
        request,
        "engagement/question_remove.html",
        {"consultation": consultation, "question": question, "error": error},
        status=400 if error else 200,
    )


@login_required
@require_POST
@_404
def publish(request: HttpRequest, reference: str) -> HttpResponse:
    return _consultation_action(
        request, reference, consultation_publish, "The consultation is published."
    )


@login_required
@require_POST
@_404
def close(request: HttpRequest, reference: str) -> HttpResponse:
    return _consultation_action(
        request,
        reference,
        consultation_close,
        "The consultation is closed. No more answers will be accepted.",
    )


def _consultation_action(request, reference: str, service, success: str) -> HttpResponse:
    """A button on the builder page that calls ``service`` on the whole consultation."""
    consultation = _manage(request, reference)
    return post_action(
        request,
        lambda: service(actor=request.user, consultation=consultation),
        success=success,
        redirect_to=("engagement:manage", consultation.reference),
    )


# --- Staff: preview --------------------------------------------------------------------


@login_required
@require_GET
@_404
def preview_intro(request: HttpRequest, reference: str) -> HttpResponse:
    consultation = _manage(request, reference, perm="engagement.preview_consultation")
    return _intro(
        request, consultation, easy_read=request.GET.get("easy_read") == "1", preview=True
    )


@login_required
@require_GET
@_404
def preview_page(request: HttpRequest, reference: str, number: int) -> HttpResponse:
    consultation = _manage(request, reference, perm="engagement.preview_consultation")
    pages = consultation_pages(consultation=consultation)
    if not 1 <= number <= len(pages):
        raise Http404
    easy_read = request.GET.get("easy_read") == "1"
    current = pages[number - 1]
    items = _question_items(current, {}, {}, easy_read=easy_read)
    context = _page_context(
        request, consultation, pages, current, items, easy_read=easy_read, preview=True
    )
    context["top_error"] = ""
    return render(request, "engagement/page.html", context)


@login_required
@require_GET
@_404
def preview_equality(request: HttpRequest, reference: str) -> HttpResponse:
    consultation = _manage(request, reference, perm="engagement.preview_consultation")
    if not consultation.equality_monitoring:
        raise Http404
    easy_read = request.GET.get("easy_read") == "1"
    return render(
        request,
        "engagement/equality.html",
        {
            "consultation": consultation,
            "form": EqualityForm(easy_read=easy_read),
            "easy_read": easy_read,
            "preview": True,
            "last_page": len(consultation_pages(consultation=consultation)),
        },
    )
