"""Every example runs, meets its requests' targets, is reproducible, and agrees with the
analytic engine wherever that engine has a closed form.

The event simulation's request rate is n / T_n with T_n a sum of geometric waiting times, so
its relative standard error is sqrt((1 - p) / n); fidelities of pairs consumed at the herald
are deterministic, so they must agree to rounding.
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from qfab.engines import run, supports
from qfab.loading import load_scenario
from tests.conftest import EXAMPLES

EXAMPLE_FILES = sorted(EXAMPLES.glob("*.yaml"))
#: Examples whose requests are all served with pairs (a bb84-decoy request sends pulses over
#: a fiber link instead: tests/validation/test_qkd_scenarios.py checks those examples).
PAIR_EXAMPLES = [p for p in EXAMPLE_FILES
                 if all(getattr(r, "protocol", None) != "bb84-decoy"
                        for r in load_scenario(p).requests)]
#: Single-link examples whose pairs all have one state (a satellite pass delivers a random
#: mix of its slices' states: tests/validation/test_micius.py compares the engines there).
SINGLE_LINK = [p for p in PAIR_EXAMPLES if len(load_scenario(p).links) == 1
               and load_scenario(p).links[0].kind != "satellite"]


def test_there_are_examples() -> None:
    assert len(EXAMPLE_FILES) >= 7 and len(SINGLE_LINK) >= 3


@pytest.mark.parametrize("path", PAIR_EXAMPLES, ids=lambda p: p.stem)
def test_example_meets_its_targets(path: Path) -> None:
    result = run(load_scenario(path), engine="des")
    for request in result.requests:
        assert request.delivered == request.requested
        assert request.target_met


@pytest.mark.parametrize("path", SINGLE_LINK, ids=lambda p: p.stem)
def test_engines_agree_on_single_link_example(path: Path) -> None:
    spec = load_scenario(path)
    des = run(spec, engine="des")
    analytic = run(spec, engine="analytic")
    assert set(des.to_dict()) == set(analytic.to_dict())
    p = analytic.links[0].p_success
    assert p is not None
    for simulated, expected in zip(des.requests, analytic.requests):
        assert simulated.delivered == expected.delivered == expected.requested
        assert expected.rate_hz is not None and simulated.rate_hz is not None
        tolerance = 5 * expected.rate_hz * math.sqrt((1 - p) / simulated.delivered)
        assert simulated.rate_hz == pytest.approx(expected.rate_hz, abs=tolerance)
        assert simulated.fidelity == pytest.approx(expected.fidelity, abs=1e-9)
        assert simulated.target_met and expected.target_met


@pytest.mark.parametrize("path", [p for p in PAIR_EXAMPLES if len(load_scenario(p).links) > 1],
                         ids=lambda p: p.stem)
def test_analytic_engine_says_why_it_cannot_run_a_network_example(path: Path) -> None:
    support = supports(load_scenario(path), engine="analytic")
    assert not support and support.reason is not None
    assert support.reason.startswith(("requests[", "arrivals[", "policy.", "links["))
    assert support.reason.endswith("use engine des")


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=lambda p: p.stem)
def test_same_seed_same_result(path: Path) -> None:
    spec = load_scenario(path)
    first, second = (run(spec, engine="des", seed=3).to_dict() for _ in range(2))
    first.pop("wall_time_s")
    second.pop("wall_time_s")
    assert first == second


def test_four_tier_request_crosses_every_tier() -> None:
    result = run(load_scenario(EXAMPLES / "cross_tier_request.yaml"), engine="des")
    request = result.requests[0]
    assert request.path is not None and request.path[0] == "qpu_a" and request.path[-1] == "qpu_b"
    assert request.domains == ["nodal-1", "cluster-1", "campus-1", "wan", "campus-2",
                               "cluster-2", "nodal-2"]
    tiers = {node.tier for node in result.nodes}
    assert tiers == {"nodal", "cluster", "campus", "wan"}


@pytest.mark.parametrize("engine", ["analytic", "fast"])
def test_four_tier_is_left_to_the_engine_that_stitches_segments(engine: str) -> None:
    """The path crosses seven domains; only the event simulation swaps it per segment."""
    spec = load_scenario(EXAMPLES / "cross_tier_request.yaml")
    assert supports(spec, engine="des")
    support = supports(spec, engine=engine)
    assert not support and support.reason is not None
    assert support.reason.startswith("requests[0]: the path crosses the domains nodal-1, ")
    assert f"the {engine} engine models swapping over the whole path only" in support.reason
