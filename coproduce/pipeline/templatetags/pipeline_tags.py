"""Presentation helpers for forward plan, events and complaints pages. No permission logic."""

from __future__ import annotations

from django import template
from django.urls import NoReverseMatch, reverse

from coproduce.pipeline import formatting

register = template.Library()


@register.filter
def uk_when(starts_at, ends_at=None) -> str:
    return formatting.uk_when(starts_at, ends_at) if starts_at else ""


@register.filter
def uk_moment(value) -> str:
    return formatting.uk_moment(value) if value else ""


@register.filter
def uk_date(value) -> str:
    return formatting.uk_date(value) if value else ""


@register.simple_tag
def url_if_exists(name: str, *args) -> str:
    """The URL, or "" while the page it names does not exist yet (built by another part)."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""
