"""JSON schema export."""

import jsonschema
import pytest

from qfab.spec import scenario_json_schema


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
