"""Heralded link pairs: stored in both ends' memories, charged to a request, acted on."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from qfab.hardware.link import HeraldedLink
from qfab.hardware.pair import Charges, Pair
from qfab.protocols.cutoffs import Cutoffs
from qfab.protocols.rule_engine import RuleEngine
from qfab.protocols.trace import Tracer
from qfab.quantum.base import PairState
from qfab.sim.kernel import Simulation

__all__ = ["Heralds"]


class Heralds:
    """Receives every herald of every link layer (:data:`qfab.protocols.link_layer.HeraldHandler`).

    Parameters
    ----------
    sim
        The simulation.
    emitted
        The state of a link's fresh pairs, by link index.
    priority_order
        Request indices, highest priority first: a pair is charged to the first one its
        link owes a pair in its channel (:meth:`qfab.hardware.link.HeraldedLink.take_credit`).
    cutoffs
        Arms each pair's cutoff.
    characterize
        Only count the heralds (a run without requests): nothing is stored.
    """

    __slots__ = (
        "_arm",
        "_characterize",
        "_emitted",
        "_engines",
        "_order",
        "_sim",
        "tracer",
    )

    def __init__(self, sim: Simulation, emitted: Sequence[PairState],
                 priority_order: list[int], cutoffs: Cutoffs, *, characterize: bool) -> None:
        self._sim = sim
        self._emitted = emitted
        self._order = priority_order
        self._arm = cutoffs.arm if cutoffs.cutoff_ps is not None else None
        self._characterize = characterize
        self._engines: Mapping[str, RuleEngine] = {}
        #: Records the heralds of a traced run (``None``: not traced).
        self.tracer: Tracer | None = None

    def attach(self, engines: Mapping[str, RuleEngine]) -> None:
        """The rule engines that act on new pairs, by node (set once, at assembly)."""
        self._engines = engines

    def on_herald(self, link: HeraldedLink, channel: int, emitted_ps: int) -> None:
        """A pair was heralded on ``link``'s ``channel``: store it and tell both ends."""
        if self._characterize:
            if self.tracer is not None:
                self.tracer.herald(link, channel, emitted_ps, None, None)
            return
        now = self._sim.now
        slot_a, slot_b = link.slots[channel]
        charged_to = link.take_credit(channel, self._order)
        pair = Pair((slot_a, slot_b), self._emitted[link.index], emitted_ps, emitted_ps,
                    (now, now), heralded_ps=now, link=link.index,
                    charged=None if charged_to is None else
                    Charges((link.index, channel, charged_to)))
        slot_a.stored_ps = slot_b.stored_ps = emitted_ps  # the memories hold it from emission
        slot_a.node.occupy(slot_a, pair, now)
        slot_b.node.occupy(slot_b, pair, now)
        link.stored_changed(+1, now)
        if self.tracer is not None:
            self.tracer.herald(link, channel, emitted_ps, pair, charged_to)
        if self._arm is not None:
            self._arm(pair, now)
        if pair.alive:
            # both ends hold the herald now: they act on it at once (no wake-up event)
            engines = self._engines
            engines[slot_a.node.name].evaluate(channel)
            engines[slot_b.node.name].evaluate(channel)
