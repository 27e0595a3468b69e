"""Monitoring pages: the provider's returns and plans, the officer's desk, one contract's
monitoring, one return with its history and thread, plans and annual assessments.

Every page is behind sign-in; a contract, return or plan the person may not see answers
404 exactly like a missing one (``contracts`` rules through the selectors).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from coproduce.deliver.contracts.selectors import access_contract
from coproduce.foundation.core.errors import NotFound
from coproduce.foundation.core.http import form_page, not_found_as_404, post_action
from coproduce.foundation.core.idempotency import posted_key
from coproduce.procure.tenders.documents import BY_CONTENT_TYPE

from . import selectors as sel
from . import services as svc
from . import services_plans as plans
from .forms import (
    AcceptForm,
    AnswerForm,
    AssessmentForm,
    CorrectionForm,
    PlanAgreeForm,
    PlanChangesForm,
    PlanForm,
    QueryForm,
    ReturnForm,
    kpi_field_name,
)
from .models import KPIAssessment, PlanStatus, Rating, ReturnStatus

PROVIDER = svc.PROVIDER
OFFICER = svc.OFFICER
GET_POST = require_http_methods(["GET", "POST"])


def _number(value: int) -> int:
    """A period, KPI or year number from the URL; 404 for one no contract could have."""
    if not 0 < value < 10_000:
        raise NotFound()
    return value


# --- lists ----------------------------------------------------------------------------


@login_required
@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    """The provider's contracts: returns to send, late ones, questions, plans to write."""
    return render(
        request,
        "monitoring/mine.html",
        {
            "contracts": sel.provider_contracts(user=request.user),
            "is_staff": request.user.has_perm("contracts.view_list"),
        },
    )


@login_required
@require_GET
@not_found_as_404
def desk(request: HttpRequest) -> HttpResponse:
    """Council staff: returns to check, questions waiting, late returns, plans."""
    return render(request, "monitoring/desk.html", {"desk": sel.officer_desk(user=request.user)})


@login_required
@require_GET
@not_found_as_404
def contract(request: HttpRequest, reference: str) -> HttpResponse:
    """One contract's monitoring: its periods and returns, KPI results and plans."""
    c = access_contract(request.user, reference)
    rows = sel.period_rows(c)
    return render(
        request,
        "monitoring/contract.html",
        {
            "contract": c,
            "rows": list(reversed(rows)),
            "kpis": sel.kpi_views(c, accepted_only=False),
            "needs": sel.plan_needs(c),
            "years": sel.assessable_years(c),
            "due_days": sel.due_days(),
            "can_send": request.user.has_perm(PROVIDER, c),
            "can_manage": request.user.has_perm(OFFICER, c),
        },
    )


# --- sending a return -----------------------------------------------------------------


@login_required
@GET_POST
@not_found_as_404
def submit(request: HttpRequest, reference: str, number: int) -> HttpResponse:
    """The provider sends the return for one period."""
    c = access_contract(request.user, reference, perm=PROVIDER)
    found = sel.contract_period(c, _number(number))
    if found is None and request.method == "GET":
        raise NotFound()
    if c.monitoring_returns.filter(number=number).exists() and request.method == "GET":
        return redirect("monitoring:return_detail", c.reference, number)
    kpis = []
    label = f"Period {number}"
    period = None
    if found is not None:
        period, months = found
        kpis = sel.asked_kpis(sel.contract_kpis(c), months, period)
        label = sel.period_label(months, number)
    form = ReturnForm(request.POST or None, request.FILES or None, kpis=kpis)
    return form_page(
        request,
        form,
        "monitoring/submit.html",
        {"contract": c, "period": period, "label": label, "due_days": sel.due_days()},
        save=lambda f: svc.return_submit(
            actor=request.user,
            contract=c,
            number=number,
            figures=f.figures(),
            commentary=f.cleaned_data["commentary"],
            files=f.cleaned_data["evidence"],
            submission_key=posted_key(request),
        ),
        success=f"Your return for {label.lower()} has been sent.",
        redirect_to=lambda ret: ("monitoring:return_detail", c.reference, ret.number),
        raise_not_found=True,
    )


# --- one return -----------------------------------------------------------------------


def _detail_context(request, ret, **forms) -> dict:
    c = ret.contract
    can_manage = request.user.has_perm(OFFICER, c)
    can_act = request.user.has_perm(PROVIDER, c)
    submissions = sel.return_submissions(ret)
    months = sel.contract_months(c) or 1
    return {
        "contract": c,
        "ret": ret,
        "label": sel.period_label(months, ret.number),
        "current": submissions[0] if submissions else None,
        "earlier": submissions[1:],
        "thread": sel.return_thread(ret),
        "sent_late": timezone.localdate(ret.first_submitted_at) > ret.due_on,
        "can_check": can_manage and ret.status == ReturnStatus.SUBMITTED,
        "can_answer": can_act and ret.status == ReturnStatus.QUERIED,
        "query_form": forms.get("query_form") or QueryForm(),
        "accept_form": forms.get("accept_form") or AcceptForm(),
        "answer_form": forms.get("answer_form") or AnswerForm(),
    }


@login_required
@require_GET
@not_found_as_404
def return_detail(request: HttpRequest, reference: str, number: int) -> HttpResponse:
    ret = sel.access_return(request.user, reference, _number(number))
    return render(request, "monitoring/return.html", _detail_context(request, ret))


def _return_form_action(request, reference, number, *, perm, form, name, save, success):
    ret = sel.access_return(request.user, reference, _number(number), perm=perm)
    return form_page(
        request,
        form,
        "monitoring/return.html",
        lambda: _detail_context(request, ret, **{name: form}),
        save=lambda f: save(ret, f),
        success=success,
        redirect_to=("monitoring:return_detail", ret.contract.reference, ret.number),
        raise_not_found=True,
    )


@login_required
@require_POST
@not_found_as_404
def query(request: HttpRequest, reference: str, number: int) -> HttpResponse:
    """The officer asks the provider a question about the return."""
    return _return_form_action(
        request,
        reference,
        number,
        perm=OFFICER,
        form=QueryForm(request.POST),
        name="query_form",
        save=lambda ret, f: svc.return_query(
            actor=request.user, monitoring_return=ret, question=f.cleaned_data["question"]
        ),
        success="Your question has been sent to the provider.",
    )


@login_required
@require_POST
@not_found_as_404
def accept(request: HttpRequest, reference: str, number: int) -> HttpResponse:
    """The officer accepts the return: its figures become public."""
    return _return_form_action(
        request,
        reference,
        number,
        perm=OFFICER,
        form=AcceptForm(request.POST),
        name="accept_form",
        save=lambda ret, f: svc.return_accept(
            actor=request.user, monitoring_return=ret, note=f.cleaned_data["note"]
        ),
        success="The return has been accepted. Its figures are now on the project page.",
    )


@login_required
@require_POST
@not_found_as_404
def answer(request: HttpRequest, reference: str, number: int) -> HttpResponse:
    """The provider answers a question without changing the figures."""
    return _return_form_action(
        request,
        reference,
        number,
        perm=PROVIDER,
        form=AnswerForm(request.POST),
        name="answer_form",
        save=lambda ret, f: svc.return_answer(
            actor=request.user, monitoring_return=ret, answer=f.cleaned_data["answer"]
        ),
        success="Your answer has been sent to the council.",
    )


@login_required
@GET_POST
@not_found_as_404
def correct(request: HttpRequest, reference: str, number: int) -> HttpResponse:
    """The provider answers a question with corrected figures (a new version)."""
    ret = sel.access_return(request.user, reference, _number(number), perm=PROVIDER)
    c = ret.contract
    current = sel.return_submissions(ret)[0]
    kpis = [f.kpi for f in current.figures.all()]
    if ret.status != ReturnStatus.QUERIED and request.method == "GET":
        messages.info(
            request, "This return can be corrected only when the council asks a question."
        )
        return redirect("monitoring:return_detail", c.reference, ret.number)
    initial = {kpi_field_name(f.kpi): f"{f.value.normalize():f}" for f in current.figures.all()}
    initial["commentary"] = current.commentary
    form = CorrectionForm(request.POST or None, request.FILES or None, kpis=kpis, initial=initial)
    months = sel.contract_months(c) or 1
    return form_page(
        request,
        form,
        "monitoring/correct.html",
        {
            "contract": c,
            "ret": ret,
            "label": sel.period_label(months, ret.number),
            "thread": sel.return_thread(ret),
        },
        save=lambda f: svc.return_correct(
            actor=request.user,
            monitoring_return=ret,
            figures=f.figures(),
            answer=f.cleaned_data["answer"],
            commentary=f.cleaned_data["commentary"],
            files=f.cleaned_data["evidence"],
            submission_key=posted_key(request),
        ),
        success="Your corrected return has been sent to the council.",
        redirect_to=("monitoring:return_detail", c.reference, ret.number),
        raise_not_found=True,
    )


@login_required
@require_GET
@not_found_as_404
def evidence(request: HttpRequest, reference: str, number: int, file_id: int) -> HttpResponse:
    """An evidence file, always as a download with its checked type (never rendered)."""
    ret = sel.access_return(request.user, reference, _number(number))
    doc = sel.evidence_file(ret, file_id)
    kind = BY_CONTENT_TYPE.get(doc.content_type)
    extension = kind.extension if kind else "bin"
    stem = doc.name.rsplit(".", 1)[0] if "." in doc.name else doc.name
    safe = "".join(ch if ch.isalnum() or ch in " -_" else "-" for ch in stem).strip() or "evidence"
    response = FileResponse(
        default_storage.open(doc.file.name, "rb"),
        as_attachment=True,
        filename=f"{ret.contract.reference} return {ret.number} {safe}.{extension}",
        content_type=doc.content_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


# --- improvement plans ----------------------------------------------------------------


def _plan_data(form) -> plans.PlanData:
    d = form.cleaned_data
    return plans.PlanData(actions=d["actions"], owner=d["owner"], by_when=d["by_when"])


@login_required
@GET_POST
@not_found_as_404
def plan_new(request: HttpRequest, reference: str, position: int, number: int) -> HttpResponse:
    """The provider writes the improvement plan for a KPI red twice in a row."""
    c = access_contract(request.user, reference, perm=PROVIDER)
    kpi = sel.access_kpi(c, _number(position))
    need = sel.plan_need(c, kpi, _number(number))
    if need.plan is not None:
        return redirect("monitoring:plan_detail", c.reference, need.plan.pk)
    return form_page(
        request,
        PlanForm(request.POST or None),
        "monitoring/plan_form.html",
        {"contract": c, "kpi": kpi, "need": need, "plan": None},
        save=lambda f: plans.plan_submit(
            actor=request.user,
            contract=c,
            kpi=kpi,
            trigger_number=number,
            data=_plan_data(f),
            submission_key=posted_key(request),
        ),
        success="Your improvement plan has been sent to the council.",
        redirect_to=lambda plan: ("monitoring:plan_detail", c.reference, plan.pk),
        raise_not_found=True,
    )


def _plan_context(request, plan, **forms) -> dict:
    c = plan.contract
    return {
        "contract": c,
        "plan": plan,
        "points": sel.kpi_series(c, accepted_only=False).get(plan.kpi_id, []),
        "can_decide": request.user.has_perm(OFFICER, c) and plan.status == PlanStatus.SUBMITTED,
        "can_revise": request.user.has_perm(PROVIDER, c) and plan.status == PlanStatus.CHANGES,
        "agree_form": forms.get("agree_form") or PlanAgreeForm(),
        "changes_form": forms.get("changes_form") or PlanChangesForm(),
    }


@login_required
@require_GET
@not_found_as_404
def plan_detail(request: HttpRequest, reference: str, plan_id: int) -> HttpResponse:
    plan = sel.access_plan(request.user, reference, plan_id)
    return render(request, "monitoring/plan.html", _plan_context(request, plan))


@login_required
@GET_POST
@not_found_as_404
def plan_edit(request: HttpRequest, reference: str, plan_id: int) -> HttpResponse:
    """The provider changes a plan the council sent back."""
    plan = sel.access_plan(request.user, reference, plan_id, perm=PROVIDER)
    if plan.status != PlanStatus.CHANGES and request.method == "GET":
        return redirect("monitoring:plan_detail", plan.contract.reference, plan.pk)
    form = PlanForm(
        request.POST or None,
        initial={"actions": plan.actions, "owner": plan.owner, "by_when": plan.by_when},
    )
    return form_page(
        request,
        form,
        "monitoring/plan_form.html",
        {"contract": plan.contract, "kpi": plan.kpi, "need": None, "plan": plan},
        save=lambda f: plans.plan_revise(actor=request.user, plan=plan, data=_plan_data(f)),
        success="Your changed plan has been sent to the council.",
        redirect_to=("monitoring:plan_detail", plan.contract.reference, plan.pk),
        raise_not_found=True,
    )


def _plan_decision(request, reference, plan_id, *, form, name, save, success):
    plan = sel.access_plan(request.user, reference, plan_id, perm=OFFICER)
    return form_page(
        request,
        form,
        "monitoring/plan.html",
        lambda: _plan_context(request, plan, **{name: form}),
        save=lambda f: save(plan, f),
        success=success,
        redirect_to=("monitoring:plan_detail", plan.contract.reference, plan.pk),
        raise_not_found=True,
    )


@login_required
@require_POST
@not_found_as_404
def plan_agree(request: HttpRequest, reference: str, plan_id: int) -> HttpResponse:
    return _plan_decision(
        request,
        reference,
        plan_id,
        form=PlanAgreeForm(request.POST),
        name="agree_form",
        save=lambda plan, f: plans.plan_agree(
            actor=request.user, plan=plan, note=f.cleaned_data["note"]
        ),
        success="The improvement plan is agreed.",
    )


@login_required
@require_POST
@not_found_as_404
def plan_changes(request: HttpRequest, reference: str, plan_id: int) -> HttpResponse:
    return _plan_decision(
        request,
        reference,
        plan_id,
        form=PlanChangesForm(request.POST),
        name="changes_form",
        save=lambda plan, f: plans.plan_ask_changes(
            actor=request.user, plan=plan, note=f.cleaned_data["note"]
        ),
        success="The plan has been sent back to the provider with what needs to change.",
    )


# --- annual assessments ---------------------------------------------------------------


@login_required
@GET_POST
@not_found_as_404
def assess(request: HttpRequest, reference: str, position: int, year: int) -> HttpResponse:
    """The officer rates a KPI for an ended contract year, with reasons."""
    c = access_contract(request.user, reference, perm=OFFICER)
    kpi = sel.access_kpi(c, _number(position))
    existing = KPIAssessment.objects.filter(kpi=kpi, year=_number(year)).first()
    suggestion = sel.suggested_rating(c, kpi, year)
    initial = (
        {"rating": existing.rating, "reasons": existing.reasons}
        if existing
        else {"rating": suggestion}
    )
    return form_page(
        request,
        AssessmentForm(request.POST or None, initial=initial),
        "monitoring/assess.html",
        {
            "contract": c,
            "kpi": kpi,
            "year": year,
            "existing": existing,
            "ended": year in sel.assessable_years(c),
            "points": sel.year_points(c, kpi, year),
            "suggestion": Rating(suggestion).label if suggestion else "",
        },
        save=lambda f: plans.assessment_record(
            actor=request.user,
            contract=c,
            kpi=kpi,
            year=year,
            rating=f.cleaned_data["rating"],
            reasons=f.cleaned_data["reasons"],
        ),
        success="The assessment is saved. Publish it when it is final.",
        redirect_to=("monitoring:assess", c.reference, kpi.position, year),
        raise_not_found=True,
    )


@login_required
@require_POST
@not_found_as_404
def assessment_publish(
    request: HttpRequest, reference: str, position: int, year: int
) -> HttpResponse:
    c = access_contract(request.user, reference, perm=OFFICER)
    kpi = sel.access_kpi(c, _number(position))
    assessment = KPIAssessment.objects.filter(kpi=kpi, year=_number(year)).first()
    if assessment is None:
        raise NotFound()
    assessment.contract = c
    return post_action(
        request,
        lambda: plans.assessment_publish(actor=request.user, assessment=assessment),
        success="The assessment is published on the project page.",
        redirect_to=("monitoring:assess", c.reference, kpi.position, year),
        raise_not_found=True,
    )
