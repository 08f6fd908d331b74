"""The ``transduced`` link kind: superconducting ends whose microwave photon a transducer
converts to an optical one (docs/qnic.md, "Transduced links").

The closed forms are written out here, not taken from the library: double click without
noise ``p = eta_a eta_b / 2`` (Barrett and Kok), the transducer's noise photons
``efficiency * added_noise`` crossing the later stages of the arm, and the false-click
probability ``d = 1 - exp(-(mu_a + mu_b) / 2)`` of each detector.
"""

from __future__ import annotations

import copy
import math
from pathlib import Path
from typing import Any

import pytest
import yaml

from qfab.cli import main
from qfab.errors import ScenarioError
from qfab.linkmodel import link_models
from qfab.loading import load_scenario, parse_scenario
from qfab.physics.detection import noise_click_probability
from qfab.physics.heralding import double_click, single_click
from qfab.qnic import link_chain
from qfab.report.budget import link_budgets
from tests.conftest import EXAMPLES
from tests.scenarios import two_node

HALF = 10 ** (-0.2 * 5 / 10)  # 5 km of 0.2 dB/km fiber, node to station


def _transduced(**link: Any) -> dict[str, Any]:
    return two_node({"kind": "transduced", "length": "10 km", "cycle_time": "1 us",
                     "fiber": {"attenuation": "0.2 dB/km"}, **link}, pairs=10)


def _model(document: dict[str, Any]) -> tuple[float, float]:
    model, = link_models(parse_scenario(document))
    return model.p_success, float(model.emitted_state[0])


def _error(document: dict[str, Any]) -> str:
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(document)
    return str(caught.value)


@pytest.mark.parametrize(("eta_t_a", "eta_t_b"), [(0.1, 0.1), (0.087, 0.4), (1.0, 0.25)])
def test_double_click_rate_is_the_product_of_the_transducer_efficiencies(
        eta_t_a: float, eta_t_b: float) -> None:
    """Without noise, p = eta_a eta_b / 2 with eta_x = eta_t_x * half fiber * detector, and
    the fidelity stays (1 + V) / 2."""
    document = _transduced(transducer={"efficiency": eta_t_a}, transduced=["alice"],
                           detector={"efficiency": 0.8}, visibility=0.9)
    document["nodes"]["bob"]["interface"] = {"transducer": {"efficiency": eta_t_b}}
    p, fidelity = _model(document)
    eta_a, eta_b = eta_t_a * HALF * 0.8, eta_t_b * HALF * 0.8
    assert p == pytest.approx(eta_a * eta_b / 2, rel=1e-12)
    assert fidelity == pytest.approx((1 + 0.9) / 2, rel=1e-12)
    # doubling one transducer's efficiency doubles the rate
    document["nodes"]["bob"]["interface"]["transducer"]["efficiency"] = eta_t_b / 2
    assert _model(document)[0] == pytest.approx(p / 2, rel=1e-12)


def test_added_noise_lowers_the_fidelity_by_the_closed_form() -> None:
    """Each end's output noise eta_t * n_add crosses the fiber and the detector (its
    efficiency, not the jitter window), giving d; Barrett-Kok with false clicks d."""
    eta_t, added = 0.087, 0.16
    document = _transduced(transducer={"efficiency": eta_t, "added_noise": added},
                           detector={"efficiency": 0.9, "window": "5 ns"})
    p, fidelity = _model(document)
    mu = eta_t * added * HALF * 0.9  # detected noise photons per window, each arm
    d = 1 - math.exp(-(mu + mu) / 2)
    eta = eta_t * HALF * 0.9
    c = eta * (1 - d) / 2
    q0 = d * (1 - d)
    q1 = c + (1 - eta) * q0
    q2 = (1 - d) * (eta**2 / 2 + eta * (1 - eta) + (1 - eta) ** 2 * d)
    coherent, mixed, other = c**2 / 2, (q1**2 - c**2) / 2, q0 * q2 / 2
    assert p == pytest.approx(4 * (coherent + mixed + other), rel=1e-12)
    assert fidelity == pytest.approx((coherent + mixed / 2) / (coherent + mixed + other),
                                     rel=1e-12)
    # the library's heralding with d from noise_click_probability gives the same
    d_lib = float(noise_click_probability(mu, mu, dark_count_probability=0.0))
    p_lib, state = double_click(eta, dark_count_probability=d_lib)
    assert (p, fidelity) == pytest.approx((float(p_lib), float(state[0])), rel=1e-12)
    noiseless = _model(_transduced(transducer={"efficiency": eta_t},
                                   detector={"efficiency": 0.9, "window": "5 ns"}))
    assert noiseless[1] == 1.0 and fidelity < 0.75
    assert p > noiseless[0]  # false heralds


def test_single_click_heralding_uses_the_bright_state() -> None:
    document = _transduced(transducer={"efficiency": 0.3, "added_noise": 0.05},
                           heralding="single_click", bright_state=0.1,
                           detector={"efficiency": 0.9})
    spec = parse_scenario(document)
    chain = link_chain(spec.links[0], spec.nodes, 0)
    assert chain.interference == "single_photon"
    eta = 0.3 * HALF * 0.9
    assert chain.efficiencies == pytest.approx((eta, eta), rel=1e-12)
    mu = 0.3 * 0.05 * HALF * 0.9
    assert chain.click_noise == pytest.approx(1 - math.exp(-mu), rel=1e-12)
    p, state = single_click(0.1, eta, dark_count_probability=chain.click_noise)
    assert _model(document) == pytest.approx((float(p), float(state[0])), rel=1e-12)
    names = [stage.name for stage in link_budgets(spec)[0].stages]
    assert names[-2:] == ["bright_state", "memory"]


def test_only_the_named_ends_are_transduced() -> None:
    document = _transduced(transducer={"efficiency": 0.1}, transduced=["bob"],
                           emitter={"efficiency": 0.5})
    spec = parse_scenario(document)
    alice, bob = link_chain(spec.links[0], spec.nodes, 0).arms
    assert [stage.name for stage in alice.stages] == ["emitter[alice]", "fiber[alice]",
                                                      "detector"]
    assert [stage.name for stage in bob.stages] == ["emitter[bob]", "transducer[bob]",
                                                    "fiber[bob]", "detector"]
    assert _model(document)[0] == pytest.approx(0.5 * HALF * 0.5 * 0.1 * HALF / 2, rel=1e-12)


def test_the_transducers_wavelength_is_checked() -> None:
    document = _transduced(transducer={"efficiency": 0.1, "output_wavelength": "1550 nm"},
                           transduced=["bob"], emitter={"wavelength": "780 nm"})
    message = _error(document)
    assert message.startswith("links[0]: alice sends photons at 780 nm and bob at 1550 nm")
    document["links"][0]["conversion"] = {"input_wavelength": "780 nm",
                                          "output_wavelength": "1550 nm"}
    # the link's converter serves both ends: bob's transducer output is not 780 nm
    assert _error(document).startswith("links[0].conversion.input_wavelength: the converter "
                                       "takes 780 nm but the transducer of bob sends 1550 nm")
    del document["links"][0]["conversion"]
    document["nodes"]["alice"]["interface"] = {
        "emitter": {"wavelength": "780 nm"},
        "conversion": {"input_wavelength": "780 nm", "output_wavelength": "1550 nm"}}
    document["links"][0]["emitter"] = {}
    assert 0 < _model(document)[0] < 1


@pytest.mark.parametrize(("change", "start"), [
    ({"heralding": "single_click"}, "links[0].bright_state: heralding: single_click needs"),
    ({"bright_state": 0.1}, "links[0].bright_state: heralding: double_click has no bright"),
    ({"transduced": ["carol"]}, "links[0].transduced[0]: 'carol' is not an end of the link"),
    ({"transduced": ["bob", "bob"]}, "links[0].transduced[1]: 'bob' is named twice"),
    ({"transducer": None}, "links[0].transducer: alice is transduced but has no transducer"),
    ({"transduced": [], "transducer": None},
     "links[0].transduced: no end of the link has a transducer"),
    ({"transduced": []}, "links[0].transducer: transduced names no end, so this transducer"),
])
def test_errors_name_the_field(change: dict[str, Any], start: str) -> None:
    document = _transduced(transducer={"efficiency": 0.1})
    document["links"][0].update(change)
    if change.get("transducer", 0) is None:
        del document["links"][0]["transducer"]
    assert _error(document).startswith(start)


def test_a_link_transducer_that_a_nodes_own_overrides_is_an_error(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    document = _transduced(transducer={"efficiency": 0.1})
    document["nodes"]["bob"]["interface"] = {"transducer": {"efficiency": 0.2}}
    assert _error(document).startswith("links[0].transducer: bob's interface has its own "
                                       "transducer")
    path = tmp_path / "twice.yaml"
    path.write_text(yaml.safe_dump(document))
    assert main(["run", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("qfab: error: links[0].transducer:") and err.count("\n") == 1
    # the node's own transducer, and the link's for the other end
    document["links"][0]["transduced"] = ["alice"]
    spec = parse_scenario(document)
    chain = link_chain(spec.links[0], spec.nodes, 0)
    assert chain.efficiencies == pytest.approx((0.1 * HALF, 0.2 * HALF), rel=1e-12)
    # no link transducer: both ends named, bob's own, alice has none
    del document["links"][0]["transducer"]
    document["links"][0]["transduced"] = ["bob"]
    assert _model(document)[0] == pytest.approx(HALF * 0.2 * HALF / 2, rel=1e-12)


def test_a_transducer_preset_fills_the_links_transducer() -> None:
    spec = parse_scenario(_transduced(transducer={"preset": "eo_transducer_ista"}))
    transducer = spec.links[0].transducer  # type: ignore[union-attr]
    assert transducer is not None
    assert (transducer.efficiency, transducer.added_noise) == (0.087, 0.16)
    assert transducer.output_wavelength == pytest.approx(1550e-9)


def test_the_budget_explains_the_transduced_example() -> None:
    spec = load_scenario(EXAMPLES / "transduced_link.yaml")
    budget, = link_budgets(spec)
    stages = {stage.name: stage for stage in budget.stages}
    assert [stage.name for stage in budget.stages] == [
        "emitter[qpu_a]", "transducer[qpu_a]", "fiber[qpu_a]", "emitter[qpu_b]",
        "transducer[qpu_b]", "fiber[qpu_b]", "detector", "bsm", "memory"]
    assert stages["transducer[qpu_a]"].efficiency == 0.087
    assert stages["transducer[qpu_a]"].noise == pytest.approx(0.087 * 0.02, rel=1e-12)
    model, = link_models(spec)
    assert budget.model.p_success == model.p_success
    assert budget.fidelity == float(model.heralded_state[0])


def test_a_transduced_link_equals_the_double_click_link_with_interfaces() -> None:
    """The same chain written with node interfaces on a double_click link gives the same
    numbers: the kind only says where the transducer sits."""
    document = yaml.safe_load((EXAMPLES / "transduced_link.yaml").read_text())
    link = document["links"][0]
    transducer = link.pop("transducer")
    emitter = link.pop("emitter")
    link.pop("kind")
    link["kind"] = "double_click"
    interfaced = copy.deepcopy(document)
    for node in interfaced["nodes"].values():
        node["interface"] = {"emitter": emitter, "transducer": transducer}
    transduced, = link_models(load_scenario(EXAMPLES / "transduced_link.yaml"))
    plain, = link_models(parse_scenario(interfaced))
    assert transduced.p_success == pytest.approx(plain.p_success, rel=1e-12)
    assert list(transduced.emitted_state) == pytest.approx(list(plain.emitted_state),
                                                           rel=1e-12)


def test_encoding_and_classical_traffic_act_as_on_a_double_click_link() -> None:
    """The photon encoding and the Raman noise of classical traffic in the fiber enter a
    transduced link as they enter the double_click link with the same chain."""
    fiber = {"attenuation": "0.2 dB/km", "wavelength": "1550 nm",
             "classical": {"launch_power": "1 mW", "raman_coefficient": "3e-9 /km/nm",
                           "filter_bandwidth": "0.1 nm"}}
    transducer = {"efficiency": 0.1, "added_noise": 0.05, "output_wavelength": "1550 nm"}
    extra = {"encoding": {"kind": "time_bin", "interferometer_visibility": 0.97},
             "fiber": fiber, "detector": {"efficiency": 0.9, "window": "1 ns"}}
    transduced = _transduced(transducer=transducer, **extra)
    plain = _transduced(**extra)
    plain["links"][0]["kind"] = "double_click"
    for node in plain["nodes"].values():
        node["interface"] = {"transducer": transducer}
    spec = parse_scenario(transduced)
    names = [stage.name for stage in link_budgets(spec)[0].stages]
    assert "encoding" in names and "raman[alice]" in names and "transducer[bob]" in names
    p, fidelity = _model(transduced)
    assert (p, fidelity) == pytest.approx(_model(plain), rel=1e-12)
    without = copy.deepcopy(transduced)
    del without["links"][0]["encoding"]
    assert fidelity < _model(without)[1]


def test_single_click_heralding_refuses_an_encoding() -> None:
    document = _transduced(transducer={"efficiency": 0.1}, heralding="single_click",
                           bright_state=0.1, encoding={"kind": "time_bin"})
    assert _error(document).startswith("links[0].encoding: a single-click link carries its "
                                       "qubit in the photon number")
