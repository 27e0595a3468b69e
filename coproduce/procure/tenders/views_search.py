"""Opportunity search and saved searches. Views parse input, call a selector or service,
and render. Everything works without JavaScript; htmx only swaps the results in place."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.functional import cached_property
from django.utils.text import Truncator
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from coproduce.foundation.core.http import form_page, not_found_as_404
from coproduce.foundation.core.templatetags.govuk import pounds, uk_datetime

from .forms_search import SavedSearchAlertsForm, SavedSearchNameForm, SearchForm
from .selectors_search import (
    CappedCount,
    TenderSearch,
    access_saved_search_by_id,
    saved_searches_for,
    tender_search,
)
from .services_alerts import (
    saved_search_create,
    saved_search_delete,
    saved_search_from_alerts_off_token,
    saved_search_rename,
    saved_search_set_alerts,
)

PAGE_SIZE = 20
MAX_PAGE = 100_000
COUNT_CAP = 1000  # results are counted up to here; beyond it the page says "more than"


class CappedPaginator(Paginator):
    """A paginator that counts with ``CappedCount`` instead of ``COUNT(*)`` over every match."""

    def __init__(self, object_list, per_page: int, *, page: int = 1, cap: int | None = None):
        super().__init__(object_list, per_page)
        self.counter = CappedCount(cap=cap or COUNT_CAP, per_page=per_page, page=page)

    @cached_property
    def count(self) -> int:
        return self.counter.count(self.object_list)

    @property
    def capped(self) -> bool:
        """True when there are more results than were counted (``count`` is a floor)."""
        self.count  # noqa: B018 - counting sets the flag
        return self.counter.capped

    @property
    def counted(self) -> int:
        """The number shown as "more than N" when ``capped``."""
        return self.counter.limit


@dataclass(frozen=True)
class ResultRow:
    """One opportunity in the results list, formatted once in Python (20 per page)."""

    url: str
    reference: str
    title: str
    summary: str
    service_area: str
    value: str
    deadline: str
    locality: str
    small: bool
    reserved: bool
    closed: bool


def _result_rows(tenders, now) -> list[ResultRow]:
    """The page's tenders as display rows. The same values the template filters gave
    (``pounds``, ``uk_datetime``, ``truncatewords:35``), without a template lookup each."""
    detail = reverse("tenders:detail", args=["REF"])
    prefix, suffix = detail.split("REF")
    return [
        ResultRow(
            url=f"{prefix}{quote(t.reference)}{suffix}",
            reference=t.reference,
            title=t.title,
            summary=Truncator(t.summary).words(35, truncate=" …"),
            service_area=t.service_area.name,
            value=pounds(t.value_pence),
            deadline=uk_datetime(t.deadline),
            locality=t.locality,
            small=t.suitable_for_small,
            reserved=bool(t.reserved_for or t.lot_reserved or t.route == "reserved"),
            closed=t.status != "open" or t.deadline <= now,
        )
        for t in tenders
    ]


def _page_number(value: str | None) -> int:
    """The page asked for, from 1 to ``MAX_PAGE`` (a larger number would overflow the
    database's offset; the paginator shows the last page instead)."""
    try:
        return min(max(int(value or 1), 1), MAX_PAGE)
    except (TypeError, ValueError):
        return 1


SEARCH_KEYS = (
    "q",
    "status",
    "service_area",
    "value_min",
    "value_max",
    "locality",
    "closing_within",
    "suitable_for_small",
    "reserved_only",
    "sort",
)


def _search_form(data: QueryDict) -> SearchForm:
    """The search form bound to the search parameters in ``data`` (defaults filled in)."""
    bound = QueryDict(mutable=True)
    for key in SEARCH_KEYS:
        values = data.getlist(key)
        if values:
            bound.setlist(key, values)
    bound.setdefault("status", "open")
    bound.setdefault("sort", "closing")
    return SearchForm(bound)


def _search_query(data: QueryDict) -> str:
    """The search parameters of a request as a query string (no page, no token)."""
    kept = QueryDict(mutable=True)
    for key in SEARCH_KEYS:
        values = [v for v in data.getlist(key) if v != ""]
        if values:
            kept.setlist(key, values)
    return kept.urlencode()


@require_GET
def search(request: HttpRequest) -> HttpResponse:
    """Published opportunities matching the filters; 400 with an error summary if they are
    not valid."""
    form = _search_form(request.GET)
    query = _search_query(request.GET)
    htmx = request.headers.get("HX-Request") == "true"
    context = {
        "form": form,
        "query": query,
        "page": None,
        "search_summary": [],
        "now": timezone.now(),
    }
    status = 200
    if form.is_valid():
        found = form.search()
        number = _page_number(request.GET.get("page"))
        paginator = CappedPaginator(tender_search(search=found), PAGE_SIZE, page=number)
        page = paginator.get_page(number)
        context.update(
            page=page,
            rows=_result_rows(page.object_list, context["now"]),
            search_summary=found.describe(),
        )
        context["save_url"] = reverse("tenders:saved_search_create") + (
            f"?{query}" if query else ""
        )
    elif htmx:
        # htmx does not swap an error response: load the whole page, with its error summary.
        response = HttpResponse(status=200)
        response["HX-Redirect"] = request.get_full_path()
        return response
    else:
        status = 400
    template = "tenders/search_results_partial.html" if htmx else "tenders/search.html"
    response = render(request, template, context, status=status)
    patch_vary_headers(response, ["HX-Request"])
    return response


@login_required
@require_GET
def saved_search_list(request: HttpRequest) -> HttpResponse:
    """The signed-in person's saved searches, with links, alerts and actions."""
    searches = [
        {
            "saved": saved,
            "search": (s := TenderSearch.from_params(saved.params)),
            "querystring": s.as_querystring(),
            "summary": s.describe(),
        }
        for saved in saved_searches_for(request.user)
    ]
    return render(request, "tenders/saved_search_list.html", {"searches": searches})


@login_required
@require_http_methods(["GET", "POST"])
def saved_search_create_view(request: HttpRequest) -> HttpResponse:
    """Name and save the search described by the query string."""
    search_form = _search_form(request.GET)
    if not search_form.is_valid():
        return redirect(reverse("tenders:search") + "?" + _search_query(request.GET))
    found = search_form.search()
    form = SavedSearchNameForm(request.POST or None)
    return form_page(
        request,
        form,
        "tenders/saved_search_form.html",
        lambda: {"summary": found.describe(), "query": _search_query(request.GET), "saved": None},
        save=lambda form: saved_search_create(
            actor=request.user, name=form.cleaned_data["name"], search=found
        ),
        success=lambda _: (
            f"Search saved as “{form.cleaned_data['name']}”. We will email you when a new "
            "opportunity matches it."
        ),
        redirect_to="tenders:saved_searches",
    )


@login_required
@require_http_methods(["GET", "POST"])
@not_found_as_404
def saved_search_rename_view(request: HttpRequest, pk: int) -> HttpResponse:
    saved = access_saved_search_by_id(request.user, pk)
    return form_page(
        request,
        SavedSearchNameForm(request.POST or None, initial={"name": saved.name}),
        "tenders/saved_search_form.html",
        lambda: {
            "summary": TenderSearch.from_params(saved.params).describe(),
            "saved": saved,
            "query": "",
        },
        save=lambda form: saved_search_rename(
            actor=request.user, saved=saved, name=form.cleaned_data["name"]
        ),
        success="Search renamed.",
        redirect_to="tenders:saved_searches",
    )


@login_required
@require_http_methods(["GET", "POST"])
@not_found_as_404
def saved_search_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    saved = access_saved_search_by_id(request.user, pk)
    if request.method == "POST":
        saved_search_delete(actor=request.user, saved=saved)
        messages.success(request, f"Saved search “{saved.name}” deleted.")
        return redirect("tenders:saved_searches")
    return render(request, "tenders/saved_search_delete.html", {"saved": saved})


@login_required
@require_POST
@not_found_as_404
def saved_search_alerts_view(request: HttpRequest, pk: int) -> HttpResponse:
    saved = access_saved_search_by_id(request.user, pk)
    form = SavedSearchAlertsForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose whether to get emails.")
        return redirect("tenders:saved_searches")
    saved_search_set_alerts(actor=request.user, saved=saved, alerts=form.cleaned_data["alerts"])
    messages.success(
        request,
        f"Email alerts turned {'on' if saved.alerts else 'off'} for “{saved.name}”.",
    )
    return redirect("tenders:saved_searches")


@require_http_methods(["GET", "POST"])
@not_found_as_404
def alerts_off(request: HttpRequest, token: str) -> HttpResponse:
    """The "stop these emails" link from an alert: confirm, then turn the alerts off.

    No sign-in needed (the signed token names the search); the change needs a POST, so a
    mail scanner following the link changes nothing.
    """
    saved = saved_search_from_alerts_off_token(token)
    done = False
    if request.method == "POST":
        saved_search_set_alerts(actor=None, saved=saved, alerts=False)
        done = True
    return render(request, "tenders/saved_search_alerts_off.html", {"saved": saved, "done": done})
