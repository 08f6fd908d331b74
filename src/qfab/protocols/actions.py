"""What node rule engines may ask the network to do: the actions their rules invoke."""

from __future__ import annotations

from typing import Protocol

from qfab.hardware.pair import Pair
from qfab.hardware.qnode import QuantumNode
from qfab.orchestrator.rules import PurifyRule

__all__ = ["RuleActions"]


class RuleActions(Protocol):
    """The operations a rule's action performs on pairs a node holds."""

    def swap(self, node: QuantumNode, left: Pair, right: Pair, request: int) -> None:
        """Bell-state measurement at ``node`` on its qubits of ``left`` and ``right``."""
        ...

    def purify(self, node: QuantumNode, kept: Pair, sacrificed: Pair, rule: PurifyRule) -> None:
        """One purification round on two pairs between the same ends, started by ``node``."""
        ...

    def deliver(self, pair: Pair, request: int) -> None:
        """Hand ``pair`` to ``request`` once both of its ends know it."""
        ...
