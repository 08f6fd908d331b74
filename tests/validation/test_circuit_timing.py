"""Circuits scheduled against the pairs' arrivals, on two and more QPUs, against closed forms.

- a 12-qubit GHZ state in blocks over four fully linked QPUs (stim): each of the three teleported CNOTs
  flips the rest of the chain when its Werner pair (fidelity ``F``) has an X or Y error, so
  all bits agree with probability ``((2F + 1)/3)^3`` (des counts within 5 binomial standard
  errors), and no error anywhere has probability ``F^3`` (analytic, exactly);
- a qubit in ``|+>`` that waits for its pair dephases with its QPU's T2: the Pauli-twirled
  channel ``p_Z = (1 - exp(-t/T2))/2`` (Ghosh, Fowler, Geller, PRA 86, 062318 (2012)) over
  the wait ``t`` (the makespan, with instant gates), combined with the pair's ``Z``/``Y``
  errors ``q = 2(1 - F)/3`` of the teleported CZ: ``P(0) = (1 - p_Z)(1 - q) + p_Z q``;
- a pair that waits for a slow gate depolarizes in both memories (``T`` each):
  ``F_use = 1/4 + (F - 1/4) exp(-2 age / T)``, and ``P(0) = 1 - 2(1 - F_use)/3``.
"""

from __future__ import annotations

import math
from itertools import combinations
from pathlib import Path
from typing import Any

import pytest

from qfab.engines import run, supports
from qfab.loading import parse_scenario

PLUS_CZ = """OPENQASM 2.0;
include "qelib1.inc";
qreg q[2];
creg c[1];
h q[0];
cz q[0],q[1];
h q[0];
measure q[0] -> c[0];
"""


def _ghz_network(fidelity: float) -> dict[str, Any]:
    names = [f"q{k}" for k in range(4)]
    node = {"memory": {"qubits": 3}, "qpu": {"qubits": 3}}
    return {"qfab": 1, "seed": 2, "duration": "1 s",
            "nodes": {name: node for name in names},
            "links": [{"kind": "depolarizing", "between": [a, b], "fidelity": fidelity,
                       "success_probability": 0.1, "cycle_time": "10 us"}
                      for a, b in combinations(names, 2)],
            "requests": [{"kind": "circuit", "circuit": "ghz:12", "qpus": names,
                          "shots": 20_000}]}


def test_ghz_over_four_qpus_agrees_with_probability_of_no_flip() -> None:
    fidelity = 0.9
    spec = parse_scenario(_ghz_network(fidelity))
    row = run(spec, engine="des", seed=3).requests[0]
    assert row.ebits == 3 and row.delivered == 3 and row.method == "stim"
    assert sum(row.pairs_per_link.values()) == 3
    assert sorted(row.placement.values()) == sorted(f"q{k}" for k in range(4) for _ in range(3))
    shots = 20_000
    agree = (row.counts.get("0" * 12, 0) + row.counts.get("1" * 12, 0)) / shots
    expected = ((2 * fidelity + 1) / 3) ** 3
    assert abs(agree - expected) <= 5 * math.sqrt(expected * (1 - expected) / shots)
    analytic = run(spec, engine="analytic").requests[0]
    assert analytic.error_free_probability == pytest.approx(fidelity ** 3, rel=1e-12)
    assert analytic.counts is None and "up to 10 qubits" in analytic.note
    assert analytic.makespan_s is not None and analytic.makespan_s > 0


def _two_qpus(tmp_path: Path, qpu: dict[str, Any], memory: dict[str, Any],
              fidelity: float) -> dict[str, Any]:
    path = tmp_path / "plus_cz.qasm"
    path.write_text(PLUS_CZ)
    node = {"memory": {"qubits": 1, **memory}, "qpu": {"qubits": 1, **qpu}}
    return {"qfab": 1, "seed": 5, "duration": "2 s", "nodes": {"a": node, "b": node},
            "links": [{"kind": "depolarizing", "between": ["a", "b"], "fidelity": fidelity,
                       "success_probability": 1e-3, "cycle_time": "100 us"}],
            "requests": [{"kind": "circuit", "circuit": str(path), "qpus": ["a", "b"],
                          "expect": "0", "shots": 100}]}


@pytest.mark.parametrize("seed", [1, 2])
def test_a_qubit_waiting_for_its_pair_dephases_with_t2(tmp_path: Path, seed: int) -> None:
    pytest.importorskip("qiskit")
    fidelity, t2 = 0.95, 0.05
    spec = parse_scenario(_two_qpus(tmp_path, {"t2": f"{t2} s"}, {}, fidelity))
    served = supports(spec, engine="analytic")
    assert not served and "qpu.t2" in str(served.reason)
    row = run(spec, engine="des", seed=seed).requests[0]
    wait = row.makespan_s
    assert wait is not None and wait > 0 and row.pair_age_max_s == pytest.approx(0.0)
    p_z = (1 - math.exp(-wait / t2)) / 2
    q = 2 * (1 - fidelity) / 3
    assert row.success_probability == pytest.approx((1 - p_z) * (1 - q) + p_z * q, abs=1e-9)


def test_a_pair_waiting_for_a_slow_gate_depolarizes_in_both_memories(tmp_path: Path) -> None:
    pytest.importorskip("qiskit")
    coherence, gate = 0.2, 0.5
    spec = parse_scenario(_two_qpus(
        tmp_path, {"single_qubit_gate_time": f"{gate} s"},
        {"kind": "depolarizing", "coherence_time": f"{coherence} s"}, 0.95))
    row = run(spec, engine="des", seed=1).requests[0]
    age = row.pair_age_max_s
    assert age is not None and 0 < age < gate
    f_use = 0.25 + (row.fidelity - 0.25) * math.exp(-2 * age / coherence)
    assert row.success_probability == pytest.approx(1 - 2 * (1 - f_use) / 3, abs=1e-9)
    # the makespan: the h, the teleported cz (no cz time), the second h
    assert row.makespan_s == pytest.approx(2 * gate, rel=1e-9)
