"""Test helpers for plan entries and events, made through the services."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from coproduce.foundation.core.tests.factories import service_area
from coproduce.plan.forward_plan import services as svc


def plan_data(**overrides) -> svc.PlanEntryData:
    values = {
        "title": "Day opportunities for adults with learning disabilities",
        "description": "A new contract for day opportunities.",
        "service_area_id": service_area().pk,
        "estimated_value_pence": 2_400_000_00,
        "expected_tender_on": dt.date(2027, 2, 15),
        "intended_route": "open",
    }
    values.update(overrides)
    return svc.PlanEntryData(**values)


def make_entry(*, actor, published: bool = False, **overrides):
    entry = svc.plan_entry_create(actor=actor, data=plan_data(**overrides))
    if published:
        entry = svc.plan_entry_publish(actor=actor, entry=entry)
    return entry


def event_data(**overrides) -> svc.EventData:
    start = timezone.now().replace(microsecond=0) + dt.timedelta(days=20)
    values = {
        "title": "Meet the buyer: day opportunities",
        "description": "Hear what we plan to buy.",
        "starts_at": start,
        "ends_at": start + dt.timedelta(hours=2),
        "registration_closes_at": start - dt.timedelta(days=1),
        "venue": "Riverside Town Hall",
        "online_joining_details": "Teams link: https://example.org/join/123",
        "accessibility": "Step-free access and a hearing loop.",
        "capacity": 30,
    }
    values.update(overrides)
    return svc.EventData(**values)


def make_event(*, actor, published: bool = True, **overrides):
    event = svc.event_create(actor=actor, data=event_data(**overrides))
    if published:
        event = svc.event_publish(actor=actor, event=event)
    return event


def reg(name="Sam Provider", email="sam@example.org", **kw) -> svc.RegistrationData:
    return svc.RegistrationData(name=name, email=email, **kw)
