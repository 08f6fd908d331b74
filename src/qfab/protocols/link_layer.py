"""Link layer: heralded entanglement generation on the channels of one link."""

from __future__ import annotations

from collections.abc import Callable, MutableSequence, Sequence

from qfab.hardware.link import HeraldedLink
from qfab.quantum.base import PairState
from qfab.sim.kernel import Simulation

__all__ = ["LinkLayer", "ScheduledLinkLayer", "WindowedLinkLayer", "HeraldHandler",
           "link_layer"]

#: Called with (link, channel, emission time in ps) when a herald reaches both ends.
HeraldHandler = Callable[[HeraldedLink, int, int], None]


class LinkLayer:
    """Attempts and heralds pairs on every channel of ``link``, driven by callbacks.

    A channel is idle until both of its slots are free and the link wants a pair from it
    (:meth:`kick` checks this whenever something changed). It then draws the number of
    attempts up to the next success, and the herald of the successful attempt arrives at
    the end of its period, ``herald_delay`` after emission; ``on_herald`` receives the pair.

    Parameters
    ----------
    sim
        The simulation.
    link
        The link whose channels it drives.
    on_herald
        Receives each heralded pair; it must occupy the channel's slots.

    Notes
    -----
    This is the hot path of every network simulation, so it is plain callbacks on the
    kernel rather than a generator process: one event per heralded pair.
    """

    __slots__ = ("sim", "link", "on_herald", "_pending", "_period", "_delay")

    def __init__(self, sim: Simulation, link: HeraldedLink, on_herald: HeraldHandler) -> None:
        self.sim = sim
        self.link = link
        self.on_herald = on_herald
        self._pending = [False] * len(link.slots)
        self._period = link.period_ps
        self._delay = link.herald_delay_ps

    def kick_all(self) -> None:
        """Start every channel that can attempt."""
        for channel in range(len(self._pending)):
            self.kick(channel)

    def _ready(self, channel: int) -> bool:
        """Whether ``channel`` is idle, its slots free and a pair wanted (the check of
        :meth:`kick`, which writes it out: a call per kick would cost every link)."""
        if self._pending[channel]:
            return False
        slot_a, slot_b = self.link.slots[channel]
        return not (slot_a.pair is not None or slot_a.blocked or slot_b.pair is not None
                    or slot_b.blocked or not self.link.wants_pairs(channel))

    def kick(self, channel: int) -> None:
        """Start ``channel``'s attempts if it is idle, its slots free and a pair wanted."""
        if self._pending[channel]:
            return
        link = self.link
        slot_a, slot_b = link.slots[channel]
        if slot_a.pair is not None or slot_a.blocked or slot_b.pair is not None or \
                slot_b.blocked or not link.wants_pairs(channel):
            return
        attempts = link.attempts_until_success()
        self._pending[channel] = True
        now = self.sim.now
        link.pending_since_ps[channel] = now
        self.sim.schedule(attempts * self._period, self._herald, channel, attempts)

    def _herald(self, channel: int, attempts: int) -> None:
        link = self.link
        self._pending[channel] = False
        link.pending_since_ps[channel] = None
        link.attempts += attempts
        link.successes += 1
        link.fidelity_sum += link.herald_fidelity
        self.on_herald(link, channel, self.sim.now - self._delay)
        if link.slots[channel][0].pair is None:  # not stored (characterization, cutoff)
            self.kick(channel)


class WindowedLinkLayer(LinkLayer):
    """The link layer of a link that is up only in windows.

    A channel that becomes ready draws the number of attempts up to the next success as
    before, and :meth:`~qfab.linkwindows.AttemptWindows.attempt_start` places the successful
    one on the windows' attempt grid: attempts are made only if they start while the link is
    up (a channel ready while the link is down waits for the next window), and the herald
    arrives one attempt period after that attempt started. Pairs already in memory are not
    affected by the windows. The attempt counter counts attempts made.
    """

    __slots__ = ("_windows",)

    def __init__(self, sim: Simulation, link: HeraldedLink, on_herald: HeraldHandler) -> None:
        super().__init__(sim, link, on_herald)
        assert link.windows_ps is not None
        self._windows = link.windows_ps

    def kick(self, channel: int) -> None:
        """Start ``channel``'s attempts if it is idle, its slots free and a pair wanted."""
        if not self._ready(channel):
            return
        link = self.link
        attempts = link.attempts_until_success()
        self._pending[channel] = True
        now = self.sim.now
        link.pending_since_ps[channel] = now
        herald = self._windows.attempt_start(now, attempts) + self._period
        self.sim.schedule(herald - now, self._herald, channel, attempts)


class ScheduledLinkLayer(LinkLayer):
    """The link layer of a link with a schedule of up slices (:mod:`qfab.linkschedule`).

    A channel that becomes ready walks the slices from its ready time: in each it draws the
    number of attempts up to the next success, geometric with that slice's success
    probability; a draw beyond the attempts the slice still holds means no success there,
    and the next slice draws afresh (the trials are memoryless). One draw per slice crossed
    and one event per success. The herald arrives one attempt period after the successful
    attempt started; the pair has its slice's state (set in ``emitted``, the states the
    heralds handler reads, just before it runs) and the link's fidelity sum takes that
    slice's herald fidelity. A channel with no success before the last slice ends stays
    pending and never heralds. The attempt counter counts attempts made.

    Parameters
    ----------
    sim, link, on_herald
        As for :class:`LinkLayer`; ``link`` has a schedule.
    states
        The pair state of each slice.
    fidelities
        The herald fidelity of each slice.
    emitted
        The list of each link's fresh pair state that ``on_herald`` reads; this layer writes
        its link's entry before each herald.
    """

    __slots__ = ("_grid", "_p", "_states", "_fidelities", "_emitted", "_slice")

    def __init__(self, sim: Simulation, link: HeraldedLink, on_herald: HeraldHandler, *,
                 states: Sequence[PairState], fidelities: Sequence[float],
                 emitted: MutableSequence[PairState]) -> None:
        super().__init__(sim, link, on_herald)
        assert link.schedule is not None and link.schedule_ps is not None
        self._grid = link.schedule_ps
        self._p = link.schedule.p_success
        self._states = states
        self._fidelities = fidelities
        self._emitted = emitted
        self._slice = [0] * len(link.slots)

    def kick(self, channel: int) -> None:
        """Start ``channel``'s attempts if it is idle, its slots free and a pair wanted."""
        if not self._ready(channel):
            return
        link = self.link
        self._pending[channel] = True
        now = self.sim.now
        link.pending_since_ps[channel] = now
        rng = link.rng
        made = 0
        for index, first, room in self._grid.runs(now):
            p = self._p[index]
            draw = int(rng.geometric(p)) if p > 0.0 else room + 1
            if draw <= room:
                self._slice[channel] = index
                herald = first + (draw - 1) * self._period + self._period
                self.sim.schedule(int(herald - now), self._herald, channel, made + draw)
                return
            made += room
        # no success before the last slice ends: the channel stays pending, never heralds

    def _herald(self, channel: int, attempts: int) -> None:
        index = self._slice[channel]
        self.link.herald_fidelity = self._fidelities[index]
        self._emitted[self.link.index] = self._states[index]
        super()._herald(channel, attempts)


def link_layer(sim: Simulation, link: HeraldedLink, on_herald: HeraldHandler, *,
               states: Sequence[PairState] = (), fidelities: Sequence[float] = (),
               emitted: MutableSequence[PairState] | None = None) -> LinkLayer:
    """The link layer for ``link``: windowed when the link has up windows, scheduled when it
    has a schedule (then ``states``, ``fidelities`` and ``emitted`` are
    :class:`ScheduledLinkLayer`'s)."""
    if link.schedule_ps is not None:
        assert emitted is not None
        return ScheduledLinkLayer(sim, link, on_herald, states=states, fidelities=fidelities,
                                  emitted=emitted)
    if link.windows_ps is None:
        return LinkLayer(sim, link, on_herald)
    return WindowedLinkLayer(sim, link, on_herald)
