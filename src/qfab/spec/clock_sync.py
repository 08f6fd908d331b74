"""Clock-synchronization requests: two-way time transfer with time-correlated photon pairs.

A ``kind: clock_sync`` request (:class:`ClockSyncRequestSpec`) synchronizes the clocks of
its two ends over a ``kind: fiber`` link between them, a chain of fiber links taken as
one continuous fiber, or a satellite pass (a ``mode: downlink`` and a ``mode: uplink`` link
between a satellite and a ground station: :mod:`qfab.engines.clock_sync_satellite`). Each
end has a time-correlated pair source (``source``): it detects one photon of each pair
itself and sends the other through the fiber (or free space) to the far end, whose time
tagger records it; cross-correlating the two ends' timestamps in each direction gives
the clock offset, free of the symmetric part of the delay.

The request needs no entangled pairs from the network: the engines compute it beside the
rest of the scenario (:mod:`qfab.engines.clock_sync`). Its measurement lasts ``duration``
seconds of its own (not the scenario's ``duration``, the event simulation's time limit).
Node clocks are ``nodes.X.clock`` (:class:`ClockSpec`).
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, model_validator
from pydantic.json_schema import SkipJsonSchema

from qfab.spec.base import SpecModel
from qfab.spec.quantities import (
    Duration,
    Frequency,
    Length,
    Number,
    PositiveDuration,
    Probability,
    SignedDuration,
)
from qfab.spec.requests import PairRequestSpec

__all__ = ["ClockSpec", "ClockSyncRequestSpec", "ClockSyncSourceSpec", "PublishedPointsSpec",
           "TaggerSpec", "MAX_INTERVALS", "default_duration"]

#: The most offset estimates (``duration / interval``) one request may ask for.
MAX_INTERVALS = 10_000_000

#: Fields of a pair request that a clock-sync request does not have.
_NOT_CLOCK_SYNC = ("pairs", "min_fidelity", "start", "deadline", "priority")


class ClockSpec(SpecModel):
    """A node's clock relative to true time (``nodes.X.clock``).

    Each field is one term of the clock's offset ``x(t)``: a constant ``offset``, a
    frequency offset ``frequency_offset`` (``x += y0 t``), a linear frequency ``drift``
    (``x += drift t^2 / 2``), and power-law noise: white phase noise (``white_pm``, its TDEV
    at one interval), flicker phase noise (``flicker_pm``, its flat TDEV) and random-walk
    frequency noise (``random_walk_fm``, its Allan deviation at 1 s).
    """

    offset: SignedDuration = Field(0.0, description="offset from true time at the start")
    frequency_offset: Number = Field(0.0, allow_inf_nan=False, description="fractional "
                                     "frequency offset y0 (dimensionless)")
    drift: Number = Field(0.0, allow_inf_nan=False, description="linear fractional "
                          "frequency drift, per second")
    white_pm: Duration = Field(0.0, description="white phase noise: TDEV at one interval")
    flicker_pm: Duration = Field(0.0, description="flicker phase noise: its flat TDEV")
    random_walk_fm: Number = Field(0.0, ge=0, allow_inf_nan=False, description="random-walk "
                                   "frequency noise: Allan deviation at 1 s")


class ClockSyncSourceSpec(SpecModel):
    """The time-correlated pair source at each end (both ends have one like it)."""

    pair_rate: Frequency = Field(gt=0, description="pairs per second generated at each end")
    correlation_time: Duration = Field(0.0, description="the biphoton's time correlation "
                                       "(standard deviation, not FWHM)")
    wavelength: Length | None = Field(None, gt=0, description="the photons' wavelength; "
                                      "checked against fiber.wavelength (default: "
                                      "unspecified)")
    bandwidth: Length = Field(0.0, description="spectral width (FWHM) of the photon sent "
                              "through the fiber: its arrival spreads by |D| L sigma_lambda "
                              "(sigma_lambda = FWHM / 2.355)")
    pump_bandwidth: Length = Field(0.0, description="pump bandwidth (FWHM): with nonlocal "
                                   "dispersion cancellation the residual spread is |D| L "
                                   "times its standard deviation")
    dispersion_cancellation: Literal["none", "nonlocal"] = Field(
        "none", description="nonlocal: energy-time entangled pairs cancel the dispersion "
        "(Franson) up to the pump bandwidth")
    local_efficiency: Probability = Field(1.0, description="probability that the photon "
                                          "kept at the source's own end is detected "
                                          "(coupling, filters and its detector)")

    @model_validator(mode="after")
    def _bandwidth_of_the_cancellation(self) -> ClockSyncSourceSpec:
        if self.dispersion_cancellation == "none" and self.pump_bandwidth != 0:
            raise ValueError("pump_bandwidth: it sets the residual dispersion of nonlocal "
                             "cancellation; with dispersion_cancellation: none it has no "
                             "effect (remove it or set dispersion_cancellation: nonlocal)")
        if self.dispersion_cancellation == "nonlocal" and self.bandwidth != 0:
            raise ValueError("bandwidth: with nonlocal cancellation the photons' own "
                             "bandwidth cancels and the pump_bandwidth sets the residual "
                             "spread, so it would have no effect (remove it)")
        return self


class TaggerSpec(SpecModel):
    """The time tagger at each end."""

    resolution: Duration = Field(0.0, description="bin width: each timestamp is rounded to "
                                 "it (a uniform error, standard deviation resolution/sqrt 12)")


class PublishedPointsSpec(SpecModel):
    """Published TDEV points to draw beside the request's TDEV (the plot only)."""

    label: str = Field(min_length=1, description="where the points come from")
    points: list[tuple[PositiveDuration, Duration]] = Field(
        min_length=1, description="[[tau, tdev], ...] (a TDEV may be sub-picosecond)")


def default_duration(averaging_time: float, interval: float) -> float:
    """The measurement's default length: three averaging times and one interval (the TDEV
    at ``averaging_time`` needs ``3 m + 1`` samples), at least 32 intervals."""
    return max(3.0 * averaging_time + interval, 32.0 * interval)


class ClockSyncRequestSpec(PairRequestSpec):
    """Synchronize the clocks of ``between`` over fiber or a satellite pass (see the module
    docstring).

    Of the pair-request fields only ``between`` and ``name`` apply; ``pairs``,
    ``min_fidelity``, ``start``, ``deadline`` and ``priority`` are refused.
    """

    kind: Literal["clock_sync"] = "clock_sync"
    pairs: SkipJsonSchema[int] = Field(1, ge=1, exclude=True)
    min_fidelity: SkipJsonSchema[None] = Field(None, exclude=True)
    start: SkipJsonSchema[float] = Field(0.0, exclude=True)
    deadline: SkipJsonSchema[None] = Field(None, exclude=True)
    priority: SkipJsonSchema[int] = Field(0, exclude=True)
    source: ClockSyncSourceSpec = Field(description="the pair source at each end")
    averaging_time: PositiveDuration | None = Field(
        None, description="averaging time of the reported precision, bias and error budget "
        "(required over fiber; a satellite pass reports its precision over the pass)")
    target: Duration | None = Field(None, gt=0, description="precision (TDEV) to reach "
                                    "(sub-picosecond allowed): the result gives the time "
                                    "to reach it")
    duration: PositiveDuration | None = Field(
        None, description="length of the measurement (default: max(3 averaging_time + "
        "interval, 32 interval))")
    interval: PositiveDuration = Field(1.0, description="tau0: one offset estimate per "
                                       "interval")
    window: PositiveDuration = Field(1e-9, description="coincidence window (full width)")
    tagger: TaggerSpec = Field(TaggerSpec(), description="the time taggers")
    floor: Duration = Field(0.0, description="environmental floor: flat TDEV of the "
                            "link's slow (flicker phase) noise")
    reference: PublishedPointsSpec | None = Field(
        None, description="published TDEV points, drawn beside the TDEV plot")

    @model_validator(mode="before")
    @classmethod
    def _no_pair_fields(cls, data: Any) -> Any:
        if isinstance(data, dict):
            for field in _NOT_CLOCK_SYNC:
                if field in data:
                    raise ValueError(f"{field}: not a clock_sync field (a clock-sync request "
                                     "uses no entangled pairs; it measures for its duration)")
        return data

    @model_validator(mode="after")
    def _times(self) -> ClockSyncRequestSpec:
        if self.averaging_time is None:  # a satellite pass (qfab.spec.clock_sync_paths)
            return self
        interval, averaging = float(self.interval), float(self.averaging_time)
        if averaging < interval:
            raise ValueError(f"averaging_time: {averaging:g} s is shorter than one interval "
                             f"({interval:g} s, one offset estimate each)")
        duration = self.measurement_duration
        if duration < 3.0 * averaging + interval:
            raise ValueError(f"duration: {duration:g} s is shorter than three averaging "
                             f"times and one interval (3 x {averaging:g} s + {interval:g} s), "
                             "which the TDEV at averaging_time needs")
        if duration / interval > MAX_INTERVALS:
            raise ValueError(f"duration: {duration:g} s holds {duration / interval:.3g} "
                             f"intervals of {interval:g} s, more than {MAX_INTERVALS:,} "
                             "offset estimates (lengthen interval or shorten duration)")
        return self

    @property
    def measurement_duration(self) -> float:
        """Seconds measured: ``duration`` or :func:`default_duration`."""
        if self.duration is not None:
            return float(self.duration)
        return default_duration(self.averaging_s, float(self.interval))

    @property
    def averaging_s(self) -> float:
        """``averaging_time`` in seconds (a request over fiber has one: the scenario checks
        of :mod:`qfab.spec.clock_sync_paths`)."""
        if self.averaging_time is None:
            raise ValueError("averaging_time: not given (a satellite pass has none)")
        return float(self.averaging_time)
