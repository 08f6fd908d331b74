"""Recurrence purification on one link, event by event for all runs at once."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from qfab.engines.base import Support
from qfab.engines.fast.backend import ArrayBackend
from qfab.engines.fast.schemes.base import CompiledPath, PathShape, Trajectories
from qfab.engines.fast.schemes.common import _decohered, _rates
from qfab.physics import bell_diagonal, memory as memory_physics, purification

__all__ = ["CompiledPurifiedLink"]


@dataclass(frozen=True)
class CompiledPurifiedLink(CompiledPath):
    """A request on one link whose pairs are purified ``rounds`` times before delivery."""

    @classmethod
    def serves(cls, shape: PathShape) -> bool:
        """Any path the orchestrator planned purification rounds on."""
        return shape.rounds > 0

    @classmethod
    def models(cls, shape: PathShape) -> Support:
        """One link without a cutoff."""
        if shape.links > 1 or shape.cutoff is not None:
            return Support.no(f"{shape.where}: the fast engine models purification on single "
                              "links without cutoff; use engine des")
        return Support.yes()

    def sample(self, shots: int, backend: ArrayBackend, *,
               horizon: float = float("inf")) -> Trajectories:
        """Sample ``shots`` runs, stepping through events until ``horizon``."""
        return _sample_purified_link(self, backend, shots, horizon)


def _sample_purified_link(path: CompiledPath, backend: ArrayBackend, shots: int,
                          horizon: float) -> Trajectories:
    """Recurrence purification on one link, event by event for all runs at once.

    Mirrors the node rules of the event simulation: each channel heralds pairs into its
    qubits; the lowest level with two pairs known at both ends is purified first, the
    newest pair kept; the sacrificed qubits are free at once, the kept pair is known (or, on
    failure, its qubits released) one classical delay later; a pair at the last level is
    delivered when known. Pairs decohere in memory throughout; the end nodes' read-out errors
    enter each round through ``path.end_parity_error``.
    """
    xp = backend.xp
    q, rounds, pairs = path.channels, path.rounds, path.pairs
    period, p, delay = float(path.period[0]), float(path.p[0]), float(path.end_delay)
    herald_delay = float(path.herald_delay[0])
    rates_a, rates_b = _rates(path, 0), _rates(path, 1)
    scheme = purification.scheme(path.purification)
    heralded = _decohered(np, path, np.asarray(path.emitted[0]), 0, 1,
                          np.float64(herald_delay), np.float64(herald_delay))
    rows = xp.arange(shots)
    inf = xp.inf
    generate_at = backend.geometric(p, (shots, q)) * period
    held = xp.zeros((shots, q), dtype=bool)
    level = xp.zeros((shots, q), dtype=xp.int64)
    created = xp.zeros((shots, q))
    known = xp.zeros((shots, q))
    updated = xp.zeros((shots, q))
    state = xp.zeros((shots, q, 4))
    blocked_until = xp.full((shots, q), inf)
    deliver_at = xp.full((shots, q), inf)
    now = xp.zeros(shots)
    count = xp.zeros(shots, dtype=xp.int64)
    times = xp.full((shots, pairs), inf)
    fidelity = xp.zeros((shots, pairs))

    def restart(mask: Any, at: Any) -> None:
        draws = backend.geometric(p, (shots, q)) * period
        generate_at[mask] = (at[:, None] + draws)[mask]

    def bring_to_now(mask: Any) -> None:
        wait = xp.where(mask, now[:, None] - updated, 0.0)
        decayed = memory_physics.stored(memory_physics.stored(state, wait, rates_a), wait,
                                        rates_b)
        state[mask] = decayed[mask]
        updated[mask] = now[:, None].repeat(q, axis=1)[mask]

    while True:
        pending_known = xp.where(held & (known > now[:, None]), known, inf)
        candidates = xp.minimum(xp.minimum(generate_at, blocked_until),
                                xp.minimum(deliver_at, pending_known)).min(axis=1)
        active = (count < pairs) & (candidates <= horizon)
        if not bool(active.any()):
            break
        now = xp.where(active, candidates, now)
        at_now = active[:, None] & True
        # deliveries
        due = (deliver_at == now[:, None]) & at_now
        if bool(due.any()):
            bring_to_now(due)
            for channel in range(q):
                hit = due[:, channel] & (count < pairs)
                slot = xp.minimum(count, pairs - 1)
                times[rows[hit], slot[hit]] = now[hit]
                fidelity[rows[hit], slot[hit]] = state[hit, channel, 0]
                count = count + hit
            held &= ~due
            deliver_at[due] = inf
            restart(due, now)
        # released qubits after a failed purification
        freed = (blocked_until == now[:, None]) & at_now
        blocked_until[freed] = inf
        restart(freed, now)
        # heralds
        arrived = (generate_at == now[:, None]) & at_now
        held |= arrived
        level[arrived] = 0
        created[arrived] = (now[:, None] - herald_delay).repeat(q, axis=1)[arrived]
        known[arrived] = now[:, None].repeat(q, axis=1)[arrived]
        updated[arrived] = now[:, None].repeat(q, axis=1)[arrived]
        state[arrived] = xp.asarray(heralded)
        generate_at[arrived] = inf
        # rules: purify the lowest level with two usable pairs, until none fires
        while True:
            usable = held & (known <= now[:, None]) & (deliver_at == inf) & at_now
            chosen = xp.full(shots, -1)
            for lvl in range(rounds - 1, -1, -1):
                enough = (usable & (level == lvl)).sum(axis=1) >= 2
                chosen = xp.where(enough, lvl, chosen)
            firing = chosen >= 0
            if not bool(firing.any()):
                break
            candidates_mask = usable & (level == chosen[:, None]) & firing[:, None]
            order = xp.argsort(xp.where(candidates_mask, -created, inf), axis=1, kind="stable")
            kept, sacrificed = order[:, 0], order[:, 1]
            both = xp.zeros((shots, q), dtype=bool)
            both[rows[firing], kept[firing]] = True
            both[rows[firing], sacrificed[firing]] = True
            bring_to_now(both)
            out, p_success = scheme.step(state[rows, kept], state[rows, sacrificed],
                                         path.end_parity_error)
            out = bell_diagonal.depolarized(out, path.end_depolarization)
            success = backend.rng.random(shots) < p_success
            oldest = xp.minimum(created[rows, kept], created[rows, sacrificed])
            gone = xp.zeros((shots, q), dtype=bool)
            gone[rows[firing], sacrificed[firing]] = True
            held &= ~gone
            restart(gone, now)
            won = firing & success
            state[rows[won], kept[won]] = out[won]
            level[rows[won], kept[won]] += 1
            created[rows[won], kept[won]] = oldest[won]
            known[rows[won], kept[won]] = now[won] + delay
            lost = firing & ~success
            held[rows[lost], kept[lost]] = False
            blocked_until[rows[lost], kept[lost]] = now[lost] + delay
        ready = held & (level == rounds) & (deliver_at == inf) & at_now
        deliver_at = xp.where(ready, xp.maximum(known, now[:, None]), deliver_at)
    return Trajectories(times, fidelity)
