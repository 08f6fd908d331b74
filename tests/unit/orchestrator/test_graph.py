"""The orchestrator's graph code against networkx: the same paths in the same order, the same
components and distances, on random graphs with random (and tied) link costs."""

from __future__ import annotations

import itertools
import math
import random

import networkx as nx
import pytest

from qfab.orchestrator.graph import (
    components,
    has_path,
    shortest_distance,
    shortest_simple_paths,
)


def _random_graph(seed: int) -> tuple[dict[str, dict[str, int]], list[float], nx.Graph]:
    """A random graph (some disconnected), its adjacency, costs by link and the same graph
    in networkx (nodes and links added in the same order)."""
    rng = random.Random(seed)
    nodes = [f"v{i}" for i in range(rng.randint(2, 12))]
    pairs = [pair for pair in itertools.combinations(nodes, 2) if rng.random() < 0.35]
    rng.shuffle(pairs)
    # few distinct costs, so that ties (and their order) matter
    costs = [float(rng.choice([1, 2, 3, 0.5])) for _ in pairs]
    adjacency: dict[str, dict[str, int]] = {name: {} for name in nodes}
    graph = nx.Graph()
    graph.add_nodes_from(nodes)
    for index, (a, b) in enumerate(pairs):
        adjacency[a][b] = adjacency[b][a] = index
        graph.add_edge(a, b, index=index)
    return adjacency, costs, graph


@pytest.mark.parametrize("seed", range(60))
def test_shortest_simple_paths_are_networkx_s_in_order(seed: int) -> None:
    adjacency, costs, graph = _random_graph(seed)
    nodes = list(adjacency)
    source, target = nodes[0], nodes[-1]
    connected = nx.has_path(graph, source, target)
    assert has_path(adjacency, source, target) == connected
    if not connected:
        assert list(shortest_simple_paths(adjacency, source, target, costs.__getitem__)) == []
        return

    def weight(_a: str, _b: str, data: dict[str, int]) -> float:
        return costs[data["index"]]

    expected = list(itertools.islice(nx.shortest_simple_paths(graph, source, target,
                                                              weight=weight), 8))
    found = list(itertools.islice(
        shortest_simple_paths(adjacency, source, target, costs.__getitem__), 8))
    assert found == expected


@pytest.mark.parametrize("seed", range(30))
def test_components_and_distances_are_networkx_s(seed: int) -> None:
    adjacency, costs, graph = _random_graph(seed)
    nodes = list(adjacency)
    members = nodes[::2] + nodes[1::3]
    expected = sorted(sorted(c) for c in nx.connected_components(graph.subgraph(members)))
    assert sorted(sorted(c) for c in components(adjacency, members)) == expected
    lengths = nx.single_source_dijkstra_path_length(
        graph, nodes[0], weight=lambda a, b, d: costs[d["index"]])
    for node in nodes:
        distance = shortest_distance(adjacency, nodes[0], node, costs.__getitem__)
        assert distance == pytest.approx(lengths.get(node, math.inf), rel=1e-12)


def test_a_long_chain_has_one_path_found_without_quadratic_work() -> None:
    """100,000 nodes: one candidate, found in a few passes (the networkx version of the
    same search builds a path per node and took minutes at this size)."""
    n = 100_000
    adjacency: dict[str, dict[str, int]] = {f"n{i}": {} for i in range(n)}
    for i in range(n - 1):
        adjacency[f"n{i}"][f"n{i + 1}"] = adjacency[f"n{i + 1}"][f"n{i}"] = i
    paths = list(itertools.islice(
        shortest_simple_paths(adjacency, "n0", f"n{n - 1}", lambda index: 1.0), 6))
    assert len(paths) == 1 and len(paths[0]) == n
    assert shortest_distance(adjacency, "n0", "n5", lambda index: 1.0) == 5.0
