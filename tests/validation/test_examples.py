"""Every example runs on both engines, and the engines agree within statistical error.

The event simulation's request rate is n / T_n with T_n a sum of geometric waiting times, so
its relative standard error is sqrt((1 - p) / n); fidelities of pairs consumed at the herald
are deterministic, so they must agree to rounding.
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from qfab.engines import run
from qfab.spec import load_scenario
from tests.conftest import EXAMPLES

EXAMPLE_FILES = sorted(EXAMPLES.glob("*.yaml"))


def test_there_are_examples() -> None:
    assert len(EXAMPLE_FILES) >= 3


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=lambda p: p.stem)
def test_engines_agree_on_example(path: Path) -> None:
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


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=lambda p: p.stem)
def test_same_seed_same_result(path: Path) -> None:
    spec = load_scenario(path)
    first, second = (run(spec, engine="des", seed=3).to_dict() for _ in range(2))
    first.pop("wall_time_s")
    second.pop("wall_time_s")
    assert first == second
