"""The tier examples (examples/tiers/): each serves its requests in the event simulation,
is reproducible, and the engines that do not model it say why."""

from __future__ import annotations

from pathlib import Path

import pytest

from qfab.engines import run, supports
from qfab.loading import load_scenario
from tests.conftest import EXAMPLES

TIER_EXAMPLES = sorted((EXAMPLES / "tiers").glob("*.yaml"))


def test_there_is_one_example_per_tier() -> None:
    assert [path.stem for path in TIER_EXAMPLES] == ["cluster", "metro", "nodal", "wan"]
    for path in TIER_EXAMPLES:
        assert load_scenario(path).tiers[0].kind == path.stem


@pytest.mark.parametrize("path", TIER_EXAMPLES, ids=lambda p: p.stem)
def test_tier_example_meets_its_targets_and_is_reproducible(path: Path) -> None:
    spec = load_scenario(path)
    first = run(spec, engine="des")
    assert first.requests
    for request in first.requests:
        assert request.delivered == request.requested
        assert request.target_met
    again = run(spec, engine="des").to_dict()
    assert {**again, "wall_time_s": 0} == {**first.to_dict(), "wall_time_s": 0}


@pytest.mark.parametrize("path", TIER_EXAMPLES, ids=lambda p: p.stem)
@pytest.mark.parametrize("engine", ["analytic", "fast"])
def test_other_engines_say_why_they_do_not_run_a_tier_example(path: Path, engine: str) -> None:
    support = supports(load_scenario(path), engine=engine)
    assert not support and support.reason is not None
    assert support.reason.endswith(("use engine des", "need engine des"))
