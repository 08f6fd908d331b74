"""This checkout against another one (a baseline commit), measured in one run.

Runs, alternating between the two checkouts so that machine load hits both alike:

* the event simulation on the peer benchmark's scenarios (``bench/peers/qfab_peer.py``: the
  S1 link of 10 km, the S2 chains of 9 and 33 routers), reading the wall time per delivered
  pair, and the wall time to build the network and to run it (imports excluded);
* ``bench/bench_fast.py``: the fast engine's trajectories per second (single link, 16-link
  chain, with cutoff) and the event simulation's wall time per pair on the 17-node chain.

and prints the median ratio this/baseline of each figure (below 1: this checkout is faster
for times, slower for rates, as labelled).

Usage::

    git worktree add /tmp/base <commit>
    python bench/bench_against.py --baseline /tmp/base [--reps 5]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

#: label, qfab_peer.py arguments
PEER_RUNS = [
    ("S1 link 10 km", ["--nodes", "2", "--hop-km", "10", "--sim-s", "1"]),
    ("S2 chain N=9", ["--nodes", "9", "--hop-km", "10", "--sim-s", "0.5"]),
    ("S2 chain N=33", ["--nodes", "33", "--hop-km", "10", "--sim-s", "0.5"]),
]
PEER_FIGURES = ("wall_per_pair_ms", "wall_build_s", "wall_run_s")


def _run(checkout: Path, command: list[str]) -> str:
    env = {**os.environ, "PYTHONPATH": str(checkout / "src"), "OMP_NUM_THREADS": "1",
           "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
    done = subprocess.run([sys.executable, *command], cwd=checkout, env=env, check=True,
                          capture_output=True, text=True)
    return done.stdout


def _peer(checkout: Path, arguments: list[str]) -> dict[str, float]:
    row = json.loads(_run(checkout, ["bench/peers/qfab_peer.py", *arguments]).splitlines()[-1])
    return {key: float(row[key]) for key in PEER_FIGURES}


def _fast(checkout: Path, shots: int) -> dict[str, float]:
    out = _run(checkout, ["bench/bench_fast.py", "--shots", str(shots), "--repeat", "3"])
    document = json.loads(out.splitlines()[-1])
    return {key: float(value) for key, value in document.items()
            if isinstance(value, (int, float))}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", type=Path, required=True, help="the other checkout")
    parser.add_argument("--reps", type=int, default=5, help="runs of each figure per checkout")
    parser.add_argument("--shots", type=int, default=5000, help="fast-engine shots per batch")
    args = parser.parse_args()
    base = args.baseline.resolve()
    ratios: dict[str, list[float]] = {}
    values: dict[str, tuple[list[float], list[float]]] = {}
    for rep in range(args.reps):
        for label, arguments in PEER_RUNS:
            ours, theirs = _peer(ROOT, arguments), _peer(base, arguments)
            for key in PEER_FIGURES:
                name = f"des {label}: {key}"
                ratios.setdefault(name, []).append(ours[key] / theirs[key])
                values.setdefault(name, ([], []))[0].append(ours[key])
                values[name][1].append(theirs[key])
        ours, theirs = _fast(ROOT, args.shots), _fast(base, args.shots)
        for key in ours.keys() & theirs.keys():
            if theirs[key]:
                name = f"bench_fast: {key}"
                ratios.setdefault(name, []).append(ours[key] / theirs[key])
                values.setdefault(name, ([], []))[0].append(ours[key])
                values[name][1].append(theirs[key])
        print(f"round {rep + 1}/{args.reps} done", file=sys.stderr)
    print(f"| figure | this (median) | baseline (median) | ratio this/baseline (median of "
          f"{args.reps} paired runs) |")
    print("|---|---|---|---|")
    for name in sorted(ratios):
        ours_v, theirs_v = values[name]
        print(f"| {name} | {statistics.median(ours_v):.4g} | {statistics.median(theirs_v):.4g} "
              f"| {statistics.median(ratios[name]):.3f} |")


if __name__ == "__main__":
    main()
