"""The network as a graph: link models on the edges, classical delays along paths."""

from __future__ import annotations

from collections.abc import Sequence

import networkx as nx

from qfab.linkmodel import LinkModel, link_model
from qfab.spec.models import ScenarioSpec

__all__ = ["NetworkGraph"]


class NetworkGraph:
    """Nodes and links of a scenario, with each link's :class:`LinkModel`.

    Parameters
    ----------
    spec
        A validated scenario.
    """

    def __init__(self, spec: ScenarioSpec) -> None:
        self.spec = spec
        self.models: list[LinkModel] = [link_model(spec, index) for index in range(len(spec.links))]
        self.graph = nx.Graph()
        self.graph.add_nodes_from(spec.nodes)
        for index, model in enumerate(self.models):
            self.graph.add_edge(*model.between, index=index)
        self._delays: dict[str, dict[str, float]] = {}

    def link_index(self, a: str, b: str) -> int:
        """Index in ``spec.links`` of the link joining ``a`` and ``b``."""
        index: int = self.graph.edges[a, b]["index"]
        return index

    def model(self, a: str, b: str) -> LinkModel:
        """The link model of the link joining ``a`` and ``b``."""
        return self.models[self.link_index(a, b)]

    def path_models(self, path: Sequence[str]) -> list[LinkModel]:
        """Link models along ``path``, in order."""
        return [self.model(a, b) for a, b in zip(path, path[1:])]

    def delay(self, a: str, b: str) -> float:
        """Seconds for a classical message from ``a`` to ``b`` along the fastest fiber route."""
        if a == b:
            return 0.0
        table = self._delays.get(a)
        if table is None:
            table = nx.single_source_dijkstra_path_length(
                self.graph, a, weight=lambda x, y, _: self.model(x, y).herald_delay)
            self._delays[a] = table
        return float(table[b])
