"""Requests starting and finishing: their credits, their pairs, the end of the run."""

from __future__ import annotations

from collections.abc import Sequence

from qfab.protocols.cutoffs import Cutoffs
from qfab.protocols.ledger import CreditLedger
from qfab.protocols.requests import RequestApp
from qfab.protocols.store import PairStore
from qfab.protocols.trace import Tracer
from qfab.protocols.turns import PathTurns
from qfab.protocols.wakeups import Wakeups
from qfab.sim.kernel import Simulation

__all__ = ["RequestLifecycle"]


class RequestLifecycle:
    """Activates each request at its start and closes it once it has all its pairs.

    The simulation stops when the last request is done.

    Parameters
    ----------
    sim
        The simulation.
    apps
        The requests, by index.
    store, ledger, cutoffs, wakeups
        The requests' pairs, their link credits, the discard of pairs a finished request
        still owns, and the wake-ups of the nodes on their paths.
    turns
        Who is served when requests share links (a started request may wait its turn).
    """

    __slots__ = ("_apps", "_discard", "_ledger", "_poke", "_sim", "_store", "_turns",
                 "outstanding", "tracer")

    def __init__(self, sim: Simulation, apps: Sequence[RequestApp], store: PairStore,
                 ledger: CreditLedger, cutoffs: Cutoffs, wakeups: Wakeups,
                 turns: PathTurns) -> None:
        self._sim = sim
        self._turns = turns
        self._apps = apps
        self._store = store
        self._ledger = ledger
        self._discard = cutoffs.discard
        self._poke = wakeups.poke
        #: Requests not yet done.
        self.outstanding = len(apps)
        #: Records the requests' starts and ends in a traced run (``None``: not traced).
        self.tracer: Tracer | None = None

    def schedule(self) -> None:
        """Schedule every request's activation at its start time."""
        for app in self._apps:
            self._sim.schedule_at(max(app.start_ps, 0), self.activate, app)

    def activate(self, app: RequestApp) -> None:
        """``app`` starts: once it is its turn, its links owe it pairs and the nodes on its
        path look at theirs."""
        app.active = True
        if self.tracer is not None:
            self.tracer.request("start", app)
        self._turns.start(app)

    def finish(self, app: RequestApp) -> None:
        """``app`` has every pair: release what it still holds; stop after the last one."""
        app.active = app.serving = False
        if self.tracer is not None:
            self.tracer.request("finish", app)
        self._ledger.close(app)
        for pair in self._store.owned(app.index):
            self._discard(pair, "request finished")
        self._turns.finish(app)
        self.outstanding -= 1
        if self.outstanding == 0:
            self._sim.stop()
        else:
            for other in self._apps:
                if other.serving:
                    for node in other.plan.path:
                        self._poke(node, self._sim.now)

    def progress(self) -> float:
        """Fraction of all requested pairs delivered."""
        total = sum(app.requested for app in self._apps)
        return sum(len(app.delivery_ps) for app in self._apps) / total if total else 0.0
