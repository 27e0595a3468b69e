from django.apps import AppConfig, apps


def round_of_audit_target(target) -> int | None:
    """The round a ballot event is about (its sealed audit stream is that round's)."""
    if target._meta.label_lower == "budgeting.round":
        return target.pk
    return getattr(target, "round_id", None)


def rounds_with_published_results():
    """Rounds whose results are published: their sealed audit streams become visible."""
    return apps.get_model("budgeting", "Round").objects.filter(result__published_at__isnull=False)


class BudgetingConfig(AppConfig):
    name = "coproduce.understand.participatory_budgeting"
    label = "budgeting"
    verbose_name = "Participatory budgeting"

    def ready(self) -> None:
        # Imported here, not at the top: models may not be imported before apps are ready.
        from coproduce.foundation.core.audit import SealedAudit, register_sealed_audit

        # Ballots (cast, replaced, refused…) and paper batches go to the round's sealed
        # stream, invisible to every audit reader, counts included, until the results are
        # published.
        register_sealed_audit(
            SealedAudit(
                scope="budgeting.round",
                verb_prefixes=("budgeting.ballot.", "budgeting.batch."),
                scope_of=round_of_audit_target,
                revealed=rounds_with_published_results,
            )
        )
