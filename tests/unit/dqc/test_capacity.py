"""Capacity plans: errors name the field, one configuration's figures follow the model's
closed forms, communication qubits divide among links, and the command line's exit codes."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from qfab.cli import main
from qfab.dqc.capacity import Evaluation, load_plan, module_links, plan_capacity
from qfab.dqc.link_rates import PAIRS
from qfab.errors import ScenarioError

GHZ_PLAN = """
name: ghz
circuit: {circuit: "ghz:12", duration: 1 ms, two_qubit_fidelity: 0.99,
          measurement_fidelity: 0.98}
target: {makespan: 7 ms, success_probability: 0.5}
search:
  modules: [1, 2, 3]
  qubits: 8
  communication_qubits: [1, 2]
  links:
    - {name: slow, cost: 1, rate_per_qubit: 100 Hz, fidelity: 0.9}
cost: {module: 10, communication_qubit: 3}
"""


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "plan.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _by(plan_evaluations: tuple[Evaluation, ...], modules: int, comm: int) -> Evaluation:
    return next(e for e in plan_evaluations
                if e.config.modules == modules and e.config.communication_qubits == comm)


def test_ghz_configurations_follow_the_closed_forms(tmp_path: Path) -> None:
    plan = plan_capacity(load_plan(_write(tmp_path, GHZ_PLAN)), tmp_path)
    one = plan.evaluations[0]
    assert one.config.modules == 1 and one.makespan is None and "12 data qubits" in one.note
    local = 0.99**11 * 0.98**12  # ghz:12: one H, 11 CNOTs, 12 final measurements
    # GHZ over k modules needs k - 1 e-bits (12 qubits fill two modules of 8, even of three);
    # a link of q communication qubits gives q x 100/s; the job ends after max(duration,
    # e-bits on its busiest link / rate).
    for modules, comm, rate, makespan in ((2, 1, 100.0, 0.01), (2, 2, 200.0, 0.005),
                                          (3, 2, 100.0, 0.01)):
        e = _by(plan.evaluations, modules, comm)
        assert e.rate_hz == pytest.approx(rate) and e.engine == "given"
        assert e.ebits == 1
        assert e.makespan == pytest.approx(makespan, rel=1e-9)
        assert e.success_probability == pytest.approx(0.9 * local, rel=1e-12)
        links = modules * (modules - 1) // 2
        assert e.cost == pytest.approx(modules * (10 + 3 * comm) + links * 1)
    # three modules all-to-all have two links each: one communication qubit cannot serve them
    assert "cannot serve 2 links" in _by(plan.evaluations, 3, 1).note
    assert plan.chosen is not None and plan.chosen.config.modules == 2
    assert plan.chosen.config.communication_qubits == 2


def test_module_links() -> None:
    assert module_links(1, "ring") == ()
    assert module_links(3, "ring") == module_links(3, "all_to_all") == ((0, 1), (0, 2), (1, 2))
    assert module_links(5, "ring") == ((0, 1), (0, 4), (1, 2), (2, 3), (3, 4))
    assert len(module_links(5, "all_to_all")) == 10


@pytest.mark.parametrize(("old", "new", "where"), [
    ("name: ghz\n", "name: ghz\nworkload: {random: {n: 3}}\n", "workload"),
    ("success_probability: 0.5}", "success_probability: 1.5}", "target.success_probability"),
    ("target: {makespan: 7 ms, success_probability: 0.5}", "target: {}", "target"),
    ("modules: [1, 2, 3]", "modules: []", "search.modules"),
    ("modules: [1, 2, 3]", "modules: [0, 2]", "search.modules"),
    ("topology", "topology", "search.topology[0]"),
    ("rate_per_qubit: 100 Hz, fidelity: 0.9", "fidelity: 0.9", "search.links[0]"),
    ("rate_per_qubit: 100 Hz, fidelity: 0.9",
     "kind: depolarizing, fidelity: 0.9, success_probability: 0.1, cycle_time: -1 us",
     "search.links[0].cycle_time"),
    ("rate_per_qubit: 100 Hz, fidelity: 0.9",
     "kind: depolarizing, fidelity: 0.9, success_probability: 0.1, cycle_time: 1 us, "
     "between: [a, b]", "search.links[0]"),
    ("cost: {module: 10", "cost: {module: -10", "cost.module"),
    ('"ghz:12"', '"ghz:0"', "circuit.circuit"),
    ("duration: 1 ms,", "duration: 1 ms, two_qubit_gate_time: 1 us,", "circuit"),
    ("duration: 1 ms,", "", "circuit"),
])
def test_bad_plan_names_the_field(tmp_path: Path, old: str, new: str, where: str) -> None:
    text = GHZ_PLAN.replace(old, new)
    if where == "search.topology[0]":
        text = text.replace("  links:", "  topology: [star]\n  links:")
    with pytest.raises(ScenarioError) as caught:
        plan_capacity(load_plan(_write(tmp_path, text)), tmp_path)
    assert caught.value.path == where, str(caught.value)


def test_success_target_needs_a_circuit(tmp_path: Path) -> None:
    text = GHZ_PLAN.replace('circuit: {circuit: "ghz:12", duration: 1 ms, two_qubit_fidelity: '
                            '0.99,\n          measurement_fidelity: 0.98}',
                            "workload: {random: {n: 5}}")
    with pytest.raises(ScenarioError) as caught:
        load_plan(_write(tmp_path, text))
    assert caught.value.path == "target.success_probability"


def test_link_spec_rate_grows_with_the_link_communication_qubits(tmp_path: Path) -> None:
    text = GHZ_PLAN.replace("rate_per_qubit: 100 Hz, fidelity: 0.9",
                            "kind: depolarizing, fidelity: 0.9, success_probability: 0.5, "
                            "cycle_time: 10 ms").replace("[1, 2]", "[2, 4]")
    plan = plan_capacity(load_plan(_write(tmp_path, text)), tmp_path)
    measured = {rate.communication_qubits: rate for _, rate in plan.measured}
    assert set(measured) == {1, 2, 4}  # 3 modules: 2 links each, so 2 // 2 and 4 // 2
    for qubits, rate in measured.items():
        assert rate.engine == "fast"
        # q parallel attempts of success 0.5 per 10 ms; 5 standard errors of PAIRS pairs
        tolerance = 5 * math.sqrt((1 - 0.5) / PAIRS)
        assert rate.rate_hz == pytest.approx(qubits * 50.0, rel=tolerance)
        assert rate.fidelity == pytest.approx(0.9, abs=1e-9)


def test_same_file_same_plan(tmp_path: Path) -> None:
    path = _write(tmp_path, GHZ_PLAN)
    assert plan_capacity(load_plan(path), tmp_path).to_dict() == \
        plan_capacity(load_plan(path), tmp_path).to_dict()


def test_command_exit_codes_json_and_plot(tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    path = _write(tmp_path, GHZ_PLAN)
    png = tmp_path / "frontier.png"
    assert main(["plan-capacity", str(path), "--json", "--plot", str(png)]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["chosen"]["modules"] == 2 and document["chosen"]["meets_target"]
    assert len(document["configurations"]) == 5
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert main(["plan-capacity", str(path)]) == 0
    assert "cheapest meeting the target: 2 modules" in capsys.readouterr().out
    unreachable = _write(tmp_path, GHZ_PLAN.replace("makespan: 7 ms", "makespan: 1 ms"))
    assert main(["plan-capacity", str(unreachable)]) == 1
    assert "no configuration meets the target" in capsys.readouterr().out
    bad = _write(tmp_path, GHZ_PLAN.replace("qubits: 8", "qubits: eight"))
    assert main(["plan-capacity", str(bad)]) == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and "search.qubits" in error
