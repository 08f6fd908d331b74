"""Path computation: candidate paths ranked by rate and fidelity, not hop count alone."""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable

from qfab.orchestrator.graph import Adjacency, components, shortest_simple_paths
from qfab.orchestrator.network import NetworkGraph
from qfab.physics.bell_diagonal import werner_parameter

__all__ = ["candidate_paths"]

#: Candidate paths taken from each ranking.
CANDIDATES_PER_RANKING = 6


def candidate_paths(network: NetworkGraph, source: str, target: str) -> list[list[str]]:
    """Loop-free paths worth evaluating between ``source`` and ``target``.

    Two rankings contribute their best paths: by total expected generation time (the sum of
    ``1 / rate`` over the links, which favours fast links) and by fidelity loss (the sum of
    ``-ln w`` over the links, w the Werner parameter of a heralded pair, which favours
    faithful links, since Werner parameters multiply under swapping). The orchestrator then
    evaluates each candidate with its rate and fidelity estimates.
    """
    adjacency = network.adjacency  # no path: the search finds none (no separate check)
    # costs per link index, computed once per network (every request of it shares them)
    time_cost, fidelity_cost = network.derived("routing costs", lambda: _link_costs(network))
    found: dict[tuple[str, ...], None] = {}
    if network.derived("acyclic", lambda: _is_forest(adjacency)):
        # one simple path joins two nodes of a forest: the first search finds it
        for path in itertools.islice(shortest_simple_paths(adjacency, source, target,
                                                           time_cost.__getitem__), 1):
            found[tuple(path)] = None
        return [list(path) for path in found]
    for costs in (time_cost, fidelity_cost):
        cost: Callable[[int], float] = costs.__getitem__
        for path in itertools.islice(shortest_simple_paths(adjacency, source, target, cost),
                                     CANDIDATES_PER_RANKING):
            found.setdefault(tuple(path), None)
    return [list(path) for path in found]


def _is_forest(adjacency: Adjacency) -> bool:
    """Whether the graph has no cycle: ``edges = nodes - components`` (a chain, a star,
    a tree)."""
    edges = sum(len(neighbours) for neighbours in adjacency.values()) // 2
    parts = sum(1 for _ in components(adjacency, adjacency))
    return edges == len(adjacency) - parts


def _link_costs(network: NetworkGraph) -> tuple[list[float], list[float]]:
    """Each link's generation-time cost (``1 / rate``) and fidelity cost (``-ln w``)."""
    time_cost: list[float] = []
    fidelity_cost: list[float] = []
    werner_of: dict[int, float] = {}  # equal links share their state: one evaluation each
    for model in network.models:
        time_cost.append(1.0 / model.pair_rate if model.pair_rate > 0 else math.inf)
        state = model.heralded_state
        werner = werner_of.get(id(state))
        if werner is None:
            werner = werner_of[id(state)] = float(
                werner_parameter(min(float(state[0]), 1.0)))  # rounding
        fidelity_cost.append(-math.log(werner) if werner > 0 else math.inf)
    return time_cost, fidelity_cost
