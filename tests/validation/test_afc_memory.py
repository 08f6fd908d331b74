"""AFC memories in the event simulation against closed forms, and the analytic engine.

A pair whose qubit sits in an AFC memory is lost at read-out with probability
``1 - eta(wait)``. On one link delivered at the herald, every attempt succeeds and is read
out with probability ``q = p eta``, ``eta = eta_a(d) eta_b(d)`` at the herald delay ``d``:
the attempts ``A`` up to ``N`` deliveries are negative binomial (mean ``N / q``, variance
``N (1 - q) / q^2``) and the lost recalls ``L`` among the heralds too (mean
``N (1 - eta) / eta``, variance ``N (1 - eta) / eta^2``). Tolerances: five standard errors.
"""

from __future__ import annotations

import copy
import math
from typing import Any

import pytest

from qfab.engines import run
from qfab.errors import ScenarioError
from qfab.loading import parse_scenario
from qfab.physics.afc import backward_efficiency, spin_wave_efficiency

PAIRS = 1500
LINK: dict[str, Any] = {
    "qfab": 1, "name": "afc link", "seed": 11, "duration": "60 s",
    "nodes": {"alice": {"memory": {"kind": "afc", "optical_depth": 20, "finesse": 10,
                                   "recall": "backward", "echo_time": "200 us"}},
              "bob": {}},
    "links": [{"kind": "double_click", "between": ["alice", "bob"], "length": "20 km",
               "cycle_time": "10 us", "fiber": {"attenuation": "0.2 dB/km"},
               "emitter": {"efficiency": 0.5}, "detector": {"efficiency": 0.9}}],
    "requests": [{"kind": "entanglement", "between": ["alice", "bob"], "pairs": PAIRS}]}

# herald delay of a 20 km link at 2e8 m/s: 100 us, inside the 200 us echo
ON_DEMAND = copy.deepcopy(LINK)
ON_DEMAND["nodes"] = {name: {"memory": {"kind": "afc", "efficiency": 0.6, "echo_time": "20 us",
                                        "on_demand": {"spin_coherence_time": "150 us",
                                                      "transfer_efficiency": 0.9}}}
                      for name in ("alice", "bob")}


def _recall(document: dict[str, Any]) -> float:
    if document is LINK:
        return float(backward_efficiency(20, 10))
    one = float(spin_wave_efficiency(0.6, 0.9, 100e-6 - 20e-6, 150e-6))
    return one * one


@pytest.mark.parametrize("document", [LINK, ON_DEMAND], ids=["fixed_delay", "on_demand"])
def test_des_delivers_and_loses_recalls_as_the_closed_form_says(document: dict[str, Any]
                                                                ) -> None:
    spec = parse_scenario(document)
    eta = _recall(document)
    result = run(spec, engine="des")
    analytic = run(spec, engine="analytic")
    p = analytic.links[0].p_success
    period = 10e-6 + 100e-6
    assert p is not None
    request = result.requests[0]
    assert request.delivered == PAIRS and request.lost_recalls is not None
    q = p * eta
    # attempts up to the last delivery, from its time: A = T / period
    assert request.completion_s is not None
    attempts = request.completion_s / period
    assert attempts == pytest.approx(PAIRS / q, abs=5 * math.sqrt(PAIRS * (1 - q)) / q)
    expected_lost = PAIRS * (1 - eta) / eta
    assert request.lost_recalls == pytest.approx(
        expected_lost, abs=5 * math.sqrt(PAIRS * (1 - eta)) / eta)
    # the analytic engine computes the same closed forms, the fast engine samples them
    expected = analytic.requests[0]
    fast = run(spec, engine="fast").requests[0]
    assert fast.rate_hz is not None and fast.rate_ci95 is not None
    half = (fast.rate_ci95[1] - fast.rate_ci95[0]) / 2
    assert fast.rate_hz == pytest.approx(q / period, abs=5 * half / 1.96)
    assert fast.lost_recalls == pytest.approx(expected_lost, rel=1e-9)
    assert expected.rate_hz == pytest.approx(q / period, rel=1e-9)
    assert expected.lost_recalls == pytest.approx(expected_lost, rel=1e-9)
    assert request.rate_hz is not None
    tolerance = 5 * expected.rate_hz * math.sqrt((1 - q) / PAIRS)
    assert request.rate_hz == pytest.approx(expected.rate_hz, abs=tolerance)


def test_a_fixed_delay_memory_whose_echo_comes_before_the_herald_is_refused() -> None:
    """The comb re-emits at its echo time; a herald that arrives later leaves nothing to read
    out, so the scenario is refused instead of running a link that never delivers."""
    document = copy.deepcopy(LINK)
    document["nodes"]["alice"]["memory"]["echo_time"] = "50 us"  # herald after 100 us
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(document)
    assert caught.value.path == "nodes.alice.memory.echo_time"
    document["nodes"]["alice"]["memory"]["echo_time"] = "100 us"  # the herald is just in time
    assert parse_scenario(document).nodes["alice"].memory.kind == "afc"


def test_a_swap_at_a_fixed_delay_repeater_succeeds_only_on_pairs_within_the_echo() -> None:
    """Two zero-length links, swap-asap, one qubit each, a fixed-delay AFC repeater whose
    echo (1 ns) is shorter than one attempt period: a swap reads out both qubits only when
    both links heralded in the same period (probability ``p / (2 - p)``), and then with
    ``eta^2``; every other round is a lost recall."""
    p, eta = 0.3, 0.8
    document: dict[str, Any] = {
        "qfab": 1, "seed": 5, "duration": "100 s",
        "nodes": {"a": {}, "r": {"memory": {"kind": "afc", "qubits": 2, "efficiency": eta,
                                            "echo_time": "1 ns"}}, "b": {}},
        "links": [{"kind": "depolarizing", "between": ends, "fidelity": 0.95,
                   "success_probability": p, "cycle_time": "1 ms"}
                  for ends in (["a", "r"], ["r", "b"])],
        "requests": [{"kind": "entanglement", "between": ["a", "b"], "pairs": 400}]}
    result = run(parse_scenario(document), engine="des")
    request = result.requests[0]
    assert request.delivered == 400 and request.lost_recalls is not None
    s = eta * eta * p / (2 - p)
    expected = 400 * (1 - s) / s
    assert request.lost_recalls == pytest.approx(expected, abs=5 * math.sqrt(400 * (1 - s)) / s)
