"""Writes about people and organisations. Each runs in one transaction with its audit row."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, field
from datetime import timedelta

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from coproduce.foundation.core.audit import audit_record, diff
from coproduce.foundation.core.errors import NotFound, ServiceError
from coproduce.foundation.core.idempotency import submitted_once
from coproduce.foundation.core.models import ServiceArea
from coproduce.foundation.core.tasks import send_email

from .identifiers import SCHEMES, IdentifierError, field_name, normalise, normalise_postcode
from .models import (
    Invitation,
    LegalForm,
    MemberRole,
    Membership,
    Organisation,
    OrganisationIdentifier,
    Role,
    SizeBand,
    User,
)

INVITATION_DAYS = 14


def _clean_postcode(value: str, *, form_field: str = "postcode") -> str:
    if not value.strip():
        return ""
    try:
        return normalise_postcode(value)
    except IdentifierError as exc:
        raise ServiceError(exc.code, exc.message, field=form_field) from None


def user_register(
    *,
    email: str,
    full_name: str,
    password: str,
    as_organisation: bool,
    postcode: str = "",
    sign_in_url: str = "",
    reset_url: str = "",
) -> User | None:
    """Create a resident or provider account and email its owner. Email addresses are
    unique, case-insensitively.

    When the address already has an account nothing is created: its owner is emailed
    (someone tried to register with it; sign in or reset the password) and None is
    returned. The caller shows the same page either way, so registration never reveals
    whether an address has an account. The password is checked (and hashed) in both cases,
    so neither the errors nor the time taken differ."""
    email = email.strip().lower()
    role = Role.PROVIDER if as_organisation else Role.RESIDENT
    candidate = User(email=email, full_name=full_name.strip(), role=role)
    try:
        validate_password(password, user=candidate)
    except ValidationError as exc:
        raise ServiceError("weak_password", " ".join(exc.messages), field="password") from None
    with transaction.atomic():
        if User.objects.filter(email__iexact=email).exists():
            candidate.set_password(password)  # the same work as creating the account
            body = (
                "Someone tried to create a coproduce account with this email address, "
                "which already has an account.\n\n"
                f"If it was you, sign in:\n{sign_in_url}\n\n"
                f"or, if you have forgotten your password, reset it:\n{reset_url}\n\n"
                "If it was not you, you can ignore this email: nothing has changed."
            )
            transaction.on_commit(
                lambda: send_email.enqueue(subject="Your coproduce account", body=body, to=[email])
            )
            return None
        user = User.objects.create_user(
            email=email,
            password=password,
            full_name=full_name.strip(),
            role=role,
            postcode=_clean_postcode(postcode),
        )
        audit_record(
            actor=user,
            verb="accounts.user.registered",
            target=user,
            changes={"role": role, "email": email},
        )
        next_step = (
            "After signing in, add your organisation's profile so you can bid.\n\n"
            if as_organisation
            else ""
        )
        body = (
            f"Your coproduce account is ready, {user.full_name}.\n\n"
            f"Sign in with this email address and the password you chose:\n{sign_in_url}\n\n"
            f"{next_step}"
            "If you did not create this account, reset the password and tell us:\n"
            f"{reset_url}"
        )
        transaction.on_commit(
            lambda: send_email.enqueue(subject="Your coproduce account", body=body, to=[email])
        )
    return user


def user_password_reset(*, user: User, save):
    """Record a password reset from an emailed link; ``save`` sets the password itself."""
    with transaction.atomic():
        result = save()
        audit_record(actor=user, verb="accounts.user.password_reset", target=user)
    return result


@dataclass
class OrganisationData:
    """What a person enters on the organisation profile form."""

    name: str
    legal_form: str
    size_band: str
    description: str = ""
    website: str = ""
    email: str = ""
    postcode: str = ""
    is_vcse: bool = False
    is_user_led: bool = False
    user_led_description: str = ""
    is_supported_business: bool = False
    workforce_disadvantaged_percent: int | None = None
    workforce_headcount: int | None = None
    service_area_ids: list[int] = field(default_factory=list)
    identifiers: dict[str, str] = field(default_factory=dict)  # scheme -> number as typed


def _validate_organisation(data: OrganisationData, *, exclude_pk: int | None = None) -> dict:
    if not data.name.strip():
        raise ServiceError("required", "Enter the organisation’s name.", field="name")
    if data.legal_form not in LegalForm.values:
        raise ServiceError(
            "invalid_choice", "Choose a legal form from the list.", field="legal_form"
        )
    if data.size_band not in SizeBand.values:
        raise ServiceError("invalid_choice", "Choose a size from the list.", field="size_band")
    percent = data.workforce_disadvantaged_percent
    if percent is not None and not 0 <= percent <= 100:
        raise ServiceError(
            "percent_range",
            "Enter a percentage between 0 and 100.",
            field="workforce_disadvantaged_percent",
        )
    if data.is_supported_business:
        if percent is None:
            raise ServiceError(
                "percent_required",
                "Enter the percentage of your workforce who are disabled or disadvantaged.",
                field="workforce_disadvantaged_percent",
            )
        if percent < 30:
            raise ServiceError(
                "supported_business_threshold",
                "A supported business has at least 30% of its workforce disabled or "
                "disadvantaged (Procurement Act 2023, section 32). Untick “supported "
                "business” or correct the percentage.",
                field="workforce_disadvantaged_percent",
            )
    if data.workforce_headcount is not None and data.workforce_headcount < 1:
        raise ServiceError(
            "headcount_range",
            "Enter the number of people who work for you, 1 or more.",
            field="workforce_headcount",
        )
    if data.is_user_led and not data.user_led_description.strip():
        raise ServiceError(
            "user_led_description_required",
            "Say whose organisation it is, for example “run by and for disabled people”.",
            field="user_led_description",
        )
    identifiers: dict[str, str] = {}
    for scheme, raw in data.identifiers.items():
        if not raw.strip():
            continue
        try:
            identifiers[scheme] = normalise(scheme, raw)
        except IdentifierError as exc:
            raise ServiceError(exc.code, exc.message, field=field_name(scheme)) from None
        clash = OrganisationIdentifier.objects.filter(
            scheme=scheme, identifier=identifiers[scheme]
        ).exclude(organisation_id=exclude_pk)
        if clash.exists():
            raise ServiceError(
                "identifier_taken",
                f"Another organisation on coproduce already uses {scheme}-{identifiers[scheme]}. "
                "Ask its administrator to invite you instead.",
                field=field_name(scheme),
            )
    areas = list(ServiceArea.objects.filter(pk__in=data.service_area_ids))
    if len(areas) != len(set(data.service_area_ids)):
        raise ServiceError(
            "invalid_choice", "Choose service areas from the list.", field="service_areas"
        )
    return {
        "fields": {
            "name": data.name.strip(),
            "legal_form": data.legal_form,
            "size_band": data.size_band,
            "description": data.description.strip(),
            "website": data.website.strip(),
            "email": data.email.strip().lower(),
            "postcode": _clean_postcode(data.postcode),
            "is_vcse": data.is_vcse,
            "is_user_led": data.is_user_led,
            "user_led_description": data.user_led_description.strip() if data.is_user_led else "",
            "is_supported_business": data.is_supported_business,
            "workforce_disadvantaged_percent": percent,
            "workforce_headcount": data.workforce_headcount,
        },
        "identifiers": identifiers,
        "areas": areas,
    }


def _unique_slug(name: str) -> str:
    base = slugify(name)[:200] or "organisation"
    slug, n = base, 1
    while Organisation.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def _set_identifiers(org: Organisation, identifiers: dict[str, str]) -> dict[str, list]:
    before = {i.scheme: i.identifier for i in org.identifiers.all()}
    changes: dict[str, list] = {}
    for scheme in SCHEMES:
        old, new = before.get(scheme), identifiers.get(scheme)
        if old == new:
            continue
        changes[f"identifier:{scheme}"] = [old, new]
        OrganisationIdentifier.objects.filter(organisation=org, scheme=scheme).delete()
        if new:
            OrganisationIdentifier.objects.create(organisation=org, scheme=scheme, identifier=new)
    return changes


@submitted_once("accounts.organisation")
def organisation_create(*, actor: User, data: OrganisationData) -> Organisation:
    """Create an organisation profile; the creator becomes its first administrator."""
    clean = _validate_organisation(data)
    try:
        with transaction.atomic():
            org = Organisation.objects.create(
                slug=_unique_slug(clean["fields"]["name"]), **clean["fields"]
            )
            org.service_areas.set(clean["areas"])
            _set_identifiers(org, clean["identifiers"])
            Membership.objects.create(user=actor, organisation=org, role=MemberRole.ADMIN)
            if actor.role == Role.RESIDENT:
                actor.role = Role.PROVIDER
                actor.save(update_fields=["role"])
            audit_record(
                actor=actor,
                verb="accounts.organisation.created",
                target=org,
                changes={
                    **clean["fields"],
                    "identifiers": clean["identifiers"],
                    "service_areas": [a.slug for a in clean["areas"]],
                },
            )
    except IntegrityError as exc:  # a concurrent request registered the same identifier
        raise ServiceError(
            "identifier_taken", "Another organisation already uses one of these numbers."
        ) from exc
    return org


def organisation_update(
    *, actor: User, organisation: Organisation, data: OrganisationData
) -> Organisation:
    """Change an organisation's profile. Only its administrators or a platform admin may."""
    if not actor.has_perm("accounts.change_organisation", organisation):
        raise NotFound()
    clean = _validate_organisation(data, exclude_pk=organisation.pk)
    with transaction.atomic():
        org = Organisation.objects.select_for_update().get(pk=organisation.pk)
        changes = diff(org, clean["fields"])
        for name, value in clean["fields"].items():
            setattr(org, name, value)
        org.save()
        old_areas = sorted(org.service_areas.values_list("slug", flat=True))
        new_areas = sorted(a.slug for a in clean["areas"])
        if old_areas != new_areas:
            org.service_areas.set(clean["areas"])
            changes["service_areas"] = [old_areas, new_areas]
        changes.update(_set_identifiers(org, clean["identifiers"]))
        if changes:
            audit_record(
                actor=actor, verb="accounts.organisation.updated", target=org, changes=changes
            )
    return org


def invitation_create(
    *, actor: User, organisation: Organisation, email: str, role: str, accept_url_base: str
) -> Invitation:
    """Invite someone by email; the link carries a random token of which only a hash is kept."""
    if not actor.has_perm("accounts.invite_to_organisation", organisation):
        raise NotFound()
    email = email.strip().lower()
    if role not in MemberRole.values:
        raise ServiceError("invalid_choice", "Choose a role from the list.", field="role")
    if Membership.objects.filter(organisation=organisation, user__email__iexact=email).exists():
        raise ServiceError(
            "already_member", f"{email} is already a member of {organisation}.", field="email"
        )
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        invitation = Invitation.objects.create(
            organisation=organisation,
            email=email,
            role=role,
            token_hash=hashlib.sha256(token.encode()).hexdigest(),
            invited_by=actor,
            expires_at=timezone.now() + timedelta(days=INVITATION_DAYS),
        )
        audit_record(
            actor=actor,
            verb="accounts.invitation.created",
            target=organisation,
            changes={"email": email, "role": role},
        )
        link = accept_url_base + reverse("accounts:invitation_accept", args=[token])
        body = (
            f"{actor.full_name} has invited you to join {organisation.name} on coproduce.\n\n"
            f"Accept the invitation within {INVITATION_DAYS} days:\n{link}\n\n"
            "If you were not expecting this, you can ignore this email."
        )
        transaction.on_commit(
            lambda: send_email.enqueue(
                subject=f"Join {organisation.name} on coproduce", body=body, to=[email]
            )
        )
    return invitation


def invitation_accept(*, user: User, token: str) -> Membership:
    """Accept an invitation as the signed-in user. Used or expired links do nothing."""
    digest = hashlib.sha256(token.encode()).hexdigest()
    with transaction.atomic():
        invitation = (
            Invitation.objects.select_for_update()
            .select_related("organisation")
            .filter(token_hash=digest)
            .first()
        )
        if invitation is None or not invitation.is_open:
            raise NotFound("This invitation link is not valid. It may have expired or been used.")
        if invitation.email.lower() != user.email.lower():
            raise ServiceError(
                "wrong_account",
                f"This invitation was sent to {invitation.email}. Sign in with that address to accept it.",
            )
        membership, created = Membership.objects.get_or_create(
            user=user, organisation=invitation.organisation, defaults={"role": invitation.role}
        )
        invitation.accepted_at = timezone.now()
        invitation.accepted_by = user
        invitation.save(update_fields=["accepted_at", "accepted_by"])
        if user.role == Role.RESIDENT:
            user.role = Role.PROVIDER
            user.save(update_fields=["role"])
        if created:
            audit_record(
                actor=user,
                verb="accounts.membership.created",
                target=invitation.organisation,
                changes={"user": user.email, "role": membership.role},
            )
    return membership


def membership_remove(*, actor: User, membership: Membership) -> None:
    """Remove a member. An organisation always keeps at least one administrator."""
    org = membership.organisation
    if not actor.has_perm("accounts.change_organisation", org):
        raise NotFound()
    with transaction.atomic():
        admins = Membership.objects.select_for_update().filter(
            organisation=org, role=MemberRole.ADMIN
        )
        if membership.role == MemberRole.ADMIN and admins.count() <= 1:
            raise ServiceError(
                "last_admin",
                "An organisation needs at least one administrator. Make someone else an "
                "administrator first.",
            )
        audit_record(
            actor=actor,
            verb="accounts.membership.removed",
            target=org,
            changes={"user": membership.user.email, "role": membership.role},
        )
        membership.delete()
