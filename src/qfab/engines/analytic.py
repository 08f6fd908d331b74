"""Analytic engine: expected rates and fidelities of single-link requests in closed form.

Per link with ``k`` parallel channels, each attempting once per period with success
probability ``p``, pairs are heralded at the rate ``k p / period`` (the mean of a geometric
number of attempts is ``1/p``). A request is served the moment its link heralds, so its
pairs carry the state of :attr:`LinkModel.heralded_state`. Requests sharing a link are served
one after the other in scenario order, as the event simulation does.
"""

from __future__ import annotations

import math
import time

from qfab.engines.base import ProgressCallback, check_supported
from qfab.engines.link_model import LinkModel, link_model
from qfab.engines.result import LinkResult, RequestResult, RunResult, target_met
from qfab.spec.models import ScenarioSpec

__all__ = ["AnalyticEngine"]


class AnalyticEngine:
    """Closed-form expectations (no sampling, no simulated clock)."""

    name = "analytic"

    def run(self, spec: ScenarioSpec, *, seed: int,
            progress: ProgressCallback | None = None) -> RunResult:
        """Compute expected link and request figures for ``spec``."""
        started = time.perf_counter()
        check_supported(spec, self.name)
        models = [link_model(spec, index) for index in range(len(spec.links))]
        links = [self._link_result(model, spec) for model in models]
        served_before = [0] * len(models)
        requests = []
        end_time = 0.0
        for request in spec.requests:
            index, _ = spec.link_between(*request.between)  # type: ignore[misc]
            model = models[index]
            rate = model.pair_rate if _delivers(model, spec) else 0.0
            fidelity = _delivered_fidelity(model)
            available = rate * spec.duration - served_before[index]
            delivered = max(0, min(request.pairs, math.floor(available + 1e-9)))
            served_before[index] += delivered
            last = served_before[index] / rate if delivered else None
            if delivered < request.pairs:
                end_time = spec.duration
            elif last is not None:
                end_time = max(end_time, last)
            requests.append(RequestResult(
                between=request.between, requested=request.pairs, delivered=delivered,
                rate_hz=delivered / last if last else None,
                fidelity=fidelity if delivered else None, fidelity_ci95=None,
                latency_s=last / delivered if last else None,
                min_fidelity=request.min_fidelity,
                target_met=target_met(delivered == request.pairs, fidelity,
                                       request.min_fidelity),
            ))
        if progress is not None:
            progress(1.0)
        return RunResult(
            scenario=spec.name, engine=self.name, seed=seed,
            sim_time_s=end_time if spec.requests else spec.duration,
            wall_time_s=time.perf_counter() - started, events=None,
            links=links, requests=requests,
        )

    @staticmethod
    def _link_result(model: LinkModel, spec: ScenarioSpec) -> LinkResult:
        return LinkResult(between=model.between, attempts=None, successes=None,
                          p_success=model.p_success, rate_hz=model.pair_rate,
                          fidelity=float(model.heralded_state[0]))


def _delivers(model: LinkModel, spec: ScenarioSpec) -> bool:
    """A cutoff shorter than the heralding delay discards every pair before it is usable."""
    cutoff = spec.policy.cutoff
    return cutoff is None or model.herald_delay <= cutoff


def _delivered_fidelity(model: LinkModel) -> float:
    return float(model.heralded_state[0])
