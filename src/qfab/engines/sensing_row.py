"""A sensing request's row: fuse each shot's pairs, interrogate, read the parity, report.

:func:`sensing_row` is the last step of :mod:`qfab.engines.sensing`: it gathers the pairs
of every spoke (delivered by a des run, or expected after an analytic run), fuses the
``k``-th pair of every spoke into shot ``k``'s GHZ state when the last of them arrives
(each pair aged by the memories of its two nodes until then), applies the coherence factor
of the interrogation, computes the parity signal and its Fisher information per shot
(:mod:`qfab.physics.ghz_sensing`), samples the parity outcomes (des) and merges the spokes'
rows into one row for the request as written.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
from numpy.typing import NDArray

from qfab.engines.request_result import merged_rows
from qfab.engines.result import RequestResult
from qfab.errors import EngineError
from qfab.memorymodel import MemoryModel, memory_model
from qfab.physics import ghz_sensing as ghz
from qfab.spec.models import ScenarioSpec
from qfab.spec.sensing import SensingPairsSpec, SensingRequestSpec

__all__ = ["Shots", "expected_schedule", "fused_shots", "paced_arrivals", "sensing_row",
           "spoke_capacity"]

Served = list[tuple[SensingPairsSpec, RequestResult]]


@dataclass(frozen=True)
class Shots:
    """The completed shots of a sensing request, one row per shot.

    Attributes
    ----------
    fusion_s
        Time of each shot's fusion: the arrival of its spokes' last pair, shape ``(n,)``.
    waits_s
        Time each pair waited for the fusion, shape ``(n, k)``.
    pairs
        Bell vectors of the pairs at the fusion, shape ``(n, k, 4)``.
    """

    fusion_s: NDArray[np.float64]
    waits_s: NDArray[np.float64]
    pairs: NDArray[np.float64]


def _arrivals(written: SensingRequestSpec, served: Served, engine: str
              ) -> list[tuple[NDArray[np.float64], NDArray[np.float64]]]:
    """Each spoke's pairs, in the order of ``written.spokes``: ``(times, vectors)``,
    delivered (des) or expected at ``start + k / rate`` (analytic)."""
    by_sensor = {request.between[1]: (request, row) for request, row in served}
    out = []
    for sensor in written.spokes:
        request, row = by_sensor[sensor]
        if engine != "analytic":
            recorded = request.recorded()
            times = np.array([time for time, _ in recorded], dtype=np.float64)
            vectors = np.array([bell for _, bell in recorded], dtype=np.float64).reshape(-1, 4)
            out.append((times, vectors))
            continue
        delivered = int(row.delivered)
        vector = request.expected()
        if delivered and (vector is None or row.rate_hz is None or not row.rate_hz > 0.0):
            raise EngineError(f"requests: sensing: the analytic engine gave no pair state or "
                              f"rate between {written.hub} and {sensor}")
        state = np.clip(np.asarray(vector if delivered else np.zeros(4), dtype=np.float64),
                        0.0, 1.0)
        times = float(written.start) + np.arange(1, delivered + 1) / (row.rate_hz or 1.0)
        out.append((times, np.broadcast_to(state, (delivered, 4))))
    return out


def spoke_capacity(spec: ScenarioSpec, hub: str, sensor: str) -> int:
    """Pairs a spoke holds while they wait for their fusion: the qubits the hub and the
    sensor give the spoke's link (:meth:`ScenarioSpec.qubits_per_link`; their even share
    when no link joins them directly), the fewer of the two, at least one."""
    direct = spec.link_between(hub, sensor) is not None
    hub_qubits = spec.qubits_per_link(hub, sensor if direct else None)
    sensor_qubits = spec.qubits_per_link(sensor, hub if direct else None)
    return max(1, min(hub_qubits, sensor_qubits))


def paced_arrivals(start: float, arrivals: list[NDArray[np.float64]],
                   capacities: list[int]) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Arrival and fusion times when each spoke holds at most its capacity of waiting pairs.

    The network served every spoke without a pause (a delivered pair is consumed at once),
    so the gaps between a spoke's deliveries are its link's generation times from a fresh
    start. A spoke whose ``c`` qubits all hold pairs waiting for their fusion cannot make
    another: its ``k``-th generation starts at ``max(a[k-1], f[k-c])`` and ends one gap
    later, ``a[k] = start_k + g[k]``; shot ``k`` fuses at ``f[k] = max_i a_i[k]``. With
    ``c = 1`` this is ``f[k] = f[k-1] + max_i g_i[k]``, the star's waiting time for one pair
    on every spoke (the maximum of the spokes' waits, as for the links of a repeater chain).
    The link's generation is taken to restart afresh after a pause (memoryless attempts).

    Parameters
    ----------
    start
        When the request starts, seconds.
    arrivals
        Each spoke's delivery times from the network, seconds (increasing).
    capacities
        Each spoke's capacity (:func:`spoke_capacity`).

    Returns
    -------
    times, fusion : numpy.ndarray
        Arrival time of every shot's pair on every spoke, shape ``(n, k)``, and every shot's
        fusion time, shape ``(n,)``, ``n`` the fewest deliveries of a spoke.
    """
    k = len(arrivals)
    n = min((len(times) for times in arrivals), default=0)
    gaps = np.empty((n, k))
    for i, arrived in enumerate(arrivals):
        gaps[:, i] = np.diff(np.concatenate([[start], arrived[:n]]))
    if k == 0 or n == 0:
        return np.empty((n, k)), np.full(n, start)
    if all(c == 1 for c in capacities):
        fusion = start + np.cumsum(gaps.max(axis=1))
        before = np.concatenate([[start], fusion[:-1]])
        return before[:, None] + gaps, fusion
    times = np.empty((n, k))
    fusion = np.empty(n)
    last = np.full(k, start)
    depth = np.asarray(capacities)
    for shot in range(n):
        begin = last.copy()
        blocked = shot >= depth
        if blocked.any():
            begin[blocked] = np.maximum(begin[blocked], fusion[shot - depth[blocked]])
        last = begin + gaps[shot]
        times[shot] = last
        fusion[shot] = last.max()
    return times, fusion


def expected_schedule(start: float, rates: list[float], n: int, capacities: list[int]
                      ) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """The analytic engine's arrival and fusion times of ``n`` shots (spokes' pair rates
    ``rates``).

    With one pair per spoke (every capacity 1) shot ``k`` fuses at ``start + (k + 1) E``,
    ``E`` the mean of the largest of the spokes' waits, each exponential of its spoke's rate
    (:func:`qfab.engines.chain_analytics.mean_max_exponential`), and spoke ``i``'s pair
    waits ``E - 1 / r_i`` on average. With larger capacities the spokes' buffers absorb
    part of the spread: the pairs' mean arrival times ``k / r_i`` run through
    :func:`paced_arrivals` (the buffered limit, a shot rate of the slowest spoke's).
    """
    from qfab.engines.chain_analytics import mean_max_exponential

    k = len(rates)
    if n == 0 or k == 0:
        return np.empty((n, k)), np.full(n, start)
    if all(c == 1 for c in capacities):
        period = mean_max_exponential(rates)
        fusion = np.asarray(start + period * np.arange(1, n + 1), dtype=np.float64)
        waits = period - 1.0 / np.asarray(rates, dtype=np.float64)
        return fusion[:, None] - waits[None, :], fusion
    return paced_arrivals(start, [start + np.arange(1, n + 1) / rate for rate in rates],
                          capacities)


def fused_shots(spec: ScenarioSpec, written: SensingRequestSpec,
                arrivals: list[tuple[NDArray[np.float64], NDArray[np.float64]]], *,
                rates: list[float] | None = None) -> Shots:
    """The completed shots: shot ``k`` fuses the ``k``-th pair of every spoke when the last
    arrives (:func:`paced_arrivals`, each spoke holding at most :func:`spoke_capacity`
    pairs; with the spokes' pair ``rates`` instead of recorded arrivals,
    :func:`expected_schedule`), each pair stored until then at both its ends
    (:meth:`MemoryModel.store`)."""
    capacities = [spoke_capacity(spec, written.hub, sensor) for sensor in written.spokes]
    if rates is None:
        times, fusion = paced_arrivals(float(written.start), [t for t, _ in arrivals],
                                       capacities)
    else:
        times, fusion = expected_schedule(float(written.start), rates,
                                          min((len(t) for t, _ in arrivals), default=0),
                                          capacities)
    n, k = times.shape
    pairs = np.empty((n, k, 4))
    for i, (_, vectors) in enumerate(arrivals):
        pairs[:, i] = vectors[:n]
    waits = fusion[:, None] - times
    for i, sensor in enumerate(written.spokes):
        for end in (written.hub, sensor):
            model = memory_model(spec.nodes[end].memory)
            if not model.ideal:
                pairs[:, i] = np.asarray(model.store(pairs[:, i], waits[:, i]),
                                         dtype=np.float64)
    return Shots(fusion, waits, pairs)


def _transverse(model: MemoryModel, wait: float) -> tuple[float, float]:
    """``(lambda_X, lambda_Y)`` of a qubit stored ``wait`` s (Klein characters 2 and 3)."""
    chars = np.asarray(model.characters(np.asarray(wait)), dtype=np.float64)
    return float(chars[2]), float(chars[3])


def _coherence(spec: ScenarioSpec, written: SensingRequestSpec) -> float:
    """The coherence factor of the interrogation over every sensor's qubit."""
    wait = float(written.interrogation_time)
    lx, ly = zip(*(_transverse(memory_model(spec.nodes[name].memory), wait)
                   for name in written.sensors))
    return float(ghz.coherence_factor(np.array(lx), np.array(ly)))


def sensing_row(spec: ScenarioSpec, written: SensingRequestSpec, served: Served, engine: str,
                rng: np.random.Generator) -> RequestResult:
    """The row of one sensing request (see the module docstring)."""
    arrivals = _arrivals(written, served, engine)
    rates = None
    if engine == "analytic":
        by_sensor = {request.between[1]: row for request, row in served}
        rates = [float(by_sensor[sensor].rate_hz or 1.0) for sensor in written.spokes]
    shots = fused_shots(spec, written, arrivals, rates=rates)
    row = _merged(written, served)
    notes = [row.note] if row.note else []
    fused = len(shots.fusion_s)
    # a shot whose pairs arrive (paced) after the run's end is not completed
    shots = _before(shots, float(spec.duration))
    n = len(shots.fusion_s)
    if n < fused:
        notes.append(f"shots completed {n} of {written.shots}: with each spoke holding "
                     "only the pairs its qubits can, the later shots' fusions fall after "
                     "the run's duration")
    elif n < int(written.shots):
        notes.append(f"shots completed {n} of {written.shots}: a spoke got fewer pairs")
    if n == int(written.shots) and n:
        # the request is complete at its last fusion: the spokes wait for one another
        completion = float(shots.fusion_s[-1]) - float(written.start)
        rate = row.delivered / completion if completion > 0.0 else None
        row = replace(row, completion_s=completion, rate_hz=rate,
                      latency_s=1.0 / rate if rate else None,
                      deadline_met=None if written.deadline is None
                      else completion <= float(written.deadline) * (1.0 + 1e-12))
    fields = _figures(spec, written, shots, engine != "analytic", rng)
    return replace(row, extra={**row.extra, **fields}, note="; ".join(notes) if notes else None)


def _before(shots: Shots, end: float) -> Shots:
    """The shots fused by ``end`` (seconds)."""
    n = int(np.searchsorted(shots.fusion_s, end * (1.0 + 1e-12), side="right"))
    if n == len(shots.fusion_s):
        return shots
    return Shots(shots.fusion_s[:n], shots.waits_s[:n], shots.pairs[:n])


def _figures(spec: ScenarioSpec, written: SensingRequestSpec, shots: Shots, sampled: bool,
             rng: np.random.Generator) -> dict[str, Any]:
    """The sensing fields of the row."""
    hub_in = written.hub_is_sensor
    sensors = len(written.sensors)
    n = len(shots.fusion_s)
    fields: dict[str, Any] = {
        "sensors": list(written.sensors), "hub": written.hub, "hub_is_sensor": hub_in,
        "shots": int(written.shots), "shots_completed": n, "phase": written.total_phase,
        "interrogation_time_s": float(written.interrogation_time),
        "coherence_factor": None, "ghz_fidelity": None, "ghz_fidelity_se": None,
        "parity_visibility": None, "parity_expected": None, "parity_mean": None,
        "parity_mean_se": None, "fisher_information": None, "phase_uncertainty": None,
        "sql_uncertainty": None, "heisenberg_uncertainty": None, "gain_db": None,
        "fusion_wait_mean_s": None, "fusion_wait_max_s": None, "shot_rate_hz": None}
    if n == 0:
        return fields
    coherence = _coherence(spec, written)
    # after an analytic run every shot is the same state: compute it once
    pairs = shots.pairs if sampled else shots.pairs[:1]
    fidelity = ghz.fused_ghz_fidelity(pairs, hub_is_sensor=hub_in)
    visibility = ghz.parity_visibility(pairs, hub_is_sensor=hub_in, coherence=coherence)
    signal = ghz.parity_signal(pairs, written.total_phase, hub_is_sensor=hub_in,
                               coherence=coherence)
    fisher = ghz.fisher_information(pairs, written.total_phase, hub_is_sensor=hub_in,
                                    coherence=coherence)
    total_fisher = float(np.sum(fisher)) * (1 if sampled else n)
    fields.update({
        "coherence_factor": coherence,
        "ghz_fidelity": float(np.mean(fidelity)),
        "parity_visibility": float(np.mean(visibility)),
        "parity_expected": float(np.mean(signal)),
        "fisher_information": total_fisher / n,
        "phase_uncertainty": float(ghz.uncertainty_from_fisher(total_fisher)),
        "sql_uncertainty": float(ghz.sql_uncertainty(sensors, n)),
        "heisenberg_uncertainty": float(ghz.heisenberg_uncertainty(sensors, n)),
        "gain_db": float(ghz.fisher_gain_db(total_fisher / n, sensors)),
        "fusion_wait_mean_s": float(np.mean(shots.waits_s)),
        "fusion_wait_max_s": float(np.max(shots.waits_s))})
    active = float(shots.fusion_s[-1]) - float(written.start)
    if active > 0:
        fields["shot_rate_hz"] = n / active
    if sampled:
        outcomes = np.where(rng.random(n) < (1.0 + signal) / 2.0, 1.0, -1.0)
        fields["parity_mean"] = float(np.mean(outcomes))
        fields["parity_mean_se"] = float(np.std(outcomes, ddof=1) / math.sqrt(n)) \
            if n > 1 else None
        fields["ghz_fidelity_se"] = float(np.std(fidelity, ddof=1) / math.sqrt(n)) \
            if n > 1 else None
    return fields


def _merged(written: SensingRequestSpec, served: Served) -> RequestResult:
    """One row for the request from its spokes' rows."""
    merged = merged_rows(served)
    rate = merged.rate_hz
    return RequestResult(
        between=written.between, requested=merged.requested, delivered=merged.delivered,
        rate_hz=rate, fidelity=merged.fidelity, fidelity_ci95=None,
        latency_s=1.0 / rate if rate else None,
        deadline_met=None if written.deadline is None else all(
            row.deadline_met for _, row in served),
        kind="sensing", name=written.name, completion_s=merged.completion_s,
        note="; ".join(merged.notes) if merged.notes else None)
