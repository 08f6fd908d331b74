"""Read-out errors of the end nodes change purification in every engine, by the same map.

On a zero-length link with ideal memories every delivered pair has the fidelity of the
recurrence map iterated ``rounds`` times on the heralded Werner pair, with the parity error
``q = e_a (1 - e_b) + e_b (1 - e_a)`` of the two nodes' ``gates.measurement_error``
(:func:`qfab.physics.purification.parity_error`, checked against the imperfect 4-qubit
measurement in ``tests/unit/physics/test_purification_readout.py``): the planner, both
formalisms of the event simulation and the fast engine must give it to rounding. The rate
of one round on two channels is ``p_pur / (E[max(G1, G2)] period)``, within 5 standard
errors.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from qfab.engines import run
from qfab.loading import parse_scenario
from qfab.orchestrator.planner import plan_network
from qfab.physics import bell_diagonal, purification
from tests.validation.test_engine_agreement import purified, read_out

ERRORS = [(0.0, 0.0), (0.1, 0.1), (0.25, 0.0)]


def _expected(scheme: str, rounds: int, e_a: float, e_b: float) -> tuple[float, float]:
    """(fidelity, success probability of the first round) of the recurrence on Werner 0.8."""
    step = purification.scheme(scheme)
    q = purification.parity_error(e_a, e_b)
    vector = bell_diagonal.werner(0.8)
    first = None
    for _ in range(rounds):
        vector, p = step(vector, vector, parity_error=q)
        first = float(p) if first is None else first
    assert first is not None
    return float(vector[0]), first


def _document(scheme: str, rounds: int, e_a: float, e_b: float) -> dict[str, Any]:
    document = read_out(purified(scheme, rounds, length="0 km", t2="inf"), e_a, e_b)
    document["requests"][0]["pairs"] = 10  # every pair has the same fidelity
    document["fast"] = {"shots": 20}
    return document


@pytest.mark.parametrize("scheme", ["dejmps", "bbpssw"])
@pytest.mark.parametrize(("e_a", "e_b"), ERRORS)
def test_every_engine_purifies_with_the_read_out_errors(scheme: str, e_a: float,
                                                        e_b: float) -> None:
    fidelity, _ = _expected(scheme, 2, e_a, e_b)
    spec = parse_scenario(_document(scheme, 2, e_a, e_b))
    assert plan_network(spec).requests[0].expected_fidelity == pytest.approx(fidelity, abs=1e-12)
    for engine, formalism in (("des", "bell_diagonal"), ("des", "density_matrix"),
                              ("fast", "bell_diagonal")):
        result = run(spec.model_copy(update={"formalism": formalism}), engine=engine)
        request = result.requests[0]
        assert request.delivered == request.requested
        assert request.fidelity == pytest.approx(fidelity, abs=1e-9), (engine, formalism)


def test_read_out_errors_make_a_difference() -> None:
    """The fidelities at e = 0, 0.1, 0.25 (the same at every engine) differ."""
    fidelities = [_expected("dejmps", 2, e, e)[0] for e in (0.0, 0.1, 0.25)]
    assert fidelities[0] - fidelities[1] > 0.01 and fidelities[1] - fidelities[2] > 0.01


@pytest.mark.parametrize("engine", ["fast", "des"])
def test_one_round_with_read_out_errors_succeeds_as_often_as_the_map_says(engine: str) -> None:
    """Two channels, one DEJMPS round: a delivery every E[max(G1, G2)] / p_pur periods,
    E[max] = (3 - 2p) / (p (2 - p)); p_pur includes the read-out errors."""
    document = read_out(purified("dejmps", 1, length="0 km", t2="inf"), 0.2, 0.1)
    _, p_pur = _expected("dejmps", 1, 0.2, 0.1)
    assert p_pur < 0.7  # 0.769 without read-out errors
    p = 0.3
    expected = p_pur / ((3 - 2 * p) / (p * (2 - p)) * 1e-3)
    document["requests"][0]["pairs"] = 2000 if engine == "des" else 150
    request = run(parse_scenario(document), engine=engine).requests[0]
    assert request.rate_hz is not None
    # des: n / T_n; T_n a sum of n i.i.d. delivery gaps of mean 1 / expected and relative
    # standard deviation at most 1 (a geometric number of rounds of max-geometric length)
    tolerance = 5 * expected / np.sqrt(request.delivered)
    if request.rate_ci95 is not None:
        tolerance = 5 * (request.rate_ci95[1] - request.rate_ci95[0]) / 2 / 1.96
    assert abs(request.rate_hz - expected) <= tolerance
