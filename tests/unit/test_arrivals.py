"""Arrival processes become requests: times and end nodes drawn from the right
distributions, from streams of their own.

Tolerances are five standard errors of the statistic; goodness-of-fit tests use a p-value
bound of 1e-6, so a correct process fails them less than once in a million seeds.
"""

from __future__ import annotations

import math
from collections import Counter
from typing import Any

import numpy as np
import pytest
from scipy import stats

from qfab.arrivals import arrival_times, draw_ends
from qfab.errors import ScenarioError
from qfab.loading import parse_scenario
from qfab.rng import RandomStreams
from qfab.spec.arrivals import ArrivalSpec, connected_groups

LINK = {"kind": "depolarizing", "fidelity": 0.9, "success_probability": 0.5,
        "cycle_time": "100 us"}
P_BOUND = 1e-6


def document(arrivals: Any, *, seed: int = 1, duration: str = "10 s",
             **extra: Any) -> dict[str, Any]:
    """A chain a - b - c, a separate link d - e and a node f with no link."""
    return {"qfab": 1, "seed": seed, "duration": duration,
            "nodes": {"a": {}, "b": {"memory": {"qubits": 2}}, "c": {}, "d": {}, "e": {},
                      "f": {}},
            "links": [{**LINK, "between": ["a", "b"]}, {**LINK, "between": ["b", "c"]},
                      {**LINK, "between": ["d", "e"]}],
            "arrivals": arrivals, **extra}


def poisson(rate: float, **fields: Any) -> ArrivalSpec:
    return ArrivalSpec(process="poisson", rate=rate, pairs=1, **fields)


def test_poisson_counts_have_mean_and_variance_rate_times_window() -> None:
    """N(T) ~ Poisson(rate T): over 4,000 windows the sample mean and variance are both
    rate T within five standard errors (Var of the sample variance of a Poisson variable
    with mean m is about (m + 2 m^2) / n)."""
    arrival = poisson(3.0, start=1.0, stop=6.0)
    mean, windows = 3.0 * 5.0, 4000
    counts = np.array([arrival_times(arrival, 10.0, RandomStreams(seed).stream("t")).size
                       for seed in range(windows)])
    assert counts.mean() == pytest.approx(mean, abs=5 * math.sqrt(mean / windows))
    assert counts.var(ddof=1) == pytest.approx(mean, abs=5 * math.sqrt(
        (mean + 2 * mean**2) / windows))


def test_poisson_gaps_are_exponential_and_times_in_the_window() -> None:
    arrival = poisson(50.0, start=2.0, stop=202.0)
    times = arrival_times(arrival, 300.0, RandomStreams(3).stream("t"))
    assert times.size == pytest.approx(50.0 * 200, abs=5 * math.sqrt(50.0 * 200))
    assert np.all(np.diff(times) > 0) and times[0] >= 2.0 and times[-1] < 202.0
    gaps = np.diff(np.concatenate([[2.0], times]))
    assert stats.kstest(gaps, "expon", args=(0, 1 / 50.0)).pvalue > P_BOUND
    # and the times are uniform in the window given their number (order statistics)
    assert stats.kstest(times, "uniform", args=(2.0, 200.0)).pvalue > P_BOUND


def test_periodic_spacing_is_exact() -> None:
    arrival = ArrivalSpec(process="periodic", rate=4.0, pairs=1, start=0.5, stop=3.0)
    times = arrival_times(arrival, 10.0, RandomStreams(0).stream("unused"))
    assert times.tolist() == [0.5 + k / 4.0 for k in range(10)]  # 0.5 .. 2.75; 3.0 excluded
    whole = ArrivalSpec(process="periodic", rate=10.0, pairs=1)
    assert arrival_times(whole, 0.3, RandomStreams(0).stream("unused")).size == 3


def test_random_ends_are_uniform_over_connected_pairs() -> None:
    """Unordered pairs of distinct connected nodes: {a,b}, {a,c}, {b,c}, {d,e}, each 1/4
    (chi-square); f has no link and never appears; each order comes half the time."""
    spec = parse_scenario(document([]))
    groups = connected_groups(poisson(1.0), list(spec.nodes), spec.links)
    assert groups == [["a", "b", "c"], ["d", "e"]]
    draws = 40_000
    ends = draw_ends(groups, draws, RandomStreams(9).stream("ends"))
    pairs = Counter(frozenset(pair) for pair in ends)
    expected = [frozenset("ab"), frozenset("ac"), frozenset("bc"), frozenset("de")]
    assert set(pairs) == set(expected)
    assert stats.chisquare([pairs[pair] for pair in expected]).pvalue > P_BOUND
    forward = sum(1 for first, _ in ends if first in "ad" or (first == "b" and _ == "c"))
    assert stats.binomtest(forward, draws, 0.5).pvalue > P_BOUND


def test_among_restricts_the_ends() -> None:
    spec = parse_scenario(document({"process": "poisson", "rate": "20 Hz", "pairs": 1,
                                    "among": ["a", "c", "d", "f"]}))
    assert {frozenset(request.between) for request in spec.requests} == {frozenset("ac")}


def test_requests_are_named_ordered_and_follow_the_written_ones() -> None:
    written = [{"kind": "entanglement", "between": ["a", "b"], "pairs": 2}]
    spec = parse_scenario(document(
        [{"process": "poisson", "rate": "2 Hz", "between": "random", "pairs": 3,
          "min_fidelity": 0.5, "deadline": "1 s", "priority": 2, "kind": "teleportation"},
         {"process": "periodic", "rate": "1 Hz", "between": ["c", "a"], "pairs": 1,
          "start": "2 s"}], requests=written))
    assert spec.requests[0].name is None and spec.requests[0].pairs == 2
    first = [r for r in spec.requests if (r.name or "").startswith("arrivals[0]#")]
    second = [r for r in spec.requests if (r.name or "").startswith("arrivals[1]#")]
    assert len(spec.requests) == 1 + len(first) + len(second)
    assert [r.name for r in first] == [f"arrivals[0]#{k}" for k in range(len(first))]
    assert all(r.kind == "teleportation" and r.pairs == 3 and r.min_fidelity == 0.5
               and r.deadline == 1.0 and r.priority == 2 for r in first)
    assert [r.start for r in first] == sorted(r.start for r in first)
    assert [(r.between, r.start) for r in second] == [(("c", "a"), 2.0 + k) for k in range(8)]


def test_same_seed_same_requests_and_streams_of_their_own() -> None:
    process = {"process": "poisson", "rate": "5 Hz", "pairs": 1}
    spec = parse_scenario(document([process]))
    assert parse_scenario(document([process])).requests == spec.requests
    assert parse_scenario(document([process], seed=2)).requests != spec.requests
    # a second process, other ends or other links draw nothing from the first one's times
    other = parse_scenario(document([{**process, "between": ["a", "c"]},
                                     {**process, "rate": "1 Hz"}]))
    assert [r.start for r in other.requests if r.name and r.name.startswith("arrivals[0]")] \
        == [r.start for r in spec.requests]


def test_kinds_and_plugin_fields_are_checked_as_requests() -> None:
    with pytest.raises(ScenarioError, match=r"^arrivals\[0\]\.kind: unknown kind 'qkd'"):
        parse_scenario(document({"process": "poisson", "rate": "1 Hz", "pairs": 1,
                                 "kind": "qkd"}))
    # no arrival in the window: still checked
    with pytest.raises(ScenarioError, match=r"^arrivals\[0\]\.kind"):
        parse_scenario(document({"process": "poisson", "rate": "1e-9 Hz", "pairs": 1,
                                 "kind": "qkd"}))


def test_a_kind_needing_another_field_says_which() -> None:
    from typing import Literal

    from qfab import plugins
    from qfab.apps.entanglement import EntanglementApp
    from qfab.spec.requests import PairRequestSpec

    class BasisRequestSpec(PairRequestSpec):
        kind: Literal["basis"] = "basis"
        axis: str

    with plugins.registry().scope():
        plugins.register(BasisRequestSpec, EntanglementApp)
        with pytest.raises(ScenarioError) as raised:
            parse_scenario(document({"process": "periodic", "rate": "1 Hz", "pairs": 1,
                                     "kind": "basis"}))
    assert str(raised.value).startswith("arrivals[0].axis: required (for kind 'basis'; the "
                                        "requests of arrivals carry only kind, pairs")
