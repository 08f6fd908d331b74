"""Classical delays computed per pair of nodes asked for equal the fastest-route table."""

from __future__ import annotations

import random
from typing import Any

import pytest

from qfab.loading import parse_scenario
from qfab.orchestrator.network import NetworkGraph
from qfab.protocols.delays import ClassicalDelays
from qfab.sim.time import seconds_to_ps


def _mesh(seed: int) -> NetworkGraph:
    rng = random.Random(seed)
    names = [f"v{i}" for i in range(9)]
    links: list[dict[str, Any]] = [
        {"kind": "depolarizing", "between": [names[i], names[i + 1]], "fidelity": 0.9,
         "success_probability": 0.1, "cycle_time": "1 ms", "length": rng.uniform(0, 30e3)}
        for i in range(8)]
    for _ in range(6):
        a, b = rng.sample(names, 2)
        if not any({a, b} == set(link["between"]) for link in links):
            links.append({**links[0], "between": [a, b], "length": rng.uniform(0, 30e3)})
    return NetworkGraph(parse_scenario({"qfab": 1,
                                        "nodes": {n: {"memory": {"qubits": 8}} for n in names},
                                        "links": links}))


@pytest.mark.parametrize("seed", range(5))
def test_pairwise_delays_are_the_fastest_route(seed: int) -> None:
    network = _mesh(seed)
    delays = ClassicalDelays(network)
    for a in network.nodes:
        table = network.delays_from(a)  # SciPy's Dijkstra over every node
        for position, b in enumerate(network.nodes):
            expected = float(table[position]) if a != b else 0.0
            assert network.delay(a, b) == pytest.approx(expected, rel=1e-12, abs=1e-300)
            assert delays.between(a, b) == seconds_to_ps(network.delay(a, b))
    assert delays.from_node("v0")["v3"] == delays.between("v0", "v3")
