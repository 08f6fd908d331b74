"""Clock sync over a satellite pass: the downlink and uplink pair of links, the request's
checks, the pass's precision against its closed form, and the Monte Carlo against it."""

from __future__ import annotations

import copy
import math
from functools import cache
from typing import Any

import numpy as np
import pytest
import yaml

from qfab.engines import run
from qfab.engines.clock_sync_satellite import pass_slices, simulate_pass
from qfab.errors import EngineError, ScenarioError
from qfab.links.satellite_pulses import pulse_channel_pass
from qfab.loading import parse_scenario
from qfab.physics.timetransfer import (
    fwhm_to_sigma,
    offset_precision,
    offset_precision_with_background,
    two_way_precision,
    uniform_sigma,
)
from qfab.spec.clock_sync import ClockSyncRequestSpec
from qfab.spec.links_satellite import SatelliteLinkSpec
from qfab.spec.models import ScenarioSpec
from tests.conftest import EXAMPLES

PASS = EXAMPLES / "clock_sync" / "satellite_pass.yaml"


@cache
def _written() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(PASS.read_text(encoding="utf-8"))
    return loaded


def _document() -> dict[str, Any]:
    return copy.deepcopy(_written())


@cache
def _spec() -> ScenarioSpec:
    return parse_scenario(_document())


def _request(spec: ScenarioSpec) -> ClockSyncRequestSpec:
    request = spec.requests[0]
    assert isinstance(request, ClockSyncRequestSpec)
    return request


def _error(document: dict[str, Any]) -> str:
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(document)
    message = str(caught.value)
    assert "\n" not in message
    return message


# ------------------------------------------------------------------ the pair of links


def test_a_downlink_and_an_uplink_may_join_the_same_two_nodes() -> None:
    spec = _spec()
    assert [link.mode for link in spec.links] == ["downlink", "uplink"]  # type: ignore[union-attr]


def test_two_links_of_one_mode_or_a_third_link_are_refused() -> None:
    document = _document()
    document["links"][1] = copy.deepcopy(document["links"][0])
    message = _error(document)
    assert message.startswith("links[1].between: a second link between micius and xinglong")
    assert "by a mode: downlink and a mode: uplink link" in message
    document = _document()
    document["links"].append(copy.deepcopy(document["links"][1]))
    assert _error(document).startswith("links[2].between: a third link between micius and "
                                       "xinglong")


def test_the_two_links_follow_one_orbit() -> None:
    document = _document()
    document["links"][1]["satellite"] = {"tle": "other.tle"}
    assert _error(document).startswith("links[1].satellite: the uplink between micius and "
                                       "xinglong follows another orbit")


def test_a_second_fiber_link_is_still_refused() -> None:
    from tests.unit.clock_sync.scenarios import clock_sync_document

    document = clock_sync_document()
    document["links"].append(copy.deepcopy(document["links"][0]))
    assert _error(document).startswith("links[1].between: a second link between a and b")


def test_a_bb84_request_over_both_links_is_refused() -> None:
    document = _document()
    downlink = yaml.safe_load((EXAMPLES / "qkd_satellite_downlink.yaml").read_text())
    document["requests"] = downlink["requests"]
    assert _error(document).startswith("requests[0].between: a satellite downlink and an "
                                       "uplink both join micius and xinglong")


# ------------------------------------------------------------------ the request's checks


def test_an_uplink_alone_says_the_downlink_is_missing() -> None:
    document = _document()
    del document["links"][0]
    message = _error(document)
    assert message.startswith("requests[0].between: only a satellite uplink (links[0]) joins "
                              "micius and xinglong: two-way time transfer needs the downlink")
    assert "the satellite's source to the station's receiver" in message


@pytest.mark.parametrize(("field", "value"), [
    ("step", "2 s"), ("start", "2016-12-19T16:46:00Z"), ("min_elevation", "20 deg"),
    ("operate", "always")])
def test_both_links_need_the_same_slices(field: str, value: Any) -> None:
    document = _document()
    document["links"][1][field] = value
    message = _error(document)
    assert message.startswith(f"links[1].{field}: requests[0] runs over the downlink and the "
                              "uplink"), message


@pytest.mark.parametrize(("field", "value", "words"), [
    ("averaging_time", "10 s", "precision over the whole pass"),
    ("duration", "300 s", "passes within the scenario's duration"),
    ("interval", "1 s", "step sets the slices"),
    ("floor", "1 ps", "floor"),
    ("reference", {"label": "x", "points": [[10, 1e-12]]}, "TDEV"),
])
def test_fields_a_pass_does_not_use_are_refused(field: str, value: Any, words: str) -> None:
    document = _document()
    document["requests"][0][field] = value
    message = _error(document)
    assert message.startswith(f"requests[0].{field}: "), message
    assert words in message and message.endswith("(remove it)")


@pytest.mark.parametrize("source", [{"bandwidth": "1 nm"},
                                    {"dispersion_cancellation": "nonlocal"}])
def test_dispersion_fields_are_refused_in_free_space(source: dict[str, Any]) -> None:
    document = _document()
    document["requests"][0]["source"].update(source)
    message = _error(document)
    assert message.startswith(f"requests[0].source.{next(iter(source))}: ")
    assert "free space" in message


def test_the_source_wavelength_is_checked_against_the_links() -> None:
    document = _document()
    document["requests"][0]["source"]["wavelength"] = "1550 nm"
    assert _error(document).startswith("requests[0].source.wavelength: 1550 nm is more than "
                                       "10 % away from the wavelength of links[0]")


def test_a_request_over_fiber_still_needs_its_averaging_time() -> None:
    from tests.unit.clock_sync.scenarios import clock_sync_document

    document = clock_sync_document()
    del document["requests"][0]["averaging_time"]
    assert _error(document).startswith("requests[0].averaging_time: Field required")


# ------------------------------------------------------------------ closed forms


def test_two_way_precision_with_equal_counts_is_the_symmetric_law() -> None:
    for rate, tau in ((40.0, 10.0), (1e3, 0.5)):
        n = rate * tau
        assert float(two_way_precision(30e-12, n, 30e-12, n)) == pytest.approx(
            float(offset_precision(30e-12, rate, tau)), rel=1e-12)
    # the weaker direction dominates: 1e4 and 100 coincidences
    assert float(two_way_precision(1.0, 1e4, 1.0, 100.0)) == pytest.approx(
        0.5 * math.sqrt(1e-4 + 1e-2), rel=1e-12)


def test_the_pass_precision_follows_the_closed_form() -> None:
    """Recomputed here from the links' channels: per slice R = P eta_l eta_channel eta_det
    erf(W / (2 sqrt 2 sigma_c)), accidentals S_l S_r W, and the two-way precision of the
    pass's totals."""
    spec = _spec()
    request = _request(spec)
    row = run(spec, engine="analytic").requests[0]
    pair_rate, local = float(request.source.pair_rate), float(request.source.local_efficiency)
    window = float(request.window)
    links = [link for link in spec.links if isinstance(link, SatelliteLinkSpec)]
    jitter = [float(fwhm_to_sigma(link.receivers[0].detector.jitter)) for link in links]
    sigma_c = math.sqrt(sum(j**2 for j in jitter) + 2 * float(uniform_sigma(
        request.tagger.resolution)) ** 2 + float(request.source.correlation_time) ** 2)
    inside = math.erf(window / (2 * math.sqrt(2) * sigma_c))
    signal, noise, rates = [], [], []
    for index, link in enumerate(links):
        channel = pulse_channel_pass(link, spec, index)
        detector = link.receivers[0].detector
        other = links[1 - index].receivers[0].detector
        eta = channel.channel * detector.efficiency
        lengths = channel.ends - channel.starts
        remote = pair_rate * eta - np.log(1 - channel.background) / detector.window
        local_singles = pair_rate * local + other.dark_count_rate
        rates.append(pair_rate * local * eta * inside)
        signal.append(float(np.sum(rates[-1] * lengths)))
        noise.append(float(np.sum(local_singles * remote * window * lengths)))
    sigmas = [float(offset_precision_with_background(sigma_c, s, b, window)) * math.sqrt(s)
              for s, b in zip(signal, noise)]
    expected = float(two_way_precision(sigmas[0], signal[0], sigmas[1], signal[1]))
    assert row.precision_s == pytest.approx(expected, rel=1e-9)
    up = float(np.sum(lengths))
    assert row.coincidence_rate_hz["downlink"] == pytest.approx(signal[0] / up, rel=1e-9)
    assert row.coincidence_rate_hz["uplink"] == pytest.approx(signal[1] / up, rel=1e-9)
    assert row.tdev is None and row.tdev_expected is None and row.adev is None
    assert "not a stationary record" in (row.note or "")
    table = row.slices
    assert len(table) == channel.starts.size
    middle = table[len(table) // 2]
    assert set(middle) >= {"start_s", "elevation_deg", "range_km", "downlink_hz",
                           "uplink_hz"}
    assert max(item["downlink_hz"] for item in table) == pytest.approx(float(rates[0].max()))


def test_the_time_to_target_is_when_the_accumulated_precision_reaches_it() -> None:
    spec = _spec()
    row = run(spec, engine="analytic").requests[0]
    slices = pass_slices(spec, _request(spec))
    reach = row.time_to_target_s
    assert reach is not None and 0 < reach < row.averaging_time_s
    cut = slices.starts[0] + reach

    def precision_at(t: float) -> float:
        share = np.clip((t - slices.starts) / slices.lengths, 0.0, 1.0) * slices.lengths
        return slices.precision(slices.rate @ share, slices.accidentals @ share)

    assert precision_at(cut) == pytest.approx(float(row.target_s), rel=1e-6)
    assert precision_at(cut - 1.0) > float(row.target_s)
    document = _document()
    document["requests"][0]["target"] = "10 fs"  # beyond the pass
    far = run(parse_scenario(document), engine="analytic").requests[0]
    assert far.time_to_target_s is None and far.target_met is False
    assert "not reached within the pass" in (far.note or "")


def test_the_clocks_rates_over_the_flight_give_the_bias() -> None:
    document = _document()
    document["nodes"]["micius"]["clock"] = {"frequency_offset": 1e-9}
    spec = parse_scenario(document)
    row = run(spec, engine="analytic").requests[0]
    slices = pass_slices(spec, _request(spec))
    delay = slices.range_m / 299_792_458.0
    weights = slices.rate.sum(axis=0) * slices.lengths
    # theta = x_xinglong - x_micius: the satellite's clock runs fast by 1e-9
    expected = float(np.sum(weights * 0.5 * (0.0 - 1e-9) * delay) / weights.sum())
    assert row.bias_s == pytest.approx(expected, rel=1e-9)
    assert -2e-12 < expected < -1e-12  # 1e-9 / 2 over 2 to 4 ms of flight
    # the Monte Carlo's error (one pass) carries it, within 5 precisions
    drawn = run(spec, engine="des", seed=1).requests[0]
    assert abs(drawn.bias_s - expected) < 5 * row.precision_s


# ------------------------------------------------------------------ the Monte Carlo


def test_the_monte_carlo_agrees_with_the_closed_form_within_5_standard_errors() -> None:
    """Over several seeds: each drawn pass's precision (the slices' independent
    contributions in quadrature) against the closed form, the standard error of the
    variance sqrt(2 sum v_i^2) from the slices' variances v_i; and the drawn passes' errors
    against the precision (their mean and mean square)."""
    spec = _spec()
    slices = pass_slices(spec, _request(spec))
    signal, noise = slices.expected_counts()
    analytic = slices.precision(signal, noise)
    per_event = (slices.rate * slices.sigma_c**2 + slices.accidentals * slices.window**2 / 12)
    v = 0.25 * np.sum(per_event * slices.lengths / (signal + noise)[:, None] ** 2, axis=0)
    assert float(np.sum(v)) == pytest.approx(analytic**2, rel=0.01)
    se_variance = math.sqrt(2.0 * float(np.sum(v**2)))
    errors = []
    for seed in range(12):
        draw = simulate_pass(slices, np.random.default_rng(seed))
        assert abs(draw.precision**2 - analytic**2) < 5 * se_variance, seed
        errors.append(draw.error / analytic)
    z = np.asarray(errors)
    assert abs(float(z.mean())) < 5 / math.sqrt(z.size)
    assert abs(float(np.mean(z**2)) - 1.0) < 5 * math.sqrt(2.0 / z.size)


def test_des_counts_agree_and_repeat_with_the_seed() -> None:
    spec = _spec()
    analytic = run(spec, engine="analytic").requests[0]
    first = run(spec, engine="des", seed=3).requests[0]
    again = run(spec, engine="des", seed=3).requests[0]
    assert first.precision_s == again.precision_s and first.bias_s == again.bias_s
    for direction in ("downlink", "uplink"):
        expected = analytic.coincidences[direction]
        assert abs(first.coincidences[direction] - expected) < 5 * math.sqrt(expected)
    assert first.error_budget == analytic.error_budget


def test_the_fast_engine_refuses() -> None:
    with pytest.raises(EngineError, match=r"requests\[0\]\.kind: clock_sync: the fast engine"):
        run(_spec(), engine="fast")


# ------------------------------------------------------------------ outputs


def test_the_text_table_and_a_sweep_row_show_both_directions(
        capsys: pytest.CaptureFixture[str]) -> None:
    from qfab.cli import main
    from qfab.experiments.stats import result_row

    assert main(["run", str(PASS), "--engine", "analytic"]) == 0
    text = capsys.readouterr().out
    lines = text.splitlines()
    header = next(i for i, line in enumerate(lines) if "coinc./dir (Hz)" in line)
    down, up = lines[header + 2].split()[4].split("/")  # coincidences per second
    assert float(down) > float(up) > 0
    assert "over the pass (" in text
    result = run(_spec(), engine="analytic").to_dict()
    row = result_row(result, strong_id="x", params={})
    assert row["r0_coincidence_rate_hz_downlink"] > row["r0_coincidence_rate_hz_uplink"] > 0
    assert row["r0_precision_s"] == pytest.approx(result["requests"][0]["precision_s"])


def test_a_run_without_the_pass_says_so() -> None:
    document = _document()
    document["duration"] = "200 s"  # the pass rises at 294 s
    spec = parse_scenario(document)
    for engine in ("analytic", "des"):
        row = run(spec, engine=engine).requests[0]
        assert row.precision_s is None and row.time_to_target_s is None
        assert row.delivered == 0 and row.target_met is None
        assert "is not above the links' min_elevation at xinglong" in (row.note or "")


def test_the_tdev_plot_names_a_pass_row(tmp_path: Any,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    import json

    from qfab.cli import main

    path = tmp_path / "result.json"
    path.write_text(json.dumps(run(_spec(), engine="analytic").to_dict()))
    assert main(["plot", str(path), "--tdev"]) != 0
    assert "no clock_sync request with a TDEV (over a satellite pass" in capsys.readouterr().err
