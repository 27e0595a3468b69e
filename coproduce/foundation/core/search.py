"""Free-text search over a queryset: PostgreSQL full-text search, a plain fallback elsewhere.

``text_filter`` is the one door. It understands what people type into a search box:
words, "quoted phrases" and -excluded words; every word or phrase must be found in at
least one of the fields. On PostgreSQL words are compared as lexemes (``to_tsvector``
with the English configuration), so "homes" finds "home" and "supporting" finds
"support". On SQLite (development, tests) each is found as case-insensitive text.

Fields may follow a relation (``"lots__title"``, ``"service_area__name"``). A field on a
related model is matched in a sub-query on that model and joined back by primary key,
so a tender with three matching lots appears once, and the vector over the model's own
fields stays the exact expression a GIN index can serve (see ``search_vector``).

A model that keeps a stored vector of all the fields (a ``SearchVectorField`` with a GIN
index, kept up to date by its services) passes its name as ``vector``: on PostgreSQL each
term is then one condition ``vector @@ query`` on the row itself, with no sub-query, so
the planner can combine it with the other filters and the ordering (the tenders' search:
``coproduce/procure/tenders/services_search.py``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connections
from django.db.models import BooleanField, F, Q, QuerySet
from django.db.models.expressions import RawSQL

MAX_TERMS = 12
# ``ts_rank`` weights (D, C, B, A) for a stored vector: the model's own fields are stored
# with weight A and fields across a relation with weight D, and only A counts, so the rank
# is the one of the own fields alone (the same figures as without a stored vector).
STORED_VECTOR_RANK_WEIGHTS = [0.0, 0.0, 0.0, 0.1]
_TERM = re.compile(r'(-?)"([^"]*)"|(-?)([^\s"]+)')
_WORD = re.compile(r"\w+", re.UNICODE)
_JOINERS = {"or", "and"}


@dataclass(frozen=True)
class Term:
    """One thing to look for: a word or a "quoted phrase", wanted or (``-``) excluded."""

    text: str
    exclude: bool = False
    phrase: bool = False


def search_vector(*fields: str, config: str = "english") -> SearchVector:
    """The ``to_tsvector`` expression over a model's own fields, as ``text_filter`` builds it.

    An index made from the same expression (``GinIndex(search_vector("title", "summary"),
    name=...)``) is used by PostgreSQL for the search.
    """
    return SearchVector(*fields, config=config)


def parse_terms(query: str) -> list[Term]:
    """Words and "quoted phrases" of a search-box query; ``-`` before one excludes it.

    "or" and "and" are ignored (every term must match). At most ``MAX_TERMS`` terms.
    """
    terms = []
    for m in _TERM.finditer(query or ""):
        if m.group(2) is not None:
            words = _WORD.findall(m.group(2))
            if words:
                terms.append(Term(" ".join(words), bool(m.group(1)), phrase=len(words) > 1))
            continue
        exclude = bool(m.group(3))
        for word in _WORD.findall(m.group(4)):
            if word.lower() not in _JOINERS:
                terms.append(Term(word, exclude))
                exclude = False  # "-day-care": only the first word is excluded
    return terms[:MAX_TERMS]


def words_of(query: str) -> list[str]:
    """The words of a query (letters and digits), at most ``MAX_TERMS``."""
    return _WORD.findall(query or "")[:MAX_TERMS]


def _split(model, fields: list[str]) -> tuple[list[str], list[tuple[str, str]]]:
    local, related = [], []
    for path in fields:
        if "__" in path:
            rel, rest = path.split("__", 1)
            related.append((rel, rest))
        else:
            local.append(path)
    return local, related


def _related_condition(model, rel: str, rest: str, match) -> Q:
    """Q for "some related row's ``rest`` matches", without a join that repeats rows.

    ``match(queryset, field) -> queryset`` narrows the related model's rows to the matches.
    """
    field = model._meta.get_field(rel)
    target = field.related_model
    matched = match(target._default_manager.all(), rest)
    if field.many_to_one or (field.one_to_one and field.concrete):
        return Q(**{f"{rel}__in": matched.values("pk")})
    if field.one_to_many or (field.one_to_one and not field.concrete):
        return Q(pk__in=matched.values(field.field.attname))
    # many-to-many: go through the relation in a sub-query on the model itself.
    return Q(
        pk__in=model._default_manager.filter(**{f"{rel}__in": matched.values("pk")}).values("pk")
    )


def text_filter(
    queryset: QuerySet,
    *,
    fields: list[str],
    query: str,
    config: str = "english",
    rank: bool = False,
    vector: str | None = None,
) -> QuerySet:
    """Rows of ``queryset`` whose ``fields`` match the free-text ``query``.

    Every term (word or "quoted phrase") must appear in at least one of the fields; a
    term written with a leading ``-`` must appear in none. On PostgreSQL terms are
    matched as lexemes (``plainto_tsquery``/``phraseto_tsquery`` with ``config``, so
    "homes" finds "home", and a term that is only a stop word such as "the" is ignored);
    elsewhere as case-insensitive text. An empty query returns the queryset unchanged.
    With ``rank=True`` on PostgreSQL the rows are annotated with ``search_rank``
    (relevance of the model's own fields to the whole query) and ordered best first;
    elsewhere ``rank`` changes nothing. The result never repeats a row.

    ``vector`` names a stored ``SearchVectorField`` of the model holding every one of
    ``fields`` (own fields with weight A, related ones with weight D, the parts apart so
    a phrase cannot run from one into the next, built with ``config``). On PostgreSQL it
    is matched instead of the fields, and ranked with ``STORED_VECTOR_RANK_WEIGHTS``;
    elsewhere it is ignored.
    """
    terms = parse_terms(query)
    if not terms:
        return queryset
    model = queryset.model
    local, related = _split(model, fields)
    postgres = connections[queryset.db].vendor == "postgresql"

    stored = bool(vector) and postgres

    for term in terms:
        if stored:
            ts_query = SearchQuery(
                term.text, search_type="phrase" if term.phrase else "plain", config=config
            )
            condition = Q(**{vector: ts_query})
        elif postgres:
            ts_query = SearchQuery(
                term.text, search_type="phrase" if term.phrase else "plain", config=config
            )

            def match(qs: QuerySet, field: str, ts_query=ts_query, *, own=False) -> QuerySet:
                vector = (
                    search_vector(*field, config=config)
                    if own
                    else SearchVector(field, config=config)
                )
                return qs.alias(_search_vector=vector).filter(_search_vector=ts_query)

            condition = Q()
            if local:
                # A sub-query on the model itself, so the planner can use a GIN index on
                # the vector however the outer query is filtered and ordered.
                own = match(model._default_manager.all(), local, own=True)
                condition |= Q(pk__in=own.values("pk"))
        else:

            def match(qs: QuerySet, field: str, word=term.text) -> QuerySet:
                return qs.filter(**{f"{field}__icontains": word})

            condition = Q()
            for path in local:
                condition |= Q(**{f"{path}__icontains": term.text})
        if not stored:
            for rel, rest in related:
                condition |= _related_condition(model, rel, rest, match)
        if term.exclude:
            queryset = queryset.exclude(condition)
        elif postgres:
            # A stop word alone ("the") becomes an empty query that matches nothing: skip it.
            empty = RawSQL(
                "numnode(plainto_tsquery(%s::regconfig, %s)) = 0",
                (config, term.text),
                output_field=BooleanField(),
            )
            queryset = queryset.filter(Q(empty) | condition)
        else:
            queryset = queryset.filter(condition)

    if rank and stored:
        ts_query = SearchQuery(query[:500], search_type="websearch", config=config)
        queryset = queryset.annotate(
            search_rank=SearchRank(F(vector), ts_query, weights=STORED_VECTOR_RANK_WEIGHTS)
        ).order_by("-search_rank", "pk")
    elif rank and postgres and local:
        ts_query = SearchQuery(query[:500], search_type="websearch", config=config)
        queryset = queryset.annotate(
            search_rank=SearchRank(search_vector(*local, config=config), ts_query)
        ).order_by("-search_rank", "pk")
    return queryset
