"""Regular networks: the nodes and edges of a chain, a ring, a star or a grid."""

from __future__ import annotations

from qfab.spec.topology import (
    ChainTopologySpec,
    GridTopologySpec,
    RingTopologySpec,
    StarTopologySpec,
)

__all__ = ["Edge", "regular_graph"]

#: An edge: its two node names and its length in metres (``None``: the topology's spacing).
Edge = tuple[str, str, float | None]


def regular_graph(topology: ChainTopologySpec | RingTopologySpec | StarTopologySpec
                  | GridTopologySpec) -> tuple[list[str], list[Edge]]:
    """Node names and edges of a regular topology, in the order its kind documents.

    Examples
    --------
    >>> names, edges = regular_graph(RingTopologySpec(nodes=3, spacing=1.0, link={}))
    >>> names
    ['n0', 'n1', 'n2']
    >>> [(a, b) for a, b, _ in edges]
    [('n0', 'n1'), ('n1', 'n2'), ('n2', 'n0')]
    """
    p = topology.prefix
    if isinstance(topology, (ChainTopologySpec, RingTopologySpec)):
        names = [f"{p}{i}" for i in range(topology.nodes)]
        edges: list[Edge] = [(names[i], names[i + 1], None) for i in range(len(names) - 1)]
        if isinstance(topology, RingTopologySpec):
            edges.append((names[-1], names[0], None))
        return names, edges
    if isinstance(topology, StarTopologySpec):
        leaves = list(topology.leaf_names())
        return [topology.center, *leaves], [(topology.center, leaf, None) for leaf in leaves]
    if isinstance(topology, GridTopologySpec):
        names, edges = [], []
        for r in range(topology.rows):
            for c in range(topology.cols):
                names.append(f"{p}{r}_{c}")
                if c + 1 < topology.cols:
                    edges.append((f"{p}{r}_{c}", f"{p}{r}_{c + 1}", None))
                if r + 1 < topology.rows:
                    edges.append((f"{p}{r}_{c}", f"{p}{r + 1}_{c}", None))
        return names, edges
    raise TypeError(f"not a regular topology: {type(topology).__name__}")
