"""From a link's spec to the numbers every engine uses: success probability, pair state,
attempt period and heralding delay.

This is the one place where a link ``kind`` is mapped onto a heralding model of
:mod:`qfab.physics`; the engines never restate the formulas.

Timing model (all kinds): the heralding station sits at the midpoint of the fiber. An attempt
takes ``cycle_time`` of local preparation, then the photon travels ``length / 2`` to the
station and the herald travels ``length / 2`` back, so the herald reaches both nodes
``length / speed`` after emission and the next attempt starts then:
``period = cycle_time + length / speed``. The memory qubits hold their half of the pair from
emission, so a heralded pair has already waited ``length / speed`` in memory.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
from numpy.typing import NDArray

from qfab.memorymodel import MemoryModel, memory_model
from qfab.physics import heralding
from qfab.physics.detection import dark_count_probability
from qfab.physics.fiber import propagation_delay, transmittance
from qfab.spec.models import (
    DepolarizingLinkSpec,
    DoubleClickLinkSpec,
    LinkSpec,
    ScenarioSpec,
    SingleClickLinkSpec,
)

__all__ = ["LinkModel", "link_model", "arm_efficiency"]


@dataclass(frozen=True)
class LinkModel:
    """Physics of one link, ready for an engine.

    Attributes
    ----------
    between
        The two end nodes.
    p_success
        Probability that one attempt heralds a pair.
    emitted_state
        Bell-diagonal vector, shape (4,), order (Phi+, Psi-, Psi+, Phi-), of a heralded pair
        before any memory decoherence.
    period
        Attempt period in seconds.
    herald_delay
        Seconds from emission until both nodes know the outcome.
    channels
        Attempts that run in parallel (qubits each end dedicates to the link).
    memories
        Memory models of the two ends, ``(end_a, end_b)``.
    """

    between: tuple[str, str]
    p_success: float
    emitted_state: NDArray[np.float64]
    period: float
    herald_delay: float
    channels: int
    memories: tuple[MemoryModel, MemoryModel]

    def state_after(self, wait_a: float, wait_b: float) -> NDArray[np.float64]:
        """Bell vector of a pair whose qubits waited ``wait_a``/``wait_b`` s in memory."""
        if not (0.0 <= wait_a < np.inf and 0.0 <= wait_b < np.inf):
            raise ValueError(f"wait: storage times must be finite and >= 0, got "
                             f"{wait_a!r}, {wait_b!r}")
        end_a, end_b = self.memories
        return np.asarray(end_b.store(end_a.store(self.emitted_state, wait_a), wait_b),
                          dtype=np.float64)

    @cached_property
    def heralded_state(self) -> NDArray[np.float64]:
        """Bell vector of a pair at the moment its herald arrives."""
        return self.state_after(self.herald_delay, self.herald_delay)

    @property
    def pair_rate(self) -> float:
        """Expected heralded pairs per second with every channel attempting (Hz)."""
        return self.channels * self.p_success / self.period


def arm_efficiency(link: DoubleClickLinkSpec | SingleClickLinkSpec) -> float:
    """Probability that a photon emitted at one node clicks the midpoint detector.

    Product of emitter (collection and conversion) efficiency, the transmittance of half
    the fiber and the detector efficiency.
    """
    half_fiber = float(transmittance(link.length / 2, link.fiber.attenuation))
    return link.emitter.efficiency * half_fiber * link.detector.efficiency


def link_model(spec: ScenarioSpec, index: int) -> LinkModel:
    """Build the :class:`LinkModel` of ``spec.links[index]``."""
    link: LinkSpec = spec.links[index]
    a, b = link.between
    if isinstance(link, DepolarizingLinkSpec):
        p, state = heralding.depolarizing_link(link.fidelity, link.success_probability)
    else:
        dark = float(dark_count_probability(link.detector.dark_count_rate, link.detector.window))
        eta = arm_efficiency(link)
        if isinstance(link, SingleClickLinkSpec):
            p, state = heralding.single_click(link.bright_state, eta,
                                              dark_count_probability=dark,
                                              visibility=link.visibility)
        elif isinstance(link, DoubleClickLinkSpec):
            p, state = heralding.double_click(eta, dark_count_probability=dark,
                                              visibility=link.visibility)
        else:  # pragma: no cover - the spec's discriminated union admits no other kind
            raise TypeError(f"no heralding model for link kind {link.kind!r}")
    delay = float(propagation_delay(link.length, speed=link.fiber.speed))
    return LinkModel(
        between=(a, b),
        p_success=float(p),
        emitted_state=np.asarray(state, dtype=np.float64),
        period=link.cycle_time + delay,
        herald_delay=delay,
        channels=min(spec.qubits_per_link(a, b), spec.qubits_per_link(b, a)),
        memories=(memory_model(spec.nodes[a].memory), memory_model(spec.nodes[b].memory)),
    )
