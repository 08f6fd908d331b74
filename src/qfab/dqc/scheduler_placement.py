"""Where a job goes: the placement rules of the scheduler's policies.

A placement is the data qubits a job holds on each QPU and the e-bits it needs on each link
(a split job needs its ``ebits_per_pair`` e-bits between every pair of its QPUs, swapped
along the route between them, one pair from every link on it).

- :func:`first_fit` (FIFO and shortest-job-first): QPUs in index order, each giving all its
  free data qubits until the job is held, within the first linked group that has room. It
  never looks at e-bits: a fragmented cluster splits jobs that one QPU could hold.
- :func:`ebit_aware`: one QPU when one has room (best fit: the fullest that still holds the
  job); otherwise the fewest QPUs that can hold it, chosen so that the links between them
  have the most spare pair rate (a link's rate divided among the jobs drawing on it, the new
  one included).
- :func:`fixed_fit`: a job with its own placement waits until its QPUs have the room.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from qfab.dqc.scheduler_model import CompiledJob, Topology

__all__ = ["Placement", "first_fit", "ebit_aware", "fixed_fit", "split_demand"]

Placement = tuple[tuple[tuple[int, int], ...], tuple[tuple[int, float], ...]]
"""``(((qpu, data qubits), ...), ((link, e-bits), ...))``"""


def split_demand(qpus: Sequence[int], ebits_per_pair: int,
                 topology: Topology) -> tuple[tuple[int, float], ...]:
    """E-bits per link of a job split over ``qpus``, ``ebits_per_pair`` between each pair."""
    if ebits_per_pair == 0 or len(qpus) < 2:
        return ()
    demand: dict[int, float] = {}
    for i, a in enumerate(qpus):
        for b in qpus[i + 1:]:
            route = topology.routes[a][b]
            assert route is not None  # placements stay within a linked group
            for link in route:
                demand[link] = demand.get(link, 0.0) + ebits_per_pair
    return tuple(sorted(demand.items()))


def _fill(order: Sequence[int], free: Sequence[int], qubits: int) -> list[tuple[int, int]]:
    held: list[tuple[int, int]] = []
    left = qubits
    for qpu in order:
        if left == 0:
            break
        take = min(free[qpu], left)
        if take > 0:
            held.append((qpu, take))
            left -= take
    return held


def _groups(free: Sequence[int], topology: Topology) -> dict[int, list[int]]:
    groups: dict[int, list[int]] = {}
    for qpu, group in enumerate(topology.component):
        if free[qpu] > 0:
            groups.setdefault(group, []).append(qpu)
    return groups


def _placement(held: list[tuple[int, int]], job: CompiledJob, topology: Topology) -> Placement:
    qpus = [qpu for qpu, _ in held]
    return tuple(sorted(held)), split_demand(qpus, job.job.ebits_per_pair, topology)


def first_fit(job: CompiledJob, free: Sequence[int], topology: Topology) -> Placement | None:
    """QPUs in index order within the first linked group with room; None if none has room."""
    qubits = job.job.qubits
    for members in _groups(free, topology).values():
        if sum(free[qpu] for qpu in members) >= qubits:
            return _placement(_fill(members, free, qubits), job, topology)
    return None


def _spare(a: int, b: int, topology: Topology, drawing: Sequence[int]) -> float:
    route = topology.routes[a][b]
    assert route is not None
    return min((topology.rate[link] / (1 + drawing[link]) for link in route), default=math.inf)


def ebit_aware(job: CompiledJob, free: Sequence[int], topology: Topology,
               drawing: Sequence[int], rank: Sequence[int]) -> Placement | None:
    """One QPU if one has room, else the fewest QPUs whose links have the most spare rate.

    Parameters
    ----------
    drawing
        Per link, how many running jobs still draw e-bits from it.
    rank
        A seeded order of the QPUs that breaks ties.
    """
    qubits = job.job.qubits
    single = [qpu for qpu in range(len(free)) if free[qpu] >= qubits]
    if single:
        qpu = min(single, key=lambda q: (free[q] - qubits, rank[q]))
        return ((qpu, qubits),), ()
    best: tuple[tuple[int, float, int], list[int]] | None = None
    for members in _groups(free, topology).values():
        sizes = sorted((free[qpu] for qpu in members), reverse=True)
        if sum(sizes) < qubits:
            continue
        parts, held = 0, 0
        while held < qubits:
            held += sizes[parts]
            parts += 1
        for seed in members:
            chosen, bottleneck = _grow(seed, members, free, qubits, parts, topology, drawing,
                                       rank)
            key = (len(chosen), -bottleneck, rank[seed])
            if best is None or key < best[0]:
                best = (key, chosen)
    if best is None:
        return None
    return _placement(_fill(best[1], free, qubits), job, topology)


def _grow(seed: int, members: Sequence[int], free: Sequence[int], qubits: int, parts: int,
          topology: Topology, drawing: Sequence[int], rank: Sequence[int]
          ) -> tuple[list[int], float]:
    """Add QPUs to ``seed``, each the one with the most spare rate to those chosen that still
    lets ``parts`` QPUs hold the job (when no choice can, the one with most room)."""
    chosen = [seed]
    held = free[seed]
    bottleneck = math.inf
    spare_to = {qpu: _spare(seed, qpu, topology, drawing) for qpu in members if qpu != seed}
    while held < qubits:
        left = qubits - held
        slots = parts - len(chosen) - 1  # QPUs still to come after this one
        others = sorted(spare_to, key=lambda q: -free[q])
        best_key: tuple[bool, float, int, int] | None = None
        pick = -1
        for qpu in spare_to:
            rest = [free[q] for q in others if q != qpu][:max(slots, 0)]
            feasible = free[qpu] + sum(rest) >= left
            key = (feasible, spare_to[qpu], free[qpu], -rank[qpu])
            if best_key is None or key > best_key:
                best_key, pick = key, qpu
        chosen.append(pick)
        held += free[pick]
        bottleneck = min(bottleneck, spare_to.pop(pick))
        for qpu in spare_to:
            spare_to[qpu] = min(spare_to[qpu], _spare(pick, qpu, topology, drawing))
    return chosen, bottleneck


def fixed_fit(job: CompiledJob, free: Sequence[int]) -> Placement | None:
    """The job's own placement when its QPUs have the room, else None."""
    assert job.fixed is not None
    held, demand = job.fixed
    if all(free[qpu] >= qubits for qpu, qubits in held):
        return held, demand
    return None
