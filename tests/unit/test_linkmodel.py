"""Link model: timing, efficiencies and channels taken from the spec."""

from __future__ import annotations

import pytest

from qfab.linkmodel import arm_efficiency, link_model
from qfab.spec import SingleClickLinkSpec, parse_scenario
from tests.scenarios import two_node


def test_period_is_cycle_time_plus_round_trip_to_the_midpoint() -> None:
    spec = parse_scenario(two_node({"kind": "double_click", "length": "10 km",
                                    "cycle_time": "3 us"}))
    model = link_model(spec, 0)
    assert model.herald_delay == pytest.approx(10e3 / 2e8)
    assert model.period == pytest.approx(3e-6 + 50e-6)


def test_arm_efficiency_multiplies_emitter_half_fiber_and_detector() -> None:
    spec = parse_scenario(two_node({"kind": "single_click", "bright_state": 0.1,
                                    "length": "20 km", "fiber": {"attenuation": "0.2 dB/km"},
                                    "emitter": {"efficiency": 0.5},
                                    "detector": {"efficiency": 0.8}}))
    link = spec.links[0]
    assert isinstance(link, SingleClickLinkSpec)
    assert arm_efficiency(link) == pytest.approx(0.5 * 10 ** (-0.2) * 0.8)


def test_channels_are_the_qubits_both_ends_give_the_link() -> None:
    document = two_node({"kind": "depolarizing", "fidelity": 0.9, "success_probability": 0.1,
                         "cycle_time": "1 ms"})
    document["nodes"] = {"alice": {"memory": {"qubits": 3}}, "bob": {"memory": {"qubits": 2}}}
    model = link_model(parse_scenario(document), 0)
    assert model.channels == 2
    assert model.pair_rate == pytest.approx(2 * 0.1 / 1e-3)


def test_memory_parameters_follow_the_link_ends() -> None:
    document = two_node({"kind": "depolarizing", "fidelity": 0.9, "success_probability": 0.1,
                         "cycle_time": "1 ms"})
    document["nodes"] = {"alice": {"memory": {"t2": "1 s"}}, "bob": {"memory": {"t2": "2 s"}}}
    model = link_model(parse_scenario(document), 0)
    assert [m.decay_rates for m in model.memories] == [(0.0, 1.0, 1.0), (0.0, 0.5, 0.5)]


def test_heralded_state_without_length_is_the_emitted_state() -> None:
    document = two_node({"kind": "depolarizing", "fidelity": 0.9, "success_probability": 0.1,
                         "cycle_time": "1 ms"})
    document["nodes"] = {"alice": {"memory": {"t2": "1 ms"}}, "bob": {}}
    model = link_model(parse_scenario(document), 0)
    assert model.heralded_state == pytest.approx(model.emitted_state)
