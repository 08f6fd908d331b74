"""The job scheduler on random workloads: bounds, capacities and order that must always hold.

For every policy, seeded workload and cluster (all-to-all, and two racks joined through
gateways, where pairs between racks are swapped over three links):

- the makespan is at least each of its lower bounds: the critical path (a job's arrival plus
  its duration), every link's e-bits over its pair rate, and the data-qubit seconds of work
  over the cluster's data qubits;
- no QPU ever holds more data qubits than it has;
- no link delivers more than its pair rate: the e-bits a link carries are at most its rate
  times the time during which jobs drawing from it run, and each job's e-bits on a link at
  most the rate times its own run;
- each job's e-bits are ``ebits_per_pair`` times the pairs of its QPUs, routed;
- FIFO and e-bit-aware start jobs in arrival order (no job overtakes), SJF never starts a
  longer job while a shorter one waits;
- the same seed gives the same schedule.

These are exact (up to float rounding, 1e-9 relative): the schedule is deterministic.
"""

from __future__ import annotations

import itertools

import pytest

from qfab.dqc.scheduler import Cluster, ScheduleResult, schedule
from qfab.dqc.scheduler_workload import random_jobs

CLUSTERS = {
    "all-to-all": Cluster.all_to_all(6, qubits=12, rate=40.0),
    "racks": Cluster.racks(2, 4, qubits=12, rate_in_rack=80.0, rate_between=20.0),
}
EPS = 1e-9


def _union(intervals: list[tuple[float, float]]) -> float:
    total, reach = 0.0, -float("inf")
    for start, end in sorted(intervals):
        if end > reach:
            total += end - max(start, reach)
            reach = end
    return total


def _check_capacities(result: ScheduleResult) -> None:
    for qpu, capacity in result.capacity.items():
        events = sorted([(job.end, -q) for job in result.jobs
                         for name, q in job.placement.items() if name == qpu]
                        + [(job.start, q) for job in result.jobs
                           for name, q in job.placement.items() if name == qpu])
        held = 0
        for _, change in events:  # ends sort before starts at the same time
            held += change
            assert held <= capacity
    for link, rate in result.rates.items():
        users = [job for job in result.jobs if link in job.ebits]
        for job in users:
            assert job.ebits[link] <= rate * (job.end - job.start) * (1 + EPS)
        carried = sum(job.ebits[link] for job in users)
        assert carried == pytest.approx(result.ebits_per_link.get(link, 0.0))
        assert carried <= rate * _union([(job.start, job.end) for job in users]) * (1 + EPS)


@pytest.mark.parametrize("cluster", CLUSTERS, ids=str)
@pytest.mark.parametrize("policy", ["fifo", "sjf", "ebit-aware"])
@pytest.mark.parametrize("workload_seed", [1, 2, 3])
def test_schedules_respect_bounds_capacities_and_order(cluster: str, policy: str,
                                                       workload_seed: int) -> None:
    jobs = random_jobs(150, seed=workload_seed, arrival_rate=6.0, max_qubits=30,
                       mean_duration=1.0, max_ebits=60)
    result = schedule(jobs, CLUSTERS[cluster], policy, seed=7)
    assert result.to_dict() == schedule(jobs, CLUSTERS[cluster], policy, seed=7).to_dict()

    bounds = result.lower_bounds()
    for bound in bounds.values():
        assert result.makespan >= bound * (1 - EPS)
    assert result.makespan >= max(bounds.values()) > 0
    _check_capacities(result)

    for job, record in zip(jobs, result.jobs):
        assert record.start >= record.arrival
        assert record.end >= record.start + record.duration * (1 - EPS)
        assert sum(record.placement.values()) == job.qubits
        parts = len(record.placement)
        hops = sum(record.ebits.values())
        if parts == 1 or job.ebits_per_pair == 0:
            assert hops == 0
        else:  # every pair of parts needs ebits_per_pair e-bits on each link of its route
            assert hops >= job.ebits_per_pair * parts * (parts - 1) / 2
    assert result.pair_wait == pytest.approx(sum(r.pair_wait for r in result.jobs))

    by_arrival = sorted(result.jobs, key=lambda r: r.arrival)
    if policy in ("fifo", "ebit-aware"):
        starts = [record.start for record in by_arrival]
        assert starts == sorted(starts)
    else:
        for first, second in itertools.combinations(result.jobs, 2):
            # a job that was waiting when a longer one started is not overtaken by it
            if second.duration > first.duration and first.arrival <= second.start:
                assert first.start <= second.start


@pytest.mark.parametrize("cluster", CLUSTERS, ids=str)
def test_ebit_aware_draws_fewer_pairs_on_a_fragmenting_mix(cluster: str) -> None:
    """Jobs of 1 to 12 qubits on QPUs of 12: first-fit splits what one QPU could hold."""
    jobs = random_jobs(300, seed=9, arrival_rate=4.0, max_qubits=12, max_ebits=40)
    fifo = schedule(jobs, CLUSTERS[cluster], "fifo", seed=0)
    aware = schedule(jobs, CLUSTERS[cluster], "ebit-aware", seed=0)
    assert aware.total_ebits < 0.5 * fifo.total_ebits
    assert aware.pair_wait < fifo.pair_wait
