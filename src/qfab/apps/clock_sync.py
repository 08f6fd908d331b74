"""Clock synchronization: two-way time transfer with time-correlated photon pairs.

A ``kind: clock_sync`` request uses no entangled pairs from the network: the engines take
it out of the scenario and compute it over its fiber (:mod:`qfab.engines.clock_sync`), so
the runtime never hands it a pair. The application is registered so that the kind is known
wherever applications are looked up; it receives nothing.
"""

from __future__ import annotations

from typing import ClassVar

from qfab.apps.base import Application

__all__ = ["ClockSyncApp"]


class ClockSyncApp(Application):
    """The clock-sync request's application: it consumes no pairs."""

    kind: ClassVar[str] = "clock_sync"
