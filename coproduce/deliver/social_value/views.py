"""Social value pages: the measure table, promises and delivery, checking, SROI.

Council staff read everything; commissioners import the table, agree promises, verify
delivery and write SROI analyses; a provider's members see their own contracts, propose
promises and report delivery. A published SROI analysis is public. Anything else answers
404, exactly like a missing page.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from coproduce.deliver.contracts.selectors import access_contract, contracts_for_provider_user
from coproduce.foundation.core.errors import NotFound, ServiceError
from coproduce.foundation.core.forms import apply_service_error
from coproduce.foundation.core.http import form_page, not_found_as_404, post_action, render_form
from coproduce.foundation.core.idempotency import posted_key
from coproduce.procure.tenders.documents import BY_CONTENT_TYPE

from . import selectors as sel
from . import services as svc
from .forms import (
    AnalysisForm,
    CommitmentForm,
    DecideCommitmentForm,
    DecideDeliveryForm,
    DeliveryForm,
    MeasureImportForm,
    NewAnalysisForm,
    OutcomeForm,
)
from .measure_csv import COLUMNS, UNITS
from .models import CommitmentStatus, DeliveryStatus, SroiOutcome

# --- the measure table -------------------------------------------------------------------


@login_required
@require_GET
@not_found_as_404
def measures(request: HttpRequest) -> HttpResponse:
    tables = list(sel.measure_tables(user=request.user))
    current = tables[0] if tables else None
    return render(
        request,
        "social_value/measures.html",
        {
            "tables": tables,
            "current": current,
            "measures": list(sel.table_measures(current)),
            "can_manage": request.user.has_perm("social_value.manage"),
            "waiting": sel.verification_queue(user=request.user).count(),
        },
    )


@login_required
@require_GET
@not_found_as_404
def measure_version(request: HttpRequest, version: int) -> HttpResponse:
    table = sel.access_measure_table(user=request.user, version=version)
    return render(
        request,
        "social_value/measure_version.html",
        {"table": table, "measures": list(sel.table_measures(table))},
    )


@login_required
@require_http_methods(["GET", "POST"])
@not_found_as_404
def measure_import(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("social_value.manage"):
        raise NotFound()
    form = MeasureImportForm(request.POST or None, request.FILES or None)
    problems = []
    if request.method == "POST" and form.is_valid():
        try:
            table = svc.measure_table_import_upload(
                actor=request.user,
                upload=form.cleaned_data["file"],
                title=form.cleaned_data["title"],
            )
        except svc.MeasureTableRejected as exc:
            apply_service_error(form, exc)
            problems = exc.problems
        except ServiceError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(
                request, f"Version {table.version} of the measure table is now in use."
            )
            return redirect("social_value:measures")
    return render_form(
        request,
        "social_value/measure_import.html",
        {"form": form, "problems": problems, "columns": COLUMNS, "units": UNITS.items()},
    )


# --- contracts: promises and delivery ----------------------------------------------------


@login_required
@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    contracts = list(contracts_for_provider_user(request.user))
    return render(request, "social_value/mine.html", {"contracts": contracts})


def _contract_context(request, contract, **extra) -> dict:
    commitments = sel.contract_commitments(contract)
    can_manage = request.user.has_perm("contracts.manage_contract", contract)
    can_act = request.user.has_perm("contracts.act_for_provider", contract)
    return {
        "contract": contract,
        "commitments": commitments,
        "summary": sel.summarise(commitments),
        "proposed": [c for c in commitments if c.status == CommitmentStatus.PROPOSED],
        "declined": [c for c in commitments if c.status == CommitmentStatus.DECLINED],
        "can_manage": can_manage,
        "can_act": can_act,
        "has_table": sel.current_measure_table() is not None,
        **extra,
    }


@login_required
@require_GET
@not_found_as_404
def contract(request: HttpRequest, reference: str) -> HttpResponse:
    found = access_contract(request.user, reference)
    return render(request, "social_value/contract.html", _contract_context(request, found))


@login_required
@require_http_methods(["GET", "POST"])
@not_found_as_404
def commitment_add(request: HttpRequest, reference: str) -> HttpResponse:
    found = access_contract(request.user, reference)
    manage = request.user.has_perm("contracts.manage_contract", found)
    if not manage and not request.user.has_perm("contracts.act_for_provider", found):
        raise NotFound()
    table = sel.current_measure_table()
    answers = sel.bid_social_value_answers(found) if manage else []
    form = CommitmentForm(
        request.POST or None, measures=list(sel.table_measures(table)), answers=answers
    )
    return form_page(
        request,
        form,
        "social_value/commitment_form.html",
        {"contract": found, "table": table, "manage": manage, "answers": answers},
        save=lambda f: svc.commitment_add(
            actor=request.user,
            contract=found,
            data=svc.CommitmentData(
                measure_code=f.cleaned_data["measure_code"],
                quantity=f.cleaned_data["quantity"],
                due_by=f.cleaned_data["due_by"],
                details=f.cleaned_data["details"],
                bid_answer_id=f.cleaned_data.get("bid_answer"),
            ),
            submission_key=posted_key(request),
        ),
        success=lambda c: (
            "Promise recorded."
            if c.status == CommitmentStatus.AGREED
            else "Promise proposed. The council will agree it or say why not."
        ),
        redirect_to=("social_value:contract", found.reference),
        raise_not_found=True,
    )


@login_required
@require_POST
@not_found_as_404
def commitment_decide(request: HttpRequest, pk: int) -> HttpResponse:
    commitment = sel.access_commitment(user=request.user, pk=pk, perm="contracts.manage_contract")
    found = commitment.contract
    form = DecideCommitmentForm(request.POST)
    return form_page(
        request,
        form,
        "social_value/contract.html",
        lambda: _contract_context(request, found, decide_form=form, decide_pk=commitment.pk),
        save=lambda f: svc.commitment_decide(
            actor=request.user,
            commitment=commitment,
            agree=f.cleaned_data["decision"] == "agree",
            reason=f.cleaned_data["reason"],
        ),
        success=lambda c: (
            "Promise agreed."
            if c.status == CommitmentStatus.AGREED
            else "Promise not agreed; the provider can see why."
        ),
        redirect_to=("social_value:contract", found.reference),
        raise_not_found=True,
    )


@login_required
@require_http_methods(["GET", "POST"])
@not_found_as_404
def delivery_report(request: HttpRequest, pk: int) -> HttpResponse:
    commitment = sel.access_commitment(user=request.user, pk=pk, perm="contracts.act_for_provider")
    form = DeliveryForm(request.POST or None, request.FILES or None)
    return form_page(
        request,
        form,
        "social_value/delivery_form.html",
        {"commitment": commitment, "contract": commitment.contract},
        save=lambda f: svc.delivery_report(
            actor=request.user,
            commitment=commitment,
            data=svc.DeliveryData(
                quantity=f.cleaned_data["quantity"],
                period_start=f.cleaned_data["period_start"],
                period_end=f.cleaned_data["period_end"],
                description=f.cleaned_data["description"],
            ),
            upload=f.cleaned_data["evidence"],
            submission_key=posted_key(request),
        ),
        success="Delivery reported. An officer will check the evidence.",
        redirect_to=("social_value:contract", commitment.contract.reference),
        raise_not_found=True,
    )


def _delivery_context(request, delivery, form=None) -> dict:
    contract_ = delivery.commitment.contract
    return {
        "delivery": delivery,
        "commitment": delivery.commitment,
        "contract": contract_,
        "can_decide": request.user.has_perm("contracts.manage_contract", contract_)
        and delivery.status == DeliveryStatus.SUBMITTED,
        "form": form or DecideDeliveryForm(),
    }


@login_required
@require_GET
@not_found_as_404
def delivery(request: HttpRequest, pk: int) -> HttpResponse:
    found = sel.access_delivery(user=request.user, pk=pk)
    return render(request, "social_value/delivery.html", _delivery_context(request, found))


@login_required
@require_POST
@not_found_as_404
def delivery_decide(request: HttpRequest, pk: int) -> HttpResponse:
    found = sel.access_delivery(user=request.user, pk=pk, perm="contracts.manage_contract")
    form = DecideDeliveryForm(request.POST)

    def save(f):
        if f.cleaned_data["decision"] == "verify":
            return svc.delivery_verify(
                actor=request.user, delivery=found, note=f.cleaned_data["note"]
            )
        return svc.delivery_reject(
            actor=request.user, delivery=found, reason=f.cleaned_data["note"]
        )

    return form_page(
        request,
        form,
        "social_value/delivery.html",
        lambda: _delivery_context(request, found, form),
        save=save,
        success=lambda d: (
            "Verified: it now counts as delivered."
            if d.status == DeliveryStatus.VERIFIED
            else "Not accepted. The provider can see your reason and report again."
        ),
        redirect_to="social_value:queue",
        raise_not_found=True,
    )


@login_required
@require_GET
@not_found_as_404
def evidence(request: HttpRequest, pk: int) -> HttpResponse:
    found = sel.access_delivery(user=request.user, pk=pk)
    response = HttpResponse(sel.evidence_bytes(found), content_type=found.evidence_content_type)
    # Always a download, never shown inline: the content was checked, but a browser
    # should still not render a provider's file as a page of this site.
    kind = BY_CONTENT_TYPE.get(found.evidence_content_type)
    name = f"evidence-{found.pk}.{kind.extension if kind else 'bin'}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_GET
@not_found_as_404
def queue(request: HttpRequest) -> HttpResponse:
    waiting = list(sel.verification_queue(user=request.user)[:500])
    return render(request, "social_value/queue.html", {"waiting": waiting})


# --- SROI ----------------------------------------------------------------------------------


@login_required
@require_GET
@not_found_as_404
def sroi_list(request: HttpRequest) -> HttpResponse:
    analyses = list(sel.sroi_list(user=request.user)[:500])
    return render(
        request,
        "social_value/sroi_list.html",
        {"analyses": analyses, "can_manage": request.user.has_perm("social_value.manage")},
    )


def _analysis_data(d) -> svc.AnalysisData:
    return svc.AnalysisData(
        title=d["title"],
        kind=d["kind"],
        inputs_pence=d["inputs_pence"],
        inputs_description=d["inputs_description"],
        discount_rate=d["discount_rate"],
        first_year=d["first_year"],
        notes=d["notes"],
    )


@login_required
@require_http_methods(["GET", "POST"])
@not_found_as_404
def sroi_create(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("social_value.manage"):
        raise NotFound()
    initial = {"discount_rate": "3.5"}
    contract_ref = request.GET.get("contract", "")[:30]
    if contract_ref:
        chosen = access_contract(request.user, contract_ref)
        initial.update(
            project=chosen.project.reference,
            contract=chosen.reference,
            inputs_pence=chosen.value_pence,
            inputs_description=f"The contract’s value ({chosen.reference}).",
            first_year=chosen.starts_on.year,
            title=f"Social return on {chosen.title}"[:200],
        )
    form = NewAnalysisForm(request.POST or None, initial=initial)

    def save(f):
        d = f.cleaned_data
        project, chosen = sel.sroi_target(
            user=request.user, project=d["project"], contract=d["contract"]
        )
        return svc.sroi_create(
            actor=request.user,
            project=project,
            contract=chosen,
            data=_analysis_data(d),
            submission_key=posted_key(request),
        )

    return form_page(
        request,
        form,
        "social_value/sroi_form.html",
        {},
        save=save,
        success="Analysis started. Add its outcomes next.",
        redirect_to=lambda a: ("social_value:sroi_detail", a.reference),
    )


@require_GET
@not_found_as_404
def sroi_detail(request: HttpRequest, reference: str) -> HttpResponse:
    analysis = sel.access_sroi(user=request.user, reference=reference)
    can_edit = (
        request.user.is_authenticated
        and request.user.has_perm("social_value.manage")
        and not analysis.is_published
    )
    return render(
        request,
        "social_value/sroi_detail.html",
        {"report": sel.sroi_report(analysis), "analysis": analysis, "can_edit": can_edit},
    )


@login_required
@require_http_methods(["GET", "POST"])
@not_found_as_404
def sroi_edit(request: HttpRequest, reference: str) -> HttpResponse:
    analysis = sel.access_sroi_for_edit(user=request.user, reference=reference)
    initial = {
        "title": analysis.title,
        "kind": analysis.kind,
        "inputs_pence": analysis.inputs_pence,
        "inputs_description": analysis.inputs_description,
        "discount_rate": f"{analysis.discount_rate:g}",
        "first_year": analysis.first_year,
        "notes": analysis.notes,
    }
    form = AnalysisForm(request.POST or None, initial=initial)
    return form_page(
        request,
        form,
        "social_value/sroi_form.html",
        {"analysis": analysis},
        save=lambda f: svc.sroi_update(
            actor=request.user, analysis=analysis, data=_analysis_data(f.cleaned_data)
        ),
        success="Analysis saved.",
        redirect_to=("social_value:sroi_detail", analysis.reference),
    )


def _outcome_data(d) -> svc.OutcomeData:
    return svc.OutcomeData(**{k: d[k] for k in OutcomeForm.base_fields})


def _outcome_initial(o: SroiOutcome) -> dict:
    initial = {k: getattr(o, k) for k in OutcomeForm.base_fields}
    for k in ("quantity", "deadweight", "attribution", "displacement", "drop_off"):
        initial[k] = f"{getattr(o, k):g}"
    return initial


@login_required
@require_http_methods(["GET", "POST"])
@not_found_as_404
def sroi_outcome_add(request: HttpRequest, reference: str) -> HttpResponse:
    analysis = sel.access_sroi_for_edit(user=request.user, reference=reference)
    form = OutcomeForm(
        request.POST or None,
        initial={
            "deadweight": "0",
            "attribution": "0",
            "displacement": "0",
            "drop_off": "0",
            "duration_years": 1,
        },
    )
    return form_page(
        request,
        form,
        "social_value/outcome_form.html",
        {"analysis": analysis},
        save=lambda f: svc.sroi_outcome_add(
            actor=request.user,
            analysis=analysis,
            data=_outcome_data(f.cleaned_data),
            submission_key=posted_key(request),
        ),
        success="Outcome added.",
        redirect_to=("social_value:sroi_detail", analysis.reference),
    )


def _access_outcome(request, reference: str, pk: int) -> SroiOutcome:
    analysis = sel.access_sroi_for_edit(user=request.user, reference=reference)
    outcome = analysis.outcomes.filter(pk=pk).first()
    if outcome is None:
        raise NotFound()
    return outcome


@login_required
@require_http_methods(["GET", "POST"])
@not_found_as_404
def sroi_outcome_edit(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    outcome = _access_outcome(request, reference, pk)
    form = OutcomeForm(request.POST or None, initial=_outcome_initial(outcome))
    return form_page(
        request,
        form,
        "social_value/outcome_form.html",
        {"analysis": outcome.analysis, "outcome": outcome},
        save=lambda f: svc.sroi_outcome_update(
            actor=request.user, outcome=outcome, data=_outcome_data(f.cleaned_data)
        ),
        success="Outcome saved.",
        redirect_to=("social_value:sroi_detail", reference),
    )


@login_required
@require_POST
@not_found_as_404
def sroi_outcome_remove(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    outcome = _access_outcome(request, reference, pk)
    return post_action(
        request,
        lambda: svc.sroi_outcome_remove(actor=request.user, outcome=outcome),
        success="Outcome removed.",
        redirect_to=("social_value:sroi_detail", reference),
    )


@login_required
@require_POST
@not_found_as_404
def sroi_publish(request: HttpRequest, reference: str) -> HttpResponse:
    analysis = sel.access_sroi_for_edit(user=request.user, reference=reference)
    return post_action(
        request,
        lambda: svc.sroi_publish(actor=request.user, analysis=analysis),
        success="Analysis published. It is now on the project’s public page.",
        redirect_to=("social_value:sroi_detail", analysis.reference),
    )
