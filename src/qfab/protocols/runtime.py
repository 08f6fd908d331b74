"""The network at run time: nodes, links, pairs, requests, and the operations rules invoke.

Classical messages take their real propagation time: a node learns the outcome of a swap
or purification elsewhere only after the message has travelled the fiber between them; until
then the qubits it holds stay blocked (failed operations) or unknown (successful ones).
"""

from __future__ import annotations

from qfab.hardware.link import HeraldedLink
from qfab.hardware.pair import Charges, Pair
from qfab.hardware.qnode import QuantumNode, Slot
from qfab.memorymodel import memory_model
from qfab.orchestrator.network import NetworkGraph
from qfab.orchestrator.rules import NetworkPlan, PurifyRule
from qfab.physics import bell_diagonal, purification
from qfab.protocols.link_layer import LinkLayer, link_layer
from qfab.protocols.requests import RequestApp
from qfab.protocols.rule_engine import RuleEngine
from qfab.quantum.base import PairState
from qfab.rng import RandomStreams
from qfab.sim.kernel import Simulation
from qfab.sim.time import seconds_to_ps, seconds_to_ps_array
from qfab.spec.models import ScenarioSpec

__all__ = ["NetworkRuntime"]


class NetworkRuntime:
    """Everything the event simulation of one scenario runs on.

    Parameters
    ----------
    sim
        The simulation.
    spec
        The scenario.
    network
        Its graph and link models.
    plan
        The orchestrator's plan (rule sets per node).
    streams
        Random streams of this run.
    formalism
        Class of the pair states (Bell-diagonal or density matrix).
    """

    def __init__(self, sim: Simulation, spec: ScenarioSpec, network: NetworkGraph,
                 plan: NetworkPlan, streams: RandomStreams,
                 formalism: type[PairState]) -> None:
        self.sim = sim
        self.spec = spec
        self.network = network
        self.plan = plan
        self.streams = streams
        self.cutoff_ps = seconds_to_ps(plan.cutoff) if plan.cutoff is not None else None
        self.characterize = not spec.requests
        self.nodes = {
            name: QuantumNode(name, {nb: spec.qubits_per_link(name, nb)
                                     for nb in spec.neighbours(name)},
                              memory=memory_model(node.memory), gates=node.gates)
            for name, node in spec.nodes.items()}
        self.links: list[HeraldedLink] = []
        self.link_layers: list[LinkLayer] = []
        self._emitted: list[PairState] = []
        self._herald_fidelity: list[float] = []
        for index, model in enumerate(network.models):
            a, b = (self.nodes[name] for name in model.between)
            slots = list(zip(a.slots[b.name], b.slots[a.name]))
            for slot in a.slots[b.name] + b.slots[a.name]:
                slot.link = index
            link = HeraldedLink(index, slots, p_success=model.p_success,
                                period=model.period, herald_delay=model.herald_delay,
                                rng=streams.stream(f"link:{a.name}-{b.name}"),
                                windows=model.windows)
            link.buffer = len(slots) if self.characterize else plan.buffer
            self.links.append(link)
            emitted = formalism.from_bell_vector(model.emitted_state)
            self._emitted.append(emitted)
            self._herald_fidelity.append(float(model.heralded_state[0]))
            layer = link_layer(sim, link, self.on_herald)
            self.link_layers.append(layer)
            sim.schedule(0, layer.kick_all)  # buffers fill from the start
        self.apps = [RequestApp(request_plan, spec.requests[request_plan.request],
                                [network.link_index(x, y) for x, y in
                                 zip(request_plan.path, request_plan.path[1:])])
                     for request_plan in plan.requests]
        self.engines = {name: RuleEngine(node, plan.rules_of(name), self)
                        for name, node in self.nodes.items()}
        #: Nodes whose rules can react to a swap elsewhere (see RuleEngine.reacts_to_news).
        self._news_nodes = {name for name, engine in self.engines.items()
                            if engine.reacts_to_news}
        self.outstanding = len(self.apps)
        self._priority_order = [app.index for app in sorted(
            self.apps, key=lambda app: (-spec.requests[app.index].priority, app.index))]
        self._owned: dict[int, set[Pair]] = {app.index: set() for app in self.apps}
        self._pokes: set[tuple[str, int]] = set()
        self._delays: dict[str, dict[str, int]] = {}
        for app in self.apps:
            sim.schedule_at(max(app.start_ps, 0), self._activate, app)

    # -- timing -------------------------------------------------------------------------

    def delay_ps(self, a: str, b: str) -> int:
        """One-way classical delay between two nodes along the shortest fiber route."""
        return self._delays_from(a)[b]

    def _delays_from(self, a: str) -> dict[str, int]:
        """One-way classical delays (ps) from ``a`` to every node."""
        delays = self._delays.get(a)
        if delays is None:
            delays = self._delays[a] = dict(zip(
                self.network.graph.nodes, seconds_to_ps_array(self.network.delays_from(a))))
        return delays

    def poke(self, node: str, at_ps: int) -> None:
        """Have ``node`` evaluate its rules at ``at_ps`` (once per node and time)."""
        key = (node, at_ps)
        if key in self._pokes:
            return
        self._pokes.add(key)
        self.sim.schedule_at(at_ps, self._evaluate, key)

    def _evaluate(self, key: tuple[str, int]) -> None:
        self._pokes.discard(key)
        self.engines[key[0]].evaluate()

    # -- link layer ---------------------------------------------------------------------

    def on_herald(self, link: HeraldedLink, channel: int, emitted_ps: int) -> None:
        """A pair was heralded on ``link``'s ``channel``: store it and tell both ends."""
        now = self.sim.now
        link.fidelity_sum += self._herald_fidelity[link.index]
        if self.characterize:
            return
        slot_a, slot_b = link.slots[channel]
        charged_to = link.take_credit(channel, self._priority_order)
        pair = Pair((slot_a, slot_b), self._emitted[link.index], emitted_ps, emitted_ps,
                    (now, now), heralded_ps=now, link=link.index,
                    charged=None if charged_to is None else
                    Charges((link.index, channel, charged_to)))
        slot_a.node.occupy(slot_a, pair, now)
        slot_b.node.occupy(slot_b, pair, now)
        link.stored_changed(+1, now)
        if self.cutoff_ps is not None:
            self._arm_cutoff(pair)
        if pair.alive:
            # both ends hold the herald now: they act on it at once (no wake-up event)
            self.engines[slot_a.node.name].evaluate(channel)
            self.engines[slot_b.node.name].evaluate(channel)

    # -- operations ---------------------------------------------------------------------

    def swap(self, node: QuantumNode, left: Pair, right: Pair, request: int) -> None:
        """Bell-state measurement at ``node`` on its qubits of ``left`` and ``right``."""
        now = self.sim.now
        app = self.apps[request]
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
        self._consume(left, app)
        self._consume(right, app)
        node.release(near_l, now)
        node.release(near_r, now)
        self.link_layers[near_l.link].kick(near_l.index)
        self.link_layers[near_r.link].kick(near_r.index)
        delays = self._delays_from(node.name)
        delay_l = now + delays[far_l.node.name]
        delay_r = now + delays[far_r.node.name]
        gates = node.gates
        if gates.swap_success_probability < 1.0 and \
                self.streams.stream(f"node:{node.name}:swap").random() >= \
                gates.swap_success_probability:
            self._block_until(far_l, delay_l)
            self._block_until(far_r, delay_r)
            self._refund(left)
            self._refund(right)
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
        self._owned[request].add(pair)
        if self.cutoff_ps is not None:
            self._arm_cutoff(pair)
        if self._news_nodes:
            for slot, known in zip(pair.ends, pair.known_ps):
                if slot.node.name in self._news_nodes:
                    self.poke(slot.node.name, known)

    def purify(self, node: QuantumNode, kept: Pair, sacrificed: Pair, rule: PurifyRule) -> None:
        """One recurrence round on two pairs between the same ends, started by ``node``."""
        now = self.sim.now
        app = self.apps[rule.request]
        v_kept = kept.state_at(now).bell_vector()
        v_sacrificed = sacrificed.state_at(now).bell_vector()
        out, p_success = purification.scheme(rule.scheme)(v_kept, v_sacrificed)
        ends = [self.nodes[name].gates for name in rule.ends]
        depolarization = bell_diagonal.combined_depolarization(ends[0].depolarization,
                                                               ends[1].depolarization)
        out = bell_diagonal.depolarize(out, depolarization)
        self._consume(kept, app)
        self._consume(sacrificed, app)
        for pair in (kept, sacrificed):
            if pair.link is not None:
                self._next_round(app, pair.ends[0].index)
        for slot in sacrificed.ends:
            slot.node.release(slot, now)
            self._notify_link_of(slot)
        known = now + self.delay_ps(*rule.ends)
        if self.streams.stream(f"node:{node.name}:purify").random() >= float(p_success):
            for slot in kept.ends:
                self._block_until(slot, known)
            return
        pair = Pair(kept.ends, type(kept.state).from_bell_vector(out), updated_ps=now,
                    created_ps=min(kept.created_ps, sacrificed.created_ps),
                    known_ps=(known, known), owner=rule.request, level=rule.level + 1)
        for slot in pair.ends:
            slot.node.occupy(slot, pair, now)
        self._owned[rule.request].add(pair)
        self._arm_cutoff(pair)
        self.poke(node.name, known)

    def deliver(self, pair: Pair, request: int) -> None:
        """Hand ``pair`` to ``request`` once both ends know it; it is consumed then."""
        pair.reserved = True
        at = max(self.sim.now, *pair.known_ps)
        if at > self.sim.now:
            self.sim.schedule_at(at, self._complete_delivery, pair, request)
        else:
            self._complete_delivery(pair, request)

    def _complete_delivery(self, pair: Pair, request: int) -> None:
        if not pair.alive:  # discarded by the cutoff while its last messages travelled
            return
        now = self.sim.now
        app = self.apps[request]
        state = pair.state_at(now)
        self._consume(pair, app)
        if pair.link is not None and app.active:
            self._next_round(app, pair.ends[0].index)
        for slot in pair.ends:
            slot.node.release(slot, now)
            self._notify_link_of(slot)
        if not app.active:
            return
        app.record(now, state)
        if app.done:
            self._finish(app)
        else:
            self.poke(pair.ends[0].node.name, now)

    # -- bookkeeping --------------------------------------------------------------------

    def _consume(self, pair: Pair, app: RequestApp | None) -> None:
        """Retire ``pair`` (its qubits are measured or handed over)."""
        pair.alive = False
        if pair.cutoff_event is not None:
            pair.cutoff_event.cancel()
        if pair.owner is not None:
            self._owned[pair.owner].discard(pair)
        if pair.link is not None:
            link = self.links[pair.link]
            link.stored_changed(-1, self.sim.now)
            if app is not None:
                link.consumed += 1
                if pair.heralded_ps is not None and pair.heralded_ps <= app.start_ps:
                    link.hits += 1

    def _next_round(self, app: RequestApp, lane: int) -> None:
        """A pair spanning ``app``'s ends was made in ``lane``: each link on its path owes
        one more pair in that lane."""
        if app.active:
            request = app.index
            for index in app.links:
                self.links[index].grant(request, lane)
                self.link_layers[index].kick(lane)

    def _refund(self, pair: Pair) -> None:
        """``pair`` was lost before spanning its request: its links owe their pairs again."""
        for index, channel, request in pair.charged or ():
            if self.apps[request].active:
                self.links[index].grant(request, channel)
                self.link_layers[index].kick(channel)
        pair.charged = None

    def _arm_cutoff(self, pair: Pair) -> None:
        """Schedule ``pair``'s discard at the cutoff, or discard it now if it is too old."""
        if self.cutoff_ps is not None:
            expiry = pair.created_ps + self.cutoff_ps
            if expiry <= self.sim.now:
                self._discard(pair)
            else:
                pair.cutoff_event = self.sim.schedule_at(expiry, self._discard, pair)

    def _discard(self, pair: Pair) -> None:
        """Cutoff: both ends drop a pair as soon as it is older than the limit."""
        if not pair.alive:
            return
        pair.cutoff_event = None
        self._consume(pair, None)
        self._refund(pair)
        now = self.sim.now
        for slot in pair.ends:
            if slot.pair is pair:
                slot.node.release(slot, now)
                self._notify_link_of(slot)

    def _block_until(self, slot: Slot, at_ps: int) -> None:
        slot.node.block(slot, self.sim.now)
        self.sim.schedule_at(at_ps, self._unblock, slot)

    def _unblock(self, slot: Slot) -> None:
        slot.node.release(slot, self.sim.now)
        self._notify_link_of(slot)

    def _notify_link_of(self, slot: Slot) -> None:
        self.link_layers[slot.link].kick(slot.index)

    def _activate(self, app: RequestApp) -> None:
        app.active = True
        parallel = min(len(self.links[index].slots) for index in app.links)
        for index in app.links:
            for lane in range(parallel):
                self.links[index].grant(app.index, lane)
            self.link_layers[index].kick_all()
        for node in app.plan.path:
            self.poke(node, self.sim.now)

    def _finish(self, app: RequestApp) -> None:
        app.active = False
        for index in app.links:
            self.links[index].revoke(app.index)
        for pair in list(self._owned[app.index]):
            self._discard(pair)
        self.outstanding -= 1
        if self.outstanding == 0:
            self.sim.stop()
        else:
            for other in self.apps:
                if other.active:
                    for node in other.plan.path:
                        self.poke(node, self.sim.now)

    def request_progress(self) -> float:
        """Fraction of all requested pairs delivered."""
        total = sum(app.requested for app in self.apps)
        return sum(len(app.delivery_ps) for app in self.apps) / total if total else 0.0
