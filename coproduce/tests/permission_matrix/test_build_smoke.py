import pytest

from .world import STAGES, build


@pytest.mark.django_db
@pytest.mark.parametrize("stage", STAGES)
def test_build(stage):
    w = build(stage)
    print(stage, w.explanation, w.contract)
