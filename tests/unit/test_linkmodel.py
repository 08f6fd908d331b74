"""Link model: timing, efficiencies and channels taken from the spec."""

from __future__ import annotations

import math

import pytest

from qfab.linkmodel import arm_efficiency, link_model
from qfab.loading import parse_scenario
from qfab.spec import SingleClickLinkSpec
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


def test_heralded_state_is_the_emitted_state_dephased_over_the_herald_delay() -> None:
    """200 km of fiber (2e8 m/s): the herald takes 1 ms, during which both memories dephase
    (T1 infinite, T2 = 1 ms and 2 ms). Pure dephasing of a Bell-diagonal state keeps the
    Phi+ + Phi- and Psi+ + Psi- weights and multiplies Phi+ - Phi- and Psi+ - Psi- (here
    Psi- - Psi+ in the vector order) by exp(-t/T2_a - t/T2_b) = exp(-1.5)."""
    document = two_node({"kind": "depolarizing", "fidelity": 0.9, "success_probability": 0.1,
                         "cycle_time": "1 ms", "length": "200 km"})
    document["nodes"] = {"alice": {"memory": {"t2": "1 ms"}}, "bob": {"memory": {"t2": "2 ms"}}}
    model = link_model(parse_scenario(document), 0)
    decay = math.exp(-1.5)
    phi_plus, psi_minus, psi_plus, phi_minus = 0.9, 0.1 / 3, 0.1 / 3, 0.1 / 3
    phi_sum, phi_diff = phi_plus + phi_minus, phi_plus - phi_minus
    psi_sum, psi_diff = psi_minus + psi_plus, psi_minus - psi_plus
    expected = [(phi_sum + decay * phi_diff) / 2, (psi_sum + decay * psi_diff) / 2,
                (psi_sum - decay * psi_diff) / 2, (phi_sum - decay * phi_diff) / 2]
    assert model.herald_delay == pytest.approx(1e-3)
    assert model.emitted_state == pytest.approx([0.9, 0.1 / 3, 0.1 / 3, 0.1 / 3])
    assert model.heralded_state == pytest.approx(expected, rel=1e-12)


def test_link_models_share_physics_only_between_equal_links() -> None:
    """Equal links between equal memories share one computation; each model still has its
    own ends and index, and equals the one built alone."""
    import numpy as np

    from qfab.linkmodel import link_model, link_models
    from qfab.loading import parse_scenario

    template = {"kind": "single_click", "bright_state": 0.05, "cycle_time": "1 us",
                "fiber": {"attenuation": "0.2 dB/km"}}
    spec = parse_scenario({
        "qfab": 1,
        "nodes": {"a": {"memory": {"qubits": 2}}, "b": {"memory": {"qubits": 2}},
                  "c": {"memory": {"qubits": 2}},
                  "d": {"memory": {"qubits": 2, "t2": "1 s"}}, "e": {}},
        "links": [{**template, "between": ["a", "b"], "length": "10 km"},
                  {**template, "between": ["b", "c"], "length": "10 km"},
                  {**template, "between": ["c", "d"], "length": "10 km"},
                  {**template, "between": ["d", "e"], "length": "20 km"}]})
    models = link_models(spec)
    for index, model in enumerate(models):
        alone = link_model(spec, index)
        assert (model.between, model.index, model.p_success, model.period,
                model.herald_delay, model.channels) == (
            alone.between, alone.index, alone.p_success, alone.period, alone.herald_delay,
            alone.channels)
        np.testing.assert_array_equal(model.heralded_state, alone.heralded_state)
    # a - b and b - c differ only in their ends (equal memories, one channel each): shared;
    # c - d has another memory at d, d - e another length
    assert models[0].emitted_state is models[1].emitted_state
    assert models[2].heralded_state is not models[1].heralded_state
    assert models[3].p_success != models[2].p_success
