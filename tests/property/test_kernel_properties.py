"""Properties of the event kernel over random schedules (hypothesis).

Random programs schedule events, schedule more events from their callbacks,
cancel events (at once or from later callbacks) and run in random ``until``
steps. The kernel's trace is checked against the invariants directly and against
a deliberately naive reference simulator (linear scan for the minimum
``(time, scheduling order)``, eager removal on cancel).
"""

from __future__ import annotations

import itertools
from collections.abc import Generator
from dataclasses import dataclass, field
from itertools import accumulate
from typing import Any

from hypothesis import given, settings, strategies as st

from qfab.sim import ScheduledEvent, Simulation

# ------------------------------------------------------------- programs


@dataclass(frozen=True)
class Node:
    """One scheduled callback of a random program.

    ``delay``: ps after the scheduling instant; ``cancel_now``: cancelled right
    after scheduling; ``cancels``: indices (modulo the number of events scheduled
    so far) of events this callback cancels when it runs; ``children``: events it
    schedules when it runs.
    """

    delay: int
    cancel_now: bool = False
    cancels: tuple[int, ...] = ()
    children: tuple[Node, ...] = field(default=())


# Small delays make same-time ties frequent.
delays = st.one_of(st.integers(0, 5), st.integers(0, 10**6))


def _nodes(children: st.SearchStrategy[tuple[Node, ...]]) -> st.SearchStrategy[Node]:
    return st.builds(
        Node,
        delay=delays,
        cancel_now=st.sampled_from([False, False, False, True]),
        cancels=st.lists(st.integers(0, 1000), max_size=2).map(tuple),
        children=children,
    )


leaf = _nodes(st.just(()))
trees = st.recursive(
    leaf, lambda inner: _nodes(st.lists(inner, max_size=3).map(tuple)), max_leaves=30
)
programs = st.lists(trees, min_size=1, max_size=8).map(tuple)
untils = st.lists(st.integers(0, 3 * 10**6), max_size=4).map(sorted)


@dataclass
class Trace:
    log: list[tuple[int, int]] = field(default_factory=list)  # (time, event index) as run
    run_ends: list[tuple[int, int]] = field(default_factory=list)  # (len(log), now) after each run
    cancelled_before_run: set[int] = field(default_factory=set)
    scheduled: int = 0


def run_kernel(program: tuple[Node, ...], steps: list[int]) -> Trace:
    sim = Simulation()
    trace = Trace()
    handles: list[ScheduledEvent] = []
    ran: set[int] = set()

    def cancel(index: int) -> None:
        handles[index].cancel()
        if index not in ran:
            trace.cancelled_before_run.add(index)

    def schedule(node: Node) -> None:
        index = len(handles)
        handles.append(sim.schedule(node.delay, fire, node, index))
        if node.cancel_now:
            cancel(index)

    def fire(node: Node, index: int) -> None:
        trace.log.append((sim.now, index))
        ran.add(index)
        for child in node.children:
            schedule(child)
        for k in node.cancels:
            cancel(k % len(handles))

    for node in program:
        schedule(node)
    for until in steps:
        sim.run(until=max(until, sim.now))
        trace.run_ends.append((len(trace.log), sim.now))
    sim.run()
    trace.run_ends.append((len(trace.log), sim.now))
    trace.scheduled = len(handles)
    assert sim.events_processed == len(trace.log)
    return trace


def run_reference(program: tuple[Node, ...], steps: list[int]) -> Trace:
    """Run the same program on a naive simulator: obviously correct, O(n^2)."""
    trace = Trace()
    now = 0
    pending: list[tuple[int, int, Node]] = []  # (time, index, node)
    count = 0

    def schedule(node: Node) -> None:
        nonlocal count
        index = count
        count += 1
        pending.append((now + node.delay, index, node))
        if node.cancel_now:
            cancel(index)

    def cancel(index: int) -> None:
        for entry in pending:
            if entry[1] == index:
                pending.remove(entry)
                return

    def run(limit: int | None) -> None:
        nonlocal now
        while pending:
            entry = min(pending, key=lambda e: (e[0], e[1]))
            if limit is not None and entry[0] > limit:
                break
            pending.remove(entry)
            now, index, node = entry
            trace.log.append((now, index))
            for child in node.children:
                schedule(child)
            for k in node.cancels:
                cancel(k % count)
        if limit is not None:
            now = limit

    for node in program:
        schedule(node)
    for until in steps:
        run(max(until, now))
        trace.run_ends.append((len(trace.log), now))
    run(None)
    trace.run_ends.append((len(trace.log), now))
    trace.scheduled = count
    return trace


# ------------------------------------------------------------ properties


@settings(deadline=None, max_examples=200)
@given(programs, untils)
def test_kernel_matches_the_naive_reference(program: tuple[Node, ...], steps: list[int]) -> None:
    kernel, reference = run_kernel(program, steps), run_reference(program, steps)
    assert kernel.log == reference.log
    assert kernel.run_ends == reference.run_ends


@settings(deadline=None)
@given(programs, untils)
def test_callbacks_run_in_non_decreasing_time_order(
    program: tuple[Node, ...], steps: list[int]
) -> None:
    times = [t for t, _ in run_kernel(program, steps).log]
    assert times == sorted(times)


@settings(deadline=None)
@given(programs, untils)
def test_same_time_events_run_in_scheduling_order(
    program: tuple[Node, ...], steps: list[int]
) -> None:
    log = run_kernel(program, steps).log
    for (t1, i1), (t2, i2) in itertools.pairwise(log):
        if t1 == t2:
            assert i1 < i2


@settings(deadline=None)
@given(programs, untils)
def test_cancelled_events_never_run_and_all_others_run_exactly_once(
    program: tuple[Node, ...], steps: list[int]
) -> None:
    trace = run_kernel(program, steps)
    ran = [index for _, index in trace.log]
    assert len(ran) == len(set(ran))
    assert set(ran) == set(range(trace.scheduled)) - trace.cancelled_before_run


@settings(deadline=None)
@given(programs, untils)
def test_run_until_never_processes_an_event_past_until(
    program: tuple[Node, ...], steps: list[int]
) -> None:
    trace = run_kernel(program, steps)
    start, previous_now = 0, 0
    for (end, now), until in zip(trace.run_ends, steps, strict=False):
        assert now == max(until, previous_now)
        assert all(t <= now for t, _ in trace.log[start:end])
        start, previous_now = end, now


@settings(deadline=None)
@given(st.lists(st.lists(st.integers(0, 10**9), max_size=20), min_size=1, max_size=6))
def test_processes_wake_exactly_at_the_cumulative_sums_of_their_delays(
    delay_lists: list[list[int]],
) -> None:
    sim = Simulation()
    wakes: list[list[int]] = [[] for _ in delay_lists]
    order: list[int] = []

    def body(i: int, delays: list[int]) -> Generator[int, Any, int]:
        for delay in delays:
            yield delay
            wakes[i].append(sim.now)
            order.append(sim.now)
        return i

    processes = [sim.process(body(i, d)) for i, d in enumerate(delay_lists)]
    sim.run()
    for i, delays in enumerate(delay_lists):
        assert wakes[i] == list(accumulate(delays))
        assert processes[i].value == i
    assert order == sorted(order)
    # One start event per process, then one wake-up per yielded delay.
    assert sim.events_processed == len(delay_lists) + sum(map(len, delay_lists))
