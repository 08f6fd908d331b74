"""Unit tests of qfab.physics.heralding.

The dark-count and visibility models are checked against a brute-force quantum-optics
simulation written here: spins and photon-number (Fock) states of the optical modes,
loss as a beam splitter to an environment mode, a 50:50 beam splitter at the midpoint and
threshold detectors with dark counts, followed by the local Pauli correction.
"""

import math
from collections import defaultdict

import numpy as np
import pytest

from qfab.physics import bell_diagonal as bd
from qfab.physics.heralding import depolarizing_link, double_click, single_click

# --- brute-force reference --------------------------------------------------------------
_S = 1 / math.sqrt(2)
_KETS = np.array([[_S, 0, 0, _S], [0, _S, -_S, 0], [0, _S, _S, 0], [_S, 0, 0, -_S]])
_X = np.array([[0, 1], [1, 0]], dtype=complex)
_Y = np.array([[0, -1j], [1j, 0]])

State = dict[tuple[tuple[int, int], tuple[int, ...]], complex]


def _create(state: State, node: int, coefficients: dict[int, complex], n_modes: int) -> State:
    """Apply the photon creation operator sum_m c_m a_m^dagger, conditioned on spin ``node`` = 1."""
    out: State = defaultdict(complex)
    for (spins, occ), amp in state.items():
        if spins[node] == 0:
            out[(spins, occ)] += amp
            continue
        for mode, c in coefficients.items():
            new = list(occ)
            new[mode] += 1
            out[(spins, tuple(new))] += amp * c * math.sqrt(new[mode])
    return out


def _emission(
    eta: float, phase: complex, overlap: float, offset: int
) -> tuple[dict[int, complex], dict[int, complex]]:
    """Mode coefficients of the photons of nodes a and b for one round.

    Modes (from ``offset``): c0, c1, d0, d1 (detector c or d, internal mode 0 or 1), env_a, env_b.
    Node a emits in internal mode 0; node b in ``overlap`` * mode 0 + sqrt(1 - overlap^2) * mode 1.
    """
    t, r = math.sqrt(eta), math.sqrt(1 - eta)
    o0, o1 = overlap, math.sqrt(1 - overlap**2)
    a: dict[int, complex] = {offset + 0: t * _S, offset + 2: t * _S, offset + 4: r}
    b = {
        offset + 0: t * _S * phase * o0,
        offset + 1: t * _S * phase * o1,
        offset + 2: -t * _S * phase * o0,
        offset + 3: -t * _S * phase * o1,
        offset + 5: r,
    }
    return a, b


def _herald(state: State, pattern: list[tuple[int, str]], pd: float) -> np.ndarray:
    """Unnormalised spin density matrix for the click pattern (round offset, 'c' or 'd')."""
    rho = np.zeros((4, 4), dtype=complex)
    by_occ: dict[tuple[int, ...], np.ndarray] = defaultdict(lambda: np.zeros(4, dtype=complex))
    for (spins, occ), amp in state.items():
        by_occ[occ][2 * spins[0] + spins[1]] += amp
    for occ, psi in by_occ.items():
        weight = 1.0
        for offset, det in pattern:
            n_c, n_d = occ[offset] + occ[offset + 1], occ[offset + 2] + occ[offset + 3]
            n_click, n_quiet = (n_c, n_d) if det == "c" else (n_d, n_c)
            weight *= (1.0 if n_click else pd) * (0.0 if n_quiet else 1 - pd)
        rho += weight * np.outer(psi, psi.conj())
    return rho


def _corrected_bell_diagonal(rho: np.ndarray, pauli: np.ndarray) -> np.ndarray:
    u = np.kron(np.eye(2), pauli)
    return np.real(np.einsum("ki,ij,kj->k", _KETS, u @ rho @ u.conj().T, _KETS))


def _single_click_reference(
    alpha: float, eta: float, pd: float, phases: list[complex]
) -> tuple[float, np.ndarray]:
    p_total, vec_total = 0.0, np.zeros(4)
    for phase in phases:  # phase noise: average over the given optical phases
        amp = {0: math.sqrt(1 - alpha), 1: math.sqrt(alpha)}
        state: State = {((i, j), (0,) * 6): amp[i] * amp[j] for i in (0, 1) for j in (0, 1)}
        a, b = _emission(eta, phase, 1.0, 0)
        state = _create(_create(state, 0, a, 6), 1, b, 6)
        for det, pauli in (("c", _X), ("d", _Y)):
            v = _corrected_bell_diagonal(_herald(state, [(0, det)], pd), pauli) / len(phases)
            p_total += v.sum()
            vec_total += v
    return p_total, vec_total / p_total


def _double_click_reference(eta: float, pd: float, overlap: float) -> tuple[float, np.ndarray]:
    state: State = {((i, j), (0,) * 12): 0.5 for i in (0, 1) for j in (0, 1)}
    a1, b1 = _emission(eta, 1.0, overlap, 0)
    state = _create(_create(state, 0, a1, 12), 1, b1, 12)
    state = {((1 - s[0], 1 - s[1]), occ): amp for (s, occ), amp in state.items()}  # pi pulses
    a2, b2 = _emission(eta, 1.0, overlap, 6)
    state = _create(_create(state, 0, a2, 12), 1, b2, 12)
    p_total, vec_total = 0.0, np.zeros(4)
    for d1 in "cd":
        for d2 in "cd":
            pauli = _X if d1 == d2 else _Y
            v = _corrected_bell_diagonal(_herald(state, [(0, d1), (6, d2)], pd), pauli)
            p_total += v.sum()
            vec_total += v
    return p_total, vec_total / p_total


# --- phenomenological link --------------------------------------------------------------


def test_depolarizing_link_returns_probability_and_werner_state() -> None:
    p, v = depolarizing_link(0.95, 0.1)
    assert p == 0.1
    np.testing.assert_allclose(v, bd.werner(0.95))


def test_depolarizing_link_broadcasts() -> None:
    p, v = depolarizing_link(np.array([0.9, 0.95]), np.array([[0.1], [0.2]]))
    assert p.shape == (2, 2)
    assert v.shape == (2, 2, 4)


# --- single click -----------------------------------------------------------------------


@pytest.mark.parametrize(("alpha", "eta"), [(0.02, 0.3), (0.3, 0.8), (0.5, 1.0)])
def test_single_click_ideal_closed_form(alpha: float, eta: float) -> None:
    p, v = single_click(alpha, eta)
    assert p == pytest.approx(2 * alpha * eta - alpha**2 * eta**2, rel=1e-13)
    assert v[0] == pytest.approx(2 * (1 - alpha) / (2 - alpha * eta), rel=1e-13)


def test_single_click_two_photon_error_is_on_the_other_parity() -> None:
    _, v = single_click(0.3, 0.5)
    assert v[1] == pytest.approx(v[2])
    assert v[3] == 0.0


def test_single_click_matches_brute_force_without_dark_counts() -> None:
    p_ref, v_ref = _single_click_reference(0.2, 0.4, 0.0, [1.0])
    p, v = single_click(0.2, 0.4)
    assert p == pytest.approx(p_ref, rel=1e-12)
    np.testing.assert_allclose(v, v_ref, atol=1e-12)


def test_single_click_dark_counts_match_brute_force() -> None:
    p_ref, v_ref = _single_click_reference(0.1, 0.3, 0.05, [1.0])
    p, v = single_click(0.1, 0.3, dark_count_probability=0.05)
    assert p == pytest.approx(p_ref, rel=1e-12)
    np.testing.assert_allclose(v, v_ref, atol=1e-12)


def test_single_click_phase_visibility_matches_phase_averaging() -> None:
    theta = math.acos(0.8)  # <cos(phase)> = V over the two phases
    p_ref, v_ref = _single_click_reference(
        0.1, 0.3, 0.02, [np.exp(1j * theta), np.exp(-1j * theta)]
    )
    p, v = single_click(0.1, 0.3, dark_count_probability=0.02, visibility=0.8)
    assert p == pytest.approx(p_ref, rel=1e-12)
    np.testing.assert_allclose(v, v_ref, atol=1e-12)


def test_single_click_visibility_scales_the_ideal_fidelity() -> None:
    _, v1 = single_click(0.1, 0.05)
    _, v = single_click(0.1, 0.05, visibility=0.9)
    assert v[0] == pytest.approx(v1[0] * 0.95)
    assert v[3] == pytest.approx(v1[0] * 0.05)


def test_single_click_dark_counts_alone_give_false_heralds() -> None:
    p, v = single_click(0.0, 0.5, dark_count_probability=1e-3)
    assert p == pytest.approx(2 * 1e-3 * (1 - 1e-3))
    np.testing.assert_allclose(v, [0.0, 0.5, 0.5, 0.0])


def test_single_click_without_any_herald_returns_maximally_mixed() -> None:
    p, v = single_click(0.0, 0.5)
    assert p == 0.0
    np.testing.assert_allclose(v, bd.MAXIMALLY_MIXED)


def test_single_click_dark_counts_cost_fidelity() -> None:
    p0, v0 = single_click(0.05, 1e-3)
    p1, v1 = single_click(0.05, 1e-3, dark_count_probability=1e-5)
    assert p1 > p0
    assert v1[0] < v0[0]


def test_single_click_broadcasts() -> None:
    p, v = single_click(np.array([0.05, 0.1]), np.array([[1e-3], [0.05]]))
    assert p.shape == (2, 2)
    assert v.shape == (2, 2, 4)
    assert bd.is_normalized(v)


# --- double click -----------------------------------------------------------------------


@pytest.mark.parametrize("eta", [0.05, 0.5, 1.0])
def test_double_click_ideal(eta: float) -> None:
    p, v = double_click(eta)
    assert p == pytest.approx(eta**2 / 2, rel=1e-13)
    np.testing.assert_allclose(v, [1, 0, 0, 0], atol=1e-15)


def test_double_click_matches_brute_force_without_dark_counts() -> None:
    p_ref, v_ref = _double_click_reference(0.4, 0.0, 1.0)
    p, v = double_click(0.4)
    assert p == pytest.approx(p_ref, rel=1e-12)
    np.testing.assert_allclose(v, v_ref, atol=1e-12)


def test_double_click_dark_counts_and_visibility_match_brute_force() -> None:
    overlap = math.sqrt(0.85)  # V = overlap^2
    p_ref, v_ref = _double_click_reference(0.3, 0.05, overlap)
    p, v = double_click(0.3, dark_count_probability=0.05, visibility=0.85)
    assert p == pytest.approx(p_ref, rel=1e-12)
    np.testing.assert_allclose(v, v_ref, atol=1e-12)


def test_double_click_visibility_gives_phase_errors() -> None:
    p, v = double_click(0.2, visibility=0.9)
    assert p == pytest.approx(0.02)
    np.testing.assert_allclose(v, [0.95, 0.0, 0.0, 0.05])


def test_double_click_dark_counts_cost_fidelity() -> None:
    p0, _ = double_click(0.01)
    p1, v1 = double_click(0.01, dark_count_probability=1e-4)
    assert p1 > p0
    assert v1[0] < 1.0


def test_double_click_rejects_visibility_above_one() -> None:
    with pytest.raises(ValueError, match="visibility"):
        double_click(0.1, visibility=1.2)
