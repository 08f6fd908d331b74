"""The acquisition finds a weak coincidence peak among many accidentals.

A link like the Hong et al. 2024 example (38 dB): 35 coincidences in one second against
singles of 4e5/s at the kept photons' detector and 335/s at the far one. With the FFT's
bins 477 ns wide (a second of streams in 2^21 bins) a bin of accidentals holds about 65
pairs and the peak's bin 100, so the largest coarse correlation is sometimes noise; the
peak is the candidate whose differences pile up in one narrow bin.
"""

from __future__ import annotations

import numpy as np
import pytest

from qfab.timing.streams import cross_correlation_offset

SPAN = 1.0
LAG = 503.123456e-6 - 503e-6  # the peak's lag after the prior is taken out: 123.456 ns
SIGMA = 96e-12


def _streams(seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    pairs = rng.uniform(0.0, SPAN, rng.poisson(35 * SPAN))
    local = np.concatenate([pairs, rng.uniform(0.0, SPAN, rng.poisson(4.05e5 * SPAN))])
    remote = np.concatenate([pairs + LAG + rng.normal(0.0, SIGMA, pairs.size),
                             rng.uniform(0.0, SPAN, rng.poisson(300 * SPAN))])
    return np.sort(local), np.sort(remote)


# seeds whose largest coarse correlation is a bin of accidentals (found with the coarse
# maximum alone), and two where it is the peak
@pytest.mark.parametrize("seed", [0, 3, 8, 1, 2])
def test_the_weak_peak_is_found(seed: int) -> None:
    local, remote = _streams(seed)
    lag = cross_correlation_offset(local, remote, bin_width=SPAN / 2**21, max_lag=10e-6,
                                   window=1e-9)
    # the centroid of about 35 coincidences: within 5 of its standard errors
    assert abs(lag - LAG) < 5 * SIGMA / np.sqrt(35 * SPAN)
