"""Repeaterless rate bounds against BOUND-PLOB-01 and BOUND-TGW-01 of docs/references.md."""

import math

import numpy as np
import pytest

from qfab.physics import fiber
from qfab.physics.bounds import plob_bound, tgw_bound

#: 0.2 dB/km in dB per metre (BOUND-PLOB-01 parameters).
ATTENUATION = 0.2e-3


@pytest.mark.parametrize(
    ("length_km", "eta", "expected"),
    [(50, 0.1, 0.152003093), (100, 0.01, 0.0144995697), (200, 1e-4, 1.44276718e-4),
     (300, 1e-6, 1.44269576e-6)],
)
def test_plob_bound_table(length_km: float, eta: float, expected: float) -> None:
    """BOUND-PLOB-01: K = -log2(1 - eta), eta = 10^(-alpha L / 10), alpha = 0.2 dB/km
    (Pirandola, Laurenza, Ottaviani, Banchi, Nat. Commun. 8, 15043 (2017)); rel. tol 1e-6."""
    transmittance = fiber.transmittance(length_km * 1e3, ATTENUATION)
    assert transmittance == pytest.approx(eta, rel=1e-12)
    assert plob_bound(transmittance) == pytest.approx(expected, rel=1e-6)


@pytest.mark.parametrize(
    ("length_km", "expected"),
    [(50, 0.289506617), (100, 0.0288548627), (200, 2.88539009e-4)],
)
def test_tgw_bound_table(length_km: float, expected: float) -> None:
    """BOUND-TGW-01: K_TGW = log2((1 + eta) / (1 - eta)) at 0.2 dB/km (Takeoka, Guha,
    Wilde, Nat. Commun. 5, 5235 (2014)); rel. tol 1e-6."""
    transmittance = fiber.transmittance(length_km * 1e3, ATTENUATION)
    assert tgw_bound(transmittance) == pytest.approx(expected, rel=1e-6)


def test_plob_bound_table_vectorized() -> None:
    """BOUND-PLOB-01, all rows at once through one broadcasting call."""
    eta = fiber.transmittance(np.array([50e3, 100e3, 200e3, 300e3]), ATTENUATION)
    assert plob_bound(eta) == pytest.approx(
        [0.152003093, 0.0144995697, 1.44276718e-4, 1.44269576e-6], rel=1e-6)


@pytest.mark.parametrize("eta", [1e-6, 1e-9, 1e-12, 1e-15])
def test_plob_bound_is_linear_at_high_loss(eta: float) -> None:
    """BOUND-PLOB-01: for eta << 1, K / eta -> 1 / ln 2 = 1.442695 (Pirandola et al. 2017)."""
    assert plob_bound(eta) / eta == pytest.approx(1 / math.log(2), rel=1e-6)
    assert 1 / math.log(2) == pytest.approx(1.442695, rel=1e-6)


@pytest.mark.parametrize("eta", [1e-6, 1e-9, 1e-12, 1e-15])
def test_tgw_bound_is_twice_plob_at_high_loss(eta: float) -> None:
    """BOUND-TGW-01: K_TGW ≈ 2.885 eta at small eta, twice PLOB (Takeoka et al. 2014)."""
    assert tgw_bound(eta) / eta == pytest.approx(2 / math.log(2), rel=1e-6)
    assert tgw_bound(eta) / plob_bound(eta) == pytest.approx(2.0, rel=1e-6)
