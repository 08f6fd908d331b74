"""Decibels of an efficiency: the inverse of the fibre's transmittance formula."""

from __future__ import annotations

import math

import numpy as np
import pytest

from qfab.physics.decibel import loss_db
from qfab.physics.fiber import transmittance


def test_loss_of_a_fiber_is_its_attenuation_times_length() -> None:
    lengths = np.array([0.0, 1e3, 25e3, 100e3])
    assert loss_db(transmittance(lengths, 2e-4)) == pytest.approx(2e-4 * lengths, abs=1e-12)


def test_edges_and_validation() -> None:
    assert float(loss_db(1.0)) == 0.0
    assert float(loss_db(0.5)) == pytest.approx(10 * math.log10(2), rel=1e-15)
    assert float(loss_db(0.0)) == math.inf
    with pytest.raises(ValueError, match="efficiency"):
        loss_db(1.5)
