"""The public scenario strategies draw what the format accepts, section by section."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings, strategies as st

from qfab.loading import parse_scenario
from qfab.spec.models import (
    AvailabilitySpec,
    DetectorSpec,
    EmitterSpec,
    FastSpec,
    FiberSpec,
    GateSpec,
    NodeSpec,
    PolicySpec,
)
from qfab.spec.sweep import SweepSpec
from qfab.spec.topology import validate_topology
from qfab.testing import strategies as qst

SECTIONS = settings(max_examples=40, deadline=None, derandomize=True)


@SECTIONS
@given(qst.nodes(qubits=2))
def test_nodes_validate(node: dict[str, Any]) -> None:
    assert NodeSpec.model_validate(node).memory.qubits >= 2


@SECTIONS
@given(qst.gates(), qst.fibers(), qst.detectors(), qst.emitters(), qst.policies(),
       qst.fast_options())
def test_sections_validate(gates: dict[str, Any], fiber: dict[str, Any],
                           detector: dict[str, Any], emitter: dict[str, Any],
                           policy: dict[str, Any], fast: dict[str, Any]) -> None:
    GateSpec.model_validate(gates)
    assert FiberSpec.model_validate(fiber).attenuation <= 5e-4 * (1 + 1e-9)
    DetectorSpec.model_validate(detector)
    EmitterSpec.model_validate(emitter)
    PolicySpec.model_validate(policy)
    assert FastSpec.model_validate(fast).shots <= 64


@SECTIONS
@given(st.floats(1e-6, 1e-3).flatmap(lambda p: st.tuples(st.just(p), qst.availabilities(p))))
def test_availability_stays_down_one_attempt(drawn: tuple[float, dict[str, Any]]) -> None:
    period, section = drawn
    spec = AvailabilitySpec.model_validate(section)
    assert spec.period - spec.up >= period * (1 - 1e-9)


@SECTIONS
@given(st.lists(qst.node_names, min_size=2, max_size=5, unique=True).flatmap(
    lambda names: st.tuples(st.just(names), qst.arrivals(names, duration=2.0))))
def test_arrivals_validate_and_stay_small(drawn: tuple[list[str], dict[str, Any]]) -> None:
    names, section = drawn
    links = [{"kind": "depolarizing", "between": [a, b], "fidelity": 0.9,
              "success_probability": 0.5, "cycle_time": "1 ms"} for a, b in zip(names, names[1:])]
    spec = parse_scenario({"qfab": 1, "duration": 2.0, "links": links, "arrivals": section,
                           "nodes": {name: {"memory": {"qubits": 2}} for name in names}})
    arrival = spec.arrivals[0]
    start, stop = arrival.start, arrival.stop or spec.duration
    assert arrival.rate * (stop - start) <= 4.0 * (1 + 1e-9)
    for request in spec.requests:
        assert start <= request.start < stop and request.pairs == section["pairs"]


@SECTIONS
@given(qst.topologies())
def test_topologies_validate(section: dict[str, Any]) -> None:
    assert validate_topology(section).kind == section["kind"]


@SECTIONS
@given(qst.sweeps())
def test_sweeps_validate(section: dict[str, Any]) -> None:
    assert len(SweepSpec.model_validate(section).points()) >= 1


@settings(max_examples=80, deadline=None, derandomize=True)
@given(qst.scenarios())
def test_scenarios_validate(document: dict[str, Any]) -> None:
    spec = parse_scenario(document)
    written = [request for request in spec.requests if request.name is None]
    assert len(written) == len(document["requests"])
    assert len(spec.arrivals) == len(document.get("arrivals", [])) or \
        isinstance(document["arrivals"], dict) and len(spec.arrivals) == 1
    for request in spec.requests:
        assert request.pairs <= 5
    assert spec.duration <= 1.0
