"""Reads for the opportunity search and saved searches.

Only published tenders are ever searched: a draft has no ``published_at`` and status
"draft", and both are checked. "Open" means status open and the deadline still ahead by
the server's clock.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import asdict, dataclass, field
from urllib.parse import urlencode

from django.db import connections
from django.db.models import (
    BooleanField,
    Exists,
    ExpressionWrapper,
    Func,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
)
from django.utils import timezone

from coproduce.foundation.core.errors import NotFound
from coproduce.foundation.core.models import ServiceArea
from coproduce.foundation.core.search import text_filter

from .models import Lot, SavedSearch, Tender, TenderStatus

UK = zoneinfo.ZoneInfo("Europe/London")

# The words the search looks in. On PostgreSQL they are all in ``Tender.search_vector``
# (written by ``services_search.tender_search_vectors_refresh``): change both together.
SEARCH_FIELDS = ["title", "summary", "lots__title", "service_area__name"]
SEARCH_VECTOR = "search_vector"
CLOSING_WITHIN_DAYS = (7, 14, 30)


class Sort:
    CLOSING = "closing"
    NEWEST = "newest"
    VALUE_HIGH = "value_high"
    VALUE_LOW = "value_low"
    BEST = "best"

    choices = [
        (CLOSING, "Closing soonest"),
        (NEWEST, "Newest first"),
        (VALUE_HIGH, "Highest value first"),
        (VALUE_LOW, "Lowest value first"),
        (BEST, "Best match for your words"),
    ]
    values = {c for c, _ in choices}


ORDERINGS = {
    Sort.CLOSING: ("deadline", "pk"),
    Sort.NEWEST: ("-published_at", "-pk"),
    Sort.VALUE_HIGH: ("-value_pence", "pk"),
    Sort.VALUE_LOW: ("value_pence", "pk"),
}


@dataclass(frozen=True)
class TenderSearch:
    """What someone searched for: free text and filters, all optional.

    Money in pence; ``service_areas`` are slugs; ``closing_within_days`` is 7, 14 or 30
    (or None for any). The same object is stored (``as_params``) in a saved search.
    """

    q: str = ""
    service_areas: tuple[str, ...] = field(default_factory=tuple)
    value_min_pence: int | None = None
    value_max_pence: int | None = None
    locality: str = ""
    closing_within_days: int | None = None
    suitable_for_small: bool = False
    reserved_only: bool = False
    include_closed: bool = False
    sort: str = Sort.CLOSING

    def as_params(self) -> dict:
        """JSON-safe values, leaving out the ones at their default (for saving)."""
        default = TenderSearch()
        out = {}
        for key, value in asdict(self).items():
            if value != getattr(default, key):
                out[key] = list(value) if isinstance(value, tuple) else value
        return out

    @classmethod
    def from_params(cls, params: dict) -> TenderSearch:
        """Rebuild a search from ``as_params`` output, ignoring unknown or broken values."""
        p = params or {}

        def int_or_none(v):
            try:
                return None if v in (None, "") else int(v)
            except (TypeError, ValueError):
                return None

        within = int_or_none(p.get("closing_within_days"))
        sort = p.get("sort") if p.get("sort") in Sort.values else Sort.CLOSING
        return cls(
            q=str(p.get("q") or "")[:200],
            service_areas=tuple(str(s) for s in p.get("service_areas") or ()),
            value_min_pence=int_or_none(p.get("value_min_pence")),
            value_max_pence=int_or_none(p.get("value_max_pence")),
            locality=str(p.get("locality") or "")[:100],
            closing_within_days=within if within in CLOSING_WITHIN_DAYS else None,
            suitable_for_small=bool(p.get("suitable_for_small")),
            reserved_only=bool(p.get("reserved_only")),
            include_closed=bool(p.get("include_closed")),
            sort=sort,
        )

    def as_querystring(self) -> str:
        """The search page's GET parameters for this search (for links to a saved search)."""
        pairs: list[tuple[str, str]] = []
        if self.q:
            pairs.append(("q", self.q))
        pairs += [("service_area", s) for s in self.service_areas]
        if self.value_min_pence is not None:
            pairs.append(("value_min", _pounds_text(self.value_min_pence)))
        if self.value_max_pence is not None:
            pairs.append(("value_max", _pounds_text(self.value_max_pence)))
        if self.locality:
            pairs.append(("locality", self.locality))
        if self.closing_within_days:
            pairs.append(("closing_within", str(self.closing_within_days)))
        if self.suitable_for_small:
            pairs.append(("suitable_for_small", "on"))
        if self.reserved_only:
            pairs.append(("reserved_only", "on"))
        if self.include_closed:
            pairs.append(("status", "all"))
        if self.sort != Sort.CLOSING:
            pairs.append(("sort", self.sort))
        return urlencode(pairs)

    def describe(self) -> list[str]:
        """Plain-English pieces of the search, for the saved-search list and emails."""
        parts = []
        if self.q:
            parts.append(f"words: “{self.q}”")
        if self.service_areas:
            parts.append("service areas: " + ", ".join(self.service_areas))
        if self.value_min_pence is not None:
            parts.append(f"at least £{_pounds_text(self.value_min_pence)}")
        if self.value_max_pence is not None:
            parts.append(f"at most £{_pounds_text(self.value_max_pence)}")
        if self.locality:
            parts.append(f"area: {self.locality}")
        if self.closing_within_days:
            parts.append(f"closing within {self.closing_within_days} days")
        if self.suitable_for_small:
            parts.append("suitable for small organisations")
        if self.reserved_only:
            parts.append("reserved opportunities only")
        if self.include_closed:
            parts.append("including closed")
        return parts


def _pounds_text(pence: int) -> str:
    whole, part = divmod(pence, 100)
    return f"{whole}" if part == 0 else f"{whole}.{part:02d}"


def end_of_uk_day(now: dt.datetime, days_ahead: int) -> dt.datetime:
    """Midnight UK time at the end of the day ``days_ahead`` days after today (UK).

    Worked out on the UK calendar, so a clock change in between is handled: "within 7
    days" on a Wednesday means before midnight UK time at the end of next Wednesday.
    """
    today = now.astimezone(UK).date()
    last_day = today + dt.timedelta(days=days_ahead)
    return dt.datetime.combine(last_day + dt.timedelta(days=1), dt.time(0, 0), tzinfo=UK)


def published_tenders() -> QuerySet[Tender]:
    """Every tender the public may see: published and not a draft."""
    return Tender.objects.filter(published_at__isnull=False).exclude(status=TenderStatus.DRAFT)


def open_tenders(now: dt.datetime) -> QuerySet[Tender]:
    """Tenders open for bids at ``now``: status open and the deadline still ahead.

    Status "open" is only ever set by publication, and the constraint
    ``tender_published_has_dates`` guarantees a non-draft has ``published_at`` and a
    deadline, so these are all published. Kept to the two columns of the index
    ``tender_status_deadline_idx`` so that counting and ordering by closing date are
    served from the index alone.
    """
    qs = Tender.objects.all()
    if connections[qs.db].vendor == "sqlite":
        # The same conditions, marked as true for most rows (``likely``), so SQLite's
        # planner reads the table straight through when it must test every open tender
        # (4 times faster than a lookup per index entry) and still uses the indexes to
        # read a page in order or to go by service area.
        return qs.filter(_likely(Q(status=TenderStatus.OPEN)), _likely(Q(deadline__gt=now)))
    return qs.filter(status=TenderStatus.OPEN, deadline__gt=now)


def _likely(condition: Q) -> Func:
    """SQLite's ``likely(condition)``: no effect on the result, a hint to the planner."""
    return Func(
        ExpressionWrapper(condition, output_field=BooleanField()),
        function="likely",
        output_field=BooleanField(),
    )


# The columns a results list (page and API) shows; the rest of a tender stays in the table.
RESULT_FIELDS = (
    "id",
    "reference",
    "title",
    "summary",
    "locality",
    "value_pence",
    "route",
    "reserved_for",
    "suitable_for_small",
    "status",
    "published_at",
    "deadline",
    "service_area_id",
)


class CappedCount:
    """How many results there are, counted only as far as anyone needs.

    Counting every match of a broad search means visiting tens of thousands of rows on
    every request; nobody reads past the first pages. ``count(queryset)`` counts at most
    ``limit + 1`` rows (``SELECT COUNT(*) FROM (... LIMIT n)``): the exact number when
    there are at most ``limit``, else ``limit + 1`` with ``capped`` true ("more than
    1,000"). ``limit`` is ``cap``, or more when a page beyond it is asked for, so every
    page can still be reached and always has a "next" link while more rows exist.
    """

    def __init__(self, *, cap: int, per_page: int, page: int = 1):
        self.cap = cap
        self.limit = max(cap, per_page * max(page, 1))
        self.capped = False

    def count(self, queryset) -> int:
        found = queryset.order_by().values("pk")[: self.limit + 1].count()
        self.capped = found > self.limit
        return found


def tender_search(*, search: TenderSearch, now: dt.datetime | None = None) -> QuerySet[Tender]:
    """Published tenders matching ``search``, ordered as asked, ready for a results list.

    Open ones only unless ``include_closed``. Each row has ``service_area`` prefetched and
    ``lot_reserved`` (some lot is reserved) annotated, so a page of results costs two
    queries whatever its length; only ``RESULT_FIELDS`` are loaded. Raises nothing:
    impossible filters just match nothing. Count it with ``CappedCount``.
    """
    now = now or timezone.now()
    lot_reserved = Exists(Lot.objects.filter(tender=OuterRef("pk")).exclude(reserved_for=""))
    qs = published_tenders() if search.include_closed else open_tenders(now)
    # Service areas come in a second small query, not a join: joined, the planner of
    # SQLite starts from the service areas and sorts every open tender instead of
    # reading the first page from an index in order.
    qs = (
        qs.only(*RESULT_FIELDS)
        .prefetch_related(Prefetch("service_area", ServiceArea.objects.only("slug", "name")))
        .annotate(lot_reserved=lot_reserved)
    )
    if search.service_areas:
        qs = qs.filter(service_area__slug__in=search.service_areas)
    if search.value_min_pence is not None:
        qs = qs.filter(value_pence__gte=search.value_min_pence)
    if search.value_max_pence is not None:
        qs = qs.filter(value_pence__lte=search.value_max_pence)
    if search.locality:
        in_lot = Lot.objects.filter(tender=OuterRef("pk"), locality__icontains=search.locality)
        # Borough-wide opportunities (no locality) are delivered everywhere, so they stay.
        qs = qs.filter(Q(locality="") | Q(locality__icontains=search.locality) | Exists(in_lot))
    if search.closing_within_days:
        qs = qs.filter(deadline__lt=end_of_uk_day(now, search.closing_within_days))
    if search.suitable_for_small:
        qs = qs.filter(suitable_for_small=True)
    if search.reserved_only:
        # The same test as ``lot_reserved``, as one sub-query rather than one per row.
        reserved_lots = Lot.objects.exclude(reserved_for="").values("tender_id")
        qs = qs.filter(~Q(reserved_for="") | Q(route="reserved") | Q(pk__in=reserved_lots))
    ranked = search.sort == Sort.BEST and bool(search.q.strip())
    qs = text_filter(qs, fields=SEARCH_FIELDS, query=search.q, rank=ranked, vector=SEARCH_VECTOR)
    if ranked and "search_rank" in qs.query.annotations:
        return qs
    return qs.order_by(*ORDERINGS.get(search.sort, ORDERINGS[Sort.CLOSING]))


def tender_matches_search(*, tender: Tender, search: TenderSearch, now=None) -> bool:
    """Whether ``tender`` would appear in the results of ``search`` now (for alerts)."""
    return tender_search(search=search, now=now).filter(pk=tender.pk).exists()


def saved_searches_for(user) -> QuerySet[SavedSearch]:
    """The signed-in person's saved searches, by name. Nobody else's."""
    if not user.is_authenticated:
        return SavedSearch.objects.none()
    return SavedSearch.objects.filter(user=user).order_by("name", "pk")


def access_saved_search_by_id(user, search_id: int) -> SavedSearch:
    """The saved search if it belongs to ``user``; NotFound for missing and others' alike."""
    if not user.is_authenticated:
        raise NotFound()
    found = SavedSearch.objects.filter(pk=search_id, user=user).first()
    if found is None:
        raise NotFound()
    return found
