"""Clock-synchronization requests in the engines: two-way time transfer over fiber.

A scenario with ``kind: clock_sync`` requests is served in two parts:

- the *network part* (the scenario without its clock-sync requests) runs on the engine as
  any scenario does;
- each clock-sync request is computed here over its fiber (one link or a chain taken as
  one continuous fiber: :mod:`qfab.spec.clock_sync_paths`; over a satellite pass:
  :mod:`qfab.engines.clock_sync_satellite`), from the
  :class:`~qfab.timing.transfer.TimeTransferSetup` its fields give
  (:func:`time_transfer_setup`): engine ``analytic`` takes the closed forms
  (:func:`qfab.timing.transfer.expected`), engine ``des`` the Monte Carlo of the whole
  measurement (:func:`qfab.timing.transfer.simulate`) with the run's random stream
  ``clock_sync:<index>`` (same seed, same result).

The rows are put back in request order. The fast engine refuses clock-sync requests.

Each row adds ``coincidence_rate_hz`` (per direction), ``accidental_rate_hz``,
``precision_s`` and ``bias_s`` at ``averaging_time``, ``time_to_target_s`` (``None`` with a
``note`` when the floor or the bias makes the target unreachable), ``tdev`` and ``adev``
(lists of ``[tau_s, dev_s]``), ``error_budget`` (each term's share of the variance at
``averaging_time``), ``tdev_expected`` (the closed-form TDEV at the same averaging times),
``baselines`` (classical time transfer, each with its source) and the
request's ``target_s``, ``averaging_time_s``, ``duration_s`` and ``reference``.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import numpy as np

from qfab.engines.base import Support
from qfab.engines.network_part import RequestSplit, network_part_support, run_network_part
from qfab.engines.result import NodeResult, RequestResult, RunResult
from qfab.errors import EngineError
from qfab.physics.fiber import transmittance
from qfab.physics.timetransfer import SPEED_OF_LIGHT, fwhm_to_sigma
from qfab.rng import RandomStreams
from qfab.spec.clock_sync import ClockSpec, ClockSyncRequestSpec
from qfab.spec.clock_sync_paths import ClockSyncRoute, clock_sync_route, satellite_route
from qfab.spec.models import ScenarioSpec

if TYPE_CHECKING:
    from qfab.timing.clocks import ClockModel
    from qfab.timing.transfer import TimeTransferSetup, TransferExpectation

__all__ = ["BASELINES", "CLOCK_SYNC_ENGINES", "clock_sync_run", "clock_sync_support",
           "involves_clock_sync", "time_transfer_setup"]

#: Engines that serve clock-sync requests.
CLOCK_SYNC_ENGINES = frozenset({"analytic", "des"})

#: Classical time transfer beside which a clock-sync result is shown: name, TDEV (s), source.
BASELINES: tuple[dict[str, Any], ...] = (
    {"name": "White Rabbit", "tdev_s": 10e-12,
     "source": "about 10 ps TDEV over 128 km of deployed fibre: McKenzie et al., Appl. Phys. "
               "Lett. (2024), doi:10.1063/5.0225082 (DC-QNet)"},
    {"name": "GNSS common-view", "tdev_s": 1e-9,
     "source": "about 1 ns: GNSS common-view time transfer (order of magnitude of "
               "satellite time links)"},
)

#: The order of a row's fields.
_FIELDS = ("coincidence_rate_hz", "accidental_rate_hz", "precision_s", "bias_s",
           "time_to_target_s", "target_s", "averaging_time_s", "duration_s", "tdev",
           "tdev_se", "tdev_expected", "adev", "error_budget", "baselines", "reference")


def involves_clock_sync(spec: ScenarioSpec) -> bool:
    """Whether ``spec`` has a clock-sync request (served through this module)."""
    return any(isinstance(request, ClockSyncRequestSpec) for request in spec.requests)


def _split(spec: ScenarioSpec) -> RequestSplit:
    positions = [index for index, request in enumerate(spec.requests)
                 if not isinstance(request, ClockSyncRequestSpec)]
    network = spec.model_copy(update={"requests": [spec.requests[i] for i in positions]})
    return RequestSplit(network, positions)


def _engine_support(spec: ScenarioSpec, engine: str) -> Support:
    """Whether ``engine`` serves every clock-sync request of ``spec`` (apart from the rest)."""
    for index, request in enumerate(spec.requests):
        if not isinstance(request, ClockSyncRequestSpec):
            continue
        if engine not in CLOCK_SYNC_ENGINES:
            return Support.no(f"requests[{index}].kind: clock_sync: the {engine} engine does "
                              "not model time transfer; use engine analytic or des")
        if satellite_route(spec, request) is not None:  # a satellite pass
            from qfab.engines.clock_sync_satellite import pass_support

            served = pass_support(spec, index, request, engine)
            if not served:
                return served
            continue
        route = clock_sync_route(spec, request)
        if engine == "des":
            from qfab.timing.transfer import MAX_EVENTS, expected_events

            events = expected_events(time_transfer_setup(spec, request, route),
                                     request.measurement_duration)
            if events > MAX_EVENTS:
                return Support.no(f"requests[{index}].duration: the des engine draws every "
                                  f"coincidence, {events:.3g} over the measurement, more "
                                  f"than {MAX_EVENTS:.0e}; shorten the duration or use "
                                  "engine analytic")
        first, last = route.links[0], route.links[-1]
        if first[1].detector.efficiency != last[1].detector.efficiency:
            return Support.no(f"links[{last[0]}].detector.efficiency: requests[{index}] "
                              f"detects at {request.between[0]} with efficiency "
                              f"{first[1].detector.efficiency:g} (links[{first[0]}]) and at "
                              f"{request.between[1]} with {last[1].detector.efficiency:g}: the "
                              "time-transfer model takes one remote detection efficiency for "
                              "both directions (give both ends the same)")
    return Support.yes()


def clock_sync_support(spec: ScenarioSpec, engine: str,
                       network_support: Callable[[ScenarioSpec], Support]) -> Support:
    """Whether ``engine`` serves every clock-sync request of ``spec`` and the rest of it."""
    return network_part_support(_engine_support(spec, engine), lambda: _split(spec),
                                network_support)


def clock_sync_run(spec: ScenarioSpec, engine: str, seed: int,
                   run_network: Callable[[ScenarioSpec], RunResult], *,
                   traced: bool = False,
                   progress: Callable[[float], None] | None = None) -> RunResult:
    """Run ``spec`` on ``engine``: the rest of the scenario with ``run_network``, then each
    clock-sync request (see the module docstring). ``traced``: an event trace was asked
    for, which only the rest of the scenario has."""
    started = time.perf_counter()
    _engine_support(spec, engine).require()
    split = _split(spec)
    if traced and not split.network.requests and not split.network.entanglement_part():
        raise EngineError("trace: this scenario has only clock_sync requests over fiber "
                          "links or satellite passes, which are computed apart from the "
                          "event simulation: there are no events to record")
    result = run_network_part(split, run_network)
    streams = RandomStreams(seed)
    rows: dict[int, RequestResult] = dict(zip(split.positions, result.requests))
    for index, request in enumerate(spec.requests):
        if isinstance(request, ClockSyncRequestSpec) and satellite_route(spec, request):
            from qfab.engines.clock_sync_satellite import pass_row

            rows[index] = pass_row(spec, index, request, engine,
                                   streams.stream(f"clock_sync:{index}"))
        elif isinstance(request, ClockSyncRequestSpec):
            rows[index] = _row(spec, index, request, engine,
                               streams.stream(f"clock_sync:{index}"), progress)
    nodes = result.nodes or [NodeResult(name=name, tier=node.tier, domain=None,
                                        qubits=node.memory.qubits, utilization=None)
                             for name, node in spec.nodes.items()]
    return replace(result, requests=[rows[index] for index in sorted(rows)], nodes=nodes,
                   wall_time_s=time.perf_counter() - started)


# ------------------------------------------------------------------------ the setup


def clock_model(clock: ClockSpec | None) -> ClockModel:
    """The :class:`~qfab.timing.clocks.ClockModel` of a node's ``clock`` (``None``: a perfect
    clock)."""
    from qfab.timing.clocks import ClockModel

    if clock is None:
        return ClockModel()
    return ClockModel(offset=float(clock.offset), frequency_offset=float(clock.frequency_offset),
                      drift=float(clock.drift), white_pm=float(clock.white_pm),
                      flicker_pm=float(clock.flicker_pm),
                      random_walk_fm=float(clock.random_walk_fm))


def time_transfer_setup(spec: ScenarioSpec, request: ClockSyncRequestSpec,
                        route: ClockSyncRoute | None = None) -> TimeTransferSetup:
    """The time-transfer setup of ``request``: its fiber taken as one continuous fiber.

    The transmittances of the links multiply; their lengths, their dispersions
    (``fiber.dispersion`` times length, so compensating sections of opposite sign cancel)
    and their asymmetries (as delays, ``asymmetry / fiber.speed``) add; the group index is
    ``c`` over the mean speed (``c`` times the total delay over the total length). End
    ``a``'s detectors are the first link's, end ``b``'s the last link's. Detector jitters and
    the source's ``bandwidth`` and ``pump_bandwidth`` are written as FWHM and converted to
    standard deviations (:func:`~qfab.physics.timetransfer.fwhm_to_sigma`).
    """
    from qfab.timing.transfer import TimeTransferSetup

    route = route or clock_sync_route(spec, request)
    links = [link for _, link in route.links]
    length = sum(float(link.length) for link in links)
    delay = sum(float(link.length) / float(link.fiber.speed) for link in links)
    group_index = SPEED_OF_LIGHT * delay / length if length > 0 \
        else SPEED_OF_LIGHT / float(links[0].fiber.speed)
    asymmetric_delay = sum(float(link.asymmetry) / float(link.fiber.speed) for link in links)
    dispersion = (sum(float(link.fiber.dispersion) * float(link.length) for link in links)
                  / length) if length > 0 else 0.0
    eta = math.prod(float(transmittance(link.length, link.fiber.attenuation))
                    for link in links)
    source = request.source
    detector_a, detector_b = route.detector_a, route.detector_b
    a, b = request.between
    return TimeTransferSetup(
        pair_rate=float(source.pair_rate), local_efficiency=float(source.local_efficiency),
        remote_efficiency=float(detector_b.efficiency), transmittance=eta, length=length,
        group_index=group_index, asymmetry=asymmetric_delay * SPEED_OF_LIGHT / group_index,
        jitter_a=float(fwhm_to_sigma(detector_a.jitter)),
        jitter_b=float(fwhm_to_sigma(detector_b.jitter)),
        tagger_resolution=float(request.tagger.resolution),
        correlation_time=float(source.correlation_time), dispersion=dispersion,
        bandwidth=float(fwhm_to_sigma(source.bandwidth)),
        nonlocal_cancellation=source.dispersion_cancellation == "nonlocal",
        pump_bandwidth=float(fwhm_to_sigma(source.pump_bandwidth)),
        dark_rate_a=float(detector_a.dark_count_rate),
        dark_rate_b=float(detector_b.dark_count_rate), window=float(request.window),
        floor=float(request.floor), clock_a=clock_model(spec.nodes[a].clock),
        clock_b=clock_model(spec.nodes[b].clock), tau0=float(request.interval))


# ------------------------------------------------------------------------ the rows


def _taus(request: ClockSyncRequestSpec) -> list[float]:
    """Octave averaging times over the measurement, with ``averaging_time`` and the
    ``reference`` points' averaging times (those within a third of the measurement)."""
    from qfab.timing.stability import octave_taus

    interval = float(request.interval)
    taus = {float(t) for t in octave_taus(interval, request.measurement_duration)}
    averaging = request.averaging_s
    # an averaging time is a whole number of intervals (allantools' m = tau / tau0)
    taus.add(interval * max(1, round(averaging / interval)))
    if request.reference is not None:  # the published taus within a third of the record
        taus.update(interval * max(1, round(float(tau) / interval))
                    for tau, _ in request.reference.points
                    if 3.0 * float(tau) <= request.measurement_duration)
    # the TDEV at m intervals needs 3 m + 1 samples
    samples = int(math.floor(request.measurement_duration / interval + 1e-9))
    return sorted(tau for tau in taus if 3 * round(tau / interval) + 1 <= samples)


def _adev_taus(taus: list[float], duration: float) -> list[float]:
    """The averaging times of the ADEV: those below a quarter of the measurement (the
    overlapping ADEV's error bars, which :func:`qfab.timing.stability.adev` computes with
    allantools' ``edf_greenhall``, are not defined beyond)."""
    return [tau for tau in taus if 4.0 * tau < duration]


def _averaging(request: ClockSyncRequestSpec) -> float:
    interval = float(request.interval)
    return interval * max(1, round(request.averaging_s / interval))


def _row(spec: ScenarioSpec, index: int, request: ClockSyncRequestSpec, engine: str,
         rng: np.random.Generator, progress: Callable[[float], None] | None) -> RequestResult:
    from qfab.timing.transfer import expected, simulate

    route = clock_sync_route(spec, request)
    setup = time_transfer_setup(spec, request, route)
    expectation = expected(setup)
    averaging = _averaging(request)
    duration = request.measurement_duration
    taus = _taus(request)
    intervals = int(math.floor(duration / float(request.interval) + 1e-9))
    tdev = [[tau, float(value)] for tau, value
            in zip(taus, np.atleast_1d(expectation.tdev(np.asarray(taus))))]
    if engine == "analytic":
        fields: dict[str, Any] = {
            "coincidence_rate_hz": float(expectation.coincidence_rate),
            "accidental_rate_hz": float(expectation.accidental_rate),
            "precision_s": float(expectation.precision(averaging)),
            "bias_s": float(expectation.bias), "tdev": tdev, "adev": None}
        # the measurement gives one estimate per interval: none before the first
        reach = max(float(expectation.time_to_target(request.target)),
                    float(request.interval)) if request.target is not None else math.nan
    else:
        try:
            run = simulate(setup, duration, rng, progress=progress)
        except ValueError as error:  # what the Monte Carlo cannot draw
            raise EngineError(f"requests[{index}]: {error}") from None
        measured = [[float(t), float(d)] for t, d in run.tdev(taus)]
        fields_se = _tdev_errors(measured, expectation, run.tau0, len(run.errors))
        fields = {
            "coincidence_rate_hz": float(np.sum(run.coincidences)) / (2.0 * duration),
            "accidental_rate_hz": float(np.sum(run.accidentals)) / (2.0 * duration),
            "precision_s": _at(measured, averaging),
            "bias_s": float(np.nanmean(run.errors)), "tdev": measured, "tdev_se": fields_se,
            "adev": [[float(t), float(d)] for t, d in run.adev(_adev_taus(taus, duration))]}
        reach = _first_reached(measured, request.target) if request.target is not None \
            else math.nan
    note = None
    to_target: float | None = None
    if request.target is not None:
        to_target, note = _reachable(request, float(fields["bias_s"]), reach, engine)
    fields.update({
        "tdev_expected": tdev,
        "time_to_target_s": to_target,
        "target_s": None if request.target is None else float(request.target),
        "averaging_time_s": averaging, "duration_s": duration,
        "error_budget": {name: float(share) for name, share
                         in expectation.budget(averaging).items()},
        "baselines": [dict(baseline) for baseline in BASELINES],
        "reference": None if request.reference is None else {
            "label": request.reference.label,
            "points": [[float(t), float(d)] for t, d in request.reference.points]}})
    met = None if request.target is None else bool(fields["precision_s"] <= request.target
                                                   and abs(fields["bias_s"]) < request.target)
    return RequestResult(
        between=request.between, requested=intervals, delivered=intervals, rate_hz=None,
        fidelity=None, fidelity_ci95=None, latency_s=None, target_met=met,
        path=list(route.nodes), kind="clock_sync", name=request.name, completion_s=duration,
        note=_joined(note, _missed(engine, fields, expectation.coincidence_rate, duration)),
        extra={name: fields.get(name) for name in _FIELDS})


def _tdev_errors(measured: list[list[float]], expectation: TransferExpectation,
                 tau0: float, samples: int) -> list[list[float]]:
    """One standard error of each measured TDEV point, ``[[tau_s, se_s], ...]``, from the
    degrees of freedom of the noise that dominates there: white phase noise where the
    white part of the closed form exceeds the floor, flicker phase noise (the floor's)
    elsewhere (:func:`qfab.timing.stability.standard_errors`)."""
    from qfab.timing.stability import FLICKER_PM, WHITE_PM, standard_errors

    out = []
    for tau, dev in measured:
        white = float(expectation.precision(tau)) ** 2 - expectation.floor ** 2
        alpha = WHITE_PM if white >= expectation.floor ** 2 else FLICKER_PM
        se = standard_errors([dev], [tau], tau0, samples, alpha=alpha)
        out.append([tau, float(se[0])])
    return out


def _missed(engine: str, fields: dict[str, Any], expected_rate: float,
            duration: float) -> str | None:
    """A note when the simulated coincidences fall more than 5 standard errors below the
    expected ones: the acquisition did not find a direction's peak, whose window then
    holds accidentals only."""
    if engine != "des" or expected_rate <= 0:
        return None
    counted = float(fields["coincidence_rate_hz"])
    error = math.sqrt(expected_rate * 2.0 * duration) / (2.0 * duration)
    if counted >= expected_rate - 5.0 * error:
        return None
    return (f"{counted:.4g} coincidences per second and direction against "
            f"{expected_rate:.4g} expected: the acquisition missed a direction's "
            "coincidence peak (its window holds accidentals only)")


def _joined(*notes: str | None) -> str | None:
    kept = [note for note in notes if note]
    return "; ".join(kept) if kept else None


def _at(curve: list[list[float]], tau: float) -> float:
    """The value of ``curve`` (``[[tau, dev], ...]``) at ``tau`` (one of its taus)."""
    for t, value in curve:
        if math.isclose(t, tau, rel_tol=1e-9):
            return value
    raise AssertionError(f"tau {tau} not among the curve's")  # pragma: no cover


def _first_reached(curve: list[list[float]], target: float) -> float:
    """The averaging time at which a measured TDEV first falls to ``target``: log-log
    interpolation between the two points around it (``inf`` if it never does)."""
    previous: list[float] | None = None
    for tau, dev in curve:
        if dev <= target:
            if previous is None or previous[1] <= 0:
                return tau
            (t0, d0), (t1, d1) = previous, (tau, dev)
            slope = math.log(d1 / d0) / math.log(t1 / t0) if d1 > 0 else -math.inf
            if not math.isfinite(slope) or slope == 0:
                return tau
            return float(t0 * (target / d0) ** (1.0 / slope))
        previous = [tau, dev]
    return math.inf


def _reachable(request: ClockSyncRequestSpec, bias: float, reach: float,
               engine: str) -> tuple[float | None, str | None]:
    """The time to the target, or ``None`` with the note saying why it is not reached."""
    target = float(request.target) if request.target is not None else math.inf
    if float(request.floor) >= target:
        return None, (f"the target {target:.3g} s is not reached: the environmental floor "
                      f"({float(request.floor):.3g} s TDEV) is at or above it")
    if abs(bias) >= target:
        return None, (f"the target {target:.3g} s is not reached: the bias ({bias:.3g} s, "
                      "half the path asymmetry's delay, which a two-way exchange does not "
                      "cancel) is at or above it")
    if not math.isfinite(reach):
        if engine == "des":
            return None, (f"the measured TDEV does not reach the target {target:.3g} s "
                          f"within the measurement ({request.measurement_duration:g} s)")
        return None, f"the target {target:.3g} s is not reached"
    return reach, None
