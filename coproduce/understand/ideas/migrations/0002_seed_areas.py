"""Seed the demo council's wards as the areas an idea can be about."""

from django.db import migrations

AREAS = [
    ("Whole borough", "whole-borough"),
    ("Eastgate", "eastgate"),
    ("Millbrook", "millbrook"),
    ("Northfield", "northfield"),
    ("Riverside Central", "riverside-central"),
    ("St Anne’s", "st-annes"),
    ("Westholme", "westholme"),
]


def seed(apps, schema_editor):
    Area = apps.get_model("ideas", "Area")
    for position, (name, slug) in enumerate(AREAS):
        Area.objects.get_or_create(slug=slug, defaults={"name": name, "position": position})


class Migration(migrations.Migration):
    dependencies = [("ideas", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
