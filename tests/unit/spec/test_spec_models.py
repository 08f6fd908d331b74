"""Scenario models: defaults, units, immutability, cross-references."""

from __future__ import annotations

import math
from typing import Any

import pytest
from pydantic import ValidationError

from qfab.errors import ScenarioError
from qfab.loading import parse_scenario
from qfab.spec import SingleClickLinkSpec


def test_quantities_are_stored_in_si(single_click_document: dict[str, Any]) -> None:
    spec = parse_scenario(single_click_document)
    link = spec.links[0]
    assert isinstance(link, SingleClickLinkSpec)
    assert link.length == 25e3
    assert link.fiber.attenuation == pytest.approx(2e-4)
    assert link.detector.dark_count_rate == 10.0


def test_omitted_parameters_are_ideal(single_click_document: dict[str, Any]) -> None:
    spec = parse_scenario(single_click_document)
    link = spec.links[0]
    assert isinstance(link, SingleClickLinkSpec)
    assert link.emitter.efficiency == 1.0
    assert link.visibility == 1.0
    assert math.isinf(spec.nodes["alice"].memory.t2)
    assert spec.policy.cutoff is None


def test_specs_are_frozen(depolarizing_document: dict[str, Any]) -> None:
    spec = parse_scenario(depolarizing_document)
    with pytest.raises(ValidationError):
        spec.seed = 3  # type: ignore[misc]


def test_qubits_are_split_evenly_among_links() -> None:
    spec = parse_scenario({
        "qfab": 1,
        "nodes": {"a": {}, "r": {"memory": {"qubits": 4}}, "b": {}},
        "links": [{"kind": "depolarizing", "between": ["a", "r"], "fidelity": 0.9,
                   "success_probability": 0.5, "cycle_time": 1e-3},
                  {"kind": "depolarizing", "between": ["r", "b"], "fidelity": 0.9,
                   "success_probability": 0.5, "cycle_time": 1e-3}],
    })
    assert spec.qubits_per_link("r") == 2
    assert spec.qubits_per_link("a") == 1


def test_a_node_needs_a_qubit_per_link() -> None:
    with pytest.raises(
        ScenarioError, match=r"nodes\.r\.memory\.qubits: 1 qubit\(s\) cannot serve 2"
    ):
        parse_scenario({
            "qfab": 1, "nodes": {"a": {}, "r": {}, "b": {}},
            "links": [{"kind": "depolarizing", "between": ["a", "r"], "fidelity": 0.9,
                       "success_probability": 0.5, "cycle_time": 1e-3},
                      {"kind": "depolarizing", "between": ["r", "b"], "fidelity": 0.9,
                       "success_probability": 0.5, "cycle_time": 1e-3}],
        })


def test_duplicate_links_are_rejected(depolarizing_document: dict[str, Any]) -> None:
    depolarizing_document["links"].append(dict(depolarizing_document["links"][0]))
    with pytest.raises(ScenarioError, match=r"links\[1\]\.between: a second link"):
        parse_scenario(depolarizing_document)


def test_link_between_finds_either_orientation(depolarizing_document: dict[str, Any]) -> None:
    spec = parse_scenario(depolarizing_document)
    found = spec.link_between("bob", "alice")
    assert found is not None and found[0] == 0


def test_a_depolarizing_link_refuses_the_attenuation_it_would_ignore(
        depolarizing_document: dict[str, Any]) -> None:
    """Its success probability is given: fiber.attenuation would have no effect."""
    link = {**depolarizing_document["links"][0], "length": "10 km",
            "fiber": {"attenuation": "0.2 dB/km"}}
    with pytest.raises(ScenarioError) as refused:
        parse_scenario({**depolarizing_document, "links": [link]})
    assert str(refused.value) == (
        "links[0].fiber.attenuation: depolarizing links take their success probability as "
        "given; fiber.attenuation has no effect (length and fiber.speed still set the delays)")


def test_a_depolarizing_link_keeps_the_length_and_speed_that_set_its_delays(
        depolarizing_document: dict[str, Any]) -> None:
    link = {**depolarizing_document["links"][0], "length": "10 km", "cycle_time": "1 us",
            "fiber": {"speed": 1e8}}
    spec = parse_scenario({**depolarizing_document, "links": [link]})
    assert spec.links[0].attempt_period() == pytest.approx(1e-6 + 1e4 / 1e8)
    assert parse_scenario(spec.model_dump()) == spec  # the dump lists attenuation 0


def test_an_optical_link_uses_its_attenuation(single_click_document: dict[str, Any]) -> None:
    assert parse_scenario(single_click_document).links[0].fiber.attenuation > 0
