"""Swap-asap on a chain: every round's heralds, swaps and deliveries in closed form."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from qfab.engines.base import Support
from qfab.engines.fast import availability
from qfab.engines.fast.backend import ArrayBackend
from qfab.engines.fast.schemes.base import CompiledChain, CompiledPath, PathShape, Trajectories
from qfab.engines.fast.schemes.common import _exposure_groups, _static_fidelity
from qfab.physics import memory as memory_physics

__all__ = ["CompiledAsapChain", "swap_success_reason"]


def swap_success_reason(shape: PathShape) -> str:
    """Why swap-asap with a swap success below 1 is refused."""
    return (f"{shape.where}: the fast engine models swap-asap with swap success 1 (or two "
            "zero-length links); use swap: nested or engine des")


@dataclass(frozen=True)
class CompiledAsapChain(CompiledChain):
    """Swap-asap without cutoff (classical delays, decoherence and gate noise included).

    Timing of a round on ``n`` links (heralds ``H_i = A_i + G_i period_i``, ``G_i``
    geometric): repeater ``j`` swaps at ``S_j = max(H_{j-1}, H_j)``; the end-to-end pair
    exists at ``T = max_i H_i`` and is delivered once both ends have heard of every swap,
    ``D = max(T, max_j S_j + reach_j)``. The next round's links start at ``T`` (between two
    repeaters) or ``D`` (links at an end node, whose qubit is busy until delivery).
    Decoherence: each qubit of link pair ``i`` waits in memory from emission
    ``H_i - delay_i`` until it is measured by a swap or delivered; the Pauli-twirled memory
    channels commute with swapping, so the delivered state is the Klein-group convolution of
    every link's decohered state and every repeater's gate channels. Links with up windows
    place ``G_i`` on their windows' attempt grid (:mod:`qfab.engines.fast.availability`).
    """

    models_windows: ClassVar[bool] = True

    @classmethod
    def serves(cls, shape: PathShape) -> bool:
        """A chain with ``policy.swap: asap`` and no cutoff."""
        return (shape.links > 1 and not shape.rounds and shape.swap == "asap"
                and shape.cutoff is None)

    @classmethod
    def models(cls, shape: PathShape) -> Support:
        """Swaps that always succeed."""
        return Support.yes() if shape.ideal_swaps else Support.no(swap_success_reason(shape))

    def sample_lane(self, shots: int, backend: ArrayBackend, *, horizon: float) -> Trajectories:
        """Sample ``shots`` runs of one lane (every round is drawn; ``horizon`` is unused)."""
        return _sample_asap(self, backend, shots)


def _sample_asap(path: CompiledPath, backend: ArrayBackend, shots: int) -> Trajectories:
    xp = backend.xp
    n, pairs = path.links, path.pairs
    period = xp.asarray(path.period)
    herald = xp.asarray(path.herald_delay)
    reach = xp.asarray(path.reach)
    p = xp.asarray(path.p)
    start = xp.zeros((shots, n))
    times = xp.empty((shots, pairs))
    if path.ideal_memory:
        fidelity = xp.full((shots, pairs), _static_fidelity(path, np))
    else:
        fidelity = xp.empty((shots, pairs))
        static, rates = _exposure_groups(path, xp)
    for r in range(pairs):
        heralds = availability.herald_times(xp, path, start, backend.geometric(p, (shots, n)),
                                            period)
        swaps = xp.maximum(heralds[:, :-1], heralds[:, 1:])  # (shots, n - 1)
        formed = heralds.max(axis=1)
        delivered = xp.maximum(formed, (swaps + reach).max(axis=1))
        times[:, r] = delivered
        if not path.ideal_memory:
            emission = heralds - herald
            end = delivered[:, None]
            left_wait = xp.concatenate([end, swaps], axis=1) - emission
            right_wait = xp.concatenate([swaps, end], axis=1) - emission
            exposure = left_wait @ rates[:-1] + right_wait @ rates[1:]
            fidelity[:, r] = memory_physics.decayed_fidelity(static, exposure)
        start = xp.empty((shots, n))
        start[:] = formed[:, None]
        start[:, 0] = delivered
        start[:, -1] = delivered
    return Trajectories(times, fidelity)
