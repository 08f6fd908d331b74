"""The QNIC chain (qfab.qnic): each stage moves the success probability and the fidelity in
the right direction by the right amount; node interfaces, wavelength compatibility and the
mixed-modality link on every engine."""

from __future__ import annotations

import copy
import math
from pathlib import Path
from statistics import NormalDist
from typing import Any

import pytest
import yaml

from qfab.cli import main
from qfab.engines import run
from qfab.errors import ScenarioError
from qfab.linkmodel import link_models
from qfab.loading import load_scenario, parse_scenario
from qfab.physics.detection import dark_count_probability
from qfab.physics.fiber import transmittance
from qfab.physics.heralding import double_click, single_click
from qfab.qnic import link_chain
from qfab.report.budget import link_budgets
from tests.conftest import EXAMPLES
from tests.scenarios import two_node

CHAIN_EXAMPLE = EXAMPLES / "qnic_chain.yaml"


def _double(**link: Any) -> dict[str, Any]:
    return two_node({"kind": "double_click", "length": "10 km", "cycle_time": "1 us",
                     "fiber": {"attenuation": "0.2 dB/km"}, **link}, pairs=10)


def _model(document: dict[str, Any]) -> tuple[float, float]:
    model, = link_models(parse_scenario(document))
    return model.p_success, float(model.emitted_state[0])


def _with_interface(document: dict[str, Any], node: str, **interface: Any) -> dict[str, Any]:
    document = copy.deepcopy(document)
    document["nodes"][node]["interface"] = interface
    return document


def test_halving_one_ends_collection_halves_the_double_click_rate() -> None:
    base = _double()
    p, fidelity = _model(base)
    half = _with_interface(base, "alice", emitter={"collection_efficiency": 0.5})
    p_half, fidelity_half = _model(half)
    assert p_half == pytest.approx(p / 2, rel=1e-12)
    assert fidelity_half == fidelity == 1.0
    # both ends: a quarter
    both = copy.deepcopy(base)
    both["links"][0]["emitter"] = {"collection_efficiency": 0.5}
    assert _model(both)[0] == pytest.approx(p / 4, rel=1e-12)


def test_the_emitter_stage_is_the_product_of_its_factors() -> None:
    document = _double(emitter={"emission_probability": 0.8, "collection_efficiency": 0.5,
                                "efficiency": 0.9})
    same = _double(emitter={"efficiency": 0.8 * 0.5 * 0.9})
    assert _model(document)[0] == pytest.approx(_model(same)[0], rel=1e-12)


def test_conversion_efficiency_and_noise() -> None:
    """Conversion loss scales the double-click rate by its square (both ends); its noise
    photons reach the detectors through the fiber and the detector, and lower the fidelity
    by the closed form of false heralds with d = 1 - exp(-mu)."""
    base = _double(detector={"efficiency": 0.8, "window": "10 ns"})
    p0, f0 = _model(base)
    lossy = copy.deepcopy(base)
    lossy["links"][0]["conversion"] = {"efficiency": 0.3}
    assert _model(lossy)[0] == pytest.approx(p0 * 0.09, rel=1e-12)
    noisy = copy.deepcopy(lossy)
    noisy["links"][0]["conversion"]["noise_rate"] = "100 kHz"
    p, fidelity = _model(noisy)
    half = 10 ** (-0.2 * 5 / 10)
    mu = 1e5 * 10e-9 * half * 0.8  # per arm, detected per window
    d = 1 - math.exp(-(mu + mu) / 2)
    eta = 0.3 * half * 0.8
    # Barrett-Kok with false clicks (written out here, not taken from the library)
    c = eta * (1 - d) / 2
    q0 = d * (1 - d)
    q1 = c + (1 - eta) * q0
    q2 = (1 - d) * (eta**2 / 2 + eta * (1 - eta) + (1 - eta) ** 2 * d)
    coherent, mixed, other = c**2 / 2, (q1**2 - c**2) / 2, q0 * q2 / 2
    assert p == pytest.approx(4 * (coherent + mixed + other), rel=1e-12)
    assert fidelity == pytest.approx((coherent + mixed / 2) / (coherent + mixed + other),
                                     rel=1e-12)
    assert fidelity < f0 == 1.0


def test_transducer_noise_crosses_the_later_stages() -> None:
    document = _with_interface(
        _double(detector={"efficiency": 0.9, "window": "10 ns"}), "bob",
        transducer={"efficiency": 0.2, "added_noise": 0.5},
        conversion={"efficiency": 0.6, "noise_rate": "1 MHz"})
    spec = parse_scenario(document)
    chain = link_chain(spec.links[0], spec.nodes, 0)
    half = 10 ** (-0.2 * 5 / 10)
    alice, bob = chain.arms
    assert [stage.name for stage in bob.stages] == [
        "emitter[bob]", "transducer[bob]", "conversion[bob]", "fiber[bob]", "detector"]
    assert alice.noise_photons == 0.0
    assert bob.noise_photons == pytest.approx((0.2 * 0.5 * 0.6 + 1e6 * 10e-9) * half * 0.9,
                                              rel=1e-12)
    assert chain.efficiencies == pytest.approx((half * 0.9, 0.2 * 0.6 * half * 0.9),
                                               rel=1e-12)
    assert chain.click_noise == pytest.approx(1 - math.exp(-bob.noise_photons / 2), rel=1e-12)
    p, state = double_click(chain.efficiencies[0], efficiency_b=chain.efficiencies[1],
                            dark_count_probability=chain.click_noise)
    assert _model(document) == pytest.approx((float(p), float(state[0])), rel=1e-12)


@pytest.mark.parametrize(("m_a", "m_b", "visibility"), [(0.9, 0.9, 1.0), (0.95, 0.6, 0.9)])
def test_indistinguishability_sets_the_double_click_fidelity(m_a: float, m_b: float,
                                                             visibility: float) -> None:
    document = _with_interface(_double(visibility=visibility), "alice",
                               emitter={"indistinguishability": m_a})
    document = _with_interface(document, "bob", emitter={"indistinguishability": m_b})
    p, fidelity = _model(document)
    assert fidelity == pytest.approx((1 + visibility * math.sqrt(m_a * m_b)) / 2, rel=1e-12)
    # the rate moves only through the bunching of two photons in one round, which no
    # herald counts: p stays eta^2 / 2
    assert p == pytest.approx(_model(_double())[0], rel=1e-12)


def test_indistinguishability_sets_the_single_click_coherence() -> None:
    link = {"kind": "single_click", "bright_state": 0.1, "length": "10 km",
            "cycle_time": "1 us", "fiber": {"attenuation": "0.2 dB/km"}}
    ideal = _model(two_node(link, pairs=10))
    impure = _model(two_node({**link, "emitter": {"indistinguishability": 0.81}}, pairs=10))
    eta = 10 ** (-0.2 * 5 / 10)
    p, state = single_click(0.1, eta, visibility=math.sqrt(0.81))  # (M M)^(1/4) = 0.9
    assert impure == pytest.approx((float(p), float(state[0])), rel=1e-12)
    assert impure[0] == pytest.approx(ideal[0], rel=1e-12) and impure[1] < ideal[1]


def test_jitter_loses_the_photons_outside_the_window() -> None:
    window, jitter = 1e-9, 0.8e-9
    sigma = jitter / (2 * math.sqrt(2 * math.log(2)))
    inside = 2 * NormalDist(0, sigma).cdf(window / 2) - 1
    p0, _ = _model(_double(detector={"window": "1 ns"}))
    p, fidelity = _model(_double(detector={"window": "1 ns", "jitter": "0.8 ns"}))
    assert p == pytest.approx(p0 * inside**2, rel=1e-12)
    assert fidelity == 1.0


def test_default_fields_keep_the_earlier_model_exactly() -> None:
    """The chain at its defaults is emitter x half fiber x detector, as before, bit for bit."""
    document = _double(emitter={"efficiency": 0.4},
                       detector={"efficiency": 0.9, "dark_count_rate": "20 Hz"}, visibility=0.9)
    spec = parse_scenario(document)
    eta = 0.4 * float(transmittance(5e3, 2e-4)) * 0.9
    p, state = double_click(eta, dark_count_probability=dark_count_probability(20, 10e-9),
                            visibility=0.9)
    model, = link_models(spec)
    assert model.p_success == float(p)
    assert list(model.emitted_state) == list(state)


def test_the_mixed_modality_example_runs_on_every_engine() -> None:
    spec = load_scenario(CHAIN_EXAMPLE)
    results = {engine: run(spec, engine=engine, seed=2) for engine in ("analytic", "fast",
                                                                         "des")}
    expected = results["analytic"].requests[0]
    p = results["analytic"].links[0].p_success
    assert expected.rate_hz is not None and p is not None and 0 < p < 1
    for engine in ("fast", "des"):
        request = results[engine].requests[0]
        assert request.delivered == expected.delivered == 200
        assert request.rate_hz is not None
        tolerance = 5 * expected.rate_hz * math.sqrt((1 - p) / request.delivered)
        assert request.rate_hz == pytest.approx(expected.rate_hz, abs=tolerance)
        assert request.fidelity == pytest.approx(expected.fidelity, abs=1e-9)
        assert request.target_met


def test_the_budget_lists_each_ends_chain() -> None:
    budget, = link_budgets(load_scenario(CHAIN_EXAMPLE))
    names = [stage.name for stage in budget.stages]
    assert names == ["emitter[ion]", "conversion[ion]", "fiber[ion]", "emitter[qpu]",
                     "transducer[qpu]", "fiber[qpu]", "detector", "bsm", "memory"]
    stages = {stage.name: stage for stage in budget.stages}
    assert stages["conversion[ion]"].efficiency == 0.35
    assert stages["conversion[ion]"].noise == pytest.approx(200 * 5e-9, rel=1e-12)
    assert stages["transducer[qpu]"].noise == pytest.approx(0.087 * 0.16, rel=1e-12)
    ion = math.prod(stages[n].efficiency for n in ("emitter[ion]", "conversion[ion]",
                                                   "fiber[ion]", "detector"))
    qpu = math.prod(stages[n].efficiency for n in ("emitter[qpu]", "transducer[qpu]",
                                                   "fiber[qpu]", "detector"))
    assert budget.efficiency == pytest.approx(math.sqrt(ion * qpu), rel=1e-12)
    d = stages["detector"].noise  # dark counts and the two ends' noise photons
    p, state = double_click(ion, efficiency_b=qpu, dark_count_probability=d,
                            visibility=1 - stages["bsm"].noise)
    assert budget.model.p_success == pytest.approx(float(p), rel=1e-12)
    assert budget.model.p_success > ion * qpu / 2  # false heralds from the noise
    assert float(budget.model.emitted_state[0]) == pytest.approx(float(state[0]), rel=1e-12)
    assert stages["bsm"].noise == pytest.approx(1 - 0.95 * math.sqrt(0.98), rel=1e-12)


def _example() -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load(CHAIN_EXAMPLE.read_text())
    return document


def _error(document: dict[str, Any]) -> str:
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(document)
    return str(caught.value)


def test_without_the_converter_the_link_is_a_clear_error(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    document = _example()
    del document["nodes"]["ion"]["interface"]["conversion"]
    message = _error(document)
    assert message.startswith("links[0]: ion sends photons at 422 nm and qpu at 1550 nm")
    assert "nodes.ion.interface.conversion" in message
    path = tmp_path / "no_converter.yaml"
    path.write_text(yaml.safe_dump(document))
    assert main(["run", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("qfab: error: links[0]:") and err.count("\n") == 1


def test_the_converter_must_take_the_emitters_wavelength() -> None:
    document = _example()
    document["nodes"]["ion"]["interface"]["conversion"]["input_wavelength"] = "780 nm"
    assert _error(document).startswith("nodes.ion.interface.conversion.input_wavelength: the "
                                       "converter takes 780 nm but the emitter of ion sends "
                                       "422 nm")


def test_a_fiber_for_another_wavelength_is_an_error() -> None:
    document = _example()
    document["links"][0]["fiber"]["wavelength"] = "780 nm"
    assert _error(document).startswith("links[0].fiber.wavelength: the fiber is specified at "
                                       "780 nm but ion sends 1550 nm")


def test_a_link_emitter_that_both_interfaces_override_is_an_error() -> None:
    document = _example()
    document["links"][0]["emitter"] = {"efficiency": 0.5}
    assert _error(document).startswith("links[0].emitter: both ends (ion, qpu) have a node "
                                       "interface")
    document = _example()
    document["links"][0]["conversion"] = {"efficiency": 0.5}
    assert _error(document).startswith("links[0].conversion: both ends")


def test_one_interface_and_the_links_emitter_for_the_other_end() -> None:
    document = _with_interface(_double(emitter={"efficiency": 0.5}), "alice",
                               emitter={"efficiency": 0.25})
    spec = parse_scenario(document)
    chain = link_chain(spec.links[0], spec.nodes, 0)
    half = 10 ** (-0.2 * 5 / 10)
    assert chain.efficiencies == pytest.approx((0.25 * half, 0.5 * half), rel=1e-12)
    assert _model(document)[0] == pytest.approx(0.25 * 0.5 * half**2 / 2, rel=1e-12)


def test_a_dead_time_longer_than_the_attempt_is_refused() -> None:
    message = _error(_double(detector={"dead_time": "1 ms"}))
    assert message.startswith("links[0].detector.dead_time: 0.001 s is longer than the "
                              "attempt period")
    assert _model(_double(detector={"dead_time": "40 ns"}))[1] == 1.0


def test_interfaces_and_presets_in_topology_templates() -> None:
    document = {"qfab": 1, "duration": "1 s",
                "topology": {"kind": "chain", "nodes": 3, "spacing": "5 km",
                             "node": {"interface": {"emitter": {"preset": "inas_quantum_dot"}}},
                             "link": {"kind": "double_click", "cycle_time": "1 us",
                                      "detector": {"preset": "snspd_wsi"}}}}
    spec = parse_scenario(document)
    assert all(node.interface is not None
               and node.interface.emitter.indistinguishability == 0.975
               and node.interface.emitter.efficiency == 0.57 for node in spec.nodes.values())
    assert spec.links[0].detector.jitter == pytest.approx(150e-12)
    model = link_models(spec)[0]
    # a dark count per second barely moves it from (1 + V sqrt(M M)) / 2
    assert float(model.emitted_state[0]) == pytest.approx((1 + 0.975) / 2, rel=1e-6)


def test_a_converter_preset_fills_the_conversion_section() -> None:
    document = _double(conversion={"preset": "dfg_606_to_1552"})
    conversion = parse_scenario(document).links[0].conversion
    assert conversion is not None
    assert conversion.input_wavelength == pytest.approx(606e-9)
    assert conversion.output_wavelength == pytest.approx(1552e-9)
    assert conversion.bandwidth == pytest.approx(1.8e6)
    with pytest.raises(ScenarioError, match=r"links\[0\]\.conversion\.preset: 'snspd_wsi' is "
                       r"a detector, not a converter"):
        parse_scenario(_double(conversion={"preset": "snspd_wsi"}))
