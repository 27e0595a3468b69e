"""Social return on investment (SROI): the arithmetic, with no Django imports.

Follows the Cabinet Office guide to SROI (2012, Social Value UK), stages 4 and 5:

* an outcome's value in its first year is ``quantity × financial proxy``, less what
  would have happened anyway (**deadweight**), the share that only moved elsewhere
  (**displacement**) and the share owed to other people or organisations
  (**attribution**): ``quantity × proxy × (1 − deadweight) × (1 − displacement) ×
  (1 − attribution)``;
* it lasts ``duration`` years; from the second year it falls by the **drop-off** rate
  each year: year *t* is worth ``year 1 × (1 − drop-off)^(t − 1)``;
* each year's value is discounted to today at the discount rate (the HM Treasury Green
  Book's 3.5 % by default): year *t* counts ``value_t / (1 + rate)^t``, as in the guide's
  worked example, where the first year is discounted too;
* present value (PV) is the sum over outcomes and years; net present value is PV less
  the inputs (the investment); the **SROI ratio** is PV ÷ inputs ("for every £1 spent,
  about £ratio of social value").

Percentages are plain numbers from 0 to 100. Everything is a float: these are estimates,
shown rounded, and the sensitivity table exists because the inputs are uncertain.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

GREEN_BOOK_RATE = 3.5  # per cent a year
MAX_DURATION = 50


@dataclass(frozen=True)
class Outcome:
    """One outcome for one group of stakeholders, as the SROI impact map lists it."""

    quantity: float
    proxy: float  # £ of value per unit of quantity per year
    deadweight: float = 0.0  # per cent
    attribution: float = 0.0  # per cent
    displacement: float = 0.0  # per cent
    drop_off: float = 0.0  # per cent a year, from the second year
    duration: int = 1  # years

    def first_year(self) -> float:
        """Value in year 1, after deadweight, displacement and attribution (undiscounted)."""
        return (
            self.quantity
            * self.proxy
            * (1 - self.deadweight / 100)
            * (1 - self.displacement / 100)
            * (1 - self.attribution / 100)
        )

    def by_year(self) -> list[float]:
        """Undiscounted value in each year of its duration."""
        first = self.first_year()
        keep = 1 - self.drop_off / 100
        return [first * keep**year for year in range(self.duration)]


@dataclass(frozen=True)
class Result:
    """What an analysis comes to."""

    by_year: list[float]  # undiscounted total value per year (year 1 first)
    present_by_year: list[float]  # the same, discounted to today
    present_value: float
    inputs: float
    net_present_value: float
    ratio: float | None  # None when there are no inputs (the ratio has no meaning)


def discount_factor(rate: float, year: int) -> float:
    """What £1 in ``year`` (1, 2, …) is worth today at ``rate`` per cent a year."""
    return 1 / (1 + rate / 100) ** year


def calculate(
    outcomes: Sequence[Outcome], *, inputs: float, rate: float = GREEN_BOOK_RATE
) -> Result:
    """Present value, net present value and ratio of ``outcomes`` for ``inputs`` (£)."""
    years = max((o.duration for o in outcomes), default=0)
    totals = [0.0] * years
    for outcome in outcomes:
        for i, value in enumerate(outcome.by_year()):
            totals[i] += value
    present = [value * discount_factor(rate, i + 1) for i, value in enumerate(totals)]
    pv = sum(present)
    return Result(
        by_year=totals,
        present_by_year=present,
        present_value=pv,
        inputs=inputs,
        net_present_value=pv - inputs,
        ratio=pv / inputs if inputs > 0 else None,
    )


@dataclass(frozen=True)
class SensitivityRow:
    """The ratio when one assumption changes."""

    key: str
    label: str
    present_value: float
    ratio: float | None


FACTORS = (
    ("deadweight", "Deadweight (what would have happened anyway)"),
    ("attribution", "Attribution (the share owed to others)"),
    ("displacement", "Displacement (value that only moved elsewhere)"),
    ("drop_off", "Drop-off (how fast the value fades each year)"),
)
POINT_STEPS = (-25, -10, 10, 25)  # percentage points
PROXY_STEPS = (-25, -10, 10, 25)  # per cent of the proxy
OTHER_RATES = (0.0, 6.0)


def _clamp(value: float) -> float:
    return min(100.0, max(0.0, value))


def _signed(step: float) -> str:
    return f"+{step:g}" if step > 0 else f"{step:g}"


def sensitivity(
    outcomes: Sequence[Outcome], *, inputs: float, rate: float = GREEN_BOOK_RATE
) -> list[SensitivityRow]:
    """The ratio with each assumption changed on its own, for every outcome at once.

    Deadweight, attribution, displacement and drop-off move by ±10 and ±25 percentage
    points (kept between 0 and 100); the financial proxies by ±10 % and ±25 %; and the
    discount rate is set to 0 % and 6 %. The first row is the analysis as entered.
    """

    def row(key: str, label: str, changed: Sequence[Outcome], at: float = rate) -> SensitivityRow:
        result = calculate(changed, inputs=inputs, rate=at)
        return SensitivityRow(key, label, result.present_value, result.ratio)

    rows = [row("base", "As entered", outcomes)]
    for name, label in FACTORS:
        for step in POINT_STEPS:
            changed = [replace(o, **{name: _clamp(getattr(o, name) + step)}) for o in outcomes]
            rows.append(row(f"{name}{_signed(step)}", f"{label}: {_signed(step)} points", changed))
    for step in PROXY_STEPS:
        changed = [replace(o, proxy=o.proxy * (1 + step / 100)) for o in outcomes]
        rows.append(
            row(f"proxy{_signed(step)}", f"Financial proxies (£ values): {_signed(step)}%", changed)
        )
    for other in OTHER_RATES:
        rows.append(row(f"rate={other:g}", f"Discount rate {other:g}% instead", outcomes, other))
    return rows


def ratio_in_words(ratio: float | None) -> str:
    """ "For every £1 spent, about £3.40 of social value." (or why there is no ratio)."""
    if ratio is None:
        return "There is no ratio: no money spent has been entered."
    return f"For every £1 spent, about £{ratio:,.2f} of social value."
