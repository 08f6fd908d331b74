"""run(until, stop_when_idle=True): a run that runs out of events keeps the time of its last
one, and ``idle`` tells that nothing is pending."""

from __future__ import annotations

from qfab.sim import Simulation


def test_a_dry_queue_leaves_the_clock_at_the_last_event() -> None:
    sim = Simulation()
    sim.schedule(1_000, lambda: None)
    sim.schedule(3_000, lambda: None)
    sim.run(until=1_000_000, stop_when_idle=True)
    assert sim.now == 3_000 and sim.idle and sim.events_processed == 2


def test_without_the_flag_the_clock_goes_to_until() -> None:
    sim = Simulation()
    sim.schedule(3_000, lambda: None)
    sim.run(until=1_000_000)
    assert sim.now == 1_000_000 and sim.idle


def test_pending_events_keep_the_run_going_to_until() -> None:
    sim = Simulation()
    sim.schedule(3_000, lambda: None)
    late = sim.schedule(2_000_000, lambda: None)
    sim.run(until=1_000_000, stop_when_idle=True)
    assert sim.now == 1_000_000 and not sim.idle
    late.cancel()  # a cancelled event does not count as pending
    assert sim.idle


def test_a_callback_scheduling_more_work_is_not_idle() -> None:
    sim = Simulation()
    times: list[int] = []

    def tick() -> None:
        times.append(sim.now)
        if len(times) < 5:
            sim.schedule(10, tick)

    sim.schedule(0, tick)
    sim.run(until=35, stop_when_idle=True)
    assert times == [0, 10, 20, 30] and sim.now == 35 and not sim.idle
    sim.run(until=1_000, stop_when_idle=True)
    assert times[-1] == 40 and sim.now == 40 and sim.idle
    # a later run goes on from there, and events still count once
    sim.schedule(5, tick)
    sim.run(until=100)
    assert sim.now == 100 and sim.events_processed == 6


def test_stop_still_ends_an_idle_aware_run() -> None:
    sim = Simulation()
    sim.schedule(10, sim.stop)
    sim.schedule(20, lambda: None)
    sim.run(until=1_000, stop_when_idle=True)
    assert sim.now == 10 and not sim.idle
