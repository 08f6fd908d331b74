"""Requests: one spec class per workload, told apart by ``kind``.

Every request kind so far is served by delivering entangled pairs between two nodes; it
shares the fields of :class:`PairRequestSpec`, so the orchestrator plans it the same way and
its application (:mod:`qfab.apps`) decides what is done with each pair.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import Field, PrivateAttr, field_validator

from qfab.spec.base import Integer, SpecModel
from qfab.spec.quantities import Duration, PositiveDuration, Probability

__all__ = [
    "GENERATED_NAME",
    "EntanglementRequestSpec",
    "PairRequestSpec",
    "RecordedPairsSpec",
    "RequestSpec",
    "TeleportationRequestSpec",
]

NodeName = Annotated[str, Field(min_length=1)]

#: Names of the requests that a scenario's ``arrivals`` generate: ``arrivals[i]#k``, the
#: ``k``-th request (from 0) of arrival process ``i``. A written request may not take one.
GENERATED_NAME = re.compile(r"^arrivals\[(\d+)\]#(\d+)$")


class PairRequestSpec(SpecModel):
    """Fields of every request served with end-to-end pairs (the base of each kind)."""

    kind: str
    between: tuple[NodeName, NodeName]
    pairs: Integer = Field(ge=1)
    min_fidelity: Probability | None = Field(
        None, description="least mean fidelity of the delivered pairs")
    start: Duration = Field(0.0, description="simulated time at which the request is made")
    deadline: PositiveDuration | None = Field(
        None, description="time after 'start' by which all pairs should be delivered")
    priority: Integer = Field(0, description="larger is served first when requests contend")
    name: str | None = Field(None, min_length=1, description="label of the request in results "
                             "(requests that 'arrivals' generate are named 'arrivals[i]#k')")

    @field_validator("name")
    @classmethod
    def _not_a_generated_name(cls, value: str | None) -> str | None:
        if value is not None and GENERATED_NAME.match(value):
            raise ValueError(f"{value!r} is the name of a request that 'arrivals' generate; "
                             "choose another name")
        return value

    @field_validator("between")
    @classmethod
    def _distinct_ends(cls, value: tuple[str, str]) -> tuple[str, str]:
        if value[0] == value[1]:
            raise ValueError(f"a request needs two different nodes, got [{value[0]}, {value[1]}]")
        return value


class RecordedPairsSpec(PairRequestSpec):
    """A pair request the engines build to serve a written request that uses its pairs
    after the run (a circuit's QPU pair, a sensing star's spoke): the delivered pairs (time
    and Bell vector) are recorded here, or, by the analytic engine, their expected Bell
    vector."""

    _pairs: list[tuple[float, tuple[float, float, float, float]]] = PrivateAttr(
        default_factory=list)
    _expected: Any | None = PrivateAttr(None)

    def record(self, time_s: float, bell: tuple[float, float, float, float]) -> None:
        """Keep one delivered pair: its delivery time and its Bell vector at delivery."""
        self._pairs.append((time_s, bell))

    def recorded(self) -> list[tuple[float, tuple[float, float, float, float]]]:
        """The delivered pairs ``(time_s, bell)``, in delivery order."""
        return list(self._pairs)

    def expect(self, bell_vector: Any) -> None:
        """Keep the delivered pairs' expected Bell vector (the analytic engine)."""
        self._expected = bell_vector

    def expected(self) -> Any | None:
        """The expected Bell vector of the delivered pairs, ``None`` if none was given."""
        return self._expected


class EntanglementRequestSpec(PairRequestSpec):
    """An application's demand for entangled pairs between two nodes."""

    kind: Literal["entanglement"] = "entanglement"


class TeleportationRequestSpec(PairRequestSpec):
    """Teleport ``pairs`` qubit states from ``between[0]`` to ``between[1]``, one per pair.

    The result reports ``teleportation_fidelity``, the fidelity of the teleported states
    averaged over uniformly random inputs; ``min_fidelity`` bounds the pairs' fidelity.
    """

    kind: Literal["teleportation"] = "teleportation"
    pairs: Integer = Field(ge=1, description="qubit states to teleport (one pair each)")


# the qkd request kind subclasses nothing here but names GENERATED_NAME (imported after it)
from qfab.spec.circuit import CircuitRequestSpec  # noqa: E402
from qfab.spec.clock_sync import ClockSyncRequestSpec  # noqa: E402
from qfab.spec.qkd import QkdRequestSpec  # noqa: E402
from qfab.spec.sensing import SensingRequestSpec  # noqa: E402

RequestSpec = Annotated[EntanglementRequestSpec | TeleportationRequestSpec | QkdRequestSpec
                        | CircuitRequestSpec | SensingRequestSpec | ClockSyncRequestSpec,
                        Field(discriminator="kind")]
