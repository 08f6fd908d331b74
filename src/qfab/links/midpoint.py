"""The ``midpoint_source`` link: a pair source at the midpoint, multimode absorptive memories
at the ends, heralded by their loading (:mod:`qfab.physics.midpoint_source`).

Each arm's efficiency is the product of the fiber's transmittance over ``length / 2``, the
end's absorption efficiency and the herald detector's efficiency times the share of photons
its timing jitter leaves inside the window (:func:`qfab.physics.detection.window_fraction`);
each herald's dark-count probability per mode is that of the detector over its window. The
number of modes per attempt is the link's ``modes``, else the smaller mode capacity of the two
ends' memories (a memory that is not multimode holds 1); a ``modes`` above an end's mode
capacity is an error.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np
from numpy.typing import NDArray

from qfab.errors import ScenarioError
from qfab.memorymodel import MemoryModel
from qfab.physics.detection import dark_count_probability, window_fraction
from qfab.physics.fiber import transmittance
from qfab.physics.midpoint_source import mean_pairs_from_pair_probability, midpoint_source
from qfab.spec.links_hardware import MidpointSourceLinkSpec

__all__ = ["MidpointArms", "MidpointHeralding", "arms", "mean_pairs", "modes"]


@dataclass(frozen=True)
class MidpointArms:
    """The stages of the two arms of a midpoint-source link (each in ``between`` order).

    Attributes
    ----------
    fiber
        Transmittance of half the fiber (the same for both arms).
    absorption
        Absorption efficiency of each end's memory.
    detector
        Herald detector efficiency times its jitter window fraction (both ends).
    dark
        Dark-count probability of each herald per mode.
    """

    fiber: float
    absorption: tuple[float, float]
    detector: float
    dark: float

    @property
    def efficiencies(self) -> tuple[float, float]:
        """Arm efficiency of each end: fiber x absorption x herald detector."""
        a, b = self.absorption
        return (self.fiber * a * self.detector, self.fiber * b * self.detector)


def arms(link: MidpointSourceLinkSpec) -> MidpointArms:
    """The arms of ``link`` (its fiber, absorption and herald detector)."""
    return MidpointArms(
        fiber=float(transmittance(link.length / 2, link.fiber.attenuation)),
        absorption=link.absorption_efficiencies(),
        detector=float(link.detector.efficiency
                       * window_fraction(link.detector.window, link.detector.jitter)),
        dark=float(dark_count_probability(link.detector.dark_count_rate,
                                          link.detector.window)))


def mean_pairs(link: MidpointSourceLinkSpec) -> float:
    """Mean pairs per mode of the link's source (from ``pair_probability`` if given)."""
    if link.source.mean_pairs is not None:
        return float(link.source.mean_pairs)
    assert link.source.pair_probability is not None  # the spec asks for one of the two
    return float(mean_pairs_from_pair_probability(link.source.pair_probability))


def modes(link: MidpointSourceLinkSpec, memories: tuple[MemoryModel, MemoryModel] | None,
          index: int = 0) -> int:
    """Modes per attempt: the link's ``modes``, else the ends' smaller mode capacity.

    Raises
    ------
    ScenarioError
        ``links[index].modes`` when it exceeds the mode capacity of an end's memory.
    """
    capacities = [memory.mode_capacity for memory in memories or ()
                  if memory.mode_capacity is not None]
    if link.modes is None:
        return min(capacities, default=1)
    for end, memory in zip(link.between, memories or ()):
        if memory.mode_capacity is not None and link.modes > memory.mode_capacity:
            raise ScenarioError(f"links[{index}].modes",
                                f"{link.modes} modes per attempt, but the memory of {end} "
                                f"stores {memory.mode_capacity}")
    return link.modes


@dataclass(frozen=True)
class MidpointHeralding:
    """Heralding of a ``midpoint_source`` link: ``link -> (p_success, Bell vector)``.

    Called with the link alone it uses the link's ``modes`` (1 if unset); :meth:`at_ends`
    also reads the ends' memories (their mode capacity), as :mod:`qfab.linkmodel` does.
    The memories' modes are used up by this multiplexing inside one attempt (at most one
    pair per attempt and channel), so they must not also count as parallel channels
    (:attr:`consumes_memory_modes`).
    """

    #: The ends' memory modes are this kind's multiplexing, not extra parallel channels.
    consumes_memory_modes: ClassVar[bool] = True

    def __call__(self, link: MidpointSourceLinkSpec) -> tuple[float, NDArray[np.float64]]:
        return self.at_ends(link, None)

    def at_ends(self, link: MidpointSourceLinkSpec,
                memories: tuple[MemoryModel, MemoryModel] | None,
                index: int = 0) -> tuple[float, NDArray[np.float64]]:
        """Success probability and heralded Bell vector with the ends' memories known."""
        arm = arms(link)
        eta_a, eta_b = arm.efficiencies
        p, state = midpoint_source(
            mean_pairs(link), eta_a, eta_b, dark_count_probability_a=arm.dark,
            dark_count_probability_b=arm.dark, source_fidelity=link.source.fidelity,
            modes=modes(link, memories, index))
        return float(p), np.asarray(state, dtype=np.float64)
