"""Compile a scenario's requests into arrays the fast engine samples from."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from qfab.errors import EngineError
from qfab.memorymodel import memory_model
from qfab.orchestrator.network import NetworkGraph
from qfab.orchestrator.rules import RequestPlan
from qfab.physics.bell_diagonal import combined_depolarization
from qfab.spec.models import ScenarioSpec

__all__ = ["CompiledPath", "compile_request"]

FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class CompiledPath:
    """One request's path as arrays (``n`` links, ``n + 1`` nodes, ``n - 1`` repeaters).

    Attributes
    ----------
    scheme
        ``"link"`` (one link), ``"asap"``, ``"asap_cutoff"`` (zero-length links with a
        cutoff) or ``"nested"``.
    pairs, start
        Requested pairs and the request's start time (s).
    p, period, herald_delay
        Per link: success probability, attempt period (s), emission-to-herald delay (s).
    emitted
        Per link: Bell vector of a heralded pair before memory decoherence, shape (n, 4).
    decay_rates
        Per node along the path: its memory's character decay rates (1/s), shape (n + 1, 3)
        (:attr:`qfab.memorymodel.MemoryModel.decay_rates`).
    depolarization, measurement_error, swap_success
        Per repeater: gate noise and Bell-measurement success probability.
    reach
        Per repeater: one-way classical delay (s) to the farther of the two end nodes.
    channels
        Parallel attempts on a one-link path; on a chain, the number of lanes (qubit ``j`` is
        swapped only with qubit ``j``, so each lane is an independent one-qubit chain).
    cutoff
        Maximum age (s) of any stored pair, or ``None``.
    purification, rounds
        Recurrence scheme (``"none"``, ``"bbpssw"``, ``"dejmps"``) and rounds on a one-link path.
    end_delay
        One-way classical delay (s) between the two end nodes.
    end_depolarization
        Depolarization of a purified pair by the end nodes' gates.
    request
        Index of the request in the scenario.
    ideal_memory
        True when no node on the path decoheres (fidelity needs no sampling).
    """

    scheme: str
    pairs: int
    start: float
    p: FloatArray
    period: FloatArray
    herald_delay: FloatArray
    emitted: FloatArray
    decay_rates: FloatArray
    depolarization: FloatArray
    measurement_error: FloatArray
    swap_success: FloatArray
    reach: FloatArray
    channels: int
    ideal_memory: bool
    cutoff: float | None = None
    purification: str = "none"
    rounds: int = 0
    end_delay: float = 0.0
    end_depolarization: float = 0.0
    request: int = 0

    @property
    def links(self) -> int:
        """Number of links on the path."""
        return int(self.p.size)


def compile_request(spec: ScenarioSpec, network: NetworkGraph, plan: RequestPlan) -> CompiledPath:
    """Arrays for ``plan``'s request, or an :class:`EngineError` naming what is not modelled."""
    where = f"requests[{plan.request}]"
    request = spec.requests[plan.request]
    path = plan.path
    models = network.path_models(path)
    if plan.rounds and (len(models) > 1 or spec.policy.cutoff is not None):
        raise EngineError(f"{where}: the fast engine models purification on single links "
                          "without cutoff; use engine des")
    if spec.policy.buffer:
        raise EngineError("policy.buffer: the fast engine serves requests on demand only; "
                          "use engine des")
    repeaters = path[1:-1]
    gates = [spec.nodes[node].gates for node in repeaters]
    memories = [memory_model(spec.nodes[node].memory) for node in path]
    if len(models) == 1:
        scheme = "purified_link" if plan.rounds else "link"
    else:
        scheme = spec.policy.swap
        if scheme == "asap" and any(g.swap_success_probability < 1 for g in gates):
            if len(models) == 2 and all(m.herald_delay == 0 for m in models):
                scheme = "nested"  # one repeater: asap and nested are the same protocol
            else:
                raise EngineError(f"{where}: the fast engine models swap-asap with swap "
                                  "success 1 (or two zero-length links); use swap: nested "
                                  "or engine des")
        if scheme == "nested" and (any(m.herald_delay > 0 for m in models)
                                   or 2 ** round(math.log2(len(models))) != len(models)):
            raise EngineError(f"{where}: the fast engine models nested swapping on 2^n "
                              "zero-length links; use engine des")
    cutoff = spec.policy.cutoff
    if cutoff is not None and scheme not in ("link", "purified_link"):
        if scheme == "nested" or any(m.herald_delay > 0 for m in models):
            raise EngineError("policy.cutoff: the fast engine models cutoffs on single links "
                              "and on swap-asap chains of zero-length links; use engine des")
        scheme = "asap_cutoff"
    a, b = path[0], path[-1]
    return CompiledPath(
        scheme=scheme, pairs=request.pairs, start=request.start,
        p=np.array([m.p_success for m in models]),
        period=np.array([m.period for m in models]),
        herald_delay=np.array([m.herald_delay for m in models]),
        emitted=np.array([m.emitted_state for m in models]),
        decay_rates=np.array([memory.decay_rates for memory in memories]),
        depolarization=np.array([g.depolarization for g in gates]),
        measurement_error=np.array([g.measurement_error for g in gates]),
        swap_success=np.array([g.swap_success_probability for g in gates]),
        reach=np.array([max(network.delay(node, a), network.delay(node, b))
                        for node in repeaters]),
        channels=min(model.channels for model in models),
        ideal_memory=all(memory.ideal for memory in memories),
        cutoff=cutoff,
        purification=plan.purification, rounds=plan.rounds,
        end_delay=network.delay(a, b), request=plan.request,
        end_depolarization=combined_depolarization(spec.nodes[a].gates.depolarization,
                                                   spec.nodes[b].gates.depolarization),
    )
