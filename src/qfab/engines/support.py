"""What no engine models yet, refused the same way by all of them.

Each engine's ``supports`` starts here: applications that need several pairs at once, and
memories whose read-out is not certain (rare-earth AFC memories) in an engine that does not
model the lost recalls (outside :data:`RECALL_ENGINES`), are refused with the field that
asks for them, so that no engine ignores them silently. Memories that store several modes
per qubit are modelled by every engine: they multiply the link's parallel channels
(:func:`qfab.linkmodel.memory_channels`).
"""

from __future__ import annotations

from qfab.apps.base import application_for
from qfab.engines.base import Support
from qfab.memorymodel import memory_model
from qfab.orchestrator.order import service_key
from qfab.orchestrator.rules import NetworkPlan
from qfab.spec.models import ScenarioSpec

__all__ = ["RECALL_ENGINES", "SWITCH_ENGINES", "application_support", "arrivals_support",
           "formalism_support", "memory_support", "priority_support", "scenario_support",
           "segmentation_support", "switch_support"]


def application_support(spec: ScenarioSpec, engine: str) -> Support:
    """Whether ``engine`` serves the application of every request of ``spec``, or why not:
    every engine so far delivers one pair at a time."""
    for index, request in enumerate(spec.requests):
        app = application_for(request, where=f"requests[{index}]")
        if app.pairs_at_once != 1:
            return Support.no(f"requests[{index}].kind: {request.kind!r} needs "
                              f"{app.pairs_at_once} pairs at once; the {engine} engine "
                              "delivers one pair at a time")
    return Support.yes()


#: Engines that model a read-out that may fail (:mod:`qfab.protocols.recalls` in the event
#: simulation; the analytic and fast engines on single links, refusing the rest themselves).
RECALL_ENGINES = frozenset({"des", "analytic", "fast"})


def memory_support(spec: ScenarioSpec, engine: str) -> Support:
    """Whether ``engine`` models every node's memory: one whose read-out may fail
    (:attr:`~qfab.memorymodel.MemoryModel.certain_readout` false) needs an engine of
    :data:`RECALL_ENGINES`, and no engine models purification with it (a purification
    round reads both pairs' qubits out and stores the kept one again)."""
    for name, node in spec.nodes.items():
        model = memory_model(node.memory)
        if model.certain_readout:
            continue
        if engine not in RECALL_ENGINES:
            return Support.no(f"nodes.{name}.memory: kind {model.kind!r} has a storage-time "
                              f"dependent retrieval efficiency, which the {engine} engine "
                              "does not model; use engine des")
        if spec.policy.purification != "none":
            return Support.no(f"policy.purification: {spec.policy.purification!r} with "
                              f"nodes.{name}.memory of kind {model.kind!r}, whose read-out "
                              "may fail: purifying reads the qubits out and stores the kept "
                              "pair again, which no engine models")
    return Support.yes()


def formalism_support(spec: ScenarioSpec, engine: str) -> Support:
    """Whether ``engine`` computes in the formalism ``spec`` asks for: the closed forms and
    the sampled schemes carry Bell-diagonal (Pauli-twirled) pairs only."""
    if spec.formalism != "bell_diagonal":
        return Support.no(f"formalism: {spec.formalism!r}; the {engine} engine computes "
                          "Bell-diagonal (Pauli-twirled) pairs only, which differ from the "
                          "exact state when pairs are not Bell-diagonal; use engine des")
    return Support.yes()


def segmentation_support(plan: NetworkPlan, engine: str) -> Support:
    """Whether ``engine``'s model of every path is the protocol the event simulation runs.

    A path that crosses tier domains is cut into per-domain segments, each swapped on its
    own and stitched to the next at a gateway (:mod:`qfab.orchestrator.domains`); an engine
    that models plain swap-asap or nested swapping over the whole path computes another
    protocol, so it refuses such a path (one link crossing domains has nothing to stitch).
    """
    for request in plan.requests:
        if request.gateways:
            return Support.no(
                f"requests[{request.request}]: the path crosses the domains "
                f"{', '.join(request.domains)} and is swapped per domain, stitched at the "
                f"gateways {', '.join(request.gateways)}; the {engine} engine models swapping "
                "over the whole path only; use engine des")
    return Support.yes()


def priority_support(spec: ScenarioSpec, plan: NetworkPlan, engine: str) -> Support:
    """Whether ``engine``, which serves requests that share a link one after another in
    scenario order, serves them in the order the event simulation does: by ``priority``
    (larger first), then earliest deadline (:func:`qfab.orchestrator.order.service_key`).

    It does when, on every shared link, no request is served before one listed earlier.
    """
    seen: dict[frozenset[str], list[int]] = {}
    for request in plan.requests:
        index = request.request
        mine = service_key(index, spec.requests[index])
        for a, b in zip(request.path, request.path[1:]):
            earlier = seen.setdefault(frozenset((a, b)), [])
            for other in earlier:
                if service_key(other, spec.requests[other]) > mine:
                    return Support.no(_order_reason(spec, index, other, f"{a} - {b}", engine))
            earlier.append(index)
    return Support.yes()


def _order_reason(spec: ScenarioSpec, index: int, other: int, link: str, engine: str) -> str:
    """Why ``requests[index]``, served before the earlier ``requests[other]``, is refused."""
    mine, theirs = spec.requests[index], spec.requests[other]
    field, values = ("priority", f"{mine.priority} against {theirs.priority}")
    if mine.priority == theirs.priority:
        field, values = ("deadline", "an earlier deadline than that")
    return (f"requests[{index}].{field}: {values} of requests[{other}], which shares the "
            f"link {link}, serves it first; the {engine} engine serves requests sharing a "
            "link in scenario order; use engine des")


def arrivals_support(spec: ScenarioSpec) -> Support:
    """Whether the requests of the scenario's ``arrivals`` are among its requests (a
    scenario model validated without loading has its arrivals but not their requests)."""
    if spec.arrivals_drawn:
        return Support.yes()
    return Support.no("arrivals: the requests of arrival processes are drawn when a scenario "
                      "is loaded (qfab.load, qfab.loading.parse_scenario); this scenario was "
                      "validated without drawing them")


#: Engines that model an optical switch's ports (one peer at a time) and its reconfiguration
#: time (:mod:`qfab.protocols.switching`).
SWITCH_ENGINES = frozenset({"des"})


def switch_support(spec: ScenarioSpec, engine: str) -> Support:
    """Whether ``engine`` models every link's optical ``switch``: its insertion loss is in
    the link's chain (every engine), but only the engines of :data:`SWITCH_ENGINES` model its
    ports and reconfiguration time."""
    if engine in SWITCH_ENGINES:
        return Support.yes()
    for index, link in enumerate(spec.links):
        if getattr(link, "switch", None) is not None:
            return Support.no(f"links[{index}].switch: the optical switch connects each port "
                              "to one peer at a time and takes its reconfiguration time to "
                              f"change it, which the {engine} engine does not model; use "
                              "engine des")
    return Support.yes()


def scenario_support(spec: ScenarioSpec, engine: str) -> Support:
    """The checks every engine shares: arrivals drawn, applications, memories, switches."""
    served = arrivals_support(spec)
    if not served:
        return served
    served = application_support(spec, engine)
    served = served if not served else memory_support(spec, engine)
    return served if not served else switch_support(spec, engine)
