"""Seed the council's voluntary standstill for light-touch contracts (8 working days).

The Procurement Act 2023 does not require a standstill for light-touch contracts
(``standstill.light_touch_required`` is 0), but the council may choose to wait. This row
says how long it waits when the officer deciding the award chooses to. Like 0002, the
values are written out here; later changes are new versions added on the rules page.
"""

import datetime as dt

from django.db import migrations

LIGHT_TOUCH_GUIDANCE = (
    "https://www.gov.uk/government/publications/procurement-act-2023-guidance-documents-"
    "plan-phase/guidance-light-touch-contracts-html"
)

# key, route, value, unit, effective_from, label, source_title, source_url, note
RULES = [
    (
        "standstill.voluntary_light_touch_working_days", "", 8, "working_days", "2025-02-24",
        "Voluntary standstill for light-touch services: working days the council waits "
        "before signing",
        "Council policy (set by the council, not by law); Procurement Act 2023, section 51 "
        "and Cabinet Office guidance on light touch contracts",
        LIGHT_TOUCH_GUIDANCE,
        "The law requires no standstill for light-touch contracts, but a council may choose "
        "a voluntary one. The council waits as long as for other contracts (8 working days, "
        "counting the decision day), unless the officer deciding the award records why the "
        "contract should be confirmed without waiting.",
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
    dependencies = [("routes", "0002_seed_rules_and_bank_holidays")]

    operations = [migrations.RunPython(seed, unseed)]
