"""One link without purification: the first ``pairs`` heralds of its channels."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from qfab.engines.base import Support
from qfab.engines.fast import availability
from qfab.engines.fast.backend import ArrayBackend
from qfab.engines.fast.schemes.base import CompiledPath, PathShape, Trajectories
from qfab.engines.fast.schemes.common import _decohered
from qfab.linkwindows import FLOAT_MARGIN

__all__ = ["CompiledLink"]


@dataclass(frozen=True)
class CompiledLink(CompiledPath):
    """A request on one link; a cutoff shorter than the herald delay delivers nothing."""

    models_windows: ClassVar[bool] = True
    models_schedules: ClassVar[bool] = True

    @classmethod
    def serves(cls, shape: PathShape) -> bool:
        """One link, no purification."""
        return shape.links == 1 and not shape.rounds

    @classmethod
    def models(cls, shape: PathShape) -> Support:
        """Every single link."""
        return Support.yes()

    def sample(self, shots: int, backend: ArrayBackend, *,
               horizon: float = float("inf")) -> Trajectories:
        """Sample ``shots`` runs (every delivery time is drawn; with a schedule, the slices
        after ``horizon`` are not walked)."""
        if self.schedule is not None:
            return _sample_scheduled(self, backend, shots, horizon)
        return _sample_link(self, backend, shots)


def _sample_link(path: CompiledPath, backend: ArrayBackend, shots: int) -> Trajectories:
    """One link with ``k`` channels: each channel is a renewal process of geometric periods;
    the request takes the first ``pairs`` heralds of all channels together."""
    xp = backend.xp
    k, pairs = path.channels, path.pairs
    attempts = backend.geometric(path.p[0], (shots, k, pairs))
    times = availability.renewal_times(xp, path, 0, attempts).reshape(shots, k * pairs)
    if k > 1:
        times = xp.sort(times, axis=-1)[:, :pairs]
    delay = float(path.herald_delay[0])
    if path.cutoff is not None and delay > path.cutoff:
        times = xp.full((shots, pairs), xp.inf)  # every pair is too old when heralded
    vector = _decohered(np, path, np.asarray(path.emitted[0]), 0, 1, np.float64(delay),
                        np.float64(delay))
    return Trajectories(times, xp.full((shots, pairs), float(vector[0])))


def _sample_scheduled(path: CompiledPath, backend: ArrayBackend, shots: int,
                      horizon: float) -> Trajectories:
    """One link with a schedule of up slices (:mod:`qfab.linkschedule`), all shots at once.

    Each channel walks the attempt grid from the request's start as the event simulation's
    link layer does: in the slice it is in it draws the attempts up to the next success,
    geometric with that slice's probability; a draw within the attempts the slice has left
    is a herald one attempt period after that attempt started (the channel goes on at the
    next attempt), a draw beyond them moves the channel to the next slice. Every step either
    delivers a pair or leaves a slice, so the loop runs at most ``pairs + slices`` times,
    each step vectorized over the shots. ``k`` channels are ``k`` such walks whose heralds
    are merged in time order. A pair has its slice's state after the herald delay in both
    memories.
    """
    schedule = path.schedule
    assert schedule is not None
    xp = backend.xp
    k, pairs = path.channels, path.pairs
    period = float(path.period[0])
    delay = float(path.herald_delay[0])
    starts = xp.asarray(np.append(schedule.starts, np.inf))
    ends = xp.asarray(np.append(schedule.ends, np.inf))
    p = xp.asarray(np.append(schedule.p_success, 0.0))
    fidelities = xp.asarray(np.append(
        [float(_decohered(np, path, np.asarray(vector), 0, 1, np.float64(delay),
                          np.float64(delay))[0]) for vector in schedule.states], 0.0))
    last = len(schedule)
    stop = path.start + horizon  # no herald after it counts
    walks = shots * k
    times = xp.full((walks, pairs), xp.inf)
    fidelity = xp.zeros((walks, pairs))
    slot = xp.searchsorted(ends, xp.full(walks, path.start), side="right")
    t = xp.maximum(xp.full(walks, path.start), starts[slot])
    made = xp.zeros(walks, dtype=np.int64)
    rows = xp.arange(walks)
    while True:
        active = (made < pairs) & (slot < last) & (t < stop)
        if not bool(active.any()):
            break
        with np.errstate(invalid="ignore"):  # inf - inf on walks already past the end
            room = xp.maximum(xp.floor((ends[slot] - t - FLOAT_MARGIN) / period) + 1.0, 0.0)
        chance = p[slot]
        draw = backend.geometric(xp.where(chance > 0, chance, 0.5), (walks,))
        draw = xp.where(chance > 0, draw, xp.inf)
        hit = active & (draw <= room)
        herald = t + (draw - 1.0) * period + period
        index = xp.minimum(made, pairs - 1)
        times[rows[hit], index[hit]] = herald[hit] - path.start
        fidelity[rows[hit], index[hit]] = fidelities[slot[hit]]
        made = made + hit
        t = xp.where(hit, t + draw * period, xp.where(active, t + room * period, t))
        moved = active & ~hit
        slot = xp.where(moved, slot + 1, slot)
        # next_up: past its slice's end the walk goes on in the slice that holds t (or the
        # next one), at its start if t falls in a gap
        slot = xp.where(active, xp.maximum(slot, xp.searchsorted(ends, t, side="right")), slot)
        t = xp.where(active, xp.maximum(t, starts[xp.minimum(slot, last)]), t)
    if path.cutoff is not None and delay > path.cutoff:
        times = xp.full((walks, pairs), xp.inf)  # every pair is too old when heralded
    times = times.reshape(shots, k * pairs)
    fidelity = fidelity.reshape(shots, k * pairs)
    if k > 1:
        order = xp.argsort(times, axis=-1)[:, :pairs]
        times = xp.take_along_axis(times, order, axis=-1)
        fidelity = xp.take_along_axis(fidelity, order, axis=-1)
    return Trajectories(times, fidelity)
