"""The demo themes and findings load through the services, and loading twice adds nothing."""

from __future__ import annotations

from coproduce.demo import engagement_findings
from coproduce.foundation.commissioning.tests.factories import make_project
from coproduce.foundation.core.audit import verify_chain
from coproduce.foundation.core.models import AuditEvent
from coproduce.understand.consultations.models import Finding, Theme
from coproduce.understand.consultations.tests.test_analysis_support import (
    add_response,
    make_consultation,
)

TEXTS = [
    "I want things to do in the evening and at the weekend",
    "Saturday clubs please",
    "The bus is always late so I miss the start",
    "A taxi costs too much",
    "Better transport please",
    "Help me get a job in a shop",
    "I want paid work like my brother",
    "Please keep the same staff, they know me",
    "New staff every week. It is hard.",
    "There is no Changing Places toilet in town",
    "We need a toilet with a hoist",
    "I see my friends there",
]


def test_demo_findings_are_published_with_quotes_and_loading_again_adds_nothing(commissioner):
    project = make_project(
        actor=commissioner, published=True, title=engagement_findings.PROJECT_TITLE
    )
    consultation = make_consultation(actor=commissioner, project=project)
    for text in TEXTS * 3:
        add_response(consultation, text=text)
    users = {engagement_findings.OFFICER: commissioner}
    created = engagement_findings.load(users)
    assert created["themes"] == len(engagement_findings.THEMES)
    assert created["findings"] == 5
    findings = list(Finding.objects.filter(published_at__isnull=False))
    assert len(findings) == 5
    assert all(f.quotes.count() == 2 for f in findings)
    evenings = Finding.objects.get(statement__startswith="People want activities in the evenings")
    assert evenings.people_count == 6  # two matching answers, three times each
    events = AuditEvent.objects.count()
    assert engagement_findings.load(users) == {"themes": 0, "answers_tagged": 0, "findings": 0}
    assert AuditEvent.objects.count() == events
    assert Theme.objects.count() == len(engagement_findings.THEMES)
    assert verify_chain()[1] is None


def test_demo_findings_do_nothing_without_the_consultation(commissioner):
    assert engagement_findings.load({engagement_findings.OFFICER: commissioner}) == {
        "themes": 0,
        "answers_tagged": 0,
        "findings": 0,
    }
