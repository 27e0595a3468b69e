"""The keyed audit chain, its checkpoints and the attacks they must reveal (docs/audit.md).

An "attacker" here has full write access to the database (the append-only trigger is
removed first) but not the chain key nor the checkpoint signing key, and has not kept
anyone from downloading the published checkpoints.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from coproduce.foundation.core.audit import (
    audit_record,
    canonical,
    compute_hash,
    current_chain_key,
    key_id_for,
    legacy_payload,
    verify_chain,
)
from coproduce.foundation.core.checkpoints import (
    audit_checkpoint_make,
    checkpoints_document,
    verify_checkpoints,
)
from coproduce.foundation.core.models import (
    LEGACY_KEY_ID,
    AuditChainHead,
    AuditCheckpoint,
    AuditEvent,
    CheckpointKind,
)
from coproduce.foundation.core.tasks import audit_checkpoint_hourly
from coproduce.foundation.core.tests.factories import service_area

pytestmark = pytest.mark.django_db

OTHER_KEY = "b3RoZXItYXVkaXQtY2hhaW4ta2V5LWZvci10ZXN0cyE="  # 32 bytes


def _record(n: int, verb: str = "core.test.changed") -> list[AuditEvent]:
    area = service_area()
    events = []
    for i in range(n):
        with transaction.atomic():
            events.append(audit_record(actor=None, verb=verb, target=area, changes={"i": i}))
    return events


def _remove_guard():
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("ALTER TABLE core_auditevent DISABLE TRIGGER core_auditevent_append_only")
            cur.execute(
                "ALTER TABLE core_auditcheckpoint DISABLE TRIGGER core_auditcheckpoint_append_only"
            )
        else:
            cur.execute("DROP TRIGGER IF EXISTS core_auditevent_append_only")
            cur.execute("DROP TRIGGER IF EXISTS core_auditcheckpoint_append_only")


def _plain_sha256(event: AuditEvent) -> str:
    """What the hash was before the chain was keyed: anyone can compute it."""
    return hashlib.sha256(canonical(legacy_payload(event)).encode()).hexdigest()


def _rewrite_with_plain_sha256(from_seq: int, *, reason: str) -> None:
    """Edit event ``from_seq`` and re-chain it and every later event with plain SHA-256."""
    events = list(AuditEvent.objects.filter(stream="public").order_by("seq"))
    prev = events[from_seq - 2].hash if from_seq > 1 else "0" * 64
    for event in events[from_seq - 1 :]:
        event.prev_hash = prev
        event.key_id = LEGACY_KEY_ID
        if event.seq == from_seq:
            event.reason = reason
        event.hash = _plain_sha256(event)
        AuditEvent.objects.filter(pk=event.pk).update(
            prev_hash=event.prev_hash, key_id=event.key_id, reason=event.reason, hash=event.hash
        )
        prev = event.hash
    AuditChainHead.objects.filter(stream="public").update(last_hash=prev)


def _published_file(tmp_path) -> str:
    path = tmp_path / "audit-checkpoints.json"
    path.write_text(json.dumps(checkpoints_document()), encoding="utf-8")
    return str(path)


def test_new_events_are_chained_with_an_hmac_under_the_configured_key():
    first, second = _record(2)
    key_id, _ = current_chain_key()
    assert first.key_id == second.key_id == key_id
    assert second.prev_hash == first.hash
    # Not the plain SHA-256 anyone could recompute.
    assert _plain_sha256(second) != second.hash
    assert verify_chain() == (2, None)


def test_events_from_before_the_key_still_verify_and_the_chain_continues_keyed():
    """Rows written by the old code (unkeyed SHA-256) verify, and keyed rows follow them."""
    area = service_area()
    now = dt.datetime(2026, 1, 5, 9, 0, tzinfo=dt.UTC)
    legacy = AuditEvent(
        seq=1,
        occurred_at=now,
        actor_label="system",
        verb="core.legacy.event",
        target_type="core.servicearea",
        target_id=str(area.pk),
        target_label=str(area),
        changes={},
        prev_hash="0" * 64,
        key_id=LEGACY_KEY_ID,
    )
    legacy.hash = _plain_sha256(legacy)
    assert compute_hash(legacy) == legacy.hash
    legacy.save(force_insert=True)
    AuditChainHead.objects.filter(stream="public").update(seq=1, last_hash=legacy.hash)
    (keyed,) = _record(1)
    assert keyed.prev_hash == legacy.hash and keyed.key_id != LEGACY_KEY_ID
    assert verify_chain() == (2, None)


def test_rotated_key_old_events_verify_while_the_old_key_is_listed(settings):
    old_key = settings.AUDIT_CHAIN_KEY
    _record(2)
    settings.AUDIT_CHAIN_KEY = OTHER_KEY
    settings.AUDIT_CHAIN_OLD_KEYS = [old_key]
    (new,) = _record(1)
    assert new.key_id == key_id_for(base64.urlsafe_b64decode(OTHER_KEY))
    assert verify_chain() == (3, None)
    # Without the old key the first events cannot be checked, and the report says why.
    settings.AUDIT_CHAIN_OLD_KEYS = []
    checked, problem = verify_chain()
    assert checked == 0 and problem.seq == 1
    assert "does not have" in problem.reason


def test_editing_an_event_is_detected_by_the_chain_and_by_a_checkpoint(tmp_path):
    _record(3)
    audit_checkpoint_make()
    published = _published_file(tmp_path)
    _remove_guard()
    AuditEvent.objects.filter(stream="public", seq=2).update(reason="Never happened.")
    checked, problem = verify_chain()
    assert (checked, problem.seq) == (1, 2)
    assert "content does not match" in problem.reason
    with pytest.raises(CommandError, match="BROKEN at event #2"):
        call_command("audit_verify", checkpoint=published)


def test_recomputing_the_chain_with_plain_sha256_after_a_keyed_event_is_detected():
    _record(4)
    _remove_guard()
    _rewrite_with_plain_sha256(3, reason="Rewritten later.")
    checked, problem = verify_chain()
    assert (checked, problem.seq) == (2, 3)
    assert "unkeyed" in problem.reason


def test_recomputing_the_whole_chain_with_plain_sha256_is_detected_by_a_checkpoint(tmp_path):
    """Every row rewritten as if it were from before the key: only a checkpoint can tell."""
    _record(4)
    audit_checkpoint_make()
    published = _published_file(tmp_path)
    _remove_guard()
    _rewrite_with_plain_sha256(1, reason="Rewritten from the start.")
    assert verify_chain() == (4, None)  # internally consistent…
    count, problems = verify_checkpoints(json.loads(Path(published).read_text()))
    assert count == 1 and len(problems) == 1  # …but not what was published
    assert "no longer has event #4" in problems[0].reason
    with pytest.raises(CommandError, match="does NOT match 1 of 1"):
        call_command("audit_verify", checkpoint=published)


def test_rechaining_under_a_key_of_the_attackers_choosing_is_detected():
    _record(3)
    _remove_guard()
    event = AuditEvent.objects.get(stream="public", seq=3)
    event.key_id = key_id_for(b"attacker-chosen-key-of-32-bytes!")
    AuditEvent.objects.filter(pk=event.pk).update(key_id=event.key_id, reason="Changed.")
    _, problem = verify_chain()
    assert problem.seq == 3 and "does not have" in problem.reason


def test_deleting_the_last_events_and_moving_the_head_back_is_detected_by_a_checkpoint(
    tmp_path, capsys
):
    events = _record(5)
    audit_checkpoint_make()
    published = _published_file(tmp_path)
    call_command("audit_verify", checkpoint=published)
    assert "Checkpoints OK: 1 published checkpoints match" in capsys.readouterr().out
    _remove_guard()
    with connection.cursor() as cur:
        cur.execute("DELETE FROM core_auditevent WHERE seq > 3")
    AuditChainHead.objects.filter(stream="public").update(seq=3, last_hash=events[2].hash)
    assert verify_chain() == (3, None)  # the chain alone cannot see it
    with pytest.raises(CommandError, match="no longer has event #5"):
        call_command("audit_verify", checkpoint=published)


def test_emptying_the_table_and_the_head_is_detected_by_a_checkpoint(tmp_path):
    _record(3)
    audit_checkpoint_make()
    published = _published_file(tmp_path)
    _remove_guard()
    with connection.cursor() as cur:
        cur.execute("DELETE FROM core_auditevent")
    AuditChainHead.objects.filter(stream="public").update(seq=0, last_hash="0" * 64)
    assert verify_chain() == (0, None)
    with pytest.raises(CommandError, match="no longer has event #3"):
        call_command("audit_verify", checkpoint=published)


def test_a_deleted_checkpoint_or_an_altered_file_is_detected(tmp_path):
    _record(2)
    checkpoint = audit_checkpoint_make()
    document = checkpoints_document()
    forged = json.loads(json.dumps(document))
    forged["checkpoints"][0]["seq"] = 1
    _, problems = verify_checkpoints(forged)
    assert "signature does not match" in problems[0].reason
    _remove_guard()
    AuditCheckpoint.objects.filter(pk=checkpoint.pk)._raw_delete(connection.alias)
    _, problems = verify_checkpoints(document)
    assert "missing from the database" in problems[0].reason


def test_a_file_that_is_not_a_checkpoints_file_is_refused(tmp_path):
    path = tmp_path / "other.json"
    path.write_text('{"hello": 1}', encoding="utf-8")
    with pytest.raises(CommandError, match="not a coproduce-audit-checkpoints/1 file"):
        call_command("audit_verify", checkpoint=str(path))
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("audit_verify", checkpoint=str(tmp_path / "missing.json"))


def test_hourly_checkpoints_are_made_once_per_hour():
    _record(1)
    at = dt.datetime(2026, 3, 2, 10, 5, tzinfo=dt.UTC)
    first = audit_checkpoint_make(now=at)
    _record(1)
    again = audit_checkpoint_make(now=at + dt.timedelta(minutes=50))
    assert again.pk == first.pk and again.seq == 1
    later = audit_checkpoint_make(now=at + dt.timedelta(minutes=56))
    assert later.pk != first.pk and later.seq == 2
    assert AuditCheckpoint.objects.filter(kind=CheckpointKind.HOURLY).count() == 2


def test_the_command_and_the_task_make_this_hours_checkpoint(capsys):
    _record(2)
    call_command("audit_checkpoint")
    assert "2 public events" in capsys.readouterr().out
    result = audit_checkpoint_hourly.enqueue()
    assert result.return_value == AuditCheckpoint.objects.get().pk


def test_checkpoints_cannot_be_changed_in_the_database():
    checkpoint = audit_checkpoint_make()
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditCheckpoint.objects.filter(pk=checkpoint.pk).update(seq=99)
    with pytest.raises(RuntimeError):
        checkpoint.delete()


def _truncate(table: str) -> None:
    with transaction.atomic(), connection.cursor() as cur:
        # Test databases let the test runner empty them; force the guard on here.
        cur.execute("SET LOCAL coproduce.audit_guard_in_tests = 'on'")
        cur.execute(f"TRUNCATE {table} CASCADE")


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_postgres_refuses_truncate_of_the_audit_trail_and_checkpoints():
    _record(2)
    audit_checkpoint_make()
    for table in ("core_auditevent", "core_auditcheckpoint"):
        with pytest.raises(DatabaseError, match="TRUNCATE is not allowed"):
            _truncate(table)
    assert AuditEvent.objects.count() == 2


def test_the_public_checkpoints_page_and_file(client):
    _record(2)
    checkpoint = audit_checkpoint_make()
    page = client.get("/audit/checkpoints/")
    assert page.status_code == 200
    body = page.content.decode()
    assert checkpoint.head_hash in body and "Download every checkpoint" in body
    response = client.get("/audit/checkpoints.json")
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    document = json.loads(response.content)
    assert [c["seq"] for c in document["checkpoints"]] == [2]
    assert "sealed_heads" not in response.content.decode()
    assert verify_checkpoints(document) == (1, [])
