"""What the scheduler reports: each job's wait, start and end, and the cluster's figures.

The makespan's lower bound (:meth:`ScheduleResult.lower_bounds`) holds for any schedule of
the same jobs with the same placements: no job ends before its arrival plus its duration
(critical path); no link delivers more than its pair rate, so a link that carries ``E``
e-bits is busy at least ``E / rate``; and the cluster holds at most its data qubits at once,
so the qubit-seconds of work need at least their sum over the total capacity.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from qfab.dqc.scheduler_model import CompiledJob, Topology

__all__ = ["JobRecord", "ScheduleResult", "build_result"]


@dataclass(frozen=True)
class JobRecord:
    """One scheduled job (times in seconds).

    Attributes
    ----------
    pair_wait
        Time it held its qubits beyond its duration, waiting for e-bits
        (``end - start - duration``, 0 when the pairs came in time).
    placement
        QPU name to data qubits.
    ebits
        Link name (``qpu_a-qpu_b``) to the e-bits it drew from that link.
    """

    name: str
    tenant: str
    arrival: float
    start: float
    end: float
    duration: float
    placement: dict[str, int]
    ebits: dict[str, float]

    @property
    def wait(self) -> float:
        """Time in the queue, ``start - arrival``."""
        return self.start - self.arrival

    @property
    def pair_wait(self) -> float:
        return max(0.0, self.end - self.start - self.duration)


@dataclass(frozen=True)
class ScheduleResult:
    """The schedule of all jobs and its figures.

    Attributes
    ----------
    jobs
        One record per job, in the order they were given.
    makespan
        Last end minus first arrival.
    utilization
        Per QPU: data-qubit seconds held over (data qubits x makespan).
    idle_time
        Per QPU: time within the makespan when it held no job.
    pair_wait
        Sum over jobs of the time spent waiting for e-bits.
    ebits_per_link
        Link name to the e-bits it delivered.
    """

    policy: str
    seed: int
    jobs: tuple[JobRecord, ...]
    makespan: float
    utilization: dict[str, float]
    idle_time: dict[str, float]
    pair_wait: float
    ebits_per_link: dict[str, float]
    capacity: dict[str, int]
    rates: dict[str, float]

    @property
    def mean_wait(self) -> float:
        return sum(job.wait for job in self.jobs) / len(self.jobs) if self.jobs else 0.0

    @property
    def total_ebits(self) -> float:
        return sum(self.ebits_per_link.values(), 0.0)

    def wait_per_tenant(self) -> dict[str, float]:
        """Mean queue wait of each tenant's jobs."""
        sums: dict[str, list[float]] = {}
        for job in self.jobs:
            sums.setdefault(job.tenant, []).append(job.wait)
        return {tenant: sum(waits) / len(waits) for tenant, waits in sorted(sums.items())}

    def lower_bounds(self) -> dict[str, float]:
        """The makespan's lower bounds: critical path, busiest link, and work over capacity."""
        if not self.jobs:
            return {"critical_path": 0.0, "link": 0.0, "work": 0.0}
        first = min(job.arrival for job in self.jobs)
        work = sum(sum(job.placement.values()) * job.duration for job in self.jobs)
        return {
            "critical_path": max(job.arrival - first + job.duration for job in self.jobs),
            "link": max((ebits / self.rates[link] for link, ebits in self.ebits_per_link.items()),
                        default=0.0),
            "work": work / sum(self.capacity.values()),
        }

    @property
    def lower_bound(self) -> float:
        return max(self.lower_bounds().values())

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready form (per-job records and the summary figures)."""
        return {
            "policy": self.policy, "seed": self.seed, "makespan_s": self.makespan,
            "lower_bound_s": self.lower_bounds(), "mean_wait_s": self.mean_wait,
            "wait_per_tenant_s": self.wait_per_tenant(),
            "utilization": self.utilization, "idle_time_s": self.idle_time,
            "pair_wait_s": self.pair_wait, "ebits_per_link": self.ebits_per_link,
            "jobs": [{"name": job.name, "tenant": job.tenant, "arrival_s": job.arrival,
                      "wait_s": job.wait, "start_s": job.start, "end_s": job.end,
                      "pair_wait_s": job.pair_wait, "placement": job.placement,
                      "ebits": job.ebits} for job in self.jobs],
        }


def _busy(intervals: list[tuple[float, float]]) -> float:
    """Length of the union of intervals."""
    total, reach = 0.0, -float("inf")
    for start, end in sorted(intervals):
        if end <= reach:
            continue
        total += end - max(start, reach)
        reach = end
    return total


def build_result(policy: str, seed: int, topology: Topology, jobs: Sequence[CompiledJob],
                 starts: Sequence[float], ends: Sequence[float],
                 placements: Sequence[tuple[tuple[tuple[int, int], ...],
                                            tuple[tuple[int, float], ...]]]) -> ScheduleResult:
    """Assemble the records and figures from the times and placements the scheduler chose."""
    names = topology.names
    records = tuple(
        JobRecord(name=job.job.name or str(job.index), tenant=job.job.tenant,
                  arrival=float(job.job.arrival), start=starts[i], end=ends[i],
                  duration=float(job.job.duration),
                  placement={names[qpu]: qubits for qpu, qubits in placements[i][0]},
                  ebits={topology.link_name(link): e for link, e in placements[i][1]})
        for i, job in enumerate(jobs))
    first = min((r.arrival for r in records), default=0.0)
    makespan = max((r.end for r in records), default=first) - first
    held = [0.0] * len(names)
    intervals: list[list[tuple[float, float]]] = [[] for _ in names]
    ebits = [0.0] * len(topology.rate)
    for i, (qpus, demand) in enumerate(placements):
        for qpu, qubits in qpus:
            held[qpu] += qubits * (ends[i] - starts[i])
            intervals[qpu].append((starts[i], ends[i]))
        for link, e in demand:
            ebits[link] += e
    return ScheduleResult(
        policy=policy, seed=seed, jobs=records, makespan=makespan,
        utilization={name: (held[q] / (topology.capacity[q] * makespan) if makespan else 0.0)
                     for q, name in enumerate(names)},
        idle_time={name: makespan - _busy(intervals[q]) for q, name in enumerate(names)},
        pair_wait=sum(r.pair_wait for r in records),
        ebits_per_link={topology.link_name(link): e for link, e in enumerate(ebits) if e > 0},
        capacity=dict(zip(names, topology.capacity)),
        rates={topology.link_name(link): r for link, r in enumerate(topology.rate)})
