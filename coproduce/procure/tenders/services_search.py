"""Writes for the opportunity search: each tender's stored search vector (PostgreSQL).

``Tender.search_vector`` holds every word the search looks in
(``selectors_search.SEARCH_FIELDS``), so that on PostgreSQL ``text_filter`` matches
``search_vector @@ query`` on the tender row itself, one condition per word, answered
from the GIN index ``tender_search_vector_gin``:

* the tender's title and summary, as one text, with weight A (exactly the vector the
  search built before: a "quoted phrase" may run from the title into the summary);
* then each lot's title (in lot order) and the service area's name, with weight D.

Between the parts sits ``GAP``: stop words, which take positions but are not stored, so a
"quoted phrase" never matches across two parts (the last word of one lot's title and the
first of the next are not next to each other), as when each part was searched on its own.
Ranking counts weight A only (``coproduce.foundation.core.search.STORED_VECTOR_RANK_WEIGHTS``), so
results are ordered by the title and summary, as before.

The services that change those words (``tender_create``, ``tender_update``, ``lot_add``,
``lot_update``, ``lot_remove``, ``tender_publish``, ``tender_amend``) call
``tender_search_vectors_refresh`` inside their transaction. ``manage.py
refresh_search_vectors`` (and migration 0006) fill every row. On SQLite there is nothing
to do: the search there matches the fields themselves.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connections

from coproduce.foundation.core.models import ServiceArea

from .models import Lot, Tender

CONFIG = "english"
# Eight stop words: eight positions between two parts of the vector, none stored.
GAP = " " + " ".join(["a"] * 8) + " "

_SQL = """
UPDATE {tender} AS t
SET search_vector =
    setweight(to_tsvector(%(config)s::regconfig,
        COALESCE(t.title, '') || ' ' || COALESCE(t.summary, '')), 'A')
    || setweight(to_tsvector(%(config)s::regconfig,
        %(gap)s
        || COALESCE((SELECT string_agg(l.title, %(gap)s ORDER BY l.number, l.id)
                     FROM {lot} AS l WHERE l.tender_id = t.id), '')
        || %(gap)s
        || COALESCE((SELECT a.name FROM {area} AS a WHERE a.id = t.service_area_id), '')
    ), 'D')
"""


def tender_search_vectors_refresh(tender_ids: Iterable[int] | None = None) -> int:
    """Write the search vector of the given tenders (all tenders for ``None``), one UPDATE.

    Call it inside the transaction that changed a tender's title or summary, its lots or
    its service area. Returns the number of rows written (0 on SQLite, where the column is
    not used). No permission check: only services and commands call it.
    """
    connection = connections[Tender.objects.db]
    if connection.vendor != "postgresql":
        return 0
    quote = connection.ops.quote_name
    sql = _SQL.format(
        tender=quote(Tender._meta.db_table),
        lot=quote(Lot._meta.db_table),
        area=quote(ServiceArea._meta.db_table),
    )
    params: dict = {"config": CONFIG, "gap": GAP}
    if tender_ids is not None:
        ids = sorted({int(pk) for pk in tender_ids})
        if not ids:
            return 0
        sql += " WHERE t.id = ANY(%(ids)s)"
        params["ids"] = ids
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount
