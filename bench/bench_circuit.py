"""Distributed circuits of 20 qubits, 1,000 shots each, from the scenario to the counts.

Each case is one ``kind: circuit`` request run by the des engine end to end (partition, the
network delivering the pairs, the schedule against their arrivals, the execution): QPUs
with 1e-3 / 5e-3 / 1e-2 local errors, all linked by depolarizing links of fidelity 0.97.

- ``ghz:20`` on four QPUs: a Clifford circuit, run by stim;
- the same circuit forced onto state-vector trajectories (the baseline, same run): the ratio
  is what stim buys;
- ``random:20:6:1`` and ``qft:20`` on two QPUs: non-Clifford, 100 state-vector trajectories.

Prints the wall time of each (median of ``--repeat``; target: under a minute each).

Usage: python bench/bench_circuit.py [--repeat R] [--json]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from itertools import combinations
from pathlib import Path
from typing import Any

try:
    import qfab
except ImportError:  # running from a checkout without installing
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    import qfab


def scenario(circuit: str, qpus: int, trajectories: int = 100) -> Any:
    names = [f"qpu{k}" for k in range(qpus)]
    node = {"memory": {"qubits": qpus - 1},
            "qpu": {"qubits": -(-20 // qpus), "single_qubit_error": 1e-3,
                    "two_qubit_error": 5e-3, "measurement_error": 1e-2}}
    return qfab.scenario({
        "qfab": 1, "seed": 1, "duration": "10 s", "nodes": {name: node for name in names},
        "links": [{"kind": "depolarizing", "between": [a, b], "fidelity": 0.97,
                   "success_probability": 0.1, "cycle_time": "10 us"}
                  for a, b in combinations(names, 2)],
        "requests": [{"kind": "circuit", "circuit": circuit, "qpus": names, "shots": 1000,
                      "trajectories": trajectories}]})


def _time(spec: Any, repeat: int, method: str | None = None) -> tuple[float, Any]:
    from unittest import mock

    from qfab.dqc import execute as executor

    times = []
    row = None
    for _ in range(repeat):
        start = time.perf_counter()
        if method is None:
            row = qfab.run(spec, engine="des").requests[0]
        else:  # the same run with the executor's method fixed
            def forced(program: Any, _asked: Any = "auto", _original: Any = executor.choose_method,
                       _method: Any = method) -> Any:
                return _original(program, _method)

            with mock.patch.object(executor, "choose_method", forced):
                row = qfab.run(spec, engine="des").requests[0]
        times.append(time.perf_counter() - start)
    return statistics.median(times), row


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    cases = [("ghz:20 on 4 QPUs (stim)", scenario("ghz:20", 4), None),
             ("ghz:20 on 4 QPUs (state vectors, baseline)", scenario("ghz:20", 4),
              "statevector"),
             ("random:20:6:1 on 2 QPUs (state vectors)", scenario("random:20:6:1", 2), None),
             ("qft:20 on 2 QPUs (state vectors)", scenario("qft:20", 2), None)]
    out = []
    for label, spec, method in cases:
        seconds, row = _time(spec, args.repeat, method)
        out.append({"case": label, "wall_s": seconds, "method": row.method,
                    "ebits": row.ebits, "outcomes": len(row.counts or {}),
                    "shots": sum((row.counts or {}).values())})
    if args.json:
        print(json.dumps(out, indent=2))
        return 0
    baseline = out[1]["wall_s"]
    print(f"{'case':48} {'wall (s)':>9} {'vs baseline':>12} {'method':>12} {'ebits':>6}")
    for entry in out:
        print(f"{entry['case']:48} {entry['wall_s']:9.2f} {entry['wall_s'] / baseline:12.3f} "
              f"{entry['method']:>12} {entry['ebits']:6d}")
    print("target: each under 60 s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
