"""Turns: requests that share links take the whole path in turns, so they cannot deadlock.

Two requests whose paths share a link compete for the same memory slots. Left to
themselves, each can end up holding one half of what the other needs (a repeater holds one
request's pair towards one neighbour and the other's towards the next), and neither ever
swaps again. Requests therefore *reserve* their path: a request is served (its links owe it
pairs and its rules fire) only while no request sharing a link with it is served. A
reservation covers every link of the path and every lane at once and is taken
all-or-nothing, so no request holds part of what it needs while it waits for the rest: a
circular wait cannot form.

Who is served next follows the service order of :mod:`qfab.orchestrator.order`: a higher
``priority`` first, then the earliest deadline; ties go to the request that started first
(the scenario's order for equal starts):

* a request that starts while requests later in that order (by priority or deadline) hold
  its links preempts them: their swapped or purified pairs are discarded, their fresh link
  pairs stay in memory for whoever uses the link next, their links owe them nothing until
  their turn comes again, and they keep their place in line;
* among requests of equal priority and deadline, the one served first keeps its path until
  it is done (first come, first served);
* a waiting request is not overtaken on its links by requests behind it in line.

A request that shares no link with any other is served from its start to its end, exactly
as without reservations.
"""

from __future__ import annotations

from collections.abc import Sequence

from qfab.hardware.link import HeraldedLink
from qfab.protocols.cutoffs import Cutoffs
from qfab.protocols.ledger import CreditLedger
from qfab.protocols.requests import RequestApp
from qfab.protocols.store import PairStore
from qfab.protocols.trace import Tracer
from qfab.protocols.wakeups import Wakeups
from qfab.sim.kernel import Simulation

__all__ = ["PathTurns"]


class PathTurns:
    """Reservations of the requests' paths, and who is served when.

    Parameters
    ----------
    sim
        The simulation.
    apps
        The requests, by index.
    ranks
        Each request's rank in the service order without the tie-break, by index: smaller
        is served first (``service_key(...)[:2]``, see :mod:`qfab.orchestrator.order`).
    links
        The links, by index (to find the fresh pairs made for a preempted request).
    store, ledger, cutoffs, wakeups
        A preempted request's pairs, its credits, the discard of its unfinished pairs, and
        the wake-ups of the nodes on a path when its request's turn begins.
    """

    __slots__ = ("_apps", "_arrival", "_discard", "_ledger", "_links", "_poke", "_queue",
                 "_rank", "_rivals", "_sim", "_store", "tracer")

    def __init__(self, sim: Simulation, apps: Sequence[RequestApp],
                 ranks: Sequence[tuple[int, float]], links: Sequence[HeraldedLink],
                 store: PairStore, ledger: CreditLedger, cutoffs: Cutoffs,
                 wakeups: Wakeups) -> None:
        self._sim = sim
        self._apps = apps
        self._rank = list(ranks)
        self._links = links
        self._store = store
        self._ledger = ledger
        self._discard = cutoffs.discard
        self._poke = wakeups.poke
        users: dict[int, list[int]] = {}
        for app in apps:
            for link in set(app.links):
                users.setdefault(link, []).append(app.index)
        #: For each request, the requests that share a link with it.
        self._rivals: list[frozenset[int]] = [
            frozenset(other for link in set(app.links) for other in users[link]
                      if other != app.index) for app in apps]
        #: Waiting requests: request index -> place in line (smaller came first).
        self._queue: dict[int, int] = {}
        #: Each started request's place in line (the order they started).
        self._arrival: dict[int, int] = {}
        #: Records the turns of a traced run (``None``: not traced).
        self.tracer: Tracer | None = None

    def start(self, app: RequestApp) -> None:
        """``app`` starts: serve it now, or put it in line for its path."""
        self._enqueue(app.index)
        self._admit()
        if self.tracer is not None and not app.serving:
            self.tracer.request("wait", app, rivals=tuple(self.waiting()[app.index]))

    def finish(self, app: RequestApp) -> None:
        """``app`` is done (its credits are closed and its pairs discarded by the caller):
        its path is free for the requests waiting for it."""
        app.serving = False
        self._queue.pop(app.index, None)
        if self._rivals[app.index]:
            self._admit()

    def waiting(self) -> dict[int, frozenset[int]]:
        """The requests waiting for their turn, each with the requests it waits for: those
        sharing a link with it that are served, or ahead of it in line."""
        queue, apps, key = self._queue, self._apps, self._place
        return {index: frozenset(other for other in self._rivals[index]
                                 if apps[other].serving or
                                 (other in queue and key(other) < key(index)))
                for index in queue}

    def _place(self, index: int) -> tuple[int, float, int, int]:
        """Sort key of a waiting request in line: its rank, then its arrival."""
        return *self._rank[index], self._queue[index], index

    def _enqueue(self, index: int) -> None:
        """Put ``index`` in line, at its first place if it has been in line before."""
        self._queue[index] = self._arrival.setdefault(index, len(self._arrival))

    def _admit(self) -> None:
        """Serve every waiting request whose path is free, in order of rank and then of
        arrival; a request preempts served rivals of a later rank only when nothing else
        stands in its way, and no request overtakes a rival ahead of it in line."""
        rank = self._rank
        apps = self._apps
        changed = True
        while changed:
            changed = False
            waiting = sorted(self._queue, key=self._place)
            ahead: set[int] = set()
            for index in waiting:
                rivals = self._rivals[index]
                blocked = not rivals.isdisjoint(ahead)
                served = [other for other in rivals if apps[other].serving]
                if not blocked and all(rank[other] > rank[index] for other in served):
                    for other in served:
                        if self.tracer is not None:
                            self.tracer.request("preempt", apps[other], rivals=(index,))
                        self._preempt(other)
                        self._enqueue(other)
                    self._serve(index)
                    changed = True
                    break
                ahead.add(index)

    def _serve(self, index: int) -> None:
        app = self._apps[index]
        del self._queue[index]
        app.serving = True
        if self.tracer is not None:
            self.tracer.request("turn", app)
        self._ledger.open(app)
        now = self._sim.now
        for node in app.plan.path:
            self._poke(node, now)

    def _preempt(self, index: int) -> None:
        """End ``index``'s turn: its links owe it nothing, and its unfinished pairs (swapped
        or purified, not already being handed over) are discarded. Fresh link pairs made for
        it stay in memory for whoever uses the link next, charged to nobody."""
        app = self._apps[index]
        app.serving = False
        self._ledger.close(app)
        for pair in self._store.owned(index):
            if not pair.reserved:
                self._discard(pair, "preempted")
        for link in app.links:
            for slot_a, _ in self._links[link].slots:
                fresh = slot_a.pair
                if fresh is not None and fresh.link is not None and fresh.charged is not None \
                        and any(request == index for _, _, request in fresh.charged):
                    fresh.charged = None
