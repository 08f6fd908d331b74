"""Read-out of stored qubits from memories whose recall may fail (AFC memories).

A memory with a storage-time dependent retrieval efficiency
(:meth:`qfab.memorymodel.MemoryModel.retrieval_efficiency`) gives its qubit back with that
probability when it is read out: at a swap (the node's two qubits), and when a pair is
delivered to an application (the qubit at each end). A qubit has been stored since the
emission of its link pair (:attr:`qfab.hardware.qnode.Slot.stored_ps`). A failed recall
loses the pair: a swap then fails as a failed Bell measurement does, and a pair about to be
delivered is discarded instead. Each loss is counted on the request
(:attr:`qfab.protocols.requests.RequestApp.lost_recalls`).
"""

from __future__ import annotations

from collections.abc import Iterable

from qfab.hardware.qnode import Slot
from qfab.rng import RandomStreams
from qfab.sim.time import ps_to_seconds

__all__ = ["Recalls"]


class Recalls:
    """Draws whether stored qubits are recalled.

    Parameters
    ----------
    streams
        Random streams of the run (one per node: ``node:NAME:recall``).
    """

    __slots__ = ("_streams",)

    def __init__(self, streams: RandomStreams) -> None:
        self._streams = streams

    def recalled(self, slots: Iterable[Slot], now_ps: int) -> bool:
        """Whether every qubit held in ``slots`` is read out at ``now_ps`` (slots of memories
        whose read-out is certain always are, and draw nothing)."""
        for slot in slots:
            node = slot.node
            if not node.lossy:
                continue
            efficiency = node.memory.retrieval_efficiency(ps_to_seconds(now_ps - slot.stored_ps))
            if efficiency >= 1.0:
                continue
            if efficiency <= 0.0 or \
                    self._streams.stream(f"node:{node.name}:recall").random() >= efficiency:
                return False
        return True
