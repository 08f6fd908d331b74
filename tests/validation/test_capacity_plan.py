"""Capacity plans of the examples: the chosen configuration is the cheapest that meets the
target (checked by brute force over the whole table), the frontier is exactly the set of
configurations that no other beats on cost and makespan, every makespan respects its lower
bound, and the link measurements follow the closed form of parallel attempts.

A link spec's rate is measured from PAIRS pairs, each after a geometric number of cycles, so
its relative standard error is sqrt((1 - p) / PAIRS) with p the success probability of one
communication qubit's attempt (q communication qubits attempt in parallel: q p / cycle).
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from qfab.dqc.capacity import CapacityPlan, Evaluation, load_plan, plan_capacity
from qfab.dqc.link_rates import PAIRS

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "dqc"
PLANS = ("capacity_plan.yaml", "capacity_plan_qft.yaml")


@pytest.fixture(scope="module", params=PLANS)
def plan(request: pytest.FixtureRequest) -> CapacityPlan:
    path = EXAMPLES / request.param
    return plan_capacity(load_plan(path), path.parent)


def _meets(e: Evaluation, target: dict[str, float]) -> bool:
    if e.makespan is None:
        return False
    if "makespan" in target and e.makespan > target["makespan"]:
        return False
    return "success_probability" not in target or (
        e.success_probability is not None
        and e.success_probability >= target["success_probability"])


def test_chosen_is_the_cheapest_that_meets_the_target(plan: CapacityPlan) -> None:
    assert plan.chosen is not None and _meets(plan.chosen, plan.target)
    for e in plan.evaluations:
        assert e.meets == _meets(e, plan.target)
        if e.cost < plan.chosen.cost:
            assert not e.meets, e


def test_frontier_is_the_non_dominated_set(plan: CapacityPlan) -> None:
    ran = [e for e in plan.evaluations if e.makespan is not None]
    def dominated(e: Evaluation) -> bool:
        assert e.makespan is not None
        return any(o.cost <= e.cost and o.makespan is not None and o.makespan <= e.makespan
                   and (o.cost < e.cost or o.makespan < e.makespan) for o in ran)
    front = set(map(id, plan.frontier))
    for e in ran:
        if id(e) in front:
            assert not dominated(e)
        else:
            assert dominated(e) or any(id(o) in front and (o.cost, o.makespan)
                                       == (e.cost, e.makespan) for o in ran)


def test_makespans_respect_their_lower_bounds(plan: CapacityPlan) -> None:
    ran = [e for e in plan.evaluations if e.makespan is not None]
    assert len(ran) >= 10
    for e in ran:
        assert e.lower_bound is not None and e.makespan >= e.lower_bound * (1 - 1e-9)


def test_link_rates_are_parallel_attempts(plan: CapacityPlan) -> None:
    assert plan.measured
    for _, rate in plan.measured:
        # both examples' link specs: success probability 0.001 per 10 us cycle
        expected = rate.communication_qubits * 0.001 / 10e-6
        tolerance = 5 * expected * math.sqrt((1 - 0.001) / PAIRS)
        assert rate.engine == "fast" and rate.pairs == PAIRS
        assert rate.rate_hz == pytest.approx(expected, abs=tolerance)
