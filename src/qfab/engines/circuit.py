"""Circuit requests in the engines: partition, pairs from the network, execution after the run.

A scenario with ``kind: circuit`` requests is served in three steps:

- *planning*: each circuit is loaded (:func:`qfab.dqc.circuits.load_circuit`), lowered to
  the executor's gates (:func:`qfab.dqc.lowering.lower`) and partitioned over its QPUs
  (:func:`qfab.dqc.partition.partition`, capacities ``qpu.qubits``, the links between the
  QPUs); the request becomes one pair request (:class:`~qfab.spec.circuit.CircuitPairsSpec`)
  between every two QPUs that share non-local gates, for one pair per such gate (``scheme:
  gate``) or two (``scheme: data``); the network routes pairs between QPUs that no link joins.
  A circuit whose gates are all local on its placement uses no pairs;
- the network part (the scenario with those pair requests) runs on the engine as any does;
- *execution* (:mod:`qfab.engines.circuit_execution`): the circuit is scheduled against the
  pairs' arrivals (:func:`qfab.dqc.timeline.schedule_circuit`: gate times, classical
  messages, each pair aged by the nodes' memories until its gate, data qubits idling under
  the QPUs' T1/T2) and executed (:func:`qfab.dqc.execute.execute`) for ``shots`` shots seeded
  from the run's random streams; a circuit without measurements (a generator's) measures
  every qubit ``q`` into classical bit ``q`` at the end. After a des run the arrivals are the
  delivered pairs. After an analytic run every pair has the expected Bell vector and the
  ``k``-th pair of a QPU pair arrives at ``k / rate`` (so ``makespan_s`` is the schedule of
  the mean arrival times), and the success probability is exact (density matrix, up to ten
  qubits); the analytic engine refuses where the pairs' states or the data qubits depend on
  the waits (memories that decohere, QPUs with a finite T1 or T2). The fast engine refuses
  circuit requests.

The request row adds ``counts`` (des), ``ebits``, ``makespan_s``, ``placement`` and, with
``expect``, ``success_probability`` (see docs/dqc_execute.md for every field).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from qfab.engines.base import Support
from qfab.engines.network_part import (
    RequestSplit,
    network_part_support,
    rows_and_pairs,
    run_network_part,
)
from qfab.engines.result import RunResult
from qfab.errors import QfabError, ScenarioError
from qfab.memorymodel import memory_model
from qfab.rng import RandomStreams
from qfab.spec.circuit import CircuitPairsSpec, CircuitRequestSpec
from qfab.spec.models import ScenarioSpec

__all__ = ["CIRCUIT_ENGINES", "circuit_run", "circuit_support",
           "involves_circuit"]

#: Engines that serve circuit requests.
CIRCUIT_ENGINES = frozenset({"analytic", "des"})

#: QPU fields that make the data qubits depend on the pairs' waits (analytic refuses them).
_WAIT_DEPENDENT = ("t1", "t2")


def involves_circuit(spec: ScenarioSpec) -> bool:
    """Whether ``spec`` has a circuit request (served through this module)."""
    return any(isinstance(request, CircuitRequestSpec) for request in spec.requests)


@dataclass(frozen=True)
class Planned:
    """A circuit request after planning.

    Attributes
    ----------
    gates
        The executor's gates (lowered, measurements added when the circuit has none).
    placement
        QPU of every qubit.
    pairs
        Pairs needed per QPU pair (:func:`qfab.dqc.timeline.link_of`), in order of first use.
    partition_ebits
        The e-bits of the partitioner's cost model (cat-entanglement shared by the gates of
        a segment, Steiner trees): what a compiler that shares pairs between gates needs.
    """

    gates: list[Any]
    placement: dict[int, str]
    pairs: dict[tuple[str, str], int]
    partition_ebits: int

    @property
    def total_pairs(self) -> int:
        """Pairs the execution consumes."""
        return sum(self.pairs.values())


def _plan(spec: ScenarioSpec, index: int, request: CircuitRequestSpec) -> Planned:
    """Load, lower and partition the circuit of ``requests[index]``.

    Raises
    ------
    ScenarioError
        Naming ``requests[index].circuit`` for an unknown or unreadable circuit, one with
        more qubits than the QPUs hold, or gates the executor does not run.
    """
    from qfab.dqc import execute as executor
    from qfab.dqc.circuits import Circuit, load_circuit
    from qfab.dqc.lowering import lower
    from qfab.dqc.partition import joining_links, partition
    from qfab.dqc.qpus import qpu_graph
    from qfab.dqc.timeline import link_of

    where = f"requests[{index}].circuit"
    try:
        written = load_circuit(request.circuit)
        circuit = Circuit(written.num_qubits, tuple(lower(written)), written.name,
                          written.num_clbits)
    except QfabError as error:
        raise ScenarioError(where, str(error)) from None
    graph = qpu_graph(spec, request.qpus)
    if circuit.num_qubits > sum(graph.capacities):
        held = " + ".join(str(size) for size in graph.capacities)
        raise ScenarioError(where, f"{request.circuit}: {circuit.num_qubits} qubits, but the "
                            f"QPUs {', '.join(request.qpus)} hold {held} data qubits "
                            "(qpu.qubits)")
    try:
        placed = partition(circuit, len(graph.names), graph.capacities,
                           joining_links(len(graph.names), graph.links))
    except QfabError as error:
        raise ScenarioError(where, str(error)) from None
    placement = {qubit: graph.names[block] for qubit, block in enumerate(placed.placement)}
    gates = [executor.Gate(g.name, g.qubits, g.params[0] if g.params else None,
                           g.clbits[0] if g.clbits else None) for g in circuit.gates]
    if not any(gate.name == "measure" for gate in gates):  # a generator's: measure them all
        gates += [executor.Gate("measure", (qubit,), None, qubit)
                  for qubit in range(circuit.num_qubits)]
    per_gate = 1 if request.scheme == "gate" else 2
    pairs: dict[tuple[str, str], int] = {}
    for gate in gates:
        if gate.name in executor.TWO_QUBIT:
            a, b = placement[gate.qubits[0]], placement[gate.qubits[1]]
            if a != b:
                link = link_of(a, b)
                pairs[link] = pairs.get(link, 0) + per_gate
    return Planned(gates, placement, pairs, placed.ebits)


@dataclass(frozen=True)
class _Split(RequestSplit):
    """The network part of a scenario, how its requests map to the written ones, and each
    circuit request's plan (by written index)."""

    planned: dict[int, Planned]


def _split(spec: ScenarioSpec) -> _Split:
    """The network part of ``spec``: each circuit request as its pair requests (one per QPU
    pair), a circuit whose gates are all local (no pairs) left out."""
    planned: dict[int, Planned] = {}
    requests: list[Any] = []
    positions: list[int] = []
    for index, written in enumerate(spec.requests):
        if not isinstance(written, CircuitRequestSpec):
            requests.append(written)
            positions.append(index)
            continue
        plan = planned[index] = _plan(spec, index, written)
        for link, count in plan.pairs.items():
            requests.append(CircuitPairsSpec(between=link, pairs=count, start=written.start,
                                             deadline=written.deadline,
                                             priority=written.priority, name=written.name,
                                             written=written))
            positions.append(index)
    return _Split(spec.model_copy(update={"requests": requests}), positions, planned)


def _engine_support(spec: ScenarioSpec, engine: str) -> Support:
    """Whether ``engine`` serves every circuit request of ``spec`` (apart from its pairs)."""
    for index, request in enumerate(spec.requests):
        if not isinstance(request, CircuitRequestSpec):
            continue
        if engine not in CIRCUIT_ENGINES:
            return Support.no(f"requests[{index}].kind: circuit: the {engine} engine does not "
                              "run circuits; use engine analytic or des")
        if engine != "analytic":
            continue
        for name in request.qpus:
            qpu = spec.nodes[name].qpu
            assert qpu is not None
            for field in _WAIT_DEPENDENT:
                if math.isfinite(float(getattr(qpu, field))):
                    return Support.no(f"nodes.{name}.qpu.{field}: requests[{index}] is a "
                                      "circuit whose data qubits decohere while they wait "
                                      "for pairs, which the analytic engine does not give "
                                      "exactly (use engine des)")
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
    return network_part_support(_engine_support(spec, engine), lambda: _split(spec),
                                network_support)


def circuit_run(spec: ScenarioSpec, engine: str, seed: int,
                run_network: Callable[[ScenarioSpec], RunResult]) -> RunResult:
    """Run ``spec`` on ``engine``: the network part with ``run_network``, then each circuit
    (see the module docstring)."""
    from qfab.engines.circuit_execution import circuit_row

    _engine_support(spec, engine).require()
    split = _split(spec)
    result = run_network_part(split, run_network)
    streams = RandomStreams(seed)
    rows, served = rows_and_pairs(split, result, CircuitPairsSpec)
    for index, plan in split.planned.items():
        written = spec.requests[index]
        assert isinstance(written, CircuitRequestSpec)
        rows[index] = circuit_row(spec, written, plan, served.get(index, []), engine,
                                  streams.stream(f"circuit:{index}"))
    return replace(result, requests=[rows[index] for index in sorted(rows)])
