"""A link whose success probability and pair state change in time: a piecewise-constant
schedule of up slices.

A :class:`LinkSchedule` is a sorted list of non-overlapping slices ``[start, end)`` in
simulated seconds; in slice ``i`` one attempt succeeds with probability ``p_i`` and a
heralded pair has the Bell vector ``state_i``. The link is down between slices and after the
last one. This is the time-varying seam of the link model: a satellite pass (the loss of its
downlinks changes every second) is one such schedule, slices of ``step`` seconds.

Attempt grid (every engine uses this one rule). A channel ready at ``s`` makes its first
attempt at ``next_up(s)``: ``s`` itself if a slice contains it, else the start of the next
slice. After an attempt that started at ``a`` the next starts at ``next_up(a + T)``, ``T`` the
attempt period. An attempt counts in the slice it starts in (it may end in the next one, or
after the slice when the link goes down: its herald counts). A channel that restarts at each
herald (``T`` after its attempt started) therefore keeps this one grid, and from a start ``s``
in slice ``i`` it makes ``n_i = #{j >= 0 : s + j T < end_i}`` attempts in that slice, then
continues at ``t = s + n_i T`` (``>= end_i``), moved up to the next slice's start if ``t`` is
before it. Counting ``j T < x`` uses ``(x - margin) // T + 1`` as :mod:`qfab.linkwindows` does
(``margin`` 1 on integer picoseconds, half a picosecond on float seconds).

Sampling (the event simulation, the fast engine): attempts are Bernoulli trials, so the
number of attempts up to the first success in slice ``i`` is geometric with ``p_i``; a draw
``G > n_i`` means no success in that slice (probability ``(1 - p_i)^{n_i}``) and, the trials
being memoryless, a fresh draw with ``p_{i+1}`` decides the next slice. One draw per slice
crossed, never one per attempt.

Expectation (the analytic engine): the successes of an always-ready channel over the slices
are a sum of independent binomials, so their expected number is ``sum_i n_i p_i`` and the
mean pair state is the success-weighted mean ``sum_i n_i p_i state_i / sum_i n_i p_i``.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = ["LinkSchedule", "ScheduleGrid", "SLICE_MARGIN"]

#: Half a picosecond: the counting margin on float seconds (see the module notes).
SLICE_MARGIN = 0.5e-12


@dataclass(frozen=True)
class ScheduleGrid:
    """The attempt grid of a schedule in one time unit (float seconds or integer ps).

    Attributes
    ----------
    starts, ends
        Slice bounds, sorted, ``starts[i] < ends[i] <= starts[i + 1]``.
    attempt
        Attempt period ``T > 0``.
    margin
        Counting guard: 1 on integer picoseconds, :data:`SLICE_MARGIN` on float seconds.
    """

    starts: Sequence[float] | Sequence[int]
    ends: Sequence[float] | Sequence[int]
    attempt: float | int
    margin: float | int = SLICE_MARGIN

    def slice_from(self, t: float) -> int:
        """Index of the slice containing ``t`` or, if none, of the next one (``len`` when
        none is left)."""
        return bisect.bisect_right(self.ends, t)

    def next_up(self, t: float) -> float | None:
        """The first time ``>= t`` an attempt may start, ``None`` after the last slice."""
        i = self.slice_from(t)
        if i == len(self.starts):
            return None
        return max(t, self.starts[i])

    def attempts_in(self, i: int, t: float) -> int:
        """Attempts a channel at ``t`` (inside slice ``i``) starts before the slice ends:
        ``#{j >= 0 : t + j T < end_i}``."""
        room = self.ends[i] - t
        if room <= 0:
            return 0
        return int((room - self.margin) // self.attempt) + 1

    def runs(self, start: float) -> Iterator[tuple[int, float, int]]:
        """The grid of a channel ready at ``start``: ``(slice, first attempt, attempts)``
        for each slice from the one containing or following ``start``."""
        t = start
        i = self.slice_from(t)
        while i < len(self.starts):
            t = max(t, self.starts[i])
            n = self.attempts_in(i, t)
            if n:
                yield i, t, n
                t = t + n * self.attempt
            i = max(i + 1, self.slice_from(t))

    def attempts_started(self, start: float, t: float) -> int:
        """Attempts a channel ready at ``start`` has started by ``t`` (inclusive)."""
        count = 0
        for _, first, n in self.runs(start):
            if first > t:
                break
            count += min(n, int((t - first) // self.attempt) + 1)
        return count


@dataclass(frozen=True)
class LinkSchedule:
    """Up slices of a link, each with its own success probability and pair state.

    Attributes
    ----------
    starts, ends
        Slice bounds in simulated seconds: sorted, ``0 <= start < end``, non-overlapping
        (``end_i <= start_{i+1}``).
    p_success
        Success probability per attempt in each slice, in ``[0, 1]``.
    states
        Bell vector of a pair heralded in each slice, shape ``(slices, 4)``, order
        (Phi+, Psi-, Psi+, Phi-).
    attempt
        Attempt period ``T`` (s).
    """

    starts: tuple[float, ...]
    ends: tuple[float, ...]
    p_success: tuple[float, ...]
    states: NDArray[np.float64] = field(repr=False)
    attempt: float

    def __post_init__(self) -> None:
        n = len(self.starts)
        if not (len(self.ends) == len(self.p_success) == n and self.states.shape == (n, 4)):
            raise ValueError("a schedule needs one end, one p_success and one Bell vector "
                             f"per slice: {n} starts, {len(self.ends)} ends, "
                             f"{len(self.p_success)} p_success, states {self.states.shape}")
        if not (self.attempt > 0 and math.isfinite(self.attempt)):
            raise ValueError(f"attempt period must be > 0, got {self.attempt!r}")
        for i in range(n):
            if not 0.0 <= self.starts[i] < self.ends[i] < math.inf:
                raise ValueError(f"slice {i}: needs 0 <= start < end, got "
                                 f"[{self.starts[i]!r}, {self.ends[i]!r})")
            if i and self.starts[i] < self.ends[i - 1]:
                raise ValueError(f"slice {i} starts at {self.starts[i]:g} s, before slice "
                                 f"{i - 1} ends ({self.ends[i - 1]:g} s): slices must be "
                                 "sorted and must not overlap")
            if not 0.0 <= self.p_success[i] <= 1.0:
                raise ValueError(f"slice {i}: p_success must be in [0, 1], got "
                                 f"{self.p_success[i]!r}")

    @classmethod
    def from_arrays(cls, starts: ArrayLike, ends: ArrayLike, p_success: ArrayLike,
                    states: ArrayLike, attempt: float) -> LinkSchedule:
        """A schedule from array-likes (slices with ``p_success = 0`` are kept: they count
        as up time with no success)."""
        begins = np.asarray(starts, dtype=np.float64).ravel()
        vectors = np.array(states, dtype=np.float64).reshape(begins.size, 4)
        vectors.flags.writeable = False
        return cls(tuple(begins.tolist()),
                   tuple(np.asarray(ends, dtype=np.float64).ravel().tolist()),
                   tuple(np.asarray(p_success, dtype=np.float64).ravel().tolist()), vectors,
                   float(attempt))

    @property
    def grid(self) -> ScheduleGrid:
        """The attempt grid in float seconds."""
        return ScheduleGrid(self.starts, self.ends, self.attempt, SLICE_MARGIN)

    def grid_ps(self, to_ps: Any) -> ScheduleGrid:
        """The attempt grid on an integer clock: ``to_ps`` converts seconds to ticks."""
        return ScheduleGrid(tuple(int(to_ps(x)) for x in self.starts),
                            tuple(int(to_ps(x)) for x in self.ends),
                            max(int(to_ps(self.attempt)), 1), 1)

    def __len__(self) -> int:
        return len(self.starts)

    def next_up(self, t: float) -> float | None:
        """The first time ``>= t`` (s) an attempt may start, ``None`` when no slice is left."""
        return self.grid.next_up(t)

    def is_up(self, t: float) -> bool:
        """Whether ``t`` lies in a slice."""
        i = self.grid.slice_from(t)
        return i < len(self.starts) and self.starts[i] <= t

    def up_time(self, begin: float, end: float) -> float:
        """Seconds the link is up within ``[begin, end)``."""
        return float(sum(max(0.0, min(e, end) - max(s, begin))
                         for s, e in zip(self.starts, self.ends)))

    def attempts_per_slice(self, start: float, end: float) -> NDArray[np.int64]:
        """Attempts an always-ready channel, ready at ``start``, starts in each slice before
        ``end`` (exclusive): the ``n_i`` of the module notes, cut at ``end``."""
        counts = np.zeros(len(self), dtype=np.int64)
        grid = self.grid
        for i, first, n in grid.runs(start):
            if first >= end:
                break
            counts[i] = min(n, int((end - first - SLICE_MARGIN) // self.attempt) + 1)
        return counts

    def expected_successes(self, start: float, end: float) -> tuple[float, NDArray[np.float64]]:
        """Expected successes ``sum_i n_i p_i`` of an always-ready channel over
        ``[start, end)`` and the expected successes per slice (module notes)."""
        per_slice = self.attempts_per_slice(start, end) * np.asarray(self.p_success)
        return float(per_slice.sum()), per_slice

    def mean_state(self, weights: NDArray[np.float64]) -> NDArray[np.float64]:
        """Bell vector averaged over slices with ``weights`` (expected successes per slice);
        the plain mean over the slices when every weight is zero, and the maximally mixed
        state for a schedule without slices (it never gives a pair)."""
        total = float(weights.sum())
        if not len(self):
            return np.full(4, 0.25)
        if total <= 0:
            return np.asarray(self.states.mean(axis=0), dtype=np.float64)
        return np.asarray(weights @ self.states / total, dtype=np.float64)

    def time_of_expected(self, start: float, count: float) -> float | None:
        """The time (s) at which the expected successes of an always-ready channel ready at
        ``start`` reach ``count`` (linear inside a slice), ``None`` if they never do: a
        fluid estimate of the ``count``-th success's time, not its mean."""
        reached = 0.0
        for i, first, n in self.grid.runs(start):
            gain = n * self.p_success[i]
            if reached + gain >= count and gain > 0:
                return first + (count - reached) / self.p_success[i] * self.attempt
            reached += gain
        return None
