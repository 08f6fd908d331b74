"""An example qfab plugin: what a user's own package adds without editing qfab.

It registers, through the ``qfab.plugins`` entry point (see ``pyproject.toml``):

* a link kind ``lossy_werner``: a source at the midpoint that emits a pair with probability
  ``source_success`` per attempt, both photons crossing half the fiber, heralded pairs in the
  Werner state of fidelity ``fidelity``;
* a memory kind ``dephasing``: a stored qubit dephases (phase flips) with time constant
  ``t2`` and never relaxes;
* an application ``chsh``: a Bell test on every delivered pair, reporting the CHSH value;
* a routing policy ``fewest_hops``: the path with the fewest links, whatever their rates.
"""

from __future__ import annotations

import math
from typing import Any, Literal

import networkx as nx
import numpy as np
from numpy.typing import NDArray
from pydantic import Field

from qfab.apps.base import Application
from qfab.memorymodel import MemoryModel
from qfab.physics.bell_diagonal import werner
from qfab.physics.fiber import transmittance
from qfab.physics.memory import t1_t2_decay_rates, t1_t2_kraus
from qfab.plugins import Registry
from qfab.spec.models import LinkSpecBase, MemorySpecBase
from qfab.spec.quantities import PositiveDuration
from qfab.spec.requests import PairRequestSpec

__all__ = ["ChshApp", "ChshRequestSpec", "DephasingMemorySpec", "LossyWernerLinkSpec",
           "chsh_value", "dephasing_model", "fewest_hops", "lossy_werner", "plugin"]


class LossyWernerLinkSpec(LinkSpecBase):
    """A midpoint pair source behind lossy fiber, heralding Werner pairs."""

    kind: Literal["lossy_werner"] = "lossy_werner"
    fidelity: float = Field(ge=0.25, le=1, description="fidelity of each heralded pair")
    source_success: float = Field(gt=0, le=1, description="pair emission probability per attempt")


def lossy_werner(link: LossyWernerLinkSpec) -> tuple[float, NDArray[np.float64]]:
    """Success probability and Bell vector of one attempt.

    Each photon crosses half the fiber, so ``p = source_success * eta(L/2)^2
    = source_success * eta(L)`` with ``eta(L) = 10^(-alpha L / 10)``.
    """
    p = link.source_success * float(transmittance(link.length, link.fiber.attenuation))
    return p, np.asarray(werner(link.fidelity), dtype=np.float64)


class DephasingMemorySpec(MemorySpecBase):
    """A memory whose qubits dephase with time constant ``t2`` and never relax."""

    kind: Literal["dephasing"] = "dephasing"
    t2: PositiveDuration = Field(description="dephasing time constant")


def dephasing_model(memory: DephasingMemorySpec) -> MemoryModel:
    """Pure dephasing is the Pauli-twirled T1/T2 channel with T1 infinite (the characters
    of the phase-flip channel decay as exp(-t/T2); Ghosh, Fowler, Geller, PRA 86, 062318
    (2012))."""
    t2 = memory.t2

    def kraus(wait: float) -> NDArray[Any]:
        return np.asarray(t1_t2_kraus(wait, t1=math.inf, t2=t2))

    return MemoryModel(kind="dephasing", decay_rates=t1_t2_decay_rates(math.inf, t2),
                       kraus_after=kraus)


class ChshRequestSpec(PairRequestSpec):
    """A Bell test on each delivered pair."""

    kind: Literal["chsh"] = "chsh"


def chsh_value(fidelity: NDArray[np.float64]) -> NDArray[np.float64]:
    """CHSH value of a twirled pair with the optimal settings for Werner states.

    The twirl makes the pair Werner with the same fidelity F; its correlation matrix is
    ``-w I`` (up to the local frame) with ``w = (4F - 1)/3``, so the largest CHSH value is
    ``S = 2 sqrt(2) w`` (Horodecki, Horodecki, Horodecki, Phys. Lett. A 200, 340 (1995)).
    """
    return 2.0 * math.sqrt(2.0) * (4.0 * np.asarray(fidelity) - 1.0) / 3.0


class ChshApp(Application):
    """Twirls and measures every delivered pair in a CHSH test; reports ``chsh_s``."""

    kind = "chsh"
    figure_names = ("chsh_s",)

    def figures(self, fidelity: NDArray[np.float64]) -> dict[str, NDArray[np.float64]]:
        return {"chsh_s": chsh_value(fidelity)}


def fewest_hops(network: Any, source: str, target: str) -> list[list[str]]:
    """The path with the fewest links (ties: networkx's order)."""
    return [nx.shortest_path(network.graph, source, target)]


def plugin(registry: Registry) -> None:
    """Entry point: register every kind of this package."""
    registry.register(LossyWernerLinkSpec, lossy_werner)
    registry.register(DephasingMemorySpec, dephasing_model)
    registry.register(ChshRequestSpec, ChshApp)
    registry.register("fewest_hops", fewest_hops)
