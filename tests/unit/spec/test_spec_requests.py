"""Request kinds: a union told apart by ``kind``, errors naming the YAML path."""

from __future__ import annotations

import json
from typing import Any

import pytest

from qfab.errors import ScenarioError
from qfab.loading import parse_scenario
from qfab.spec import (
    EntanglementRequestSpec,
    TeleportationRequestSpec,
    scenario_json_schema,
)
from tests.scenarios import two_node

LINK = {"kind": "depolarizing", "fidelity": 0.9, "success_probability": 0.5,
        "cycle_time": "1 ms"}


def document(request: dict[str, Any]) -> dict[str, Any]:
    doc = two_node(LINK)
    doc["requests"] = [{"between": ["alice", "bob"], "pairs": 10, **request}]
    return doc


def test_each_kind_parses_to_its_own_spec() -> None:
    spec = parse_scenario(two_node(LINK) | {"requests": [
        {"kind": "entanglement", "between": ["alice", "bob"], "pairs": 3},
        {"kind": "teleportation", "between": ["bob", "alice"], "pairs": 5,
         "min_fidelity": 0.8, "start": "1 s", "deadline": "2 s", "priority": 2}]})
    entanglement, teleportation = spec.requests
    assert isinstance(entanglement, EntanglementRequestSpec)
    assert isinstance(teleportation, TeleportationRequestSpec)
    assert (teleportation.between, teleportation.pairs, teleportation.min_fidelity,
            teleportation.start, teleportation.deadline, teleportation.priority) == \
        (("bob", "alice"), 5, 0.8, 1.0, 2.0, 2)


@pytest.mark.parametrize(("request_fields", "message"), [
    ({"kind": "teleportaton"}, (r"^requests\[0\]: unknown kind 'teleportaton' .*did you mean "
                               r"'teleportation'")),
    ({"kind": "teleportation", "pairs": 0}, r"^requests\[0\]\.pairs: must be >= 1"),
    ({"kind": "teleportation", "min_fidelity": 1.5},
     r"^requests\[0\]\.min_fidelity: must be <= 1"),
    ({"kind": "teleportation", "qubits": 3}, r"^requests\[0\]\.qubits: unknown key"),
    ({"kind": "teleportation", "between": ["alice", "zoe"]},
     r"^requests\[0\]\.between: unknown node 'zoe'"),
])
def test_bad_request_names_the_path(request_fields: dict[str, Any], message: str) -> None:
    with pytest.raises(ScenarioError, match=message):
        parse_scenario(document(request_fields))


def test_kind_is_required() -> None:
    with pytest.raises(ScenarioError, match=r"^requests\[0\]"):
        parse_scenario(document({}))


def test_schema_names_every_request_kind() -> None:
    text = json.dumps(scenario_json_schema())
    assert "TeleportationRequestSpec" in text and "EntanglementRequestSpec" in text
    assert '"teleportation"' in text
