"""A heralded link as a simulation component: channels, attempts, and statistics."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from qfab.hardware.qnode import Slot
from qfab.linkschedule import LinkSchedule, ScheduleGrid
from qfab.linkwindows import AttemptWindows
from qfab.sim.time import seconds_to_ps

__all__ = ["HeraldedLink"]


class HeraldedLink:
    """A link that heralds pairs with a fixed per-attempt success probability.

    Channel ``j`` attempts with slot ``j`` of each end; it waits while either slot is busy
    or while nobody wants a pair from that channel. Requests ask for pairs per channel
    (lane): a request whose end-to-end pair was made in lane ``j`` owes each link on its path
    one more pair in lane ``j``, so a lane never runs ahead of itself.

    Parameters
    ----------
    index
        Position of the link in the scenario.
    slots
        For each channel, the slots it uses at the two ends.
    p_success
        Success probability of one attempt.
    period
        Attempt period in seconds.
    herald_delay
        Seconds from emission until both ends hold the herald.
    rng
        The link's own random stream, or a function that makes it (called at the first
        draw: a link that never attempts costs no generator).
    windows
        The link's up windows in seconds (see :mod:`qfab.linkwindows`), or ``None`` when it
        is always up; kept here in integer picoseconds as :attr:`windows_ps`.
    herald_fidelity
        Fidelity of a pair at its herald (summed into ``fidelity_sum`` per success).
    schedule
        The link's up slices with their own success probability (see
        :mod:`qfab.linkschedule`), or ``None``; its attempt grid is kept in integer
        picoseconds as :attr:`schedule_ps` (``p_success`` is then unused).

    Notes
    -----
    Attempts are independent Bernoulli trials, so the number of attempts up to and including
    the first success is geometric; a channel draws it once and waits that many periods
    instead of simulating each failed attempt as an event.
    """

    __slots__ = ("index", "slots", "between", "p_success", "period_ps", "herald_delay_ps",
                 "_rng", "herald_fidelity", "windows_ps", "credits", "buffer", "attempts",
                 "successes", "fidelity_sum", "consumed", "hits", "pending_since_ps",
                 "_stored", "_stored_offset_ps", "_draws", "schedule", "schedule_ps")

    def __init__(self, index: int, slots: list[tuple[Slot, Slot]], *,
                 p_success: float, period: float, herald_delay: float,
                 rng: np.random.Generator | Callable[[], np.random.Generator],
                 windows: AttemptWindows | None = None,
                 herald_fidelity: float = 0.0,
                 schedule: LinkSchedule | None = None) -> None:
        self.index = index
        self.slots = slots
        self.between = (slots[0][0].node.name, slots[0][1].node.name)
        self.p_success = p_success
        self.period_ps = seconds_to_ps(period)
        self.herald_delay_ps = seconds_to_ps(herald_delay)
        self._rng = rng
        self.herald_fidelity = herald_fidelity
        self.windows_ps = None if windows is None else AttemptWindows(
            seconds_to_ps(windows.period), seconds_to_ps(windows.up),
            seconds_to_ps(windows.offset), self.period_ps, margin=1)
        self.schedule = schedule
        self.schedule_ps: ScheduleGrid | None = None if schedule is None else \
            schedule.grid_ps(seconds_to_ps)
        #: For each channel, the pairs each request still needs from it.
        self.credits: list[dict[int, int]] = [{} for _ in slots]
        self.buffer = 0
        self.attempts = 0
        self.successes = 0
        self.fidelity_sum = 0.0
        self.consumed = 0
        self.hits = 0
        #: Start of each channel's current round of attempts (ps), None when idle.
        self.pending_since_ps: list[int | None] = [None] * len(slots)
        self._stored = 0
        self._stored_offset_ps = 0
        self._draws: list[int] = []

    @property
    def rng(self) -> np.random.Generator:
        """The link's random stream (made at first use when given as a function)."""
        rng = self._rng
        if not isinstance(rng, np.random.Generator):
            rng = self._rng = rng()
        return rng

    def wants_pairs(self, channel: int) -> bool:
        """Whether ``channel`` should attempt: a request needs a pair, or the buffer has room."""
        return channel < self.buffer or any(self.credits[channel].values())

    def grant(self, request: int, channel: int, count: int = 1) -> None:
        """``request`` needs ``count`` more pairs from ``channel``."""
        credits = self.credits[channel]
        credits[request] = credits.get(request, 0) + count

    def take_credit(self, channel: int, order: list[int]) -> int | None:
        """Charge a pair heralded on ``channel`` to the first request in ``order`` that asked."""
        credits = self.credits[channel]
        for request in order:
            if credits.get(request, 0) > 0:
                credits[request] -= 1
                return request
        return None

    def revoke(self, request: int) -> None:
        """``request`` needs nothing more from this link."""
        for credits in self.credits:
            credits.pop(request, None)

    def attempts_until_success(self) -> int:
        """Draw the number of attempts up to and including the next success (>= 1)."""
        if self.p_success <= 0.0:
            return 2**62 // max(self.period_ps, 1)
        if not self._draws:
            self._draws = self.rng.geometric(self.p_success, size=256).tolist()[::-1]
        return self._draws.pop()

    def attempts_until(self, now_ps: int) -> int:
        """Attempts counted so far: completed rounds plus the finished attempts of unfinished
        ones (with windows, only attempts made while the link was up)."""
        period = max(self.period_ps, 1)
        grid = self.schedule_ps
        if grid is not None:
            return self.attempts + sum(grid.attempts_started(start, now_ps - period)
                                       for start in self.pending_since_ps
                                       if start is not None and now_ps >= start + period)
        windows = self.windows_ps
        if windows is not None:
            return self.attempts + sum(int(windows.attempts_started(start, now_ps - period))
                                       for start in self.pending_since_ps
                                       if start is not None and now_ps >= start + period)
        return self.attempts + sum((now_ps - start) // period
                                   for start in self.pending_since_ps if start is not None)

    def stored_changed(self, delta: int, now_ps: int) -> None:
        """Count fresh link pairs entering (+1) or leaving (-1) the ends' memories."""
        self._stored += delta
        self._stored_offset_ps -= delta * now_ps  # sum of held times = stored * now + offset

    def stored_left(self, now_ps: int, used: bool, hit: bool) -> None:
        """A fresh link pair left the ends' memories at ``now_ps``.

        ``used``: a request consumed it (rather than a cutoff); ``hit``: it had been
        heralded before that request was made (it came from the buffer).
        """
        self._stored -= 1
        self._stored_offset_ps += now_ps
        if used:
            self.consumed += 1
            if hit:
                self.hits += 1

    def mean_stored(self, now_ps: int) -> float:
        """Time-averaged number of fresh link pairs held in memory."""
        if now_ps <= 0:
            return 0.0
        return (self._stored_offset_ps + self._stored * now_ps) / now_ps
