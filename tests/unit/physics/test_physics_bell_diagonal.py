"""Unit tests of qfab.physics.bell_diagonal.

Purification maps are checked against an explicit 4-qubit density-matrix simulation
written here with plain NumPy (bilateral CNOT, Z measurement of the target pair, keep on
equal outcomes), independent of the implementation under test.
"""

import numpy as np
import pytest

from qfab.physics import bell_diagonal as bd

PHI_PLUS = np.array([1.0, 0.0, 0.0, 0.0])
PSI_MINUS = np.array([0.0, 1.0, 0.0, 0.0])
PSI_PLUS = np.array([0.0, 0.0, 1.0, 0.0])
PHI_MINUS = np.array([0.0, 0.0, 0.0, 1.0])

# --- an independent density-matrix reference -------------------------------------------
_S = 1 / np.sqrt(2)
_KETS = np.array(
    [[_S, 0, 0, _S], [0, _S, -_S, 0], [0, _S, _S, 0], [_S, 0, 0, -_S]]
)  # rows: Phi+, Psi-, Psi+, Phi- in |00>,|01>,|10>,|11>
_X = np.array([[0, 1], [1, 0]], dtype=complex)
_I = np.eye(2, dtype=complex)


def _rho(v: np.ndarray) -> np.ndarray:
    return np.asarray(np.einsum("k,ki,kj->ij", v, _KETS, _KETS), dtype=complex)


def _bell_diag(rho: np.ndarray) -> np.ndarray:
    return np.asarray(np.real(np.einsum("ki,ij,kj->k", _KETS, rho, _KETS)), dtype=float)


def _rx(theta: float) -> np.ndarray:
    return np.asarray(np.cos(theta / 2) * _I - 1j * np.sin(theta / 2) * _X, dtype=complex)


def _purify_reference(v1: np.ndarray, v2: np.ndarray, *, rotate: bool) -> tuple[np.ndarray, float]:
    """Pair 1 = (a1, b1) control, pair 2 = (a2, b2) target; Alice holds a*, Bob b*."""
    joint = np.kron(_rho(v1), _rho(v2)).reshape((2,) * 8)  # a1 b1 a2 b2
    rho = joint.transpose(0, 2, 1, 3, 4, 6, 5, 7).reshape(16, 16)  # a1 a2 b1 b2
    if rotate:
        u = np.kron(
            np.kron(_rx(np.pi / 2), _rx(np.pi / 2)), np.kron(_rx(-np.pi / 2), _rx(-np.pi / 2))
        )
        rho = u @ rho @ u.conj().T
    cnot = np.eye(4, dtype=complex)[[0, 1, 3, 2]]
    u = np.kron(cnot, cnot)
    after = (u @ rho @ u.conj().T).reshape((2,) * 8)
    kept = np.zeros((4, 4), dtype=complex)
    for m in (0, 1):  # both targets read m
        kept += after[:, m, :, m, :, m, :, m].reshape(4, 4)
    p = float(np.real(np.trace(kept)))
    return _bell_diag(kept / p), p


# --- constructors and simple maps ------------------------------------------------------


def test_werner_vector() -> None:
    np.testing.assert_allclose(bd.werner(0.7), [0.7, 0.1, 0.1, 0.1])


def test_werner_broadcasts_to_trailing_axis() -> None:
    assert bd.werner(np.array([[0.5, 0.6, 0.7]])).shape == (1, 3, 4)


def test_fidelity_is_the_phi_plus_coefficient() -> None:
    assert bd.fidelity([0.4, 0.3, 0.2, 0.1]) == pytest.approx(0.4)


def test_werner_parameter_round_trip() -> None:
    f = np.array([0.25, 0.5, 0.9, 1.0])
    np.testing.assert_allclose(bd.werner_parameter(f), [0.0, 1 / 3, 13 / 15, 1.0])
    np.testing.assert_allclose(bd.fidelity_from_werner_parameter(bd.werner_parameter(f)), f)


def test_normalize_scales_to_unit_sum() -> None:
    np.testing.assert_allclose(bd.normalize([2.0, 1.0, 1.0, 0.0]), [0.5, 0.25, 0.25, 0.0])


def test_is_normalized_rejects_bad_vectors() -> None:
    assert bd.is_normalized([0.4, 0.3, 0.2, 0.1])
    assert not bd.is_normalized([0.5, 0.3, 0.2, 0.1])
    assert not bd.is_normalized([1.1, -0.1, 0.0, 0.0])
    assert not bd.is_normalized([1.0, 0.0, 0.0])


def test_bad_shape_is_rejected() -> None:
    with pytest.raises(ValueError, match="shape"):
        bd.twirl([1.0, 0.0, 0.0])


def test_depolarize_fully_gives_the_maximally_mixed_state() -> None:
    np.testing.assert_allclose(bd.depolarize([0.9, 0.1, 0.0, 0.0], 1.0), bd.MAXIMALLY_MIXED)


def test_depolarize_mixes_linearly() -> None:
    np.testing.assert_allclose(bd.depolarize(PHI_PLUS, 0.2), [0.85, 0.05, 0.05, 0.05])


def test_twirl_keeps_fidelity_and_equalises_the_rest() -> None:
    np.testing.assert_allclose(bd.twirl([0.6, 0.3, 0.1, 0.0]), [0.6, 0.4 / 3, 0.4 / 3, 0.4 / 3])


@pytest.mark.parametrize(
    ("pauli", "expected"),
    [
        ((1, 0, 0, 0), PHI_PLUS),
        ((0, 1, 0, 0), PSI_PLUS),
        ((0, 0, 1, 0), PSI_MINUS),
        ((0, 0, 0, 1), PHI_MINUS),
    ],
)
def test_pauli_errors_map_phi_plus_to_the_named_bell_state(
    pauli: tuple[int, ...], expected: np.ndarray
) -> None:
    # (p_I, p_X, p_Y, p_Z): X -> Psi+, Y -> Psi-, Z -> Phi-.
    np.testing.assert_allclose(bd.pauli_channel_to_bell(PHI_PLUS, pauli), expected)


def test_pauli_channel_composes_errors() -> None:
    # A Z error on Psi+ (an X error) gives a Y error: Psi-.
    np.testing.assert_allclose(bd.pauli_channel_to_bell(PSI_PLUS, [0, 0, 0, 1]), PSI_MINUS)


# --- swapping -------------------------------------------------------------------------


def test_swap_with_phi_plus_is_the_identity() -> None:
    v = np.array([0.6, 0.2, 0.15, 0.05])
    np.testing.assert_allclose(bd.swap(v, PHI_PLUS), v)
    np.testing.assert_allclose(bd.swap(PHI_PLUS, v), v)


def test_swap_composes_pauli_errors() -> None:
    np.testing.assert_allclose(bd.swap(PSI_PLUS, PHI_MINUS), PSI_MINUS)  # X·Z ~ Y
    np.testing.assert_allclose(bd.swap(PSI_MINUS, PSI_MINUS), PHI_PLUS)  # Y·Y = I


def test_swap_of_general_bell_diagonal_states_is_the_group_convolution() -> None:
    v1, v2 = np.array([0.6, 0.2, 0.15, 0.05]), np.array([0.7, 0.1, 0.05, 0.15])
    a1, b1, c1, d1 = v1
    a2, b2, c2, d2 = v2
    expected = [
        a1 * a2 + b1 * b2 + c1 * c2 + d1 * d2,
        a1 * b2 + b1 * a2 + c1 * d2 + d1 * c2,  # Y = X·Z
        a1 * c2 + c1 * a2 + b1 * d2 + d1 * b2,  # X = Y·Z
        a1 * d2 + d1 * a2 + b1 * c2 + c1 * b2,  # Z = X·Y
    ]
    np.testing.assert_allclose(bd.swap(v1, v2), expected, atol=1e-15)


def test_swap_multiplies_werner_parameters() -> None:
    out = bd.swap(bd.werner(0.8), bd.werner(0.7))
    assert bd.werner_parameter(out[0]) == pytest.approx(
        bd.werner_parameter(0.8) * bd.werner_parameter(0.7)
    )
    np.testing.assert_allclose(out, bd.twirl(out))


def test_swap_measurement_error_flips_each_bit() -> None:
    out = bd.swap(PHI_PLUS, PHI_PLUS, measurement_error=0.1)
    np.testing.assert_allclose(out, [0.81, 0.01, 0.09, 0.09])  # (I, Y, X, Z)


def test_swap_with_random_outcome_bits_destroys_entanglement() -> None:
    np.testing.assert_allclose(
        bd.swap(PHI_PLUS, PHI_PLUS, measurement_error=0.5), bd.MAXIMALLY_MIXED
    )


def test_swap_gate_depolarization() -> None:
    out = bd.swap(PHI_PLUS, PHI_PLUS, gate_depolarization=0.2)
    assert out[0] == pytest.approx(1 - 0.75 * 0.2)


def test_swap_broadcasts() -> None:
    out = bd.swap(bd.werner(np.linspace(0.5, 1, 3)), bd.werner(0.9))
    assert out.shape == (3, 4)
    assert out[-1, 0] == pytest.approx(0.9)


# --- purification ---------------------------------------------------------------------


def test_bilateral_cnot_step_of_bbpssw_matches_density_matrix() -> None:
    w1, w2 = bd.werner(0.8), bd.werner(0.65)
    expected, p_ref = _purify_reference(w1, w2, rotate=False)
    out, p = bd.bbpssw(w1, w2)
    assert p == pytest.approx(p_ref, abs=1e-12)
    np.testing.assert_allclose(out, bd.twirl(expected), atol=1e-12)


def test_bbpssw_twirls_its_inputs() -> None:
    v = np.array([0.7, 0.0, 0.0, 0.3])
    out, p = bd.bbpssw(v)
    ref, p_ref = bd.bbpssw(bd.werner(0.7))
    np.testing.assert_allclose(out, ref)
    assert p == pytest.approx(p_ref)


def test_bbpssw_output_is_werner() -> None:
    out, _ = bd.bbpssw([0.6, 0.25, 0.1, 0.05])
    np.testing.assert_allclose(out[1:], (1 - out[0]) / 3)


def test_dejmps_matches_density_matrix_for_two_different_pairs() -> None:
    v1, v2 = np.array([0.6, 0.2, 0.15, 0.05]), np.array([0.7, 0.05, 0.1, 0.15])
    expected, p_ref = _purify_reference(v1, v2, rotate=True)
    out, p = bd.dejmps(v1, v2)
    assert p == pytest.approx(p_ref, abs=1e-12)
    np.testing.assert_allclose(out, expected, atol=1e-12)


def test_dejmps_is_symmetric_in_its_inputs() -> None:
    v1, v2 = np.array([0.6, 0.2, 0.15, 0.05]), np.array([0.7, 0.05, 0.1, 0.15])
    np.testing.assert_allclose(bd.dejmps(v1, v2)[0], bd.dejmps(v2, v1)[0])


def test_dejmps_with_one_argument_uses_two_copies() -> None:
    v = np.array([0.6, 0.2, 0.15, 0.05])
    np.testing.assert_allclose(bd.dejmps(v)[0], bd.dejmps(v, v)[0])


def test_dejmps_that_cannot_succeed_returns_zero_probability() -> None:
    out, p = bd.dejmps(PHI_PLUS, PSI_PLUS)
    assert p == 0.0
    np.testing.assert_allclose(out, bd.MAXIMALLY_MIXED)


def test_dejmps_broadcasts() -> None:
    out, p = bd.dejmps(bd.werner(np.array([0.6, 0.7, 0.8])))
    assert out.shape == (3, 4)
    assert p.shape == (3,)
