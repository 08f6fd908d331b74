"""Telecom compatibility on a link: the Raman noise of classical traffic in the fiber (WDM)
and the photon encodings (time bin, polarization), checked against their closed forms."""

from __future__ import annotations

import copy
import math
from typing import Any

import numpy as np
import pytest

from qfab.errors import ScenarioError
from qfab.linkmodel import link_models
from qfab.loading import parse_scenario
from qfab.physics.detection import dark_count_probability, noise_click_probability
from qfab.physics.fiber import transmittance
from qfab.physics.heralding import double_click
from qfab.physics.raman import (
    PLANCK,
    SPEED_OF_LIGHT,
    midpoint_arm_powers,
    midpoint_power,
)
from qfab.qnic import link_chain
from qfab.report.budget import link_budgets
from tests.scenarios import two_node

ALPHA_DB_KM = 0.2
ALPHA = ALPHA_DB_KM * math.log(10) / 10 / 1e3  # 1/m
WAVELENGTH = 1550e-9
WINDOW = 1e-9
#: raman_coefficient 3e-9 /km/nm times a 0.1 nm filter, in 1/m
BETA = 3e-9 * 1e6 * 0.1e-9
DETECTOR_EFFICIENCY = 0.9
DARK_RATE = 10.0


def _link(length_km: float = 10.0, power_mw: float = 1.0, **extra: Any) -> dict[str, Any]:
    fiber = {"attenuation": f"{ALPHA_DB_KM} dB/km", "wavelength": "1550 nm",
             "classical": {"launch_power": f"{power_mw} mW",
                           "raman_coefficient": "3e-9 /km/nm", "filter_bandwidth": "0.1 nm"}}
    link: dict[str, Any] = {"kind": "double_click", "length": f"{length_km} km",
                            "cycle_time": "1 us", "fiber": fiber,
                            "emitter": {"efficiency": 0.5},
                            "detector": {"efficiency": DETECTOR_EFFICIENCY,
                                         "dark_count_rate": f"{DARK_RATE} Hz",
                                         "window": "1 ns"}}
    link.update(extra)
    return two_node(link, pairs=10)


def _model(document: dict[str, Any]) -> tuple[float, np.ndarray]:
    model, = link_models(parse_scenario(document))
    return model.p_success, model.emitted_state


def _raman_photons(length: float, power: float) -> tuple[float, float]:
    """Closed form (Eraerds et al. 2010, Sec. 3, for each half of the fibre): forward through
    the launching arm, backward through the other, as photons per window at the station."""
    half = length / 2
    forward = power * math.exp(-ALPHA * half) * BETA * half
    backward = power * math.exp(-ALPHA * half) * BETA * (1 - math.exp(-2 * ALPHA * half)) \
        / (2 * ALPHA)
    per_watt = WAVELENGTH * WINDOW / (PLANCK * SPEED_OF_LIGHT)
    return forward * per_watt, backward * per_watt


# --- physics: the two arms of the midpoint power -----------------------------------------

def test_arm_powers_sum_to_the_midpoint_power() -> None:
    lengths = np.array([0.0, 1e3, 2e4, 1e5])
    launch, other = midpoint_arm_powers(1e-3, lengths, ALPHA, BETA)
    np.testing.assert_allclose(launch + other, midpoint_power(1e-3, lengths, ALPHA, BETA),
                               rtol=1e-12)
    # forward-scattered light travels with the signal; the backward part is weaker
    assert np.all(launch[1:] > other[1:])


# --- the link: Raman noise through the chain ----------------------------------------------

def test_raman_stages_carry_the_closed_form_photons() -> None:
    spec = parse_scenario(_link())
    chain = link_chain(spec.links[0], spec.nodes, 0)
    forward, backward = _raman_photons(10e3, 1e-3)
    alice, bob = chain.arms
    assert alice.stages[-2].name == "raman[alice]" and bob.stages[-2].name == "raman[bob]"
    assert alice.stages[-2].photons == pytest.approx(forward, rel=1e-12)
    assert bob.stages[-2].photons == pytest.approx(backward, rel=1e-12)
    # the detector's efficiency applies to the noise photons, not its jitter window
    assert alice.noise_photons == pytest.approx(DETECTOR_EFFICIENCY * forward, rel=1e-12)


def test_link_equals_double_click_with_the_raman_click_noise() -> None:
    p, state = _model(_link())
    forward, backward = _raman_photons(10e3, 1e-3)
    d = noise_click_probability(DETECTOR_EFFICIENCY * forward, DETECTOR_EFFICIENCY * backward,
                                dark_count_probability=dark_count_probability(DARK_RATE,
                                                                              WINDOW))
    eta = 0.5 * float(transmittance(5e3, ALPHA_DB_KM * 1e-3)) * DETECTOR_EFFICIENCY
    p_expected, state_expected = double_click(eta, dark_count_probability=d)
    assert p == pytest.approx(float(p_expected), rel=1e-12)
    np.testing.assert_allclose(state, state_expected, rtol=1e-12)
    # without the classical traffic: fewer false heralds, a better pair
    quiet = _link()
    del quiet["links"][0]["fiber"]["classical"]
    p_quiet, state_quiet = _model(quiet)
    assert p_quiet < p and state_quiet[0] > state[0]


def test_raman_noise_is_proportional_to_the_launch_power() -> None:
    one, ten = (parse_scenario(_link(power_mw=mw)) for mw in (1.0, 10.0))
    for arm_one, arm_ten in zip(link_chain(one.links[0]).arms, link_chain(ten.links[0]).arms,
                                strict=True):
        assert arm_ten.noise_photons == pytest.approx(10 * arm_one.noise_photons, rel=1e-12)
    # more light: lower fidelity, more (false) heralds
    (p_one, v_one), (p_ten, v_ten) = _model(_link(power_mw=1)), _model(_link(power_mw=10))
    assert v_ten[0] < v_one[0] and p_ten > p_one


@pytest.mark.parametrize("length_km", [2.0, 10.0, 25.0, 40.0])
def test_raman_noise_grows_with_length_as_the_model_says(length_km: float) -> None:
    spec = parse_scenario(_link(length_km=length_km))
    forward, backward = _raman_photons(length_km * 1e3, 1e-3)
    total = sum(stage.photons for stage in link_chain(spec.links[0]).stages
                if stage.name.startswith("raman["))
    assert total == pytest.approx(forward + backward, rel=1e-12)
    shorter = parse_scenario(_link(length_km=length_km / 2))
    assert total > sum(stage.photons for stage in link_chain(shorter.links[0]).stages
                       if stage.name.startswith("raman["))


def test_launch_end_swaps_the_arms_and_not_the_link() -> None:
    at_bob = _link()
    at_bob["links"][0]["fiber"]["classical"]["launch_end"] = "bob"
    spec_a, spec_b = parse_scenario(_link()), parse_scenario(at_bob)
    arms_a = link_chain(spec_a.links[0]).arms
    arms_b = link_chain(spec_b.links[0]).arms
    assert arms_b[1].noise_photons == pytest.approx(arms_a[0].noise_photons, rel=1e-12)
    assert arms_b[0].noise_photons == pytest.approx(arms_a[1].noise_photons, rel=1e-12)
    (p_a, v_a), (p_b, v_b) = _model(_link()), _model(at_bob)
    assert p_b == pytest.approx(p_a, rel=1e-12)
    np.testing.assert_allclose(v_b, v_a, rtol=1e-12)


def test_budget_lists_raman_and_encoding_and_equals_the_model() -> None:
    document = _link(encoding={"kind": "time_bin", "interferometer_visibility": 0.97})
    budget, = link_budgets(parse_scenario(document))
    names = [stage.name for stage in budget.stages]
    assert {"raman[alice]", "raman[bob]", "encoding"} <= set(names)
    assert names.index("encoding") == names.index("bsm") + 1
    encoding = budget.stages[names.index("encoding")]
    assert encoding.efficiency == 1.0 and encoding.noise == pytest.approx(0.03)
    p, state = _model(document)
    assert budget.model.p_success == p and budget.fidelity == pytest.approx(state[0])


# --- encodings ------------------------------------------------------------------------------

def _plain(**extra: Any) -> dict[str, Any]:
    return two_node({"kind": "double_click", "length": "10 km", "cycle_time": "1 us",
                     "fiber": {"attenuation": "0.2 dB/km"}, **extra}, pairs=10)


def test_time_bin_multiplies_the_coherence_by_the_interferometer_visibility() -> None:
    v_hom, v_int = 0.9, 0.95
    p, state = _model(_plain(visibility=v_hom,
                             encoding={"kind": "time_bin", "interferometer_visibility": v_int}))
    p_bare, _ = _model(_plain(visibility=v_hom))
    assert p == p_bare  # the encoding does not change the herald rate
    assert state[0] == pytest.approx((1 + v_hom * v_int) / 2, rel=1e-12)
    assert state[0] - state[3] == pytest.approx(v_hom * v_int, rel=1e-12)


@pytest.mark.parametrize(("interval", "drift"), [(60.0, 600.0), (600.0, 600.0), (0.0, 10.0)])
def test_polarization_fidelity_equals_the_closed_form(interval: float, drift: float) -> None:
    encoding = {"kind": "polarization", "drift_time": f"{drift} s",
                "compensation_interval": f"{interval} s"}
    p, state = _model(_plain(encoding=encoding))
    s = 1.0 if interval == 0 else drift / interval * (1 - math.exp(-interval / drift))
    assert state[0] == pytest.approx(s * s + (1 - s * s) / 4, rel=1e-12)
    np.testing.assert_allclose(state[1:], (1 - s * s) / 4, rtol=1e-12, atol=1e-15)
    assert p == _model(_plain())[0]


def test_polarization_without_drift_changes_nothing() -> None:
    _, state = _model(_plain(encoding={"kind": "polarization"}))
    np.testing.assert_array_equal(state, _model(_plain())[1])


# --- errors ---------------------------------------------------------------------------------

def _error(document: dict[str, Any]) -> ScenarioError:
    with pytest.raises(ScenarioError) as caught:
        link_models(parse_scenario(document))
    return caught.value


def test_single_click_refuses_an_encoding() -> None:
    document = two_node({"kind": "single_click", "bright_state": 0.1, "length": "1 km",
                         "encoding": {"kind": "time_bin"}}, pairs=1)
    error = _error(document)
    assert error.path == "links[0].encoding" and "photon number" in str(error)


def test_classical_traffic_needs_a_wavelength() -> None:
    document = _link()
    del document["links"][0]["fiber"]["wavelength"]
    error = _error(document)
    assert error.path == "links[0].fiber.wavelength"
    # the ends' photons name it as well
    document["links"][0]["emitter"]["wavelength"] = "1550 nm"
    assert _model(document)[0] == pytest.approx(_model(_link())[0], rel=1e-12)


def test_launch_end_must_be_an_end_of_the_link() -> None:
    document = _link()
    document["links"][0]["fiber"]["classical"]["launch_end"] = "carol"
    error = _error(document)
    assert error.path == "links[0].fiber.classical.launch_end" and "carol" in str(error)


def test_depolarizing_link_refuses_classical_traffic() -> None:
    document = two_node({"kind": "depolarizing", "fidelity": 0.9, "success_probability": 0.1,
                         "cycle_time": "1 us",
                         "fiber": {"classical": {"launch_power": "0 dBm",
                                                 "raman_coefficient": "3e-9 /km/nm"}}},
                        pairs=1)
    assert _error(document).path == "links[0].fiber.classical"


def test_bad_units_name_the_field() -> None:
    document = _link()
    document["links"][0]["fiber"]["classical"]["launch_power"] = "3 km"
    error = _error(document)
    assert error.path.startswith("links[0].fiber.classical.launch_power")


def test_fields_default_to_today() -> None:
    document = _plain()
    explicit = copy.deepcopy(document)
    explicit["links"][0]["fiber"]["classical"] = None
    explicit["links"][0]["encoding"] = None
    p, state = _model(document)
    p_x, state_x = _model(explicit)
    assert p == p_x
    np.testing.assert_array_equal(state, state_x)
