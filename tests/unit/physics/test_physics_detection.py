"""Unit tests of qfab.physics.detection."""

import math

import numpy as np
import pytest

from qfab.physics.detection import (
    click_probability,
    dark_count_probability,
    detection_probability,
)


def test_no_dark_counts_at_zero_rate() -> None:
    assert dark_count_probability(0.0, 1e-9) == 0.0


def test_dark_count_probability_is_poisson() -> None:
    assert dark_count_probability(1e3, 1e-3) == pytest.approx(1 - math.exp(-1), rel=1e-12)


def test_dark_count_probability_is_rate_times_window_when_small() -> None:
    assert dark_count_probability(10.0, 1e-9) == pytest.approx(1e-8, rel=1e-7)


def test_no_light_no_dark_no_click() -> None:
    assert click_probability(0.0, 0.9) == 0.0


def test_dark_counts_alone_click_with_their_probability() -> None:
    assert click_probability(0.0, 0.9, dark_count_probability=1e-5) == pytest.approx(1e-5)


def test_click_probability_of_a_coherent_pulse() -> None:
    assert click_probability(2.0, 0.5) == pytest.approx(1 - math.exp(-1.0), rel=1e-12)


def test_click_probability_is_the_poisson_average_of_the_photon_number_yield() -> None:
    # Y_n = 1 - (1 - p_dark)(1 - eta)^n averaged over a Poisson photon number (Ma et al. 2005).
    mu, eta, pd = 0.7, 0.3, 0.01
    expected = sum(
        math.exp(-mu) * mu**n / math.factorial(n) * (1 - (1 - pd) * (1 - eta) ** n)
        for n in range(60)
    )
    assert click_probability(mu, eta, dark_count_probability=pd) == pytest.approx(
        expected, rel=1e-12
    )


def test_single_photon_detection_probability() -> None:
    assert detection_probability(0.9, dark_count_probability=0.1) == pytest.approx(0.91)


def test_perfect_detector_always_clicks_on_a_photon() -> None:
    assert detection_probability(1.0, dark_count_probability=0.3) == 1.0


def test_detection_probabilities_broadcast() -> None:
    out = detection_probability(
        np.linspace(0, 1, 5), dark_count_probability=np.array([[0.0], [0.5]])
    )
    assert out.shape == (2, 5)


def test_efficiency_above_one_is_rejected() -> None:
    with pytest.raises(ValueError, match="efficiency"):
        click_probability(1.0, 1.3)
