"""The demo council loaded once (``demo_world`` in the root conftest) stays with the
tests that ask for it."""

from coproduce.foundation.accounts.models import User


def test_the_demo_world_has_the_demo_people(demo_world):
    assert User.objects.filter(email="commissioner@riverside.example").exists()
    assert demo_world.created["users"] == 7


def test_a_test_that_does_not_ask_for_the_demo_sees_none_of_it(db):
    assert not User.objects.filter(email__endswith="@riverside.example").exists()
