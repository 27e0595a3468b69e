"""Staff pages for contracts (the public sees them on project pages)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from coproduce.foundation.core.http import not_found_as_404

from . import selectors as sel


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
    return render(request, "contracts/detail.html", {"contract": contract})
