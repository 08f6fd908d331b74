"""Fast-engine throughput on one CPU core (or a GPU), against baselines measured in the same run.

Figures (trajectories = delivered end-to-end pairs sampled):
  * single link: trajectories per second;
  * 16-link chain (17 nodes, 10 km hops, single-click links, T2 = 2 s): without cutoff
    (classical delays, decoherence) and, on zero-length links, with a cutoff;
  * the same 17-node chain in the event simulation: wall time per delivered pair, and the
    fast engine's advantage;
  * baseline: NumPy's own geometric sampler, draws per second.

Usage: python bench/bench_fast.py [--device cpu|gpu] [--shots N] [--repeat R]
"""

from __future__ import annotations

import os

for _variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")  # one core, as the figures are quoted

import argparse  # noqa: E402
import json  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
try:
    import qfab  # noqa: F401
except ImportError:  # running from a checkout without installing
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from bench_chain import scenario as chain_scenario  # noqa: E402

from qfab.engines import run  # noqa: E402
from qfab.loading import parse_scenario  # noqa: E402


def best_wall(document: dict[str, Any], engine: str, repeat: int) -> tuple[float, Any]:
    spec = parse_scenario(document)
    best = None
    for _ in range(repeat):
        result = run(spec, engine=engine)
        if best is None or result.wall_time_s < best.wall_time_s:
            best = result
    assert best is not None
    return best.wall_time_s, best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--device", choices=["cpu", "gpu"], default="cpu")
    parser.add_argument("--shots", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    fast = {"shots": args.shots, "device": args.device}
    figures: dict[str, Any] = {"benchmark": "fast_engine", "device": args.device,
                               "shots": args.shots}

    draws = 10**7
    start = time.perf_counter()
    np.random.default_rng(1).geometric(0.1, draws)
    figures["numpy_geometric_per_s"] = draws / (time.perf_counter() - start)

    pairs = 1000
    link = {"qfab": 1, "duration": "1e9 s", "fast": fast,
            "nodes": {"a": {}, "b": {}},
            "links": [{"kind": "single_click", "between": ["a", "b"], "bright_state": 0.1,
                       "cycle_time": "1 us", "emitter": {"efficiency": 0.05}}],
            "requests": [{"kind": "entanglement", "between": ["a", "b"], "pairs": pairs}]}
    wall, _ = best_wall(link, "fast", args.repeat)
    figures["link_trajectories_per_s"] = args.shots * pairs / wall

    chain_pairs = 100
    chain = chain_scenario(17, chain_pairs)
    chain.update(duration="1e9 s", fast=fast)
    wall, result = best_wall(chain, "fast", args.repeat)
    figures["chain16_trajectories_per_s"] = args.shots * chain_pairs / wall
    figures["chain16_rate_hz"] = result.requests[0].rate_hz
    figures["chain16_fidelity"] = result.requests[0].fidelity

    cutoff = json.loads(json.dumps(chain))
    cutoff["topology"]["spacing"] = 0
    cutoff["topology"]["link"]["cycle_time"] = "100 us"
    cutoff["policy"] = {"cutoff": "10.05 ms"}
    cutoff["fast"] = fast
    wall, _ = best_wall(cutoff, "fast", args.repeat)
    figures["chain16_cutoff_trajectories_per_s"] = cutoff["fast"]["shots"] * chain_pairs / wall

    des_pairs = 200
    des_document = chain_scenario(17, des_pairs)
    des_wall, des = best_wall(des_document, "des", 1)
    figures["des_chain16_ms_per_pair"] = 1e3 * des_wall / des_pairs
    figures["fast_chain16_ms_per_pair"] = 1e3 / figures["chain16_trajectories_per_s"]
    figures["fast_vs_des_per_pair"] = (figures["des_chain16_ms_per_pair"]
                                       / figures["fast_chain16_ms_per_pair"])
    figures["des_chain16_rate_hz"] = des.requests[0].rate_hz
    figures["des_chain16_fidelity"] = des.requests[0].fidelity

    print(f"fast engine on {args.device}, {args.shots} runs per batch, best of {args.repeat}")
    print(f"  baseline: numpy geometric draws     {figures['numpy_geometric_per_s']:.3e} /s")
    print(f"  single link                         {figures['link_trajectories_per_s']:.3e} "
          "trajectories/s")
    print(f"  16-link chain, no cutoff            {figures['chain16_trajectories_per_s']:.3e} "
          "trajectories/s")
    print(f"  16-link chain, cutoff (0 km links)  "
          f"{figures['chain16_cutoff_trajectories_per_s']:.3e} trajectories/s")
    print(f"  17-node chain per delivered pair: des {figures['des_chain16_ms_per_pair']:.3f} ms, "
          f"fast {figures['fast_chain16_ms_per_pair']:.2e} ms: "
          f"{figures['fast_vs_des_per_pair']:.0f}x less wall time")
    print(f"  agreement: rate fast {figures['chain16_rate_hz']:.4g} Hz vs des "
          f"{figures['des_chain16_rate_hz']:.4g} Hz; fidelity {figures['chain16_fidelity']:.4f} "
          f"vs {figures['des_chain16_fidelity']:.4f}")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
