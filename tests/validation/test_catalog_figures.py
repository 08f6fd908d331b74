"""CATALOG-FIGURES-01: catalog values recompute the published figures they come from.

Every ``derived`` value of the catalog is recomputed here from the cited figures with the
formula its source names (a new derived value without a check fails
``test_every_derived_value_is_checked``), and every preset that an example uses either has a
published figure recomputed from its parameters or is listed with the reason it has none
(its published figures are its parameters themselves, with no formula between them).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from qfab.catalog import preset, presets
from qfab.physics.afc import MAX_FORWARD_EFFICIENCY, forward_efficiency
from qfab.physics.heralding import double_click

ROOT = Path(__file__).resolve().parents[2]
C_KM_S = 299792.458


def _value(name: str, key: str) -> float:
    return preset(name).parameters[key].value


def _smf28_speed() -> None:
    """Corning PI1424: group index 1.4682 at 1550 nm, so c / n_g = 204190.48 km/s."""
    assert _value("smf28", "speed") == pytest.approx(C_KM_S / _value("smf28", "group_index"),
                                                     abs=0.005)


def _fiber_780_rayleigh() -> None:
    """Rayleigh scattering ~ lambda^-4: 0.18 dB/km x (1550/780)^4 = 2.81 dB/km."""
    assert _value("fiber_780", "attenuation") == pytest.approx(
        _value("smf28", "attenuation") * (1550 / 780) ** 4, abs=0.005)


def _afc_forward_maximum() -> None:
    """AFC-EFF-01, Afzelius et al., PRA 79, 052329 (2009): forward recall at most 4/e^2."""
    value = _value("eu_yso_afc", "forward_efficiency_max")
    assert value == pytest.approx(MAX_FORWARD_EFFICIENCY, abs=5e-5)
    assert float(forward_efficiency(2e4, 1e4)) == pytest.approx(value, abs=5e-5)


def _nv_collection() -> None:
    """Humphreys et al. 2018: detection probability 3.5e-4 = ZPL fraction 0.03 x collection x
    detector efficiency 0.80 (Hensen et al. 2015)."""
    product = (_value("nv_centre", "emission_probability")
               * _value("nv_centre", "collection_efficiency") * 0.80)
    assert product == pytest.approx(_value("nv_centre", "detection_probability"), rel=1e-3)


def _nv_eta_link() -> None:
    """Humphreys et al. 2018, Eq. (2): eta_link = 39 Hz / 5 Hz."""
    assert _value("nv_centre", "eta_link") == pytest.approx(
        _value("nv_centre", "entangling_rate") / _value("nv_centre", "remote_decoherence_rate"),
        rel=1e-12)


def _sr88_success_probability() -> None:
    """Stephenson et al., PRL 124, 110501 (2020): the two-photon herald of qfab's double-click
    model with the per-photon detection probability gives the published 2.18e-4 per attempt."""
    p, _ = double_click(_value("sr88_ion", "photon_detection_probability"))
    assert float(p) == pytest.approx(_value("sr88_ion", "success_probability"), rel=1e-3)


def _transducer_output_noise() -> None:
    """Sahu et al., Nat. Commun. 13, 1276 (2022): 8.7 % efficiency, 0.16 input noise photons,
    so efficiency x added_noise = 0.0139 noise photons at the optical output."""
    assert _value("eo_transducer_ista", "output_noise") == pytest.approx(
        _value("eo_transducer_ista", "efficiency") * _value("eo_transducer_ista", "added_noise"),
        rel=1e-3)


#: (preset, derived parameter) -> the check that recomputes it.
DERIVED: dict[tuple[str, str], Callable[[], None]] = {
    ("smf28", "speed"): _smf28_speed,
    ("fiber_780", "attenuation"): _fiber_780_rayleigh,
    ("eu_yso_afc", "forward_efficiency_max"): _afc_forward_maximum,
    ("nv_centre", "collection_efficiency"): _nv_collection,
    ("nv_centre", "eta_link"): _nv_eta_link,
    ("sr88_ion", "photon_detection_probability"): _sr88_success_probability,
    ("eo_transducer_ista", "output_noise"): _transducer_output_noise,
}

#: Presets used by examples whose published figures are their parameters (nothing to
#: recompute), with the figures.
NO_FORMULA = {
    "ion_trap_oxford_2025": "one circuit qubit per module, the 86 % teleported CZ, the 71 % "
                            "Grover success, the 96.89 % Bell pairs at 9.7 per second (Main "
                            "et al. 2025), each a parameter, and local errors that are "
                            "assumptions; examples/dqc/grover_two_ions.yaml is recomputed in "
                            "tests/validation/test_circuit_request.py",
    "snspd_wsi": "93 % system efficiency, ~1 count/s, 150 ps jitter, 40 ns reset "
                 "(Marsili et al. 2013), each a parameter",
    "inas_quantum_dot": "57 % end-to-end efficiency, g2 = 2.1 %, visibility 97.5 % "
                        "(Tomm et al. 2021), each a parameter",
    "ingaas_apd": "10 % efficiency at 600 Hz dark counts (Lunghi et al. 2012), each a parameter",
    "snspd_98": "98 % system efficiency (Reddy et al. 2020), a parameter",
    "chip_to_chip": "inter-chip fidelity 0.997 and 1 ms buffers, the nodal tier's design "
                    "targets (not measurements), each a parameter; examples/chip_to_chip.yaml "
                    "is recomputed in tests/unit/test_links_hardware.py",
    "superconducting_willow": "Willow's mean gate and readout errors (its spec sheet, 2024) "
                              "and coherence times (Google Quantum AI 2025), each a parameter; "
                              "examples/dqc/ghz20_four_qpus.yaml runs a circuit on it "
                              "(tests/validation/test_dqc_examples.py)",
    "ion_trap_h2": "H2's gate and SPAM errors (Moses et al. 2023), each a parameter, and "
                   "gate times and T2 that are assumptions; examples/dqc/qft64_four_qpus.yaml "
                   "runs a circuit on it (tests/validation/test_dqc_examples.py)",
}


def _example_presets() -> set[str]:
    names: set[str] = set()
    for path in sorted((ROOT / "examples").rglob("*.yaml")):
        names |= set(re.findall(r"\bpreset:\s*([a-z0-9_]+)", path.read_text(encoding="utf-8")))
    return names


def test_every_derived_value_is_checked() -> None:
    derived = {(entry.name, key) for entry in presets()
               for key, parameter in entry.parameters.items() if parameter.provenance == "derived"}
    assert derived == set(DERIVED)


@pytest.mark.parametrize(("name", "key"), sorted(DERIVED))
def test_a_derived_value_recomputes_from_its_figures(name: str, key: str) -> None:
    assert preset(name).parameters[key].provenance == "derived"
    DERIVED[(name, key)]()


def test_every_preset_an_example_uses_has_its_figures_accounted_for() -> None:
    used = _example_presets()
    assert used, "the examples use no preset: the scan is broken"
    checked = {name for name, _ in DERIVED}
    missing = sorted(name for name in used if name not in checked and name not in NO_FORMULA)
    assert not missing, f"presets used in examples with no recomputed figure: {missing}"
    for name in used:
        preset(name)  # every name an example uses exists


def test_the_example_link_recomputes_from_the_presets() -> None:
    """examples/presets_link.yaml: 25 km of SMF28 (0.18 dB/km, 12.5 km per arm), the quantum
    dot's 0.57 and the WSi detector's 0.93 (1 count/s in the example's 25 ns window) give the
    single-click success probability the analytic engine reports, and the attempt period is
    5 us plus 25 km / (c / 1.4682)."""
    from qfab.engines import run
    from qfab.loading import load_scenario
    from qfab.physics.detection import dark_count_probability
    from qfab.physics.heralding import single_click

    spec = load_scenario(ROOT / "examples" / "presets_link.yaml")
    eta = 0.57 * 10 ** (-0.18 * 12.5 / 10) * 0.93
    dark = float(dark_count_probability(1.0, 25e-9))
    p, _ = single_click(0.05, eta, dark_count_probability=dark, visibility=0.95)
    assert run(spec, engine="analytic").links[0].p_success == pytest.approx(float(p), rel=1e-9)
    link = spec.links[0]
    assert link.attempt_period() == pytest.approx(5e-6 + 25.0 / (C_KM_S / 1.4682), rel=1e-6)
    assert math.isclose(link.fiber.speed, C_KM_S * 1e3 / 1.4682, rel_tol=1e-6)
