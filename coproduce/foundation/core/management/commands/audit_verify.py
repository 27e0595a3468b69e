"""``manage.py audit_verify [--checkpoint FILE]``: check the audit chain, and published checkpoints."""

import json

from django.core.management.base import BaseCommand, CommandError

from coproduce.foundation.core.audit import verify_chain
from coproduce.foundation.core.checkpoints import verify_checkpoints


class Command(BaseCommand):
    help = (
        "Verify the append-only audit trail (every stream, every keyed link); with "
        "--checkpoint, also check that every checkpoint in a published file still matches."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--checkpoint",
            metavar="FILE",
            help="a checkpoints file downloaded from /audit/checkpoints.json and kept elsewhere",
        )

    def handle(self, *args, **options):
        document = None
        if options["checkpoint"]:
            try:
                with open(options["checkpoint"], encoding="utf-8") as handle:
                    document = json.load(handle)
            except (OSError, ValueError) as error:
                raise CommandError(f"Cannot read the checkpoints file: {error}") from None
        checked, problem = verify_chain()
        if problem:
            raise CommandError(
                f"Audit trail BROKEN at event {problem.where}: {problem.reason}. "
                f"{checked} events before it verified."
            )
        self.stdout.write(self.style.SUCCESS(f"Audit trail OK: {checked} events verified."))
        if document is None:
            return
        count, problems = verify_checkpoints(document)
        if problems:
            lines = "\n".join(f"- {p.checkpoint}: {p.reason}" for p in problems)
            raise CommandError(
                f"Audit trail does NOT match {len(problems)} of {count} published checkpoints:\n"
                f"{lines}"
            )
        self.stdout.write(
            self.style.SUCCESS(f"Checkpoints OK: {count} published checkpoints match the trail.")
        )
