"""Entanglement swapping: a Bell-state measurement joins two pairs at a node.

The node's qubits are freed at once; the far ends learn the outcome only when its message
arrives, so a failed swap blocks their slots until then, and a new pair is known at each end
from that time on.
"""

from __future__ import annotations

from collections.abc import Sequence

from qfab.hardware.pair import Charges, Pair
from qfab.hardware.qnode import QuantumNode
from qfab.protocols.cutoffs import Cutoffs
from qfab.protocols.delays import ClassicalDelays
from qfab.protocols.ledger import CreditLedger
from qfab.protocols.link_layer import LinkLayer
from qfab.protocols.recalls import Recalls
from qfab.protocols.requests import RequestApp
from qfab.protocols.store import PairStore
from qfab.protocols.trace import Tracer
from qfab.protocols.wakeups import Wakeups
from qfab.rng import RandomStreams
from qfab.sim.kernel import Simulation

__all__ = ["Swapping"]


class Swapping:
    """Carries out swaps and hands their results to the rest of the network.

    Parameters
    ----------
    sim
        The simulation.
    apps
        The requests, by index.
    link_layers
        The link layers, by link index (kicked when a swap frees a slot).
    delays
        Classical delays to the far ends.
    streams
        Random streams (one per node for swap failures).
    store, ledger, cutoffs, wakeups
        Where the pairs go, their credits, their cutoffs and the wake-ups of far ends.
    recalls
        Draws whether a node's memory gives its two qubits back for the Bell measurement
        (``None`` when every memory always does); a failed recall fails the swap.
    """

    __slots__ = (
        "_apps",
        "_arm",
        "_block_until",
        "_consume",
        "_delays_from",
        "_layers",
        "_news_nodes",
        "_next_round",
        "_own",
        "_poke",
        "_recalls",
        "_refund",
        "_sim",
        "_streams",
        "tracer",
    )

    def __init__(self, sim: Simulation, apps: Sequence[RequestApp],
                 link_layers: Sequence[LinkLayer], delays: ClassicalDelays,
                 streams: RandomStreams, store: PairStore, ledger: CreditLedger,
                 cutoffs: Cutoffs, wakeups: Wakeups, recalls: Recalls | None = None) -> None:
        self._sim = sim
        self._recalls = recalls
        self._apps = apps
        self._layers = link_layers
        self._delays_from = delays.from_node
        self._streams = streams
        self._consume = store.consume
        self._own = store.own
        self._block_until = store.block_until
        self._refund = ledger.refund
        self._next_round = ledger.next_round
        self._arm = cutoffs.arm if cutoffs.cutoff_ps is not None else None
        self._poke = wakeups.poke
        self._news_nodes: frozenset[str] = frozenset()
        #: Records the swaps of a traced run (``None``: not traced).
        self.tracer: Tracer | None = None

    def tell_of_news(self, nodes: frozenset[str]) -> None:
        """The nodes whose rules can react to a swap elsewhere: they are woken when they
        learn of one (see :attr:`qfab.protocols.rule_engine.RuleEngine.reacts_to_news`)."""
        self._news_nodes = nodes

    def swap(self, node: QuantumNode, left: Pair, right: Pair, request: int) -> None:
        """Bell-state measurement at ``node`` on its qubits of ``left`` and ``right``."""
        now = self._sim.now
        app = self._apps[request]
        end_l = 0 if left.ends[0].node is node else 1
        end_r = 0 if right.ends[0].node is node else 1
        near_l, far_l = left.ends[end_l], left.ends[1 - end_l]
        near_r, far_r = right.ends[end_r], right.ends[1 - end_r]
        state_l = left.state_at(now)
        state_r = right.state_at(now)
        if end_l == 0:
            state_l = state_l.exchanged()  # the swapped qubit must be side b of the left pair
        if end_r == 1:
            state_r = state_r.exchanged()  # ... and side a of the right pair
        self._consume(left, app, now)
        self._consume(right, app, now)
        node.release(near_l, now)
        node.release(near_r, now)
        self._layers[near_l.link].kick(near_l.index)
        self._layers[near_r.link].kick(near_r.index)
        delays = self._delays_from(node.name)
        delay_l = now + delays[far_l.node.name]
        delay_r = now + delays[far_r.node.name]
        gates = node.gates
        recalls = self._recalls
        lost = recalls is not None and node.lossy and \
            not recalls.recalled((near_l, near_r), now)
        if lost:
            app.lost_recalls += 1
        if lost or gates.swap_success_probability < 1.0 and \
                self._streams.stream(f"node:{node.name}:swap").random() >= \
                gates.swap_success_probability:
            self._block_until(far_l, delay_l)
            self._block_until(far_r, delay_r)
            self._refund(left)
            self._refund(right)
            if self.tracer is not None:
                self.tracer.swap(node, left, right, request, None)
            return
        state = state_l.swap(state_r, gate_depolarization=gates.depolarization,
                             measurement_error=gates.measurement_error)
        spans_request = far_l.node.name in app.ends and far_r.node.name in app.ends and \
            far_l.node is not far_r.node
        pair = Pair((far_l, far_r), state, now, min(left.created_ps, right.created_ps),
                    (max(left.known_ps[1 - end_l], delay_l),
                     max(right.known_ps[1 - end_r], delay_r)),
                    owner=request,
                    charged=None if spans_request else Charges.join(left.charged, right.charged))
        if spans_request:
            self._next_round(app, far_l.index)
        far_l.node.occupy(far_l, pair, now)
        far_r.node.occupy(far_r, pair, now)
        self._own(request, pair)
        if self.tracer is not None:
            self.tracer.swap(node, left, right, request, pair)
        if self._arm is not None:
            self._arm(pair, now)
        news_nodes = self._news_nodes
        if news_nodes:
            for slot, known in zip(pair.ends, pair.known_ps):
                if slot.node.name in news_nodes:
                    self._poke(slot.node.name, known)
