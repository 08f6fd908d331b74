"""Memory kinds through every engine: the depolarizing memory against closed forms.

``memory: {kind: depolarizing, coherence_time: T}``: each stored qubit is kept with
probability ``exp(-t/T)`` and depolarized otherwise, so a Werner pair whose two qubits
waited ``t`` has Werner parameter ``w exp(-2t/T)``. Tolerances as in
``test_engine_agreement``: the fast engine's 95 % interval over ``shots`` runs gives its
standard error; one event-simulation run has ``sqrt(shots)`` times that spread; five
standard errors.
"""

from __future__ import annotations

import copy
import math
from typing import Any

import pytest

from qfab.engines import run
from qfab.engines.result import RequestResult
from qfab.loading import parse_scenario
from tests.validation.test_engine_agreement import SHOTS, chain

TAU = 0.02  # coherence time of each qubit (s)
P, PERIOD, F_LINK = 0.1, 1e-3, 0.96


def _depolarizing(document: dict[str, Any], tau: float = TAU) -> dict[str, Any]:
    out = copy.deepcopy(document)
    for node in out["nodes"].values():
        node["memory"] = {"kind": "depolarizing", "coherence_time": tau,
                          "qubits": node["memory"]["qubits"]}
    return out


def _standard_error(interval: tuple[float, float] | None) -> float:
    assert interval is not None
    return (interval[1] - interval[0]) / 2 / 1.96


def _two_link_closed_form() -> tuple[float, float]:
    """Rate and mean fidelity of swap-asap on two zero-length links, one qubit each.

    A round lasts ``max(G1, G2)`` periods, ``E = (3 - 2p) / (p (2 - p))``. The earlier
    pair waits ``D = |G1 - G2|`` periods with both qubits stored, then the swap (instant,
    no classical delay) delivers ``w^2 exp(-2 D period / T)``. With ``q = 1 - p``,
    ``P(D = 0) = p / (2 - p)`` and ``P(D = d) = 2 p q^d / (2 - p)``, so
    ``E[x^D] = p (1 + q x) / ((2 - p)(1 - q x))``.
    """
    q = 1 - P
    rate = P * (2 - P) / (3 - 2 * P) / PERIOD
    w = (4 * F_LINK - 1) / 3
    x = math.exp(-2 * PERIOD / TAU)
    mean_decay = P * (1 + q * x) / ((2 - P) * (1 - q * x))
    return rate, 0.25 + 0.75 * w * w * mean_decay


TWO_LINKS = _depolarizing(chain(2, p=P))


def test_two_link_closed_form_in_the_analytic_engine() -> None:
    rate, fidelity = _two_link_closed_form()
    request = run(parse_scenario(TWO_LINKS), engine="analytic").requests[0]
    assert request.rate_hz == pytest.approx(rate, rel=1e-9)
    assert request.fidelity == pytest.approx(fidelity, abs=1e-9)


@pytest.mark.parametrize("engine", ["fast", "des"])
def test_two_link_closed_form_in_the_sampling_engines(engine: str) -> None:
    rate, fidelity = _two_link_closed_form()
    spec = parse_scenario(TWO_LINKS)
    fast: RequestResult = run(spec, engine="fast").requests[0]
    request = fast if engine == "fast" else run(spec, engine="des").requests[0]
    scale = 1.0 if engine == "fast" else math.sqrt(SHOTS)  # one des run: one fast run's spread
    assert request.delivered == request.requested
    assert request.rate_hz is not None and request.fidelity is not None
    assert abs(request.rate_hz - rate) <= 5 * scale * _standard_error(fast.rate_ci95)
    assert abs(request.fidelity - fidelity) <= 5 * scale * _standard_error(fast.fidelity_ci95)
    assert fidelity < 0.25 + 0.75 * ((4 * F_LINK - 1) / 3) ** 2 - 0.01


def test_four_link_nested_chain_agrees_across_engines() -> None:
    spec = parse_scenario(_depolarizing(chain(4, swap="nested", pairs=150), tau=0.05))
    analytic = run(spec, engine="analytic").requests[0]
    fast = run(spec, engine="fast").requests[0]
    des = run(spec, engine="des").requests[0]
    assert analytic.fidelity is not None and fast.fidelity is not None
    assert des.fidelity is not None
    se = _standard_error(fast.fidelity_ci95)
    assert abs(fast.fidelity - analytic.fidelity) <= 5 * se
    assert abs(des.fidelity - analytic.fidelity) <= 5 * se * math.sqrt(SHOTS + 1)
    assert analytic.fidelity < 0.25 + 0.75 * ((4 * F_LINK - 1) / 3) ** 4 - 0.01


@pytest.mark.parametrize("engine", ["analytic", "fast", "des"])
def test_a_fiber_link_pair_decays_while_its_herald_travels(engine: str) -> None:
    """One 20 km link: both qubits wait length / speed = 100 us before the herald,
    ``F = 1/4 + 3/4 w exp(-2 * 100 us / T)`` with no spread."""
    document = _depolarizing(chain(1, length="20 km"), tau=1e-3)
    request = run(parse_scenario(document), engine=engine).requests[0]
    w = (4 * F_LINK - 1) / 3
    assert request.fidelity == pytest.approx(0.25 + 0.75 * w * math.exp(-2 * 1e-4 / 1e-3),
                                             abs=1e-12)


@pytest.mark.parametrize("engine", ["fast", "des"])
def test_depolarizing_kind_is_t1_equal_t2_in_the_bell_diagonal_formalism(engine: str) -> None:
    """Both have character decay rates (1/T, 1/T, 1/T): the same draws give the same run."""
    t1t2 = run(parse_scenario(chain(4, length="10 km", t1="30 ms", t2="30 ms", pairs=50)),
               engine=engine).requests[0]
    depolarizing = run(parse_scenario(_depolarizing(
        chain(4, length="10 km", pairs=50), tau=0.03)), engine=engine).requests[0]
    assert depolarizing.delivered == t1t2.delivered
    assert depolarizing.rate_hz == pytest.approx(t1t2.rate_hz, rel=1e-12)
    assert depolarizing.fidelity == pytest.approx(t1t2.fidelity, abs=1e-12)


def test_density_matrix_formalism_uses_the_memory_kind() -> None:
    """A depolarizing memory is a Pauli channel: on Bell-diagonal pairs the exact density
    matrix agrees with the Bell-diagonal formalism, pair by pair. (With T1 = T2 it would
    not: amplitude damping is not Pauli.)"""
    document = _depolarizing(chain(2, length="10 km", pairs=20), tau=0.01)
    bell = run(parse_scenario(document), engine="des").requests[0]
    dense = run(parse_scenario({**document, "formalism": "density_matrix"}),
                engine="des").requests[0]
    assert dense.delivered == bell.delivered
    assert dense.fidelity == pytest.approx(bell.fidelity, abs=1e-12)
    t1t2 = chain(2, length="10 km", pairs=20, t1="10 ms", t2="10 ms")
    exact = run(parse_scenario({**t1t2, "formalism": "density_matrix"}),
                engine="des").requests[0]
    assert exact.fidelity is not None and bell.fidelity is not None
    assert abs(exact.fidelity - bell.fidelity) > 1e-6
