"""Scenario format: frozen models, documents read and validated with path-aware errors, JSON
schema.

Loading a scenario file (reading, expanding a ``topology`` section, validating) is
:func:`qfab.loading.load_scenario` / :func:`qfab.loading.parse_scenario`, since topology
expansion (:mod:`qfab.topology`) sits above the format.
"""

from qfab.spec.arrivals import ArrivalSpec
from qfab.spec.loader import read_document, validate_scenario
from qfab.spec.models import (
    AvailabilitySpec,
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
    TransducedLinkSpec,
)
from qfab.spec.schema import scenario_json_schema
from qfab.spec.sweep import ParameterSpec, SweepSpec

__all__ = [
    "read_document", "validate_scenario", "scenario_json_schema",
    "ScenarioSpec", "NodeSpec", "MemorySpec", "T1T2MemorySpec",
    "DepolarizingMemorySpec", "FiberSpec", "DetectorSpec", "EmitterSpec",
    "DepolarizingLinkSpec", "SingleClickLinkSpec", "DoubleClickLinkSpec", "TransducedLinkSpec",
    "LinkSpec",
    "AvailabilitySpec", "PairRequestSpec", "EntanglementRequestSpec",
    "TeleportationRequestSpec", "RequestSpec", "PolicySpec", "SweepSpec", "ParameterSpec",
    "ArrivalSpec",
]
