"""Memory kinds in the scenario: a default kind, a discriminated union, path-aware errors."""

from __future__ import annotations

import copy
import json
import math
from typing import Any

import pytest

from qfab.errors import ScenarioError
from qfab.loading import parse_scenario
from qfab.spec import DepolarizingMemorySpec, T1T2MemorySpec, scenario_json_schema
from tests.scenarios import two_node

LINK = {"kind": "depolarizing", "fidelity": 0.9, "success_probability": 0.1,
        "cycle_time": "1 ms"}


def _with_memory(memory: dict[str, Any]) -> dict[str, Any]:
    document = copy.deepcopy(two_node(LINK))
    document["nodes"] = {"alice": {"memory": memory}, "bob": {}}
    return document


def test_memory_without_kind_is_t1t2() -> None:
    spec = parse_scenario(_with_memory({"t2": "1 s", "qubits": 2}))
    memory = spec.nodes["alice"].memory
    assert isinstance(memory, T1T2MemorySpec)
    assert (memory.kind, memory.t2, memory.qubits) == ("t1t2", 1.0, 2)
    assert isinstance(spec.nodes["bob"].memory, T1T2MemorySpec)
    assert math.isinf(spec.nodes["bob"].memory.t1)


def test_depolarizing_memory_keeps_the_common_fields() -> None:
    spec = parse_scenario(_with_memory({"kind": "depolarizing", "coherence_time": "250 ms",
                                        "qubits": 3}))
    memory = spec.nodes["alice"].memory
    assert isinstance(memory, DepolarizingMemorySpec)
    assert (memory.coherence_time, memory.qubits, memory.per_link) == (0.25, 3, None)


@pytest.mark.parametrize(("memory", "path", "message"), [
    ({"kind": "depolarizing", "coherence_time": "0 s"}, "nodes.alice.memory.coherence_time",
     "must be > 0"),
    ({"kind": "depolarizing", "t2": "1 s"}, "nodes.alice.memory.t2", "another kind"),
    ({"kind": "depolarising"}, "nodes.alice.memory", "did you mean 'depolarizing'"),
    ({"t2": "3 s", "t1": "1 s"}, "nodes.alice.memory", "t2 must be <= 2 t1"),
    ({"t2": "1 km"}, "nodes.alice.memory.t2", "expected a time"),
    ({"kind": "t1t2", "qubits": 0}, "nodes.alice.memory.qubits", "must be >= 1"),
])
def test_errors_name_the_yaml_path(memory: dict[str, Any], path: str, message: str) -> None:
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(_with_memory(memory))
    assert caught.value.path == path
    assert message in str(caught.value)


def test_schema_lists_both_memory_kinds() -> None:
    schema = scenario_json_schema()
    json.dumps(schema)
    assert {"T1T2MemorySpec", "DepolarizingMemorySpec"} <= set(schema["$defs"])
    kinds = schema["$defs"]["DepolarizingMemorySpec"]["properties"]["kind"]
    assert kinds.get("const", kinds.get("enum", [None])[0]) == "depolarizing"
