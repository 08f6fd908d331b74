"""A fiber link's detector dead time and afterpulses for a bb84-decoy request: the pulses a
detection blinds at the request's repetition rate and the effective channel of the
analytic engine (:mod:`qfab.physics.detector_recovery`)."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from qfab.physics.detector_recovery import RecoveryChannel, blind_pulses, recovery_channel
from qfab.spec.models import FiberLinkSpec
from qfab.spec.qkd import QkdRequestSpec

__all__ = ["effective_channel", "receiver_recovery"]


def receiver_recovery(request: QkdRequestSpec, link: FiberLinkSpec) -> tuple[int, float]:
    """``(d, P_a)``: the pulses a detection blinds, ``ceil(dead_time * repetition_rate)``,
    and the detector's ``afterpulse_probability``."""
    source = request.source
    assert source is not None
    detector = link.detector
    return (blind_pulses(float(detector.dead_time), 1.0 / float(source.repetition_rate)),
            float(detector.afterpulse_probability))


def effective_channel(request: QkdRequestSpec, link: FiberLinkSpec, *, eta: float,
                      background: float, intensities: NDArray[np.float64],
                      probabilities: NDArray[np.float64]) -> RecoveryChannel:
    """The live share, transmittance and background that the key-rate formulas take for
    ``link``'s receiver (:func:`~qfab.physics.detector_recovery.recovery_channel`); without
    dead time and afterpulses the channel as it is, with a live share of 1."""
    blind, afterpulse = receiver_recovery(request, link)
    return recovery_channel(eta, background, intensities, probabilities,
                            afterpulse_probability=afterpulse, blind=blind)
