"""Purification through the pair-state interface (PUR-BBPSSW-01, PUR-DEJMPS-01).

On Bell-diagonal pairs both formalisms give the Bell-vector maps of
:mod:`qfab.physics.bell_diagonal`; on general density matrices the density-matrix round is
checked against an explicit 16x16 construction written here with ``numpy.kron``, and DEJMPS
keeps the off-diagonal terms that a reduction to the Bell diagonal would drop.
"""

from __future__ import annotations

import numpy as np
import pytest

from qfab.physics import bell_diagonal as bd
from qfab.quantum import BellDiagonalState, DensityMatrixState

_I = np.eye(2, dtype=complex)
_X = np.array([[0, 1], [1, 0]], dtype=complex)
_P = (np.diag([1.0, 0.0]).astype(complex), np.diag([0.0, 1.0]).astype(complex))
_S = 1 / np.sqrt(2)
#: Bell states (Phi+, Psi-, Psi+, Phi-) as kets over |00>, |01>, |10>, |11>.
_KETS = np.array([[_S, 0, 0, _S], [0, _S, -_S, 0], [0, _S, _S, 0], [_S, 0, 0, -_S]],
                 dtype=complex)
_SCHEMES = ("bbpssw", "dejmps")


def _kron(*ops: np.ndarray) -> np.ndarray:
    out = np.eye(1, dtype=complex)
    for op in ops:
        out = np.kron(out, op)
    return out


def _on(qubit: int, op: np.ndarray) -> np.ndarray:
    """``op`` on one of the four qubits (a1, b1, a2, b2), identity elsewhere."""
    return _kron(*(op if q == qubit else _I for q in range(4)))


def _cnot(control: int, target: int) -> np.ndarray:
    return _kron(*(_P[0] if q == control else _I for q in range(4))) + \
        _kron(*(_P[1] if q == control else (_X if q == target else _I) for q in range(4)))


def _rx(theta: float) -> np.ndarray:
    return np.cos(theta / 2) * _I - 1j * np.sin(theta / 2) * _X


def _werner_twirl(rho: np.ndarray) -> np.ndarray:
    phi = np.outer(_KETS[0], _KETS[0].conj())
    f = float(np.real(np.trace(phi @ rho)))
    return f * phi + (1 - f) / 3 * (np.eye(4) - phi)


def _reference(rho1: np.ndarray, rho2: np.ndarray, scheme: str) -> tuple[np.ndarray, float]:
    """Explicit round: pair 1 (a1, b1) controls pair 2 (a2, b2); Alice holds a*, Bob b*."""
    if scheme == "bbpssw":
        rho1, rho2 = _werner_twirl(rho1), _werner_twirl(rho2)
    joint = np.kron(rho1, rho2)
    u = _cnot(1, 3) @ _cnot(0, 2)
    if scheme == "dejmps":
        u = u @ _on(0, _rx(np.pi / 2)) @ _on(2, _rx(np.pi / 2)) @ \
            _on(1, _rx(-np.pi / 2)) @ _on(3, _rx(-np.pi / 2))
    after = u @ joint @ u.conj().T
    kept = np.zeros((4, 4), dtype=complex)
    for m in (0, 1):  # both targets read m: <m m| on (a2, b2), traced out
        bra = np.kron(np.eye(4), np.kron(np.eye(2)[m], np.eye(2)[m])[None, :])
        kept += bra @ after @ bra.conj().T
    p = float(np.real(np.trace(kept)))
    out = kept / p
    return (_werner_twirl(out) if scheme == "bbpssw" else out), p


def _random_state(rng: np.random.Generator) -> np.ndarray:
    g = rng.normal(size=(4, 4)) + 1j * rng.normal(size=(4, 4))
    rho = g @ g.conj().T
    return rho / np.trace(rho)


def _in_bell_basis(rho: np.ndarray) -> np.ndarray:
    return np.asarray(_KETS.conj() @ rho @ _KETS.T)


@pytest.mark.parametrize("scheme", _SCHEMES)
@pytest.mark.parametrize("seed", range(4))
def test_bell_diagonal_inputs_give_the_bell_vector_maps(scheme: str, seed: int) -> None:
    rng = np.random.default_rng(seed)
    v1, v2 = rng.dirichlet(np.ones(4)), rng.dirichlet(np.ones(4))
    expected, p_expected = getattr(bd, scheme)(v1, v2)
    matrix, p_matrix = DensityMatrixState.from_bell_vector(v1).purify(
        DensityMatrixState.from_bell_vector(v2), scheme)
    diagonal, p_diagonal = BellDiagonalState(v1).purify(BellDiagonalState(v2), scheme)
    np.testing.assert_allclose(matrix.rho, DensityMatrixState.from_bell_vector(expected).rho,
                               atol=1e-13)
    np.testing.assert_allclose(diagonal.vector, expected, atol=1e-13)
    assert p_matrix == pytest.approx(float(p_expected), abs=1e-13)
    assert p_diagonal == pytest.approx(float(p_expected), abs=1e-13)


def test_werner_inputs_give_the_closed_form() -> None:
    """PUR-BBPSSW-01 with F = 0.8: F' = (F^2 + q^2) / N, N = F^2 + 2Fq + 5q^2, q = (1-F)/3."""
    f, q = 0.8, 0.2 / 3
    n = f**2 + 2 * f * q + 5 * q**2
    for formalism in (BellDiagonalState, DensityMatrixState):
        state, p = formalism.werner(f).purify(formalism.werner(f), "bbpssw")
        assert state.fidelity() == pytest.approx((f**2 + q**2) / n, abs=1e-13)
        assert p == pytest.approx(n, abs=1e-13)


@pytest.mark.parametrize("scheme", _SCHEMES)
@pytest.mark.parametrize("seed", range(4))
def test_density_matrix_round_matches_explicit_construction(scheme: str, seed: int) -> None:
    rng = np.random.default_rng(100 + seed)
    rho1, rho2 = _random_state(rng), _random_state(rng)
    expected, p_expected = _reference(rho1, rho2, scheme)
    state, p = DensityMatrixState(rho1).purify(DensityMatrixState(rho2), scheme)
    np.testing.assert_allclose(state.rho, expected, atol=1e-12)
    assert p == pytest.approx(p_expected, abs=1e-12)


def test_dejmps_keeps_off_diagonal_terms() -> None:
    """A pair with coherences between Bell states keeps coherences after DEJMPS. Its Bell
    diagonal is that of the round on the Bell-diagonal reductions (the bilateral CNOT
    permutes Bell products), which have no coherences at all."""
    amplitudes = np.array([1.0, 0.3j, 0.2, 0.1])
    ket = _KETS.T @ (amplitudes / np.linalg.norm(amplitudes))
    rho = 0.9 * np.outer(ket, ket.conj()) + 0.1 * np.eye(4) / 4
    state, p = DensityMatrixState(rho).purify(DensityMatrixState(rho), "dejmps")
    expected, p_expected = _reference(rho, rho, "dejmps")
    bell = _in_bell_basis(state.rho)
    off_diagonal = bell - np.diag(np.diag(bell))
    assert np.abs(off_diagonal).max() > 0.1
    np.testing.assert_allclose(state.rho, expected, atol=1e-12)
    assert p == pytest.approx(p_expected, abs=1e-12)
    twirled = DensityMatrixState.from_bell_vector(DensityMatrixState(rho).bell_vector())
    reduced, _ = twirled.purify(twirled, "dejmps")
    np.testing.assert_allclose(reduced.bell_vector(), state.bell_vector(), atol=1e-12)
    reduced_bell = _in_bell_basis(reduced.rho)
    np.testing.assert_allclose(reduced_bell, np.diag(np.diag(reduced_bell)), atol=1e-13)


def test_bbpssw_output_is_werner() -> None:
    rng = np.random.default_rng(7)
    state, _ = DensityMatrixState(_random_state(rng)).purify(
        DensityMatrixState(_random_state(rng)), "bbpssw")
    np.testing.assert_allclose(state.rho, _werner_twirl(state.rho), atol=1e-13)


@pytest.mark.parametrize("formalism", [BellDiagonalState, DensityMatrixState])
def test_unknown_scheme_and_mixed_formalisms_are_refused(
        formalism: type[BellDiagonalState | DensityMatrixState]) -> None:
    state = formalism.werner(0.9)
    with pytest.raises(ValueError, match="scheme"):
        state.purify(state, "pumping")  # type: ignore[arg-type]
    other = (DensityMatrixState if formalism is BellDiagonalState else BellDiagonalState)
    with pytest.raises(TypeError, match="other"):
        state.purify(other.werner(0.9), "dejmps")  # type: ignore[arg-type]
