"""How much memory the fast engine's arrays need, refused up front when the device lacks it.

A batch samples ``fast.shots`` runs of a request at once: its delivery times and fidelities are
two ``shots x pairs`` arrays of float64, and each round draws ``shots x links`` herald times,
all of it for each channel of the path (a path of ``c`` channels runs ``c`` lanes per run);
with ``fast.target_rel_error`` the per-run tallies of up to ``fast.max_shots`` runs are kept
(three float64 each). The arrays' size is a lower bound of what the engine allocates; the
temporaries of the sampling schemes raise the peak to 1.5-3 times it (measured with
``/usr/bin/time`` on the examples at 20,000-80,000 shots, the double-click link highest), so
a scenario is refused, with the figure, when :data:`PEAK_FACTOR` times the arrays' size
exceeds the device's memory, instead of failing in the middle of a run.
"""

from __future__ import annotations

import math

from qfab.engines.base import Support
from qfab.engines.capacity import device_memory_bytes, qubits_field, size_text
from qfab.orchestrator.network import NetworkGraph
from qfab.orchestrator.rules import NetworkPlan, RequestPlan
from qfab.spec.models import ScenarioSpec

__all__ = ["PEAK_FACTOR", "batch_bytes", "batch_shots_limit", "device_memory_bytes",
           "memory_support", "pairs_to_sample"]

_FLOAT = 8
#: Peak memory of a batch over the size of its arrays (measured at most 2.9; with a margin).
PEAK_FACTOR = 4


def batch_bytes(shots: int, pairs: int, links: int, *, kept_runs: int = 0,
                channels: int = 1) -> int:
    """Lower bound of the bytes one batch of ``shots`` runs of a request needs.

    Parameters
    ----------
    shots
        Runs sampled at once.
    pairs
        Pairs each run delivers.
    links
        Links on the request's path.
    kept_runs
        Runs whose tallies are kept across batches (``max_shots`` when sampling to a target
        precision, else 0).
    channels
        Channels of the path (the fewest of its links'): each is sampled as a lane of every
        run.

    Examples
    --------
    >>> round(batch_bytes(1_000_000_000, 500, 2) / 2**40, 2)  # 1e9 runs of 500 pairs, in TiB
    7.29
    """
    return _FLOAT * (shots * channels * (2 * pairs + links) + 3 * kept_runs)


def pairs_to_sample(spec: ScenarioSpec, plan: RequestPlan) -> int:
    """Pairs a run of the request is first sampled with: its ``pairs``, or about 1.5 times
    the pairs the orchestrator's rate estimate fits in the time left if that is fewer."""
    pairs = spec.requests[plan.request].pairs
    horizon = spec.duration - spec.requests[plan.request].start
    if plan.expected_rate_hz <= 0 or not math.isfinite(horizon):
        return pairs
    return min(pairs, int(1.5 * plan.expected_rate_hz * horizon) + 64)


def memory_support(spec: ScenarioSpec, plan: NetworkPlan, network: NetworkGraph | None = None,
                   *, available: int | None = None) -> Support:
    """No, naming ``fast.shots`` (or the qubits that give a path many channels), when some
    request's batch needs more than the device has.

    ``available`` overrides the device's memory (for tests).
    """
    total = device_memory_bytes(spec.fast.device) if available is None else available
    if total is None:
        return Support.yes()
    options = spec.fast
    kept = options.max_shots if options.target_rel_error is not None else 0
    for request_plan in plan.requests:
        links = len(request_plan.path) - 1
        pairs = pairs_to_sample(spec, request_plan)
        channels = 1 if network is None else _channels(network, request_plan.path)
        need = PEAK_FACTOR * batch_bytes(options.shots, pairs, links, kept_runs=kept,
                                         channels=channels)
        if need > total:
            if channels > 1 and PEAK_FACTOR * batch_bytes(options.shots, pairs, links,
                                                          kept_runs=kept) <= total:
                assert network is not None
                return Support.no(_channels_reason(spec, network, request_plan, channels,
                                                   need, total))
            if PEAK_FACTOR * batch_bytes(options.shots, pairs, links) > total:
                what = (f"fast.shots: {options.shots} runs at once of requests"
                        f"[{request_plan.request}] ({pairs} pairs each)")
                fix = "lower fast.shots"
            else:
                what = f"fast.max_shots: keeping the tallies of {options.max_shots} runs"
                fix = "lower fast.max_shots or raise fast.target_rel_error"
            return Support.no(f"{what} needs about {size_text(need)} of memory, more than "
                              f"this {spec.fast.device}'s {size_text(total)}; {fix}")
    return Support.yes()


def _channels(network: NetworkGraph, path: list[str]) -> int:
    """Channels of ``path``: the fewest of its links'."""
    return min(network.model(a, b).channels for a, b in zip(path, path[1:]))


def _channels_reason(spec: ScenarioSpec, network: NetworkGraph, request_plan: RequestPlan,
                     channels: int, need: int, total: int) -> str:
    """Why the channels of a request's path do not fit, naming the qubits that set them."""
    path = request_plan.path
    a, b = min(zip(path, path[1:]), key=lambda ends: network.model(*ends).channels)
    return (f"{qubits_field(spec, a, b)}: {channels:,} channels on the path of "
            f"requests[{request_plan.request}] (each a lane of every run) need about "
            f"{size_text(need)} of memory for fast.shots = {spec.fast.shots} runs at once, more "
            f"than this {spec.fast.device}'s {size_text(total)}; give the links fewer qubits "
            "or lower fast.shots")


def batch_shots_limit(spec: ScenarioSpec, pairs: int, links: int, channels: int = 1) -> int:
    """The most runs of a request one batch may sample: its peak within half the device's
    memory (used when batches grow towards ``fast.target_rel_error``), at least
    ``fast.shots`` (which :func:`memory_support` has checked)."""
    total = device_memory_bytes(spec.fast.device)
    if total is None:
        return spec.fast.shots
    per_run = PEAK_FACTOR * batch_bytes(1, pairs, links, channels=channels)
    return max(spec.fast.shots, total // 2 // per_run)
