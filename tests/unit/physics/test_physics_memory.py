"""Unit tests of qfab.physics.memory."""

import math

import numpy as np
import pytest

from qfab.physics import bell_diagonal as bd
from qfab.physics.memory import (
    decohere,
    depolarizing_memory,
    depolarizing_memory_fidelity,
    pauli_twirled_t1_t2,
    t1_t2_kraus,
)

_PAULIS = np.array([[[1, 0], [0, 1]], [[0, 1], [1, 0]], [[0, -1j], [1j, 0]], [[1, 0], [0, -1]]])


def _apply(kraus: np.ndarray, rho: np.ndarray) -> np.ndarray:
    return np.asarray(np.einsum("kij,jl,kml->im", kraus, rho, kraus.conj()))


def test_no_time_no_error() -> None:
    np.testing.assert_allclose(pauli_twirled_t1_t2(0.0, t1=1.0, t2=0.5), [1, 0, 0, 0])


def test_infinite_times_mean_no_decay() -> None:
    np.testing.assert_allclose(pauli_twirled_t1_t2(10.0), [1, 0, 0, 0])


def test_pure_dephasing_has_only_z_errors() -> None:
    p = pauli_twirled_t1_t2(0.1, t2=0.5)
    assert p[1] == p[2] == 0.0
    assert p[3] == pytest.approx((1 - math.exp(-0.2)) / 2)


def test_twirled_probabilities_formula() -> None:
    e1, e2 = math.exp(-0.3 / 2.0), math.exp(-0.3 / 1.5)
    expected = [(1 + e1 + 2 * e2) / 4, (1 - e1) / 4, (1 - e1) / 4, (1 + e1 - 2 * e2) / 4]
    np.testing.assert_allclose(pauli_twirled_t1_t2(0.3, t1=2.0, t2=1.5), expected, rtol=1e-14)


def test_t2_longer_than_twice_t1_is_rejected() -> None:
    with pytest.raises(ValueError, match="T2 <= 2 T1"):
        pauli_twirled_t1_t2(0.1, t1=1.0, t2=2.5)


def test_finite_t1_needs_finite_t2() -> None:
    with pytest.raises(ValueError, match="T2 <= 2 T1"):
        pauli_twirled_t1_t2(0.1, t1=1.0)


def test_twirled_probabilities_broadcast() -> None:
    out = pauli_twirled_t1_t2(np.linspace(0, 1, 5), t1=np.array([[1.0], [2.0]]), t2=1.0)
    assert out.shape == (2, 5, 4)


def test_kraus_operators_are_complete() -> None:
    k = t1_t2_kraus(0.2, t1=1.0, t2=0.7)
    np.testing.assert_allclose(np.einsum("kji,kjl->il", k, k), np.eye(2), atol=1e-15)


def test_kraus_relaxation_empties_the_excited_level_at_rate_one_over_t1() -> None:
    rho = _apply(t1_t2_kraus(0.2, t1=1.0, t2=0.7), np.diag([0.0, 1.0]))
    assert rho[1, 1].real == pytest.approx(math.exp(-0.2))


def test_kraus_coherence_decays_at_rate_one_over_t2() -> None:
    rho = _apply(t1_t2_kraus(0.2, t1=1.0, t2=0.7), np.full((2, 2), 0.5))
    assert abs(rho[0, 1]) == pytest.approx(0.5 * math.exp(-0.2 / 0.7))


def test_pauli_twirl_of_the_kraus_channel_gives_the_twirled_probabilities() -> None:
    # Diagonal of the chi matrix: p_P = sum_k |tr(P K_k)/2|^2.
    k = t1_t2_kraus(0.4, t1=1.0, t2=0.9)
    chi = np.array([np.sum(np.abs(np.einsum("ij,kji->k", p, k) / 2) ** 2) for p in _PAULIS])
    np.testing.assert_allclose(chi, pauli_twirled_t1_t2(0.4, t1=1.0, t2=0.9), atol=1e-14)


def test_decohere_one_side_applies_the_twirled_channel() -> None:
    p = pauli_twirled_t1_t2(0.1, t1=1.0, t2=0.5)
    out = decohere(bd.werner(1.0), 0.1, 0.0, t1_a=1.0, t2_a=0.5)
    np.testing.assert_allclose(out, [p[0], p[2], p[1], p[3]])  # Bell order (I, Y, X, Z)


def test_decohere_sides_are_interchangeable() -> None:
    v = np.array([0.7, 0.1, 0.15, 0.05])
    np.testing.assert_allclose(
        decohere(v, 0.1, 0.3, t1_a=1.0, t2_a=0.5, t1_b=2.0, t2_b=1.0),
        decohere(v, 0.3, 0.1, t1_a=2.0, t2_a=1.0, t1_b=1.0, t2_b=0.5),
    )


def test_decohere_without_decay_is_the_identity() -> None:
    v = np.array([0.7, 0.1, 0.15, 0.05])
    np.testing.assert_allclose(decohere(v, 5.0, 5.0), v)


def test_depolarizing_memory_fidelity_limits() -> None:
    assert depolarizing_memory_fidelity(0.9, 0.0, coherence_time=1.0) == pytest.approx(0.9)
    assert depolarizing_memory_fidelity(0.9, 1e3, coherence_time=1.0) == pytest.approx(0.25)


def test_depolarizing_memory_state_has_that_fidelity() -> None:
    out = depolarizing_memory(bd.werner(0.9), 0.3, coherence_time=0.5)
    assert out[0] == pytest.approx(depolarizing_memory_fidelity(0.9, 0.3, coherence_time=0.5))
    np.testing.assert_allclose(out, bd.twirl(out))
