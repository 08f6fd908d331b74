"""Midpoint pair source with heralded loading: closed forms against direct sums over the
thermal pair distribution, the mu -> 0 and low-efficiency limits, exact multimode scaling."""

from __future__ import annotations

import math

import numpy as np
import pytest

from qfab.physics.midpoint_source import (
    mean_pairs_from_pair_probability,
    midpoint_source,
    midpoint_source_mode,
    multiplexed_success_probability,
)


def _direct(mu: float, eta_a: float, eta_b: float, d_a: float, d_b: float,
            n_max: int = 400) -> tuple[float, float]:
    """p_mode and p_true summed term by term over n pairs (thermal), written independently
    of the generating function: click at x unless no photon detected and no dark count."""
    p_mode = p_true = 0.0
    for n in range(n_max):
        weight = mu ** n / (1 + mu) ** (n + 1)
        click_a = 1 - (1 - d_a) * (1 - eta_a) ** n
        click_b = 1 - (1 - d_b) * (1 - eta_b) ** n
        p_mode += weight * click_a * click_b
        if n:  # one pair with both photons heralded, no photon of the others
            p_true += weight * n * eta_a * eta_b * ((1 - eta_a) * (1 - eta_b)) ** (n - 1)
    return p_mode, p_true


@pytest.mark.parametrize(("mu", "eta_a", "eta_b", "d_a", "d_b"), [
    (0.01, 0.1, 0.1, 0.0, 0.0),
    (0.3, 0.6, 0.2, 1e-3, 0.0),
    (1.5, 0.9, 0.05, 0.02, 0.01),
    (0.05, 0.0, 0.4, 0.1, 0.1),
])
def test_closed_forms_equal_the_sum_over_pair_numbers(mu: float, eta_a: float, eta_b: float,
                                                       d_a: float, d_b: float) -> None:
    p_mode, p_true = midpoint_source_mode(mu, eta_a, eta_b, dark_count_probability_a=d_a,
                                          dark_count_probability_b=d_b)
    expected_mode, expected_true = _direct(mu, eta_a, eta_b, d_a, d_b)
    assert p_mode == pytest.approx(expected_mode, rel=1e-10, abs=1e-15)
    assert p_true == pytest.approx(expected_true, rel=1e-10, abs=1e-15)


def test_dark_counts_alone_herald_only_noise() -> None:
    p_mode, p_true = midpoint_source_mode(0.0, 0.5, 0.5, dark_count_probability_a=0.1,
                                          dark_count_probability_b=0.2)
    assert p_mode == pytest.approx(0.1 * 0.2, rel=1e-12) and p_true == 0.0
    p, state = midpoint_source(0.0, 0.5, 0.5, dark_count_probability_a=0.1,
                               dark_count_probability_b=0.2)
    assert state == pytest.approx([0.25] * 4)


@pytest.mark.parametrize("mu", [1e-4, 1e-6, 1e-8])
def test_mu_to_zero_keeps_the_sources_pair_and_p_is_mu_eta_eta(mu: float) -> None:
    eta_a, eta_b, f_s = 0.3, 0.7, 0.97
    p, state = midpoint_source(mu, eta_a, eta_b, source_fidelity=f_s)
    # first corrections are O(mu): p = mu eta_a eta_b (1 + O(mu)), F = F_s - O(mu)
    assert p == pytest.approx(mu * eta_a * eta_b, rel=5 * mu)
    assert state[0] == pytest.approx(f_s, abs=5 * mu)
    assert state[0] < f_s
    assert state[1:] == pytest.approx([(1 - state[0]) / 3] * 3, rel=1e-12)


@pytest.mark.parametrize("mu", [0.01, 0.1, 0.5])
def test_low_efficiency_gives_the_multi_pair_visibility_of_spdc(mu: float) -> None:
    """Coincidence-to-accidental ratio 1 + 1/mu: the share of true heralds is 1/(1 + 2 mu)."""
    eta = 1e-5
    p_mode, p_true = midpoint_source_mode(mu, eta, eta)
    assert p_true / p_mode == pytest.approx(1 / (1 + 2 * mu), rel=1e-4)
    _, state = midpoint_source(mu, eta, eta)
    w = 1 / (1 + 2 * mu)
    assert state[0] == pytest.approx(w + (1 - w) / 4, rel=1e-4)


@pytest.mark.parametrize("modes", [1, 2, 7, 100, 10_000])
def test_modes_multiply_as_one_minus_the_product_of_failures(modes: int) -> None:
    p_mode, _ = midpoint_source_mode(0.05, 0.2, 0.3, dark_count_probability_a=1e-4,
                                     dark_count_probability_b=1e-4)
    p, state = midpoint_source(0.05, 0.2, 0.3, dark_count_probability_a=1e-4,
                               dark_count_probability_b=1e-4, modes=modes)
    assert p == pytest.approx(1 - (1 - float(p_mode)) ** modes, rel=1e-12)
    _, one = midpoint_source(0.05, 0.2, 0.3, dark_count_probability_a=1e-4,
                             dark_count_probability_b=1e-4, modes=1)
    np.testing.assert_array_equal(state, one)  # every mode holds the same state


def test_multiplexing_is_accurate_for_tiny_probabilities() -> None:
    assert multiplexed_success_probability(1e-18, 1000) == pytest.approx(1e-15, rel=1e-12)
    assert multiplexed_success_probability(1.0, 3) == 1.0
    assert multiplexed_success_probability(0.0, 3) == 0.0


def test_pair_probability_is_one_minus_the_vacuum() -> None:
    for p in (1e-3, 0.1, 0.5, 0.9):
        mu = float(mean_pairs_from_pair_probability(p))
        assert 1 - 1 / (1 + mu) == pytest.approx(p, rel=1e-12)


def test_more_pairs_raise_the_rate_and_lower_the_fidelity() -> None:
    mus = np.array([0.001, 0.01, 0.1, 1.0])
    p, state = midpoint_source(mus, 0.2, 0.2)
    assert np.all(np.diff(p) > 0) and np.all(np.diff(state[:, 0]) < 0)


def test_broadcasts() -> None:
    p, state = midpoint_source(np.array([0.01, 0.1]), 0.5, np.array([[0.1], [0.2], [0.3]]))
    assert p.shape == (3, 2) and state.shape == (3, 2, 4)
    assert state.sum(axis=-1) == pytest.approx(np.ones((3, 2)))


@pytest.mark.parametrize(("call", "message"), [
    (lambda: midpoint_source(-0.1, 0.5, 0.5), "mean_pairs: must be >= 0"),
    (lambda: midpoint_source(0.1, 1.5, 0.5), "efficiency_a: must be a probability"),
    (lambda: midpoint_source(0.1, 0.5, 0.5, modes=0), "modes: must be >= 1"),
    (lambda: midpoint_source(0.1, 0.5, 0.5, source_fidelity=2), "source_fidelity"),
    (lambda: mean_pairs_from_pair_probability(1.0), "pair_probability: must be < 1"),
    (lambda: midpoint_source(math.nan, 0.5, 0.5), "mean_pairs: must not be NaN"),
])
def test_bad_arguments_are_named(call: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        call()  # type: ignore[operator]


@pytest.mark.parametrize(("mu", "eta", "modes", "p_mode", "p", "fidelity"), [
    (0.02, 0.1, 1, 2.064013e-4, 2.064013e-4, 0.9712477),
    (0.02, 0.1, 100, 2.064013e-4, 0.02043067, 0.9712477),
    (0.1, 0.5, 10, 0.02547065, 0.2274098, 0.8870071),
])
def test_reference_values(mu: float, eta: float, modes: int, p_mode: float, p: float,
                          fidelity: float) -> None:
    """HEG-MIDPOINT-01 in docs/references.md."""
    one, _ = midpoint_source_mode(mu, eta, eta)
    got, state = midpoint_source(mu, eta, eta, modes=modes)
    assert one == pytest.approx(p_mode, rel=1e-6)
    assert got == pytest.approx(p, rel=1e-6)
    assert state[0] == pytest.approx(fidelity, rel=1e-6)
