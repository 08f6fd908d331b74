"""Read-out errors in recurrence purification, against an independent 4-qubit construction.

Each end node reads its measured (target) qubit through an imperfect projector
``E_0 = (1 - e) |0><0| + e |1><1|``, ``E_1 = e |0><0| + (1 - e) |1><1|`` (Dür, Briegel,
Cirac, Zoller, PRA 59, 169 (1999)); the round keeps the control pair when the two read
outcomes agree. Here that is computed on the full 4-qubit state, built from scratch (Bell
basis, rotations, bilateral CNOT, effects), and compared with the Bell-vector maps of
:mod:`qfab.physics.bell_diagonal` through :func:`qfab.physics.purification.parity_error`
and with the density-matrix formalism of the event simulation.
"""

from __future__ import annotations

import numpy as np
import pytest
from numpy.typing import NDArray

from qfab.physics import bell_diagonal, purification
from qfab.quantum.density_matrix import DensityMatrixState

Matrix = NDArray[np.complex128]

_S = 1 / np.sqrt(2)
#: (Phi+, Psi-, Psi+, Phi-) on qubits (a, b), |ab> with a the most significant bit
_BELL = np.array([[_S, 0, 0, _S], [0, _S, -_S, 0], [0, _S, _S, 0], [_S, 0, 0, -_S]],
                 dtype=np.complex128)
_I2 = np.eye(2, dtype=np.complex128)
_X = np.array([[0, 1], [1, 0]], dtype=np.complex128)
_P0 = np.diag([1.0, 0.0]).astype(np.complex128)
_P1 = np.diag([0.0, 1.0]).astype(np.complex128)


def _kron(*ops: Matrix) -> Matrix:
    out = np.eye(1, dtype=np.complex128)
    for op in ops:
        out = np.kron(out, op)
    return out


def _rx(angle: float) -> Matrix:
    return np.cos(angle / 2) * _I2 - 1j * np.sin(angle / 2) * _X


def _cnot(control: int, target: int) -> Matrix:
    """CNOT on 4 qubits (a1, b1, a2, b2) = (0, 1, 2, 3)."""
    zero = [_I2] * 4
    one = [_I2] * 4
    zero[control] = _P0
    one[control] = _P1
    one[target] = _X
    return _kron(*zero) + _kron(*one)


def _from_bell(vector: NDArray[np.float64]) -> Matrix:
    return np.asarray(sum(v * np.outer(b, b.conj()) for v, b in zip(vector, _BELL)),
                      dtype=np.complex128)


def _bell_of(rho: Matrix) -> NDArray[np.float64]:
    return np.array([np.real(b.conj() @ rho @ b) for b in _BELL])


def _reference(kept: Matrix, sacrificed: Matrix, scheme: str, e_a: float,
               e_b: float) -> tuple[Matrix, float]:
    """The round on the 4-qubit state with imperfect read-out effects; (kept, p)."""
    rho = np.kron(kept, sacrificed)  # qubits a1 b1 a2 b2
    if scheme == "dejmps":
        rotation = _kron(_rx(np.pi / 2), _rx(-np.pi / 2), _rx(np.pi / 2), _rx(-np.pi / 2))
        rho = rotation @ rho @ rotation.conj().T
    cnots = _cnot(1, 3) @ _cnot(0, 2)
    rho = cnots @ rho @ cnots.conj().T

    def effect(outcome: int, e: float) -> Matrix:
        right, wrong = (_P0, _P1) if outcome == 0 else (_P1, _P0)
        return (1 - e) * right + e * wrong

    out = np.zeros((4, 4), dtype=np.complex128)
    for outcome in (0, 1):
        measured = _kron(_I2, _I2, effect(outcome, e_a), effect(outcome, e_b))
        weighted = (measured @ rho).reshape(2, 2, 2, 2, 2, 2, 2, 2)
        out += np.einsum("abcdefcd->abef", weighted).reshape(4, 4)  # trace over a2 b2
    p = float(np.real(np.trace(out)))
    return out / p, p


def _random_bell(rng: np.random.Generator, fidelity: float) -> NDArray[np.float64]:
    rest = rng.dirichlet([1.0, 1.0, 1.0]) * (1 - fidelity)
    return np.array([fidelity, *rest])


ERRORS = [(0.0, 0.0), (0.1, 0.0), (0.0, 0.25), (0.1, 0.25), (0.3, 0.3), (0.5, 0.05)]


@pytest.mark.parametrize(("e_a", "e_b"), ERRORS)
@pytest.mark.parametrize("seed", range(4))
def test_dejmps_with_readout_errors_is_the_imperfect_measurement(
        e_a: float, e_b: float, seed: int) -> None:
    rng = np.random.default_rng(seed)
    v1, v2 = _random_bell(rng, 0.8), _random_bell(rng, 0.7)
    expected, p_expected = _reference(_from_bell(v1), _from_bell(v2), "dejmps", e_a, e_b)
    out, p = bell_diagonal.dejmps(v1, v2, parity_error=purification.parity_error(e_a, e_b))
    assert float(p) == pytest.approx(p_expected, abs=1e-12)
    np.testing.assert_allclose(out, _bell_of(expected), atol=1e-12)
    assert np.allclose(expected, _from_bell(_bell_of(expected)), atol=1e-12)  # stays diagonal


@pytest.mark.parametrize(("e_a", "e_b"), ERRORS)
def test_bbpssw_with_readout_errors_is_the_imperfect_measurement(e_a: float, e_b: float) -> None:
    """BBPSSW twirls its inputs and its output: the reference runs on the Werner states."""
    v1, v2 = bell_diagonal.werner(0.82), bell_diagonal.werner(0.74)
    expected, p_expected = _reference(_from_bell(v1), _from_bell(v2), "bbpssw", e_a, e_b)
    out, p = bell_diagonal.bbpssw(v1, v2, parity_error=purification.parity_error(e_a, e_b))
    assert float(p) == pytest.approx(p_expected, abs=1e-12)
    assert out[0] == pytest.approx(_bell_of(expected)[0], abs=1e-12)
    np.testing.assert_allclose(out, bell_diagonal.twirl(_bell_of(expected)), atol=1e-12)


@pytest.mark.parametrize(("e_a", "e_b"), ERRORS)
def test_the_density_matrix_formalism_reads_out_the_same_way(e_a: float, e_b: float) -> None:
    """On a state that is not Bell-diagonal (an amplitude-damped pair), DEJMPS."""
    rng = np.random.default_rng(7)
    vector = _random_bell(rng, 0.85)
    damped = DensityMatrixState.from_bell_vector(vector)
    gamma = 0.2
    k0 = np.array([[1, 0], [0, np.sqrt(1 - gamma)]], dtype=np.complex128)
    k1 = np.array([[0, np.sqrt(gamma)], [0, 0]], dtype=np.complex128)
    rho = sum(np.kron(k, _I2) @ damped.rho @ np.kron(k, _I2).conj().T for k in (k0, k1))
    state = DensityMatrixState(rho)
    expected, p_expected = _reference(rho, rho, "dejmps", e_a, e_b)
    out, p = state.purify(state, "dejmps", parity_error=purification.parity_error(e_a, e_b))
    assert p == pytest.approx(p_expected, abs=1e-12)
    np.testing.assert_allclose(out.rho, expected, atol=1e-12)


def test_a_coin_toss_read_out_keeps_half_the_rounds_and_gains_nothing() -> None:
    """With e = 1/2 at one end the comparison is random: p = 1/2, and the kept pair is the
    control's marginal after the CNOT (no post-selection)."""
    v = bell_diagonal.werner(0.9)
    out, p = bell_diagonal.dejmps(v, v, parity_error=purification.parity_error(0.5, 0.1))
    assert float(p) == pytest.approx(0.5)
    assert out[0] < 0.9


def test_readout_errors_lower_the_purified_fidelity_and_success() -> None:
    v = bell_diagonal.werner(0.9)
    results = [bell_diagonal.dejmps(v, v, parity_error=purification.parity_error(e, e))
               for e in (0.0, 0.1, 0.25)]
    fidelities = [float(out[0]) for out, _ in results]
    successes = [float(p) for _, p in results]
    assert fidelities[0] > fidelities[1] > fidelities[2]
    assert successes[0] > successes[1] > successes[2]


def test_parity_error_needs_probabilities() -> None:
    with pytest.raises(ValueError, match="error_b"):
        purification.parity_error(0.1, 1.5)
