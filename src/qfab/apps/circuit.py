"""A circuit over delivered pairs: each pair is kept (time, fidelity) for the execution.

The application records, on its request (:class:`qfab.spec.circuit.CircuitPairsSpec`), each
delivered pair's delivery time and fidelity (its Bell vector's Phi+ weight); after the run the
engine executes the circuit with one pair per non-local gate, each used at delivery
(:mod:`qfab.engines.circuit`). The analytic engine hands it the expected Bell vector instead.
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
        """Keep the pair's delivery time and fidelity (it is consumed by a gate)."""
        if isinstance(self.request, CircuitPairsSpec):
            self.request.record(time_s, float(pair.bell_vector()[0]))

    def expect(self, bell_vector: NDArray[np.float64]) -> None:
        """Keep the delivered pairs' expected Bell vector on the request."""
        if isinstance(self.request, CircuitPairsSpec):
            self.request.expect(bell_vector)
