"""The midpoint_source and chip_to_chip link kinds: their fields, their link models (the
physics they call, the timing, the modes from the ends' memories), preset: chip_to_chip,
des against analytic within statistics, and clear errors."""

from __future__ import annotations

import math
from dataclasses import replace
from typing import Any

import pytest

from qfab.engines import run
from qfab.errors import ScenarioError
from qfab.linkmodel import link_model
from qfab.links import midpoint
from qfab.loading import parse_scenario
from qfab.memorymodel import memory_model
from qfab.physics.detection import dark_count_probability
from qfab.physics.fiber import transmittance
from qfab.physics.midpoint_source import midpoint_source
from qfab.report.budget import link_budgets
from tests.scenarios import two_node

MIDPOINT: dict[str, Any] = {
    "kind": "midpoint_source", "length": "40 km", "cycle_time": "2 us",
    "fiber": {"attenuation": "0.2 dB/km"},
    "source": {"mean_pairs": 0.05, "fidelity": 0.97},
    "absorption_efficiency": [0.6, 0.3],
    "detector": {"efficiency": 0.8, "dark_count_rate": "100 Hz", "window": "2 ns"},
    "modes": 20,
}
CHIP: dict[str, Any] = {"kind": "chip_to_chip", "fidelity": 0.99, "success_probability": 0.4,
                        "cycle_time": "1 us"}


def _midpoint(**changes: Any) -> dict[str, Any]:
    return two_node({**MIDPOINT, **changes}, pairs=10)


def test_midpoint_model_is_the_physics_of_its_arms() -> None:
    spec = parse_scenario(_midpoint())
    model = link_model(spec, 0)
    half = float(transmittance(20e3, 0.2e-3))
    dark = float(dark_count_probability(100.0, 2e-9))
    p, state = midpoint_source(0.05, half * 0.6 * 0.8, half * 0.3 * 0.8,
                               dark_count_probability_a=dark, dark_count_probability_b=dark,
                               source_fidelity=0.97, modes=20)
    assert model.p_success == pytest.approx(float(p), rel=1e-12)
    assert model.emitted_state == pytest.approx(state, rel=1e-12)
    # photons reach the ends after length/2, each end's herald reaches the other after length
    assert model.herald_delay == pytest.approx(40e3 / 2e8, rel=1e-12)
    assert model.period == pytest.approx(2e-6 + 40e3 / 2e8, rel=1e-12)


def test_absorption_pair_follows_between_and_one_value_serves_both() -> None:
    one = link_model(parse_scenario(_midpoint(absorption_efficiency=0.5)), 0)
    both = link_model(parse_scenario(_midpoint(absorption_efficiency=[0.5, 0.5])), 0)
    assert one.p_success == both.p_success
    low = link_model(parse_scenario(_midpoint(absorption_efficiency=[0.5, 0.25])), 0)
    assert low.p_success < one.p_success


def test_pair_probability_is_the_same_source_as_its_mean_pairs() -> None:
    by_mu = link_model(parse_scenario(_midpoint(source={"mean_pairs": 0.25})), 0)
    by_p = link_model(parse_scenario(_midpoint(source={"pair_probability": 0.2})), 0)
    assert by_p.p_success == pytest.approx(by_mu.p_success, rel=1e-12)


def test_modes_default_to_the_smaller_mode_capacity_of_the_ends() -> None:
    spec = parse_scenario(_midpoint(modes=None))
    link = spec.links[0]
    plain = memory_model(spec.nodes["alice"].memory)
    assert midpoint.modes(link, (plain, plain)) == 1  # memories that are not multimode
    many, few = replace(plain, mode_capacity=300), replace(plain, mode_capacity=50)
    assert midpoint.modes(link, (many, few)) == 50
    assert midpoint.modes(link, (plain, many)) == 300
    assert link_model(spec, 0).p_success == pytest.approx(
        link_model(parse_scenario(_midpoint(modes=1)), 0).p_success, rel=1e-15)


def test_modes_above_an_ends_capacity_are_refused() -> None:
    spec = parse_scenario(_midpoint(modes=100))
    plain = memory_model(spec.nodes["alice"].memory)
    with pytest.raises(ScenarioError, match=r"^links\[3\]\.modes: 100 modes per attempt, but "
                       r"the memory of bob stores 50$"):
        midpoint.modes(spec.links[0], (plain, replace(plain, mode_capacity=50)), 3)
    assert midpoint.modes(spec.links[0], (plain, replace(plain, mode_capacity=100))) == 100


def test_more_modes_more_rate_same_fidelity() -> None:
    few = link_model(parse_scenario(_midpoint(modes=1)), 0)
    many = link_model(parse_scenario(_midpoint(modes=50)), 0)
    assert many.p_success == pytest.approx(1 - (1 - few.p_success) ** 50, rel=1e-12)
    assert many.emitted_state == pytest.approx(few.emitted_state, rel=1e-15)


def test_midpoint_budget_stages_multiply_to_both_arms() -> None:
    spec = parse_scenario(_midpoint())
    (budget,) = link_budgets(spec)
    names = [stage.name for stage in budget.stages]
    assert names == ["source", "fiber_a", "absorption_a", "herald_a", "fiber_b",
                     "absorption_b", "herald_b", "multi_pair", "modes x20", "memory"]
    half = float(transmittance(20e3, 0.2e-3))
    assert budget.efficiency == pytest.approx(half**2 * 0.6 * 0.3 * 0.8**2, rel=1e-12)
    stages = {stage.name: stage for stage in budget.stages}
    assert stages["source"].noise == pytest.approx(0.03)
    # the heralded fidelity is the source's pair diluted by the multi-pair share: F = w Fs + (1-w)/4
    w = 1 - stages["multi_pair"].noise
    assert budget.model.emitted_state[0] == pytest.approx(w * 0.97 + (1 - w) / 4, rel=1e-12)


@pytest.mark.parametrize(("kind", "document"), [
    ("midpoint_source", two_node({**MIDPOINT, "length": "10 km", "modes": 200,
                                  "source": {"pair_probability": 0.1}}, pairs=3000)),
    ("chip_to_chip", two_node(CHIP, pairs=3000)),
])
def test_des_rate_matches_the_analytic_engine_within_five_standard_errors(
        kind: str, document: dict[str, Any]) -> None:
    spec = parse_scenario({**document, "duration": "100 s"})
    analytic, des = run(spec, engine="analytic"), run(spec, engine="des", seed=11)
    p = analytic.links[0].p_success
    assert p is not None and 0.05 < p < 0.95  # a test that the statistics can tell apart
    expected, simulated = analytic.requests[0], des.requests[0]
    assert simulated.delivered == expected.delivered == 3000
    assert expected.rate_hz is not None and simulated.rate_hz is not None
    tolerance = 5 * expected.rate_hz * math.sqrt((1 - p) / simulated.delivered)
    assert simulated.rate_hz == pytest.approx(expected.rate_hz, abs=tolerance)
    assert simulated.fidelity == pytest.approx(expected.fidelity, abs=1e-9)


def test_chip_to_chip_is_a_werner_pair_per_attempt_a_few_cm_long() -> None:
    spec = parse_scenario(two_node(CHIP, pairs=1))
    link, model = spec.links[0], link_model(spec, 0)
    assert link.length == 0.05
    assert model.p_success == 0.4
    assert model.emitted_state == pytest.approx([0.99, 0.01 / 3, 0.01 / 3, 0.01 / 3])
    assert model.period == pytest.approx(1e-6 + 0.05 / 2e8, rel=1e-12)
    (budget,) = link_budgets(spec)
    assert [(s.name, s.efficiency, s.noise) for s in budget.stages[:1]] == [
        ("interconnect", 0.4, pytest.approx(0.01))]


def test_the_chip_to_chip_preset_fills_the_fidelity_and_keys_beside_it_win() -> None:
    link = {"kind": "chip_to_chip", "preset": "chip_to_chip", "cycle_time": "1 us"}
    assert parse_scenario(two_node(link)).links[0].fidelity == 0.997
    assert parse_scenario(two_node({**link, "fidelity": 0.95})).links[0].fidelity == 0.95
    without_kind = {"preset": "chip_to_chip", "cycle_time": "1 us"}
    assert parse_scenario(two_node(without_kind)).links[0].kind == "chip_to_chip"
    topology = {"qfab": 1, "topology": {"kind": "chain", "nodes": 3, "spacing": "5 cm",
                                     "link": link}}
    assert [lk.fidelity for lk in parse_scenario(topology).links] == [0.997, 0.997]


@pytest.mark.parametrize(("link", "message"), [
    ({**MIDPOINT, "source": {}}, r"^links\[0\]\.source: give either mean_pairs or "
     r"pair_probability"),
    ({**MIDPOINT, "source": {"mean_pairs": 0.1, "pair_probability": 0.1}},
     r"^links\[0\]\.source: give either mean_pairs"),
    ({**MIDPOINT, "source": {"mean_pairs": -1}}, r"^links\[0\]\.source\.mean_pairs: "),
    ({**MIDPOINT, "source": {"pair_probability": 1}},
     r"^links\[0\]\.source\.pair_probability: "),
    ({**MIDPOINT, "source": {"mean_pairs": 0.1, "fidelity": 0.2}},
     r"^links\[0\]\.source\.fidelity: "),
    ({**MIDPOINT, "modes": 0}, r"^links\[0\]\.modes: "),
    ({**MIDPOINT, "modes": 10**39}, r"^links\[0\]\.modes: must be <= 9007199254740992"),
    ({**MIDPOINT, "source": {"mean_pairs": "1e300"}},
     r"^links\[0\]\.source\.mean_pairs: must be <= 1000"),
    ({**MIDPOINT, "absorption_efficiency": [0.5, 1.2]},
     r"^links\[0\]\.absorption_efficiency"),
    ({key: value for key, value in MIDPOINT.items() if key != "source"},
     r"^links\[0\]\.source: "),
    ({**CHIP, "fiber": {"attenuation": "0.2 dB/km"}},
     r"^links\[0\]\.fiber: .*attenuation has no effect"),
    ({key: value for key, value in CHIP.items() if key != "cycle_time"},
     r"^links\[0\]\.cycle_time: "),
    ({key: value for key, value in CHIP.items() if key != "fidelity"},
     r"^links\[0\]\.fidelity: "),
    ({**CHIP, "preset": "chip_2_chip"}, r"^links\[0\]\.preset: .*chip_to_chip"),
    ({**CHIP, "preset": "snspd_wsi"}, r"^links\[0\]\.preset: 'snspd_wsi' is a detector, not "
     r"an interconnect"),
    ({"preset": "snspd_wsi", "cycle_time": "1 us"}, r"^links\[0\]\.preset: 'snspd_wsi' is a "
     r"detector, not an interconnect"),
    ({"kind": "single_click", "bright_state": 0.1, "cycle_time": "1 us",
      "preset": "chip_to_chip"}, r"^links\[0\]\.preset: a link of kind 'single_click' takes "
     r"presets in its sections"),
])
def test_bad_input_is_one_line_naming_the_field(link: dict[str, Any], message: str) -> None:
    with pytest.raises(ScenarioError, match=message) as raised:
        parse_scenario(two_node(link, pairs=1))
    assert "\n" not in str(raised.value)


def test_the_chip_to_chip_example_recomputes_from_its_preset() -> None:
    """examples/chip_to_chip.yaml: the preset's 0.997, half the attempts of 1 us plus 5 cm at
    2e8 m/s succeed."""
    from qfab.catalog import preset
    from qfab.loading import load_scenario
    from tests.conftest import EXAMPLES

    spec = load_scenario(EXAMPLES / "chip_to_chip.yaml")
    result = run(spec, engine="analytic")
    assert spec.links[0].fidelity == preset("chip_to_chip").parameters["fidelity"].value == 0.997
    assert result.links[0].p_success == 0.5
    assert result.requests[0].rate_hz == pytest.approx(0.5 / (1e-6 + 0.05 / 2e8), rel=1e-12)


def test_the_herald_detectors_jitter_loses_photons_outside_the_window() -> None:
    from qfab.physics.detection import window_fraction

    sharp = link_model(parse_scenario(_midpoint()), 0)
    detector = {**MIDPOINT["detector"], "jitter": "2 ns"}
    blurred = link_model(parse_scenario(_midpoint(detector=detector)), 0)
    fraction = float(window_fraction(2e-9, 2e-9))
    assert 0.5 < fraction < 0.99
    half = float(transmittance(20e3, 0.2e-3))
    dark = float(dark_count_probability(100.0, 2e-9))
    p, state = midpoint_source(0.05, half * 0.6 * 0.8 * fraction, half * 0.3 * 0.8 * fraction,
                               dark_count_probability_a=dark, dark_count_probability_b=dark,
                               source_fidelity=0.97, modes=20)
    assert blurred.p_success == pytest.approx(float(p), rel=1e-12)
    assert blurred.p_success < sharp.p_success
    assert blurred.emitted_state == pytest.approx(state, rel=1e-12)


def test_a_herald_detector_dead_longer_than_an_attempt_is_refused() -> None:
    ok = {**MIDPOINT["detector"], "dead_time": "100 us"}  # the period is 202 us
    parse_scenario(_midpoint(detector=ok))
    with pytest.raises(ScenarioError, match=r"^links\[0\]: detector\.dead_time: 0\.001 s is "
                       r"longer than the attempt period"):
        parse_scenario(_midpoint(detector={**ok, "dead_time": "1 ms"}))


def test_afc_memory_modes_are_the_multiplexing_not_extra_channels() -> None:
    """Ends with multimode (afc) memories: their smaller mode capacity sets the modes per
    attempt, and each qubit is still one channel (the modes are used inside the attempt)."""
    afc = {"kind": "afc", "qubits": 2, "efficiency": 0.5, "echo_time": "1 ms",
           "modes": 40}
    document = _midpoint(modes=None)
    document["nodes"] = {"alice": {"memory": afc},
                         "bob": {"memory": {**afc, "modes": 30}}}
    model = link_model(parse_scenario(document), 0)
    with_30 = link_model(parse_scenario(_midpoint(modes=30)), 0)
    assert model.p_success == pytest.approx(with_30.p_success, rel=1e-15)
    assert model.channels == 2
    depolarizing = two_node({"kind": "depolarizing", "fidelity": 0.9,
                             "success_probability": 0.1, "cycle_time": "1 us"})
    depolarizing["nodes"] = document["nodes"]
    assert link_model(parse_scenario(depolarizing), 0).channels == 60  # modes as channels


@pytest.mark.parametrize("link", [MIDPOINT, CHIP])
def test_classical_traffic_in_the_fiber_is_refused_not_ignored(link: dict[str, Any]) -> None:
    classical = {"launch_power": "0 dBm", "raman_coefficient": "3e-9 /km/nm",
                 "filter_bandwidth": "0.1 nm"}
    document = two_node({**link, "fiber": {"classical": classical}}, pairs=1)
    with pytest.raises(ScenarioError, match=r"^links\[0\]\.fiber\.classical: link kind "
                       r"'(midpoint_source|chip_to_chip)' does not model the Raman noise"):
        link_model(parse_scenario(document), 0)
