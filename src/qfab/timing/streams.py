"""Timestamp streams of one direction of a time transfer, and their cross-correlation.

The acquisition step finds the coincidence peak without knowing the clocks' offset: each
end's timestamps are binned into histograms, the histograms' cross-correlation is computed
with FFTs (the peak's lag is the one-way delay plus the clock offset), and the lag is
refined to the centroid of the coincidences inside the peak. Ho, Lamas-Linares & Kurtsiefer,
"Clock synchronization by remote detection of correlated photon pairs", New J. Phys. 11,
045011 (2009); Lee et al., npj Quantum Inf. 5, 79 (2019).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

if TYPE_CHECKING:
    from qfab.timing.transfer import TimeTransferSetup

__all__ = ["acquisition_streams", "cross_correlation_offset"]

Direction = Literal["ab", "ba"]


def cross_correlation_offset(times_a_s: ArrayLike, times_b_s: ArrayLike, *,
                             bin_width: float, max_lag: float,
                             window: float | None = None) -> float:
    """Lag (b minus a) maximising the FFT cross-correlation of the two timestamp streams
    (histograms of bin_width), refined to the centroid of the peak's coincidences."""
    raise NotImplementedError


def acquisition_streams(setup: TimeTransferSetup, span: float, rng: np.random.Generator, *,
                        direction: Direction = "ab"
                        ) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Timestamps at both ends for one direction over span seconds: correlated pairs,
    singles, dark counts (for the acquisition step)."""
    raise NotImplementedError
