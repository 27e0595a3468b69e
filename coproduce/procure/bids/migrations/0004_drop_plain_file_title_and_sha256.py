"""The plain document title and SHA-256 are gone (encrypted in ``meta_ciphertext`` by 0003);
public ids are required and unique; a file is stored once per bid by its keyed digest."""

import uuid

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("bids", "0003_fill_public_ids_and_seal_file_meta"),
    ]

    operations = [
        # Defaults first, so that going back re-adds the columns to existing rows (0003
        # then decrypts the titles into them).
        migrations.AlterField(
            model_name="bidfile",
            name="title",
            field=models.CharField(default="", max_length=200),
        ),
        migrations.AlterField(
            model_name="bidfile",
            name="sha256",
            field=models.CharField(default="", max_length=64),
        ),
        migrations.RemoveField(model_name="bidfile", name="title"),
        migrations.RemoveField(model_name="bidfile", name="sha256"),
        migrations.AlterField(
            model_name="bidfile",
            name="meta_ciphertext",
            field=models.BinaryField(),
        ),
        migrations.AlterField(
            model_name="consortiummember",
            name="public_id",
            field=models.UUIDField(default=uuid.uuid4, editable=False),
        ),
        migrations.AlterField(
            model_name="bidfile",
            name="public_id",
            field=models.UUIDField(default=uuid.uuid4, editable=False),
        ),
        migrations.AddConstraint(
            model_name="consortiummember",
            constraint=models.UniqueConstraint(
                fields=("public_id",), name="consortium_member_public_id_unique"
            ),
        ),
        migrations.AddConstraint(
            model_name="bidfile",
            constraint=models.UniqueConstraint(
                fields=("public_id",), name="bid_file_public_id_unique"
            ),
        ),
        migrations.AddConstraint(
            model_name="bidfile",
            constraint=models.UniqueConstraint(fields=("bid", "digest"), name="bid_file_once"),
        ),
    ]
