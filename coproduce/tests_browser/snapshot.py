"""Copy every table's rows out of the test database and put them back, quickly.

Loading the demo council through the services takes seconds of CPU (hundreds of audited
writes), and every ``live_server`` test ends with the database emptied. So the browser
tests load it once, keep a copy of every table, and restore that copy for each later
test: a few COPY statements on PostgreSQL, a few INSERT … VALUES batches on SQLite.

The copy is taken and restored as raw rows, so primary keys, timestamps, password hashes
and the audit hash chain come back exactly as they were. Foreign keys are deferred in
Django's schema on both databases, so tables can be refilled in any order inside one
transaction. Rows that the flush's ``post_migrate`` re-created (content types,
permissions, with new ids) are deleted first and replaced by the copied ones.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import Model


@dataclass(frozen=True)
class TableCopy:
    name: str
    columns: int
    rows: object  # PostgreSQL: COPY text-format bytes; SQLite: list of row tuples
    count: int


def _tables() -> list[str]:
    return sorted(connection.introspection.django_table_names(only_existing=True))


def take() -> list[TableCopy]:
    """Copy every table of the default database (Django's tables, not django_migrations)."""
    connection.ensure_connection()
    copies = []
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table in _tables():
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY {qn(table)} TO STDOUT") as copy:
                    data = b"".join(bytes(block) for block in copy)
                count = data.count(b"\n")
                columns = 0
            else:
                raw = connection.connection.execute(f"SELECT * FROM {qn(table)}")  # noqa: S608
                data = raw.fetchall()
                count = len(data)
                columns = len(raw.description)
            copies.append(TableCopy(table, columns, data, count))
    return copies


def restore(copies: list[TableCopy]) -> None:
    """Make every copied table hold exactly the copied rows again, in one transaction."""
    qn = connection.ops.quote_name
    with transaction.atomic(), connection.cursor() as cursor:
        for table in copies:
            cursor.execute(f"SELECT 1 FROM {qn(table.name)} LIMIT 1")  # noqa: S608
            if cursor.fetchone():
                cursor.execute(f"DELETE FROM {qn(table.name)}")  # noqa: S608
            if not table.count:
                continue
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY {qn(table.name)} FROM STDIN") as copy:
                    copy.write(table.rows)
            else:
                marks = ", ".join("?" * table.columns)
                connection.connection.executemany(
                    f"INSERT INTO {qn(table.name)} VALUES ({marks})",  # noqa: S608
                    table.rows,
                )
        if connection.vendor == "postgresql":
            # Rows came back with their ids; move each sequence past the highest one.
            models: list[type[Model]] = list(apps.get_models(include_auto_created=True))
            for sql in connection.ops.sequence_reset_sql(no_style(), models):
                cursor.execute(sql)
    # The flush's post_migrate filled the cache with content types that no longer exist.
    ContentType.objects.clear_cache()
