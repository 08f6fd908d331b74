"""How much memory the fast engine's arrays need, refused up front when the device lacks it.

A batch samples ``fast.shots`` runs of a request at once: its delivery times and fidelities are
two ``shots x pairs`` arrays of float64, and each round draws ``shots x links`` herald times;
with ``fast.target_rel_error`` the per-run tallies of up to ``fast.max_shots`` runs are kept
(three float64 each). The arrays' size is a lower bound of what the engine allocates; the
temporaries of the sampling schemes raise the peak to 1.5-3 times it (measured with
``/usr/bin/time`` on the examples at 20,000-80,000 shots, the double-click link highest), so
a scenario is refused, with the figure, when :data:`PEAK_FACTOR` times the arrays' size
exceeds the device's memory, instead of failing in the middle of a run.
"""

from __future__ import annotations

import math
import os
from decimal import Decimal

from qfab.engines.base import Support
from qfab.orchestrator.rules import NetworkPlan, RequestPlan
from qfab.spec.models import ScenarioSpec

__all__ = ["PEAK_FACTOR", "batch_bytes", "batch_shots_limit", "device_memory_bytes",
           "memory_support", "pairs_to_sample"]

_FLOAT = 8
#: Peak memory of a batch over the size of its arrays (measured at most 2.9; with a margin).
PEAK_FACTOR = 4


def batch_bytes(shots: int, pairs: int, links: int, *, kept_runs: int = 0) -> int:
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

    Examples
    --------
    >>> round(batch_bytes(1_000_000_000, 500, 2) / 2**40, 2)  # 1e9 runs of 500 pairs, in TiB
    7.29
    """
    return _FLOAT * (shots * (2 * pairs + links) + 3 * kept_runs)


def device_memory_bytes(device: str) -> int | None:
    """Total memory of ``device`` ("cpu": the machine's RAM; "gpu": the CUDA device's), or
    None when it cannot be told."""
    try:
        if device == "gpu":
            import cupy

            _, total = cupy.cuda.Device().mem_info
            return int(total)
        return int(os.sysconf("SC_PHYS_PAGES")) * int(os.sysconf("SC_PAGE_SIZE"))
    except (ImportError, ValueError, OSError, AttributeError):  # pragma: no cover
        return None


def pairs_to_sample(spec: ScenarioSpec, plan: RequestPlan) -> int:
    """Pairs a run of the request is first sampled with: its ``pairs``, or about 1.5 times
    the pairs the orchestrator's rate estimate fits in the time left if that is fewer."""
    pairs = spec.requests[plan.request].pairs
    horizon = spec.duration - spec.requests[plan.request].start
    if plan.expected_rate_hz <= 0 or not math.isfinite(horizon):
        return pairs
    return min(pairs, int(1.5 * plan.expected_rate_hz * horizon) + 64)


def memory_support(spec: ScenarioSpec, plan: NetworkPlan, *,
                   available: int | None = None) -> Support:
    """No, naming ``fast.shots``, when some request's batch needs more than the device has.

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
        need = PEAK_FACTOR * batch_bytes(options.shots, pairs, links, kept_runs=kept)
        if need > total:
            if PEAK_FACTOR * batch_bytes(options.shots, pairs, links) > total:
                what = (f"fast.shots: {options.shots} runs at once of requests"
                        f"[{request_plan.request}] ({pairs} pairs each)")
                fix = "lower fast.shots"
            else:
                what = f"fast.max_shots: keeping the tallies of {options.max_shots} runs"
                fix = "lower fast.max_shots or raise fast.target_rel_error"
            return Support.no(f"{what} needs about {_size(need)} of memory, more than "
                              f"this {spec.fast.device}'s {_size(total)}; {fix}")
    return Support.yes()


def batch_shots_limit(spec: ScenarioSpec, pairs: int, links: int) -> int:
    """The most runs of a request one batch may sample: its peak within half the device's
    memory (used when batches grow towards ``fast.target_rel_error``), at least
    ``fast.shots`` (which :func:`memory_support` has checked)."""
    total = device_memory_bytes(spec.fast.device)
    if total is None:
        return spec.fast.shots
    per_run = PEAK_FACTOR * batch_bytes(1, pairs, links)
    return max(spec.fast.shots, total // 2 // per_run)


def _size(count: int) -> str:
    """``count`` bytes in binary units, for any size (integers beyond the float range too).

    >>> _size(3 * 2**40), _size(10**400)
    ('3 TiB', '8.88e+384 PiB')
    """
    value = Decimal(count)
    for unit in ("B", "KiB", "MiB", "GiB", "TiB", "PiB"):
        if value < 1024 or unit == "PiB":
            return f"{float(value) if value < 10**300 else value:.3g} {unit}"
        value /= 1024
    raise AssertionError  # pragma: no cover
