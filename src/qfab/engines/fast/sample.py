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

from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from qfab.engines.fast.backend import ArrayBackend
from qfab.engines.fast.compile import CompiledPath
from qfab.physics import bell_diagonal, purification
from qfab.physics import memory as memory_physics

__all__ = ["Trajectories", "sample_path"]


@dataclass(frozen=True)
class Trajectories:
    """Sampled delivery times (s, from the request's start) and fidelities, both (shots, pairs)."""

    times: Any
    fidelity: Any


def sample_path(path: CompiledPath, backend: ArrayBackend, shots: int, *,
                horizon: float = float("inf")) -> Trajectories:
    """Sample ``shots`` independent runs of the request on ``path``.

    Deliveries later than ``horizon`` (s after the request's start) do not count; samplers
    that step through events stop there (a cutoff that rarely lets a round complete would
    otherwise run for ever).
    """
    if path.scheme == "purified_link":
        return _sample_purified_link(path, backend, shots, horizon)
    if path.scheme == "link":
        return _sample_link(path, backend, shots)
    lanes = path.channels
    if lanes > 1:
        # Lanes never share a qubit, and a link's requests are charged one pair per lane in
        # flight, so every lane runs as an independent one-qubit chain: sample them as
        # separate runs and merge their deliveries in time order.
        one = sample_path(replace(path, channels=1), backend, shots * lanes, horizon=horizon)
        return _merge_lanes(backend.xp, one, shots, lanes, path.pairs)
    if path.scheme == "asap_cutoff":
        return _sample_asap_cutoff(path, backend, shots, horizon)
    sampler = {"asap": _sample_asap, "nested": _sample_nested}
    return sampler[path.scheme](path, backend, shots)


def _merge_lanes(xp: Any, lanes_runs: Trajectories, shots: int, lanes: int,
                 pairs: int) -> Trajectories:
    """The first ``pairs`` deliveries of ``lanes`` independent lanes, in time order."""
    times = lanes_runs.times.reshape(shots, lanes * pairs)
    fidelity = lanes_runs.fidelity.reshape(shots, lanes * pairs)
    order = xp.argsort(times, axis=1, kind="stable")[:, :pairs]
    return Trajectories(xp.take_along_axis(times, order, axis=1),
                        xp.take_along_axis(fidelity, order, axis=1))


def _static_fidelity(path: CompiledPath, xp: Any) -> float:
    """Fidelity of every pair when no memory decoheres: swapped heralded states."""
    vector = xp.asarray(path.emitted[0])
    for j in range(path.links - 1):
        vector = _swap(xp, path, j, vector, xp.asarray(path.emitted[j + 1]))
    return float(vector[0])


def _swap(xp: Any, path: CompiledPath, repeater: int, left: Any, right: Any) -> Any:
    return bell_diagonal.swapped(left, right,
                                 gate_depolarization=float(path.depolarization[repeater]),
                                 measurement_error=float(path.measurement_error[repeater]))


def _rates(path: CompiledPath, node: int) -> memory_physics.DecayRates:
    first, second, third = (float(rate) for rate in path.decay_rates[node])
    return (first, second, third)


def _decohered(xp: Any, path: CompiledPath, vector: Any, left_node: int, right_node: int,
               wait_left: Any, wait_right: Any) -> Any:
    out = memory_physics.stored(vector, wait_left, _rates(path, left_node))
    return memory_physics.stored(out, wait_right, _rates(path, right_node))


def _exposure_groups(path: CompiledPath) -> tuple[Any, Any]:
    """Characters and decay rates for :func:`qfab.physics.memory.decayed_fidelity`, with
    characters that decay alike merged: ``(chars (k + 1,), rates (nodes, k))``.

    A character whose rate is 0 at every node never decays and joins ``chars[0]``;
    characters with equal rates at every node decay by the same factor and are summed. The
    fidelity is the same; the samplers then take one exponential per distinct rate column
    (one for a depolarizing memory or T1 = inf, two for T1/T2).
    """
    static = _static_characters(path)
    constant = float(static[0])
    columns: list[Any] = []
    weights: list[float] = []
    for k in range(3):
        column = path.decay_rates[:, k]
        if not column.any():
            constant += float(static[k + 1])
            continue
        for index, seen in enumerate(columns):
            if np.array_equal(seen, column):
                weights[index] += float(static[k + 1])
                break
        else:
            columns.append(column)
            weights.append(float(static[k + 1]))
    rates = np.stack(columns, axis=1) if columns else np.zeros((path.links + 1, 0))
    return np.array([constant, *weights]), rates


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
    if path.cutoff is not None and delay > path.cutoff:
        times = xp.full((shots, pairs), xp.inf)  # every pair is too old when heralded
    vector = _decohered(np, path, np.asarray(path.emitted[0]), 0, 1, delay, delay)
    return Trajectories(times, xp.full((shots, pairs), float(vector[0])))


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
        host_static, host_rates = _exposure_groups(path)
        static, rates = xp.asarray(host_static), xp.asarray(host_rates)
    for r in range(pairs):
        heralds = start + backend.geometric(p, (shots, n)) * period
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


def _static_characters(path: CompiledPath) -> Any:
    """Klein-group characters of everything but memory decay: the heralded link states and
    the repeaters' gate channels (:func:`qfab.physics.bell_diagonal.characters`). Memory
    decay multiplies character ``k`` by ``exp(-sum_q t_q r_{q,k})`` over all stored qubits
    ``q`` (:func:`qfab.physics.memory.decayed_fidelity`), so a round's fidelity needs only
    those sums."""
    chi = np.prod(bell_diagonal.characters(path.emitted), axis=0)
    for j in range(path.links - 1):
        chi = chi * np.array(bell_diagonal.swap_noise_characters(
            float(path.depolarization[j]), float(path.measurement_error[j])))
    return chi


def _sample_purified_link(path: CompiledPath, backend: ArrayBackend, shots: int,
                          horizon: float) -> Trajectories:
    """Recurrence purification on one link, event by event for all runs at once.

    Mirrors the node rules of the event simulation: each channel heralds pairs into its
    qubits; the lowest level with two pairs known at both ends is purified first, the
    newest pair kept; the sacrificed qubits are free at once, the kept pair is known (or, on
    failure, its qubits released) one classical delay later; a pair at the last level is
    delivered when known. Pairs decohere in memory throughout.
    """
    xp = backend.xp
    q, rounds, pairs = path.channels, path.rounds, path.pairs
    period, p, delay = float(path.period[0]), float(path.p[0]), float(path.end_delay)
    herald_delay = float(path.herald_delay[0])
    rates_a, rates_b = _rates(path, 0), _rates(path, 1)
    scheme = purification.scheme(path.purification)
    heralded = _decohered(np, path, np.asarray(path.emitted[0]), 0, 1, herald_delay,
                          herald_delay)
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
            out, p_success = scheme.step(state[rows, kept], state[rows, sacrificed])
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
    host_static, host_rates = _exposure_groups(path)
    static, rates = xp.asarray(host_static), xp.asarray(host_rates)
    chunk = backend.chunk_size(n)
    for first in range(0, total, chunk):
        _cutoff_rounds(backend, path, cutoff, period, p, xp.arange(first, min(first + chunk, total)),
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
    until delivery (see :func:`_exposure_groups`)."""
    swaps = xp.maximum(emission[:, :-1], emission[:, 1:])
    end = delivered[:, None]
    left_wait = xp.concatenate([end, swaps], axis=1) - emission
    right_wait = xp.concatenate([swaps, end], axis=1) - emission
    exposure = left_wait @ rates[:-1] + right_wait @ rates[1:]
    return memory_physics.decayed_fidelity(static, exposure)


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
