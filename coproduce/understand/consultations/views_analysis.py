"""Pages for reading responses, coding them into themes and publishing findings.

Views parse input, call a selector or service, and render. Anything a person may not
see answers 404, whether it exists or not.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from coproduce.foundation.core.errors import NotFound, ServiceError
from coproduce.foundation.core.forms import apply_service_error
from coproduce.foundation.core.http import form_page, not_found_as_404, render_form
from coproduce.foundation.core.idempotency import posted_key

from . import selectors_analysis as sel
from . import services_analysis as svc
from .forms_analysis import (
    AnswerFilterForm,
    CorrectionForm,
    FindingForm,
    QuoteForm,
    TagForm,
    ThemeForm,
    ThemeMergeForm,
)

RESPONSES_PER_PAGE = 10
ANSWERS_PER_PAGE = 25
CANDIDATES_PER_PAGE = 20


def _consultation(request, reference, perm="engagement.analyse_responses"):
    return sel.access_consultation_for_analysis(user=request.user, reference=reference, perm=perm)


def _page(request: HttpRequest, qs, size: int):
    page = Paginator(qs, size).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return page, query.urlencode()


def _ctx(request, consultation, current: str, **extra) -> dict:
    return {
        "consultation": consultation,
        "current": current,
        "can_code": request.user.has_perm("engagement.code_responses", consultation),
        "can_manage": request.user.has_perm("engagement.manage_findings", consultation),
        **extra,
    }


# --- Reading responses ---------------------------------------------------------------


@login_required
@require_GET
@not_found_as_404
def summary(request: HttpRequest, reference: str) -> HttpResponse:
    consultation = _consultation(request, reference)
    return render(
        request,
        "engagement/analysis/summary.html",
        _ctx(
            request,
            consultation,
            "summary",
            summary=sel.response_summary(consultation=consultation),
        ),
    )


@login_required
@require_GET
@not_found_as_404
def responses(request: HttpRequest, reference: str) -> HttpResponse:
    consultation = _consultation(request, reference)
    page, query = _page(request, sel.response_list(consultation=consultation), RESPONSES_PER_PAGE)
    rows = sel.responses_with_answers(consultation=consultation, responses=list(page.object_list))
    return render(
        request,
        "engagement/analysis/responses.html",
        _ctx(request, consultation, "responses", page=page, query=query, rows=rows),
    )


@login_required
@require_GET
@not_found_as_404
def export_csv(request: HttpRequest, reference: str) -> StreamingHttpResponse:
    consultation = _consultation(request, reference)
    response = StreamingHttpResponse(
        sel.response_csv_rows(consultation=consultation), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{sel.export_filename(consultation)}"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_GET
@not_found_as_404
def equality(request: HttpRequest, reference: str) -> HttpResponse:
    consultation = _consultation(request, reference)
    total, tables = sel.equality_summary(consultation=consultation)
    return render(
        request,
        "engagement/analysis/equality.html",
        _ctx(request, consultation, "equality", total=total, tables=tables),
    )


# --- Themes --------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
@not_found_as_404
def themes(request: HttpRequest, reference: str) -> HttpResponse:
    consultation = _consultation(request, reference)
    if request.method == "POST" and not request.user.has_perm(
        "engagement.code_responses", consultation
    ):
        raise Http404
    return form_page(
        request,
        ThemeForm(request.POST or None),
        "engagement/analysis/themes.html",
        _ctx(request, consultation, "themes", themes=sel.theme_list(consultation=consultation)),
        save=lambda form: svc.theme_create(
            actor=request.user, consultation=consultation, **form.cleaned_data
        ),
        success=lambda theme: f"Theme “{theme.name}” added.",
        redirect_to=("engagement_analysis:themes", consultation.reference),
    )


@login_required
@require_http_methods(["GET", "POST"])
@not_found_as_404
def theme_edit(request: HttpRequest, reference: str, theme_id: int) -> HttpResponse:
    consultation = _consultation(request, reference, "engagement.code_responses")
    theme = sel.access_theme(
        user=request.user,
        consultation=consultation,
        theme_id=theme_id,
        perm="engagement.code_responses",
    )
    return form_page(
        request,
        ThemeForm(
            request.POST or None, initial={"name": theme.name, "description": theme.description}
        ),
        "engagement/analysis/theme_edit.html",
        _ctx(request, consultation, "themes", theme=theme),
        save=lambda form: svc.theme_rename(actor=request.user, theme=theme, **form.cleaned_data),
        success="Theme saved.",
        redirect_to=("engagement_analysis:themes", consultation.reference),
    )


@login_required
@require_http_methods(["GET", "POST"])
@not_found_as_404
def theme_merge(request: HttpRequest, reference: str, theme_id: int) -> HttpResponse:
    consultation = _consultation(request, reference, "engagement.code_responses")
    theme = sel.access_theme(
        user=request.user,
        consultation=consultation,
        theme_id=theme_id,
        perm="engagement.code_responses",
    )
    # The theme itself is offered too, so that choosing it gets the service's clear refusal.
    choices = [
        (t.pk, t.name) for t in sel.theme_list(consultation=consultation) if t.pk != theme.pk
    ]
    form = ThemeMergeForm(request.POST or None, choices=choices)
    if request.method == "POST":
        target_raw = request.POST.get("target", "")
        if target_raw == str(theme.pk):
            form = ThemeMergeForm(request.POST, choices=[*choices, (theme.pk, theme.name)])
        if form.is_valid():
            try:
                target = sel.access_theme(
                    user=request.user,
                    consultation=consultation,
                    theme_id=form.cleaned_data["target"],
                    perm="engagement.code_responses",
                )
                svc.theme_merge(actor=request.user, source=theme, target=target)
            except ServiceError as exc:
                apply_service_error(form, exc)
            else:
                messages.success(request, f"“{theme.name}” merged into “{target.name}”.")
                return redirect("engagement_analysis:themes", consultation.reference)
        form.fields["target"].choices = choices
    return render_form(
        request,
        "engagement/analysis/theme_merge.html",
        _ctx(request, consultation, "themes", form=form, theme=theme),
    )


@login_required
@require_http_methods(["GET", "POST"])
@not_found_as_404
def coding(request: HttpRequest, reference: str) -> HttpResponse:
    """Tag many free-text answers at once, with filters; the page works without JavaScript."""
    consultation = _consultation(request, reference, "engagement.code_responses")
    theme_choices = [(t.pk, t.name) for t in sel.theme_list(consultation=consultation)]
    question_choices = [(q.pk, q.text) for q in sel.text_questions(consultation=consultation)]
    filter_form = AnswerFilterForm(
        request.GET or None, questions=question_choices, themes=theme_choices
    )
    filters = sel.AnswerFilters()
    if filter_form.is_bound and filter_form.is_valid():
        filters = sel.AnswerFilters(**filter_form.cleaned_data)
    form = TagForm(request.POST or None, themes=theme_choices, auto_id="tag_%s")
    selected = request.POST.getlist("answers") if request.method == "POST" else []
    if request.method == "POST" and form.is_valid():
        action = svc.answers_tag if form.cleaned_data["action"] == "tag" else svc.answers_untag
        try:
            n = action(
                actor=request.user,
                consultation=consultation,
                theme_id=form.cleaned_data["theme"],
                answer_ids=selected,
            )
        except ServiceError as exc:
            apply_service_error(form, exc)
        else:
            verb = "tagged" if form.cleaned_data["action"] == "tag" else "untagged"
            messages.success(request, f"{n} answer{'s' if n != 1 else ''} {verb}.")
            url = reverse("engagement_analysis:coding", args=[consultation.reference])
            query = request.GET.urlencode()
            return redirect(f"{url}?{query}" if query else url)
    page, query = _page(
        request,
        sel.answers_for_coding(consultation=consultation, filters=filters),
        ANSWERS_PER_PAGE,
    )
    return render_form(
        request,
        "engagement/analysis/coding.html",
        _ctx(
            request,
            consultation,
            "coding",
            form=form,
            filter_form=filter_form,
            page=page,
            query=query,
            full_query=request.GET.urlencode(),
            selected=set(selected),
            has_themes=bool(theme_choices),
        ),
    )


# --- Findings (staff) ----------------------------------------------------------------


@login_required
@require_GET
@not_found_as_404
def findings(request: HttpRequest, reference: str) -> HttpResponse:
    consultation = _consultation(request, reference)
    return render(
        request,
        "engagement/findings/list.html",
        _ctx(
            request,
            consultation,
            "findings",
            findings=sel.findings_for_consultation(consultation=consultation),
        ),
    )


def _finding_data(form: FindingForm) -> svc.FindingData:
    d = form.cleaned_data
    return svc.FindingData(statement=d["statement"], detail=d["detail"], theme_ids=d["themes"])


@login_required
@require_http_methods(["GET", "POST"])
@not_found_as_404
def finding_new(request: HttpRequest, reference: str) -> HttpResponse:
    consultation = _consultation(request, reference, "engagement.manage_findings")
    themes = [(t.pk, t.name) for t in sel.theme_list(consultation=consultation)]
    return form_page(
        request,
        FindingForm(request.POST or None, themes=themes),
        "engagement/findings/form.html",
        _ctx(request, consultation, "findings", finding=None),
        save=lambda form: svc.finding_create(
            actor=request.user,
            consultation=consultation,
            data=_finding_data(form),
            submission_key=posted_key(request),
        ),
        success=lambda finding: f"Draft finding {finding.reference} saved.",
        redirect_to=lambda finding: ("engagement_analysis:finding_manage", finding.reference),
    )


def _finding(request, reference, perm="engagement.manage_findings"):
    finding = sel.access_finding_by_reference(user=request.user, reference=reference, perm=perm)
    if finding.consultation is None:
        raise NotFound()
    return finding


@login_required
@require_GET
@not_found_as_404
def finding_manage(request: HttpRequest, reference: str) -> HttpResponse:
    finding = _finding(request, reference, "engagement.view_finding")
    if not request.user.has_perm("engagement.analyse_responses", finding.consultation):
        raise Http404
    theme_ids = [t.pk for t in finding.themes.all()]
    return render(
        request,
        "engagement/findings/manage.html",
        _ctx(
            request,
            finding.consultation,
            "findings",
            finding=finding,
            themes=finding.themes.all(),
            quotes=finding.quotes.all(),
            live_count=sel.people_tagged(theme_ids=theme_ids),
            corrections=sel.finding_corrections(finding=finding),
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
@not_found_as_404
def finding_edit(request: HttpRequest, reference: str) -> HttpResponse:
    finding = _finding(request, reference)
    if finding.published_at:
        return redirect("engagement_analysis:finding_correct", finding.reference)
    themes = [(t.pk, t.name) for t in sel.theme_list(consultation=finding.consultation)]
    initial = {
        "statement": finding.statement,
        "detail": finding.detail,
        "themes": [t.pk for t in finding.themes.all()],
    }
    return form_page(
        request,
        FindingForm(request.POST or None, initial=initial, themes=themes),
        "engagement/findings/form.html",
        _ctx(request, finding.consultation, "findings", finding=finding),
        save=lambda form: svc.finding_update(
            actor=request.user, finding=finding, data=_finding_data(form)
        ),
        success="Finding saved.",
        redirect_to=("engagement_analysis:finding_manage", finding.reference),
    )


@login_required
@require_GET
@not_found_as_404
def finding_quote_choose(request: HttpRequest, reference: str) -> HttpResponse:
    finding = _finding(request, reference)
    page, query = _page(request, sel.quote_candidates(finding=finding), CANDIDATES_PER_PAGE)
    return render(
        request,
        "engagement/findings/quote_choose.html",
        _ctx(request, finding.consultation, "findings", finding=finding, page=page, query=query),
    )


@login_required
@require_http_methods(["GET", "POST"])
@not_found_as_404
def finding_quote_add(request: HttpRequest, reference: str, answer_id: int) -> HttpResponse:
    finding = _finding(request, reference)
    answer = sel.quote_candidates(finding=finding).filter(pk=answer_id).first()
    if answer is None:
        raise Http404
    return form_page(
        request,
        QuoteForm(request.POST or None, initial={"text": answer.text}),
        "engagement/findings/quote_form.html",
        _ctx(request, finding.consultation, "findings", finding=finding, answer=answer),
        save=lambda form: svc.finding_quote_add(
            actor=request.user, finding=finding, answer_id=answer.pk, text=form.cleaned_data["text"]
        ),
        success="Quote added.",
        redirect_to=("engagement_analysis:finding_manage", finding.reference),
    )


@login_required
@require_POST
@not_found_as_404
def finding_quote_remove(request: HttpRequest, reference: str, quote_id: int) -> HttpResponse:
    finding = _finding(request, reference)
    try:
        svc.finding_quote_remove(actor=request.user, finding=finding, quote_id=quote_id)
    except ServiceError as exc:
        if isinstance(exc, NotFound):
            raise
        messages.error(request, exc.message)
    else:
        messages.success(request, "Quote removed.")
    return redirect("engagement_analysis:finding_manage", finding.reference)


@login_required
@require_http_methods(["GET", "POST"])
@not_found_as_404
def finding_publish(request: HttpRequest, reference: str) -> HttpResponse:
    finding = _finding(request, reference)
    error = None
    if request.method == "POST":
        try:
            svc.finding_publish(actor=request.user, finding=finding)
        except ServiceError as exc:
            if isinstance(exc, NotFound):
                raise
            error = exc
        else:
            messages.success(request, f"Finding {finding.reference} is now public.")
            return redirect("engagement_analysis:finding_manage", finding.reference)
    theme_ids = [t.pk for t in finding.themes.all()]
    return render(
        request,
        "engagement/findings/publish.html",
        _ctx(
            request,
            finding.consultation,
            "findings",
            finding=finding,
            error=error,
            live_count=sel.people_tagged(theme_ids=theme_ids),
        ),
        status=400 if error else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
@not_found_as_404
def finding_correct(request: HttpRequest, reference: str) -> HttpResponse:
    finding = _finding(request, reference)
    if finding.published_at is None:
        return redirect("engagement_analysis:finding_edit", finding.reference)
    return form_page(
        request,
        CorrectionForm(request.POST or None, initial={"statement": finding.statement}),
        "engagement/findings/correct.html",
        _ctx(request, finding.consultation, "findings", finding=finding),
        save=lambda form: svc.finding_correct(
            actor=request.user, finding=finding, **form.cleaned_data
        ),
        success="Statement corrected. The reason is shown on the public page.",
        redirect_to=("engagement_analysis:finding_manage", finding.reference),
    )


# --- Findings (public) ---------------------------------------------------------------


@require_GET
@not_found_as_404
def finding_public(request: HttpRequest, reference: str) -> HttpResponse:
    finding = sel.access_finding_by_reference(user=request.user, reference=reference)
    project_visible = request.user.has_perm("commissioning.view_project", finding.project)
    return render(
        request,
        "engagement/findings/public.html",
        {
            "finding": finding,
            "quotes": finding.quotes.all(),
            "corrections": sel.finding_corrections(finding=finding),
            "project_visible": project_visible,
            "can_manage": request.user.has_perm("engagement.manage_findings", finding),
        },
    )
