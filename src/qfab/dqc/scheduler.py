"""An event-driven scheduler of tenants' jobs on a cluster of QPUs joined by links.

The model: a job waits in the queue until the policy's placement finds room, then holds its
data qubits until it ends. It ends when both its local duration has passed and, when split,
all the e-bits it needs have been delivered over the links (gates and pair deliveries run
side by side, so a job alone on a link of rate ``r`` that needs ``E`` e-bits and runs for
``d`` ends after ``max(d, E / r)``). A link's pair rate is its capacity, shared equally
between the running jobs that still need e-bits from it (processor sharing); a job whose
pairs come later than its gates holds its qubits meanwhile (its ``pair_wait``).

Policies (all non-preemptive, and the queue's head blocks those behind it: no backfilling):

- ``fifo``: jobs in arrival order, placed first-fit (:func:`.first_fit`);
- ``sjf``: the shortest waiting job first (by duration), placed first-fit;
- ``ebit-aware``: arrival order, placed on one QPU when one has room, otherwise on the fewest
  QPUs whose links have the most spare pair rate (:func:`.ebit_aware`).

Jobs with a fixed placement keep it under every policy. The seed only breaks ties (jobs that
arrive together or are equally short, QPUs that fit equally well): the same seed gives the
same schedule, and without ties every seed does.

Examples
--------
>>> from qfab.dqc.scheduler import Cluster, Job, schedule
>>> cluster = Cluster.all_to_all(2, qubits=10, rate=100.0)
>>> jobs = [Job("alice", 0.0, 4, 5.0), Job("bob", 0.5, 8, 1.0, ebits_per_pair=200)]
>>> fifo = schedule(jobs, cluster, "fifo", seed=1)
>>> fifo.jobs[1].placement, fifo.jobs[1].end      # split 6 + 2, waits 2 s for its pairs
({'qpu0': 6, 'qpu1': 2}, 2.5)
>>> aware = schedule(jobs, cluster, "ebit-aware", seed=1)
>>> aware.jobs[1].placement, aware.jobs[1].end, aware.total_ebits
({'qpu0': 8}, 1.5, 0.0)
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Sequence
from typing import Literal

from qfab.dqc.scheduler_model import Cluster, CompiledJob, Job, Topology, compile_inputs
from qfab.dqc.scheduler_placement import Placement, ebit_aware, first_fit, fixed_fit
from qfab.dqc.scheduler_result import JobRecord, ScheduleResult, build_result
from qfab.errors import ScenarioError
from qfab.rng import RandomStreams

__all__ = ["Cluster", "Job", "JobRecord", "Policy", "POLICIES", "ScheduleResult", "schedule"]

Policy = Literal["fifo", "sjf", "ebit-aware"]
POLICIES: tuple[str, ...] = ("fifo", "sjf", "ebit-aware")
_DONE = 1e-9  # e-bits left below which a job's demand on a link counts as delivered


def schedule(jobs: Sequence[Job], cluster: Cluster, policy: Policy | str = "fifo",
             seed: int = 0) -> ScheduleResult:
    """Schedule ``jobs`` on ``cluster`` under ``policy``.

    Parameters
    ----------
    jobs
        The jobs, in any order (records come back in this order).
    cluster
        QPUs with their data qubits, links with their pair rates.
    policy
        ``"fifo"``, ``"sjf"`` or ``"ebit-aware"``.
    seed
        Breaks ties; the same seed gives the same schedule.

    Returns
    -------
    ScheduleResult
        Per job wait, start, end and placement; makespan, utilization and idle time per
        QPU, time waiting for pairs, e-bits per link, and the makespan's lower bounds.

    Raises
    ------
    ScenarioError
        An unknown policy, or a job or cluster field out of range (the path names it).
    """
    if policy not in POLICIES:
        raise ScenarioError("policy", f"unknown policy {policy!r} (known: {', '.join(POLICIES)})")
    if not isinstance(seed, int) or isinstance(seed, bool) or seed < 0:
        raise ScenarioError("seed", f"must be a non-negative integer, got {seed!r}")
    topology, compiled = compile_inputs(jobs, cluster)
    streams = RandomStreams(seed)
    job_tie = [int(x) for x in streams.stream("scheduler:jobs").permutation(len(compiled))]
    qpu_rank = [int(x) for x in streams.stream("scheduler:qpus").permutation(
        len(topology.names))]
    starts, ends, placements = _Run(topology, compiled, str(policy), job_tie, qpu_rank).run()
    return build_result(str(policy), seed, topology, compiled, starts, ends, placements)


class _Run:
    """The state of one scheduling run: free qubits, the queue, link demands, events."""

    def __init__(self, topology: Topology, jobs: Sequence[CompiledJob], policy: str,
                 job_tie: Sequence[int], qpu_rank: Sequence[int]) -> None:
        self.topology = topology
        self.jobs = jobs
        self.policy = policy
        self.job_tie = job_tie
        self.qpu_rank = qpu_rank
        n = len(jobs)
        self.free = list(topology.capacity)
        self.demand: list[dict[int, float]] = [{} for _ in topology.rate]  # link: job -> left
        self.links_left = [0] * n
        self.computed = [False] * n
        self.starts = [math.nan] * n
        self.ends = [math.nan] * n
        self.placements: list[Placement] = [((), ())] * n
        self.queue: list[tuple[float, float, int, int]] = []
        self.compute_ends: list[tuple[float, int]] = []
        self.running = 0

    def _key(self, i: int) -> tuple[float, float, int, int]:
        job = self.jobs[i].job
        if self.policy == "sjf":
            return (job.duration, job.arrival, self.job_tie[i], i)
        return (job.arrival, 0.0, self.job_tie[i], i)

    def _place(self, i: int) -> Placement | None:
        job = self.jobs[i]
        if job.fixed is not None:
            return fixed_fit(job, self.free)
        if self.policy == "ebit-aware":
            drawing = [len(jobs) for jobs in self.demand]
            return ebit_aware(job, self.free, self.topology, drawing, self.qpu_rank)
        return first_fit(job, self.free, self.topology)

    def _start_jobs(self, now: float) -> None:
        while self.queue:
            i = self.queue[0][3]
            placement = self._place(i)
            if placement is None:
                return  # the head blocks the queue
            heapq.heappop(self.queue)
            held, demand = placement
            for qpu, qubits in held:
                self.free[qpu] -= qubits
            for link, ebits in demand:
                self.demand[link][i] = ebits
            self.links_left[i] = len(demand)
            self.placements[i] = placement
            self.starts[i] = now
            self.running += 1
            heapq.heappush(self.compute_ends, (now + self.jobs[i].job.duration, i))

    def _finish_if_done(self, i: int, now: float) -> None:
        if self.computed[i] and self.links_left[i] == 0:
            self.ends[i] = now
            self.running -= 1
            for qpu, qubits in self.placements[i][0]:
                self.free[qpu] += qubits

    def run(self) -> tuple[list[float], list[float], list[Placement]]:
        arrivals = sorted(range(len(self.jobs)),
                          key=lambda i: (self.jobs[i].job.arrival, self.job_tie[i], i))
        rate = self.topology.rate
        nxt = 0
        now = self.jobs[arrivals[0]].job.arrival if arrivals else 0.0
        while True:
            while nxt < len(arrivals) and self.jobs[arrivals[nxt]].job.arrival <= now:
                heapq.heappush(self.queue, self._key(arrivals[nxt]))
                nxt += 1
            self._start_jobs(now)
            upcoming = math.inf
            if nxt < len(arrivals):
                upcoming = self.jobs[arrivals[nxt]].job.arrival
            if self.compute_ends:
                upcoming = min(upcoming, self.compute_ends[0][0])
            active = [link for link, jobs in enumerate(self.demand) if jobs]
            drained = {link: now + min(self.demand[link].values()) * len(self.demand[link])
                       / rate[link] for link in active}
            upcoming = min(upcoming, *drained.values()) if drained else upcoming
            if upcoming == math.inf:
                if self.queue:  # pragma: no cover - compile_inputs rules this out
                    raise RuntimeError("a queued job can never be placed")
                break
            step = upcoming - now
            now = upcoming
            delivered: list[tuple[int, int]] = []
            for link in active:
                jobs = self.demand[link]
                share = step * rate[link] / len(jobs)
                last = min(jobs, key=jobs.__getitem__) if drained[link] <= now else -1
                for i in jobs:
                    jobs[i] -= share
                    if i == last or jobs[i] <= _DONE:  # the one whose delivery is the event
                        delivered.append((link, i))
            for link, i in delivered:
                del self.demand[link][i]
                self.links_left[i] -= 1
            while self.compute_ends and self.compute_ends[0][0] <= now:
                _, i = heapq.heappop(self.compute_ends)
                self.computed[i] = True
                self._finish_if_done(i, now)
            for i in sorted({i for _, i in delivered}):
                if self.links_left[i] == 0 and math.isnan(self.ends[i]):
                    self._finish_if_done(i, now)
        return self.starts, self.ends, self.placements
