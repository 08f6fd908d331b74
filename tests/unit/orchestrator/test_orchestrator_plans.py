"""Orchestrator: paths by rate and fidelity, rule sets as data, tier domains."""

from __future__ import annotations

from typing import Any

import pytest

from qfab.loading import parse_scenario
from qfab.orchestrator import NetworkPlan, plan_network
from qfab.orchestrator.domains import find_domains, segments_of
from qfab.orchestrator.estimates import expected_max_exponential
from qfab.orchestrator.network import NetworkGraph
from qfab.orchestrator.rules import DeliverRule, PurifyRule, SwapRule


def link(a: str, b: str, *, p: float = 0.5, fidelity: float = 0.95) -> dict[str, Any]:
    return {"kind": "depolarizing", "between": [a, b], "fidelity": fidelity,
            "success_probability": p, "cycle_time": "1 ms"}


def scenario(links: list[dict[str, Any]], request: tuple[str, str], **extra: Any) -> Any:
    names = sorted({end for item in links for end in item["between"]})
    degree = {n: sum(n in item["between"] for item in links) for n in names}
    return parse_scenario({
        "qfab": 1, "nodes": {n: {"memory": {"qubits": degree[n]}} for n in names},
        "links": links,
        "requests": [{"kind": "entanglement", "between": list(request), "pairs": 10}],
        **extra})


def test_plan_round_trips_through_json() -> None:
    spec = scenario([link("a", "b"), link("b", "c")], ("a", "c"), policy={"swap": "nested"})
    plan = plan_network(spec)
    again = NetworkPlan.model_validate_json(plan.model_dump_json())
    assert again == plan


def test_slow_direct_link_loses_to_a_fast_detour() -> None:
    """The path cost reflects rate: a direct link 1000 times slower than two fast hops."""
    spec = scenario([link("a", "c", p=0.0005), link("a", "b"), link("b", "c")], ("a", "c"))
    assert plan_network(spec).requests[0].path == ["a", "b", "c"]


def test_poor_fidelity_path_loses_to_a_faithful_one_when_the_target_needs_it() -> None:
    """The path cost reflects fidelity: the fast path cannot reach 0.9, the slow one can."""
    spec = scenario([link("a", "b", fidelity=0.8), link("b", "c", fidelity=0.8),
                     link("a", "d", p=0.1, fidelity=0.99), link("d", "c", p=0.1, fidelity=0.99)],
                    ("a", "c"))
    document_target = plan_network(spec).requests[0].path
    assert document_target == ["a", "b", "c"]  # no target: the faster path
    spec = parse_scenario({**spec.model_dump(exclude={"topology"}),
                           "requests": [{"kind": "entanglement", "between": ["a", "c"],
                                         "pairs": 10, "min_fidelity": 0.9}]})
    assert plan_network(spec).requests[0].path == ["a", "d", "c"]


def test_asap_rules_accept_any_pair_reaching_left_and_right() -> None:
    spec = scenario([link("a", "b"), link("b", "c"), link("c", "d")], ("a", "d"))
    rules = plan_network(spec).rules_of("c")
    assert rules == [SwapRule(request=0, left_link=("b", "c"), right_link=("c", "d"),
                              left_span=("a", "b"), right_span=("d", "d"))]


def test_nested_rules_join_exact_halves() -> None:
    spec = scenario([link("a", "b"), link("b", "c"), link("c", "d"), link("d", "e")], ("a", "e"),
                    policy={"swap": "nested"})
    plan = plan_network(spec)
    (middle,) = plan.rules_of("c")
    assert isinstance(middle, SwapRule)
    assert (middle.left_span, middle.right_span, middle.needs_knowledge) == (
        ("a", "a"), ("e", "e"), True)
    (first,) = plan.rules_of("b")
    assert isinstance(first, SwapRule) and (first.left_span, first.right_span) == (
        ("a", "a"), ("c", "c"))


def test_purification_and_delivery_rules_sit_at_the_first_node() -> None:
    spec = scenario([link("a", "b")], ("a", "b"),
                    policy={"purification": "bbpssw", "purification_rounds": 2})
    spec = parse_scenario({**spec.model_dump(exclude={"topology"}),
                           "nodes": {"a": {"memory": {"qubits": 3}},
                                     "b": {"memory": {"qubits": 3}}}})
    rules = plan_network(spec).rules_of("a")
    assert [type(rule) for rule in rules] == [PurifyRule, PurifyRule, DeliverRule]
    assert [rule.level for rule in rules] == [0, 1, 2]


def test_higher_priority_rules_come_first() -> None:
    spec = parse_scenario({
        "qfab": 1, "nodes": {"a": {}, "b": {}, "r": {"memory": {"qubits": 3}}, "c": {}},
        "links": [link("a", "r"), link("b", "r"), link("r", "c")],
        "requests": [{"kind": "entanglement", "between": ["a", "c"], "pairs": 1},
                     {"kind": "entanglement", "between": ["b", "c"], "pairs": 1,
                      "priority": 5}]})
    assert [rule.request for rule in plan_network(spec).rules_of("r")] == [1, 0]


def test_domains_follow_tiers_and_connectivity() -> None:
    spec = parse_scenario({
        "qfab": 1,
        "nodes": {"q1": {"tier": "nodal"}, "k": {"tier": "campus", "memory": {"qubits": 2}},
                  "q2": {"tier": "nodal"}},
        "links": [link("q1", "k"), link("k", "q2")]})
    domains = find_domains(spec, NetworkGraph(spec).graph)
    assert domains["q1"].name == "nodal-1" and domains["q2"].name == "nodal-2"
    assert domains["k"].name == "campus"
    assert segments_of(["q1", "k", "q2"], domains) == [(0, 1), (1, 2)]


def test_segments_cut_at_gateways() -> None:
    spec = parse_scenario({
        "qfab": 1,
        "nodes": {"a": {"tier": "campus"}, "b": {"tier": "campus", "memory": {"qubits": 2}},
                  "c": {"tier": "wan", "memory": {"qubits": 2}}, "d": {"tier": "wan"}},
        "links": [link("a", "b"), link("b", "c"), link("c", "d")]})
    domains = find_domains(spec, NetworkGraph(spec).graph)
    assert segments_of(["a", "b", "c", "d"], domains) == [(0, 1), (1, 2), (2, 3)]


def test_expected_max_exponential_matches_harmonic_numbers() -> None:
    """For n i.i.d. exponentials of rate r, E[max] = H_n / r."""
    assert expected_max_exponential([2.0] * 4) == pytest.approx((1 + 1 / 2 + 1 / 3 + 1 / 4) / 2)


def test_expected_max_exponential_integral_agrees_with_closed_forms() -> None:
    """The numerical integral (unequal rates) meets H_n / r as rates become equal, and the
    two-variable form 1/a + 1/b - 1/(a + b)."""
    nearly_equal = [2.0, 2.0, 2.0, 2.0 * (1 + 1e-12)]
    assert expected_max_exponential(nearly_equal) == pytest.approx(
        (1 + 1 / 2 + 1 / 3 + 1 / 4) / 2, rel=1e-8)
    assert expected_max_exponential([1.0, 3.0]) == pytest.approx(1 + 1 / 3 - 1 / 4, rel=1e-8)
