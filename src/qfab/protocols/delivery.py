"""Delivery: a pair spanning a request's ends is handed to the request's application.

A pair is handed over once both ends know it (their last messages have arrived); it is then
consumed, its qubits freed, and the request's links owe it the next round.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from qfab.hardware.pair import Pair
from qfab.protocols.ledger import CreditLedger
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
    """

    __slots__ = ("_apps", "_consume", "_free", "_next_round", "_on_done", "_poke", "_sim",
                 "tracer")

    def __init__(self, sim: Simulation, apps: Sequence[RequestApp], store: PairStore,
                 ledger: CreditLedger, wakeups: Wakeups,
                 on_done: Callable[[RequestApp], None]) -> None:
        self._sim = sim
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
