"""Requests that share memories, and purification on repeater chains: everyone is served.

Two requests crossing on a chain with one qubit per link used to lock each other out of a
repeater (each held one side of it), and purification on a repeater chain waited forever for
its second pair; both ran to the end of the simulated time and reported "0/50". The counts
below are exact (every requested pair is delivered); fidelities are the orchestrator's
closed form (no memory noise: every delivered pair has it); the time per pair of two
contending requests is bounded by the closed form of one swap-asap round
(``tests.scenarios.max_geometric_moments``, five standard errors).
"""

from __future__ import annotations

import math
from typing import Any

import pytest

from qfab.loading import parse_scenario
from qfab.orchestrator.network import NetworkGraph
from qfab.orchestrator.planner import plan_network
from qfab.protocols.runtime import NetworkRuntime
from qfab.quantum.bell_diagonal import BellDiagonalState
from qfab.rng import RandomStreams
from qfab.sim.kernel import Simulation
from qfab.sim.time import seconds_to_ps
from tests.scenarios import max_geometric_moments

LINK = {"kind": "depolarizing", "fidelity": 0.97, "success_probability": 0.1,
        "cycle_time": "10 us"}


def crossing(pairs: int = 50, priorities: tuple[int, int] = (0, 0),
             starts: tuple[str, str] = ("0 s", "0 s")) -> dict[str, Any]:
    """Two requests crossing in opposite directions on a 5-node chain, one qubit per link."""
    return {
        "qfab": 1, "duration": "10 s",
        "topology": {"kind": "chain", "nodes": 5, "spacing": "1 km",
                     "node": {"memory": {"qubits": 1}}, "link": LINK},
        "requests": [
            {"kind": "entanglement", "between": ["n1", "n4"], "pairs": pairs,
             "priority": priorities[0], "start": starts[0]},
            {"kind": "entanglement", "between": ["n3", "n0"], "pairs": pairs,
             "priority": priorities[1], "start": starts[1]},
        ],
    }


def grid_corners() -> dict[str, Any]:
    """A 3 x 3 grid, one qubit per link, two corner-to-corner requests."""
    return {
        "qfab": 1, "duration": "10 s",
        "topology": {"kind": "grid", "rows": 3, "cols": 3, "spacing": "1 km",
                     "node": {"memory": {"qubits": 1}}, "link": LINK},
        "requests": [{"kind": "entanglement", "between": ["n0_0", "n2_2"], "pairs": 200},
                     {"kind": "entanglement", "between": ["n0_2", "n2_0"], "pairs": 200}],
    }


def purified_chain(nodes: int, qubits: int, rounds: int) -> dict[str, Any]:
    """Swap-asap repeater chain with end-to-end BBPSSW purification."""
    return {
        "qfab": 1, "duration": "60 s",
        "topology": {"kind": "chain", "nodes": nodes, "spacing": "10 km",
                     "node": {"memory": {"qubits": qubits}},
                     "link": {"kind": "depolarizing", "fidelity": 0.9,
                              "success_probability": 0.05, "cycle_time": "10 us"}},
        "policy": {"swap": "asap", "purification": "bbpssw", "purification_rounds": rounds},
        "requests": [{"kind": "entanglement", "between": ["n0", f"n{nodes - 1}"],
                      "pairs": 100}],
    }


def simulate(document: dict[str, Any], seed: int = 0) -> NetworkRuntime:
    """Run ``document``'s event simulation to its end and return the runtime."""
    spec = parse_scenario(document)
    network = NetworkGraph(spec)
    sim = Simulation()
    runtime = NetworkRuntime(sim, spec, network, plan_network(spec, network),
                             RandomStreams(seed), BellDiagonalState)
    sim.run(until=seconds_to_ps(spec.duration))
    return runtime


def assert_all_served(runtime: NetworkRuntime) -> None:
    """Every request has every pair, each at the orchestrator's closed-form fidelity."""
    for app in runtime.apps:
        assert len(app.delivery_ps) == app.requested
        assert not app.active and not app.serving
        for fidelity in app.fidelities:
            assert fidelity == pytest.approx(app.plan.expected_fidelity, rel=1e-9)
    assert runtime.outstanding == 0


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_crossing_requests_are_both_served(seed: int) -> None:
    assert_all_served(simulate(crossing(), seed))


def test_grid_corner_requests_are_both_served() -> None:
    assert_all_served(simulate(grid_corners()))


@pytest.mark.parametrize("seed", [0, 1])
def test_equal_priorities_are_served_in_scenario_order(seed: int) -> None:
    """Both start together with equal priority: the first in the scenario gets every pair,
    then the second (first come, first served, as the analytic engine assumes)."""
    first, second = simulate(crossing(pairs=40), seed).apps
    assert max(first.delivery_ps) < min(second.delivery_ps)


def test_waiting_wastes_no_time() -> None:
    """Each end-to-end pair needs one pair from each of its three links, which attempt at
    once (a link only waits for slots its own request holds, and the second request starts
    the moment the first is done): the mean time per pair is at most the mean of the
    maximum of three geometric waiting times, plus one period for the swap messages (3 km
    of fiber, 15 us, one attempt period of 10 us + 1 km / c)."""
    pairs = 1500
    document = crossing(pairs=pairs)
    document["duration"] = "100 s"
    runtime = simulate(document, seed=3)
    assert all(len(app.delivery_ps) == pairs for app in runtime.apps)
    period = runtime.links[0].period_ps
    mean, variance = max_geometric_moments(3, 0.1)
    rounds = 2 * pairs
    last = max(max(app.delivery_ps) for app in runtime.apps)
    bound = (mean + 1) * period + 5 * math.sqrt(variance / rounds) * period
    assert last / rounds <= bound


@pytest.mark.parametrize("high", [0, 1])
def test_higher_priority_is_served_first(high: int) -> None:
    """Both start together; the higher priority gets every pair before the other any."""
    priorities = (1, 0) if high == 0 else (0, 1)
    runtime = simulate(crossing(priorities=priorities))
    assert_all_served(runtime)
    first, second = runtime.apps[high], runtime.apps[1 - high]
    assert max(first.delivery_ps) < min(second.delivery_ps)


def test_higher_priority_preempts_a_running_request() -> None:
    """A lower-priority request runs alone until a higher one starts: from then on it gets
    nothing until the higher one is done, and then it finishes too."""
    runtime = simulate(crossing(priorities=(0, 1), starts=("0 s", "2 ms")))
    assert_all_served(runtime)
    low, high = runtime.apps
    start, done = seconds_to_ps(2e-3), max(high.delivery_ps)
    assert any(t < start for t in low.delivery_ps)
    assert not any(start < t < done for t in low.delivery_ps)


def test_requests_sharing_no_link_are_not_contended() -> None:
    """Disjoint paths (n0 - n1 and n2 - n4): both served from their start, in parallel."""
    document = crossing()
    document["requests"][0]["between"] = ["n0", "n1"]
    document["requests"][1]["between"] = ["n2", "n4"]
    runtime = simulate(document)
    assert_all_served(runtime)
    assert min(runtime.apps[1].delivery_ps) < max(runtime.apps[0].delivery_ps)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_purification_on_a_repeater_chain_delivers(seed: int) -> None:
    """4 nodes, the 2 qubits per link the orchestrator asks for one round."""
    assert_all_served(simulate(purified_chain(4, 2, 1), seed))


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5])
def test_two_purification_rounds_on_a_repeater_chain_deliver(seed: int) -> None:
    """5 nodes, 3 qubits per link, 2 rounds."""
    assert_all_served(simulate(purified_chain(5, 3, 2), seed))


def test_nobody_overtakes_a_request_ahead_in_line() -> None:
    """n0 - n2, n1 - n3, n2 - n4 on a one-qubit chain: the first and the last share no link,
    but the last shares one with the middle, which came before it and waits for the first;
    so they are served in scenario order, and the report says who waits for whom."""
    document = crossing(pairs=20)
    document["requests"] = [{"kind": "entanglement", "between": [f"n{i}", f"n{i + 2}"],
                             "pairs": 20} for i in range(3)]
    spec = parse_scenario(document)
    network = NetworkGraph(spec)
    sim = Simulation()
    runtime = NetworkRuntime(sim, spec, network, plan_network(spec, network),
                             RandomStreams(0), BellDiagonalState)
    sim.run(until=1)
    assert runtime.turns.waiting() == {1: frozenset({0}), 2: frozenset({1})}
    sim.run(until=seconds_to_ps(spec.duration))
    assert_all_served(runtime)
    first, middle, last = runtime.apps
    assert max(first.delivery_ps) < min(middle.delivery_ps)
    assert max(middle.delivery_ps) < min(last.delivery_ps)
    assert runtime.turns.waiting() == {}


def test_the_earlier_deadline_goes_first_on_a_shared_path() -> None:
    """Equal priorities, the second request's deadline first: it preempts the first at the
    start and gets every pair before it."""
    document = crossing()
    document["requests"][0]["deadline"] = "5 s"
    document["requests"][1]["deadline"] = "1 s"
    runtime = simulate(document)
    assert_all_served(runtime)
    late, early = runtime.apps
    assert max(early.delivery_ps) < min(late.delivery_ps)
