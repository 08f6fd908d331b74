"""Cross-validation: the same scenarios through the fast, analytic and event engines.

One link of each kind, 2/4/8-link chains (swap-asap and nested, swap success below 1),
chains with fiber length, memory decoherence and gate noise, links up only in windows.
Tolerances: the fast engine's rate and fidelity carry 95 % intervals over ``shots`` runs; a
single event-simulation run of the same request has the spread of one such run,
``sqrt(shots)`` times the fast engine's standard error. Differences are held to five
combined standard errors.
"""

from __future__ import annotations

import math
from typing import Any

import pytest

from qfab.engines import run, supports
from qfab.engines.result import RequestResult
from qfab.loading import parse_scenario
from qfab.spec import ScenarioSpec
from tests.scenarios import two_node

SHOTS = 400


def chain(links: int, *, p: float = 0.3, length: str = "0 km", t2: str = "inf", t1: str = "inf",
          swap: str = "asap", p_swap: float = 1.0, depolarization: float = 0.0,
          pairs: int = 300, cutoff: str | None = None) -> dict[str, Any]:
    names = [f"n{i}" for i in range(links + 1)]
    return {
        "qfab": 1, "seed": 9, "duration": "100000 s",
        "nodes": {name: {"memory": {"qubits": 1 if name in (names[0], names[-1]) else 2,
                                    "t1": t1, "t2": t2},
                         "gates": {"swap_success_probability": p_swap,
                                   "depolarization": depolarization}} for name in names},
        "links": [{"kind": "depolarizing", "between": [a, b], "fidelity": 0.96,
                   "success_probability": p, "cycle_time": "1 ms", "length": length}
                  for a, b in zip(names, names[1:])],
        "policy": {"swap": swap, "cutoff": cutoff},
        "requests": [{"kind": "entanglement", "between": [names[0], names[-1]],
                      "pairs": pairs}],
        "fast": {"shots": SHOTS},
    }


def single(kind: dict[str, Any], *, qubits: int = 1) -> dict[str, Any]:
    document = two_node({**kind, "cycle_time": kind.get("cycle_time", "10 us")}, pairs=500,
                        duration="100000 s", fast={"shots": SHOTS})
    document["nodes"] = {"alice": {"memory": {"qubits": qubits, "t2": "10 ms"}},
                         "bob": {"memory": {"qubits": qubits, "t2": "10 ms"}}}
    return document


def purified(scheme: str, rounds: int, *, length: str, t2: str) -> dict[str, Any]:
    document = two_node({"kind": "depolarizing", "fidelity": 0.8, "success_probability": 0.3,
                         "cycle_time": "1 ms", "length": length}, pairs=150,
                        duration="100000 s", fast={"shots": SHOTS})
    document["nodes"] = {name: {"memory": {"qubits": rounds + 1, "t2": t2}}
                         for name in ("alice", "bob")}
    document["policy"] = {"purification": scheme, "purification_rounds": rounds}
    return document


def read_out(document: dict[str, Any], *errors: float) -> dict[str, Any]:
    """``document`` with the ``gates.measurement_error`` of each node, in order."""
    nodes = {name: {**node, "gates": {**node.get("gates", {}), "measurement_error": error}}
             for (name, node), error in zip(document["nodes"].items(), errors)}
    return {**document, "nodes": nodes}


def windowed(document: dict[str, Any], *schedules: dict[str, str]) -> dict[str, Any]:
    """``document`` with link ``i`` up only in the windows ``schedules[i]``."""
    links = [{**link, "availability": schedule}
             for link, schedule in zip(document["links"], schedules)]
    return {**document, "links": links}


SCENARIOS = {
    "depolarizing link": single({"kind": "depolarizing", "fidelity": 0.9,
                                 "success_probability": 0.2, "length": "5 km"}),
    "single-click link": single({"kind": "single_click", "bright_state": 0.1,
                                 "emitter": {"efficiency": 0.05}, "length": "2 km",
                                 "detector": {"dark_count_rate": "1 kHz"}}),
    "double-click link, 2 channels": single({"kind": "double_click", "length": "1 km",
                                             "detector": {"efficiency": 0.3},
                                             "visibility": 0.9}, qubits=2),
    "depolarizing link, up 10 ms of 60 ms": windowed(
        single({"kind": "depolarizing", "fidelity": 0.9, "success_probability": 0.2,
                "length": "5 km"}), {"period": "60 ms", "up": "10 ms", "offset": "3 ms"}),
    "double-click link, 2 channels, up 2 ms of 5 ms": windowed(
        single({"kind": "double_click", "length": "1 km", "detector": {"efficiency": 0.3}},
               qubits=2), {"period": "5 ms", "up": "2 ms"}),
    "4-link chain, 20 km hops, T2, windows": windowed(
        chain(4, length="20 km", t2="100 ms"), *({"period": "20 ms", "up": "5 ms",
                                                  "offset": f"{3 * i} ms"} for i in range(4))),
    "2-link chain": chain(2),
    "4-link chain": chain(4),
    "8-link chain": chain(8, pairs=150),
    "4-link nested, p_swap 0.7": chain(4, swap="nested", p_swap=0.7),
    "2-link asap, p_swap 0.5, T2": chain(2, p_swap=0.5, t2="30 ms"),
    "8-link nested, decoherence": chain(8, swap="nested", t2="50 ms", pairs=150),
    "4-link chain, 20 km hops, T2, gate noise": chain(4, length="20 km", t2="100 ms",
                                                      depolarization=0.01),
    "3-link chain, 50 km hops, p 0.9": chain(3, p=0.9, length="50 km", t2="20 ms"),
    "2-link chain, cutoff": chain(2, p=0.1, t2="50 ms", cutoff="10.5 ms"),
    "4-link chain, cutoff": chain(4, p=0.1, t2="50 ms", cutoff="15.5 ms"),
    "8-link chain, cutoff": chain(8, p=0.2, t2="100 ms", cutoff="12.5 ms", pairs=150),
    "4-link nested, depolarizing memories, p_swap 0.8": chain(4, swap="nested", p_swap=0.8,
                                                              t1="30 ms", t2="30 ms",
                                                              depolarization=0.02),
    "2-link chain, depolarizing memories": chain(2, p=0.1, t1="20 ms", t2="20 ms"),
    "4-link chain, 3 lanes, 20 km hops, T2": {
        **chain(4, length="20 km", t2="100 ms", pairs=200),
        "nodes": {f"n{i}": {"memory": {"qubits": 3 if i in (0, 4) else 6, "t2": "100 ms"}}
                  for i in range(5)}},
    "link, DEJMPS x2": purified("dejmps", 2, length="0 km", t2="inf"),
    "link, BBPSSW x1, 20 km, T2": purified("bbpssw", 1, length="20 km", t2="20 ms"),
    "link, BBPSSW x1, 20 km, T2, read-out errors": read_out(
        purified("bbpssw", 1, length="20 km", t2="20 ms"), 0.25, 0.0),
}


def _sd_of_one_run(low_high: tuple[float, float] | None) -> float:
    if low_high is None:
        return 0.0
    return (low_high[1] - low_high[0]) / 2 / 1.96 * math.sqrt(SHOTS)


def _close(a: float, b: float, sd_single: float) -> bool:
    return abs(a - b) <= 5 * sd_single * math.sqrt(1 + 1 / SHOTS) + 1e-9 * abs(b)


def _supported(name: str, *engines: str) -> ScenarioSpec:
    """The scenario, or a skip naming the first of ``engines`` that does not support it."""
    spec = parse_scenario(SCENARIOS[name])
    for engine in engines:
        support = supports(spec, engine=engine)
        if not support:
            pytest.skip(f"{engine}: {support.reason}")
    return spec


def test_the_fast_engine_supports_every_scenario_here() -> None:
    """The comparisons below skip unsupported engines; this keeps the fast engine's coverage
    from shrinking unseen."""
    refused = {name: supports(parse_scenario(document), engine="fast").reason
               for name, document in SCENARIOS.items()}
    assert {name: reason for name, reason in refused.items() if reason} == {}


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_fast_and_event_simulation_agree(name: str) -> None:
    spec = _supported(name, "fast", "des")
    fast: RequestResult = run(spec, engine="fast").requests[0]
    des: RequestResult = run(spec, engine="des").requests[0]
    assert fast.rate_hz is not None and des.rate_hz is not None
    assert des.delivered == fast.delivered == fast.requested
    assert _close(des.rate_hz, fast.rate_hz, _sd_of_one_run(fast.rate_ci95))
    assert fast.fidelity is not None and des.fidelity is not None
    assert _close(des.fidelity, fast.fidelity, _sd_of_one_run(fast.fidelity_ci95))


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_fast_and_analytic_agree_where_analytic_applies(name: str) -> None:
    spec = _supported(name, "analytic", "fast")
    analytic = run(spec, engine="analytic").requests[0]
    fast = run(spec, engine="fast").requests[0]
    assert analytic.rate_hz is not None and fast.rate_hz is not None
    assert fast.rate_ci95 is not None
    half = (fast.rate_ci95[1] - fast.rate_ci95[0]) / 2
    assert abs(fast.rate_hz - analytic.rate_hz) <= 5 * half / 1.96
    if fast.fidelity_ci95 is None or fast.fidelity_ci95[1] - fast.fidelity_ci95[0] < 1e-12:
        assert fast.fidelity == pytest.approx(analytic.fidelity, abs=1e-9)
    else:
        half = (fast.fidelity_ci95[1] - fast.fidelity_ci95[0]) / 2
        assert fast.fidelity is not None and analytic.fidelity is not None
        assert abs(fast.fidelity - analytic.fidelity) <= 5 * half / 1.96


def test_target_relative_error_is_reached() -> None:
    document = chain(2, pairs=20)
    document["fast"] = {"shots": 50, "target_rel_error": 0.005}
    request = run(parse_scenario(document), engine="fast").requests[0]
    assert request.rate_ci95 is not None and request.rate_hz is not None
    assert (request.rate_ci95[1] - request.rate_ci95[0]) / 2 <= 0.005 * request.rate_hz


def test_same_seed_same_fast_result() -> None:
    spec = parse_scenario(chain(4, t2="50 ms"))
    first, second = (run(spec, engine="fast", seed=4).to_dict() for _ in range(2))
    first.pop("wall_time_s")
    second.pop("wall_time_s")
    assert first == second


def test_fast_purified_rate_matches_closed_form() -> None:
    """Two channels, one DEJMPS round on Werner 0.8 pairs (PUR-DEJMPS-01: p = 0.76888...):
    a delivery every E[max(G1, G2)] / p_pur periods, E[max] = (3 - 2p) / (p (2 - p))."""
    document = purified("dejmps", 1, length="0 km", t2="inf")
    request = run(parse_scenario(document), engine="fast").requests[0]
    p, p_pur = 0.3, 0.7688888889
    expected = p_pur / ((3 - 2 * p) / (p * (2 - p)) * 1e-3)
    assert request.rate_ci95 is not None and request.rate_hz is not None
    half = (request.rate_ci95[1] - request.rate_ci95[0]) / 2
    assert abs(request.rate_hz - expected) <= 5 * half / 1.96
    assert request.fidelity == pytest.approx(0.8381502890, abs=1e-8)
