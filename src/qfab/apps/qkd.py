"""QKD over delivered pairs (BBM92): each pair is measured at both ends in a random basis.

The application keeps the Bell vector of every delivered pair (on its request,
:class:`qfab.spec.qkd.QkdPairsSpec`); after the run the engine measures them and
post-processes the bits (:mod:`qfab.engines.qkd`). The analytic engine hands it the
expected mean Bell vector of the delivered pairs instead (:meth:`QkdApp.expect`), from
which the expected key figures follow. A prepare-and-measure request
(``bb84-decoy``) uses no pairs and has no application in the runtime.
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np
from numpy.typing import NDArray

from qfab.apps.base import Application, DeliveredPair
from qfab.spec.qkd import QkdPairsSpec

__all__ = ["QkdApp"]


class QkdApp(Application):
    """Records each delivered pair's Bell vector for the BBM92 measurement."""

    kind: ClassVar[str] = "qkd"

    def receive(self, time_s: float, pair: DeliveredPair) -> None:
        """Keep the pair's Bell vector (the pair is consumed by the measurement)."""
        if isinstance(self.request, QkdPairsSpec):
            self.request.record(pair.bell_vector())

    def expect(self, bell_vector: NDArray[np.float64]) -> None:
        """Keep the delivered pairs' expected mean Bell vector on the request."""
        if isinstance(self.request, QkdPairsSpec):
            self.request.expect(bell_vector)
