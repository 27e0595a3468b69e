from django.apps import AppConfig


class PanelsConfig(AppConfig):
    name = "coproduce.procure.panels"
    label = "panels"
    verbose_name = "Evaluation panels, scores and moderation"

    def ready(self) -> None:
        """Tell the bids app who declared a conflict with which bid (bids sits below us)."""
        # Imported here, not at the top: models may not be imported before apps are ready.
        from coproduce.procure.bids.hooks import register_conflict_check

        from .selectors import conflicted_bid_ids

        register_conflict_check(conflicted_bid_ids)
