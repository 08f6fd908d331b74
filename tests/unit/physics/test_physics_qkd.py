"""Unit tests of qfab.physics.qkd (QKD-FINITE-LIM2014-01, QKD-FINITE-TLGR2012-01, BBM92)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.optimize import brentq

from qfab.physics import qkd

GYS = {"y0": 1.7e-6, "e_d": 0.033, "f": 1.22}


def _eta(length_km: float) -> float:
    return 0.045 * 10 ** (-0.21 * length_km / 10)


def test_binary_entropy_values_and_symmetry() -> None:
    p = np.array([0.0, 0.01, 0.11, 0.5, 0.89, 1.0])
    h = qkd.binary_entropy(p)
    assert h[0] == 0.0 and h[-1] == 0.0 and h[3] == 1.0
    assert h[1] == pytest.approx(-(0.01 * math.log2(0.01) + 0.99 * math.log2(0.99)))
    assert h[2] == pytest.approx(h[4])
    with pytest.raises(ValueError, match="p: must be a probability"):
        qkd.binary_entropy(1.5)


def test_gain_and_qber_closed_forms_broadcast() -> None:
    mu = np.array([[0.1], [0.5]])
    eta = np.array([1e-2, 1e-3, 1e-4])
    gain = qkd.wcp_gain(mu, eta, 1e-5)
    qber = qkd.wcp_qber(mu, eta, 1e-5, 0.02)
    assert gain.shape == (2, 3) and qber.shape == (2, 3)
    expected = 1e-5 + 1 - math.exp(-1e-3 * 0.5)
    assert gain[1, 1] == pytest.approx(expected, rel=1e-12)
    assert qber[1, 1] == pytest.approx((0.5e-5 + 0.02 * (expected - 1e-5)) / expected)
    # with no signal the QBER is that of the dark counts
    assert float(qkd.wcp_qber(0.5, 0.0, 1e-5, 0.02)) == pytest.approx(0.5)


def test_vacuum_weak_bounds_bracket_the_exact_single_photon_values() -> None:
    eta, y0, e_d, mu = _eta(60), GYS["y0"], GYS["e_d"], 0.48
    exact_y1 = float(qkd.single_photon_yield(eta, y0))
    exact_e1 = float(qkd.single_photon_error_rate(eta, y0, e_d))
    previous = 0.0
    for nu in (0.2, 0.1, 0.05, 0.01):
        y1, e1 = qkd.vacuum_weak_decoy_bounds(
            mu, nu, qkd.wcp_gain(mu, eta, y0), qkd.wcp_gain(nu, eta, y0),
            qkd.wcp_qber(nu, eta, y0, e_d), y0)
        assert float(y1) <= exact_y1 * (1 + 1e-12)
        assert float(e1) >= exact_e1 * (1 - 1e-12)
        assert float(y1) >= previous  # the bound tightens as the decoy weakens
        previous = float(y1)
    # nu -> 0: the bound tends to the exact yield, the gap being O(nu) (here < 2 %)
    assert previous == pytest.approx(exact_y1, rel=0.02)
    with pytest.raises(ValueError, match="nu"):
        qkd.vacuum_weak_decoy_bounds(0.1, 0.2, 1e-3, 1e-3, 0.02, 1e-6)


def test_gllp_rate_is_zero_when_errors_are_large() -> None:
    assert float(qkd.gllp_key_rate(1e-3, 0.2, 5e-4, 0.2, 1.2)) == 0.0
    rate = qkd.gllp_key_rate(1e-3, 0.02, 5e-4, 0.02, 1.0, sifting=1.0)
    h = float(qkd.binary_entropy(0.02))
    assert float(rate) == pytest.approx(-1e-3 * h + 5e-4 * (1 - h))


def test_decoy_rate_requires_nu_and_a_known_estimate() -> None:
    with pytest.raises(ValueError, match="nu: required"):
        qkd.bb84_decoy_key_rate(1e-3, 1e-6, 0.01, 1.2, 0.5, decoys="vacuum+weak")
    with pytest.raises(ValueError, match="decoys"):
        qkd.bb84_decoy_key_rate(1e-3, 1e-6, 0.01, 1.2, 0.5, decoys="two")  # type: ignore[arg-type]


def test_vacuum_weak_rate_is_below_the_infinite_decoy_rate() -> None:
    lengths = np.arange(0.0, 150.0, 10.0)
    eta = _eta(lengths)  # type: ignore[arg-type]
    infinite = qkd.bb84_decoy_key_rate(eta, GYS["y0"], GYS["e_d"], GYS["f"], 0.48)
    weak = qkd.bb84_decoy_key_rate(eta, GYS["y0"], GYS["e_d"], GYS["f"], 0.48,
                                   decoys="vacuum+weak", nu=0.05)
    assert np.all(weak <= infinite * (1 + 1e-12))
    assert weak[5] > 0.8 * infinite[5]


def test_optimal_mu_maximises_the_rate() -> None:
    eta = _eta(80)
    mu, rate = qkd.optimal_mu(eta, **GYS)
    for other in (mu * 0.9, mu * 1.1):
        assert float(qkd.bb84_decoy_key_rate(eta, mu=other, **GYS)) < rate
    assert qkd.optimal_mu(_eta(300), **GYS) == (pytest.approx(math.nan, nan_ok=True), 0.0)


# ---------------------------------------------------------------------------- finite key

MU3 = np.array([0.5, 0.1, 0.0])
P3 = np.array([0.7, 0.2, 0.1])


def _reference_three_intensity_rate(eta: float, mu: np.ndarray, p: np.ndarray,
                                    p_z: float) -> float:
    """Exact vacuum and single-photon contributions: what the decoy bounds estimate."""
    y0, e_d, f = GYS["y0"], GYS["e_d"], GYS["f"]
    y1 = float(qkd.single_photon_yield(eta, y0))
    e1 = float(qkd.single_photon_error_rate(eta, y0, e_d))
    weight = p_z * p_z * p
    s0 = float(np.sum(weight * np.exp(-mu))) * y0
    s1 = float(np.sum(weight * mu * np.exp(-mu))) * y1
    gain = qkd.wcp_gain(mu, eta, y0)
    n_z = float(np.sum(weight * gain))
    e_z = float(np.sum(weight * gain * qkd.wcp_qber(mu, eta, y0, e_d))) / n_z
    return s0 + s1 * (1 - float(qkd.binary_entropy(e1))) - f * n_z * float(
        qkd.binary_entropy(e_z))


def test_finite_key_rate_grows_with_the_number_of_pulses_to_the_asymptotic_one() -> None:
    eta = _eta(50)
    rates = [qkd.bb84_decoy_finite_key_rate(n, eta, mu=MU3, p_mu=P3, p_z=0.7, **GYS)
             for n in (1e9, 1e10, 1e11, 1e13, 1e16)]
    limit = qkd.bb84_decoy_finite_key_rate(math.inf, eta, mu=MU3, p_mu=P3, p_z=0.7, **GYS)
    assert rates == sorted(rates)
    assert rates[0] == 0.0 and rates[1] > 0.0
    assert rates[-1] <= limit and rates[-1] == pytest.approx(limit, rel=0.01)
    # the three-intensity estimate is a lower bound on the exact single-photon rate ...
    reference = _reference_three_intensity_rate(eta, MU3, P3, 0.7)
    assert limit <= reference
    assert limit > 0.8 * reference
    # ... and tends to it as the decoys weaken (the bias is O(mu_2))
    weak = np.array([0.5, 0.005, 0.0])
    limit_weak = qkd.bb84_decoy_finite_key_rate(math.inf, eta, mu=weak, p_mu=P3, p_z=0.7,
                                                **GYS)
    assert limit_weak == pytest.approx(_reference_three_intensity_rate(eta, weak, P3, 0.7),
                                       rel=0.02)


def test_lim_key_length_terms() -> None:
    n_z, m_z, n_x, m_x = qkd.lim2014_expected_counts(1e11, _eta(50), GYS["y0"], GYS["e_d"],
                                                     MU3, P3, 0.7, 0.7)
    assert np.allclose(m_z / n_z, qkd.wcp_qber(MU3, _eta(50), GYS["y0"], GYS["e_d"]))
    assert n_x.sum() / n_z.sum() == pytest.approx(0.09 / 0.49)
    result = qkd.lim2014_key_length(n_z, n_x, m_x, MU3, P3, leak_ec=1e6)
    exact_e1 = float(qkd.single_photon_error_rate(_eta(50), GYS["y0"], GYS["e_d"]))
    assert result.phase_error_upper > exact_e1
    assert result.leak_ec == 1e6
    expected = (result.s_z0_lower + result.s_z1_lower * (
        1 - float(qkd.binary_entropy(result.phase_error_upper))) - 1e6
        - 6 * math.log2(21 / 1e-10) - math.log2(2 / 1e-15))
    assert result.length == pytest.approx(expected)
    with pytest.raises(ValueError, match="mu_1 > mu_2"):
        qkd.lim2014_key_length(n_z, n_x, m_x, [0.5, 0.4, 0.2], P3, leak_ec=0.0)
    with pytest.raises(ValueError, match="three entries"):
        qkd.lim2014_key_length(n_z[:2], n_x, m_x, MU3, P3, leak_ec=0.0)


# ------------------------------------------------------------------------------- BBM92


@pytest.mark.parametrize(("v", "s", "e", "r"), [(0.8, 2.26274170, 0.10, 0.06200881),
                                                (0.9, 2.54558441, 0.05, 0.42720609),
                                                (0.95, 2.68700577, 0.025, 0.66267814)])
def test_werner_pairs_against_the_reference_case(v: float, s: float, e: float,
                                                 r: float) -> None:
    """QKD-BBM92-E91-01: S = 2 sqrt(2) V, QBER (1 - V)/2, r = 1 - 2 h(QBER)."""
    assert float(qkd.werner_chsh(v)) == pytest.approx(s, rel=1e-8)
    assert float(qkd.werner_qber(v)) == pytest.approx(e, rel=1e-12)
    assert float(qkd.bbm92_secret_fraction(qkd.werner_qber(v))) == pytest.approx(r, rel=1e-7)


def test_bbm92_threshold_is_eleven_percent() -> None:
    """QKD-BBM92-E91-01: 1 - 2 h(Q) = 0 at Q = 11.0028 %."""
    root = brentq(lambda q: 1 - 2 * float(qkd.binary_entropy(q)), 0.05, 0.2, xtol=1e-10)
    assert root == pytest.approx(0.110028, abs=1e-6)
    assert float(qkd.bbm92_secret_fraction(0.111)) == 0.0


def test_bbm92_finite_key_tends_to_the_asymptotic_fraction() -> None:
    q = 0.03
    fractions = []
    for n in (1e4, 1e6, 1e8, 1e12):
        leak = n * float(qkd.binary_entropy(q))  # f = 1
        fractions.append(float(qkd.bbm92_finite_key_length(n, n / 10, q, leak)) / n)
    assert fractions == sorted(fractions)
    assert fractions[-1] == pytest.approx(float(qkd.bbm92_secret_fraction(q)), abs=1e-3)
    assert fractions[0] < 0.3 * fractions[-1]  # the finite-size penalty at 10^4 bits


def test_serfling_deviation_formula() -> None:
    n, k, eps = 1e6, 1e5, 1e-10
    expected = math.sqrt((n + k) / (n * k) * (k + 1) / k * math.log(1 / eps))
    assert float(qkd.serfling_deviation(n, k, eps)) == pytest.approx(expected, rel=1e-12)
