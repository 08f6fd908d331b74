"""What every compiled scheme of the fast engine shares: the path's arrays and the interface.

A request compiles into one object per scheme (:mod:`qfab.engines.fast.schemes`); each
declares the paths it models (:meth:`CompiledPath.serves`, :meth:`CompiledPath.models`) and
samples runs of the request (:meth:`CompiledPath.sample`). Arrays have shape
``(shots, pairs)``: delivery times in seconds from the request's start, and the fidelity of
each delivered pair.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, ClassVar

import numpy as np
from numpy.typing import NDArray

from qfab.engines.base import Support
from qfab.engines.fast.backend import ArrayBackend
from qfab.linkschedule import LinkSchedule
from qfab.linkwindows import AttemptWindows

__all__ = ["CompiledChain", "CompiledPath", "PathShape", "Trajectories"]

FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class PathShape:
    """What decides which scheme models a request: the path and the policy on it.

    Attributes
    ----------
    where
        The request's location in the scenario, ``requests[i]``.
    links
        Number of links on the path.
    swap
        ``policy.swap`` (``"asap"`` or ``"nested"``).
    cutoff
        ``policy.cutoff`` (s), or ``None``.
    rounds
        Purification rounds the orchestrator planned.
    zero_length
        True when no link has a classical delay (every herald delay is zero).
    ideal_swaps
        True when every repeater's Bell measurement succeeds with probability 1.
    windows
        ``links[i].availability`` of the first link on the path that is up only in windows,
        or ``None``.
    varying
        ``links[i].availability`` of the first link whose success probability or state
        changes inside a window, or ``None``.
    scheduled
        ``links[i]`` of the first link with a schedule of up slices
        (:mod:`qfab.linkschedule`, e.g. a satellite pass), or ``None``.
    """

    where: str
    links: int
    swap: str
    cutoff: float | None
    rounds: int
    zero_length: bool
    ideal_swaps: bool
    windows: str | None = None
    varying: str | None = None
    scheduled: str | None = None

    @property
    def power_of_two(self) -> bool:
        """True when the path has ``2^n`` links."""
        return self.links & (self.links - 1) == 0


@dataclass(frozen=True)
class Trajectories:
    """Sampled delivery times (s, from the request's start) and fidelities, both (shots, pairs)."""

    times: Any
    fidelity: Any


@dataclass(frozen=True)
class CompiledPath:
    """One request's path as arrays (``n`` links, ``n + 1`` nodes, ``n - 1`` repeaters).

    Subclasses are the schemes; each samples the request its own way.

    Attributes
    ----------
    pairs, start
        Requested pairs and the request's start time (s).
    p, period, herald_delay
        Per link: success probability, attempt period (s), emission-to-herald delay (s).
    emitted
        Per link: Bell vector of a heralded pair before memory decoherence, shape (n, 4).
    decay_rates
        Per node along the path: its memory's character decay rates (1/s), shape (n + 1, 3)
        (:attr:`qfab.memorymodel.MemoryModel.decay_rates`).
    depolarization, measurement_error, swap_success
        Per repeater: gate noise and Bell-measurement success probability.
    reach
        Per repeater: one-way classical delay (s) to the farther of the two end nodes.
    channels
        Parallel attempts on a one-link path; on a chain, the number of lanes (qubit ``j`` is
        swapped only with qubit ``j``, so each lane is an independent one-qubit chain).
    cutoff
        Maximum age (s) of any stored pair, or ``None``.
    purification, rounds
        Recurrence scheme (``"none"``, ``"bbpssw"``, ``"dejmps"``) and rounds on a one-link path.
    end_delay
        One-way classical delay (s) between the two end nodes.
    end_depolarization
        Depolarization of a purified pair by the end nodes' gates.
    end_parity_error
        Probability that a purification round compares the end nodes' measured bits
        wrongly (:func:`qfab.physics.purification.parity_error`).
    request
        Index of the request in the scenario.
    ideal_memory
        True when no node on the path decoheres (fidelity needs no sampling).
    windows
        Per link: its up windows (:mod:`qfab.linkwindows`) or ``None``; empty when no link on
        the path has windows.
    schedule
        The schedule of up slices of a one-link path (:mod:`qfab.linkschedule`), or ``None``.
    """

    #: Whether the scheme places attempts in links' up windows
    #: (:mod:`qfab.engines.fast.availability`).
    models_windows: ClassVar[bool] = False
    #: Whether the scheme samples a link with a schedule of up slices (a satellite pass).
    models_schedules: ClassVar[bool] = False

    pairs: int
    start: float
    p: FloatArray
    period: FloatArray
    herald_delay: FloatArray
    emitted: FloatArray
    decay_rates: FloatArray
    depolarization: FloatArray
    measurement_error: FloatArray
    swap_success: FloatArray
    reach: FloatArray
    channels: int
    ideal_memory: bool
    cutoff: float | None = None
    purification: str = "none"
    rounds: int = 0
    end_delay: float = 0.0
    end_depolarization: float = 0.0
    end_parity_error: float = 0.0
    request: int = 0
    windows: tuple[AttemptWindows | None, ...] = ()
    schedule: LinkSchedule | None = None

    @property
    def links(self) -> int:
        """Number of links on the path."""
        return int(self.p.size)

    @classmethod
    def serves(cls, shape: PathShape) -> bool:
        """True when ``shape`` asks for the protocol this scheme implements."""
        raise NotImplementedError

    @classmethod
    def models(cls, shape: PathShape) -> Support:
        """Whether this scheme models every parameter of a path it serves, or why not."""
        raise NotImplementedError

    def sample(self, shots: int, backend: ArrayBackend, *,
               horizon: float = float("inf")) -> Trajectories:
        """Sample ``shots`` independent runs of the request.

        Deliveries later than ``horizon`` (s after the request's start) do not count;
        schemes that step through events stop there (a cutoff that rarely lets a round
        complete would otherwise run for ever).
        """
        raise NotImplementedError


@dataclass(frozen=True)
class CompiledChain(CompiledPath):
    """A scheme on a chain of links, which runs its lanes as independent one-qubit chains."""

    def sample(self, shots: int, backend: ArrayBackend, *,
               horizon: float = float("inf")) -> Trajectories:
        """Sample ``shots`` runs; with several lanes, merge the lanes' deliveries in time."""
        lanes = self.channels
        if lanes > 1:
            # Lanes never share a qubit, and a link's requests are charged one pair per lane in
            # flight, so every lane runs as an independent one-qubit chain: sample them as
            # separate runs and merge their deliveries in time order.
            one = replace(self, channels=1).sample(shots * lanes, backend, horizon=horizon)
            return _merge_lanes(backend.xp, one, shots, lanes, self.pairs)
        return self.sample_lane(shots, backend, horizon=horizon)

    def sample_lane(self, shots: int, backend: ArrayBackend, *, horizon: float) -> Trajectories:
        """Sample ``shots`` runs of one lane (``channels`` is 1)."""
        raise NotImplementedError


def _merge_lanes(xp: Any, lanes_runs: Trajectories, shots: int, lanes: int,
                 pairs: int) -> Trajectories:
    """The first ``pairs`` deliveries of ``lanes`` independent lanes, in time order."""
    times = lanes_runs.times.reshape(shots, lanes * pairs)
    fidelity = lanes_runs.fidelity.reshape(shots, lanes * pairs)
    order = xp.argsort(times, axis=1, kind="stable")[:, :pairs]
    return Trajectories(xp.take_along_axis(times, order, axis=1),
                        xp.take_along_axis(fidelity, order, axis=1))
