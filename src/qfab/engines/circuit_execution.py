"""A circuit request's row: schedule the circuit against its pairs, execute it, report.

:func:`circuit_row` is the execution step of :mod:`qfab.engines.circuit`: it gathers the
pairs the network delivered (des) or their expected state and mean arrival times
(analytic) on every QPU pair, schedules the circuit (:mod:`qfab.dqc.timeline`), executes it
(:mod:`qfab.dqc.execute`) and merges the pair requests' rows into one row for the request
as written.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from qfab.engines.request_result import merged_rows
from qfab.engines.result import RequestResult
from qfab.errors import EngineError
from qfab.memorymodel import memory_model
from qfab.spec.circuit import CircuitPairsSpec, CircuitRequestSpec
from qfab.spec.models import ScenarioSpec

if TYPE_CHECKING:
    from qfab.dqc.timeline import Arrival, QpuTiming, Timeline
    from qfab.engines.circuit import Planned

__all__ = ["circuit_row"]

Served = list[tuple[CircuitPairsSpec, RequestResult]]


def _timing(spec: ScenarioSpec, written: CircuitRequestSpec) -> dict[str, QpuTiming]:
    from qfab.dqc.timeline import QpuTiming

    out: dict[str, QpuTiming] = {}
    for name in written.qpus:
        qpu = spec.nodes[name].qpu
        assert qpu is not None  # validated with the scenario
        out[name] = QpuTiming(float(qpu.single_qubit_gate_time), float(qpu.two_qubit_gate_time),
                              float(qpu.measurement_time), float(qpu.t1), float(qpu.t2))
    return out


def _noise(spec: ScenarioSpec, written: CircuitRequestSpec) -> dict[str, Any]:
    from qfab.dqc.execute import LocalNoise

    out: dict[str, Any] = {}
    for name in written.qpus:
        qpu = spec.nodes[name].qpu
        assert qpu is not None
        out[name] = LocalNoise(one_qubit=float(qpu.single_qubit_error),
                               two_qubit=float(qpu.two_qubit_error),
                               readout=float(qpu.measurement_error))
    return out


def _delay(spec: ScenarioSpec) -> Any:
    """One-way classical delay between two nodes: the shortest fiber path of the links."""
    import networkx as nx

    from qfab.physics.fiber import propagation_delay

    graph = nx.Graph()
    for link in spec.links:
        length = float(getattr(link, "length", 0.0) or 0.0)
        a, b = link.between
        if not graph.has_edge(a, b) or graph[a][b]["length"] > length:
            graph.add_edge(a, b, length=length)

    known: dict[tuple[str, str], float] = {}

    def delay(a: str, b: str) -> float:
        if (a, b) not in known:
            try:
                metres = float(nx.shortest_path_length(graph, a, b, weight="length"))
            except (nx.NetworkXNoPath, nx.NodeNotFound):
                metres = 0.0
            known[(a, b)] = known[(b, a)] = float(propagation_delay(metres))
        return known[(a, b)]

    return delay


def _ager(spec: ScenarioSpec) -> Any:
    """``(a, b, bell, age) -> bell`` with each half stored in its node's memory."""
    models = {name: memory_model(node.memory) for name, node in spec.nodes.items()}

    def age_pair(a: str, b: str, bell: NDArray[np.float64], age: float) -> NDArray[np.float64]:
        out = bell
        for end in (a, b):
            if not models[end].ideal:
                out = np.asarray(models[end].store(out, age), dtype=np.float64)
        return out

    return age_pair


def _arrivals(served: Served, engine: str) -> dict[tuple[str, str], list[Arrival]]:
    """Each QPU pair's pairs: delivered (des) or expected at ``start + k / rate`` (analytic)."""
    from qfab.dqc.timeline import Arrival, link_of

    out: dict[tuple[str, str], list[Arrival]] = {}
    for request, row in served:
        link = link_of(*request.between)
        if engine != "analytic":
            out[link] = [Arrival(time, bell) for time, bell in request.recorded()]
            continue
        vector = request.expected()
        if vector is None or row.rate_hz is None or not row.rate_hz > 0.0:
            raise EngineError(f"requests: circuit {request.written.circuit}: the analytic "
                              f"engine gave no pair state or rate between {link[0]} and "
                              f"{link[1]}")
        a, b, c, d = (float(x) for x in np.clip(np.asarray(vector, dtype=np.float64), 0, 1))
        start = float(request.start)
        out[link] = [Arrival(start + (k + 1) / row.rate_hz, (a, b, c, d))
                     for k in range(int(request.pairs))]
    return out


def circuit_row(spec: ScenarioSpec, written: CircuitRequestSpec, plan: Planned,
                served: Served, engine: str, rng: Any) -> RequestResult:
    """The row of one circuit request (see the module docstring)."""
    from qfab.dqc.execute import build_program, run_program
    from qfab.dqc.timeline import schedule_circuit

    arrivals = _arrivals(served, engine)
    short = [f"{a}-{b}: {len(arrivals.get((a, b), []))} of {need}"
             for (a, b), need in plan.pairs.items() if len(arrivals.get((a, b), [])) < need]
    row = _merged(written, plan, served)
    if short:
        missing = f"pairs delivered {'; '.join(short)}: the circuit did not run"
        return _with(row, written, plan, None, None, None,
                     missing if row.note is None else f"{row.note}; {missing}")
    timeline = schedule_circuit(plan.gates, plan.placement, _timing(spec, written), arrivals,
                                scheme=written.scheme, start=float(written.start),
                                delay=_delay(spec), age_pair=_ager(spec))
    sampled = engine != "analytic"
    noise = _noise(spec, written)
    note = row.note
    over = [f"{qpu} up to {held} (memory.qubits {int(spec.nodes[qpu].memory.qubits)})"
            for qpu, held in timeline.held_max.items()
            if held > int(spec.nodes[qpu].memory.qubits)]
    if over:
        wait = (f"more pairs wait for their gates than the communication qubits hold: "
                f"{', '.join(over)}; the network delivered them ahead of the circuit")
        note = wait if note is None else f"{note}; {wait}"
    program, fidelities = build_program(plan.gates, plan.placement, timeline.pairs, noise=noise,
                                        scheme=written.scheme, idle=timeline.idle)
    try:
        outcome: Any = run_program(program, fidelities,
                                   shots=int(written.shots) if sampled else 0,
                                   seed=int(rng.integers(2**63 - 1)) if sampled else None,
                                   method="auto" if sampled else "density",
                                   trajectories=int(written.trajectories))
    except ValueError as error:
        outcome = None
        reason = (f"not simulated: {error}" if sampled else
                  f"the analytic engine gives the success probability exactly up to 10 "
                  f"qubits ({error}); engine des samples larger circuits")
        note = reason if note is None else f"{note}; {reason}"
        return _with(row, written, plan, timeline, None, program.error_free_probability(),
                     note)
    return _with(row, written, plan, timeline, outcome, outcome.error_free_probability, note)


def _merged(written: CircuitRequestSpec, plan: Planned, served: Served) -> RequestResult:
    """One row for the request from its pair requests' rows."""
    merged = merged_rows(served)
    rate = merged.rate_hz
    one = served[0][1] if len(served) == 1 else None
    return RequestResult(
        between=written.between, requested=merged.requested, delivered=merged.delivered,
        rate_hz=rate, fidelity=merged.fidelity,
        fidelity_ci95=one.fidelity_ci95 if one else None,
        latency_s=1.0 / rate if rate else None, kind="circuit", name=written.name,
        completion_s=0.0 if not served else merged.completion_s,
        path=one.path if one else None,
        note="; ".join(merged.notes) if merged.notes else None)


def _with(row: RequestResult, written: CircuitRequestSpec, plan: Planned,
          timeline: Timeline | None, outcome: Any, error_free: float | None,
          note: str | None) -> RequestResult:
    """``row`` with the circuit's fields (``outcome`` ``None``: not executed)."""
    counts = None if outcome is None or not outcome.counts else dict(
        sorted(outcome.counts.items(), key=lambda item: (-item[1], item[0])))
    ages = timeline.ages if timeline is not None else []
    fields: dict[str, Any] = {
        "circuit": written.circuit, "scheme": written.scheme, "shots": int(written.shots),
        "qpus": list(written.qpus), "counts": counts,
        "ebits": plan.total_pairs, "partition_ebits": plan.partition_ebits,
        "pairs_per_link": {f"{a}-{b}": n for (a, b), n in plan.pairs.items()},
        "makespan_s": None if timeline is None else timeline.makespan_s,
        "pair_wait_s": None if timeline is None else timeline.pair_wait_s,
        "pair_age_mean_s": float(np.mean(ages)) if ages else None,
        "pair_age_max_s": float(np.max(ages)) if ages else None,
        "method": None if outcome is None else outcome.method,
        "error_free_probability": error_free,
        "placement": {str(qubit): qpu for qubit, qpu in sorted(plan.placement.items())}}
    if written.expect is not None:
        fields["expect"] = written.expect
        fields["success_probability"] = None if outcome is None \
            else float(outcome.success_probability(written.expect))
        fields["success_probability_se"] = None if outcome is None \
            else float(outcome.success_standard_error(written.expect))
    return replace(row, kind="circuit", extra={**row.extra, **fields}, note=note)
