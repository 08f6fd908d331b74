"""Link-attempt throughput of the event simulation.

Runs a two-node single-click link (p ~ 1e-2 per attempt) in the DES engine and reports
simulated attempts per wall second and kernel events per second. Baseline, measured in the
same run: a plain Python loop that draws one Bernoulli trial per attempt, which is what an
attempt-by-attempt simulation costs at the least.

Usage: python bench/bench_link.py [--sim-seconds S] [--repeat R]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

try:
    import qfab  # noqa: F401
except ImportError:  # running from a checkout without installing
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from qfab.engines import run
from qfab.loading import parse_scenario


def scenario(sim_seconds: float) -> dict[str, object]:
    """A single-click link with alpha = 0.1 and eta = 0.05: p = 9.975e-3 per 1 us attempt."""
    return {
        "qfab": 1, "name": "bench link", "seed": 1, "duration": sim_seconds,
        "nodes": {"alice": {"memory": {"t2": "1 s"}}, "bob": {"memory": {"t2": "1 s"}}},
        "links": [{"kind": "single_click", "between": ["alice", "bob"], "bright_state": 0.1,
                   "cycle_time": "1 us", "emitter": {"efficiency": 0.05}}],
    }


def bernoulli_baseline(attempts: int, p: float) -> float:
    """Seconds for a plain loop drawing one Bernoulli trial per attempt."""
    draw = random.Random(1).random
    start = time.perf_counter()
    successes = 0
    for _ in range(attempts):
        if draw() < p:
            successes += 1
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sim-seconds", type=float, default=5.0)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    spec = parse_scenario(scenario(args.sim_seconds))
    best = None
    for _ in range(args.repeat):
        result = run(spec, engine="des")
        if best is None or result.wall_time_s < best.wall_time_s:
            best = result
    assert best is not None and best.events is not None
    attempts = best.links[0].attempts or 0
    p = best.links[0].p_success or 0.0
    baseline_attempts = 2_000_000
    baseline_s = min(bernoulli_baseline(baseline_attempts, p) for _ in range(args.repeat))
    figures = {
        "benchmark": "des_link",
        "sim_time_s": best.sim_time_s,
        "wall_s": best.wall_time_s,
        "attempts": attempts,
        "successes": best.links[0].successes,
        "events": best.events,
        "attempts_per_s": attempts / best.wall_time_s,
        "events_per_s": best.events / best.wall_time_s,
        "baseline_bernoulli_attempts_per_s": baseline_attempts / baseline_s,
    }
    figures["ratio_attempts_vs_baseline"] = (figures["attempts_per_s"]
                                             / figures["baseline_bernoulli_attempts_per_s"])
    print(f"DES single-click link, {best.sim_time_s:g} s simulated, best of {args.repeat}:")
    print(f"  {attempts:,} attempts, {best.links[0].successes:,} pairs, {best.events:,} events "
          f"in {best.wall_time_s:.3f} s")
    print(f"  link attempts/s      {figures['attempts_per_s']:.3e}")
    print(f"  kernel events/s      {figures['events_per_s']:.3e}")
    print(f"  baseline (one Bernoulli draw per attempt, plain loop) "
          f"{figures['baseline_bernoulli_attempts_per_s']:.3e} attempts/s")
    print(f"  ratio qfab / baseline {figures['ratio_attempts_vs_baseline']:.1f}x")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
