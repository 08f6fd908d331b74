"""Classical message delays between nodes, along the shortest fiber route."""

from __future__ import annotations

from collections.abc import Mapping

from qfab.orchestrator.network import NetworkGraph
from qfab.sim.time import seconds_to_ps

__all__ = ["ClassicalDelays"]


class ClassicalDelays:
    """One-way classical delays (ps) between the nodes of ``network``, each pair computed on
    first use (a search from the sender that stops at the receiver, so a run costs what its
    messages need, not a table of every pair of nodes).

    Parameters
    ----------
    network
        The graph whose fiber lengths set the delays.
    """

    __slots__ = ("_from", "_network")

    def __init__(self, network: NetworkGraph) -> None:
        self._network = network
        self._from: dict[str, _DelaysFrom] = {}

    def between(self, a: str, b: str) -> int:
        """One-way delay from ``a`` to ``b``."""
        return self.from_node(a)[b]

    def from_node(self, a: str) -> Mapping[str, int]:
        """One-way delays from ``a``, by receiving node (do not modify the returned mapping;
        each entry is computed the first time it is read)."""
        delays = self._from.get(a)
        if delays is None:
            delays = self._from[a] = _DelaysFrom(self._network, a)
        return delays


class _DelaysFrom(dict[str, int]):
    """Delays (ps) from one node, filled in as they are asked for."""

    __slots__ = ("_network", "_source")

    def __init__(self, network: NetworkGraph, source: str) -> None:
        super().__init__()
        self._network = network
        self._source = source

    def __missing__(self, target: str) -> int:
        delay = self[target] = seconds_to_ps(self._network.delay(self._source, target))
        return delay
