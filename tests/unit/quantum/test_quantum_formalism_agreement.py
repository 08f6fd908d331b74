"""The Bell-diagonal and density-matrix formalisms agree where the Bell-diagonal model is exact."""

import math

import numpy as np
import pytest

from qfab.quantum import BellDiagonalState, DensityMatrixState

V1 = [0.6, 0.2, 0.15, 0.05]
V2 = [0.7, 0.05, 0.1, 0.15]


def _both(v: list[float]) -> tuple[BellDiagonalState, DensityMatrixState]:
    return BellDiagonalState.from_bell_vector(v), DensityMatrixState.from_bell_vector(v)


@pytest.mark.parametrize(("f1", "f2"), [(0.9, 0.9), (0.95, 0.7), (0.5, 0.99)])
def test_swap_of_werner_states(f1: float, f2: float) -> None:
    bd_out = BellDiagonalState.werner(f1).swap(BellDiagonalState.werner(f2))
    dm_out = DensityMatrixState.werner(f1).swap(DensityMatrixState.werner(f2))
    assert dm_out.fidelity() == pytest.approx(bd_out.fidelity(), abs=1e-12)


def test_density_matrix_swap_of_bell_diagonal_states_gives_the_bell_diagonal_swap() -> None:
    b1, d1 = _both(V1)
    b2, d2 = _both(V2)
    np.testing.assert_allclose(d1.swap(d2).bell_vector(), b1.swap(b2).vector, atol=1e-12)
    np.testing.assert_allclose(d1.swap(d2).rho,
                               DensityMatrixState.from_bell_vector(b1.swap(b2).vector).rho,
                               atol=1e-12)


def test_imperfect_swap() -> None:
    b1, d1 = _both(V1)
    b2, d2 = _both(V2)
    dm_out = d1.swap(d2, gate_depolarization=0.03, measurement_error=0.02)
    bd_out = b1.swap(b2, gate_depolarization=0.03, measurement_error=0.02)
    np.testing.assert_allclose(dm_out.bell_vector(), bd_out.vector, atol=1e-12)


def test_pure_dephasing_on_both_sides() -> None:
    b, d = _both(V1)
    kw = {"t2_a": 0.5, "t2_b": 0.3}
    np.testing.assert_allclose(d.decohere(0.1, 0.2, **kw).bell_vector(),
                               b.decohere(0.1, 0.2, **kw).vector, atol=1e-12)


@pytest.mark.parametrize("side", ["a", "b"])
def test_relaxation_and_dephasing_on_one_side(side: str) -> None:
    b, d = _both(V1)
    if side == "a":
        args, kw = (0.1, 0.2), {"t1_a": 1.0, "t2_a": 0.5, "t2_b": 0.3}
    else:
        args, kw = (0.2, 0.1), {"t2_a": 0.3, "t1_b": 1.0, "t2_b": 0.5}
    assert d.decohere(*args, **kw).fidelity() == pytest.approx(
        b.decohere(*args, **kw).fidelity(), abs=1e-12)


def test_relaxation_on_both_sides_differs_by_the_dropped_ground_state_correlation() -> None:
    # Exact fidelity of Phi+ under T1 on both qubits exceeds the Pauli-twirled one by
    # gamma_a gamma_b / 4: both qubits relax towards |00>, which the twirl discards.
    kw = {"t1_a": 1.0, "t2_a": 0.5, "t1_b": 2.0, "t2_b": 1.0}
    f_dm = DensityMatrixState.werner(1.0).decohere(0.1, 0.3, **kw).fidelity()
    f_bd = BellDiagonalState.werner(1.0).decohere(0.1, 0.3, **kw).fidelity()
    gamma_a, gamma_b = 1 - math.exp(-0.1), 1 - math.exp(-0.15)
    assert f_dm - f_bd == pytest.approx(gamma_a * gamma_b / 4, abs=1e-12)


def test_depolarize() -> None:
    b, d = _both(V1)
    np.testing.assert_allclose(d.depolarize(0.3).bell_vector(), b.depolarize(0.3).vector,
                               atol=1e-12)


def test_exchanging_sides_moves_one_sided_decay_to_the_other_qubit() -> None:
    """Exchanging the qubits of a pair that relaxed on side a equals relaxation on side b."""
    from qfab.quantum.density_matrix import DensityMatrixState

    start = DensityMatrixState.werner(0.9)
    on_a = start.decohere(0.1, 0.0, t1_a=0.3, t2_a=0.2).exchanged()
    on_b = start.decohere(0.0, 0.1, t1_b=0.3, t2_b=0.2)
    assert np.allclose(on_a.rho, on_b.rho)
