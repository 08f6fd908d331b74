"""Tasks: expansion of a sweep into points and seeds, --set overrides, content hashes."""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from qfab.errors import EngineError, ScenarioError
from qfab.experiments.tasks import expand_tasks, parse_override, sweep_from_document
from qfab.loading import parse_scenario

ROOT = Path(__file__).resolve().parents[3]


def test_grid_expands_points_times_seeds_in_order(link_document: dict[str, Any]) -> None:
    tasks = expand_tasks(link_document)
    assert len(tasks) == 2 * 2 * 2
    assert [(t.params["links[0].success_probability"], t.params["links[0].fidelity"], t.seed)
            for t in tasks[:4]] == [(0.1, 0.9, 1), (0.1, 0.9, 2), (0.1, 0.99, 1), (0.1, 0.99, 2)]
    assert len({t.strong_id for t in tasks}) == len(tasks)


def test_zip_expands_parallel_lists(link_document: dict[str, Any]) -> None:
    link_document["sweep"]["mode"] = "zip"
    link_document["sweep"]["seeds"] = 1
    tasks = expand_tasks(link_document)
    assert [(t.params["links[0].success_probability"], t.params["links[0].fidelity"])
            for t in tasks] == [(0.1, 0.9), (0.3, 0.99)]


def test_a_task_document_is_a_complete_scenario_without_the_sweep(
        link_document: dict[str, Any]) -> None:
    task = expand_tasks(link_document, seed=40, engine="analytic")[-1]
    assert "sweep" not in task.document
    assert task.document["links"][0]["fidelity"] == 0.99
    assert (task.document["seed"], task.document["engine"]) == (41, "analytic")
    spec = parse_scenario(task.document)
    assert (spec.seed, spec.engine) == (41, "analytic")
    assert spec.links[0].model_dump()["success_probability"] == 0.3
    assert link_document["links"][0]["fidelity"] == 0.95  # the input is not modified


def test_seeds_start_at_the_scenario_seed_or_the_given_one(link_document: dict[str, Any]) -> None:
    link_document["seed"] = 7
    assert [t.seed for t in expand_tasks(link_document)][:2] == [7, 8]
    assert [t.seed for t in expand_tasks(link_document, seed=0)][:2] == [0, 1]


def test_a_document_without_sweep_is_one_task(link_document: dict[str, Any]) -> None:
    del link_document["sweep"]
    tasks = expand_tasks(link_document)
    assert len(tasks) == 1 and tasks[0].params == {}


def test_values_with_units_land_in_the_document_and_as_si_in_params(
        link_document: dict[str, Any]) -> None:
    link_document["sweep"] = {"parameters": {"nodes.alice.memory.t2": ["1 ms", "1 s"],
                                             "links[0].length": {"linspace": ["1 km", "3 km", 2]}}}
    tasks = expand_tasks(link_document)
    assert tasks[0].document["nodes"]["alice"]["memory"] == {"t2": "1 ms"}
    assert tasks[0].params == {"nodes.alice.memory.t2": 1e-3, "links[0].length": 1000.0}
    assert parse_scenario(tasks[-1].document).links[0].length == 3000.0


@pytest.mark.parametrize(("parameters", "location", "message"), [
    ({"links[1].fidelity": [0.9]}, "sweep.parameters.links[1].fidelity", "out of range"),
    ({"links[0].fidelty": [0.9]}, "sweep.parameters.links[0].fidelty", "did you mean 'fidelity'"),
    ({"nodes.carol.memory.t2": ["1 s"]}, "sweep.parameters.nodes.carol.memory.t2",
     "unknown key 'carol'"),
    ({"links[0].fidelity": [0.9, 1.3]}, "sweep.parameters.links[0].fidelity",
     "must be <= 1.0, got 1.3 \\(value 1.3\\)"),
    ({"nodes.alice.memory.t2": ["1 km"]}, "sweep.parameters.nodes.alice.memory.t2",
     "unit 'km' is a length"),
    ({"links[0].detector.efficiency": [0.5]}, "sweep.parameters.links[0].detector.efficiency",
     "unknown key 'detector'"),
])
def test_bad_parameters_are_scenario_errors_at_their_sweep_path(
        link_document: dict[str, Any], parameters: dict[str, Any], location: str,
        message: str) -> None:
    """The depolarizing link has no detector: a key only other link kinds have is rejected."""
    link_document["sweep"] = {"parameters": parameters}
    with pytest.raises(ScenarioError, match=message) as caught:
        expand_tasks(link_document)
    assert caught.value.path == location


def test_errors_of_the_sweep_block_are_located_under_sweep(link_document: dict[str, Any]) -> None:
    link_document["sweep"]["seeds"] = 0
    with pytest.raises(ScenarioError, match="^sweep.seeds: must be >= 1"):
        expand_tasks(link_document)


def test_an_unknown_engine_is_an_engine_error(link_document: dict[str, Any]) -> None:
    with pytest.raises(EngineError, match="unknown engine 'warp'"):
        expand_tasks(link_document, engine="warp")


@pytest.mark.parametrize(("text", "path", "values"), [
    ("links[0].length=1 km,10 km", "links[0].length", ["1 km", "10 km"]),
    ("links[0].fidelity=0.9, 0.95,1e-3", "links[0].fidelity", [0.9, 0.95, 1e-3]),
    ("nodes.alice.memory.qubits=1,2", "nodes.alice.memory.qubits", [1, 2]),
    ("policy.swap=asap,nested", "policy.swap", ["asap", "nested"]),
    ("links[0].length=linspace(1 km, 3 km, 3)", "links[0].length", [1000.0, 2000.0, 3000.0]),
    ("links[0].cycle_time=logspace(1 us, 1 ms, 4)", "links[0].cycle_time",
     pytest.approx([1e-6, 1e-5, 1e-4, 1e-3])),
    ("links[0].fidelity = 0.9", "links[0].fidelity", [0.9]),
])
def test_set_options_parse(text: str, path: str, values: Any) -> None:
    parsed_path, spec = parse_override(text)
    assert parsed_path == path
    assert spec.document_values() == values


@pytest.mark.parametrize(("text", "message"), [
    ("links[0].length", "expected PATH=VALUES"),
    ("links[0].length=", "expected PATH=VALUES"),
    ("links[0.length=1", "cannot read"),
    ("links[0].length=linspace(1 km, 2 km)", "takes \\(start, stop, num\\)"),
    ("links[0].length=logspace(0, 1 km, 3)", "endpoints must be > 0"),
])
def test_bad_set_options_are_scenario_errors(text: str, message: str) -> None:
    with pytest.raises(ScenarioError, match=message) as caught:
        parse_override(text)
    assert caught.value.path.startswith("--set ")


def test_set_replaces_or_adds_parameters(link_document: dict[str, Any]) -> None:
    sweep = sweep_from_document(link_document, ["links[0].fidelity=0.8",
                                                "links[0].length=1 km,2 km,3 km"])
    assert sweep.seeds == 2
    assert list(sweep.parameters) == ["links[0].success_probability", "links[0].fidelity",
                                      "links[0].length"]
    assert len(expand_tasks(link_document, overrides=["links[0].fidelity=0.8"])) == 2 * 1 * 2
    del link_document["sweep"]
    assert len(expand_tasks(link_document, overrides={"links[0].fidelity": [0.8, 0.9]})) == 2


def test_strong_id_changes_with_seed_engine_and_value(link_document: dict[str, Any]) -> None:
    del link_document["sweep"]
    base = expand_tasks(link_document)[0].strong_id
    assert expand_tasks(link_document, seed=2)[0].strong_id != base
    assert expand_tasks(link_document, engine="analytic")[0].strong_id != base
    changed = copy.deepcopy(link_document)
    changed["links"][0]["fidelity"] = 0.951
    assert expand_tasks(changed)[0].strong_id != base


def test_strong_id_depends_on_the_validated_scenario_not_its_spelling(
        link_document: dict[str, Any]) -> None:
    """1 ms and 0.001 are the same cycle time; key order does not matter."""
    del link_document["sweep"]
    base = expand_tasks(link_document)[0].strong_id
    respelled = copy.deepcopy(link_document)
    respelled["links"][0]["cycle_time"] = 0.001
    respelled["links"][0] = dict(reversed(list(respelled["links"][0].items())))
    assert expand_tasks(respelled)[0].strong_id == base
    duplicated = copy.deepcopy(link_document)
    duplicated["sweep"] = {"parameters": {"links[0].cycle_time": ["1 ms", 0.001, "2 ms"]}}
    assert len(expand_tasks(duplicated)) == 2  # the same point appears once


def test_strong_id_is_stable_across_processes(link_document: dict[str, Any]) -> None:
    """A fresh interpreter (a new hash seed) computes the same ids."""
    code = ("import json, sys; from qfab.experiments.tasks import expand_tasks; "
            "print(json.dumps([t.strong_id for t in expand_tasks(json.load(sys.stdin))]))")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)]),
           "PYTHONHASHSEED": "123"}
    output = subprocess.run([sys.executable, "-c", code], input=json.dumps(link_document),
                            capture_output=True, text=True, env=env, check=True).stdout
    assert json.loads(output) == [t.strong_id for t in expand_tasks(link_document)]


def test_a_topology_is_expanded_into_the_task_document() -> None:
    document = {"qfab": 1, "topology": {"kind": "chain", "nodes": 3, "spacing": "10 km",
                                        "link": {"kind": "depolarizing", "fidelity": 0.9,
                                                 "success_probability": 0.5,
                                                 "cycle_time": "1 ms"}},
                "sweep": {"parameters": {"topology.spacing": ["1 km", "2 km"]}}}
    tasks = expand_tasks(document)
    assert "topology" not in tasks[0].document and len(tasks[0].document["links"]) == 2
    assert parse_scenario(tasks[1].document).links[0].length == 2000.0


def test_a_swept_node_does_not_carry_its_yaml_alias_with_it() -> None:
    """Two nodes whose memories are one YAML alias: sweeping bob's t2 changes bob's only."""
    memory = {"qubits": 1, "t2": 1.0}
    document: dict[str, Any] = {
        "qfab": 1, "name": "aliased", "nodes": {"alice": {"memory": memory},
                                                "bob": {"memory": memory}},
        "links": [{"kind": "depolarizing", "between": ["alice", "bob"], "fidelity": 0.9,
                   "success_probability": 0.1, "cycle_time": 1e-6}],
        "sweep": {"parameters": {"nodes.bob.memory.t2": {"values": [0.5]}}},
    }
    (task,) = expand_tasks(document)
    nodes = task.document["nodes"]
    assert nodes["bob"]["memory"]["t2"] == 0.5
    assert nodes["alice"]["memory"]["t2"] == 1.0
