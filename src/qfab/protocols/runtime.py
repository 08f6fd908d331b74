"""The network at run time, assembled: nodes, links, link layers, rule engines and the
protocol components they use.

Each component has one job (:mod:`~qfab.protocols.heralds`, :mod:`~qfab.protocols.swapping`,
:mod:`~qfab.protocols.purification`, :mod:`~qfab.protocols.delivery`,
:mod:`~qfab.protocols.cutoffs`, :mod:`~qfab.protocols.ledger`,
:mod:`~qfab.protocols.lifecycle`, :mod:`~qfab.protocols.store`); this module only builds them
and wires them together. Rule engines see the components through
:class:`~qfab.protocols.actions.RuleActions`.

Classical messages take their real propagation time: a node learns the outcome of a swap
or purification elsewhere only after the message has travelled the fiber between them; until
then the qubits it holds stay blocked (failed operations) or unknown (successful ones).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from qfab.hardware.link import HeraldedLink
from qfab.hardware.pair import Pair
from qfab.hardware.qnode import QuantumNode
from qfab.heap import paused_collection
from qfab.memorymodel import MemoryModel, memory_model
from qfab.orchestrator.network import NetworkGraph
from qfab.orchestrator.order import service_key
from qfab.orchestrator.rules import NetworkPlan, PurifyRule
from qfab.protocols.cutoffs import Cutoffs
from qfab.protocols.delays import ClassicalDelays
from qfab.protocols.delivery import Delivery
from qfab.protocols.heralds import Heralds
from qfab.protocols.ledger import CreditLedger
from qfab.protocols.lifecycle import RequestLifecycle
from qfab.protocols.link_layer import LinkLayer, link_layer
from qfab.protocols.purification import Purification
from qfab.protocols.recalls import Recalls
from qfab.protocols.requests import RequestApp
from qfab.protocols.rule_engine import RuleEngine
from qfab.protocols.store import PairStore
from qfab.protocols.swapping import Swapping
from qfab.protocols.switching import OpticalSwitch, SwitchedLinkLayer
from qfab.protocols.trace import Tracer
from qfab.protocols.turns import PathTurns
from qfab.protocols.wakeups import Wakeups
from qfab.quantum.base import PairState
from qfab.rng import RandomStreams
from qfab.sim.kernel import Simulation
from qfab.sim.time import seconds_to_ps
from qfab.spec.models import ScenarioSpec

__all__ = ["NetworkRuntime"]


class _Actions:
    """The rule engines' :class:`~qfab.protocols.actions.RuleActions`: bound methods of the
    components that carry them out (no call in between)."""

    __slots__ = ("deliver", "purify", "swap")

    def __init__(self, swap: Callable[[QuantumNode, Pair, Pair, int], None],
                 purify: Callable[[QuantumNode, Pair, Pair, PurifyRule], None],
                 deliver: Callable[[Pair, int], None]) -> None:
        self.swap = swap
        self.purify = purify
        self.deliver = deliver


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
    tracer
        Records the run's events (:mod:`qfab.protocols.trace`); ``None``: not traced, and
        no component holds a tracer.
    """

    @paused_collection  # nodes, slots, links and rule engines of the whole network
    def __init__(self, sim: Simulation, spec: ScenarioSpec, network: NetworkGraph,
                 plan: NetworkPlan, streams: RandomStreams,
                 formalism: type[PairState], *, tracer: Tracer | None = None) -> None:
        self.sim = sim
        self.spec = spec
        self.network = network
        self.plan = plan
        self.streams = streams
        self.cutoff_ps = seconds_to_ps(plan.cutoff) if plan.cutoff is not None else None
        self.characterize = not spec.requests
        # nodes of a generated network share their memory spec: one model for each
        memories: dict[int, MemoryModel] = {}
        self.nodes: dict[str, QuantumNode] = {}
        for name, node in spec.nodes.items():
            memory = memories.get(id(node.memory))
            if memory is None:
                memory = memories[id(node.memory)] = memory_model(node.memory)
            channels = {nb: network.model(name, nb).channels for nb in spec.neighbours(name)}
            self.nodes[name] = QuantumNode(
                name, channels, memory=memory, gates=node.gates,
                qubits=sum(spec.qubits_per_link(name, nb) for nb in channels))
        self.links: list[HeraldedLink] = []
        emitted: list[PairState] = []
        states: dict[int, PairState] = {}  # equal links share their emitted state's array
        for index, model in enumerate(network.models):
            a, b = (self.nodes[name] for name in model.between)
            slots = list(zip(a.slots[b.name], b.slots[a.name]))
            for slot in a.slots[b.name] + b.slots[a.name]:
                slot.link = index
            link = HeraldedLink(index, slots, p_success=model.p_success,
                                period=model.period, herald_delay=model.herald_delay,
                                rng=partial(streams.stream, f"link:{a.name}-{b.name}"),
                                windows=model.windows,
                                herald_fidelity=float(model.heralded_state[0]),
                                schedule=model.schedule)
            link.buffer = len(slots) if self.characterize else plan.buffer
            self.links.append(link)
            state = states.get(id(model.emitted_state))
            if state is None:
                state = states[id(model.emitted_state)] = formalism.from_bell_vector(
                    model.emitted_state)
            emitted.append(state)
        self.apps = [RequestApp(request_plan, spec.requests[request_plan.request],
                                [network.link_index(x, y) for x, y in
                                 zip(request_plan.path, request_plan.path[1:])])
                     for request_plan in plan.requests]
        priority_order = [app.index for app in sorted(
            self.apps, key=lambda app: service_key(app.index, spec.requests[app.index]))]

        # components; the link layers are filled in below, before the run starts
        self.link_layers: list[LinkLayer] = []
        delays = ClassicalDelays(network)
        wakeups = Wakeups(sim)
        store = PairStore(sim, self.links, self.link_layers, [app.index for app in self.apps])
        ledger = CreditLedger(self.links, self.link_layers, self.apps)
        cutoffs = Cutoffs(sim, self.cutoff_ps, store, ledger)
        #: Who is served when requests share links (:meth:`PathTurns.waiting` says who waits
        #: for whom).
        self.turns = turns = PathTurns(
            sim, self.apps, [service_key(app.index, spec.requests[app.index])[:2]
                             for app in self.apps],
            self.links, store, ledger, cutoffs, wakeups)
        self._lifecycle = lifecycle = RequestLifecycle(sim, self.apps, store, ledger, cutoffs,
                                                       wakeups, turns)
        recalls = Recalls(streams) if any(node.lossy for node in self.nodes.values()) else None
        swapping = Swapping(sim, self.apps, self.link_layers, delays, streams, store, ledger,
                            cutoffs, wakeups, recalls)
        purification = Purification(sim, self.apps, self.nodes, delays, streams, store,
                                    ledger, cutoffs, wakeups)
        delivery = Delivery(sim, self.apps, store, ledger, wakeups, lifecycle.finish, recalls)
        heralds = Heralds(sim, emitted, priority_order, cutoffs,
                          characterize=self.characterize)
        if tracer is not None:
            cutoffs.tracer = turns.tracer = lifecycle.tracer = swapping.tracer = tracer
            purification.tracer = delivery.tracer = heralds.tracer = tracer

        #: The optical switches of the run, by name (:mod:`qfab.protocols.switching`).
        self.switches: dict[str, OpticalSwitch] = {}
        for link in self.links:
            switch = getattr(spec.links[link.index], "switch", None)
            if link.schedule is not None:
                layer = self._scheduled_layer(link, formalism, emitted, heralds)
            elif switch is None:
                layer = link_layer(sim, link, heralds.on_herald)
            else:
                ports = self.switches.get(switch.name)
                if ports is None:
                    ports = self.switches[switch.name] = OpticalSwitch(
                        sim, switch.name, seconds_to_ps(switch.reconfiguration_time))
                layer = SwitchedLinkLayer(sim, link, heralds.on_herald, ports)
            self.link_layers.append(layer)
            sim.schedule(0, layer.kick_all)  # buffers fill from the start
        actions = _Actions(swapping.swap, purification.purify, delivery.deliver)
        self.engines = {name: RuleEngine(node, plan.rules_of(name), actions, self.apps, sim,
                                           wakeups.poke)
                        for name, node in self.nodes.items()}
        wakeups.attach(self.engines)
        heralds.attach(self.engines)
        #: Nodes whose rules can react to a swap elsewhere (see RuleEngine.reacts_to_news).
        swapping.tell_of_news(frozenset(name for name, engine in self.engines.items()
                                        if engine.reacts_to_news))
        lifecycle.schedule()

    def _scheduled_layer(self, link: HeraldedLink, formalism: type[PairState],
                         emitted: list[PairState], heralds: Heralds) -> LinkLayer:
        """The link layer of a link with a schedule: each slice's pair state (in the run's
        formalism) and herald fidelity, written into ``emitted`` at each herald."""
        model = self.network.models[link.index]
        assert model.schedule is not None
        states = [formalism.from_bell_vector(vector) for vector in model.schedule.states]
        fidelities = [float(model.memories[1].store(model.memories[0].store(
            vector, model.herald_delay), model.herald_delay)[0])
            for vector in model.schedule.states]
        return link_layer(self.sim, link, heralds.on_herald, states=states,
                          fidelities=fidelities, emitted=emitted)

    @property
    def outstanding(self) -> int:
        """Requests not yet done."""
        return self._lifecycle.outstanding

    def request_progress(self) -> float:
        """Fraction of all requested pairs delivered."""
        return self._lifecycle.progress()
