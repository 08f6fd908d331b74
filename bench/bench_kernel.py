"""Throughput of the qfab event kernel, against a minimal heapq loop measured in the same run.

Usage::

    python bench/bench_kernel.py [--events N] [--repeat R] [--keep-gc]

Three workloads, each processing about N callbacks:

chains
    1,000 independent callback chains; each callback reschedules itself with the
    chain's own delay (``sim.schedule(delay, tick, delay)``).
processes
    1,000 generator processes, each yielding its own delay in a loop
    (``yield delay``).
churn
    1,000 chains whose every callback also arms a timer 16 delays ahead and
    cancels the one it armed before (``timer.cancel()``): two schedules and one
    lazy cancellation per processed callback, the pattern of a cutoff timer
    reset on each herald. Cancelled timers stay in the heap until they reach
    its top, so the heap is about 17 times larger than in chains.

The baseline for each workload is the smallest plain-``heapq`` loop that does the
same work with the same FIFO key ``(time, counter)`` (and, for churn, the same
lazy cancellation), without argument checks, handles or run control. The ratio
qfab / baseline is the portable number; absolute rates depend on the machine.
If SimPy is importable, its rate on the processes workload (``yield
env.timeout(delay)``) is reported too.

Each figure is the best of R timed runs (default 3) of ``time.perf_counter``
around the run loop only, the contenders taking turns round by round; as in
:mod:`timeit`, the garbage collector is disabled while timing unless
``--keep-gc`` is given. Prints a table, then one JSON line.
"""

from __future__ import annotations

import argparse
import gc
import heapq
import itertools
import json
import platform
import sys
import time
from collections.abc import Callable, Generator
from pathlib import Path
from typing import Any

try:
    from qfab.sim import Simulation
except ImportError:  # not installed: use the source tree next to this script
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    from qfab.sim import Simulation

CHAINS = 1_000
TIMER_FACTOR = 16  # a churn timer is armed for 16 chain delays ahead


def _delay(i: int) -> int:
    # Distinct, small, coprime-ish delays: a well-mixed heap with frequent ties.
    return 1_000 + 7 * (i % 97)


# ----------------------------------------------------------------- workloads
# Each returns a zero-argument function that runs the workload and returns the
# number of callbacks it processed; setup happens outside the timed call.


def qfab_chains(n: int) -> Callable[[], int]:
    sim = Simulation()
    left = n - CHAINS

    def tick(delay: int) -> None:
        nonlocal left
        if left > 0:
            left -= 1
            sim.schedule(delay, tick, delay)

    for i in range(CHAINS):
        sim.schedule(0, tick, _delay(i))

    def go() -> int:
        sim.run()
        return sim.events_processed

    return go


def heapq_chains(n: int) -> Callable[[], int]:
    heap: list[tuple[int, int, Callable[..., None], tuple[Any, ...]]] = []
    counter = itertools.count()
    now = 0
    left = n - CHAINS

    def tick(delay: int) -> None:
        nonlocal left
        if left > 0:
            left -= 1
            heapq.heappush(heap, (now + delay, next(counter), tick, (delay,)))

    for i in range(CHAINS):
        heapq.heappush(heap, (0, next(counter), tick, (_delay(i),)))

    def go() -> int:
        nonlocal now
        pop = heapq.heappop
        processed = 0
        while heap:
            now, _, callback, args = pop(heap)
            callback(*args)
            processed += 1
        return processed

    return go


def _per_process(n: int) -> int:
    return max(n // CHAINS - 1, 1)


def qfab_processes(n: int) -> Callable[[], int]:
    sim = Simulation()
    steps = _per_process(n)

    def body(delay: int) -> Generator[int, None, None]:
        for _ in range(steps):
            yield delay

    for i in range(CHAINS):
        sim.process(body(_delay(i)))

    def go() -> int:
        sim.run()
        return sim.events_processed

    return go


def heapq_processes(n: int) -> Callable[[], int]:
    steps = _per_process(n)

    def body(delay: int) -> Generator[int, None, None]:
        for _ in range(steps):
            yield delay

    counter = itertools.count()
    heap = [(0, next(counter), body(_delay(i))) for i in range(CHAINS)]
    heapq.heapify(heap)

    def go() -> int:
        pop, push = heapq.heappop, heapq.heappush
        processed = 0
        while heap:
            now, _, generator = pop(heap)
            processed += 1
            try:
                delay = generator.send(None)
            except StopIteration:
                continue
            push(heap, (now + delay, next(counter), generator))
        return processed

    return go


def simpy_processes(n: int) -> Callable[[], int] | None:
    try:
        import simpy  # type: ignore[import-not-found, unused-ignore]
    except ImportError:
        return None
    env = simpy.Environment()
    steps = _per_process(n)

    def body(delay: int) -> Generator[Any, Any, None]:
        timeout = env.timeout
        for _ in range(steps):
            yield timeout(delay)

    for i in range(CHAINS):
        env.process(body(_delay(i)))

    def go() -> int:
        env.run()
        # One timeout per yield, plus each process's start and end events.
        return CHAINS * (steps + 2)

    return go


def qfab_churn(n: int) -> Callable[[], int]:
    sim = Simulation()
    left = n - CHAINS

    def cutoff() -> None:  # pragma: no cover - always cancelled in time
        raise AssertionError("a cancelled timer ran")

    def tick(delay: int, timer: Any) -> None:
        nonlocal left
        timer.cancel()
        if left > 0:
            left -= 1
            sim.schedule(delay, tick, delay, sim.schedule(TIMER_FACTOR * delay, cutoff))

    for i in range(CHAINS):
        delay = _delay(i)
        sim.schedule(0, tick, delay, sim.schedule(TIMER_FACTOR * delay, cutoff))

    def go() -> int:
        sim.run()
        return sim.events_processed

    return go


def heapq_churn(n: int) -> Callable[[], int]:
    # Entries are lists so that cancelling (entry[2] = None) is O(1) and lazy.
    heap: list[list[Any]] = []
    counter = itertools.count()
    now = 0
    left = n - CHAINS

    def cutoff() -> None:  # pragma: no cover - always cancelled in time
        raise AssertionError("a cancelled timer ran")

    def tick(delay: int, timer: list[Any]) -> None:
        nonlocal left
        timer[2] = None
        if left > 0:
            left -= 1
            new_timer = [now + TIMER_FACTOR * delay, next(counter), cutoff, ()]
            heapq.heappush(heap, new_timer)
            heapq.heappush(heap, [now + delay, next(counter), tick, (delay, new_timer)])

    for i in range(CHAINS):
        delay = _delay(i)
        timer = [TIMER_FACTOR * delay, next(counter), cutoff, ()]
        heapq.heappush(heap, timer)
        heapq.heappush(heap, [0, next(counter), tick, (delay, timer)])

    def go() -> int:
        nonlocal now
        pop = heapq.heappop
        processed = 0
        while heap:
            entry = pop(heap)
            callback = entry[2]
            if callback is None:
                continue
            now = entry[0]
            callback(*entry[3])
            processed += 1
        return processed

    return go


# ------------------------------------------------------------------ harness


def timed_rate(
    make: Callable[[int], Callable[[], int] | None], n: int, keep_gc: bool
) -> float | None:
    """Events/s of one fresh run of the workload built by ``make`` (``None`` if unavailable)."""
    go = make(n)
    if go is None:
        return None
    gc.collect()
    if not keep_gc:
        gc.disable()
    try:
        start = time.perf_counter()
        processed = go()
        elapsed = time.perf_counter() - start
    finally:
        gc.enable()
    return processed / elapsed


def best_rates(
    makers: dict[str, Callable[[int], Callable[[], int] | None]], n: int, repeat: int, keep_gc: bool
) -> dict[str, float | None]:
    """Best events/s of each workload over ``repeat`` rounds.

    Each round runs every workload once, so that a slow spell of the machine
    hits the contenders alike rather than all runs of one of them.
    """
    best: dict[str, float | None] = dict.fromkeys(makers, 0.0)
    for _ in range(repeat):
        for name, make in makers.items():
            rate = timed_rate(make, n, keep_gc)
            previous = best[name]
            best[name] = None if rate is None or previous is None else max(previous, rate)
    return best


WORKLOADS: dict[
    str, tuple[Callable[[int], Callable[[], int]], Callable[[int], Callable[[], int]]]
] = {
    "chains": (qfab_chains, heapq_chains),
    "processes": (qfab_processes, heapq_processes),
    "churn": (qfab_churn, heapq_churn),
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--events", type=int, default=500_000,
                        help="callbacks per workload (default 500000)")
    parser.add_argument("--repeat", type=int, default=3,
                        help="timed runs per figure; the best is kept (default 3)")
    parser.add_argument("--keep-gc", action="store_true",
                        help="leave the garbage collector on while timing")
    args = parser.parse_args(argv)
    if args.events < 2 * CHAINS:
        parser.error(f"--events must be at least {2 * CHAINS}")

    results: dict[str, dict[str, float | None]] = {}
    print(f"qfab.sim kernel, {args.events:,} events per workload, best of {args.repeat}, "
          f"Python {platform.python_version()} on {platform.machine()}, "
          f"gc {'on' if args.keep_gc else 'off'}")
    print(f"{'workload':<10} {'qfab ev/s':>12} {'heapq ev/s':>12} {'qfab/heapq':>11}")
    for name, (make_qfab, make_baseline) in WORKLOADS.items():
        makers: dict[str, Callable[[int], Callable[[], int] | None]] = {
            "qfab": make_qfab, "heapq": make_baseline,
        }
        if name == "processes":
            makers["simpy"] = simpy_processes
        rates = best_rates(makers, args.events, args.repeat, args.keep_gc)
        qfab_rate, baseline_rate, simpy_rate = rates["qfab"], rates["heapq"], rates.get("simpy")
        assert qfab_rate is not None
        assert baseline_rate is not None
        ratio = qfab_rate / baseline_rate
        results[name] = {"qfab_events_per_s": qfab_rate, "heapq_events_per_s": baseline_rate,
                         "ratio": ratio}
        print(f"{name:<10} {qfab_rate:>12,.0f} {baseline_rate:>12,.0f} {ratio:>11.2f}")
        if simpy_rate is not None:
            results[name]["simpy_events_per_s"] = simpy_rate
            results[name]["qfab_over_simpy"] = qfab_rate / simpy_rate
            print(f"{'':<10} simpy {simpy_rate:,.0f} ev/s, qfab/simpy {qfab_rate / simpy_rate:.2f}")
    print(json.dumps({
        "bench": "qfab.sim.kernel", "events": args.events, "repeat": args.repeat,
        "gc": args.keep_gc, "python": platform.python_version(),
        "implementation": platform.python_implementation(), "machine": platform.machine(),
        "results": results,
    }, sort_keys=True))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
