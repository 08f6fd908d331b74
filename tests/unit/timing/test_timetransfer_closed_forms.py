"""The closed forms of qfab.physics.timetransfer with numbers (REFERENCES CLOCK-QTT-02)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from qfab.physics import timetransfer as tt


def test_dispersion_spread_of_the_reference_example() -> None:
    """17 ps/(nm km) x 50 km x 0.8 nm = 680 ps; the sign of D does not matter."""
    assert tt.dispersion_spread(17e-6, 50e3, 0.8e-9) == pytest.approx(680e-12, rel=1e-12)
    assert tt.dispersion_spread(-17e-6, 50e3, 0.8e-9) == pytest.approx(680e-12, rel=1e-12)


def test_asymmetry_bias_is_2449_fs_per_mm() -> None:
    assert tt.asymmetry_bias(1e-3) == pytest.approx(2.449e-12, abs=0.0005e-12)
    assert tt.asymmetry_bias(1e-3) == pytest.approx(1.4682e-3 / (2 * 299_792_458.0), rel=1e-12)
    np.testing.assert_allclose(tt.asymmetry_bias(np.array([-2e-3, 0.0, 4e-3])),
                               np.array([-2, 0, 4]) * tt.asymmetry_bias(1e-3))


def test_accidentals_and_quadrature() -> None:
    assert tt.accidental_rate(1e5, 2e5, 1e-9) == pytest.approx(20.0)
    assert tt.coincidence_spread(3e-12, 4e-12, 12e-12) == pytest.approx(13e-12)
    assert tt.fwhm_to_sigma(2.0 * math.sqrt(2.0 * math.log(2.0))) == pytest.approx(1.0)
    assert tt.uniform_sigma(math.sqrt(12.0)) == pytest.approx(1.0)


def test_precision_one_and_two_way() -> None:
    """10 ps over 100 coincidences one way is 1 ps; two-way halves the variance."""
    assert tt.offset_precision(10e-12, 100.0, 1.0, directions=1) == pytest.approx(1e-12)
    assert tt.offset_precision(10e-12, 100.0, 1.0) == pytest.approx(1e-12 / math.sqrt(2))
    with pytest.raises(ValueError, match="directions"):
        tt.offset_precision(10e-12, 100.0, 1.0, directions=3)
    with pytest.raises(ValueError, match="rate"):
        tt.offset_precision(10e-12, 0.0, 1.0)


def test_precision_with_background_limits() -> None:
    """No background: sigma_c / sqrt(N_s); background only: the uniform W / sqrt(12 N_b)."""
    assert tt.offset_precision_with_background(10e-12, 100, 0, 1e-9) == pytest.approx(1e-12)
    assert tt.offset_precision_with_background(10e-12, 0, 100, 1e-9) == pytest.approx(
        1e-9 / math.sqrt(12.0) / 10.0)
    # 100 + 10 in the window: sqrt(100 * 1e-22 + 10 * 1e-18 / 12) / 110
    assert tt.offset_precision_with_background(10e-12, 100, 10, 1e-9) == pytest.approx(
        math.sqrt(100 * 1e-22 + 10 * 1e-18 / 12) / 110)
    with pytest.raises(ValueError):
        tt.offset_precision_with_background(10e-12, 0, 0, 1e-9)


def test_tdev_model_and_time_to_target() -> None:
    """A 30 ps spread at 40 Hz per direction reaches 1 ps after 30^2 / 80 = 11.25 s."""
    assert tt.time_to_target(1e-12, 30e-12, 40.0, 0.0) == pytest.approx(11.25)
    tau = tt.time_to_target(1e-12, 30e-12, 40.0, 0.6e-12)
    assert tau == pytest.approx(900 / (80 * (1 - 0.36)))
    assert tt.tdev_model(tau, 30e-12, 40.0, 0.6e-12) == pytest.approx(1e-12)
    assert math.isinf(tt.time_to_target(1e-12, 30e-12, 40.0, 1e-12))
    assert tt.time_to_target(1e-12, 30e-12, 40.0, 0.0, directions=1) == pytest.approx(22.5)
    np.testing.assert_allclose(tt.tdev_model(np.array([1.0, 4.0, 1e12]), 30e-12, 40.0, 0.0),
                               30e-12 / np.sqrt(80 * np.array([1.0, 4.0, 1e12])))
    assert tt.tdev_model(1e12, 30e-12, 40.0, 0.3e-12) == pytest.approx(0.3e-12, rel=1e-6)
