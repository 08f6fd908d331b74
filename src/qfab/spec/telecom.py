"""Telecom compatibility of an optical link: the photon's encoding and classical traffic in
the same fibre (WDM).

``encoding`` (on a double-click link) says how the photonic qubit is carried:

* ``time_bin``: early and late bins analysed with unbalanced interferometers, whose phase
  stability sets ``interferometer_visibility``; insensitive to the fibre's polarization;
* ``polarization``: the polarization of the photon, rotated by the fibre's polarization
  drift (``drift_time``) and re-aligned every ``compensation_interval``.

``fiber.classical`` puts classical traffic on the fibre beside the quantum channel: its
spontaneous Raman scattering reaches the heralding station as noise photons
(:func:`qfab.physics.raman.midpoint_arm_powers`: forward-scattered through the launching
end's arm, backward-scattered through the other). The physics is in :mod:`qfab.physics.encoding`
and :mod:`qfab.physics.raman`.
"""

from __future__ import annotations

import math
from typing import Annotated, Literal

from pydantic import Field

from qfab.spec.base import SpecModel
from qfab.spec.quantities import (
    CoherenceTime,
    Duration,
    Length,
    Power,
    Probability,
    Scattering,
)

__all__ = ["ClassicalTrafficSpec", "EncodingSpec", "PolarizationEncodingSpec",
           "TimeBinEncodingSpec"]


class TimeBinEncodingSpec(SpecModel):
    """A time-bin qubit: early and late bins, analysed with unbalanced interferometers."""

    kind: Literal["time_bin"]
    interferometer_visibility: Probability = Field(
        1.0, description="visibility of the coherence between the two bins that the "
        "interferometers' phase stability leaves (Marcikic et al., PRL 93, 180502 (2004))")


class PolarizationEncodingSpec(SpecModel):
    """A polarization qubit, rotated by the fibre's polarization drift."""

    kind: Literal["polarization"]
    drift_time: CoherenceTime = Field(
        math.inf, description="1/e time of the autocorrelation of the polarization leaving "
        "each fibre arm (installed cables: minutes to hours; inf: no drift)")
    compensation_interval: Duration = Field(
        0.0, description="time between two re-alignments of the polarization reference "
        "(0: compensated continuously)")


#: The photon encoding of an optical link, by ``kind``.
EncodingSpec = Annotated[TimeBinEncodingSpec | PolarizationEncodingSpec,
                         Field(discriminator="kind")]


class ClassicalTrafficSpec(SpecModel):
    """Classical light sharing the fibre with the quantum channel (wavelength multiplexed).

    Its spontaneous Raman scattering into the quantum channel's band is the noise: the
    effective coefficient into the receiver's band is ``raman_coefficient *
    filter_bandwidth`` (Eraerds et al., NJP 12, 063027 (2010), Sec. 3; Patel et al., PRX 2,
    041010 (2012), who measured it for their channel plan).
    """

    launch_power: Power = Field(description="classical power launched into the fibre "
                                "(e.g. '0 dBm', '1 mW')")
    raman_coefficient: Scattering = Field(
        description="spontaneous Raman scattering coefficient at the quantum channel's "
        "separation from the classical one, per length of fibre and per bandwidth (e.g. "
        "'3e-9 /km/nm'); it depends on the separation and is measured for a channel plan")
    filter_bandwidth: Length = Field(
        1e-9, gt=0, description="bandwidth of the quantum receiver's filter, as a width in "
        "wavelength (e.g. '0.8 nm')")
    launch_end: str | None = Field(
        None, min_length=1, description="the link end (a node of between) whose transmitter "
        "launches the classical light (default: between[0]); the station at the midpoint "
        "receives forward-scattered noise through this end's arm and backward-scattered noise "
        "through the other's (the total does not depend on the choice)")
