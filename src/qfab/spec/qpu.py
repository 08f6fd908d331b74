"""A node's quantum processor: ``qpu:`` on a node of the scenario.

A QPU has ``qubits`` data qubits (its capacity for a circuit's qubits); its communication
qubits, which hold the entangled pairs the links deliver, are the node's memory qubits
(``memory.qubits``). Errors are probabilities per operation (the depolarizing probability of
a gate, the bit-flip probability of a measurement); T1 and T2 are the data qubits' relaxation
and dephasing times; gate and measurement times are the durations of the operations. A
``preset:`` from the catalog (``qfab catalog`` lists the ``qpu`` presets) fills the fields
that the section does not set.

The section describes the node for ``qfab partition --scenario`` (capacities and links) and
for circuit requests (:mod:`qfab.engines.circuit`: capacities, errors, times, T1/T2); the
link engines read none of it, since none of it changes the pairs a link delivers.
"""

from __future__ import annotations

import math

from pydantic import Field, model_validator

from qfab.spec.base import Integer, SpecModel
from qfab.spec.budget import MAX_COUNT
from qfab.spec.quantities import CoherenceTime, Duration, Probability

__all__ = ["QpuSpec"]


class QpuSpec(SpecModel):
    """A quantum processing unit at a node: data qubits, gate errors and times, T1/T2."""

    qubits: Integer = Field(ge=1, le=MAX_COUNT, description="data qubits (the QPU's capacity "
                            "for a circuit's qubits); the communication qubits are the "
                            "node's memory.qubits")
    single_qubit_error: Probability = Field(0.0, description="depolarizing probability of a "
                                            "single-qubit gate")
    two_qubit_error: Probability = Field(0.0, description="depolarizing probability of a local "
                                         "two-qubit gate")
    measurement_error: Probability = Field(0.0, description="probability that a measurement "
                                           "reports the wrong bit")
    t1: CoherenceTime = Field(math.inf, description="relaxation time of a data qubit")
    t2: CoherenceTime = Field(math.inf, description="dephasing time of a data qubit "
                              "(<= 2 t1)")
    single_qubit_gate_time: Duration = Field(0.0, description="duration of a single-qubit "
                                             "gate")
    two_qubit_gate_time: Duration = Field(0.0, description="duration of a local two-qubit gate")
    measurement_time: Duration = Field(0.0, description="duration of a measurement")

    @model_validator(mode="after")
    def _t2_at_most_twice_t1(self) -> QpuSpec:
        if self.t2 > 2.0 * self.t1:
            raise ValueError(f"t2 must be <= 2 t1, got t1 = {self.t1:g} s and "
                             f"t2 = {self.t2:g} s")
        return self
