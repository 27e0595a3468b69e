"""The stage layout keeps every app's label, so moving an app never renames a table,
a migration, a permission or a URL namespace (an existing database upgrades with
``migrate`` doing nothing)."""

import ast
from pathlib import Path

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
    "coproduce.deliver.monitoring": "monitoring",
    "coproduce.deliver.feedback": "feedback",
    "coproduce.deliver.social_value": "social_value",
    "coproduce.deliver.review": "review",
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


# --- imports at the top ------------------------------------------------------------------
# An import inside a function hides a loop between modules (a selector reaching up into a
# service, a task into the service that enqueues it). Imports run one way at module top
# level; the only place they may wait is ``AppConfig.ready()`` in an ``apps.py``, where
# Django requires it (models and other apps are not loaded before then).

PACKAGE = Path(__file__).resolve().parents[1]

#: (path under coproduce/, enclosing function, imported module) → why it stays local.
LOCAL_IMPORTS_ALLOWED = {
    ("procure/awards/letters.py", "_Writer.__init__", "fpdf"): (
        "fpdf2 takes ~0.4 s to import, +40% on every process start; only PDF rendering needs it"
    ),
}


def _local_imports(tree: ast.Module):
    """(enclosing function's qualified name, imported module, line) for every import that
    sits inside a function or method body."""

    def walk(node, scope: list[str], in_function: bool):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.Import | ast.ImportFrom) and in_function:
                names = (
                    [a.name for a in child.names]
                    if isinstance(child, ast.Import)
                    else ["." * child.level + (child.module or "")]
                )
                for name in names:
                    yield ".".join(scope), name, child.lineno
            elif isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                yield from walk(child, [*scope, child.name], True)
            elif isinstance(child, ast.ClassDef):
                yield from walk(child, [*scope, child.name], in_function)
            else:
                yield from walk(child, scope, in_function)

    yield from walk(tree, [], False)


def test_no_function_local_imports_outside_app_ready():
    problems = []
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE).as_posix()
        if "migrations" in path.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=relative)
        for function, module, line in _local_imports(tree):
            if path.name == "apps.py" and function.split(".")[-1] == "ready":
                continue
            if (relative, function, module) in LOCAL_IMPORTS_ALLOWED:
                continue
            problems.append(f"coproduce/{relative}:{line}: {module} imported inside {function}()")
    assert problems == [], "\n".join(problems)


def test_allowed_local_imports_still_exist():
    found = set()
    for relative, _function, _module in LOCAL_IMPORTS_ALLOWED:
        tree = ast.parse((PACKAGE / relative).read_text(encoding="utf-8"))
        found |= {(relative, f, m) for f, m, _ in _local_imports(tree)}
    assert set(LOCAL_IMPORTS_ALLOWED) <= found
