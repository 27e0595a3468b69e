"""Procurement route advice and deadline arithmetic as pure functions (no Django).

Every number comes from a ``RuleBook`` (the rules in force on a day, read from the table
by ``coproduce.plan.procurement_rules.selectors``); this module only knows what each rule *means*. The
answers explain themselves in plain English and list every rule they used, with its
source, so an officer can check the advice against the law.

Conventions:
- "N days after" a day: the day itself is not counted (a tender published on 1 March
  with a 25-day minimum may close on 26 March at the earliest).
- Standstill is "N working days beginning with the day" the award notice is published,
  so that day counts when it is a working day (Procurement Act 2023, section 51).
- A contract is above the threshold when its value (including VAT) is *not less than*
  the threshold; one penny below is below.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field

from coproduce.foundation.core.errors import ServiceError

from . import keys

ROUTE_OPEN = "open"
ROUTE_RESTRICTED = "restricted"
ROUTE_SINGLE_SOURCE = "single_source"
ROUTE_RESERVED = "reserved"
ROUTES = (ROUTE_OPEN, ROUTE_RESTRICTED, ROUTE_SINGLE_SOURCE, ROUTE_RESERVED)

RESERVED_SUPPORTED_BUSINESS = "supported_business"
RESERVED_SME_VCSE = "sme_vcse"
RESERVED_LOCAL = "local"
RESERVATIONS = (RESERVED_SUPPORTED_BUSINESS, RESERVED_SME_VCSE, RESERVED_LOCAL)

ROUTE_LABELS = {
    ROUTE_OPEN: "Open: anyone can bid",
    ROUTE_RESTRICTED: "Restricted: shortlist first, then invite bids",
    ROUTE_SINGLE_SOURCE: "Single source: award to one organisation without a competition",
    RESERVED_SUPPORTED_BUSINESS: "Reserved for supported businesses",
    RESERVED_SME_VCSE: "Reserved for small businesses and voluntary organisations",
    RESERVED_LOCAL: "Reserved for local organisations",
}


# --- Rules ------------------------------------------------------------------------------


@dataclass(frozen=True)
class RuleRef:
    """One rule as it applied on a day: the value and where it comes from."""

    key: str
    value: int
    unit: str
    label: str
    source_title: str
    source_url: str
    effective_from: dt.date
    route: str = ""
    note: str = ""

    def as_dict(self) -> dict:
        data = asdict(self)
        data["effective_from"] = self.effective_from.isoformat()
        return data

    @property
    def shown(self) -> str:
        """The value in words: "£207,720", "25 days", "8 working days", "30%", "Yes"."""
        if self.key in keys.FLAG_KEYS:
            return "Yes" if self.value else "No"
        if self.unit == "pence":
            return pounds(self.value)
        if self.unit == "days":
            return f"{self.value} day" + ("" if self.value == 1 else "s")
        if self.unit == "working_days":
            return f"{self.value} working day" + ("" if self.value == 1 else "s")
        if self.unit == "percent":
            return f"{self.value}%"
        return str(self.value)

    def cite(self) -> str:
        """A short citation: the rule's name, key and source."""
        return f"{self.label} ({self.key}, {self.source_title})"


class RuleBook:
    """The rules in force on one day, looked up by key (route-specific row first)."""

    def __init__(self, day: dt.date, rules: Iterable[RuleRef]) -> None:
        self.day = day
        self._rules: dict[tuple[str, str], RuleRef] = {(r.key, r.route): r for r in rules}

    def has(self, key: str, route: str = "") -> bool:
        return (key, route) in self._rules or (key, "") in self._rules

    def rule(self, key: str, route: str = "") -> RuleRef:
        """The rule for ``route`` if there is one, else the generic rule.

        Raises ``ServiceError("rule_missing")`` when neither is in force that day.
        """
        found = self._rules.get((key, route)) if route else None
        found = found or self._rules.get((key, ""))
        if found is None:
            raise ServiceError(
                "rule_missing",
                f"No procurement rule “{key}” is in force on {long_date(self.day)}. "
                "An administrator must add it on the procurement rules page.",
            )
        return found

    def value(self, key: str, route: str = "") -> int:
        return self.rule(key, route).value

    def all(self) -> list[RuleRef]:
        return sorted(self._rules.values(), key=lambda r: (r.key, r.route))


@dataclass(frozen=True)
class RuleBreach:
    """Why something may not be published: a coded, plain-English reason and its rule."""

    code: str
    message: str
    field: str
    rule: RuleRef | None = None


# --- Formatting -------------------------------------------------------------------------


def long_date(day: dt.date) -> str:
    """1 March 2026 → "Sunday 1 March 2026"."""
    return f"{day:%A} {day.day} {day:%B} {day.year}"


def pounds(pence: int) -> str:
    sign = "-" if pence < 0 else ""
    whole, part = divmod(abs(pence), 100)
    return f"{sign}£{whole:,}" if part == 0 else f"{sign}£{whole:,}.{part:02d}"


# --- Calendar ---------------------------------------------------------------------------


def easter_sunday(year: int) -> dt.date:
    """Easter Sunday in the Gregorian calendar (the anonymous "Meeus/Jones/Butcher" rule)."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    l = (32 + 2 * e + 2 * i - h - k) % 7  # noqa: E741 (the algorithm's own name)
    m = (a + 11 * h + 22 * l) // 451
    month, day = divmod(h + l - 7 * m + 114, 31)
    return dt.date(year, month, day + 1)


def _first_monday(year: int, month: int) -> dt.date:
    day = dt.date(year, month, 1)
    return day + dt.timedelta(days=(0 - day.weekday()) % 7)


def _last_monday(year: int, month: int) -> dt.date:
    nxt = dt.date(year + (month == 12), month % 12 + 1, 1)
    last = nxt - dt.timedelta(days=1)
    return last - dt.timedelta(days=last.weekday())


def england_and_wales_bank_holidays(year: int) -> dict[dt.date, str]:
    """The usual bank holidays in England and Wales for ``year``, with substitute days.

    One-off holidays (a coronation, a jubilee) are proclaimed separately: add them to the
    table by hand. Used to check the seeded table, not to replace it.
    """
    days: dict[dt.date, str] = {}
    new_year = dt.date(year, 1, 1)
    if new_year.weekday() >= 5:
        days[new_year + dt.timedelta(days=7 - new_year.weekday())] = (
            "New Year’s Day (substitute day)"
        )
    else:
        days[new_year] = "New Year’s Day"
    easter = easter_sunday(year)
    days[easter - dt.timedelta(days=2)] = "Good Friday"
    days[easter + dt.timedelta(days=1)] = "Easter Monday"
    days[_first_monday(year, 5)] = "Early May bank holiday"
    days[_last_monday(year, 5)] = "Spring bank holiday"
    days[_last_monday(year, 8)] = "Summer bank holiday"
    christmas = dt.date(year, 12, 25)
    weekday = christmas.weekday()
    if weekday == 5:  # Saturday: both move to Monday and Tuesday
        days[dt.date(year, 12, 27)] = "Christmas Day (substitute day)"
        days[dt.date(year, 12, 28)] = "Boxing Day (substitute day)"
    elif weekday == 6:  # Sunday: Boxing Day on Monday, Christmas moves to Tuesday
        days[dt.date(year, 12, 26)] = "Boxing Day"
        days[dt.date(year, 12, 27)] = "Christmas Day (substitute day)"
    elif weekday == 4:  # Friday: Boxing Day is Saturday, moves to Monday
        days[christmas] = "Christmas Day"
        days[dt.date(year, 12, 28)] = "Boxing Day (substitute day)"
    else:
        days[christmas] = "Christmas Day"
        days[dt.date(year, 12, 26)] = "Boxing Day"
    return dict(sorted(days.items()))


def is_working_day(day: dt.date, holidays: frozenset[dt.date] | set[dt.date]) -> bool:
    return day.weekday() < 5 and day not in holidays


def add_working_days(start: dt.date, days: int, holidays: frozenset[dt.date]) -> dt.date:
    """The working day that is ``days`` working days after ``start`` (start not counted).

    ``days == 0`` gives ``start`` itself if it is a working day, else the next one, so the
    answer is always a working day and never earlier for a later start.
    """
    if days < 0:
        raise ValueError("days must not be negative")
    day = start
    if days == 0:
        while not is_working_day(day, holidays):
            day += dt.timedelta(days=1)
        return day
    counted = 0
    while counted < days:
        day += dt.timedelta(days=1)
        if is_working_day(day, holidays):
            counted += 1
    return day


# --- Thresholds and deadlines -----------------------------------------------------------


def applicable_threshold(book: RuleBook, *, light_touch: bool) -> RuleRef:
    """The light-touch threshold for light-touch services, else goods and services."""
    return book.rule(keys.THRESHOLD_LIGHT_TOUCH if light_touch else keys.THRESHOLD_GOODS_SERVICES)


def is_above_threshold(book: RuleBook, *, value_pence: int, light_touch: bool) -> bool:
    return value_pence >= applicable_threshold(book, light_touch=light_touch).value


@dataclass
class ClosingDate:
    """The earliest allowed closing date and how it was worked out."""

    earliest: dt.date
    days: int
    rule: RuleRef  # the rule that set the number of days
    rules: list[RuleRef]
    reasons: list[str]


def minimum_closing_date(
    book: RuleBook,
    *,
    publish_on: dt.date,
    planned_notice_on: dt.date | None,
    light_touch: bool,
) -> ClosingDate:
    """The earliest closing date for a tender notice published on ``publish_on``.

    25 days (from the table) after the notice; 10 when a planned procurement notice went
    out between 40 days and a year before it. When the law sets no minimum for
    light-touch contracts (flag rule), the council's policy period applies instead.
    """
    if light_touch and book.has(keys.TENDER_PERIOD_LIGHT_TOUCH_MINIMUM_APPLIES):
        flag = book.rule(keys.TENDER_PERIOD_LIGHT_TOUCH_MINIMUM_APPLIES)
        if not flag.value:
            policy = book.rule(keys.TENDER_PERIOD_LIGHT_TOUCH_POLICY_DAYS)
            return ClosingDate(
                earliest=publish_on + dt.timedelta(days=policy.value),
                days=policy.value,
                rule=policy,
                rules=[flag, policy],
                reasons=[
                    "The law sets no minimum time to bid for light-touch services, "
                    f"but the council gives at least {policy.value} days after the notice "
                    "so that small organisations have time to bid "
                    f"({policy.key}, {policy.source_title})."
                ],
            )
    standard = book.rule(keys.TENDER_PERIOD_MINIMUM_DAYS)
    rules = [standard]
    governing = standard
    days = standard.value
    reasons = [
        f"Bidders must have at least {standard.value} days after the tender notice "
        f"({standard.key}, {standard.source_title})."
    ]
    if planned_notice_on is not None:
        earliest = book.rule(keys.PLANNED_NOTICE_EARLIEST_DAYS_BEFORE)
        latest = book.rule(keys.PLANNED_NOTICE_LATEST_DAYS_BEFORE)
        rules += [earliest, latest]
        gap = (publish_on - planned_notice_on).days
        if earliest.value <= gap <= latest.value:
            reduced = book.rule(keys.TENDER_PERIOD_REDUCED_MINIMUM_DAYS)
            rules.append(reduced)
            days = reduced.value
            governing = reduced
            reasons.append(
                f"A planned procurement notice went out {gap} days before the tender notice "
                f"(between {earliest.value} and {latest.value} days), so the minimum is "
                f"{reduced.value} days ({reduced.key}, {reduced.source_title})."
            )
        else:
            reasons.append(
                f"The planned procurement notice went out {gap} days before the tender "
                f"notice. It shortens the time to bid only when it went out between "
                f"{earliest.value} and {latest.value} days before, so the full period applies."
            )
    return ClosingDate(
        earliest=publish_on + dt.timedelta(days=days),
        days=days,
        rule=governing,
        rules=rules,
        reasons=reasons,
    )


def amendment_closing_date(book: RuleBook, *, amended_on: dt.date) -> ClosingDate:
    """The earliest closing date after a change to a published tender (council policy)."""
    rule = book.rule(keys.AMENDMENT_MINIMUM_DAYS_LEFT)
    return ClosingDate(
        earliest=amended_on + dt.timedelta(days=rule.value),
        days=rule.value,
        rule=rule,
        rules=[rule],
        reasons=[
            f"After a change to the tender, bidders must still have at least {rule.value} "
            f"days ({rule.key}, {rule.source_title})."
        ],
    )


@dataclass
class Standstill:
    required: bool
    ends_on: dt.date | None
    rules: list[RuleRef]
    reasons: list[str]


def standstill(
    book: RuleBook,
    *,
    decision_on: dt.date,
    light_touch: bool,
    holidays: frozenset[dt.date],
    value_pence: int | None = None,
) -> Standstill:
    """The last day of the standstill after an award notice published on ``decision_on``.

    None is required for light-touch contracts when the flag rule says so, nor below the
    threshold (standstill only applies to public contracts) when the value is known.
    """
    if value_pence is not None:
        threshold = applicable_threshold(book, light_touch=light_touch)
        if value_pence < threshold.value:
            return Standstill(
                False,
                None,
                [threshold],
                [
                    f"No standstill is required: the value is below the threshold of "
                    f"{pounds(threshold.value)} ({threshold.key})."
                ],
            )
    if light_touch:
        flag = book.rule(keys.STANDSTILL_LIGHT_TOUCH_REQUIRED)
        if not flag.value:
            return Standstill(
                False,
                None,
                [flag],
                [
                    "No standstill is required for light-touch services, though the council "
                    f"may choose to wait ({flag.key}, {flag.source_title})."
                ],
            )
    rule = book.rule(keys.STANDSTILL_WORKING_DAYS)
    ends = add_working_days(decision_on - dt.timedelta(days=1), rule.value, holidays)
    return Standstill(
        True,
        ends,
        [rule],
        [
            f"The council must wait {rule.value} working days, counting the day the award "
            f"notice is published, before signing: the standstill ends at the end of "
            f"{long_date(ends)} ({rule.key}, {rule.source_title})."
        ],
    )


# --- Routes -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    """What the officer knows about a planned procurement."""

    value_pence: int
    light_touch: bool = False
    route: str = ""
    reserved_for: str = ""
    route_justification: str = ""
    publish_on: dt.date | None = None
    planned_notice_on: dt.date | None = None
    deadline_on: dt.date | None = None
    workforce_percent: int | None = None


@dataclass
class RouteOption:
    """One route (or reservation), whether it is allowed for the case, and why."""

    key: str
    label: str
    allowed: bool
    reasons: list[str]
    rules: list[RuleRef]
    code: str = ""
    field: str = ""


def _threshold_words(rule: RuleRef, light_touch: bool) -> str:
    kind = "light-touch services" if light_touch else "goods and services"
    return f"the threshold for {kind} of {pounds(rule.value)} including VAT"


def route_options(book: RuleBook, case: Case) -> list[RouteOption]:
    """Each route and reservation, allowed or not for ``case``, with reasons and rules."""
    threshold = applicable_threshold(book, light_touch=case.light_touch)
    above = case.value_pence >= threshold.value
    where = (
        (
            f"The value ({pounds(case.value_pence)}) is at or above "
            if above
            else f"The value ({pounds(case.value_pence)}) is below "
        )
        + _threshold_words(threshold, case.light_touch)
        + f" ({threshold.key})."
    )
    options: list[RouteOption] = []

    if above:
        open_reasons = [
            where,
            "Anyone can bid. The council must publish a tender notice and follow the "
            "Procurement Act 2023 in full.",
        ]
        restricted_reasons = [
            where,
            "The council first shortlists organisations that meet the conditions to take "
            "part, then invites them to bid (a competitive flexible procedure under the "
            "Procurement Act 2023).",
        ]
    else:
        open_reasons = [
            where,
            "Anyone can bid. Below the threshold the council may use a simpler process, for "
            "example asking for quotes, as long as it follows its own contract rules.",
        ]
        restricted_reasons = [
            where,
            "Allowed, but below the threshold the council may not shortlist by checking "
            "whether bidders are suitable (Procurement Act 2023, section 85): check "
            "suitability when assessing bids, or use a simpler process.",
        ]
    options.append(
        RouteOption(ROUTE_OPEN, ROUTE_LABELS[ROUTE_OPEN], True, open_reasons, [threshold])
    )
    options.append(
        RouteOption(
            ROUTE_RESTRICTED, ROUTE_LABELS[ROUTE_RESTRICTED], True, restricted_reasons, [threshold]
        )
    )

    justification_rule = book.rule(keys.SINGLE_SOURCE_JUSTIFICATION_REQUIRED)
    if justification_rule.value and not case.route_justification.strip():
        options.append(
            RouteOption(
                ROUTE_SINGLE_SOURCE,
                ROUTE_LABELS[ROUTE_SINGLE_SOURCE],
                False,
                [
                    "Single source needs a published justification: say why only this "
                    "organisation can do the work "
                    f"({justification_rule.key}, {justification_rule.source_title})."
                ],
                [justification_rule],
                code="justification_required",
                field="route_justification",
            )
        )
    else:
        options.append(
            RouteOption(
                ROUTE_SINGLE_SOURCE,
                ROUTE_LABELS[ROUTE_SINGLE_SOURCE],
                True,
                [
                    "Allowed with the justification given, which will be published "
                    f"({justification_rule.key}, {justification_rule.source_title}).",
                    "Above the threshold the justification must fit one of the direct award "
                    "grounds in the Procurement Act 2023 and a transparency notice is "
                    "published first."
                    if above
                    else "Below the threshold the council's own contract rules say when a "
                    "single quote is enough.",
                ],
                [justification_rule, threshold],
            )
        )

    percent = book.rule(keys.RESERVED_SUPPORTED_BUSINESS_MIN_PERCENT)
    supported_reasons = [
        f"Allowed at any value. Only organisations where at least {percent.value}% of the "
        f"workforce are disabled or disadvantaged people can bid; for a joint bid, the "
        f"combined workforce of the organisations doing the work counts "
        f"({percent.key}, {percent.source_title}).",
    ]
    if case.workforce_percent is not None and case.workforce_percent < percent.value:
        options.append(
            RouteOption(
                RESERVED_SUPPORTED_BUSINESS,
                ROUTE_LABELS[RESERVED_SUPPORTED_BUSINESS],
                False,
                [
                    f"The workforce you gave ({case.workforce_percent}%) is below the "
                    f"minimum of {percent.value}% disabled or disadvantaged people "
                    f"({percent.key}, {percent.source_title})."
                ],
                [percent],
                code="workforce_below_minimum",
                field="reserved_for",
            )
        )
    else:
        supported_reasons.append("Each bidder’s workforce is checked when bids come in.")
        options.append(
            RouteOption(
                RESERVED_SUPPORTED_BUSINESS,
                ROUTE_LABELS[RESERVED_SUPPORTED_BUSINESS],
                True,
                supported_reasons,
                [percent],
            )
        )

    below_only = (
        f"Reserving for {{who}} is only allowed below "
        f"{_threshold_words(threshold, case.light_touch)} "
        f"({threshold.key}, from {long_date(threshold.effective_from)}, "
        f"{threshold.source_title})."
    )
    sme_reasons = [below_only.format(who="small businesses and voluntary organisations")]
    if above:
        options.append(
            RouteOption(
                RESERVED_SME_VCSE,
                ROUTE_LABELS[RESERVED_SME_VCSE],
                False,
                [
                    f"Not allowed: the value ({pounds(case.value_pence)}) is not below the threshold.",
                    *sme_reasons,
                ],
                [threshold],
                code="reserved_over_threshold",
                field="reserved_for",
            )
        )
    else:
        options.append(
            RouteOption(
                RESERVED_SME_VCSE,
                ROUTE_LABELS[RESERVED_SME_VCSE],
                True,
                [where, *sme_reasons],
                [threshold],
            )
        )

    local_reasons = [below_only.format(who="local organisations")]
    local_rules = [threshold]
    local_flag = (
        book.rule(keys.RESERVED_LOCAL_BELOW_THRESHOLD_ALLOWED)
        if book.has(keys.RESERVED_LOCAL_BELOW_THRESHOLD_ALLOWED)
        else None
    )
    if local_flag is not None:
        local_rules.append(local_flag)
    if above:
        options.append(
            RouteOption(
                RESERVED_LOCAL,
                ROUTE_LABELS[RESERVED_LOCAL],
                False,
                [
                    f"Not allowed: the value ({pounds(case.value_pence)}) is not below the threshold.",
                    *local_reasons,
                ],
                local_rules,
                code="reserved_over_threshold",
                field="reserved_for",
            )
        )
    elif local_flag is not None and not local_flag.value:
        options.append(
            RouteOption(
                RESERVED_LOCAL,
                ROUTE_LABELS[RESERVED_LOCAL],
                False,
                [
                    "Not allowed on this date: councils may not yet reserve contracts by "
                    f"where suppliers are based ({local_flag.key}, {local_flag.source_title})."
                ],
                local_rules,
                code="local_reservation_not_in_force",
                field="reserved_for",
            )
        )
    else:
        options.append(
            RouteOption(
                RESERVED_LOCAL,
                ROUTE_LABELS[RESERVED_LOCAL],
                True,
                [where, *local_reasons],
                local_rules,
            )
        )
    return options


@dataclass
class Advice:
    """Everything the advisor says about a case."""

    case: Case
    on: dt.date
    threshold: RuleRef
    above_threshold: bool
    options: list[RouteOption]
    closing: ClosingDate | None
    standstill: Standstill | None
    standstill_from: dt.date | None
    breaches: list[RuleBreach] = field(default_factory=list)

    @property
    def rules_applied(self) -> list[RuleRef]:
        """Every rule used, once each, in the order first used."""
        seen: dict[tuple[str, str, dt.date], RuleRef] = {}
        groups = [[self.threshold]] + [o.rules for o in self.options]
        if self.closing:
            groups.append(self.closing.rules)
        if self.standstill:
            groups.append(self.standstill.rules)
        for group in groups:
            for rule in group:
                seen.setdefault((rule.key, rule.route, rule.effective_from), rule)
        return list(seen.values())

    @property
    def chosen(self) -> list[RouteOption]:
        wanted = {self.case.route, self.case.reserved_for} - {"", ROUTE_RESERVED}
        return [o for o in self.options if o.key in wanted]


def breaches(
    book: RuleBook, case: Case, options: list[RouteOption] | None = None
) -> list[RuleBreach]:
    """What stops ``case`` from being published, as coded breaches (empty when fine)."""
    found: list[RuleBreach] = []
    if case.value_pence < 0:
        found.append(
            RuleBreach("negative_value", "The value must be £0 or more.", "value_pence", None)
        )
        return found
    options = options if options is not None else route_options(book, case)
    by_key = {o.key: o for o in options}
    if case.route and case.route not in ROUTES:
        found.append(RuleBreach("invalid_route", "Choose a route from the list.", "route"))
    if case.reserved_for and case.reserved_for not in RESERVATIONS:
        found.append(
            RuleBreach("invalid_reservation", "Choose a reservation from the list.", "reserved_for")
        )
    if case.route == ROUTE_RESERVED and not case.reserved_for:
        found.append(
            RuleBreach(
                "reservation_required",
                "Choose who the contract is reserved for.",
                "reserved_for",
            )
        )
    for wanted in (case.route, case.reserved_for):
        option = by_key.get(wanted)
        if option is not None and not option.allowed:
            rule = option.rules[0] if option.rules else None
            found.append(
                RuleBreach(
                    option.code,
                    f"{option.label} is not allowed. " + " ".join(option.reasons),
                    option.field,
                    rule,
                )
            )
    if case.publish_on is not None and case.deadline_on is not None:
        closing = minimum_closing_date(
            book,
            publish_on=case.publish_on,
            planned_notice_on=case.planned_notice_on,
            light_touch=case.light_touch,
        )
        if case.deadline_on < closing.earliest:
            found.append(
                RuleBreach(
                    "deadline_too_soon",
                    f"The closing date must be on or after {long_date(closing.earliest)}. "
                    + " ".join(closing.reasons),
                    "deadline",
                    closing.rule,
                )
            )
    return found


def advise(
    book: RuleBook,
    case: Case,
    *,
    holidays: frozenset[dt.date],
    decision_on: dt.date | None = None,
) -> Advice:
    """The full advice for ``case`` under the rules in ``book``.

    The standstill is worked out from ``decision_on`` (when the award notice would be
    published) or, if not given, from the first working day after the closing date.
    """
    threshold = applicable_threshold(book, light_touch=case.light_touch)
    options = route_options(book, case) if case.value_pence >= 0 else []
    closing = None
    if case.publish_on is not None:
        closing = minimum_closing_date(
            book,
            publish_on=case.publish_on,
            planned_notice_on=case.planned_notice_on,
            light_touch=case.light_touch,
        )
    start = decision_on
    if start is None:
        after = case.deadline_on or (closing.earliest if closing else None)
        start = add_working_days(after, 1, holidays) if after else None
    still = (
        standstill(
            book,
            decision_on=start,
            light_touch=case.light_touch,
            holidays=holidays,
            value_pence=case.value_pence,
        )
        if start is not None
        else None
    )
    return Advice(
        case=case,
        on=book.day,
        threshold=threshold,
        above_threshold=case.value_pence >= threshold.value,
        options=options,
        closing=closing,
        standstill=still,
        standstill_from=start,
        breaches=breaches(book, case, options) if case.value_pence >= 0 else breaches(book, case),
    )


def rulebook_from_rows(day: dt.date, rows: Iterable[Mapping]) -> RuleBook:
    """A ``RuleBook`` from rows (dicts) ordered newest first per (key, route)."""
    latest: dict[tuple[str, str], RuleRef] = {}
    for row in rows:
        if row["effective_from"] > day:
            continue
        k = (row["key"], row["route"])
        current = latest.get(k)
        if current is None or row["effective_from"] > current.effective_from:
            latest[k] = RuleRef(
                key=row["key"],
                value=row["value"],
                unit=row["unit"],
                label=row["label"],
                source_title=row["source_title"],
                source_url=row["source_url"],
                effective_from=row["effective_from"],
                route=row["route"],
                note=row.get("note", ""),
            )
    return RuleBook(day, latest.values())
