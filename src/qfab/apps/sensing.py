"""Distributed sensing over delivered pairs: each pair is kept (time, Bell vector) for the fusion.

The application records, on its request (:class:`qfab.spec.sensing.SensingPairsSpec`, one
per spoke of the star), each delivered pair's delivery time and Bell vector; after the run
the engine fuses the ``k``-th pair of every spoke into the ``k``-th GHZ state and
interrogates it (:mod:`qfab.engines.sensing`). The analytic engine hands it the expected
Bell vector instead.
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np
from numpy.typing import NDArray

from qfab.apps.base import Application, DeliveredPair
from qfab.spec.sensing import SensingPairsSpec

__all__ = ["SensingApp"]


class SensingApp(Application):
    """Records each delivered pair of a spoke for the GHZ fusion at the hub."""

    kind: ClassVar[str] = "sensing"

    def receive(self, time_s: float, pair: DeliveredPair) -> None:
        """Keep the pair's delivery time and Bell vector (a fusion consumes it)."""
        if isinstance(self.request, SensingPairsSpec):
            a, b, c, d = (float(x) for x in pair.bell_vector())
            self.request.record(time_s, (a, b, c, d))

    def expect(self, bell_vector: NDArray[np.float64]) -> None:
        """Keep the delivered pairs' expected Bell vector on the request."""
        if isinstance(self.request, SensingPairsSpec):
            self.request.expect(bell_vector)
