"""Catalogued downlink budgets: the arguments fit the physics function, losses add."""

import inspect

import numpy as np
import pytest

from qfab.physics.decibel import loss_db
from qfab.physics.free_space import downlink_transmittance, geometric_transmittance
from qfab.tiers.downlinks import (
    downlink_arguments,
    downlink_loss_db,
    station,
    two_downlink_loss_db,
)


def test_the_arguments_are_keywords_of_downlink_transmittance() -> None:
    accepted = set(inspect.signature(downlink_transmittance).parameters)
    arguments = downlink_arguments("micius", "lijiang")
    assert set(arguments) <= accepted
    assert arguments["receiver_diameter"] == 1.8


def test_a_bigger_telescope_loses_less_geometrically() -> None:
    big, small = downlink_arguments("micius", "lijiang"), downlink_arguments("micius", "delingha")
    gain = loss_db(geometric_transmittance(1e7, small["divergence"], small["receiver_diameter"])) \
        - loss_db(geometric_transmittance(1e7, big["divergence"], big["receiver_diameter"]))
    assert gain == pytest.approx(20 * np.log10(1.8 / 1.2), abs=0.05)  # far field: D^2


def test_two_downlinks_add_their_losses() -> None:
    d, e = (700e3, 900e3), (np.radians(45.0), np.radians(30.0))
    total = two_downlink_loss_db(d, e, satellite_name="micius", stations=("delingha", "lijiang"))
    parts = (downlink_loss_db(d[0], e[0], satellite_name="micius", station_name="delingha")
             + downlink_loss_db(d[1], e[1], satellite_name="micius", station_name="lijiang"))
    assert total == pytest.approx(parts, rel=1e-12)


def test_a_catalogued_station_becomes_an_orbit_ground_station() -> None:
    site = station("lijiang")
    assert (site.latitude_deg, site.longitude_deg, site.altitude_m) == (26.693931, 100.029319,
                                                                       3233.0)
