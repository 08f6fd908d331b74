"""JSON Schema of the scenario format, for editors and external validation.

The schema describes scenario *files*, before a ``topology`` or ``tiers`` section is expanded:
a file gives ``topology`` (or ``tiers``) or ``nodes`` and ``links`` (or all of them, merged), so
neither ``nodes`` nor ``links`` is required when ``topology`` or ``tiers`` is there. A
detector, fiber, emitter or memory section may name a hardware preset (``preset:
snspd_wsi``, see :mod:`qfab.catalog`), a node's ``qpu`` a qpu preset, and a ``chip_to_chip``
link an interconnect preset at the link, which the loading step replaces by its values before
validation.
"""

from __future__ import annotations

from typing import Any

from qfab.spec.models import ScenarioSpec

__all__ = ["scenario_json_schema"]

#: Sections that a ``topology`` (or ``tiers``) section generates, so a file that has one may
#: leave them out.
_GENERATED = ("nodes", "links")

#: Sections that take ``preset: NAME`` (memory sections: every ``*MemorySpec``).
_PRESET_SECTIONS = ("DetectorSpec", "FiberSpec", "EmitterSpec", "ConversionSpec",
                    "TransducerSpec")

#: Link kinds that take ``preset: NAME`` at the link -> the fields the preset may give.
_PRESET_LINKS = {"ChipToChipLinkSpec": ("fidelity",)}

#: Sections whose required fields a preset may give (a node's ``qpu``) -> those fields.
_PRESET_REQUIRED = {"QpuSpec": ("qubits",)}


def scenario_json_schema(model: type[ScenarioSpec] = ScenarioSpec) -> dict[str, Any]:
    """Return the JSON Schema (draft 2020-12) of scenario files of
    :class:`~qfab.spec.models.ScenarioSpec` (or of ``model``, a scenario model that admits
    plugin kinds)."""
    schema = model.model_json_schema(mode="validation")
    required = [name for name in schema.get("required", []) if name not in _GENERATED]
    schema["required"] = required
    schema["anyOf"] = [{"required": ["topology"]}, {"required": ["tiers"]},
                       {"required": list(_GENERATED)}]
    for name, definition in schema.get("$defs", {}).items():
        if name in _PRESET_SECTIONS or name.endswith("MemorySpec"):
            definition.setdefault("properties", {})["preset"] = {
                "type": "string", "title": "Preset",
                "description": "a hardware preset of this category (qfab catalog lists them); "
                               "keys beside it override its values"}
        given = _PRESET_LINKS.get(name) or _PRESET_REQUIRED.get(name)
        if given is not None:
            kind = "an interconnect" if name in _PRESET_LINKS else "a qpu"
            definition.setdefault("properties", {})["preset"] = {
                "type": "string", "title": "Preset",
                "description": f"{kind} preset (qfab catalog lists them); keys beside it "
                               "override its values"}
            kept = [key for key in definition.get("required", []) if key not in given]
            definition["required"] = kept
            definition["anyOf"] = [{"required": list(given)}, {"required": ["preset"]}]
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "qfab scenario (format version 1)"
    return schema
