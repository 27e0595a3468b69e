"""Seed the audit chain head, make audit rows append-only in the database, seed service areas."""

from django.db import migrations

GENESIS = "0" * 64

SERVICE_AREAS = [
    ("Adult social care", "adult-social-care", True),
    ("Learning disability services", "learning-disability", True),
    ("Mental health and wellbeing", "mental-health", True),
    ("Older people", "older-people", True),
    ("Children, young people and families", "children-families", True),
    ("Public health", "public-health", True),
    ("Housing and homelessness", "housing-homelessness", True),
    ("Employment and skills", "employment-skills", False),
    ("Community safety", "community-safety", False),
    ("Leisure, culture and libraries", "leisure-culture", False),
    ("Environment and parks", "environment-parks", False),
    ("Transport and travel", "transport", False),
]

PG_FUNCTION = """
CREATE OR REPLACE FUNCTION coproduce_audit_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'The audit trail is append-only: % is not allowed on core_auditevent', TG_OP;
END;
$$ LANGUAGE plpgsql;
"""
PG_TRIGGER = """
CREATE TRIGGER core_auditevent_append_only BEFORE UPDATE OR DELETE ON core_auditevent
FOR EACH ROW EXECUTE FUNCTION coproduce_audit_append_only();
"""
# SQLite: refuse updates. Deletes stay possible there because Django's test flush empties
# tables with DELETE; a deleted row still breaks the hash chain, which audit_verify reports.
SQLITE_TRIGGER = """
CREATE TRIGGER core_auditevent_append_only BEFORE UPDATE ON core_auditevent
BEGIN SELECT RAISE(ABORT, 'The audit trail is append-only'); END;
"""


def forwards(apps, schema_editor):
    apps.get_model("core", "AuditChainHead").objects.get_or_create(
        pk=1, defaults={"seq": 0, "last_hash": GENESIS}
    )
    ServiceArea = apps.get_model("core", "ServiceArea")
    for name, slug, light_touch in SERVICE_AREAS:
        ServiceArea.objects.get_or_create(slug=slug, defaults={"name": name, "light_touch": light_touch})
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        # params=None: the function body contains a literal "%" (RAISE's placeholder), which
        # the PostgreSQL schema editor would otherwise treat as a query parameter.
        schema_editor.execute(PG_FUNCTION, params=None)
        schema_editor.execute(PG_TRIGGER)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_TRIGGER)


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    schema_editor.execute("DROP TRIGGER IF EXISTS core_auditevent_append_only" + (" ON core_auditevent" if vendor == "postgresql" else ""))


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
