"""Presentation helpers for forward plan, events and complaints pages. No permission logic."""

from __future__ import annotations

from django import template

from coproduce.foundation.core import formatting

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
