"""Event-simulation engine (the reference): builds components from the spec and runs them.

Each link runs one generation process per channel; heralded pairs go to the link's
:class:`~qfab.protocols.delivery.LinkDelivery`, which serves the link's requests in scenario
order. The run ends when every request is complete or ``duration`` has passed.
"""

from __future__ import annotations

import time

import numpy as np

from qfab.engines.base import ProgressCallback, check_supported
from qfab.engines.link_model import LinkModel, link_model
from qfab.engines.result import LinkResult, RequestResult, RunResult, mean_with_ci95, target_met
from qfab.hardware.link import HeraldedLink
from qfab.hardware.memory import Memory
from qfab.protocols.delivery import LinkDelivery, RequestTracker
from qfab.protocols.link_layer import generate_pairs
from qfab.quantum.base import PairState
from qfab.quantum.bell_diagonal import BellDiagonalState
from qfab.quantum.density_matrix import DensityMatrixState
from qfab.rng import RandomStreams
from qfab.sim.kernel import Simulation
from qfab.sim.time import ps_to_seconds, seconds_to_ps
from qfab.spec.models import ScenarioSpec

__all__ = ["DesEngine"]

_FORMALISMS: dict[str, type[BellDiagonalState] | type[DensityMatrixState]] = {
    "bell_diagonal": BellDiagonalState,
    "density_matrix": DensityMatrixState,
}

#: Number of slices the simulated time is cut into to report progress.
_PROGRESS_STEPS = 100


class DesEngine:
    """Discrete-event simulation of the scenario."""

    name = "des"

    def run(self, spec: ScenarioSpec, *, seed: int,
            progress: ProgressCallback | None = None) -> RunResult:
        """Simulate ``spec`` with random streams derived from ``seed``."""
        started = time.perf_counter()
        check_supported(spec, self.name)
        sim = Simulation()
        streams = RandomStreams(seed)
        memories = {name: Memory(name, t1=node.memory.t1, t2=node.memory.t2)
                    for name, node in spec.nodes.items()}
        trackers = [RequestTracker(index, request.pairs)
                    for index, request in enumerate(spec.requests)]
        outstanding = [len(trackers)]

        def request_done(tracker: RequestTracker) -> None:
            outstanding[0] -= 1
            if outstanding[0] == 0:
                sim.stop()

        cutoff_ps = seconds_to_ps(spec.policy.cutoff) if spec.policy.cutoff is not None else None
        formalism = _FORMALISMS[spec.formalism]
        links: list[HeraldedLink] = []
        for index in range(len(spec.links)):
            model = link_model(spec, index)
            link = self._build_link(model, streams)
            queue = [tracker for tracker, request in zip(trackers, spec.requests)
                     if set(request.between) == set(model.between)]
            deliver = LinkDelivery(sim, link, queue,
                                   (memories[model.between[0]], memories[model.between[1]]),
                                   cutoff_ps=cutoff_ps, on_request_done=request_done)
            emitted: PairState = formalism.from_bell_vector(model.emitted_state)
            for channel in range(model.channels):
                sim.process(generate_pairs(sim, link, channel, emitted, deliver))
            links.append(link)

        self._advance(sim, spec, trackers, outstanding, progress)
        return RunResult(
            scenario=spec.name, engine=self.name, seed=seed,
            sim_time_s=ps_to_seconds(sim.now),
            wall_time_s=time.perf_counter() - started, events=sim.events_processed,
            links=[self._link_result(link, sim.now) for link in links],
            requests=[self._request_result(tracker, spec) for tracker in trackers],
        )

    @staticmethod
    def _build_link(model: LinkModel, streams: RandomStreams) -> HeraldedLink:
        name = f"link:{model.between[0]}-{model.between[1]}"
        return HeraldedLink(model.between, p_success=model.p_success, period=model.period,
                            herald_delay=model.herald_delay, rng=streams.stream(name),
                            channels=model.channels)

    @staticmethod
    def _advance(sim: Simulation, spec: ScenarioSpec, trackers: list[RequestTracker],
                 outstanding: list[int], progress: ProgressCallback | None) -> None:
        """Run until every request is done or ``duration`` passes, reporting progress."""
        end = seconds_to_ps(spec.duration)
        if not trackers:
            sim.run(until=end)
            return
        if progress is None:
            sim.run(until=end)
            return
        requested = sum(tracker.requested for tracker in trackers)
        step = max(end // _PROGRESS_STEPS, 1)
        while outstanding[0] and sim.now < end:
            sim.run(until=min(sim.now + step, end))
            delivered = sum(len(tracker.delivery_ps) for tracker in trackers)
            progress(max(sim.now / end, delivered / requested))
        progress(1.0)

    @staticmethod
    def _link_result(link: HeraldedLink, now_ps: int) -> LinkResult:
        attempts = link.attempts_until(now_ps)
        elapsed = ps_to_seconds(now_ps)
        return LinkResult(
            between=link.between, attempts=attempts, successes=link.successes,
            p_success=link.successes / attempts if attempts else None,
            rate_hz=link.successes / elapsed if elapsed > 0 else None,
            fidelity=link.fidelity_sum / link.successes if link.successes else None,
        )

    @staticmethod
    def _request_result(tracker: RequestTracker, spec: ScenarioSpec) -> RequestResult:
        request = spec.requests[tracker.index]
        delivered = len(tracker.delivery_ps)
        fidelity, ci95 = mean_with_ci95(np.asarray(tracker.fidelities))
        last = ps_to_seconds(tracker.delivery_ps[-1] - tracker.start_ps) if delivered else 0.0
        return RequestResult(
            between=request.between, requested=request.pairs, delivered=delivered,
            rate_hz=delivered / last if last > 0 else None,
            fidelity=fidelity, fidelity_ci95=ci95,
            latency_s=last / delivered if delivered else None,
            min_fidelity=request.min_fidelity,
            target_met=target_met(tracker.done, fidelity, request.min_fidelity),
        )
