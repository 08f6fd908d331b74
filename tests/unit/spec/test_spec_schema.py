"""JSON schema export."""

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from qfab.cli import main
from qfab.plugins import registry
from qfab.spec import read_document, scenario_json_schema


def test_schema_is_valid_and_names_link_kinds() -> None:
    schema = scenario_json_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    text = str(schema)
    for kind in ("depolarizing", "single_click", "double_click"):
        assert kind in text


def test_schema_accepts_unit_strings(depolarizing_document: dict) -> None:  # type: ignore[type-arg]
    jsonschema.validate(depolarizing_document, scenario_json_schema())


def test_schema_rejects_unknown_keys(depolarizing_document: dict) -> None:  # type: ignore[type-arg]
    depolarizing_document["colour"] = "blue"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(depolarizing_document, scenario_json_schema())


ROOT = Path(__file__).resolve().parents[3]
PLUGIN = ROOT / "examples" / "plugins" / "qfab-example-plugin"
EXAMPLES = sorted(path for folder in ("examples", "bench/scenarios")
                  for path in (ROOT / folder).rglob("*.yaml")
                  if "qfab" in read_document(path))


def _cli_schema(capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    """The schema as ``qfab schema`` prints it."""
    assert main(["schema"]) == 0
    schema: dict[str, Any] = json.loads(capsys.readouterr().out)
    return schema


@contextmanager
def _plugins_of(example: Path) -> Iterator[None]:
    """The example plugin registered while checking its own scenario."""
    if PLUGIN not in example.parents:
        yield
        return
    sys.path.insert(0, str(PLUGIN / "src"))
    try:
        import qfab_example_plugin

        with registry().scope() as found:
            qfab_example_plugin.plugin(found)
            yield
    finally:
        sys.path.remove(str(PLUGIN / "src"))


def test_examples_are_found() -> None:
    names = {path.name for path in EXAMPLES}
    assert {"chain_9_nodes.yaml", "cross_tier_request.yaml", "link_length.yaml"} <= names


@pytest.mark.parametrize("example", EXAMPLES, ids=[path.name for path in EXAMPLES])
def test_schema_accepts_every_example(example: Path,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    with _plugins_of(example):
        schema = _cli_schema(capsys)
    jsonschema.Draft202012Validator.check_schema(schema)
    errors = [f"{list(e.absolute_path)}: {e.message}"
              for e in jsonschema.Draft202012Validator(schema).iter_errors(read_document(example))]
    assert errors == []


def test_schema_needs_topology_or_nodes_and_links() -> None:
    validator = jsonschema.Draft202012Validator(scenario_json_schema())
    assert not validator.is_valid({"qfab": 1})
    assert not validator.is_valid({"qfab": 1, "nodes": {"a": {}}})
    assert validator.is_valid({"qfab": 1, "topology": {"kind": "chain", "nodes": 2,
                                                        "spacing": "1 km", "link": {}}})


def test_schema_accepts_a_sweep_parameter_written_as_a_list() -> None:
    validator = jsonschema.Draft202012Validator(scenario_json_schema())
    document = {"qfab": 1, "topology": {"kind": "chain", "nodes": 2, "spacing": "1 km",
                                        "link": {}},
                "sweep": {"parameters": {"links[0].length": ["1 km", "2 km"]}}}
    assert validator.is_valid(document)
