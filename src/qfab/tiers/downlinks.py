"""Downlink budgets of catalogued satellites to catalogued ground stations.

Joins the satellite catalog (:mod:`qfab.catalog.satellites`: divergence, efficiencies,
apertures, sites) with the free-space link budget (:func:`qfab.physics.free_space.
downlink_transmittance`): :func:`downlink_arguments` gives the keyword arguments of that
function for a satellite and a station, :func:`downlink_loss_db` the loss of one downlink at a
range and elevation, :func:`two_downlink_loss_db` the summed loss of the two downlinks of an
entangled pair (the pair arrives when both photons do: the efficiencies multiply, the losses
add), and :func:`micius_downlink_loss` that of the Micius Delingha-Lijiang configuration of
Yin et al., Science 356, 1140 (2017).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from qfab.catalog.satellites import ground_station, satellite
from qfab.physics.decibel import loss_db
from qfab.physics.free_space import downlink_transmittance
from qfab.tiers.orbits import GroundStation

__all__ = ["downlink_arguments", "downlink_loss_db", "micius_downlink_loss", "station",
           "two_downlink_loss_db"]

FloatArray = NDArray[np.float64]


def station(name: str) -> GroundStation:
    """The catalogued ground station ``name`` as an orbit :class:`GroundStation`.

    Examples
    --------
    >>> station("delingha").altitude_m
    3153.0
    """
    entry = ground_station(name)
    return GroundStation(entry.name, entry.value("latitude"), entry.value("longitude"),
                         entry.si("altitude"))


def downlink_arguments(satellite_name: str, station_name: str) -> dict[str, Any]:
    """Keyword arguments of :func:`~qfab.physics.free_space.downlink_transmittance` (all but
    distance and elevation) for a satellite's downlink to a ground station, in SI units."""
    sat, site = satellite(satellite_name), ground_station(station_name)
    return {
        "divergence": sat.si("divergence"),
        "pointing_jitter": sat.si("pointing_jitter"),
        "transmitter_efficiency": sat.si("transmitter_efficiency"),
        "receiver_diameter": site.si("telescope_diameter"),
        "zenith_transmittance": site.si("zenith_transmittance"),
        "receiver_efficiency": site.si("receiver_efficiency"),
    }


def downlink_loss_db(distance: ArrayLike, elevation: ArrayLike, *, satellite_name: str,
                     station_name: str) -> FloatArray:
    """Loss in dB of a catalogued downlink at a slant range (m) and an elevation (rad)."""
    eta = downlink_transmittance(distance, elevation,
                                 **downlink_arguments(satellite_name, station_name))
    return loss_db(eta)


def two_downlink_loss_db(distances: tuple[ArrayLike, ArrayLike],
                         elevations: tuple[ArrayLike, ArrayLike], *, satellite_name: str,
                         stations: tuple[str, str]) -> FloatArray:
    """Summed loss in dB of the two simultaneous downlinks of an on-board pair source.

    ``distances`` and ``elevations`` are those of the first and of the second station (the
    order of ``stations``).
    """
    first = downlink_loss_db(distances[0], elevations[0], satellite_name=satellite_name,
                             station_name=stations[0])
    second = downlink_loss_db(distances[1], elevations[1], satellite_name=satellite_name,
                              station_name=stations[1])
    return np.asarray(first + second, dtype=np.float64)


def micius_downlink_loss(distance_delingha: ArrayLike, elevation_delingha: ArrayLike,
                         distance_lijiang: ArrayLike, elevation_lijiang: ArrayLike
                         ) -> FloatArray:
    """Two-downlink loss (dB) of the Micius Delingha-Lijiang configuration of Yin et al. 2017.

    Distances in metres, elevations in radians; the catalogued values of ``micius``,
    ``delingha`` and ``lijiang`` (``qfab/catalog/data/satellites.yaml``). The published range
    is 64-82 dB for summed distances of 1600-2400 km (experiment
    ``micius_entanglement_2017``).
    """
    return two_downlink_loss_db((distance_delingha, distance_lijiang),
                                (elevation_delingha, elevation_lijiang),
                                satellite_name="micius", stations=("delingha", "lijiang"))
