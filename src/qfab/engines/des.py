"""Event-simulation engine (the reference): builds the network and runs the orchestrator's plan.

The orchestrator plans every request (path, swaps, purification) as rule sets; links
generate pairs on demand (or ahead of it, with ``policy.buffer``), node rule engines swap,
purify and deliver, and classical messages take their propagation time. A scenario without
requests characterizes its links: they attempt for ``duration`` and release every pair at
once. The run ends when every request is complete or ``duration`` has passed,
or at once when it stalls: no event is pending while requests are outstanding, so none can
get another pair (the result's ``stalled`` names what each waits for; the check is made only
when the event queue runs dry, never per event).

A run can be traced: given a :class:`~qfab.protocols.trace.TraceSink`, it records one event per
herald, swap, purification, delivery, discard and request change (:mod:`qfab.protocols.trace`).
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np

from qfab import __version__
from qfab.engines.base import ProgressCallback, Support
from qfab.engines.capacity import channel_support
from qfab.engines.load import arrival_results
from qfab.engines.request_result import active_time, applications, request_result
from qfab.engines.result import (
    LinkResult,
    NodeResult,
    RequestResult,
    RunResult,
    StallResult,
    mean_with_ci95,
)
from qfab.engines.support import scenario_support
from qfab.engines.wrappers import wrapper_for
from qfab.hardware.link import HeraldedLink
from qfab.heap import built_objects_frozen
from qfab.orchestrator.availability import path_wait
from qfab.orchestrator.network import NetworkGraph
from qfab.orchestrator.planner import plan_network
from qfab.orchestrator.rules import NetworkPlan
from qfab.protocols.requests import RequestApp
from qfab.protocols.runtime import NetworkRuntime
from qfab.protocols.stall import stall_reasons
from qfab.protocols.trace import TRACE_VERSION, Tracer, TraceSink
from qfab.quantum.base import PairState
from qfab.quantum.bell_diagonal import BellDiagonalState
from qfab.quantum.density_matrix import DensityMatrixState
from qfab.rng import RandomStreams
from qfab.sim.kernel import Simulation
from qfab.sim.time import ps_to_seconds, seconds_to_ps
from qfab.spec.models import ScenarioSpec

__all__ = ["DesEngine"]

_FORMALISMS: dict[str, type[PairState]] = {
    "bell_diagonal": BellDiagonalState,
    "density_matrix": DensityMatrixState,
}

#: Number of slices the simulated time is cut into to report progress.
_PROGRESS_STEPS = 100


class DesEngine:
    """Discrete-event simulation of the scenario."""

    name = "des"

    def supports(self, spec: ScenarioSpec) -> Support:
        """Yes for every scenario the orchestrator can plan whose applications take one pair
        at a time: the reference models every parameter."""
        wrapper = wrapper_for(spec)
        if wrapper is not None:
            return wrapper.support(spec, self.name, self.supports)
        served = scenario_support(spec, self.name)
        if served:
            network = NetworkGraph(spec)
            served = _link_support(network)
            if served:
                served = channel_support(spec, network)
            plan_network(spec, network)
        return served

    def run(self, spec: ScenarioSpec, *, seed: int,
            progress: ProgressCallback | None = None, trace: TraceSink | None = None,
            trace_limit: int | None = None) -> RunResult:
        """Simulate ``spec`` with random streams derived from ``seed``.

        Parameters
        ----------
        spec, seed, progress
            The scenario, the seed of its random streams, an optional progress callback.
        trace
            Receives the run's event trace (header first, then the records); ``None``: no
            trace. The trace changes nothing in the run.
        trace_limit
            Record at most this many events (``None``: all).
        """
        wrapper = wrapper_for(spec)
        if wrapper is not None:
            return wrapper.run(spec, self.name, seed, lambda network: self.run(
                network, seed=seed, progress=progress, trace=trace, trace_limit=trace_limit),
                trace is not None)
        started = time.perf_counter()
        applications(spec, self.name)  # refuses what it cannot deliver
        network = NetworkGraph(spec)
        _link_support(network).require()
        channel_support(spec, network).require()  # before its slots are made
        plan = plan_network(spec, network)
        sim = Simulation()
        tracer = None
        if trace is not None:
            trace.begin(_trace_header(spec, seed, plan, network))
            tracer = Tracer(sim, trace, limit=trace_limit)
        runtime = NetworkRuntime(sim, spec, network, plan, RandomStreams(seed),
                                 _FORMALISMS[spec.formalism], tracer=tracer)
        end = seconds_to_ps(spec.duration)
        with built_objects_frozen():  # collections during the run skip the network
            self._advance(sim, runtime, end, progress)
        stalled = _stall(sim, runtime, end)
        if tracer is not None:
            if stalled is not None:
                tracer.stall(stalled.reason, stalled.waits)
            tracer.end("stalled" if stalled is not None else
                       "complete" if runtime.apps and not runtime.outstanding else "duration")
        # a stalled run's figures are those of the whole duration: nothing more would happen
        now = end if stalled is not None else sim.now
        requests = [_request_result(app, spec, runtime) for app in runtime.apps]
        return RunResult(
            scenario=spec.name, engine=self.name, seed=seed, sim_time_s=ps_to_seconds(sim.now),
            wall_time_s=time.perf_counter() - started, events=sim.events_processed,
            links=[_link_result(link, now) for link in runtime.links],
            requests=requests,
            nodes=[NodeResult(name, spec.nodes[name].tier, plan.domains[name], node.qubits,
                              node.utilization(now))
                   for name, node in runtime.nodes.items()],
            stalled=stalled, arrivals=arrival_results(spec, requests),
        )

    @staticmethod
    def _advance(sim: Simulation, runtime: NetworkRuntime, end: int,
                 progress: ProgressCallback | None) -> None:
        """Run until every request is done, ``end`` passes or nothing is left to happen,
        reporting progress."""
        if progress is None or not runtime.apps:
            sim.run(until=end, stop_when_idle=bool(runtime.apps))
        else:
            step = max(end // _PROGRESS_STEPS, 1)
            while runtime.outstanding and sim.now < end:
                sim.run(until=min(sim.now + step, end), stop_when_idle=True)
                progress(min(1.0, max(sim.now / end, runtime.request_progress())))
                if sim.idle:
                    break
        if progress is not None:
            progress(1.0)


def _link_support(network: NetworkGraph) -> Support:
    """Yes unless a link's success probability or pair state changes inside a window: the
    link layer draws geometric runs of attempts."""
    for model in network.models:
        if model.varies_in_window:
            return Support.no(f"{model.availability_path}: the event simulation draws "
                              "geometric runs of attempts, so it needs a success probability "
                              "and a pair state that are constant while the link is up")
    return Support.yes()


def _trace_header(spec: ScenarioSpec, seed: int, plan: NetworkPlan,
                  network: NetworkGraph) -> dict[str, Any]:
    """What a trace starts with: the format, what was run, the requests and the links."""
    return {
        "trace": "qfab", "version": TRACE_VERSION, "qfab": __version__,
        "scenario": spec.name, "engine": "des", "seed": seed, "duration_s": spec.duration,
        "requests": [{"request": request.request, "kind": spec.requests[request.request].kind,
                      "between": list(request.between), "path": list(request.path),
                      "pairs": spec.requests[request.request].pairs,
                      **_named(spec.requests[request.request].name)}
                     for request in plan.requests],
        "links": [{"link": index, "between": list(model.between)}
                  for index, model in enumerate(network.models)],
    }


def _named(name: str | None) -> dict[str, str]:
    """A request's ``name`` for the trace header, when it has one (``arrivals[0]#3``)."""
    return {} if name is None else {"name": name}


def _stall(sim: Simulation, runtime: NetworkRuntime, end: int) -> StallResult | None:
    """The stall report if requests are outstanding and no event is pending before ``end``."""
    if not runtime.outstanding or sim.now >= end or not sim.idle:
        return None
    waits = _down_links(runtime) or \
        stall_reasons(runtime.apps, runtime.nodes, runtime.turns.waiting())
    return StallResult(time_s=ps_to_seconds(sim.now), reason="; ".join(waits), waits=waits)


def _down_links(runtime: NetworkRuntime) -> list[str]:
    """Why outstanding requests stalled when a link of their path has a schedule (a
    satellite pass) and a channel still attempting: with no event pending, that channel drew
    every attempt its schedule has left and none succeeded (empty when no such link)."""
    reasons = []
    for app in runtime.apps:
        if app.done:
            continue
        for index in app.links:
            model, link = runtime.network.models[index], runtime.links[index]
            if model.schedule is not None and any(start is not None
                                                  for start in link.pending_since_ps):
                a, b = model.between
                reasons.append(f"requests[{app.index}] waits for {model.availability_path} "
                               f"({a} - {b}): no attempt left before the end of the run "
                               "could herald a pair (no pass left in its schedule)")
                break
    return reasons


def _link_result(link: HeraldedLink, now_ps: int) -> LinkResult:
    attempts = link.attempts_until(now_ps)
    elapsed = ps_to_seconds(now_ps)
    return LinkResult(
        between=link.between, attempts=attempts, successes=link.successes,
        p_success=link.successes / attempts if attempts else None,
        rate_hz=link.successes / elapsed if elapsed > 0 else None,
        fidelity=link.fidelity_sum / link.successes if link.successes else None,
        buffer_occupancy=link.mean_stored(now_ps),
        buffer_hit_rate=link.hits / link.consumed if link.consumed else None,
    )


def _request_result(app: RequestApp, spec: ScenarioSpec, runtime: NetworkRuntime
                    ) -> RequestResult:
    delivered = len(app.delivery_ps)
    fidelities = np.asarray(app.fidelities)
    fidelity, ci95 = mean_with_ci95(fidelities)
    request = spec.requests[app.index]
    last_s = ps_to_seconds(app.delivery_ps[-1] - app.start_ps) if delivered else None
    return request_result(
        request, app.plan, app.application, delivered=delivered,
        complete=app.done, last_s=last_s,
        # a stalled run counts to ``duration`` too: nothing more would have come
        active_s=active_time(app.done, last_s, request, spec.duration),
        fidelity=fidelity, fidelity_ci95=ci95,
        fidelity_min=float(fidelities.min()) if delivered else None,
        figures=app.application.received(),
        lost_recalls=app.lost_recalls if any(runtime.nodes[node].lossy
                                             for node in app.plan.path) else None,
        wait=path_wait(runtime.network.path_models(app.plan.path), request.start,
                       spec.duration))
