"""Unit tests of qfab.quantum.density_matrix.DensityMatrixState."""

import math

import numpy as np
import pytest

from qfab.quantum import DensityMatrixState, PairState

T1, T2, T = 1.0, 0.5, 0.1


def _hand_kraus(t: float, t1: float, t2: float) -> list[np.ndarray]:
    """Amplitude damping and phase damping (Nielsen & Chuang Sec. 8.3.5-8.3.6), written out."""
    g = 1 - math.exp(-t / t1)
    lam = math.exp(-t / t2) / math.exp(-t / (2 * t1))
    amp = [np.array([[1, 0], [0, math.sqrt(1 - g)]]), np.array([[0, math.sqrt(g)], [0, 0]])]
    deph = [math.sqrt((1 + lam) / 2) * np.eye(2), math.sqrt((1 - lam) / 2) * np.diag([1, -1])]
    return [d @ a for d in deph for a in amp]


def test_implements_the_pair_state_interface() -> None:
    assert isinstance(DensityMatrixState.werner(0.9), PairState)


def test_bell_vector_round_trip() -> None:
    v = [0.6, 0.2, 0.15, 0.05]
    np.testing.assert_allclose(DensityMatrixState.from_bell_vector(v).bell_vector(), v, atol=1e-15)


def test_phi_plus_matrix() -> None:
    rho = DensityMatrixState.werner(1.0).rho
    expected = np.zeros((4, 4))
    expected[np.ix_([0, 3], [0, 3])] = 0.5
    np.testing.assert_allclose(rho, expected, atol=1e-15)


def test_rejects_non_states() -> None:
    with pytest.raises(ValueError, match="trace"):
        DensityMatrixState(np.eye(4))
    with pytest.raises(ValueError, match="positive"):
        DensityMatrixState(np.diag([1.5, -0.5, 0.0, 0.0]))


def test_matrix_is_read_only() -> None:
    with pytest.raises(ValueError):
        DensityMatrixState.werner(0.9).rho[0, 0] = 1.0


def test_decohere_applies_the_kraus_operators_to_qubit_a() -> None:
    rho0 = DensityMatrixState.from_bell_vector([0.6, 0.2, 0.15, 0.05])
    expected = sum(np.kron(k, np.eye(2)) @ rho0.rho @ np.kron(k, np.eye(2)).T
                   for k in _hand_kraus(T, T1, T2))
    np.testing.assert_allclose(rho0.decohere(T, 0.0, t1_a=T1, t2_a=T2).rho, expected, atol=1e-15)


def test_decohere_applies_the_kraus_operators_to_qubit_b() -> None:
    rho0 = DensityMatrixState.from_bell_vector([0.6, 0.2, 0.15, 0.05])
    expected = sum(np.kron(np.eye(2), k) @ rho0.rho @ np.kron(np.eye(2), k).T
                   for k in _hand_kraus(T, T1, T2))
    np.testing.assert_allclose(rho0.decohere(0.0, T, t1_b=T1, t2_b=T2).rho, expected, atol=1e-15)


def test_relaxation_populates_the_ground_state() -> None:
    rho = DensityMatrixState.werner(1.0).decohere(1.0, 1.0, t1_a=0.1, t2_a=0.2,
                                                  t1_b=0.1, t2_b=0.2).rho
    assert rho[0, 0].real == pytest.approx(1 - 0.5 * math.exp(-10) * (2 - math.exp(-10)), rel=1e-12)


def test_dephasing_alone_keeps_populations() -> None:
    rho = DensityMatrixState.werner(1.0).decohere(T, T, t2_a=T2, t2_b=T2).rho
    np.testing.assert_allclose(np.diag(rho).real, [0.5, 0, 0, 0.5], atol=1e-15)
    assert rho[0, 3].real == pytest.approx(0.5 * math.exp(-2 * T / T2))


def test_depolarize() -> None:
    state = DensityMatrixState.werner(1.0).depolarize(0.4)
    assert state.fidelity() == pytest.approx(1 - 0.75 * 0.4)


def test_ideal_swap_of_phi_plus_gives_phi_plus_for_every_sampled_outcome() -> None:
    rng = np.random.default_rng(3)
    phi = DensityMatrixState.werner(1.0)
    for _ in range(20):
        assert phi.swap(phi, rng=rng).fidelity() == pytest.approx(1.0, abs=1e-12)


def test_sampled_swap_of_bell_diagonal_states_equals_the_average() -> None:
    rng = np.random.default_rng(4)
    a = DensityMatrixState.from_bell_vector([0.6, 0.2, 0.15, 0.05])
    b = DensityMatrixState.from_bell_vector([0.7, 0.1, 0.05, 0.15])
    averaged = a.swap(b).rho
    for _ in range(8):
        np.testing.assert_allclose(a.swap(b, rng=rng).rho, averaged, atol=1e-12)


def test_sampled_swap_averages_to_the_outcome_average() -> None:
    # After relaxation the state is not Bell-diagonal and outcomes differ; the sample mean
    # of the fidelity must agree with the weighted average within 5 standard errors.
    rng = np.random.default_rng(5)
    a = DensityMatrixState.werner(1.0).decohere(0.0, 0.5, t1_b=0.5, t2_b=0.5)
    b = DensityMatrixState.werner(1.0).decohere(0.5, 0.0, t1_a=0.5, t2_a=0.5)
    samples = np.array([a.swap(b, rng=rng).fidelity() for _ in range(2000)])
    assert samples.std() > 0.01  # the outcomes really differ
    assert samples.mean() == pytest.approx(a.swap(b).fidelity(),
                                           abs=5 * samples.std() / math.sqrt(2000))


def test_swap_measurement_error_flips_the_correction() -> None:
    phi = DensityMatrixState.werner(1.0)
    np.testing.assert_allclose(phi.swap(phi, measurement_error=0.1).bell_vector(),
                               [0.81, 0.01, 0.09, 0.09], atol=1e-12)


def test_swap_with_another_formalism_is_rejected() -> None:
    from qfab.quantum import BellDiagonalState

    with pytest.raises(TypeError):
        DensityMatrixState.werner(0.9).swap(BellDiagonalState.werner(0.9))  # type: ignore[arg-type]
