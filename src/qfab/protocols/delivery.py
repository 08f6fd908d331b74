"""Delivery: hand heralded pairs to the requests waiting on a link, first come first served."""

from __future__ import annotations

from collections.abc import Callable

from qfab.hardware.link import HeraldedLink
from qfab.hardware.memory import Memory, state_at
from qfab.hardware.pair import Pair
from qfab.sim.kernel import Simulation

__all__ = ["RequestTracker", "LinkDelivery"]

_CACHE_SIZE = 4096


class RequestTracker:
    """What one request has received so far.

    Parameters
    ----------
    index
        Position of the request in the scenario.
    requested
        Number of pairs asked for.
    """

    def __init__(self, index: int, requested: int) -> None:
        self.index = index
        self.requested = requested
        self.start_ps = 0
        self.delivery_ps: list[int] = []
        self.fidelities: list[float] = []

    @property
    def done(self) -> bool:
        """True once every requested pair has been delivered."""
        return len(self.delivery_ps) >= self.requested

    def record(self, now_ps: int, fidelity: float) -> None:
        """Register a pair delivered at ``now_ps`` with fidelity ``fidelity``."""
        self.delivery_ps.append(now_ps)
        self.fidelities.append(fidelity)


class LinkDelivery:
    """Pair handler of one link: serves its requests in order and applies the cutoff.

    A pair older than ``cutoff_ps`` when heralded is discarded. A pair that no request
    wants is released at once (the link keeps generating, which characterizes it).

    Parameters
    ----------
    sim
        The simulation (for the current time).
    link
        The link whose pairs arrive here (its fidelity statistics are updated).
    queue
        Requests on this link, served one after the other.
    memories
        Memories of the two ends, in the order of the link's ``between``.
    cutoff_ps
        Maximum pair age at delivery, or ``None``.
    on_request_done
        Called with each tracker when its request completes.
    """

    def __init__(self, sim: Simulation, link: HeraldedLink, queue: list[RequestTracker],
                 memories: tuple[Memory, Memory], *, cutoff_ps: int | None,
                 on_request_done: Callable[[RequestTracker], None]) -> None:
        self.sim = sim
        self.link = link
        self.queue = queue
        self.memories = memories
        self.cutoff_ps = cutoff_ps
        self.on_request_done = on_request_done
        # Decoherence is a deterministic function of a pair's initial state and age; pairs of
        # one link share their initial state object, so the fidelity is cached per age.
        self._fidelity_cache: dict[tuple[int, int], float] = {}

    def fidelity_of(self, pair: Pair, now_ps: int) -> float:
        """Fidelity of ``pair`` at ``now_ps`` after decoherence in both memories."""
        key = (id(pair.state), now_ps - pair.created_ps)
        fidelity = self._fidelity_cache.get(key)
        if fidelity is None:
            fidelity = state_at(pair, now_ps, *self.memories).fidelity()
            if len(self._fidelity_cache) < _CACHE_SIZE:
                self._fidelity_cache[key] = fidelity
        return fidelity

    def __call__(self, pair: Pair) -> None:
        now = self.sim.now
        fidelity = self.fidelity_of(pair, now)
        self.link.fidelity_sum += fidelity
        if self.cutoff_ps is not None and now - pair.created_ps > self.cutoff_ps:
            return
        while self.queue and self.queue[0].done:
            self.queue.pop(0)
        if not self.queue:
            return
        tracker = self.queue[0]
        tracker.record(now, fidelity)
        if tracker.done:
            self.on_request_done(tracker)
