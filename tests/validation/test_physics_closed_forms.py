"""Physics against the closed forms and expected values of docs/references.md (case ids cited)."""

import math

import numpy as np
import pytest

from qfab.physics import bell_diagonal as bd, fiber, heralding, memory


def test_fiber_loss_at_50_km() -> None:
    """0.2 dB/km over 50 km is 10 dB: transmittance 0.1 (BOUND-PLOB-01 parameter table;
    Pirandola et al., Nat. Commun. 8, 15043 (2017))."""
    assert fiber.transmittance(50e3, 0.2e-3) == pytest.approx(0.1, rel=1e-12)
    assert fiber.transmittance(np.array([100e3, 200e3, 300e3]), 0.2e-3) == pytest.approx(
        [1e-2, 1e-4, 1e-6], rel=1e-12
    )


# --- SWAP-WERNER-01 ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("f1", "f2", "expected"), [(0.9, 0.9, 0.8133333333), (0.95, 0.9, 0.8566666667)]
)
def test_swap_werner_pair(f1: float, f2: float, expected: float) -> None:
    """SWAP-WERNER-01: F12 = F1F2 + (1-F1)(1-F2)/3 (Dür, Briegel, Cirac, Zoller,
    PRA 59, 169 (1999)); abs. tol 1e-9."""
    assert bd.swap(bd.werner(f1), bd.werner(f2))[0] == pytest.approx(expected, abs=1e-9)


@pytest.mark.parametrize(
    ("n", "expected"),
    [(2, 0.9033333333), (4, 0.8191259259), (8, 0.6818724261), (16, 0.4986850565)],
)
def test_swap_werner_chain(n: int, expected: float) -> None:
    """SWAP-WERNER-01: N links of F = 0.95 joined by N-1 ideal swaps give
    F = 1/4 + 3/4 w^N (Dür et al., PRA 59, 169 (1999)); abs. tol 1e-9."""
    v = bd.werner(0.95)
    for _ in range(n - 1):
        v = bd.swap(v, bd.werner(0.95))
    assert v[0] == pytest.approx(expected, abs=1e-9)


# --- PUR-BBPSSW-01 ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("f", "f_out", "p"),
    [
        (0.6, 0.6204379562, 0.6088888889),
        (0.7, 0.7352941176, 0.68),
        (0.8, 0.8381502890, 0.7688888889),
        (0.9, 0.9263959391, 0.8755555556),
    ],
)
def test_bbpssw_round(f: float, f_out: float, p: float) -> None:
    """PUR-BBPSSW-01: F' = (F^2+q^2)/(F^2+2Fq+5q^2), p = denominator (Bennett et al.,
    PRL 76, 722 (1996)); abs. tol 1e-8."""
    out, p_succ = bd.bbpssw(bd.werner(f))
    assert out[0] == pytest.approx(f_out, abs=1e-8)
    assert p_succ == pytest.approx(p, abs=1e-8)


def test_bbpssw_second_round() -> None:
    """PUR-BBPSSW-01: a second round after re-twirling, from 0.8, gives 0.8735845153
    (Bennett et al., PRL 76, 722 (1996)); abs. tol 1e-8."""
    out, _ = bd.bbpssw(bd.bbpssw(bd.werner(0.8))[0])
    assert out[0] == pytest.approx(0.8735845153, abs=1e-8)


# --- PUR-DEJMPS-01 ----------------------------------------------------------------------


def test_dejmps_werner_round_one() -> None:
    """PUR-DEJMPS-01, Werner F = 0.8 round 1 (Deutsch et al., PRL 77, 2818 (1996));
    abs. tol 1e-8."""
    out, p = bd.dejmps(bd.werner(0.8))
    np.testing.assert_allclose(
        out, [0.8381502890, 0.0115606936, 0.0115606936, 0.1387283237], atol=1e-8
    )
    assert p == pytest.approx(0.7688888889, abs=1e-8)


def test_dejmps_round_two_without_twirl() -> None:
    """PUR-DEJMPS-01, round 2 without twirl: A' = 0.9436392192, p = 0.7445955428, above
    BBPSSW's 0.8736 (Deutsch et al., PRL 77, 2818 (1996)); abs. tol 1e-8."""
    out, p = bd.dejmps(bd.dejmps(bd.werner(0.8))[0])
    assert out[0] == pytest.approx(0.9436392192, abs=1e-8)
    assert p == pytest.approx(0.7445955428, abs=1e-8)
    assert out[0] > bd.bbpssw(bd.bbpssw(bd.werner(0.8))[0])[0][0]


def test_dejmps_general_bell_diagonal() -> None:
    """PUR-DEJMPS-01: (0.6, 0.2, 0.15, 0.05) -> (0.58823529, 0.02205882, 0.03676471,
    0.35294118), p = 0.68 (Deutsch et al., PRL 77, 2818 (1996)); abs. tol 1e-8."""
    out, p = bd.dejmps([0.6, 0.2, 0.15, 0.05])
    np.testing.assert_allclose(out, [0.58823529, 0.02205882, 0.03676471, 0.35294118], atol=1e-8)
    assert p == pytest.approx(0.68, abs=1e-8)


def test_dejmps_psi_minus_error_becomes_phi_minus() -> None:
    """PUR-DEJMPS-01: (0.7, 0.3, 0, 0) -> A' = 0.58 with p = 1; the fidelity drops because
    the Psi- error is mapped to a Phi- error (Deutsch et al., PRL 77, 2818 (1996))."""
    out, p = bd.dejmps([0.7, 0.3, 0.0, 0.0])
    assert out[0] == pytest.approx(0.58, abs=1e-8)
    assert out[3] == pytest.approx(0.42, abs=1e-8)
    assert p == pytest.approx(1.0, abs=1e-8)


# --- MEM-DECOH-01 -----------------------------------------------------------------------

T1, T2, T = 1.0, 0.5, 0.1


def test_memory_dephasing_one_qubit() -> None:
    """MEM-DECOH-01: pure dephasing on one qubit, F = (1+e^{-t/T2})/2 = 0.9093653765
    (Nielsen & Chuang, ch. 8); abs. tol 1e-9."""
    assert memory.decohere(bd.werner(1.0), T, 0.0, t2_a=T2)[0] == pytest.approx(
        0.9093653765, abs=1e-9
    )


def test_memory_dephasing_both_qubits() -> None:
    """MEM-DECOH-01: pure dephasing on both qubits, F = (1+e^{-2t/T2})/2 = 0.8351600230
    (Nielsen & Chuang, ch. 8); abs. tol 1e-9."""
    assert memory.decohere(bd.werner(1.0), T, T, t2_a=T2, t2_b=T2)[0] == pytest.approx(
        0.8351600230, abs=1e-9
    )


@pytest.mark.parametrize("side", ["a", "b"])
def test_memory_t1_and_t2_one_qubit(side: str) -> None:
    """MEM-DECOH-01: T1 and T2 on one qubit, F = (1+e^{-t/T1})/4 + e^{-t/T2}/2 =
    0.8855747310 (Nielsen & Chuang, ch. 8; exact under the Pauli twirl of Ghosh, Fowler,
    Geller, PRA 86, 062318 (2012)); abs. tol 1e-9."""
    if side == "a":
        out = memory.decohere(bd.werner(1.0), T, 0.0, t1_a=T1, t2_a=T2)
    else:
        out = memory.decohere(bd.werner(1.0), 0.0, T, t1_b=T1, t2_b=T2)
    assert out[0] == pytest.approx(0.8855747310, abs=1e-9)


def test_memory_t1_and_t2_one_qubit_with_kraus_operators() -> None:
    """MEM-DECOH-01: the same value from the explicit Kraus operators acting on |Phi+>
    (Nielsen & Chuang, Sec. 8.3.5-8.3.6); abs. tol 1e-9."""
    phi = np.array([1, 0, 0, 1]) / math.sqrt(2)
    rho = np.outer(phi, phi)
    ks = [np.kron(k, np.eye(2)) for k in memory.t1_t2_kraus(T, t1=T1, t2=T2)]
    out = sum(k @ rho @ k.T for k in ks)
    assert phi @ out @ phi == pytest.approx(0.8855747310, abs=1e-9)


def test_memory_depolarizing() -> None:
    """MEM-DECOH-01: depolarising memory, F0 = 0.95, T = 1 s, t = 0.1 s:
    F = 1/4 + (F0-1/4)e^{-t/T} = 0.8833861926; abs. tol 1e-9."""
    assert memory.depolarizing_memory_fidelity(0.95, T, coherence_time=1.0) == pytest.approx(
        0.8833861926, abs=1e-9
    )
    assert memory.depolarizing_memory(bd.werner(0.95), T, coherence_time=1.0)[0] == pytest.approx(
        0.8833861926, abs=1e-9
    )


# --- HEG-SINGLECLICK-01 / HEG-BARRETTKOK-01 ---------------------------------------------


@pytest.mark.parametrize(
    ("alpha", "eta", "p", "f"),
    [
        (0.05, 1e-3, 9.99975e-5, 0.95002375),
        (0.1, 1e-3, 1.9999e-4, 0.90004500),
        (0.1, 0.05, 9.975e-3, 0.90225564),
    ],
)
def test_single_click_table(alpha: float, eta: float, p: float, f: float) -> None:
    """HEG-SINGLECLICK-01: p = 2 a eta - a^2 eta^2, F = 2(1-a)/(2 - a eta), no dark counts,
    V = 1 (Humphreys et al., Nature 558, 268 (2018); Hermans et al., NJP 25, 013011 (2023)).
    Table values are printed to 6-8 significant digits; exact formulas to 1e-12."""
    p_succ, v = heralding.single_click(alpha, eta)
    assert p_succ == pytest.approx(p, rel=1e-9)
    assert v[0] == pytest.approx(f, abs=1e-8)
    assert p_succ == pytest.approx(2 * alpha * eta - alpha**2 * eta**2, rel=1e-12)
    assert v[0] == pytest.approx(2 * (1 - alpha) / (2 - alpha * eta), rel=1e-12)


@pytest.mark.parametrize(("eta", "p"), [(0.1, 5e-3), (1e-2, 5e-5), (1e-3, 5e-7)])
def test_barrett_kok_table(eta: float, p: float) -> None:
    """HEG-BARRETTKOK-01: p = eta^2/2 and ideal fidelity 1 (Barrett & Kok, PRA 71,
    060310(R) (2005))."""
    p_succ, v = heralding.double_click(eta)
    assert p_succ == pytest.approx(p, rel=1e-12)
    assert v[0] == pytest.approx(1.0, abs=1e-12)
