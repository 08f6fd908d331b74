"""Repeater chains in the event simulation against closed forms and exact recursions.

Chains of ``depolarizing`` links with ideal memories and zero length, one qubit per end
node and two per repeater. Validation cases: SWAP-WERNER-01 (fidelity), WAIT-2SEG-01 and the
nested waiting times of Brand, Coopmans, Elkouss, IEEE JSAC 38, 619 (2020) (rate);
Shchukin, Schmidt, van Loock, PRA 100, 032322 (2019) for swap-asap.

The rate estimator n / T_n averages n i.i.d. delivery rounds, so its relative standard
error is sd(T) / (E[T] sqrt(n)); tolerances are five of those.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest

from qfab.engines import chain_analytics, run
from qfab.loading import parse_scenario
from tests.scenarios import max_geometric_moments


def chain(links: int, p: float, *, fidelity: float = 0.95, pairs: int = 1500,
          p_swap: float = 1.0, swap: str = "asap", **policy: Any) -> dict[str, Any]:
    """A zero-length chain of depolarizing links (1 ms cycle) with one request end to end."""
    names = [f"n{i}" for i in range(links + 1)]
    nodes = {name: {"memory": {"qubits": 1 if name in (names[0], names[-1]) else 2},
                    "gates": {"swap_success_probability": p_swap}} for name in names}
    return {
        "qfab": 1, "name": f"{links}-link chain", "seed": 3, "duration": "100000 s",
        "nodes": nodes,
        "links": [{"kind": "depolarizing", "between": [a, b], "fidelity": fidelity,
                   "success_probability": p, "cycle_time": "1 ms"}
                  for a, b in zip(names, names[1:])],
        "policy": {"swap": swap, **policy},
        "requests": [{"kind": "entanglement", "between": [names[0], names[-1]],
                      "pairs": pairs}],
    }


def assert_rate(measured: float | None, mean_steps: float, var_steps: float, n: int) -> None:
    expected = 1.0 / (mean_steps * 1e-3)
    tolerance = 5 * expected * math.sqrt(var_steps) / mean_steps / math.sqrt(n)
    assert measured == pytest.approx(expected, abs=tolerance)


@pytest.mark.parametrize(("links", "p"), [(2, 0.1), (2, 0.5), (4, 0.1), (4, 0.5), (8, 0.3)])
def test_asap_chain_rate_and_fidelity(links: int, p: float) -> None:
    """Rate 1 / (E[max G_i] cycle_time); fidelity 1/4 + 3/4 prod w_i (SWAP-WERNER-01).

    Links generate on demand, one pair per link per end-to-end pair: a link between two
    repeaters that both swapped early waits for the next round instead of running ahead
    (which would beat the closed form by 17 % on 8 links)."""
    result = run(parse_scenario(chain(links, p)), engine="des")
    request = result.requests[0]
    mean, var = max_geometric_moments(links, p)
    assert mean == pytest.approx(chain_analytics.mean_max_geometric([p] * links), rel=1e-9)
    assert request.delivered == 1500
    assert_rate(request.rate_hz, mean, var, 1500)
    w = (4 * 0.95 - 1) / 3
    assert request.fidelity == pytest.approx(0.25 + 0.75 * w**links, abs=1e-12)
    assert request.fidelity_min == pytest.approx(0.25 + 0.75 * w**links, abs=1e-12)


@pytest.mark.parametrize(("p", "p_swap"), [(0.1, 0.5), (0.5, 0.8)])
def test_two_link_chain_with_failing_swaps(p: float, p_swap: float) -> None:
    """WAIT-2SEG-01: E[T] = (3 - 2p) / (p_swap p (2 - p)); a failed swap discards both
    links. T is a Geometric(p_swap) number of i.i.d. rounds M: Var T = Var M / p_s +
    (1 - p_s) E[M]^2 / p_s^2."""
    result = run(parse_scenario(chain(2, p, p_swap=p_swap)), engine="des")
    mean_m, var_m = max_geometric_moments(2, p)
    mean = chain_analytics.asap_two_link_mean_time(p, p_swap)
    assert mean == pytest.approx(mean_m / p_swap, rel=1e-9)
    var = var_m / p_swap + (1 - p_swap) * mean_m**2 / p_swap**2
    assert_rate(result.requests[0].rate_hz, mean, var, 1500)


@pytest.mark.parametrize("p_swap", [1.0, 0.6])
def test_nested_four_link_chain_matches_exact_recursion(p_swap: float) -> None:
    """Nested (doubling) swapping over 4 links against the exact waiting-time distribution
    (Brand, Coopmans, Elkouss 2020)."""
    result = run(parse_scenario(chain(4, 0.3, p_swap=p_swap, swap="nested")), engine="des")
    pmf = chain_analytics.waiting_time_pmf(0.3, levels=2, p_swap=p_swap)
    t = np.arange(pmf.size)
    mean = float((t * pmf).sum())
    var = float((t**2 * pmf).sum()) - mean**2
    assert_rate(result.requests[0].rate_hz, mean, var, 1500)
    w = (4 * 0.95 - 1) / 3
    assert result.requests[0].fidelity == pytest.approx(0.25 + 0.75 * w**4, abs=1e-12)


@pytest.mark.parametrize("swap", ["asap", "nested"])
def test_analytic_engine_agrees_on_chains(swap: str) -> None:
    """The analytic engine gives the closed forms the event simulation is checked against."""
    result = run(parse_scenario(chain(4, 0.2, swap=swap)), engine="analytic")
    if swap == "asap":
        mean = chain_analytics.mean_max_geometric([0.2] * 4)
    else:
        mean = chain_analytics.mean_waiting_time(
            chain_analytics.waiting_time_pmf(0.2, levels=2))
    assert result.requests[0].rate_hz == pytest.approx(1 / (mean * 1e-3), rel=1e-9)
    w = (4 * 0.95 - 1) / 3
    assert result.requests[0].fidelity == pytest.approx(0.25 + 0.75 * w**4, abs=1e-12)


def test_lanes_multiply_the_chain_rate() -> None:
    """Three qubits per side: qubit j only swaps with qubit j, so the chain is three
    independent one-qubit chains and delivers 3 / (E[max G_i] cycle_time). Oblivious
    swapping across lanes would cross segments and lock the end memories."""
    document = chain(4, 0.3, pairs=1500)
    for name, node in document["nodes"].items():
        node["memory"]["qubits"] = 3 if name in ("n0", "n4") else 6
    result = run(parse_scenario(document), engine="des")
    mean, var = max_geometric_moments(4, 0.3)
    assert result.requests[0].delivered == 1500
    expected = 3 / (mean * 1e-3)
    tolerance = 5 * expected * math.sqrt(var) / mean / math.sqrt(1500)
    assert result.requests[0].rate_hz == pytest.approx(expected, abs=tolerance)


def test_each_lane_asks_its_links_for_one_pair_per_delivery() -> None:
    """Links generate on demand per lane: every link makes one pair per lane to start with
    and one more per end-to-end pair of that lane, so no link runs ahead of the ends. (With
    demand pooled over a link's channels, idle channels of interior links attempted on any
    lane's credit and made pairs overlapping segments in flight: four times the ends' pairs
    on long chains.)"""
    lanes = 5
    document = chain(16, 0.3, pairs=400)
    for name, node in document["nodes"].items():
        node["memory"]["qubits"] = lanes if name in ("n0", "n16") else 2 * lanes
    result = run(parse_scenario(document), engine="des")
    delivered = result.requests[0].delivered
    assert delivered == 400
    for link in result.links:
        assert delivered <= link.successes <= delivered + lanes
