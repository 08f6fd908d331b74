"""The requests table: the rate's 95 % interval where an engine has one, deadlines, stalls."""

from __future__ import annotations

from qfab import run
from qfab.engines.result import RequestResult, RunResult, StallResult
from qfab.loading import parse_scenario
from qfab.report.table import format_result
from tests.scenarios import two_node


def _result(**request: object) -> RunResult:
    return RunResult(
        scenario="demo", engine="fast", seed=0, sim_time_s=2.0, wall_time_s=0.01, events=None,
        requests=[RequestResult(("a", "b"), 10, 10, 50.0, 0.93, (0.92, 0.94), 0.02,
                                **request)])  # type: ignore[arg-type]


def test_the_rate_interval_shows_where_the_engine_has_one() -> None:
    text = format_result(_result(rate_ci95=(48.0, 52.0)))
    assert "rate 95% CI" in text and "[48, 52]" in text
    assert "rate 95% CI" not in format_result(_result())


def test_a_fast_run_shows_its_rate_interval() -> None:
    result = run(parse_scenario(two_node({"kind": "depolarizing", "fidelity": 0.95,
                                          "success_probability": 0.1, "cycle_time": "1 ms"},
                                         pairs=20)), engine="fast")
    low, high = result.requests[0].rate_ci95 or (0.0, 0.0)
    assert low < (result.requests[0].rate_hz or 0.0) < high
    assert f"[{low:.4g}, {high:.4g}]" in format_result(result)


def test_deadlines_read_met_or_missed() -> None:
    assert "MISSED" in format_result(_result(deadline_met=False))
    text = format_result(_result(deadline_met=True))
    assert "deadline" in text and text.splitlines()[-1].split()[-1] == "met"
    assert "deadline" not in format_result(_result())


def test_a_stalled_run_says_so_last() -> None:
    stalled = RunResult(
        scenario="demo", engine="des", seed=0, sim_time_s=0.001, wall_time_s=0.01, events=9,
        requests=_result().requests,
        stalled=StallResult(time_s=0.001, reason="requests[0] waits for a qubit at b held "
                            "by requests[1]",
                            waits=["requests[0] waits for a qubit at b held by requests[1]"]))
    lines = format_result(stalled).splitlines()
    assert lines[-2].startswith("STALLED at 0.001 s simulated")
    assert lines[-1] == "  requests[0] waits for a qubit at b held by requests[1]"
    assert "STALLED" not in format_result(_result())
