"""Polarization drift of a fibre (isotropic random walk of the SOP, Czegledi et al., Sci. Rep.
6, 21217 (2016)) and its compensation: the closed forms against a sampled walk."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import integrate
from scipy.spatial.transform import Rotation

from qfab.physics.encoding import compensated_polarization_contraction, polarization_contraction


def test_an_isotropic_random_walk_of_the_stokes_vector_contracts_it_by_exp_minus_t_over_tau(
) -> None:
    """Sample the walk: small isotropic rotations of angle variance 2 dt / tau per step make
    <s(0).s(t)> = exp(-t / tau) (rotational diffusion, D = 1 / (2 tau)). 4,000 walks; the
    dot product has variance <= 1, so 5 standard errors are 5 / sqrt(4000) = 0.08."""
    rng = np.random.default_rng(3)
    tau, steps, dt, walks = 1.0, 100, 0.01, 4000
    start = np.array([0.0, 0.0, 1.0])
    vectors = np.tile(start, (walks, 1))
    for _ in range(steps):
        increments = rng.normal(0.0, math.sqrt(dt / tau), size=(walks, 3))
        vectors = Rotation.from_rotvec(increments).apply(vectors)
    measured = float(np.mean(vectors @ start))
    expected = float(polarization_contraction(steps * dt, tau))
    assert expected == pytest.approx(math.exp(-1.0))
    assert abs(measured - expected) < 5 / math.sqrt(walks)


def test_the_compensated_contraction_is_the_mean_over_the_interval() -> None:
    tau, interval = 300.0, 120.0
    mean, _ = integrate.quad(lambda t: math.exp(-t / tau), 0, interval)
    assert float(compensated_polarization_contraction(interval, tau)) == pytest.approx(
        mean / interval, rel=1e-12)
    assert float(compensated_polarization_contraction(0.0, tau)) == 1.0
    assert float(compensated_polarization_contraction(1e9, 1.0)) == pytest.approx(1e-9)
    assert float(polarization_contraction(5.0, math.inf)) == 1.0


def test_bad_arguments_name_themselves() -> None:
    with pytest.raises(ValueError, match="drift_time"):
        polarization_contraction(1.0, 0.0)
    with pytest.raises(ValueError, match="compensation_interval"):
        compensated_polarization_contraction(-1.0, 1.0)
