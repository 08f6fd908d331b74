"""The ``qpu`` node section, its catalog presets, and partitioning on a scenario's QPUs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from qfab.cli import main
from qfab.dqc.qpus import qpu_graph
from qfab.errors import ScenarioError
from qfab.loading import parse_scenario


def _document(**qpus: dict[str, Any]) -> dict[str, Any]:
    link = {"kind": "depolarizing", "fidelity": 0.97, "success_probability": 0.1,
            "cycle_time": "10 us"}
    return {"qfab": 1, "duration": "1 s",
            "nodes": {name: {"tier": "cluster", "memory": {"qubits": 2}, "qpu": qpu}
                      for name, qpu in qpus.items()},
            "links": [{**link, "between": ["a", "b"]}, {**link, "between": ["b", "c"]}],
            "requests": [{"kind": "entanglement", "between": ["a", "c"], "pairs": 1}]}


def test_qpu_fields_units_and_preset() -> None:
    spec = parse_scenario(_document(
        a={"qubits": 16, "preset": "superconducting_willow", "t1": "100 us"},
        b={"qubits": 4, "two_qubit_error": 0.01, "two_qubit_gate_time": "200 us"},
        c={"preset": "ion_trap_h2"}))
    a, b, c = (spec.nodes[name].qpu for name in "abc")
    assert a is not None and b is not None and c is not None
    assert a.qubits == 16 and a.t1 == pytest.approx(1e-4) and a.two_qubit_error == 0.0033
    assert b.two_qubit_gate_time == pytest.approx(2e-4) and b.t2 == float("inf")
    assert c.qubits == 32 and c.measurement_error == 0.0016
    assert spec.nodes["a"].memory.qubits == 2  # the communication qubits


@pytest.mark.parametrize("qpu, message", [
    ({"qubits": 0}, r"nodes\.c\.qpu\.qubits: must be >= 1"),
    ({}, r"nodes\.c\.qpu\.qubits: required"),
    ({"qubits": 2, "t1": "1 ms", "t2": "3 ms"}, r"nodes\.c\.qpu: t2 must be <= 2 t1"),
    ({"qubits": 2, "two_qubit_error": 1.5}, r"nodes\.c\.qpu\.two_qubit_error"),
    ({"preset": "snspd_wsi"}, r"nodes\.c\.qpu\.preset: 'snspd_wsi' is a detector, not a qpu"),
    ({"qubits": 2, "colour": 1}, r"nodes\.c\.qpu\.colour: unknown key")])
def test_bad_qpu_is_one_line_naming_the_path(qpu: dict[str, Any], message: str) -> None:
    with pytest.raises(ScenarioError, match=message) as error:
        parse_scenario(_document(a={"qubits": 2}, b={"qubits": 2}, c=qpu))
    assert "\n" not in str(error.value)


def test_qpu_graph_takes_capacities_and_direct_links() -> None:
    spec = parse_scenario(_document(a={"qubits": 3}, b={"qubits": 4}, c={"qubits": 5}))
    graph = qpu_graph(spec)
    assert graph.names == ("a", "b", "c") and graph.capacities == (3, 4, 5)
    assert graph.links == ((0, 1), (1, 2))
    assert qpu_graph(spec, ["a", "c"]).links == ()
    with pytest.raises(ScenarioError, match="nodes.x: no such node"):
        qpu_graph(spec, ["a", "x"])


def test_cli_partition_on_a_scenario(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("mtkahypar")
    path = tmp_path / "cluster.yaml"
    path.write_text(yaml.safe_dump(_document(a={"qubits": 4}, b={"qubits": 4},
                                             c={"qubits": 4})))
    assert main(["partition", "qft:12", "--scenario", str(path), "--json"]) == 0
    document = json.loads(capsys.readouterr().out)
    # contiguous blocks of 4 on the line a-b-c: each qubit of a carries one cat along the
    # tree a-b-c (2 e-bits), each qubit of b one to c: 4 x 2 + 4 = 12
    assert document["ebits"] <= 12
    assert set(document["ebits_per_link"]) <= {"a-b", "b-c"}
    assert set(document["placement"].values()) == {"a", "b", "c"}
    assert main(["partition", "qft:12", "--scenario", str(path), "--qpus", "3"]) == 2
    assert main(["partition", "qft:12"]) == 2


def test_the_qft64_example_needs_the_closed_form_on_its_ring(
        capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("mtkahypar")
    example = Path(__file__).resolve().parents[3] / "examples" / "dqc" / "qft64_four_qpus.yaml"
    assert main(["partition", "qft:64", "--scenario", str(example), "--json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["ebits"] <= 6 * 16  # sum over the six block pairs of min(16, 16)
    assert set(document["ebits_per_link"]) <= {"qpu_a-qpu_b", "qpu_b-qpu_c", "qpu_c-qpu_d",
                                               "qpu_a-qpu_d"}
