"""Quantum memory of a node: coherence times and qubit bookkeeping per link."""

from __future__ import annotations

from qfab.hardware.pair import Pair
from qfab.quantum.base import PairState
from qfab.sim.time import ps_to_seconds

__all__ = ["Memory", "state_at"]


class Memory:
    """The memory qubits of one node.

    Parameters
    ----------
    node
        Node name.
    t1, t2
        Energy relaxation and total coherence times in seconds (``inf``: no decay).
    """

    def __init__(self, node: str, *, t1: float, t2: float) -> None:
        self.node = node
        self.t1 = t1
        self.t2 = t2


def state_at(pair: Pair, now_ps: int, memory_a: Memory, memory_b: Memory) -> PairState:
    """State of ``pair`` at time ``now_ps``, after both qubits decohered while waiting."""
    age = ps_to_seconds(now_ps - pair.created_ps)
    return pair.state.decohere(age, age, t1_a=memory_a.t1, t2_a=memory_a.t2,
                               t1_b=memory_b.t1, t2_b=memory_b.t2)
