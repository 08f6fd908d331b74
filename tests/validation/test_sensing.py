"""Distributed sensing with GHZ states fused at a hub, against closed forms and across engines.

- SENS-GHZ-STAR-01: the GHZ fidelity of Werner pairs of fidelity ``F`` (``p = (4F-1)/3``)
  fused at a hub that is a sensor (``N - 1`` pairs), ``[((2F+1)/3)^(N-1) + p^(N-1)]/2``, and
  at a hub that measures out (``N`` pairs), ``[((2F+1)/3)^N + p^N + (2(1-F)/3)^N]/2``, with
  the case's numbers; parity visibility ``p^k`` for ``k`` pairs; a gain over the standard
  quantum limit iff ``N V^2 > 1``;
- SENS-HEISENBERG-01: Heisenberg and standard-limit uncertainties ``1/(N sqrt(nu))`` and
  ``1/sqrt(N nu)`` (variances ``1/(N^2 nu)`` and ``1/(N nu)``) from the case's table, and the
  parity Fisher information 9 for ``N = 3``;
- Huelga et al., PRL 79, 3865 (1997): under independent Markovian dephasing the GHZ state
  and independent sensors reach the same frequency variance ``2 e gamma / (N T)`` once the
  interrogation time is optimised (numerically, here);
- the engines: a des run's sampled parity mean is within 5 standard errors
  ``sqrt((1 - E^2) / shots)`` of the analytic engine's expected parity, and the GHZ fidelity
  from the recorded pairs within 5 standard errors of the expected one; the coherence factor
  of the interrogation is ``exp(-N t / T2)``; the des's fusion ages each pair by its wait.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from scipy.optimize import minimize_scalar

from qfab.engines import run, supports
from qfab.errors import EngineError
from qfab.loading import parse_scenario
from qfab.physics import ghz_sensing as ghz
from qfab.physics.bell_diagonal import werner, werner_parameter
from qfab.physics.memory import stored, t1_t2_decay_rates


def star(sensors: list[str], hub: str, *, fidelity: float = 0.95, shots: int = 3000,
         memory: dict[str, Any] | None = None, success: float = 0.3,
         **request: Any) -> dict[str, Any]:
    """Depolarizing links (pairs of one fidelity, zero length) from ``hub`` to each other
    sensor; ``memory`` (e.g. ``{t2: ...}``) on every node."""
    names = sorted({hub, *sensors})
    spokes = [name for name in sensors if name != hub]
    return {"qfab": 1, "seed": 21, "duration": "100 s",
            "nodes": {name: {"memory": {"qubits": len(spokes) if name == hub else 1,
                                        **(memory or {})}} for name in names},
            "links": [{"kind": "depolarizing", "between": [hub, name], "fidelity": fidelity,
                       "success_probability": success, "cycle_time": "1 ms"}
                      for name in spokes],
            "requests": [{"kind": "sensing", "sensors": sensors, "hub": hub, "shots": shots,
                          **request}]}


# --- SENS-GHZ-STAR-01 -----------------------------------------------------------------


def test_reference_numbers_of_the_star() -> None:
    assert ghz.werner_ghz_fidelity(0.9, 3, hub_is_sensor=True) == pytest.approx(
        0.811111111, abs=1e-9)
    visibility = ghz.werner_parity_visibility(0.9, 2)
    assert visibility == pytest.approx(0.751111111, abs=1e-9)
    assert ghz.gain_db(3, visibility) == pytest.approx(2.2853, abs=5e-5)
    assert ghz.werner_ghz_fidelity(0.99, 3, hub_is_sensor=False) == pytest.approx(
        0.970332148, abs=1e-9)


@pytest.mark.parametrize("hub_is_sensor", [True, False])
@pytest.mark.parametrize("sensors", [2, 3, 5, 8])
@pytest.mark.parametrize("fidelity", [1.0, 0.97, 0.8, 0.5])
def test_werner_closed_forms(hub_is_sensor: bool, sensors: int, fidelity: float) -> None:
    k = sensors - 1 if hub_is_sensor else sensors
    p = (4 * fidelity - 1) / 3
    if hub_is_sensor:
        closed = (((2 * fidelity + 1) / 3) ** k + p ** k) / 2
    else:
        closed = (((2 * fidelity + 1) / 3) ** k + p ** k + (2 * (1 - fidelity) / 3) ** k) / 2
    pairs = np.stack([werner(fidelity)] * k)
    assert ghz.werner_ghz_fidelity(fidelity, sensors, hub_is_sensor=hub_is_sensor) == \
        pytest.approx(closed, abs=1e-14)
    assert ghz.fused_ghz_fidelity(pairs, hub_is_sensor=hub_is_sensor) == pytest.approx(
        closed, abs=1e-14)
    assert ghz.parity_visibility(pairs, hub_is_sensor=hub_is_sensor) == pytest.approx(
        p ** k, abs=1e-14)
    assert ghz.werner_parity_visibility(fidelity, k) == pytest.approx(p ** k, abs=1e-14)


def test_gain_if_and_only_if_n_v_squared_exceeds_one() -> None:
    checked = {True: 0, False: 0}
    for n in range(2, 13):
        for fidelity in np.linspace(0.6, 1.0, 41):
            v = float(ghz.werner_parity_visibility(fidelity, n))
            advantage = n * v ** 2 > 1
            if abs(n * v ** 2 - 1) < 1e-12:
                continue
            assert (ghz.gain_db(n, v) > 0) == advantage
            assert (ghz.phase_uncertainty(n, v, 1000) < ghz.sql_uncertainty(n, 1000)) \
                == advantage
            checked[advantage] += 1
    assert checked[True] > 20 and checked[False] > 20  # both sides of the boundary


# --- SENS-HEISENBERG-01 ---------------------------------------------------------------


@pytest.mark.parametrize(("n", "shots", "hl", "sql"), [(10, 1000, 3.16227766e-3, 0.01),
                                                       (100, 100, 1e-3, 0.01)])
def test_heisenberg_and_standard_limits(n: int, shots: int, hl: float, sql: float) -> None:
    assert ghz.heisenberg_uncertainty(n, shots) == pytest.approx(hl, rel=1e-8)
    assert ghz.sql_uncertainty(n, shots) == pytest.approx(sql, rel=1e-12)
    assert ghz.heisenberg_uncertainty(n, shots) ** 2 == pytest.approx(1 / (n ** 2 * shots))
    assert ghz.sql_uncertainty(n, shots) ** 2 == pytest.approx(1 / (n * shots))
    # perfect GHZ at the working point reaches the Heisenberg limit
    assert ghz.phase_uncertainty(n, 1.0, shots) == pytest.approx(hl, rel=1e-8)


def test_parity_fisher_information_of_three_sensors_is_nine() -> None:
    assert ghz.optimal_fisher_information(3, 1.0) == 9.0
    perfect = np.stack([werner(1.0)] * 2)
    assert ghz.fisher_information(perfect, math.pi / 2, hub_is_sensor=True) == \
        pytest.approx(9.0, abs=1e-12)
    noisy = np.stack([werner(0.9)] * 2)
    v = ghz.werner_parity_visibility(0.9, 2)
    assert ghz.fisher_information(noisy, math.pi / 2, hub_is_sensor=True) == pytest.approx(
        9 * v ** 2, rel=1e-12)
    # off the working point the Fisher information is lower
    assert ghz.fisher_information(noisy, 0.5, hub_is_sensor=True) < 9 * v ** 2 - 0.5


# --- Huelga et al. 1997 ---------------------------------------------------------------


@pytest.mark.parametrize("n", [2, 5, 20])
def test_no_ghz_gain_under_independent_dephasing_once_time_is_optimised(n: int) -> None:
    gamma, total = 3.0, 10.0
    best = {}
    for entangled in (False, True):
        found = minimize_scalar(
            lambda log_t, ghz_state=entangled: float(ghz.huelga_frequency_variance(
                n, math.exp(log_t), total, gamma, entangled=ghz_state)),
            bounds=(math.log(1e-6), math.log(10.0)), method="bounded",
            options={"xatol": 1e-10})
        best[entangled] = (math.exp(found.x), found.fun)
        assert best[entangled][0] == pytest.approx(
            ghz.huelga_optimal_interrogation_time(n, gamma, entangled=entangled), rel=1e-4)
        assert best[entangled][1] == pytest.approx(
            ghz.huelga_optimal_variance(n, total, gamma), rel=1e-8)
    assert best[True][1] == pytest.approx(best[False][1], rel=1e-8)
    # at one short interrogation time the GHZ state does gain (nearly a factor N)
    t = 1e-4 / gamma
    ratio = float(ghz.huelga_frequency_variance(n, t, total, gamma, entangled=True)
                  / ghz.huelga_frequency_variance(n, t, total, gamma, entangled=False))
    assert ratio == pytest.approx(1 / n, rel=1e-2)


# --- the engines ----------------------------------------------------------------------


@pytest.mark.parametrize(("sensors", "hub"), [(["h", "a", "b"], "h"), (["a", "b", "c"], "h")])
def test_des_agrees_with_analytic_within_five_standard_errors(sensors: list[str],
                                                              hub: str) -> None:
    spec = parse_scenario(star(sensors, hub, phase=0.6))
    analytic = run(spec, engine="analytic").requests[0]
    des = run(spec, engine="des", seed=4).requests[0]
    hub_is_sensor = hub in sensors
    k = len(sensors) - 1 if hub_is_sensor else len(sensors)
    n = len(sensors)
    p = float(werner_parameter(0.95))
    assert analytic.shots_completed == des.shots_completed == 3000
    assert analytic.ghz_fidelity == pytest.approx(
        ghz.werner_ghz_fidelity(0.95, n, hub_is_sensor=hub_is_sensor), abs=1e-12)
    assert analytic.parity_visibility == pytest.approx(p ** k, abs=1e-12)
    assert analytic.parity_expected == pytest.approx(p ** k * math.cos(0.6), abs=1e-12)
    assert analytic.parity_mean is None and des.parity_mean is not None
    assert abs(des.parity_mean - analytic.parity_expected) < 5 * des.parity_mean_se
    se_closed = math.sqrt((1 - analytic.parity_expected ** 2) / 3000)
    assert des.parity_mean_se == pytest.approx(se_closed, rel=0.05)
    assert abs(des.ghz_fidelity - analytic.ghz_fidelity) <= 5 * des.ghz_fidelity_se + 1e-12
    fisher = ghz.fringe_fisher_information(n, p ** k, 0.6)
    for row in (analytic, des):
        assert row.fisher_information == pytest.approx(fisher, rel=1e-9)
        assert row.phase_uncertainty == pytest.approx(1 / math.sqrt(3000 * fisher), rel=1e-9)
        assert row.sql_uncertainty == pytest.approx(1 / math.sqrt(n * 3000))
        assert row.heisenberg_uncertainty == pytest.approx(1 / (n * math.sqrt(3000)))
        assert row.gain_db == pytest.approx(10 * math.log10(fisher / n), abs=1e-9)
        assert row.delivered == row.requested == 3000 * k


def test_the_working_point_gives_the_closed_form_uncertainty_and_gain() -> None:
    row = run(parse_scenario(star(["h", "a", "b"], "h", fidelity=0.9)),
              engine="analytic").requests[0]
    v = 0.751111111
    assert row.phase == pytest.approx(math.pi / 2)
    assert row.parity_visibility == pytest.approx(v, abs=1e-9)
    assert row.phase_uncertainty == pytest.approx(1 / (3 * v * math.sqrt(3000)), rel=1e-8)
    assert row.gain_db == pytest.approx(2.2853, abs=5e-5)


def test_dephasing_during_interrogation_is_the_coherence_factor() -> None:
    """Two sensors, the hub one of them: one spoke, no wait for a fusion, so the analytic
    engine models the T2 memories (the link has zero length: the pair does not decay
    before delivery)."""
    wait, t2 = 0.05, 0.2
    spec = parse_scenario(star(["h", "a"], "h", fidelity=0.97, shots=4000, phase=0.8,
                               memory={"t1": "1 s", "t2": f"{t2} s"},
                               interrogation_time=f"{wait} s"))
    analytic = run(spec, engine="analytic").requests[0]
    coherence = math.exp(-2 * wait / t2)
    p = float(werner_parameter(0.97))
    assert analytic.coherence_factor == pytest.approx(coherence, rel=1e-12)
    assert analytic.ghz_fidelity == pytest.approx(0.97, abs=1e-12)  # before interrogation
    assert analytic.parity_visibility == pytest.approx(p * coherence, rel=1e-12)
    assert analytic.parity_expected == pytest.approx(p * coherence * math.cos(0.8), rel=1e-12)
    des = run(spec, engine="des", seed=9).requests[0]
    assert des.coherence_factor == pytest.approx(coherence, rel=1e-12)
    assert abs(des.parity_mean - analytic.parity_expected) < 5 * des.parity_mean_se


def test_des_fusion_ages_each_pair_by_its_wait() -> None:
    t2 = 0.05
    spec = parse_scenario(star(["a", "b", "c"], "h", fidelity=0.98, shots=300, success=0.05,
                               memory={"t2": f"{t2} s", "t1": "1 s"}))
    support = supports(spec, engine="analytic")
    assert not support and support.reason is not None
    assert support.reason.startswith("nodes.") and "wait" in support.reason
    assert support.reason.endswith("(use engine des)")
    with pytest.raises(EngineError, match="nodes"):
        run(spec, engine="analytic")
    des = run(spec, engine="des", seed=2).requests[0]
    assert des.shots_completed == 300 and des.fusion_wait_mean_s > 1e-3
    # the ideal fusion of undecayed pairs would be better than what the waits leave
    undecayed = ghz.werner_ghz_fidelity(des.fidelity, 3, hub_is_sensor=False)
    assert des.ghz_fidelity < undecayed - 5 * des.ghz_fidelity_se
    # recompute from the spokes' pairs: each stored at both ends for its wait
    from qfab.engines.sensing import _split
    from qfab.engines.sensing_row import fused_shots

    split = _split(spec)
    network = run(split.network, engine="des", seed=2)
    assert network.requests[0].delivered == 300
    arrivals = []
    for request in split.network.requests:
        recorded = request.recorded()
        arrivals.append((np.array([t for t, _ in recorded]), np.array([v for _, v in recorded])))
    # one qubit per spoke at the sensors: each spoke makes its next pair only after the
    # fusion, so shot k fuses one largest generation time after shot k - 1
    recorded = np.stack([a[0][:300] for a in arrivals], axis=1)
    gaps = np.diff(np.vstack([np.zeros((1, 3)), recorded]), axis=0)
    fusion = np.cumsum(gaps.max(axis=1))
    times = np.concatenate([[0.0], fusion[:-1]])[:, None] + gaps
    waits = fusion[:, None] - times
    assert des.fusion_wait_max_s == pytest.approx(float(waits.max()), rel=1e-12)
    rates = t1_t2_decay_rates(1.0, t2)
    pairs = np.stack([stored(stored(a[1][:300], waits[:, i], rates), waits[:, i], rates)
                      for i, a in enumerate(arrivals)], axis=1)
    expected = float(np.mean(ghz.fused_ghz_fidelity(pairs, hub_is_sensor=False)))
    shots = fused_shots(spec, spec.requests[0], arrivals)
    assert float(np.mean(ghz.fused_ghz_fidelity(shots.pairs, hub_is_sensor=False))) == \
        pytest.approx(expected, abs=1e-12)
    assert des.ghz_fidelity == pytest.approx(expected, abs=1e-12)


def test_fast_engine_refuses_with_the_reason() -> None:
    spec = parse_scenario(star(["a", "b"], "h"))
    support = supports(spec, engine="fast")
    assert not support
    assert support.reason == ("requests[0].kind: sensing: the fast engine does not fuse GHZ "
                              "states from the network's pairs; use engine analytic or des")
    with pytest.raises(EngineError, match="requests\\[0\\].kind: sensing"):
        run(spec, engine="fast")


# --- the fusion's schedule -----------------------------------------------------------------


def test_one_pair_per_spoke_paces_the_shots_by_the_largest_wait() -> None:
    """With one qubit per spoke a shot waits for the slowest of the spokes' fresh
    generation times: the shot rate is 1 / E[max_i T_i] (for exponential waits of rates
    r_i, by inclusion-exclusion); des against the closed form within 5 SE, and the analytic
    engine gives the closed form."""
    from qfab.engines.chain_analytics import mean_max_exponential

    shots = 3000
    document = star(["a", "b", "c"], "h", shots=shots, success=0.02)
    document["links"][1]["success_probability"] = 0.01
    document["duration"] = "1000 s"
    spec = parse_scenario(document)
    rates = [0.02 / 1e-3, 0.01 / 1e-3, 0.02 / 1e-3]
    inclusion_exclusion = (1 / rates[0] + 1 / rates[1] + 1 / rates[2]
                           - 1 / (rates[0] + rates[1]) - 1 / (rates[0] + rates[2])
                           - 1 / (rates[1] + rates[2]) + 1 / sum(rates))
    period = mean_max_exponential(rates)
    assert period == pytest.approx(inclusion_exclusion, rel=1e-10)
    analytic = run(spec, engine="analytic").requests[0]
    assert analytic.shot_rate_hz == pytest.approx(1 / period, rel=1e-9)
    des = run(spec, engine="des", seed=5).requests[0]
    # geometric attempts of 1 ms: the mean of the largest wait is within a few 0.1 % of the
    # exponential one at these probabilities; its SE over the shots is about 1.5 %
    measured = shots / des.completion_s
    se = 1.0 / period / math.sqrt(shots)  # the largest wait's sd is about its mean
    assert abs(measured - 1 / period) < 5 * se
    assert des.shot_rate_hz == pytest.approx(measured, rel=1e-9)
    assert des.fusion_wait_mean_s == pytest.approx(analytic.fusion_wait_mean_s, rel=0.1)
    assert des.note is None  # no pair waits beyond its spoke's qubits


def test_paced_arrivals_follow_the_recursion() -> None:
    from qfab.engines.sensing_row import paced_arrivals

    a = np.array([1.0, 2.0, 3.0, 4.0])   # gaps 1, 1, 1, 1
    b = np.array([3.0, 4.0, 8.0, 9.0])   # gaps 3, 1, 4, 1
    # one pair per spoke: f = cumsum(max gaps) = 3, 4, 8, 9; a's pairs one gap after f[k-1]
    times, fusion = paced_arrivals(0.0, [a, b], [1, 1])
    assert fusion.tolist() == [3.0, 4.0, 8.0, 9.0]
    assert times[:, 0].tolist() == [1.0, 4.0, 5.0, 9.0]
    # unbounded buffers: the recorded arrivals
    times, fusion = paced_arrivals(0.0, [a, b], [4, 4])
    assert fusion.tolist() == [3.0, 4.0, 8.0, 9.0] and times[:, 0].tolist() == a.tolist()
    # two pairs per spoke: b's third generation starts at f[0] = 3 at the latest
    c = np.array([3.0, 4.0, 5.0, 9.0])  # gaps 3, 1, 1, 4
    times, fusion = paced_arrivals(0.0, [np.array([1.0, 2.0, 3.0, 4.0]), c], [2, 2])
    # a: starts max(a[k-1], f[k-2]): 0, 1, max(2, 3)=3 -> 4, max(4, 4)=4 -> 5
    assert times[:, 0].tolist() == [1.0, 2.0, 4.0, 5.0]
    assert fusion.tolist() == [3.0, 4.0, 5.0, 9.0]


def test_shots_fused_after_the_duration_are_not_completed() -> None:
    document = star(["a", "b", "c"], "h", shots=2000, success=0.02)
    document["duration"] = "0.5 s"
    spec = parse_scenario(document)
    row = run(spec, engine="des", seed=3).requests[0]
    assert row.shots_completed < 2000
    assert row.note is not None and "shots completed" in row.note
