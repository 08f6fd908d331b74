"""Errors in a topology's templates name the template (``topology.link.fidelity``), not the
generated entry (``links[0]``) that the user never wrote."""

from __future__ import annotations

from typing import Any

import pytest

from qfab.errors import ScenarioError
from qfab.loading import parse_scenario

LINK = {"kind": "depolarizing", "fidelity": 0.9, "success_probability": 0.1,
        "cycle_time": "10 us"}


def _document(link: dict[str, Any] | None = None, node: dict[str, Any] | None = None,
              **extra: Any) -> dict[str, Any]:
    topology = {"kind": "chain", "nodes": 3, "spacing": "1 km",
                "node": node or {"memory": {"qubits": 1}}, "link": link or LINK}
    return {"qfab": 1, "topology": topology, **extra}


def _message(document: dict[str, Any]) -> str:
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(document)
    return str(caught.value)


def test_a_key_missing_from_the_link_template_names_the_template() -> None:
    link = {key: value for key, value in LINK.items() if key != "fidelity"}
    assert _message(_document(link)) == ("topology.link.fidelity: required (in the link "
                                         "template, for link n0 - n1)")


def test_a_bad_value_in_the_link_template_names_the_template() -> None:
    message = _message(_document({**LINK, "success_probability": 1.5}))
    assert message.startswith("topology.link.success_probability: must be <= 1")
    assert "links[" not in message


def test_an_unknown_key_in_the_link_template_names_the_template() -> None:
    assert _message(_document({**LINK, "colour": "red"})).startswith("topology.link.colour: ")


def test_an_explicit_link_keeps_its_own_path() -> None:
    explicit = {"kind": "depolarizing", "between": ["n0", "n2"], "success_probability": 0.1,
                "cycle_time": "10 us"}
    # two generated links come first, so the explicit one is links[2]
    assert _message(_document(links=[explicit])) == "links[2].fidelity: required"


def test_a_bad_value_in_the_node_template_names_the_template() -> None:
    message = _message(_document(node={"memory": {"qubits": 1, "t2": "-1 s"}}))
    assert message.startswith("topology.node.memory.t2: must be > 0")
    assert message.endswith("(in the node template, for node n0)")


def test_an_explicit_node_entry_keeps_its_own_path() -> None:
    message = _message(_document(nodes={"n1": {"memory": {"t2": "-1 s"}}}))
    assert message.startswith("nodes.n1.memory.t2: must be > 0")


def test_without_a_topology_paths_are_unchanged() -> None:
    document = {"qfab": 1, "nodes": {"a": {}, "b": {}},
                "links": [{**LINK, "between": ["a", "b"], "fidelity": 2}]}
    assert _message(document).startswith("links[0].fidelity: must be <= 1")
