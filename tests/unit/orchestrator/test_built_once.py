"""The network graph and the domains are built once per run, and routing only reads the graph."""

from __future__ import annotations

import copy
import sys
from typing import Any

import pytest

from qfab.engines import run, supports
from qfab.loading import parse_scenario
from qfab.orchestrator import domains as domains_module, plan_network
from qfab.orchestrator.domains import find_domains
from qfab.orchestrator.network import NetworkGraph
from qfab.orchestrator.routing import candidate_paths
from qfab.spec.models import ScenarioSpec


def _tiered_chain(tiers: bool = True) -> ScenarioSpec:
    """q0 (nodal) - k1 (campus) - k2 (campus) - q3 (nodal), with a fast detour k1 - x - k2
    (without ``tiers``, the same network in one domain)."""
    def link(a: str, b: str, p: float = 0.4) -> dict[str, Any]:
        return {"kind": "depolarizing", "between": [a, b], "fidelity": 0.97,
                "success_probability": p, "cycle_time": "1 ms"}

    document: dict[str, Any] = {
        "qfab": 1, "seed": 3, "duration": "1000 s",
        "nodes": {"q0": {"tier": "nodal"},
                  "k1": {"tier": "campus", "memory": {"qubits": 3}},
                  "x": {"tier": "campus", "memory": {"qubits": 2}},
                  "k2": {"tier": "campus", "memory": {"qubits": 3}},
                  "q3": {"tier": "nodal"}},
        "links": [link("q0", "k1"), link("k1", "k2", p=0.05), link("k1", "x"),
                  link("x", "k2"), link("k2", "q3")],
        "requests": [{"kind": "entanglement", "between": ["q0", "q3"], "pairs": 20}],
        "fast": {"shots": 200},
    }
    if not tiers:
        for node in document["nodes"].values():
            node.pop("tier")
    return parse_scenario(document)


def test_candidate_paths_leave_the_shared_graph_as_it_was() -> None:
    network = NetworkGraph(_tiered_chain())
    before = copy.deepcopy(dict(network.graph.edges.items()))
    paths = candidate_paths(network, "q0", "q3")
    assert ["q0", "k1", "k2", "q3"] in paths and ["q0", "k1", "x", "k2", "q3"] in paths
    assert dict(network.graph.edges.items()) == before


def test_candidate_paths_rank_by_generation_time_first() -> None:
    """The slow direct k1 - k2 link (p = 0.05) costs 20 ms; the detour 2 x 2.5 ms wins."""
    paths = candidate_paths(NetworkGraph(_tiered_chain()), "q0", "q3")
    assert paths[0] == ["q0", "k1", "x", "k2", "q3"]


def test_the_plan_carries_every_node_domain() -> None:
    spec = _tiered_chain()
    network = NetworkGraph(spec)
    expected = {node: domain.name for node, domain in find_domains(spec, network.graph).items()}
    assert plan_network(spec, network).domains == expected
    assert expected == {"q0": "nodal-1", "k1": "campus", "x": "campus", "k2": "campus",
                        "q3": "nodal-2"}


@pytest.mark.parametrize("engine", ["analytic", "fast", "des"])
def test_a_run_builds_one_network_graph_and_finds_domains_once(
        engine: str, monkeypatch: pytest.MonkeyPatch) -> None:
    spec = _tiered_chain()
    if not supports(spec, engine=engine):  # a path stitched across domains needs des
        spec = _tiered_chain(tiers=False)
    counts = {"graphs": 0, "domains": 0}
    original_init = NetworkGraph.__init__
    original_find = domains_module.find_domains

    def counting_init(self: NetworkGraph, *args: Any, **kwargs: Any) -> None:
        counts["graphs"] += 1
        original_init(self, *args, **kwargs)

    def counting_find(*args: Any, **kwargs: Any) -> Any:
        counts["domains"] += 1
        return original_find(*args, **kwargs)

    monkeypatch.setattr(NetworkGraph, "__init__", counting_init)
    for name, module in list(sys.modules.items()):  # every module that imported it by name
        if name.startswith("qfab") and getattr(module, "find_domains", None) is original_find:
            monkeypatch.setattr(module, "find_domains", counting_find)
    result = run(spec, engine=engine)
    assert counts == {"graphs": 1, "domains": 1}
    if engine == "des":
        assert {node.name: node.domain for node in result.nodes} == {
            "q0": "nodal-1", "k1": "campus", "x": "campus", "k2": "campus", "q3": "nodal-2"}


def test_a_forest_has_one_candidate_path_and_a_cycle_more() -> None:
    """Two nodes of a tree are joined by one simple path, which is the only candidate (the
    k-shortest search is skipped); a cycle (the detour k1 - x - k2) gives more."""
    document = _tiered_chain(tiers=False).model_dump(mode="json", exclude_none=True)
    document["links"] = [link for link in document["links"]
                         if sorted(link["between"]) != ["k1", "k2"]]
    document["nodes"]["k1"]["memory"]["qubits"] = 2
    document["nodes"]["k2"]["memory"]["qubits"] = 2
    tree = NetworkGraph(parse_scenario(document))
    assert candidate_paths(tree, "q0", "q3") == [["q0", "k1", "x", "k2", "q3"]]
    assert candidate_paths(tree, "x", "q0") == [["x", "k1", "q0"]]
    assert len(candidate_paths(NetworkGraph(_tiered_chain(tiers=False)), "q0", "q3")) == 2
