"""Every stage decision publishes a signed audit checkpoint in the same transaction."""

from __future__ import annotations

import pytest

from coproduce.foundation.commissioning.services import project_change_stage
from coproduce.foundation.core.checkpoints import checkpoints_document, verify_checkpoints
from coproduce.foundation.core.errors import ServiceError
from coproduce.foundation.core.models import AuditCheckpoint, AuditEvent, CheckpointKind

pytestmark = pytest.mark.django_db


def test_a_stage_decision_publishes_a_checkpoint_that_includes_it(commissioner, draft_project):
    project_change_stage(
        actor=commissioner, project=draft_project, to_stage="plan", reason="Consultation done."
    )
    checkpoint = AuditCheckpoint.objects.get(kind=CheckpointKind.STAGE_DECISION)
    decision = AuditEvent.objects.get(verb="commissioning.project.stage_changed")
    assert (checkpoint.seq, checkpoint.head_hash) == (decision.seq, decision.hash)
    assert verify_checkpoints(checkpoints_document()) == (1, [])


def test_a_repeated_or_refused_stage_decision_publishes_nothing(commissioner, draft_project):
    project = project_change_stage(
        actor=commissioner, project=draft_project, to_stage="plan", reason="Consultation done."
    )
    project_change_stage(actor=commissioner, project=project, to_stage="plan", reason="Again.")
    with pytest.raises(ServiceError) as err:
        project_change_stage(actor=commissioner, project=project, to_stage="procure", reason=" ")
    assert err.value.code == "reason_required"
    assert AuditCheckpoint.objects.count() == 1
