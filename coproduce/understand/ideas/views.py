"""Ideas board pages. Views parse input, call a selector or service, and render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from coproduce.foundation.core.errors import NotFound, ServiceError
from coproduce.foundation.core.forms import apply_service_error
from coproduce.foundation.core.http import form_page, not_found_as_404, render_form
from coproduce.foundation.core.idempotency import posted_key

from . import bulk, ratelimit
from .forms import (
    BulkForm,
    CommentForm,
    IdeaFilterForm,
    IdeaForm,
    MergeForm,
    ModerationForm,
    ReportForm,
    StatusForm,
)
from .selectors import (
    IdeaFilters,
    access_board,
    access_comment,
    access_idea_by_reference,
    access_reported_comment,
    board_list,
    comment_decisions,
    comment_open_reports,
    idea_comments,
    idea_list,
    idea_merged_duplicates,
    moderation_queue,
    user_supports,
)
from .services import (
    IdeaData,
    comment_add,
    comment_moderate,
    comment_report,
    idea_change_status,
    idea_merge,
    idea_submit,
    idea_support,
    idea_withdraw_support,
    ideas_bulk_create,
    resolve_areas,
)

PAGE_SIZE = 20
PAYLOAD_SALT = "ideas.bulk"


def _board_or_404(request, reference):
    try:
        return access_board(user=request.user, reference=reference)
    except NotFound:
        raise Http404 from None


def _idea_or_404(request, reference):
    try:
        return access_idea_by_reference(user=request.user, reference=reference)
    except NotFound:
        raise Http404 from None


def _board_url(project) -> str:
    if project is None:
        return reverse("ideas:council_board")
    return reverse("ideas:project_board", args=[project.reference])


def _form_page(request, form, template, context, **kwargs) -> HttpResponse:
    """``form_page`` for ideas: a service's NotFound (a thing you may not see) answers 404."""
    return form_page(request, form, template, context, raise_not_found=True, **kwargs)


def _rate_limited(request) -> HttpResponse:
    return render(request, "ideas/rate_limited.html", status=429)


@require_GET
def board(request: HttpRequest, reference: str | None = None) -> HttpResponse:
    project = _board_or_404(request, reference)
    form = IdeaFilterForm(request.GET or None)
    filters = (
        IdeaFilters(**form.cleaned_data) if form.is_bound and form.is_valid() else IdeaFilters()
    )
    page = Paginator(idea_list(project=project, filters=filters), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "ideas/board.html",
        {
            "project": project,
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "boards": board_list(user=request.user) if project is None else None,
            "can_manage": request.user.has_perm("ideas.manage_ideas"),
            "can_moderate": request.user.has_perm("ideas.moderate_comments"),
        },
    )


@require_http_methods(["GET", "POST"])
def submit(request: HttpRequest, reference: str | None = None) -> HttpResponse:
    project = _board_or_404(request, reference)
    anonymous = not request.user.is_authenticated
    form = IdeaForm(request.POST or None, anonymous=anonymous)
    if request.method == "POST":
        if anonymous and not ratelimit.hit(request, bucket="idea"):
            return _rate_limited(request)
        if form.is_valid():
            d = form.cleaned_data
            if d.get("website"):
                form.add_error(None, "We could not accept this idea. Please try again.")
            else:
                try:
                    idea = idea_submit(
                        actor=request.user,
                        project=project,
                        data=IdeaData(
                            title=d["title"],
                            description=d["description"],
                            area_id=d["area"].pk,
                            author_name=d.get("author_name", ""),
                            author_email=d.get("author_email", ""),
                        ),
                        submission_key=posted_key(request),
                    )
                except NotFound:
                    raise Http404 from None
                except ServiceError as exc:
                    apply_service_error(form, exc)
                else:
                    messages.success(
                        request, f"Thank you. Your idea is on the board as {idea.reference}."
                    )
                    return redirect("ideas:detail", idea.reference)
    return render_form(
        request, "ideas/submit.html", {"form": form, "project": project, "anonymous": anonymous}
    )


def _detail_context(request, idea, comment_form=None) -> dict:
    return {
        "idea": idea,
        "comments": idea_comments(idea=idea),
        "duplicates": idea_merged_duplicates(idea=idea),
        "supported": user_supports(user=request.user, idea=idea),
        "signed_in": request.user.is_authenticated,
        "comment_form": comment_form or CommentForm(),
        "form": comment_form,
        "can_manage": request.user.has_perm("ideas.manage_ideas"),
        "board_url": _board_url(idea.project),
    }


@require_GET
def detail(request: HttpRequest, reference: str) -> HttpResponse:
    idea = _idea_or_404(request, reference)
    return render(request, "ideas/detail.html", _detail_context(request, idea))


@login_required
@require_POST
def support(request: HttpRequest, reference: str) -> HttpResponse:
    idea = _idea_or_404(request, reference)
    withdraw = request.POST.get("action") == "withdraw"
    try:
        if withdraw:
            idea_withdraw_support(actor=request.user, idea=idea)
            messages.success(request, "You no longer support this idea.")
        else:
            idea_support(actor=request.user, idea=idea)
            messages.success(request, "Thank you for supporting this idea.")
    except NotFound:
        raise Http404 from None
    except ServiceError as exc:
        messages.error(request, exc.message)
    return redirect("ideas:detail", idea.reference)


@login_required
@require_POST
def comment(request: HttpRequest, reference: str) -> HttpResponse:
    idea = _idea_or_404(request, reference)
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            comment_add(
                actor=request.user,
                idea=idea,
                body=form.cleaned_data["body"],
                submission_key=posted_key(request),
            )
        except NotFound:
            raise Http404 from None
        except ServiceError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, "Your comment has been added.")
            return redirect(reverse("ideas:detail", args=[idea.reference]) + "#comments")
    return render(request, "ideas/detail.html", _detail_context(request, idea, form), status=400)


@require_http_methods(["GET", "POST"])
@not_found_as_404
def report(request: HttpRequest, reference: str, comment_id: int) -> HttpResponse:
    idea = _idea_or_404(request, reference)
    try:
        target = access_comment(user=request.user, idea=idea, comment_id=comment_id)
    except NotFound:
        raise Http404 from None
    anonymous = not request.user.is_authenticated
    if request.method == "POST" and anonymous and not ratelimit.hit(request, bucket="report"):
        return _rate_limited(request)
    return _form_page(
        request,
        ReportForm(request.POST or None),
        "ideas/report.html",
        {"idea": idea, "comment": target},
        save=lambda form: comment_report(
            actor=request.user,
            comment=target,
            reason=form.cleaned_data["reason"],
            submission_key=posted_key(request),
        ),
        success="Thank you. A moderator will look at this comment.",
        redirect_to=reverse("ideas:detail", args=[idea.reference]) + "#comments",
    )


# --- Officers -------------------------------------------------------------------------


def _managed_idea_or_404(request, reference):
    """An idea an officer may change: 404 without the permission or once it is merged."""
    if not request.user.has_perm("ideas.manage_ideas"):
        raise Http404
    idea = _idea_or_404(request, reference)
    if idea.status == "merged":
        raise Http404
    return idea


@login_required
@require_http_methods(["GET", "POST"])
@not_found_as_404
def change_status(request: HttpRequest, reference: str) -> HttpResponse:
    idea = _managed_idea_or_404(request, reference)
    return _form_page(
        request,
        StatusForm(request.POST or None),
        "ideas/change_status.html",
        {"idea": idea},
        save=lambda form: idea_change_status(
            actor=request.user,
            idea=idea,
            to_status=form.cleaned_data["status"],
            reason=form.cleaned_data["reason"],
        ),
        success=lambda idea: f"The idea is now marked “{idea.get_status_display().lower()}”.",
        redirect_to=lambda idea: ("ideas:detail", idea.reference),
    )


@login_required
@require_http_methods(["GET", "POST"])
@not_found_as_404
def merge(request: HttpRequest, reference: str) -> HttpResponse:
    idea = _managed_idea_or_404(request, reference)
    return _form_page(
        request,
        MergeForm(request.POST or None),
        "ideas/merge.html",
        {"idea": idea},
        save=lambda form: idea_merge(
            actor=request.user,
            duplicate=idea,
            target_reference=form.cleaned_data["target"],
            reason=form.cleaned_data["reason"],
        ),
        success=lambda idea: f"{idea.reference} is merged into {idea.merged_into.reference}.",
        redirect_to=lambda idea: ("ideas:detail", idea.merged_into.reference),
    )


def _problems_for(rows, parse_problems):
    problems = list(parse_problems)
    if not problems:
        too_many = bulk.too_many(rows)
        if too_many:
            problems.append(too_many)
        problems += resolve_areas(rows)[1]
    return sorted(problems, key=lambda p: p.line)


def _bulk_form_with_error(message: str) -> BulkForm:
    """An empty bulk form that carries one error for the summary (the confirm step failed)."""
    form = BulkForm(data={})
    form.is_valid()
    form.errors.clear()
    form.add_error(None, message)
    return form


@login_required
@require_http_methods(["GET", "POST"])
def bulk_entry(request: HttpRequest, reference: str | None = None) -> HttpResponse:
    if not request.user.has_perm("ideas.manage_ideas"):
        raise Http404
    project = _board_or_404(request, reference)
    context = {"project": project, "board_url": _board_url(project)}
    if request.method == "POST" and request.POST.get("step") == "confirm":
        try:
            payload = signing.loads(
                request.POST.get("payload", ""), salt=PAYLOAD_SALT, max_age=86400
            )
            rows = [bulk.Row(**row) for row in payload["rows"]]
            event_name = payload["event_name"]
        except (signing.BadSignature, KeyError, TypeError):
            form = _bulk_form_with_error(
                "The preview has expired or was changed. Enter the ideas again."
            )
            return render(request, "ideas/bulk.html", {**context, "form": form}, status=400)
        try:
            created = ideas_bulk_create(
                actor=request.user,
                project=project,
                rows=rows,
                event_name=event_name,
                submission_key=posted_key(request),
            )
        except NotFound:
            raise Http404 from None
        except ServiceError as exc:
            form = _bulk_form_with_error(exc.message)
            return render(request, "ideas/bulk.html", {**context, "form": form}, status=400)
        messages.success(request, f"{len(created)} ideas added to the board.")
        return redirect(context["board_url"])
    form = BulkForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data.get("csv_file")
        if upload:
            rows, parse_problems = bulk.parse_csv(upload.read(bulk.MAX_FILE_BYTES + 1))
            field = "csv_file"
        else:
            rows, parse_problems = bulk.parse_lines(form.cleaned_data["lines"])
            field = "lines"
        problems = _problems_for(rows, parse_problems)
        if problems:
            count = len(problems)
            form.add_error(
                field,
                "There is a problem with 1 line. Fix it and preview again"
                if count == 1
                else f"There are problems with {count} lines. Fix them and preview again",
            )
            return render(
                request,
                "ideas/bulk.html",
                {**context, "form": form, "problems": problems},
                status=400,
            )
        event_name = form.cleaned_data["event_name"].strip()
        payload = signing.dumps(
            {"rows": [r.as_dict() for r in rows], "event_name": event_name},
            salt=PAYLOAD_SALT,
            compress=True,
        )
        return render(
            request,
            "ideas/bulk_preview.html",
            {**context, "rows": rows, "event_name": event_name, "payload": payload},
        )
    return render_form(request, "ideas/bulk.html", {**context, "form": form})


@login_required
@require_GET
def moderation(request: HttpRequest) -> HttpResponse:
    try:
        qs = moderation_queue(user=request.user)
    except NotFound:
        raise Http404 from None
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "ideas/moderation.html", {"page": page, "query": ""})


@login_required
@require_http_methods(["GET", "POST"])
@not_found_as_404
def moderate(request: HttpRequest, comment_id: int) -> HttpResponse:
    try:
        target = access_reported_comment(user=request.user, comment_id=comment_id)
    except NotFound:
        raise Http404 from None
    return _form_page(
        request,
        ModerationForm(request.POST or None),
        "ideas/moderate.html",
        {
            "comment": target,
            "reports": comment_open_reports(comment=target),
            "decisions": comment_decisions(comment=target),
        },
        save=lambda form: comment_moderate(
            actor=request.user,
            comment=target,
            decision=form.cleaned_data["decision"],
            reason=form.cleaned_data["reason"],
        ),
        success=lambda record: (
            "The comment has been removed." if record.decision == "hide" else "The comment stays."
        ),
        redirect_to="ideas:moderation",
    )
