"""Classical message delays between nodes, along the shortest fiber route."""

from __future__ import annotations

from qfab.orchestrator.network import NetworkGraph
from qfab.sim.time import seconds_to_ps_array

__all__ = ["ClassicalDelays"]


class ClassicalDelays:
    """One-way classical delays (ps) between the nodes of ``network``, computed per source
    node on first use.

    Parameters
    ----------
    network
        The graph whose fiber lengths set the delays.
    """

    __slots__ = ("_from", "_network")

    def __init__(self, network: NetworkGraph) -> None:
        self._network = network
        self._from: dict[str, dict[str, int]] = {}

    def between(self, a: str, b: str) -> int:
        """One-way delay from ``a`` to ``b``."""
        return self.from_node(a)[b]

    def from_node(self, a: str) -> dict[str, int]:
        """One-way delays from ``a`` to every node (do not modify the returned mapping)."""
        delays = self._from.get(a)
        if delays is None:
            delays = self._from[a] = dict(zip(
                self._network.adjacency, seconds_to_ps_array(self._network.delays_from(a))))
        return delays
