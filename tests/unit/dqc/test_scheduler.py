"""The job scheduler: input checks, the pair-delivery model's closed forms, the policies."""

from __future__ import annotations

import json

import pytest

from qfab.dqc.scheduler import Cluster, Job, schedule
from qfab.dqc.scheduler_workload import random_jobs
from qfab.errors import ScenarioError


def _two(rate: float = 10.0, qubits: int = 10) -> Cluster:
    return Cluster({"a": qubits, "b": qubits}, {("a", "b"): rate})


@pytest.mark.parametrize(("jobs", "cluster", "policy", "path"), [
    ([Job("t", -1.0, 1, 1.0)], _two(), "fifo", "jobs[0].arrival"),
    ([Job("t", 0.0, 1, 0.0)], _two(), "fifo", "jobs[0].duration"),
    ([Job("t", 0.0, 0, 1.0)], _two(), "fifo", "jobs[0].qubits"),
    ([Job("t", 0.0, 1, 1.0), Job("t", 0.0, 21, 1.0)], _two(), "fifo", "jobs[1].qubits"),
    ([Job("t", 0.0, 1, 1.0, ebits_per_pair=-1)], _two(), "fifo", "jobs[0].ebits_per_pair"),
    ([Job("t", 0.0, 2, 1.0, placement={"c": 2})], _two(), "fifo", "jobs[0].placement.c"),
    ([Job("t", 0.0, 3, 1.0, placement={"a": 2})], _two(), "fifo", "jobs[0].qubits"),
    ([Job("t", 0.0, 11, 1.0, placement={"a": 11})], _two(), "fifo", "jobs[0].placement.a"),
    ([Job("t", 0.0, 2, 1.0, placement={"a": 2}, ebits={("a", "b"): 3})], _two(), "fifo",
     "jobs[0].ebits[a-b]"),
    ([Job("t", 0.0, 2, 1.0, ebits={("a", "b"): 3})], _two(), "fifo", "jobs[0].ebits"),
    ([Job("t", 0.0, 1, 1.0)], Cluster({"a": 1}, {("a", "z"): 1.0}), "fifo",
     "cluster.links[a-z]"),
    ([Job("t", 0.0, 1, 1.0)], Cluster({"a": 1, "b": 1}, {("a", "b"): 0.0}), "fifo",
     "cluster.links[a-b]"),
    ([Job("t", 0.0, 1, 1.0)], Cluster({"a": 1, "b": 1}, {("a", "b"): 1.0, ("b", "a"): 1.0}),
     "fifo", "cluster.links[b-a]"),
    ([Job("t", 0.0, 1, 1.0)], Cluster({"a": 0}), "fifo", "cluster.qpus.a"),
    ([Job("t", 0.0, 1, 1.0)], _two(), "lifo", "policy"),
])
def test_bad_input_names_the_field(jobs: list[Job], cluster: Cluster, policy: str,
                                   path: str) -> None:
    with pytest.raises(ScenarioError) as error:
        schedule(jobs, cluster, policy)
    assert error.value.path == path


def test_a_job_larger_than_any_linked_group_is_refused() -> None:
    islands = Cluster({"a": 10, "b": 10})  # no link: 10 qubits at most in one piece
    with pytest.raises(ScenarioError, match="largest linked group of QPUs holds 10"):
        schedule([Job("t", 0.0, 12, 1.0)], islands)


@pytest.mark.parametrize(("duration", "ebits", "end"), [(1.0, 50, 5.0), (8.0, 50, 8.0)])
def test_a_split_job_alone_ends_after_its_gates_or_its_pairs(duration: float, ebits: int,
                                                             end: float) -> None:
    """Alone on a link of rate r: end = start + max(duration, E / r)."""
    result = schedule([Job("t", 2.0, 15, duration, ebits_per_pair=ebits)], _two(rate=10.0))
    record = result.jobs[0]
    assert record.placement == {"a": 10, "b": 5}
    assert record.start == 2.0
    assert record.end == pytest.approx(2.0 + end, rel=1e-12)
    assert record.pair_wait == pytest.approx(end - duration, abs=1e-12)
    assert result.ebits_per_link == {"a-b": ebits}


def test_jobs_sharing_a_link_split_its_rate_equally() -> None:
    """Processor sharing: E1 < E2 on one link of rate r end at 2 E1 / r and (E1 + E2) / r."""
    cluster = Cluster({"a": 4, "b": 4}, {("a", "b"): 10.0})
    jobs = [Job("t", 0.0, 4, 0.1, placement={"a": 2, "b": 2}, ebits={("a", "b"): 30}),
            Job("u", 0.0, 4, 0.1, placement={"a": 2, "b": 2}, ebits={("a", "b"): 50})]
    result = schedule(jobs, cluster)
    assert [job.end for job in result.jobs] == pytest.approx([6.0, 8.0], rel=1e-12)
    assert result.makespan == pytest.approx(result.lower_bounds()["link"], rel=1e-12)


def test_pairs_between_racks_are_swapped_through_the_gateways() -> None:
    cluster = Cluster.racks(2, 3, qubits=4, rate_in_rack=100.0, rate_between=10.0)
    job = Job("t", 0.0, 8, 0.5, placement={"r0q1": 4, "r1q2": 4}, ebits={("r0q1", "r1q2"): 20})
    result = schedule([job], cluster)
    assert result.ebits_per_link == {"r0q0-r0q1": 20, "r1q0-r1q2": 20, "r0q0-r1q0": 20}
    assert result.jobs[0].end == pytest.approx(2.0, rel=1e-12)  # the 10 /s link: 20 / 10


def test_a_fixed_placement_waits_for_its_qpus() -> None:
    jobs = [Job("t", 0.0, 10, 3.0, placement={"a": 10}), Job("u", 1.0, 2, 1.0),
            Job("v", 1.5, 2, 1.0, placement={"a": 2})]
    for policy in ("fifo", "sjf", "ebit-aware"):
        result = schedule(jobs, _two(), policy)
        assert result.jobs[1].placement == {"b": 2} and result.jobs[1].start == 1.0
        assert result.jobs[2].placement == {"a": 2} and result.jobs[2].start == 3.0


def test_fifo_blocks_behind_its_head_and_sjf_takes_the_shortest() -> None:
    """One QPU of 4 qubits, every job needs all of it. A 1 s job runs from 0; a 10 s job
    arrives at 0.1, then 1 s jobs at 0.2, 0.3, 0.4.

    FIFO starts them at 0, 1, 11, 12, 13 (mean wait 7.2); SJF runs the short ones first,
    at 1, 2, 3, and the long one at 4 (mean wait 1.8); both end at 14.
    """
    jobs = [Job("t", 0.0, 4, 1.0), Job("t", 0.1, 4, 10.0)] + [
        Job("u", arrival, 4, 1.0) for arrival in (0.2, 0.3, 0.4)]
    cluster = Cluster({"q": 4})
    fifo = schedule(jobs, cluster, "fifo")
    sjf = schedule(jobs, cluster, "sjf")
    assert [job.start for job in fifo.jobs] == [0.0, 1.0, 11.0, 12.0, 13.0]
    assert [job.start for job in sjf.jobs] == [0.0, 4.0, 1.0, 2.0, 3.0]
    assert fifo.mean_wait == pytest.approx((0 + 0.9 + 10.8 + 11.7 + 12.6) / 5, rel=1e-12)
    assert sjf.mean_wait == pytest.approx((0 + 3.9 + 0.8 + 1.7 + 2.6) / 5, rel=1e-12)
    assert fifo.makespan == sjf.makespan == 14.0


def test_ebit_aware_keeps_a_job_on_one_qpu_that_first_fit_splits() -> None:
    """Two QPUs of 10: a 4-qubit job on ``a``; first-fit then splits an 8-qubit job 6 + 2."""
    jobs = [Job("t", 0.0, 4, 100.0), Job("u", 1.0, 8, 1.0, ebits_per_pair=40)]
    fifo = schedule(jobs, _two(), "fifo")
    aware = schedule(jobs, _two(), "ebit-aware")
    assert fifo.jobs[1].placement == {"a": 6, "b": 2} and fifo.total_ebits == 40
    assert len(aware.jobs[1].placement) == 1 and aware.total_ebits == 0
    assert aware.pair_wait == 0.0 and fifo.pair_wait == pytest.approx(3.0)


def test_ebit_aware_splits_over_the_links_with_spare_rate() -> None:
    """A, B, C of 10 qubits; a-c is slow; a 14-qubit job must take C and A or B: it takes B.

    First-fit takes a, b, c in turn (three QPUs, three pairs of them).
    """
    cluster = Cluster({"a": 10, "b": 10, "c": 10},
                      {("a", "b"): 10.0, ("a", "c"): 1.0, ("b", "c"): 10.0})
    jobs = [Job("t", 0.0, 10, 50.0, placement={"a": 5, "b": 5}),
            Job("u", 1.0, 14, 1.0, ebits_per_pair=20)]
    aware = schedule(jobs, cluster, "ebit-aware")
    fifo = schedule(jobs, cluster, "fifo")
    assert aware.jobs[1].placement == {"b": 5, "c": 9} or aware.jobs[1].placement == {
        "c": 10, "b": 4}
    assert aware.ebits_per_link == {"b-c": 20}
    assert aware.jobs[1].end == pytest.approx(3.0)
    assert fifo.jobs[1].placement == {"a": 5, "b": 5, "c": 4}
    assert fifo.total_ebits == 60 > aware.total_ebits
    assert fifo.jobs[1].end == pytest.approx(21.0)  # 20 e-bits over the 1 /s link a-c


def test_utilization_and_idle_time() -> None:
    """``a`` holds 10 of 10 qubits for 2 s then 5 for 2 s; ``b`` is idle until 2 s."""
    jobs = [Job("t", 0.0, 10, 2.0, placement={"a": 10}),
            Job("u", 0.0, 5, 4.0, placement={"b": 5}),
            Job("v", 2.0, 5, 2.0, placement={"a": 5})]
    result = schedule(jobs, _two())
    assert result.makespan == 4.0
    assert result.utilization == pytest.approx({"a": 30 / 40, "b": 20 / 40})
    assert result.idle_time == pytest.approx({"a": 0.0, "b": 0.0})
    late = schedule([Job("t", 0.0, 10, 4.0, placement={"a": 10}),
                     Job("u", 1.0, 5, 1.0, placement={"b": 5})], _two())
    assert late.idle_time == pytest.approx({"a": 0.0, "b": 3.0})
    assert late.wait_per_tenant() == {"t": 0.0, "u": 0.0}


def test_same_seed_same_schedule_and_the_seed_breaks_ties() -> None:
    cluster = Cluster.all_to_all(4, qubits=8, rate=50.0)
    jobs = random_jobs(200, seed=4, arrival_rate=20.0, max_qubits=20, max_ebits=30)
    for policy in ("fifo", "sjf", "ebit-aware"):
        assert schedule(jobs, cluster, policy, 3).to_dict() == \
            schedule(jobs, cluster, policy, 3).to_dict()
    together = [Job(f"t{k}", 0.0, 8, 1.0) for k in range(4)]
    orders = {tuple(job.start for job in schedule(together, Cluster({"q": 8}), "fifo",
                                                  seed).jobs) for seed in range(6)}
    assert len(orders) > 1


def test_the_report_is_plain_json() -> None:
    result = schedule(random_jobs(20, seed=1), Cluster.all_to_all(2, qubits=16, rate=10.0),
                      "ebit-aware")
    document = json.loads(json.dumps(result.to_dict()))
    assert len(document["jobs"]) == 20 and document["makespan_s"] == result.makespan
    assert set(document["lower_bound_s"]) == {"critical_path", "link", "work"}


def test_workload_is_seeded_and_checked() -> None:
    assert random_jobs(10, seed=2) == random_jobs(10, seed=2) != random_jobs(10, seed=3)
    with pytest.raises(ScenarioError):
        random_jobs(3, seed=0, arrival_rate=0.0)


def test_large_pair_demands_end_on_time() -> None:
    """Millions of e-bits shared by three jobs: processor sharing's closed form, to rounding."""
    cluster = Cluster({"a": 6, "b": 6}, {("a", "b"): 3.0})
    demands = [1_000_003, 2_000_011, 4_000_037]
    jobs = [Job("t", 0.0, 4, 0.5, placement={"a": 2, "b": 2}, ebits={("a", "b"): e})
            for e in demands]
    ends = [job.end for job in schedule(jobs, cluster).jobs]
    e1, e2, e3 = demands
    assert ends == pytest.approx([3 * e1 / 3.0, (3 * e1 + 2 * (e2 - e1)) / 3.0,
                                  (e1 + e2 + e3) / 3.0], rel=1e-12)
