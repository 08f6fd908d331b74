"""Partitioning time: QFT-96 over 4 QPUs of 24 data qubits (target: under 5 s).

Prints the wall time (median of the repeats, after one warm-up that loads Mt-KaHyPar), the
e-bits, the closed form of contiguous blocks (sum over block pairs of min(s_a, s_b) = 144)
and the method that won. Other circuits: ``--circuit random:64:40:1 --qpus 4``.

Usage: python bench/bench_partition.py [--circuit qft:96] [--qpus 4] [--capacity 24]
       [--repeat 3] [--json]
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

from qfab.dqc.circuits import load_circuit
from qfab.dqc.partition import partition


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--circuit", default="qft:96")
    parser.add_argument("--qpus", type=int, default=4)
    parser.add_argument("--capacity", type=int, default=None)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    partition(load_circuit("qft:8"), 2)  # warm-up: imports, Mt-KaHyPar's thread pool
    times = []
    result = None
    for _ in range(args.repeat):
        start = time.perf_counter()
        circuit = load_circuit(args.circuit)
        result = partition(circuit, args.qpus, args.capacity)
        times.append(time.perf_counter() - start)
    assert result is not None
    figures = {"circuit": args.circuit, "qpus": args.qpus, "capacity": result.capacities[0],
               "two_qubit_gates": result.circuit.two_qubit_gates,
               "seconds": round(statistics.median(times), 3), "ebits": result.ebits,
               "method": result.method, "target_seconds": 5.0}
    if args.json:
        print(json.dumps(figures))
    else:
        print(f"{args.circuit} on {args.qpus} QPUs of {figures['capacity']}: "
              f"{figures['seconds']} s (median of {args.repeat}), {result.ebits} e-bits "
              f"({result.method}); target < 5 s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
