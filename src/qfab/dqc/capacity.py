"""Capacity planning: the cheapest cluster of QPU modules that meets a workload's target.

A plan (:mod:`qfab.dqc.capacity_spec`) names a workload (a job mix, or one circuit), a
target (a makespan, and for a circuit a success probability), a search space (module counts,
data qubits per module, communication qubits per module, topologies and link options) and a
cost model. :func:`plan_capacity` evaluates every configuration of the search space (a full
sweep: each is cheap) and reports the cheapest that meets the target, the whole table and the
Pareto frontier of cost against makespan.

The model of one configuration:

- ``n`` modules of ``Q`` data qubits, linked all-to-all or in a ring (a ring of two or three
  modules is all-to-all); each module has ``c`` communication qubits, divided evenly among
  its ``d`` links: every link has ``q = c // d`` communication qubits at each end, used in
  parallel (a configuration with ``c < d`` cannot serve its links and is infeasible; the
  remaining ``c mod d`` qubits are idle).
- A link's pair rate and fidelity: for a ``rate_per_qubit`` option, ``q`` times that rate (the
  parallel attempts of ``q`` independent communication qubits); for a link spec, the rate the
  fast engine delivers on a two-node scenario with ``memory.qubits = q``
  (:mod:`qfab.dqc.link_rates`; the engines attempt on every free memory qubit each cycle, so
  the measured rate grows with ``q``), measured once per spec and ``q``.
- A job mix is scheduled on the modules (:func:`qfab.dqc.scheduler.schedule`, the plan's
  policy and seed); the makespan is the schedule's. A circuit is partitioned onto the modules
  (:func:`qfab.dqc.partition.partition`, over the topology's links) and scheduled as one job
  with that placement: it ends when both its local critical path has passed and its e-bits
  have been delivered (``max(duration, E_link / rate)`` on its busiest link). Its success
  probability is the product of its operations' fidelities with one factor ``F`` per e-bit
  (:func:`qfab.physics.circuit_success.estimated_success_probability`).
- Cost: ``n (module + Q data_qubit + c communication_qubit) + links x option cost``.

A gate on ``k >= 2`` qubits counts as ``k - 1`` two-qubit gates (for its fidelity and its
time); a circuit without measurements is measured on every qubit at the end.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from qfab.dqc.capacity_spec import CircuitWorkload, PlanLink, PlanSpec
from qfab.dqc.circuits import Circuit
from qfab.dqc.link_rates import LinkRate, LinkRates
from qfab.dqc.scheduler import schedule
from qfab.dqc.scheduler_model import Cluster, Job
from qfab.dqc.workload_spec import build_jobs, read_model
from qfab.errors import QfabError, ScenarioError
from qfab.physics.circuit_success import estimated_success_probability

__all__ = ["Configuration", "Evaluation", "CapacityPlan", "load_plan", "plan_capacity",
           "module_links", "circuit_profile", "CircuitProfile", "frontier"]

#: Called after each configuration with (done, total).
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Configuration:
    """One point of the search space."""

    modules: int
    qubits: int
    communication_qubits: int
    topology: str
    link: str

    def to_dict(self) -> dict[str, Any]:
        return {"modules": self.modules, "qubits": self.qubits,
                "communication_qubits": self.communication_qubits,
                "topology": self.topology, "link": self.link}


@dataclass(frozen=True)
class Evaluation:
    """A configuration's cost and what it achieves (``None`` where it cannot run)."""

    config: Configuration
    cost: float
    links: int
    link_qubits: int
    rate_hz: float | None
    fidelity: float | None
    engine: str | None
    makespan: float | None
    lower_bound: float | None
    ebits: float | None
    success_probability: float | None
    meets: bool
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {**self.config.to_dict(), "cost": self.cost, "links": self.links,
                "link_communication_qubits": self.link_qubits, "rate_hz": self.rate_hz,
                "fidelity": self.fidelity, "engine": self.engine, "makespan_s": self.makespan,
                "lower_bound_s": self.lower_bound, "ebits": self.ebits,
                "success_probability": self.success_probability, "meets_target": self.meets,
                "note": self.note}


@dataclass(frozen=True)
class CapacityPlan:
    """The result of a plan: every evaluation, the cheapest that meets the target, the
    cost-makespan frontier and the link measurements."""

    name: str
    target: dict[str, float]
    evaluations: tuple[Evaluation, ...]
    chosen: Evaluation | None
    frontier: tuple[Evaluation, ...]
    measured: tuple[tuple[str, LinkRate], ...]

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "target": self.target,
                "chosen": None if self.chosen is None else self.chosen.to_dict(),
                "frontier": [e.to_dict() for e in self.frontier],
                "configurations": [e.to_dict() for e in self.evaluations],
                "link_measurements": [{"link": name, **rate.to_dict()}
                                      for name, rate in self.measured]}


@dataclass(frozen=True)
class CircuitProfile:
    """A circuit's gate counts and its local critical path."""

    circuit: Circuit
    single_qubit_gates: int
    two_qubit_gates: int
    measurements: int
    duration: float


def circuit_profile(circuit: Circuit, spec: CircuitWorkload) -> CircuitProfile:
    """Gate counts and the critical path of ``circuit`` with the gate times of ``spec``
    (a gate on ``k >= 2`` qubits counts as ``k - 1`` two-qubit gates)."""
    ready = [0.0] * circuit.num_qubits
    single = two = measured = 0
    for gate in circuit.gates:
        arity = len(gate.qubits)
        if gate.name == "measure":
            measured += 1
            time = float(spec.measurement_time)
        elif arity == 1:
            single += 1
            time = float(spec.single_qubit_gate_time)
        else:
            two += arity - 1
            time = (arity - 1) * float(spec.two_qubit_gate_time)
        start = max(ready[q] for q in gate.qubits)
        for q in gate.qubits:
            ready[q] = start + time
    if measured == 0:
        measured = circuit.num_qubits
        ready = [t + float(spec.measurement_time) for t in ready]
    duration = float(spec.duration) if spec.duration is not None else max(ready, default=0.0)
    return CircuitProfile(circuit, single, two, measured, duration)


def module_links(modules: int, topology: str) -> tuple[tuple[int, int], ...]:
    """Module index pairs joined by a link: all pairs, or a ring (all pairs for n <= 3)."""
    if topology == "all_to_all" or modules <= 3:
        return tuple(itertools.combinations(range(modules), 2))
    return tuple(sorted((min(i, (i + 1) % modules), max(i, (i + 1) % modules))
                        for i in range(modules)))


def frontier(evaluations: Sequence[Evaluation]) -> tuple[Evaluation, ...]:
    """The configurations no other beats on both cost and makespan (cheapest first)."""
    ran = sorted(((e.cost, e.makespan, i) for i, e in enumerate(evaluations)
                  if e.makespan is not None))
    front: list[Evaluation] = []
    best = float("inf")
    for _, makespan, i in ran:
        if makespan < best:
            front.append(evaluations[i])
            best = makespan
    return tuple(front)


def load_plan(path: str | Path) -> PlanSpec:
    """Read and check a capacity-plan file (link specs validated, not yet measured).

    Raises
    ------
    ScenarioError
        Naming the YAML path of the first bad field.
    """
    spec: PlanSpec = read_model(Path(path), PlanSpec)
    spec.check()
    rates = LinkRates(spec.seed)
    for i, option in enumerate(spec.search.links):
        if option.link is not None:
            rates.check(option.link, f"search.links[{i}]")
    return spec


class _Evaluator:
    """Evaluates configurations of one plan (caches link rates and partitions)."""

    def __init__(self, spec: PlanSpec, base_dir: Path) -> None:
        self.spec = spec
        self.rates = LinkRates(spec.seed)
        self.jobs: list[Job] = []
        self.profile: CircuitProfile | None = None
        self.partitions: dict[tuple[int, int, tuple[tuple[int, int], ...]], Any] = {}
        if spec.workload is not None:
            self.jobs = build_jobs(spec.workload, None, base_dir)
        else:
            assert spec.circuit is not None
            from qfab.dqc.circuits import load_circuit  # noqa: PLC0415

            source: str | Path = spec.circuit.circuit
            if ":" not in spec.circuit.circuit or (base_dir / spec.circuit.circuit).exists():
                source = base_dir / spec.circuit.circuit
            try:
                self.profile = circuit_profile(load_circuit(source), spec.circuit)
            except QfabError as error:
                raise ScenarioError("circuit.circuit", str(error)) from None

    def cost(self, config: Configuration, links: int, option: PlanLink | None) -> float:
        costs = self.spec.cost
        per_module = costs.module + config.qubits * costs.data_qubit \
            + config.communication_qubits * costs.communication_qubit
        return config.modules * per_module + links * (option.cost if option else 0.0)

    def link_rate(self, option: PlanLink, index: int, qubits: int) -> LinkRate:
        if option.link is not None:
            return self.rates.measure(option.link, qubits, f"search.links[{index}]")
        assert option.rate_per_qubit is not None
        return LinkRate(float(option.rate_per_qubit) * qubits,
                        1.0 if option.fidelity is None else float(option.fidelity),
                        "given", qubits)

    def evaluate(self, config: Configuration, option: PlanLink | None,
                 index: int) -> Evaluation:
        pairs = module_links(config.modules, config.topology)
        cost = self.cost(config, len(pairs), option)
        degree = max((sum(1 for pair in pairs if m in pair) for m in range(config.modules)),
                     default=0)
        per_link = config.communication_qubits // degree if degree else 0
        blank = Evaluation(config, cost, len(pairs), per_link, None, None, None, None, None,
                           None, None, False)
        largest = self.profile.circuit.num_qubits if self.profile is not None else \
            max((job.qubits for job in self.jobs), default=0)
        if largest > config.modules * config.qubits:
            modules = "1 module" if config.modules == 1 else f"{config.modules} modules"
            return _with(blank, note=f"{largest} data qubits (the largest job) do not fit "
                                     f"on {modules} of {config.qubits}")
        if degree and per_link == 0:
            return _with(blank, note=f"{config.communication_qubits} communication qubits "
                                     f"cannot serve {degree} links per module")
        rate = LinkRate(1.0, 1.0, "given", 0)
        if option is not None and pairs:
            rate = self.link_rate(option, index, per_link)
            blank = _with(blank, rate_hz=rate.rate_hz, fidelity=rate.fidelity,
                          engine=rate.engine)
        names = [f"m{i}" for i in range(config.modules)]
        cluster = Cluster({name: config.qubits for name in names},
                          {(names[a], names[b]): rate.rate_hz for a, b in pairs})
        jobs, success = self.jobs, None
        if self.profile is not None:
            made = self._circuit_job(config, pairs, names)
            if isinstance(made, str):
                return _with(blank, note=made)
            job, ebits = made
            jobs = [job]
            assert self.spec.circuit is not None
            gates = self.spec.circuit
            success = estimated_success_probability(
                rate.fidelity, ebits, single_qubit_gates=self.profile.single_qubit_gates,
                single_qubit_fidelity=float(gates.single_qubit_fidelity),
                two_qubit_gates=self.profile.two_qubit_gates,
                two_qubit_fidelity=float(gates.two_qubit_fidelity),
                measurements=self.profile.measurements,
                measurement_fidelity=float(gates.measurement_fidelity))
        policy = self.spec.workload.policy if self.spec.workload is not None else "fifo"
        seed = self.spec.workload.seed if self.spec.workload is not None else 0
        try:
            result = schedule(jobs, cluster, policy, seed)
        except ScenarioError as error:
            return _with(blank, note=str(error))
        target = self.spec.target
        meets = (target.makespan is None or result.makespan <= float(target.makespan)) and \
            (target.success_probability is None
             or (success is not None and success >= float(target.success_probability)))
        return _with(blank, makespan=result.makespan, lower_bound=result.lower_bound,
                     ebits=result.total_ebits, success_probability=success, meets=meets)

    def _circuit_job(self, config: Configuration, pairs: tuple[tuple[int, int], ...],
                     names: list[str]) -> tuple[Job, int] | str:
        from qfab.dqc.partition import partition  # noqa: PLC0415

        assert self.profile is not None
        circuit = self.profile.circuit
        key = (config.modules, config.qubits, pairs)
        if key not in self.partitions:
            try:
                self.partitions[key] = partition(circuit, config.modules, config.qubits,
                                                 list(pairs) if config.modules > 1 else None)
            except QfabError as error:
                self.partitions[key] = str(error)
        found = self.partitions[key]
        if isinstance(found, str):
            return found
        counts = [0] * config.modules
        for module in found.placement:
            counts[module] += 1
        placement = {names[m]: count for m, count in enumerate(counts) if count}
        ebits = {(names[a], names[b]): count for (a, b), count in found.ebits_per_link().items()
                 if count}
        job = Job("circuit", 0.0, circuit.num_qubits, max(self.profile.duration, 1e-12),
                  placement=placement, ebits=ebits, name=circuit.name)
        return job, int(found.ebits)


def _with(evaluation: Evaluation, **changes: Any) -> Evaluation:
    from dataclasses import replace  # noqa: PLC0415

    return replace(evaluation, **changes)


def _configurations(spec: PlanSpec) -> list[tuple[Configuration, PlanLink | None, int]]:
    search = spec.search
    found: list[tuple[Configuration, PlanLink | None, int]] = []
    seen: set[tuple[Any, ...]] = set()
    for modules, qubits in itertools.product(search.modules, search.qubits):
        if modules == 1:  # no links: the topology, link and communication qubits do nothing
            config = Configuration(1, qubits, search.communication_qubits[0], "-", "-")
            found.append((config, None, -1))
            continue
        for comm, topology, (index, option) in itertools.product(
                search.communication_qubits, search.topology, enumerate(search.links)):
            key = (modules, qubits, comm, index, module_links(modules, topology))
            if key in seen:  # a ring of two or three modules is all-to-all
                continue
            seen.add(key)
            found.append((Configuration(modules, qubits, comm, topology, option.name),
                          option, index))
    return found


def plan_capacity(spec: PlanSpec, base_dir: Path, *,
                  progress: Progress | None = None) -> CapacityPlan:
    """Evaluate every configuration of the plan's search space.

    Parameters
    ----------
    spec
        The plan (:func:`load_plan`).
    base_dir
        Where relative circuit files are found.
    progress
        Called after each configuration with (done, total).

    Returns
    -------
    CapacityPlan
        Every evaluation (search order), the cheapest that meets the target (ties: the
        shorter makespan, then search order), and the cost-makespan frontier.
    """
    evaluator = _Evaluator(spec, base_dir)
    points = _configurations(spec)
    evaluations: list[Evaluation] = []
    for done, (config, option, index) in enumerate(points, start=1):
        evaluations.append(evaluator.evaluate(config, option, index))
        if progress is not None:
            progress(done, len(points))
    meeting = [(e.cost, e.makespan, i) for i, e in enumerate(evaluations) if e.meets]
    chosen = evaluations[min(meeting)[2]] if meeting else None
    target = {key: float(value) for key, value in spec.target.model_dump().items()
              if value is not None}
    names = {json_key(option.link): option.name for option in spec.search.links
             if option.link is not None}
    measured = tuple((names.get(json_key(link), "?"), rate)
                     for link, rate in evaluator.rates.measured)
    return CapacityPlan(spec.name, target, tuple(evaluations), chosen, frontier(evaluations),
                        measured)


def json_key(link: dict[str, Any]) -> str:
    """A link spec's identity (its keys sorted)."""
    import json  # noqa: PLC0415

    return json.dumps(link, sort_keys=True, default=str)
