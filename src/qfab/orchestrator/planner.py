"""Turn requests into a :class:`NetworkPlan`: path, purification, swap rules per node."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from qfab import plugins
from qfab.errors import EngineError, ScenarioError
from qfab.heap import paused_collection
from qfab.orchestrator.domains import Domain, find_domains, segments_of
from qfab.orchestrator.estimates import (
    PathEstimate,
    PurificationPlan,
    estimate_path,
    plan_purification,
)
from qfab.orchestrator.network import NetworkGraph
from qfab.orchestrator.order import ServiceKey, service_key
from qfab.orchestrator.routing import candidate_paths
from qfab.orchestrator.rules import (
    DeliverRule,
    NetworkPlan,
    NodeRules,
    PurifyRule,
    RequestPlan,
    Rule,
    SwapRule,
)
from qfab.physics.bell_diagonal import combined_depolarization
from qfab.physics.purification import parity_error
from qfab.spec.models import PairRequestSpec, ScenarioSpec

__all__ = ["path_estimate", "plan_network", "swap_rules"]


@dataclass(frozen=True)
class _Option:
    path: list[str]
    purification: PurificationPlan
    rate_hz: float
    qubits_missing: str | None

    @property
    def fidelity(self) -> float:
        return self.purification.fidelity


@paused_collection  # rules for every node of a long path: many objects, all kept
def plan_network(spec: ScenarioSpec, network: NetworkGraph | None = None) -> NetworkPlan:
    """Plan every request of ``spec``.

    Parameters
    ----------
    spec
        A validated scenario.
    network
        Its :class:`NetworkGraph`, when the caller has one (an engine builds it once and
        runs on it too); built here otherwise.

    Returns
    -------
    NetworkPlan
        The requests' plans, every node's rules and every node's domain
        (:attr:`NetworkPlan.domains`), so nothing downstream recomputes them.

    Raises
    ------
    EngineError
        If two requested nodes are not connected, or no path and purification plan can
        reach a request's ``min_fidelity`` (the message gives the best achievable).
    """
    network = network or NetworkGraph(spec)
    domain_of = find_domains(spec, network.adjacency)
    plans: list[RequestPlan] = []
    rules: dict[str, list[tuple[tuple[ServiceKey, int], Rule]]] = {
        name: [] for name in spec.nodes}
    for index, request in enumerate(spec.requests):
        option = _choose(spec, network, index, request)
        path = option.path
        segments = segments_of(path, domain_of)
        plans.append(RequestPlan(
            request=index, between=request.between, path=path,
            domains=_domains_along(path, domain_of),
            gateways=[path[i] for i in sorted({end for seg in segments for end in seg})
                      if 0 < i < len(path) - 1],
            purification=option.purification.scheme,
            rounds=option.purification.rounds,
            expected_fidelity=option.fidelity, expected_rate_hz=option.rate_hz,
        ))
        key = service_key(index, request)
        for order, (node, rule) in enumerate(
                _request_rules(index, request, path, segments, option.purification,
                               spec.policy.swap)):
            rules[node].append(((key, order), rule))
    return NetworkPlan(
        requests=plans,
        nodes=[NodeRules(node=name, rules=[
                   rule for _, rule in sorted(entries, key=lambda e: e[0])])
               for name, entries in rules.items()],
        cutoff=spec.policy.cutoff, buffer=spec.policy.buffer,
        domains={node: domain.name for node, domain in domain_of.items()},
    )


def _choose(spec: ScenarioSpec, network: NetworkGraph, index: int,
            request: PairRequestSpec) -> _Option:
    source, target = request.between
    paths = _candidates(spec, network, source, target)
    if not paths:
        raise EngineError(f"requests[{index}].between: no path between {source} and {target}")
    schemes = {"none": ["none"], "bbpssw": ["bbpssw"], "dejmps": ["dejmps"],
               "auto": ["dejmps", "bbpssw"]}[spec.policy.purification]
    options = [_evaluate(spec, network, path, scheme, request.min_fidelity)
               for path in paths for scheme in schemes]
    feasible = [o for o in options if o.qubits_missing is None and
                (request.min_fidelity is None or o.fidelity >= request.min_fidelity)]
    if feasible:
        return max(feasible, key=lambda o: (o.rate_hz, -len(o.path)))
    best = max(options, key=lambda o: o.fidelity)
    if best.qubits_missing is not None and (request.min_fidelity is None
                                            or best.fidelity >= request.min_fidelity):
        raise EngineError(f"requests[{index}]: {best.qubits_missing}")
    hint = ("" if spec.policy.purification != "none"
            else "; purification may help (policy.purification: auto)")
    raise EngineError(
        f"requests[{index}].min_fidelity: {request.min_fidelity} is unreachable between "
        f"{source} and {target}: the best achievable is {best.fidelity:.4f} "
        f"(path {' - '.join(best.path)}, purification {best.purification.scheme} "
        f"x{best.purification.rounds}){hint}")


def _candidates(spec: ScenarioSpec, network: NetworkGraph, source: str,
                target: str) -> list[list[str]]:
    """Candidate paths from the default routing or the plugin policy ``policy.routing``."""
    name = spec.policy.routing
    if name == "default":
        return candidate_paths(network, source, target)
    policies = plugins.registry().routing
    if name not in policies:
        known = ", ".join(["default", *sorted(policies)])
        raise ScenarioError("policy.routing", f"unknown routing policy {name!r} (known: {known})")
    paths = [list(path) for path in policies[name](network, source, target)]
    for path in paths:
        if path[0] != source or path[-1] != target or any(
                not network.has_link(a, b) for a, b in zip(path, path[1:])):
            raise ScenarioError("policy.routing", f"policy {name!r} returned {path}, not a "
                                f"path of links from {source} to {target}")
    return paths


def path_estimate(spec: ScenarioSpec, network: NetworkGraph, path: Sequence[str]) -> PathEstimate:
    """The end-to-end pair of ``path`` before purification: its links' heralded Bell vectors
    swapped by the inner nodes' gates (:func:`~qfab.orchestrator.estimates.estimate_path`),
    and the estimated rate."""
    models = network.path_models(path)
    return estimate_path([m.heralded_state for m in models], [m.pair_rate for m in models],
                         [spec.nodes[node].gates for node in path[1:-1]])


def _evaluate(spec: ScenarioSpec, network: NetworkGraph, path: list[str], scheme: str,
              target: float | None) -> _Option:
    estimate = path_estimate(spec, network, path)
    ends = (spec.nodes[path[0]].gates, spec.nodes[path[-1]].gates)
    depolarization = combined_depolarization(ends[0].depolarization, ends[1].depolarization)
    purification = plan_purification(estimate.vector, scheme=scheme,
                                     rounds=spec.policy.purification_rounds, target=target,
                                     depolarization=depolarization,
                                     parity_error=parity_error(ends[0].measurement_error,
                                                               ends[1].measurement_error))
    missing = None
    needed = purification.rounds + 1
    for end, neighbour in ((path[0], path[1]), (path[-1], path[-2])):
        have = spec.qubits_per_link(end, neighbour)
        if have < needed:
            missing = (f"{purification.rounds} purification round(s) need {needed} qubits at "
                       f"{end} for its link to {neighbour}, it has {have} "
                       f"(nodes.{end}.memory.qubits)")
            break
    return _Option(path, purification, estimate.rate_hz / purification.pairs_per_delivery,
                   missing)


def _domains_along(path: Sequence[str], domain_of: dict[str, Domain]) -> list[str]:
    names: list[str] = []
    for node in path:
        if not names or names[-1] != domain_of[node].name:
            names.append(domain_of[node].name)
    return names


#: Purification schemes a rule can name (a plan's scheme is one of these or ``none``).
_PURIFY_SCHEMES: dict[str, Literal["bbpssw", "dejmps"]] = {"bbpssw": "bbpssw",
                                                           "dejmps": "dejmps"}


def _request_rules(index: int, request: PairRequestSpec, path: list[str],
                   segments: list[tuple[int, int]], purification: PurificationPlan,
                   swap_policy: str) -> list[tuple[str, Rule]]:
    """Rules for one request: swaps inside each segment, stitching swaps at the gateways,
    purification and delivery at the request's first node."""
    rules: list[tuple[str, Rule]] = []
    for first, last in segments:
        rules += swap_rules(index, request.priority, path, list(range(first, last + 1)),
                            swap_policy)
    boundaries = sorted({end for segment in segments for end in segment})
    rules += swap_rules(index, request.priority, path, boundaries, swap_policy,
                        segment_ends_only=len(boundaries) < len(path))
    ends = (path[0], path[-1])
    if purification.scheme != "none":
        scheme = _PURIFY_SCHEMES[purification.scheme]
        rules += [(path[0], PurifyRule(request=index, priority=request.priority, ends=ends,
                                       level=level, scheme=scheme))
                  for level in range(purification.rounds)]
    rules.append((path[0], DeliverRule(request=index, priority=request.priority, ends=ends,
                                       level=purification.rounds)))
    return rules


def swap_rules(request: int, priority: int, path: Sequence[str], positions: Sequence[int],
               policy: str, *, segment_ends_only: bool = False) -> list[tuple[str, SwapRule]]:
    """Swap rules joining the path nodes at ``positions`` (increasing indices into ``path``).

    ``asap``: every inner position swaps as soon as it holds a pair reaching any position to
    its left and one reaching any position to its right (Shchukin et al. 2019's swap-asap).
    ``nested``: doubling; the middle position joins the two halves once each spans its half
    exactly, recursively (Briegel, Dür, Cirac, Zoller, PRL 81, 5932 (1998)).

    The accepted far ends are given as spans of ``path`` (see :class:`SwapRule`): all of
    them when ``positions`` is a run of consecutive positions, only the segment ends among
    them (``segment_ends_only``) when it is the path's ends and gateways.
    """
    rules: list[tuple[str, SwapRule]] = []

    def rule(k: int, left: tuple[int, int], right: tuple[int, int], knowledge: bool) -> None:
        node = path[positions[k]]
        here = positions[k]
        rules.append((node, SwapRule(
            request=request, priority=priority,
            left_link=(path[here - 1], node), right_link=(node, path[here + 1]),
            left_span=(path[left[0]], path[left[1]]),
            right_span=(path[right[0]], path[right[1]]),
            segment_ends_only=segment_ends_only, needs_knowledge=knowledge)))

    last = len(positions) - 1
    if policy == "asap":
        for k in range(1, last):
            rule(k, (positions[0], positions[k - 1]), (positions[k + 1], positions[last]),
                 False)
        return rules

    def nested(lo: int, hi: int) -> None:
        if hi - lo < 2:
            return
        mid = (lo + hi + 1) // 2
        nested(lo, mid)
        nested(mid, hi)
        rule(mid, (positions[lo], positions[lo]), (positions[hi], positions[hi]), True)

    nested(0, last)
    return rules
