"""Unit tests of qfab.physics.fiber."""

import numpy as np
import pytest

from qfab.physics.fiber import SPEED_OF_LIGHT_IN_FIBER, propagation_delay, transmittance


def test_zero_length_transmits_everything() -> None:
    assert transmittance(0.0, 2e-4) == 1.0


def test_ten_db_of_loss_is_a_tenth() -> None:
    # 50 km at 0.2 dB/km = 10 dB.
    assert transmittance(50e3, 2e-4) == pytest.approx(0.1, rel=1e-12)


def test_three_db_halves_the_power() -> None:
    assert transmittance(1.0, 3.0) == pytest.approx(10**-0.3, rel=1e-12)


def test_attenuation_is_per_metre_not_per_km() -> None:
    # 0.2 dB/m over 1 km is 200 dB, not 0.2 dB.
    assert transmittance(1e3, 0.2) == pytest.approx(1e-20, rel=1e-9)


def test_loss_of_concatenated_fibres_multiplies() -> None:
    assert transmittance(30e3, 2e-4) * transmittance(20e3, 2e-4) == pytest.approx(
        transmittance(50e3, 2e-4), rel=1e-12
    )


def test_transmittance_broadcasts() -> None:
    out = transmittance(np.array([0.0, 50e3, 100e3])[:, None], np.array([2e-4, 1.6e-4]))
    assert out.shape == (3, 2)
    assert out[2, 0] == pytest.approx(0.01, rel=1e-12)


def test_scalar_input_gives_a_float() -> None:
    assert isinstance(transmittance(1e3, 2e-4), float)


def test_negative_length_is_rejected() -> None:
    with pytest.raises(ValueError, match="length"):
        transmittance(-1.0, 2e-4)


def test_negative_attenuation_is_rejected() -> None:
    with pytest.raises(ValueError, match="attenuation_db_per_m"):
        transmittance(1.0, -2e-4)


def test_delay_uses_two_thirds_of_c() -> None:
    assert SPEED_OF_LIGHT_IN_FIBER == 2.0e8
    assert propagation_delay(200e3) == pytest.approx(1e-3, rel=1e-12)


def test_delay_with_custom_speed() -> None:
    assert propagation_delay(3e8, speed=3e8) == pytest.approx(1.0)


def test_delay_rejects_zero_speed() -> None:
    with pytest.raises(ValueError, match="speed"):
        propagation_delay(1.0, speed=0.0)
