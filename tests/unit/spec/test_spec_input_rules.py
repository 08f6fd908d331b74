"""Input rules: what a scenario file may not say, each refused with the YAML path.

Files are UTF-8, nested at most MAX_DEPTH levels, with no repeated key; numbers are numbers
(not booleans), finite (only coherence times may be 'inf') and times at most MAX_TIME_S;
requests start before the end of the run and one attempt of every link fits in it; every
value of a sweep is valid in the field it is written into.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from qfab.errors import ScenarioError
from qfab.loading import parse_scenario
from qfab.spec.loader import MAX_DEPTH, parse_yaml, read_document
from tests.scenarios import two_node

BASE = """\
qfab: 1
nodes: {alice: {}, bob: {}}
links:
  - {kind: depolarizing, between: [alice, bob], fidelity: 0.9, success_probability: 0.1,
     cycle_time: 1 ms}
"""


def _document(**top: Any) -> dict[str, Any]:
    return two_node({"kind": "depolarizing", "fidelity": 0.9, "success_probability": 0.1,
                     "cycle_time": "1 ms"}, pairs=10, **top)


def _refused(document: dict[str, Any], path: str, reason: str) -> None:
    with pytest.raises(ScenarioError, match=reason) as caught:
        parse_scenario(document)
    assert caught.value.path == path


# -- reading the file --------------------------------------------------------------------


def test_a_file_that_is_not_utf8_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes(BASE.encode() + "name: caf\xe9\n".encode("latin-1"))
    with pytest.raises(ScenarioError, match=r"not UTF-8 text \(byte 0xe9"):
        read_document(path)


@pytest.mark.parametrize("opening", ["[", "{a: "])
def test_nesting_thousands_of_levels_is_refused(opening: str) -> None:
    closing = "]" if opening == "[" else "}"
    with pytest.raises(ScenarioError, match=f"nested more than {MAX_DEPTH} levels"):
        parse_yaml(BASE + "name: " + opening * 5000 + "1" + closing * 5000 + "\n")


def test_nesting_beyond_the_limit_names_the_place() -> None:
    deep = "{a: " * (MAX_DEPTH + 1) + "1" + "}" * (MAX_DEPTH + 1)
    with pytest.raises(ScenarioError, match="nested more than") as caught:
        parse_yaml(BASE + f"name: {deep}\n")
    assert caught.value.path.startswith("name.a.a")


def test_nesting_within_the_limit_is_read() -> None:
    deep = "{a: " * (MAX_DEPTH - 2) + "1" + "}" * (MAX_DEPTH - 2)
    assert parse_yaml(BASE + f"name: {deep}\n")["name"]["a"]


def test_a_repeated_top_level_key_is_refused() -> None:
    with pytest.raises(ScenarioError, match=r"duplicate key 'qfab' \(line 6\)") as caught:
        parse_yaml(BASE + "qfab: 1\n")
    assert caught.value.path == "qfab"


def test_a_repeated_nested_key_names_its_path() -> None:
    text = BASE.replace("cycle_time: 1 ms}", "cycle_time: 1 ms, fidelity: 0.8}")
    with pytest.raises(ScenarioError, match="duplicate key 'fidelity'") as caught:
        parse_yaml(text)
    assert caught.value.path == "links[0].fidelity"


def test_merge_keys_and_aliases_are_not_duplicates() -> None:
    text = BASE + "policy: &p {swap: asap}\nfast: {<<: {shots: 10}, device: cpu}\n"
    assert parse_yaml(text)["fast"] == {"shots": 10, "device": "cpu"}


# -- numbers -----------------------------------------------------------------------------


@pytest.mark.parametrize(("edit", "path"), [
    (lambda d: d["requests"][0].update(pairs=True), "requests[0].pairs"),
    (lambda d: d["nodes"]["alice"].update(memory={"qubits": True}), "nodes.alice.memory.qubits"),
    (lambda d: d.update(seed=True), "seed"),
    (lambda d: d.update(fast={"shots": True}), "fast.shots"),
    (lambda d: d["requests"][0].update(priority=False), "requests[0].priority"),
    (lambda d: d["links"][0].update(fidelity=True), "links[0].fidelity"),
    (lambda d: d["links"][0].update(success_probability=True), "links[0].success_probability"),
])
def test_a_boolean_is_not_a_number(edit: Any, path: str) -> None:
    document = _document()
    edit(document)
    _refused(document, path, "integer|number")


@pytest.mark.parametrize(("edit", "path"), [
    (lambda d: d.update(duration="inf"), "duration"),
    (lambda d: d["requests"][0].update(start="inf"), "requests[0].start"),
    (lambda d: d["requests"][0].update(deadline="inf s"), "requests[0].deadline"),
    (lambda d: d["links"][0].update(length="inf"), "links[0].length"),
    (lambda d: d["links"][0].update(length=float("nan")), "links[0].length"),
    (lambda d: d.update(policy={"cutoff": "inf"}), "policy.cutoff"),
])
def test_non_finite_quantities_are_refused(edit: Any, path: str) -> None:
    document = _document()
    edit(document)
    _refused(document, path, "must be finite|must be a number")


def test_coherence_times_may_be_infinite() -> None:
    document = _document()
    document["nodes"]["alice"]["memory"] = {"t1": "inf", "t2": "inf"}
    assert parse_scenario(document).nodes["alice"].memory.t2 == float("inf")


def test_a_time_beyond_the_limit_is_refused() -> None:
    document = _document()
    document["links"][0]["cycle_time"] = 1.0e300
    _refused(document, "links[0].cycle_time", r"at most 1e\+12 s")


def test_a_request_starting_after_the_run_is_refused() -> None:
    document = _document(duration="10 s")
    document["requests"][0]["start"] = "20 s"
    _refused(document, "requests[0].start", r"starts at 20 s, not before the end of the run")


def test_a_request_starting_at_the_end_of_the_run_is_refused() -> None:
    document = _document(duration="10 s")
    document["requests"][0]["start"] = "10 s"
    _refused(document, "requests[0].start", "not before the end of the run")


def test_an_attempt_longer_than_the_run_names_cycle_time() -> None:
    document = _document(duration="1 s")
    document["links"][0]["cycle_time"] = "2 s"
    _refused(document, "links[0].cycle_time", r"one attempt takes 2 s .*longer than the run")


def test_an_attempt_longer_than_the_run_names_length_when_the_fiber_is_the_cause() -> None:
    document = _document(duration="1 ms")
    document["links"][0]["length"] = "1000 km"  # 5 ms of light travel
    _refused(document, "links[0].length", "longer than the run")


# -- sweep values ------------------------------------------------------------------------


def _with_sweep(parameters: dict[str, Any]) -> dict[str, Any]:
    return _document(sweep={"parameters": parameters})


def test_a_sweep_value_out_of_range_is_refused() -> None:
    _refused(_with_sweep({"links[0].cycle_time": {"values": ["1 ms", "-5 ms"]}}),
             "sweep.parameters.links[0].cycle_time", r"must be > 0.*\(value '-5 ms'\)")


def test_a_sweep_value_of_the_wrong_type_is_refused() -> None:
    _refused(_with_sweep({"requests[0].pairs": [1, True]}),
             "sweep.parameters.requests[0].pairs", r"integer.*\(value True\)")


def test_a_sweep_of_an_unknown_key_is_refused() -> None:
    _refused(_with_sweep({"links[0].fidelty": [0.9]}),
             "sweep.parameters.links[0].fidelty", "unknown key 'fidelty'")


def test_valid_sweep_values_pass_and_leave_the_scenario_as_written() -> None:
    document = _with_sweep({"links[0].length": {"linspace": ["1 km", "20 km", 3]},
                            "nodes.alice.memory.t2": ["1 ms", "1 s"]})
    before = copy.deepcopy(document)
    spec = parse_scenario(document)
    assert spec.links[0].length == 0.0 and document == before


def test_a_sweep_value_invalid_with_the_scenarios_other_fields_is_refused() -> None:
    document = _with_sweep({"nodes.alice.memory.t2": ["1 s", "3 s"]})
    document["nodes"]["alice"]["memory"] = {"t1": "1 s", "t2": "1 s"}
    _refused(document, "sweep.parameters.nodes.alice.memory.t2",
             r"t2 must be <= 2 t1.*\(value '3 s'\)")


def test_sweep_values_valid_only_together_are_left_to_the_sweep() -> None:
    document = _document(sweep={"mode": "zip", "parameters": {
        "nodes.alice.memory.t1": ["1 s", "2 s"], "nodes.alice.memory.t2": ["1 s", "3 s"]}})
    document["nodes"]["alice"]["memory"] = {"t1": "1 s", "t2": "1 s"}
    parse_scenario(document)


def test_a_nul_byte_is_a_clean_yaml_error() -> None:
    """YAML's reader refuses control characters while it is built: still one clean line."""
    from qfab.spec.loader import parse_yaml

    with pytest.raises(ScenarioError, match="not valid YAML: special characters"):
        parse_yaml("qfab: 1\x00\nnodes: {}\n", source="x.yaml")


@pytest.mark.parametrize("topology, path", [
    ({"kind": "chain", "nodes": 10**30}, "topology.nodes"),
    ({"kind": "chain", "nodes": 10**400}, "topology.nodes"),  # beyond the float range
    ({"kind": "ring", "nodes": 1_000_001}, "topology.nodes"),
    ({"kind": "star", "leaves": 1_000_000}, "topology.leaves"),
    ({"kind": "grid", "rows": 2000, "cols": 2000}, "topology"),
])
def test_generated_topologies_beyond_the_size_limit_are_refused_at_once(
        topology: dict[str, object], path: str) -> None:
    """Sizes that would fill the machine are refused before anything is generated (10**30
    nodes used to hang validate), with the memory they would need."""
    from qfab.loading import parse_scenario

    document = {"qfab": 1, "topology": {**topology, "spacing": "1 km", "link": {
        "kind": "depolarizing", "fidelity": 0.9, "success_probability": 0.1,
        "cycle_time": "1 ms"}}}
    with pytest.raises(ScenarioError, match="GiB to validate alone") as caught:
        parse_scenario(document)
    assert caught.value.path == path


def test_a_sweep_value_of_a_topology_template_field_is_refused() -> None:
    document = {"qfab": 1, "topology": {
        "kind": "chain", "nodes": 3, "spacing": "10 km",
        "link": {"kind": "depolarizing", "fidelity": 0.9, "success_probability": 0.1,
                 "cycle_time": "1 ms"}},
        "sweep": {"parameters": {"topology.link.cycle_time": {"values": ["1 ms", "-5 km"]}}}}
    _refused(document, "sweep.parameters.topology.link.cycle_time",
             r"unit 'km' is a length, expected a time.*\(value '-5 km'\)")
