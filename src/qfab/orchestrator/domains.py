"""Tier domains: groups of nodes with their own controller, and the gateways between them.

Nodes of one tier (``nodal``, ``cluster``, ``campus``, ``wan``; ``default`` for nodes without
a tier) that are connected through nodes of the same tier form a domain. A request whose path
crosses domains is cut into segments, one per domain and one per link between domains; each
domain's controller plans the swaps inside its segment, and the orchestrator stitches the
segments together at the gateway nodes where the path changes domain.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from qfab.orchestrator.graph import components as connected_components
from qfab.spec.models import ScenarioSpec

__all__ = ["Domain", "find_domains", "segments_of"]


@dataclass(frozen=True)
class Domain:
    """A connected group of nodes of one tier, run by one controller."""

    name: str
    tier: str
    nodes: frozenset[str]


def find_domains(spec: ScenarioSpec, graph: Mapping[str, Iterable[str]]) -> dict[str, Domain]:
    """Map every node to its domain.

    ``graph`` maps each node to its neighbours (:attr:`NetworkGraph.adjacency
    <qfab.orchestrator.network.NetworkGraph.adjacency>`, or a networkx graph).

    Domains are the connected components of the subgraph induced by each tier's nodes; a
    tier with one component gives a domain named after the tier, otherwise ``tier-1``,
    ``tier-2``, ... in order of the components' first node in the scenario.
    """
    order = {name: position for position, name in enumerate(spec.nodes)}
    by_tier: dict[str, list[str]] = {}
    for name, node in spec.nodes.items():
        by_tier.setdefault(node.tier or "default", []).append(name)
    domain_of: dict[str, Domain] = {}
    for tier, members in by_tier.items():
        components = sorted((sorted(c, key=order.__getitem__)
                             for c in connected_components(graph, members)),
                            key=lambda c: order[c[0]])
        for number, component in enumerate(components, start=1):
            name = tier if len(components) == 1 else f"{tier}-{number}"
            domain = Domain(name, tier, frozenset(component))
            for member in component:
                domain_of[member] = domain
    return domain_of


def segments_of(path: Sequence[str], domain_of: dict[str, Domain]) -> list[tuple[int, int]]:
    """Cut a path into segments ``(first, last)`` (indices into ``path``).

    Consecutive nodes of one domain form a segment; a link between two domains is a segment
    of its own. Segment ends are the path's ends and its gateways.
    """
    segments: list[tuple[int, int]] = []
    start = 0
    for i in range(1, len(path)):
        if domain_of[path[i]] != domain_of[path[i - 1]]:
            if i - 1 > start:
                segments.append((start, i - 1))
            segments.append((i - 1, i))
            start = i
    if len(path) - 1 > start:
        segments.append((start, len(path) - 1))
    return segments
