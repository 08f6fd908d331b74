"""Signals and generator processes on top of the event kernel.

A :class:`Signal` is a one-shot event that callbacks and processes can wait on. A
:class:`Process` runs a generator: the generator yields an ``int`` to sleep that
many picoseconds, or a :class:`Signal` to wait for it (the ``yield`` expression
then evaluates to the signal's value). A process is itself a signal that
succeeds with the generator's return value, so processes can wait for each
other. Protocol code written this way reads top to bottom like the protocol's
description::

    def herald(sim, link):
        while True:
            yield link.cycle_time
            if link.attempt():
                return sim.now

Every wake-up goes through :meth:`Simulation.schedule`, so waiters resume in
FIFO order at the time the signal succeeds, and runs are deterministic.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Generator
from heapq import heappush
from typing import TYPE_CHECKING, Any, Generic, SupportsIndex, TypeVar

from .event import ScheduledEvent

if TYPE_CHECKING:
    from .kernel import Simulation

__all__ = ["Interrupt", "Process", "Signal", "any_of"]

_T = TypeVar("_T")

# Marks a value that is not available yet (a signal that has not succeeded).
_PENDING: Any = object()


class Interrupt(Exception):
    """Thrown into a process's generator by :meth:`Process.interrupt`.

    Parameters
    ----------
    cause : object
        Whatever the interrupter passed; available as :attr:`cause`.
    """

    def __init__(self, cause: object = None) -> None:
        super().__init__(cause)

    @property
    def cause(self) -> object:
        """The object passed to :meth:`Process.interrupt`."""
        return self.args[0]


class Signal(Generic[_T]):
    """A one-shot event: it succeeds once, with a value, and wakes its waiters.

    Parameters
    ----------
    sim : Simulation
        The simulation whose clock the signal belongs to. Usually created with
        :meth:`Simulation.signal`.

    Notes
    -----
    Waiters (processes that yielded the signal, and internal callbacks) resume at
    the time :meth:`succeed` is called, in the order they started waiting, in one
    event scheduled with delay 0. A process that yields a signal which has
    already succeeded resumes at the current time, with its value.
    """

    __slots__ = ("_callbacks", "_sim", "_value")

    def __init__(self, sim: Simulation) -> None:
        self._sim = sim
        # Waiting callbacks, each called as callback(signal). None once the
        # signal has succeeded and its waiters have been woken.
        self._callbacks: list[Callable[[Signal[Any]], object]] | None = []
        self._value: _T = _PENDING

    @property
    def sim(self) -> Simulation:
        """The simulation this signal belongs to."""
        return self._sim

    @property
    def triggered(self) -> bool:
        """Whether :meth:`succeed` has been called."""
        return self._value is not _PENDING

    @property
    def value(self) -> _T:
        """The value passed to :meth:`succeed`.

        Raises
        ------
        RuntimeError
            If the signal has not succeeded yet.
        """
        if self._value is _PENDING:
            raise RuntimeError(f"{self!r} has not succeeded yet: it has no value")
        return self._value

    def succeed(self, value: _T = None) -> None:  # type: ignore[assignment]
        """Trigger the signal with ``value`` and wake its waiters.

        Waiters resume at the current time, in FIFO order, through one event
        scheduled with delay 0 (so not inside this call).

        Parameters
        ----------
        value : object, optional
            The signal's value (default ``None``).

        Raises
        ------
        RuntimeError
            If the signal has already succeeded.
        """
        if self._value is not _PENDING:
            raise RuntimeError(f"{self!r} has already succeeded; a signal succeeds once")
        self._value = value
        if self._callbacks:
            self._sim.schedule(0, self._wake)
        else:
            self._callbacks = None

    def _wake(self) -> None:
        callbacks = self._callbacks
        self._callbacks = None
        if callbacks:
            for callback in callbacks:
                callback(self)

    def _add_callback(self, callback: Callable[[Signal[Any]], object]) -> None:
        """Call ``callback(self)`` once the signal has succeeded (never synchronously)."""
        callbacks = self._callbacks
        if callbacks is None:
            self._sim.schedule(0, callback, self)
        else:
            callbacks.append(callback)

    def _remove_callback(self, callback: Callable[[Signal[Any]], object]) -> None:
        """Withdraw a callback added with :meth:`_add_callback`, if still pending."""
        callbacks = self._callbacks
        if callbacks:
            try:
                callbacks.remove(callback)
            except ValueError:
                pass

    def __repr__(self) -> str:
        state = "pending" if self._value is _PENDING else f"value={self._value!r}"
        return f"<{type(self).__name__} {state}>"


class Process(Signal[_T]):
    """A generator run by the simulation; a signal that succeeds with its return value.

    Parameters
    ----------
    sim : Simulation
        The simulation that runs the process. Usually created with
        :meth:`Simulation.process`.
    generator : generator
        The process body. It may yield:

        * an ``int`` ``d >= 0``: resume ``d`` ps later (``yield 5_000``); the
          ``yield`` expression evaluates to ``None``;
        * a :class:`Signal` of the same simulation (including another
          :class:`Process` or the result of :meth:`Simulation.any_of`): resume
          when it succeeds; the ``yield`` expression evaluates to its value.

        Yielding anything else throws a ``TypeError`` (a negative delay, a
        ``ValueError``) into the generator at the ``yield``.
    name : str, optional
        Name used in error messages; defaults to the generator's qualified name.

    Notes
    -----
    The generator first runs at the time the process is created, after the events
    already scheduled for that time. An exception the generator does not handle
    propagates out of :meth:`Simulation.run`; the process is then dead and never
    succeeds.
    """

    __slots__ = ("_cancelled", "_generator", "_name", "_on_signal_cb", "_target", "_waker")

    def __init__(
        self, sim: Simulation, generator: Generator[Any, Any, _T], *, name: str | None = None
    ) -> None:
        if not (hasattr(generator, "send") and hasattr(generator, "throw")):
            raise TypeError(
                "a process needs a generator (call the generator function:"
                f" sim.process(body(...))), got {type(generator).__name__}"
            )
        super().__init__(sim)
        self._generator: Generator[Any, Any, _T] | None = generator
        self._name: str = (
            name if name is not None else getattr(generator, "__qualname__", "process")
        )
        self._cancelled = False
        self._on_signal_cb = self._on_signal  # cached: added to a signal on every wait
        # The process's wake-up event. A process sleeps on at most one event at a
        # time, so this one object is pushed back onto the heap for every
        # ``yield delay``; it is replaced only when a pending wake-up has to be
        # withdrawn (see _detach). It first starts the generator.
        self._waker: ScheduledEvent = sim.schedule(0, self._resume)
        # What the process waits for: its waker (then in the heap), a signal, or
        # None when it is not alive.
        self._target: ScheduledEvent | Signal[Any] | None = self._waker

    @property
    def name(self) -> str:
        """The process's name."""
        return self._name

    @property
    def is_alive(self) -> bool:
        """Whether the generator can still resume (not finished, failed or cancelled)."""
        return self._generator is not None

    @property
    def cancelled(self) -> bool:
        """Whether :meth:`cancel` stopped the process before it finished."""
        return self._cancelled

    def cancel(self) -> None:
        """Stop the process for good.

        Its pending wake-up is cancelled (lazily) or it stops waiting on its
        signal, then the generator is closed, which runs its ``finally`` blocks
        now. The process never succeeds, so processes waiting on it are not
        woken. Cancelling a process that is not alive has no effect.

        Raises
        ------
        RuntimeError
            If called from the process's own generator (return instead).
        """
        generator = self._generator
        if generator is None:
            return
        if getattr(generator, "gi_running", False):
            raise RuntimeError(
                f"process {self._name!r} cannot cancel itself; return from it instead"
            )
        self._detach(renew=False)
        self._generator = None
        self._cancelled = True
        generator.close()

    def interrupt(self, cause: object = None) -> None:
        """Throw :class:`Interrupt` ``(cause)`` into the generator at the current time.

        The interrupt is delivered by an event scheduled with delay 0: the
        process stops waiting for whatever it waits for (its wake-up is
        cancelled, or it leaves the signal's waiters) and the exception is raised
        at its ``yield``. If it does not catch it, the exception propagates out of
        :meth:`Simulation.run`. If the process is no longer alive at delivery,
        nothing happens.

        Raises
        ------
        RuntimeError
            If the process is not alive.
        """
        if self._generator is None:
            raise RuntimeError(f"process {self._name!r} is not alive and cannot be interrupted")
        self._sim.schedule(0, self._deliver_interrupt, Interrupt(cause))

    def _deliver_interrupt(self, interrupt: Interrupt) -> None:
        if self._generator is None:
            return
        self._detach(renew=True)
        self._resume(None, interrupt)

    def _detach(self, *, renew: bool) -> None:
        """Stop waiting: withdraw the pending wake-up, or leave the signal's waiters."""
        target = self._target
        self._target = None
        if target is self._waker:
            # Its heap entry is withdrawn lazily, so the process needs a fresh
            # waker for its next sleep.
            self._waker.cancel()
            if renew:
                waker = ScheduledEvent()
                waker._time = self._sim._now
                waker._callback = self._resume
                waker._args = ()
                self._waker = waker
        elif isinstance(target, Signal):
            target._remove_callback(self._on_signal_cb)

    def _on_signal(self, signal: Signal[Any]) -> None:
        # Stale wake-ups (after a cancel or an interrupt) are ignored.
        if signal is self._target:
            self._resume(signal._value)

    def _resume(self, value: Any = None, error: BaseException | None = None) -> None:
        """Advance the generator with ``value`` (or throw ``error``) and wait on what it yields."""
        generator = self._generator
        if generator is None:
            return
        while True:
            try:
                if error is None:
                    target = generator.send(value)
                else:
                    target = generator.throw(error)
                    error = None
            except StopIteration as stop:
                self._generator = None
                self._target = None
                self.succeed(stop.value)
                return
            except BaseException:
                self._generator = None
                self._target = None
                raise
            if type(target) is not int or target < 0:
                if isinstance(target, Signal) and target._sim is self._sim and target is not self:
                    self._target = target
                    target._add_callback(self._on_signal_cb)
                    return
                checked = self._check_yield(target)
                if not isinstance(checked, int):
                    error = checked
                    continue
                target = checked  # an integer-like delay, such as numpy.int64
            # Sleep: push the waker straight onto the heap, as
            # Simulation.schedule would, without allocating a new event.
            sim = self._sim
            waker = self._waker
            time = sim._now + target
            waker._time = time
            seq = sim._seq
            sim._seq = seq + 1
            heappush(sim._heap, (time, seq, waker))
            self._target = waker
            return

    def _check_yield(self, target: object) -> int | BaseException:
        """Return a yielded integer-like delay as an ``int``, or the error for an invalid yield."""
        if isinstance(target, Signal):
            if target is self:
                return RuntimeError(f"process {self._name!r} yielded itself and would wait forever")
            return ValueError(
                f"process {self._name!r} yielded {target!r}, which belongs to another simulation"
            )
        if not isinstance(target, bool) and isinstance(target, SupportsIndex):
            delay = operator.index(target)
            if delay >= 0:
                return delay
            return ValueError(f"process {self._name!r} yielded a negative delay: {delay} ps")
        return TypeError(
            f"process {self._name!r} yielded {target!r} ({type(target).__name__});"
            " a process may yield an int delay in ps, a Signal, a Process or sim.any_of(...)"
        )

    def __repr__(self) -> str:
        if self._cancelled:
            state = "cancelled"
        elif self._generator is not None:
            state = "alive"
        elif self._value is not _PENDING:
            state = f"value={self._value!r}"
        else:
            state = "failed"
        return f"<Process {self._name!r} {state}>"


def any_of(sim: Simulation, *signals: Signal[Any]) -> Signal[Signal[Any]]:
    """Create a signal that succeeds when the first of ``signals`` succeeds.

    Parameters
    ----------
    sim : Simulation
        The simulation all ``signals`` belong to.
    *signals : Signal
        At least one signal.

    Returns
    -------
    Signal
        Succeeds with the signal that succeeded first, as its value. If some of
        ``signals`` have already succeeded, it succeeds at once with the first of
        those in argument order.

    Raises
    ------
    ValueError
        If no signal is given, or one belongs to another simulation.

    Examples
    --------
    >>> from qfab.sim import Simulation
    >>> sim = Simulation()
    >>> def wait(sim, herald):
    ...     fired = yield sim.any_of(herald, sim.timeout(10_000))
    ...     return "herald" if fired is herald else "cutoff"
    >>> p = sim.process(wait(sim, sim.signal()))
    >>> sim.run()
    >>> p.value, sim.now
    ('cutoff', 10000)
    """
    if not signals:
        raise ValueError("any_of needs at least one signal")
    for signal in signals:
        if not isinstance(signal, Signal):
            raise TypeError(f"any_of takes signals, got {type(signal).__name__}")
        if signal._sim is not sim:
            raise ValueError(f"{signal!r} belongs to another simulation")
    result: Signal[Signal[Any]] = Signal(sim)
    for signal in signals:
        if signal._value is not _PENDING:
            result.succeed(signal)
            return result

    def first(signal: Signal[Any]) -> None:
        if result._value is _PENDING:
            result.succeed(signal)
            for other in signals:
                if other is not signal:
                    other._remove_callback(first)

    for signal in signals:
        signal._add_callback(first)
    return result
