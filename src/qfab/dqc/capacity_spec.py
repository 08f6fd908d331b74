"""Capacity-plan files for ``qfab plan-capacity FILE``: a workload, a target, a search space
and a cost model.

::

    workload:                       # a job mix (as in a workload file, without a cluster) ...
      random: {n: 60, seed: 7, max_qubits: 24, max_ebits: 40}
      policy: ebit-aware
    # circuit: {circuit: "qft:24", two_qubit_fidelity: 0.995, two_qubit_gate_time: 1 us}
    target: {makespan: 80 s}        # and/or success_probability (circuit workloads)
    search:
      modules: [1, 2, 3, 4]
      qubits: 16                    # data qubits per module (a number or a list)
      communication_qubits: [1, 2, 4]
      topology: [all_to_all, ring]
      links:                        # per communication qubit, or a link spec
        - {name: fiber, cost: 5, rate_per_qubit: 200 Hz, fidelity: 0.99}
        - {name: depol, cost: 2, kind: depolarizing, fidelity: 0.97,
           success_probability: 0.001, cycle_time: 10 us}
    cost: {module: 100, communication_qubit: 10}
    seed: 1

Every problem is one :class:`~qfab.errors.ScenarioError` naming the YAML path.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, field_validator, model_validator

from qfab.dqc.workload_spec import JobMix
from qfab.errors import ScenarioError
from qfab.spec.base import Integer, SpecModel
from qfab.spec.quantities import Duration, Frequency, PositiveDuration, Probability

__all__ = ["CircuitWorkload", "Target", "PlanLink", "Search", "Costs", "PlanSpec",
           "TOPOLOGIES"]

Topology = Literal["all_to_all", "ring"]
TOPOLOGIES: tuple[str, ...] = ("all_to_all", "ring")
_DEFAULT_TOPOLOGY: tuple[Topology, ...] = ("all_to_all",)


class CircuitWorkload(SpecModel):
    """One circuit, partitioned onto the modules; its gates' times and fidelities."""

    circuit: str = Field(min_length=1, description="a generator (qft:24) or an OpenQASM file")
    duration: PositiveDuration | None = Field(None, description="its local critical path "
                                              "(default: from the gate times)")
    single_qubit_gate_time: Duration = Field(0.0, ge=0)
    two_qubit_gate_time: Duration = Field(0.0, ge=0)
    measurement_time: Duration = Field(0.0, ge=0)
    single_qubit_fidelity: Probability = 1.0
    two_qubit_fidelity: Probability = 1.0
    measurement_fidelity: Probability = 1.0

    @model_validator(mode="after")
    def _has_a_duration(self) -> CircuitWorkload:
        times = self.single_qubit_gate_time or self.two_qubit_gate_time or self.measurement_time
        if self.duration is None and not times:
            raise ValueError("needs a duration or gate times (two_qubit_gate_time, ...)")
        if self.duration is not None and times:
            raise ValueError("give a duration or gate times (from which the critical path "
                             "follows), not both")
        return self


class Target(SpecModel):
    """What a configuration must achieve."""

    makespan: PositiveDuration | None = Field(None, description="at most this long")
    success_probability: Probability | None = Field(None, description="at least this "
                                                    "(circuit workloads)")

    @model_validator(mode="after")
    def _something(self) -> Target:
        if self.makespan is None and self.success_probability is None:
            raise ValueError("needs makespan and/or success_probability")
        return self


class PlanLink(SpecModel):
    """A link option: a pair rate per communication qubit, or a link spec (inline)."""

    name: str = Field(min_length=1)
    cost: float = Field(0.0, ge=0, allow_inf_nan=False, description="per link")
    rate_per_qubit: Frequency | None = Field(None, gt=0, description="pairs per second with "
                                             "one communication qubit at each end")
    fidelity: Probability | None = Field(None, description="with rate_per_qubit: the pairs' "
                                         "fidelity (default 1)")
    link: dict[str, Any] | None = None

    @model_validator(mode="before")
    @classmethod
    def _inline(cls, value: Any) -> Any:
        if isinstance(value, dict) and "kind" in value:
            if "rate_per_qubit" in value:
                raise ValueError("give rate_per_qubit or a link spec (kind: ...), not both")
            if "between" in value:
                raise ValueError("between: a link option joins the pairs of modules that the "
                                 "topology links")
            own = {key: item for key, item in value.items() if key in ("name", "cost")}
            spec = {key: item for key, item in value.items() if key not in ("name", "cost")}
            return {**own, "link": spec}
        return value

    @model_validator(mode="after")
    def _one_form(self) -> PlanLink:
        if self.rate_per_qubit is None and self.link is None:
            raise ValueError("needs rate_per_qubit (pairs/s per communication qubit) or a "
                             "link spec (kind: ...)")
        return self


def _as_list(value: Any) -> Any:
    return [value] if isinstance(value, int | str) and not isinstance(value, bool) else value


class Search(SpecModel):
    """The configurations to evaluate: every combination of these."""

    modules: list[Integer] = Field(min_length=1)
    qubits: list[Integer] = Field(min_length=1, description="data qubits per module")
    communication_qubits: list[Integer] = Field(default_factory=lambda: [1], min_length=1)
    topology: list[Topology] = Field(default_factory=lambda: list(_DEFAULT_TOPOLOGY),
                                     min_length=1)
    links: list[PlanLink] = Field(min_length=1)

    @field_validator("modules", "qubits", "communication_qubits", "topology", mode="before")
    @classmethod
    def _listed(cls, value: Any) -> Any:
        return _as_list(value)

    @field_validator("modules", "qubits", "communication_qubits")
    @classmethod
    def _positive(cls, values: list[int]) -> list[int]:
        for value in values:
            if not 1 <= value <= 4096:
                raise ValueError(f"every entry must be in 1..4096, got {value}")
        return sorted(set(values))

    @field_validator("links")
    @classmethod
    def _unique(cls, links: list[PlanLink]) -> list[PlanLink]:
        names = [link.name for link in links]
        for name in names:
            if names.count(name) > 1:
                raise ValueError(f"two link options are named {name!r}")
        return links


class Costs(SpecModel):
    """Cost model: per module, per data qubit and per communication qubit (links: per option)."""

    module: float = Field(0.0, ge=0, allow_inf_nan=False)
    data_qubit: float = Field(0.0, ge=0, allow_inf_nan=False)
    communication_qubit: float = Field(0.0, ge=0, allow_inf_nan=False)


class PlanSpec(SpecModel):
    """A capacity-plan file."""

    name: str = ""
    workload: JobMix | None = None
    circuit: CircuitWorkload | None = None
    target: Target
    search: Search
    cost: Costs = Field(default_factory=Costs)
    seed: Integer = Field(0, ge=0, description="seed of the link measurements")

    def check(self) -> None:
        """The checks across sections (a ScenarioError naming the field)."""
        if (self.workload is None) == (self.circuit is None):
            raise ScenarioError("workload", "give either workload (a job mix) or circuit")
        if self.workload is not None and self.target.success_probability is not None:
            raise ScenarioError("target.success_probability", "applies to a circuit "
                                "workload; a job mix takes a makespan target")
