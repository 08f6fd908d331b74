"""QKD requests in scenarios against closed forms (QKD-DECOY-GYS-01, QKD-BBM92-E91-01,
BOUND-PLOB-01).

- GYS parameters (Ma, Qi, Zhao, Lo, PRA 72, 012326 (2005)) with ``decoys: infinite``: the
  analytic engine's key rate per pulse versus distance is the curve of Ma et al. (the
  physics tests check that formula against the paper), vanishing near 142 km;
- the event simulation's sampled gain and QBER on a 50 km link agree with the closed forms
  within 5 standard errors (binomial: ``sqrt(p (1 - p) / n)``);
- BBM92 on Werner pairs of visibility ``V``: ``S = 2 sqrt(2) V`` (from the pairs' states),
  QBER ``(1 - V)/2`` within 5 standard errors, identical keys; above the correction limit
  the session aborts and says why;
- no point-to-point key rate exceeds the PLOB bound of the link's transmittance.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest

from qfab.engines import run
from qfab.loading import load_scenario, parse_scenario
from qfab.physics.bounds import plob_bound
from qfab.physics.qkd import bb84_decoy_key_rate, bbm92_finite_key_length, wcp_gain, wcp_qber
from tests.conftest import EXAMPLES

GYS = {"y0": 1.7e-6, "e_d": 0.033, "f": 1.22}
ETA_BOB = 0.045


def _eta(length_km: float) -> float:
    return ETA_BOB * 10 ** (-0.21 * length_km / 10)


def bb84(length_km: float, *, decoys: Any = "infinite", pulses: str = "1e8",
         duration: str = "10 s", **request: Any) -> dict[str, Any]:
    source: dict[str, Any] = {"mu": 0.48, "repetition_rate": "1 GHz"}
    if decoys != "infinite":
        source["nu"] = 0.1
    return {"qfab": 1, "seed": 11, "duration": duration, "nodes": {"alice": {}, "bob": {}},
            "links": [{"kind": "fiber", "between": ["alice", "bob"],
                       "length": f"{length_km} km", "fiber": {"attenuation": "0.21 dB/km"},
                       "detector": {"efficiency": ETA_BOB,
                                    "dark_count_probability": GYS["y0"]}}],
            "requests": [{"kind": "qkd", "protocol": "bb84-decoy", "between": ["alice", "bob"],
                          "source": source, "decoys": decoys, "misalignment": GYS["e_d"],
                          "error_correction_efficiency": GYS["f"], "pulses": pulses,
                          **request}]}


def bbm92(visibility: float, pairs: int) -> dict[str, Any]:
    fidelity = (1 + 3 * visibility) / 4
    return {"qfab": 1, "seed": 5, "duration": "100 s",
            "nodes": {"alice": {}, "bob": {}},
            "links": [{"kind": "depolarizing", "between": ["alice", "bob"],
                       "fidelity": fidelity, "success_probability": 0.5,
                       "cycle_time": "10 us"}],
            "requests": [{"kind": "qkd", "protocol": "bbm92", "between": ["alice", "bob"],
                          "pairs": pairs}]}


@pytest.mark.parametrize("length_km", [0.0, 25.0, 50.0, 100.0, 130.0])
def test_analytic_key_rate_versus_distance_is_the_gys_curve(length_km: float) -> None:
    """QKD-DECOY-GYS-01 through a scenario: the key rate per pulse of a fiber link is the
    infinite-decoy GLLP rate at eta = eta_Bob 10^(-0.21 L / 10) (Ma et al. 2005)."""
    result = run(parse_scenario(bb84(length_km)), engine="analytic")
    rate = result.requests[0].extra["key_bits_per_pulse"]
    expected = float(bb84_decoy_key_rate(_eta(length_km), GYS["y0"], GYS["e_d"], GYS["f"], 0.48))
    assert expected > 0
    assert rate == pytest.approx(expected, rel=1e-12)
    assert result.requests[0].extra["key_rate_bps"] == pytest.approx(expected * 1e9, rel=1e-12)


def test_analytic_key_rate_vanishes_near_142_km() -> None:
    """QKD-DECOY-GYS-01: positive at 138 km, zero at 146 km (the curve ends near 142 km)."""
    rates = [run(parse_scenario(bb84(length)), engine="analytic").requests[0]
             .extra["key_bits_per_pulse"] for length in (138.0, 146.0)]
    assert rates[0] > 0 and rates[1] == 0


@pytest.mark.parametrize("decoys", ["infinite", ["nu", "vacuum"]])
def test_sampled_gain_and_qber_agree_with_the_closed_forms_at_50_km(decoys: Any) -> None:
    """des vs analytic on a 50 km link, 1e8 pulses: the signal's gain and QBER within 5
    binomial standard errors of wcp_gain and wcp_qber."""
    spec = parse_scenario(bb84(50.0, decoys=decoys))
    des = run(spec, engine="des").requests[0].extra
    analytic = run(spec, engine="analytic").requests[0].extra
    eta = _eta(50.0)
    gain = float(wcp_gain(0.48, eta, GYS["y0"]))
    qber = float(wcp_qber(0.48, eta, GYS["y0"], GYS["e_d"]))
    assert analytic["gain"] == pytest.approx(gain) and analytic["qber"] == pytest.approx(qber)
    signal_pulses = 1e8 * (1.0 if decoys == "infinite" else 0.8)
    assert des["gain"] == pytest.approx(gain, abs=5 * math.sqrt(gain * (1 - gain)
                                                                / signal_pulses))
    sifted = 0.5 * gain * signal_pulses
    assert des["qber"] == pytest.approx(qber, abs=5 * math.sqrt(qber * (1 - qber) / sifted))
    assert des["keys_match"] is True and des["final_key_bits"] > 0


@pytest.mark.parametrize("visibility", [0.9, 0.96])
def test_bbm92_on_werner_pairs(visibility: float) -> None:
    """QKD-BBM92-E91-01: S = 2 sqrt(2) V (to rounding: it comes from the pairs' states),
    QBER (1 - V) / 2 within 5 binomial standard errors, identical keys."""
    pairs = 50_000
    result = run(parse_scenario(bbm92(visibility, pairs)), engine="des").requests[0]
    extra = result.extra
    assert result.delivered == pairs
    assert extra["chsh"] == pytest.approx(2 * math.sqrt(2) * visibility, abs=1e-9)
    qber = (1 - visibility) / 2
    sifted = extra["sifted_bits"]
    assert sifted == pytest.approx(pairs / 2, abs=5 * math.sqrt(pairs / 4))
    assert extra["qber"] == pytest.approx(qber, abs=5 * math.sqrt(qber * (1 - qber) / sifted))
    assert extra["keys_match"] is True and extra["final_key_bits"] > 0
    assert extra["abort_reason"] is None and extra["key_rate_bps"] > 0


def test_bbm92_above_the_correction_limit_aborts_and_says_why() -> None:
    """V = 0.7: QBER 15 %, above the 11 % limit: no key, the reason names the QBER."""
    extra = run(parse_scenario(bbm92(0.7, 5_000)), engine="des").requests[0].extra
    assert extra["keys_match"] is None and extra["final_key_bits"] == 0
    assert extra["abort_reason"].startswith("estimated QBER 0.1")
    assert "above the limit 0.11" in extra["abort_reason"]


@pytest.mark.parametrize("length_km", [0.0, 10.0, 50.0, 100.0, 140.0])
@pytest.mark.parametrize("finite", [False, True])
def test_no_fiber_key_rate_exceeds_plob(length_km: float, finite: bool) -> None:
    """BOUND-PLOB-01: key bits per pulse <= -log2(1 - eta) of the link's whole transmittance
    (fiber and detector), at every distance, asymptotic and finite key."""
    request = {"finite_key": {"epsilon": 1e-10}} if finite else {}
    spec = parse_scenario(bb84(length_km, decoys=["nu", "vacuum"], pulses="1e12",
                                  duration="1001 s", **request))
    extra = run(spec, engine="analytic").requests[0].extra
    bound = float(plob_bound(_eta(length_km)))
    assert extra["key_bits_per_pulse"] <= bound <= extra["plob_bits_per_pulse"]


def test_sampled_key_rate_is_below_plob_and_the_analytic_rate() -> None:
    """The event simulation's key (real LDPC leak, a disclosed sample) stays under both
    the analytic rate with f = 1.22 ... and the PLOB bound."""
    spec = parse_scenario(bb84(25.0, decoys=["nu", "vacuum"]))
    des = run(spec, engine="des").requests[0].extra
    analytic = run(spec, engine="analytic").requests[0].extra
    assert 0 < des["key_bits_per_pulse"] <= analytic["key_bits_per_pulse"]
    assert des["key_bits_per_pulse"] <= float(plob_bound(_eta(25.0)))


def test_bb84_example_runs_to_identical_keys() -> None:
    result = run(load_scenario(EXAMPLES / "qkd_bb84_50km.yaml"), engine="des")
    extra = result.requests[0].extra
    assert extra["keys_match"] is True and extra["final_key_bits"] > 10_000
    assert np.isfinite(extra["key_rate_bps"])


def test_bbm92_example_runs_to_identical_keys_over_the_repeater() -> None:
    result = run(load_scenario(EXAMPLES / "qkd_bbm92_campus.yaml"), engine="des")
    request = result.requests[0]
    assert request.path == ["alice", "library", "bob"]
    assert request.extra["keys_match"] is True and request.extra["final_key_bits"] > 0
    assert request.extra["chsh"] > 2.0


def test_bbm92_final_key_length_is_the_finite_key_formulas() -> None:
    """With finite_key the final key is floor(bbm92_finite_key_length(n, k, Q, leak_EC))
    (Tomamichel et al. 2012) on the session's own n, k, estimated QBER and syndrome bits."""
    document = bbm92(0.96, 50_000)
    document["requests"][0]["finite_key"] = {"epsilon": 1e-10}
    extra = run(parse_scenario(document), engine="des").requests[0].extra
    assert extra["keys_match"] is True
    length = float(bbm92_finite_key_length(extra["corrected_bits"], extra["sampled_bits"],
                                           extra["estimated_qber"], extra["leak_ec_bits"],
                                           epsilon_sec=1e-10))
    assert extra["final_key_bits"] == math.floor(length) > 0
    assert extra["sampled_bits"] + extra["corrected_bits"] == extra["sifted_bits"]


def test_sampled_finite_key_bb84_ends_in_identical_keys_below_the_expected_length() -> None:
    """Finite key (Lim et al. 2014 on the observed counts) in the event simulation: a 10 km
    link with a 20 % receiver and 1 % misalignment, 2e8 pulses: identical keys, shorter
    than the analytic expectation with f = 1.22 (the LDPC code leaks more, and a sample is
    disclosed) but more than half of it."""
    document = bb84(10.0, decoys=["nu", "vacuum"], pulses="2e8",
                    finite_key={"epsilon": 1e-10})
    document["links"][0]["detector"]["efficiency"] = 0.2
    document["requests"][0]["misalignment"] = 0.01
    spec = parse_scenario(document)
    des = run(spec, engine="des").requests[0].extra
    expected = run(spec, engine="analytic").requests[0].extra["final_key_bits"]
    assert des["keys_match"] is True
    assert 0.5 * expected < des["final_key_bits"] < expected
