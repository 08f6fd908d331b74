"""Unit tests of qfab.quantum.bell_diagonal.BellDiagonalState."""

import math

import numpy as np
import pytest

from qfab.physics import bell_diagonal as bd, memory
from qfab.quantum import BellDiagonalState, DensityMatrixState, PairState


def test_implements_the_pair_state_interface() -> None:
    assert isinstance(BellDiagonalState.werner(0.9), PairState)


def test_werner_constructor() -> None:
    np.testing.assert_allclose(BellDiagonalState.werner(0.7).vector, [0.7, 0.1, 0.1, 0.1])


def test_fidelity_is_a_float() -> None:
    f = BellDiagonalState([0.6, 0.2, 0.15, 0.05]).fidelity()
    assert type(f) is float
    assert f == pytest.approx(0.6)


def test_rejects_unnormalised_vectors() -> None:
    with pytest.raises(ValueError, match="vector"):
        BellDiagonalState([0.6, 0.2, 0.15, 0.1])


def test_vector_is_read_only() -> None:
    state = BellDiagonalState.werner(0.9)
    with pytest.raises(ValueError):
        state.vector[0] = 1.0


def test_operations_return_new_states() -> None:
    state = BellDiagonalState.werner(0.9)
    assert state.depolarize(0.5) is not state
    assert state.fidelity() == pytest.approx(0.9)


def test_decohere_delegates_to_physics() -> None:
    v = np.array([0.7, 0.1, 0.15, 0.05])
    out = BellDiagonalState(v).decohere(0.1, 0.2, t1_a=1.0, t2_a=0.5, t2_b=0.3)
    np.testing.assert_allclose(out.vector,
                               memory.decohere(v, 0.1, 0.2, t1_a=1.0, t2_a=0.5, t2_b=0.3))


def test_swap_delegates_to_physics() -> None:
    v1, v2 = np.array([0.7, 0.1, 0.15, 0.05]), np.array([0.6, 0.2, 0.15, 0.05])
    out = BellDiagonalState(v1).swap(BellDiagonalState(v2), gate_depolarization=0.01,
                                     measurement_error=0.02)
    np.testing.assert_allclose(out.vector, bd.swap(v1, v2, gate_depolarization=0.01,
                                                   measurement_error=0.02))


def test_swap_with_another_formalism_is_rejected() -> None:
    with pytest.raises(TypeError):
        BellDiagonalState.werner(0.9).swap(DensityMatrixState.werner(0.9))  # type: ignore[arg-type]


def test_decayed_matches_decohere() -> None:
    """The event simulation's unchecked decay equals decohere with the same factors."""
    state = BellDiagonalState([0.85, 0.05, 0.06, 0.04])
    t_a, t_b, t1_a, t2_a, t1_b, t2_b = 0.01, 0.02, 0.5, 0.3, 0.8, 0.2
    expected = state.decohere(t_a, t_b, t1_a=t1_a, t2_a=t2_a, t1_b=t1_b, t2_b=t2_b)
    got = state.decayed(math.exp(-t_a / t1_a - t_b / t1_b), math.exp(-t_a / t2_a - t_b / t2_b))
    assert got.bell_vector() == pytest.approx(expected.bell_vector(), abs=1e-15)
