"""Give existing partners and documents a random public id, encrypt existing document
titles (with their SHA-256) and store the keyed digest in place of the plain SHA-256.

Uses the sealing helpers, so the master key (``BID_SEALING_KEY``) must be configured when
this runs on a database that has documents. Reversible: going back decrypts the titles.
"""

import uuid

from django.db import migrations

from coproduce.procure.bids import sealing


def forwards(apps, schema_editor):
    ConsortiumMember = apps.get_model("bids", "ConsortiumMember")
    BidFile = apps.get_model("bids", "BidFile")
    for member in ConsortiumMember.objects.filter(public_id__isnull=True).only("pk"):
        ConsortiumMember.objects.filter(pk=member.pk).update(public_id=uuid.uuid4())
    for f in BidFile.objects.all().only("pk", "bid_id", "title", "sha256", "public_id"):
        digest, key_id = sealing.file_digest(bid_id=f.bid_id, sha256=f.sha256)
        BidFile.objects.filter(pk=f.pk).update(
            public_id=f.public_id or uuid.uuid4(),
            meta_ciphertext=sealing.encrypt_file_meta(title=f.title, sha256=f.sha256),
            digest=digest,
            digest_key_id=key_id,
        )


def backwards(apps, schema_editor):
    BidFile = apps.get_model("bids", "BidFile")
    for f in BidFile.objects.exclude(meta_ciphertext=None).only("pk", "meta_ciphertext"):
        meta = sealing.decrypt_file_meta(bytes(f.meta_ciphertext))
        BidFile.objects.filter(pk=f.pk).update(title=meta["title"][:200], sha256=meta["sha256"])


class Migration(migrations.Migration):
    dependencies = [
        ("bids", "0002_public_ids_and_sealed_file_meta"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
