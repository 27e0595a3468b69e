"""The audit trail (core): written with each change, append-only, and tamper-evident.

Tested here because the changes it records are a project's (core may not import commissioning)."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from coproduce.foundation.commissioning.services import project_change_stage
from coproduce.foundation.core.audit import audit_record, compute_hash, verify_chain
from coproduce.foundation.core.models import AuditEvent


def _disable_guard():
    """Simulate an attacker with database access: remove the append-only trigger."""
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("ALTER TABLE core_auditevent DISABLE TRIGGER core_auditevent_append_only")
        else:
            cur.execute("DROP TRIGGER IF EXISTS core_auditevent_append_only")


@pytest.fixture
def history(commissioner, draft_project):
    project = project_change_stage(
        actor=commissioner, project=draft_project, to_stage="plan", reason="Consultation done."
    )
    project_change_stage(
        actor=commissioner, project=project, to_stage="procure", reason="Specification agreed."
    )
    return list(AuditEvent.objects.order_by("seq"))


def test_each_service_writes_one_chained_event(history):
    verbs = [e.verb for e in history]
    assert verbs == [
        "commissioning.project.created",
        "commissioning.project.stage_changed",
        "commissioning.project.stage_changed",
    ]
    assert [e.seq for e in history] == [1, 2, 3]
    assert history[1].prev_hash == history[0].hash
    assert history[1].changes == {"stage": ["understand", "plan"], "cycle": 1}
    assert history[1].reason == "Consultation done."
    assert verify_chain() == (3, None)


@pytest.mark.django_db(transaction=True)
def test_audit_record_outside_a_transaction_is_refused(commissioner, draft_project):
    with pytest.raises(RuntimeError, match="inside transaction"):
        audit_record(actor=commissioner, verb="x.y.z", target=draft_project)


def test_an_event_cannot_be_changed_or_deleted_through_the_model(history):
    event = history[0]
    event.verb = "something.else"
    with pytest.raises(RuntimeError, match="append-only"):
        event.save()
    with pytest.raises(RuntimeError, match="append-only"):
        event.delete()


def test_the_database_refuses_updates_to_events(history):
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(seq=1).update(reason="rewritten")


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_postgres_also_refuses_deletes(history):
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(seq=2).delete()


def test_verify_reports_the_first_edited_event(history):
    _disable_guard()
    AuditEvent.objects.filter(seq=2).update(reason="We never decided this.")
    checked, problem = verify_chain()
    assert checked == 1
    assert problem.seq == 2
    assert "content does not match" in problem.reason


def test_verify_reports_a_deleted_event_in_the_middle(history):
    _disable_guard()
    with connection.cursor() as cur:
        cur.execute("DELETE FROM core_auditevent WHERE seq = 2")
    _, problem = verify_chain()
    assert problem.seq == 2
    assert "missing" in problem.reason


def test_verify_reports_events_removed_from_the_end(history):
    _disable_guard()
    with connection.cursor() as cur:
        cur.execute("DELETE FROM core_auditevent WHERE seq = 3")
    checked, problem = verify_chain()
    assert checked == 2
    assert problem.seq == 3
    assert "removed" in problem.reason


def test_verify_reports_a_relinked_chain(history):
    """Rewriting an event and recomputing its own hash still breaks the next link."""
    _disable_guard()
    event = AuditEvent.objects.get(seq=2)
    event.reason = "Forged reason"
    forged = compute_hash(event)
    AuditEvent.objects.filter(seq=2).update(reason="Forged reason", hash=forged)
    _, problem = verify_chain()
    assert problem.seq == 3
    assert "previous-hash link" in problem.reason


def test_audit_verify_command_passes_then_fails_after_tampering(history, capsys):
    call_command("audit_verify")
    assert "Audit trail OK: 3 events verified." in capsys.readouterr().out
    _disable_guard()
    AuditEvent.objects.filter(seq=1).update(actor_label="someone-else@example.org")
    with pytest.raises(CommandError, match=r"BROKEN at event #1"):
        call_command("audit_verify")
