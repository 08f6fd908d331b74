"""Pair states stored in memory models: both formalisms against the physics definitions."""

from __future__ import annotations

import numpy as np
import pytest

from qfab.memorymodel import memory_model
from qfab.physics import bell_diagonal as bd, memory as physics
from qfab.quantum import BellDiagonalState, DensityMatrixState
from qfab.spec.models import DepolarizingMemorySpec, T1T2MemorySpec

VECTOR = np.array([0.82, 0.05, 0.08, 0.05])
MEMORIES = {
    "t1t2": memory_model(T1T2MemorySpec(t1=0.4, t2=0.3)),
    "t2 only": memory_model(T1T2MemorySpec(t2=0.2)),
    "depolarizing": memory_model(DepolarizingMemorySpec(kind="depolarizing",
                                                        coherence_time=0.25)),
    "ideal": memory_model(T1T2MemorySpec()),
}


@pytest.mark.parametrize("a", list(MEMORIES))
@pytest.mark.parametrize("b", list(MEMORIES))
def test_bell_diagonal_storage_is_the_physics_channel(a: str, b: str) -> None:
    """The event simulation's scalar product of characters equals physics.memory.stored."""
    t_a, t_b = 0.07, 0.03
    got = BellDiagonalState(VECTOR).stored(t_a, t_b, MEMORIES[a], MEMORIES[b]).bell_vector()
    expected = physics.stored(physics.stored(VECTOR, t_a, MEMORIES[a].decay_rates), t_b,
                              MEMORIES[b].decay_rates)
    np.testing.assert_allclose(got, expected, atol=1e-15)


def test_bell_diagonal_storage_of_t1t2_is_decohere() -> None:
    state = BellDiagonalState(VECTOR)
    got = state.stored(0.07, 0.03, MEMORIES["t1t2"], MEMORIES["t2 only"])
    expected = state.decohere(0.07, 0.03, t1_a=0.4, t2_a=0.3, t2_b=0.2)
    np.testing.assert_allclose(got.bell_vector(), expected.bell_vector(), atol=1e-15)


@pytest.mark.parametrize("kind", list(MEMORIES))
def test_density_matrix_storage_applies_the_memory_kraus_operators(kind: str) -> None:
    memory = MEMORIES[kind]
    rho = DensityMatrixState.from_bell_vector(VECTOR).stored(0.05, 0.0, memory, MEMORIES["ideal"])
    kraus = [np.kron(k, np.eye(2)) for k in memory.kraus(0.05)]
    start = DensityMatrixState.from_bell_vector(VECTOR).rho
    expected = sum(k @ start @ k.conj().T for k in kraus)
    np.testing.assert_allclose(rho.rho, expected, atol=1e-15)


def test_depolarizing_memory_is_exact_in_both_formalisms() -> None:
    """A Pauli channel keeps Bell-diagonal states Bell-diagonal: the formalisms agree."""
    memory = MEMORIES["depolarizing"]
    dense = DensityMatrixState.from_bell_vector(VECTOR).stored(0.1, 0.2, memory, memory)
    bell = BellDiagonalState(VECTOR).stored(0.1, 0.2, memory, memory)
    np.testing.assert_allclose(dense.bell_vector(), bell.bell_vector(), atol=1e-14)
    off_diagonal = dense.rho - DensityMatrixState.from_bell_vector(dense.bell_vector()).rho
    np.testing.assert_allclose(off_diagonal, 0, atol=1e-14)


def test_fidelity_is_the_physics_fidelity_of_the_characters() -> None:
    state = BellDiagonalState(VECTOR).stored(0.02, 0.01, MEMORIES["t1t2"],
                                             MEMORIES["depolarizing"])
    chars = bd.characters(state.bell_vector())
    assert state.fidelity() == pytest.approx(float(bd.fidelity_from_characters(chars)),
                                             abs=1e-15)


def test_noiseless_swap_is_the_physics_swap() -> None:
    other = np.array([0.7, 0.1, 0.1, 0.1])
    out = BellDiagonalState(VECTOR).swap(BellDiagonalState(other))
    np.testing.assert_allclose(out.vector, bd.swap(VECTOR, other), atol=1e-15)
