"""factory_boy factories for people and organisations, shared by every app's tests.

Objects with a lifecycle are made through their services: projects by
``coproduce.foundation.commissioning.tests.factories``, service areas by
``coproduce.foundation.core.tests.factories``.
"""

from __future__ import annotations

import factory

from coproduce.foundation.accounts.models import Membership, Organisation, Role, User

PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Faker("name", locale="en_GB")
    role = Role.RESIDENT
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Community Group {n}")
    slug = factory.Sequence(lambda n: f"community-group-{n}")
    legal_form = "cio"
    size_band = "small"
    is_vcse = True

    @factory.post_generation
    def admin(obj, create, extracted, **kwargs):
        if create and extracted:
            Membership.objects.create(user=extracted, organisation=obj, role="admin")


def make_member(
    org: Organisation | None = None, *, role: str = "member", **org_kwargs
) -> tuple[User, Organisation]:
    """A provider account with ``role`` in ``org`` (a new organisation made from
    ``org_kwargs`` when not given). Returns (user, organisation)."""
    user = UserFactory(role=Role.PROVIDER)
    if org is None:
        org = OrganisationFactory(**org_kwargs)
    Membership.objects.create(user=user, organisation=org, role=role)
    return user, org
