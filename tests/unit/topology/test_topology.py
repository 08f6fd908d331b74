"""Topology generators: regular networks and graph files expand into nodes and links."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from qfab.errors import ScenarioError
from qfab.spec.models import ScenarioSpec
from qfab.spec.topology import ChainTopologySpec, StarTopologySpec
from qfab.topology import expand_topology, generate

DATA = Path(__file__).resolve().parents[2] / "data" / "topologies"

LINK: dict[str, Any] = {"kind": "depolarizing", "fidelity": 0.95, "success_probability": 0.1,
                        "cycle_time": "1 ms"}


def scenario(topology: dict[str, Any], **top: Any) -> dict[str, Any]:
    """A scenario document whose nodes and links all come from ``topology``."""
    return {"qfab": 1, "name": "topology", "topology": {"link": LINK, **topology}, **top}


def validated(document: dict[str, Any]) -> ScenarioSpec:
    """Validate an expanded document."""
    return ScenarioSpec.model_validate(document)


def test_chain_names_links_and_lengths() -> None:
    nodes, links = generate(ChainTopologySpec(nodes=4, spacing=2000.0, link=LINK))
    assert list(nodes) == ["n0", "n1", "n2", "n3"]
    assert [link["between"] for link in links] == [["n0", "n1"], ["n1", "n2"], ["n2", "n3"]]
    assert [link["length"] for link in links] == [2000.0] * 3
    assert all(link["fidelity"] == 0.95 and link["kind"] == "depolarizing" for link in links)


def test_ring_closes_the_chain() -> None:
    document = expand_topology(scenario({"kind": "ring", "nodes": 5, "spacing": "1 km"}))
    spec = validated(document)
    assert [tuple(link.between) for link in spec.links][-1] == ("n4", "n0")
    assert all(spec.degree(name) == 2 for name in spec.nodes)


def test_star_hub_qubits_scale_with_degree() -> None:
    nodes, links = generate(StarTopologySpec(leaves=6, spacing=500.0, link=LINK,
                                             node={"memory": {"qubits": 2, "t2": "1 s"}}))
    assert list(nodes) == ["hub", "n1", "n2", "n3", "n4", "n5", "n6"]
    assert [link["between"] for link in links] == [["hub", f"n{i}"] for i in range(1, 7)]
    assert nodes["hub"]["memory"] == {"qubits": 12, "t2": "1 s"}
    assert nodes["n3"]["memory"] == {"qubits": 2, "t2": "1 s"}


def test_chain_repeaters_get_one_qubit_per_link_by_default() -> None:
    spec = validated(expand_topology(scenario({"kind": "chain", "nodes": 4, "spacing": 0})))
    assert [spec.nodes[name].memory.qubits for name in spec.nodes] == [1, 2, 2, 1]
    assert spec.qubits_per_link("n1") == 1


@pytest.mark.parametrize(("rows", "cols"), [(1, 2), (2, 1), (3, 4), (5, 5)])
def test_grid_link_count(rows: int, cols: int) -> None:
    document = expand_topology(
        scenario({"kind": "grid", "rows": rows, "cols": cols, "spacing": "2 km"}))
    spec = validated(document)
    assert len(spec.nodes) == rows * cols
    assert len(spec.links) == rows * (cols - 1) + cols * (rows - 1)
    assert f"n{rows - 1}_{cols - 1}" in spec.nodes


def test_grid_links_go_right_then_down() -> None:
    document = expand_topology(scenario({"kind": "grid", "rows": 2, "cols": 2, "spacing": 0}))
    assert [link["between"] for link in document["links"]] == [
        ["n0_0", "n0_1"], ["n0_0", "n1_0"], ["n0_1", "n1_1"], ["n1_0", "n1_1"]]


def test_tier_is_applied_unless_the_node_template_sets_one() -> None:
    spec = validated(expand_topology(
        scenario({"kind": "chain", "nodes": 3, "spacing": 0, "tier": "campus"})))
    assert {node.tier for node in spec.nodes.values()} == {"campus"}
    spec = validated(expand_topology(scenario({"kind": "chain", "nodes": 3, "spacing": 0,
                                               "tier": "campus", "node": {"tier": "wan"}})))
    assert {node.tier for node in spec.nodes.values()} == {"wan"}


def test_explicit_node_entries_are_merged_onto_generated_ones() -> None:
    document = scenario({"kind": "chain", "nodes": 3, "spacing": 0,
                         "node": {"memory": {"t2": "1 s"}}},
                        nodes={"n1": {"memory": {"qubits": 6}, "tier": "nodal"},
                               "extra": {"memory": {"qubits": 1}}},
                        links=[{**LINK, "between": ["n2", "extra"]}])
    spec = validated(expand_topology(document))
    assert spec.nodes["n1"].memory.qubits == 6  # explicit key wins
    assert spec.nodes["n1"].memory.t2 == 1.0  # generated key kept
    assert spec.nodes["n1"].tier == "nodal"
    assert "extra" in spec.nodes


def test_generated_links_come_first_and_explicit_links_count_towards_degree() -> None:
    document = scenario({"kind": "chain", "nodes": 3, "spacing": 0},
                        nodes={"far": {}}, links=[{**LINK, "between": ["n2", "far"]}])
    spec = validated(expand_topology(document))
    assert [tuple(link.between) for link in spec.links] == [
        ("n0", "n1"), ("n1", "n2"), ("n2", "far")]
    assert spec.nodes["n2"].memory.qubits == 2


def test_template_length_wins_over_spacing() -> None:
    document = expand_topology(scenario({"kind": "chain", "nodes": 3, "spacing": "10 km",
                                         "link": {**LINK, "length": "3 km"}}))
    assert [link.length for link in validated(document).links] == [3000.0, 3000.0]


def test_spacing_accepts_unit_strings() -> None:
    document = expand_topology(scenario({"kind": "chain", "nodes": 2, "spacing": "25 km"}))
    assert document["links"][0]["length"] == 25_000.0
    assert validated(document).links[0].length == 25_000.0


def test_inputs_are_not_mutated() -> None:
    document = scenario({"kind": "star", "leaves": 2, "spacing": 0,
                         "node": {"memory": {"qubits": 1}}}, nodes={"hub": {"tier": "wan"}})
    before = copy.deepcopy(document)
    expanded = expand_topology(document)
    expanded["nodes"]["n1"]["memory"]["qubits"] = 99
    expanded["links"][0]["fidelity"] = 0.5
    assert document == before
    assert "topology" in expanded


def test_document_without_topology_is_returned_unchanged() -> None:
    document = {"qfab": 1, "nodes": {"a": {}}, "links": []}
    assert expand_topology(document) == document
    assert expand_topology({**document, "topology": None}) == {**document, "topology": None}


@pytest.mark.parametrize("name", ["metro_ring.graphml", "metro_ring.json"])
def test_file_topology_takes_lengths_and_tiers_from_the_file(name: str) -> None:
    document = expand_topology(
        scenario({"kind": "file", "path": name, "spacing": "3 km", "tier": "nodal"},
                 requests=[{"kind": "entanglement", "between": ["lab", "hospital"], "pairs": 1}]),
        base_dir=DATA)
    spec = validated(document)
    assert set(spec.nodes) == {"lab", "datacenter", "hospital", "exchange"}
    assert spec.nodes["exchange"].tier == "wan"  # the file's tier wins over the field
    assert spec.nodes["lab"].tier == "campus"
    assert all(node.memory.qubits == 2 for node in spec.nodes.values())
    lengths = {frozenset(link.between): link.length for link in spec.links}
    assert lengths == {frozenset({"lab", "datacenter"}): 12_000.0,
                       frozenset({"datacenter", "hospital"}): 8_500.0,
                       frozenset({"hospital", "exchange"}): 20_000.0,
                       frozenset({"exchange", "lab"}): 3_000.0}  # no length: spacing


def test_json_file_may_use_the_edges_key_and_an_explicit_format(tmp_path: Path) -> None:
    graph = {"nodes": [{"id": 1}, {"id": 2}, {"id": 3}],
             "edges": [{"source": 1, "target": 2, "length": "1.5 km"},
                       {"source": 2, "target": 3, "length": 40}]}
    (tmp_path / "graph.data").write_text(json.dumps(graph), encoding="utf-8")
    document = expand_topology(scenario({"kind": "file", "path": "graph.data", "format": "json",
                                         "prefix": "q"}), base_dir=tmp_path)
    spec = validated(document)
    assert list(spec.nodes) == ["q1", "q2", "q3"]
    assert [link.length for link in spec.links] == [1500.0, 40.0]
    assert spec.nodes["q2"].memory.qubits == 2


def test_absolute_path_ignores_base_dir(tmp_path: Path) -> None:
    document = expand_topology(scenario({"kind": "file", "path": str(DATA / "metro_ring.json")}),
                               base_dir=tmp_path)
    assert len(document["links"]) == 4


BAD: list[tuple[str, dict[str, Any], str]] = [
    ("unknown kind", {"kind": "chian", "nodes": 3, "spacing": 0},
     r"^topology: unknown kind 'chian' .*did you mean 'chain'"),
    ("negative spacing", {"kind": "chain", "nodes": 3, "spacing": "-5 km"},
     r"^topology\.spacing: must be >= 0, got '-5 km'$"),
    ("spacing of the wrong dimension", {"kind": "ring", "nodes": 3, "spacing": "5 ms"},
     r"^topology\.spacing: unit 'ms' is a time, expected a length"),
    ("chain of one node", {"kind": "chain", "nodes": 1, "spacing": 0},
     r"^topology\.nodes: must be >= 2, got 1$"),
    ("grid of one node", {"kind": "grid", "rows": 1, "cols": 1, "spacing": 0},
     r"^topology: a grid needs at least 2 nodes"),
    ("misspelled key", {"kind": "chain", "nodes": 3, "spcing": 0},
     r"^topology\.spcing: unknown key 'spcing'; did you mean 'spacing'\?$"),
    ("link template with ends", {"kind": "chain", "nodes": 3, "spacing": 0,
                                 "link": {**LINK, "between": ["a", "b"]}},
     r"^topology\.link: a link template must not have 'between'"),
    ("star center named like a leaf", {"kind": "star", "leaves": 3, "spacing": 0, "center": "n2"},
     r"^topology: the center 'n2' has the name of a leaf"),
    ("qubits per link not a number", {"kind": "chain", "nodes": 3, "spacing": 0,
                                      "node": {"memory": {"qubits": "two"}}},
     r"^topology\.node\.memory\.qubits: qubits per link must be a whole number >= 1"),
    ("missing file", {"kind": "file", "path": "no_such_graph.graphml"},
     r"^topology\.path: cannot read .*no_such_graph\.graphml"),
    ("unknown extension", {"kind": "file", "path": "metro_ring.txt"},
     r"^topology\.path: cannot tell the format of metro_ring\.txt"),
]


@pytest.mark.parametrize(("name", "topology", "message"), BAD, ids=[case[0] for case in BAD])
def test_bad_topology_is_named(name: str, topology: dict[str, Any], message: str) -> None:
    with pytest.raises(ScenarioError, match=message) as caught:
        expand_topology(scenario(topology), base_dir=DATA)
    assert caught.value.path.startswith("topology")


TWO_NODES = [{"id": "a"}, {"id": "b"}]


@pytest.mark.parametrize(("content", "message"), [
    (json.dumps({"nodes": TWO_NODES, "links": [{"source": "a", "target": "b",
                                                "length": "3 parsecs"}]}),
     r"edge a - b: length: unknown unit 'parsecs'"),
    (json.dumps({"nodes": TWO_NODES, "links": [{"source": "a", "target": "b", "length": -2}]}),
     r"edge a - b: length must be a finite length >= 0"),
    (json.dumps({"nodes": [{"id": "a", "tier": "metro"}]}), r"node a: tier must be one of"),
    (json.dumps({"nodes": [{"id": "a"}], "links": [{"source": "a", "target": "a"}]}),
     r"edge a - a: a link needs two different nodes"),
    (json.dumps({"nodes": TWO_NODES, "links": [{"source": "a", "target": "b"},
                                               {"source": "b", "target": "a"}]}),
     r"a second edge between these nodes"),
    ('{"nodes": [', r"not a valid node-link JSON graph"),
    ("[1, 2]", r"not a valid node-link JSON graph"),
    (json.dumps({"nodes": [{"name": "a"}]}), r"not a valid node-link JSON graph"),
])
def test_bad_graph_file_is_named(tmp_path: Path, content: str, message: str) -> None:
    (tmp_path / "graph.json").write_text(content, encoding="utf-8")
    with pytest.raises(ScenarioError, match=message) as caught:
        expand_topology(scenario({"kind": "file", "path": "graph.json"}), base_dir=tmp_path)
    assert caught.value.path == "topology.path"


def test_malformed_graphml_is_named(tmp_path: Path) -> None:
    (tmp_path / "graph.graphml").write_text("<graphml><graph>", encoding="utf-8")
    with pytest.raises(ScenarioError, match=r"^topology\.path: .*not a valid GraphML graph"):
        expand_topology(scenario({"kind": "file", "path": "graph.graphml"}), base_dir=tmp_path)
