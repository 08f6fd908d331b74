"""The job scheduler: 1,000 jobs from four tenants on a 16-QPU cluster, per policy.

The cluster is two racks of eight QPUs (16 data qubits each; links of 2,000 pairs/s inside a
rack, the racks' gateways joined at 500 pairs/s); the jobs are a seeded random mix
(:func:`qfab.dqc.scheduler_workload.random_jobs`: Poisson arrivals at 12 per second, 1 to 32
data qubits, exponential durations of mean 1 s, 0 to 50 e-bits per QPU pair when split),
an offered load of about 0.8 of the data qubits. Prints, per policy, the wall time of
``schedule`` (median of ``--repeat`` runs; target: under 10 s), the makespan against its
lower bound, mean wait, e-bits, time waiting for pairs and mean utilization.

Usage: python bench/bench_scheduler.py [--jobs N] [--repeat R] [--json]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

try:
    import qfab  # noqa: F401
except ImportError:  # running from a checkout without installing
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from qfab.dqc.scheduler import POLICIES, Cluster, schedule  # noqa: E402
from qfab.dqc.scheduler_workload import random_jobs  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    cluster = Cluster.racks(2, 8, qubits=16, rate_in_rack=2000.0, rate_between=500.0)
    jobs = random_jobs(args.jobs, seed=2026, arrival_rate=12.0, max_qubits=32,
                       mean_duration=1.0, max_ebits=50)
    figures: dict[str, dict[str, float]] = {}
    for policy in POLICIES:
        times = []
        for _ in range(args.repeat):
            began = time.perf_counter()
            result = schedule(jobs, cluster, policy, seed=1)
            times.append(time.perf_counter() - began)
        figures[policy] = {
            "wall_s": statistics.median(times), "makespan_s": result.makespan,
            "lower_bound_s": result.lower_bound, "mean_wait_s": result.mean_wait,
            "ebits": result.total_ebits, "pair_wait_s": result.pair_wait,
            "mean_utilization": statistics.fmean(result.utilization.values()),
        }
    if args.json:
        print(json.dumps(figures))
        return
    print(f"{args.jobs} jobs on {len(cluster.qpus)} QPUs (two racks), median of {args.repeat}")
    print(f"{'policy':<11} {'time s':>7} {'makespan s':>11} {'bound s':>8} {'mean wait s':>12}"
          f" {'e-bits':>8} {'pair wait s':>12} {'util':>5}")
    for policy, row in figures.items():
        print(f"{policy:<11} {row['wall_s']:7.3f} {row['makespan_s']:11.1f} "
              f"{row['lower_bound_s']:8.1f} {row['mean_wait_s']:12.2f} {row['ebits']:8.0f} "
              f"{row['pair_wait_s']:12.1f} {row['mean_utilization']:5.2f}")
    slowest = max(row["wall_s"] for row in figures.values())
    print(f"slowest policy: {slowest:.3f} s (target < 10 s)")


if __name__ == "__main__":
    main()
