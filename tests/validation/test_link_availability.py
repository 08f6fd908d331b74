"""Links that are up only in windows: every engine against the window grid's closed forms.

Closed forms (see :mod:`qfab.linkwindows`): an always-ready channel makes ``n = ceil(up / T)``
attempts per window, at ``open + i T``, so in the long run it attempts ``n / period`` times per
second and heralds ``p n / period`` pairs per second. Tolerances are five standard errors: the
successes of ``A`` attempts are binomial, ``sqrt(A p (1 - p))``; a rate estimated as a ratio of
means over runs has the delta-method error of Cochran (Sampling Techniques, Sec. 6.4).
"""

from __future__ import annotations

import math
import re
from typing import Any

import numpy as np
import pytest

from qfab.engines import run, supports
from qfab.errors import EngineError
from qfab.loading import parse_scenario
from qfab.protocols import link_layer
from tests.scenarios import two_node

P, CYCLE = 0.1, 1e-3
AVAILABILITY = {"period": "60 ms", "up": "10 ms"}


def _link(**extra: Any) -> dict[str, Any]:
    return {"kind": "depolarizing", "fidelity": 0.9, "success_probability": P,
            "cycle_time": "1 ms", "availability": AVAILABILITY, **extra}


def _ratio_of_means(delivered: np.ndarray, last: np.ndarray) -> tuple[float, float]:
    rate = delivered.mean() / last.mean()
    error = np.std(delivered - rate * last, ddof=1) / math.sqrt(delivered.size) / last.mean()
    return float(rate), float(error)


def test_characterized_link_attempts_only_in_windows_at_the_closed_form_rate() -> None:
    """10 attempts per 10 ms window (the 11th would start as the window closes); the run ends
    45 ms into a down time, so every attempt it counts was made in one of 1667 windows."""
    duration = 100.045
    result = run(parse_scenario(two_node(_link(), duration=f"{duration} s")), engine="des",
                 seed=3)
    link = result.links[0]
    windows = math.floor(duration / 0.06) + 1
    assert link.attempts == windows * 10
    assert link.rate_hz == pytest.approx(
        P * 10 / 0.06, abs=5 * math.sqrt(link.attempts * P * (1 - P)) / duration)


def test_attempts_that_start_in_a_window_count_even_if_it_closes() -> None:
    """With T = 3 ms and 10 ms windows the attempts start at 0, 3, 6, 9 ms: four per window;
    the run ends 1 ms after the last one finishes."""
    document = two_node(_link(cycle_time="3 ms"), duration="0.013 s")
    assert run(parse_scenario(document), engine="des", seed=1).links[0].attempts == 4


def test_no_attempt_starts_while_the_link_is_down(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every herald of a windowed link comes one attempt period after a start inside a window,
    also for a request that starts while the link is down (20 ms into the first cycle)."""
    heralds: list[int] = []
    original = link_layer.WindowedLinkLayer._herald

    def record(self: link_layer.LinkLayer, channel: int, attempts: int) -> None:
        heralds.append(self.sim.now)
        original(self, channel, attempts)

    monkeypatch.setattr(link_layer.WindowedLinkLayer, "_herald", record)
    document = two_node(_link(availability={**AVAILABILITY, "offset": "5 ms"}), pairs=300,
                        duration="100 s")
    document["requests"][0]["start"] = "25 ms"
    result = run(parse_scenario(document), engine="des", seed=5)
    assert result.requests[0].delivered == 300 and len(heralds) == 300
    starts = [herald - 10**9 for herald in heralds]  # integer picoseconds
    assert all((start - 5 * 10**9) % (60 * 10**9) < 10 * 10**9 for start in starts)
    assert min(starts) >= 65 * 10**9  # waited for the window that opens at 65 ms


def test_des_fast_and_analytic_agree_on_a_windowed_link() -> None:
    """The analytic engine's exact N / E[T_N] against the ratio of means of both samplers,
    and all three near the long-run rate p n / period."""
    pairs = 200
    document = two_node(_link(availability={**AVAILABILITY, "offset": "7 ms"}), pairs=pairs,
                        duration="100 s", fast={"shots": 4000})
    spec = parse_scenario(document)
    exact = run(spec, engine="analytic").requests[0].rate_hz
    fast = run(spec, engine="fast", seed=2).requests[0]
    runs = [run(spec, engine="des", seed=seed).requests[0] for seed in range(60)]
    delivered = np.array([r.delivered for r in runs], dtype=float)
    last = np.array([r.delivered * r.latency_s for r in runs])
    des_rate, des_error = _ratio_of_means(delivered, last)
    assert fast.rate_ci95 is not None and fast.rate_hz is not None
    fast_error = (fast.rate_ci95[1] - fast.rate_ci95[0]) / 2 / 1.96
    assert fast.rate_hz == pytest.approx(exact, abs=5 * fast_error)
    assert des_rate == pytest.approx(exact, abs=5 * des_error)
    long_run = P * 10 / 0.06
    assert exact == pytest.approx(long_run, rel=0.02)  # 200 pairs span about 120 windows


def test_analytic_counts_the_pairs_the_windows_allow_within_the_duration() -> None:
    """In 1 s the link finishes 17 windows of 10 attempts: p * 170 = 17 pairs expected."""
    document = two_node(_link(), pairs=1000, duration="1 s")
    result = run(parse_scenario(document), engine="analytic").requests[0]
    assert result.delivered == 17


def _chain(**policy: Any) -> dict[str, Any]:
    def link(a: str, b: str, availability: dict[str, str]) -> dict[str, Any]:
        return {"kind": "depolarizing", "between": [a, b], "fidelity": 0.95,
                "success_probability": 0.2, "cycle_time": "1 ms", "length": "20 km",
                "availability": availability}

    return {"qfab": 1, "seed": 1, "duration": "1000 s", "fast": {"shots": 1000},
            "nodes": {"a": {"memory": {"t2": "0.5 s"}},
                      "b": {"memory": {"qubits": 2, "t2": "0.5 s"}},
                      "c": {"memory": {"t2": "0.5 s"}}},
            "links": [link("a", "b", {"period": "50 ms", "up": "20 ms"}),
                      link("b", "c", {"period": "30 ms", "up": "7 ms", "offset": "4 ms"})],
            "policy": policy,
            "requests": [{"kind": "entanglement", "between": ["a", "c"], "pairs": 200}]}


def test_des_and_fast_agree_on_a_swap_asap_chain_with_windows() -> None:
    spec = parse_scenario(_chain())
    fast = run(spec, engine="fast", seed=4).requests[0]
    runs = [run(spec, engine="des", seed=seed).requests[0] for seed in range(30)]
    delivered = np.array([r.delivered for r in runs], dtype=float)
    last = np.array([r.delivered * r.latency_s for r in runs])
    des_rate, des_error = _ratio_of_means(delivered, last)
    assert fast.rate_ci95 is not None and fast.rate_hz is not None
    fast_error = (fast.rate_ci95[1] - fast.rate_ci95[0]) / 2 / 1.96
    assert des_rate == pytest.approx(fast.rate_hz, abs=5 * math.hypot(des_error, fast_error))
    fidelities = np.array([r.fidelity for r in runs])
    fidelity_error = math.hypot(np.std(fidelities, ddof=1) / math.sqrt(fidelities.size),
                                (fast.fidelity_ci95[1] - fast.fidelity_ci95[0]) / 2 / 1.96)
    assert float(fidelities.mean()) == pytest.approx(fast.fidelity, abs=5 * fidelity_error)


@pytest.mark.parametrize(("engine", "policy", "field"), [
    ("fast", {"swap": "nested"}, r"links\[0\]\.availability"),
    ("fast", {"cutoff": "10 ms"}, r"links\[0\]\.availability"),
    ("analytic", {}, r"links\[0\]\.availability"),
])
def test_engines_refuse_windows_they_do_not_model(engine: str, policy: dict[str, Any],
                                                  field: str) -> None:
    document = _chain(**policy)
    if policy:  # zero-length links, so only the windows stand in the way
        for link in document["links"]:
            link["length"] = "0 km"
    spec = parse_scenario(document)
    support = supports(spec, engine=engine)
    assert not support and re.match(rf"^{field}: ", support.reason)
    with pytest.raises(EngineError, match=rf"^{field}: "):
        run(spec, engine=engine)


@pytest.mark.parametrize("engine", ["des", "fast", "analytic"])
def test_engines_declare_support_for_a_windowed_link(engine: str) -> None:
    assert supports(parse_scenario(two_node(_link(), pairs=10)), engine=engine)


def test_analytic_refuses_windows_on_a_link_with_several_channels() -> None:
    document = two_node(_link(), pairs=10)
    document["nodes"] = {"alice": {"memory": {"qubits": 2}}, "bob": {"memory": {"qubits": 2}}}
    with pytest.raises(EngineError, match=r"^links\[0\]\.availability: .*one channel"):
        run(parse_scenario(document), engine="analytic")


def test_fast_models_windows_on_a_link_with_several_channels() -> None:
    """Two channels double the long-run rate: 2 p n / period."""
    document = two_node(_link(), pairs=2000, duration="1000 s", fast={"shots": 400})
    document["nodes"] = {"alice": {"memory": {"qubits": 2}}, "bob": {"memory": {"qubits": 2}}}
    fast = run(parse_scenario(document), engine="fast", seed=1).requests[0]
    assert fast.rate_hz is not None
    assert fast.rate_hz == pytest.approx(2 * P * 10 / 0.06, rel=0.02)


def test_planning_estimates_account_for_the_duty_cycle() -> None:
    from qfab.orchestrator.network import NetworkGraph
    from qfab.orchestrator.planner import plan_network

    spec = parse_scenario(two_node(_link(), pairs=10))
    plan = plan_network(spec, NetworkGraph(spec))
    assert plan.requests[0].expected_rate_hz == pytest.approx(P * 10 / 0.06)


@pytest.mark.parametrize("engine", ["des", "fast", "analytic"])
def test_engines_refuse_a_link_that_varies_inside_its_windows(
        engine: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """A future kind (a satellite pass) whose loss changes while up sets the model's flag;
    every engine refuses it, naming the field, until it models it."""
    from qfab.linkmodel import LinkModel

    monkeypatch.setattr(LinkModel, "varies_in_window", True)
    with pytest.raises(EngineError, match=r"^links\[0\]\.availability: "):
        run(parse_scenario(two_node(_link(), pairs=10)), engine=engine)
