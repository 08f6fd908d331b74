"""Average teleportation fidelity against an explicit teleportation of random qubit states.

The protocol is built here from scratch in NumPy (three qubits: input, sender's half,
receiver's half; Bell measurement, Pauli correction), independently of qfab's Bell-diagonal
algebra, and run on Haar-random inputs and on the six Pauli eigenstates (a 3-design, so
their mean is the exact average over all inputs).
"""

from __future__ import annotations

import numpy as np
import pytest

from qfab.physics.teleportation import average_teleportation_fidelity

I2 = np.eye(2)
X = np.array([[0, 1], [1, 0]], dtype=complex)
Z = np.diag([1.0, -1.0]).astype(complex)
Y = 1j * X @ Z
PHI_PLUS = np.array([1, 0, 0, 1]) / np.sqrt(2)
#: Bell states and the correction the receiver applies for each outcome.
BELL = [(np.array([1, 0, 0, 1]) / np.sqrt(2), I2), (np.array([1, 0, 0, -1]) / np.sqrt(2), Z),
        (np.array([0, 1, 1, 0]) / np.sqrt(2), X), (np.array([0, 1, -1, 0]) / np.sqrt(2), Z @ X)]


def teleport(psi: np.ndarray, resource: np.ndarray) -> np.ndarray:
    """Receiver's state after teleporting ``psi`` over the two-qubit state ``resource``."""
    rho = np.kron(np.outer(psi, psi.conj()), resource)
    out = np.zeros((2, 2), dtype=complex)
    for bell, correction in BELL:
        projector = np.kron(np.outer(bell, bell.conj()), I2)
        branch = _partial_trace_first(projector @ rho @ projector)
        out += correction @ branch @ correction.conj().T
    return out


def _partial_trace_first(rho: np.ndarray) -> np.ndarray:
    """Trace out the first two qubits of a three-qubit operator."""
    return np.einsum("aibj->ij", rho.reshape(4, 2, 4, 2))


def haar_states(rng: np.random.Generator, n: int) -> np.ndarray:
    z = rng.normal(size=(n, 2)) + 1j * rng.normal(size=(n, 2))
    return z / np.linalg.norm(z, axis=1, keepdims=True)


def pauli_eigenstates() -> list[np.ndarray]:
    s = 1 / np.sqrt(2)
    return [np.array(v, dtype=complex) for v in
            ([1, 0], [0, 1], [s, s], [s, -s], [s, 1j * s], [s, -1j * s])]


def werner_state(fidelity: float) -> np.ndarray:
    """``w |Phi+><Phi+| + (1 - w) I/4`` with ``w = (4F - 1)/3``."""
    w = (4 * fidelity - 1) / 3
    return w * np.outer(PHI_PLUS, PHI_PLUS) + (1 - w) / 4 * np.eye(4)


def random_density_matrix(rng: np.random.Generator) -> np.ndarray:
    a = rng.normal(size=(4, 4)) + 1j * rng.normal(size=(4, 4))
    rho = a @ a.conj().T
    return rho / np.trace(rho).real


def mean_output_fidelity(states: np.ndarray | list[np.ndarray], resource: np.ndarray
                         ) -> np.ndarray:
    return np.array([np.real(psi.conj() @ teleport(psi, resource) @ psi) for psi in states])


@pytest.mark.parametrize("fidelity", [0.25, 0.5, 0.8, 0.97, 1.0])
def test_werner_pair_gives_two_f_plus_one_over_three(fidelity: float) -> None:
    resource = werner_state(fidelity)
    assert np.real(PHI_PLUS @ resource @ PHI_PLUS) == pytest.approx(fidelity, abs=1e-12)
    exact = mean_output_fidelity(pauli_eigenstates(), resource).mean()
    assert exact == pytest.approx(average_teleportation_fidelity(fidelity), abs=1e-12)
    assert average_teleportation_fidelity(fidelity) == pytest.approx((2 * fidelity + 1) / 3)


def test_random_states_over_random_resources_match_within_five_standard_errors() -> None:
    """Haar-random inputs over arbitrary (not Bell-diagonal) resources: only F matters."""
    rng = np.random.default_rng(11)
    for _ in range(4):
        resource = random_density_matrix(rng)
        fidelity = float(np.real(PHI_PLUS @ resource @ PHI_PLUS))
        samples = mean_output_fidelity(haar_states(rng, 4000), resource)
        error = samples.std(ddof=1) / np.sqrt(samples.size)
        assert samples.mean() == pytest.approx(average_teleportation_fidelity(fidelity),
                                               abs=5 * error)
        exact = mean_output_fidelity(pauli_eigenstates(), resource).mean()
        assert exact == pytest.approx(average_teleportation_fidelity(fidelity), abs=1e-12)


def test_arrays_and_floats() -> None:
    values = np.array([0.25, 0.5, 1.0])
    np.testing.assert_allclose(average_teleportation_fidelity(values), [0.5, 2 / 3, 1.0])
    assert isinstance(average_teleportation_fidelity(0.7), float)
