"""Fast engine: compile a scenario once into arrays, sample trajectories in bulk.

Every request runs along the orchestrator's path; each trajectory is one complete run of the
request (its ``pairs`` deliveries), sampled for ``fast.shots`` independent runs at once on
NumPy or, with ``fast.device: gpu``, on CuPy. Results carry 95 % intervals over the runs;
``fast.target_rel_error`` keeps sampling batches until the rate is that precise.

Each request compiles into the object of the scheme that models its path
(:mod:`qfab.engines.fast.schemes`: one link, a purified link, swap-asap, swap-asap with a
cutoff, nested swapping), whose ``sample(shots, backend)`` draws the runs;
:meth:`FastEngine.supports` says which scenarios have such a scheme, and why not.
"""

from __future__ import annotations

import math
import time
from dataclasses import replace
from typing import Any

import numpy as np

from qfab.apps.base import Application
from qfab.engines.base import ProgressCallback, Support
from qfab.engines.fast.backend import backend_for, device_support
from qfab.engines.fast.compile import CompiledPath, compile_request, request_support
from qfab.engines.fast.memory import batch_shots_limit, memory_support, pairs_to_sample
from qfab.engines.load import arrival_results
from qfab.engines.request_result import applications, expected_link_result, request_result
from qfab.engines.result import RequestResult, RunResult, mean_with_ci95
from qfab.engines.support import formalism_support, scenario_support, segmentation_support
from qfab.engines.wrappers import wrapper_for
from qfab.errors import EngineError
from qfab.orchestrator.availability import path_wait
from qfab.orchestrator.network import NetworkGraph
from qfab.orchestrator.planner import plan_network
from qfab.orchestrator.rules import NetworkPlan, RequestPlan
from qfab.spec.models import ScenarioSpec

__all__ = ["CompiledPath", "FastEngine", "compile_request"]


class FastEngine:
    """Vectorized Monte Carlo over complete runs of each request."""

    name = "fast"

    def supports(self, spec: ScenarioSpec) -> Support:
        """Yes when a scheme models every request on its own links, on demand, and
        ``fast.device`` is available here."""
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
        """Sample every request of ``spec`` and summarize the runs."""
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
        compiled = [compile_request(spec, network, request) for request in plan.requests]
        backend = backend_for(spec.fast.device, seed)
        requests = []
        sim_time = 0.0
        for index, (request_plan, path) in enumerate(zip(plan.requests, compiled)):
            summary = _sample_until_precise(spec, _within_duration(spec, path, request_plan),
                                            backend)
            requests.append(_request_result(spec, request_plan, apps[request_plan.request],
                                            summary, network))
            sim_time = max(sim_time, summary["sim_time"])
            if progress is not None:
                progress((index + 1) / len(compiled))
        if progress is not None:
            progress(1.0)
        return RunResult(
            scenario=spec.name, engine=self.name, seed=seed,
            sim_time_s=sim_time if spec.requests else spec.duration,
            wall_time_s=time.perf_counter() - started, events=None,
            links=[expected_link_result(m, spec.duration) for m in network.models],
            requests=requests, arrivals=arrival_results(spec, requests),
        )


def _support(spec: ScenarioSpec, network: NetworkGraph, plan: NetworkPlan) -> Support:
    """Every refusal of the fast engine after its applications (:func:`applications`): the
    device, the formalism, tier segments, memory, the policy, shared links, then each
    request's path."""
    device = device_support(spec.fast.device)
    if not device:
        return device
    for shared in (formalism_support(spec, "fast"), segmentation_support(plan, "fast")):
        if not shared:
            return shared
    memory = memory_support(spec, plan, network)
    if not memory:
        return memory
    if spec.policy.buffer:
        return Support.no("policy.buffer: the fast engine serves requests on demand only; "
                          "use engine des")
    independent = _independent(plan.requests)
    if not independent:
        return independent
    for request_plan in plan.requests:
        support = request_support(spec, network, request_plan)
        if not support:
            return support
    return Support.yes()


def _independent(plans: list[RequestPlan]) -> Support:
    """Yes when no two requests share a link (the engine samples each request alone)."""
    seen: dict[frozenset[str], int] = {}
    for plan in plans:
        for a, b in zip(plan.path, plan.path[1:]):
            other = seen.setdefault(frozenset((a, b)), plan.request)
            if other != plan.request:
                return Support.no(
                    f"requests[{plan.request}]: shares the link {a} - {b} with "
                    f"requests[{other}]; contending requests need engine des")
    return Support.yes()


def _sample_until_precise(spec: ScenarioSpec, path: CompiledPath, backend: Any) -> dict[str, Any]:
    """Sample batches of runs until the rate's 95 % interval meets the target (or one batch)."""
    options = spec.fast
    horizon = spec.duration - path.start
    fidelity_sums: list[np.ndarray] = []
    delivered_all: list[np.ndarray] = []
    fidelity_min = math.inf
    last_times: list[np.ndarray] = []
    active_times: list[np.ndarray] = []
    requested = spec.requests[path.request].pairs
    largest_batch = batch_shots_limit(spec, requested, len(path.p), path.channels)
    shots = 0
    batch_shots = options.shots
    while True:
        batch = path.sample(batch_shots, backend, horizon=horizon)
        while path.pairs < spec.requests[path.request].pairs and \
                bool((backend.to_host(batch.times)[:, -1] <= horizon).any()):
            # a run delivered every sampled pair before the time limit: sample more pairs
            path = replace(path, pairs=min(2 * path.pairs,
                                           spec.requests[path.request].pairs))
            batch = path.sample(batch_shots, backend, horizon=horizon)
        times = backend.to_host(batch.times)
        fidelity = backend.to_host(batch.fidelity)
        within = times <= horizon + 1e-15
        delivered = within.sum(axis=1)
        last = np.where(delivered > 0, np.max(np.where(within, times, 0.0), axis=1), np.nan)
        delivered_all.append(delivered)
        fidelity_sums.append(np.where(within, fidelity, 0.0).sum(axis=1))
        if within.any():
            fidelity_min = min(fidelity_min, float(fidelity[within].min()))
        last_times.append(last)
        # active time: to the last pair in a run that got them all, else to the end
        active_times.append(np.where(delivered == requested, last, horizon))
        shots += batch_shots
        mean, ci = _ratio_with_ci95(np.concatenate(delivered_all).astype(float),
                                    np.concatenate(active_times))
        target = options.target_rel_error
        if target is None or mean is None or ci is None or shots >= options.max_shots:
            break
        needed = _runs_needed(shots, (ci[1] - ci[0]) / 2 / abs(mean), target)
        if needed <= shots:
            break
        if needed > _UNREACHABLE * options.max_shots:
            raise EngineError(
                f"fast.target_rel_error: a relative error of {target:g} on the rate of "
                f"requests[{path.request}] needs about {needed:.2g} runs (projected from the "
                f"first {shots}), far more than fast.max_shots = {options.max_shots}; raise "
                "fast.target_rel_error or fast.max_shots")
        # the next batch aims at the projected total, within max_shots and memory
        batch_shots = max(options.shots, min(int(1.1 * needed) - shots,
                                             options.max_shots - shots, largest_batch))
    delivered = np.concatenate(delivered_all)
    per_run_fidelity = np.concatenate(fidelity_sums)[delivered > 0] / delivered[delivered > 0]
    fidelity_mean, fidelity_ci = mean_with_ci95(per_run_fidelity)
    return {"rate": mean, "rate_ci": ci, "delivered": delivered, "fidelity": fidelity_mean,
            "fidelity_ci": fidelity_ci, "per_run_fidelity": per_run_fidelity,
            "fidelity_min": fidelity_min if math.isfinite(fidelity_min) else None,
            "last": _mean_or_none(np.concatenate(last_times)),
            "active": float(np.mean(np.concatenate(active_times))), "shots": shots,
            "sim_time": path.start + float(np.mean(np.concatenate(active_times)))}


#: A projected number of runs beyond this many times ``fast.max_shots`` is refused at once
#: (the projection from a first batch of a few hundred runs is good to about 10 %).
_UNREACHABLE = 2


def _runs_needed(shots: int, rel_error: float, target: float) -> float:
    """Runs at which the 95 % interval's half-width, now ``rel_error`` of the mean after
    ``shots`` runs, shrinks to ``target``: the half-width falls as ``1 / sqrt(runs)``
    (central limit theorem), so ``shots (rel_error / target)^2``.

    >>> _runs_needed(200, 0.1, 0.05)
    800.0
    """
    return shots * (rel_error / target) ** 2


def _mean_or_none(times: np.ndarray) -> float | None:
    """Mean of the finite entries (runs with a delivery), ``None`` if there are none."""
    finite = times[np.isfinite(times)]
    return float(finite.mean()) if finite.size else None


def _within_duration(spec: ScenarioSpec, path: CompiledPath, plan: RequestPlan) -> CompiledPath:
    """Sample no more pairs per run than the duration can hold.

    A request for more pairs than ``duration`` allows is cut to about 1.5 times the pairs
    the orchestrator's rate estimate fits in the time left (more are sampled if a run still
    finishes them early).
    """
    return replace(path, pairs=min(path.pairs, pairs_to_sample(spec, plan)))


def _ratio_with_ci95(pairs: np.ndarray, times: np.ndarray
                     ) -> tuple[float | None, tuple[float, float] | None]:
    """Rate as total pairs over total time of the runs, with a delta-method 95 % interval.

    The ratio of means ``R = mean(n) / mean(T)`` estimates pairs per second without the
    ``O(1/n)`` bias of averaging per-run rates; its standard error is
    ``sqrt(var(n - R T) / N) / mean(T)`` (Cochran, Sampling Techniques, 3rd ed., Sec. 6.4).
    """
    total_time = float(times.mean())
    if total_time <= 0 or pairs.sum() == 0:
        return None, None
    rate = float(pairs.mean()) / total_time
    if pairs.size < 2:
        return rate, None
    half = 1.96 * float(np.std(pairs - rate * times, ddof=1)) / np.sqrt(pairs.size) / total_time
    return rate, (rate - half, rate + half)


def _request_result(spec: ScenarioSpec, plan: RequestPlan, application: Application,
                    summary: dict[str, Any], network: NetworkGraph) -> RequestResult:
    request = spec.requests[plan.request]
    lost = None
    models = network.path_models(plan.path)
    if len(models) == 1 and not models[0].certain_readout:
        # each delivered pair came after a geometric number of heralds lost at read-out,
        # mean (1 - eta) / eta: the expected count for the runs' mean deliveries
        eta = models[0].herald_recall
        lost = float(np.mean(summary["delivered"])) * (1.0 - eta) / eta
    return request_result(
        request, plan, application, delivered=int(np.median(summary["delivered"])),
        complete=bool(np.all(summary["delivered"] == request.pairs)), last_s=summary["last"],
        active_s=summary["active"],
        fidelity=summary["fidelity"], fidelity_ci95=summary["fidelity_ci"],
        fidelity_min=summary["fidelity_min"],
        figures=application.figures(summary["per_run_fidelity"]),
        measured_rate=(summary["rate"], summary["rate_ci"]), lost_recalls=lost,
        wait=path_wait(models, request.start, spec.duration))
