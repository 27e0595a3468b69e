"""The stage layout keeps every app's label, so moving an app never renames a table,
a migration, a permission or a URL namespace (an existing database upgrades with
``migrate`` doing nothing)."""

from django.apps import apps

#: Dotted path → label. The labels are the ones the apps had before they were grouped by
#: stage; changing one would rename tables and break every existing database.
EXPECTED_APPS = {
    "coproduce.foundation.core": "core",
    "coproduce.foundation.accounts": "accounts",
    "coproduce.foundation.commissioning": "commissioning",
    "coproduce.understand.consultations": "engagement",
    "coproduce.understand.ideas": "ideas",
    "coproduce.understand.equality": "equality",
    "coproduce.understand.participatory_budgeting": "budgeting",
    "coproduce.plan.procurement_rules": "routes",
    "coproduce.plan.specifications": "specifications",
    "coproduce.plan.evaluation_models": "evaluation",
    "coproduce.plan.forward_plan": "pipeline",
    "coproduce.procure.tenders": "tenders",
    "coproduce.procure.bids": "bids",
    "coproduce.procure.panels": "panels",
    "coproduce.procure.awards": "awards",
    "coproduce.procure.complaints": "complaints",
    "coproduce.deliver.contracts": "contracts",
    "coproduce.api": "api",
    "coproduce.demo": "demo",
}


def test_every_app_keeps_its_label_inside_its_stage_package():
    installed = {c.name: c.label for c in apps.get_app_configs() if c.name.startswith("coproduce.")}
    for name, label in EXPECTED_APPS.items():
        assert installed.get(name) == label, name


def test_every_table_is_named_after_its_app_label():
    for model in apps.get_models():
        config = model._meta.app_config
        if config.name.startswith("coproduce."):
            assert model._meta.db_table.startswith(f"{config.label}_"), model._meta.db_table
