"""``manage.py audit_verify``: check every link of the audit hash chain."""

from django.core.management.base import BaseCommand, CommandError

from coproduce.foundation.core.audit import verify_chain


class Command(BaseCommand):
    help = "Verify the append-only audit trail; report the first broken link if any."

    def handle(self, *args, **options):
        checked, problem = verify_chain()
        if problem:
            raise CommandError(
                f"Audit trail BROKEN at event #{problem.seq}: {problem.reason}. "
                f"{checked} events before it verified."
            )
        self.stdout.write(self.style.SUCCESS(f"Audit trail OK: {checked} events verified."))
