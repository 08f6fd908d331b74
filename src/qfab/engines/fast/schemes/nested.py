"""Nested swapping on ``2^n`` zero-length links, level by level for all rounds at once."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from qfab.engines.base import Support
from qfab.engines.fast.backend import ArrayBackend
from qfab.engines.fast.schemes.asap_cutoff import CUTOFF_REASON
from qfab.engines.fast.schemes.base import CompiledChain, CompiledPath, PathShape, Trajectories
from qfab.engines.fast.schemes.common import _decohered, _static_fidelity, _swap

__all__ = ["CompiledNestedChain"]


@dataclass(frozen=True)
class CompiledNestedChain(CompiledChain):
    """Nested swapping; with one repeater it is also swap-asap (the same protocol)."""

    @classmethod
    def serves(cls, shape: PathShape) -> bool:
        """A chain with ``policy.swap: nested``, or swap-asap on two zero-length links."""
        return shape.links > 1 and not shape.rounds and (
            shape.swap == "nested" or (shape.swap == "asap" and shape.links == 2
                                       and shape.zero_length))

    @classmethod
    def models(cls, shape: PathShape) -> Support:
        """``2^n`` zero-length links without a cutoff."""
        if not shape.zero_length or not shape.power_of_two:
            return Support.no(f"{shape.where}: the fast engine models nested swapping on 2^n "
                              "zero-length links; use engine des")
        if shape.cutoff is not None:
            return Support.no(CUTOFF_REASON)
        return Support.yes()

    def sample_lane(self, shots: int, backend: ArrayBackend, *, horizon: float) -> Trajectories:
        """Sample ``shots`` runs of one lane (every round is drawn; ``horizon`` is unused)."""
        return _sample_nested(self, backend, shots)


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
