"""The event kernel: ordering, FIFO ties, run(until), stop, cancellation, errors, isolation."""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

import pytest

import qfab.sim
from qfab.sim import ScheduledEvent, Simulation

# ----------------------------------------------------------------- ordering


def test_new_simulation_starts_at_zero_with_nothing_processed() -> None:
    sim = Simulation()
    assert sim.now == 0
    assert sim.events_processed == 0
    assert not sim.running


def test_start_sets_the_initial_clock() -> None:
    sim = Simulation(start=1_000)
    seen: list[int] = []
    sim.schedule(5, lambda: seen.append(sim.now))
    sim.run()
    assert seen == [1_005]


def test_events_run_in_time_order_whatever_the_scheduling_order() -> None:
    sim = Simulation()
    log: list[int] = []
    for delay in [30, 10, 50, 20, 40]:
        sim.schedule(delay, log.append, delay)
    sim.run()
    assert log == [10, 20, 30, 40, 50]


def test_now_is_the_event_time_inside_a_callback() -> None:
    sim = Simulation()
    seen: list[int] = []
    sim.schedule(7, lambda: seen.append(sim.now))
    sim.schedule(3, lambda: seen.append(sim.now))
    sim.run()
    assert seen == [3, 7]


def test_same_time_events_run_in_scheduling_order() -> None:
    sim = Simulation()
    log: list[str] = []
    for name in "abcdefgh":
        sim.schedule(100, log.append, name)
    sim.run()
    assert log == list("abcdefgh")


def test_zero_delay_from_a_callback_runs_after_events_already_due_now() -> None:
    sim = Simulation()
    log: list[str] = []

    def first() -> None:
        log.append("first")
        sim.schedule(0, log.append, "scheduled-by-first")

    sim.schedule(5, first)
    sim.schedule(5, log.append, "second")
    sim.run()
    assert log == ["first", "second", "scheduled-by-first"]


def test_schedule_passes_positional_arguments() -> None:
    sim = Simulation()
    got: list[tuple[int, str]] = []
    sim.schedule(1, lambda a, b: got.append((a, b)), 1, "x")
    sim.run()
    assert got == [(1, "x")]


def test_schedule_at_uses_absolute_time() -> None:
    sim = Simulation()
    seen: list[int] = []
    sim.schedule(10, lambda: sim.schedule_at(25, lambda: seen.append(sim.now)))
    sim.run()
    assert seen == [25]


def test_schedule_at_and_schedule_share_the_fifo_order() -> None:
    sim = Simulation()
    log: list[str] = []
    sim.schedule_at(5, log.append, "a")
    sim.schedule(5, log.append, "b")
    sim.schedule_at(5, log.append, "c")
    sim.run()
    assert log == ["a", "b", "c"]


def test_scheduled_event_reports_its_time() -> None:
    sim = Simulation()
    sim.schedule(10, lambda: None)
    sim.run()
    event = sim.schedule(5, lambda: None)
    assert isinstance(event, ScheduledEvent)
    assert event.time == 15


def test_times_are_exact_integers_far_beyond_float_precision() -> None:
    sim = Simulation()
    big = 2**70  # not representable as a float to the picosecond
    seen: list[int] = []
    sim.schedule(big, lambda: sim.schedule(1, lambda: seen.append(sim.now)))
    sim.run()
    assert seen == [big + 1]
    assert type(sim.now) is int


# --------------------------------------------------------- argument checks


@pytest.mark.parametrize("bad", [1.0, 1e3, "5", None, True])
def test_schedule_rejects_non_integer_delay(bad: object) -> None:
    sim = Simulation()
    with pytest.raises(TypeError, match="delay"):
        sim.schedule(bad, lambda: None)  # type: ignore[arg-type]


def test_schedule_rejects_negative_delay() -> None:
    sim = Simulation()
    with pytest.raises(ValueError, match=">= 0"):
        sim.schedule(-1, lambda: None)


def test_schedule_accepts_integer_like_delays() -> None:
    np = pytest.importorskip("numpy")
    sim = Simulation()
    event = sim.schedule(np.int64(12), lambda: None)
    assert event.time == 12
    assert type(event.time) is int


def test_schedule_at_rejects_the_past() -> None:
    sim = Simulation()
    sim.schedule(10, lambda: None)
    sim.run()
    with pytest.raises(ValueError, match="before now"):
        sim.schedule_at(9, lambda: None)


def test_schedule_at_rejects_float_time() -> None:
    sim = Simulation()
    with pytest.raises(TypeError, match="time"):
        sim.schedule_at(1.5, lambda: None)  # type: ignore[arg-type]


def test_negative_start_is_rejected() -> None:
    with pytest.raises(ValueError, match="start"):
        Simulation(start=-1)


# ------------------------------------------------------------ run(until)


def test_run_until_processes_events_at_exactly_until() -> None:
    sim = Simulation()
    log: list[int] = []
    for t in [5, 10, 15]:
        sim.schedule(t, log.append, t)
    sim.run(until=10)
    assert log == [5, 10]


def test_run_until_processes_events_scheduled_for_until_from_a_callback_at_until() -> None:
    sim = Simulation()
    log: list[str] = []
    sim.schedule(10, lambda: sim.schedule(0, log.append, "late"))
    sim.run(until=10)
    assert log == ["late"]


def test_run_until_leaves_later_events_pending_and_sets_now_to_until() -> None:
    sim = Simulation()
    log: list[int] = []
    sim.schedule(5, log.append, 5)
    sim.schedule(20, log.append, 20)
    sim.run(until=12)
    assert log == [5]
    assert sim.now == 12
    sim.run()
    assert log == [5, 20]
    assert sim.now == 20


def test_run_until_advances_the_clock_without_events() -> None:
    sim = Simulation()
    sim.run(until=1_000)
    assert sim.now == 1_000
    assert sim.events_processed == 0


def test_run_until_in_steps_matches_one_run() -> None:
    def trace(steps: list[int]) -> list[tuple[int, int]]:
        sim = Simulation()
        log: list[tuple[int, int]] = []

        def tick(i: int) -> None:
            log.append((sim.now, i))
            if i < 20:
                sim.schedule(3 + i % 4, tick, i + 1)

        sim.schedule(0, tick, 0)
        for until in steps:
            sim.run(until=until)
        sim.run()
        return log

    assert trace([7, 7, 8, 30, 31, 50]) == trace([])


def test_run_until_before_now_is_rejected() -> None:
    sim = Simulation()
    sim.run(until=10)
    with pytest.raises(ValueError, match="before now"):
        sim.run(until=9)


def test_run_until_rejects_float() -> None:
    sim = Simulation()
    with pytest.raises(TypeError, match="until"):
        sim.run(until=1.0)  # type: ignore[arg-type]


def test_run_without_until_leaves_now_at_the_last_event() -> None:
    sim = Simulation()
    sim.schedule(42, lambda: None)
    sim.run()
    assert sim.now == 42


def test_cancelled_event_does_not_move_the_clock() -> None:
    sim = Simulation()
    sim.schedule(5, lambda: None)
    sim.schedule(99, lambda: None).cancel()
    sim.run()
    assert sim.now == 5


# ------------------------------------------------------------------- stop


def test_stop_ends_the_run_after_the_current_callback() -> None:
    sim = Simulation()
    log: list[str] = []

    def stopper() -> None:
        sim.stop()
        log.append("stopper finished")

    sim.schedule(5, stopper)
    sim.schedule(5, log.append, "same time, later")
    sim.schedule(6, log.append, "later")
    sim.run()
    assert log == ["stopper finished"]
    assert sim.now == 5


def test_run_after_stop_continues_with_pending_events() -> None:
    sim = Simulation()
    log: list[str] = []
    sim.schedule(5, sim.stop)
    sim.schedule(5, log.append, "a")
    sim.schedule(6, log.append, "b")
    sim.run()
    sim.run()
    assert log == ["a", "b"]


def test_stop_before_until_leaves_now_at_the_stop_time() -> None:
    sim = Simulation()
    sim.schedule(5, sim.stop)
    sim.run(until=100)
    assert sim.now == 5
    sim.run(until=100)
    assert sim.now == 100


def test_stop_twice_in_one_callback_stops_once() -> None:
    sim = Simulation()
    log: list[str] = []

    def stopper() -> None:
        sim.stop()
        sim.stop()

    sim.schedule(1, stopper)
    sim.schedule(2, log.append, "b")
    sim.run()
    sim.run()
    assert log == ["b"]


def test_stop_outside_a_run_is_an_error() -> None:
    with pytest.raises(RuntimeError, match="not running"):
        Simulation().stop()


def test_stop_does_not_count_as_an_event() -> None:
    sim = Simulation()
    sim.schedule(1, sim.stop)
    sim.schedule(2, lambda: None)
    sim.run(until=10)
    assert sim.events_processed == 1
    sim.run(until=10)
    assert sim.events_processed == 2


# ----------------------------------------------------------- cancellation


def test_cancelled_event_never_runs() -> None:
    sim = Simulation()
    log: list[str] = []
    event = sim.schedule(5, log.append, "cancelled")
    sim.schedule(6, log.append, "kept")
    event.cancel()
    sim.run()
    assert log == ["kept"]
    assert event.cancelled


def test_event_can_be_cancelled_by_an_earlier_callback_at_the_same_time() -> None:
    sim = Simulation()
    log: list[str] = []
    victims: list[ScheduledEvent] = []
    sim.schedule(5, lambda: victims[0].cancel())  # runs first: FIFO among time-5 events
    victims.append(sim.schedule(5, log.append, "victim"))
    sim.schedule(5, log.append, "other")
    sim.run()
    assert log == ["other"]


def test_cancel_is_idempotent() -> None:
    sim = Simulation()
    event = sim.schedule(5, lambda: None)
    event.cancel()
    event.cancel()
    sim.run()
    assert event.cancelled
    assert sim.events_processed == 0


def test_cancel_leaves_the_event_in_the_heap_until_it_is_reached() -> None:
    sim = Simulation()
    events = [sim.schedule(i, lambda: None) for i in range(100)]
    heap_before = list(sim._heap)
    events[50].cancel()
    # Lazy: no entry is removed or reordered by cancel().
    assert sim._heap == heap_before


def test_new_event_is_not_cancelled() -> None:
    assert not Simulation().schedule(1, lambda: None).cancelled


# ------------------------------------------------------- events_processed


def test_events_processed_counts_callbacks_run_and_excludes_cancelled() -> None:
    sim = Simulation()
    for i in range(10):
        event = sim.schedule(i, lambda: None)
        if i % 3 == 0:
            event.cancel()
    sim.run()
    assert sim.events_processed == 6


def test_events_processed_includes_the_running_callback() -> None:
    sim = Simulation()
    seen: list[int] = []
    for _ in range(3):
        sim.schedule(1, lambda: seen.append(sim.events_processed))
    sim.run()
    assert seen == [1, 2, 3]


def test_events_processed_excludes_pending_events() -> None:
    sim = Simulation()
    sim.schedule(5, lambda: None)
    sim.schedule(50, lambda: None)
    sim.run(until=10)
    assert sim.events_processed == 1


def test_events_processed_accumulates_over_runs() -> None:
    sim = Simulation()
    for t in range(1, 6):
        sim.schedule(t * 10, lambda: None)
    for until in (15, 35, 100):
        sim.run(until=until)
    assert sim.events_processed == 5


# ----------------------------------------------------------------- errors


def test_exception_in_a_callback_propagates_out_of_run() -> None:
    sim = Simulation()

    def fail() -> None:
        raise KeyError("boom")

    sim.schedule(3, fail)
    with pytest.raises(KeyError, match="boom"):
        sim.run()
    assert sim.now == 3


def test_failed_event_counts_as_processed_and_the_run_can_resume() -> None:
    sim = Simulation()
    log: list[str] = []

    def fail() -> None:
        raise ValueError("bad")

    sim.schedule(1, fail)
    sim.schedule(2, log.append, "after")
    with pytest.raises(ValueError, match="bad"):
        sim.run()
    assert not sim.running
    assert sim.events_processed == 1
    sim.run()
    assert log == ["after"]


def test_failure_after_stop_does_not_stop_the_next_run() -> None:
    sim = Simulation()
    log: list[str] = []

    def stop_then_fail() -> None:
        sim.stop()
        raise ValueError("bad")

    sim.schedule(1, stop_then_fail)
    sim.schedule(2, log.append, "b")
    sim.schedule(3, log.append, "c")
    with pytest.raises(ValueError, match="bad"):
        sim.run()
    sim.run()
    assert log == ["b", "c"]


def test_failure_during_run_until_does_not_stop_a_later_run_at_the_old_until() -> None:
    sim = Simulation()
    log: list[int] = []

    def fail() -> None:
        raise ValueError("bad")

    sim.schedule(1, fail)
    sim.schedule(10, log.append, 10)
    sim.schedule(20, log.append, 20)
    with pytest.raises(ValueError, match="bad"):
        sim.run(until=10)
    sim.run()
    assert log == [10, 20]
    assert sim.now == 20


def test_run_is_not_reentrant() -> None:
    sim = Simulation()
    errors: list[BaseException] = []

    def nested() -> None:
        try:
            sim.run()
        except RuntimeError as error:
            errors.append(error)

    sim.schedule(1, nested)
    sim.run()
    assert len(errors) == 1
    assert "re-entrant" in str(errors[0])


def test_running_is_true_only_inside_run() -> None:
    sim = Simulation()
    seen: list[bool] = []
    sim.schedule(1, lambda: seen.append(sim.running))
    sim.run()
    assert seen == [True]
    assert not sim.running


# -------------------------------------------------------------- isolation


def test_two_simulations_run_interleaved_without_interference() -> None:
    a, b = Simulation(), Simulation()
    log_a: list[tuple[int, str]] = []
    log_b: list[tuple[int, str]] = []

    def chain(sim: Simulation, log: list[tuple[int, str]], name: str, step: int, left: int) -> None:
        log.append((sim.now, name))
        if left:
            sim.schedule(step, chain, sim, log, name, step, left - 1)

    a.schedule(0, chain, a, log_a, "a", 3, 5)
    b.schedule(0, chain, b, log_b, "b", 7, 5)
    for until in range(0, 40, 2):
        a.run(until=until)
        b.run(until=until + 1)
    a.run()
    b.run()
    assert log_a == [(3 * i, "a") for i in range(6)]
    assert log_b == [(7 * i, "b") for i in range(6)]
    assert (a.events_processed, b.events_processed) == (6, 6)


def test_a_callback_of_one_simulation_may_run_another() -> None:
    outer, inner = Simulation(), Simulation()
    inner.schedule(4, lambda: None)
    outer.schedule(1, inner.run)
    outer.run()
    assert (outer.now, inner.now) == (1, 4)


# ----------------------------------------------------------- architecture


def test_sim_package_imports_only_the_standard_library_and_itself() -> None:
    package_dir = Path(inspect.getfile(qfab.sim)).parent
    allowed_stdlib = {
        "__future__", "collections", "heapq", "itertools", "math", "operator", "typing",
    }
    for path in package_dir.glob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                if name.startswith("qfab"):
                    assert name.startswith("qfab.sim"), f"{path.name} imports {name}"
                else:
                    assert name.split(".")[0] in allowed_stdlib, f"{path.name} imports {name}"


def test_sim_package_has_no_mutable_module_state() -> None:
    # State lives on Simulation objects; module attributes are classes,
    # functions, constants and private sentinels only.
    for module_name in ("qfab.sim.kernel", "qfab.sim.process", "qfab.sim.time"):
        module = __import__(module_name, fromlist=["_"])
        for name, value in vars(module).items():
            if not name.startswith("__"):
                assert not isinstance(value, (list, dict, set)), (module_name, name)
