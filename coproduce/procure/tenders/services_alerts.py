"""Writes for saved searches and opportunity alerts.

Saved searches belong to one person; only they can rename, delete or silence them (the
services take the search from ``access_saved_search_by_id``, which refuses anyone
else's). Alerts: one email per person per new tender, recorded as an ``AlertDelivery``
in the same transaction as the send, so a retried task skips everyone already told.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse

from coproduce.foundation.accounts.models import Membership, User
from coproduce.foundation.core.audit import audit_record
from coproduce.foundation.core.errors import NotFound, ServiceError

from .models import AlertDelivery, AlertKind, SavedSearch, Tender
from .selectors_search import TenderSearch, tender_matches_search

MAX_SAVED_SEARCHES = 50
ALERTS_OFF_SALT = "tenders.saved-search.alerts-off"


def _clean_name(name: str) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise ServiceError("name_required", "Enter a name for the search", field="name")
    if len(name) > 100:
        raise ServiceError(
            "name_too_long", "The name must be 100 characters or fewer", field="name"
        )
    return name


def _name_taken(user, name: str, exclude_pk: int | None = None) -> bool:
    qs = SavedSearch.objects.filter(user=user, name__iexact=name)
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    return qs.exists()


def saved_search_create(
    *, actor: User, name: str, search: TenderSearch, alerts: bool = True
) -> SavedSearch:
    """Save ``search`` for ``actor`` under ``name`` (unique per person, case-insensitive).

    Saving the same search under the same name again (a double click) returns the one
    already saved; a different search under a name in use is refused.
    """
    if not actor.is_authenticated:
        raise NotFound()
    name = _clean_name(name)
    params = search.as_params()
    with transaction.atomic():
        existing = SavedSearch.objects.filter(user=actor, name__iexact=name).first()
        if existing is not None:
            if existing.params == params:
                return existing
            raise ServiceError(
                "name_in_use",
                f"You already have a saved search called “{existing.name}”. Choose another name",
                field="name",
            )
        if SavedSearch.objects.filter(user=actor).count() >= MAX_SAVED_SEARCHES:
            raise ServiceError(
                "too_many_saved_searches",
                f"You can save up to {MAX_SAVED_SEARCHES} searches. Delete one you no longer "
                "need first",
            )
        try:
            with transaction.atomic():
                saved = SavedSearch.objects.create(
                    user=actor, name=name, params=params, alerts=alerts
                )
        except IntegrityError:
            raise ServiceError(
                "name_in_use", "You already have a saved search with that name", field="name"
            ) from None
        audit_record(
            actor=actor,
            verb="tenders.saved_search.created",
            target=saved,
            changes={"name": name, "params": params, "alerts": alerts},
        )
    return saved


def saved_search_rename(*, actor: User, saved: SavedSearch, name: str) -> SavedSearch:
    """Give ``saved`` a new name (unique per person). Renaming to the same name does nothing."""
    if saved.user_id != actor.pk:
        raise NotFound()
    name = _clean_name(name)
    if name == saved.name:
        return saved
    if _name_taken(actor, name, exclude_pk=saved.pk):
        raise ServiceError(
            "name_in_use", "You already have a saved search with that name", field="name"
        )
    with transaction.atomic():
        old = saved.name
        saved.name = name
        try:
            with transaction.atomic():
                saved.save(update_fields=["name", "updated_at"])
        except IntegrityError:
            saved.name = old
            raise ServiceError(
                "name_in_use", "You already have a saved search with that name", field="name"
            ) from None
        audit_record(
            actor=actor,
            verb="tenders.saved_search.renamed",
            target=saved,
            changes={"name": [old, name]},
        )
    return saved


def saved_search_set_alerts(*, actor: User | None, saved: SavedSearch, alerts: bool) -> SavedSearch:
    """Turn email alerts for ``saved`` on or off. Setting the current value does nothing.

    ``actor`` is the owner, or None when the owner used the signed link in an alert email.
    """
    if actor is not None and saved.user_id != actor.pk:
        raise NotFound()
    if saved.alerts == alerts:
        return saved
    with transaction.atomic():
        saved.alerts = alerts
        saved.save(update_fields=["alerts", "updated_at"])
        audit_record(
            actor=actor or saved.user,
            verb="tenders.saved_search.alerts_on" if alerts else "tenders.saved_search.alerts_off",
            target=saved,
            changes={"alerts": [not alerts, alerts]},
            reason="" if actor is not None else "Link in an alert email",
        )
    return saved


def saved_search_delete(*, actor: User, saved: SavedSearch) -> None:
    """Delete ``saved``. Deleting one already gone (a double click) does nothing."""
    if saved.user_id != actor.pk:
        raise NotFound()
    with transaction.atomic():
        deleted, _ = SavedSearch.objects.filter(pk=saved.pk, user=actor).delete()
        if deleted:
            audit_record(
                actor=actor,
                verb="tenders.saved_search.deleted",
                target=saved,
                changes={"name": saved.name},
            )


# --- alerts ---------------------------------------------------------------------------


def alerts_off_token(saved: SavedSearch) -> str:
    """A signed token for the "stop these emails" link in an alert (no sign-in needed)."""
    return signing.dumps({"s": saved.pk, "u": saved.user_id}, salt=ALERTS_OFF_SALT, compress=True)


def saved_search_from_alerts_off_token(token: str) -> SavedSearch:
    """The saved search a link's token names; NotFound if the token is forged or stale."""
    try:
        data = signing.loads(token, salt=ALERTS_OFF_SALT)
        found = SavedSearch.objects.filter(pk=int(data["s"]), user_id=int(data["u"])).first()
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        found = None
    if found is None:
        raise NotFound()
    return found


@dataclass
class AlertReason:
    """Why one person is told about a tender: their saved searches and organisations."""

    user: User
    searches: list[SavedSearch]
    organisations: list[str]


def new_tender_recipients(tender: Tender) -> list[AlertReason]:
    """Everyone to tell about a newly published ``tender``, once each, by email address.

    Owners of saved searches with alerts on that match the tender, and members of
    organisations whose service areas include the tender's. Inactive accounts are left out.
    """
    reasons: dict[int, AlertReason] = {}
    searches = SavedSearch.objects.filter(alerts=True, user__is_active=True).select_related("user")
    for saved in searches.order_by("user_id", "name"):
        if tender_matches_search(tender=tender, search=TenderSearch.from_params(saved.params)):
            reasons.setdefault(saved.user_id, AlertReason(saved.user, [], [])).searches.append(
                saved
            )
    members = (
        Membership.objects.filter(
            organisation__service_areas=tender.service_area_id, user__is_active=True
        )
        .select_related("user", "organisation")
        .order_by("user_id", "organisation__name")
    )
    for m in members:
        reason = reasons.setdefault(m.user_id, AlertReason(m.user, [], []))
        if m.organisation.name not in reason.organisations:
            reason.organisations.append(m.organisation.name)
    return [r for r in reasons.values() if r.user.email]


def _absolute(path: str) -> str:
    base = getattr(settings, "SITE_URL", "") or "http://localhost:8000"
    return base.rstrip("/") + path


def new_tender_email(tender: Tender, reason: AlertReason) -> EmailMultiAlternatives:
    """The alert email (plain text and HTML) telling one person about a new opportunity."""
    context = {
        "tender": tender,
        "user": reason.user,
        "searches": [
            {
                "name": s.name,
                "alerts_off_url": _absolute(
                    reverse("tenders:alerts_off", args=[alerts_off_token(s)])
                ),
            }
            for s in reason.searches
        ],
        "organisations": reason.organisations,
        "tender_url": _absolute(reverse("tenders:detail", args=[tender.reference])),
        "saved_searches_url": _absolute(reverse("tenders:saved_searches")),
        "council_name": settings.COUNCIL_NAME,
        "service_name": settings.SERVICE_NAME,
    }
    subject = f"New opportunity: {tender.title}"[:200]
    text = render_to_string("tenders/alert_new_tender.txt", context)
    html = render_to_string("tenders/alert_new_tender.html", context)
    message = EmailMultiAlternatives(
        subject=subject, body=text, from_email=settings.DEFAULT_FROM_EMAIL, to=[reason.user.email]
    )
    message.attach_alternative(html, "text/html")
    return message


def alert_deliver_new_tender(*, tender: Tender, reason: AlertReason) -> bool:
    """Email one person about ``tender`` unless they were told already; True if sent now.

    The ``AlertDelivery`` row and the send share one transaction: if sending fails the row
    is rolled back and a retry sends again; if the row exists, nothing is sent. (A crash
    between a successful send and the commit can repeat that one email on retry; it can
    never lose one.)
    """
    with transaction.atomic():
        try:
            with transaction.atomic():
                _, created = AlertDelivery.objects.get_or_create(
                    tender=tender, user=reason.user, kind=AlertKind.NEW_TENDER, event_key=""
                )
        except IntegrityError:  # another worker recorded it between our check and insert
            return False
        if not created:
            return False
        new_tender_email(tender, reason).send(fail_silently=False)
    return True
