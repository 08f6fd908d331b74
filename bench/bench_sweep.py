"""Sweep throughput: serial against a local Dask cluster (and a process pool), same run.

A 64-point grid over a three-node repeater chain in the event simulation (depolarizing links,
1 ms attempts, one qubit per link, swap-asap, one end-to-end request): 8 success
probabilities x 8 link fidelities, each point about 0.1-0.3 s. The same tasks run serially,
on a local Dask cluster of ``--workers`` single-threaded processes and on a process pool of as
many workers, each into its own fresh store. Dask and process-pool wall times include starting
the workers (and their first import of qfab); the Dask run's time after the cluster is up is
reported too. Rows are checked to be equal, timing columns aside. Baseline, measured in the
same run: how much faster ``--workers`` processes run pure-Python work than one, i.e. the
parallelism the machine actually offers at the time.

Goal: dask <= 0.6 x serial with 2 workers on 2 cores.

Usage: python bench/bench_sweep.py [--workers N] [--pairs P]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

try:
    import qfab  # noqa: F401
except ImportError:  # running from a checkout without installing
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from qfab.experiments import (
    DaskExecutor,
    ResultStore,
    expand_tasks,
    read_table,
    run_sweep,
    run_task,
)
from qfab.experiments.stats import TIMING_COLUMNS


def scenario(pairs: int) -> dict[str, Any]:
    """The benchmark sweep as a scenario document (64 points)."""
    return {
        "qfab": 1, "name": "bench sweep chain", "seed": 1, "engine": "des", "duration": "1000 s",
        "topology": {
            "kind": "chain", "nodes": 3, "spacing": "10 km",
            "node": {"memory": {"qubits": 1, "t2": "1 s"}},
            "link": {"kind": "depolarizing", "fidelity": 0.95, "success_probability": 0.1,
                     "cycle_time": "1 ms"},
        },
        "requests": [{"kind": "entanglement", "between": ["n0", "n2"], "pairs": pairs}],
        "sweep": {"mode": "grid", "parameters": {
            "topology.link.success_probability": {"linspace": [0.05, 0.4, 8]},
            "topology.link.fidelity": {"linspace": [0.9, 0.99, 8]},
        }},
    }


def calibrated_pairs(seconds: float) -> int:
    """Pairs per point for which the sweep's mean point takes about ``seconds``."""
    probe = 2000
    payloads = [task.payload() for task in expand_tasks(scenario(probe))[::9]]
    start = time.perf_counter()
    for payload in payloads:
        run_task(payload)
    per_point = (time.perf_counter() - start) / len(payloads)
    return max(10, round(probe * seconds / per_point))


def _burn(loops: int) -> float:
    """Seconds of pure-Python work: the baseline of how much parallelism the machine gives."""
    start = time.perf_counter()
    total = 0
    for i in range(loops):
        total += i * i
    return time.perf_counter() - start


def parallel_capacity(workers: int, loops: int = 5_000_000) -> float:
    """Speed-up of ``workers`` processes over one on the same pure-Python work (ideal:
    ``workers``; less when other programs share the CPUs)."""
    import multiprocessing

    with multiprocessing.get_context("spawn").Pool(workers) as pool:
        pool.map(_burn, [1000] * workers)  # start the workers
        start = time.perf_counter()
        pool.map(_burn, [loops] * workers, chunksize=1)
        parallel = time.perf_counter() - start
    serial = sum(_burn(loops) for _ in range(workers))
    return serial / parallel


def _rows(path: Path) -> list[dict[str, Any]]:
    rows = read_table(path).drop_columns(list(TIMING_COLUMNS)).to_pylist()
    return sorted(rows, key=lambda row: row["strong_id"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--pairs", type=int,
                        help="pairs per point (default: calibrated to about 0.5 s per point)")
    args = parser.parse_args()
    if args.pairs is None:
        args.pairs = calibrated_pairs(0.5)
    document = scenario(args.pairs)
    tasks = expand_tasks(document)
    figures: dict[str, Any] = {"benchmark": "sweep", "points": len(tasks),
                               "workers": args.workers, "cpus": os.cpu_count()}

    figures["parallel_capacity"] = parallel_capacity(args.workers)
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        start = time.perf_counter()
        run_sweep(document, out=root / "serial", executor="serial", progress=False)
        figures["serial_s"] = time.perf_counter() - start
        point_times = read_table(root / "serial").column("wall_time_s").to_pylist()
        figures["point_s_min_mean_max"] = [min(point_times), sum(point_times) / len(point_times),
                                           max(point_times)]

        start = time.perf_counter()
        run_sweep(document, out=root / "dask", executor="dask", workers=args.workers,
                  progress=False)
        figures["dask_s"] = time.perf_counter() - start

        with DaskExecutor(workers=args.workers) as executor:
            executor.client.run(lambda: __import__("qfab.engines"))  # warm the workers up
            store = ResultStore(root / "dask_warm")
            start = time.perf_counter()
            for row in executor.map_unordered(task.payload() for task in tasks):
                store.write(row)
            figures["dask_warm_s"] = time.perf_counter() - start

        start = time.perf_counter()
        run_sweep(document, out=root / "processes", executor="processes", workers=args.workers,
                  progress=False)
        figures["processes_s"] = time.perf_counter() - start

        for name in ("dask", "processes"):
            times = read_table(root / name).column("wall_time_s").to_pylist()
            figures[f"{name}_point_s_mean"] = sum(times) / len(times)
        serial = _rows(root / "serial")
        figures["rows_equal"] = all(_rows(root / name) == serial
                                    for name in ("dask", "dask_warm", "processes"))

    for name in ("dask", "dask_warm", "processes"):
        figures[f"{name}_vs_serial"] = figures[f"{name}_s"] / figures["serial_s"]
    low, mean, high = figures["point_s_min_mean_max"]
    print(f"{len(tasks)}-point DES sweep (3-node chain, {args.pairs} pairs per point; "
          f"{low:.3f} / {mean:.3f} / {high:.3f} s per point), {args.workers} workers, "
          f"{os.cpu_count()} CPUs:")
    print(f"  serial                          {figures['serial_s']:7.2f} s")
    print(f"  dask (incl. cluster start)      {figures['dask_s']:7.2f} s   "
          f"ratio {figures['dask_vs_serial']:.3f}")
    print(f"  dask (cluster already up)       {figures['dask_warm_s']:7.2f} s   "
          f"ratio {figures['dask_warm_vs_serial']:.3f}")
    print(f"  processes (incl. pool start)    {figures['processes_s']:7.2f} s   "
          f"ratio {figures['processes_vs_serial']:.3f}")
    print(f"  mean time per point: serial {mean:.3f} s, on dask workers "
          f"{figures['dask_point_s_mean']:.3f} s, in the process pool "
          f"{figures['processes_point_s_mean']:.3f} s")
    print(f"  rows equal across executors: {figures['rows_equal']}")
    print(f"  baseline: {args.workers} processes run pure-Python work "
          f"{figures['parallel_capacity']:.2f} x as fast as one (ideal {args.workers}; less "
          "when other programs share the CPUs)")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
