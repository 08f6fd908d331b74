"""``kind: circuit`` requests against closed forms (issue: execution over delivered pairs).

- A 2-qubit Grover (``grover:2``, expected outcome ``11``) split over two QPUs with ideal
  local gates, whose two CZs are teleported with Werner pairs of fidelity ``F`` (a
  depolarizing link, ideal memories), succeeds with probability ``F^2 + (1 - F)^2 / 3``: the
  analytic engine gives it exactly, and the des counts of the outcome are within 5 binomial
  standard errors ``sqrt(p (1 - p) / shots)`` of it;
- a GHZ circuit on two QPUs uses ``k - 1 = 1`` e-bit (two with ``scheme: data``);
- bad input is one ScenarioError naming the field; the fast engine refuses, and the analytic
  engine refuses where the pairs' fidelities depend on their waits.
"""

from __future__ import annotations

import math
from typing import Any

import pytest

from qfab.engines import run, supports
from qfab.errors import EngineError, ScenarioError
from qfab.loading import parse_scenario


def scenario(fidelity: float = 0.9, circuit: str = "grover:2", capacity: int = 1,
             memory: dict[str, Any] | None = None, **request: Any) -> dict[str, Any]:
    node = {"memory": {"qubits": 2, **(memory or {})}, "qpu": {"qubits": capacity}}
    return {"qfab": 1, "seed": 11, "duration": "1 s",
            "nodes": {"a": node, "b": node},
            "links": [{"kind": "depolarizing", "between": ["a", "b"], "fidelity": fidelity,
                       "success_probability": 0.1, "cycle_time": "10 us"}],
            "requests": [{"kind": "circuit", "circuit": circuit, "qpus": ["a", "b"],
                          **request}]}


def grover_success(fidelity: float) -> float:
    return fidelity ** 2 + (1 - fidelity) ** 2 / 3


@pytest.mark.parametrize("fidelity", [0.9, 0.75])
def test_grover_over_teleported_czs_succeeds_with_the_closed_form(fidelity: float) -> None:
    expected = grover_success(fidelity)
    spec = parse_scenario(scenario(fidelity, expect="11", shots=20_000))
    analytic = run(spec, engine="analytic").requests[0]
    assert analytic.kind == "circuit" and analytic.ebits == 2
    assert analytic.success_probability == pytest.approx(expected, rel=1e-12)
    des = run(spec, engine="des", seed=3).requests[0]
    assert des.ebits == 2 and des.delivered == 2
    assert des.success_probability == pytest.approx(expected, rel=1e-9)
    shots = 20_000
    assert sum(des.counts.values()) == shots
    sigma = math.sqrt(expected * (1 - expected) / shots)
    assert abs(des.counts["11"] / shots - expected) < 5 * sigma
    assert des.placement == {"0": "a", "1": "b"}
    assert des.makespan_s is not None and 0 < des.makespan_s <= 1.0


def test_perfect_pairs_find_the_marked_item_every_shot() -> None:
    row = run(parse_scenario(scenario(1.0, expect="11", shots=500)), engine="des").requests[0]
    assert row.counts == {"11": 500} and row.success_probability == pytest.approx(1.0)


def test_des_shots_are_seeded() -> None:
    spec = parse_scenario(scenario(0.8, expect="11"))
    first = run(spec, engine="des", seed=4).requests[0].counts
    assert run(spec, engine="des", seed=4).requests[0].counts == first
    assert run(spec, engine="des", seed=5).requests[0].counts != first


def test_ghz_uses_one_ebit_per_extra_qpu() -> None:
    row = run(parse_scenario(scenario(0.95, "ghz:4", capacity=2)), engine="des").requests[0]
    assert row.ebits == 1 and row.requested == 1
    assert sorted(row.placement.values()) == ["a", "a", "b", "b"]
    data = run(parse_scenario(scenario(0.95, "ghz:4", capacity=2, scheme="data")),
               engine="des").requests[0]
    assert data.ebits == 2


def error_of(document: dict[str, Any]) -> str:
    with pytest.raises(ScenarioError) as caught:
        run(parse_scenario(document), engine="des")
    return str(caught.value)


def test_bad_input_is_one_error_naming_the_field() -> None:
    assert error_of(scenario(circuit="nosuch:3")).startswith("requests[0].circuit")
    too_big = error_of(scenario(circuit="grover:3"))
    assert too_big.startswith("requests[0].circuit") and "3 qubits" in too_big
    document = scenario()
    document["requests"][0]["qpus"] = ["a", "b", "a"]
    three = error_of(document)
    assert three.startswith("requests[0].qpus") and "each QPU once" in three
    document = scenario()
    del document["nodes"]["b"]["qpu"]
    document["nodes"]["b"] = {"memory": {"qubits": 2}}
    no_qpu = error_of(document)
    assert no_qpu.startswith("requests[0].qpus") and "no qpu section" in no_qpu
    assert error_of(scenario(expect="12")).startswith("requests[0].expect")
    for message in (error_of(scenario(circuit="nosuch:3")), three, no_qpu):
        assert "\n" not in message


def test_fast_refuses_and_analytic_refuses_decohering_memories() -> None:
    served = supports(parse_scenario(scenario()), engine="fast")
    assert not served and "requests[0].kind: circuit" in str(served.reason)
    with pytest.raises(EngineError):
        run(parse_scenario(scenario()), engine="fast")
    decohering = parse_scenario(scenario(memory={"t1": "1 ms", "t2": "1 ms"}))
    served = supports(decohering, engine="analytic")
    assert not served and "nodes.a.memory" in str(served.reason)
    assert run(decohering, engine="des").requests[0].counts


def test_the_two_ion_example_gives_the_teleported_cz_grover_with_its_local_errors() -> None:
    """examples/dqc/grover_two_ions.yaml: the executor with the link's 0.86 for both pairs
    and the preset's local errors; the paper's measured 71 % lies a few points below (its
    local errors are larger than the catalog's assumptions)."""
    from qfab.dqc import execute as executor
    from qfab.dqc.circuits import load_circuit
    from qfab.loading import load_scenario
    from tests.conftest import EXAMPLES

    spec = load_scenario(EXAMPLES / "dqc" / "grover_two_ions.yaml")
    qpu = spec.nodes["alice"].qpu
    assert qpu is not None
    noise = executor.LocalNoise(one_qubit=qpu.single_qubit_error,
                                two_qubit=qpu.two_qubit_error, readout=qpu.measurement_error)
    gates = [executor.Gate(g.name, g.qubits) for g in load_circuit("grover:2").gates]
    gates += [executor.Gate("measure", (0,), None, 0), executor.Gate("measure", (1,), None, 1)]
    expected = executor.execute(gates, {0: "alice", 1: "bob"}, [0.86, 0.86],
                                noise=noise).success_probability("11")
    assert 0.70 < expected < grover_success(0.86)
    analytic = run(spec, engine="analytic").requests[0]
    assert analytic.success_probability == pytest.approx(expected, rel=1e-12)
    des = run(spec, engine="des").requests[0]
    sigma = math.sqrt(expected * (1 - expected) / 1000)
    assert abs(des.counts["11"] / 1000 - expected) < 5 * sigma


def test_a_circuit_that_fits_on_one_qpu_runs_without_pairs() -> None:
    document = scenario(0.6, capacity=2, expect="11", shots=400)
    document["requests"].append({"kind": "entanglement", "between": ["a", "b"], "pairs": 3})
    spec = parse_scenario(document)
    for engine in ("des", "analytic"):
        local, pairs = run(spec, engine=engine).requests
        assert local.kind == "circuit" and local.ebits == 0 and local.requested == 0
        assert len(set(local.placement.values())) == 1
        assert local.success_probability == pytest.approx(1.0, abs=1e-12)
        assert pairs.kind == "entanglement" and pairs.delivered == 3
    assert run(spec, engine="des").requests[0].counts == {"11": 400}
    document["nodes"]["c"] = {}  # no link reaches it: the network part refuses its request,
    document["requests"][1]["between"] = ["a", "c"]  # named as written (requests[1])
    with pytest.raises((ScenarioError, EngineError)) as caught:
        run(parse_scenario(document), engine="des")
    assert "requests[1]" in str(caught.value) and "requests[0]" not in str(caught.value)


def test_a_circuit_file_is_read_relative_to_the_scenario(tmp_path: Any) -> None:
    import yaml

    from qfab.loading import load_scenario

    pytest.importorskip("qiskit")  # OpenQASM input is the dqc extra's

    (tmp_path / "bell.qasm").write_text(
        'OPENQASM 2.0;\ninclude "qelib1.inc";\nqreg q[2];\ncreg c[2];\n'
        "h q[0];\ncx q[0],q[1];\nmeasure q[0] -> c[0];\nmeasure q[1] -> c[1];\n",
        encoding="utf-8")
    (tmp_path / "bell.yaml").write_text(
        yaml.safe_dump(scenario(1.0, "bell.qasm", shots=300)), encoding="utf-8")
    row = run(load_scenario(tmp_path / "bell.yaml"), engine="des").requests[0]
    assert row.ebits == 1 and sum(row.counts.values()) == 300
    assert set(row.counts) == {"00", "11"}
