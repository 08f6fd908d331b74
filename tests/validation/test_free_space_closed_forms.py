"""Free-space geometric loss against the Gaussian-beam closed forms (FSO-LINKBUDGET-01).

A Gaussian beam of half-angle divergence 5 µrad (10 µrad full angle) into a 1.2 m receiver:
10.11 dB at 530 km, 15.47 dB at 1,000 km and 17.03 dB at 1,200 km
(``1 - exp(-2 a^2 / (theta L)^2)``; 530 and 1000 km are the distances of the Micius Delingha
downlink of Yin et al., PRL 119, 200501 (2017)), and the far-field ``L^2`` law.
"""

import numpy as np
import pytest

from qfab.physics.decibel import loss_db
from qfab.physics.free_space import geometric_transmittance


@pytest.mark.parametrize(("distance_km", "expected_db"), [(530.0, 10.112), (1000.0, 15.468),
                                                         (1200.0, 17.033)])
def test_geometric_loss_of_a_5_microradian_beam_into_1_2_m(distance_km: float,
                                                           expected_db: float) -> None:
    loss = float(loss_db(geometric_transmittance(distance_km * 1e3, 5e-6, 1.2)))
    assert loss == pytest.approx(expected_db, abs=0.0005)  # the printed digits


def test_far_field_loss_grows_as_the_square_of_the_distance() -> None:
    theta, diameter = 5e-6, 1.2
    near = np.array([530e3, 1e6, 2e6, 1e7, 1e8])
    ratio = geometric_transmittance(near, theta, diameter) / geometric_transmittance(
        2 * near, theta, diameter)
    # T = x (1 - x/2 + ...), x = 2 a^2 / (theta L)^2, so T(L) / T(2L) = 4 (1 - 3x/8 + O(x^2))
    x = 2 * (diameter / 2) ** 2 / (theta * near) ** 2
    assert np.all(np.abs(ratio / (4 * (1 - 3 * x / 8)) - 1) <= x**2)
    assert ratio[-1] == pytest.approx(4.0, rel=2e-6)  # x = 2.9e-6 at 1e5 km
    # in dB: twice the distance costs 20 log10(2) = 6.02 dB in the far field
    extra = loss_db(geometric_transmittance(2e8, theta, diameter)) - loss_db(
        geometric_transmittance(1e8, theta, diameter))
    assert extra == pytest.approx(20 * np.log10(2), abs=1e-5)  # (10 / ln 10) 3x/8 = 5e-6 dB
