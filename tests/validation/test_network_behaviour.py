"""Orchestrated network behaviour in the event simulation: classical delays, buffering,
contention, deadlines, memory utilization."""

from __future__ import annotations

from typing import Any

import pytest

from qfab.engines import run
from qfab.loading import parse_scenario
from tests.scenarios import two_node


def test_swap_messages_take_their_propagation_time() -> None:
    """Deterministic links (p = 1) of length L: a round is the attempt period
    (cycle + L / v) plus the swap message to the far ends (L / v) before delivery frees the
    end qubits, so the rate is 1 / (cycle + 2 L / v) exactly."""
    document = {
        "qfab": 1, "nodes": {"a": {}, "r": {"memory": {"qubits": 2}}, "b": {}},
        "links": [{"kind": "depolarizing", "between": [x, y], "length": "20 km",
                   "fidelity": 0.99, "success_probability": 1.0, "cycle_time": "50 us"}
                  for x, y in (("a", "r"), ("r", "b"))],
        "requests": [{"kind": "entanglement", "between": ["a", "b"], "pairs": 20}],
    }
    result = run(parse_scenario(document), engine="des")
    round_time = 50e-6 + 2 * 20e3 / 2e8
    assert result.requests[0].rate_hz == pytest.approx(1 / round_time, rel=1e-9)


def buffered(buffer: int) -> dict[str, Any]:
    document = two_node({"kind": "depolarizing", "fidelity": 0.95, "success_probability": 0.01,
                         "cycle_time": "100 us"}, pairs=2, duration="10 s")
    document["nodes"] = {"alice": {"memory": {"qubits": 2}}, "bob": {"memory": {"qubits": 2}}}
    document["requests"][0]["start"] = "1 s"
    document["policy"] = {"buffer": buffer}
    return document


def test_buffers_serve_late_requests_at_once() -> None:
    """With buffer 2 both pairs wait in memory when the request arrives (the link fills its
    buffer in about 10 ms, far less than the 1 s before the request): zero latency, hit
    rate 1. Without buffers the pairs are generated on demand."""
    with_buffer = run(parse_scenario(buffered(2)), engine="des")
    without = run(parse_scenario(buffered(0)), engine="des")
    assert with_buffer.requests[0].latency_s == 0.0
    assert with_buffer.links[0].buffer_hit_rate == 1.0
    assert with_buffer.links[0].buffer_occupancy == pytest.approx(2.0, abs=0.05)
    assert without.requests[0].latency_s > 1e-3
    assert without.links[0].buffer_hit_rate == 0.0


def test_without_buffer_links_idle_until_demand() -> None:
    result = run(parse_scenario(buffered(0)), engine="des")
    # about 2 pairs' worth of attempts (2 x 100), nothing in the first second
    assert result.links[0].attempts < 2000


def contention(priorities: tuple[int, int]) -> dict[str, Any]:
    return {
        "qfab": 1, "seed": 2,
        "nodes": {"a": {}, "b": {}, "r": {"memory": {"qubits": 3}}, "c": {}},
        "links": [{"kind": "depolarizing", "between": [x, y], "fidelity": 0.97,
                   "success_probability": 0.3, "cycle_time": "1 ms"}
                  for x, y in (("a", "r"), ("b", "r"), ("r", "c"))],
        "requests": [{"kind": "entanglement", "between": ["a", "c"], "pairs": 200,
                      "priority": priorities[0]},
                     {"kind": "entanglement", "between": ["b", "c"], "pairs": 200,
                      "priority": priorities[1]}],
        "duration": "1000 s",
    }


@pytest.mark.parametrize(("priorities", "first"), [((0, 1), 1), ((1, 0), 0)])
def test_priority_decides_who_the_contended_repeater_serves(priorities: tuple[int, int],
                                                             first: int) -> None:
    """Both requests need r's single qubit towards c; the higher priority completes first,
    and both complete."""
    result = run(parse_scenario(contention(priorities)), engine="des")
    finished = [200 / r.rate_hz for r in result.requests if r.rate_hz]
    assert all(r.delivered == 200 for r in result.requests)
    assert finished[first] < finished[1 - first]


def test_deadline_is_reported() -> None:
    """100 pairs at about 100 Hz take about 1 s: a 0.1 s deadline is missed, 100 s is met."""
    document = two_node({"kind": "depolarizing", "fidelity": 0.95, "success_probability": 0.1,
                         "cycle_time": "1 ms"}, pairs=100, duration="100 s")
    document["requests"].append({**document["requests"][0], "deadline": "0.1 s"})
    document["requests"][0]["deadline"] = "100 s"
    document["nodes"] = {"alice": {"memory": {"qubits": 2}}, "bob": {"memory": {"qubits": 2}}}
    met, missed = run(parse_scenario(document), engine="des").requests
    assert met.deadline_met is True and missed.deadline_met is False


def test_memory_utilization_is_a_time_fraction() -> None:
    """Utilization is the time-averaged fraction of a node's qubits holding or awaiting a
    pair: within [0, 1], and well above 0 where pairs wait for a contended partner."""
    document = contention((0, 0))
    result = run(parse_scenario(document), engine="des")
    for node in result.nodes:
        assert node.utilization is not None and 0.0 <= node.utilization <= 1.0
    assert max(node.utilization or 0.0 for node in result.nodes) > 0.1
