from django.apps import AppConfig


class ComplaintsConfig(AppConfig):
    name = "coproduce.procure.complaints"
    label = "complaints"
    verbose_name = "Complaints about tenders"

    def ready(self) -> None:
        """Answer the award work's questions about complaints (awards sits below us)."""
        # Imported here, not at the top: models may not be imported before apps are ready.
        from coproduce.procure.awards.hooks import ComplaintChecks, register_complaint_checks

        from .selectors import complaint_blocks_award, complaint_decided_since

        register_complaint_checks(
            ComplaintChecks(
                blocks_award=complaint_blocks_award, decided_since=complaint_decided_since
            )
        )
