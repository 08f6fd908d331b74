"""Link kinds of real hardware architectures: a pair source at the midpoint with multimode
absorptive memories at the ends (``midpoint_source``), and the nodal tier's interconnect
between chips in one cryostat (``chip_to_chip``).

Their physics is in :mod:`qfab.physics.midpoint_source` and :mod:`qfab.links`; these are the
scenario fields. :mod:`qfab.spec.models` puts both in the ``LinkSpec`` union.
"""

from __future__ import annotations

import math
from typing import Literal

from pydantic import Field, field_validator, model_validator

from qfab.spec.base import Integer, SpecModel
from qfab.spec.models import DetectorSpec, FiberSpec, _LinkSpecBase
from qfab.spec.quantities import Length, Number, PositiveDuration, PositiveProbability, Probability

__all__ = ["ChipToChipLinkSpec", "MidpointSourceLinkSpec", "PairSourceSpec"]

#: Default length of a chip-to-chip interconnect: a few centimetres inside one cryostat.
CHIP_TO_CHIP_LENGTH = 0.05


class PairSourceSpec(SpecModel):
    """An entangled photon-pair source (SPDC-like, thermal pair statistics in each mode).

    Give the mean number of pairs per mode (``mean_pairs``) or the probability that a mode
    holds at least one pair (``pair_probability``), not both.
    """

    mean_pairs: Number | None = Field(None, gt=0, le=1000, description="mean number of pairs "
                                      "per mode (mu; at most 1000, far beyond any source "
                                      "that heralds entanglement)")
    pair_probability: Number | None = Field(None, gt=0, lt=1, description="probability that "
                                            "a mode holds at least one pair (mu / (1 + mu))")
    fidelity: Number = Field(1.0, ge=0.25, le=1, description="fidelity of one emitted pair to "
                             "the target Bell state (Werner; visibility V gives (1 + 3V)/4)")

    @model_validator(mode="after")
    def _one_brightness(self) -> PairSourceSpec:
        if (self.mean_pairs is None) == (self.pair_probability is None):
            raise ValueError("give either mean_pairs or pair_probability (the source's pairs "
                             "per mode), not both and not neither")
        if self.mean_pairs is not None and not math.isfinite(self.mean_pairs):
            raise ValueError("mean_pairs must be finite")
        return self


class MidpointSourceLinkSpec(_LinkSpecBase):
    """A pair source at the midpoint, absorptive memories at both ends, heralded loading.

    Each attempt multiplexes ``modes`` spectral or temporal modes; a mode succeeds when the
    memories at both ends herald a loaded photon (:mod:`qfab.physics.midpoint_source`).
    Each arm: the fiber over ``length / 2``, the end's ``absorption_efficiency``, the herald
    ``detector`` (its efficiency, and dark counts over its window per mode). Timing as for
    every kind: ``period = cycle_time + length / fiber.speed``, ``cycle_time`` the time the
    source and the memories take for one batch of modes (``modes / R`` for temporal modes
    at the source's mode rate ``R``), ``length / fiber.speed`` the time from the photons'
    absorption until each end holds the other end's herald (``docs/links.md``).
    """

    kind: Literal["midpoint_source"] = "midpoint_source"
    source: PairSourceSpec
    absorption_efficiency: Probability | tuple[Probability, Probability] = Field(
        1.0, description="probability that the memory at an end absorbs an arriving photon "
        "(one value for both ends, or [first end, second end] in the order of 'between')")
    detector: DetectorSpec = Field(DetectorSpec(), description="herald detector at each end")
    modes: Integer | None = Field(None, ge=1, le=2**53, description="modes multiplexed per "
                                  "attempt (at most 2**53) "
                                  "(default: the smaller mode capacity of the two ends' "
                                  "memories; 1 for memories that are not multimode)")

    @model_validator(mode="after")
    def _detector_recovers(self) -> MidpointSourceLinkSpec:
        if self.detector.afterpulse_probability != 0:
            raise ValueError("detector.afterpulse_probability: afterpulsing is modelled on "
                             "fiber links only (give 0)")
        if self.detector.dead_time > self.attempt_period():
            raise ValueError(f"detector.dead_time: {self.detector.dead_time:g} s is longer "
                             f"than the attempt period ({self.attempt_period():g} s): a herald "
                             "detector still dead at the next attempt is not modelled")
        return self

    def absorption_efficiencies(self) -> tuple[float, float]:
        """The absorption efficiency of each end, in the order of ``between``."""
        value = self.absorption_efficiency
        if isinstance(value, tuple):
            return float(value[0]), float(value[1])
        return float(value), float(value)


class ChipToChipLinkSpec(_LinkSpecBase):
    """The nodal tier's interconnect between two chips inside one cryostat (cm scale).

    One attempt per ``cycle_time`` (plus ``length / fiber.speed``) succeeds with
    ``success_probability`` and gives a Werner pair of ``fidelity``. ``preset:
    chip_to_chip`` (or another ``interconnect`` preset) at the link fills ``fidelity``
    from the catalog. The success probability is given, so ``fiber.attenuation`` has no
    effect and a non-zero one is refused.
    """

    kind: Literal["chip_to_chip"] = "chip_to_chip"
    length: Length = Field(CHIP_TO_CHIP_LENGTH, description="distance between the chips "
                           "(default 5 cm)")
    fidelity: Number = Field(ge=0.25, le=1, description="fidelity of each pair (Werner)")
    success_probability: PositiveProbability = Field(
        1.0, description="probability that one attempt gives a pair")
    cycle_time: PositiveDuration = Field(description="time per attempt (plus length / "
                                         "fiber.speed)")

    @field_validator("fiber")
    @classmethod
    def _no_attenuation(cls, value: FiberSpec) -> FiberSpec:
        if value.attenuation != 0:
            raise ValueError("a chip_to_chip link takes its success probability as given; "
                             "attenuation has no effect (length and speed still set the "
                             "delays)")
        return value
