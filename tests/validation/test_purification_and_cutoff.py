"""Purification and cutoffs in the event simulation.

PUR-BBPSSW-01 (Bennett et al., PRL 76, 722 (1996)) and PUR-DEJMPS-01 (Deutsch et al., PRL
77, 2818 (1996)) give the fidelity of a purified pair; with ideal memories every delivered
pair has exactly that fidelity. Cutoffs bound the age of every constituent pair, and with it
the fidelity (MEM-DECOH-01 dephasing).
"""

from __future__ import annotations

import math
from typing import Any

import pytest

from qfab.engines import run
from qfab.errors import EngineError
from qfab.loading import parse_scenario
from qfab.physics import bell_diagonal
from qfab.physics.memory import decohere
from tests.scenarios import max_geometric_moments, two_node


def purified_link(scheme: str, rounds: int | None, *, target: float | None = None,
                  qubits: int = 3, pairs: int = 400) -> dict[str, Any]:
    document = two_node({"kind": "depolarizing", "fidelity": 0.8, "success_probability": 0.3,
                         "cycle_time": "1 ms"}, pairs=pairs, duration="10000 s")
    document["nodes"] = {"alice": {"memory": {"qubits": qubits}},
                         "bob": {"memory": {"qubits": qubits}}}
    document["policy"] = {"purification": scheme, "purification_rounds": rounds}
    if target is not None:
        document["requests"][0]["min_fidelity"] = target
    return document


@pytest.mark.parametrize(("scheme", "rounds", "expected"), [
    ("bbpssw", 1, 0.8381502890), ("bbpssw", 2, 0.8735845153),
    ("dejmps", 1, 0.8381502890), ("dejmps", 2, 0.9436392192),
])
def test_purified_fidelity_matches_closed_form(scheme: str, rounds: int, expected: float) -> None:
    """Werner F = 0.8 inputs, ideal memories: every delivered pair has the closed-form F'."""
    result = run(parse_scenario(purified_link(scheme, rounds, pairs=100)), engine="des")
    request = result.requests[0]
    assert request.delivered == 100
    assert request.fidelity == pytest.approx(expected, abs=1e-8)
    assert request.fidelity_min == pytest.approx(expected, abs=1e-8)
    assert request.purification == scheme and request.purification_rounds == rounds


def test_one_round_rate_includes_the_success_probability() -> None:
    """Two channels each wait a Geometric(p) number of periods, then one DEJMPS round
    succeeds with p_pur = 0.7688888889 (PUR-DEJMPS-01): E[T] = E[max(G1, G2)] / p_pur.
    Var T = Var M / p_pur + (1 - p_pur) E[M]^2 / p_pur^2 for M = max(G1, G2)."""
    p, p_pur, n = 0.3, 0.7688888889, 400
    result = run(parse_scenario(purified_link("dejmps", 1, qubits=2, pairs=n)), engine="des")
    mean_m, var_m = max_geometric_moments(2, p)
    mean = mean_m / p_pur
    var = var_m / p_pur + (1 - p_pur) * mean_m**2 / p_pur**2
    expected = 1 / (mean * 1e-3)
    tolerance = 5 * expected * math.sqrt(var) / mean / math.sqrt(n)
    assert result.requests[0].rate_hz == pytest.approx(expected, abs=tolerance)


def test_auto_purification_reaches_the_target() -> None:
    """From F = 0.8 links, a target of 0.9 needs two DEJMPS rounds (0.8382 < 0.9 <= 0.9436);
    the orchestrator picks them and the delivered fidelity meets the target."""
    result = run(parse_scenario(purified_link("auto", None, target=0.9)), engine="des")
    request = result.requests[0]
    assert (request.purification, request.purification_rounds) == ("dejmps", 2)
    assert request.fidelity is not None and request.fidelity >= 0.9
    assert request.target_met


def test_purification_needs_qubits_for_its_rounds() -> None:
    """Two rounds of recurrence hold up to three pairs at each end."""
    with pytest.raises(EngineError, match=r"need 3 qubits at alice for its link to bob"):
        run(parse_scenario(purified_link("dejmps", 2, qubits=2)), engine="des")


def test_cutoff_bounds_the_delivered_fidelity() -> None:
    """With cutoff c, every link pair in a delivered pair waited at most c, so the delivered
    fidelity is at least that of two links each dephased for c on both qubits and swapped
    (MEM-DECOH-01; SWAP-WERNER-01). Slow links (p = 0.02) make pairs wait longer than c
    without the cutoff, so the bound is tight enough to fail without it."""
    t2, cutoff = 0.05, 0.02
    names = ["a", "r", "b"]
    document = {
        "qfab": 1, "seed": 5, "duration": "1000 s",
        "nodes": {name: {"memory": {"qubits": 2 if name == "r" else 1, "t2": t2}}
                  for name in names},
        "links": [{"kind": "depolarizing", "between": [x, y], "fidelity": 0.97,
                   "success_probability": 0.02, "cycle_time": "1 ms"}
                  for x, y in zip(names, names[1:])],
        "requests": [{"kind": "entanglement", "between": ["a", "b"], "pairs": 300}],
    }
    link = bell_diagonal.werner(0.97)
    aged = decohere(link, cutoff, cutoff, t2_a=t2, t2_b=t2)
    bound = float(bell_diagonal.swap(aged, aged)[0])
    with_cutoff = run(parse_scenario({**document, "policy": {"cutoff": cutoff}}), engine="des")
    without = run(parse_scenario(document), engine="des")
    assert with_cutoff.requests[0].delivered == 300
    assert with_cutoff.requests[0].fidelity_min >= bound - 1e-12
    assert without.requests[0].fidelity_min < bound
    assert with_cutoff.requests[0].fidelity > without.requests[0].fidelity
