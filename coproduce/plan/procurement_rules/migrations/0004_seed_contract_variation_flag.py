"""Seed the rule that flags contract variations: more than 50% added to the value.

The Procurement Act 2023 (Schedule 8, permitted modifications) does not allow a
modification made because of unforeseeable circumstances to increase a contract's value
by more than 50%. The contracts app flags a variation whose running total of value
changes is above this share of the value the contract was let at, and shows the rule's
words with the flag. Later changes are new versions added on the rules page.
"""

import datetime as dt

from django.db import migrations

# key, route, value, unit, effective_from, label, source_title, source_url, note
RULES = [
    (
        "contract.variation.flag_percent", "", 50, "percent", "2025-02-24",
        "Contract variations: the share of the original value above which variations are "
        "flagged for a closer look",
        "Procurement Act 2023, Schedule 8 (permitted modifications), paragraph 5",
        "https://www.legislation.gov.uk/ukpga/2023/54/schedule/8",
        "A modification because of circumstances that could not have been foreseen may not "
        "increase the value of the contract by more than 50%. Variations beyond this are "
        "flagged so that a commissioner checks whether the change needs a new procurement.",
    ),
]


def seed(apps, schema_editor):
    rule_model = apps.get_model("routes", "ProcurementRule")
    for key, route, value, unit, start, label, title, url, note in RULES:
        rule_model.objects.get_or_create(
            key=key,
            route=route,
            effective_from=dt.date.fromisoformat(start),
            defaults={
                "value": value,
                "unit": unit,
                "label": label,
                "source_title": title,
                "source_url": url,
                "note": note,
            },
        )


def unseed(apps, schema_editor):
    rule_model = apps.get_model("routes", "ProcurementRule")
    for key, route, _value, _unit, start, *_ in RULES:
        rule_model.objects.filter(
            key=key, route=route, effective_from=dt.date.fromisoformat(start), created_by=None
        ).delete()


class Migration(migrations.Migration):
    dependencies = [("routes", "0003_seed_voluntary_light_touch_standstill")]

    operations = [migrations.RunPython(seed, unseed)]
