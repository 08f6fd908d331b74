"""Delivery: a pair spanning a request's ends is handed to the request's application.

A pair is handed over once both ends know it (their last messages have arrived); it is then
consumed, its qubits freed, and the request's links owe it the next round. Its qubits are
read out of the two memories then: where a memory may fail to give its qubit back
(:mod:`qfab.protocols.recalls`), a failed recall loses the pair instead, and the links owe
the request a pair again.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from qfab.hardware.pair import Pair
from qfab.protocols.ledger import CreditLedger
from qfab.protocols.recalls import Recalls
from qfab.protocols.requests import RequestApp
from qfab.protocols.store import PairStore
from qfab.protocols.trace import Tracer
from qfab.protocols.wakeups import Wakeups
from qfab.sim.kernel import Simulation

__all__ = ["Delivery"]


class Delivery:
    """Hands pairs to their requests.

    Parameters
    ----------
    sim
        The simulation.
    apps
        The requests, by index.
    store, ledger, wakeups
        Retire the pair and free its slots, grant the next round, wake the delivering node.
    on_done
        Called with a request once it has every pair it asked for.
    recalls
        Draws whether the ends' memories give the pair's qubits back (``None`` when every
        memory always does).
    """

    __slots__ = ("_apps", "_consume", "_free", "_next_round", "_on_done", "_poke", "_recalls",
                 "_sim", "tracer")

    def __init__(self, sim: Simulation, apps: Sequence[RequestApp], store: PairStore,
                 ledger: CreditLedger, wakeups: Wakeups,
                 on_done: Callable[[RequestApp], None], recalls: Recalls | None = None) -> None:
        self._sim = sim
        self._recalls = recalls
        self._apps = apps
        self._consume = store.consume
        self._free = store.free
        self._next_round = ledger.next_round
        self._poke = wakeups.poke
        self._on_done = on_done
        #: Records the deliveries of a traced run (``None``: not traced).
        self.tracer: Tracer | None = None

    def deliver(self, pair: Pair, request: int) -> None:
        """Hand ``pair`` to ``request`` once both ends know it; it is consumed then."""
        pair.reserved = True
        now = self._sim.now
        at = max(now, *pair.known_ps)
        if at > now:
            if self.tracer is not None:
                self.tracer.reserve(pair, request, at)
            self._sim.schedule_at(at, self._complete, pair, request)
        else:
            self._complete(pair, request)

    def _complete(self, pair: Pair, request: int) -> None:
        if not pair.alive:  # discarded by the cutoff while its last messages travelled
            return
        now = self._sim.now
        app = self._apps[request]
        recalls = self._recalls
        if recalls is not None and app.active and not recalls.recalled(pair.ends, now):
            self._lose(pair, app, now)
            return
        self._consume(pair, app, now)
        if pair.link is not None and app.active and len(app.delivery_ps) + 1 < app.requested:
            # another round only if this pair is not the last one asked for: a pair made
            # after the request is done would wait in memory for the next request
            self._next_round(app, pair.ends[0].index)
        for slot in pair.ends:
            self._free(slot, now)
        if not app.active:
            if self.tracer is not None:
                self.tracer.discard(pair, "request finished")
            return
        app.record(now, pair.state_at(now))  # delivery: the application gets the pair
        if self.tracer is not None:
            self.tracer.deliver(pair, app)
        if app.done:
            self._on_done(app)
        else:
            self._poke(pair.ends[0].node.name, now)

    def _lose(self, pair: Pair, app: RequestApp, now: int) -> None:
        """A memory did not give ``pair``'s qubit back: the pair is lost, and a link pair
        is owed again (a swapped pair's next round was granted at its swap)."""
        app.lost_recalls += 1
        self._consume(pair, None, now)
        if pair.link is not None:
            self._next_round(app, pair.ends[0].index)
        for slot in pair.ends:
            self._free(slot, now)
        if self.tracer is not None:
            self.tracer.discard(pair, "lost recall")
        self._poke(pair.ends[0].node.name, now)
