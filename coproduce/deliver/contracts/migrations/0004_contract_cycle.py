from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def cycle_from_project(apps, schema_editor):
    """Existing contracts belong to their project's current cycle."""
    Contract = apps.get_model("contracts", "Contract")
    CommissioningProject = apps.get_model("commissioning", "CommissioningProject")
    Contract.objects.update(
        cycle=Subquery(
            CommissioningProject.objects.filter(pk=OuterRef("project_id")).values("cycle")[:1]
        )
    )


class Migration(migrations.Migration):
    dependencies = [
        ("contracts", "0003_framework_changes"),
        ("commissioning", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="contract",
            name="cycle",
            field=models.PositiveSmallIntegerField(default=1),
        ),
        migrations.RunPython(cycle_from_project, migrations.RunPython.noop),
    ]
