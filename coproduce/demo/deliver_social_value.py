"""Demo social value (issue 13): an example measure table, the peer support contract's
promises with delivery checked and waiting, and an SROI forecast for it.

1. **The measure table** is imported through the CSV service, as a council would. Its
   values are examples only, each labelled as such: coproduce bundles no licensed values
   (not the National TOMs, not the HACT Social Value Bank), and a council replaces this
   table with its own.
2. **Promises on the peer support contract** (made by ``deliver_contracts``; nothing
   happens until it exists): the commissioner records three from the winning bid's social
   value answer; the provider proposes a fourth, which the commissioner agrees. The
   provider reports delivery with evidence; some reports are verified, one is not accepted
   (with the reason), and some wait in the officer's queue.
3. **An SROI forecast** for the contract, published, with three outcomes.

Idempotent: the table is found by its content, the promises by the contract (none are
added once it has any), the analysis by contract and title. Dates are relative to the
contract's start, which is relative to the day of loading.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from coproduce.deliver.contracts.models import Contract
from coproduce.deliver.social_value import selectors as sv_sel
from coproduce.deliver.social_value import services as sv
from coproduce.deliver.social_value.models import Commitment, MeasureTable, SroiAnalysis
from coproduce.demo import bids as bids_demo
from coproduce.foundation.accounts.models import User

COMMISSIONER = "commissioner@riverside.example"
PROVIDER = "provider@riverside.example"
EXAMPLE = "Example value for trying coproduce, not for decisions: replace with your council’s own"

MEASURES_CSV = (
    "code,name,unit,proxy_pounds,source,price_year\n"
    f'JOBS,Local disabled people in paid jobs for a year (full time),job,15000,"{EXAMPLE} '
    '(in the style of a wellbeing valuation of employment, e.g. HACT)",2024\n'
    f'PLACEMENT,Weeks of paid work placement for local disabled people,week,300,"{EXAMPLE} '
    '(in the style of the Unit Cost Database)",2024\n'
    f'VOLUNTEER,Hours volunteered in the community by staff,hour,16.50,"{EXAMPLE} '
    '(an hour valued at a typical local wage)",2024\n'
    f'LOCAL-SPEND,Pounds spent with local small suppliers and VCSEs,pound,0.30,"{EXAMPLE} '
    '(the extra local value of each pound, local multiplier style)",2024\n'
    f'TRAINING,Hours of training for people who use the service,hour,25,"{EXAMPLE}",2024\n'
    f'PEER-SESSION,Peer support group sessions open to the public,session,40,"{EXAMPLE}",2024\n'
    f'CARBON,Tonnes of carbon dioxide equivalent saved,tonne_co2e,250,"{EXAMPLE} '
    '(in the style of the government’s published carbon values)",2024\n'
).encode()
TABLE_TITLE = "Example measures (replace with your council’s own)"
SROI_TITLE = "Peer support into work: forecast social return"


def _contract() -> Contract | None:
    return (
        Contract.objects.filter(project__title=bids_demo.PROJECT_TITLE)
        .select_related("project", "award__winning_bid")
        .order_by("pk")
        .first()
    )


def _table(commissioner: User) -> int:
    digest = hashlib.sha256(MEASURES_CSV).hexdigest()
    if MeasureTable.objects.filter(sha256=digest).exists():
        return 0
    sv.measure_table_import(
        actor=commissioner, data=MEASURES_CSV, file_name="example-measures.csv", title=TABLE_TITLE
    )
    return 1


def _evidence(name: str, lines: list[str]) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, ("\n".join(lines) + "\n").encode(), "text/csv")


def _promises(commissioner: User, provider: User, contract: Contract) -> int:
    if Commitment.objects.filter(contract=contract).exists():
        return 0
    answers = sv_sel.bid_social_value_answers(contract)
    from_bid = answers[0].pk if answers else None
    end_of_year_one = min(contract.ends_on, contract.starts_on + dt.timedelta(days=364))

    def promise(actor, code, quantity, due_by, details, answer=None):
        return sv.commitment_add(
            actor=actor,
            contract=contract,
            data=sv.CommitmentData(
                measure_code=code,
                quantity=quantity,
                due_by=due_by,
                details=details,
                bid_answer_id=answer,
            ),
        )

    jobs = promise(
        commissioner,
        "JOBS",
        "4",
        end_of_year_one,
        "Four paid peer supporter jobs for disabled Riverside residents, on the Real Living Wage.",
        from_bid,
    )
    placements = promise(
        commissioner,
        "PLACEMENT",
        "60",
        end_of_year_one,
        "Ten paid work placements of six weeks a year.",
        from_bid,
    )
    volunteering = promise(
        commissioner,
        "VOLUNTEER",
        "200",
        contract.ends_on,
        "Staff volunteer with Speak Up Riverside’s advocacy drop-ins.",
    )
    spend = promise(
        provider,
        "LOCAL-SPEND",
        "20000",
        end_of_year_one,
        "We will buy printing, catering and venue hire from Riverside small businesses and VCSEs.",
    )
    spend = sv.commitment_decide(actor=commissioner, commitment=spend, agree=True)

    start = contract.starts_on
    today = timezone.localdate()

    def period(first_day: int, last_day: int) -> tuple[dt.date, dt.date]:
        return start + dt.timedelta(days=first_day), min(today, start + dt.timedelta(days=last_day))

    def deliver(commitment, quantity, days, description, evidence):
        period_start, period_end = period(*days)
        return sv.delivery_report(
            actor=provider,
            commitment=commitment,
            data=sv.DeliveryData(
                quantity=quantity,
                period_start=period_start,
                period_end=period_end,
                description=description,
            ),
            upload=evidence,
        )

    first_jobs = deliver(
        jobs,
        "2",
        (0, 180),
        "Two peer supporters started in month 2, both disabled Riverside residents.",
        _evidence(
            "payroll-summary.csv",
            [
                "role,started,hours a week",
                "Peer supporter,month 2,37.5",
                "Peer supporter,month 2,37.5",
            ],
        ),
    )
    sv.delivery_verify(
        actor=commissioner, delivery=first_jobs, note="Payroll summary seen; no names."
    )
    deliver(
        jobs,
        "1",
        (181, 240),
        "A third peer supporter started in month 7.",
        _evidence(
            "payroll-month-7.csv", ["role,started,hours a week", "Peer supporter,month 7,30"]
        ),
    )
    first_placements = deliver(
        placements,
        "24",
        (0, 180),
        "Four six-week paid placements at the hospital and two supermarkets.",
        _evidence(
            "placements.csv",
            ["employer,weeks", "Riverside Hospital,12", "Supermarket A,6", "Supermarket B,6"],
        ),
    )
    sv.delivery_verify(actor=commissioner, delivery=first_placements)
    unpaid = deliver(
        placements,
        "12",
        (181, 240),
        "Two placements at the library.",
        _evidence("library-placements.csv", ["employer,weeks", "Eastgate Library,12"]),
    )
    sv.delivery_reject(
        actor=commissioner,
        delivery=unpaid,
        reason="These placements were unpaid volunteering, and the promise is for paid "
        "placements. Report them as volunteering instead, or send the payslips.",
    )
    deliver(
        volunteering,
        "80",
        (0, 240),
        "Staff volunteered at 20 advocacy drop-ins, four hours each.",
        _evidence("volunteering-log.csv", ["month,hours", "1-4,40", "5-8,40"]),
    )
    spend_report = deliver(
        spend,
        "8450",
        (0, 180),
        "Printing from a Riverside print shop run by a supported business; catering from a community café.",
        _evidence(
            "local-invoices.csv",
            ["supplier,amount", "Workable print shop,5200", "Community café,3250"],
        ),
    )
    sv.delivery_verify(actor=commissioner, delivery=spend_report, note="Invoices seen.")
    return 4


def _forecast(commissioner: User, contract: Contract) -> int:
    if SroiAnalysis.objects.filter(contract=contract, title=SROI_TITLE).exists():
        return 0
    analysis = sv.sroi_create(
        actor=commissioner,
        project=contract.project,
        contract=contract,
        data=sv.AnalysisData(
            title=SROI_TITLE,
            kind="forecast",
            inputs_pence=contract.value_pence,
            inputs_description=f"The contract’s value over its term ({contract.reference}).",
            discount_rate="3.5",
            first_year=contract.starts_on.year,
            notes="A forecast made at the start of the contract with the peer supporters and the "
            "service user reference group. The £ values are examples, not the council’s: "
            "replace them before relying on the result. Deadweight comes from how many people "
            "found work without support in the last service; attribution allows for Jobcentre "
            "and college support.",
        ),
    )
    outcomes = [
        (
            "Disabled adults the service supports",
            "In paid work and still in the job six months later",
            "Payroll or employer confirmation at six months",
            "40",
            "Gain in income and wellbeing from secure employment (per person a year)",
            9_000_00,
            "30",
            "20",
            "5",
            "20",
            3,
        ),
        (
            "Disabled adults the service supports",
            "More confident and less isolated",
            "Warwick-Edinburgh wellbeing scale at start and after six months",
            "90",
            "Value of feeling in control of life (per person a year)",
            1_500_00,
            "25",
            "30",
            "0",
            "50",
            2,
        ),
        (
            "Families and carers",
            "Less time spent caring during the working day",
            "Carers’ survey at six months",
            "35",
            "Value of a carer’s time (per carer a year)",
            1_200_00,
            "20",
            "10",
            "0",
            "50",
            2,
        ),
    ]
    for stakeholder, outcome, indicator, quantity, proxy, pence, dw, at, dp, do, years in outcomes:
        sv.sroi_outcome_add(
            actor=commissioner,
            analysis=analysis,
            data=sv.OutcomeData(
                stakeholder=stakeholder,
                outcome=outcome,
                indicator=indicator,
                quantity=quantity,
                proxy_description=proxy,
                proxy_pence=pence,
                proxy_source=EXAMPLE,
                deadweight=dw,
                attribution=at,
                displacement=dp,
                drop_off=do,
                duration_years=years,
            ),
        )
    sv.sroi_publish(actor=commissioner, analysis=analysis)
    return 1


def load(users) -> dict[str, int]:
    """Create whatever part of the social value demo is missing. Returns counts created."""
    created = {"measure_tables": 0, "social_value_promises": 0, "sroi_analyses": 0}
    commissioner = users.get(COMMISSIONER)
    provider = users.get(PROVIDER)
    if commissioner is None or provider is None:
        return created
    created["measure_tables"] = _table(commissioner)
    contract = _contract()
    if contract is None:
        return created
    created["social_value_promises"] = _promises(commissioner, provider, contract)
    created["sroi_analyses"] = _forecast(commissioner, contract)
    return created
