"""Circuit requests: ``kind: circuit`` runs a circuit on two QPUs of the scenario.

The request names the circuit (an OpenQASM file, relative to the scenario file, or a
generator such as ``grover:2`` or ``ghz:4``), the nodes with a ``qpu:`` section that may hold
its qubits, the shots and, optionally, the expected outcome. The engines partition the
circuit over the QPUs and serve it as a pair request between them
(:class:`CircuitPairsSpec`, built by the engines, not written): one pair per non-local
two-qubit gate with ``scheme: gate``, two with ``scheme: data``.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, PrivateAttr, field_validator, model_validator
from pydantic.json_schema import SkipJsonSchema

from qfab.spec.base import Integer
from qfab.spec.budget import MAX_COUNT
from qfab.spec.requests import PairRequestSpec

__all__ = ["CircuitPairsSpec", "CircuitRequestSpec"]


class CircuitRequestSpec(PairRequestSpec):
    """Run ``circuit`` on the QPUs ``qpus`` (two so far) for ``shots`` shots.

    It is a pair request between its two QPUs (``between``, taken from ``qpus``, and
    ``pairs``, which the engines set from the partition: neither is written, nor shown in
    the scenario's dump or schema).
    """

    kind: Literal["circuit"] = "circuit"
    between: SkipJsonSchema[tuple[str, str]] = Field(("", ""), exclude=True)
    pairs: SkipJsonSchema[int] = Field(1, ge=1, exclude=True)
    circuit: str = Field(min_length=1, description="OpenQASM 2/3 file (relative to the "
                         "scenario file) or a generator such as qft:8, ghz:4, grover:2")
    qpus: list[str] = Field(description="the two nodes with a qpu section that hold the "
                            "circuit's qubits (the partitioner places them)")
    shots: Integer = Field(1000, ge=1, le=MAX_COUNT, description="measurement shots")
    expect: str | None = Field(None, pattern=r"^[01]+$", description="expected outcome bit "
                               "string (Qiskit order): the result adds its success_probability")
    scheme: Literal["gate", "data"] = Field("gate", description="gate: one pair per non-local "
                                            "gate (gate teleportation); data: two (teleport "
                                            "the target there and back)")
    min_fidelity: SkipJsonSchema[None] = Field(None, exclude=True)

    @model_validator(mode="before")
    @classmethod
    def _between_the_qpus(cls, data: Any) -> Any:
        if isinstance(data, dict):
            for field in ("between", "pairs", "min_fidelity"):
                if field in data:
                    raise ValueError(f"{field}: not a circuit field (a circuit runs between its "
                                     "qpus, on the pairs its partition needs)")
            qpus = data.get("qpus")
            if isinstance(qpus, list) and len(qpus) == 2 and qpus[0] != qpus[1]:
                data = {**data, "between": tuple(qpus)}
        return data

    @field_validator("qpus")
    @classmethod
    def _two_qpus(cls, value: list[str]) -> list[str]:
        if len(value) != 2:
            raise ValueError(f"a circuit on {len(value)} QPUs is not modelled yet: give exactly "
                             "two nodes with a qpu section")
        if value[0] == value[1]:
            raise ValueError(f"two different nodes, got [{value[0]}, {value[1]}]")
        return value


class CircuitPairsSpec(PairRequestSpec):
    """The pair request that serves a circuit request in one run (built by the engines):
    ``written`` is the request as written; the delivered pairs (time and fidelity) are
    recorded here, or, by the analytic engine, their expected Bell vector."""

    kind: Literal["circuit"] = "circuit"
    written: CircuitRequestSpec
    _pairs: list[tuple[float, float]] = PrivateAttr(default_factory=list)
    _expected: Any | None = PrivateAttr(None)

    def record(self, time_s: float, fidelity: float) -> None:
        """Keep one delivered pair: its delivery time and its fidelity at delivery."""
        self._pairs.append((time_s, fidelity))

    def recorded(self) -> list[tuple[float, float]]:
        """The delivered pairs ``(time_s, fidelity)``, in delivery order."""
        return list(self._pairs)

    def expect(self, bell_vector: Any) -> None:
        """Keep the delivered pairs' expected Bell vector (the analytic engine)."""
        self._expected = bell_vector

    def expected(self) -> Any | None:
        """The expected Bell vector of the delivered pairs, ``None`` if none was given."""
        return self._expected
