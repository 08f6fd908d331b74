"""Links with up windows in the fast engine: attempt counts mapped to herald times.

A channel ready at ``s`` whose success is its ``k``-th attempt heralds at
``attempt_start(s, k) + T`` (:mod:`qfab.linkwindows`, the same map the event simulation uses
on its integer clock); without windows that is ``s + k T``. Windows are in absolute simulated
time, the samplers' times count from the request's start, so the map shifts by
``path.start``. The schemes that restart each link at known times (one link, swap-asap
without cutoff) go through here and declare ``models_windows``; the others refuse links with
windows, naming ``links[i].availability``
(:func:`~qfab.engines.fast.schemes.choose_scheme`).
"""

from __future__ import annotations

from typing import Any

__all__ = ["herald_times", "renewal_times"]


def renewal_times(xp: Any, path: Any, link: int, attempts: Any) -> Any:
    """Herald times (from the request's start) of a channel that attempts from the start and
    restarts at each herald: ``attempts[..., i]`` attempts for the ``i``-th pair."""
    windows = path.windows[link] if path.windows else None  # () when no link has windows
    period = float(path.period[link])
    if windows is None:
        return xp.cumsum(attempts * period, axis=-1)
    counts = xp.cumsum(attempts, axis=-1)  # the channel's attempts form one grid
    ready = xp.full(counts.shape, float(path.start))  # arrays throughout (NumPy or CuPy)
    return windows.attempt_start(ready, counts, xp=xp) + period - path.start


def herald_times(xp: Any, path: Any, start: Any, attempts: Any, period: Any) -> Any:
    """Herald times of links ready at ``start`` (shape (shots, links), from the request's
    start) that succeed at their ``attempts``-th attempt; ``period`` is ``path.period`` on the
    array backend."""
    heralds = start + attempts * period
    if not path.windows:  # () when no link has windows
        return heralds
    for link, windows in enumerate(path.windows):
        if windows is not None:
            ready = start[:, link] + path.start
            heralds[:, link] = (windows.attempt_start(ready, attempts[:, link], xp=xp)
                                + float(path.period[link]) - path.start)
    return heralds
