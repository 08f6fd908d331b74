"""The clock_sync request's fields, the new fiber and node fields, and their errors."""

from __future__ import annotations

import re
from typing import Any

import pytest

from qfab.errors import ScenarioError
from qfab.loading import parse_scenario
from qfab.spec.clock_sync import ClockSyncRequestSpec
from qfab.units import UnitError, to_si
from tests.unit.clock_sync.scenarios import clock_sync_document, edited


def test_a_request_reads_in_si_units() -> None:
    document = clock_sync_document()
    document["links"][0]["fiber"]["dispersion"] = "17 ps/nm/km"
    document["links"][0]["asymmetry"] = "-2 mm"
    document["nodes"]["a"]["clock"] = {"offset": "-3 ns", "white_pm": "50 fs",
                                      "frequency_offset": 1e-12}
    spec = parse_scenario(document)
    request = spec.requests[0]
    assert isinstance(request, ClockSyncRequestSpec)
    assert request.averaging_time == 8.0 and request.target == pytest.approx(1e-12)
    assert request.source.pair_rate == 2e4 and request.tagger.resolution == pytest.approx(1e-11)
    assert spec.links[0].fiber.dispersion == pytest.approx(1.7e-5)
    assert spec.links[0].asymmetry == pytest.approx(-2e-3)
    clock = spec.nodes["a"].clock
    assert clock is not None and clock.offset == pytest.approx(-3e-9)
    assert clock.white_pm == pytest.approx(5e-14)


def test_the_default_duration_holds_three_averaging_times() -> None:
    document = clock_sync_document(averaging_time="16 s")
    del document["requests"][0]["duration"]
    request = parse_scenario(document).requests[0]
    assert isinstance(request, ClockSyncRequestSpec)
    assert request.measurement_duration == 49.0
    document["requests"][0]["averaging_time"] = "2 s"  # at least 32 intervals
    request = parse_scenario(document).requests[0]
    assert isinstance(request, ClockSyncRequestSpec)
    assert request.measurement_duration == 32.0


def test_dispersion_units() -> None:
    assert to_si("17 ps/nm/km", "dispersion") == pytest.approx(1.7e-5)
    assert to_si("1.7e-5 s/m/m", "dispersion") == pytest.approx(1.7e-5)
    with pytest.raises(UnitError, match="unit 'ps' is a time"):
        to_si("17 ps", "dispersion")


def _error(document: dict[str, Any]) -> str:
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(document)
    message = str(caught.value)
    assert "\n" not in message
    return message


BASE = clock_sync_document()

CASES: list[tuple[str, dict[str, Any], str]] = [
    ("a pair-request field", edited(BASE, ["requests", 0, "pairs"], 10),
     r"^requests\[0\]: pairs: not a clock_sync field"),
    ("a start time", edited(BASE, ["requests", 0, "start"], 1.0),
     r"^requests\[0\]: start: not a clock_sync field"),
    ("averaging shorter than an interval", edited(BASE, ["requests", 0, "averaging_time"],
                                                  "0.5 s"),
     r"^requests\[0\]: averaging_time: 0.5 s is shorter than one interval"),
    ("a measurement too short for the TDEV", edited(BASE, ["requests", 0, "duration"], "20 s"),
     r"^requests\[0\]: duration: 20 s is shorter than three averaging times"),
    ("too many intervals", edited(BASE, ["requests", 0, "interval"], "1 us"),
     r"^requests\[0\]: duration: .* more than 10,000,000 offset estimates"),
    ("pump bandwidth without nonlocal cancellation",
     edited(BASE, ["requests", 0, "source", "pump_bandwidth"], "0.01 nm"),
     r"^requests\[0\]\.source: pump_bandwidth: .*dispersion_cancellation: none"),
    ("a bandwidth that nonlocal cancellation removes",
     edited(edited(BASE, ["requests", 0, "source", "dispersion_cancellation"], "nonlocal"),
            ["requests", 0, "source", "bandwidth"], "1 nm"),
     r"^requests\[0\]\.source: bandwidth: with nonlocal cancellation"),
    ("an unknown cancellation", edited(BASE, ["requests", 0, "source",
                                              "dispersion_cancellation"], "local"),
     r"^requests\[0\]\.source\.dispersion_cancellation: "),
    ("a dispersion unit of another dimension",
     edited(BASE, ["links", 0, "fiber", "dispersion"], "17 ps/nm"),
     r"^links\[0\]\.fiber\.dispersion: unknown unit 'ps/nm'"),
    ("a dead time", edited(BASE, ["links", 0, "detector", "dead_time"], "50 ns"),
     r"^links\[0\]\.detector\.dead_time: the detector's recovery is not modelled"),
    ("a detection window", edited(BASE, ["links", 0, "detector", "window"], "1 ns"),
     r"^links\[0\]\.detector\.window: the clock_sync request's window is the coincidence"),
    ("a background probability", edited(edited(BASE, ["links", 0, "detector",
                                                      "dark_count_probability"], 1e-6),
                                               ["links", 0, "detector", "dark_count_rate"], 0),
     r"^links\[0\]\.detector\.dark_count_probability: "),
    ("afterpulses", edited(BASE, ["links", 0, "detector", "afterpulse_probability"], 0.01),
     r"^links\[0\]\.detector\.afterpulse_probability: afterpulses are not modelled"),
    ("a clock nobody reads", edited(edited(BASE, ["nodes", "c"], {"clock": {"offset": 1e-9}}),
                                    ["links", 1], {"kind": "fiber", "between": ["b", "c"]}),
     r"^nodes\.c\.clock: no clock_sync request has c as an end"),
    ("a wavelength far from the fiber's",
     edited(edited(BASE, ["requests", 0, "source", "wavelength"], "810 nm"),
            ["links", 0, "fiber", "wavelength"], "1550 nm"),
     r"^requests\[0\]\.source\.wavelength: 810 nm is more than 10 % away"),
    ("a negative white phase noise", edited(BASE, ["nodes", "a", "clock"],
                                            {"white_pm": "-1 ps"}),
     r"^nodes\.a\.clock\.white_pm: must be >= 0"),
]


@pytest.mark.parametrize(("document", "pattern"), [case[1:] for case in CASES],
                         ids=[case[0] for case in CASES])
def test_bad_input_names_the_yaml_path(document: dict[str, Any], pattern: str) -> None:
    message = _error(document)
    assert re.search(pattern, message), message


def _with_unused_link(field: list[str], value: Any) -> dict[str, Any]:
    document = edited(BASE, ["nodes", "c"], {})
    link: dict[str, Any] = {"kind": "fiber", "between": ["b", "c"], "length": "1 km"}
    node: Any = link
    for key in field[:-1]:
        node = node.setdefault(key, {})
    node[field[-1]] = value
    document["links"].append(link)
    return document


def test_dispersion_on_a_link_no_request_runs_over_is_refused() -> None:
    message = _error(_with_unused_link(["fiber", "dispersion"], "17 ps/nm/km"))
    assert message.startswith("links[1].fiber.dispersion: only clock_sync requests model")


def test_asymmetry_on_a_link_no_request_runs_over_is_refused() -> None:
    message = _error(_with_unused_link(["asymmetry"], "1 mm"))
    assert message.startswith("links[1].asymmetry: only clock_sync requests model")


def test_dispersion_on_a_heralding_link_is_refused() -> None:
    document = edited(BASE, ["nodes", "c"], {})
    document["links"].append({"kind": "depolarizing", "between": ["b", "c"], "fidelity": 0.9,
                              "success_probability": 0.1, "cycle_time": "1 ms",
                              "fiber": {"dispersion": "17 ps/nm/km"}})
    assert _error(document).startswith("links[1].fiber.dispersion: only clock_sync")


def test_no_fiber_between_the_ends_is_refused() -> None:
    document = clock_sync_document()
    document["links"] = [{"kind": "depolarizing", "between": ["a", "b"], "fidelity": 0.9,
                          "success_probability": 0.1, "cycle_time": "1 ms"}]
    assert _error(document).startswith("requests[0].between: clock_sync needs a kind: fiber "
                                       "link between a and b")


def test_a_detector_in_the_middle_of_a_chain_is_refused() -> None:
    document = clock_sync_document()
    document["nodes"].update({"m1": {}, "m2": {}})
    plain = {"kind": "fiber", "length": "5 km"}
    document["links"] = [{**plain, "between": ["a", "m1"]},
                         {**plain, "between": ["m1", "m2"], "detector": {"jitter": "50 ps"}},
                         {**plain, "between": ["m2", "b"]}]
    assert _error(document).startswith("links[1].detector: this link is in the middle of a "
                                       "clock_sync request's chain")


def test_a_chain_of_fiber_links_is_accepted() -> None:
    document = clock_sync_document()
    document["nodes"]["m"] = {}
    document["links"] = [{"kind": "fiber", "between": ["a", "m"], "length": "5 km"},
                         {"kind": "fiber", "between": ["m", "b"], "length": "7 km"}]
    spec = parse_scenario(document)
    assert spec.entanglement_part() is None


def test_the_schema_lists_the_request_kind() -> None:
    from qfab.spec.models import ScenarioSpec

    schema = str(ScenarioSpec.model_json_schema())
    assert "clock_sync" in schema and "averaging_time" in schema


def test_a_sub_picosecond_target_and_reference() -> None:
    document = clock_sync_document(target="45 fs", reference={
        "label": "published", "points": [["10 s", "0.28 ps"]]})
    request = parse_scenario(document).requests[0]
    assert isinstance(request, ClockSyncRequestSpec)
    assert request.target == pytest.approx(4.5e-14)
    assert request.reference is not None
    assert request.reference.points[0][1] == pytest.approx(2.8e-13)
    message = _error(clock_sync_document(target="0 ps"))
    assert message.startswith("requests[0].target: must be > 0")


def test_a_satellite_downlink_alone_is_refused_with_the_reason() -> None:
    import yaml

    from tests.conftest import EXAMPLES

    document = yaml.safe_load((EXAMPLES / "qkd_satellite_downlink.yaml").read_text())
    document["requests"] = [{"kind": "clock_sync", "between": ["micius", "xinglong"],
                             "source": {"pair_rate": "1 MHz"}, "averaging_time": "10 s"}]
    message = _error(document)
    assert message.startswith("requests[0].between: only a satellite downlink (links[0]) "
                              "joins micius and xinglong: two-way time transfer needs the "
                              "uplink too")
    assert "one-way transfer cannot separate the clock offset from the delay" in message
