from django.apps import AppConfig, apps


def tender_of_audit_target(target) -> int | None:
    """The tender a bid event is about (its sealed audit stream is that tender's)."""
    if target._meta.label_lower == "tenders.tender":
        return target.pk
    if getattr(target, "tender_id", None) is not None:
        return target.tender_id
    bid = getattr(target, "bid", None)
    return getattr(bid, "tender_id", None)


def opened_tenders():
    """Tenders whose bids are opened: their sealed audit streams become visible."""
    return apps.get_model("tenders", "Tender").objects.filter(opening__isnull=False)


class BidsConfig(AppConfig):
    name = "coproduce.procure.bids"
    label = "bids"
    verbose_name = "Bids (sealed until the closing time)"

    def ready(self) -> None:
        # Imported here, not at the top: models may not be imported before apps are ready.
        from coproduce.foundation.core.audit import SealedAudit, register_sealed_audit
        from coproduce.foundation.core.selectors import AUDIT_EVENT_HIDERS

        from .selectors import sealed_audit_events

        # Events written before sealed streams existed (in the public stream).
        if sealed_audit_events not in AUDIT_EVENT_HIDERS:
            AUDIT_EVENT_HIDERS.append(sealed_audit_events)
        # Everything a bidder does before the opening (starting, saving, members, files,
        # submitting, withdrawing, a late or refused attempt) goes to the tender's sealed
        # stream, invisible to every audit reader until the bids are opened.
        register_sealed_audit(
            SealedAudit(
                scope="bids.tender",
                verb_prefixes=("bids.bid.", "bids.draft.", "bids.member.", "bids.file."),
                scope_of=tender_of_audit_target,
                revealed=opened_tenders,
            )
        )
