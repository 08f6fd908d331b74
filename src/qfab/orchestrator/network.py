"""The network as a graph: link models on the edges, classical delays along paths."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from functools import cached_property
from typing import TYPE_CHECKING, Any, TypeVar

from qfab.heap import paused_collection
from qfab.linkmodel import LinkModel, link_models
from qfab.orchestrator.graph import shortest_distance
from qfab.spec.models import ScenarioSpec

if TYPE_CHECKING:
    import numpy as np
    from scipy.sparse import csr_array

__all__ = ["NetworkGraph"]

_T = TypeVar("_T")


class NetworkGraph:
    """Nodes and links of a scenario, with each link's :class:`LinkModel`.

    Parameters
    ----------
    spec
        A validated scenario.
    """

    @paused_collection  # a model per link, all kept
    def __init__(self, spec: ScenarioSpec) -> None:
        self.spec = spec
        self.models: list[LinkModel] = link_models(spec)
        #: ``{node: {neighbour: link index}}``, nodes in scenario order, neighbours in link
        #: order (what :mod:`qfab.orchestrator.graph` searches).
        self.adjacency: dict[str, dict[str, int]] = {name: {} for name in spec.nodes}
        for index, model in enumerate(self.models):
            a, b = model.between
            self.adjacency[a][b] = index
            self.adjacency[b][a] = index
        self._position = {name: i for i, name in enumerate(self.adjacency)}
        self._herald_delay = [model.herald_delay for model in self.models].__getitem__
        self._derived: dict[str, Any] = {}
        self._delay_graph: csr_array | None = None
        self._delays: dict[str, np.ndarray] = {}

    @property
    def nodes(self) -> list[str]:
        """Node names in scenario order (the order of :meth:`delays_from`'s entries)."""
        return list(self.adjacency)

    @cached_property
    def graph(self) -> Any:
        """The network as a :class:`networkx.Graph` (edge attribute ``index``: the link's
        position in ``spec.links``), built on first use: for routing policies that plugins
        register; qfab itself plans on :attr:`adjacency` and needs no networkx."""
        import networkx as nx

        graph = nx.Graph()
        graph.add_nodes_from(self.adjacency)
        for index, model in enumerate(self.models):
            graph.add_edge(*model.between, index=index)
        return graph

    def derived(self, key: str, build: Callable[[], _T]) -> _T:
        """A value computed from this network's links, by ``build`` the first time ``key`` is
        asked for (the network does not change once built): what every request planned on
        it shares, such as the routing costs of its links."""
        if key not in self._derived:
            self._derived[key] = build()
        value: _T = self._derived[key]
        return value

    def has_link(self, a: str, b: str) -> bool:
        """Whether a link joins ``a`` and ``b``."""
        return b in self.adjacency.get(a, {})

    def link_index(self, a: str, b: str) -> int:
        """Index in ``spec.links`` of the link joining ``a`` and ``b``."""
        return self.adjacency[a][b]

    def model(self, a: str, b: str) -> LinkModel:
        """The link model of the link joining ``a`` and ``b``."""
        return self.models[self.link_index(a, b)]

    def path_models(self, path: Sequence[str]) -> list[LinkModel]:
        """Link models along ``path``, in order."""
        return [self.model(a, b) for a, b in zip(path, path[1:])]

    def delay(self, a: str, b: str) -> float:
        """Seconds for a classical message from ``a`` to ``b`` along the fastest fiber route
        (``inf`` where no route exists).

        A search from ``a`` that stops at ``b`` (:func:`qfab.orchestrator.graph.shortest_distance`):
        it visits only the nodes nearer than ``b``, so a message between neighbours costs
        little however large the network.
        """
        return shortest_distance(self.adjacency, a, b, self._herald_delay)

    def delays_to(self, target: str, nodes: Sequence[str]) -> list[float]:
        """Seconds for a classical message from each of ``nodes`` to ``target``: one search
        from ``target`` (messages take the same time either way along a fiber)."""
        table = self.delays_from(target)
        return [float(table[self._position[node]]) for node in nodes]

    def delays_from(self, a: str) -> np.ndarray:
        """Seconds for a classical message from ``a`` to every node, in ``graph.nodes`` order
        (``inf`` where no route exists)."""
        table = self._delays.get(a)
        if table is None:
            # SciPy only when delays are asked for: planning (qfab validate, plan) needs none
            from scipy.sparse.csgraph import dijkstra

            table = self._delays[a] = dijkstra(self._delay_matrix(), directed=False,
                                               indices=self._position[a])
        return table

    def _delay_matrix(self) -> csr_array:
        """Sparse matrix of the links' one-way delays (s), built on first use."""
        if self._delay_graph is None:
            from scipy.sparse import csr_array

            fastest: dict[tuple[int, int], float] = {}
            for model in self.models:
                key = (self._position[model.between[0]], self._position[model.between[1]])
                fastest[key] = min(model.herald_delay, fastest.get(key, math.inf))
            # zero-length links still connect their ends: scipy reads 0 as "no edge"
            delays = [max(delay, 1e-300) for delay in fastest.values()]
            rows, cols = zip(*fastest) if fastest else ((), ())
            size = len(self._position)
            self._delay_graph = csr_array((delays, (rows, cols)), shape=(size, size))
        return self._delay_graph
