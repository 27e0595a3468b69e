"""Contract pages: the staff list and contract page with its forms, and the provider's own
"Your contracts" (the public sees contracts on project pages). Every refusal is a 404."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from coproduce.foundation.accounts.models import COUNCIL_ROLES, Organisation, User
from coproduce.foundation.core.errors import NotFound
from coproduce.foundation.core.http import form_page, not_found_as_404, post_action
from coproduce.foundation.core.idempotency import posted_key

from . import kpi_terms
from . import selectors as sel
from . import services as svc
from .forms import (
    ChangeForm,
    ContactForm,
    ExistingContractForm,
    KPIFrameworkForm,
    ProposalAnswerForm,
    ProposalForm,
)

MANAGE = "contracts.manage_contract"
PROVIDER = "contracts.act_for_provider"


@login_required
@require_GET
@not_found_as_404
def contract_list(request: HttpRequest) -> HttpResponse:
    contracts = list(sel.contract_list(user=request.user)[:500])
    return render(request, "contracts/list.html", {"contracts": contracts})


@login_required
@require_GET
@not_found_as_404
def contract_detail(request: HttpRequest, reference: str) -> HttpResponse:
    contract = sel.access_contract_by_reference(request.user, reference)
    context = sel.contract_page(contract)
    context["can_manage"] = request.user.has_perm(MANAGE, contract)
    return render(request, "contracts/detail.html", context)


def _manage(request: HttpRequest, reference: str):
    return sel.access_contract(request.user, reference, perm=MANAGE)


def _plain(figure) -> str:
    """85.00 → "85", 12.50 → "12.5"."""
    text = f"{figure:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _back(contract) -> str:
    return reverse("contracts:detail", args=[contract.reference])


@login_required
@require_http_methods(["GET", "POST"])
@not_found_as_404
def kpi_edit(request: HttpRequest, reference: str, position: int) -> HttpResponse:
    contract = _manage(request, reference)
    kpi = sel.access_kpi(contract, position)
    initial = {
        # A target still to be set (its specification target had no figure) starts empty.
        "target": "" if kpi_terms.target_to_set(kpi.text) is not None else _plain(kpi.target),
        "direction": kpi.direction,
        "green_from": _plain(kpi.green_from),
        "red_beyond": _plain(kpi.red_beyond),
        "why_asked": kpi.why_asked,
        "how_used": kpi.how_used,
    }
    form = KPIFrameworkForm(request.POST or None, initial=initial)
    return form_page(
        request,
        form,
        "contracts/kpi_edit.html",
        {"contract": contract, "kpi": kpi},
        save=lambda f: svc.kpi_framework_update(
            actor=request.user,
            kpi=kpi,
            data=svc.KPIFrameworkData(
                direction=f.cleaned_data["direction"],
                green_from=f.cleaned_data["green_from"],
                red_beyond=f.cleaned_data["red_beyond"],
                why_asked=f.cleaned_data["why_asked"],
                how_used=f.cleaned_data["how_used"],
                target=f.cleaned_data["target"],
            ),
        ),
        success=f"KPI {kpi.position} saved.",
        redirect_to=_back(contract) + "#framework",
        raise_not_found=True,
    )


@login_required
@require_http_methods(["GET", "POST"])
@not_found_as_404
def proposal_answer(request: HttpRequest, reference: str, proposal_id: int) -> HttpResponse:
    contract = _manage(request, reference)
    proposal = sel.access_proposal(contract, proposal_id)
    return form_page(
        request,
        ProposalAnswerForm(request.POST or None),
        "contracts/proposal_answer.html",
        {"contract": contract, "proposal": proposal},
        save=lambda f: svc.framework_proposal_decide(
            actor=request.user,
            proposal=proposal,
            accept=f.cleaned_data["answer"] == "accept",
            reason=f.cleaned_data["reason"],
        ),
        success="Your answer is saved and the provider can see it.",
        redirect_to=_back(contract) + "#proposals",
        raise_not_found=True,
    )


@login_required
@require_POST
@not_found_as_404
def framework_agree(request: HttpRequest, reference: str) -> HttpResponse:
    """Agree the framework: as the council (commissioners) or as the provider (members)."""
    contract = sel.access_contract(request.user, reference)
    if request.user.has_perm(MANAGE, contract):
        side, back = "council", _back(contract)
    elif request.user.has_perm(PROVIDER, contract):
        side, back = "provider", reverse("contracts:mine_detail", args=[contract.reference])
    else:
        raise NotFound()

    def success(version) -> str:
        if version.is_agreed:
            return f"Version {version.number} of the framework is agreed by both sides."
        return "You have agreed the framework. It is fixed when the other side agrees too."

    return post_action(
        request,
        lambda: svc.framework_agree(actor=request.user, contract=contract, side=side),
        success=success,
        redirect_to=back + "#framework",
        raise_not_found=True,
    )


@login_required
@require_http_methods(["GET", "POST"])
@not_found_as_404
def change_record(request: HttpRequest, reference: str) -> HttpResponse:
    contract = _manage(request, reference)
    context = sel.contract_page(contract)
    return form_page(
        request,
        ChangeForm(request.POST or None),
        "contracts/change.html",
        context,
        save=lambda f: svc.contract_change_record(
            actor=request.user,
            contract=contract,
            data=svc.ChangeData(
                kind=f.cleaned_data["kind"],
                reason=f.cleaned_data["reason"],
                value_change_pence=f.cleaned_data["value_change"] or 0,
                effective_on=f.cleaned_data["effective_on"],
                approved_by=f.cleaned_data["approved_by"],
                extension_months=f.cleaned_data["extension_months"] or 0,
            ),
            submission_key=posted_key(request),
        ),
        success=lambda change: (
            f"{change.get_kind_display()} recorded."
            + (" It is flagged: see the changes." if change.flagged else "")
        ),
        redirect_to=_back(contract) + "#changes",
        raise_not_found=True,
    )


@login_required
@require_http_methods(["GET", "POST"])
@not_found_as_404
def contact_change(request: HttpRequest, reference: str) -> HttpResponse:
    contract = _manage(request, reference)
    officers = User.objects.filter(is_active=True, role__in=COUNCIL_ROLES).order_by("full_name")
    return form_page(
        request,
        ContactForm(request.POST or None, officers=officers),
        "contracts/contact.html",
        {"contract": contract, "contacts": sel.contact_history(contract)},
        save=lambda f: svc.contract_contact_change(
            actor=request.user,
            contract=contract,
            contact_id=f.cleaned_data["contact"],
            reason=f.cleaned_data["reason"],
        ),
        success="The council contact is changed and the change is recorded.",
        redirect_to=_back(contract) + "#contacts",
        raise_not_found=True,
    )


@login_required
@require_http_methods(["GET", "POST"])
@not_found_as_404
def record_existing(request: HttpRequest, project_ref: str) -> HttpResponse:
    """Record a contract let before coproduce, for a project in deliver."""
    project = sel.access_project_for_record(request.user, project_ref)
    organisations = Organisation.objects.order_by("name")
    form = ExistingContractForm(request.POST or None, organisations=organisations)

    def save(f):
        d = f.cleaned_data
        return svc.contract_record_existing(
            actor=request.user,
            project=project,
            data=svc.ExistingContractData(
                provider_id=d["provider"],
                title=d["title"],
                value_pence=d["value"],
                starts_on=d["starts_on"],
                ends_on=d["ends_on"],
                extension_months_available=d["extension_months_available"] or 0,
                extension_terms=d["extension_terms"],
                kpis=[svc.KPIData(**row) for row in f.kpi_rows()],
            ),
            submission_key=posted_key(request),
        )

    return form_page(
        request,
        form,
        "contracts/record.html",
        {"project": project},
        save=save,
        success=lambda c: f"Contract {c.reference} recorded. Set its framework next.",
        redirect_to=lambda c: ("contracts:detail", c.reference),
        raise_not_found=True,
    )


# --- the provider's side ----------------------------------------------------------------------


@login_required
@require_GET
def my_contracts(request: HttpRequest) -> HttpResponse:
    contracts = list(sel.contracts_for_provider_user(request.user)[:200])
    return render(request, "contracts/mine.html", {"contracts": contracts})


@login_required
@require_GET
@not_found_as_404
def my_contract(request: HttpRequest, reference: str) -> HttpResponse:
    contract = sel.access_contract(request.user, reference, perm=PROVIDER)
    return render(request, "contracts/mine_detail.html", sel.contract_page(contract))


@login_required
@require_http_methods(["GET", "POST"])
@not_found_as_404
def propose(request: HttpRequest, reference: str, position: int) -> HttpResponse:
    contract = sel.access_contract(request.user, reference, perm=PROVIDER)
    kpi = sel.access_kpi(contract, position)
    return form_page(
        request,
        ProposalForm(request.POST or None),
        "contracts/propose.html",
        {"contract": contract, "kpi": kpi},
        save=lambda f: svc.framework_propose(
            actor=request.user,
            kpi=kpi,
            text=f.cleaned_data["text"],
            submission_key=posted_key(request),
        ),
        success="Your proposal is sent. The council will accept or decline it with a reason.",
        redirect_to=reverse("contracts:mine_detail", args=[contract.reference]) + "#proposals",
        raise_not_found=True,
    )
