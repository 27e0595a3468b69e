"""The stored search vector: kept up to date by the services, and the same results as before.

On PostgreSQL ``tender_search`` matches ``Tender.search_vector``; these tests check that
every service changing the searchable words writes it again, and that matching the stored
vector finds exactly what matching the fields one by one finds (words, "quoted phrases",
-excluded words, stop words, lexemes, lots and service areas) with the same ranks. On
SQLite the vector is not used: the service tests there check the results through the
fields, so they pass on both.
"""

from __future__ import annotations

import io
import re

import pytest
from django.contrib.postgres.search import SearchQuery
from django.core.management import call_command
from django.db import connection

from coproduce.foundation.core.search import text_filter
from coproduce.procure.tenders.models import Lot, Tender
from coproduce.procure.tenders.selectors_search import SEARCH_FIELDS, SEARCH_VECTOR
from coproduce.procure.tenders.services import (
    LotData,
    lot_add,
    lot_remove,
    lot_update,
    tender_update,
)
from coproduce.procure.tenders.services_clarifications import tender_amend
from coproduce.procure.tenders.services_search import tender_search_vectors_refresh

from . import test_search_helpers as helpers
from . import test_tenders_support as support
from .test_tenders_support import add_lot, tender_data

pytestmark = pytest.mark.django_db
postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the stored vector is PostgreSQL only"
)

tender_maker = helpers.tender_maker
draft_tender = support.draft_tender
model = support.model
published_tender = support.published_tender
ready_project = support.ready_project
spec = support.spec


def search(q: str, *, vector: str | None = SEARCH_VECTOR, **kwargs) -> list[str]:
    qs = text_filter(
        Tender.objects.all(), fields=SEARCH_FIELDS, query=q, vector=vector, **kwargs
    ).order_by("title")
    return list(qs.values_list("title", flat=True))


def stored_words(tender: Tender) -> str:
    return Tender.objects.filter(pk=tender.pk).values_list("search_vector", flat=True).get() or ""


# --- kept up to date by the services (both databases: the results; PostgreSQL: the column)


def test_changing_the_title_or_summary_changes_what_finds_the_tender(
    commissioner, draft_tender, ready_project, spec, model
):
    assert search("learning") == [draft_tender.title]
    tender_update(
        actor=commissioner,
        tender=draft_tender,
        data=tender_data(
            ready_project, spec, model, title="Befriending for older people",
            summary="Weekly visits by volunteers.",
        ),
    )  # fmt: skip
    assert search("learning") == []
    assert search("befriending volunteers") == ["Befriending for older people"]
    if connection.vendor == "postgresql":
        assert "'volunt':" in stored_words(draft_tender)
        assert "'learn'" not in stored_words(draft_tender)


def test_adding_changing_and_removing_a_lot_changes_what_finds_the_tender(
    commissioner, draft_tender
):
    title = draft_tender.title
    lot = add_lot(commissioner, draft_tender, 1)  # "Lot 1 area"
    assert search("area") == [title]
    lot_update(
        actor=commissioner,
        lot=lot,
        data=LotData(number=1, title="Riverside wards", value_pence=50_000_000),
    )
    assert search("area") == []
    assert search("riverside") == [title]
    lot_remove(actor=commissioner, lot=Lot.objects.get(pk=lot.pk))
    assert search("riverside") == []
    lot_add(
        actor=commissioner,
        tender=draft_tender,
        data=LotData(number=2, title="Eastgate homes", value_pence=1_000),
    )
    assert search('"eastgate homes"') == [title]


@postgres_only
def test_the_stored_vector_is_written_in_the_services_transaction(commissioner, draft_tender):
    lot = add_lot(commissioner, draft_tender, 1)
    assert "'area':" in stored_words(draft_tender)
    lot_update(
        actor=commissioner, lot=lot, data=LotData(number=1, title="Riverside", value_pence=1)
    )
    words = stored_words(draft_tender)
    assert "'riversid':" in words and "'area'" not in words
    # Title and summary with weight A; lots and the service area's name with weight D
    # (not shown: the default), eight positions apart.
    assert re.search(r"'opportun':\d+A\b", words)
    last_own = max(int(p) for p in re.findall(r"(\d+)A\b", words))
    lot_at = int(re.search(r"'riversid':(\d+)(?:\s|$)", words).group(1))
    assert lot_at == last_own + 9  # eight gap words between
    area = draft_tender.service_area.name.split()[-1].lower()[:4]
    area_at = int(re.search(rf"'{area}\w*':(\d+)(?:\s|$)", words).group(1))
    assert area_at >= lot_at + 9


@postgres_only
def test_an_amendment_and_publication_write_the_vector_again(commissioner, published_tender):
    Tender.objects.filter(pk=published_tender.pk).update(search_vector=None)
    tender_amend(
        actor=commissioner, tender=published_tender, summary="Pricing schedule corrected.",
        reason="A formula was wrong.", changes={},
    )  # fmt: skip
    assert "'learn':" in stored_words(published_tender)


@postgres_only
def test_the_command_fills_every_row(tender_maker):
    a = tender_maker("Home care", lots=[{"title": "North"}])
    b = tender_maker("Youth clubs")
    Tender.objects.update(search_vector=None)
    assert search("home") == []
    call_command("refresh_search_vectors", stdout=io.StringIO())
    assert search("home") == [a.title]
    assert search("north") == [a.title]
    assert search("clubs") == [b.title]


def test_the_command_does_nothing_on_sqlite_and_says_how_many(tender_maker, capsys):
    tender_maker("Home care")
    call_command("refresh_search_vectors")
    written = 1 if connection.vendor == "postgresql" else 0
    noun = "tender" if written == 1 else "tenders"
    assert f"Search vectors written for {written} {noun}." in capsys.readouterr().out


# --- the same results as matching the fields (PostgreSQL) ---------------------------------


@pytest.fixture
def corpus(tender_maker):
    tender_maker("Home care in Eastgate", summary="Visits for older people at home")
    tender_maker("Supported living", summary="Homes for adults",
                 lots=[{"title": "Eastgate north"}, {"title": "Care south"}])  # fmt: skip
    tender_maker("Youth clubs", area="children-families", summary="Evenings for teenagers")
    tender_maker("Nursing homes", summary="Nursing care for the older people of the borough")
    tender_maker("Short breaks", lots=[{"title": "Breaks north"}, {"title": "Breaks south"}])
    tender_maker("Befriending service", summary="Friendly visits")


QUERIES = [
    "eastgate",
    "Eastgate older",
    "teenagers families",
    "homes",
    "home -nursing",
    "care -eastgate",
    '"older people"',
    '"older people" -nursing',
    '"home care"',
    '"north care"',  # the end of one lot's title and the start of the next: no
    '"eastgate north"',
    '"people at home"',
    "the homes",
    "the",
    "-the",
    "breaks",
    "friend",
    "supporting",
    "adults social",
    '"social care"',
    "nothing-like-this",
]


@postgres_only
@pytest.mark.parametrize("q", QUERIES)
def test_the_stored_vector_finds_what_the_fields_find(corpus, q):
    assert search(q) == search(q, vector=None)


@postgres_only
def test_phrases_never_run_from_one_part_into_the_next(corpus):
    assert search('"north care"') == []  # lot "Eastgate north", then lot "Care south"
    assert search('"south adult"') == []  # the last lot, then the service area's name
    assert search('"eastgate north"') == ["Supported living"]


@postgres_only
@pytest.mark.parametrize("q", ["home", "older people", "care -nursing", '"older people"'])
def test_ranks_are_the_ranks_of_the_title_and_summary_as_before(corpus, q):
    def ranked(vector):
        qs = text_filter(
            Tender.objects.all(), fields=SEARCH_FIELDS, query=q, vector=vector, rank=True
        )
        return [(t, round(r, 6)) for t, r in qs.values_list("title", "search_rank")]

    assert ranked(SEARCH_VECTOR) == ranked(None)
    assert ranked(SEARCH_VECTOR)


@postgres_only
def test_the_search_is_one_condition_on_the_row_without_sub_queries(corpus):
    qs = text_filter(Tender.objects.all(), fields=SEARCH_FIELDS, query='care -"home care"',
                     vector=SEARCH_VECTOR)  # fmt: skip
    sql = str(qs.query)
    assert sql.count("SELECT") == 1
    assert sql.count("@@") == 2
    # the stored column answers the same as a direct match
    direct = Tender.objects.filter(search_vector=SearchQuery("care", config="english"))
    assert set(qs.values_list("pk", flat=True)) <= set(direct.values_list("pk", flat=True))


def test_refreshing_nothing_writes_nothing(tender_maker):
    tender_maker("Home care")
    assert tender_search_vectors_refresh([]) == 0
