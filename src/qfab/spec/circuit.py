"""Circuit requests: ``kind: circuit`` runs a circuit on QPUs of the scenario.

The request names the circuit (an OpenQASM file, relative to the scenario file, or a
generator such as ``grover:2`` or ``ghz:4``), the nodes with a ``qpu:`` section that may hold
its qubits, the shots and, optionally, the expected outcome. The engines partition the
circuit over the QPUs and serve it as one pair request between every two QPUs that share
non-local gates (:class:`CircuitPairsSpec`, built by the engines, not written): one pair per
non-local two-qubit gate with ``scheme: gate``, two with ``scheme: data``.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, field_validator, model_validator
from pydantic.json_schema import SkipJsonSchema

from qfab.spec.base import Integer
from qfab.spec.budget import MAX_COUNT
from qfab.spec.requests import PairRequestSpec, RecordedPairsSpec

__all__ = ["CircuitPairsSpec", "CircuitRequestSpec"]


class CircuitRequestSpec(PairRequestSpec):
    """Run ``circuit`` on the QPUs ``qpus`` for ``shots`` shots.

    ``between`` (the first two QPUs) and ``pairs`` are not written, nor shown in the
    scenario's dump or schema: the engines serve the circuit with the pair requests its
    partition needs.
    """

    kind: Literal["circuit"] = "circuit"
    between: SkipJsonSchema[tuple[str, str]] = Field(("", ""), exclude=True)
    pairs: SkipJsonSchema[int] = Field(1, ge=1, exclude=True)
    circuit: str = Field(min_length=1, description="OpenQASM 2/3 file (relative to the "
                         "scenario file) or a generator such as qft:8, ghz:4, grover:2")
    qpus: list[str] = Field(description="the nodes with a qpu section that hold the "
                            "circuit's qubits (two or more; the partitioner places them)")
    shots: Integer = Field(1000, ge=1, le=MAX_COUNT, description="measurement shots")
    expect: str | None = Field(None, pattern=r"^[01]+$", description="expected outcome bit "
                               "string (Qiskit order): the result adds its success_probability")
    scheme: Literal["gate", "data"] = Field("gate", description="gate: one pair per non-local "
                                            "gate (gate teleportation); data: two (teleport "
                                            "the target there and back)")
    trajectories: Integer = Field(100, ge=1, le=MAX_COUNT, description="state-vector "
                                  "trajectories for a circuit of 11 to 24 qubits with "
                                  "non-Clifford gates (the shots are spread over them)")
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
            if isinstance(qpus, list) and len(qpus) >= 2 and qpus[0] != qpus[1]:
                data = {**data, "between": (qpus[0], qpus[1])}
        return data

    @field_validator("qpus")
    @classmethod
    def _distinct_qpus(cls, value: list[str]) -> list[str]:
        if len(value) < 2:
            raise ValueError(f"at least two nodes with a qpu section, got {len(value)}")
        repeated = sorted({name for name in value if value.count(name) > 1})
        if repeated:
            raise ValueError(f"each QPU once, got {', '.join(repeated)} more than once")
        return value


class CircuitPairsSpec(RecordedPairsSpec):
    """A pair request that serves a circuit request between two of its QPUs in one run
    (built by the engines): ``written`` is the request as written; the delivered pairs (time
    and Bell vector) are recorded here, or, by the analytic engine, their expected Bell
    vector."""

    kind: Literal["circuit"] = "circuit"
    written: CircuitRequestSpec
