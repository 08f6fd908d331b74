"""Which nodes need a wake-up when a swap elsewhere changes a pair they hold."""

from __future__ import annotations

from pathlib import Path

import pytest

from qfab.loading import load_scenario, parse_scenario
from qfab.orchestrator.network import NetworkGraph
from qfab.orchestrator.planner import plan_network
from qfab.protocols.runtime import NetworkRuntime
from qfab.quantum.bell_diagonal import BellDiagonalState
from qfab.rng import RandomStreams
from qfab.sim.kernel import Simulation

EXAMPLES = Path(__file__).resolve().parents[3] / "examples"


def _runtime(document: dict[str, object] | None = None, *,
             example: str | None = None) -> NetworkRuntime:
    spec = load_scenario(EXAMPLES / example) if example else parse_scenario(document)
    network = NetworkGraph(spec)
    return NetworkRuntime(Simulation(), spec, network, plan_network(spec, network),
                          RandomStreams(0), BellDiagonalState)


def _chain(swap: str) -> dict[str, object]:
    names = [f"n{i}" for i in range(5)]
    return {
        "qfab": 1, "duration": "1 s",
        "nodes": {name: {"memory": {"qubits": 1 if name in ("n0", "n4") else 2}}
                  for name in names},
        "links": [{"kind": "depolarizing", "between": [a, b], "fidelity": 0.95,
                   "success_probability": 0.3, "cycle_time": "1 ms"}
                  for a, b in zip(names, names[1:])],
        "policy": {"swap": swap},
        "requests": [{"kind": "entanglement", "between": ["n0", "n4"], "pairs": 1}],
    }


@pytest.mark.parametrize(("swap", "inner_reacts"), [("asap", False), ("nested", True)])
def test_only_knowledge_gated_or_delivering_nodes_react(swap: str,
                                                        inner_reacts: bool) -> None:
    """Oblivious asap swaps accept any far end on each side, so news changes nothing for
    them; nested swaps wait to know their pairs; the first node delivers, and the last
    has no rule at all."""
    engines = _runtime(_chain(swap)).engines
    assert engines["n0"].reacts_to_news
    assert not engines["n4"].rules and not engines["n4"].reacts_to_news
    assert all(engines[f"n{i}"].reacts_to_news is inner_reacts for i in (1, 2, 3))


def test_segment_gateways_react_to_news() -> None:
    """Stitched domains swap at gateways only once a pair spans the whole segment: the far
    end moving from inside the segment to its edge is news there."""
    runtime = _runtime(example="cross_tier_request.yaml")
    gateways = [name for name, engine in runtime.engines.items()
                if engine.reacts_to_news and engine.rules and
                name not in runtime.apps[0].plan.path[::len(runtime.apps[0].plan.path) - 1]]
    assert gateways
