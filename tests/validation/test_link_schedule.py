"""Links with a schedule of up slices, each with its own success probability and pair state:
every engine against the closed forms of :mod:`qfab.linkschedule`.

A link kind registered here (``sliced``) takes its slices from the scenario, so the engines
are tested on a schedule built by hand, independent of any orbit. Closed forms: an
always-ready channel ready at ``s`` makes ``n_i`` attempts in slice ``i`` (on the period grid
from ``s`` or the slice's start), so its successes are a sum of independent binomials: mean
``sum_i n_i p_i``, variance ``sum_i n_i p_i (1 - p_i)``; a delivered pair has slice ``i``'s
fidelity with probability ``n_i p_i / sum_j n_j p_j``. Tolerances are five standard errors.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from typing import Any, Literal

import numpy as np
import pytest
from pydantic import Field

from qfab.engines import run, supports
from qfab.errors import EngineError
from qfab.linkschedule import LinkSchedule
from qfab.loading import parse_scenario
from qfab.physics.bell_diagonal import werner
from qfab.plugins import registry
from qfab.spec.models import LinkSpecBase, ScenarioSpec
from tests.scenarios import two_node

#: (start s, end s, p_success, fidelity) of each slice; T = 1 ms.
SLICES = [(1.0, 3.0, 0.1, 0.95), (3.0, 4.0, 0.5, 0.85), (6.0, 8.0, 0.2, 0.9)]
CYCLE = 1e-3


class SlicedLinkSpec(LinkSpecBase):
    """A link up in the given slices, each with its own p and Werner fidelity."""

    kind: Literal["sliced"] = "sliced"
    slices: list[tuple[float, float, float, float]] = Field(min_length=1)


class Sliced:
    """The heralding of ``sliced`` links: a schedule, no constant p."""

    def __call__(self, link: SlicedLinkSpec) -> tuple[float, Any]:
        raise AssertionError("a scheduled kind's constant heralding is never asked for")

    def schedule(self, link: SlicedLinkSpec, spec: ScenarioSpec, index: int,
                 period: float) -> LinkSchedule:
        rows = np.asarray(link.slices, dtype=np.float64)
        return LinkSchedule.from_arrays(rows[:, 0], rows[:, 1], rows[:, 2],
                                        werner(rows[:, 3]), period)


@pytest.fixture(autouse=True)
def sliced() -> Iterator[None]:
    with registry().scope() as found:
        found.register(SlicedLinkSpec, Sliced())
        yield


def _spec(duration: float = 10.0, pairs: int = 10**6, start: float = 0.0,
          slices: list[tuple[float, float, float, float]] = SLICES) -> ScenarioSpec:
    document = two_node({"kind": "sliced", "slices": [list(row) for row in slices],
                         "cycle_time": f"{CYCLE} s"}, pairs=pairs, duration=f"{duration} s")
    document["requests"][0]["start"] = f"{start} s"
    return parse_scenario(document)


def _closed_forms(slices: list[tuple[float, float, float, float]] = SLICES
                  ) -> tuple[int, float, float, float, float]:
    """Attempts, mean and variance of the successes, mean fidelity and the variance of one
    pair's fidelity over the slices."""
    n = np.array([round((end - start) / CYCLE) for start, end, _, _ in slices])
    p = np.array([row[2] for row in slices])
    fidelity = np.array([row[3] for row in slices])
    weights = n * p / (n * p).sum()
    mean_f = float(weights @ fidelity)
    return (int(n.sum()), float((n * p).sum()), float((n * p * (1 - p)).sum()), mean_f,
            float(weights @ (fidelity - mean_f) ** 2))


def test_des_draws_each_slice_with_its_own_probability_and_state() -> None:
    """Attempts are counted exactly (the grid), successes within 5 sigma of sum n_i p_i and
    the delivered fidelity within 5 sigma of the success-weighted mean."""
    attempts, mean, variance, fidelity, f_variance = _closed_forms()
    result = run(_spec(), engine="des", seed=4)
    link, request = result.links[0], result.requests[0]
    assert link.attempts == attempts
    assert request.delivered == pytest.approx(mean, abs=5 * math.sqrt(variance))
    assert request.fidelity == pytest.approx(
        fidelity, abs=5 * math.sqrt(f_variance / request.delivered))
    assert request.waited_s == pytest.approx(1.0)
    assert request.note is None


def test_des_successes_follow_the_slices_over_many_seeds() -> None:
    """The mean over 20 runs of a short schedule is within 5 standard errors."""
    slices = [(0.5, 0.6, 0.05, 0.9), (0.6, 0.7, 0.3, 0.8)]
    _, mean, variance, _, _ = _closed_forms(slices)
    counts = [run(_spec(duration=1.0, slices=slices), engine="des", seed=seed)
              .requests[0].delivered for seed in range(20)]
    assert np.mean(counts) == pytest.approx(mean, abs=5 * math.sqrt(variance / 20))


def test_analytic_gives_the_expected_successes_and_weighted_fidelity() -> None:
    _, mean, _, fidelity, _ = _closed_forms()
    request = run(_spec(), engine="analytic").requests[0]
    assert request.delivered == math.floor(mean + 1e-9)
    assert request.fidelity == pytest.approx(fidelity, rel=1e-12)
    assert request.waited_s == pytest.approx(1.0)
    # the rate is over the run's duration: the request never got its 10^6 pairs
    assert request.rate_hz == pytest.approx(request.delivered / 10.0)


def test_analytic_completion_time_reaches_the_pairs_within_the_slices() -> None:
    """300 pairs: 200 expected in the first slice (p 0.1 over 2000 attempts), the other 100
    in the second at 0.5 per attempt: 200 attempts after t = 3 s, and the herald one period
    later (a fluid estimate)."""
    request = run(_spec(pairs=300), engine="analytic").requests[0]
    assert request.delivered == 300
    assert request.completion_s == pytest.approx(3.0 + 200 * CYCLE + CYCLE)


@pytest.mark.parametrize(("start", "qubits"), [(0.0, 1), (4.5, 1), (0.0, 2)])
def test_fast_samples_the_slices_as_the_event_simulation_does(start: float,
                                                              qubits: int) -> None:
    """The mean successes over the fast engine's runs (its rate times the active time) are
    within 5 standard errors of ``k sum_i n_i p_i`` from the request's start (``k`` channels
    with ``qubits`` per link at each end), and so is the mean fidelity of the pairs."""
    spec = _spec(start=start)
    if qubits > 1:
        document = two_node({"kind": "sliced", "slices": [list(row) for row in SLICES],
                             "cycle_time": f"{CYCLE} s"}, pairs=10**6, duration="10 s")
        document["nodes"] = {name: {"memory": {"qubits": qubits}} for name in ("alice", "bob")}
        spec = parse_scenario(document)
    kept = [(max(a, start), b, p, f) for a, b, p, f in SLICES if b > start]
    _, mean, variance, fidelity, f_variance = _closed_forms(kept)
    mean, variance = qubits * mean, qubits * variance
    result = run(spec, engine="fast", seed=5)
    request = result.requests[0]
    shots = spec.fast.shots
    assert request.rate_hz is not None and request.fidelity is not None
    assert request.rate_hz * (10.0 - start) == pytest.approx(
        mean, abs=5 * math.sqrt(variance / shots))
    assert request.fidelity == pytest.approx(
        fidelity, abs=5 * math.sqrt(f_variance / (mean * shots)) + 1e-12)
    assert request.waited_s == pytest.approx(max(1.0 - start, 0.0) if start < 4 else 1.5)


def test_fast_refuses_a_scheduled_link_on_a_chain_naming_it() -> None:
    document = two_node({"kind": "sliced", "slices": [list(row) for row in SLICES],
                         "cycle_time": f"{CYCLE} s"}, duration="10 s")
    document["nodes"]["carol"] = {}
    document["nodes"]["bob"] = {"memory": {"qubits": 2}}
    document["links"].append({"between": ["bob", "carol"], "kind": "depolarizing",
                              "fidelity": 0.9, "success_probability": 0.1,
                              "cycle_time": "1 ms"})
    document["requests"] = [{"kind": "entanglement", "between": ["alice", "carol"],
                             "pairs": 10}]
    spec = parse_scenario(document)
    support = supports(spec, engine="fast")
    assert not support
    assert support.reason is not None and support.reason.startswith("links[0]: the fast")
    with pytest.raises(EngineError, match=re.escape("links[0]")):
        run(spec, engine="fast")


@pytest.mark.parametrize("engine", ["des", "analytic"])
def test_a_run_with_the_link_down_throughout_says_so(engine: str) -> None:
    request = run(_spec(duration=0.5), engine=engine, seed=1).requests[0]
    assert request.delivered == 0
    assert request.note is not None
    assert "links[0] (alice - bob) is down" in request.note
    assert "next up at 1 s" in request.note
    assert request.waited_s == pytest.approx(0.5)


def test_a_request_after_the_last_slice_is_told_no_pass_is_left() -> None:
    request = run(_spec(start=9.0), engine="des", seed=1).requests[0]
    assert request.delivered == 0
    assert request.note is not None and "no pass or window is left" in request.note


def test_a_request_that_starts_while_down_waits_for_the_next_slice() -> None:
    """A request starting at 4.5 s (down until 6 s) gets its pairs from the third slice
    only, and its first pair no earlier than 6 s."""
    result = run(_spec(start=4.5, pairs=5), engine="des", seed=2)
    request = result.requests[0]
    assert request.waited_s == pytest.approx(1.5)
    assert request.completion_s is not None and request.completion_s >= 1.5
    assert request.fidelity == pytest.approx(0.9)


def test_the_table_shows_the_wait_and_the_note() -> None:
    from qfab.report.table import format_result

    text = format_result(run(_spec(duration=0.5), engine="des", seed=1))
    assert "waited" not in text  # the note says more
    assert "NOTE links[0] (alice - bob) is down" in text
    text = format_result(run(_spec(start=4.5, pairs=5), engine="des", seed=1))
    assert "alice - bob: waited 1.5 s for the links of its path to come up" in text
