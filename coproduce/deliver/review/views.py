"""Review and decommissioning pages. Views parse input, call a selector or service, render."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from coproduce.foundation.core.http import form_page, not_found_as_404, post_action
from coproduce.foundation.core.idempotency import posted_key

from . import letters
from . import selectors as sel
from . import services as svc
from .forms import (
    ActionForm,
    ActionUpdateForm,
    DecisionForm,
    GroupForm,
    NoticeForm,
    ReviewForm,
    StartReviewForm,
)
from .models import Outcome

# --- review ------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
@not_found_as_404
def start(request: HttpRequest, reference: str) -> HttpResponse:
    """Confirm starting the review of a project in deliver (moves it to review)."""
    project = sel.access_project_for_review(request.user, reference)
    return form_page(
        request,
        # A confirmation with no fields: bound on any POST, even an empty one.
        StartReviewForm(request.POST if request.method == "POST" else None),
        "review/start.html",
        {"project": project, "existing": sel.review_for_cycle(project, project.cycle)},
        save=lambda form: svc.review_start(actor=request.user, project=project),
        success=lambda review: (
            f"Review {review.reference} started: the project is at the review stage."
        ),
        redirect_to=lambda review: ("review:manage", review.reference),
    )


def _report_context(review) -> dict:
    report = sel.review_report(review)
    return {
        "review": review,
        "report": report,
        "figures": sel.figures_of(review),
        "project": review.project,
    }


@require_GET
@not_found_as_404
def report(request: HttpRequest, reference: str) -> HttpResponse:
    """The review report: public once published; council staff see the draft."""
    review = sel.access_review(request.user, reference)
    context = _report_context(review)
    context["can_manage"] = request.user.has_perm("review.manage")
    return render(request, "review/report.html", context)


@login_required
@require_http_methods(["GET", "POST"])
@not_found_as_404
def manage(request: HttpRequest, reference: str) -> HttpResponse:
    """The officer writes the conclusions and the equality impact revisited."""
    review = sel.access_review(request.user, reference, perm="review.manage")
    form = ReviewForm(
        request.POST or None,
        initial={"conclusions": review.conclusions, "equality_notes": review.equality_notes},
    )
    return form_page(
        request,
        form,
        "review/manage.html",
        lambda: _report_context(review),
        save=lambda form: svc.review_update(
            actor=request.user,
            review=review,
            conclusions=form.cleaned_data["conclusions"],
            equality_notes=form.cleaned_data["equality_notes"],
        ),
        success="Review saved.",
        redirect_to=("review:manage", review.reference),
    )


@login_required
@require_POST
@not_found_as_404
def publish(request: HttpRequest, reference: str) -> HttpResponse:
    review = sel.access_review(request.user, reference, perm="review.manage")
    return post_action(
        request,
        lambda: svc.review_publish(actor=request.user, review=review),
        success="The review report is published.",
        redirect_to=("review:manage", review.reference),
    )


@login_required
@require_http_methods(["GET", "POST"])
@not_found_as_404
def decide(request: HttpRequest, reference: str) -> HttpResponse:
    """Recommission (as it is or with changes) or decommission, with published reasons."""
    review = sel.access_review(request.user, reference, perm="review.manage")

    def where_next(decision):
        if decision.outcome == Outcome.DECOMMISSION:
            return ("review:decommissioning_manage", decision.decommissioning.reference)
        return ("review:report", review.reference)

    return form_page(
        request,
        DecisionForm(request.POST or None),
        "review/decide.html",
        {"review": review, "project": review.project, "decision": sel.decision_of(review)},
        save=lambda form: svc.review_decide(
            actor=request.user,
            review=review,
            outcome=form.cleaned_data["outcome"],
            reasons=form.cleaned_data["reasons"],
            changes=form.cleaned_data["changes"],
        ),
        success=lambda decision: f"Decision recorded: {decision.get_outcome_display().lower()}.",
        redirect_to=where_next,
    )


# --- decommissioning ------------------------------------------------------------------------------


def _decommissioning_context(d) -> dict:
    groups = sel.transition_plan(d)
    return {
        "d": d,
        "project": d.project,
        "groups": groups,
        "progress": sel.plan_progress(d),
        "today": timezone.localdate(),
    }


@require_GET
@not_found_as_404
def decommissioning(request: HttpRequest, reference: str) -> HttpResponse:
    """Public once notice is given: the decision, reasons, notice, letters and plan."""
    d = sel.access_decommissioning(request.user, reference)
    context = _decommissioning_context(d)
    context["can_manage"] = request.user.has_perm("review.manage")
    return render(request, "review/decommissioning.html", context)


@login_required
@require_GET
@not_found_as_404
def decommissioning_manage(request: HttpRequest, reference: str) -> HttpResponse:
    d = sel.access_decommissioning(request.user, reference, perm="review.manage")
    context = _decommissioning_context(d)
    context["problems"] = svc.notice_problems(d) if not d.notice_given else []
    return render(request, "review/decommissioning_manage.html", context)


@login_required
@require_http_methods(["GET", "POST"])
@not_found_as_404
def notice(request: HttpRequest, reference: str) -> HttpResponse:
    """Give notice to the provider and to the people using the service."""
    d = sel.access_decommissioning(request.user, reference, perm="review.manage")
    contracts = sel.live_contracts(d.project)
    initial = {
        "notice_months": svc.DEFAULT_NOTICE_MONTHS,
        "contact_name": d.contact_name,
        "contract": d.contract_id or (contracts[0].pk if len(contracts) == 1 else None),
    }
    form = NoticeForm(request.POST or None, initial=initial, contracts=contracts)
    return form_page(
        request,
        form,
        "review/notice.html",
        lambda: {
            **_decommissioning_context(d),
            "problems": svc.notice_problems(d),
            "minimum": svc.MINIMUM_NOTICE_MONTHS,
        },
        save=lambda form: svc.decommissioning_give_notice(
            actor=request.user,
            decommissioning=d,
            data=svc.NoticeData(
                contract_id=form.cleaned_data["contract"],
                notice_months=form.cleaned_data["notice_months"],
                service_ends_on=form.cleaned_data["service_ends_on"],
                message_to_users=form.cleaned_data["message_to_users"],
                easy_read_message=form.cleaned_data["easy_read_message"],
                contact_name=form.cleaned_data["contact_name"],
                contact_details=form.cleaned_data["contact_details"],
                equality_summary=form.cleaned_data["equality_summary"],
            ),
        ),
        success="Notice given. The letters are ready to send and are now public.",
        redirect_to=("review:decommissioning_manage", d.reference),
    )


@login_required
@require_http_methods(["GET", "POST"])
@not_found_as_404
def group_add(request: HttpRequest, reference: str) -> HttpResponse:
    d = sel.access_decommissioning(request.user, reference, perm="review.manage")
    return form_page(
        request,
        GroupForm(request.POST or None),
        "review/group_form.html",
        {"d": d, "project": d.project},
        save=lambda form: svc.transition_group_add(
            actor=request.user,
            decommissioning=d,
            data=svc.GroupData(
                who=form.cleaned_data["who"],
                people_count=form.cleaned_data["people_count"],
                destination=form.cleaned_data["destination"],
                by_when=form.cleaned_data["by_when"],
                responsible=form.cleaned_data["responsible"],
            ),
            submission_key=posted_key(request),
        ),
        success="Group added to the transition plan.",
        redirect_to=("review:decommissioning_manage", d.reference),
    )


@login_required
@require_http_methods(["GET", "POST"])
@not_found_as_404
def action_add(request: HttpRequest, reference: str, position: int) -> HttpResponse:
    d = sel.access_decommissioning(request.user, reference, perm="review.manage")
    group = sel.access_group(d, position)
    return form_page(
        request,
        ActionForm(request.POST or None),
        "review/action_form.html",
        {"d": d, "group": group, "project": d.project},
        save=lambda form: svc.transition_action_add(
            actor=request.user,
            group=group,
            text=form.cleaned_data["text"],
            owner=form.cleaned_data["owner"],
            due_on=form.cleaned_data["due_on"],
            submission_key=posted_key(request),
        ),
        success="Action added.",
        redirect_to=("review:decommissioning_manage", d.reference),
    )


@login_required
@require_http_methods(["GET", "POST"])
@not_found_as_404
def action_update(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    d = sel.access_decommissioning(request.user, reference, perm="review.manage")
    action = sel.access_action(d, pk)
    form = ActionUpdateForm(
        request.POST or None,
        initial={
            "status": action.status,
            "done_on": action.done_on,
            "explanation": action.explanation,
        },
    )
    return form_page(
        request,
        form,
        "review/action_update.html",
        {"d": d, "action": action, "project": d.project},
        save=lambda form: svc.transition_action_update(
            actor=request.user,
            action=action,
            status=form.cleaned_data["status"],
            done_on=form.cleaned_data["done_on"],
            explanation=form.cleaned_data["explanation"],
        ),
        success="Action updated.",
        redirect_to=("review:decommissioning_manage", d.reference),
    )


@require_GET
@not_found_as_404
def transition_plan(request: HttpRequest, reference: str) -> HttpResponse:
    d = sel.access_decommissioning(request.user, reference)
    return render(request, "review/transition_plan.html", _decommissioning_context(d))


def _letter_page(request, d, *, audience: str, easy: bool) -> HttpResponse:
    groups = sel.transition_plan(d)
    if not d.notice_given:
        # Staff may look at the decommissioning before notice; the letters exist only after.
        return render(request, "review/letter_not_yet.html", {"d": d, "project": d.project})
    context = {"d": d, "project": d.project, "audience": audience, "groups": groups}
    if easy:
        build = letters.users_easy_read if audience == "users" else letters.provider_easy_read
        context["lines"] = build(d, groups)
        return render(request, "review/letter_easy_read.html", context)
    build = letters.users_letter if audience == "users" else letters.provider_letter
    context["letter"] = build(d, groups)
    return render(request, "review/letter.html", context)


@require_GET
@not_found_as_404
def letter(request: HttpRequest, reference: str) -> HttpResponse:
    """The letter to the people using the service (public once notice is given)."""
    d = sel.access_decommissioning(request.user, reference)
    return _letter_page(request, d, audience="users", easy=False)


@require_GET
@not_found_as_404
def letter_easy_read(request: HttpRequest, reference: str) -> HttpResponse:
    d = sel.access_decommissioning(request.user, reference)
    return _letter_page(request, d, audience="users", easy=True)


@login_required
@require_GET
@not_found_as_404
def provider_letter(request: HttpRequest, reference: str) -> HttpResponse:
    """The notice to the provider: its members and council staff only."""
    d = sel.access_decommissioning_for_provider(request.user, reference)
    return _letter_page(request, d, audience="provider", easy=False)


@login_required
@require_GET
@not_found_as_404
def provider_letter_easy_read(request: HttpRequest, reference: str) -> HttpResponse:
    d = sel.access_decommissioning_for_provider(request.user, reference)
    return _letter_page(request, d, audience="provider", easy=True)
