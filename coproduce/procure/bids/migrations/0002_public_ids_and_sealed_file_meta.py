"""Random public ids for partners and documents; room for encrypted document titles and
keyed document digests (filled by 0003, the plain columns dropped by 0004)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("bids", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="consortiummember",
            name="public_id",
            field=models.UUIDField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name="bidfile",
            name="public_id",
            field=models.UUIDField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name="bidfile",
            name="meta_ciphertext",
            field=models.BinaryField(null=True),
        ),
        migrations.AddField(
            model_name="bidfile",
            name="digest",
            field=models.CharField(default="", max_length=64),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="bidfile",
            name="digest_key_id",
            field=models.CharField(default="", max_length=8),
            preserve_default=False,
        ),
        migrations.RemoveConstraint(
            model_name="bidfile",
            name="bid_file_once",
        ),
    ]
