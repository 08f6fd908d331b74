"""Planning is linear in the network: a node's rules name its role, not the whole path, so
the plan of a chain of N nodes has O(N) rules and O(N) JSON; and a long chain validates,
plans and builds its event simulation without any per-pair table."""

from __future__ import annotations

import json
from typing import Any

import pytest

from qfab.loading import parse_scenario
from qfab.orchestrator import NetworkPlan, plan_network
from qfab.orchestrator.network import NetworkGraph
from qfab.orchestrator.rules import SwapRule
from qfab.spec.models import ScenarioSpec


def _chain(nodes: int, *, tiers: bool = False, swap: str = "asap") -> ScenarioSpec:
    document: dict[str, Any] = {
        "qfab": 1, "duration": "1 s",
        "topology": {"kind": "chain", "nodes": nodes, "spacing": "1 km",
                     "link": {"kind": "depolarizing", "fidelity": 0.99,
                              "success_probability": 0.5, "cycle_time": "1 us"}},
        "policy": {"swap": swap},
        "requests": [{"kind": "entanglement", "between": ["n0", f"n{nodes - 1}"],
                      "pairs": 1}]}
    if tiers:  # every tenth node a campus gateway between wan stretches
        document["nodes"] = {f"n{i}": {"tier": "campus" if i % 10 == 5 else "wan"}
                             for i in range(nodes)}
    return parse_scenario(document)


def _plan_size(spec: ScenarioSpec) -> tuple[int, int]:
    plan = plan_network(spec)
    rules = sum(len(entry.rules) for entry in plan.nodes)
    return rules, len(plan.model_dump_json())


@pytest.mark.parametrize(("tiers", "swap"), [(False, "asap"), (True, "asap"),
                                              (False, "nested")])
def test_the_plan_of_a_chain_grows_linearly(tiers: bool, swap: str) -> None:
    rules_200, size_200 = _plan_size(_chain(200, tiers=tiers, swap=swap))
    rules_400, size_400 = _plan_size(_chain(400, tiers=tiers, swap=swap))
    assert rules_400 / rules_200 == pytest.approx(2.0, rel=0.03)
    # a quadratic plan (every rule listing the path's nodes) would be 4 times the size
    assert size_400 / size_200 == pytest.approx(2.0, rel=0.05)


def test_swap_rules_name_spans_of_the_path() -> None:
    plan = plan_network(_chain(6))
    (rule,) = plan.rules_of("n2")
    assert isinstance(rule, SwapRule)
    assert (rule.left_span, rule.right_span, rule.segment_ends_only) == (
        ("n0", "n1"), ("n3", "n5"), False)


def test_stitching_swaps_take_only_segment_ends() -> None:
    spec = _chain(21, tiers=True)
    plan = plan_network(spec)
    (request,) = plan.requests
    assert request.gateways == ["n4", "n5", "n6", "n14", "n15", "n16"]
    stitch = [rule for rule in plan.rules_of("n15")
              if isinstance(rule, SwapRule) and rule.segment_ends_only]
    assert [(rule.left_span, rule.right_span) for rule in stitch] == [
        (("n0", "n14"), ("n16", "n20"))]


def test_a_plan_reads_back_from_its_json() -> None:
    plan = plan_network(_chain(12, tiers=True))
    assert NetworkPlan.model_validate_json(plan.model_dump_json()) == plan
    document = json.loads(plan.model_dump_json())
    document["nodes"][3]["rules"][0]["colour"] = "red"
    with pytest.raises(ValueError, match="colour"):
        NetworkPlan.model_validate(document)


def test_a_generated_chain_shares_its_template_s_models() -> None:
    """Equal nodes are one node model and equal links share their physics, so a long
    chain costs memory per link, not per template key."""
    spec = _chain(50)
    inner = [spec.nodes[f"n{i}"] for i in range(1, 49)]
    assert all(node is inner[0] for node in inner)
    assert all(link.fiber is spec.links[0].fiber for link in spec.links)
    network = NetworkGraph(spec)
    assert len({id(model.emitted_state) for model in network.models}) <= 3
    assert [model.between for model in network.models] == [link.between for link in spec.links]
