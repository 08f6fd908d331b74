"""Clock models: the power-law noises have their TDEV/ADEV slopes and amplitudes.

Tolerances: 5 standard errors of each deviation from its equivalent degrees of freedom
(Greenhall & Riley 2003, ``qfab.timing.stability.standard_errors``) for the noise type.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy.signal import fftconvolve

from qfab.timing import ClockModel, stability
from qfab.timing.clocks import FLICKER_TDEV_PER_UNIT, _kasdin_walter_filter

N = 1 << 16


def _within(measured: np.ndarray, model: np.ndarray, errors: np.ndarray) -> None:
    assert np.all(np.abs(measured - model) < 5.0 * errors), (measured / model, errors / model)


def test_white_pm_tdev_falls_as_tau_to_minus_one_half() -> None:
    clock = ClockModel(white_pm=2e-12)
    x = clock.noise(N, 1.0, np.random.default_rng(11))
    taus, dev, err = stability.tdev(x, 1.0, [1, 4, 16, 64, 256], alpha=stability.WHITE_PM)
    _within(dev, 2e-12 / np.sqrt(taus), err)
    slope = np.polyfit(np.log(taus), np.log(dev), 1)[0]
    assert slope == pytest.approx(-0.5, abs=0.05)


def test_flicker_pm_tdev_is_flat_at_its_amplitude() -> None:
    clock = ClockModel(flicker_pm=0.5e-12)
    x = clock.noise(N, 2.0, np.random.default_rng(12))
    taus, dev, err = stability.tdev(x, 2.0, 2.0 * np.array([16, 64, 256, 1024]),
                                    alpha=stability.FLICKER_PM)
    _within(dev, np.full(taus.size, 0.5e-12), err)
    assert abs(np.polyfit(np.log(taus), np.log(dev), 1)[0]) < 0.1
    # white PM at the same level would have fallen by a factor 8 over these taus
    assert dev[-1] / dev[0] > 0.5


def test_random_walk_fm_adev_rises_as_tau_to_plus_one_half() -> None:
    """Discrete frequency random walk: AVAR = a^2 (tau + tau0^2 / (2 tau)) exactly."""
    a = 1e-13
    clock = ClockModel(random_walk_fm=a)
    x = clock.noise(N, 1.0, np.random.default_rng(13))
    taus, dev, err = stability.adev(x, 1.0, [1, 4, 16, 64, 256],
                                    alpha=stability.RANDOM_WALK_FM)
    _within(dev, a * np.sqrt(taus + 1.0 / (2.0 * taus)), err)
    assert np.polyfit(np.log(taus[1:]), np.log(dev[1:]), 1)[0] == pytest.approx(0.5, abs=0.1)


def test_the_flicker_constant_is_the_filters_exact_tdev() -> None:
    """TDEV^2(m) = |c * h|^2 / 6 for the modified second difference c of span 3m."""
    m = 256
    h = _kasdin_walter_filter(1.0, 200_000)
    c = np.zeros(3 * m)
    for j in range(m):
        c[j] += 1.0
        c[j + m] -= 2.0
        c[j + 2 * m] += 1.0
    tdev = np.sqrt(np.sum(fftconvolve(c / m, h) ** 2) / 6.0)
    assert tdev == pytest.approx(FLICKER_TDEV_PER_UNIT, rel=1e-3)
    # the continuous form of NIST SP 1065: TDEV^2 = 3.37 h_1 / (12 pi^2), h_1 = 4 pi
    assert np.sqrt(3.37 * 4 * np.pi / (12 * np.pi**2)) == pytest.approx(tdev, rel=2e-3)


def test_deterministic_part_and_offsets() -> None:
    clock = ClockModel(offset=1e-6, frequency_offset=2e-11, drift=1e-15)
    t = np.array([0.0, 10.0, 1e4])
    np.testing.assert_allclose(clock.deterministic(t), 1e-6 + 2e-11 * t + 0.5e-15 * t**2)
    np.testing.assert_allclose(clock.change(t + 1.0, t),
                               clock.deterministic(t + 1.0) - clock.deterministic(t),
                               rtol=1e-6)
    rng = np.random.default_rng(1)
    state = rng.bit_generator.state
    np.testing.assert_allclose(clock.offsets(4, 10.0, rng), clock.deterministic(t[:1] +
                                                                               [0, 10, 20, 30]))
    assert rng.bit_generator.state == state  # a noiseless clock draws nothing


@pytest.mark.parametrize("field", ["white_pm", "flicker_pm", "random_walk_fm"])
def test_negative_noise_is_refused(field: str) -> None:
    with pytest.raises(ValueError, match=field):
        ClockModel(**{field: -1.0})
