"""The cited hardware catalog: data, the ``qfab catalog`` command, and ``preset:`` in scenarios."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from qfab.catalog import APPLIED, CATEGORIES, preset, presets, resolve_presets
from qfab.catalog.model import UnknownPresetError
from qfab.cli import main
from qfab.errors import ScenarioError
from qfab.loading import load_scenario, parse_scenario

ROOT = Path(__file__).resolve().parents[3]
NAMES = [entry.name for entry in presets()]

#: What the brief of the catalog asks for, by kind of device.
REQUIRED = {"nv_centre", "sr88_ion", "rb87_cavity", "inas_quantum_dot", "transmon_transducer",
            "er_yso_emitter", "dfg_580_to_1541", "eu_yso_afc", "pr_yso_afc", "er_yso_afc",
            "rb_cold_atom", "snspd_wsi", "ingaas_apd", "smf28", "ultra_low_loss", "fiber_780",
            "chip_to_chip"}


def _link(**sections: Any) -> dict[str, Any]:
    return {"qfab": 1, "duration": "1 s", "nodes": {"a": {}, "b": {}},
            "links": [{"kind": "single_click", "between": ["a", "b"], "length": "10 km",
                       "bright_state": 0.1, "cycle_time": "1 us", **sections}],
            "requests": [{"kind": "entanglement", "between": ["a", "b"], "pairs": 1}]}


def test_the_catalog_has_every_kind_of_device_asked_for() -> None:
    assert len(NAMES) >= 12 and REQUIRED <= set(NAMES)
    assert {entry.category for entry in presets()} == set(CATEGORIES)


@pytest.mark.parametrize("name", NAMES)
def test_every_parameter_has_a_unit_and_a_source(name: str) -> None:
    entry = preset(name)
    assert entry.description and entry.sources
    for key, parameter in entry.parameters.items():
        assert parameter.unit and len(parameter.source) > 10
        if parameter.provenance == "paper":  # a published value names its work and its year
            assert any(char.isdigit() for char in parameter.source)
        if any(word in key for word in ("efficiency", "fidelity", "visibility")):
            assert parameter.unit == "1" and 0 < parameter.value <= 1


def _section_document(name: str) -> dict[str, Any]:
    """A small scenario that pulls ``name`` into the section of its category."""
    entry = preset(name)
    if entry.category == "memory":
        document = _link()
        document["nodes"]["a"] = {"memory": {"preset": name}}
        return document
    if entry.category == "interconnect":  # a chip_to_chip link names it at the link
        document = _link()
        document["links"][0] = {"kind": "chip_to_chip", "between": ["a", "b"],
                                "preset": name, "cycle_time": "1 us"}
        return document
    if entry.category == "qpu":  # a node's processor
        document = _link()
        document["nodes"]["a"] = {"qpu": {"preset": name}}
        return document
    if entry.category == "transducer":  # a node interface's stage
        document = _link()
        document["nodes"]["a"] = {"interface": {"transducer": {"preset": name}}}
        return document
    if entry.category == "converter":
        return _link(conversion={"preset": name})
    if entry.category in APPLIED:
        return _link(**{entry.category: {"preset": name}})
    return _link()


@pytest.mark.parametrize("name", NAMES)
def test_every_preset_loads_in_a_scenario(name: str) -> None:
    spec = parse_scenario(_section_document(name))
    entry = preset(name)
    if entry.category == "interconnect":
        assert spec.links[0].kind == "chip_to_chip"
        assert spec.links[0].fidelity == entry.parameters["fidelity"].value
        return
    sections: dict[str, tuple[str, Any]] = {
        category: (category, getattr(spec.links[0], category))
        for category in ("detector", "fiber", "emitter")}
    sections["converter"] = ("conversion", spec.links[0].conversion)
    interface = spec.nodes["a"].interface
    if interface is not None:
        sections["transducer"] = ("transducer", interface.transducer)
    if spec.nodes["a"].qpu is not None:
        sections["qpu"] = ("qpu", spec.nodes["a"].qpu)
    if entry.category in sections:
        key_of_section, section = sections[entry.category]
        for key in APPLIED[key_of_section]:
            if key in entry.parameters:
                value = entry.parameters[key].value
                factor = {"dB/km": 1e-3, "km/s": 1e3, "ns": 1e-9, "ps": 1e-12,
                          "nm": 1e-9, "MHz": 1e6, "kHz": 1e3, "us": 1e-6, "ms": 1e-3}.get(
                    entry.parameters[key].unit, 1.0)
                assert getattr(section, key) == pytest.approx(value * factor, rel=1e-12)


def test_a_preset_gives_the_same_spec_as_writing_its_values() -> None:
    with_presets = parse_scenario(_link(detector={"preset": "snspd_wsi"},
                                        fiber={"preset": "smf28"},
                                        emitter={"preset": "inas_quantum_dot"}))
    written = parse_scenario(_link(detector={"efficiency": 0.93, "dark_count_rate": "1 Hz",
                                             "jitter": "150 ps", "dead_time": "40 ns"},
                                   fiber={"attenuation": "0.18 dB/km",
                                          "speed": "204190.48 km/s", "wavelength": "1550 nm"},
                                   emitter={"efficiency": 0.57,
                                            "indistinguishability": 0.975}))
    assert with_presets == written
    assert with_presets.links[0].fiber.speed == pytest.approx(299792458 / 1.4682, rel=1e-6)


def test_a_key_beside_the_preset_wins() -> None:
    spec = parse_scenario(_link(detector={"preset": "snspd_wsi", "efficiency": 0.5,
                                          "window": "2 ns"}))
    detector = spec.links[0].detector
    assert (detector.efficiency, detector.dark_count_rate, detector.window) == (0.5, 1.0, 2e-9)


def test_a_preset_in_a_topology_template_reaches_every_generated_link() -> None:
    document = {"qfab": 1, "duration": "1 s",
                "topology": {"kind": "chain", "nodes": 3, "spacing": "5 km",
                             "link": {"kind": "double_click", "cycle_time": "1 us",
                                      "detector": {"preset": "ingaas_apd"}}},
                "requests": [{"kind": "entanglement", "between": ["n0", "n2"], "pairs": 1}]}
    spec = parse_scenario(document)
    assert [(link.detector.efficiency, link.detector.dark_count_rate)
            for link in spec.links] == [(0.10, 600.0)] * 2


def test_resolving_leaves_the_document_as_it_was() -> None:
    document = _link(detector={"preset": "snspd_wsi"})
    before = copy.deepcopy(document)
    resolved = resolve_presets(document)
    assert document == before and resolved is not document
    plain = _link()
    assert resolve_presets(plain) is plain


@pytest.mark.parametrize(("sections", "message"), [
    ({"detector": {"preset": "eu_yso_afc"}},
     "links[0].detector.preset: 'eu_yso_afc' is a memory, not a detector"),
    ({"fiber": {"preset": "snspd_wsi"}},
     "links[0].fiber.preset: 'snspd_wsi' is a detector, not a fiber"),
    ({"emitter": {"preset": "chip_to_chip"}},
     "links[0].emitter.preset: 'chip_to_chip' is an interconnect, not an emitter"),
    ({"detector": {"preset": "snspd"}},
     "links[0].detector.preset: unknown preset 'snspd'; did you mean 'snspd_98' or "
     "'snspd_wsi'"),
    ({"fiber": {"preset": 3}}, "links[0].fiber.preset: must be a preset name (a string), got 3"),
])
def test_a_bad_preset_is_one_error_naming_its_path(sections: dict[str, Any],
                                                   message: str) -> None:
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(_link(**sections))
    assert str(caught.value).startswith(message)
    assert "\n" not in str(caught.value)


def test_a_memory_preset_of_another_category_names_the_node() -> None:
    document = _link()
    document["nodes"]["b"] = {"memory": {"preset": "smf28"}}
    with pytest.raises(ScenarioError, match=r"^nodes\.b\.memory\.preset: 'smf28' is a fiber, "
                                            r"not a memory$"):
        parse_scenario(document)


def test_an_unknown_name_with_nothing_close_lists_every_preset() -> None:
    with pytest.raises(UnknownPresetError, match="known presets: .*smf28"):
        preset("zzzzzzzz")


def test_the_example_uses_presets() -> None:
    spec = load_scenario(ROOT / "examples" / "presets_link.yaml")
    link = spec.links[0]
    assert link.detector.efficiency == 0.93 and link.detector.window == pytest.approx(25e-9)
    assert link.emitter.efficiency == 0.57
    assert link.fiber.attenuation == pytest.approx(0.18e-3)


def test_cli_lists_the_presets(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["catalog"]) == 0
    out = capsys.readouterr().out
    for name in NAMES:
        assert name in out
    assert "Marsili et al., Nat. Photon. 7, 210 (2013)" in out
    assert main(["catalog", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)["presets"]
    assert [entry["name"] for entry in listed] == NAMES
    assert all(entry["parameters"] >= 1 and entry["sources"] for entry in listed)


def test_cli_shows_one_preset(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["catalog", "snspd_wsi"]) == 0
    out = capsys.readouterr().out
    assert "dead_time" in out and "40 ns" in out and "source: Marsili" in out
    assert main(["catalog", "smf28", "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["category"] == "fiber"
    assert shown["parameters"]["attenuation"] == {
        "value": 0.18, "unit": "dB/km", "provenance": "paper",
        "source": preset("smf28").parameters["attenuation"].source}


def test_cli_unknown_name_is_one_line_and_status_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["catalog", "snspd"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.count("\n") == 1 and "did you mean 'snspd_98'" in captured.err


def test_the_catalog_page_is_the_data() -> None:
    """docs/catalog.md is generated from the data; regenerate it with
    ``python -c "from qfab.catalog.command import catalog_markdown; print(catalog_markdown())"
    > docs/catalog.md``."""
    from qfab.catalog.command import catalog_markdown

    page = (ROOT / "docs" / "catalog.md").read_text(encoding="utf-8")
    assert page == catalog_markdown() + "\n"


def test_a_swept_preset_is_checked_and_each_point_takes_its_preset(tmp_path: Path) -> None:
    from qfab.experiments.tasks import expand_tasks

    document = _link(detector={"preset": "snspd_wsi"})
    document["sweep"] = {"parameters": {"links[0].detector.preset": {
        "values": ["snspd_wsi", "ingaas_apd"]}}}
    assert parse_scenario(document).links[0].detector.efficiency == 0.93
    tasks = expand_tasks(document)
    assert [parse_scenario(task.document).links[0].detector.efficiency
            for task in tasks] == [0.93, 0.10]
    document["sweep"]["parameters"]["links[0].detector.preset"]["values"] = ["smf28"]
    with pytest.raises(ScenarioError, match=r"^sweep\.parameters\.links\[0\]\.detector\.preset: "
                                            r"'smf28' is a fiber, not a detector"):
        parse_scenario(document)


def test_derived_values_recompute_from_their_formulas() -> None:
    """Each ``derived`` value is what its stated formula gives from the cited figures."""
    from qfab.physics.afc import MAX_FORWARD_EFFICIENCY, forward_efficiency

    afc = preset("eu_yso_afc").parameters["forward_efficiency_max"]
    assert afc.provenance == "derived"
    assert afc.value == pytest.approx(MAX_FORWARD_EFFICIENCY, abs=5e-5)  # 4/e^2 = 0.541341
    assert float(forward_efficiency(2e4, 1e4)) == pytest.approx(afc.value, abs=5e-5)
    smf28 = preset("smf28").parameters
    assert smf28["speed"].value == pytest.approx(299792.458 / smf28["group_index"].value,
                                                 abs=0.005)
    rayleigh = smf28["attenuation"].value * (1550 / 780) ** 4  # 2.81 dB/km
    assert preset("fiber_780").parameters["attenuation"].value == pytest.approx(rayleigh,
                                                                                abs=0.005)
