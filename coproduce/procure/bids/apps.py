from django.apps import AppConfig


class BidsConfig(AppConfig):
    name = "coproduce.procure.bids"
    label = "bids"
    verbose_name = "Bids (sealed until the closing time)"

    def ready(self) -> None:
        # Imported here, not at the top: models may not be imported before apps are ready.
        from coproduce.foundation.core.selectors import AUDIT_EVENT_HIDERS

        from .selectors import sealed_audit_events

        if sealed_audit_events not in AUDIT_EVENT_HIDERS:
            AUDIT_EVENT_HIDERS.append(sealed_audit_events)
