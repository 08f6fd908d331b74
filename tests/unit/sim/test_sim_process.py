"""Signals and generator processes: delays, waiting, any_of, cancel, interrupt, errors."""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

import pytest

from qfab.sim import Interrupt, Process, Signal, Simulation, any_of

Body = Generator[Any, Any, Any]

# ----------------------------------------------------------------- signals


def test_new_signal_is_pending_and_has_no_value() -> None:
    signal = Simulation().signal()
    assert isinstance(signal, Signal)
    assert not signal.triggered
    with pytest.raises(RuntimeError, match="not succeeded"):
        _ = signal.value


def test_succeed_sets_triggered_and_value() -> None:
    signal = Simulation().signal()
    signal.succeed(42)
    assert signal.triggered
    assert signal.value == 42


def test_succeed_default_value_is_none() -> None:
    signal = Simulation().signal()
    signal.succeed()
    assert signal.triggered
    assert signal.value is None


def test_succeeding_twice_is_an_error() -> None:
    signal = Simulation().signal()
    signal.succeed(1)
    with pytest.raises(RuntimeError, match="already succeeded"):
        signal.succeed(2)
    assert signal.value == 1


def test_waiters_resume_at_the_succeed_time_in_fifo_order() -> None:
    sim = Simulation()
    signal = sim.signal()
    log: list[tuple[str, int, Any]] = []

    def waiter(name: str) -> Body:
        value = yield signal
        log.append((name, sim.now, value))

    for name in "abc":
        sim.process(waiter(name))
    sim.schedule(50, signal.succeed, "go")
    sim.run()
    assert log == [("a", 50, "go"), ("b", 50, "go"), ("c", 50, "go")]


def test_waiters_resume_after_the_succeeding_callback_not_inside_it() -> None:
    sim = Simulation()
    signal = sim.signal()
    log: list[str] = []

    def waiter() -> Body:
        yield signal
        log.append("waiter")

    def trigger() -> None:
        signal.succeed()
        log.append("trigger done")

    sim.process(waiter())
    sim.schedule(1, trigger)
    sim.run()
    assert log == ["trigger done", "waiter"]


def test_waiting_on_an_already_succeeded_signal_resumes_now_with_its_value() -> None:
    sim = Simulation()
    signal = sim.signal()
    signal.succeed("early")
    got: list[tuple[int, Any]] = []

    def late() -> Body:
        yield 10
        value = yield signal
        got.append((sim.now, value))

    sim.process(late())
    sim.run()
    assert got == [(10, "early")]


def test_waiting_on_an_already_succeeded_signal_goes_through_the_event_queue() -> None:
    sim = Simulation()
    signal = sim.signal()
    signal.succeed()
    log: list[str] = []

    def body() -> Body:
        yield signal
        log.append("process")

    sim.process(body())
    sim.schedule(0, log.append, "due before the wake-up")
    sim.run()
    assert log == ["due before the wake-up", "process"]


def test_signal_succeeding_with_no_waiters_schedules_nothing() -> None:
    sim = Simulation()
    sim.signal().succeed()
    sim.run()
    assert sim.events_processed == 0


def test_timeout_signal_succeeds_after_its_delay_with_its_value() -> None:
    sim = Simulation()
    got: list[tuple[int, Any]] = []

    def body() -> Body:
        value = yield sim.timeout(30, "tick")
        got.append((sim.now, value))

    sim.process(body())
    sim.run()
    assert got == [(30, "tick")]


# --------------------------------------------------------------- processes


def test_process_wakes_at_cumulative_delays() -> None:
    sim = Simulation()
    times: list[int] = []

    def body() -> Body:
        for delay in (5, 0, 10, 3):
            yield delay
            times.append(sim.now)

    sim.process(body())
    sim.run()
    assert times == [5, 5, 15, 18]


def test_process_starts_at_the_current_time_after_events_already_due() -> None:
    sim = Simulation()
    log: list[tuple[str, int]] = []

    def body() -> Body:
        log.append(("process", sim.now))
        yield 0

    def spawn() -> None:
        sim.process(body())
        log.append(("spawner", sim.now))

    sim.schedule(7, spawn)
    sim.schedule(7, lambda: log.append(("other", sim.now)))
    sim.run()
    assert log == [("spawner", 7), ("other", 7), ("process", 7)]


def test_yield_of_a_delay_evaluates_to_none() -> None:
    sim = Simulation()
    got: list[Any] = []

    def body() -> Body:
        got.append((yield 4))

    sim.process(body())
    sim.run()
    assert got == [None]


def test_process_succeeds_with_the_generator_return_value() -> None:
    sim = Simulation()

    def body() -> Generator[int, None, str]:
        yield 3
        return "result"

    process = sim.process(body())
    assert isinstance(process, Process)
    assert process.is_alive
    sim.run()
    assert not process.is_alive
    assert process.triggered
    assert process.value == "result"


def test_process_can_wait_for_another_process_and_gets_its_return_value() -> None:
    sim = Simulation()
    got: list[tuple[int, Any]] = []

    def child() -> Body:
        yield 25
        return "child result"

    def parent() -> Body:
        result = yield sim.process(child())
        got.append((sim.now, result))

    sim.process(parent())
    sim.run()
    assert got == [(25, "child result")]


def test_waiting_on_a_finished_process_resumes_immediately() -> None:
    sim = Simulation()
    got: list[tuple[int, Any]] = []

    def quick() -> Body:
        return 7
        yield  # pragma: no cover  (makes this a generator)

    done = sim.process(quick())

    def later() -> Body:
        yield 100
        value = yield done
        got.append((sim.now, value))

    sim.process(later())
    sim.run()
    assert got == [(100, 7)]


def test_process_default_name_is_the_generator_name_and_can_be_set() -> None:
    sim = Simulation()

    def heralding() -> Body:
        yield 1

    assert sim.process(heralding()).name.endswith("heralding")
    assert sim.process(heralding(), name="link[0]").name == "link[0]"


def test_process_requires_a_generator() -> None:
    sim = Simulation()

    def body() -> Body:
        yield 1

    with pytest.raises(TypeError, match="generator"):
        sim.process(body)  # type: ignore[arg-type]


def test_process_accepts_integer_like_delays() -> None:
    np = pytest.importorskip("numpy")
    sim = Simulation()
    times: list[int] = []

    def body() -> Body:
        yield np.int64(9)
        times.append(sim.now)

    sim.process(body())
    sim.run()
    assert times == [9]
    assert type(times[0]) is int


# ----------------------------------------------------------- invalid yields


@pytest.mark.parametrize("bad", [1.5, "10", None, True, [1]])
def test_yielding_an_invalid_value_raises_type_error_naming_the_process(bad: object) -> None:
    sim = Simulation()

    def body() -> Body:
        yield bad

    sim.process(body(), name="alice.link")
    with pytest.raises(TypeError, match=r"alice\.link"):
        sim.run()


def test_yielding_a_negative_delay_raises_value_error_naming_the_process() -> None:
    sim = Simulation()

    def body() -> Body:
        yield -1

    sim.process(body(), name="bob")
    with pytest.raises(ValueError, match="bob.*negative"):
        sim.run()


def test_invalid_yield_error_is_raised_at_the_yield_and_can_be_caught() -> None:
    sim = Simulation()
    caught: list[str] = []

    def body() -> Body:
        try:
            yield 2.5
        except TypeError:
            caught.append("caught")
        yield 4

    process = sim.process(body())
    sim.run()
    assert caught == ["caught"]
    assert sim.now == 4
    assert process.triggered


def test_yielding_a_signal_of_another_simulation_is_an_error() -> None:
    sim, other = Simulation(), Simulation()
    foreign = other.signal()

    def body() -> Body:
        yield foreign

    sim.process(body())
    with pytest.raises(ValueError, match="another simulation"):
        sim.run()


def test_process_yielding_itself_is_an_error() -> None:
    sim = Simulation()
    holder: list[Process[Any]] = []

    def body() -> Body:
        yield holder[0]

    holder.append(sim.process(body()))
    with pytest.raises(RuntimeError, match="itself"):
        sim.run()


# ------------------------------------------------------------------ errors


def test_exception_in_a_process_propagates_out_of_run_and_the_process_dies() -> None:
    sim = Simulation()

    def body() -> Body:
        yield 5
        raise KeyError("lost photon")

    process = sim.process(body())
    with pytest.raises(KeyError, match="lost photon"):
        sim.run()
    assert sim.now == 5
    assert not process.is_alive
    assert not process.triggered


# ------------------------------------------------------------------ any_of


def test_any_of_succeeds_with_the_first_signal_to_succeed() -> None:
    sim = Simulation()
    a, b = sim.signal(), sim.signal()
    got: list[tuple[int, Any]] = []

    def body() -> Body:
        fired = yield sim.any_of(a, b)
        got.append((sim.now, fired))

    sim.process(body())
    sim.schedule(20, a.succeed, "a")
    sim.schedule(10, b.succeed, "b")
    sim.run()
    assert got == [(10, b)]
    assert got[0][1].value == "b"


def test_any_of_same_time_successes_pick_the_first_succeeded() -> None:
    sim = Simulation()
    a, b = sim.signal(), sim.signal()
    result = sim.any_of(a, b)
    sim.schedule(10, b.succeed)
    sim.schedule(10, a.succeed)
    sim.run()
    assert result.value is b


def test_any_of_with_an_already_succeeded_signal_succeeds_at_once() -> None:
    sim = Simulation()
    a, b = sim.signal(), sim.signal()
    b.succeed()
    a.succeed()
    result = sim.any_of(a, b)
    assert result.triggered
    assert result.value is a


def test_any_of_with_a_timeout_bounds_a_wait() -> None:
    sim = Simulation()
    herald = sim.signal()
    outcomes: list[tuple[int, str]] = []

    def body() -> Body:
        fired = yield sim.any_of(herald, sim.timeout(100))
        outcomes.append((sim.now, "herald" if fired is herald else "cutoff"))

    sim.process(body())
    sim.run()
    assert outcomes == [(100, "cutoff")]


def test_any_of_later_successes_do_not_fire_it_again() -> None:
    sim = Simulation()
    a, b = sim.signal(), sim.signal()
    result = sim.any_of(a, b)
    sim.schedule(1, a.succeed)
    sim.schedule(2, b.succeed)
    sim.run()
    assert result.value is a


def test_any_of_accepts_processes() -> None:
    sim = Simulation()

    def sleeper(delay: int) -> Body:
        yield delay
        return delay

    slow, fast = sim.process(sleeper(30)), sim.process(sleeper(20))
    result = sim.any_of(slow, fast)
    sim.run()
    assert result.value is fast
    assert fast.value == 20


def test_any_of_stops_waiting_on_the_other_signals_once_it_fires() -> None:
    # A long-lived signal raced against many short waits must not collect
    # one stale waiter per wait.
    sim = Simulation()
    shutdown = sim.signal()

    def body() -> Body:
        for _ in range(50):
            yield sim.any_of(shutdown, sim.timeout(1))

    sim.process(body())
    sim.run()
    assert shutdown._callbacks == []


def test_any_of_requires_a_signal() -> None:
    with pytest.raises(ValueError, match="at least one"):
        Simulation().any_of()


def test_any_of_rejects_signals_of_another_simulation() -> None:
    sim, other = Simulation(), Simulation()
    with pytest.raises(ValueError, match="another simulation"):
        sim.any_of(sim.signal(), other.signal())


def test_any_of_rejects_non_signals() -> None:
    sim = Simulation()
    with pytest.raises(TypeError, match="signals"):
        any_of(sim, 5)  # type: ignore[arg-type]


# ------------------------------------------------------------------ cancel


def test_cancelled_sleeping_process_never_resumes() -> None:
    sim = Simulation()
    log: list[int] = []

    def body() -> Body:
        yield 10
        log.append(sim.now)

    process = sim.process(body())
    sim.schedule(5, process.cancel)
    sim.run()
    assert log == []
    assert process.cancelled
    assert not process.is_alive
    assert not process.triggered


def test_cancelled_process_wake_up_is_not_counted_as_an_event() -> None:
    sim = Simulation()

    def body() -> Body:
        yield 10

    process = sim.process(body())
    sim.run(until=5)  # the start event has run
    process.cancel()
    sim.run()
    assert sim.events_processed == 1
    assert sim.now == 5


def test_cancelled_waiting_process_is_detached_from_its_signal() -> None:
    sim = Simulation()
    signal = sim.signal()
    log: list[str] = []

    def waiter(name: str) -> Body:
        yield signal
        log.append(name)

    victim = sim.process(waiter("victim"))
    sim.process(waiter("other"))
    sim.schedule(5, victim.cancel)
    sim.schedule(10, signal.succeed)
    sim.run()
    assert log == ["other"]
    assert victim._target is None


def test_cancel_before_the_process_starts_means_it_never_runs() -> None:
    sim = Simulation()
    log: list[str] = []

    def body() -> Body:
        log.append("started")
        yield 1

    sim.process(body()).cancel()
    sim.run()
    assert log == []


def test_cancel_runs_the_generator_finally_blocks() -> None:
    sim = Simulation()
    log: list[str] = []

    def body() -> Body:
        try:
            yield 100
        finally:
            log.append(f"released at {sim.now}")

    generator = body()  # held here, so only cancel() can close it
    process = sim.process(generator)
    sim.schedule(40, process.cancel)
    sim.run()
    assert log == ["released at 40"]


def test_cancel_after_the_signal_succeeded_but_before_the_wake_up_prevents_it() -> None:
    sim = Simulation()
    signal = sim.signal()
    log: list[str] = []

    def waiter() -> Body:
        yield signal
        log.append("resumed")

    process = sim.process(waiter())

    def succeed_then_cancel() -> None:
        signal.succeed()
        process.cancel()

    sim.schedule(5, succeed_then_cancel)
    sim.run()
    assert log == []


def test_cancel_of_a_finished_process_is_a_no_op() -> None:
    sim = Simulation()

    def body() -> Body:
        yield 1
        return "ok"

    process = sim.process(body())
    sim.run()
    process.cancel()
    assert not process.cancelled
    assert process.value == "ok"


def test_process_cannot_cancel_itself() -> None:
    sim = Simulation()
    holder: list[Process[Any]] = []

    def body() -> Body:
        yield 1
        holder[0].cancel()

    holder.append(sim.process(body()))
    with pytest.raises(RuntimeError, match="itself"):
        sim.run()


def test_waiters_of_a_cancelled_process_are_not_woken() -> None:
    sim = Simulation()
    log: list[str] = []

    def child() -> Body:
        yield 10

    def parent(target: Process[Any]) -> Body:
        yield target
        log.append("parent resumed")

    target = sim.process(child())
    sim.process(parent(target))
    sim.schedule(5, target.cancel)
    sim.run()
    assert log == []


# --------------------------------------------------------------- interrupt


def test_interrupt_throws_into_a_sleeping_process_at_the_current_time() -> None:
    sim = Simulation()
    log: list[tuple[int, object]] = []

    def body() -> Body:
        try:
            yield 100
        except Interrupt as interrupt:
            log.append((sim.now, interrupt.cause))
        yield 5
        log.append((sim.now, "done"))

    process = sim.process(body())
    sim.schedule(30, process.interrupt, "cutoff")
    sim.run()
    assert log == [(30, "cutoff"), (35, "done")]
    assert process.triggered


def test_interrupt_cancels_the_pending_wake_up() -> None:
    sim = Simulation()
    never = sim.signal()
    wakes: list[int] = []

    def body() -> Body:
        try:
            yield 100
        except Interrupt:
            pass
        yield never
        wakes.append(sim.now)

    process = sim.process(body())
    sim.schedule(30, process.interrupt)
    sim.run()
    assert wakes == []
    assert sim.now == 30  # the wake-up due at 100 was cancelled


def test_interrupt_detaches_a_waiting_process_from_its_signal() -> None:
    sim = Simulation()
    signal = sim.signal()
    log: list[str] = []

    def body() -> Body:
        try:
            yield signal
        except Interrupt:
            log.append("interrupted")
        yield 50
        log.append("slept")

    process = sim.process(body())
    sim.schedule(10, process.interrupt)
    sim.schedule(20, signal.succeed)
    sim.run()
    assert log == ["interrupted", "slept"]
    assert sim.now == 60


def test_interrupt_ignores_a_wake_up_already_scheduled_for_the_old_signal() -> None:
    sim = Simulation()
    done = sim.signal()
    done.succeed("stale")
    log: list[tuple[int, object]] = []
    holder: list[Process[Any]] = []
    # Runs at t=5 before the process's own wake-up, so the interrupt is
    # delivered after the process yields `done` but before it resumes from it.
    sim.schedule(5, lambda: holder[0].interrupt())

    def body() -> Body:
        yield 5
        try:
            value = yield done
            log.append((sim.now, value))
        except Interrupt:
            log.append((sim.now, "interrupted"))
        yield 100
        log.append((sim.now, "slept"))

    holder.append(sim.process(body()))
    sim.run()
    assert log == [(5, "interrupted"), (105, "slept")]


def test_uncaught_interrupt_propagates_out_of_run() -> None:
    sim = Simulation()

    def body() -> Body:
        yield 100

    process = sim.process(body())
    sim.schedule(10, process.interrupt, "stop")
    with pytest.raises(Interrupt):
        sim.run()
    assert not process.is_alive


def test_interrupting_a_dead_process_is_an_error() -> None:
    sim = Simulation()

    def body() -> Body:
        yield 1

    process = sim.process(body())
    sim.run()
    with pytest.raises(RuntimeError, match="not alive"):
        process.interrupt()


def test_interrupt_pending_when_the_process_finishes_is_dropped() -> None:
    sim = Simulation()

    def body() -> Body:
        yield 10
        return "finished"

    process = sim.process(body())

    def finish_then_interrupt() -> None:
        process.interrupt("too late")

    # Scheduled for time 10 after the wake-up, so the process has finished
    # by the time the interrupt is delivered.
    sim.schedule(10, finish_then_interrupt)
    sim.run()
    assert process.value == "finished"


# -------------------------------------------------------------- isolation


def test_processes_of_two_simulations_do_not_interfere() -> None:
    a, b = Simulation(), Simulation()
    log: list[tuple[str, int]] = []

    def ticker(sim: Simulation, name: str, step: int) -> Body:
        for _ in range(4):
            yield step
            log.append((name, sim.now))

    a.process(ticker(a, "a", 3))
    b.process(ticker(b, "b", 5))
    for until in range(0, 25, 4):
        b.run(until=until)
        a.run(until=until)
    assert [t for name, t in log if name == "a"] == [3, 6, 9, 12]
    assert [t for name, t in log if name == "b"] == [5, 10, 15, 20]
