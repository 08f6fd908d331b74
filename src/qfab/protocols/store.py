"""Where the network's pairs are held: retiring pairs, freeing and blocking memory slots.

A slot that becomes free may let its link attempt again, so freeing a slot also kicks the
slot's channel on its link layer.
"""

from __future__ import annotations

from collections.abc import Sequence

from qfab.hardware.link import HeraldedLink
from qfab.hardware.pair import Pair
from qfab.hardware.qnode import Slot
from qfab.protocols.link_layer import LinkLayer
from qfab.protocols.requests import RequestApp
from qfab.sim.kernel import Simulation

__all__ = ["PairStore"]


class PairStore:
    """The pairs each request owns, and the retirement of pairs and their slots.

    Parameters
    ----------
    sim
        The simulation.
    links
        The links, by index.
    link_layers
        Their link layers, by index (the assembly may fill this list after construction,
        before the run starts).
    requests
        Indices of the requests whose pairs are tracked.
    """

    __slots__ = ("_layers", "_links", "_owned", "_sim")

    def __init__(self, sim: Simulation, links: Sequence[HeraldedLink],
                 link_layers: Sequence[LinkLayer], requests: Sequence[int]) -> None:
        self._sim = sim
        self._links = links
        self._layers = link_layers
        self._owned: dict[int, set[Pair]] = {request: set() for request in requests}

    def own(self, request: int, pair: Pair) -> None:
        """Record that ``pair`` belongs to ``request``."""
        self._owned[request].add(pair)

    def owned(self, request: int) -> list[Pair]:
        """The live pairs ``request`` owns (a copy)."""
        return list(self._owned[request])

    def consume(self, pair: Pair, app: RequestApp | None, now_ps: int) -> None:
        """Retire ``pair`` at ``now_ps`` (the current time): its qubits are measured or handed
        over; ``app`` used it, if any."""
        pair.alive = False
        if pair.cutoff_event is not None:
            pair.cutoff_event.cancel()
        if pair.owner is not None:
            self._owned[pair.owner].discard(pair)
        if pair.link is not None:
            hit = app is not None and pair.heralded_ps is not None and \
                pair.heralded_ps <= app.start_ps
            self._links[pair.link].stored_left(now_ps, app is not None, hit)

    def free(self, slot: Slot, now_ps: int) -> None:
        """Free ``slot`` at ``now_ps`` (the current time) and let its link attempt again if
        it can."""
        slot.node.release(slot, now_ps)
        self._layers[slot.link].kick(slot.index)

    def block_until(self, slot: Slot, at_ps: int) -> None:
        """Keep ``slot`` blocked (the node awaits news of its qubit) until ``at_ps``."""
        slot.node.block(slot, self._sim.now)
        self._sim.schedule_at(at_ps, self._unblock, slot)

    def _unblock(self, slot: Slot) -> None:
        self.free(slot, self._sim.now)
