"""One builder of :class:`~qfab.engines.result.RequestResult` for every engine.

Each engine finds, for one request, how many pairs were delivered, when the last one came and
the fidelities; this module turns that into the result with the same rules everywhere (rate
and latency over the request's active time, target and deadline) and adds the application's
figures, each summarized as a mean with its 95 % interval (``teleportation_fidelity`` and
``teleportation_fidelity_ci95``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from qfab.apps.base import Application, application_for
from qfab.engines.result import LinkResult, RequestResult, mean_with_ci95, target_met
from qfab.engines.support import scenario_support
from qfab.linkmodel import LinkModel, schedule_figures
from qfab.orchestrator.rules import RequestPlan
from qfab.spec.models import PairRequestSpec, ScenarioSpec

__all__ = ["MergedRows", "active_time", "applications", "deadline_met", "expected_link_result",
           "merged_rows", "request_result"]

Interval = tuple[float, float]


def applications(spec: ScenarioSpec, engine: str) -> list[Application]:
    """One application per request of ``spec``, in request order.

    Raises
    ------
    EngineError
        With the reason of :func:`~qfab.engines.support.scenario_support` if ``engine`` does
        not serve one.
    """
    scenario_support(spec, engine).require()
    return [application_for(request, where=f"requests[{index}]")
            for index, request in enumerate(spec.requests)]


def deadline_met(complete: bool, last_s: float | None, deadline: float | None) -> bool | None:
    """All pairs came within ``deadline`` of the start (``None`` without a deadline)."""
    if deadline is None:
        return None
    return complete and last_s is not None and last_s <= deadline


def active_time(complete: bool, last_s: float | None, request: PairRequestSpec,
                duration: float) -> float:
    """The time a request was active: from its start to its last pair if it got all of
    them, else to the end of the run (``duration``)."""
    if complete and last_s is not None:
        return last_s
    return max(float(duration) - float(request.start), 0.0)


def request_result(request: PairRequestSpec, plan: RequestPlan, application: Application, *,
                   delivered: int, complete: bool, last_s: float | None, active_s: float,
                   fidelity: float | None, fidelity_ci95: Interval | None,
                   fidelity_min: float | None,
                   figures: Mapping[str, NDArray[np.float64]],
                   measured_rate: tuple[float | None, Interval | None] | None = None,
                   lost_recalls: float | None = None,
                   wait: tuple[float | None, str | None] = (None, None)) -> RequestResult:
    """The result of one request.

    Parameters
    ----------
    request, plan, application
        The request, the orchestrator's plan for it and its application.
    delivered
        Pairs delivered (a typical run's count for engines that sample many runs).
    complete
        Whether every requested pair was delivered (in every run).
    last_s
        Time from the request's start to its last delivery (``None`` if none); decides
        ``deadline_met``.
    active_s
        The request's active time (:func:`active_time`; a mean over runs for engines that
        sample many).
    fidelity, fidelity_ci95, fidelity_min
        Mean fidelity of the delivered pairs, its 95 % interval, the lowest seen.
    figures
        Samples of each of the application's figures (per pair, per run, or one expected
        value); each is reported as its mean and 95 % interval, ``None`` without samples.
    measured_rate
        Rate and its 95 % interval estimated over many runs (pairs over active time, both
        summed over the runs); default ``delivered / active_s`` without an interval. The
        latency is the mean active time per delivered pair: ``active_s / delivered``, or
        ``1 / rate`` for a measured rate.
    lost_recalls
        Pairs lost at a memory's read-out (``None``: no memory on the path loses any).
    wait
        ``(waited_s, note)`` of :func:`qfab.orchestrator.availability.path_wait`: the wait
        for the path's links to come up, and a note when one stays down to the end.
    """
    if measured_rate is None:
        rate = delivered / active_s if delivered and active_s > 0 else None
        rate_ci95 = None
        latency = active_s / delivered if delivered else None
    else:
        rate, rate_ci95 = measured_rate
        latency = 1.0 / rate if rate else None
    return RequestResult(
        between=request.between, requested=request.pairs, delivered=delivered,
        rate_hz=rate, fidelity=fidelity, fidelity_ci95=fidelity_ci95, latency_s=latency,
        min_fidelity=request.min_fidelity,
        target_met=target_met(complete, fidelity, request.min_fidelity),
        fidelity_min=fidelity_min,
        deadline_met=deadline_met(complete, last_s, request.deadline),
        rate_ci95=rate_ci95, path=plan.path, domains=plan.domains,
        purification=plan.purification, purification_rounds=plan.rounds,
        kind=request.kind, name=request.name,
        completion_s=last_s if complete and last_s is not None else None,
        lost_recalls=lost_recalls, waited_s=wait[0], note=wait[1],
        extra=_figure_fields(application.figure_names, figures),
    )


def _figure_fields(names: Sequence[str], figures: Mapping[str, NDArray[np.float64]]
                   ) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    for name in names:
        samples = figures.get(name)
        mean, ci95 = mean_with_ci95(np.asarray(samples, dtype=np.float64).ravel()) \
            if samples is not None else (None, None)
        fields[name] = mean
        fields[f"{name}_ci95"] = ci95
    return fields


def expected_link_result(model: LinkModel, duration: float) -> LinkResult:
    """A link's expected figures, as the analytic and fast engines report them: its long-run
    pair rate, or, for a link with a schedule, its expected successes per second over the
    run and their mean success probability and fidelity
    (:func:`~qfab.linkmodel.schedule_figures`)."""
    if model.schedule is None:
        return LinkResult(between=model.between, attempts=None, successes=None,
                          p_success=model.p_success, rate_hz=model.pair_rate,
                          fidelity=float(model.heralded_state[0]))
    p, rate, fidelity = schedule_figures(model, duration)
    return LinkResult(between=model.between, attempts=None, successes=None, p_success=p,
                      rate_hz=rate, fidelity=fidelity)


@dataclass(frozen=True)
class MergedRows:
    """The rows of the pair requests that serve one written request, summed.

    Attributes
    ----------
    requested, delivered
        Pairs over all the rows.
    completion_s
        The latest row's completion (``None`` unless every row completed).
    fidelity
        The delivered pairs' mean fidelity (weighted by each row's deliveries).
    rate_hz
        ``delivered / completion_s``.
    notes
        The rows' notes.
    """

    requested: int
    delivered: int
    completion_s: float | None
    fidelity: float | None
    rate_hz: float | None
    notes: list[str]


def merged_rows(pairs: Sequence[tuple[PairRequestSpec, RequestResult]]) -> MergedRows:
    """The pair requests' rows that serve one written request (a circuit's QPU pairs, a
    sensing star's spokes), summed into one (:class:`MergedRows`)."""
    requested = sum(int(request.pairs) for request, _ in pairs)
    delivered = sum(row.delivered for _, row in pairs)
    completions = [row.completion_s for _, row in pairs]
    complete = bool(pairs) and all(value is not None for value in completions)
    completion = max(float(v) for v in completions if v is not None) if complete else None
    fidelities = [(row.fidelity, row.delivered) for _, row in pairs
                  if row.fidelity is not None and row.delivered]
    weight = sum(count for _, count in fidelities)
    fidelity = (math.fsum(f * count for f, count in fidelities) / weight) if weight else None
    rate = delivered / completion if completion else None
    return MergedRows(requested, delivered, completion, fidelity, rate,
                      [row.note for _, row in pairs if row.note])
