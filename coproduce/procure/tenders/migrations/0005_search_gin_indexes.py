"""PostgreSQL full-text (GIN) indexes for the opportunity search.

``coproduce.foundation.core.search.text_filter`` matches words with ``to_tsvector('english', ...)``
over a tender's title and summary and over lot titles. These indexes are built on
exactly the expressions Django generates for that (checked with EXPLAIN ANALYZE), so the
planner answers the words from the index. Nothing to do on SQLite (the search there
uses LIKE).
"""

from django.db import migrations

INDEXES = {
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


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for sql in INDEXES.values():
        schema_editor.execute(sql)


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


class Migration(migrations.Migration):
    dependencies = [
        ("tenders", "0004_search_indexes"),
    ]

    operations = [
        migrations.RunPython(create_indexes, drop_indexes),
    ]
