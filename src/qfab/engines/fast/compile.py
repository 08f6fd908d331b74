"""Compile a scenario's requests into the scheme objects the fast engine samples from."""

from __future__ import annotations

import numpy as np

from qfab.engines.base import Support
from qfab.engines.fast.schemes import CompiledPath, PathShape, choose_scheme
from qfab.linkmodel import LinkModel
from qfab.memorymodel import memory_model
from qfab.orchestrator.network import NetworkGraph
from qfab.orchestrator.rules import RequestPlan
from qfab.physics.bell_diagonal import combined_depolarization
from qfab.physics.purification import parity_error
from qfab.spec.models import ScenarioSpec

__all__ = ["CompiledPath", "compile_request", "delivered_success", "path_shape",
           "recall_support", "request_support"]


def delivered_success(model: LinkModel) -> float:
    """Probability that an attempt on a single link delivers its pair: it heralds and both
    memories give their qubits back at the herald (``p eta_a(d) eta_b(d)``,
    :attr:`~qfab.linkmodel.LinkModel.herald_recall`). Each attempt is independent, so the
    attempts up to a delivery are geometric with this probability: a pair lost at read-out
    frees its channel at the herald, as a failed attempt does."""
    return model.p_success if model.certain_readout else model.p_success * model.herald_recall


def recall_support(spec: ScenarioSpec, network: NetworkGraph, plan: RequestPlan) -> Support:
    """Whether the fast engine models the read-out of the memories on ``plan``'s path:
    certain everywhere, or on a single link with a read-out that can succeed."""
    models = network.path_models(plan.path)
    if all(model.certain_readout for model in models):
        return Support.yes()
    where = f"requests[{plan.request}]"
    scheduled = next((model for model in models if model.schedule is not None), None)
    if scheduled is not None:
        return Support.no(f"{scheduled.availability_path}: the fast engine samples a link "
                          "with a schedule of slices between memories that always give "
                          "their qubits back; use engine des")
    if len(models) > 1:
        node = next(name for name in plan.path
                    if not memory_model(spec.nodes[name].memory).certain_readout)
        return Support.no(f"nodes.{node}.memory: the fast engine models memories whose "
                          f"read-out may fail on single links only, not on the path of "
                          f"{where}; use engine des")
    if models[0].herald_recall <= 0.0:
        a, b = models[0].between
        return Support.no(f"{where}: no pair of the link {a} - {b} is ever read out (recall "
                          "efficiency 0 at the herald); the fast engine samples deliveries; "
                          "use engine des")
    return Support.yes()


def path_shape(spec: ScenarioSpec, network: NetworkGraph, plan: RequestPlan) -> PathShape:
    """What decides which scheme models ``plan``'s request."""
    models = network.path_models(plan.path)
    return PathShape(
        where=f"requests[{plan.request}]", links=len(models), swap=spec.policy.swap,
        cutoff=spec.policy.cutoff, rounds=plan.rounds,
        zero_length=all(m.herald_delay == 0 for m in models),
        ideal_swaps=all(spec.nodes[node].gates.swap_success_probability >= 1
                        for node in plan.path[1:-1]),
        windows=next((m.availability_path for m in models if m.windows is not None), None),
        varying=next((m.availability_path for m in models if m.varies_in_window), None),
        scheduled=next((m.availability_path for m in models if m.schedule is not None), None),
    )


def request_support(spec: ScenarioSpec, network: NetworkGraph, plan: RequestPlan) -> Support:
    """Whether a scheme models ``plan``'s request, or why none does."""
    recall = recall_support(spec, network, plan)
    return recall if not recall else choose_scheme(path_shape(spec, network, plan))[1]


def compile_request(spec: ScenarioSpec, network: NetworkGraph, plan: RequestPlan) -> CompiledPath:
    """The scheme object of ``plan``'s request, with the path's arrays.

    Raises
    ------
    EngineError
        Naming what is not modelled, when no scheme models the request
        (:func:`request_support` says the same without raising).
    """
    scheme, support = choose_scheme(path_shape(spec, network, plan))
    support.require()
    assert scheme is not None
    request = spec.requests[plan.request]
    path = plan.path
    models = network.path_models(path)
    repeaters = path[1:-1]
    gates = [spec.nodes[node].gates for node in repeaters]
    memories = [memory_model(spec.nodes[node].memory) for node in path]
    a, b = path[0], path[-1]
    return scheme(
        pairs=request.pairs, start=request.start,
        p=np.array([delivered_success(m) if len(models) == 1 else m.p_success
                    for m in models]),
        period=np.array([m.period for m in models]),
        herald_delay=np.array([m.herald_delay for m in models]),
        emitted=np.array([m.emitted_state for m in models]),
        decay_rates=np.array([memory.decay_rates for memory in memories]),
        depolarization=np.array([g.depolarization for g in gates]),
        measurement_error=np.array([g.measurement_error for g in gates]),
        swap_success=np.array([g.swap_success_probability for g in gates]),
        reach=np.maximum(np.array(network.delays_to(a, repeaters), dtype=np.float64),
                         np.array(network.delays_to(b, repeaters), dtype=np.float64)),
        channels=min(model.channels for model in models),
        ideal_memory=all(memory.ideal for memory in memories),
        cutoff=spec.policy.cutoff,
        purification=plan.purification, rounds=plan.rounds,
        end_delay=network.delay(a, b), request=plan.request,
        end_depolarization=combined_depolarization(spec.nodes[a].gates.depolarization,
                                                   spec.nodes[b].gates.depolarization),
        end_parity_error=parity_error(spec.nodes[a].gates.measurement_error,
                                      spec.nodes[b].gates.measurement_error),
        windows=tuple(m.windows for m in models) if any(m.windows for m in models) else (),
        schedule=models[0].schedule if len(models) == 1 else None,
    )
