"""Earliest deadline first among requests of equal priority; priority still comes first; a
missed deadline shows in the table."""

from __future__ import annotations

from typing import Any

import pytest

from qfab import run
from qfab.loading import parse_scenario
from qfab.orchestrator import plan_network
from qfab.orchestrator.order import service_key
from qfab.report.table import format_result


def contention(deadlines: tuple[str | None, str | None],
               priorities: tuple[int, int] = (0, 0)) -> dict[str, Any]:
    """Both requests need r's single qubit towards c (as in the priority test)."""
    requests = []
    for index, (source, deadline) in enumerate(zip(("a", "b"), deadlines)):
        request: dict[str, Any] = {"kind": "entanglement", "between": [source, "c"],
                                   "pairs": 200, "priority": priorities[index]}
        if deadline is not None:
            request["deadline"] = deadline
        requests.append(request)
    return {
        "qfab": 1, "seed": 2,
        "nodes": {"a": {}, "b": {}, "r": {"memory": {"qubits": 3}}, "c": {}},
        "links": [{"kind": "depolarizing", "between": [x, y], "fidelity": 0.97,
                   "success_probability": 0.3, "cycle_time": "1 ms"}
                  for x, y in (("a", "r"), ("b", "r"), ("r", "c"))],
        "requests": requests, "duration": "1000 s",
    }


def _finish_times(document: dict[str, Any]) -> list[float]:
    result = run(parse_scenario(document), engine="des")
    assert all(request.delivered == 200 for request in result.requests)
    # complete requests: the rate is pairs over the time to the last pair
    return [200 / request.rate_hz for request in result.requests if request.rate_hz]


@pytest.mark.parametrize(("deadlines", "first"), [
    (("100 s", "10 s"), 1), (("10 s", "100 s"), 0), ((None, "100 s"), 1)])
def test_the_earliest_deadline_is_served_first(deadlines: tuple[str | None, str | None],
                                               first: int) -> None:
    """Serving one request alone takes about 200 / 300 Hz ~ 0.7 s, both about twice that:
    the one with the earlier deadline (or the only one with a deadline) finishes first,
    whatever the scenario's order."""
    finished = _finish_times(contention(deadlines))
    assert finished[first] < finished[1 - first]


def test_priority_comes_before_deadlines() -> None:
    finished = _finish_times(contention(("10 s", "100 s"), priorities=(0, 1)))
    assert finished[1] < finished[0]


def test_rules_follow_the_service_order() -> None:
    spec = parse_scenario(contention(("100 s", "10 s")))
    assert [rule.request for rule in plan_network(spec).rules_of("r")][:1] == [1]
    keys = [service_key(index, request) for index, request in enumerate(spec.requests)]
    assert keys[1] < keys[0]


def test_deadlines_count_from_the_start() -> None:
    """A deadline 5 s after a start at 10 s (15 s) comes after one of 12 s from 0 s."""
    document = contention(("12 s", "5 s"))
    document["requests"][1]["start"] = "10 s"
    spec = parse_scenario(document)
    assert service_key(0, spec.requests[0]) < service_key(1, spec.requests[1])


def test_a_missed_deadline_shows_in_the_table() -> None:
    """Serving both takes over 1 s: a 0.5 s deadline is missed, 100 s is met."""
    result = run(parse_scenario(contention(("100 s", "0.5 s"))), engine="des")
    assert [request.deadline_met for request in result.requests] == [True, False]
    text = format_result(result)
    header = next(line for line in text.splitlines() if line.startswith("request "))
    assert "deadline" in header.split()
    rows = [line for line in text.splitlines() if line.startswith(("a - c", "b - c"))]
    assert rows[0].split()[-1] == "met" and rows[1].split()[-1] == "MISSED"
