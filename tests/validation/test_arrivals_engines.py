"""Arrival processes through the engines: the same requests and the same result schema for
all three, agreement where they are comparable, and a clear refusal where they are not.

A request for ``N`` pairs on its own link with success probability ``p`` per attempt of
period ``tau`` completes after a negative-binomial number of attempts: mean ``N tau / p``,
standard deviation ``tau sqrt(N (1 - p)) / p``; its rate ``N / T_N`` has relative standard
error ``sqrt((1 - p) / N)``. Tolerances are five of those.
"""

from __future__ import annotations

import math
from typing import Any

import pytest

from qfab.engines import run, supports
from qfab.engines.result import RunResult
from qfab.errors import EngineError
from qfab.loading import load_scenario, parse_scenario
from qfab.report.table import format_result
from tests.conftest import EXAMPLES

P, CYCLE, PAIRS = 0.2, 1e-3, 400


def disjoint_links() -> dict[str, Any]:
    """Three separate links, each given one request by a periodic process whose window
    holds exactly one arrival (at 1, 2 and 3 s)."""
    nodes = {name: {} for name in ("a", "b", "c", "d", "e", "f")}
    link = {"kind": "depolarizing", "fidelity": 0.9, "success_probability": P,
            "cycle_time": CYCLE}
    return {"qfab": 1, "seed": 4, "duration": "30 s", "nodes": nodes,
            "links": [{**link, "between": list(pair)} for pair in ("ab", "cd", "ef")],
            "arrivals": [{"process": "periodic", "rate": "0.5 Hz", "between": list(pair),
                          "pairs": PAIRS, "start": f"{start} s", "stop": f"{start + 1} s"}
                         for start, pair in ((1, "ab"), (2, "cd"), (3, "ef"))]}


def _keys(result: RunResult) -> tuple[Any, ...]:
    document = result.to_dict()
    return (set(document), {frozenset(row) for row in document["requests"]},
            {frozenset(row) for row in document["arrivals"]})


def test_all_engines_run_arrivals_with_the_same_schema_and_agree() -> None:
    spec = parse_scenario(disjoint_links())
    assert [r.name for r in spec.requests] == ["arrivals[0]#0", "arrivals[1]#0",
                                               "arrivals[2]#0"]
    results = {engine: run(spec, engine=engine) for engine in ("des", "fast", "analytic")}
    keys = {engine: _keys(result) for engine, result in results.items()}
    assert keys["des"] == keys["fast"] == keys["analytic"]
    expected_time = PAIRS * CYCLE / P
    time_sigma = CYCLE * math.sqrt(PAIRS * (1 - P)) / P
    rate_error = math.sqrt((1 - P) / PAIRS)
    for engine, result in results.items():
        assert [entry.offered for entry in result.arrivals] == [1, 1, 1]
        for entry, request in zip(result.arrivals, result.requests):
            assert (entry.completed, entry.pairs_delivered) == (1, PAIRS), engine
            assert request.completion_s is not None
            assert entry.latency_mean_s == entry.latency_p95_s == request.completion_s
            # the fast engine averages over its runs: its mean is far more precise
            assert request.completion_s == pytest.approx(expected_time, abs=5 * time_sigma)
            assert request.rate_hz == pytest.approx(P / CYCLE, rel=5 * rate_error)
            assert entry.fidelity == pytest.approx(0.9, abs=1e-9)


def test_contending_arrivals_are_for_the_event_simulation() -> None:
    """On one link every generated request shares it: the fast engine samples requests
    alone and the analytic engine serves them back to back from one start, so both refuse,
    naming the generated requests."""
    document = _single_click_arrivals()
    spec = parse_scenario(document)
    fast, analytic = supports(spec, engine="fast"), supports(spec, engine="analytic")
    assert not fast and str(fast.reason).startswith("arrivals[0]#1: shares the link alice - "
                                                    "bob with arrivals[0]#0")
    assert not analytic and str(analytic.reason).startswith(
        "arrivals[0].start: in the generated request arrivals[0]#1, ")
    for reason in (fast.reason, analytic.reason):
        assert str(reason).endswith("engine des")
        assert "requests[" not in str(reason)
    with pytest.raises(EngineError, match=r"^arrivals\[0\]#1: shares the link"):
        run(spec, engine="fast")
    result = run(spec, engine="des")
    (summary,) = result.arrivals
    generated = [r for r in result.requests if r.name]
    assert summary.offered == len(generated) == len(spec.requests) > 1
    assert summary.completed == sum(1 for r in generated if r.completion_s is not None)
    assert summary.pairs_delivered == sum(r.delivered for r in generated)
    assert len(result.to_dict()["requests"]) == len(generated)


def _single_click_arrivals() -> dict[str, Any]:
    """The 25 km single-click link of the examples, with Poisson arrivals of small
    requests instead of its one request."""
    import yaml

    document: dict[str, Any] = yaml.safe_load(
        (EXAMPLES / "single_click_25km.yaml").read_text(encoding="utf-8"))
    del document["requests"]
    document["duration"] = "5 s"
    document["arrivals"] = {"process": "poisson", "rate": "2 Hz", "pairs": 3,
                            "between": ["alice", "bob"], "min_fidelity": 0.8}
    return document


def test_the_table_summarizes_generated_requests() -> None:
    spec = load_scenario(EXAMPLES / "arrivals_load.yaml")
    result = run(spec, engine="des")
    text = format_result(result)
    assert "arrivals[0]   poisson" in text and "arrivals[1]  periodic" in text
    generated = len(spec.requests)
    assert f"({generated} generated requests: one row each in the JSON result" in text
    assert "n0 - n3:  path" not in text  # no per-request lines for generated requests
    rows = result.to_dict()["requests"]
    assert len(rows) == generated and rows[0]["name"] == "arrivals[0]#0"
    assert sum(entry["offered"] for entry in result.to_dict()["arrivals"]) == generated


def test_a_request_after_another_on_its_link_gets_a_fresh_pair() -> None:
    """When a request ends, its link makes no pair for nobody: a later request on that link
    gets pairs made for it, not one that waited in memory since the first was done."""
    document = {"qfab": 1, "seed": 3, "duration": "10 s",
                "nodes": {"a": {"memory": {"t2": "0.5 s"}}, "b": {"memory": {"t2": "0.5 s"}}},
                "links": [{"kind": "depolarizing", "between": ["a", "b"], "fidelity": 0.9,
                           "success_probability": 0.1, "cycle_time": "1 ms"}],
                "arrivals": {"process": "periodic", "rate": "0.5 Hz", "between": ["a", "b"],
                             "pairs": 10}}
    result = run(parse_scenario(document), engine="des")
    assert [r.delivered for r in result.requests] == [10] * 5
    for request in result.requests:
        assert request.fidelity_min == pytest.approx(0.9, abs=1e-9)
    assert result.links[0].successes == 50 and result.links[0].buffer_hit_rate == 0.0
