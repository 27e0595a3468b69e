"""``manage.py audit_checkpoint``: sign and publish this hour's checkpoint of the audit chain.

Run it at least hourly (cron, a systemd timer, or the ``audit_checkpoint_hourly`` task);
running it again in the same hour does nothing new.
"""

from django.core.management.base import BaseCommand

from coproduce.foundation.core.checkpoints import audit_checkpoint_make


class Command(BaseCommand):
    help = "Make this hour's signed audit checkpoint (idempotent within the hour)."

    def handle(self, *args, **options):
        checkpoint = audit_checkpoint_make()
        self.stdout.write(
            self.style.SUCCESS(
                f"Checkpoint of {checkpoint.made_at:%Y-%m-%d %H:%M:%S} UTC: "
                f"{checkpoint.seq} public events, head {checkpoint.head_hash[:16]}…"
            )
        )
