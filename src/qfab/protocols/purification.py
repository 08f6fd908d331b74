"""Recurrence purification: two pairs between the same ends become one better pair.

The round acts on the pairs' states through :meth:`qfab.quantum.base.PairState.purify`, so
each formalism computes it exactly. The starting node learns the outcome with its far end,
after one classical message; the sacrificed pair's qubits are measured and freed at once.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from qfab.hardware.pair import Pair
from qfab.hardware.qnode import QuantumNode
from qfab.orchestrator.rules import PurifyRule
from qfab.physics import bell_diagonal, purification
from qfab.protocols.cutoffs import Cutoffs
from qfab.protocols.delays import ClassicalDelays
from qfab.protocols.ledger import CreditLedger
from qfab.protocols.requests import RequestApp
from qfab.protocols.store import PairStore
from qfab.protocols.trace import Tracer
from qfab.protocols.wakeups import Wakeups
from qfab.rng import RandomStreams
from qfab.sim.kernel import Simulation

__all__ = ["Purification"]


class Purification:
    """Carries out purification rounds.

    Parameters
    ----------
    sim
        The simulation.
    apps
        The requests, by index.
    nodes
        The nodes, by name (their gate noise).
    delays
        Classical delays between the ends.
    streams
        Random streams (one per node for the outcomes).
    store, ledger, cutoffs, wakeups
        Where the pairs go, their credits, their cutoffs and the wake-up at the outcome.
    """

    __slots__ = (
        "_apps",
        "_arm",
        "_block_until",
        "_consume",
        "_delay",
        "_free",
        "_next_round",
        "_nodes",
        "_own",
        "_poke",
        "_sim",
        "_streams",
        "tracer",
    )

    def __init__(self, sim: Simulation, apps: Sequence[RequestApp],
                 nodes: Mapping[str, QuantumNode], delays: ClassicalDelays,
                 streams: RandomStreams, store: PairStore, ledger: CreditLedger,
                 cutoffs: Cutoffs, wakeups: Wakeups) -> None:
        self._sim = sim
        self._apps = apps
        self._nodes = nodes
        self._delay = delays.between
        self._streams = streams
        self._consume = store.consume
        self._own = store.own
        self._free = store.free
        self._block_until = store.block_until
        self._next_round = ledger.next_round
        self._arm = cutoffs.arm
        self._poke = wakeups.poke
        #: Records the rounds of a traced run (``None``: not traced).
        self.tracer: Tracer | None = None

    def purify(self, node: QuantumNode, kept: Pair, sacrificed: Pair, rule: PurifyRule) -> None:
        """One recurrence round on two pairs between the same ends, started by ``node``."""
        now = self._sim.now
        app = self._apps[rule.request]
        ends = [self._nodes[name].gates for name in rule.ends]
        state, p_success = kept.state_at(now).purify(
            sacrificed.state_at(now), rule.scheme,
            parity_error=purification.parity_error(ends[0].measurement_error,
                                                   ends[1].measurement_error))
        depolarization = bell_diagonal.combined_depolarization(ends[0].depolarization,
                                                               ends[1].depolarization)
        state = state.depolarize(depolarization)
        self._consume(kept, app, now)
        self._consume(sacrificed, app, now)
        for pair in (kept, sacrificed):
            if pair.link is not None:
                self._next_round(app, pair.ends[0].index)
        for slot in sacrificed.ends:
            self._free(slot, now)
        known = now + self._delay(*rule.ends)
        if self._streams.stream(f"node:{node.name}:purify").random() >= p_success:
            for slot in kept.ends:
                self._block_until(slot, known)
            if self.tracer is not None:
                self.tracer.purify(node, kept, sacrificed, rule.request, p_success, None)
            return
        pair = Pair(kept.ends, state, updated_ps=now,
                    created_ps=min(kept.created_ps, sacrificed.created_ps),
                    known_ps=(known, known), owner=rule.request, level=rule.level + 1)
        for slot in pair.ends:
            slot.node.occupy(slot, pair, now)
        self._own(rule.request, pair)
        if self.tracer is not None:
            self.tracer.purify(node, kept, sacrificed, rule.request, p_success, pair)
        self._arm(pair, now)
        self._poke(node.name, known)
