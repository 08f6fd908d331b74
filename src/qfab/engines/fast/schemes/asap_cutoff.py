"""Swap-asap on zero-length links with a cutoff, event by event for many rounds at once."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from qfab.engines.base import Support
from qfab.engines.fast.backend import ArrayBackend
from qfab.engines.fast.schemes.asap import swap_success_reason
from qfab.engines.fast.schemes.base import CompiledChain, CompiledPath, PathShape, Trajectories
from qfab.engines.fast.schemes.common import _exposure_groups
from qfab.physics import memory as memory_physics

__all__ = ["CUTOFF_REASON", "CompiledAsapCutoffChain"]

#: Why a cutoff is refused on any other path.
CUTOFF_REASON = ("policy.cutoff: the fast engine models cutoffs on single links and on "
                 "swap-asap chains of zero-length links; use engine des")


@dataclass(frozen=True)
class CompiledAsapCutoffChain(CompiledChain):
    """Swap-asap with a cutoff on a chain of zero-length links with ideal swaps."""

    @classmethod
    def serves(cls, shape: PathShape) -> bool:
        """A chain with ``policy.swap: asap`` and a cutoff."""
        return (shape.links > 1 and not shape.rounds and shape.swap == "asap"
                and shape.cutoff is not None)

    @classmethod
    def models(cls, shape: PathShape) -> Support:
        """Swaps that always succeed on zero-length links."""
        if not shape.ideal_swaps:
            return Support.no(swap_success_reason(shape))
        if not shape.zero_length:
            return Support.no(CUTOFF_REASON)
        return Support.yes()

    def sample_lane(self, shots: int, backend: ArrayBackend, *, horizon: float) -> Trajectories:
        """Sample ``shots`` runs of one lane, stepping through events until ``horizon``."""
        return _sample_asap_cutoff(self, backend, shots, horizon)


def _sample_asap_cutoff(path: CompiledPath, backend: ArrayBackend, shots: int,
                        horizon: float) -> Trajectories:
    """Swap-asap on zero-length links with a cutoff, event by event for many rounds at once.

    Held link pairs merge into segments as soon as they are adjacent (asap swapping is
    instantaneous without classical delays); a segment is discarded when its oldest link
    pair reaches the cutoff age, and its links start again. A round ends when every link
    holds a pair (the segment spans the path), and every link starts afresh, so rounds are
    independent and all ``shots x pairs`` of them are sampled side by side. Heralds before
    the earliest expiry can only merge segments (a merged segment expires when its oldest
    part would, and a new pair expires after every older one), so each step takes every
    round to its next expiry or to its completion, whichever is first: a few steps per
    round. A herald and an expiry at exactly the same time (possible only when the cutoff
    is a multiple of an attempt period) are taken herald first.
    """
    xp = backend.xp
    n, pairs = path.links, path.pairs
    cutoff = float(path.cutoff)  # type: ignore[arg-type]
    # links along the first axis: the per-link scans below then read contiguous rows
    period = xp.asarray(path.period)[:, None]
    p = xp.asarray(path.p)[:, None]
    total = shots * pairs
    duration = xp.full(total, xp.inf)
    fidelity = xp.zeros(total)
    static, rates = _exposure_groups(path, xp)
    chunk = backend.chunk_size(n)
    for first in range(0, total, chunk):
        _cutoff_rounds(backend, path, cutoff, period, p,
                       xp.arange(first, min(first + chunk, total)),
                       duration, fidelity, static, rates, horizon)
    times = xp.cumsum(duration.reshape(shots, pairs), axis=1)
    return Trajectories(times, fidelity.reshape(shots, pairs))


def _cutoff_rounds(backend: ArrayBackend, path: CompiledPath, cutoff: float, period: Any,
                   p: Any, index: Any, duration: Any, fidelity: Any, static: Any,
                   rates: Any, horizon: float) -> None:
    """Run the rounds ``index`` to completion, writing their durations and fidelities."""
    xp = backend.xp
    n = path.links
    size = index.size
    held = xp.zeros((n, size), dtype=bool)
    emission = xp.zeros((n, size))
    next_herald = backend.geometric(p, (n, size)) * period
    discard_at = xp.full((n, size), xp.inf)

    def discard_times() -> Any:
        """When each held link's segment (a run of held links) reaches the cutoff age:
        the oldest emission in the run, by a running minimum from each side that restarts
        at every idle link."""
        size = held.shape[1]
        idle = ~held
        oldest = xp.empty((n, size))
        running = xp.full(size, xp.inf)
        for j in range(n):
            xp.minimum(running, emission[j], out=running)
            xp.copyto(running, xp.inf, where=idle[j])
            oldest[j] = running
        running = xp.full(size, xp.inf)
        for j in range(n - 1, -1, -1):
            xp.minimum(running, emission[j], out=running)
            xp.copyto(running, xp.inf, where=idle[j])
            xp.minimum(oldest[j], running, out=oldest[j])
        oldest += cutoff
        return oldest

    while index.size:
        first_herald = next_herald.min(axis=0)
        # dropping whole segments leaves the other segments' expiry unchanged
        bound = xp.minimum(discard_at.min(axis=0), first_herald + cutoff)
        arrived = next_herald <= bound
        held |= arrived
        xp.copyto(emission, next_herald, where=arrived)
        xp.copyto(next_herald, xp.inf, where=arrived)
        complete = held.all(axis=0)
        if bool(complete.any()):
            finished = emission[:, complete].T
            at = finished.max(axis=1)
            duration[index[complete]] = at
            fidelity[index[complete]] = _round_fidelity(xp, static, finished, at, rates)
            # drop finished rounds before the costlier expiry scan
            going = ~complete
            index, held, emission = index[going], held[:, going], emission[:, going]
            next_herald, first_herald = next_herald[:, going], first_herald[going]
        discard_at = discard_times()
        t_discard = discard_at.min(axis=0)
        expiring = t_discard < next_herald.min(axis=0)
        dropped = discard_at == t_discard
        dropped &= expiring
        held &= ~dropped
        xp.copyto(discard_at, xp.inf, where=dropped)
        link, run = xp.nonzero(dropped)
        if link.size:
            next_herald[link, run] = (t_discard[run] + backend.geometric(p[link, 0], link.shape)
                                      * period[link, 0])
        keep = xp.minimum(first_herald, t_discard) <= horizon
        if not bool(keep.all()):
            index, held, emission = index[keep], held[:, keep], emission[:, keep]
            next_herald, discard_at = next_herald[:, keep], discard_at[:, keep]


def _round_fidelity(xp: Any, static: Any, emission: Any, delivered: Any, rates: Any) -> Any:
    """Fidelity of an end-to-end pair on zero-length links from its link pairs' emission
    times: repeater ``j`` swapped when its later neighbour heralded, the end qubits waited
    until delivery (see :func:`~qfab.engines.fast.schemes.common._exposure_groups`)."""
    swaps = xp.maximum(emission[:, :-1], emission[:, 1:])
    end = delivered[:, None]
    left_wait = xp.concatenate([end, swaps], axis=1) - emission
    right_wait = xp.concatenate([swaps, end], axis=1) - emission
    exposure = left_wait @ rates[:-1] + right_wait @ rates[1:]
    return memory_physics.decayed_fidelity(static, exposure)
