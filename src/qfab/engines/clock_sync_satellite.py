"""Clock synchronization over a satellite pass: two-way time transfer between a satellite
and a ground station with time-correlated photon pairs.

Each end has a pair source (the request's ``source``): the satellite's sends one photon of
each pair down the ``mode: downlink`` link to the station's receiver, the station's sends
one up the ``mode: uplink`` link to the satellite's receiver; each end detects the kept
photon itself (``local_efficiency``). Both links are cut into the same slices
(:func:`qfab.links.satellite_pulses.pulse_channel_pass`). Per slice ``i`` and direction:

* true coincidences per second ``R_i = pair_rate x local_efficiency x eta_i`` times the
  share of the coincidence peak inside the request's ``window``, with ``eta_i`` the
  channel's transmittance (:func:`~qfab.physics.free_space.downlink_transmittance`) times
  the receiver's detector efficiency;
* accidentals ``S_local S_remote W`` (:func:`~qfab.physics.timetransfer.accidental_rate`):
  local singles ``pair_rate x local_efficiency`` plus the local detector's dark counts
  (an end's detectors are its receiver's: the station's for the downlink's remote end and
  the uplink's local end); remote singles the slice's signal ``pair_rate x eta_i`` plus the
  receiver's background ``-ln(1 - Y0_i) / detector.window`` (the dark counts of its two
  detectors and the sky's, or the Earth's, photons the link model gives per window);
* the spread of one coincidence ``sigma_c``: the source's ``correlation_time``, both
  taggers' rounding and both ends' detector jitter (no dispersion in free space).

Both directions are observed on the same slices, so the range (the ephemeris gives each
slice's mean delay) cancels in the two-way difference as the symmetric fibre delay does;
the relativistic and Sagnac corrections are assumed applied from the orbit and are not
modelled. The windows follow the ephemeris delay and the clocks (an ideal tracking loop).

The pass's estimate is half the difference of the two directions' means over every
coincidence of the pass, of precision
``sqrt(sigma_down^2 / N_down + sigma_up^2 / N_up) / 2``
(:func:`~qfab.physics.timetransfer.two_way_precision`; each direction's ``sigma`` holds
its accidentals: :func:`~qfab.physics.timetransfer.offset_precision_with_background`).
Engine ``analytic`` gives it for the expected counts; engine ``des`` draws each slice's
Poisson counts and every coincidence's terms with the Monte Carlo of
:mod:`qfab.timing.transfer` (its per-interval draw, one interval per slice and direction,
with the slice's transmittance and background) from the run's stream ``clock_sync:<index>``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from qfab.engines.base import Support
from qfab.engines.result import RequestResult
from qfab.links.satellite_pulses import pulse_channel_pass
from qfab.physics import timetransfer as tt
from qfab.spec.clock_sync import ClockSyncRequestSpec
from qfab.spec.clock_sync_paths import SatellitePassRoute, satellite_route
from qfab.spec.models import ScenarioSpec

if TYPE_CHECKING:
    from qfab.timing.transfer import TimeTransferSetup

__all__ = ["PassSlices", "pass_row", "pass_slices", "pass_support"]

FloatArray = NDArray[np.float64]

#: Why a pass has no TDEV (the row's ``tdev`` is ``None``).
NO_TDEV = ("no TDEV over a satellite pass: the channel changes slice by slice, so the "
           "offset estimates are not a stationary record")

#: The order of a row's fields.
_FIELDS = ("coincidence_rate_hz", "accidental_rate_hz", "coincidences", "precision_s",
           "bias_s", "time_to_target_s", "target_s", "averaging_time_s", "duration_s",
           "pass_start_s", "pass_end_s", "tdev", "tdev_expected", "adev", "error_budget",
           "baselines", "reference", "slices")


@dataclass(frozen=True)
class PassSlices:
    """The closed-form figures of a clock-sync request's pass, slice by slice.

    Direction 0 is the downlink (the satellite's source), direction 1 the uplink.

    Attributes
    ----------
    route : SatellitePassRoute
        The satellite, the station and the two links.
    between : tuple of str
        The request's ends: the offset is ``x_b - x_a``.
    starts, ends, range_m, elevation_rad : numpy.ndarray
        The slices and their geometry (the downlink's; the uplink's slices are the same).
    eta : numpy.ndarray
        Transmittance to a click per direction and slice, shape ``(2, slices)``.
    background_hz : numpy.ndarray
        The receiver's background clicks per second, ``(2, slices)``.
    rate : numpy.ndarray
        True coincidences per second inside the window, ``(2, slices)``.
    accidentals : numpy.ndarray
        Accidental coincidences per second inside the window, ``(2, slices)``.
    sigma_c : float
        Spread of one true coincidence, seconds.
    window : float
        The coincidence window, seconds.
    bias : numpy.ndarray
        The two-way estimate's bias per slice (the clocks' rates over the flight time).
    setups : list of tuple of TimeTransferSetup
        Per slice, the downlink's and the uplink's one-direction setup (direction ``ab`` of
        each: the source's end ``a``) for the Monte Carlo.
    """

    route: SatellitePassRoute
    between: tuple[str, str]
    starts: FloatArray
    ends: FloatArray
    range_m: FloatArray
    elevation_rad: FloatArray
    eta: FloatArray
    background_hz: FloatArray
    rate: FloatArray
    accidentals: FloatArray
    sigma_c: float
    window: float
    bias: FloatArray
    setups: list[tuple[TimeTransferSetup, TimeTransferSetup]]

    @property
    def lengths(self) -> FloatArray:
        """Seconds per slice."""
        return np.asarray(self.ends - self.starts, dtype=np.float64)

    def precision(self, signal: FloatArray, background: FloatArray) -> float:
        """The two-way precision from each direction's true and accidental counts
        (``(2,)`` each): :func:`~qfab.physics.timetransfer.two_way_precision`."""
        if not (signal > 0).all():
            return math.inf
        sigmas = [float(tt.offset_precision_with_background(
            self.sigma_c, signal[d], background[d], self.window)) * math.sqrt(signal[d])
            for d in (0, 1)]
        return float(tt.two_way_precision(sigmas[0], signal[0], sigmas[1], signal[1]))

    def expected_counts(self) -> tuple[FloatArray, FloatArray]:
        """Expected true and accidental coincidences per direction over the pass."""
        return self.rate @ self.lengths, self.accidentals @ self.lengths

    def time_to_target(self, target: float, signal: FloatArray | None = None,
                       noise: FloatArray | None = None) -> float:
        """Seconds from the pass's start until the precision of the coincidences so far
        reaches ``target`` (``inf`` if it does not within the pass).

        ``signal`` and ``noise``: true and accidental coincidences per direction and slice,
        ``(2, slices)`` (default: the expected ones); they grow linearly inside a slice.
        """
        if not self.starts.size:
            return math.inf
        per_slice_s = self.rate * self.lengths if signal is None else signal
        per_slice_b = self.accidentals * self.lengths if noise is None else noise
        cum_s = np.cumsum(per_slice_s, axis=1)
        cum_b = np.cumsum(per_slice_b, axis=1)
        reached = [k for k in range(self.starts.size)
                   if self.precision(cum_s[:, k], cum_b[:, k]) <= target]
        if not reached:
            return math.inf
        k = reached[0]
        before_s = cum_s[:, k - 1] if k else np.zeros(2)
        before_b = cum_b[:, k - 1] if k else np.zeros(2)
        low, high = 0.0, 1.0
        for _ in range(60):  # bisection on the share of slice k
            mid = 0.5 * (low + high)
            if self.precision(before_s + mid * per_slice_s[:, k],
                              before_b + mid * per_slice_b[:, k]) <= target:
                high = mid
            else:
                low = mid
        return float(self.starts[k] + high * self.lengths[k] - self.starts[0])


def _setup(spec: ScenarioSpec, request: ClockSyncRequestSpec, route: SatellitePassRoute,
           direction: int) -> TimeTransferSetup:
    """The one-direction setup of ``direction`` (0 downlink, 1 uplink) at unit transmittance
    and no remote background (each slice replaces them)."""
    from qfab.engines.clock_sync import clock_model
    from qfab.timing.transfer import TimeTransferSetup

    (_, down), (_, up) = route.downlink, route.uplink
    # each end's detectors are its receiver's: the station's the downlink's, the
    # satellite's the uplink's
    station_detector = down.receivers[0].detector
    satellite_detector = up.receivers[0].detector
    ends = ((route.satellite, satellite_detector), (route.station, station_detector))
    (local, local_detector), (remote, remote_detector) = ends if direction == 0 \
        else ends[::-1]
    source = request.source
    return TimeTransferSetup(
        pair_rate=float(source.pair_rate), local_efficiency=float(source.local_efficiency),
        remote_efficiency=1.0, transmittance=1.0, length=0.0, group_index=1.0,
        jitter_a=float(tt.fwhm_to_sigma(local_detector.jitter)),
        jitter_b=float(tt.fwhm_to_sigma(remote_detector.jitter)),
        tagger_resolution=float(request.tagger.resolution),
        correlation_time=float(source.correlation_time),
        dark_rate_a=float(local_detector.dark_count_rate), dark_rate_b=0.0,
        window=float(request.window), clock_a=clock_model(spec.nodes[local].clock),
        clock_b=clock_model(spec.nodes[remote].clock))


def pass_slices(spec: ScenarioSpec, request: ClockSyncRequestSpec,
                route: SatellitePassRoute | None = None) -> PassSlices:
    """The closed-form figures of ``request``'s pass, slice by slice (module docstring)."""
    from qfab.timing.transfer import expected

    route = route or satellite_route(spec, request)
    if route is None:  # pragma: no cover - the engines ask only for a pass's requests
        raise AssertionError("validated: a clock_sync request over a satellite pass")
    channels = []
    for index, link in (route.downlink, route.uplink):
        channel = pulse_channel_pass(link, spec, index)
        detector = link.receivers[0].detector
        # the receiver's clicks with no signal: Y0 per detector window as a Poisson rate
        background = -np.log1p(-np.minimum(channel.background, 1.0 - 1e-16)) \
            / float(detector.window)
        channels.append((channel, channel.channel * float(detector.efficiency), background))
    (down, eta_down, bg_down), (up, eta_up, bg_up) = channels
    if down.starts.shape != up.starts.shape or not np.allclose(down.starts, up.starts):
        raise AssertionError("validated: both links have the same slices")  # pragma: no cover
    base = (_setup(spec, request, route, 0), _setup(spec, request, route, 1))
    eta = np.vstack([eta_down, eta_up])
    background = np.vstack([bg_down, bg_up])
    n = down.starts.size
    a, b = request.between
    rate = np.zeros((2, n))
    accidentals = np.zeros((2, n))
    bias = np.zeros(n)
    setups = []
    sigma_c = float(expected(base[0]).sigma_c)
    for i in range(n):
        pair = []
        for d in (0, 1):
            setup = replace(base[d], transmittance=float(min(eta[d, i], 1.0)),
                            dark_rate_b=float(background[d, i]),
                            length=float(down.range_m[i]),
                            tau0=float(down.ends[i] - down.starts[i]))
            figures = expected(setup)
            rate[d, i] = figures.coincidence_rate
            accidentals[d, i] = float(tt.accidental_rate(*setup.singles("ab"), setup.window))
            pair.append(setup)
        # the clocks' rates over the flight time d: (y_station - y_satellite) d / 2 read
        # as theta = x_b - x_a of the request's ends
        delay = float(down.range_m[i]) / tt.SPEED_OF_LIGHT
        y = {name: float(base[0].clock_a.frequency_offset) if name == route.satellite
             else float(base[0].clock_b.frequency_offset) for name in (a, b)}
        bias[i] = 0.5 * (y[b] - y[a]) * delay
        setups.append((pair[0], pair[1]))
    return PassSlices(route=route, between=(a, b), starts=down.starts, ends=down.ends,
                      range_m=down.range_m, elevation_rad=down.elevation_rad, eta=eta,
                      background_hz=background, rate=rate, accidentals=accidentals, sigma_c=sigma_c,
                      window=float(request.window), bias=bias, setups=setups)


def expected_events(slices: PassSlices) -> float:
    """Coincidences (true and accidental, both directions) the Monte Carlo draws."""
    signal, noise = slices.expected_counts()
    return float(signal.sum() + noise.sum())


def pass_support(spec: ScenarioSpec, index: int, request: ClockSyncRequestSpec,
                 engine: str) -> Support:
    """Whether ``engine`` serves ``request`` over its pass (des: within the Monte Carlo's
    bound on the events it draws)."""
    if engine != "des":
        return Support.yes()
    from qfab.timing.transfer import MAX_EVENTS

    events = expected_events(pass_slices(spec, request))
    if events > MAX_EVENTS:
        return Support.no(f"requests[{index}].source.pair_rate: the des engine draws every "
                          f"coincidence, {events:.3g} over the pass, more than "
                          f"{MAX_EVENTS:.0e}; lower the pair rate or use engine analytic")
    return Support.yes()


@dataclass(frozen=True)
class PassDraw:
    """One Monte Carlo of a pass.

    Attributes
    ----------
    true, accidental : numpy.ndarray of int64
        Counted true and accidental coincidences inside the window, ``(2, slices)``.
    error : float
        The pass's two-way estimate minus the true offset, seconds.
    contributions : numpy.ndarray
        Each slice's share of ``error`` (independent, mean zero given the counts; the
        clocks' rates over the flights excluded), seconds.
    """

    true: NDArray[np.int64]
    accidental: NDArray[np.int64]
    error: float
    contributions: FloatArray

    @property
    def precision(self) -> float:
        """``sqrt(sum contributions^2)``: an unbiased estimate of the error's variance
        given the counts, from the independent slices (NaN when a direction counted
        nothing)."""
        if not math.isfinite(self.error):
            return math.nan
        return float(math.sqrt(float(np.sum(self.contributions**2))))


def simulate_pass(slices: PassSlices, rng: np.random.Generator) -> PassDraw:
    """Draw a pass: per slice and direction, the Poisson counts and every coincidence's
    terms with :mod:`qfab.timing.transfer`'s per-interval draw (one interval per slice,
    the windows centred on the tracked peak), pooled over the pass per direction."""
    from qfab.timing.transfer import CHUNK_EVENTS, _Direction, _direction_sums

    n = slices.starts.size
    residual = np.zeros((2, n))
    theta = np.zeros((2, n))
    true = np.zeros((2, n), dtype=np.int64)
    accidental = np.zeros((2, n), dtype=np.int64)
    for i in range(n):
        start = np.array([slices.starts[i]])
        for d in (0, 1):
            setup = slices.setups[i][d]
            direction = _Direction(
                name="ab", local=setup.clock_a, remote=setup.clock_b, delay=setup.delay("ab"),
                jitter_local=setup.jitter_a, jitter_remote=setup.jitter_b,
                dispersion_length=0.0, accidental_rate=float(slices.accidentals[d, i]),
                acquisition_error=0.0)
            events = (setup.pair_coincidence_rate + slices.accidentals[d, i]) * setup.tau0
            splits = max(int(np.ceil(events / CHUNK_EVENTS)), 1)
            total = _direction_sums(direction, setup, start, np.zeros(1), 1.0 / splits, rng)
            for _ in range(splits - 1):
                total.add(_direction_sums(direction, setup, start, np.zeros(1), 1.0 / splits,
                                          rng))
            residual[d, i] = total.residual[0]
            theta[d, i] = total.theta[0]
            true[d, i] = total.true[0]
            accidental[d, i] = total.accidental[0]
    # each direction's residuals are its remote minus local reading about the tracked peak:
    # the downlink's is +theta, the uplink's -theta (theta = x_station - x_satellite, read
    # as x_b - x_a of the request)
    counted = true + accidental
    if not (true.sum(axis=1) > 0).all():
        return PassDraw(true, accidental, math.nan, np.full(n, np.nan))
    sign = 1.0 if slices.between[1] == slices.route.station else -1.0
    mean = residual / counted.sum(axis=1, keepdims=True)
    shift = theta / true.sum(axis=1, keepdims=True)
    # theta of the request (x_b - x_a) is +-(x_station - x_satellite)
    contributions = sign * 0.5 * ((mean[0] - shift[0]) - (mean[1] - shift[1]))
    weights = (true[0] + true[1]) / float(true.sum())
    error = float(contributions.sum() + weights @ slices.bias)
    return PassDraw(true, accidental, error, contributions)


def pass_row(spec: ScenarioSpec, index: int, request: ClockSyncRequestSpec, engine: str,
             rng: np.random.Generator) -> RequestResult:
    """The row of a clock-sync request over a satellite pass (module docstring)."""
    from qfab.engines.clock_sync import BASELINES

    slices = pass_slices(spec, request)
    lengths = slices.lengths
    up_time = float(lengths.sum())
    signal, noise = slices.expected_counts()
    a, b = request.between
    if engine == "analytic":
        precision = slices.precision(signal, noise)
        weights = (slices.rate.sum(axis=0) * lengths) / max(float(signal.sum()), 1e-300)
        bias = float(weights @ slices.bias)
        counts, accidentals = signal, noise
    else:
        draw = simulate_pass(slices, rng)
        precision, bias = draw.precision, draw.error
        counts = draw.true.sum(axis=1).astype(np.float64)
        accidentals = draw.accidental.sum(axis=1).astype(np.float64)
    target = None if request.target is None else float(request.target)
    to_target: float | None = None
    notes = [NO_TDEV]
    if target is not None:
        reach = slices.time_to_target(target) if engine == "analytic" else \
            slices.time_to_target(target, draw.true.astype(np.float64),
                                  draw.accidental.astype(np.float64))
        if math.isfinite(reach):
            to_target = reach
        else:
            notes.append(f"the target {target:.3g} s is not reached within the pass "
                         f"({up_time:g} s of coincidences)")
    if not slices.starts.size:
        notes.append(f"the satellite is not above the links' min_elevation at "
                     f"{slices.route.station} within the run (duration "
                     f"{float(spec.duration):g} s)")

    def per_second(values: FloatArray) -> dict[str, float]:
        return {"downlink": float(values[0]) / up_time if up_time > 0 else 0.0,
                "uplink": float(values[1]) / up_time if up_time > 0 else 0.0}

    finite = math.isfinite(precision)
    fields: dict[str, Any] = {
        "coincidence_rate_hz": per_second(counts),
        "accidental_rate_hz": per_second(accidentals),
        "coincidences": {"downlink": float(counts[0]), "uplink": float(counts[1])},
        "precision_s": precision if finite else None,
        "bias_s": bias if math.isfinite(bias) else None,
        "time_to_target_s": to_target, "target_s": target,
        "averaging_time_s": up_time,
        "duration_s": float(slices.ends[-1] - slices.starts[0]) if slices.ends.size else 0.0,
        "pass_start_s": float(slices.starts[0]) if slices.starts.size else None,
        "pass_end_s": float(slices.ends[-1]) if slices.ends.size else None,
        "tdev": None, "tdev_expected": None, "adev": None,
        "error_budget": _budget(slices, signal, noise),
        "baselines": [dict(baseline) for baseline in BASELINES], "reference": None,
        "slices": _table(slices)}
    met = None if target is None or not finite else bool(
        precision <= target and abs(bias) < target)
    intervals = int(slices.starts.size)
    return RequestResult(
        between=request.between, requested=intervals, delivered=intervals, rate_hz=None,
        fidelity=None, fidelity_ci95=None, latency_s=None, target_met=met,
        path=[a, b], kind="clock_sync", name=request.name,
        completion_s=float(slices.ends[-1]) if slices.ends.size else None,
        note="; ".join(notes), extra={name: fields.get(name) for name in _FIELDS})


def _budget(slices: PassSlices, signal: FloatArray, noise: FloatArray) -> dict[str, float]:
    """Each term's share of the pass precision's variance: the white terms of ``sigma_c``
    and the accidentals' extra spread, per direction weighted by ``1 / (4 N)``."""
    if not (signal > 0).all():
        return {}
    setup = slices.setups[0][0]
    jitter = float(tt.coincidence_spread(setup.jitter_a, setup.jitter_b))
    tagger = float(tt.coincidence_spread(tt.uniform_sigma(setup.tagger_resolution),
                                         tt.uniform_sigma(setup.tagger_resolution)))
    scale = 0.25 * float(np.sum(1.0 / signal))
    terms = {"detector_jitter": jitter**2 * scale, "tagger": tagger**2 * scale,
             "biphoton": setup.correlation_time**2 * scale}
    total_white = slices.sigma_c**2
    terms["accidentals"] = 0.25 * sum(
        float(tt.offset_precision_with_background(slices.sigma_c, signal[d], noise[d],
                                                  slices.window)) ** 2
        - total_white / signal[d] for d in (0, 1))
    terms["accidentals"] = max(terms["accidentals"], 0.0)
    total = sum(terms.values())
    return {name: float(value / total) for name, value in terms.items()} if total > 0 else {}


def _table(slices: PassSlices) -> list[dict[str, float]]:
    """Per slice: its start, elevation, range and each direction's rates."""
    return [{"start_s": float(slices.starts[i]), "elevation_deg":
             float(np.degrees(slices.elevation_rad[i])), "range_km": float(slices.range_m[i])
             / 1e3, "downlink_hz": float(slices.rate[0, i]),
             "uplink_hz": float(slices.rate[1, i]),
             "downlink_accidental_hz": float(slices.accidentals[0, i]),
             "uplink_accidental_hz": float(slices.accidentals[1, i])}
            for i in range(slices.starts.size)]
