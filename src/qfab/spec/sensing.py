"""Sensing requests: ``kind: sensing`` shares a GHZ state over sensors and reads a phase.

The request names the ``sensors`` (two or more nodes) and the ``hub`` that fuses the GHZ
state from one Bell pair with each other sensor: listed among the sensors, the hub keeps a
qubit and is one of them; otherwise it measures its qubit out. Each of the ``shots``
interrogations fuses one pair of every spoke, lets the sensors' qubits pick up the signal's
total ``phase`` for ``interrogation_time`` (their node's memory acts meanwhile) and reads
the parity. The engines serve it as one pair request from the hub to each other sensor
(:class:`SensingPairsSpec`, built by the engines, not written), ``shots`` pairs each.
"""

from __future__ import annotations

import math
from typing import Any, Literal

from pydantic import Field, field_validator, model_validator
from pydantic.json_schema import SkipJsonSchema

from qfab.spec.base import Integer
from qfab.spec.budget import MAX_COUNT
from qfab.spec.quantities import Angle, Duration
from qfab.spec.requests import PairRequestSpec, RecordedPairsSpec

__all__ = ["SensingPairsSpec", "SensingRequestSpec"]

#: The working point of a parity fringe ``V cos(theta)``: its Fisher information is largest.
OPTIMAL_PHASE = math.pi / 2


class SensingRequestSpec(PairRequestSpec):
    """A GHZ state over ``sensors``, fused at ``hub``, interrogated ``shots`` times.

    ``between`` (the hub and the first other sensor) and ``pairs`` are not written, nor
    shown in the scenario's dump or schema: the engines serve the request with one pair
    request per spoke.
    """

    kind: Literal["sensing"] = "sensing"
    between: SkipJsonSchema[tuple[str, str]] = Field(("", ""), exclude=True)
    pairs: SkipJsonSchema[int] = Field(1, ge=1, exclude=True)
    min_fidelity: SkipJsonSchema[None] = Field(None, exclude=True)
    sensors: list[str] = Field(description="the nodes that share the GHZ state (two or more)")
    hub: str = Field(min_length=1, description="the node that fuses the GHZ state from one "
                     "pair with each other sensor; listed among the sensors it keeps a qubit "
                     "and is one, otherwise it measures its qubit out")
    shots: Integer = Field(1000, ge=1, le=MAX_COUNT, description="interrogations (one GHZ "
                           "state, one pair per spoke, each)")
    interrogation_time: Duration = Field(0.0, description="time the sensors' qubits pick up "
                                         "the signal, stored in their node's memory")
    phase: Angle | None = Field(None, description="total phase the signal gives the GHZ "
                                "state (rad); default pi/2, the working point of the parity "
                                "fringe")

    @model_validator(mode="before")
    @classmethod
    def _between_hub_and_a_sensor(cls, data: Any) -> Any:
        if isinstance(data, dict):
            for field in ("between", "pairs", "min_fidelity"):
                if field in data:
                    raise ValueError(f"{field}: not a sensing field (a sensing request is "
                                     "served with one pair from the hub to each other "
                                     "sensor, shots pairs each)")
            sensors, hub = data.get("sensors"), data.get("hub")
            if isinstance(sensors, list) and isinstance(hub, str) and hub:
                others = [name for name in sensors if name != hub]
                if others and isinstance(others[0], str) and others[0] != hub:
                    data = {**data, "between": (hub, others[0])}
        return data

    @field_validator("sensors")
    @classmethod
    def _distinct_sensors(cls, value: list[str]) -> list[str]:
        if len(value) < 2:
            raise ValueError(f"at least two sensors, got {len(value)}")
        if any(not name for name in value):
            raise ValueError("a sensor needs a node name, got an empty one")
        repeated = sorted({name for name in value if value.count(name) > 1})
        if repeated:
            raise ValueError(f"each sensor once, got {', '.join(repeated)} more than once")
        return value

    @property
    def hub_is_sensor(self) -> bool:
        """Whether the hub keeps a qubit of the GHZ state."""
        return self.hub in self.sensors

    @property
    def spokes(self) -> list[str]:
        """The sensors the hub shares a pair with (every sensor but the hub), in order."""
        return [name for name in self.sensors if name != self.hub]

    @property
    def total_phase(self) -> float:
        """``phase``, or :data:`OPTIMAL_PHASE` when not given (rad)."""
        return OPTIMAL_PHASE if self.phase is None else float(self.phase)


class SensingPairsSpec(RecordedPairsSpec):
    """A pair request from the hub to one sensor of a sensing request (built by the
    engines): ``written`` is the request as written; the delivered pairs (time and Bell
    vector) are recorded here, or, by the analytic engine, their expected Bell vector."""

    kind: Literal["sensing"] = "sensing"
    written: SensingRequestSpec
