"""Timestamp streams and the FFT cross-correlation acquisition."""

from __future__ import annotations

import math

import numpy as np
import pytest

from qfab.timing import (
    ClockModel,
    TimeTransferSetup,
    acquisition_streams,
    cross_correlation_offset,
    expected,
)

#: 50 ps spread: 2 x 30 ps jitter, 20 ps tagger bins, 10 ps biphoton; singles 1e5 and 2e4 /s.
SETUP = TimeTransferSetup(pair_rate=2e5, local_efficiency=0.5, remote_efficiency=0.5,
                          transmittance=0.2, length=20e3, jitter_a=30e-12, jitter_b=30e-12,
                          tagger_resolution=20e-12, correlation_time=10e-12,
                          dark_rate_a=1e3, dark_rate_b=1e3,
                          clock_b=ClockModel(offset=123.456e-9))


@pytest.mark.parametrize("sign", [1.0, -1.0])
def test_fft_cross_correlation_recovers_a_known_offset(sign: float) -> None:
    """Correlated pairs 123.456 ns apart (either sign) among uncorrelated singles."""
    rng = np.random.default_rng(5)
    sigma = 40e-12
    pairs = rng.uniform(0.0, 0.01, 500)
    a = np.concatenate([pairs + rng.normal(0.0, sigma / math.sqrt(2), pairs.size),
                        rng.uniform(0.0, 0.01, 5_000)])
    b = np.concatenate([pairs + sign * 123.456e-9
                        + rng.normal(0.0, sigma / math.sqrt(2), pairs.size),
                        rng.uniform(0.0, 0.01, 5_000)])
    lag = cross_correlation_offset(rng.permutation(a), b, bin_width=10e-9, max_lag=5e-6,
                                   window=1e-9)
    assert abs(lag - sign * 123.456e-9) < sigma


def test_acquisition_streams_give_the_delay_plus_the_offset() -> None:
    """Lag = n_g L / c + 123.456 ns in direction ab and n_g L / c - 123.456 ns in ba, each
    to within sigma_c."""
    sigma_c = expected(SETUP).sigma_c
    assert sigma_c == pytest.approx(math.sqrt(2 * 30**2 + 2 * 20**2 / 12 + 10**2) * 1e-12)
    rng = np.random.default_rng(6)
    for direction, sign in (("ab", 1.0), ("ba", -1.0)):
        local, remote = acquisition_streams(SETUP, 0.02, rng, direction=direction)
        delay = SETUP.delay(direction)
        lag = cross_correlation_offset(local, remote - delay, bin_width=20e-9, max_lag=1e-6,
                                       window=1e-9)
        assert abs(lag - sign * 123.456e-9) < sigma_c


def test_acquisition_streams_have_the_singles_rates() -> None:
    span = 0.2
    local, remote = acquisition_streams(SETUP, span, np.random.default_rng(7))
    s_local, s_remote = SETUP.singles("ab")
    assert abs(local.size - s_local * span) < 5 * math.sqrt(s_local * span)
    assert abs(remote.size - s_remote * span) < 5 * math.sqrt(s_remote * span)
    assert np.all(np.diff(local) >= 0) and np.all(np.diff(remote) >= 0)
    # rounded to the tagger's 20 ps bins (bin centres)
    phase = np.mod(local[:100] / 20e-12, 1.0)
    np.testing.assert_allclose(phase, 0.5, atol=1e-3)


def test_too_fine_bins_are_refused() -> None:
    with pytest.raises(ValueError, match="bin_width"):
        cross_correlation_offset([0.0, 1.0], [0.5], bin_width=1e-9, max_lag=1e-6)
    with pytest.raises(ValueError, match="direction"):
        acquisition_streams(SETUP, 0.01, np.random.default_rng(1),
                            direction="xy")  # type: ignore[arg-type]
