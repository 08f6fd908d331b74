"""A quantum node in the event simulation: memory slots per link, its memory model, gates."""

from __future__ import annotations

from typing import TYPE_CHECKING

from qfab.spec.models import GateSpec

if TYPE_CHECKING:
    from qfab.hardware.pair import Pair
    from qfab.memorymodel import MemoryModel

__all__ = ["QuantumNode", "Slot"]


class Slot:
    """One memory qubit of a node, dedicated to the link towards ``neighbour``.

    A slot is free, holds one end of a :class:`Pair`, or is blocked while the node waits for
    a message telling it what became of the qubit it held.
    """

    __slots__ = ("node", "neighbour", "index", "pair", "blocked", "link", "stored_ps")

    def __init__(self, node: QuantumNode, neighbour: str, index: int) -> None:
        self.node = node
        self.neighbour = neighbour
        self.index = index
        self.pair: Pair | None = None
        self.blocked = False
        #: Index of the link towards ``neighbour`` (set when the links are built).
        self.link = -1
        #: Since when (ps) the qubit it holds has been stored: the emission of its link pair
        #: (set at the herald only where read-out may fail, :attr:`QuantumNode.lossy`).
        self.stored_ps = 0

    @property
    def free(self) -> bool:
        """True when the qubit holds nothing and waits for nothing."""
        return self.pair is None and not self.blocked


class QuantumNode:
    """A node's memory (slots per neighbour, its model), its gates, and its usage statistics.

    Parameters
    ----------
    name
        Node name.
    slots_per_neighbour
        Qubits the link towards each neighbour can use: one slot each. A link's channel
        ``j`` uses slot ``j`` at both ends, so a link has as many channels as the end with
        fewer qubits for it; qubits beyond that would never hold a pair and get no slot.
    memory
        The memory model: how a stored qubit decoheres.
    gates
        Swap success probability and gate noise.
    qubits
        The qubits the node dedicates to its links, used or not (default: one per slot).
    """

    __slots__ = ("name", "memory", "decoheres", "gates", "slots", "qubits", "_busy",
                 "_busy_offset_ps", "_places", "lossy")

    def __init__(self, name: str, slots_per_neighbour: dict[str, int], *,
                 memory: MemoryModel, gates: GateSpec, qubits: int | None = None) -> None:
        self.name = name
        self.memory = memory
        self.decoheres = not memory.ideal
        self.gates = gates
        self.slots = {neighbour: [Slot(self, neighbour, i) for i in range(count)]
                      for neighbour, count in slots_per_neighbour.items()}
        #: Qubits the node dedicates to its links (what utilization is a fraction of):
        #: ``qubits`` when given, else one per slot.
        self.qubits = sum(slots_per_neighbour.values()) if qubits is None else qubits
        #: Places to store in (qubits times the memory's modes per qubit).
        self._places = self.qubits * (memory.mode_capacity or 1) if qubits is not None \
            else self.qubits
        #: Whether reading out a stored qubit may fail (:attr:`MemoryModel.certain_readout`).
        self.lossy = not memory.certain_readout
        self._busy = 0
        #: Sum over busy slots of (now - busy since), kept as busy * now + _busy_offset_ps.
        self._busy_offset_ps = 0

    def occupy(self, slot: Slot, pair: Pair, now_ps: int) -> None:
        """Put an end of ``pair`` into ``slot``."""
        if slot.pair is None and not slot.blocked:
            self._busy += 1
            self._busy_offset_ps -= now_ps
        slot.pair = pair
        slot.blocked = False

    def block(self, slot: Slot, now_ps: int) -> None:
        """Keep ``slot`` busy, holding nothing usable, until :meth:`release`."""
        if slot.pair is None and not slot.blocked:
            self._busy += 1
            self._busy_offset_ps -= now_ps
        slot.pair = None
        slot.blocked = True

    def release(self, slot: Slot, now_ps: int) -> None:
        """Free ``slot``."""
        if slot.pair is not None or slot.blocked:
            self._busy -= 1
            self._busy_offset_ps += now_ps
        slot.pair = None
        slot.blocked = False

    def utilization(self, now_ps: int) -> float:
        """Time-averaged fraction of the node's storage places (qubits, times their modes
        for a multimode memory) that held or awaited a pair."""
        if now_ps <= 0 or self._places == 0:
            return 0.0
        # every busy period [t0, t1) adds t1 - t0; open ones count up to now
        integral = self._busy_offset_ps + self._busy * now_ps
        return integral / (now_ps * self._places)
