"""Reads about people and organisations."""

from __future__ import annotations

import hashlib

from django.db.models import QuerySet

from coproduce.foundation.core.errors import NotFound

from .models import Invitation, Membership, Organisation


def organisation_list_for_user(*, user) -> QuerySet[Organisation]:
    """Organisations the user belongs to, with their role in each."""
    return (
        Organisation.objects.filter(memberships__user=user)
        .prefetch_related("identifiers", "service_areas")
        .order_by("name")
    )


def organisation_public_list() -> QuerySet[Organisation]:
    """Every organisation profile: these are public (like a charity register entry)."""
    return Organisation.objects.prefetch_related("identifiers", "service_areas").order_by("name")


def access_organisation_by_slug(*, user, slug: str, perm: str | None = None) -> Organisation:
    """The organisation, or NotFound when it is missing or ``perm`` is not held."""
    try:
        org = Organisation.objects.prefetch_related("identifiers", "service_areas").get(slug=slug)
    except Organisation.DoesNotExist:
        raise NotFound() from None
    if perm and not user.has_perm(perm, org):
        raise NotFound()
    return org


def membership_list(*, organisation: Organisation) -> QuerySet[Membership]:
    return organisation.memberships.select_related("user").order_by("user__full_name")


def invitation_open_list(*, organisation: Organisation) -> list[Invitation]:
    return [i for i in organisation.invitations.select_related("invited_by") if i.is_open]


def invitation_by_token(*, token: str) -> Invitation:
    """The open invitation for a token, or NotFound (also for used or expired ones)."""
    digest = hashlib.sha256(token.encode()).hexdigest()
    invitation = Invitation.objects.select_related("organisation").filter(token_hash=digest).first()
    if invitation is None or not invitation.is_open:
        raise NotFound("This invitation link is not valid. It may have expired or been used.")
    return invitation


def user_role_in(*, user, organisation: Organisation) -> str | None:
    membership = Membership.objects.filter(user=user, organisation=organisation).first()
    return membership.role if membership else None
