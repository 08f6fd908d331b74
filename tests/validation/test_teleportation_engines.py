"""Teleportation requests through the event simulation, the fast and the analytic engine.

Each delivered pair teleports one uniformly random qubit state; the request reports the
mean teleportation fidelity ``(2F + 1)/3`` over its pairs (Bennett et al., PRL 70, 1895
(1993); Horodecki et al., PRA 60, 1888 (1999)). Engines agree within five standard errors:
the event simulation's interval is over the pairs of its one run, the fast engine's over
its runs; the analytic engine is exact.
"""

from __future__ import annotations

import itertools
import math
from typing import Any

import pytest

from qfab.engines import run
from qfab.engines.result import RequestResult
from qfab.loading import parse_scenario
from qfab.physics.teleportation import average_teleportation_fidelity
from tests.scenarios import two_node


def teleportation(document: dict[str, Any]) -> dict[str, Any]:
    (request,) = document["requests"]
    document["requests"] = [{**request, "kind": "teleportation"}]
    return document


def link() -> dict[str, Any]:
    document = two_node({"kind": "single_click", "bright_state": 0.1, "length": "2 km",
                         "emitter": {"efficiency": 0.05}, "cycle_time": "10 us",
                         "detector": {"dark_count_rate": "1 kHz"}},
                        pairs=300, duration="100000 s", fast={"shots": 200})
    document["nodes"] = {name: {"memory": {"t2": "10 ms"}} for name in ("alice", "bob")}
    return teleportation(document)


def chain(links: int, *, t1: str, t2: str, swap: str = "asap") -> dict[str, Any]:
    names = [f"n{i}" for i in range(links + 1)]
    return teleportation({
        "qfab": 1, "seed": 5, "duration": "100000 s",
        "nodes": {name: {"memory": {"qubits": 1 if name in (names[0], names[-1]) else 2,
                                    "t1": t1, "t2": t2}} for name in names},
        "links": [{"kind": "depolarizing", "between": [a, b], "fidelity": 0.96,
                   "success_probability": 0.1, "cycle_time": "1 ms"}
                  for a, b in itertools.pairwise(names)],
        "policy": {"swap": swap},
        "requests": [{"between": [names[0], names[-1]], "pairs": 400}],
        "fast": {"shots": 200},
    })


def standard_error(request: RequestResult) -> float:
    ci = request.teleportation_fidelity_ci95
    return 0.0 if ci is None else (ci[1] - ci[0]) / 2 / 1.96


def test_link_pairs_teleport_at_two_f_plus_one_over_three_in_every_engine() -> None:
    spec = parse_scenario(link())
    analytic, fast, des = (run(spec, engine=e).requests[0] for e in ("analytic", "fast", "des"))
    expected = average_teleportation_fidelity(analytic.fidelity)
    assert 0.7 < expected < 0.99
    assert analytic.teleportation_fidelity == pytest.approx(expected, abs=1e-12)
    for request in (fast, des):  # one herald delay: every pair has the same state
        assert request.teleportation_fidelity == pytest.approx(expected, abs=1e-9)


@pytest.mark.parametrize("document", [chain(2, t1="20 ms", t2="20 ms"),
                                      chain(4, t1="inf", t2="inf", swap="nested"),
                                      chain(4, t1="30 ms", t2="30 ms", swap="nested")],
                         ids=["2-link asap, depolarizing memories", "4-link nested, ideal",
                              "4-link nested, depolarizing memories"])
def test_chain_engines_agree_within_five_standard_errors(document: dict[str, Any]) -> None:
    spec = parse_scenario(document)
    analytic, fast, des = (run(spec, engine=e).requests[0] for e in ("analytic", "fast", "des"))
    exact = analytic.teleportation_fidelity
    assert exact == pytest.approx(average_teleportation_fidelity(analytic.fidelity), abs=1e-12)
    for request in (fast, des):
        assert request.delivered == 400
        assert abs(request.teleportation_fidelity - exact) <= \
            5 * standard_error(request) + 1e-9
    combined = math.hypot(standard_error(fast), standard_error(des))
    assert abs(fast.teleportation_fidelity - des.teleportation_fidelity) <= 5 * combined + 1e-9


def test_event_simulation_averages_each_pair_and_its_interval() -> None:
    """Per-pair values (2F_i + 1)/3 averaged: the mean and the interval are those of the
    fidelities mapped by the same affine function."""
    request = run(parse_scenario(chain(2, t1="20 ms", t2="20 ms")), engine="des").requests[0]
    assert request.fidelity_ci95 is not None and request.teleportation_fidelity_ci95 is not None
    assert standard_error(request) > 1e-4
    assert request.teleportation_fidelity == pytest.approx(
        average_teleportation_fidelity(request.fidelity), abs=1e-12)
    for bound, fidelity_bound in zip(request.teleportation_fidelity_ci95,
                                     request.fidelity_ci95):
        assert bound == pytest.approx(average_teleportation_fidelity(fidelity_bound), abs=1e-12)
