"""Permission predicates (django-rules). Views and services ask these, templates do not."""

import rules

from .models import COUNCIL_ROLES, MemberRole, Membership, Role


@rules.predicate
def is_council_staff(user) -> bool:
    return bool(user.is_authenticated and user.is_active and user.role in COUNCIL_ROLES)


@rules.predicate
def is_commissioner(user) -> bool:
    return bool(
        user.is_authenticated and user.is_active and user.role in {Role.COMMISSIONER, Role.ADMIN}
    )


@rules.predicate
def is_platform_admin(user) -> bool:
    return bool(user.is_authenticated and user.is_active and user.role == Role.ADMIN)


@rules.predicate
def can_read_audit(user) -> bool:
    return bool(user.is_authenticated and user.is_active and user.can_read_audit)


@rules.predicate
def is_org_member(user, organisation) -> bool:
    if not user.is_authenticated or organisation is None:
        return False
    return Membership.objects.filter(user=user, organisation=organisation).exists()


@rules.predicate
def is_org_admin(user, organisation) -> bool:
    if not user.is_authenticated or organisation is None:
        return False
    return Membership.objects.filter(
        user=user, organisation=organisation, role=MemberRole.ADMIN
    ).exists()


rules.add_perm("accounts.change_organisation", is_org_admin | is_platform_admin)
rules.add_perm("accounts.view_organisation_members", is_org_member | is_council_staff)
rules.add_perm("accounts.invite_to_organisation", is_org_admin | is_platform_admin)
rules.add_perm("core.view_auditevent", can_read_audit)
