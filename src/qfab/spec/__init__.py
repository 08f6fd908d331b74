"""Scenario format: frozen models, YAML loading with path-aware errors, JSON schema."""

from qfab.spec.loader import load_scenario, parse_scenario
from qfab.spec.models import (
    DepolarizingLinkSpec,
    DepolarizingMemorySpec,
    DetectorSpec,
    DoubleClickLinkSpec,
    EmitterSpec,
    EntanglementRequestSpec,
    FiberSpec,
    LinkSpec,
    MemorySpec,
    NodeSpec,
    PairRequestSpec,
    PolicySpec,
    RequestSpec,
    ScenarioSpec,
    SingleClickLinkSpec,
    T1T2MemorySpec,
    TeleportationRequestSpec,
)
from qfab.spec.schema import scenario_json_schema

__all__ = [
    "load_scenario", "parse_scenario", "scenario_json_schema",
    "ScenarioSpec", "NodeSpec", "MemorySpec", "T1T2MemorySpec",
    "DepolarizingMemorySpec", "FiberSpec", "DetectorSpec", "EmitterSpec",
    "DepolarizingLinkSpec", "SingleClickLinkSpec", "DoubleClickLinkSpec", "LinkSpec",
    "PairRequestSpec", "EntanglementRequestSpec", "TeleportationRequestSpec", "RequestSpec",
    "PolicySpec",
]
