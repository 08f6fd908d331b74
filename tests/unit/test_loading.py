"""The loading pipeline: read, expand the topology, validate; errors name the YAML path."""

from __future__ import annotations

from pathlib import Path

import pytest

from qfab.errors import ScenarioError
from qfab.loading import load_scenario, parse_scenario
from qfab.spec import validate_scenario

LINK = {"kind": "depolarizing", "fidelity": 0.95, "success_probability": 0.1,
        "cycle_time": "1 ms"}


def test_a_topology_file_is_found_next_to_the_scenario_file(tmp_path: Path) -> None:
    (tmp_path / "graph.json").write_text(
        '{"nodes": [{"id": "a"}, {"id": "b", "tier": "campus"}],'
        ' "links": [{"source": "a", "target": "b", "length": "3 km"}]}', encoding="utf-8")
    (tmp_path / "scenario.yaml").write_text(
        "qfab: 1\n"
        "topology: {kind: file, path: graph.json, link: {kind: depolarizing, fidelity: 0.95,"
        " success_probability: 0.1, cycle_time: 1 ms}}\n", encoding="utf-8")
    spec = load_scenario(tmp_path / "scenario.yaml")
    assert list(spec.nodes) == ["a", "b"] and spec.nodes["b"].tier == "campus"
    assert spec.links[0].between == ("a", "b") and spec.links[0].length == 3000.0


@pytest.mark.parametrize(("document", "path"), [
    ({"qfab": 1, "topology": {"kind": "chain", "nodes": 3, "spcing": "1 km", "link": LINK}},
     "topology.spcing"),
    ({"qfab": 1, "topology": {"kind": "chain", "nodes": 3, "spacing": "1 km",
                              "link": {**LINK, "fidelity": 1.5}}}, "topology.link.fidelity"),
    ({"qfab": 1, "topology": {"kind": "chain", "nodes": 2, "spacing": "1 km", "link": LINK},
      "nodes": {"n0": {"memory": {"t2": "-1 s"}}}}, "nodes.n0.memory.t2"),
])
def test_errors_name_the_yaml_path_before_and_after_expansion(document: dict[str, object],
                                                              path: str) -> None:
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(document)
    assert caught.value.path == path


def test_validation_alone_does_not_expand_a_topology() -> None:
    """The spec layer validates what is written; generated nodes come from qfab.topology."""
    document = {"qfab": 1, "topology": {"kind": "chain", "nodes": 3, "spacing": "1 km",
                                        "link": LINK}}
    assert list(parse_scenario(document).nodes) == ["n0", "n1", "n2"]
    with pytest.raises(ScenarioError, match="^nodes: required$"):
        validate_scenario(document)


def test_a_swept_value_is_checked_where_it_is_written_not_through_a_yaml_alias(
        tmp_path: Path) -> None:
    text = """qfab: 1
name: aliased memories
nodes:
  alice: {memory: &memory {qubits: 1, t2: 1 s}}
  bob: {memory: *memory}
links:
  - {kind: depolarizing, between: [alice, bob], fidelity: 0.9, success_probability: 0.1,
     cycle_time: 1 us}
sweep:
  parameters:
    nodes.bob.memory.t2: {values: [true]}
"""
    path = tmp_path / "aliased.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    assert caught.value.path == "sweep.parameters.nodes.bob.memory.t2"
