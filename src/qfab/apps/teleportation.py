"""Teleportation: each delivered pair teleports one qubit state between the request's ends."""

from __future__ import annotations

from typing import ClassVar

import numpy as np
from numpy.typing import NDArray

from qfab.apps.base import Application
from qfab.physics.teleportation import average_teleportation_fidelity

__all__ = ["TeleportationApp"]


class TeleportationApp(Application):
    """Teleports one uniformly random qubit state over each delivered pair.

    Reports ``teleportation_fidelity``: the fidelity of the teleported states averaged over
    the inputs, ``(2F + 1)/3`` for a pair of fidelity ``F``
    (:func:`~qfab.physics.teleportation.average_teleportation_fidelity`), then over the
    delivered pairs.
    """

    kind: ClassVar[str] = "teleportation"
    figure_names: ClassVar[tuple[str, ...]] = ("teleportation_fidelity",)

    def figures(self, fidelity: NDArray[np.float64]) -> dict[str, NDArray[np.float64]]:
        """``teleportation_fidelity`` of pairs with fidelities ``fidelity``."""
        return {"teleportation_fidelity": average_teleportation_fidelity(fidelity)}
