"""A circuit over delivered pairs: each pair is kept (time, Bell vector) for the execution.

The application records, on its request (:class:`qfab.spec.circuit.CircuitPairsSpec`), each
delivered pair's delivery time and Bell vector; after the run the engine schedules the
circuit against these arrivals and executes it (:mod:`qfab.engines.circuit`). The analytic
engine hands it the expected Bell vector instead.
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np
from numpy.typing import NDArray

from qfab.apps.base import Application, DeliveredPair
from qfab.spec.circuit import CircuitPairsSpec

__all__ = ["CircuitApp"]


class CircuitApp(Application):
    """Records each delivered pair for the circuit's non-local gates."""

    kind: ClassVar[str] = "circuit"

    def receive(self, time_s: float, pair: DeliveredPair) -> None:
        """Keep the pair's delivery time and Bell vector (a gate consumes it)."""
        if isinstance(self.request, CircuitPairsSpec):
            a, b, c, d = (float(x) for x in pair.bell_vector())
            self.request.record(time_s, (a, b, c, d))

    def expect(self, bell_vector: NDArray[np.float64]) -> None:
        """Keep the delivered pairs' expected Bell vector on the request."""
        if isinstance(self.request, CircuitPairsSpec):
            self.request.expect(bell_vector)
