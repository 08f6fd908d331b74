"""The ``satellite`` link: an entangled-pair source on board, two simultaneous downlinks, a
schedule of slices along each pass (:mod:`qfab.linkschedule`).

From the orbit (a TLE propagated with SGP4, :mod:`qfab.tiers.orbits`) the link is up while the
satellite is above ``min_elevation`` at both ground stations at once
(:func:`~qfab.tiers.orbits.common_passes`). Each such window is cut into slices of ``step``
seconds; in each slice the distance and elevation seen from each station
(:func:`~qfab.tiers.orbits.pass_track`, taken at the slice's midpoint: ``step / 2`` after its
start) give the arm's efficiency and noise, and those the success probability and the state
of the slice:

* arm efficiency ``eta_x = downlink_transmittance(range, elevation)`` of
  :func:`qfab.physics.free_space.downlink_transmittance` (transmitter optics, Gaussian-beam
  collection with pointing jitter, the atmosphere's slant path, the receiver's optics) with
  the receiver efficiency ``eta_rx * eta_det * f_jitter``: the telescope and its optics, the
  detectors' efficiency and the share of photons their timing jitter leaves inside the
  coincidence window (:func:`qfab.physics.detection.window_fraction`);
* noise per window at station ``x``: a dark count (``1 - exp(-R_dark tau)``,
  :func:`qfab.physics.detection.dark_count_probability`) or a detected sky photon
  (``1 - exp(-N_b eta_rx eta_det)``, ``N_b`` the background photons per window of
  :func:`qfab.physics.free_space.background_photons_per_window`, a Poisson number of them
  passing the same optics and detectors), independent: ``d = 1 - (1 - d_dark)(1 - d_sky)``;
  the sky's radiance is the night's or the day's (``background``; ``auto``: day while the Sun
  is above the horizon at that station, from the track's ``sun_elevation_rad``);
* one attempt per coincidence window ``tau``: the source emits ``mu = R tau`` pairs per
  window on average (``R`` the pair rate). A coincidence is both stations clicking in the
  window; it holds the source's pair when both clicks come from one photon of the same pair,
  and a maximally mixed state otherwise (accidental coincidences: photons of different pairs,
  dark counts, sky photons). These are the formulas of the midpoint source,
  :func:`qfab.physics.midpoint_source.midpoint_source`, whose two arms here are the free-space
  downlinks (Jones et al., NJP 18, 083015 (2016); Sangouard et al., RMP 83, 33 (2011),
  section on photon-pair sources): ``p = P(both click)`` and the Werner state of fidelity
  ``w F_s + (1 - w) / 4`` with ``w = p_true / p``, ``F_s`` the emitted pairs' fidelity
  (``(1 + 3 V) / 4`` from their visibility). The thermal pair statistics per window are those
  of a single-mode SPDC source; for the ``mu << 1`` of a continuous-wave source they agree
  with Poisson statistics to first order in ``mu``.

The herald delay is 0 (the stations compare time tags after the pass; no memory waits for
it) and the attempt period is the coincidence window.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from qfab.errors import ScenarioError
from qfab.linkschedule import LinkSchedule
from qfab.physics.detection import dark_count_probability, window_fraction
from qfab.physics.free_space import (
    CLEAR_DAY_SKY_RADIANCE,
    NIGHT_SKY_RADIANCE,
    background_photons_per_window,
    downlink_transmittance,
)
from qfab.physics.midpoint_source import midpoint_source
from qfab.spec.links_satellite import ReceiverSpec, SatelliteLinkSpec
from qfab.spec.models import ScenarioSpec

__all__ = ["SatelliteHeralding", "SatellitePass", "satellite_pass", "satellite_schedule"]

FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class SatellitePass:
    """The slices of a satellite link over a run and what each holds (arms in ``between``
    order).

    Attributes
    ----------
    starts, ends
        Slice bounds, seconds from the run's start.
    range_m, elevation_rad
        Distance and elevation of the satellite seen from each station, shape
        ``(2, slices)``.
    efficiency
        Each arm's efficiency ``eta_x`` (downlink and receiver), shape ``(2, slices)``.
    noise
        Each station's probability of a click with no photon of the source per window.
    p_success
        Coincidence probability per window.
    states
        Bell vector of a coincidence, shape ``(slices, 4)``.
    """

    starts: FloatArray
    ends: FloatArray
    range_m: FloatArray
    elevation_rad: FloatArray
    efficiency: FloatArray
    noise: FloatArray
    p_success: FloatArray
    states: FloatArray

    @property
    def link_loss_db(self) -> FloatArray:
        """Two-downlink loss in dB per slice: ``-10 log10(eta_a eta_b)``."""
        with np.errstate(divide="ignore"):
            return np.asarray(-10.0 * np.log10(self.efficiency[0] * self.efficiency[1]),
                              dtype=np.float64)


def _tle(link: SatelliteLinkSpec, index: int) -> tuple[str, str]:
    """The element lines: the shipped TLE of the satellite ``catalog`` names
    (:mod:`qfab.catalog.satellites`), or those of the ``tle`` file."""
    from qfab.catalog.satellites import UnknownSatelliteEntryError, satellite
    from qfab.tiers.orbits import load_tle

    name = link.satellite.catalog
    if name is not None:
        try:
            return load_tle(satellite(name).tle)
        except UnknownSatelliteEntryError as error:
            raise ScenarioError(f"links[{index}].satellite.catalog", str(error)) from None
    assert link.satellite.tle is not None
    try:
        return load_tle(Path(link.satellite.tle))
    except (OSError, ValueError) as error:
        raise ScenarioError(f"links[{index}].satellite.tle",
                            f"cannot read the TLE {link.satellite.tle!r}: {error}") from None


def _station(spec: ScenarioSpec, name: str) -> Any:
    """The ground station at node ``name``'s location."""
    from qfab.tiers.orbits import GroundStation

    location = spec.nodes[name].location
    assert location is not None  # the scenario's check
    return GroundStation(name, location.latitude, location.longitude, location.altitude)


def _stations(link: SatelliteLinkSpec, spec: ScenarioSpec) -> tuple[Any, Any]:
    return _station(spec, link.between[0]), _station(spec, link.between[1])


def _noise(link: SatelliteLinkSpec, receiver: ReceiverSpec, day: NDArray[np.bool_]
           ) -> FloatArray:
    """Probability of a click without a source photon per window, per slice."""
    night_radiance, day_radiance = (link.sky_radiance if link.sky_radiance is not None else
                                    (NIGHT_SKY_RADIANCE, CLEAR_DAY_SKY_RADIANCE))
    radiance = np.where(day, day_radiance, night_radiance)
    window = receiver.detector.window
    sky = np.asarray(background_photons_per_window(
        radiance, receiver.field_of_view, receiver.aperture, receiver.filter_bandwidth,
        window, link.pulse_wavelength), dtype=np.float64)
    detected = sky * receiver.efficiency * receiver.detector.efficiency
    dark = float(dark_count_probability(receiver.detector.dark_count_rate, window))
    return np.asarray(1.0 - (1.0 - dark) * np.exp(-detected), dtype=np.float64)


def _slices(windows: list[Any], step: float) -> tuple[FloatArray, FloatArray]:
    starts: list[float] = []
    ends: list[float] = []
    for window in windows:
        count = max(1, math.ceil((window.end_s - window.start_s) / step - 1e-9))
        edges = window.start_s + step * np.arange(count + 1)
        edges[-1] = window.end_s
        starts += edges[:-1].tolist()
        ends += edges[1:].tolist()
    return np.asarray(starts, dtype=np.float64), np.asarray(ends, dtype=np.float64)


def satellite_pass(link: SatelliteLinkSpec, spec: ScenarioSpec, index: int) -> SatellitePass:
    """The slices of ``spec.links[index]`` (a satellite link, ``mode: entanglement``) over
    ``[0, duration)``; a prepare-and-measure link's are
    :func:`qfab.links.satellite_pulses.pulse_channel_pass`."""
    from qfab.tiers.orbits import common_passes, pass_track

    if link.prepare_measure:
        raise ValueError(f"links[{index}]: a satellite {link.mode} carries pulses, not pairs: "
                         "its slices are qfab.links.satellite_pulses.pulse_channel_pass")
    tle = _tle(link, index)
    stations = _stations(link, spec)
    windows = [w for w in common_passes(tle, stations, link.start, spec.duration,
                                        math.degrees(link.min_elevation))
               if w.end_s > w.start_s]
    starts, ends = _slices(windows, link.step)
    n = starts.size
    range_m = np.zeros((2, n))
    elevation = np.zeros((2, n))
    efficiency = np.zeros((2, n))
    noise = np.zeros((2, n))
    sunlit = np.zeros((2, n), dtype=bool)
    for arm, (station, receiver) in enumerate(zip(stations, link.station_receivers)):
        column = 0
        for window in windows:
            count = int(np.count_nonzero((starts >= window.start_s) & (starts < window.end_s)))
            track = pass_track(tle, station, link.start + timedelta(
                seconds=window.start_s + link.step / 2), count * link.step, link.step)
            cut = slice(column, column + count)
            range_m[arm, cut] = track.range_m[:count]
            elevation[arm, cut] = track.elevation_rad[:count]
            sunlit[arm, cut] = track.sun_elevation_rad[:count] > 0.0
            day = (np.zeros(count, dtype=bool) if link.background == "night" else
                   np.ones(count, dtype=bool) if link.background == "day" else
                   sunlit[arm, cut])
            noise[arm, cut] = _noise(link, receiver, day)
            column += count
        detector = receiver.detector
        efficiency[arm] = downlink_transmittance(
            range_m[arm], elevation[arm], divergence=link.transmitter.divergence,
            receiver_diameter=receiver.aperture,
            pointing_jitter=link.transmitter.pointing_jitter, waist=link.transmitter.waist,
            zenith_transmittance=link.atmosphere.zenith_transmittance,
            transmitter_efficiency=link.transmitter.efficiency,
            receiver_efficiency=receiver.efficiency * detector.efficiency
            * float(window_fraction(detector.window, detector.jitter)),
            air_mass_model=link.atmosphere.air_mass)
    if link.operate == "night":  # only while the Sun is below the horizon at both stations
        dark_sky = ~sunlit.any(axis=0)
        starts, ends = starts[dark_sky], ends[dark_sky]
        range_m, elevation = range_m[:, dark_sky], elevation[:, dark_sky]
        efficiency, noise = efficiency[:, dark_sky], noise[:, dark_sky]
        n = starts.size
    mean_pairs = link.source.pair_rate * link.cycle_time
    p, states = midpoint_source(mean_pairs, efficiency[0], efficiency[1],
                                dark_count_probability_a=noise[0],
                                dark_count_probability_b=noise[1],
                                source_fidelity=link.source.pair_fidelity)
    return SatellitePass(starts=starts, ends=ends, range_m=range_m, elevation_rad=elevation,
                         efficiency=efficiency, noise=noise,
                         p_success=np.atleast_1d(np.asarray(p, dtype=np.float64)),
                         states=np.asarray(states, dtype=np.float64).reshape(n, 4))


def satellite_schedule(link: SatelliteLinkSpec, spec: ScenarioSpec, index: int,
                       period: float) -> LinkSchedule:
    """The :class:`~qfab.linkschedule.LinkSchedule` of a satellite link."""
    found = satellite_pass(link, spec, index)
    return LinkSchedule.from_arrays(found.starts, found.ends, found.p_success, found.states,
                                    period)


class SatelliteHeralding:
    """The ``satellite`` kind in :mod:`qfab.linkmodel`'s table: its link has a schedule
    (:func:`satellite_schedule`), no constant success probability."""

    def __call__(self, link: SatelliteLinkSpec) -> tuple[float, FloatArray]:
        raise TypeError("a satellite link's success probability changes along its passes: "
                        "use its schedule")

    @staticmethod
    def schedule(link: SatelliteLinkSpec, spec: ScenarioSpec, index: int,
                 period: float) -> LinkSchedule:
        """The link's slices over the run (:func:`satellite_schedule`)."""
        return satellite_schedule(link, spec, index, period)
