"""Audit streams, keyed hashes and checkpoints (docs/audit.md).

Events gain a stream (``public``, or one sealed stream per tender or budgeting round) and
the id of the key that chained them; every event written before this migration keeps
``sha256``, the unkeyed hash it was chained with, so it still verifies. Heads become one
row per stream. Checkpoints are a new append-only table. On PostgreSQL, TRUNCATE of the
audit table (and of the checkpoints) is refused by a statement trigger; on SQLite the
UPDATE trigger is made again, because changing the table's columns rebuilt it.
"""

from django.db import migrations, models

# Row triggers on the checkpoints, and the TRUNCATE trigger on both tables. The TRUNCATE
# guard lets Django's test runner empty a *test* database (its name starts with "test_";
# a test can force the guard with SET LOCAL coproduce.audit_guard_in_tests = 'on'), and
# nothing else: a production database is never named like that.
PG_FUNCTIONS = """
CREATE OR REPLACE FUNCTION coproduce_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'Append-only: % is not allowed on %', TG_OP, TG_TABLE_NAME;
END;
$$ LANGUAGE plpgsql;
CREATE OR REPLACE FUNCTION coproduce_audit_no_truncate() RETURNS trigger AS $$
BEGIN
  IF current_database() LIKE 'test\\_%'
     AND coalesce(current_setting('coproduce.audit_guard_in_tests', true), '') <> 'on' THEN
    RETURN NULL;
  END IF;
  RAISE EXCEPTION 'Append-only: TRUNCATE is not allowed on %', TG_TABLE_NAME;
END;
$$ LANGUAGE plpgsql;
"""
PG_TRIGGERS = """
CREATE TRIGGER core_auditevent_no_truncate BEFORE TRUNCATE ON core_auditevent
FOR EACH STATEMENT EXECUTE FUNCTION coproduce_audit_no_truncate();
CREATE TRIGGER core_auditcheckpoint_append_only BEFORE UPDATE OR DELETE ON core_auditcheckpoint
FOR EACH ROW EXECUTE FUNCTION coproduce_append_only();
CREATE TRIGGER core_auditcheckpoint_no_truncate BEFORE TRUNCATE ON core_auditcheckpoint
FOR EACH STATEMENT EXECUTE FUNCTION coproduce_audit_no_truncate();
"""
PG_DROP = """
DROP TRIGGER IF EXISTS core_auditevent_no_truncate ON core_auditevent;
DROP TRIGGER IF EXISTS core_auditcheckpoint_append_only ON core_auditcheckpoint;
DROP TRIGGER IF EXISTS core_auditcheckpoint_no_truncate ON core_auditcheckpoint;
"""
SQLITE_TRIGGERS = [
    "DROP TRIGGER IF EXISTS core_auditevent_append_only",
    "CREATE TRIGGER core_auditevent_append_only BEFORE UPDATE ON core_auditevent "
    "BEGIN SELECT RAISE(ABORT, 'The audit trail is append-only'); END;",
    "CREATE TRIGGER core_auditcheckpoint_append_only BEFORE UPDATE ON core_auditcheckpoint "
    "BEGIN SELECT RAISE(ABORT, 'Audit checkpoints are append-only'); END;",
]


def triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        # params=None: the bodies contain a literal "%" (RAISE's placeholder).
        schema_editor.execute(PG_FUNCTIONS, params=None)
        schema_editor.execute(PG_TRIGGERS, params=None)
        # The heads' id became an identity column whose sequence starts at 1, where the
        # public head already is: move it past the existing rows.
        schema_editor.execute(
            "SELECT setval(pg_get_serial_sequence('core_auditchainhead', 'id'), "
            "(SELECT COALESCE(MAX(id), 0) + 1 FROM core_auditchainhead), false)"
        )
    elif vendor == "sqlite":
        for sql in SQLITE_TRIGGERS:
            schema_editor.execute(sql)


def drop_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_DROP, params=None)
    elif vendor == "sqlite":
        schema_editor.execute("DROP TRIGGER IF EXISTS core_auditcheckpoint_append_only")


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0003_submission_key'),
    ]

    operations = [
        migrations.CreateModel(
            name='AuditCheckpoint',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('hourly', 'Hourly'), ('stage_decision', 'Stage decision'), ('manual', 'Made by an operator')], max_length=20)),
                ('made_at', models.DateTimeField(db_index=True)),
                ('hour', models.DateTimeField(blank=True, null=True)),
                ('seq', models.PositiveBigIntegerField()),
                ('head_hash', models.CharField(max_length=64)),
                ('sealed_digest', models.CharField(max_length=64)),
                ('sealed_heads', models.JSONField(blank=True, default=dict)),
                ('chain_key_id', models.CharField(max_length=16)),
                ('public_key', models.CharField(max_length=64)),
                ('signature', models.CharField(max_length=128)),
            ],
            options={
                'ordering': ['-made_at', '-id'],
            },
        ),
        migrations.AlterModelOptions(
            name='auditevent',
            options={'ordering': ['-occurred_at', '-id']},
        ),
        migrations.RemoveConstraint(
            model_name='auditchainhead',
            name='audit_head_singleton',
        ),
        migrations.AddField(
            model_name='auditchainhead',
            name='stream',
            field=models.CharField(default='public', max_length=64, unique=True),
        ),
        migrations.AddField(
            model_name='auditevent',
            name='key_id',
            field=models.CharField(default='sha256', max_length=16),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name='auditevent',
            name='stream',
            field=models.CharField(default='public', max_length=64),
        ),
        migrations.AlterField(
            model_name='auditchainhead',
            name='id',
            field=models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID'),
        ),
        migrations.AlterField(
            model_name='auditevent',
            name='seq',
            field=models.PositiveBigIntegerField(),
        ),
        migrations.AddConstraint(
            model_name='auditevent',
            constraint=models.UniqueConstraint(fields=('stream', 'seq'), name='audit_event_stream_seq_unique'),
        ),
        migrations.AddConstraint(
            model_name='auditcheckpoint',
            constraint=models.UniqueConstraint(condition=models.Q(('kind', 'hourly')), fields=('hour',), name='audit_checkpoint_one_hourly_per_hour'),
        ),
        migrations.AddConstraint(
            model_name='auditcheckpoint',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('kind', 'hourly'), _negated=True), ('hour__isnull', False), _connector='OR'), name='audit_checkpoint_hourly_has_hour'),
        ),
        migrations.RunPython(triggers, drop_triggers),
    ]
