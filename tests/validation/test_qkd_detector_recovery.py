"""Detector dead time and afterpulsing on fiber links against their closed forms
(qfab.physics.detector_recovery).

- the sampled gain per intensity with dead time (a detection blinds ``ceil(tau / T)``
  pulses) is the closed form ``a q_i + b`` within 5 binomial standard errors (the dead
  time makes the counts less dispersed than binomial, so the tolerance is conservative);
- afterpulses raise the QBER by the closed-form amount within 5 standard errors;
- the analytic and the des engine agree on a scenario with both, and the keys match;
- the defaults (no dead time, no afterpulses) change nothing.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest

from qfab.engines import run
from qfab.errors import ScenarioError
from qfab.loading import parse_scenario
from qfab.physics.bounds import plob_bound
from qfab.physics.detector_recovery import blind_pulses, recovery_gain_qber
from qfab.physics.qkd import wcp_gain, wcp_qber
from qfab.qkd.pulses import sample_bb84
from tests.validation.test_qkd_scenarios import GYS, bb84

MUS = np.array([0.48, 0.1, 0.0])
PROBS = np.array([0.8, 0.1, 0.1])
ETA_20_KM = 0.045 * 10 ** (-0.21 * 20 / 10)
AFTERPULSE = 0.02


def _sample(pulses: int, blind: int, afterpulse: float, seed: int) -> Any:
    return sample_bb84(pulses, MUS, PROBS, eta=ETA_20_KM, background=GYS["y0"],
                       misalignment=GYS["e_d"], rng=np.random.default_rng(seed), blind=blind,
                       afterpulse_probability=afterpulse)


def _closed(blind: int, afterpulse: float) -> tuple[np.ndarray, np.ndarray]:
    gain, qber = recovery_gain_qber(wcp_gain(MUS, ETA_20_KM, GYS["y0"]),
                                    wcp_qber(MUS, ETA_20_KM, GYS["y0"], GYS["e_d"]), PROBS,
                                    afterpulse_probability=afterpulse, blind=blind)
    return np.asarray(gain), np.asarray(qber)


@pytest.mark.parametrize("dead_time", [40e-9, 1e-6, 10e-6])
def test_sampled_gain_with_dead_time_is_the_closed_form(dead_time: float) -> None:
    """1e8 pulses at 1 GHz over 20 km: each intensity's gain within 5 standard errors of
    ``q_i / (1 + d q)`` (the non-paralysable detected fraction)."""
    blind = blind_pulses(dead_time, 1e-9)
    record = _sample(10 ** 8, blind, 0.0, seed=21)
    gain, _ = _closed(blind, 0.0)
    q = np.asarray(wcp_gain(MUS, ETA_20_KM, GYS["y0"]))
    np.testing.assert_allclose(gain, q / (1 + blind * float(np.sum(PROBS * q))), rtol=1e-12)
    detected = np.bincount(record.intensity, minlength=3)
    for index in range(2):  # the vacuum's few clicks are tested with afterpulses below
        g = float(gain[index])
        se = math.sqrt(g * (1 - g) / record.pulses[index])
        assert detected[index] / record.pulses[index] == pytest.approx(g, abs=5 * se)
    assert int(record.pulses.sum()) == 10 ** 8
    assert gain[0] < q[0] * (0.95 if dead_time > 1e-7 else 1.0)


@pytest.mark.parametrize(("dead_time", "afterpulse"), [(0.0, 0.05), (1e-6, 0.1)])
def test_afterpulses_raise_the_qber_by_the_closed_form(dead_time: float,
                                                       afterpulse: float) -> None:
    """The QBER rise over the no-afterpulse closed form, per intensity, within 5 standard
    errors of ``E'_i - E_i`` (afterpulse clicks have error 1/2); the vacuum's gain too."""
    blind = blind_pulses(dead_time, 1e-9)
    record = _sample(10 ** 8, blind, afterpulse, seed=5)
    gain, qber = _closed(blind, afterpulse)
    plain = np.asarray(wcp_qber(MUS, ETA_20_KM, GYS["y0"], GYS["e_d"]))
    sifted, errors = record.counts(record.alice_bases == record.bob_bases)
    for index in range(3):
        rise = errors[index] / sifted[index] - plain[index]
        e = float(qber[index])
        se = math.sqrt(e * (1 - e) / sifted[index])
        assert rise == pytest.approx(e - plain[index], abs=5 * se)
    assert qber[0] - plain[0] > 10 * math.sqrt(qber[0] * (1 - qber[0]) / sifted[0])
    detected = np.bincount(record.intensity, minlength=3)
    g = float(gain[2])
    assert detected[2] / record.pulses[2] == pytest.approx(
        g, abs=5 * math.sqrt(g * (1 - g) / record.pulses[2]))


def _recovering(length_km: float = 20.0, **request: Any) -> dict[str, Any]:
    """The bb84 scenario with a 100 ns dead time (100 pulses) and 2 % afterpulses."""
    document = bb84(length_km, **request)
    document["links"][0]["detector"].update({"dead_time": "100 ns",
                                             "afterpulse_probability": AFTERPULSE})
    return document


@pytest.mark.parametrize("decoys", ["infinite", ["nu", "vacuum"]])
def test_analytic_and_des_agree_with_dead_time_and_afterpulses(decoys: Any) -> None:
    """1e8 pulses, 100 ns dead time (100 pulses), 2 % afterpulses: the des signal gain and
    QBER within 5 standard errors of the closed form, which the analytic engine gives;
    identical keys."""
    spec = parse_scenario(_recovering(decoys=decoys))
    des = run(spec, engine="des").requests[0].extra
    analytic = run(spec, engine="analytic").requests[0].extra
    probs = np.array([1.0]) if decoys == "infinite" else PROBS
    mus = MUS[:probs.size]
    gain, qber = recovery_gain_qber(wcp_gain(mus, ETA_20_KM, GYS["y0"]),
                                    wcp_qber(mus, ETA_20_KM, GYS["y0"], GYS["e_d"]), probs,
                                    afterpulse_probability=AFTERPULSE, blind=100)
    g, e = float(np.asarray(gain)[0]), float(np.asarray(qber)[0])
    # the analytic engine's effective channel: to second order (module docstring)
    assert analytic["gain"] == pytest.approx(g, rel=1e-4)
    assert analytic["qber"] == pytest.approx(e, rel=1e-4)
    signal = 1e8 * float(probs[0])
    assert des["gain"] == pytest.approx(g, abs=5 * math.sqrt(g * (1 - g) / signal))
    sifted = 0.5 * g * signal
    assert des["qber"] == pytest.approx(e, abs=5 * math.sqrt(e * (1 - e) / sifted))
    assert des["keys_match"] is True and des["final_key_bits"] > 0
    assert 0 < des["key_bits_per_pulse"] <= analytic["key_bits_per_pulse"]


@pytest.mark.parametrize("finite", [False, True])
def test_dead_time_and_afterpulses_lower_the_analytic_key_rate(finite: bool) -> None:
    request = {"finite_key": {"epsilon": 1e-10}} if finite else {}
    plain = parse_scenario(bb84(50.0, decoys=["nu", "vacuum"], pulses="1e11",
                                duration="1000 s", **request))
    worse = parse_scenario(_recovering(50.0, decoys=["nu", "vacuum"], pulses="1e11",
                                       duration="1000 s", **request))
    rate = run(plain, engine="analytic").requests[0].extra["key_bits_per_pulse"]
    lower = run(worse, engine="analytic").requests[0].extra
    assert 0 < lower["key_bits_per_pulse"] < rate
    assert lower["key_bits_per_pulse"] <= lower["plob_bits_per_pulse"]
    assert lower["key_bits_per_pulse"] <= float(plob_bound(0.045 * 10 ** (-0.21 * 5)))


def test_defaults_change_nothing() -> None:
    """No dead time and no afterpulses: the same draws as before (the sampler's plain
    path) and the same results with the fields written as 0."""
    plain = sample_bb84(10 ** 7, MUS, PROBS, eta=ETA_20_KM, background=GYS["y0"],
                        misalignment=GYS["e_d"], rng=np.random.default_rng(3))
    zero = _sample(10 ** 7, 0, 0.0, seed=3)
    for name in ("pulses", "intensity", "photons", "alice_bits", "bob_bits", "bob_bases"):
        np.testing.assert_array_equal(getattr(plain, name), getattr(zero, name))
    document = bb84(20.0, decoys=["nu", "vacuum"], pulses="1e7")
    written = bb84(20.0, decoys=["nu", "vacuum"], pulses="1e7")
    written["links"][0]["detector"].update({"dead_time": "0 s",
                                            "afterpulse_probability": 0})
    for engine in ("analytic", "des"):
        a = run(parse_scenario(document), engine=engine).requests[0].extra
        b = run(parse_scenario(written), engine=engine).requests[0].extra
        assert a == b


def test_a_fiber_link_takes_the_snspd_preset_and_its_dead_time() -> None:
    document = bb84(0.0)
    document["links"][0]["detector"] = {"preset": "snspd_wsi",
                                        "dark_count_probability": GYS["y0"],
                                        "dark_count_rate": 0}
    spec = parse_scenario(document)
    assert spec.links[0].detector.dead_time == pytest.approx(40e-9)
    extra = run(spec, engine="analytic").requests[0].extra
    q = float(wcp_gain(0.48, 0.93 * float(spec.links[0].detector.efficiency) / 0.93
                       * _window(spec), GYS["y0"]))
    assert extra["gain"] == pytest.approx(q / (1 + 40 * q), rel=1e-3)


def _window(spec: Any) -> float:
    from qfab.physics.detection import window_fraction

    detector = spec.links[0].detector
    return float(window_fraction(detector.window, detector.jitter))


def test_a_heralding_link_refuses_afterpulses() -> None:
    document = {"qfab": 1, "duration": "1 s", "nodes": {"a": {}, "b": {}},
                "links": [{"kind": "double_click", "between": ["a", "b"], "length": "10 km",
                           "cycle_time": "1 us",
                           "detector": {"afterpulse_probability": 0.01}}],
                "requests": [{"kind": "entanglement", "between": ["a", "b"], "pairs": 1}]}
    with pytest.raises(ScenarioError, match=r"^links\[0\]\.detector\.afterpulse_probability: "
                       "afterpulsing is modelled on fiber links only"):
        parse_scenario(document)
