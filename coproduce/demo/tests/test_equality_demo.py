"""The demo council's equality content loads through the services, once."""

from __future__ import annotations

from coproduce.demo import data
from coproduce.demo import equality as equality_demo
from coproduce.foundation.core.audit import verify_chain
from coproduce.foundation.core.models import AuditEvent
from coproduce.understand.consultations.models import Finding
from coproduce.understand.equality.models import EqualityImpactAssessment, PopulationProfile
from coproduce.understand.equality.population_csv import parse
from coproduce.understand.equality.selectors import assessment_summary, current_population_profile


def test_demo_population_file_covers_all_nine_characteristics():
    shares = parse(equality_demo.POPULATION_CSV.read_bytes())
    assert len({s.characteristic for s in shares}) == 9


def test_demo_loads_figures_and_a_published_assessment_idempotently(demo_world):
    data.load()
    profile = current_population_profile()
    assert profile.name == equality_demo.PROFILE_NAME
    assessment = EqualityImpactAssessment.objects.get(project__title=equality_demo.PROJECT_TITLE)
    assert assessment.is_published
    assert assessment.project.is_published
    entries = {e.characteristic: e for e in assessment.entries.all()}
    assert entries["disability"].impact == "positive"
    assert entries["age"].impact == "neutral"
    assert entries["race"].impact == "unknown"
    assert "Riverside Asian Carers group" in entries["race"].mitigation
    published = Finding.objects.filter(project=assessment.project, published_at__isnull=False)
    cited = list(entries["disability"].findings.values_list("reference", flat=True))
    assert cited == list(published.order_by("reference").values_list("reference", flat=True)[:2])
    summary = assessment_summary(assessment=assessment)
    assert [e.characteristic for e in summary.needs_mitigation] == ["sexual_orientation"]
    events = AuditEvent.objects.count()
    again = data.load()
    assert again["population_profiles"] == 0
    assert again["equality_assessments"] == 0
    assert AuditEvent.objects.count() == events
    assert PopulationProfile.objects.count() == 1
    assert verify_chain()[1] is None
