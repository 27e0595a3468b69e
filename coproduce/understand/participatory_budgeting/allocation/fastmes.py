"""Vectorised Method of Equal Shares, with proofs of how far ``t`` may rise.

This is the fast path of :mod:`.mes` (see the docstring there and
docs/allocation.md).  It works on the grouped ballots with NumPy arrays, one
entry per ballot group (pure NumPy, no BLAS threads: one core):

* ``M`` money left (float) and ``R`` a rigorous bound on its error; ``X``
  whether the group has paid all it had (its money is then exactly 0);
* ``O`` and ``B``: while the same projects are bought, the group's money at
  budget ``t + d`` is at most ``max(0, O + B d)``.

These are stored per *class*: groups that have paid for the same projects
with the same utilities hold identical values, so every group carries a class
id (``cid``) and a purchase moves its supporters to new classes, one per
(old class, utility) pair.  A project with many supporting groups (at least
``COMPRESS``) is priced on its supporters compressed to those pairs, with
summed weights (exact integers in floating point); one with fewer is priced
one entry per group, as the sums are the same.  Error bounds still count
every group as a term.

**Certain decisions.**  Affordability and each round's winner are decided
on float intervals with rigorous error bounds, as in :mod:`.mes`.  A price is
found by Newton steps from below on the concave ``F(q) = sum(w min(m, q a))``
and proved by evaluating ``F`` just below and just above it.  The winner's
partial payers must be certain (else :class:`~.mesbase._Ambiguous`), and its price
is then recomputed from them (``q = (c - sum(poor money)) / rich``) with its
error bound.  Anything too close to call raises :class:`~.mesbase._Ambiguous` and
the caller redoes that budget in exact rational arithmetic.

**How far the same purchases hold** (for add1).  Along a fixed purchase
sequence, money only rises with ``t`` and prices only fall.  Per round we
bound from below the budget at which its decisions could change:

* upper bounds on money, ``max(0, O + B d)``: each purchase lowers them by at
  least ``(q + lam1 d) a``, where ``lam1 <= 0`` bounds the price's slope from
  below (the price computed from linear money upper bounds is convex in
  ``d``, so it lies above its tangent);
* an upper bound on the winner's price: live supporters gain at least ``d``,
  so the price computed from money ``m - e + d`` (convex in ``d``) lies below
  its chord between ``d = 0`` and the horizon;
* a rival ``r`` can only match the winner where
  ``H(d) = sum(w min(max(0, O + B d), q*(d) a)) - c_r >= 0``, with ``q*`` the
  winner's value bound times ``kappa_r``; ``H`` is piecewise linear and its
  first root is found by sorting its kinks (a cheap linear bound settles most
  rivals first);
* a rival whose best possible value ``c_r / (kappa_r D_r)`` is above the
  winner's can never match it; a project that dropped out stays unaffordable
  while ``sum(w max(0, O + B d)) < c``.

All bounds are shrunk by a relative margin (``MARGIN``, 2^-30) far above the
rounding error.  The minimum over the rounds so far (``until``) is kept per
round, so the next budget *resumes* from the first round whose decisions may
change: earlier rounds are replayed by pricing their known winner only.
"""

from __future__ import annotations

import heapq
import math
from dataclasses import dataclass, field
from fractions import Fraction
from itertools import chain

import numpy as np

from .mesbase import EPS, MesRun, MesStep, _Ambiguous, _beats, _down, _Priced, _up
from .profile import NumericProfile

MARGIN = 2.0**-30  # relative safety margin on breakpoint bounds
COMPRESS = 2048  # supporters from which a project's view is compressed by class
DENSE = 4  # dense de-duplication when classes x width <= DENSE x supporters + 4096
INF = math.inf
REFRESH = 2  # a replayed round keeps its bound while it reaches this many units ahead


def _dot(a: np.ndarray, b: np.ndarray, mask: np.ndarray | None = None) -> float:
    """``sum(a * b)`` (over ``mask``) on one core.  Above a few thousand
    elements a BLAS dot product may start threads, which costs far more CPU
    than it saves here, so long vectors go through ``einsum``."""
    if mask is not None:
        b = b * mask
    if len(a) <= 4096:
        return float(a.dot(b))
    return float(np.einsum("i,i->", a, b))


@dataclass
class _Round:
    """One purchase (``project`` is -1 for the final round, drops only).

    ``drops`` are the projects found unaffordable in this round before the
    purchase; ``until`` is the (exclusive) budget up to which this round and
    every earlier one provably take the same decisions.  Bounds are absolute
    budgets, so they stay valid when the round is replayed at a higher one.
    """

    project: int
    drops: list[int]
    until: float
    own: float = -INF  # this round's own bound (absolute), -inf if not computed


@dataclass
class FastRun:
    """A run plus what is needed to resume at a higher budget."""

    run: MesRun
    rounds: list[_Round] = field(default_factory=list)
    until: float = INF


class _Level:
    """The class structure after a sequence of purchases: which class each
    group is in (``cid``, never written once made), how many classes there
    are, and the compressed views of projects priced at this level.

    It depends only on which projects were bought in which order, not on the
    budget, so a run that replays the previous run's purchases reuses it
    instead of regrouping the supporters again.
    """

    __slots__ = ("cid", "classes", "project", "views")

    def __init__(self, project: int, cid: np.ndarray, classes: int) -> None:
        self.project = project
        self.cid = cid
        self.classes = classes
        self.views: dict[int, tuple] = {}


class _State:
    __slots__ = (
        "B",
        "M",
        "O",
        "R",
        "X",
        "alive",
        "bought",
        "cache",
        "cid",
        "classes",
        "depth",
        "dropped_at",
        "level",
        "steps",
        "t",
        "tf",
    )

    def __init__(self, t, root: _Level, m: int, candidates, arrays: tuple) -> None:
        self.t = t
        self.tf = float(t)
        radius = 0.0 if Fraction(self.tf) == t else abs(self.tf) * EPS
        # Groups that have paid for the same projects with the same utilities
        # share a *class* (``cid``) and hold the same money; the arrays below
        # are per class.  A purchase moves its supporters to new classes.
        self.level = root
        self.depth = 0
        self.cid = root.cid
        self.classes = root.classes
        # The engine's per-class arrays, reused by every run (a run writes a class's
        # entries when it creates the class, before reading them); O is the upper
        # offset of money as t rises.
        self.M, self.R, self.B, self.O, self.X = arrays
        self.M[0], self.R[0], self.B[0], self.X[0] = self.tf, radius, 1.0, False
        self.O[0] = self.tf + radius
        self.bought = np.zeros(m, dtype=bool)
        self.cache: dict[int, tuple] = {}
        self.alive = set(candidates)
        self.steps: list[MesStep] = []
        self.dropped_at: dict[int, int] = {}


class FastEngine:
    """Vectorised MES on one profile; see the module docstring."""

    def __init__(self, profile: NumericProfile) -> None:
        self.profile = profile
        self.costs = profile.costs
        m = len(profile.ids)
        self.m = m
        cost_mode = profile.mode == "cost"
        self.kappa = [c if cost_mode else 1 for c in profile.costs]
        self.tie = [profile.tie_key(j) for j in range(m)]
        supported = [j for j in range(m) if profile.eligible[j] and profile.votes[j] > 0]
        self.free = sorted((j for j in supported if self.costs[j] == 0), key=self.tie.__getitem__)
        self.candidates = [j for j in supported if self.costs[j] > 0]
        groups = profile.groups
        self.n_groups = len(groups)
        weights = np.fromiter((w for w, _ in groups), dtype=np.int64, count=self.n_groups)
        lengths = np.fromiter(
            (len(pairs) for _, pairs in groups), dtype=np.int64, count=self.n_groups
        )
        self.g_ptr = np.zeros(self.n_groups + 1, dtype=np.int64)
        np.cumsum(lengths, out=self.g_ptr[1:])
        self.g_len = lengths
        # (project, utility) pairs of every group, flattened without Python lists
        flat = np.fromiter(
            chain.from_iterable(chain.from_iterable(pairs for _, pairs in groups)),
            dtype=np.int64,
            count=2 * int(self.g_ptr[-1]),
        ).reshape(-1, 2)
        self.g_proj = np.ascontiguousarray(flat[:, 0])
        self.g_util = np.ascontiguousarray(flat[:, 1])
        self.g_weight = weights
        group_of = np.repeat(np.arange(self.n_groups, dtype=np.int64), lengths)
        order = np.argsort(self.g_proj, kind="stable")
        starts = np.searchsorted(self.g_proj[order], np.arange(m + 1))
        self.S: list[np.ndarray] = []
        self.A: list[np.ndarray] = []
        self.Af: list[np.ndarray] = []
        self.W: list[np.ndarray] = []
        self.Wf: list[np.ndarray] = []
        self.WA: list[np.ndarray] = []
        self.WAf: list[np.ndarray] = []
        self.D: list[int] = []
        for j in range(m):
            sel = order[starts[j] : starts[j + 1]]
            groups = group_of[sel]
            utils = self.g_util[sel]
            w = weights[groups]
            self.S.append(groups)
            self.A.append(utils)
            self.Af.append(utils.astype(float))
            self.W.append(w)
            self.Wf.append(w.astype(float))
            wa = w * utils
            self.WA.append(wa)
            self.WAf.append(wa.astype(float))
            self.D.append(int(wa.sum()))
        # Weight sums must be exact in floating point; beyond that, every run
        # is left to the exact engine.
        self.too_big = sum(self.D) >= 2**52
        self.initial_bound = {
            j: _down(float(Fraction(self.costs[j], self.kappa[j] * self.D[j])))
            for j in self.candidates
        }
        self.kD = np.array([float(self.kappa[j]) * self.D[j] for j in range(m)])
        self.a_max = [int(a.max()) if len(a) else 1 for a in self.A]
        self.a_uniform = [len(a) == 0 or int(a.min()) == int(a.max()) for a in self.A]
        self.a_scalar = [
            float(a[0]) if len(a) and u else None
            for a, u in zip(self.A, self.a_uniform, strict=True)
        ]
        # every purchase creates at most one class per supporting group
        self.capacity = 1 + sum(len(idx) for idx in self.S)
        keys = self.capacity * (max(self.a_max, default=1) + 1)
        self.scratch = np.empty(keys, dtype=np.int64) if keys <= 2**24 else None
        self.arange = np.arange(max((len(idx) for idx in self.S), default=0), dtype=np.int64)
        self.costf = np.array([float(c) for c in self.costs])
        # per-class money arrays, allocated once and reused by every run: fresh ones
        # per run cost a page fault for every page touched
        self.arrays = (
            *(np.empty(self.capacity) for _ in range(4)),
            np.empty(self.capacity, dtype=bool),
        )
        # the class structure along the latest run's purchases (see _Level)
        self.path = [_Level(-1, np.zeros(self.n_groups, dtype=np.int64), 1)]

    # -- pricing ----------------------------------------------------------------

    def _view(self, st: _State, j: int) -> tuple:
        """j's supporters compressed to (class, utility) entries: class ids,
        summed weights (exact integers), utilities, weight x utility, money
        and its error bound, and what maps each group back to its entry
        (cached until the next purchase)."""
        found = st.cache.get(j)
        if found is not None:
            return found
        known = st.level.views.get(j)
        if known is not None:
            cls = known[0]
            found = st.cache[j] = (*known, st.M[cls], st.R[cls], None, None, None)
            return found
        found = self._regroup(st, j)
        st.level.views[j] = found[:4]
        return found

    def _regroup(self, st: _State, j: int) -> tuple:
        """:meth:`_view` computed from the class ids (also what a purchase
        needs to move the supporters to their new classes)."""
        c = st.cid[self.S[j]]
        n = len(c)
        if n < COMPRESS:
            # few supporters: one entry per group (several may share a class)
            a = self.a_scalar[j]
            if a is None:
                a, wa = self.Af[j], self.WAf[j]
            else:
                wa = self.Wf[j] if a == 1.0 else self.Wf[j] * a
            found = (c, self.Wf[j], a, wa, st.M[c], st.R[c], None, None, self.arange[:n])
            st.cache[j] = found
            return found
        if self.a_uniform[j]:
            key, width = c, 1
        else:
            width = self.a_max[j] + 1
            key = c * width + self.A[j]
        size = st.classes * width
        if size <= DENSE * n + 4096:
            bins = np.bincount(key, weights=self.Wf[j], minlength=size)
            nz = bins.nonzero()[0]
            w = bins[nz]
            inverse = None
        elif self.scratch is not None:
            # O(n) de-duplication: every entry learns one representative of
            # its key (whichever write landed), and representatives are kept
            scratch = self.scratch
            order = self.arange[:n]
            scratch[key] = order
            rep = scratch[key]
            first = rep == order
            nz = key[first]
            inverse = (np.cumsum(first) - 1)[rep]
            w = np.bincount(inverse, weights=self.Wf[j], minlength=len(nz))
        else:
            nz, inverse = np.unique(key, return_inverse=True)
            w = np.bincount(inverse, weights=self.Wf[j], minlength=len(nz))
        if width == 1:
            # one utility for all: a scalar (it broadcasts like an array)
            cls = nz
            a = float(self.A[j][0]) if len(key) else 1.0
            wa = w if a == 1.0 else w * a
        else:
            cls = nz // width
            a = (nz % width).astype(float)
            wa = w * a
        found = st.cache[j] = (cls, w, a, wa, st.M[cls], st.R[cls], key, nz, inverse)
        return found

    def _money(self, st: _State, j: int) -> tuple[np.ndarray, np.ndarray]:
        """Money and its error bound for j's supporters' entries."""
        view = self._view(st, j)
        return view[4], view[5]

    def _price(self, st: _State, j: int) -> _Priced | None:
        """Project j's price with certain bounds (see ``MesEngine._fast_price``)."""
        _, w, a, wa, m, e = self._view(st, j)[:6]
        cost = self.costs[j]
        costf = float(cost)
        size = len(self.S[j])
        total = _dot(w, m)
        error = _dot(w, e)
        if error == 0.0 and total < 2.0**52 and bool(np.all(m == np.floor(m))):
            if total < cost:
                return None
            margin = 0.0
        else:
            margin = error + (size + 4) * EPS * (total + costf)
            if total + margin < costf:
                return None
            if total - margin < costf:
                raise _Ambiguous
        kappa = self.kappa[j]
        tie = self.tie[j]
        d_all = self.D[j]
        q_exact = Fraction(cost, d_all)
        q_up = _up(float(q_exact))
        if bool(np.all((m - e) * (1 - EPS) >= q_up * a * (1 + EPS))):
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
        wm = w * m
        q = costf / d_all
        rich = 0.0
        for _ in range(200):
            is_rich = m > q * a
            rich = _dot(wa, is_rich)
            if rich <= 0:
                raise _Ambiguous
            poor_money = total - _dot(wm, is_rich)
            q_next = (costf - poor_money) / rich
            if q_next <= q:
                break
            q = q_next
        else:
            raise _Ambiguous
        slack = margin + error + (size + 8) * EPS * (total + q * d_all + costf)
        width = 2 * slack / rich + abs(q) * 4 * EPS + 1e-300
        for _ in range(6):
            q_low = q - width
            q_high = q + width
            f_low = _dot(w, np.minimum(m, q_low * a))
            f_high = _dot(w, np.minimum(m, q_high * a))
            if f_low + slack < costf and f_high - slack >= costf:
                break
            width *= 4
        else:
            raise _Ambiguous
        return _Priced(j, tie, _down(q_low / kappa), _up(q_high / kappa), None, q_low, q_high, None)

    def _pin(
        self, st: _State, winner: _Priced
    ) -> tuple[np.ndarray, float, float, float, Fraction | None, float, int, int]:
        """The winner's partial payers (a mask over its supporters), its price
        (float with a rigorous error bound, and exact when nobody pays
        partially), and the slope bound ``lam1`` of the price in ``t``."""
        j = winner.project
        cls, w, a, wa, m, e = self._view(st, j)[:6]
        if winner.q_exact is not None:
            q = winner.q_exact
            q_float = float(q)
            poor = np.zeros(len(cls), dtype=bool)
            q_error = abs(q_float) * EPS
            q_floor = q_float - q_error - _dot(w, e) / self.D[j]
            return poor, q_float, q_error, q_floor, q, 0.0, int(self.W[j].sum()), 0
        gone = st.X[cls]
        slack = e + (np.abs(m) + winner.q_high * a) * EPS * 4
        poor = (m + slack < winner.q_low * a) | gone
        if not bool(np.all(poor | (m - slack >= winner.q_high * a))):
            raise _Ambiguous
        rich = int(wa[~poor].sum())
        if rich <= 0:
            raise _Ambiguous
        live = poor & ~gone
        poor_money = _dot(w, m, live)
        poor_error = _dot(w, e, live)
        cost = float(self.costs[j])
        q_float = (cost - poor_money) / rich
        q_error = (poor_error + (len(self.S[j]) + 4) * EPS * (abs(poor_money) + cost)) / rich
        q_error += abs(q_float) * 2 * EPS
        lam1 = -_dot(w, st.B[cls], poor) / rich
        full = int(w[~poor].sum())
        partial = int(w[live].sum())
        # The price computed from the money upper bounds (m + e) may lie below
        # the true one by up to sum(w * e) / rich; the money bounds use this floor.
        q_floor = q_float - q_error - _dot(w, e) / rich
        return poor, q_float, q_error, q_floor, None, lam1, full, partial

    def _pay(
        self,
        st: _State,
        j: int,
        poor: np.ndarray,
        q: float,
        q_error: float,
        q_floor: float,
        lam1: float,
    ) -> None:
        """Charge the winner's supporters.  The money bounds as t rises
        (``O + B d``) drop by at least ``(q_floor + lam1 d) * a``: the price
        at ``t + d`` is at least that (it is convex in ``d`` when computed from
        money upper bounds, and ``lam1`` is a lower bound on its slope)."""
        cls, _, a, _, m, e, key, nz, inverse = self._view(st, j)
        share = q * a
        first = st.classes
        new = slice(first, first + len(cls))
        st.M[new] = np.where(poor, 0.0, m - share)
        st.R[new] = np.where(poor, 0.0, e + (np.abs(m) + share) * EPS * 2 + q_error * a)
        st.X[new] = st.X[cls] | poor
        st.O[new] = st.O[cls] - q_floor * a
        st.B[new] = st.B[cls] - lam1 * a if lam1 else st.B[cls]
        depth = st.depth + 1
        path = self.path
        if depth < len(path) and path[depth].project == j and path[depth - 1] is st.level:
            level = path[depth]  # the previous run bought the same projects
        else:
            if key is None and inverse is None:  # a view reused from the level
                key, nz, inverse = self._regroup(st, j)[6:]
            if inverse is None:
                position = np.empty(len(key) and int(nz[-1]) + 1, dtype=np.int64)
                position[nz] = np.arange(len(nz))
                inverse = position[key]
            cid = st.cid.copy()
            cid[self.S[j]] = first + inverse
            level = _Level(j, cid, first + len(cls))
            del path[depth:]
            path.append(level)
        st.level, st.depth, st.cid, st.classes = level, depth, level.cid, level.classes
        st.bought[j] = True
        st.cache.clear()

    # -- breakpoints --------------------------------------------------------------

    def _money_bound(self, st: _State, cls: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Money of these groups at ``t + d`` (same purchases so far) is at most
        ``max(0, offset + slope * d)``: live groups hold ``M`` (plus its error)
        now; groups that paid all they had are ``-offset`` short of paying."""
        return st.O[cls], st.B[cls]

    @staticmethod
    def _first_root(
        offset: np.ndarray,
        slope: np.ndarray,
        w: np.ndarray,
        cap0: np.ndarray | None,
        cap_slope: np.ndarray | None,
        cost: float,
        horizon: float,
    ) -> float:
        """A lower bound on the first ``d`` in ``[0, horizon]`` with
        ``sum(w * min(max(0, offset + slope d), cap0 + cap_slope d)) >= cost``
        (no cap when ``cap0`` is None); ``horizon`` if there is none.

        The sum is piecewise linear: each term is flat until its money starts
        to rise, rises with ``slope`` until it reaches its cap, then follows
        the cap.  Events are sorted and the pieces walked in one pass.
        """
        positive = np.maximum(offset, 0.0)
        scale = _dot(w, positive) + _dot(w, slope) * horizon + cost
        tolerance = (len(w) + 16) * EPS * scale * 16 + scale * MARGIN
        with np.errstate(divide="ignore", invalid="ignore"):
            start = np.where(offset >= 0, 0.0, -offset / slope)
        start = np.where(np.isnan(start), INF, start)
        if cap0 is None:
            h0 = _dot(w, positive) - cost
            rise = w * slope
            s0 = _dot(w, slope, start <= 0)
            ev_d = start[start > 0]
            ev_s = rise[start > 0]
        else:
            h0 = _dot(w, np.minimum(positive, cap0)) - cost
            saturated = positive >= cap0
            with np.errstate(divide="ignore", invalid="ignore"):
                full = (cap0 - offset) / (slope - cap_slope)
            full = np.where(np.isnan(full) | (full < 0), INF, full)
            rise = w * slope
            fall = w * cap_slope
            live = ~saturated & (start <= 0)
            s0 = _dot(w, cap_slope, saturated) + _dot(w, slope, live)
            later = ~saturated & (start > 0) & (start < full)
            ends = ~saturated & (full < INF) & (full > start)
            ev_d = np.concatenate((start[later], full[ends]))
            ev_s = np.concatenate((rise[later], (fall - rise)[ends]))
        h0 += tolerance
        if h0 >= 0:
            return 0.0
        order = np.argsort(ev_d, kind="stable")
        ev_d = ev_d[order]
        keep = ev_d < horizon
        ev_d = ev_d[keep]
        slopes = s0 + np.cumsum(ev_s[order][keep])
        points = np.concatenate(([0.0], ev_d))
        before = np.concatenate(([s0], slopes))  # slope on [points[k], points[k+1])
        values = h0 + np.concatenate(([0.0], np.cumsum(before[:-1] * np.diff(points))))
        hit = np.flatnonzero(values >= 0)
        # the root lies in [points[k], points[k+1]]
        k = int(hit[0]) - 1 if len(hit) else len(points) - 1
        if before[k] <= 0:
            return float(points[k + 1]) if k + 1 < len(points) else horizon
        root = float(points[k]) - float(values[k]) / float(before[k])
        return max(0.0, min(root * (1 - MARGIN), horizon))

    def _drop_bound(self, st: _State, j: int, horizon: float) -> float:
        """How far t may rise while j stays unaffordable (relative)."""
        cls, w = self._view(st, j)[:2]
        offset, slope = self._money_bound(st, cls)
        slope = slope * (1 + MARGIN)
        cost = float(self.costs[j])
        most = _dot(w, np.maximum(offset, 0.0)) + _dot(w, slope) * horizon
        if most * (1 + MARGIN) + (len(self.S[j]) + 16) * EPS * (most + cost) < cost:
            return horizon
        return self._first_root(offset, slope, w, None, None, cost, horizon)

    def _price_slack(self, st: _State, winner: _Priced) -> float:
        """How far above the winner's price the price computed from its
        supporters' money lower bounds (``m - e``) can be:
        ``sum(w * e) / (weight * utility of those surely paying in full)``."""
        _, w, a, wa, m, e = self._view(st, winner.project)[:6]
        error = _dot(w, e)
        if error == 0.0:
            return 0.0
        # rich at every price up to q_high (1 + 1e-6), far beyond the slack
        sure = (m - e) > winner.q_high * (1 + 1e-6) * a
        rich = _dot(wa, sure)
        slack = INF if rich <= 0 else error / rich * (1 + MARGIN)
        return slack if slack < winner.q_high * 1e-6 else INF

    def _upper_price(self, st: _State, winner: _Priced, ahead: float) -> float | None:
        """A certain upper bound on the winner's price at budget ``t + ahead``
        if the same projects are bought before it: live supporters then hold
        at least ``m + ahead`` (their money rises at least as fast as ``t``).

        ``F(q) = sum(w * min(money, q a))`` is concave, so after a few Newton
        steps from below, the chord to the current price (where ``F >= c``
        already) crosses ``c`` above the root; the result is checked."""
        j = winner.project
        cls, w, a, wa, m, e = self._view(st, j)[:6]
        low = np.maximum(m - e, 0.0) + ahead
        low[st.X[cls]] = 0.0
        cost = float(self.costs[j])
        wm = w * low
        total = float(np.einsum("i->", wm))
        if total * (1 - 1e-9) < cost:
            return None
        q = cost / self.D[j]
        f_q = 0.0
        for _ in range(3):
            rich = low > q * a
            rich_wa = _dot(wa, rich)
            if rich_wa <= 0:
                return None
            poor_money = total - _dot(wm, rich)
            f_q = poor_money + q * rich_wa
            q_next = (cost - poor_money) / rich_wa
            if q_next <= q:
                f_q = cost
                break
            q = q_next
        else:
            f_q = _dot(w, np.minimum(low, q * a))
        q_now = winner.q_high
        f_now = _dot(w, np.minimum(low, q_now * a))
        if f_q >= cost or f_now <= f_q:
            q_high = q
        else:
            q_high = q + (cost - f_q) * (q_now - q) / (f_now - f_q)
        q_high = min(q_high, q_now) * (1 + MARGIN) + 1e-300
        raised = _dot(w, np.minimum(low, q_high * a))
        if raised - (len(self.S[j]) + 8) * EPS * (raised + cost) >= cost:
            return q_high
        return None

    def _rival_bound(
        self, st: _State, r: int, q_star: float, q_slope: float, horizon: float
    ) -> float:
        """A lower bound on how far t may rise before rival r could match the
        winner, whose price for r's supporters is at most ``q_star + q_slope d``
        for ``d <= horizon``: r's supporters would have to raise its cost at
        that price, with at most ``max(0, offset + slope d)`` each."""
        cls, w, a = self._view(st, r)[:3]
        offset, slope = self._money_bound(st, cls)
        cost = float(self.costs[r])
        cap = q_star * a
        positive = np.maximum(offset, 0.0)
        below = positive < cap
        most = _dot(w, np.minimum(positive, cap)) + _dot(w, slope, below) * horizon
        if most * (1 + 2 * MARGIN) + (len(self.S[r]) + 16) * EPS * (most + cost) < cost:
            return horizon
        return self._first_root(
            offset, slope * (1 + MARGIN), w, q_star * a, q_slope * a, cost, horizon
        )

    def _round_bound(
        self, st: _State, winner: _Priced, horizon: float, enough: float, known: dict
    ) -> float:
        """How far (at most ``horizon``) t may rise with every rival still
        losing to the winner.  The winner's price is convex and non-increasing
        in t, so below the chord from its price now to an upper bound of its
        price at ``t + horizon``.  Stops early once the bound is at most
        ``enough`` (a smaller one would change nothing); rivals are tried
        closest first (``known``: their latest value this run)."""
        j = winner.project
        rivals = [r for r in st.alive if r != j]
        if not rivals:
            return INF
        kappa_w = float(self.kappa[j])
        value_high = winner.high * (1 + 4 * EPS)
        ahead = self._upper_price(st, winner, horizon)
        value_slope = 0.0
        slack = self._price_slack(st, winner) if ahead is not None else INF
        if slack < INF:
            # chord of a convex upper bound of the winner's price, from just
            # above its price now (float error of the money) to ``ahead``
            start = value_high + slack / kappa_w
            value_slope = min(0.0, (ahead / kappa_w - start) / horizon)
            value_high = max(value_high, start)
        rv = np.array(rivals, dtype=np.int64)
        possible = rv[value_high * self.kD[rv] >= self.costf[rv] * (1 - MARGIN)].tolist()
        initial = self.initial_bound
        possible.sort(key=lambda r: known.get(r, initial[r]))
        bound = horizon
        for r in possible:
            kappa = float(self.kappa[r])
            found = self._rival_bound(st, r, value_high * kappa, value_slope * kappa, bound)
            bound = min(bound, found)
            if bound <= enough:
                return bound
        return bound

    # -- runs -----------------------------------------------------------------

    def _buy(self, st: _State, winner: _Priced) -> None:
        j = winner.project
        poor, q, q_error, q_floor, q_exact, lam1, full, partial = self._pin(st, winner)
        st.alive.discard(j)
        st.steps.append(MesStep(j, winner.low, winner.high, winner.exact, q_exact, full, partial))
        self._pay(st, j, poor, q, q_error, q_floor, lam1)

    def run(
        self,
        t,
        prefix: list[_Round] | None = None,
        bounds: bool = True,
        horizon: float = 16.0,
        unit: int = 1,
    ) -> FastRun:
        """MES at budget ``t``.

        ``prefix`` lists rounds known to buy the same projects at ``t`` (their
        ``until`` is above ``t``): they are replayed by pricing only their
        winner.  With ``bounds``, every round records up to which budget its
        decisions provably hold, looking at most ``horizon`` ahead (a replayed
        round keeps its old bound while that reaches two ``unit`` beyond
        ``t``).  Raises :class:`_Ambiguous` when a decision is too close to
        call in floating point.
        """
        if self.too_big:
            raise _Ambiguous
        st = _State(t, self.path[0], self.m, self.candidates, self.arrays)
        result = FastRun(MesRun(t, list(self.free), []))
        rounds = result.rounds
        tf = st.tf
        # Bounds stop mattering once ``until`` is at most ``limit``: the next
        # budget to try is then one unit up whatever they say.
        limit = tf + unit
        until = INF if bounds else -INF
        known: dict[int, float] = {}
        replay = list(prefix or ())
        heap: list | None = None
        while True:
            old = replay.pop(0) if replay else None
            own = INF
            reuse = old is not None and old.own >= tf + REFRESH * unit
            if old is not None:
                drops = list(old.drops)
                for j in drops:
                    st.alive.discard(j)
                    st.dropped_at[j] = len(st.steps)
                    if until > limit and not reuse:
                        own = min(
                            own, tf + self._drop_bound(st, j, min(own, until, tf + horizon) - tf)
                        )
                best = None
                if old.project >= 0:
                    best = self._price(st, old.project)
                    if best is None:
                        raise _Ambiguous
            else:
                if heap is None:
                    heap = [(known.get(j, self.initial_bound[j]), self.tie[j], j) for j in st.alive]
                    heapq.heapify(heap)
                best, drops = self._find_winner(st, heap, known)
                if until > limit:
                    for j in drops:
                        own = min(
                            own, tf + self._drop_bound(st, j, min(own, until, tf + horizon) - tf)
                        )
            if reuse:
                own = old.own
            elif best is not None and until > limit and min(own, until) > limit:
                ahead = min(own, until, tf + horizon) - tf
                own = min(own, tf + self._round_bound(st, best, ahead, unit, known))
            if until > limit:
                until = min(until, own)
            else:
                own = -INF  # not computed
            if best is None:
                rounds.append(_Round(-1, drops, until, own))
                break
            rounds.append(_Round(best.project, drops, until, own))
            self._buy(st, best)
        result.until = until
        result.run.steps = st.steps
        result.run.dropped_at = st.dropped_at
        return result

    def _find_winner(self, st: _State, heap: list, known: dict) -> tuple[_Priced | None, list[int]]:
        """The round's winner (lazy: re-prices only projects that could win)
        and the projects found unaffordable on the way."""
        best: _Priced | None = None
        evaluated: list[_Priced] = []
        drops: list[int] = []
        while heap:
            bound, tie, j = heap[0]
            if best is not None and (bound > best.high or (bound == best.high and tie > best.tie)):
                break
            heapq.heappop(heap)
            if j not in st.alive:
                continue
            priced = self._price(st, j)
            if priced is None:
                st.alive.discard(j)
                st.dropped_at[j] = len(st.steps)
                drops.append(j)
                continue
            known[j] = priced.low
            evaluated.append(priced)
            if best is None or (priced.high, priced.tie) < (best.high, best.tie):
                best = priced
        if best is not None:
            for other in evaluated:
                if other is best:
                    continue
                if not _beats(best, best.tie, other, other.tie):
                    raise _Ambiguous
                heapq.heappush(heap, (other.low, other.tie, other.project))
        return best, drops
