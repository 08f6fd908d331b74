"""The attempt grid of a link that is up only in periodic windows.

A link with an availability schedule is up at time ``t`` when
``(t - offset) mod period < up``. A channel ready to attempt at ``s`` makes its first
attempt at the first time ``>= s`` the link is up; after an attempt that started at ``a`` the
next one starts at ``a + T`` (``T`` the attempt period) if that is still inside the window,
otherwise at the opening of the next window. An attempt is made only if it *starts* while the
link is up; one started just before the window closes runs to its end and its herald counts.
The schedule keeps the link down for at least ``T`` between windows (checked by the spec), so
an attempt never runs into the next window and every later window's attempts start at its
opening: ``n = ceil(up / T)`` of them per window (the ``i``-th at ``open + i T`` for
``i T < up``).

Derivation of the attempt-to-time map used by every engine. Let the channel be ready at ``s``,
``phase = (s - offset) mod period``. If ``phase < up`` the first attempt is at ``a1 = s`` in
the window that opened at ``o = s - phase``, otherwise at ``a1 = o = s - phase + period``.
The first window holds ``room = #{i >= 0 : a1 - o + i T < up}`` attempts; the ``k``-th attempt
(``k >= 1``) then starts at

* ``a1 + (k - 1) T`` for ``k <= room``;
* ``o + period (1 + j // n) + (j mod n) T`` with ``j = k - room - 1`` beyond.

Its inverse counts the attempts started by ``t``. A channel that restarts at each herald
(always ready) makes the attempts of this one sequence, so its successes are the ``K``-th,
``K = G_1 + ... + G_m`` attempts for geometric ``G`` (Bernoulli trials on a deterministic
grid), and the long-run attempt rate is ``n / period``.

The functions are written once and evaluated either on Python ``int`` picoseconds (the event
simulation: exact) or on arrays of float seconds (the fast engine), through a namespace with
NumPy's ``where`` and ``minimum`` (:data:`SCALAR` for plain numbers). Counting ``i T < x`` uses
``(x - margin) // T + 1``: exact with ``margin = 1`` on integers, and with half a picosecond on
float seconds it gives the same answer as the integer clock for times on that clock's grid.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

__all__ = ["FLOAT_MARGIN", "SCALAR", "AttemptWindows"]

#: Half a picosecond: the ``margin`` of float-seconds windows (see the module notes).
FLOAT_MARGIN = 0.5e-12


class _ScalarOps:
    """``where`` and ``minimum`` on plain Python numbers (NumPy's semantics)."""

    @staticmethod
    def where(condition: Any, if_true: Any, if_false: Any) -> Any:
        return if_true if condition else if_false

    @staticmethod
    def minimum(a: Any, b: Any) -> Any:
        return min(a, b)


#: Namespace for evaluating :class:`AttemptWindows` on Python numbers.
SCALAR = _ScalarOps()


@dataclass(frozen=True)
class AttemptWindows:
    """Periodic up windows and the grid of attempts a link makes in them.

    All times in one unit: float seconds or integer picoseconds.

    Attributes
    ----------
    period, up, offset
        The schedule: up on ``[offset + m period, offset + m period + up)`` for every integer
        ``m``; ``0 < up < period``, ``0 <= offset < period``.
    attempt
        Attempt period ``T`` (``<= period - up``).
    margin
        Resolution guard for counting: ``1`` on integer picoseconds, :data:`FLOAT_MARGIN` on
        float seconds.
    """

    period: Any
    up: Any
    offset: Any
    attempt: Any
    margin: Any = FLOAT_MARGIN

    def _count_below(self, x: Any) -> Any:
        """``#{i >= 0 : i T < x}`` for ``0 < x``."""
        return (x - self.margin) // self.attempt + 1

    @property
    def per_window(self) -> Any:
        """Attempts that start in one window from its opening: ``ceil(up / T)``."""
        return self._count_below(self.up)

    @property
    def attempt_rate(self) -> float:
        """Long-run attempts per unit time of an always-ready channel: ``n / period``."""
        return float(self.per_window) / float(self.period)

    def is_up(self, t: Any) -> Any:
        """Whether the link is up at ``t``."""
        return (t - self.offset) % self.period < self.up

    def next_up(self, t: Any, xp: Any = SCALAR) -> Any:
        """The first time ``>= t`` at which the link is up."""
        phase = (t - self.offset) % self.period
        return xp.where(phase < self.up, t, t - phase + self.period)

    def windows(self, start: Any) -> Iterator[tuple[Any, Any]]:
        """The up windows ``(open, close)`` from the one containing or following ``start``."""
        phase = (start - self.offset) % self.period
        opening = start - phase if phase < self.up else start - phase + self.period
        while True:
            yield opening, opening + self.up
            opening = opening + self.period

    def _first(self, start: Any, xp: Any) -> tuple[Any, Any, Any]:
        """First attempt, opening of its window and attempts that window still holds."""
        phase = (start - self.offset) % self.period
        up_now = phase < self.up
        opening = xp.where(up_now, start - phase, start - phase + self.period)
        first = xp.where(up_now, start, opening)
        room = self._count_below(self.up - (first - opening))
        return first, opening, room

    def attempt_start(self, start: Any, k: Any, xp: Any = SCALAR) -> Any:
        """Start of the ``k``-th attempt (``k >= 1``) of a channel ready at ``start``."""
        first, opening, room = self._first(start, xp)
        n = self.per_window
        j = xp.where(k > room, k - room - 1, 0)
        later = opening + self.period * (1 + j // n) + (j % n) * self.attempt
        return xp.where(k <= room, first + (k - 1) * self.attempt, later)

    def attempts_started(self, start: Any, t: Any, xp: Any = SCALAR) -> Any:
        """Attempts a channel ready at ``start`` has started by ``t`` (inclusive)."""
        first, opening, room = self._first(start, xp)
        n = self.per_window
        since = xp.where(t >= first, t - opening, 0)
        cycles = since // self.period
        into = since % self.period
        in_first = xp.minimum(room, (t - first) // self.attempt + 1)
        in_last = xp.minimum(n, into // self.attempt + 1)
        counted = xp.where(cycles == 0, in_first, room + (cycles - 1) * n + in_last)
        return xp.where(t >= first, counted, 0)

    def mean_success_start(self, start: float, successes: int, p: float) -> float:
        """Expected start (s) of the attempt that makes the ``successes``-th success of a
        channel ready at ``start`` that restarts at each herald, attempts succeeding
        independently with probability ``p``.

        The successful attempt is the ``K``-th, ``K`` negative binomial (trials up to the
        ``N``-th success, ``E[K] = N / p``). Writing the map of :meth:`attempt_start` as
        ``f(k) = a1 + (k - 1) T + g1 [k > room] + g (c(k) - 1)^+``, with ``g1`` the gap from
        the end of the first window's last attempt to the next opening, ``g = period - n T``
        the gap after every full window and ``c(k) - 1 >= m`` exactly when ``k > room + m n``,
        linearity and the tail-sum formula give (float seconds only)

        ``E[f(K)] = a1 + (N / p - 1) T + g1 P(K > room) + g sum_{m >= 1} P(K > room + m n)``,

        with ``P(K > x) = P(Binomial(x, p) <= N - 1)``; the sum runs until its terms are below
        ``1e-18`` of the total (a negative-binomial tail beyond ``N/p`` plus 40 standard
        deviations is far smaller).
        """
        from scipy.stats import nbinom  # a slow import, needed only here

        first, opening, room = self._first(start, SCALAR)
        n = int(self.per_window)
        room = int(room)
        gap_first = (opening + self.period) - (first + room * self.attempt)
        gap = self.period - n * self.attempt

        def tail(x: Any) -> NDArray[np.float64]:
            """P(K > x): more than ``x - N`` failures before the N-th success."""
            return np.asarray(nbinom.sf(x - successes, successes, p), dtype=np.float64)

        mean = successes / p
        spread = math.sqrt(successes * (1 - p)) / p
        last = math.ceil((mean + 40 * spread + successes - room) / n) + 1
        windows = np.arange(1, max(last, 1) + 1, dtype=np.float64)
        total = (first + (mean - 1) * self.attempt + gap_first * float(tail(np.float64(room)))
                 + gap * float(tail(room + windows * n).sum()))
        return float(total)
