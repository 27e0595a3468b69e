"""The Method of Equal Shares (MES), exact, and its "add1" completion.

Definitions (see docs/allocation.md for the full account):

* Every voter starts with the same budget ``t``.  A project ``j`` costing
  ``c`` is *affordable* if its supporters hold at least ``c`` between them.
  Its price ``q`` is the smallest number such that, if every supporter pays
  ``min(own money, q * utility)``, the payments add up to ``c``.
* Each round buys the affordable project with the lowest ``q / kappa`` (for
  approval ballots with cost utilities ``kappa`` is the cost and ``q`` is the
  equal share each supporter pays; for points ballots ``kappa`` is 1 and ``q``
  is the price per point).  Ties: lowest cost, then most votes, then id.
* add1: start with ``t = floor(budget / voters)`` (in whole currency units),
  run MES, and raise ``t`` by one currency unit at a time; the result is the
  MES outcome at the last ``t`` before the first ``t`` whose outcome costs
  more than the real budget.  There is no stop at the first exhaustive
  outcome.

Exactness.  Every decision -- is a project affordable, which project wins a
round, which supporters pay all they have -- is *certain*.  The fast paths
work in floating point but carry a rigorous error bound on every amount
(interval arithmetic with outward slack far larger than rounding error); a
decision is taken only when the intervals settle it.  If anything is too close
to call, that whole run is redone in exact rational arithmetic
(:class:`fractions.Fraction`), which is also used for explanations.  The
outcome is therefore always the exact-arithmetic outcome.

Two engines share these rules.  :class:`MesEngine` (this module) tracks
voters by pattern classes with dictionaries; it holds the exact run used for
explanations and as the fallback.  ``fastmes.FastEngine`` keeps NumPy arrays per
class of ballot groups with equal money and runs plain MES and add1.

Speed comes from four things, none of which changes the outcome:

1. Identical ballots are grouped (``weight = count``).
2. Vectorised arithmetic over each project's supporters (NumPy).
3. Lazy evaluation: a project's ``q / kappa`` only rises during a run, so the
   last value is a lower bound and most projects need not be re-priced.
4. add1 skips budgets it can *prove* give the same outcome.  For a fixed
   purchase sequence every voter's money is non-decreasing in ``t`` and every
   price is non-increasing.  Each run bounds, round by round, the budget up
   to which that round's winner still beats every rival and dropped projects
   stay unaffordable (see ``fastmes``); add1 jumps straight past the bound,
   and the next run replays the rounds whose bound still holds (pricing only
   their known winner) and recomputes the rest.  The tests check the result
   against a deliberately simple one-unit-at-a-time implementation and check
   every bound against exact runs.
"""

from __future__ import annotations

import heapq
import math
from bisect import bisect_left
from dataclasses import dataclass
from fractions import Fraction
from itertools import accumulate
from operator import itemgetter, mul, sub, truediv

from .fastmes import FastEngine
from .mesbase import EPS, MesRun, MesStep, Number, _Ambiguous, _beats, _down, _Priced, _up
from .profile import NumericProfile

NODE_LIMIT = 2000  # pattern-table sets kept per engine (memory bound)
HORIZON = 16.0  # add1 bounds look at most this many units ahead


class _Node:
    """Pattern tables after buying a given *set* of projects.

    Tables are built lazily, per candidate, from the node this one was first
    reached from (``parent`` and the groups that moved, ``moved``).
    """

    __slots__ = ("bought", "lists", "moved", "moves", "parent", "tables")

    def __init__(
        self,
        bought: frozenset[int],
        parent: _Node | None,
        moved: dict[int, list[tuple[int, int, int, int]]],
        tables: dict[int, dict[int, int]] | None = None,
    ) -> None:
        self.bought = bought
        self.parent = parent
        self.moved = moved  # candidate -> [(weight, utility, old pattern, new pattern)]
        self.tables: dict[int, dict[int, int]] = tables or {}
        self.moves: dict[int, list[tuple[int, int, int]]] = {}
        self.lists: dict[int, tuple[list[int], list[int], list[int], int]] = {}


class MesEngine:
    """Exact MES on one profile; reusable across budgets ``t``."""

    def __init__(self, profile: NumericProfile) -> None:
        self.profile = profile
        m = len(profile.ids)
        self.weights = [w for w, _ in profile.groups]
        self.ballots = [pairs for _, pairs in profile.groups]
        self.support: list[list[tuple[int, int]]] = [[] for _ in range(m)]
        amax = 1
        for g, pairs in enumerate(self.ballots):
            for j, a in pairs:
                self.support[j].append((g, a))
                amax = max(amax, a)
        self.am = amax + 1
        cost_mode = profile.mode == "cost"
        self.kappa = [c if cost_mode else 1 for c in profile.costs]
        self.tie = [profile.tie_key(j) for j in range(m)]
        supported = [j for j in range(m) if profile.eligible[j] and profile.votes[j] > 0]
        self.free = sorted(
            (j for j in supported if profile.costs[j] == 0), key=self.tie.__getitem__
        )
        self.candidates = [j for j in supported if profile.costs[j] > 0]
        tables: dict[int, dict[int, int]] = {}
        self.initial_bound: dict[int, float] = {}
        for j in self.candidates:
            table: dict[int, int] = {}
            total = 0
            for g, a in self.support[j]:
                table[a] = table.get(a, 0) + self.weights[g]
                total += self.weights[g] * a
            tables[j] = table
            self.initial_bound[j] = _down(float(Fraction(profile.costs[j], self.kappa[j] * total)))
        self.pattern_ids: dict[tuple[tuple[int, int], ...], int] = {(): 0}
        self.pattern_pairs: list[tuple[tuple[int, int], ...]] = [()]
        self.nodes: dict[frozenset[int], _Node] = {
            frozenset(): _Node(frozenset(), None, {}, tables)
        }
        self.root_tables = tables
        self.runs = 0
        self.exact_runs = 0

    # -- pattern bookkeeping -------------------------------------------------

    def _trim(self) -> None:
        """Bound the memory of the shared pattern tables: past ``NODE_LIMIT``
        sets, start again from the empty set (tables are rebuilt on demand).
        Called only between runs."""
        if len(self.nodes) > NODE_LIMIT:
            self.nodes = {frozenset(): _Node(frozenset(), None, {}, self.root_tables)}

    def _pattern(self, pairs: tuple[tuple[int, int], ...]) -> int:
        pid = self.pattern_ids.get(pairs)
        if pid is None:
            pid = len(self.pattern_pairs)
            self.pattern_ids[pairs] = pid
            self.pattern_pairs.append(pairs)
        return pid

    def _move(self, bought: frozenset[int], node: _Node, p: int) -> tuple[_Node, list]:
        """The node for ``bought | {p}`` and the pattern moves ``(new, old, a)``."""
        moves = node.moves.get(p)
        new_set = bought | {p}
        child = self.nodes.get(new_set)
        if moves is not None and child is not None:
            return child, moves
        transitions: dict[tuple[int, int], int] = {}
        moved: dict[int, list[tuple[int, int, int, int]]] = {}
        ids = self.pattern_ids
        build = child is None
        for g, a in self.support[p]:
            ballot = self.ballots[g]
            old = ids[tuple([pair for pair in ballot if pair[0] in bought])]
            new = transitions.get((old, a))
            if new is None:
                new = self._pattern(tuple([pair for pair in ballot if pair[0] in new_set]))
                transitions[(old, a)] = new
            if build:
                weight = self.weights[g]
                for j, aj in ballot:
                    if j not in new_set:
                        entry = (weight, aj, old, new)
                        bucket = moved.get(j)
                        if bucket is None:
                            moved[j] = [entry]
                        else:
                            bucket.append(entry)
        if child is None:
            child = _Node(new_set, node, moved)
            self.nodes[new_set] = child
        moves = [(new, old, a) for (old, a), new in transitions.items()]
        node.moves[p] = moves
        return child, moves

    def _table(self, node: _Node, j: int) -> dict[int, int]:
        """Weights of candidate j's supporters by (pattern, utility) at a node."""
        table = node.tables.get(j)
        if table is not None:
            return table
        chain = []
        while table is None:
            chain.append(node)
            node = node.parent  # type: ignore[assignment]
            table = node.tables.get(j)
        am = self.am
        table = dict(table)
        for child in reversed(chain):
            for weight, aj, old, new in child.moved.get(j, ()):
                old_key = old * am + aj
                left = table[old_key] - weight
                if left:
                    table[old_key] = left
                else:
                    del table[old_key]
                new_key = new * am + aj
                table[new_key] = table.get(new_key, 0) + weight
        chain[0].tables[j] = table
        return table

    # -- fast path: float intervals ------------------------------------------

    def _lists(self, node: _Node, j: int) -> tuple[list[int], list[int], list[int], int]:
        """Candidate j's pattern classes at a node: patterns, utilities, weights
        and the total weight * utility (cached on the node)."""
        cached = node.lists.get(j)
        if cached is None:
            table = self._table(node, j)
            am = self.am
            patterns = [key // am for key in table]
            utilities = [key % am for key in table]
            weights = list(table.values())
            cached = (patterns, utilities, weights, sum(map(mul, weights, utilities)))
            node.lists[j] = cached
        return cached

    def _fast_price(self, node: _Node, mid: dict, rad: dict, j: int) -> _Priced | None:
        """Price of project j with certain bounds, ``None`` if certainly
        unaffordable; raises :class:`_Ambiguous` when too close to call.

        With money ``m +- e`` per class, ``F(q) = sum(w * min(m, q * a))`` is
        the amount raised at price ``q``; the true ``F`` is within ``sum(w * e)``
        of the float one (min is 1-Lipschitz), so checking ``F`` at ``q`` just
        below and just above the float root (with that margin plus rounding
        slack) proves the exact price lies between them.
        """
        patterns, utilities, weights, total_wa = self._lists(node, j)
        size = len(patterns)
        if size == 1:
            money: tuple[float, ...] = (mid[patterns[0]],)
            errors: tuple[float, ...] = (rad[patterns[0]],)
        else:
            money = itemgetter(*patterns)(mid)
            errors = itemgetter(*patterns)(rad)
        cost = self.profile.costs[j]
        weighted = list(map(mul, weights, money))
        total = sum(weighted)
        error = sum(map(mul, weights, errors))
        if error == 0.0 and total < 2.0**52 and all(map(float.is_integer, money)):
            if total < cost:
                return None
            margin = 0.0
        else:
            margin = error + (size + 4) * EPS * (total + cost)
            if total + margin < cost:
                return None
            if total - margin < cost:
                raise _Ambiguous
        if self.am == 2:
            ratio_sorted, wa_sorted, wm_sorted = zip(
                *sorted(zip(money, weights, weighted, strict=True)), strict=True
            )
        else:
            ratios = map(truediv, money, utilities)
            ratio_sorted, wa_sorted, wm_sorted = zip(
                *sorted(zip(ratios, map(mul, weights, utilities), weighted, strict=True)),
                strict=True,
            )
        prefix_money = list(accumulate(wm_sorted, initial=0.0))
        prefix_wa = list(accumulate(wa_sorted, initial=0))
        # smallest i with F(ratio_i) >= cost, where F(r_i) = P_i + r_i * (D - S_i)
        lo, hi = 0, size - 1
        while lo < hi:
            middle = (lo + hi) // 2
            r = ratio_sorted[middle]
            if prefix_money[middle] + r * (total_wa - prefix_wa[middle]) >= cost:
                hi = middle
            else:
                lo = middle + 1
        rich = total_wa - prefix_wa[lo]
        if rich <= 0:
            raise _Ambiguous
        q = (cost - prefix_money[lo]) / rich
        kappa = self.kappa[j]
        tie = self.tie[j]
        if lo == 0:
            # Nobody pays less than the full share: the price is exactly c / D.
            q_exact = Fraction(cost, total_wa)
            q_up = _up(float(q_exact))
            if min(map(truediv, map(sub, money, errors), utilities)) * (1 - EPS) >= q_up:
                value = q_exact / kappa
                value_float = float(value)
                return _Priced(
                    j,
                    tie,
                    _down(value_float),
                    _up(value_float),
                    value,
                    _down(float(q_exact)),
                    q_up,
                    q_exact,
                )
        slack = margin + error + (size + 8) * EPS * (total + q * total_wa + cost)
        width = 2 * slack / rich + abs(q) * 4 * EPS + 1e-300
        for _ in range(6):
            q_low = q - width
            q_high = q + width
            i_low = bisect_left(ratio_sorted, q_low)
            f_low = prefix_money[i_low] + q_low * (total_wa - prefix_wa[i_low])
            i_high = bisect_left(ratio_sorted, q_high)
            f_high = prefix_money[i_high] + q_high * (total_wa - prefix_wa[i_high])
            if f_low + slack < cost and f_high - slack >= cost:
                break
            width *= 4
        else:
            raise _Ambiguous
        return _Priced(j, tie, _down(q_low / kappa), _up(q_high / kappa), None, q_low, q_high, None)

    def _pin_price(
        self, node: _Node, mid: dict, rad: dict, lam: dict, t: Number, winner: _Priced
    ) -> tuple[Fraction, frozenset[int]]:
        """The winner's exact price and the table keys of those who pay all
        they have.  Pinning every purchase to its exact price keeps the float
        errors at rounding level (no growth from round to round).

        The exact money of a live pattern is ``t - sum(lam[p] * a)`` over its
        projects, so the exact price is a short linear combination of earlier
        prices; only classes within the error bound of the boundary need an
        exact check.  Raises :class:`_Ambiguous` if anything disagrees.
        """
        if winner.q_exact is not None:
            return winner.q_exact, frozenset()
        j = winner.project
        patterns, utilities, weights, _ = self._lists(node, j)
        q_mid = (winner.q_low + winner.q_high) / 2
        am = self.am
        poor_keys = []
        poor_live = []
        unsure = []
        rich = 0
        for pattern, a, w in zip(patterns, utilities, weights, strict=True):
            m = mid[pattern]
            e = rad[pattern]
            if m == 0.0 and e == 0.0:
                poor_keys.append(pattern * am + a)
                continue
            slack = e + (abs(m) + winner.q_high * a) * EPS * 4
            if m + slack < winner.q_low * a:
                is_poor = True
            elif m - slack >= winner.q_high * a:
                is_poor = False
            else:
                is_poor = m < q_mid * a
                unsure.append((pattern, a, is_poor))
            if is_poor:
                poor_keys.append(pattern * am + a)
                poor_live.append((pattern, w))
            else:
                rich += w * a
        if rich <= 0:
            raise _Ambiguous
        q = Fraction(self.profile.costs[j] - self._exact_sum(lam, t, poor_live)) / rich
        for pattern, a, is_poor in unsure:
            money = self._exact_money(lam, t, pattern)
            if (is_poor and money > q * a) or (not is_poor and money < q * a):
                raise _Ambiguous
        return q, frozenset(poor_keys)

    def _exact_money(self, lam: dict, t: Number, pattern: int) -> Number:
        money: Number = t
        for p, a in self.pattern_pairs[pattern]:
            money -= lam[p] * a
        return money

    def _exact_sum(self, lam: dict, t: Number, live: list[tuple[int, int]]) -> Number:
        """Exact sum of weight * money over live (not exhausted) patterns."""
        coefficients: dict[int, int] = {}
        total_weight = 0
        pairs_of = self.pattern_pairs
        for pattern, w in live:
            total_weight += w
            for p, a in pairs_of[pattern]:
                coefficients[p] = coefficients.get(p, 0) + w * a
        result: Number = t * total_weight
        for p, c in coefficients.items():
            result -= lam[p] * c
        return result

    def _fast_pay(
        self, moves: list, mid: dict, rad: dict, q: Fraction, poor_keys: frozenset[int]
    ) -> None:
        q_float = float(q)
        q_error = abs(q_float) * EPS
        am = self.am
        for new, old, a in moves:
            m = mid[old]
            e = rad[old]
            if (m == 0.0 and e == 0.0) or old * am + a in poor_keys:
                mid[new] = 0.0
                rad[new] = 0.0
                continue
            share = q_float * a
            mid[new] = m - share
            rad[new] = e + (abs(m) + share) * EPS * 2 + q_error * a

    def _fast_start(self, t: Number) -> tuple[dict, dict]:
        t_float = float(t)
        radius = 0.0 if Fraction(t_float) == t else abs(t_float) * EPS
        return {0: t_float}, {0: radius}

    def _fast_run(self, t: Number) -> MesRun:
        self._trim()
        mid, rad = self._fast_start(t)
        lam: dict[int, Fraction] = {}
        bought: frozenset[int] = frozenset()
        node = self.nodes[bought]
        heap = [(self.initial_bound[j], self.tie[j], j) for j in self.candidates]
        heapq.heapify(heap)
        alive = set(self.candidates)
        result = MesRun(t, list(self.free), [])
        while True:
            best: _Priced | None = None
            evaluated: list[_Priced] = []
            while heap:
                bound, tie, j = heap[0]
                if best is not None and (
                    bound > best.high or (bound == best.high and tie > best.tie)
                ):
                    break
                heapq.heappop(heap)
                if j not in alive:
                    continue
                priced = self._fast_price(node, mid, rad, j)
                if priced is None:
                    alive.discard(j)
                    result.dropped_at[j] = len(result.steps)
                    continue
                evaluated.append(priced)
                if best is None or (priced.high, priced.tie) < (best.high, best.tie):
                    best = priced
            if best is None:
                break
            for other in evaluated:
                if other is best:
                    continue
                if not _beats(best, best.tie, other, other.tie):
                    raise _Ambiguous
                heapq.heappush(heap, (other.low, other.tie, other.project))
            alive.discard(best.project)
            q, poor = self._pin_price(node, mid, rad, lam, t, best)
            lam[best.project] = q
            result.steps.append(MesStep(best.project, best.low, best.high, best.exact, q))
            node, moves = self._move(bought, node, best.project)
            bought = bought | {best.project}
            self._fast_pay(moves, mid, rad, q, poor)
        return result

    # -- exact path -------------------------------------------------------------

    def _exact_price(
        self, node: _Node, money: dict[int, Number], j: int
    ) -> tuple[Fraction, int, int, frozenset[int]] | None:
        am = self.am
        table = self._table(node, j)
        entries = []
        for key, weight in table.items():
            pattern, a = divmod(key, am)
            b = money[pattern]
            if b:
                entries.append((Fraction(b) / a, b, weight, a, key))
        cost = self.profile.costs[j]
        if sum(b * w for _, b, w, _, _ in entries) < cost:
            return None
        entries.sort(key=lambda e: e[0])
        remaining: Number = cost
        denominator = sum(w * a for _, _, w, a, _ in entries)
        partial = 0
        poor = []
        for ratio, b, w, a, key in entries:
            if ratio * denominator >= remaining:
                break
            remaining -= b * w
            denominator -= w * a
            partial += w
            poor.append(key)
        full = sum(w for _, _, w, _, _ in entries) - partial
        return Fraction(remaining) / denominator, full, partial, frozenset(poor)

    def _exact_run(self, t: Number, record: bool = False) -> MesRun:
        self._trim()
        self.exact_runs += 1
        money: dict[int, Number] = {0: t}
        bought: frozenset[int] = frozenset()
        node = self.nodes[bought]
        heap = [(self.initial_bound[j], self.tie[j], j) for j in self.candidates]
        heapq.heapify(heap)
        alive = set(self.candidates)
        result = MesRun(t, list(self.free), [], exact=True)
        paid: dict[int, tuple[int, Number]] = {}
        while True:
            best = None
            evaluated = []
            while heap:
                bound, tie, j = heap[0]
                if best is not None and (bound, tie) > (best[0], best[1]):
                    break
                heapq.heappop(heap)
                if j not in alive:
                    continue
                priced = self._exact_price(node, money, j)
                if priced is None:
                    alive.discard(j)
                    result.dropped_at[j] = len(result.steps)
                    continue
                value = priced[0] / self.kappa[j]
                evaluated.append((value, tie, j))
                if best is None or (value, tie) < (best[0], best[1]):
                    best = (value, tie, j, priced)
            if best is None:
                break
            value, _, j, (q, full, partial, _) = best
            for item in evaluated:
                if item[2] != j:
                    heapq.heappush(heap, (_down(float(item[0])), item[1], item[2]))
            alive.discard(j)
            value_float = float(value)
            result.steps.append(
                MesStep(j, _down(value_float), _up(value_float), value, q, full, partial)
            )
            node, moves = self._move(bought, node, j)
            bought = bought | {j}
            for new, old, a in moves:
                b = money[old]
                share = q * a
                money[new] = b - share if b > share else 0
                paid[new] = (j, b - money[new])
        if record:
            self._record(node, money, paid, result)
        return result

    def _record(
        self,
        node: _Node,
        money: dict[int, Number],
        paid: dict[int, tuple[int, Number]],
        result: MesRun,
    ) -> None:
        """Money left and where it went, for every candidate not bought."""
        bought = {s.project for s in result.steps}
        am = self.am
        for j in self.candidates:
            if j in bought:
                continue
            table = self._table(node, j)
            left = Fraction(0)
            spent: dict[int, Fraction] = {}
            for key, weight in table.items():
                pattern = key // am
                left += weight * money[pattern]
                for p, amount in self._payments(pattern, paid):
                    spent[p] = spent.get(p, Fraction(0)) + weight * amount
            result.money_left[j] = left
            result.spent_on[j] = spent

    def _payments(self, pattern: int, paid: dict[int, tuple[int, Number]]) -> list:
        """Payments made by voters of a pattern, one per project in it."""
        out = []
        pairs = self.pattern_pairs[pattern]
        while pattern:
            p, amount = paid[pattern]
            if amount:
                out.append((p, Fraction(amount)))
            pairs = tuple(pair for pair in pairs if pair[0] != p)
            pattern = self.pattern_ids[pairs]
        return out

    # -- public ---------------------------------------------------------------------

    def run(self, t: Number, record: bool = False) -> MesRun:
        """Run MES with every voter starting at ``t`` (scaled money).

        Invariant: the projects bought cost at most ``t * voters`` in total,
        every project bought has a supporter, and the result equals the
        exact-arithmetic MES outcome.
        """
        self.runs += 1
        if record:
            return self._exact_run(t, record=True)
        try:
            return self._fast_run(t)
        except _Ambiguous:
            return self._exact_run(t)

    def certify(self, t2: Number, run: MesRun) -> bool:
        """True if provably every budget in ``[run.t, t2]`` gives ``run``'s choices.

        Invariant (soundness): ``True`` implies that MES at every ``t`` with
        ``run.t <= t <= t2`` buys exactly ``run.selected``, in the same order.
        """
        self.runs += 1
        try:
            return self._certify(t2, run)
        except _Ambiguous:
            return False

    def _certify(self, t2: Number, run: MesRun) -> bool:
        self._trim()
        mid, rad = self._fast_start(t2)
        lam: dict[int, Fraction] = {}
        bought: frozenset[int] = frozenset()
        node = self.nodes[bought]
        heap = [(self.initial_bound[j], self.tie[j], j) for j in self.candidates]
        heapq.heapify(heap)
        alive = set(self.candidates)
        for step in run.steps:
            w = step.project
            tie_w = self.tie[w]
            evaluated = []
            while heap:
                bound, tie, j = heap[0]
                if bound > step.high or (bound == step.high and tie > tie_w):
                    break
                heapq.heappop(heap)
                if j not in alive or j == w:
                    continue
                priced = self._fast_price(node, mid, rad, j)
                if priced is None:
                    alive.discard(j)
                    continue
                if not _beats(step, tie_w, priced, priced.tie):
                    return False
                evaluated.append(priced)
            for other in evaluated:
                heapq.heappush(heap, (other.low, other.tie, other.project))
            priced = self._fast_price(node, mid, rad, w)
            if priced is None:  # impossible by monotonicity; be safe
                return False
            alive.discard(w)
            q, poor = self._pin_price(node, mid, rad, lam, t2, priced)
            lam[w] = q
            node, moves = self._move(bought, node, w)
            bought = bought | {w}
            self._fast_pay(moves, mid, rad, q, poor)
        return all(self._fast_price(node, mid, rad, j) is None for j in alive)

    def cost_of(self, run: MesRun) -> int:
        """Total (scaled) cost of the projects a run bought."""
        return sum(self.profile.costs[j] for j in run.selected)


@dataclass(frozen=True)
class Add1Result:
    """Outcome of add1: the MES run at the final per-voter budget."""

    run: MesRun
    start: int
    increments: int
    runs: int
    exact_runs: int


class _Engines:
    """The vectorised engine, and the exact one built only when needed
    (explanations, or a run too close to call in floating point)."""

    def __init__(self, profile: NumericProfile) -> None:
        self.profile = profile
        self.fast = FastEngine(profile)
        self._exact: MesEngine | None = None
        self.runs = 0

    @property
    def exact(self) -> MesEngine:
        if self._exact is None:
            self._exact = MesEngine(self.profile)
        return self._exact

    @property
    def exact_runs(self) -> int:
        return self._exact.exact_runs if self._exact is not None else 0

    def cost_of(self, run: MesRun) -> int:
        return sum(self.profile.costs[j] for j in run.selected)

    def run(self, t: Number, record: bool = False) -> MesRun:
        """One MES run: vectorised, or exact when recording or too close to call."""
        self.runs += 1
        if not record:
            try:
                return self.fast.run(t, bounds=False).run
            except _Ambiguous:
                pass
        return self.exact._exact_run(t, record=record)


def equal_shares_add1(profile: NumericProfile, record: bool = False) -> Add1Result:
    """MES with the add1 completion (see module docstring).

    Invariant: equals the naive loop ``t = floor(B/n), floor(B/n)+1, ...``
    stopping at the first overspending outcome and returning the one before;
    the result never costs more than the budget.

    Each run (vectorised, :mod:`.fastmes`) also proves up to which budget its
    decisions hold; the loop jumps straight there and resumes the next run
    from the first round that may change.  A run that cannot be settled on
    float intervals is redone exactly and the loop then moves one unit.
    """
    engines = _Engines(profile)
    unit = profile.scale
    n = profile.n_voters
    if n == 0:
        return Add1Result(engines.run(0, record), 0, 0, engines.runs, engines.exact_runs)
    fast = engines.fast
    k = profile.budget // (unit * n)
    start = k
    cap = max(k, -(-sum(profile.costs) // unit))
    last: MesRun | None = None
    last_k = k
    everything = len(fast.candidates)
    prefix: list = []
    horizon = HORIZON * unit
    while True:
        t = k * unit
        engines.runs += 1
        try:
            fast_run = fast.run(t, prefix, horizon=horizon, unit=unit)
            run, until = fast_run.run, fast_run.until
        except _Ambiguous:
            run, until, fast_run = engines.exact._exact_run(t), float(t + unit), None
        if engines.cost_of(run) > profile.budget:
            break
        last, last_k = run, k
        if len(run.steps) == everything or k >= cap:
            break
        # Every budget below ``until`` takes the same decisions.
        next_k = k + 1 if until == math.inf else max(k + 1, math.ceil(until / unit))
        if until == math.inf or next_k - 1 >= cap:
            last_k = cap
            break
        last_k = next_k - 1
        k = next_k
        prefix = []
        if fast_run is not None:
            for rnd in fast_run.rounds:
                if rnd.until <= k * unit:
                    break
                prefix.append(rnd)
    if last is None:  # cannot happen: t = floor(B/n) never overspends
        raise AssertionError("add1 found no feasible outcome")
    if record or last.t != last_k * unit:
        last = engines.run(last_k * unit, record)
    return Add1Result(last, start, last_k - start, engines.runs, engines.exact_runs)


def equal_shares(profile: NumericProfile, record: bool = False) -> MesRun:
    """Plain MES, each voter starting with exactly ``budget / voters``.

    Invariant: the outcome costs at most the budget.
    """
    n = profile.n_voters
    t = Fraction(profile.budget, n) if n else Fraction(0)
    return _Engines(profile).run(t, record)
