"""The ``satellite`` link kind: an entangled-pair source on board a satellite sending one photon
of each pair down to each of two ground stations at once (two simultaneous downlinks), or a
prepare-and-measure channel between the satellite and one ground station (``mode: downlink``,
Alice on the satellite; ``mode: uplink``, Alice at the station) for a bb84-decoy request.

In ``mode: downlink`` and ``mode: uplink`` the link's ``between`` names the node that stands
for the satellite (a node with no ``location``) and the ground station (a node with a
``location``), in either order; there is one receiver (the station's for a downlink, the
satellite's for an uplink), no pair ``source`` (the qkd request's weak coherent source sends
the pulses) and a ``wavelength``. An uplink also needs the rms ``beam_wander`` of its beam
(turbulence next to the ground transmitter) and the ``sky_radiance`` its receiver sees (the
Earth seen from orbit, for which qfab ships no default).

The ends named in ``between`` are ground-station nodes with a ``location`` (latitude,
longitude, altitude). The link is up while the satellite is above ``min_elevation`` at both
stations; its success probability and pair state change along each pass, in slices of
``step`` seconds (:mod:`qfab.linkschedule`). The model is in :mod:`qfab.links.satellite`; these
are the scenario fields. :mod:`qfab.spec.models` puts the kind in the ``LinkSpec`` union.

Attempt period: one attempt per coincidence ``window`` of the stations' detectors (both
stations use the same window), so ``cycle_time`` is that window; a satellite link has no
fiber (``length`` 0) and its herald is the stations' comparison of time tags, so its herald
delay is 0 (see ``docs/satellites.md``).
"""

from __future__ import annotations

import math
from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import Field, field_validator, model_validator

from qfab.spec.base import SpecModel
from qfab.spec.models import DetectorSpec, FiberSpec, _LinkSpecBase
from qfab.spec.quantities import (
    Angle,
    Duration,
    Frequency,
    Length,
    Number,
    PositiveDuration,
    Probability,
)

__all__ = ["AtmosphereSpec", "OrbitSpec", "ReceiverSpec", "SatelliteLinkSpec",
           "SatelliteSourceSpec", "TransmitterSpec"]


class OrbitSpec(SpecModel):
    """Where the orbit comes from: a satellite of the satellite catalog, whose TLE snapshot
    ships with qfab (``catalog``), or a TLE file (``tle``, relative to the scenario file), not
    both."""

    catalog: str | None = Field(None, min_length=1, description="a satellite of the catalog "
                               "whose TLE snapshot ships with qfab (e.g. micius)")
    tle: str | None = Field(None, min_length=1, description="a TLE file (an optional name "
                            "line and the two element lines), relative to the scenario file")

    @model_validator(mode="after")
    def _one_source(self) -> OrbitSpec:
        if (self.catalog is None) == (self.tle is None):
            raise ValueError("give the satellite's catalog name or a tle file, not both and not "
                             "neither")
        return self


class SatelliteSourceSpec(SpecModel):
    """The entangled-pair source on board (SPDC, thermal pair statistics in each window).

    Give the emitted pairs' ``visibility`` or their ``fidelity`` (Werner pairs:
    ``F = (1 + 3 V) / 4``), not both.
    """

    pair_rate: Frequency = Field(gt=0, le=1e12, description="pairs emitted per second "
                                "(at most 1e12)")
    visibility: Probability | None = Field(None, description="visibility of the emitted "
                                           "pairs (Werner)")
    fidelity: Number | None = Field(None, ge=0.25, le=1, description="fidelity of the emitted "
                                    "pairs to the target Bell state (Werner)")
    wavelength: Length = Field(gt=0, le=1e-4, description="wavelength of the photons (both "
                              "arms; at most 100 um)")

    @model_validator(mode="after")
    def _one_quality(self) -> SatelliteSourceSpec:
        if (self.visibility is None) == (self.fidelity is None):
            raise ValueError("give the pairs' visibility or their fidelity, not both and not "
                             "neither")
        return self

    @property
    def pair_fidelity(self) -> float:
        """Fidelity of an emitted pair (Werner: ``(1 + 3 V) / 4`` from a visibility)."""
        if self.fidelity is not None:
            return float(self.fidelity)
        assert self.visibility is not None
        return (1.0 + 3.0 * float(self.visibility)) / 4.0


class TransmitterSpec(SpecModel):
    """The satellite's downlink telescopes (one per arm, alike)."""

    divergence: Angle = Field(gt=0, le=0.1, description="half-angle far-field divergence of "
                              "the beam (at most 100 mrad)")
    efficiency: Probability = Field(1.0, description="transmittance of the on-board optics")
    pointing_jitter: Angle = Field(0.0, le=0.1, description="standard deviation of the pointing "
                                   "error (Gaussian, per axis)")
    waist: Length = Field(0.0, le=10.0, description="1/e^2 beam radius at the transmitter (at most "
                          "half its aperture; 0: the far-field beam theta L)")


class ReceiverSpec(SpecModel):
    """A ground station's telescope, optics and detectors."""

    aperture: Length = Field(gt=0, le=100.0, description="diameter of the receiving telescope "
                             "(at most 100 m)")
    efficiency: Probability = Field(1.0, description="transmittance of the telescope and its "
                                    "follow-up optics (the detector's efficiency is its own)")
    detector: DetectorSpec = Field(DetectorSpec(), description="single-photon detectors; "
                                   "their window is the coincidence window")
    field_of_view: Angle = Field(gt=0, le=3.2, description="full angle of the field of view "
                                 "(at most pi)")
    filter_bandwidth: Length = Field(gt=0, le=1e-6, description="width of the spectral "
                                     "filter (e.g. 1 nm; at most 1 um)")

    @field_validator("detector")
    @classmethod
    def _modelled(cls, value: DetectorSpec) -> DetectorSpec:
        if value.dead_time != 0:
            raise ValueError("dead_time: the dead time of a ground station's detectors is not "
                             "modelled (give 0)")
        if value.afterpulse_probability != 0:
            raise ValueError("afterpulse_probability: afterpulsing is modelled on fiber links "
                             "only (give 0)")
        if value.dark_count_probability is not None:
            raise ValueError("dark_count_probability: give the detectors' dark_count_rate "
                             "(the background comes from the sky radiance)")
        return value


class AtmosphereSpec(SpecModel):
    """The atmosphere along each downlink."""

    zenith_transmittance: Probability = Field(description="transmittance of the whole "
                                              "atmosphere straight up")
    air_mass: Literal["plane-parallel", "kasten-young"] = Field(
        "plane-parallel", description="air-mass model of the slant path")


class SatelliteLinkSpec(_LinkSpecBase):
    """An entangled-pair source on a satellite, two simultaneous downlinks to the ground
    stations in ``between`` (both nodes need a ``location``).

    ``receivers`` is ``[both stations]`` or ``[first end, second end]`` in the order of
    ``between``. ``start`` is the UTC time of ``t = 0`` of the run. ``background``: ``night``
    or ``day`` sky radiance throughout, or ``auto`` (day while the Sun is above the horizon
    at a station); ``sky_radiance`` (W m^-2 sr^-1 per metre of bandwidth) replaces the
    documented typical values of :mod:`qfab.physics.free_space`. ``operate: night`` keeps
    the link down while the Sun is above the horizon at either station (the satellite's
    passes in daylight give no usable pairs against the day sky).
    """

    kind: Literal["satellite"] = "satellite"
    mode: Literal["entanglement", "downlink", "uplink"] = Field(
        "entanglement", description="entanglement: the source sends a photon to each station; "
        "downlink: prepare-and-measure from the satellite to one station; uplink: from one "
        "station to the satellite (bb84-decoy requests)")
    satellite: OrbitSpec
    start: datetime = Field(description="UTC time of t = 0 (ISO 8601, e.g. "
                            "2017-06-20T16:00:00Z)")
    min_elevation: Angle = Field(0.0, description="elevation above which a station sees "
                                 "the satellite (both stations at once for the link to be up)")
    step: PositiveDuration = Field(1.0, description="length of the slices in which loss and "
                                   "state are taken constant")
    pair_source: SatelliteSourceSpec | None = Field(
        None, alias="source", description="the on-board pair source (mode: entanglement)")
    wavelength: Length | None = Field(None, gt=0, le=1e-4, description="wavelength of the pulses "
                                      "(mode: downlink or uplink)")
    transmitter: TransmitterSpec = Field(description="the transmitting telescope: the "
                                         "satellite's (entanglement, downlink) or the ground "
                                         "station's (uplink)")
    receivers: list[ReceiverSpec] = Field(min_length=1, max_length=2, description="the "
                                          "receivers: one for both stations, or one per end "
                                          "in the order of 'between' (entanglement); the one "
                                          "receiver (downlink: the station's; uplink: the "
                                          "satellite's)")
    beam_wander: Angle | None = Field(None, ge=0, le=0.1, description="rms angular beam wander per "
                                      "axis from turbulence next to the ground transmitter "
                                      "(mode: uplink)")
    atmosphere: AtmosphereSpec
    background: Literal["night", "day", "auto"] = Field(
        "auto", description="sky background: night or day radiance, or auto from the Sun's "
        "elevation at each station")
    operate: Literal["always", "night"] = Field(
        "always", description="always: the link is up whenever both stations see the "
        "satellite; night: only while the Sun is also below the horizon at both stations "
        "(as the Micius experiments ran)")
    sky_radiance: tuple[Number, Number] | None = Field(
        None, description="[night, day] sky spectral radiance in W m^-2 sr^-1 per metre of "
        "bandwidth (default: the typical values of qfab.physics.free_space)")
    cycle_time: Duration = Field(0.0, description="the attempt period: the coincidence window "
                                 "(filled in from the receivers' detector window)")

    @model_validator(mode="before")
    @classmethod
    def _window_is_the_period(cls, data: Any) -> Any:
        """``cycle_time`` is the receivers' detector window (default: the detector's)."""
        if not isinstance(data, dict) or "cycle_time" in data:
            return data
        receivers = data.get("receivers")
        first = receivers[0] if isinstance(receivers, (list, tuple)) and receivers else None
        detector = first.get("detector") if isinstance(first, dict) else None
        window = detector.get("window") if isinstance(detector, dict) else None
        return {**data, "cycle_time": DetectorSpec().window if window is None else window}

    @field_validator("start", mode="before")
    @classmethod
    def _a_date(cls, value: Any) -> Any:
        """A number is no date here (pydantic would read it as seconds since 1970)."""
        if isinstance(value, (bool, int, float)):
            raise ValueError("give a UTC date and time in ISO 8601 (e.g. "
                             f"\"2017-06-20T16:00:00Z\"), not the number {value!r}")
        return value

    @field_validator("start")
    @classmethod
    def _utc(cls, value: datetime) -> datetime:
        if value.tzinfo is None:
            raise ValueError("give the time zone (e.g. 2017-06-20T16:00:00Z for UTC)")
        return value.astimezone(UTC)

    @field_validator("sky_radiance")
    @classmethod
    def _a_radiance(cls, value: tuple[float, float] | None) -> tuple[float, float] | None:
        if value is not None and not all(math.isfinite(item) and item >= 0 for item in value):
            raise ValueError(f"each radiance must be a finite number >= 0, got {list(value)}")
        return value

    @field_validator("fiber")
    @classmethod
    def _no_fiber(cls, value: FiberSpec) -> FiberSpec:
        if value != FiberSpec():
            raise ValueError("a satellite link has no fiber: its loss comes from the orbit, "
                             "the telescopes and the atmosphere")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> SatelliteLinkSpec:
        if self.mode == "entanglement":
            self._check_entanglement()
        else:
            self._check_prepare_measure()
        if self.length != 0:
            raise ValueError("length: a satellite link's distances come from its orbit "
                             "(remove length)")
        if self.min_elevation >= 1.5707963267948966:
            raise ValueError("min_elevation must be below 90 deg")
        first, second = self.receivers[0], self.receivers[-1]
        if first.detector.window != second.detector.window:
            raise ValueError("receivers: both stations' detectors need the same window (the "
                             "coincidence window)")
        if self.cycle_time != first.detector.window:
            raise ValueError(f"cycle_time: a satellite link attempts once per coincidence "
                             f"window, the receivers' detector window "
                             f"({first.detector.window:g} s); remove cycle_time")
        if self.step < self.cycle_time:
            raise ValueError("step: a slice must hold at least one coincidence window")
        return self

    def _check_entanglement(self) -> None:
        if self.pair_source is None:
            raise ValueError("source: mode: entanglement needs the on-board pair source "
                             "{pair_rate, visibility or fidelity, wavelength}")
        for name in ("wavelength", "beam_wander"):
            if getattr(self, name) is not None:
                raise ValueError(f"{name}: a prepare-and-measure field (mode: downlink or "
                                 f"uplink); with mode: entanglement remove it")

    def _check_prepare_measure(self) -> None:
        if self.pair_source is not None:
            raise ValueError(f"source: mode: {self.mode} carries the pulses of the qkd "
                             "request's weak coherent source, not pairs; remove source and "
                             "give the pulses' wavelength")
        if self.wavelength is None:
            raise ValueError(f"wavelength: mode: {self.mode} needs the wavelength of the "
                             "pulses (it sets the background photons per window)")
        if len(self.receivers) != 1:
            raise ValueError(f"receivers: mode: {self.mode} has one receiver ("
                             + ("the ground station's" if self.mode == "downlink"
                                else "the satellite's") + ")")
        if self.mode == "downlink" and self.beam_wander is not None:
            raise ValueError("beam_wander: the turbulence of a downlink sits next to the "
                             "receiver, not the transmitter (Bourgoin 2013, Sec. 3.3): it is "
                             "held in the receiver's efficiency; beam_wander is an uplink "
                             "field")
        if self.mode == "uplink":
            if self.beam_wander is None:
                raise ValueError("beam_wander: an uplink's beam wanders in the turbulence next "
                                 "to the ground transmitter (Bourgoin 2013, Sec. 3.3): give "
                                 "its rms angle per axis (0 for none)")
            if self.sky_radiance is None:
                raise ValueError("sky_radiance: an uplink's receiver looks down at the Earth, "
                                 "whose radiance qfab has no cited default for: give [night, "
                                 "day] in W m^-2 sr^-1 per metre of bandwidth")

    @property
    def station_receivers(self) -> tuple[ReceiverSpec, ReceiverSpec]:
        """The receiver of each end, in the order of ``between`` (mode: entanglement)."""
        return self.receivers[0], self.receivers[-1]

    @property
    def source(self) -> SatelliteSourceSpec:
        """The on-board pair source (mode: entanglement; a prepare-and-measure link has
        none)."""
        if self.pair_source is None:
            raise AttributeError(f"a satellite link in mode {self.mode} has no pair source")
        return self.pair_source

    @property
    def prepare_measure(self) -> bool:
        """Whether the link is a prepare-and-measure channel (mode: downlink or uplink)."""
        return self.mode != "entanglement"

    @property
    def pulse_wavelength(self) -> float:
        """The wavelength of the link's photons: the pulses' or the pair source's."""
        if self.wavelength is not None:
            return float(self.wavelength)
        return float(self.source.wavelength)
