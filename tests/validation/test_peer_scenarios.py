"""The peer benchmark's scenarios (``bench/peers/qfab_peer.py``) against closed forms.

The benchmark compares qfab with SeQUeNCe and SimQN on S1 (one 10 km link) and S2 (chains
of 10 km hops) with SeQUeNCe's physics: success probability p = 0.5 eta_half^2 per attempt,
one attempt per period P = 2 hop/c, heralds h = hop/c after emission, raw Werner pairs of
fidelity 0.99 (Werner parameter w0), memories whose three Bell characters all decay as
exp(-t/T) per qubit (T = 1.5 s), 10 qubits per router. These tests run the benchmark's own
scenario builder through the event simulation and hold rate and fidelity to what that
physics predicts, at five standard errors.
"""

from __future__ import annotations

import importlib.util
import math
from pathlib import Path
from types import ModuleType

from qfab.engines import run
from qfab.loading import parse_scenario

HOP_S = 10e3 / 2e8  # classical and herald delay of one 10 km hop (hop/c)
PERIOD_S = 2 * HOP_S
MEMORY_T_S = 1.5
P = 0.5 * (10 ** (-0.2 * 5 / 10)) ** 2
W0 = (4 * 0.99 - 1) / 3


def _peer_module() -> ModuleType:
    path = Path(__file__).resolve().parents[2] / "bench" / "peers" / "qfab_peer.py"
    spec = importlib.util.spec_from_file_location("qfab_peer", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _run(nodes: int, sim_s: float, per_side: int) -> tuple[float, float, int]:
    document = _peer_module().scenario(nodes, 10.0, sim_s, 5, memories_per_side=per_side)
    result = run(parse_scenario(document), engine="des")
    request = result.requests[0]
    assert request.fidelity is not None
    return request.delivered / sim_s, request.fidelity, request.delivered


def test_s1_link_rate_and_fidelity() -> None:
    """Each of the 10 channels delivers a pair every G periods (G ~ Geometric(p)) and starts
    again at once: rate 10 p / P. A pair has decayed for h in both memories when its herald
    arrives and is delivered: F = 1/4 + 3/4 w0 exp(-2h/T)."""
    rate, fidelity, pairs = _run(2, 0.2, 10)
    expected_rate = 10 * P / PERIOD_S
    # renewal counting: the count's relative error is CV(G) / sqrt(pairs), CV(G) = sqrt(1 - p)
    assert abs(rate - expected_rate) <= 5 * expected_rate * math.sqrt((1 - P) / pairs)
    expected_fidelity = 0.25 + 0.75 * W0 * math.exp(-2 * HOP_S / MEMORY_T_S)
    assert abs(fidelity - expected_fidelity) <= 1e-9


def _max_moments(p: float) -> tuple[float, float]:
    """Mean and variance of max(G1, G2) for independent Geometric(p) on {1, 2, ...}."""
    q = 1 - p
    mean = second = 0.0
    for k in range(1, 2000):
        probability = (1 - q**k) ** 2 - (1 - q ** (k - 1)) ** 2
        mean += k * probability
        second += k * k * probability
    return mean, second - mean**2


def test_s2_three_routers_rate_and_fidelity() -> None:
    """Two links in 5 independent lanes. In a lane both links start together, the middle
    router swaps when the later herald arrives (max(G1, G2) periods), the ends learn it one
    hop later and deliver, and both links start again: a round lasts max(G1, G2) P + hop/c.
    The earlier pair waited |G1 - G2| P in both memories; every pair also decayed for h
    before its herald and the swapped pair for one hop before delivery, so
    F = 1/4 + 3/4 w0^2 exp(-2 (2h + hop/c) / T) E[x^|G1 - G2|], x = exp(-2P/T), with
    E[x^|D|] = p (1 + q x) / ((2 - p)(1 - q x)) (WAIT-2SEG's difference distribution)."""
    lanes, sim_s = 5, 0.5
    rate, fidelity, pairs = _run(3, sim_s, lanes)
    mean_max, var_max = _max_moments(P)
    round_s = mean_max * PERIOD_S + HOP_S
    expected_rate = lanes / round_s
    cv = math.sqrt(var_max) * PERIOD_S / round_s
    assert abs(rate - expected_rate) <= 5 * expected_rate * cv / math.sqrt(pairs)
    x = math.exp(-2 * PERIOD_S / MEMORY_T_S)
    scale = 0.75 * W0**2 * math.exp(-2 * (3 * HOP_S) / MEMORY_T_S)
    expected_fidelity = 0.25 + scale * _wait_factor(x)
    # per-pair fidelities spread with the waiting term: Var[x^|D|] = E[x^2|D|] - E[x^|D|]^2
    spread = scale * math.sqrt(_wait_factor(x * x) - _wait_factor(x) ** 2)
    assert abs(fidelity - expected_fidelity) <= 5 * spread / math.sqrt(pairs)


def _wait_factor(x: float) -> float:
    """E[x^|G1 - G2|] for independent Geometric(P)."""
    q = 1 - P
    return P * (1 + q * x) / ((2 - P) * (1 - q * x))
