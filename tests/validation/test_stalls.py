"""Stalls: a run in which no pending event can bring any request another pair ends at once,
says so in its result (which request waits for which memory, held by whom) and makes the
command exit with status 3; a run that goes on is never reported stalled."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

import qfab.engines.des as des_module
from qfab import run
from qfab.cli import EXIT_STALLED, main
from qfab.engines.result import RunResult
from qfab.loading import parse_scenario
from qfab.orchestrator import NetworkPlan, plan_network
from qfab.orchestrator.rules import NodeRules, SwapRule
from qfab.spec.models import ScenarioSpec

#: Two requests crossing in opposite directions on a chain with one qubit per link: each
#: holds one of n2's two qubits and waits for the other.
CROSSING = {
    "qfab": 1, "duration": "10 s",
    "topology": {"kind": "chain", "nodes": 5, "spacing": "1 km",
                 "node": {"memory": {"qubits": 1}},
                 "link": {"kind": "depolarizing", "fidelity": 0.97,
                          "success_probability": 0.1, "cycle_time": "10 us"}},
    "requests": [{"kind": "entanglement", "between": ["n1", "n4"], "pairs": 50},
                 {"kind": "entanglement", "between": ["n3", "n0"], "pairs": 50}],
}

#: Purification on a repeater chain with the qubits the planner asks for.
PURIFYING = {
    "qfab": 1, "duration": "60 s",
    "topology": {"kind": "chain", "nodes": 4, "spacing": "10 km",
                 "node": {"memory": {"qubits": 2}},
                 "link": {"kind": "depolarizing", "fidelity": 0.9,
                          "success_probability": 0.05, "cycle_time": "10 us"}},
    "policy": {"swap": "asap", "purification": "bbpssw", "purification_rounds": 1},
    "requests": [{"kind": "entanglement", "between": ["n0", "n3"], "pairs": 100}],
}

#: A repeater r between a and c, and b hanging off r; request 0 (a - c) is planned without
#: its swap at r (see :func:`_without_swaps_at`), so its pairs fill r's memory for good.
STAR = {
    "qfab": 1, "seed": 3, "duration": "100 s",
    "nodes": {"a": {}, "b": {}, "r": {"memory": {"qubits": 3}}, "c": {}},
    "links": [{"kind": "depolarizing", "between": [x, y], "fidelity": 0.97,
               "success_probability": 0.3, "cycle_time": "1 ms"}
              for x, y in (("a", "r"), ("r", "c"), ("b", "r"))],
    "requests": [{"kind": "entanglement", "between": ["a", "c"], "pairs": 10},
                 {"kind": "entanglement", "between": ["b", "c"], "pairs": 10}],
}


def _served_or_stalled(result: RunResult) -> bool:
    """Every request got all its pairs, or the run says it stalled (never a silent 0/50)."""
    complete = all(request.delivered == request.requested for request in result.requests)
    return complete or result.stalled is not None


@pytest.mark.parametrize("document", [CROSSING, PURIFYING], ids=["crossing", "purifying"])
def test_the_issue_scenarios_are_served_or_reported(document: dict[str, Any]) -> None:
    """These scenarios deadlocked when they were reported; whatever the orchestrator does
    with them, an incomplete result must come with a stall report, long before the end."""
    result = run(document, engine="des")
    assert _served_or_stalled(result)
    if result.stalled is not None:
        assert result.sim_time_s is not None and result.sim_time_s < 1e-2
        assert result.stalled.time_s == result.sim_time_s
        assert len(result.stalled.waits) == sum(
            request.delivered < request.requested for request in result.requests)


def test_crossing_requests_name_each_other() -> None:
    result = run(CROSSING, engine="des")
    if result.stalled is None:
        pytest.skip("the orchestrator now serves crossing requests (see the next tests)")
    assert result.stalled.waits == [
        "requests[0] waits for a qubit at n2 held by requests[1]",
        "requests[1] waits for a qubit at n2 held by requests[0]"]
    document = result.to_dict()
    assert document["stalled"]["reason"] == "; ".join(result.stalled.waits)


def _without_swaps_at(node: str, request: int) -> Any:
    """``plan_network`` with ``request``'s swap rules at ``node`` taken out: a hand-made plan
    whose pairs for ``request`` can never be used, whatever the planner does."""
    def plan(spec: ScenarioSpec, network: Any = None) -> NetworkPlan:
        planned = plan_network(spec, network)
        nodes = [NodeRules(node=entry.node, rules=[
            rule for rule in entry.rules
            if not (entry.node == node and isinstance(rule, SwapRule)
                    and rule.request == request)]) for entry in planned.nodes]
        return planned.model_copy(update={"nodes": nodes})
    return plan


def test_a_hand_made_deadlock_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without its swap at r, request 0's link pairs fill a's and r's qubits on a - r for
    good: the run stops at once and names them."""
    monkeypatch.setattr(des_module, "plan_network", _without_swaps_at("r", 0))
    result = run(STAR, engine="des")
    assert result.stalled is not None
    assert result.requests[0].delivered == 0
    assert result.sim_time_s is not None and result.sim_time_s < 1.0  # not the 100 s
    waits = dict(zip((index for index, request in enumerate(result.requests)
                      if request.delivered < request.requested), result.stalled.waits))
    # a - r serves request 0 alone: whatever the orchestrator does with r - c, those pairs
    # stay, and the report says whose they are
    assert waits[0].startswith("requests[0] waits for a qubit at a (towards r), r (towards a)")
    assert waits[0].endswith("held by its own pairs, which no rule can use")
    assert 1 not in waits or "held by requests[0]" in waits[1]
    # figures cover the whole duration: the links sat idle after the stall
    assert result.links[0].rate_hz is not None and result.links[0].rate_hz < 1.0
    assert result.requests[0].rate_hz is None


def test_the_cli_prints_stalled_and_exits_3(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(des_module, "plan_network", _without_swaps_at("r", 0))
    path = tmp_path / "star.yaml"
    path.write_text(yaml.safe_dump(STAR))
    out = tmp_path / "out"
    assert EXIT_STALLED == 3
    assert main(["run", str(path), "--out", str(out)]) == EXIT_STALLED
    text = capsys.readouterr().out
    assert "STALLED at" in text and "requests[0] waits for a qubit at a (towards r)" in text
    assert (out / "result.json").exists() and "STALLED" in (out / "summary.txt").read_text()


def test_runs_that_go_on_are_not_stalled() -> None:
    """A run cut by its duration, and a complete one, carry no stall report."""
    cut = parse_scenario({**STAR, "duration": "5 ms"})
    assert run(cut, engine="des").stalled is None
    complete = run(STAR, engine="des")
    assert complete.stalled is None
    assert all(request.delivered == 10 for request in complete.requests)
    assert "stalled" in complete.to_dict() and complete.to_dict()["stalled"] is None


def test_a_stall_is_found_with_a_progress_bar_too(monkeypatch: pytest.MonkeyPatch) -> None:
    """The progress loop runs in slices; it stops at the first slice that runs dry."""
    monkeypatch.setattr(des_module, "plan_network", _without_swaps_at("r", 0))
    seen: list[float] = []
    result = run(STAR, engine="des", progress=seen.append)
    assert result.stalled is not None and seen[-1] == 1.0 and len(seen) < 10
    assert result.sim_time_s is not None and result.sim_time_s < 1.0
