"""Plain-English (UK) sentences explaining why a project was or was not funded."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from .model import Outcome, ProjectExplanation

SYMBOLS = {"GBP": "£", "EUR": "€", "USD": "$"}


def format_money(amount: Fraction, currency: str = "") -> str:
    """Money for people: thousands separators, pence only when not whole.

    Invariant: the text shows ``amount`` rounded half-up to two decimals.
    """
    exact = Decimal(amount.numerator) / Decimal(amount.denominator)
    rounded = exact.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    text = f"{rounded:,.0f}" if rounded == rounded.to_integral_value() else f"{rounded:,.2f}"
    symbol = SYMBOLS.get(currency.upper())
    if symbol:
        return f"{symbol}{text}"
    return f"{text} {currency}".strip()


def ordinal(n: int) -> str:
    """1 -> '1st', 2 -> '2nd', 11 -> '11th', 23 -> '23rd'."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _people(n: int) -> str:
    return "1 supporter" if n == 1 else f"{n:,} supporters"


def _list(names: list[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def render_explanation(
    info: ProjectExplanation, currency: str = "", names: dict[str, str] | None = None
) -> str:
    """One plain-English sentence saying why a project was or was not funded.

    ``names`` maps project ids to display names (for the projects a project's
    supporters spent their money on); ids are used where it has no entry.
    Invariant: always returns a non-empty sentence ending in a full stop.
    """
    money = lambda amount: format_money(amount, currency)  # noqa: E731
    names = names or {}
    cost = money(info.cost)
    reason = info.reason
    if reason == "mes-round":
        payment = money(info.payment or Fraction(0))
        each = " for each point they gave it" if info.payment_is_per_point else " each"
        text = (
            f"Funded in round {info.round} of Equal Shares: "
            f"{_people(info.full_payers or 0)} paid {payment}{each}"
        )
        if info.partial_payers:
            text += f" and {_people(info.partial_payers)} paid all the money they had left"
        return text + "."
    if reason == "zero-cost":
        return "Funded: it costs nothing and at least one person voted for it."
    if reason == "greedy":
        return (
            f"Funded: it came {ordinal(info.round or 0)} by votes and its cost of {cost} "
            f"fitted in the {money(info.remaining_before or Fraction(0))} still left."
        )
    if reason == "greedy-completion":
        return (
            "Funded from the money Equal Shares left over, spent in order of votes: "
            f"its cost of {cost} fitted in the {money(info.remaining_before or Fraction(0))} "
            "still left."
        )
    if reason == "no-votes":
        return "Not funded: nobody voted for it."
    if reason == "below-threshold":
        return (
            f"Not funded: it scored {info.score}, below the minimum of {info.threshold} "
            "needed to be considered."
        )
    if reason == "over-remaining-budget":
        return (
            f"Not funded: when its turn came only {money(info.remaining_before or Fraction(0))} "
            f"was left, less than its cost of {cost}."
        )
    if reason == "supporters-out-of-money":
        left = money(info.supporters_money_left or Fraction(0))
        if not info.spent_on:
            return (
                f"Not funded: even all of its {_people(info.votes)}' shares together came to "
                f"{left}, less than its cost of {cost}."
            )
        top = [names.get(pid, pid) for pid, _ in info.spent_on[:3]]
        more = len(info.spent_on) - len(top)
        listed = _list(top) if more <= 0 else ", ".join(top) + f" and {more} other project"
        if more > 1:
            listed += "s"
        return (
            f"Not funded: its supporters had only {left} left between them, less than its "
            f"cost of {cost}, because they had already spent their shares on {listed}."
        )
    return f"{'Funded' if info.funded else 'Not funded'}."


def render_outcome(outcome: Outcome, currency: str = "") -> dict[str, str]:
    """A sentence for every project of an outcome computed with ``explain=True``.

    Invariant: one entry per project of the election.
    """
    if outcome.explanations is None:
        raise ValueError("the outcome was computed without explanations (explain=False)")
    names = {pid: info.name for pid, info in outcome.explanations.items()}
    return {
        pid: render_explanation(info, currency, names) for pid, info in outcome.explanations.items()
    }
