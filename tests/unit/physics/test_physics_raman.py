"""Raman noise of WDM coexistence (Eraerds et al., NJP 12, 063027 (2010)): its shape."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import integrate

from qfab.physics.raman import backward_power, forward_power, midpoint_power, noise_photons

ALPHA = 0.2 * math.log(10) / 10 / 1e3  # 0.2 dB/km in 1/m
BETA = 3e-12  # 1/m: a coefficient of 3e-9 /(km nm) behind a 1 nm filter (an illustrative order)


def test_noise_is_proportional_to_the_launch_power() -> None:
    for power in (forward_power, backward_power):
        one = float(power(1e-3, 25e3, ALPHA, BETA))
        assert float(power(7e-3, 25e3, ALPHA, BETA)) == pytest.approx(7 * one, rel=1e-12)


def test_the_closed_forms_integrate_the_scattering_along_the_fibre() -> None:
    """Forward: scattered at z, carried to L (exp(-alpha L) in all); backward: scattered at
    z, returned over z (exp(-2 alpha z)). Numerical integrals of both equal the forms."""
    length = 40e3
    forward, _ = integrate.quad(lambda z: 1e-3 * BETA * math.exp(-ALPHA * length), 0, length)
    backward, _ = integrate.quad(lambda z: 1e-3 * BETA * math.exp(-2 * ALPHA * z), 0, length)
    assert float(forward_power(1e-3, length, ALPHA, BETA)) == pytest.approx(forward, rel=1e-9)
    assert float(backward_power(1e-3, length, ALPHA, BETA)) == pytest.approx(backward,
                                                                             rel=1e-9)


def test_forward_noise_peaks_at_one_attenuation_length_and_backward_saturates() -> None:
    lengths = np.linspace(0.0, 200e3, 200_001)
    forward = forward_power(1e-3, lengths, ALPHA, BETA)
    assert lengths[int(np.argmax(forward))] == pytest.approx(1 / ALPHA, rel=1e-4)
    backward = backward_power(1e-3, lengths, ALPHA, BETA)
    assert np.all(np.diff(backward) > 0)
    assert float(backward[-1]) == pytest.approx(1e-3 * BETA / (2 * ALPHA), rel=1e-7)
    assert float(backward_power(1e-3, 1e3, 0.0, BETA)) == pytest.approx(1e-3 * BETA * 1e3)


def test_noise_photons_follow_the_planck_relation() -> None:
    energy = 6.62607015e-34 * 299_792_458.0 / 1550e-9
    assert float(noise_photons(energy * 1e6, 1550e-9, 1e-9, efficiency=0.5)) == \
        pytest.approx(0.5e-3, rel=1e-12)


def test_the_midpoint_station_receives_forward_light_of_one_half_and_backward_of_the_other(
) -> None:
    """Integrated along the fibre: light scattered at z < L/2 travels on to L/2 (forward,
    exp(-alpha L/2) in all); light scattered at z > L/2 returns z - L/2 (backward, the
    signal there has exp(-alpha z)): the total equals the two-half form."""
    length = 60e3
    half = length / 2
    forward, _ = integrate.quad(lambda z: 1e-3 * BETA * math.exp(-ALPHA * half), 0, half)
    backward, _ = integrate.quad(
        lambda z: 1e-3 * BETA * math.exp(-ALPHA * z) * math.exp(-ALPHA * (z - half)),
        half, length)
    assert float(midpoint_power(1e-3, length, ALPHA, BETA)) == pytest.approx(
        forward + backward, rel=1e-9)
    assert float(midpoint_power(5e-3, length, ALPHA, BETA)) == pytest.approx(
        5 * (forward + backward), rel=1e-12)
