from django.apps import AppConfig


class ContractsConfig(AppConfig):
    name = "coproduce.deliver.contracts"
    label = "contracts"
    verbose_name = "Contracts"

    def ready(self) -> None:
        """Create the contract when an award is confirmed (awards sits below us)."""
        # Imported here, not at the top: models may not be imported before apps are ready.
        from coproduce.procure.awards.hooks import on_award_confirmed

        from .services import contract_create_for_award

        on_award_confirmed(contract_create_for_award)
