"""Pages for feedback and mystery shopping.

Public: the feedback form per service (plain and easy read, no account needed), the
thank-you page and the summary of what people say. Council staff and the provider: the
responses (anonymised for the provider), theme coding (commissioners), mystery shopping
visits, reports, replies and follow-up actions. A forbidden page answers 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from coproduce.foundation.core.errors import ServiceError
from coproduce.foundation.core.forms import apply_service_error
from coproduce.foundation.core.http import form_page, not_found_as_404, render_form, save_form
from coproduce.foundation.core.idempotency import posted_key

from . import selectors as sel
from . import services as svc
from .forms import (
    ActionForm,
    ActionUpdateForm,
    CodingFilterForm,
    FeedbackForm,
    ReplyForm,
    ReportForm,
    ShopperForm,
    TagForm,
    ThemeForm,
    VisitForm,
)
from .models import ActionStatus, Rating
from .ratelimit import over_rate

ANSWERS_PER_PAGE = 50


# --- The public feedback form ----------------------------------------------------------


def _give(request: HttpRequest, reference: str, *, easy_read: bool) -> HttpResponse:
    contract = sel.access_public_contract(reference)
    template = "feedback/give_easy.html" if easy_read else "feedback/give.html"
    context = {"contract": contract, "easy_read": easy_read}
    try:
        svc.check_live(contract)
    except ServiceError as exc:
        status = 400 if request.method == "POST" else 200
        return render(
            request, "feedback/not_live.html", {**context, "message": exc.message}, status=status
        )
    form = FeedbackForm(request.POST or None)
    if request.method == "POST":
        if over_rate(request):
            return render(request, "feedback/too_many.html", context, status=429)

        def save(form):
            d = form.cleaned_data
            return svc.feedback_give(
                actor=request.user,
                contract=contract,
                data=svc.FeedbackData(
                    rating=d["rating"],
                    what_good=d["what_good"],
                    what_better=d["what_better"],
                    uses_service=d["uses_service"],
                    easy_read=easy_read,
                ),
                submission_key=posted_key(request),
            )

        ok, _ = save_form(request, form, save)
        if ok:
            url = reverse("feedback:thanks", args=[contract.reference])
            return redirect(f"{url}?easy_read=1" if easy_read else url)
    return render_form(request, template, {**context, "form": form, "ratings": _ratings(form)})


# Pictures for the easy read form: OpenMoji (CC BY-SA 4.0), kept in static/feedback/openmoji.
PICTURES = {
    "very_good": ("1f600", "A big smiling face"),
    "good": ("1f642", "A smiling face"),
    "neither": ("1f610", "A face that is not smiling or sad"),
    "poor": ("1f641", "A sad face"),
    "very_poor": ("1f61e", "A very sad face"),
    "dont_know": ("1f937", "A person shrugging"),
    "myself": ("1f64b", "A person putting up their hand"),
    "someone_else": ("1f9d1-200d-1f91d-200d-1f9d1", "Two people holding hands"),
}
EASY_RATINGS = {
    "very_good": "Very good",
    "good": "Good",
    "neither": "OK: not good and not bad",
    "poor": "Bad",
    "very_poor": "Very bad",
    "dont_know": "I do not know",
}


def _ratings(form: FeedbackForm) -> list[dict]:
    chosen = form["rating"].value()
    return [
        {
            "value": key,
            "label": label,
            "easy_label": EASY_RATINGS[key],
            "picture": PICTURES[key][0],
            "alt": PICTURES[key][1],
            "checked": chosen == key,
        }
        for key, label in Rating.choices
    ]


@require_http_methods(["GET", "POST"])
@not_found_as_404
def give(request: HttpRequest, reference: str) -> HttpResponse:
    return _give(request, reference, easy_read=False)


@require_http_methods(["GET", "POST"])
@not_found_as_404
def give_easy(request: HttpRequest, reference: str) -> HttpResponse:
    return _give(request, reference, easy_read=True)


@require_GET
@not_found_as_404
def thanks(request: HttpRequest, reference: str) -> HttpResponse:
    contract = sel.access_public_contract(reference)
    return render(
        request,
        "feedback/thanks.html",
        {"contract": contract, "easy_read": request.GET.get("easy_read") == "1"},
    )


@require_GET
@not_found_as_404
def summary(request: HttpRequest, reference: str) -> HttpResponse:
    contract = sel.access_public_contract(reference)
    s = sel.contract_summary(contract)
    return render(
        request,
        "feedback/summary.html",
        {
            "contract": contract,
            "s": s,
            "rows": sel.score_rows(s.score),
            "minimum": sel.PUBLIC_MINIMUM,
        },
    )


# --- Responses and coding (council staff and the provider) ------------------------------


@login_required
@require_GET
@not_found_as_404
def responses(request: HttpRequest, reference: str) -> HttpResponse:
    contract = sel.access_contract_feedback(request.user, reference)
    rating = request.GET.get("rating", "")
    score = sel.contract_score(contract)
    return render(
        request,
        "feedback/responses.html",
        {
            "contract": contract,
            "score": score,
            "rows": sel.score_rows(score),
            "themes": sel.theme_list(contract),
            "responses": sel.response_rows(user=request.user, contract=contract, rating=rating),
            "rating": rating if rating in Rating.values else "",
            "ratings": Rating.choices,
            "full": sel.sees_everything(request.user),
            "can_code": request.user.has_perm("contracts.manage_contract", contract),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
@not_found_as_404
def themes(request: HttpRequest, reference: str) -> HttpResponse:
    contract = sel.access_contract_to_manage(request.user, reference)
    return form_page(
        request,
        ThemeForm(request.POST or None),
        "feedback/themes.html",
        lambda: {"contract": contract, "themes": sel.theme_list(contract)},
        save=lambda form: svc.theme_create(
            actor=request.user, contract=contract, **form.cleaned_data
        ),
        success=lambda theme: f"Theme “{theme.name}” added.",
        redirect_to=("feedback:themes", contract.reference),
    )


@login_required
@require_http_methods(["GET", "POST"])
@not_found_as_404
def theme_edit(request: HttpRequest, reference: str, theme_id: int) -> HttpResponse:
    contract = sel.access_contract_to_manage(request.user, reference)
    theme = sel.access_theme(contract, theme_id)
    return form_page(
        request,
        ThemeForm(
            request.POST or None, initial={"name": theme.name, "description": theme.description}
        ),
        "feedback/theme_edit.html",
        {"contract": contract, "theme": theme},
        save=lambda form: svc.theme_rename(actor=request.user, theme=theme, **form.cleaned_data),
        success="Theme saved.",
        redirect_to=("feedback:themes", contract.reference),
    )


@login_required
@require_http_methods(["GET", "POST"])
@not_found_as_404
def coding(request: HttpRequest, reference: str) -> HttpResponse:
    """Code many written answers with a theme at once; works without JavaScript."""
    contract = sel.access_contract_to_manage(request.user, reference)
    theme_choices = [(t.pk, t.name) for t in sel.theme_list(contract)]
    filter_form = CodingFilterForm(request.GET or None, themes=theme_choices)
    filters = sel.CodingFilters()
    if filter_form.is_bound and filter_form.is_valid():
        filters = sel.CodingFilters(**filter_form.cleaned_data)
    form = TagForm(request.POST or None, themes=theme_choices, auto_id="tag_%s")
    selected = request.POST.getlist("answers") if request.method == "POST" else []
    if request.method == "POST" and form.is_valid():
        tag = form.cleaned_data["action"] == "tag"
        action = svc.answers_tag if tag else svc.answers_untag
        try:
            n = action(
                actor=request.user,
                contract=contract,
                theme_id=form.cleaned_data["theme"],
                answer_ids=selected,
            )
        except ServiceError as exc:
            apply_service_error(form, exc)
        else:
            verb = "coded" if tag else "uncoded"
            messages.success(request, f"{n} answer{'s' if n != 1 else ''} {verb}.")
            url = reverse("feedback:coding", args=[contract.reference])
            query = request.GET.urlencode()
            return redirect(f"{url}?{query}" if query else url)
    answers = list(sel.answers_for_coding(contract, filters)[:ANSWERS_PER_PAGE])
    return render_form(
        request,
        "feedback/coding.html",
        {
            "contract": contract,
            "form": form,
            "filter_form": filter_form,
            "answers": answers,
            "limit": ANSWERS_PER_PAGE,
            "full_query": request.GET.urlencode(),
            "selected": set(selected),
            "has_themes": bool(theme_choices),
        },
    )


# --- Mystery shoppers ------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
@not_found_as_404
def shoppers(request: HttpRequest) -> HttpResponse:
    shopper_qs = sel.shopper_list(user=request.user)

    def save(form):
        d = form.cleaned_data
        return svc.shopper_add(
            actor=request.user,
            data=svc.ShopperData(
                full_name=d["full_name"],
                trained_on=d["trained_on"],
                trained_by=d["trained_by"],
                email=d["email"],
            ),
            submission_key=posted_key(request),
        )

    return form_page(
        request,
        ShopperForm(request.POST or None),
        "feedback/shoppers.html",
        lambda: {"shoppers": list(shopper_qs)},
        save=save,
        success=lambda s: f"{s.full_name} added to the trained mystery shoppers.",
        redirect_to="feedback:shoppers",
    )


@login_required
@require_GET
def my_visits(request: HttpRequest) -> HttpResponse:
    return render(
        request, "feedback/my_visits.html", {"visits": list(sel.visits_for_shopper(request.user))}
    )


# --- Visits ----------------------------------------------------------------------------


@login_required
@require_GET
@not_found_as_404
def visits(request: HttpRequest, reference: str) -> HttpResponse:
    contract = sel.access_contract_feedback(request.user, reference)
    rows = []
    for visit in sel.visit_list(contract):
        report = sel.report_of(visit)
        rows.append({"visit": visit, "report": report, "reply_state": sel.reply_state(report)})
    return render(
        request,
        "feedback/visits.html",
        {
            "contract": contract,
            "rows": rows,
            "can_plan": request.user.has_perm("contracts.manage_contract", contract),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
@not_found_as_404
def visit_new(request: HttpRequest, reference: str) -> HttpResponse:
    contract = sel.access_contract_to_manage(request.user, reference)
    choices = [
        (s.pk, f"{s.full_name} (trained {s.trained_on:%-d %B %Y})")
        for s in sel.shopper_list(user=request.user)
    ]

    def save(form):
        d = form.cleaned_data
        return svc.visit_plan(
            actor=request.user,
            contract=contract,
            data=svc.VisitData(
                window_from=d["window_from"],
                window_to=d["window_to"],
                focus=d["focus"],
                shopper_ids=d["shoppers"],
                checklist=svc.checklist_from_text(d["checklist"]),
            ),
            submission_key=posted_key(request),
        )

    return form_page(
        request,
        VisitForm(request.POST or None, shoppers=choices),
        "feedback/visit_new.html",
        {"contract": contract, "has_shoppers": bool(choices)},
        save=save,
        success=lambda v: f"Visit {v.number} planned.",
        redirect_to=lambda v: ("feedback:visit", contract.reference, v.number),
    )


def _visit_context(request, contract, visit, **forms) -> dict:
    detail = sel.visit_detail(visit)
    user = request.user
    can_manage = user.has_perm("contracts.manage_contract", contract)
    is_provider = user.has_perm("contracts.act_for_provider", contract)
    report = detail["report"]
    return {
        **detail,
        "contract": contract,
        "full": sel.sees_everything(user),
        "can_report": report is None and user.has_perm("feedback.write_report", visit),
        "can_reply": report is not None and detail["reply"] is None and is_provider,
        "can_add_action": can_manage,
        "can_update_actions": can_manage or is_provider,
        "reply_form": forms.get("reply_form") or ReplyForm(),
        "action_form": forms.get("action_form") or ActionForm(),
        "form": forms.get("reply_form") or forms.get("action_form"),
    }


@login_required
@require_GET
@not_found_as_404
def visit(request: HttpRequest, reference: str, number: int) -> HttpResponse:
    contract, v = sel.access_visit(request.user, reference, number)
    return render(request, "feedback/visit.html", _visit_context(request, contract, v))


def _read_upload(upload) -> bytes:
    limit = svc.EVIDENCE_BYTES
    if upload.size is not None and upload.size > limit:
        return b"\0" * (limit + 1)  # refused by size without reading it all
    chunks, total = [], 0
    for chunk in upload.chunks():
        total += len(chunk)
        chunks.append(chunk)
        if total > limit:
            break
    return b"".join(chunks)


@login_required
@require_http_methods(["GET", "POST"])
@not_found_as_404
def report(request: HttpRequest, reference: str, number: int) -> HttpResponse:
    v = sel.access_visit_for_report(request.user, reference, number)
    if sel.report_of(v) is not None:
        messages.info(request, "The report on this visit has been sent.")
        return redirect(_after_report(request, v))
    checklist = list(v.checklist.all())
    form = ReportForm(request.POST or None, request.FILES or None, checklist=checklist)

    def save(form):
        uploads = form.cleaned_data.get("evidence") or []
        if len(uploads) > svc.EVIDENCE_MAX:
            raise ServiceError(
                "too_many_files",
                f"Send at most {svc.EVIDENCE_MAX} files with a report.",
                field="evidence",
            )
        return svc.report_submit(
            actor=request.user,
            visit=v,
            data=svc.ReportData(
                visited_on=form.cleaned_data["visited_on"],
                overall=form.cleaned_data["overall"],
                items=form.item_answers(),
                evidence=[
                    svc.EvidenceFile(name=u.name or "", data=_read_upload(u)) for u in uploads
                ],
            ),
            submission_key=posted_key(request),
        )

    return form_page(
        request,
        form,
        "feedback/report.html",
        {"contract": v.contract, "visit": v},
        save=save,
        success="Report sent. Thank you.",
        redirect_to=lambda r: _after_report(request, v),
    )


def _after_report(request, visit) -> str:
    if request.user.has_perm("contracts.view_contract", visit.contract):
        return reverse("feedback:visit", args=[visit.contract.reference, visit.number])
    return reverse("feedback:my_visits")


@login_required
@require_GET
@not_found_as_404
def evidence(request: HttpRequest, reference: str, number: int, position: int) -> HttpResponse:
    """An evidence file, always as a download with its checked type, never rendered."""
    try:
        _contract, v = sel.access_visit(request.user, reference, number)
    except ServiceError:
        v = sel.access_visit_for_report(request.user, reference, number)
    item = sel.access_evidence(v, position)
    safe = "".join(c if c.isalnum() or c in " -_" else "-" for c in item.title).strip()
    response = FileResponse(
        default_storage.open(item.file.name, "rb"),
        as_attachment=True,
        filename=f"{reference} visit {v.number} {safe or 'evidence'}.{item.extension}",
        content_type=item.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_http_methods(["POST"])
@not_found_as_404
def reply(request: HttpRequest, reference: str, number: int) -> HttpResponse:
    contract, v = sel.access_visit(
        request.user, reference, number, perm="contracts.act_for_provider"
    )
    report = sel.report_of(v)
    if report is None:
        raise Http404
    form = ReplyForm(request.POST)
    return form_page(
        request,
        form,
        "feedback/visit.html",
        lambda: _visit_context(request, contract, v, reply_form=form),
        save=lambda f: svc.reply_submit(
            actor=request.user,
            report=report,
            text=f.cleaned_data["text"],
            submission_key=posted_key(request),
        ),
        success=lambda r: (
            "Reply sent. It was sent after the due date, so it is shown as late."
            if r.late
            else "Reply sent."
        ),
        redirect_to=("feedback:visit", contract.reference, v.number),
    )


@login_required
@require_http_methods(["POST"])
@not_found_as_404
def action_new(request: HttpRequest, reference: str, number: int) -> HttpResponse:
    contract, v = sel.access_visit(
        request.user, reference, number, perm="contracts.manage_contract"
    )
    form = ActionForm(request.POST)

    def save(f):
        d = f.cleaned_data
        return svc.action_add(
            actor=request.user,
            visit=v,
            data=svc.ActionData(description=d["description"], owner=d["owner"], due_on=d["due_on"]),
            submission_key=posted_key(request),
        )

    return form_page(
        request,
        form,
        "feedback/visit.html",
        lambda: _visit_context(request, contract, v, action_form=form),
        save=save,
        success="Follow-up action added.",
        redirect_to=("feedback:visit", contract.reference, v.number),
    )


@login_required
@require_http_methods(["GET", "POST"])
@not_found_as_404
def action_update(
    request: HttpRequest, reference: str, number: int, action_id: int
) -> HttpResponse:
    contract, v = sel.access_visit(request.user, reference, number)
    if not (
        request.user.has_perm("contracts.manage_contract", contract)
        or request.user.has_perm("contracts.act_for_provider", contract)
    ):
        raise Http404
    action = sel.access_action(v, action_id)
    return form_page(
        request,
        ActionUpdateForm(
            request.POST or None,
            initial={"status": action.status, "what_changed": action.what_changed},
        ),
        "feedback/action_update.html",
        {"contract": contract, "visit": v, "action": action, "done": ActionStatus.DONE},
        save=lambda f: svc.action_update(actor=request.user, action=action, **f.cleaned_data),
        success="Action updated.",
        redirect_to=("feedback:visit", contract.reference, v.number),
    )
