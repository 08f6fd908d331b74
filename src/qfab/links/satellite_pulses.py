"""A prepare-and-measure satellite pass: the channel that a bb84-decoy request's pulses see,
slice by slice (``kind: satellite``, ``mode: downlink`` or ``mode: uplink``).

The link joins the node that stands for the satellite (no ``location``) and one ground
station. The station's passes above ``min_elevation`` (:func:`qfab.tiers.orbits.find_passes`)
are cut into slices of ``step`` seconds as for the entangled mode
(:mod:`qfab.links.satellite`); at each slice's midpoint the range and elevation
(:func:`qfab.tiers.orbits.pass_track`) give

* the transmittance to a click ``eta`` of
  :func:`qfab.physics.free_space.downlink_transmittance` with the receiver's optics, its
  detectors' efficiency and the share of photons their jitter leaves in the window
  (:func:`qfab.physics.detection.window_fraction`). Downlink: the satellite's transmitter,
  the station's receiver. Uplink: the station's transmitter and the satellite's receiver
  over the same slant path (the mean atmospheric transmittance is reciprocal), with the beam
  wander of the turbulence next to the ground transmitter added to the pointing jitter
  (:func:`qfab.physics.free_space.beam_wander_jitter`);
* the background ``Y0`` per detection window of the receiver's two BB84 detectors: their
  dark counts (:func:`qfab.physics.qkd_channel.receiver_background`) or a detected
  background photon, ``N_b`` of :func:`~qfab.physics.free_space.background_photons_per_window`
  passing the receiver's optics and detectors (Poisson: none with ``exp(-N_b eta_rx eta_det)``),
  independent: ``Y0 = 1 - (1 - Y0_dark) exp(-N_b eta_rx eta_det)``. The radiance is the
  night's or the day's (``background``; ``auto``: day while the Sun is above the horizon at
  the station). A downlink receiver sees the sky (the documented values of
  :mod:`qfab.physics.free_space`, or ``sky_radiance``); an uplink's sees the Earth, whose
  radiance the scenario gives (``sky_radiance``, required).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import timedelta

import numpy as np
from numpy.typing import NDArray

from qfab.links.satellite import _slices, _station, _tle
from qfab.physics.detection import window_fraction
from qfab.physics.free_space import (
    CLEAR_DAY_SKY_RADIANCE,
    NIGHT_SKY_RADIANCE,
    background_photons_per_window,
    beam_wander_jitter,
    downlink_transmittance,
)
from qfab.physics.qkd_channel import receiver_background
from qfab.spec.links_satellite import SatelliteLinkSpec
from qfab.spec.models import ScenarioSpec

__all__ = ["PulseChannelPass", "pulse_channel_pass", "satellite_and_station"]

FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class PulseChannelPass:
    """The slices of a prepare-and-measure satellite link over a run.

    Attributes
    ----------
    satellite, station
        The link's two ends: the node standing for the satellite, the ground station.
    starts, ends
        Slice bounds, seconds from the run's start.
    range_m, elevation_rad
        Distance and elevation of the satellite seen from the station per slice.
    eta
        Transmittance from the transmitter's output to a click per slice.
    channel
        The same without the receiver's detectors (their efficiency and window share): the
        channel's transmittance, the PLOB bound's ``eta``.
    background
        ``Y0``: probability of a click of either detector with no signal photon per window.
    """

    satellite: str
    station: str
    starts: FloatArray
    ends: FloatArray
    range_m: FloatArray
    elevation_rad: FloatArray
    eta: FloatArray
    channel: FloatArray
    background: FloatArray

    @property
    def loss_db(self) -> FloatArray:
        """The channel's loss in dB per slice (detectors excluded)."""
        with np.errstate(divide="ignore"):
            return np.asarray(-10.0 * np.log10(self.channel), dtype=np.float64)


def satellite_and_station(link: SatelliteLinkSpec, spec: ScenarioSpec) -> tuple[str, str]:
    """The link's ends as ``(satellite, station)``: the station is the end with a location
    (the scenario checks that exactly one has one)."""
    a, b = link.between
    return (a, b) if spec.nodes[a].location is None else (b, a)


def pulse_channel_pass(link: SatelliteLinkSpec, spec: ScenarioSpec,
                       index: int) -> PulseChannelPass:
    """The slices of ``spec.links[index]`` (``mode: downlink`` or ``uplink``) over
    ``[0, duration)`` (see the module docstring)."""
    from qfab.tiers.orbits import TimeWindow, find_passes, pass_track

    if not link.prepare_measure:
        raise ValueError(f"links[{index}]: mode: entanglement; its slices are "
                         "qfab.links.satellite.satellite_pass")
    tle = _tle(link, index)
    satellite, name = satellite_and_station(link, spec)
    station = _station(spec, name)
    windows = [TimeWindow(p.rise_s, p.set_s)
               for p in find_passes(tle, station, link.start, spec.duration,
                                    math.degrees(link.min_elevation)) if p.set_s > p.rise_s]
    starts, ends = _slices(windows, link.step)
    n = starts.size
    range_m = np.zeros(n)
    elevation = np.zeros(n)
    day = np.zeros(n, dtype=bool)
    column = 0
    for window in windows:
        count = int(np.count_nonzero((starts >= window.start_s) & (starts < window.end_s)))
        track = pass_track(tle, station, link.start + timedelta(
            seconds=window.start_s + link.step / 2), count * link.step, link.step)
        cut = slice(column, column + count)
        range_m[cut] = track.range_m[:count]
        elevation[cut] = track.elevation_rad[:count]
        day[cut] = track.sun_elevation_rad[:count] > 0.0
        column += count
    if link.operate == "night":  # only while the Sun is below the station's horizon
        dark_sky = ~day
        starts, ends = starts[dark_sky], ends[dark_sky]
        range_m, elevation, day = range_m[dark_sky], elevation[dark_sky], day[dark_sky]
        n = starts.size
    if link.background != "auto":
        day[:] = link.background == "day"
    receiver = link.receivers[0]
    detector = receiver.detector
    jitter = link.transmitter.pointing_jitter if link.mode == "downlink" else \
        float(beam_wander_jitter(link.transmitter.pointing_jitter, link.beam_wander or 0.0))
    channel = np.asarray(downlink_transmittance(
        range_m, elevation, divergence=link.transmitter.divergence,
        receiver_diameter=receiver.aperture, pointing_jitter=jitter,
        waist=link.transmitter.waist, zenith_transmittance=link.atmosphere.zenith_transmittance,
        transmitter_efficiency=link.transmitter.efficiency,
        receiver_efficiency=receiver.efficiency,
        air_mass_model=link.atmosphere.air_mass), dtype=np.float64).reshape(n)
    detection = detector.efficiency * float(window_fraction(detector.window, detector.jitter))
    night, daylight = (link.sky_radiance if link.sky_radiance is not None else
                       (NIGHT_SKY_RADIANCE, CLEAR_DAY_SKY_RADIANCE))
    photons = np.asarray(background_photons_per_window(
        np.where(day, daylight, night), receiver.field_of_view, receiver.aperture,
        receiver.filter_bandwidth, detector.window, link.pulse_wavelength),
        dtype=np.float64).reshape(n)
    dark = float(receiver_background(detector.dark_count_rate, detector.window))
    background = 1.0 - (1.0 - dark) * np.exp(-photons * receiver.efficiency
                                             * detector.efficiency)
    return PulseChannelPass(satellite=satellite, station=name, starts=starts, ends=ends,
                            range_m=range_m, elevation_rad=elevation,
                            eta=channel * detection, channel=channel,
                            background=np.asarray(background, dtype=np.float64))
