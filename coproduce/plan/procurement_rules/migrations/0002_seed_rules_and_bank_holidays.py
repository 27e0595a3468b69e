"""Seed the procurement rules (current UK values, each with its source) and the bank
holidays in England and Wales for 2024 to 2028.

Values are written out here, not computed or imported from code, so this migration
keeps meaning the same thing whatever later code does. Later changes in the law are new
rows added through the rules page (``rule_add``), never edits to these.
"""

import datetime as dt

from django.db import migrations

ACT = "https://www.legislation.gov.uk/ukpga/2023/54"
TIME_GUIDANCE = (
    "https://www.gov.uk/government/publications/procurement-act-2023-guidance-documents-"
    "procure-phase/time-periods-html"
)
LIGHT_TOUCH_GUIDANCE = (
    "https://www.gov.uk/government/publications/procurement-act-2023-guidance-documents-"
    "plan-phase/guidance-light-touch-contracts-html"
)
COUNCIL = "Council policy (set by the council, not by law)"

THRESHOLDS_2024 = (
    "Public Procurement (Agreement on Government Procurement) (Thresholds) (Amendment) "
    "Regulations 2023 and PPN 11/23; carried into Procurement Act 2023, Schedule 1"
)
THRESHOLDS_2026 = (
    "Procurement Act 2023 (Threshold Amounts) (Amendment) Regulations 2025 (SI 2025/1200); "
    "PPN 023: 2026 threshold amounts"
)

# key, route, value, unit, effective_from, label, source_title, source_url, note
RULES = [
    (
        "threshold.goods_services", "", 21_490_400, "pence", "2024-01-01",
        "Threshold for goods and services bought by a council",
        THRESHOLDS_2024, f"{ACT}/schedule/1",
        "Sub-central authorities (councils), including VAT: £214,904. Confirmed against "
        "published threshold tables (Arthur Cox, Devonshires, Weightmans, 2025) that give "
        "this value until 31 December 2025.",
    ),
    (
        "threshold.goods_services", "", 20_772_000, "pence", "2026-01-01",
        "Threshold for goods and services bought by a council",
        THRESHOLDS_2026, "https://www.legislation.gov.uk/uksi/2025/1200",
        "£207,720 including VAT, for procurements started on or after 1 January 2026 "
        "(not contracts regulated by the Welsh Ministers, which have their own column).",
    ),
    (
        "threshold.light_touch", "", 66_354_000, "pence", "2024-01-01",
        "Threshold for light-touch services (for example social care)",
        THRESHOLDS_2024, f"{ACT}/schedule/1",
        "£663,540 including VAT. Light-touch services are listed in Schedule 1 to the "
        "Procurement Regulations 2024.",
    ),
    (
        "threshold.light_touch", "", 66_354_000, "pence", "2026-01-01",
        "Threshold for light-touch services (for example social care)",
        THRESHOLDS_2026, "https://www.legislation.gov.uk/uksi/2025/1200",
        "Unchanged at £663,540 including VAT from 1 January 2026.",
    ),
    (
        "tender_period.minimum_days", "", 25, "days", "2025-02-24",
        "Minimum time to bid after the tender notice",
        "Procurement Act 2023, section 54 (time limits)", f"{ACT}/section/54",
        "Open procedure with electronic bids and all documents available with the notice. "
        "Longer periods apply when bids are not electronic or documents come later; shorter "
        "in urgency. Those cases are not modelled. Guidance: " + TIME_GUIDANCE,
    ),
    (
        "tender_period.reduced_minimum_days", "", 10, "days", "2025-02-24",
        "Minimum time to bid after a qualifying planned procurement notice",
        "Procurement Act 2023, section 54 (time limits)", f"{ACT}/section/54",
        "Applies when a qualifying planned procurement notice was published at least 40 days "
        "and no more than one year before the tender notice.",
    ),
    (
        "planned_notice.earliest_days_before", "", 40, "days", "2025-02-24",
        "A planned procurement notice must go out at least this long before",
        "Procurement Act 2023, section 54 (time limits)", f"{ACT}/section/54",
        "",
    ),
    (
        "planned_notice.latest_days_before", "", 365, "days", "2025-02-24",
        "A planned procurement notice must go out no more than this long before",
        "Procurement Act 2023, section 54 (time limits)", f"{ACT}/section/54",
        "The Act says “no more than one year”; counted here as 365 days.",
    ),
    (
        "tender_period.light_touch_minimum_applies", "", 0, "count", "2025-02-24",
        "The legal minimum time to bid applies to light-touch services (1 yes, 0 no)",
        "Procurement Act 2023, section 54; Cabinet Office guidance on light touch contracts, "
        "Annex A", LIGHT_TOUCH_GUIDANCE,
        "The Act's minimum tender periods do not apply to light-touch contracts; time limits "
        "must still be reasonable (section 54(1)). Confirmed from published summaries (Ward "
        "Hadaway, Light Touch Contracts); the exact subsection was not checked against the "
        "Act's text.",
    ),
    (
        "tender_period.light_touch_policy_days", "", 25, "days", "2025-02-24",
        "Minimum time to bid the council gives for light-touch services",
        COUNCIL, "",
        "The law sets no minimum for light-touch services; the council gives the same time "
        "as for other contracts so that small organisations can bid.",
    ),
    (
        "standstill.working_days", "", 8, "working_days", "2025-02-24",
        "Standstill: working days to wait after the award notice before signing",
        "Procurement Act 2023, section 51 (standstill periods)", f"{ACT}/section/51",
        "8 working days beginning with the day the contract award notice is published. "
        "Working days here skip weekends and bank holidays in England and Wales; whether "
        "bank holidays elsewhere in the UK also count was not confirmed: add them as bank "
        "holidays if your lawyers say so.",
    ),
    (
        "standstill.light_touch_required", "", 0, "count", "2025-02-24",
        "A standstill is required for light-touch services (1 yes, 0 no)",
        "Procurement Act 2023, section 51; Cabinet Office guidance on light touch contracts",
        LIGHT_TOUCH_GUIDANCE,
        "No mandatory standstill for light-touch contracts; the council may choose a "
        "voluntary one.",
    ),
    (
        "reserved.supported_business_min_percent", "", 30, "percent", "2025-02-24",
        "Reserved for supported businesses: share of the workforce who are disabled or "
        "disadvantaged",
        "Procurement Act 2023, section 32 (reserving contracts to supported employment "
        "providers)", f"{ACT}/section/32",
        "At least 30% of the workforce (of the part doing the contract, or for a joint bid "
        "the combined workforce of the organisations doing it). Allowed at any value.",
    ),
    (
        "reserved.local_below_threshold_allowed", "", 0, "count", "2024-01-01",
        "Councils may reserve below-threshold contracts for local suppliers (1 yes, 0 no)",
        "Local Government Act 1988, section 17(5)(e)",
        "https://www.legislation.gov.uk/ukpga/1988/9/section/17",
        "Councils in England could not take account of where suppliers are based.",
    ),
    (
        "reserved.local_below_threshold_allowed", "", 1, "count", "2026-03-01",
        "Councils may reserve below-threshold contracts for local suppliers (1 yes, 0 no)",
        "Local Government (Exclusion of Non-commercial Considerations) (England) Order 2026; "
        "MHCLG guidance on reserving competitions for below-threshold contracts",
        "https://www.gov.uk/government/publications/reserving-competitions-for-below-"
        "threshold-contracts",
        "Commencement date not confirmed: guidance of 3 December 2025 says “early 2026” and "
        "Parliament debated the Order in January 2026. 1 March 2026 is a best estimate; an "
        "administrator should add a version with the confirmed date.",
    ),
    (
        "single_source.justification_required", "", 1, "count", "2025-02-24",
        "Single source needs a published justification (1 yes, 0 no)",
        "Procurement Act 2023, sections 41 and 44 (direct award and transparency notices)",
        f"{ACT}/section/41",
        "Above the threshold a direct award needs one of the grounds in Schedule 5 and a "
        "transparency notice; below it, the council's contract rules require a recorded, "
        "published reason.",
    ),
    (
        "social_value.minimum_weight_percent", "", 10, "percent", "2021-01-01",
        "Minimum weight for social value when assessing bids",
        "PPN 06/20: Taking account of social value in the award of central government "
        "contracts; council social value policy",
        "https://www.gov.uk/government/publications/procurement-policy-note-0620-taking-"
        "account-of-social-value-in-the-award-of-central-government-contracts",
        "PPN 06/20 binds central government; the council applies the same minimum by policy. "
        "A commissioner may go lower only with a recorded reason.",
    ),
    (
        "social_value.minimum_weight_percent", "", 10, "percent", "2025-02-24",
        "Minimum weight for social value when assessing bids",
        "PPN 002: Taking account of social value in the award of central government contracts "
        "(replaces PPN 06/20); council social value policy",
        "https://www.gov.uk/government/publications/ppn-002-taking-account-of-social-value-"
        "in-the-award-of-contracts",
        "Same 10% minimum. A commissioner may go lower only with a recorded reason.",
    ),
    (
        "amendment.minimum_days_left", "", 10, "days", "2025-02-24",
        "Minimum time to bid left after a change to a published tender",
        COUNCIL, "",
        "The Procurement Act 2023 (section 31) requires time limits to be revised when a "
        "change needs it; the council always leaves at least this many days.",
    ),
    (
        "complaints.response_working_days", "", 10, "working_days", "2024-01-01",
        "Working days to answer a complaint about a procurement",
        COUNCIL, "", "",
    ),
    (
        "documents.max_upload_mb", "", 20, "count", "2024-01-01",
        "Largest document that can be uploaded (megabytes)",
        COUNCIL, "", "",
    ),
]

BANK_HOLIDAYS = [
    ("2024-01-01", "New Year’s Day"),
    ("2024-03-29", "Good Friday"),
    ("2024-04-01", "Easter Monday"),
    ("2024-05-06", "Early May bank holiday"),
    ("2024-05-27", "Spring bank holiday"),
    ("2024-08-26", "Summer bank holiday"),
    ("2024-12-25", "Christmas Day"),
    ("2024-12-26", "Boxing Day"),
    ("2025-01-01", "New Year’s Day"),
    ("2025-04-18", "Good Friday"),
    ("2025-04-21", "Easter Monday"),
    ("2025-05-05", "Early May bank holiday"),
    ("2025-05-26", "Spring bank holiday"),
    ("2025-08-25", "Summer bank holiday"),
    ("2025-12-25", "Christmas Day"),
    ("2025-12-26", "Boxing Day"),
    ("2026-01-01", "New Year’s Day"),
    ("2026-04-03", "Good Friday"),
    ("2026-04-06", "Easter Monday"),
    ("2026-05-04", "Early May bank holiday"),
    ("2026-05-25", "Spring bank holiday"),
    ("2026-08-31", "Summer bank holiday"),
    ("2026-12-25", "Christmas Day"),
    ("2026-12-28", "Boxing Day (substitute day)"),
    ("2027-01-01", "New Year’s Day"),
    ("2027-03-26", "Good Friday"),
    ("2027-03-29", "Easter Monday"),
    ("2027-05-03", "Early May bank holiday"),
    ("2027-05-31", "Spring bank holiday"),
    ("2027-08-30", "Summer bank holiday"),
    ("2027-12-27", "Christmas Day (substitute day)"),
    ("2027-12-28", "Boxing Day (substitute day)"),
    ("2028-01-03", "New Year’s Day (substitute day)"),
    ("2028-04-14", "Good Friday"),
    ("2028-04-17", "Easter Monday"),
    ("2028-05-01", "Early May bank holiday"),
    ("2028-05-29", "Spring bank holiday"),
    ("2028-08-28", "Summer bank holiday"),
    ("2028-12-25", "Christmas Day"),
    ("2028-12-26", "Boxing Day"),
]


def seed(apps, schema_editor):
    rule_model = apps.get_model("routes", "ProcurementRule")
    holiday_model = apps.get_model("routes", "BankHoliday")
    for key, route, value, unit, start, label, title, url, note in RULES:
        rule_model.objects.get_or_create(
            key=key,
            route=route,
            effective_from=dt.date.fromisoformat(start),
            defaults={
                "value": value,
                "unit": unit,
                "label": label,
                "source_title": title,
                "source_url": url,
                "note": note,
            },
        )
    for day, name in BANK_HOLIDAYS:
        holiday_model.objects.get_or_create(date=dt.date.fromisoformat(day), defaults={"name": name})


def unseed(apps, schema_editor):
    rule_model = apps.get_model("routes", "ProcurementRule")
    holiday_model = apps.get_model("routes", "BankHoliday")
    for key, route, _value, _unit, start, *_ in RULES:
        rule_model.objects.filter(
            key=key, route=route, effective_from=dt.date.fromisoformat(start), created_by=None
        ).delete()
    holiday_model.objects.filter(
        date__in=[dt.date.fromisoformat(d) for d, _ in BANK_HOLIDAYS]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("routes", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
