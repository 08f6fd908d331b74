"""Repeater-chain throughput of the event simulation.

A chain of N nodes (default 17) with 10 km hops: single-click links (0.2 dB/km fiber, emitter
efficiency 0.5, detector efficiency 0.9, bright state 0.05), memories with T2 = 2 s, two
qubits per repeater, swap-asap, one request end to end. Reports wall time per delivered pair
and kernel events per second; the baseline, measured in the same run, is the bare kernel
running the same number of events as one generator process yielding delays.

Usage: python bench/bench_chain.py [--nodes N] [--pairs P] [--repeat R]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

try:
    import qfab  # noqa: F401
except ImportError:  # running from a checkout without installing
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from qfab.engines import run
from qfab.loading import parse_scenario
from qfab.sim import Simulation


def scenario(nodes: int, pairs: int) -> dict[str, object]:
    """The benchmark chain as a scenario document."""
    return {
        "qfab": 1, "name": f"bench chain {nodes}", "seed": 1, "duration": "1000 s",
        "topology": {
            "kind": "chain", "nodes": nodes, "spacing": "10 km",
            "node": {"memory": {"qubits": 1, "t2": "2 s"}},
            "link": {"kind": "single_click", "bright_state": 0.05, "cycle_time": "1 us",
                     "fiber": {"attenuation": "0.2 dB/km"}, "emitter": {"efficiency": 0.5},
                     "detector": {"efficiency": 0.9}},
        },
        "requests": [{"kind": "entanglement", "between": ["n0", f"n{nodes - 1}"],
                      "pairs": pairs}],
    }


def bare_kernel_seconds(events: int) -> float:
    """Seconds for the bare kernel to run ``events`` wake-ups of one process."""
    sim = Simulation()

    def ticker():  # type: ignore[no-untyped-def]
        for _ in range(events):
            yield 1

    sim.process(ticker())
    start = time.perf_counter()
    sim.run()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=17)
    parser.add_argument("--pairs", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    spec = parse_scenario(scenario(args.nodes, args.pairs))
    results = [run(spec, engine="des") for _ in range(args.repeat)]
    best = min(results, key=lambda r: r.wall_time_s)
    assert best.events is not None
    request = best.requests[0]
    baseline = min(bare_kernel_seconds(best.events) for _ in range(args.repeat))
    figures = {
        "benchmark": "des_chain", "nodes": args.nodes, "pairs": request.delivered,
        "sim_time_s": best.sim_time_s, "wall_s": best.wall_time_s, "events": best.events,
        "wall_ms_per_pair": 1e3 * best.wall_time_s / max(request.delivered, 1),
        "events_per_s": best.events / best.wall_time_s,
        "bare_kernel_events_per_s": best.events / baseline,
        "rate_hz": request.rate_hz, "fidelity": request.fidelity,
    }
    figures["events_per_s_vs_bare_kernel"] = (figures["events_per_s"]
                                              / figures["bare_kernel_events_per_s"])
    print(f"DES {args.nodes}-node chain, 10 km hops, best of {args.repeat}:")
    print(f"  {request.delivered} pairs at {request.rate_hz:.4g} Hz, fidelity "
          f"{request.fidelity:.4f}, {best.sim_time_s:.4g} s simulated")
    print(f"  wall {best.wall_time_s:.3f} s: {figures['wall_ms_per_pair']:.3f} ms per pair, "
          f"{figures['events_per_s']:.3e} events/s")
    print(f"  bare kernel (same event count) {figures['bare_kernel_events_per_s']:.3e} events/s;"
          f" ratio {figures['events_per_s_vs_bare_kernel']:.3f}")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
