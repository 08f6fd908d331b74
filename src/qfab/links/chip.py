"""The ``chip_to_chip`` link: the nodal tier's interconnect inside one cryostat.

An attempt gives a Werner pair of the given fidelity with the given probability
(:func:`qfab.physics.heralding.depolarizing_link`); its memories are the nodes'.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from qfab.physics import heralding
from qfab.spec.links_hardware import ChipToChipLinkSpec

__all__ = ["chip_to_chip"]


def chip_to_chip(link: ChipToChipLinkSpec) -> tuple[float, NDArray[np.float64]]:
    """Success probability of one attempt and the Bell vector of its pair."""
    p, state = heralding.depolarizing_link(link.fidelity, link.success_probability)
    return float(p), np.asarray(state, dtype=np.float64)
