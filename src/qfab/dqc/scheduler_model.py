"""The inputs of the job scheduler: jobs from tenants and a cluster of QPUs joined by links.

A :class:`Job` needs a number of data qubits for its local duration (the critical path of its
local gates). Placed on one QPU it needs no e-bits; split over several QPUs it needs
``ebits_per_pair`` e-bits between every pair of QPUs that hold part of it, or it comes with
a fixed placement (QPU to data qubits) and its e-bits per QPU pair, as a partitioner writes
them. A :class:`Cluster` names its QPUs with their data qubits and its links with their pair
rates (delivered e-bits per second). :func:`compile_inputs` checks both and turns them into
index arrays for the scheduler; every problem is a :class:`~qfab.errors.ScenarioError` naming
the field (``jobs[3].qubits``, ``cluster.links[qpu_a-qpu_b]``).
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from qfab.errors import ScenarioError

__all__ = ["Job", "Cluster", "Topology", "CompiledJob", "compile_inputs"]


@dataclass(frozen=True)
class Job:
    """One job of a tenant.

    Parameters
    ----------
    tenant
        Who submitted it.
    arrival
        When it enters the queue, in seconds (>= 0).
    qubits
        Data qubits it occupies while it runs (the sum of ``placement`` when that is given).
    duration
        Critical path of its local gates, in seconds (> 0): the shortest time it can run.
    ebits_per_pair
        E-bits it needs between every pair of QPUs it is split over (placement chosen by the
        scheduler); unused on one QPU.
    placement
        A fixed placement, QPU name to data qubits; the scheduler then only chooses when.
    ebits
        With ``placement``: e-bits needed per QPU pair, ``{(qpu_a, qpu_b): count}``.
    name
        A label for the report (the job's index when empty).
    """

    tenant: str
    arrival: float
    qubits: int
    duration: float
    ebits_per_pair: int = 0
    placement: Mapping[str, int] | None = None
    ebits: Mapping[tuple[str, str], int] | None = None
    name: str = ""


@dataclass(frozen=True)
class Cluster:
    """QPUs (name to data qubits) and the links between them (QPU pair to pair rate, e-bits/s).

    E-bits between QPUs without a direct link are swapped along the shortest path of links
    (fewest hops; ties to the lowest QPU indices), taking one pair from every link on it.

    Examples
    --------
    >>> cluster = Cluster.all_to_all(3, qubits=16, rate=1e3)
    >>> sorted(cluster.qpus.items())
    [('qpu0', 16), ('qpu1', 16), ('qpu2', 16)]
    >>> len(cluster.links)
    3
    """

    qpus: Mapping[str, int]
    links: Mapping[tuple[str, str], float] = field(default_factory=dict)

    @classmethod
    def all_to_all(cls, n: int, *, qubits: int, rate: float, prefix: str = "qpu") -> Cluster:
        """``n`` QPUs of ``qubits`` data qubits, every pair joined by a link of ``rate``."""
        names = [f"{prefix}{i}" for i in range(n)]
        links = {(a, b): rate for i, a in enumerate(names) for b in names[i + 1:]}
        return cls({name: qubits for name in names}, links)

    @classmethod
    def racks(cls, racks: int, per_rack: int, *, qubits: int, rate_in_rack: float,
              rate_between: float) -> Cluster:
        """Racks of all-to-all QPUs; the first QPU of every rack joins the others' first QPUs.

        QPU ``r{i}q{j}`` is the ``j``-th QPU of rack ``i``; pairs between racks are swapped
        through the racks' first QPUs (their gateways).
        """
        qpus: dict[str, int] = {}
        links: dict[tuple[str, str], float] = {}
        for r in range(racks):
            names = [f"r{r}q{j}" for j in range(per_rack)]
            qpus.update({name: qubits for name in names})
            links.update({(a, b): rate_in_rack
                          for i, a in enumerate(names) for b in names[i + 1:]})
        gateways = [f"r{r}q0" for r in range(racks)]
        links.update({(a, b): rate_between
                      for i, a in enumerate(gateways) for b in gateways[i + 1:]})
        return cls(qpus, links)


@dataclass(frozen=True)
class Topology:
    """The cluster by index: capacities, link endpoints and rates, and the routes."""

    names: tuple[str, ...]
    capacity: tuple[int, ...]
    link_ends: tuple[tuple[int, int], ...]
    rate: tuple[float, ...]
    routes: tuple[tuple[tuple[int, ...] | None, ...], ...]
    """``routes[a][b]``: link indices from QPU a to b (empty for a == b, None: no path)."""
    component: tuple[int, ...]
    """Connected component of each QPU (the lowest QPU index in it)."""

    def link_name(self, link: int) -> str:
        a, b = self.link_ends[link]
        return f"{self.names[a]}-{self.names[b]}"


@dataclass(frozen=True)
class CompiledJob:
    """A checked job by index; ``fixed`` holds its placement and per-link e-bits if given."""

    index: int
    job: Job
    fixed: tuple[tuple[tuple[int, int], ...], tuple[tuple[int, float], ...]] | None


def _positive(value: float, path: str, *, zero: bool = False) -> None:
    if not isinstance(value, int | float) or isinstance(value, bool) or not math.isfinite(value):
        raise ScenarioError(path, f"must be a finite number, got {value!r}")
    if value < 0 or (value == 0 and not zero):
        raise ScenarioError(path, f"must be {'>= 0' if zero else '> 0'}, got {value!r}")


def _count(value: int, path: str, *, zero: bool = False) -> None:
    if not isinstance(value, int) or isinstance(value, bool):
        raise ScenarioError(path, f"must be an integer, got {value!r}")
    if value < 0 or (value == 0 and not zero):
        raise ScenarioError(path, f"must be {'>= 0' if zero else '> 0'}, got {value!r}")


def _topology(cluster: Cluster) -> Topology:
    names = tuple(cluster.qpus)
    if not names:
        raise ScenarioError("cluster.qpus", "needs at least one QPU")
    index = {name: i for i, name in enumerate(names)}
    for name, qubits in cluster.qpus.items():
        _count(qubits, f"cluster.qpus.{name}")
    ends: list[tuple[int, int]] = []
    rates: list[float] = []
    seen: set[tuple[int, int]] = set()
    for pair, rate in cluster.links.items():
        path = f"cluster.links[{'-'.join(map(str, pair))}]"
        if len(pair) != 2 or pair[0] == pair[1]:
            raise ScenarioError(path, "a link joins two different QPUs")
        for end in pair:
            if end not in index:
                raise ScenarioError(path, f"unknown QPU {end!r} (known: {', '.join(names)})")
        a, b = sorted((index[pair[0]], index[pair[1]]))
        if (a, b) in seen:
            raise ScenarioError(path, "duplicate link")
        seen.add((a, b))
        _positive(rate, path)
        ends.append((a, b))
        rates.append(float(rate))
    neighbours: list[list[tuple[int, int]]] = [[] for _ in names]
    for link, (a, b) in enumerate(ends):
        neighbours[a].append((b, link))
        neighbours[b].append((a, link))
    for adjacent in neighbours:
        adjacent.sort()
    routes: list[tuple[tuple[int, ...] | None, ...]] = []
    component = [-1] * len(names)
    for source in range(len(names)):
        previous: dict[int, tuple[int, int] | None] = {source: None}
        queue = deque([source])
        while queue:
            here = queue.popleft()
            for there, link in neighbours[here]:
                if there not in previous:
                    previous[there] = (here, link)
                    queue.append(there)
        row: list[tuple[int, ...] | None] = []
        for target in range(len(names)):
            if target not in previous:
                row.append(None)
                continue
            path_links: list[int] = []
            step = previous[target]
            while step is not None:
                path_links.append(step[1])
                step = previous[step[0]]
            row.append(tuple(reversed(path_links)))
        routes.append(tuple(row))
        if component[source] < 0:
            for reached in previous:
                component[reached] = source
    return Topology(names, tuple(cluster.qpus.values()), tuple(ends), tuple(rates),
                    tuple(routes), tuple(component))


def _fixed(job: Job, path: str, topology: Topology
           ) -> tuple[tuple[tuple[int, int], ...], tuple[tuple[int, float], ...]]:
    index = {name: i for i, name in enumerate(topology.names)}
    assert job.placement is not None
    held: list[tuple[int, int]] = []
    for name, qubits in job.placement.items():
        where = f"{path}.placement.{name}"
        if name not in index:
            raise ScenarioError(where, f"unknown QPU {name!r}")
        _count(qubits, where)
        if qubits > topology.capacity[index[name]]:
            raise ScenarioError(where, f"{qubits} data qubits on a QPU of "
                                       f"{topology.capacity[index[name]]}")
        held.append((index[name], qubits))
    if sum(q for _, q in held) != job.qubits:
        raise ScenarioError(f"{path}.qubits", f"is {job.qubits} but the placement holds "
                                              f"{sum(q for _, q in held)}")
    demand: dict[int, float] = {}
    for pair, count in (job.ebits or {}).items():
        where = f"{path}.ebits[{'-'.join(map(str, pair))}]"
        if len(pair) != 2 or any(end not in job.placement for end in pair):
            raise ScenarioError(where, "must join two QPUs of the placement")
        _count(count, where, zero=True)
        route = topology.routes[index[pair[0]]][index[pair[1]]]
        if route is None:
            raise ScenarioError(where, "no path of links joins these QPUs")
        for link in route:
            demand[link] = demand.get(link, 0.0) + count
    return tuple(sorted(held)), tuple(sorted((k, v) for k, v in demand.items() if v > 0))


def compile_inputs(jobs: Sequence[Job], cluster: Cluster
                   ) -> tuple[Topology, tuple[CompiledJob, ...]]:
    """Check the jobs against the cluster and index both.

    Raises
    ------
    ScenarioError
        A field out of range, an unknown QPU, or a job that no connected group of QPUs can
        hold (the path names the job and field).
    """
    topology = _topology(cluster)
    largest: dict[int, int] = {}
    for qpu, group in enumerate(topology.component):
        largest[group] = largest.get(group, 0) + topology.capacity[qpu]
    room = max(largest.values())
    compiled: list[CompiledJob] = []
    for i, job in enumerate(jobs):
        path = f"jobs[{i}]"
        _positive(job.arrival, f"{path}.arrival", zero=True)
        _positive(job.duration, f"{path}.duration")
        _count(job.qubits, f"{path}.qubits")
        _count(job.ebits_per_pair, f"{path}.ebits_per_pair", zero=True)
        if job.ebits is not None and job.placement is None:
            raise ScenarioError(f"{path}.ebits", "e-bits per QPU pair need a placement")
        if job.placement is not None:
            compiled.append(CompiledJob(i, job, _fixed(job, path, topology)))
            continue
        if job.qubits > room:
            raise ScenarioError(f"{path}.qubits", f"{job.qubits} data qubits, but the largest "
                                                  f"linked group of QPUs holds {room}")
        compiled.append(CompiledJob(i, job, None))
    return topology, tuple(compiled)
