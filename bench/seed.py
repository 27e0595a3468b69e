"""Build the benchmark database: migrate, then insert 10,000 published projects quickly.

Run by ``bench/run.py`` in its own process, with ``DATABASE_URL`` pointing at the fresh
benchmark database (a SQLite file in a temporary directory, or the PostgreSQL bench
database). It is not meant for a real database: rows are written with ``bulk_create``,
which skips the services, so there are no audit events for them.

    DATABASE_URL=sqlite:////tmp/x/bench.sqlite3 .venv/bin/python bench/seed.py [--probe]

``--probe`` also requests each benchmarked URL once through Django's test client and
prints the number of SQL queries each one runs (JSON on the last line of stdout).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

PUBLISHED = 10_000
DRAFTS = 250
HISTORY_PROJECTS = 150  # projects whose full stage history is written (a few hundred rows)
SEED = 20261121
OFFICERS = [
    "Priya Shah",
    "Tom Okafor",
    "Helen Marsh",
    "Ade Bello",
    "Ruth Kaplan",
    "Marcus Lee",
    "Sian Evans",
    "Farah Qureshi",
]
SUFFIXES = ["pilot", "phase 2", "recommissioning", "lot 1", "lot 2"]

WARDS_TEXT = """
Eastgate, Riverside North, Millbrook, Hollins Park, Castle Ward, Ferry Lane, St Anne's,
Ashworth, Kingsmead, Lower Marsh, Brookfield, Oakley Green, Westbridge, Hatherley, Canal Side,
Northfields, Harbour, Greenhill, Tanners Row, Old Town, Sefton Vale, Willow Bank, Larkrise,
Borough-wide
"""
WARDS = [w.strip() for w in WARDS_TEXT.split(",")]

# service area slug: kinds of service; who it is for. Titles combine the two and a ward.
SERVICES_TEXT = """
adult-social-care: Home care, Reablement, Shared lives, Direct payments support, Extra care
  housing support, Carers' breaks, Equipment and adaptations, Advocacy; adults with care needs,
  unpaid carers, people leaving hospital, disabled adults, people with sensory impairments
learning-disability: Day opportunities, Supported living, Short breaks, Supported employment,
  Travel training, Easy-read information service, Peer advocacy; adults with learning
  disabilities, autistic adults, young people in transition, families of disabled adults
mental-health: Peer support, Crisis café, Community wellbeing hubs, Talking therapies outreach,
  Recovery college, Suicide prevention training, Social prescribing; adults with mental ill
  health, young adults, men at risk of isolation, people in crisis, new parents
older-people: Befriending, Lunch clubs, Falls prevention, Dementia support, Handyperson
  service, Digital inclusion sessions, Community transport; older people living alone, people
  living with dementia, older carers, people over 75
children-families: Family hubs, Young carers' activities, Parenting support, Youth clubs,
  Holiday activities and food, Early help, Breastfeeding peer support; young carers, families
  with young children, teenagers, care leavers, children with special educational needs
public-health: Stop smoking service, Healthy weight programme, Sexual health outreach, Drug and
  alcohol recovery, NHS health checks, Physical activity referral; adults, young people,
  pregnant women, people experiencing homelessness, workplaces
housing-homelessness: Floating housing support, Rough sleeper outreach, Supported
  accommodation, Tenancy sustainment, Domestic abuse refuge, Housing first; people at risk of
  eviction, single homeless adults, survivors of domestic abuse, young people leaving care,
  families in temporary accommodation
employment-skills: Job coaching, Adult community learning, Apprenticeship brokerage, English
  for speakers of other languages, Digital skills, Work experience; disabled people, long-term
  unemployed adults, young people not in work, refugees, people returning to work
community-safety: Street pastors, Anti-social behaviour mediation, Hate crime reporting centre,
  Knife crime prevention, Neighbourhood watch support; residents, young people, town centre
  businesses, victims of hate crime
leisure-culture: Home library service, Community arts programme, Leisure centre management,
  Heritage open days, Reading groups, Music in the parks; residents, children and families,
  older people, disabled people
environment-parks: Grounds maintenance, Community gardens, Tree planting, Park rangers, Litter
  picking volunteers, Allotment management; residents, schools, volunteers, friends of parks
  groups
transport: Dial-a-ride, School travel, Community bus, Cycle training, Concessionary travel
  support; older and disabled people, children with additional needs, rural residents, new
  cyclists
"""


def _services(text: str) -> dict[str, tuple[list[str], list[str]]]:
    # An entry starts on an unindented line and continues on the indented ones.
    entries, current = [], ""
    for line in text.strip().splitlines():
        if line and not line.startswith(" "):
            if current:
                entries.append(current)
            current = line
        else:
            current += " " + line.strip()
    entries.append(current)
    out = {}
    for entry in entries:
        slug, rest = entry.split(":", 1)
        kinds, whos = rest.split(";")
        out[slug.strip()] = (
            [k.strip() for k in kinds.split(",")],
            [w.strip() for w in whos.split(",")],
        )
    return out


SERVICES = _services(SERVICES_TEXT)

SUMMARY_OPENINGS = [
    "This service helps {who} in {ward}",
    "We are commissioning support for {who} across {ward}",
    "A service designed with {who}",
    "Residents told us that {who} need more help",
    "The current contract ends soon; {who} and their families helped shape the next one",
]
SUMMARY_MIDDLES = [
    "to stay independent and connected to their community.",
    "so that fewer people reach a crisis before they get help.",
    "with support that is closer to home and available at evenings and weekends.",
    "through local organisations, including small charities and user-led groups.",
    "and to make it easier to find out what is available.",
]

# Stage mix for a mature council: most projects are running or being planned.
STAGE_WEIGHTS = {
    "understand": 20,
    "plan": 20,
    "procure": 12,
    "deliver": 33,
    "review": 10,
    "decommissioned": 5,
}
PATH = {
    "understand": [],
    "plan": ["plan"],
    "procure": ["plan", "procure"],
    "deliver": ["plan", "procure", "deliver"],
    "review": ["plan", "procure", "deliver", "review"],
    "decommissioned": ["plan", "procure", "deliver", "review", "decommissioned"],
}
REASONS = {
    "plan": "The consultation closed with {n} responses; we have enough to write the specification.",
    "procure": "The specification was agreed with the service user reference group.",
    "deliver": "Contract awarded after evaluation by a panel that included people who use the service.",
    "review": "The contract is in its final year; reviewing outcomes and feedback.",
    "decommissioned": "Use fell to {n} people, all of whom were helped to move to other support.",
}


def build() -> dict:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.db.models import F
    from django.utils import timezone

    from coproduce.foundation.accounts.models import Role, User
    from coproduce.foundation.commissioning.models import CommissioningProject, StageChange
    from coproduce.foundation.core.models import Counter, ServiceArea

    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    timings["migrate_s"] = time.perf_counter() - t0

    rng = random.Random(SEED)
    t0 = time.perf_counter()
    with transaction.atomic():
        owners = []
        for i, name in enumerate(OFFICERS):
            u = User(
                email=f"bench.officer{i}@riverside.example",
                full_name=name,
                role=Role.COMMISSIONER,
                job_title="Commissioning Officer",
            )
            u.set_unusable_password()
            owners.append(u)
        User.objects.bulk_create(owners)
        owners = list(User.objects.filter(email__startswith="bench.officer"))
        areas = {a.slug: a for a in ServiceArea.objects.all()}
        area_slugs = [s for s in SERVICES if s in areas]

        now = timezone.now()
        stages, weights = list(STAGE_WEIGHTS), list(STAGE_WEIGHTS.values())
        per_year: dict[int, int] = {}
        projects = []
        for i in range(PUBLISHED + DRAFTS):
            slug = rng.choice(area_slugs)
            kinds, whos = SERVICES[slug]
            kind, who, ward = rng.choice(kinds), rng.choice(whos), rng.choice(WARDS)
            title = f"{kind} for {who}" + ("" if ward == "Borough-wide" else f" in {ward}")
            if rng.random() < 0.15:
                title += f" ({rng.choice(SUFFIXES)})"
            summary = (
                rng.choice(SUMMARY_OPENINGS).format(who=who, ward=ward)
                + " "
                + rng.choice(SUMMARY_MIDDLES)
            )
            published = i < PUBLISHED
            created = now - dt.timedelta(days=rng.uniform(1, 6 * 365))
            year = created.year
            per_year[year] = per_year.get(year, 0) + 1
            starts = created.date() + dt.timedelta(days=rng.randint(90, 540))
            stage = rng.choices(stages, weights)[0] if published else "understand"
            projects.append(
                CommissioningProject(
                    reference=f"CP-{year}-{per_year[year]:04d}",
                    title=title[:200],
                    service_area=areas[slug],
                    summary=summary,
                    # log-uniform £20k to £5m, rounded to the pound
                    budget_pence=round(10 ** rng.uniform(4.3, 6.7)) * 100,
                    starts_on=starts,
                    ends_on=starts + dt.timedelta(days=365 * rng.randint(1, 5) - 1),
                    owner=rng.choice(owners),
                    stage=stage,
                    cycle=2 if published and rng.random() < 0.08 else 1,
                    published_at=(
                        created + dt.timedelta(days=rng.uniform(0, 30)) if published else None
                    ),
                )
            )
        CommissioningProject.objects.bulk_create(projects, batch_size=1000)
        for year, n in per_year.items():
            Counter.objects.update_or_create(
                name=f"commissioning.project.{year}", defaults={"value": n}
            )
        # created_at/updated_at are auto fields (set to "now" on insert): spread them out.
        CommissioningProject.objects.filter(published_at__isnull=False).update(
            created_at=F("published_at"), updated_at=F("published_at")
        )

        # A few hundred decisions: the full history of some projects past "understand".
        moved = [p for p in projects if p.published_at and p.stage != "understand"]
        changes = []
        for p in rng.sample(moved, min(HISTORY_PROJECTS, len(moved))):
            prev, when = "understand", p.published_at
            for step in PATH[p.stage]:
                when = when + dt.timedelta(days=rng.uniform(20, 200))
                changes.append(
                    StageChange(
                        project=p,
                        from_stage=prev,
                        to_stage=step,
                        reason=REASONS[step].format(n=rng.randint(11, 400)),
                        decided_by=p.owner,
                        decided_at=when,
                        cycle=p.cycle,
                    )
                )
                prev = step
        StageChange.objects.bulk_create(changes, batch_size=1000)
    timings["insert_s"] = time.perf_counter() - t0

    # Settle the statistics as autovacuum would have done on a live database.
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("VACUUM ANALYZE")
        elif connection.vendor == "sqlite":
            cur.execute("ANALYZE")
            cur.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    return {
        "vendor": connection.vendor,
        "published": CommissioningProject.objects.filter(published_at__isnull=False).count(),
        "drafts": CommissioningProject.objects.filter(published_at__isnull=True).count(),
        "stage_changes": StageChange.objects.count(),
        "service_areas": len(areas),
        **{k: round(v, 2) for k, v in timings.items()},
    }


def probe(paths: list[str]) -> dict[str, int]:
    """SQL queries per request for each path, through the test client (after a warm-up)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    out = {}
    for path in paths:
        client.get(path)
        with CaptureQueriesContext(connection) as ctx:
            resp = client.get(path)
        if resp.status_code != 200:
            raise SystemExit(f"probe: {path} answered {resp.status_code}")
        out[path] = len(ctx.captured_queries)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--probe",
        nargs="*",
        default=None,
        metavar="PATH",
        help="after building, count SQL queries for these paths",
    )
    args = parser.parse_args()
    result = build()
    if args.probe:
        result["queries"] = probe(args.probe)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
