"""Test helpers for the procurement rules table."""

from __future__ import annotations

import importlib

from django.apps import apps


def seed_rules() -> None:
    """Put back the rules and bank holidays the migrations seed. A transactional test
    (``django_db(transaction=True)``) starts after another one's flush has emptied every
    table, seeded rows included; the upload limit and the working-day calendar are among
    them. Seeding is idempotent."""
    for name in (
        "0002_seed_rules_and_bank_holidays",
        "0003_seed_voluntary_light_touch_standstill",
        "0004_seed_contract_variation_flag",
    ):
        migration = importlib.import_module(f"coproduce.plan.procurement_rules.migrations.{name}")
        migration.seed(apps, None)
