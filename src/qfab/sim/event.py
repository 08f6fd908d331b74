"""The handle of a scheduled callback.

:class:`ScheduledEvent` is what :meth:`~qfab.sim.kernel.Simulation.schedule`
returns and what the run loop finds in the heap. It lives in its own module so
that the kernel and the process machinery can both create it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

__all__ = ["ScheduledEvent"]


class ScheduledEvent:
    """A callback scheduled to run at one instant of simulated time.

    Created by :meth:`Simulation.schedule` and :meth:`Simulation.schedule_at`;
    not meant to be constructed directly. Keep it to cancel the callback later.

    Notes
    -----
    Like :meth:`asyncio.Handle.cancel`, :meth:`cancel` does not know whether the
    callback has already run: cancelling an event that has run has no effect on
    the simulation, but :attr:`cancelled` still reads ``True`` afterwards.
    """

    __slots__ = ("_args", "_callback", "_time")

    # The run loop reads these slots directly; ``_callback is None`` marks a
    # cancelled event.
    _time: int
    _callback: Callable[..., object] | None
    _args: tuple[Any, ...]

    @property
    def time(self) -> int:
        """Simulated time at which the callback runs, in ps (``int``)."""
        return self._time

    @property
    def cancelled(self) -> bool:
        """Whether :meth:`cancel` has been called."""
        return self._callback is None

    def cancel(self) -> None:
        """Cancel the callback: it will not run.

        Constant time: the event stays in the heap, marked, and is discarded when
        the run loop reaches it. Cancelling twice is harmless.
        """
        self._callback = None
        self._args = ()

    def __repr__(self) -> str:
        callback = self._callback
        what = (
            "cancelled" if callback is None else getattr(callback, "__qualname__", repr(callback))
        )
        return f"<ScheduledEvent t={self._time} ps {what}>"
