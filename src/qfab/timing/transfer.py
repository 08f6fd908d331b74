"""Symmetric two-way time transfer with time-correlated photon pairs.

:func:`expected` gives the closed forms of :mod:`qfab.physics.timetransfer` for a setup;
:func:`simulate` is a Monte Carlo that draws each physical contribution per coincidence.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import ArrayLike, NDArray

from qfab.physics.timetransfer import GROUP_INDEX_SMF28
from qfab.timing.clocks import ClockModel

__all__ = ["TimeTransferSetup", "TransferExpectation", "TransferRun", "expected", "simulate"]

FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class TimeTransferSetup:
    """One symmetric two-way link; SI units everywhere.

    Each end has a pair source (``pair_rate``), a detector for its own kept photon
    (``local_efficiency``) and one for the partner photons arriving from the other end
    (``remote_efficiency`` after the fibre's ``transmittance``). Direction ``ab``: pairs
    from a's source, timestamps at a's local and b's remote detector.
    """

    pair_rate: float
    local_efficiency: float
    remote_efficiency: float
    transmittance: float
    length: float
    group_index: float = GROUP_INDEX_SMF28
    asymmetry: float = 0.0
    jitter_a: float = 0.0
    jitter_b: float = 0.0
    tagger_resolution: float = 0.0
    correlation_time: float = 0.0
    dispersion: float = 0.0
    bandwidth: float = 0.0
    nonlocal_cancellation: bool = False
    pump_bandwidth: float = 0.0
    dark_rate_a: float = 0.0
    dark_rate_b: float = 0.0
    window: float = 1e-9
    floor: float = 0.0
    clock_a: ClockModel = field(default_factory=ClockModel)
    clock_b: ClockModel = field(default_factory=ClockModel)
    tau0: float = 1.0


@dataclass(frozen=True)
class TransferExpectation:
    """Closed-form figures of a setup (per direction where a rate)."""

    coincidence_rate: float
    accidental_rate: float
    sigma_c: float
    bias: float
    components: dict[str, float]
    floor: float = 0.0

    def precision(self, tau: ArrayLike) -> FloatArray:
        """Precision (TDEV) of the two-way offset estimate after ``tau`` seconds."""
        raise NotImplementedError

    def tdev(self, taus: ArrayLike) -> FloatArray:
        """The model TDEV at ``taus``, seconds."""
        raise NotImplementedError

    def time_to_target(self, target: float) -> float:
        """Averaging time to reach a target TDEV (``inf`` when at or below the floor)."""
        raise NotImplementedError

    def budget(self, tau: float) -> dict[str, float]:
        """Each term's share of the variance at ``tau`` (shares sum to 1)."""
        raise NotImplementedError


def expected(setup: TimeTransferSetup) -> TransferExpectation:
    """The closed forms for a setup."""
    raise NotImplementedError


@dataclass(frozen=True)
class TransferRun:
    """The outcome of :func:`simulate`."""

    tau0: float
    estimates: FloatArray
    true_offsets: FloatArray
    errors: FloatArray
    coincidences: NDArray[np.int64]
    accidentals: NDArray[np.int64]
    acquired_offset: float

    def tdev(self, taus: ArrayLike | None = None) -> list[tuple[float, float]]:
        """TDEV of the errors as ``[(tau_s, tdev_s), ...]``."""
        raise NotImplementedError

    def adev(self, taus: ArrayLike | None = None) -> list[tuple[float, float]]:
        """ADEV of the errors as ``[(tau_s, adev), ...]``."""
        raise NotImplementedError


def simulate(setup: TimeTransferSetup, duration: float, rng: np.random.Generator, *,
             progress: Callable[[float], None] | None = None) -> TransferRun:
    """Monte Carlo of ``duration`` seconds of a symmetric two-way exchange."""
    raise NotImplementedError
