"""The discrete-event kernel: a clock, a heap of scheduled callbacks and a run loop.

A :class:`Simulation` keeps its clock as an integer number of picoseconds and its
pending events in a binary heap keyed by ``(time, sequence)``. The sequence number
grows with every call to :meth:`Simulation.schedule`, so events due at the same
time run in the order they were scheduled (FIFO) and every run is deterministic.
Cancellation is lazy: :meth:`ScheduledEvent.cancel` only marks the event, and the
run loop drops it when it reaches the top of the heap, so cancelling never scans
the heap.

All state lives on the :class:`Simulation` object; any number of simulations can
exist and run side by side in one process.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Generator
from heapq import heappop, heappush
from typing import Any, SupportsIndex, TypeVar

from .event import ScheduledEvent
from .process import Process, Signal, any_of

__all__ = ["ScheduledEvent", "Simulation"]

_T = TypeVar("_T")

# Sequence numbers of the internal entries that end a run. Entries that end a
# ``run(until=...)`` sort after every ordinary event due at ``until`` (ordinary
# sequence numbers never reach 2**62); entries that end a run after ``stop()``
# have negative sequence numbers and so sort before every ordinary event due
# now. Each such entry gets its own sequence number, so no two heap keys are
# ever equal and the heap never compares two events.
_UNTIL_SEQ_BASE = 1 << 62


class _StopRun(Exception):
    """Raised by the internal entry that ends a run; never escapes :meth:`Simulation.run`."""


def _as_ps(value: object, what: str) -> int:
    """Return ``value`` as an ``int`` of picoseconds, or raise ``TypeError``.

    Accepts ``int`` and integer-like objects (``numpy.int64``, anything with
    ``__index__``); rejects ``bool``, ``float`` and everything else.
    """
    if type(value) is int:
        return value
    if isinstance(value, bool) or not isinstance(value, SupportsIndex):
        raise TypeError(
            f"{what} must be an int number of picoseconds, got {type(value).__name__} {value!r}"
            " (convert seconds with qfab.sim.seconds_to_ps)"
        )
    return operator.index(value)


class Simulation:
    """An event-driven simulation with an integer-picosecond clock.

    Parameters
    ----------
    start : int, optional
        Initial value of the clock, in ps (default 0).

    Examples
    --------
    >>> sim = Simulation()
    >>> log = []
    >>> _ = sim.schedule(5_000, log.append, "b")
    >>> _ = sim.schedule(1_000, log.append, "a")
    >>> sim.run()
    >>> log, sim.now, sim.events_processed
    (['a', 'b'], 5000, 2)

    A process is a generator that yields delays (``int``, in ps) or signals:

    >>> def blink(sim, times):
    ...     for _ in range(3):
    ...         yield 2_000
    ...         times.append(sim.now)
    ...     return "done"
    >>> sim = Simulation()
    >>> times = []
    >>> p = sim.process(blink(sim, times))
    >>> sim.run()
    >>> times, p.value
    ([2000, 4000, 6000], 'done')
    """

    __slots__ = ("_heap", "_n_internal", "_now", "_running", "_seq", "_skipped", "_stop_entry")

    def __init__(self, *, start: int = 0) -> None:
        start = _as_ps(start, "start")
        if start < 0:
            raise ValueError(f"start must be >= 0 ps, got {start}")
        self._now: int = start
        # Entries are (time, seq, event); seq is unique, so events never compare.
        self._heap: list[tuple[int, int, ScheduledEvent]] = []
        self._seq: int = 0  # next sequence number = ordinary events scheduled so far
        self._n_internal: int = 0  # run-ending entries pushed so far
        self._skipped: int = 0  # popped entries that ran no user callback
        self._running: bool = False
        self._stop_entry: ScheduledEvent | None = None

    # ------------------------------------------------------------------ clock

    @property
    def now(self) -> int:
        """Current simulated time, in ps (``int``)."""
        return self._now

    @property
    def events_processed(self) -> int:
        """Number of callbacks run so far (cancelled events are not counted).

        Includes the callback running now, when read from inside one.
        """
        # Every entry ever pushed is either still in the heap, was skipped
        # (cancelled, or internal), or ran a callback.
        return self._seq + self._n_internal - len(self._heap) - self._skipped

    @property
    def running(self) -> bool:
        """Whether :meth:`run` is executing."""
        return self._running

    # ------------------------------------------------------------- scheduling

    def schedule(self, delay: int, callback: Callable[..., object], *args: Any) -> ScheduledEvent:
        """Schedule ``callback(*args)`` to run ``delay`` ps from now.

        Parameters
        ----------
        delay : int
            Delay in ps, ``>= 0``. Zero runs the callback at the current time,
            after every event already scheduled for the current time.
        callback : callable
            Called as ``callback(*args)``; its return value is ignored.
        *args
            Positional arguments for ``callback``.

        Returns
        -------
        ScheduledEvent
            A handle whose :meth:`~ScheduledEvent.cancel` withdraws the callback.

        Raises
        ------
        TypeError
            If ``delay`` is not an integer (floats are rejected: convert seconds
            with :func:`qfab.sim.seconds_to_ps`).
        ValueError
            If ``delay`` is negative.
        """
        if type(delay) is not int:
            delay = _as_ps(delay, "delay")
        if delay < 0:
            raise ValueError(f"delay must be >= 0 ps, got {delay}")
        time = self._now + delay
        return self._push(time, callback, args)

    def schedule_at(self, time: int, callback: Callable[..., object], *args: Any) -> ScheduledEvent:
        """Schedule ``callback(*args)`` to run at absolute time ``time``.

        Parameters
        ----------
        time : int
            Absolute simulated time in ps, ``>= now``.
        callback : callable
            Called as ``callback(*args)``; its return value is ignored.
        *args
            Positional arguments for ``callback``.

        Returns
        -------
        ScheduledEvent
            A handle whose :meth:`~ScheduledEvent.cancel` withdraws the callback.

        Raises
        ------
        TypeError
            If ``time`` is not an integer.
        ValueError
            If ``time`` is in the past (``time < now``).
        """
        if type(time) is not int:
            time = _as_ps(time, "time")
        if time < self._now:
            raise ValueError(f"cannot schedule at t={time} ps, before now={self._now} ps")
        return self._push(time, callback, args)

    def _push(self, time: int, callback: Callable[..., object],
              args: tuple[Any, ...]) -> ScheduledEvent:
        event = ScheduledEvent()
        event._time = time
        event._callback = callback
        event._args = args
        seq = self._seq
        self._seq = seq + 1
        heappush(self._heap, (time, seq, event))
        return event

    # ---------------------------------------------------------------- running

    def run(self, until: int | None = None, *, stop_when_idle: bool = False) -> None:
        """Run events in time order.

        Parameters
        ----------
        until : int, optional
            Absolute time in ps, ``>= now``. Events due at or before ``until``
            run (including those due exactly at ``until``, and those they
            schedule for ``until``); later events stay pending and the clock is
            left at ``until``. Without ``until``, runs until no event is left
            and leaves the clock at the time of the last event.
        stop_when_idle : bool, optional
            With ``until``: if no event is pending any more when ``until`` is
            reached (the queue ran dry before it), leave the clock at the time
            of the last event instead of ``until``, so that :attr:`idle` and
            :attr:`now` tell when the simulation ran out of work. The check is
            made once, when ``until`` is reached: it costs nothing per event.

        Raises
        ------
        RuntimeError
            If called from inside a callback of this simulation (``run`` is not
            re-entrant).
        ValueError
            If ``until`` is in the past.
        Exception
            Whatever a callback raises propagates unchanged; the failed event
            counts as processed, and the simulation can be run again.

        Notes
        -----
        :meth:`stop`, called from a callback, ends the run after that callback
        and leaves the clock at the current time.
        """
        if self._running:
            raise RuntimeError("Simulation.run() is not re-entrant: it was called from a callback")
        heap = self._heap
        until_entry: ScheduledEvent | None = None
        if until is not None:
            until = _as_ps(until, "until")
            if until < self._now:
                raise ValueError(f"until={until} ps is before now={self._now} ps")
            # A run-ending entry after every ordinary event due at `until`
            # keeps the time comparison out of the loop below.
            until_entry = self._push_internal(until, _UNTIL_SEQ_BASE + self._n_internal)
            if stop_when_idle:
                # Reached with a None callback (like a cancelled event), so that the clock
                # still holds the time of the last event when the loop gets to it.
                until_entry._callback = None
        self._running = True
        pop = heappop
        try:
            while heap:
                time, _, event = pop(heap)
                callback = event._callback
                if callback is None:
                    self._skipped += 1
                    if event is until_entry:
                        until_entry = None
                        if not self.idle:
                            self._now = time
                        break
                    continue
                self._now = time
                callback(*event._args)
        except _StopRun:
            self._skipped += 1
        finally:
            self._running = False
            # Retire run-ending entries still in the heap, lazily like any
            # cancelled event, so that they cannot end a later run.
            if until_entry is not None:
                until_entry._callback = None
            if self._stop_entry is not None:
                self._stop_entry._callback = None
                self._stop_entry = None

    @property
    def idle(self) -> bool:
        """Whether no event is pending (cancelled events and the entries that end runs do not
        count).

        Looks at every pending entry: meant for checks at the end of a run, not per event.
        """
        return all(event._callback is None or event._callback is _raise_stop_run
                   for _, _, event in self._heap)

    def stop(self) -> None:
        """End the current run after the callback that is running now.

        Pending events stay scheduled; a later :meth:`run` continues with them.
        Calling it more than once in the same callback is harmless.

        Raises
        ------
        RuntimeError
            If the simulation is not running.
        """
        if not self._running:
            raise RuntimeError("Simulation.stop() called while the simulation is not running")
        if self._stop_entry is None:
            self._stop_entry = self._push_internal(self._now, -1 - self._n_internal)

    def _push_internal(self, time: int, seq: int) -> ScheduledEvent:
        """Push an entry that ends the run when the loop reaches it."""
        entry = ScheduledEvent()
        entry._time = time
        entry._callback = _raise_stop_run
        entry._args = ()
        self._n_internal += 1
        heappush(self._heap, (time, seq, entry))
        return entry

    # -------------------------------------------------------------- processes

    def signal(self) -> Signal[Any]:
        """Create a one-shot :class:`~qfab.sim.process.Signal` of this simulation."""
        return Signal(self)

    def process(
        self, generator: Generator[Any, Any, _T], *, name: str | None = None
    ) -> Process[_T]:
        """Start a generator as a :class:`~qfab.sim.process.Process`.

        Parameters
        ----------
        generator : generator
            The process body, already created (``sim.process(body(sim))``). It
            first runs at the current time, after the events already scheduled
            for it.
        name : str, optional
            Name used in error messages; defaults to the generator's name.

        Returns
        -------
        Process
            A signal that succeeds with the generator's return value.
        """
        return Process(self, generator, name=name)

    def any_of(self, *signals: Signal[Any]) -> Signal[Signal[Any]]:
        """Create a signal that succeeds when the first of ``signals`` does.

        See :func:`qfab.sim.process.any_of`.
        """
        return any_of(self, *signals)

    def timeout(self, delay: int, value: Any = None) -> Signal[Any]:
        """Create a signal that succeeds with ``value`` after ``delay`` ps.

        Useful with :meth:`any_of` to bound a wait (``yield sim.any_of(herald,
        sim.timeout(cutoff))``). A plain wait is simply ``yield delay``.
        """
        signal: Signal[Any] = Signal(self)
        self.schedule(delay, signal.succeed, value)
        return signal

    def __repr__(self) -> str:
        return f"<Simulation now={self._now} ps pending={len(self._heap)}>"


def _raise_stop_run() -> None:
    raise _StopRun
