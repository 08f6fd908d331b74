"""Analytic engine: expected rates and fidelities in closed form or by exact recursion.

Every request follows the path and purification plan of the orchestrator. Cases with an
exact answer:

* one link with ``k`` parallel channels: pairs at ``k p / period`` (a geometric number of
  attempts has mean ``1/p``), each with the heralded state; requests sharing a link are
  served one after the other in scenario order, accepted where that is the event
  simulation's service order (``priority``, then earliest ``deadline``:
  :func:`~qfab.orchestrator.order.service_key`) and refused otherwise;
* a chain of links (equal periods, zero length, one qubit per link at each node, ideal
  memories, or for nested swapping Werner links and equal memories that depolarize each
  qubit, no purification or cutoff): with swap-asap and ideal swaps a round lasts
  ``max_i G_i`` periods (:func:`~qfab.engines.chain_analytics.mean_max_geometric`); with two
  links and swap success ``p_s`` the mean is ``E[max] / p_s``; the nested scheme over
  ``2^n`` links uses the exact waiting-time distribution of Brand, Coopmans, Elkouss, IEEE
  JSAC 38, 619 (2020). The fidelity is that of the swapped heralded pairs (order does not
  matter for Bell-diagonal pairs and Pauli gate noise).

* one link whose end memories may fail to give a stored qubit back (AFC memories,
  :meth:`~qfab.memorymodel.MemoryModel.retrieval_efficiency`): a pair is read out at its
  herald, after ``herald_delay`` in both memories, so the delivered rate is the link's pair
  rate times ``eta_a(herald_delay) eta_b(herald_delay)``, and ``1 - eta`` of the heralded
  pairs are lost recalls (``lost_recalls``: ``delivered (1 - eta) / eta`` expected); chains
  with such memories are refused;
* one link with one channel that is up only in windows (``availability``): the expected
  successes within ``duration`` and the expected time of the last one, exactly, from the
  window's attempt grid (:mod:`qfab.linkwindows`); chains with windows are refused;
* one link with a schedule of up slices (a satellite pass, :mod:`qfab.linkschedule`): the
  expected successes ``k sum_i n_i p_i`` over the attempts each slice holds, the
  success-weighted mean fidelity, and a fluid estimate of the last pair's time; chains with
  a schedule are refused.

In each case the engine also knows the delivered pairs' mean Bell vector exactly (the
heralded state, the swapped heralded states, or for the nested depolarizing scheme the
Werner pair of the mean Werner parameter) and hands it to the request's application
(:meth:`~qfab.apps.base.Application.expect`): a bbm92 request takes its expected QBER, CHSH
value and key length from it (:mod:`qfab.engines.qkd`).

Pairs are used at the herald: ``policy.buffer`` (pairs stored ahead of demand) is refused,
and so are ``formalism: density_matrix`` and paths of several links that cross tier
domains (the event simulation swaps them per domain and stitches the segments at the
gateways). Other scenarios are refused: :meth:`AnalyticEngine.supports` names what the
engine cannot model, and :meth:`AnalyticEngine.run` raises
:class:`~qfab.errors.EngineError` with that reason.
"""

from __future__ import annotations

import math
import time

import numpy as np
from numpy.typing import NDArray

from qfab.engines import chain_analytics
from qfab.engines.base import ProgressCallback, Support
from qfab.engines.load import arrival_results
from qfab.engines.request_result import (
    active_time,
    applications,
    expected_link_result,
    request_result,
)
from qfab.engines.result import RunResult
from qfab.engines.support import (
    formalism_support,
    priority_support,
    scenario_support,
    segmentation_support,
)
from qfab.engines.wrappers import wrapper_for
from qfab.linkmodel import LinkModel
from qfab.memorymodel import MemoryModel, memory_model
from qfab.orchestrator.availability import path_wait
from qfab.orchestrator.network import NetworkGraph
from qfab.orchestrator.planner import path_estimate, plan_network
from qfab.orchestrator.rules import NetworkPlan, RequestPlan
from qfab.physics.bell_diagonal import (
    depolarizing_characters,
    fidelity_from_werner_parameter,
    werner,
    werner_parameter,
)
from qfab.spec.models import DepolarizingLinkSpec, ScenarioSpec

__all__ = ["AnalyticEngine"]


class AnalyticEngine:
    """Closed-form expectations (no sampling, no simulated clock)."""

    name = "analytic"

    def supports(self, spec: ScenarioSpec) -> Support:
        """Yes when every request has a closed form (see the module's list of cases)."""
        wrapper = wrapper_for(spec)
        if wrapper is not None:
            return wrapper.support(spec, self.name, self.supports)
        served = scenario_support(spec, self.name)
        if not served:
            return served
        network = NetworkGraph(spec)
        return _support(spec, network, plan_network(spec, network))

    def run(self, spec: ScenarioSpec, *, seed: int,
            progress: ProgressCallback | None = None) -> RunResult:
        """Compute expected link and request figures for ``spec``."""
        wrapper = wrapper_for(spec)
        if wrapper is not None:
            return wrapper.run(spec, self.name, seed,
                               lambda network: self.run(network, seed=seed, progress=progress),
                               False)
        started = time.perf_counter()
        apps = applications(spec, self.name)
        network = NetworkGraph(spec)
        plan = plan_network(spec, network)
        _support(spec, network, plan).require()
        served_before = [0] * len(network.models)
        requests = []
        end_time = 0.0
        for request_plan in plan.requests:
            request = spec.requests[request_plan.request]
            rate, state = _request_rate_and_state(spec, network, request_plan)
            fidelity = float(state[0])
            recall = _recall_efficiency(network, request_plan)
            links = [network.link_index(a, b)
                     for a, b in zip(request_plan.path, request_plan.path[1:])]
            shared = links[0] if len(links) == 1 else None
            before = served_before[shared] if shared is not None else 0
            available = rate * max(spec.duration - request.start, 0.0) - before
            delivered = max(0, min(request.pairs, math.floor(available + 1e-9)))
            if shared is not None:
                served_before[shared] += delivered
            last = (before + delivered) / rate if delivered else None
            if shared is not None and network.models[shared].windows is not None and rate > 0:
                delivered, last = _windowed_link(spec, network.models[shared], request_plan)
            if shared is not None and network.models[shared].schedule is not None:
                delivered, last, state = _scheduled_link(spec, network.models[shared],
                                                         request_plan)
                fidelity = float(state[0])
            if delivered < request.pairs:
                end_time = spec.duration
            elif last is not None:
                end_time = max(end_time, request.start + last)
            application = apps[request_plan.request]
            if delivered:
                application.expect(state)
            requests.append(request_result(
                request, request_plan, application, delivered=delivered,
                complete=delivered == request.pairs, last_s=last,
                active_s=active_time(delivered == request.pairs, last, request, spec.duration),
                fidelity=fidelity if delivered else None, fidelity_ci95=None,
                fidelity_min=fidelity if delivered else None,
                figures=application.figures(np.array([fidelity])) if delivered else {},
                lost_recalls=None if recall is None else
                _lost_recalls(delivered, recall),
                wait=path_wait(network.path_models(request_plan.path), request.start,
                               spec.duration)))
        if progress is not None:
            progress(1.0)
        return RunResult(
            scenario=spec.name, engine=self.name, seed=seed,
            sim_time_s=end_time if spec.requests else spec.duration,
            wall_time_s=time.perf_counter() - started, events=None,
            links=[expected_link_result(model, spec.duration) for model in network.models],
            requests=requests,
            arrivals=arrival_results(spec, requests),
        )


def _support(spec: ScenarioSpec, network: NetworkGraph, plan: NetworkPlan) -> Support:
    """Yes when every request has a closed form, else the first request's reason."""
    for shared in (formalism_support(spec, "analytic"),
                   segmentation_support(plan, "analytic"),
                   priority_support(spec, plan, "analytic"),
                   _start_support(spec, plan)):
        if not shared:
            return shared
    if spec.policy.buffer:
        return Support.no("policy.buffer: the analytic engine computes pairs used at the "
                          "herald, not pairs buffered in memory ahead of demand; use engine des")
    for request_plan in plan.requests:
        support = _windows_support(network, request_plan, plan.requests)
        if support:
            support = _request_support(spec, network, request_plan)
        if not support:
            return support
    return Support.yes()


def _start_support(spec: ScenarioSpec, plan: NetworkPlan) -> Support:
    """Yes unless requests that share a link start at different times.

    Requests sharing a link are served back to back from their common start: the ``k``-th
    one's last pair is expected after all pairs of those before it. A request that starts
    later may find the link idle, or busy for a random time, and the expected wait
    ``E[max(start, T)]`` of such a queue has no closed form here (as for the requests of
    ``arrivals``).
    """
    first: dict[frozenset[str], int] = {}
    for request in plan.requests:
        index = request.request
        for a, b in zip(request.path, request.path[1:]):
            other = first.setdefault(frozenset((a, b)), index)
            mine, theirs = spec.requests[index].start, spec.requests[other].start
            if mine != theirs:
                return Support.no(f"requests[{index}].start: {mine:g} s, while requests[{other}],"
                                  f" which shares the link {a} - {b}, starts at {theirs:g} s; "
                                  "the analytic engine serves requests sharing a link back to "
                                  "back from one start; use engine des")
    return Support.yes()


def _windows_support(network: NetworkGraph, plan: RequestPlan,
                     plans: list[RequestPlan]) -> Support:
    """Whether the up windows of the links on ``plan``'s path have a closed form here."""
    models = network.path_models(plan.path)
    for model in models:
        if model.schedule is not None:
            if len(models) > 1:
                return Support.no(f"{model.availability_path}: the analytic engine computes "
                                  "links with a schedule of up slices (a satellite pass) on "
                                  "single-link paths; use engine des")
            if sum(1 for other in plans
                   if len(other.path) == 2 and set(other.path) == set(model.between)) > 1:
                return Support.no(f"{model.availability_path}: the analytic engine computes "
                                  "links with a schedule of up slices for a single request; "
                                  "use engine des")
            continue
        if model.windows is None and not model.varies_in_window:
            continue
        if model.varies_in_window or len(models) > 1:
            return Support.no(f"{model.availability_path}: the analytic engine computes up "
                              "windows on single links whose success probability is constant "
                              "while up; use engine des")
        if model.channels != 1:
            return Support.no(f"{model.availability_path}: the analytic engine computes up "
                              "windows on links with one channel (one qubit per link at each "
                              "end); use engine des")
        if sum(1 for other in plans
               if len(other.path) == 2 and set(other.path) == set(model.between)) > 1:
            return Support.no(f"{model.availability_path}: the analytic engine computes up "
                              "windows on links that serve a single request; use engine des")
    return Support.yes()


def _windowed_link(spec: ScenarioSpec, model: LinkModel,
                   plan: RequestPlan) -> tuple[int, float | None]:
    """Expected pairs delivered within ``duration`` and the expected time of the last one, on
    one link with one channel that is up only in windows (a supported one).

    A channel that restarts at each herald attempts on a fixed grid
    (:mod:`qfab.linkwindows`), so the successes by ``duration`` are binomial over the
    ``A`` attempts finished by then: ``p A`` expected. The ``N``-th success heralds one
    attempt period after its attempt starts, at the mean given by
    :meth:`~qfab.linkwindows.AttemptWindows.mean_success_start`; the rate ``N / E[T_N]`` is
    the long-run ratio the other engines estimate.
    """
    windows = model.windows
    assert windows is not None
    request = spec.requests[plan.request]
    end = spec.duration - model.period
    attempts = int(windows.attempts_started(request.start, end)) if end >= request.start else 0
    delivered = max(0, min(request.pairs, math.floor(model.p_success * attempts + 1e-9)))
    if not delivered:
        return 0, None
    herald = windows.mean_success_start(request.start, delivered, model.p_success) + model.period
    return delivered, herald - request.start


def _scheduled_link(spec: ScenarioSpec, model: LinkModel,
                    plan: RequestPlan) -> tuple[int, float | None, np.ndarray]:
    """Expected pairs delivered within ``duration``, the time of the last one and the mean
    Bell vector of the delivered pairs, on one link with a schedule of up slices
    (:mod:`qfab.linkschedule`).

    Each channel is always ready (pairs are used at the herald) and keeps the schedule's one
    attempt grid from the request's start, so the expected successes by ``duration`` are
    ``k sum_i n_i p_i`` over the attempts ``n_i`` that start in slice ``i`` and herald by
    then (``k`` channels). The delivered pairs are the first ones: their mean state weighs
    each slice's pair (after the herald delay in memory) by its expected successes up to the
    delivered number. The last pair's time is a fluid estimate: when the expected count
    reaches the delivered number (not the mean of the ``N``-th success's time, which needs
    the whole distribution).
    """
    schedule = model.schedule
    assert schedule is not None
    request = spec.requests[plan.request]
    end = spec.duration - model.period  # the attempt's herald must come by then
    expected, per_slice = schedule.expected_successes(request.start, max(end, request.start))
    delivers = spec.policy.cutoff is None or model.herald_delay <= spec.policy.cutoff
    delivered = (max(0, min(request.pairs, math.floor(model.channels * expected + 1e-9)))
                 if delivers else 0)
    reached = np.minimum(np.cumsum(per_slice), max(delivered / model.channels, 0.0))
    weights = np.diff(reached, prepend=0.0) if delivered else per_slice
    stored = np.array([_stored(model, vector) for vector in schedule.states]).reshape(-1, 4)
    total = float(weights.sum())
    state = (weights @ stored / total if total > 0 else
             _stored(model, schedule.mean_state(weights)))
    if not delivered:
        return 0, None, np.asarray(state, dtype=np.float64)
    at = schedule.time_of_expected(request.start, delivered / model.channels)
    assert at is not None
    return delivered, at + model.period - request.start, np.asarray(state, dtype=np.float64)


def _stored(model: LinkModel, vector: np.ndarray) -> np.ndarray:
    """A slice's Bell vector after the herald delay in both end memories."""
    end_a, end_b = model.memories
    return np.asarray(end_b.store(end_a.store(vector, model.herald_delay), model.herald_delay))


def _recall_efficiency(network: NetworkGraph, plan: RequestPlan) -> float | None:
    """Probability that both qubits of a pair of a single-link request are read out at its
    herald, ``None`` when both memories always give them back."""
    model = network.path_models(plan.path)[0]
    return None if model.certain_readout else model.herald_recall


def _lost_recalls(delivered: int, recall: float) -> float | None:
    """Expected recalls lost before ``delivered`` pairs were read out (``None`` when no
    pair is ever read out: the count grows without bound)."""
    if recall <= 0.0:
        return None
    return delivered * (1.0 - recall) / recall


def _request_support(spec: ScenarioSpec, network: NetworkGraph, plan: RequestPlan) -> Support:
    """Whether one request has a closed form here, or why not."""
    where = f"requests[{plan.request}]"
    models = network.path_models(plan.path)
    if plan.rounds:
        return Support.no(f"{where}: the analytic engine does not model purification; "
                          "use engine des")
    if len(models) == 1:
        if models[0].time_varying and _recall_efficiency(network, plan) is not None:
            return Support.no(f"{models[0].availability_path}: the analytic engine computes up "
                              "windows on links whose memories always give their qubits back; "
                              "use engine des")
        return Support.yes()
    for node in plan.path:
        if not memory_model(spec.nodes[node].memory).certain_readout:
            return Support.no(f"nodes.{node}.memory: the analytic engine models memories "
                              "whose read-out may fail on single links only (swapped pairs "
                              f"wait random times), not on the path of {where}; use engine "
                              "des")
    reasons = _chain_reasons(spec, plan, models)
    if reasons:
        return Support.no(f"{where}: the analytic engine computes chains with "
                          f"{', '.join(reasons)}; use engine des")
    swaps = _swap_successes(spec, plan)
    if _nested(spec, plan, models):
        if 2 ** round(math.log2(len(models))) != len(models) or len(set(swaps)) != 1:
            return Support.no(f"{where}: the analytic nested scheme needs 2^n links and one "
                              "swap success probability; use engine des")
    elif not all(p_swap == 1.0 for p_swap in swaps) and len(models) != 2:
        return Support.no(f"{where}: swap-asap with swap success below 1 over more than two "
                          "links has no closed form here; use engine des")
    return Support.yes()


def _request_rate_and_state(spec: ScenarioSpec, network: NetworkGraph,
                            plan: RequestPlan) -> tuple[float, NDArray[np.float64]]:
    """Expected delivery rate (Hz) and mean Bell vector of one request's pairs (a supported
    one).

    The mean state is exact in every supported case: the heralded state on one link (read
    out at the herald); on a chain with ideal memories, the swapped heralded states
    (:func:`~qfab.orchestrator.planner.path_estimate`, the planner's pair); with
    depolarizing memories and Werner links, the Werner state of the exact mean Werner
    parameter (every pair is a Werner pair, so their mean is too).
    """
    models = network.path_models(plan.path)
    if len(models) == 1:
        model = models[0]
        cutoff = spec.policy.cutoff
        delivers = cutoff is None or model.herald_delay <= cutoff
        recall = _recall_efficiency(network, plan)
        rate = model.pair_rate * (1.0 if recall is None else recall)
        return (rate if delivers else 0.0), np.asarray(model.heralded_state, dtype=np.float64)
    coherence = _coherence_time(spec, plan)
    period = models[0].period
    p_links = [model.p_success for model in models]
    swaps = _swap_successes(spec, plan)
    if _nested(spec, plan, models):
        levels = round(math.log2(len(models)))
        pmf = chain_analytics.waiting_time_pmf(p_links, levels=levels, p_swap=swaps[0])
        steps = chain_analytics.mean_waiting_time(pmf)
        if coherence is not None:
            fidelity = _nested_fidelity(spec, plan, models, levels, swaps[0], coherence / period)
            return 1.0 / (steps * period), np.asarray(werner(fidelity), dtype=np.float64)
    elif all(p_swap == 1.0 for p_swap in swaps):
        steps = chain_analytics.mean_max_geometric(p_links)
    else:  # two links
        steps = chain_analytics.mean_max_geometric(p_links) / swaps[0]
    return 1.0 / (steps * period), path_estimate(spec, network, plan.path).vector


def _swap_successes(spec: ScenarioSpec, plan: RequestPlan) -> list[float]:
    return [spec.nodes[node].gates.swap_success_probability for node in plan.path[1:-1]]


def _nested(spec: ScenarioSpec, plan: RequestPlan, models: list[LinkModel]) -> bool:
    """True when the chain is computed by the nested recursion: nested swapping, or two
    links with decohering memories (one repeater: asap and nested are the same protocol)."""
    return spec.policy.swap == "nested" or (len(models) == 2
                                            and _coherence_time(spec, plan) is not None)


def _nested_fidelity(spec: ScenarioSpec, plan: RequestPlan, models: list[LinkModel],
                     levels: int, p_swap: float, coherence_steps: float) -> float:
    """Mean delivered fidelity of the nested scheme with depolarizing memories.

    A pair finished first waits ``|T_A - T_B|`` steps for its partner while both its qubits
    depolarize, ``w -> w e^{-2 dt / T}``; Brand, Coopmans, Elkouss (2020) carry the Werner
    parameter through the waiting-time recursion exactly
    (:func:`~qfab.engines.chain_analytics.nested_mean_werner`, whose coherence time is that of
    a stored pair, ``T / 2``). Gate depolarization scales ``w`` by ``1 - p`` per swap.
    """
    w_links = [float(werner_parameter(m.emitted_state[0])) for m in models]
    werner = chain_analytics.nested_mean_werner(
        [m.p_success for m in models], levels=levels, p_swap=p_swap, w_link=w_links,
        coherence_time_steps=coherence_steps / 2)
    for node in plan.path[1:-1]:  # a depolarizing channel scales w by its character
        werner *= depolarizing_characters(spec.nodes[node].gates.depolarization)[1]
    return float(fidelity_from_werner_parameter(werner))


def _chain_reasons(spec: ScenarioSpec, plan: RequestPlan, models: list[LinkModel]) -> list[str]:
    """What a chain lacks for a closed form (empty when it has one)."""
    reasons = []
    memories = _memories(spec, plan)
    werner_links = all(isinstance(spec.links[network_index], DepolarizingLinkSpec)
                       for network_index in _link_indices(spec, plan))
    rate = _common_depolarizing_rate(memories)
    depolarizing = (werner_links and rate is not None and rate > 0
                    and all(spec.nodes[node].gates.measurement_error == 0
                            for node in plan.path[1:-1]))
    if len({round(model.period, 15) for model in models}) != 1:
        reasons.append("links with equal attempt periods")
    if any(model.herald_delay > 0 for model in models):
        reasons.append("zero-length links (no classical delays)")
    if any(model.channels != 1 for model in models):
        reasons.append("one qubit per link at each node")
    ideal = all(m.ideal for m in memories)
    if not ideal and not (depolarizing and (spec.policy.swap == "nested" or len(models) == 2)):
        reasons.append("ideal memories (or, for nested swapping, Werner links and equal "
                       "depolarizing memories: kind depolarizing, or T1 = T2)")
    if spec.policy.cutoff is not None:
        reasons.append("no cutoff")
    if len(spec.requests) > 1:
        reasons.append("a single request")
    return reasons


def _memories(spec: ScenarioSpec, plan: RequestPlan) -> list[MemoryModel]:
    return [memory_model(spec.nodes[node].memory) for node in plan.path]


def _coherence_time(spec: ScenarioSpec, plan: RequestPlan) -> float | None:
    """``None`` when no memory on the path decoheres, else ``1 / r1`` of the first node's
    memory (on a chain with a closed form, every memory's depolarizing coherence time: its
    three character decay rates are equal)."""
    memories = _memories(spec, plan)
    if all(m.ideal for m in memories):
        return None
    rate = memories[0].decay_rates[0]
    return 1.0 / rate if rate > 0 else math.inf


def _common_depolarizing_rate(memories: list[MemoryModel]) -> float | None:
    """The one character decay rate of memories that all depolarize alike, else ``None``.

    A memory whose three character decay rates are equal depolarizes its qubit (Werner
    pairs stay Werner pairs), as the nested recursion of
    :func:`~qfab.engines.chain_analytics.nested_mean_werner` needs.
    """
    rates = {m.decay_rates for m in memories}
    if len(rates) != 1:
        return None
    first, second, third = rates.pop()
    return first if first == second == third else None


def _link_indices(spec: ScenarioSpec, plan: RequestPlan) -> list[int]:
    indices = []
    for a, b in zip(plan.path, plan.path[1:]):
        found = spec.link_between(a, b)
        assert found is not None
        indices.append(found[0])
    return indices
