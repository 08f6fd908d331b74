"""Two-node links: the event simulation against closed forms and the analytic engine.

Tolerances are five standard errors of the estimator: for a rate estimated from n pairs whose
waiting times are geometric with success probability p, the relative standard error of
n / T_n is sqrt((1 - p) / n); for a success probability estimated from N attempts it is
sqrt(p (1 - p) / N).
"""

from __future__ import annotations

import math
from typing import Any

import pytest

from qfab.engines import run
from qfab.loading import parse_scenario
from tests.scenarios import two_node


def _both(document: dict[str, Any], seed: int = 11) -> tuple[Any, Any]:
    spec = parse_scenario(document)
    return run(spec, engine="des", seed=seed), run(spec, engine="analytic")


def _rate_tolerance(rate: float, p: float, n: int) -> float:
    return 5 * rate * math.sqrt((1 - p) / n)


@pytest.mark.parametrize("p", [0.05, 0.3, 1.0])
def test_depolarizing_rate_is_p_over_cycle_time(p: float) -> None:
    """Mean of a geometric number of attempts is 1/p, so the rate is p / cycle_time."""
    n = 2000
    des, analytic = _both(two_node({"kind": "depolarizing", "fidelity": 0.9,
                                    "success_probability": p, "cycle_time": "1 ms"}, pairs=n,
                                   duration="1000 s"))
    expected = p / 1e-3
    assert analytic.requests[0].rate_hz == pytest.approx(expected, rel=1e-12)
    assert des.requests[0].delivered == n
    assert des.requests[0].rate_hz == pytest.approx(
        expected, abs=_rate_tolerance(expected, p, n) + 1e-9
    )
    assert des.requests[0].fidelity == pytest.approx(0.9, abs=1e-12)
    assert analytic.requests[0].fidelity == pytest.approx(0.9, abs=1e-12)


def test_single_click_matches_humphreys_closed_form() -> None:
    """HEG-SINGLECLICK-01 (Humphreys et al., Nature 558, 268 (2018)): alpha = 0.1, eta = 0.05
    gives p = 2 alpha eta - alpha^2 eta^2 = 9.975e-3 and F = 2(1 - alpha)/(2 - alpha eta)
    = 0.90225564 without dark counts."""
    document = two_node({"kind": "single_click", "bright_state": 0.1, "cycle_time": "1 us",
                         "emitter": {"efficiency": 0.05}}, duration="2 s")
    des, analytic = _both(document)
    p, fidelity = 9.975e-3, 0.90225564
    assert analytic.links[0].p_success == pytest.approx(p, rel=1e-9)
    assert analytic.links[0].fidelity == pytest.approx(fidelity, abs=1e-8)
    attempts = des.links[0].attempts
    assert attempts > 1e5
    assert des.links[0].p_success == pytest.approx(p, abs=5 * math.sqrt(p * (1 - p) / attempts))
    assert des.links[0].fidelity == pytest.approx(fidelity, abs=1e-8)


def test_double_click_success_is_half_eta_squared() -> None:
    """HEG-BARRETTKOK-01 (Barrett & Kok, PRA 71, 060310 (2005)): eta = 0.1 gives p = 5e-3, F = 1."""
    document = two_node({"kind": "double_click", "cycle_time": "1 us",
                         "detector": {"efficiency": 0.1}}, duration="2 s")
    des, analytic = _both(document)
    p = 5e-3
    assert analytic.links[0].p_success == pytest.approx(p, rel=1e-9)
    attempts = des.links[0].attempts
    assert des.links[0].p_success == pytest.approx(p, abs=5 * math.sqrt(p * (1 - p) / attempts))
    assert des.links[0].fidelity == pytest.approx(1.0, abs=1e-12)


def test_fiber_sets_period_and_arm_efficiency() -> None:
    """25 km at 0.2 dB/km: each arm (12.5 km) transmits 10^-0.25; the period is L / c_fiber
    = 125 us (photon to the midpoint and herald back). Double click: p = eta^2 / 2."""
    document = two_node({"kind": "double_click", "length": "25 km",
                         "fiber": {"attenuation": "0.2 dB/km"}}, pairs=3000, duration="1000 s")
    des, analytic = _both(document)
    p = 10 ** (-0.25 * 2) / 2
    rate = p / 125e-6
    assert analytic.links[0].p_success == pytest.approx(p, rel=1e-12)
    assert analytic.requests[0].rate_hz == pytest.approx(rate, rel=1e-9)
    assert des.requests[0].rate_hz == pytest.approx(rate, abs=_rate_tolerance(rate, p, 3000))


def test_pairs_dephase_while_the_herald_travels() -> None:
    """MEM-DECOH-01 generalised to a Werner pair: dephasing on both qubits for t flips the
    phase with probability (1 - e^{-2t/T2})/2, so F = F0 (1 + l)/2 + (1 - F0)/3 (1 - l)/2,
    l = e^{-2t/T2}. Here t = 100 km / 2e8 m/s = 0.5 ms and T2 = 5 ms."""
    document = two_node({"kind": "depolarizing", "fidelity": 0.95, "success_probability": 0.5,
                         "cycle_time": "1 us", "length": "100 km"}, pairs=50)
    for node in ("alice", "bob"):
        document["nodes"][node] = {"memory": {"t2": "5 ms"}}
    des, analytic = _both(document)
    lam = math.exp(-2 * 0.5e-3 / 5e-3)
    expected = 0.95 * (1 + lam) / 2 + 0.05 / 3 * (1 - lam) / 2
    assert analytic.requests[0].fidelity == pytest.approx(expected, abs=1e-12)
    assert des.requests[0].fidelity == pytest.approx(expected, abs=1e-12)


def test_density_matrix_formalism_agrees_with_bell_diagonal_under_dephasing() -> None:
    """Pure dephasing is a Pauli channel, so both state formalisms give the same delivered
    fidelity exactly (MEM-DECOH-01)."""
    document = two_node({"kind": "depolarizing", "fidelity": 0.97, "success_probability": 0.5,
                         "cycle_time": "1 us", "length": "200 km"}, pairs=20)
    for node in ("alice", "bob"):
        document["nodes"][node] = {"memory": {"t2": "3 ms"}}
    bell = run(parse_scenario(document), engine="des")
    matrix = run(parse_scenario({**document, "formalism": "density_matrix"}), engine="des")
    assert matrix.requests[0].fidelity == pytest.approx(bell.requests[0].fidelity, abs=1e-12)


def test_bell_diagonal_t1_is_the_pauli_twirl_of_amplitude_damping() -> None:
    """With T1 decay on both qubits the Bell-diagonal formalism keeps the Pauli twirl of
    amplitude damping; it misses the |11> -> |00> population of the exact channel, which
    raises the exact fidelity by gamma^2 / 4, gamma = 1 - e^{-t/T1}
    (Ghosh, Fowler, Geller, PRA 86, 062318 (2012))."""
    document = two_node({"kind": "depolarizing", "fidelity": 0.97, "success_probability": 0.5,
                         "cycle_time": "1 us", "length": "200 km"}, pairs=20)
    for node in ("alice", "bob"):
        document["nodes"][node] = {"memory": {"t1": "4 ms", "t2": "3 ms"}}
    bell = run(parse_scenario(document), engine="des").requests[0].fidelity
    matrix = run(parse_scenario({**document, "formalism": "density_matrix"}),
                 engine="des").requests[0].fidelity
    gamma = 1 - math.exp(-1e-3 / 4e-3)
    assert bell is not None and matrix is not None
    assert matrix - bell == pytest.approx(gamma**2 / 4, abs=1e-12)


def test_parallel_channels_multiply_the_rate() -> None:
    """Two qubits at each end run two independent attempt sequences: rate 2 p / period."""
    n, p = 4000, 0.2
    document = two_node({"kind": "depolarizing", "fidelity": 0.9, "success_probability": p,
                         "cycle_time": "1 ms"}, pairs=n, duration="1000 s")
    for node in ("alice", "bob"):
        document["nodes"][node] = {"memory": {"qubits": 2}}
    des, analytic = _both(document)
    rate = 2 * p / 1e-3
    assert analytic.requests[0].rate_hz == pytest.approx(rate, rel=1e-12)
    assert des.requests[0].rate_hz == pytest.approx(rate, abs=_rate_tolerance(rate, p, n))


def test_cutoff_shorter_than_the_herald_delivers_nothing() -> None:
    """A pair has waited length / c when its herald arrives; a shorter cutoff discards it."""
    document = two_node({"kind": "depolarizing", "fidelity": 0.9, "success_probability": 0.5,
                         "length": "10 km", "cycle_time": "1 us"}, pairs=5, duration="10 ms",
                        policy={"cutoff": "10 us"})
    des, analytic = _both(document)
    assert des.requests[0].delivered == 0 == analytic.requests[0].delivered
    assert des.requests[0].target_met is False and analytic.requests[0].target_met is False


def test_duration_limits_delivery() -> None:
    """With rate p / T = 100 Hz and 1 s of simulated time, about 100 of 10,000 pairs arrive."""
    document = two_node({"kind": "depolarizing", "fidelity": 0.9, "success_probability": 0.1,
                         "cycle_time": "1 ms"}, pairs=10_000, duration="1 s")
    des, analytic = _both(document)
    assert analytic.requests[0].delivered == 100
    assert des.requests[0].delivered == pytest.approx(100, abs=5 * math.sqrt(100 * 0.9))
    assert des.sim_time_s == pytest.approx(1.0)


def test_requests_on_one_link_are_served_in_order() -> None:
    """The second request starts receiving when the first is complete."""
    document = two_node({"kind": "depolarizing", "fidelity": 0.9, "success_probability": 0.5,
                         "cycle_time": "1 ms"})
    document["requests"] = [{"kind": "entanglement", "between": ["alice", "bob"], "pairs": 500},
                            {"kind": "entanglement", "between": ["bob", "alice"], "pairs": 500}]
    des, analytic = _both(document)
    assert analytic.requests[1].rate_hz == pytest.approx(250.0)
    assert des.requests[1].rate_hz == pytest.approx(250.0, abs=_rate_tolerance(250, 0.5, 1000))
