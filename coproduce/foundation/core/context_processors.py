"""Template context every page needs: branding and navigation."""

from django.conf import settings


def site(request):
    user = getattr(request, "user", None)
    is_staff_user = bool(user and user.is_authenticated and user.is_council_staff)
    return {
        "council_name": settings.COUNCIL_NAME,
        "council_logo_text": settings.COUNCIL_LOGO_TEXT,
        "service_name": settings.SERVICE_NAME,
        "council_contact_email": settings.COUNCIL_CONTACT_EMAIL,
        "nav_show_staff": is_staff_user,
        "nav_show_audit": bool(user and user.is_authenticated and user.can_read_audit),
    }
