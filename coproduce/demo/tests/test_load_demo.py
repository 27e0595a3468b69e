"""The demo council loads through the services, and loading twice adds nothing."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from coproduce.foundation.accounts.models import Organisation, User
from coproduce.foundation.commissioning.models import CommissioningProject
from coproduce.foundation.core.audit import verify_chain
from coproduce.foundation.core.models import AuditEvent


def test_load_demo_is_idempotent_and_audited(demo_world, capsys):
    call_command("load_demo")
    counts = (
        User.objects.count(),
        Organisation.objects.count(),
        CommissioningProject.objects.count(),
    )
    events = AuditEvent.objects.count()
    # Procurement adds one umbrella project per service area; bids adds 2 people, 2
    # organisations and 1 project.
    assert counts == (7 + 2, 5 + 2, 7 + 12 + 1)
    call_command("load_demo")
    assert "already loaded" in capsys.readouterr().out
    assert (
        User.objects.count(),
        Organisation.objects.count(),
        CommissioningProject.objects.count(),
    ) == counts
    assert AuditEvent.objects.count() == events
    assert verify_chain()[1] is None
    decommissioned = CommissioningProject.objects.get(stage="decommissioned")
    assert decommissioned.stage_changes.last().reason.startswith("Use fell")
    assert CommissioningProject.objects.filter(published_at__isnull=True).count() == 1


def test_load_demo_refuses_production(db, settings):
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="production"):
        call_command("load_demo")
    assert not User.objects.exists()
