"""factory_boy factories. Objects with a lifecycle are made through their services."""

from __future__ import annotations

import datetime as dt

import factory

from coproduce.foundation.accounts.models import Membership, Organisation, Role, User
from coproduce.foundation.commissioning.models import CommissioningProject
from coproduce.foundation.commissioning.services import ProjectData, project_create, project_publish
from coproduce.foundation.core.models import ServiceArea

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


def service_area(slug: str = "adult-social-care") -> ServiceArea:
    area, _ = ServiceArea.objects.get_or_create(
        slug=slug, defaults={"name": slug.replace("-", " ").capitalize()}
    )
    return area


def make_project(*, actor: User, published: bool = False, **overrides) -> CommissioningProject:
    """A project created (and optionally published) through the services, as a person would."""
    values = {
        "title": "Day opportunities",
        "service_area_id": service_area().pk,
        "summary": "Things to do in the day for adults with learning disabilities.",
        "budget_pence": 240_000_000,
        "starts_on": dt.date(2027, 4, 1),
        "ends_on": dt.date(2032, 3, 31),
        "owner_id": actor.pk,
    }
    values.update(overrides)
    project = project_create(actor=actor, data=ProjectData(**values))
    if published:
        project = project_publish(actor=actor, project=project)
    return project
