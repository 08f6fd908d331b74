"""Applications that use their pairs after the run: each delivered pair is kept.

A circuit (:mod:`qfab.apps.circuit`) and a sensing star (:mod:`qfab.apps.sensing`) are
served by pair requests the engines build (:class:`qfab.spec.requests.RecordedPairsSpec`);
the application records on its request each delivered pair's delivery time and Bell
vector, or, in the analytic engine, the delivered pairs' expected Bell vector, and the
engine uses them after the run.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from qfab.apps.base import Application, DeliveredPair
from qfab.spec.requests import RecordedPairsSpec

__all__ = ["RecordingApp"]


class RecordingApp(Application):
    """Records each delivered pair (time and Bell vector) on its request."""

    def receive(self, time_s: float, pair: DeliveredPair) -> None:
        """Keep the pair's delivery time and Bell vector (the engine consumes it later)."""
        if isinstance(self.request, RecordedPairsSpec):
            a, b, c, d = (float(x) for x in pair.bell_vector())
            self.request.record(time_s, (a, b, c, d))

    def expect(self, bell_vector: NDArray[np.float64]) -> None:
        """Keep the delivered pairs' expected Bell vector on the request."""
        if isinstance(self.request, RecordedPairsSpec):
            self.request.expect(bell_vector)
