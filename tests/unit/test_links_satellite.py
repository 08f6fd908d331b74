"""The ``satellite`` link kind: its fields, its errors and the schedule its model builds.

The schedule is checked against the formulas it composes, evaluated here independently: the
pass geometry of :mod:`qfab.tiers.orbits`, the downlink budget of
:mod:`qfab.physics.free_space` and the coincidence statistics of
:func:`qfab.physics.midpoint_source.midpoint_source`.
"""

from __future__ import annotations

import math
import shutil
from datetime import UTC, datetime, timedelta
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml

from qfab.engines import run
from qfab.errors import ScenarioError
from qfab.links.satellite import satellite_pass
from qfab.loading import load_scenario, parse_scenario
from qfab.orchestrator.network import NetworkGraph
from qfab.physics.detection import dark_count_probability
from qfab.physics.free_space import (
    NIGHT_SKY_RADIANCE,
    background_photons_per_window,
    downlink_transmittance,
)
from qfab.physics.midpoint_source import midpoint_source
from qfab.tiers.orbits import GroundStation, common_passes, load_tle, pass_track

START = "2016-12-21T17:40:00Z"  # a night pass of Micius over Delingha and Lijiang
RECEIVER = {"aperture": "1.2 m", "efficiency": 0.3, "field_of_view": "100 urad",
            "filter_bandwidth": "5 nm",
            "detector": {"efficiency": 0.5, "dark_count_rate": "100 Hz", "window": "2.5 ns"}}


def _document(**link: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "kind": "satellite", "between": ["delingha", "lijiang"],
        "satellite": {"catalog": "micius"}, "start": START, "min_elevation": "10 deg",
        "source": {"pair_rate": "5.9 MHz", "visibility": 0.9, "wavelength": "810 nm"},
        "transmitter": {"divergence": "5 urad", "efficiency": 0.5, "pointing_jitter": "1 urad"},
        "receivers": [RECEIVER], "atmosphere": {"zenith_transmittance": 0.8},
        "background": "night"}
    fields.update(link)
    return {"qfab": 1, "name": "satellite", "seed": 1, "duration": "600 s",
            "nodes": {"delingha": {"location": {"latitude": 37.378, "longitude": 97.729,
                                                "altitude": "3153 m"}},
                      "lijiang": {"location": {"latitude": 26.695, "longitude": 100.030,
                                               "altitude": "3193 m"}}},
            "links": [fields],
            "requests": [{"kind": "entanglement", "between": ["delingha", "lijiang"],
                          "pairs": 10**6}]}


def _error(document: dict[str, Any]) -> ScenarioError:
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(document)
    return caught.value


def test_the_window_is_the_attempt_period_and_the_link_has_no_fiber() -> None:
    link = parse_scenario(_document()).links[0]
    assert link.cycle_time == pytest.approx(2.5e-9)
    assert link.attempt_period() == pytest.approx(2.5e-9)
    model = NetworkGraph(parse_scenario(_document())).models[0]
    assert model.herald_delay == 0 and model.period == pytest.approx(2.5e-9)


@pytest.mark.parametrize(("change", "path", "words"), [
    ({"satellite": {"catalog": "micius", "tle": "x.tle"}}, "links[0].satellite",
     "not both"),
    ({"mode": "downlink"}, "links[0]", "remove source"),
    ({"cycle_time": "1 ns"}, "links[0]", "coincidence window"),
    ({"start": "2016-12-21T17:40:00"}, "links[0].start", "time zone"),
    ({"length": "10 km"}, "links[0]", "from its orbit"),
    ({"fiber": {"attenuation": "0.2 dB/km"}}, "links[0].fiber", "no fiber"),
    ({"receivers": [{**RECEIVER, "detector": {"dead_time": "50 ns"}}]},
     "links[0].receivers[0].detector", "dead time"),
    ({"transmitter": {"divergence": "-5 urad"}}, "links[0].transmitter.divergence", ""),
])
def test_bad_fields_are_one_clear_error_naming_the_path(change: dict[str, Any], path: str,
                                                        words: str) -> None:
    error = _error(_document(**change))
    assert str(error).startswith(path), str(error)
    assert words in str(error)


def test_a_ground_station_needs_a_location() -> None:
    document = _document()
    del document["nodes"]["lijiang"]["location"]
    error = _error(document)
    assert str(error).startswith("nodes.lijiang.location")


def _stations() -> tuple[GroundStation, GroundStation]:
    return (GroundStation("delingha", 37.378, 97.729, 3153.0),
            GroundStation("lijiang", 26.695, 100.030, 3193.0))


def test_the_slices_cover_the_common_passes_in_steps() -> None:
    spec = parse_scenario(_document())
    found = satellite_pass(spec.links[0], spec, 0)
    start = datetime(2016, 12, 21, 17, 40, tzinfo=UTC)
    windows = common_passes(load_tle("micius"), _stations(), start, 600.0, 10.0)
    assert len(windows) == 1
    assert found.starts[0] == pytest.approx(windows[0].start_s)
    assert found.ends[-1] == pytest.approx(windows[0].end_s)
    assert np.all(np.diff(found.starts) == pytest.approx(1.0))
    assert np.all(found.elevation_rad >= math.radians(10.0) - 0.01)


def test_each_slice_is_the_midpoint_source_over_two_downlinks() -> None:
    """Slice 100, recomputed from the formulas: the track at its midpoint, the downlink
    budget, dark counts and night sky per window, the coincidence probability and state."""
    spec = parse_scenario(_document())
    found = satellite_pass(spec.links[0], spec, 0)
    i = 100
    start = datetime(2016, 12, 21, 17, 40, tzinfo=UTC) + timedelta(
        seconds=float(found.starts[i]) + 0.5)
    tle = load_tle("micius")
    efficiency, noise = [], []
    for station, aperture in zip(_stations(), (1.2, 1.2)):
        track = pass_track(tle, station, start, 1.0, 1.0)
        efficiency.append(float(downlink_transmittance(
            track.range_m[0], track.elevation_rad[0], divergence=5e-6,
            receiver_diameter=aperture, pointing_jitter=1e-6, zenith_transmittance=0.8,
            transmitter_efficiency=0.5, receiver_efficiency=0.3 * 0.5)))
        sky = float(background_photons_per_window(NIGHT_SKY_RADIANCE, 100e-6, aperture, 5e-9,
                                                  2.5e-9, 810e-9)) * 0.3 * 0.5
        dark = float(dark_count_probability(100.0, 2.5e-9))
        noise.append(1 - (1 - dark) * math.exp(-sky))
    p, state = midpoint_source(5.9e6 * 2.5e-9, efficiency[0], efficiency[1],
                               dark_count_probability_a=noise[0],
                               dark_count_probability_b=noise[1],
                               source_fidelity=(1 + 3 * 0.9) / 4)
    assert found.efficiency[:, i] == pytest.approx(efficiency, rel=1e-6)
    assert found.noise[:, i] == pytest.approx(noise, rel=1e-9)
    assert found.p_success[i] == pytest.approx(float(p), rel=1e-6)
    assert found.states[i] == pytest.approx(np.asarray(state), rel=1e-6)


def test_daylight_background_lowers_the_fidelity() -> None:
    night = parse_scenario(_document())
    day = parse_scenario(_document(background="day"))
    f_night = satellite_pass(night.links[0], night, 0).states[:, 0]
    f_day = satellite_pass(day.links[0], day, 0).states[:, 0]
    assert np.all(f_day < f_night)


def test_auto_background_is_night_on_a_night_pass() -> None:
    auto = parse_scenario(_document(background="auto"))
    night = parse_scenario(_document())
    assert satellite_pass(auto.links[0], auto, 0).noise == pytest.approx(
        satellite_pass(night.links[0], night, 0).noise)


def test_a_tle_file_is_read_relative_to_the_scenario(tmp_path: Path) -> None:
    shipped = resources.files("qfab.catalog").joinpath("data", "tle", "micius.tle")
    (tmp_path / "orbits").mkdir()
    with resources.as_file(shipped) as source:
        shutil.copy(source, tmp_path / "orbits" / "micius.tle")
    document = _document(satellite={"tle": "orbits/micius.tle"})
    (tmp_path / "scenario.yaml").write_text(yaml.safe_dump(document))
    spec = load_scenario(tmp_path / "scenario.yaml")
    shipped_spec = parse_scenario(_document())
    assert satellite_pass(spec.links[0], spec, 0).p_success == pytest.approx(
        satellite_pass(shipped_spec.links[0], shipped_spec, 0).p_success)


def test_a_missing_tle_file_names_the_field(tmp_path: Path) -> None:
    document = _document(satellite={"tle": "nowhere.tle"})
    (tmp_path / "scenario.yaml").write_text(yaml.safe_dump(document))
    with pytest.raises(ScenarioError, match=r"^links\[0\]\.satellite\.tle"):
        run(load_scenario(tmp_path / "scenario.yaml"), engine="analytic")


def test_no_common_pass_in_the_run_is_a_note_not_a_silent_zero() -> None:
    document = _document(start="2016-12-21T12:00:00Z")
    request = run(parse_scenario(document), engine="analytic").requests[0]
    assert request.delivered == 0
    assert request.note is not None and "no pass or window is left" in request.note


def test_the_budget_shows_the_best_slice_of_the_pass() -> None:
    from qfab.report.budget import link_budgets

    spec = parse_scenario(_document())
    budget = link_budgets(spec)[0]
    found = satellite_pass(spec.links[0], spec, 0)
    best = int(found.p_success.argmax())
    names = [stage.name for stage in budget.stages]
    assert names[0].startswith("downlink[delingha]") and names[1].startswith("downlink[lijiang]")
    assert names[2:] == ["source", "accidentals", "memory"]
    assert budget.efficiency == pytest.approx(float(np.prod(found.efficiency[:, best])))
    assert budget.stages[2].noise == pytest.approx(1 - (1 + 3 * 0.9) / 4)


def test_a_transmitter_waist_widens_the_beam() -> None:
    """w(L)^2 = w0^2 + (theta L)^2: a 0.5 m waist collects less at the same range."""
    far = parse_scenario(_document())
    wide = parse_scenario(_document(transmitter={"divergence": "5 urad", "efficiency": 0.5,
                                                 "pointing_jitter": "1 urad",
                                                 "waist": "0.5 m"}))
    assert np.all(satellite_pass(wide.links[0], wide, 0).efficiency
                  < satellite_pass(far.links[0], far, 0).efficiency)


def test_prepare_and_measure_over_a_satellite_is_refused_clearly() -> None:
    """bb84-decoy needs a fiber link or a prepare-and-measure satellite link, not the
    entangled mode's two downlinks."""
    document = _document()
    document["requests"] = [{"kind": "qkd", "protocol": "bb84-decoy",
                             "between": ["delingha", "lijiang"], "decoys": ["nu", "vacuum"],
                             "source": {"mu": 0.5, "nu": 0.1, "repetition_rate": "100 MHz"},
                             "pulses": 1e9}]
    with pytest.raises(ScenarioError, match=r"^requests\[0\]\.between: bb84-decoy needs fiber"):
        parse_scenario(document)


def test_equal_satellite_links_to_other_stations_have_their_own_passes() -> None:
    """Two links with the same fields but other ground stations: each its own schedule."""
    document = _document()
    document["nodes"]["nanshan"] = {"location": {"latitude": 43.475461,
                                                 "longitude": 87.176686, "altitude": "2028 m"}}
    document["nodes"]["delingha"]["memory"] = {"qubits": 2}
    second = {**document["links"][0], "between": ["delingha", "nanshan"]}
    document["links"].append(second)
    models = NetworkGraph(parse_scenario(document)).models
    first_schedule, second_schedule = models[0].schedule, models[1].schedule
    assert first_schedule is not None and second_schedule is not None
    assert first_schedule.starts != second_schedule.starts


def test_operate_night_keeps_only_the_slices_with_the_sun_down_at_both_stations() -> None:
    document = _document(operate="night", background="auto")
    document["duration"] = "48 h"
    spec = parse_scenario(document)
    always = parse_scenario({**document, "links": [{**document["links"][0],
                                                   "operate": "always"}]})
    night = satellite_pass(spec.links[0], spec, 0)
    every = satellite_pass(always.links[0], always, 0)
    assert 0 < night.starts.size < every.starts.size  # two days hold day and night passes
    tle = load_tle("micius")
    begin = datetime(2016, 12, 21, 17, 40, tzinfo=UTC)
    for name in ("delingha", "lijiang"):
        where = spec.nodes[name].location
        station = GroundStation(name, where.latitude, where.longitude, where.altitude)
        for start in night.starts[:: max(1, night.starts.size // 20)]:
            track = pass_track(tle, station, begin + timedelta(seconds=float(start) + 0.5),
                               1.0, 1.0)
            assert track.sun_elevation_rad[0] <= 0.0
    kept = {float(s) for s in night.starts}
    dropped = [float(s) for s in every.starts if float(s) not in kept]
    assert dropped  # the daylight slices, gone


@pytest.mark.parametrize(("change", "path"), [
    ({"start": 5}, "links[0].start"),
    ({"receivers": [{**RECEIVER, "aperture": 1e300}]}, "links[0].receivers[0].aperture"),
    ({"receivers": [{**RECEIVER, "detector": "snspd"}]}, "links[0].receivers[0].detector"),
    ({"transmitter": {"divergence": 1e300}}, "links[0].transmitter.divergence"),
    ({"source": {"pair_rate": 1e300, "visibility": 0.9, "wavelength": "810 nm"}},
     "links[0].source.pair_rate"),
])
def test_out_of_range_satellite_fields_are_one_clear_error(change: dict[str, Any],
                                                           path: str) -> None:
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(_document(**change))
    assert caught.value.path == path
