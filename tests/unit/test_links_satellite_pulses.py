"""Prepare-and-measure satellite links (``mode: downlink`` and ``mode: uplink``): their fields,
their errors, the per-slice channel and the pulses a bb84-decoy request sends over a pass.

The channel is checked against the formulas it composes, evaluated here independently (the
pass geometry of :mod:`qfab.tiers.orbits`, the link budget and background of
:mod:`qfab.physics.free_space`, the receiver's dark counts of
:mod:`qfab.physics.qkd_channel`).
"""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
import pytest

from qfab.engines import run
from qfab.engines.qkd_satellite import pass_plan
from qfab.errors import EngineError, QfabError, ScenarioError
from qfab.links.satellite import satellite_pass
from qfab.links.satellite_pulses import pulse_channel_pass
from qfab.loading import parse_scenario
from qfab.physics.detection import window_fraction
from qfab.physics.free_space import (
    NIGHT_SKY_RADIANCE,
    background_photons_per_window,
    downlink_transmittance,
)
from qfab.physics.qkd import bb84_decoy_key_rate
from qfab.physics.qkd_channel import receiver_background
from qfab.tiers.orbits import GroundStation, find_passes, load_tle, pass_track

START = "2016-12-19T16:45:00Z"  # a night pass of Micius over Xinglong at 16:48-16:55 UTC
XINGLONG = {"latitude": 40.3958, "longitude": 117.5775, "altitude": "960 m"}
RECEIVER = {"aperture": "1.0 m", "efficiency": 0.3, "field_of_view": "100 urad",
            "filter_bandwidth": "5 nm",
            "detector": {"efficiency": 0.5, "dark_count_rate": "100 Hz", "window": "2 ns",
                         "jitter": "300 ps"}}
REQUEST = {"kind": "qkd", "protocol": "bb84-decoy", "between": ["sat", "ground"],
           "source": {"mu": 0.8, "nu": 0.1, "repetition_rate": "1 MHz"},
           "decoys": ["nu", "vacuum"], "misalignment": 0.01, "duration": "400 s"}


def _document(link: dict[str, Any] | None = None,
              request: dict[str, Any] | None = None) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "kind": "satellite", "mode": "downlink", "between": ["sat", "ground"],
        "satellite": {"catalog": "micius"}, "start": START, "min_elevation": "15 deg",
        "step": "5 s", "wavelength": "850 nm",
        "transmitter": {"divergence": "5 urad", "efficiency": 0.5, "pointing_jitter": "1 urad"},
        "receivers": [RECEIVER], "atmosphere": {"zenith_transmittance": 0.8},
        "background": "night"}
    fields.update(link or {})
    return {"qfab": 1, "name": "satellite qkd", "seed": 3, "duration": "600 s",
            "nodes": {"sat": {}, "ground": {"location": dict(XINGLONG)}},
            "links": [fields], "requests": [{**REQUEST, **(request or {})}]}


def _error(document: dict[str, Any]) -> ScenarioError:
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(document)
    return caught.value


@pytest.mark.parametrize(("link", "path", "words"), [
    ({"source": {"pair_rate": "1 MHz", "visibility": 0.9, "wavelength": "850 nm"}},
     "links[0]", "remove source"),
    ({"wavelength": None}, "links[0]", "wavelength"),
    ({"receivers": [RECEIVER, RECEIVER]}, "links[0]", "one receiver"),
    ({"beam_wander": "2 urad"}, "links[0]", "uplink field"),
    ({"mode": "uplink", "sky_radiance": [1e3, 1e7]}, "links[0]", "beam_wander"),
    ({"mode": "uplink", "beam_wander": "2 urad"}, "links[0]", "sky_radiance"),
    ({"mode": "entanglement", "wavelength": None,
      "source": {"pair_rate": "1 MHz", "visibility": 0.9, "wavelength": "850 nm"},
      "beam_wander": "1 urad"}, "links[0]", "beam_wander"),
])
def test_bad_fields_are_one_clear_error_naming_the_path(link: dict[str, Any], path: str,
                                                        words: str) -> None:
    document = _document({key: value for key, value in link.items() if value is not None})
    for key, value in link.items():
        if value is None:
            del document["links"][0][key]
    error = _error(document)
    assert str(error).startswith(path), str(error)
    assert words in str(error)
    assert "\n" not in str(error)


def test_exactly_one_end_is_a_ground_station() -> None:
    both = _document()
    both["nodes"]["sat"] = {"location": dict(XINGLONG)}
    assert str(_error(both)).startswith("links[0].between")
    assert "both ends have a location" in str(_error(both))
    neither = _document()
    neither["nodes"]["ground"] = {}
    assert "neither end has a location" in str(_error(neither))


def test_a_relay_or_an_optimal_mu_over_a_pass_is_refused() -> None:
    relay = _error(_document(request={"relay": "trusted"}))
    assert str(relay).startswith("requests[0].relay")
    optimal = _error(_document(request={"source": {"mu": "optimal", "nu": 0.1,
                                                   "repetition_rate": "1 MHz"}}))
    assert str(optimal).startswith("requests[0].source.mu")


def test_the_fast_engine_refuses_the_request() -> None:
    spec = parse_scenario(_document())
    with pytest.raises(EngineError, match=r"requests\[0\]\.protocol"):
        run(spec, engine="fast")


def test_the_entangled_pass_functions_refuse_the_other_mode() -> None:
    spec = parse_scenario(_document())
    with pytest.raises(ValueError, match="carries pulses"):
        satellite_pass(spec.links[0], spec, 0)  # type: ignore[arg-type]


def _station() -> GroundStation:
    return GroundStation("ground", XINGLONG["latitude"], XINGLONG["longitude"], 960.0)


def test_each_slice_is_the_link_budget_and_the_background_at_its_midpoint() -> None:
    """eta = downlink_transmittance x detector efficiency x window share; Y0 = two
    detectors' dark counts or a detected night-sky photon."""
    spec = parse_scenario(_document())
    channel = pulse_channel_pass(spec.links[0], spec, 0)  # type: ignore[arg-type]
    assert (channel.satellite, channel.station) == ("sat", "ground")
    from qfab.catalog.satellites import satellite

    tle = load_tle(satellite("micius").tle)
    start = datetime(2016, 12, 19, 16, 45, tzinfo=UTC)
    passes = find_passes(tle, _station(), start, 600.0, 15.0)
    assert len(passes) == 1
    assert channel.starts[0] == pytest.approx(passes[0].rise_s)
    assert channel.ends[-1] == pytest.approx(passes[0].set_s)
    assert np.all(np.diff(channel.starts) == pytest.approx(5.0))
    track = pass_track(tle, _station(), start + timedelta(seconds=passes[0].rise_s + 2.5),
                       channel.starts.size * 5.0, 5.0)
    count = channel.starts.size
    np.testing.assert_allclose(channel.range_m, track.range_m[:count], rtol=1e-9)
    eta = downlink_transmittance(track.range_m[:count], track.elevation_rad[:count],
                                 divergence=5e-6, receiver_diameter=1.0,
                                 pointing_jitter=1e-6, zenith_transmittance=0.8,
                                 transmitter_efficiency=0.5, receiver_efficiency=0.3)
    share = float(window_fraction(2e-9, 300e-12))
    np.testing.assert_allclose(channel.eta, np.asarray(eta) * 0.5 * share, rtol=1e-12)
    sky = float(background_photons_per_window(NIGHT_SKY_RADIANCE, 100e-6, 1.0, 5e-9, 2e-9,
                                              850e-9))
    dark = float(receiver_background(100.0, 2e-9))
    expected = 1.0 - (1.0 - dark) * math.exp(-sky * 0.3 * 0.5)
    np.testing.assert_allclose(channel.background, expected, rtol=1e-12)


def test_an_uplink_loses_more_with_beam_wander_and_sees_its_own_radiance() -> None:
    """The beam wander adds in quadrature to the pointing jitter (a wider long-term spot);
    the background is the given radiance of the Earth."""
    down = parse_scenario(_document())
    up = parse_scenario(_document({"mode": "uplink", "beam_wander": "3 urad",
                                   "sky_radiance": [NIGHT_SKY_RADIANCE * 10, 1e7]}))
    still = parse_scenario(_document({"mode": "uplink", "beam_wander": "0 urad",
                                      "sky_radiance": [NIGHT_SKY_RADIANCE, 1e7]}))
    d = pulse_channel_pass(down.links[0], down, 0)  # type: ignore[arg-type]
    u = pulse_channel_pass(up.links[0], up, 0)  # type: ignore[arg-type]
    s = pulse_channel_pass(still.links[0], still, 0)  # type: ignore[arg-type]
    np.testing.assert_allclose(s.eta, d.eta, rtol=1e-12)  # no wander: the same budget
    np.testing.assert_allclose(s.background, d.background, rtol=1e-12)
    wide = downlink_transmittance(u.range_m, u.elevation_rad, divergence=5e-6,
                                  receiver_diameter=1.0, pointing_jitter=math.hypot(1e-6, 3e-6),
                                  zenith_transmittance=0.8, transmitter_efficiency=0.5,
                                  receiver_efficiency=0.3)
    np.testing.assert_allclose(u.channel, wide, rtol=1e-12)
    assert np.all(u.eta < d.eta)
    assert np.all(u.background > d.background)


def test_daylight_raises_the_background() -> None:
    night = parse_scenario(_document())
    day = parse_scenario(_document({"background": "day"}))
    n = pulse_channel_pass(night.links[0], night, 0)  # type: ignore[arg-type]
    d = pulse_channel_pass(day.links[0], day, 0)  # type: ignore[arg-type]
    assert np.all(d.background > 100 * n.background)


def test_pulses_go_out_at_the_rate_while_the_link_is_up_until_the_cap() -> None:
    spec = parse_scenario(_document())
    link = spec.links[0]
    channel = pulse_channel_pass(link, spec, 0)  # type: ignore[arg-type]
    request = spec.requests[0]
    plan = pass_plan(channel, request, duration=600.0, index=0)  # type: ignore[arg-type]
    up = float(np.sum(channel.ends - channel.starts))
    assert abs(plan.total - up * 1e6) <= channel.starts.size
    assert plan.waited_s == pytest.approx(channel.starts[0])
    assert plan.note is None
    capped = request.model_copy(update={"duration": 100.0})
    short = pass_plan(channel, capped, duration=600.0, index=0)  # type: ignore[arg-type]
    assert short.total == 100_000_000
    assert short.last_s == pytest.approx(channel.starts[0] + 100.0, abs=1e-6)
    late = request.model_copy(update={"start": 599.0})
    none = pass_plan(channel, late, duration=600.0, index=0)  # type: ignore[arg-type]
    assert none.total == 0 and none.note is not None and "no pass is left" in none.note
    assert none.waited_s == pytest.approx(1.0)


def test_the_analytic_key_sums_the_slices() -> None:
    """Asymptotic: sum_i N_i p_mu R(eta_i, Y0_i) with the vacuum + weak estimates."""
    spec = parse_scenario(_document())
    result = run(spec, engine="analytic", seed=0).requests[0]
    channel = pulse_channel_pass(spec.links[0], spec, 0)  # type: ignore[arg-type]
    plan = pass_plan(channel, spec.requests[0], duration=600.0, index=0)  # type: ignore[arg-type]
    rates = [float(bb84_decoy_key_rate(e, y0, 0.01, 1.0, 0.8, decoys="vacuum+weak", nu=0.1))
             for e, y0 in zip(channel.eta, channel.background)]
    expected = sum(n * 0.8 * max(r, 0.0) for n, r in zip(plan.pulses, rates))
    assert result.extra["final_key_bits"] == pytest.approx(expected, rel=1e-12)
    assert result.extra["pulses"] == plan.total
    assert result.waited_s == pytest.approx(channel.starts[0])
    assert result.extra["key_rate_bps"] == pytest.approx(expected / 600.0)
    assert result.extra["keys_match"] is None


def test_the_link_row_is_empty_and_a_link_without_requests_runs() -> None:
    document = _document()
    document["requests"] = []
    for engine in ("analytic", "des", "fast"):
        result = run(parse_scenario(document), engine=engine, seed=1)
        assert result.links[0].attempts is None and result.requests == []


def test_a_request_while_the_satellite_is_down_has_a_note() -> None:
    late = _document(request={"start": "599 s", "duration": "0.5 s"})
    result = run(parse_scenario(late), engine="des", seed=2).requests[0]
    assert result.extra["pulses"] == 0
    assert result.note is not None and result.note.startswith("links[0]")
    assert result.extra["keys_match"] is None
    assert isinstance(result.extra["abort_reason"], str)


def test_des_keys_over_a_pass_are_identical_or_a_stated_abort() -> None:
    result = run(parse_scenario(_document()), engine="des", seed=5).requests[0]
    extra = result.extra
    if extra["final_key_bits"]:
        assert extra["keys_match"] is True and extra["stored_key_bits"] > 0
    else:
        assert isinstance(extra["abort_reason"], str)


def test_errors_are_qfab_errors() -> None:
    assert issubclass(ScenarioError, QfabError)


def test_the_budget_commands_list_the_link(tmp_path: Any, capsys: Any) -> None:
    """qfab budget lists a prepare-and-measure pass (its best slice) and run --report writes
    its page."""
    import yaml

    from qfab.cli import main

    path = tmp_path / "pass.yaml"
    path.write_text(yaml.safe_dump(_document()))
    assert main(["budget", str(path)]) == 0
    assert "free_space (t = " in capsys.readouterr().out
    assert main(["run", str(path), "--report", str(tmp_path / "r")]) == 0
    assert (tmp_path / "r" / "index.html").is_file()


@pytest.mark.parametrize("request_fields", [{}, {"decoys": "infinite",
                                                 "source": {"mu": 0.5,
                                                            "repetition_rate": "1 MHz"}}])
def test_an_uplink_runs_on_both_engines_with_the_same_sifted_bits(
        request_fields: dict[str, Any]) -> None:
    """Uplink, asymptotic: the sampled sifted bits (signal, matched bases) agree with the
    expected ones within 5 standard errors; des keys are identical or a stated abort."""
    document = _document({"mode": "uplink", "beam_wander": "2 urad",
                          "sky_radiance": [NIGHT_SKY_RADIANCE, 1e7],
                          "transmitter": {"divergence": "5 urad", "efficiency": 1.0}},
                         request=request_fields)
    spec = parse_scenario(document)
    expected = run(spec, engine="analytic", seed=0).requests[0].extra
    sampled = run(spec, engine="des", seed=9).requests[0].extra
    assert expected["pulses"] == sampled["pulses"] > 0
    mean = expected["sifted_bits"]
    assert mean > 1000
    assert abs(sampled["sifted_bits"] - mean) < 5 * math.sqrt(mean)
    if sampled["final_key_bits"]:
        assert sampled["keys_match"] is True
    else:
        assert isinstance(sampled["abort_reason"], str)


def test_operate_night_keeps_the_downlink_slices_with_the_sun_down() -> None:
    from qfab.links.satellite_pulses import pulse_channel_pass

    document = _document({"operate": "night", "background": "auto"})
    document["duration"] = "24 h"
    night = parse_scenario(document)
    document["links"][0]["operate"] = "always"
    always = parse_scenario(document)
    kept = pulse_channel_pass(night.links[0], night, 0)
    every = pulse_channel_pass(always.links[0], always, 0)
    assert 0 < kept.starts.size < every.starts.size  # a day holds passes in daylight too
    # every slice kept has the night sky's background (auto: day where the Sun is up)
    assert kept.background.max() < every.background.max()
    assert set(kept.starts.tolist()) <= set(every.starts.tolist())
