"""JSON Schema of the scenario format, for editors and external validation."""

from __future__ import annotations

from typing import Any

from qfab.spec.models import ScenarioSpec

__all__ = ["scenario_json_schema"]


def scenario_json_schema(model: type[ScenarioSpec] = ScenarioSpec) -> dict[str, Any]:
    """Return the JSON Schema (draft 2020-12) of :class:`~qfab.spec.models.ScenarioSpec`
    (or of ``model``, a scenario model that admits plugin kinds)."""
    schema = model.model_json_schema(mode="validation")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "qfab scenario (format version 1)"
    return schema
