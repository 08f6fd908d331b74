"""Clock-sync requests in the engines: the setup a scenario gives, the rows, the refusals,
analytic against des."""

from __future__ import annotations

import json
import math
from typing import Any

import numpy as np
import pytest

import qfab
from qfab.engines import engine_named
from qfab.engines.clock_sync import BASELINES, time_transfer_setup
from qfab.errors import EngineError
from qfab.loading import parse_scenario
from qfab.physics.fiber import transmittance
from qfab.physics.timetransfer import asymmetry_bias, fwhm_to_sigma, offset_precision
from qfab.report.table import format_result
from qfab.rng import RandomStreams
from qfab.spec.clock_sync import ClockSyncRequestSpec
from qfab.timing.stability import tdev
from qfab.timing.transfer import expected, simulate
from tests.unit.clock_sync.scenarios import SMF28_SPEED, clock_sync_document


def _run(document: dict[str, Any], engine: str = "analytic", seed: int = 3) -> Any:
    return qfab.run(parse_scenario(document), engine=engine, seed=seed)


def test_a_chain_is_one_continuous_fiber() -> None:
    document = clock_sync_document()
    document["nodes"]["m"] = {}
    document["links"] = [
        {"kind": "fiber", "between": ["a", "m"], "length": "10 km", "asymmetry": "1 mm",
         "fiber": {"attenuation": "0.2 dB/km", "dispersion": "17 ps/nm/km"},
         "detector": {"efficiency": 0.7, "jitter": "50 ps", "dark_count_rate": "10 Hz"}},
        {"kind": "fiber", "between": ["b", "m"], "length": "5 km", "asymmetry": "2 mm",
         "fiber": {"attenuation": "0.3 dB/km", "dispersion": "-10 ps/nm/km",
                   "speed": SMF28_SPEED},
         "detector": {"efficiency": 0.7, "jitter": "30 ps", "dark_count_rate": "20 Hz"}}]
    spec = parse_scenario(document)
    request = spec.requests[0]
    assert isinstance(request, ClockSyncRequestSpec)
    setup = time_transfer_setup(spec, request)
    assert setup.length == pytest.approx(15e3)
    assert setup.transmittance == pytest.approx(float(transmittance(10e3, 2e-4))
                                                * float(transmittance(5e3, 3e-4)))
    # D L adds: 17 x 10 - 10 x 5 = 120 ps/nm over 15 km
    assert setup.dispersion * setup.length == pytest.approx(120e-12 / 1e-9)
    delay = 10e3 / 2e8 + 5e3 / SMF28_SPEED
    assert setup.group_index == pytest.approx(299_792_458.0 * delay / 15e3)
    # the asymmetries add as delays: the bias is that of 1 mm at 2e8 m/s and 2 mm at SMF28's
    bias = 0.5 * (1e-3 / 2e8 + 2e-3 / SMF28_SPEED)
    assert float(asymmetry_bias(setup.asymmetry, setup.group_index)) == pytest.approx(bias)
    assert setup.jitter_a == pytest.approx(float(fwhm_to_sigma(50e-12)))
    assert setup.jitter_b == pytest.approx(float(fwhm_to_sigma(30e-12)))
    assert (setup.dark_rate_a, setup.dark_rate_b) == (10.0, 20.0)
    assert setup.remote_efficiency == 0.7 and setup.local_efficiency == 0.5
    assert setup.tagger_resolution == pytest.approx(10e-12)
    assert setup.window == pytest.approx(2e-9) and setup.tau0 == 1.0


def test_node_clocks_reach_the_setup() -> None:
    document = clock_sync_document()
    document["nodes"]["b"]["clock"] = {"offset": "5 ns", "white_pm": "2 ps"}
    spec = parse_scenario(document)
    request = spec.requests[0]
    assert isinstance(request, ClockSyncRequestSpec)
    setup = time_transfer_setup(spec, request)
    assert setup.clock_b.offset == pytest.approx(5e-9)
    assert setup.clock_b.white_pm == pytest.approx(2e-12)
    assert setup.clock_a.offset == 0.0


def test_the_analytic_row_is_the_closed_form() -> None:
    result = _run(clock_sync_document())
    row = result.requests[0]
    assert row.kind == "clock_sync" and row.path == ["a", "b"]
    spec = parse_scenario(clock_sync_document())
    request = spec.requests[0]
    assert isinstance(request, ClockSyncRequestSpec)
    expectation = expected(time_transfer_setup(spec, request))
    assert row.coincidence_rate_hz == pytest.approx(expectation.coincidence_rate)
    # the precision law sigma_c / sqrt(2 R tau), floor 0
    assert row.precision_s == pytest.approx(float(offset_precision(
        expectation.sigma_effective, expectation.coincidence_rate, 8.0)))
    taus = [point[0] for point in row.tdev]
    assert 8.0 in taus and taus == sorted(taus) and taus[-1] <= 64.0 / 3
    assert row.adev is None
    assert sum(row.error_budget.values()) == pytest.approx(1.0)
    assert [b["name"] for b in row.baselines] == [b["name"] for b in BASELINES]
    assert all(b["source"] for b in row.baselines)
    # the closed form's 0.35 s, but no estimate comes before the first interval (1 s)
    assert float(expectation.time_to_target(1e-12)) < 1.0
    assert row.time_to_target_s == 1.0
    assert row.requested == row.delivered == 64


def test_the_bias_is_half_the_one_way_difference() -> None:
    document = clock_sync_document()
    document["links"][0]["asymmetry"] = "1 mm"
    row = _run(document).requests[0]
    assert abs(row.bias_s) == pytest.approx(2.449e-12, abs=1e-15)


def test_a_floor_above_the_target_is_unreachable() -> None:
    row = _run(clock_sync_document(floor="2 ps")).requests[0]
    assert row.time_to_target_s is None
    assert row.note is not None and "floor" in row.note
    assert row.target_met is False


def test_a_bias_above_the_target_is_unreachable() -> None:
    document = clock_sync_document()
    document["links"][0]["asymmetry"] = "1 mm"  # 2.45 ps, target 1 ps
    row = _run(document).requests[0]
    assert row.time_to_target_s is None
    assert row.note is not None and "bias" in row.note


def test_the_fast_engine_refuses_with_the_reason() -> None:
    spec = parse_scenario(clock_sync_document())
    support = engine_named("fast").supports(spec)
    assert not support and support.reason is not None
    assert support.reason.startswith("requests[0].kind: clock_sync: the fast engine")
    with pytest.raises(EngineError, match="the fast engine does not model time transfer"):
        qfab.run(spec, engine="fast")


def test_detectors_of_different_efficiency_are_refused() -> None:
    document = clock_sync_document()
    document["nodes"]["m"] = {}
    document["links"] = [
        {"kind": "fiber", "between": ["a", "m"], "length": "1 km",
         "detector": {"efficiency": 0.7}},
        {"kind": "fiber", "between": ["m", "b"], "length": "1 km",
         "detector": {"efficiency": 0.5}}]
    with pytest.raises(EngineError, match=r"^links\[1\]\.detector\.efficiency: "):
        _run(document)


def test_rows_come_back_in_request_order_beside_the_network() -> None:
    document = clock_sync_document()
    document["nodes"].update({"c": {}, "d": {}})
    document["links"].append({"kind": "depolarizing", "between": ["c", "d"], "fidelity": 0.9,
                              "success_probability": 0.5, "cycle_time": "1 ms"})
    pair = {"kind": "entanglement", "between": ["c", "d"], "pairs": 5}
    document["requests"] = [pair, document["requests"][0], dict(pair, pairs=3)]
    result = _run(document)
    assert [row.kind for row in result.requests] == ["entanglement", "clock_sync",
                                                    "entanglement"]
    alone = dict(document, requests=[pair, dict(pair, pairs=3)])
    expected_rows = _run(alone).requests
    assert result.requests[0] == expected_rows[0] and result.requests[2] == expected_rows[1]
    assert [link.between for link in result.links] == [("a", "b"), ("c", "d")]


def test_the_json_document_and_the_text_carry_the_fields() -> None:
    result = _run(clock_sync_document(name="sync"))
    document = json.loads(json.dumps(result.to_dict()))
    row = document["requests"][0]
    for field in ("coincidence_rate_hz", "accidental_rate_hz", "precision_s", "bias_s",
                  "time_to_target_s", "tdev", "adev", "error_budget", "baselines"):
        assert field in row
    text = format_result(result)
    assert "clock sync" in text and "TDEV (ps)" in text and "White Rabbit" in text
    assert "error budget" in text


def _des_and_run(document: dict[str, Any], seed: int) -> tuple[Any, Any, Any]:
    spec = parse_scenario(document)
    request = spec.requests[0]
    assert isinstance(request, ClockSyncRequestSpec)
    setup = time_transfer_setup(spec, request)
    run = simulate(setup, request.measurement_duration,
                   RandomStreams(seed).stream("clock_sync:0"))
    row = qfab.run(spec, engine="des", seed=seed).requests[0]
    return row, run, expected(setup)


def test_des_is_the_seeded_monte_carlo_and_repeats() -> None:
    document = clock_sync_document()
    row, run, _ = _des_and_run(document, seed=11)
    again = _run(document, engine="des", seed=11).requests[0]
    assert row == again
    assert row.tdev == [[float(t), float(d)] for t, d in run.tdev([p[0] for p in row.tdev])]
    other = _run(document, engine="des", seed=12).requests[0]
    assert other.precision_s != row.precision_s


def test_des_agrees_with_analytic_within_five_standard_errors() -> None:
    document = clock_sync_document(duration="600 s", averaging_time="10 s")
    row, run, expectation = _des_and_run(document, seed=5)
    analytic = _run(document).requests[0]
    duration = 600.0
    # coincidences: Poisson counts over both directions
    count_se = math.sqrt(analytic.coincidence_rate_hz * 2 * duration) / (2 * duration)
    assert abs(row.coincidence_rate_hz - analytic.coincidence_rate_hz) < 5 * count_se
    _, values, errors = tdev(run.errors, 1.0, [10.0])
    assert row.precision_s == pytest.approx(float(values[0]))
    assert abs(row.precision_s - analytic.precision_s) < 5 * float(errors[0])
    assert row.accidental_rate_hz == pytest.approx(analytic.accidental_rate_hz, rel=0.2)
    assert row.adev is not None
    assert [p[0] for p in row.adev] == [p[0] for p in row.tdev if 4 * p[0] < duration]
    del expectation


def test_des_follows_the_precision_law() -> None:
    """TDEV of the simulated offset errors = sigma / sqrt(2 R tau) at every octave (sigma:
    the per-coincidence spread with the accidentals' share)."""
    document = clock_sync_document(duration="1200 s", averaging_time="16 s")
    row, run, expectation = _des_and_run(document, seed=8)
    taus = np.array([point[0] for point in row.tdev])
    _, values, errors = tdev(run.errors, 1.0, taus)
    law = offset_precision(expectation.sigma_effective, expectation.coincidence_rate, taus)
    assert np.all(np.abs(values - law) < 5 * errors), (values, law, errors)
    slope = np.polyfit(np.log(taus), np.log(values), 1)[0]
    assert slope == pytest.approx(-0.5, abs=0.1)


def test_des_refuses_a_measurement_with_too_many_coincidences() -> None:
    spec = parse_scenario(clock_sync_document(duration="1e7 s", interval="10 s",
                                              averaging_time="100 s",
                                              **{"source": {"pair_rate": "100 MHz"}}))
    support = engine_named("des").supports(spec)
    assert not support and support.reason is not None
    assert support.reason.startswith("requests[0].duration: the des engine draws every "
                                     "coincidence")
    assert engine_named("analytic").supports(spec)


def test_a_sweep_row_carries_the_clock_sync_figures() -> None:
    from qfab.experiments.stats import result_row

    result = _run(clock_sync_document())
    row = result_row(result.to_dict(), strong_id="x", params={})
    extra = result.requests[0].extra
    for key in ("coincidence_rate_hz", "accidental_rate_hz", "precision_s", "bias_s",
                "time_to_target_s"):
        assert row[f"r0_{key}"] == pytest.approx(extra[key])


def test_a_missed_acquisition_is_noted() -> None:
    from qfab.engines.clock_sync import _missed

    fields = {"coincidence_rate_hz": 17.6}
    note = _missed("des", fields, 35.3, 1000.0)
    assert note is not None and "acquisition missed" in note
    assert _missed("des", {"coincidence_rate_hz": 35.2}, 35.3, 1000.0) is None
    assert _missed("analytic", fields, 35.3, 1000.0) is None


def test_the_shortest_measurement_gives_the_tdev_at_the_averaging_time() -> None:
    document = clock_sync_document(duration="25 s", averaging_time="8 s")
    for engine in ("analytic", "des"):
        row = _run(document, engine=engine).requests[0]
        assert row.tdev[-1][0] == 8.0 and row.precision_s > 0


def test_des_tdev_carries_its_standard_errors() -> None:
    """Each measured TDEV point has one standard error from its degrees of freedom (white
    phase noise here, no floor: dev / sqrt(2 edf), edf about N / m at short taus), and the
    closed form lies within 5 of them at every tau; the analytic row has none."""
    document = clock_sync_document(duration="1200 s", averaging_time="16 s")
    row = _run(document, engine="des", seed=8).requests[0]
    assert [t for t, _ in row.tdev_se] == [t for t, _ in row.tdev]
    for (tau, dev), (_, se), (_, model) in zip(row.tdev, row.tdev_se, row.tdev_expected):
        assert tau > 0.0
        assert 0.0 < se < dev
        assert abs(dev - model) < 5.0 * se
    # at one interval the error bar is about dev / sqrt(2 N) (N = 1200 estimates)
    assert row.tdev_se[0][1] / row.tdev[0][1] == pytest.approx(1 / (2 * 1200) ** 0.5, rel=0.5)
    assert _run(document).requests[0].tdev_se is None
