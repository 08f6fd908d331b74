"""The load summary of a run: per arrival process, what its generated requests got.

Every engine builds its :class:`~qfab.engines.result.RunResult` with
:func:`arrival_results`, from its own request results, so the summary follows the same rules
everywhere.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from qfab.engines.result import ArrivalResult, RequestResult
from qfab.spec.models import ScenarioSpec
from qfab.spec.requests import GENERATED_NAME

__all__ = ["arrival_results"]


def arrival_results(spec: ScenarioSpec, requests: Sequence[RequestResult]
                    ) -> list[ArrivalResult]:
    """One :class:`ArrivalResult` per arrival process of ``spec``, in order.

    Parameters
    ----------
    spec
        The scenario that was run.
    requests
        The run's request results, in any order (a request belongs to the process its name
        ``arrivals[i]#k`` gives).
    """
    groups: list[list[RequestResult]] = [[] for _ in spec.arrivals]
    for request in requests:
        match = GENERATED_NAME.match(request.name or "")
        if match is not None and int(match.group(1)) < len(groups):
            groups[int(match.group(1))].append(request)
    return [_summary(index, spec, group) for index, group in enumerate(groups)]


def _summary(index: int, spec: ScenarioSpec, group: list[RequestResult]) -> ArrivalResult:
    arrival = spec.arrivals[index]
    latencies = np.array([request.completion_s for request in group
                          if request.completion_s is not None], dtype=np.float64)
    weighted = [(request.fidelity, request.delivered) for request in group
                if request.fidelity is not None and request.delivered]
    pairs = sum(count for _, count in weighted)
    deadlines = [request.deadline_met for request in group if request.deadline_met is not None]
    return ArrivalResult(
        process=f"arrivals[{index}]", kind=arrival.process, rate_hz=arrival.rate,
        offered=len(group),
        completed=latencies.size,
        pairs_requested=sum(request.requested for request in group),
        pairs_delivered=sum(request.delivered for request in group),
        latency_mean_s=float(latencies.mean()) if latencies.size else None,
        latency_p95_s=float(np.percentile(latencies, 95)) if latencies.size else None,
        fidelity=sum(f * count for f, count in weighted) / pairs if pairs else None,
        deadlines_missed=sum(1 for met in deadlines if not met) if deadlines else None,
    )
