"""Requests sharing one link: the analytic engine serves them in scenario order, which it
accepts only where the event simulation's service order (priority, then earliest deadline)
is the same; there the two agree.

Request ``k`` (0-based) completes when the link has made ``(k + 1) n`` pairs: its rate is
``(k + 1)``-th of the link's, ``p / period``, over a sum of ``(k + 1) n`` geometric waiting
times, relative standard error ``sqrt((1 - p) / ((k + 1) n))``; tolerance 5 of those.
"""

from __future__ import annotations

import math

import pytest

from qfab.engines import run, supports
from qfab.loading import parse_scenario
from tests.scenarios import two_node

P, PAIRS = 0.2, 400


def _document(*priorities: int) -> dict[str, object]:
    document = two_node({"kind": "depolarizing", "fidelity": 0.9, "success_probability": P,
                         "cycle_time": "1 ms"}, pairs=PAIRS, duration="1000 s")
    request = document["requests"][0]
    document["requests"] = [{**request, "priority": p} for p in priorities]
    return document


@pytest.mark.parametrize("priorities", [(0, 0), (1, 0), (2, 1, 1)])
def test_analytic_serves_a_shared_link_in_the_event_simulations_order(
        priorities: tuple[int, ...]) -> None:
    spec = parse_scenario(_document(*priorities))
    analytic = run(spec, engine="analytic").requests
    des = run(spec, engine="des", seed=5).requests
    for k, (expected, simulated) in enumerate(zip(analytic, des)):
        assert expected.rate_hz == pytest.approx(P / 1e-3 / (k + 1))
        assert simulated.delivered == expected.delivered == PAIRS
        assert simulated.rate_hz is not None
        tolerance = 5 * expected.rate_hz * math.sqrt((1 - P) / ((k + 1) * PAIRS))
        assert simulated.rate_hz == pytest.approx(expected.rate_hz, abs=tolerance)


def test_a_later_request_served_first_is_left_to_the_event_simulation() -> None:
    """With priorities (0, 1) the event simulation serves the second request first."""
    spec = parse_scenario(_document(0, 1))
    assert not supports(spec, engine="analytic")
    des = run(spec, engine="des", seed=5).requests
    assert des[1].latency_s is not None and des[0].latency_s is not None
    assert des[1].latency_s < des[0].latency_s
