"""Bulk sampling of delivery times and fidelities for compiled paths.

Each trajectory is one run of a request: ``pairs`` end-to-end pairs delivered one after the
other, exactly as the event simulation serves it (links generate on demand, one pair per
link per end-to-end pair). Arrays have shape ``(shots, pairs)``: delivery times in seconds
from the request's start, and the fidelity of each delivered pair.

Timing of a swap-asap round on ``n`` links (heralds ``H_i = A_i + G_i period_i``, ``G_i``
geometric): repeater ``j`` swaps at ``S_j = max(H_{j-1}, H_j)``; the end-to-end pair exists at
``T = max_i H_i`` and is delivered once both ends have heard of every swap,
``D = max(T, max_j S_j + reach_j)``. The next round's links start at ``T`` (between two
repeaters) or ``D`` (links at an end node, whose qubit is busy until delivery).
Decoherence: each qubit of link pair ``i`` waits in memory from emission ``H_i - delay_i``
until it is measured by a swap or delivered; the Pauli-twirled memory channels commute with
swapping, so the delivered state is the Klein-group convolution of every link's decohered
state and every repeater's gate channels.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from qfab.engines.fast import kernels
from qfab.engines.fast.backend import ArrayBackend
from qfab.engines.fast.compile import CompiledPath

__all__ = ["Trajectories", "sample_path"]


@dataclass(frozen=True)
class Trajectories:
    """Sampled delivery times (s, from the request's start) and fidelities, both (shots, pairs)."""

    times: Any
    fidelity: Any


def sample_path(path: CompiledPath, backend: ArrayBackend, shots: int) -> Trajectories:
    """Sample ``shots`` independent runs of the request on ``path``."""
    sampler = {"link": _sample_link, "asap": _sample_asap, "nested": _sample_nested}
    return sampler[path.scheme](path, backend, shots)


def _static_fidelity(path: CompiledPath, xp: Any) -> float:
    """Fidelity of every pair when no memory decoheres: swapped heralded states."""
    vector = xp.asarray(path.emitted[0])
    for j in range(path.links - 1):
        vector = _swap(xp, path, j, vector, xp.asarray(path.emitted[j + 1]))
    return float(vector[0])


def _swap(xp: Any, path: CompiledPath, repeater: int, left: Any, right: Any) -> Any:
    out = kernels.convolve(xp, left, right)
    error = float(path.measurement_error[repeater])
    if error:
        out = kernels.convolve(xp, out, kernels.measurement_channel(xp, error))
    return kernels.depolarize(xp, out, float(path.depolarization[repeater]))


def _decohered(xp: Any, path: CompiledPath, vector: Any, left_node: int, right_node: int,
               wait_left: Any, wait_right: Any) -> Any:
    out = kernels.convolve(xp, vector, kernels.decay_channel(
        xp, wait_left, float(path.t1[left_node]), float(path.t2[left_node])))
    return kernels.convolve(xp, out, kernels.decay_channel(
        xp, wait_right, float(path.t1[right_node]), float(path.t2[right_node])))


def _sample_link(path: CompiledPath, backend: ArrayBackend, shots: int) -> Trajectories:
    """One link with ``k`` channels: each channel is a renewal process of geometric periods;
    the request takes the first ``pairs`` heralds of all channels together."""
    xp = backend.xp
    k, pairs = path.channels, path.pairs
    waits = backend.geometric(path.p[0], (shots, k, pairs)) * path.period[0]
    times = xp.cumsum(waits, axis=-1).reshape(shots, k * pairs)
    if k > 1:
        times = xp.sort(times, axis=-1)[:, :pairs]
    delay = float(path.herald_delay[0])
    vector = _decohered(np, path, np.asarray(path.emitted[0]), 0, 1, np.float64(delay),
                        np.float64(delay))
    return Trajectories(times, xp.full((shots, pairs), float(vector[0])))


def _sample_asap(path: CompiledPath, backend: ArrayBackend, shots: int) -> Trajectories:
    xp = backend.xp
    n, pairs = path.links, path.pairs
    period = xp.asarray(path.period)
    herald = xp.asarray(path.herald_delay)
    reach = xp.asarray(path.reach)
    p = xp.asarray(path.p)
    emitted = xp.asarray(path.emitted)
    start = xp.zeros((shots, n))
    times = xp.empty((shots, pairs))
    fidelity = xp.empty((shots, pairs)) if not path.ideal_memory else None
    static = _static_fidelity(path, np) if path.ideal_memory else 0.0
    for r in range(pairs):
        heralds = start + backend.geometric(p, (shots, n)) * period
        swaps = xp.maximum(heralds[:, :-1], heralds[:, 1:])  # (shots, n - 1)
        formed = heralds.max(axis=1)
        delivered = xp.maximum(formed, (swaps + reach).max(axis=1))
        times[:, r] = delivered
        if fidelity is not None:
            fidelity[:, r] = _asap_fidelity(xp, path, emitted, heralds - herald, swaps,
                                            delivered)
        start = xp.repeat(formed[:, None], n, axis=1)
        start[:, 0] = delivered
        start[:, -1] = delivered
    return Trajectories(times, fidelity if fidelity is not None
                        else xp.full((shots, pairs), static))


def _asap_fidelity(xp: Any, path: CompiledPath, emitted: Any, emission: Any, swaps: Any,
                   delivered: Any) -> Any:
    n = path.links
    vector = None
    for i in range(n):
        left_end = delivered if i == 0 else swaps[:, i - 1]
        right_end = delivered if i == n - 1 else swaps[:, i]
        link = _decohered(xp, path, emitted[i], i, i + 1, left_end - emission[:, i],
                          right_end - emission[:, i])
        vector = link if vector is None else _swap(xp, path, i - 1, vector, link)
    assert vector is not None
    return vector[:, 0]


def _sample_nested(path: CompiledPath, backend: ArrayBackend, shots: int) -> Trajectories:
    """Nested swapping on zero-length links: rounds are independent, and a level's attempt
    waits for both halves, swaps, and on failure restarts both halves (Brand, Coopmans,
    Elkouss, IEEE JSAC 38, 619 (2020))."""
    xp = backend.xp
    count = shots * path.pairs
    duration, vector = _nested_full(path, backend, 0, path.links, count,
                                    need_state=not path.ideal_memory)
    times = xp.cumsum(duration.reshape(shots, path.pairs), axis=1)
    if vector is None:
        fidelity = xp.full((shots, path.pairs), _static_fidelity(path, np))
    else:
        fidelity = vector[:, 0].reshape(shots, path.pairs)
    return Trajectories(times, fidelity)


def _segment_sums(xp: Any, values: Any, counts: Any) -> Any:
    """Sums of consecutive groups of ``values`` of sizes ``counts`` (zero sizes allowed)."""
    totals = xp.concatenate([xp.zeros(1), xp.cumsum(values)])
    ends = xp.cumsum(counts).astype(xp.int64)
    return totals[ends] - totals[ends - counts.astype(xp.int64)]


def _nested_time(path: CompiledPath, backend: ArrayBackend, lo: int, hi: int, count: int) -> Any:
    """Durations of ``count`` independent completions of segment [lo, hi] (states unneeded)."""
    xp = backend.xp
    if hi - lo == 1:
        return backend.geometric(float(path.p[lo]), (count,)) * float(path.period[lo])
    mid = (lo + hi + 1) // 2
    attempts = backend.geometric(float(path.swap_success[mid - 1]), (count,))
    total = int(attempts.sum())
    rounds = xp.maximum(_nested_time(path, backend, lo, mid, total),
                        _nested_time(path, backend, mid, hi, total))
    return _segment_sums(xp, rounds, attempts)


def _nested_full(path: CompiledPath, backend: ArrayBackend, lo: int, hi: int, count: int, *,
                 need_state: bool) -> tuple[Any, Any]:
    """Durations and (if ``need_state``) Bell vectors at completion of segment [lo, hi]."""
    xp = backend.xp
    if hi - lo == 1:
        duration = backend.geometric(float(path.p[lo]), (count,)) * float(path.period[lo])
        state = xp.broadcast_to(xp.asarray(path.emitted[lo]), (count, 4)) if need_state else None
        return duration, state
    mid = (lo + hi + 1) // 2
    failures = backend.geometric(float(path.swap_success[mid - 1]), (count,)) - 1.0
    total = int(failures.sum())
    failed = xp.zeros(count)
    if total:
        lost = xp.maximum(_nested_time(path, backend, lo, mid, total),
                          _nested_time(path, backend, mid, hi, total))
        failed = _segment_sums(xp, lost, failures)
    left_time, left = _nested_full(path, backend, lo, mid, count, need_state=need_state)
    right_time, right = _nested_full(path, backend, mid, hi, count, need_state=need_state)
    swap_time = xp.maximum(left_time, right_time)
    state = None
    if need_state:
        left = _decohered(xp, path, left, lo, mid, swap_time - left_time, swap_time - left_time)
        right = _decohered(xp, path, right, mid, hi, swap_time - right_time,
                           swap_time - right_time)
        state = _swap(xp, path, mid - 1, left, right)
    return failed + swap_time, state
