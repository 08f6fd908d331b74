"""Circuit requests in the engines: partition, pairs from the network, execution after the run.

A scenario with ``kind: circuit`` requests is served in three steps:

- *planning*: each circuit is loaded (:func:`qfab.dqc.circuits.load_circuit`) and partitioned
  over its two QPUs (:func:`qfab.dqc.partition.partition`, capacities ``qpu.qubits``); the
  request becomes the pair request :class:`~qfab.spec.circuit.CircuitPairsSpec` between them
  for one pair per non-local two-qubit gate (``scheme: gate``) or two (``scheme: data``); a
  circuit whose gates are all local on its placement uses no pairs and runs at its start;
- the network part (the scenario with those pair requests) runs on the engine as any does;
- *execution*: after a des run the circuit is executed (:func:`qfab.dqc.execute.execute`)
  with one pair per delivered pair, in delivery order, each of its fidelity at delivery (the
  Phi+ weight of its Bell vector) and used at delivery (age 0: the wait between a pair's
  delivery and its gate is not modelled), the QPUs' local errors from their ``qpu`` sections,
  and ``shots`` shots seeded from the run's random streams; a circuit without measurements
  (a generator's) measures every qubit ``q`` into classical bit ``q`` at the end. After an
  analytic run the expected success probability is the executor's exact probability with
  the expected pair fidelity for every pair; the analytic engine refuses where that fidelity
  is not the same for every pair (a memory that decoheres). The fast engine refuses circuit
  requests.

The request row adds ``counts`` (des), ``ebits``, ``makespan_s``, ``placement`` and, with
``expect``, ``success_probability``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from qfab.engines.base import Support
from qfab.engines.result import RequestResult, RunResult
from qfab.errors import EngineError, QfabError, ScenarioError, rewritten
from qfab.memorymodel import memory_model
from qfab.rng import RandomStreams
from qfab.spec.circuit import CircuitPairsSpec, CircuitRequestSpec
from qfab.spec.models import ScenarioSpec

__all__ = ["CIRCUIT_ENGINES", "circuit_run", "circuit_support",
           "involves_circuit"]

#: Engines that serve circuit requests.
CIRCUIT_ENGINES = frozenset({"analytic", "des"})

#: QPU fields the executor does not model yet (a QPU that sets them is refused).
_UNMODELLED = ("t1", "t2", "single_qubit_gate_time", "two_qubit_gate_time",
               "measurement_time")


def involves_circuit(spec: ScenarioSpec) -> bool:
    """Whether ``spec`` has a circuit request (served through this module)."""
    return any(isinstance(request, CircuitRequestSpec) for request in spec.requests)


@dataclass(frozen=True)
class _Planned:
    """A circuit request after planning: the executor's gates, the placement, the pairs."""

    gates: list[Any]
    placement: dict[int, str]
    pairs: int
    noise: dict[str, Any]


def _plan(spec: ScenarioSpec, index: int, request: CircuitRequestSpec) -> _Planned:
    """Load and partition the circuit of ``requests[index]``.

    Raises
    ------
    ScenarioError
        Naming ``requests[index].circuit`` for an unknown or unreadable circuit, one with
        more qubits than the QPUs hold, or gates the executor does not run.
    """
    from qfab.dqc import execute as executor
    from qfab.dqc.circuits import load_circuit
    from qfab.dqc.partition import partition

    where = f"requests[{index}].circuit"
    try:
        circuit = load_circuit(request.circuit)
    except QfabError as error:
        raise ScenarioError(where, str(error)) from None
    capacities = []
    noise = {}
    for name in request.qpus:
        qpu = spec.nodes[name].qpu
        assert qpu is not None  # validated with the scenario
        capacities.append(int(qpu.qubits))
        noise[name] = executor.LocalNoise(one_qubit=float(qpu.single_qubit_error),
                                          two_qubit=float(qpu.two_qubit_error),
                                          readout=float(qpu.measurement_error))
    if circuit.num_qubits > sum(capacities):
        raise ScenarioError(where, f"{request.circuit}: {circuit.num_qubits} qubits, but the "
                            f"QPUs {request.qpus[0]} and {request.qpus[1]} hold "
                            f"{capacities[0]} + {capacities[1]} data qubits (qpu.qubits)")
    try:
        placed = partition(circuit, 2, capacities)
    except QfabError as error:
        raise ScenarioError(where, str(error)) from None
    placement = {qubit: request.qpus[block] for qubit, block in enumerate(placed.placement)}
    gates = [executor.Gate(g.name, g.qubits, g.params[0] if g.params else None,
                           g.clbits[0] if g.clbits else None) for g in circuit.gates]
    if not any(gate.name == "measure" for gate in gates):  # a generator's: measure them all
        gates += [executor.Gate("measure", (qubit,), None, qubit)
                  for qubit in range(circuit.num_qubits)]
    non_local = sum(1 for gate in gates if gate.name in executor.TWO_QUBIT
                    and placement[gate.qubits[0]] != placement[gate.qubits[1]])
    unknown = sorted({gate.name for gate in gates} - executor.ONE_QUBIT - executor.TWO_QUBIT
                     - {"measure"})
    if unknown:
        raise ScenarioError(where, f"{request.circuit}: the executor does not run the gate(s) "
                            f"{', '.join(unknown)}")
    return _Planned(gates, placement, non_local * (1 if request.scheme == "gate" else 2), noise)


@dataclass(frozen=True)
class _Split:
    """The network part of a scenario and how its requests map to the written ones."""

    network: ScenarioSpec
    planned: dict[int, _Planned]  # each circuit request's plan, by written index
    positions: list[int]  # written index of each network request

    def renumbered(self, text: str) -> str:
        """``text`` of the network part with its ``requests[k]`` numbered as written."""
        def original(match: re.Match[str]) -> str:
            index = int(match.group(1))
            return f"requests[{self.positions[index]}]" if index < len(self.positions) \
                else match.group(0)

        return _REFERENCE.sub(original, text)

    def error(self, error: QfabError) -> QfabError:
        """``error`` of the network part, with the scenario's own numbering."""
        return rewritten(error, self.renumbered)


_REFERENCE = re.compile(r"\brequests\[(\d+)\]")


def _split(spec: ScenarioSpec) -> _Split:
    """The network part of ``spec``: each circuit request as its pair request, a circuit
    whose gates are all local (no pairs) left out."""
    planned: dict[int, _Planned] = {}
    requests: list[Any] = []
    positions: list[int] = []
    for index, written in enumerate(spec.requests):
        request: Any = written
        if isinstance(written, CircuitRequestSpec):
            plan = planned[index] = _plan(spec, index, written)
            if plan.pairs == 0:
                continue
            request = CircuitPairsSpec(between=written.between, pairs=plan.pairs,
                                       start=written.start, deadline=written.deadline,
                                       priority=written.priority, name=written.name,
                                       written=written)
        requests.append(request)
        positions.append(index)
    return _Split(spec.model_copy(update={"requests": requests}), planned, positions)


def _engine_support(spec: ScenarioSpec, engine: str) -> Support:
    """Whether ``engine`` serves every circuit request of ``spec`` (apart from its pairs)."""
    for index, request in enumerate(spec.requests):
        if not isinstance(request, CircuitRequestSpec):
            continue
        if engine not in CIRCUIT_ENGINES:
            return Support.no(f"requests[{index}].kind: circuit: the {engine} engine does not "
                              "run circuits; use engine analytic or des")
        for name in request.qpus:
            qpu = spec.nodes[name].qpu
            assert qpu is not None
            for field in _UNMODELLED:
                value = float(getattr(qpu, field))
                if (field in ("t1", "t2") and math.isfinite(value)) or \
                        (field not in ("t1", "t2") and value != 0.0):
                    return Support.no(f"nodes.{name}.qpu.{field}: the circuit executor does "
                                      "not model data-qubit decoherence or gate times yet "
                                      f"(requests[{index}] runs on {name})")
        if engine == "analytic":
            for name, node in spec.nodes.items():
                if not memory_model(node.memory).ideal:
                    return Support.no(
                        f"nodes.{name}.memory: requests[{index}] is a circuit, whose success "
                        "probability the analytic engine gives exactly only when every pair "
                        "has the same fidelity; a memory that decoheres makes it depend on "
                        "each pair's wait (use engine des)")
    return Support.yes()


def circuit_support(spec: ScenarioSpec, engine: str,
                    network_support: Callable[[ScenarioSpec], Support]) -> Support:
    """Whether ``engine`` serves every circuit request of ``spec`` and its network part."""
    served = _engine_support(spec, engine)
    if not served:
        return served
    split = _split(spec)
    try:
        served = network_support(split.network)
    except QfabError as error:
        raise split.error(error) from None
    return served if served or served.reason is None \
        else Support.no(split.renumbered(served.reason))


def circuit_run(spec: ScenarioSpec, engine: str, seed: int,
                run_network: Callable[[ScenarioSpec], RunResult]) -> RunResult:
    """Run ``spec`` on ``engine``: the network part with ``run_network``, then each circuit
    (see the module docstring)."""
    _engine_support(spec, engine).require()
    split = _split(spec)
    try:
        result = run_network(split.network)
    except QfabError as error:
        raise split.error(error) from None
    streams = RandomStreams(seed)
    rows: dict[int, RequestResult] = {}
    for index, row, request in zip(split.positions, result.requests, split.network.requests):
        if isinstance(request, CircuitPairsSpec):
            plan = split.planned[index]
            row = _expected(request, row, plan) if engine == "analytic" else \
                _executed(request, row, plan, streams.stream(f"circuit:{index}"))
        rows[index] = row
    for index, plan in split.planned.items():
        if plan.pairs == 0:
            rows[index] = _local(spec.requests[index], plan, engine,
                                 streams.stream(f"circuit:{index}"))
    return replace(result, requests=[rows[index] for index in sorted(rows)])


def _local(written: Any, plan: _Planned, engine: str, rng: Any) -> RequestResult:
    """A circuit whose gates are all local: it runs without pairs, at its start (the QPUs'
    gate times are not modelled)."""
    from qfab.dqc.execute import execute

    assert isinstance(written, CircuitRequestSpec)
    sampled = engine != "analytic"
    outcome = execute(plan.gates, plan.placement, (), noise=plan.noise,
                      shots=int(written.shots) if sampled else 0,
                      seed=int(rng.integers(2**63 - 1)) if sampled else None)
    counts = _ranked(outcome.counts) if sampled else None
    row = RequestResult(between=written.between, requested=0, delivered=0, rate_hz=None,
                        fidelity=None, fidelity_ci95=None, latency_s=None, kind="circuit",
                        name=written.name, completion_s=0.0)
    return replace(row, extra=_fields(written, plan, outcome, 0.0, counts))


def _ranked(counts: dict[str, int]) -> dict[str, int]:
    """``counts`` from the most frequent outcome down."""
    return dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))


def _fields(written: CircuitRequestSpec, plan: _Planned, outcome: Any,
            makespan: float | None, counts: dict[str, int] | None) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "circuit": written.circuit, "scheme": written.scheme, "shots": int(written.shots),
        "counts": counts, "ebits": plan.pairs, "makespan_s": makespan,
        "placement": {str(qubit): qpu for qubit, qpu in sorted(plan.placement.items())}}
    if written.expect is not None:
        fields["expect"] = written.expect
        fields["success_probability"] = None if outcome is None \
            else float(outcome.success_probability(written.expect))
    return fields


def _executed(request: CircuitPairsSpec, row: RequestResult, plan: _Planned,
              rng: Any) -> RequestResult:
    """Execute the circuit over the pairs a des run delivered (see the module docstring)."""
    from qfab.dqc.execute import PairUse, execute

    delivered = request.recorded()
    if len(delivered) < plan.pairs:
        fields = _fields(request.written, plan, None, None, None)
        missing = f"{len(delivered)} of {plan.pairs} pairs delivered: the circuit did not run"
        return replace(row, kind="circuit", extra={**row.extra, **fields},
                       note=missing if row.note is None else f"{row.note}; {missing}")
    pairs = [PairUse(min(1.0, max(0.0, fidelity))) for _, fidelity in delivered[:plan.pairs]]
    outcome = execute(plan.gates, plan.placement, pairs, noise=plan.noise,
                      scheme=request.written.scheme, shots=int(request.written.shots),
                      seed=int(rng.integers(2**63 - 1)))
    makespan = delivered[plan.pairs - 1][0] - float(request.start)
    counts = _ranked(outcome.counts)
    fields = _fields(request.written, plan, outcome, makespan, counts)
    return replace(row, kind="circuit", extra={**row.extra, **fields})


def _expected(request: CircuitPairsSpec, row: RequestResult, plan: _Planned) -> RequestResult:
    """The expected success probability with the analytic engine's pair fidelity for every
    pair (exact: the executor's probabilities)."""
    from qfab.dqc.execute import execute

    vector = request.expected()
    if vector is None:
        raise EngineError(f"requests: circuit {request.written.circuit}: the analytic engine "
                          "gave no pair state for its pairs")
    fidelity = min(1.0, max(0.0, float(vector[0])))
    outcome = execute(plan.gates, plan.placement, [fidelity] * plan.pairs,
                      noise=plan.noise, scheme=request.written.scheme)
    fields = _fields(request.written, plan, outcome, row.completion_s, None)
    return replace(row, kind="circuit", extra={**row.extra, **fields})
