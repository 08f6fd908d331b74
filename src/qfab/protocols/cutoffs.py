"""Memory cutoffs: a pair is discarded at both ends once it is older than the limit."""

from __future__ import annotations

from qfab.hardware.pair import Pair
from qfab.protocols.ledger import CreditLedger
from qfab.protocols.store import PairStore
from qfab.protocols.trace import Tracer
from qfab.sim.kernel import Simulation

__all__ = ["Cutoffs"]


class Cutoffs:
    """Schedules and carries out the discard of pairs at the cutoff.

    A pair's age counts from the emission of the oldest link pair it was made of; a
    discarded pair refunds the link pairs charged to it.

    Parameters
    ----------
    sim
        The simulation.
    cutoff_ps
        The age limit, ``None`` for none (then :meth:`arm` does nothing).
    store
        Retires the pairs and frees their slots.
    ledger
        Refunds the link credits of discarded pairs.
    """

    __slots__ = ("_consume", "_free", "_refund", "_sim", "cutoff_ps", "tracer")

    def __init__(self, sim: Simulation, cutoff_ps: int | None, store: PairStore,
                 ledger: CreditLedger) -> None:
        self._sim = sim
        self.cutoff_ps = cutoff_ps
        self._consume = store.consume
        self._free = store.free
        self._refund = ledger.refund
        #: Records the discards of a traced run (``None``: not traced).
        self.tracer: Tracer | None = None

    def arm(self, pair: Pair, now_ps: int) -> None:
        """Schedule ``pair``'s discard at the cutoff, or discard it now (``now_ps``, the
        current time) if it is too old."""
        if self.cutoff_ps is not None:
            expiry = pair.created_ps + self.cutoff_ps
            if expiry <= now_ps:
                self.discard(pair)
            else:
                pair.cutoff_event = self._sim.schedule_at(expiry, self.discard, pair)

    def discard(self, pair: Pair, reason: str = "cutoff") -> None:
        """Drop ``pair`` at both ends now (nothing if it is already gone); ``reason`` is what
        the trace records."""
        if not pair.alive:
            return
        if self.tracer is not None:
            self.tracer.discard(pair, reason)
        pair.cutoff_event = None
        now = self._sim.now
        self._consume(pair, None, now)
        self._refund(pair)
        for slot in pair.ends:
            if slot.pair is pair:
                self._free(slot, now)
