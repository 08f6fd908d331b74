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

__all__ = ["CompiledLink"]


@dataclass(frozen=True)
class CompiledLink(CompiledPath):
    """A request on one link; a cutoff shorter than the herald delay delivers nothing."""

    models_windows: ClassVar[bool] = True

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
        """Sample ``shots`` runs (every delivery time is drawn, so ``horizon`` is unused)."""
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
