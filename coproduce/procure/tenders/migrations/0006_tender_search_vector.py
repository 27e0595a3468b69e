"""A stored search vector on each tender, its GIN index, and the vectors of existing rows.

``Tender.search_vector`` holds the words the opportunity search looks in (title and
summary, lot titles, the service area name; ``tenders/services_search.py``). On
PostgreSQL this migration creates the GIN index ``tender_search_vector_gin``, fills the
column for every existing tender, and drops the two expression indexes of migration 0005,
which the search no longer uses (going back makes them again). On SQLite the column is
added (as text) and stays empty: the search there matches the fields themselves.

The UPDATE below is a copy of ``services_search._SQL`` as it was when this migration was
written, so that the migration keeps working whatever happens to that module later.
"""

import django.contrib.postgres.search
from django.db import migrations

GAP = " " + " ".join(["a"] * 8) + " "
FILL = """
UPDATE tenders_tender AS t
SET search_vector =
    setweight(to_tsvector('english'::regconfig,
        COALESCE(t.title, '') || ' ' || COALESCE(t.summary, '')), 'A')
    || setweight(to_tsvector('english'::regconfig,
        %(gap)s
        || COALESCE((SELECT string_agg(l.title, %(gap)s ORDER BY l.number, l.id)
                     FROM tenders_lot AS l WHERE l.tender_id = t.id), '')
        || %(gap)s
        || COALESCE((SELECT a.name FROM core_servicearea AS a WHERE a.id = t.service_area_id), '')
    ), 'D')
"""
OLD_INDEXES = {  # from migration 0005
    "tender_search_gin": (
        'CREATE INDEX IF NOT EXISTS "tender_search_gin" ON "tenders_tender" USING gin '
        "((to_tsvector('english'::regconfig, "
        "COALESCE(\"title\", '') || ' ' || COALESCE(\"summary\", ''))))"
    ),
    "lot_title_search_gin": (
        'CREATE INDEX IF NOT EXISTS "lot_title_search_gin" ON "tenders_lot" USING gin '
        "((to_tsvector('english'::regconfig, COALESCE(\"title\", ''))))"
    ),
}


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        'CREATE INDEX IF NOT EXISTS "tender_search_vector_gin" '
        'ON "tenders_tender" USING gin ("search_vector")'
    )
    schema_editor.execute(FILL, {"gap": GAP})
    for name in OLD_INDEXES:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for sql in OLD_INDEXES.values():
        schema_editor.execute(sql)
    schema_editor.execute('DROP INDEX IF EXISTS "tender_search_vector_gin"')


class Migration(migrations.Migration):
    dependencies = [
        ("tenders", "0005_search_gin_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="tender",
            name="search_vector",
            field=django.contrib.postgres.search.SearchVectorField(
                blank=True, editable=False, null=True
            ),
        ),
        migrations.RunPython(forwards, backwards),
    ]
