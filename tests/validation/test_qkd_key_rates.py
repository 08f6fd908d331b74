"""Decoy-state BB84 and BBM92 key rates against QKD-DECOY-GYS-01 and BOUND-PLOB-01.

GYS parameters (Gobby, Yuan, Shields 2004, as used by Ma, Qi, Zhao, Lo, PRA 72, 012326
(2005)): eta_Bob = 0.045, Y0 = 1.7e-6, e_d = 0.033, f = 1.22, 0.21 dB/km, q = 1/2.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from qfab.physics import qkd
from qfab.physics.bounds import plob_bound

GYS = {"y0": 1.7e-6, "e_d": 0.033, "f": 1.22}
ETA_BOB = 0.045


def _eta(length_km: float | np.ndarray) -> float | np.ndarray:
    return ETA_BOB * 10 ** (-0.21 * np.asarray(length_km) / 10)


def _max_distance(decoys: qkd.Decoys = "infinite", nu: float | None = None) -> float:
    """Largest length (km, to 0.05 km) with a positive rate at the optimal mu."""
    low, high = 50.0, 250.0
    while high - low > 0.05:
        mid = 0.5 * (low + high)
        _, rate = qkd.optimal_mu(float(_eta(mid)), decoys=decoys, nu=nu, **GYS)
        low, high = (mid, high) if rate > 0.0 else (low, mid)
    return low


@pytest.mark.parametrize("length_km", [0.0, 25.0, 50.0, 75.0, 100.0])
def test_optimal_mu_is_near_048(length_km: float) -> None:
    """QKD-DECOY-GYS-01: with infinite decoys the optimal mu is about 0.48 (Ma et al. 2005)
    and nearly independent of distance below 100 km; tolerance 0.015."""
    mu, rate = qkd.optimal_mu(float(_eta(length_km)), **GYS)
    assert mu == pytest.approx(0.48, abs=0.015)
    assert rate > 0.0


def test_maximum_distance_is_near_142_km() -> None:
    """QKD-DECOY-GYS-01: the infinite-decoy key rate vanishes near 142 km (Ma et al. 2005);
    the vacuum + weak decoy (nu = 0.05) reaches nearly as far; tolerance 1.5 km."""
    infinite = _max_distance()
    assert infinite == pytest.approx(142.0, abs=1.5)
    weak = _max_distance("vacuum+weak", nu=0.05)
    assert weak <= infinite + 0.05
    assert weak == pytest.approx(infinite, abs=2.0)


def test_rate_at_50_km_against_the_closed_form() -> None:
    """QKD-DECOY-GYS-01: R(50 km, mu = 0.48) from the GLLP formula written out by hand."""
    eta = float(_eta(50.0))
    mu, y0, e_d, f = 0.48, GYS["y0"], GYS["e_d"], GYS["f"]
    q_mu = y0 + 1 - math.exp(-eta * mu)
    e_mu = (0.5 * y0 + e_d * (1 - math.exp(-eta * mu))) / q_mu
    y1 = y0 + eta
    e1 = (0.5 * y0 + e_d * eta) / y1

    def h(p: float) -> float:
        return -p * math.log2(p) - (1 - p) * math.log2(1 - p)

    expected = 0.5 * (-q_mu * f * h(e_mu) + y1 * mu * math.exp(-mu) * (1 - h(e1)))
    assert float(qkd.bb84_decoy_key_rate(eta, mu=mu, **GYS)) == pytest.approx(expected,
                                                                              rel=1e-12)


def test_no_rate_exceeds_the_plob_bound() -> None:
    """BOUND-PLOB-01: every point-to-point rate per pulse is below -log2(1 - eta) of the
    channel (detector included), at every distance."""
    lengths = np.arange(0.0, 301.0, 5.0)
    eta = np.asarray(_eta(lengths))
    bound = plob_bound(eta)
    for decoys, nu in (("infinite", None), ("vacuum+weak", 0.05)):
        for mu in (0.1, 0.48, 0.8, 1.0):
            rate = qkd.bb84_decoy_key_rate(eta, mu=mu, decoys=decoys, nu=nu,  # type: ignore[arg-type]
                                           sifting=1.0, **GYS)
            assert np.all(rate <= bound)
    for length, e in zip(lengths[::6], eta[::6]):
        _, best = qkd.optimal_mu(float(e), sifting=1.0, **GYS)
        assert best <= float(plob_bound(e)), length
        for pulses in (1e10, math.inf):
            finite = qkd.bb84_decoy_finite_key_rate(pulses, float(e), mu=[0.5, 0.1, 0.0],
                                                    p_mu=[0.7, 0.2, 0.1], p_z=0.99, **GYS)
            assert finite <= float(plob_bound(e)), length
    # an ideal single-photon BB84 link (no errors, no dark counts) is a factor ln 2 below
    ideal = qkd.bb84_decoy_key_rate(eta, 0.0, 0.0, 1.0, 1.0, sifting=1.0)
    assert np.all(ideal <= bound)
