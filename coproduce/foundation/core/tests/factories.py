"""Reference data for tests in every app."""

from __future__ import annotations

from coproduce.foundation.core.models import ServiceArea


def service_area(slug: str = "adult-social-care") -> ServiceArea:
    area, _ = ServiceArea.objects.get_or_create(
        slug=slug, defaults={"name": slug.replace("-", " ").capitalize()}
    )
    return area
