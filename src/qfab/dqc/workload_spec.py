"""Workload files: a cluster of QPUs and a job mix for ``qfab schedule FILE``.

The file (YAML) holds a ``cluster``, its ``jobs`` (a list, a seeded ``random`` mix, or
both), a scheduling ``policy`` and a ``seed``::

    cluster:
      racks: {racks: 2, per_rack: 4, qubits: 16}      # or qpus: {qpu_a: 16, qpu_b: 16}
      communication_qubits: 2                          # parallel attempts on a link spec
      in_rack: {rate: 2 kHz}                           # a pair rate ...
      between_racks: {kind: depolarizing, fidelity: 0.97, success_probability: 0.1,
                      cycle_time: 10 us}               # ... or a link spec of the scenario
    jobs:
      - {tenant: alice, arrival: 0 s, qubits: 12, duration: 0.8 s}
      - {tenant: bob, arrival: 0.1 s, qubits: 24, duration: 1.5 s, ebits_per_pair: 40}
      - {tenant: carol, arrival: 0.2 s, circuit: "qft:20", qpus: [r0q1, r1q1],
         duration: 1 s}                                # partitioned onto those QPUs
    random: {n: 40, seed: 7, tenants: [dave, erin], arrival_rate: 2 Hz}
    policy: ebit-aware
    seed: 1

A link spec's pair rate is measured once per distinct spec (:mod:`qfab.dqc.link_rates`:
the fast engine, or the analytic one where the fast engine refuses). A ``circuit`` job (a
generator such as ``qft:20`` or an OpenQASM file, relative to the workload file) is
partitioned onto its ``qpus`` (:func:`qfab.dqc.partition.partition`, over the links between
them) and keeps that placement and its e-bits per QPU pair. Every problem is one
:class:`~qfab.errors.ScenarioError` naming the YAML path.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, ValidationError, model_validator

from qfab.dqc.link_rates import LinkRate, LinkRates
from qfab.dqc.scheduler_model import Cluster, Job
from qfab.errors import QfabError, ScenarioError
from qfab.spec.base import Integer, SpecModel
from qfab.spec.quantities import Duration, Frequency, PositiveDuration, Probability

__all__ = ["LinkOption", "ClusterLink", "RacksSpec", "ClusterSpec", "JobSpec", "RandomMix",
           "JobMix", "WorkloadSpec", "Workload", "load_workload", "read_model", "build_jobs",
           "build_workload"]

Policy = Literal["fifo", "sjf", "ebit-aware"]


def _split_link_spec(cls: type[SpecModel], value: Any) -> Any:
    """Move the keys of an inline link spec (an entry with ``kind``) under ``link``."""
    if isinstance(value, dict) and "kind" in value:
        if "rate" in value:
            raise ValueError("give a pair rate (rate) or a link spec (kind: ...), not both")
        fields = set(cls.model_fields) - _RATE_FORM
        own = {key: item for key, item in value.items() if key in fields}
        spec = {key: item for key, item in value.items() if key not in fields}
        if "between" in spec:
            raise ValueError("between: this link's ends are given by where it is used")
        return {**own, "link": spec}
    return value


#: Fields of the rate form only: with a link spec they belong to the spec (its fidelity).
_RATE_FORM = frozenset({"rate", "fidelity", "link"})


class LinkOption(SpecModel):
    """A link given by its delivered pair rate, or by a link spec of the scenario format
    (``kind`` and that kind's fields, written inline) whose rate is measured."""

    rate: Frequency | None = Field(None, gt=0, description="delivered pairs per second")
    fidelity: Probability | None = Field(None, description="with rate: the pairs' fidelity "
                                         "(default 1)")
    communication_qubits: Integer | None = Field(None, ge=1, le=4096, description="with a "
                                                 "link spec: communication qubits at each "
                                                 "end (default: the cluster's)")
    link: dict[str, Any] | None = None

    @model_validator(mode="before")
    @classmethod
    def _inline(cls, value: Any) -> Any:
        return _split_link_spec(cls, value)

    @model_validator(mode="after")
    def _one_form(self) -> LinkOption:
        if self.rate is None and self.link is None:
            raise ValueError("needs a pair rate (rate: 1 kHz) or a link spec (kind: ...)")
        if self.rate is not None and self.communication_qubits is not None:
            raise ValueError("communication_qubits go with a link spec (kind: ...); a given "
                             "rate is the link's whole rate")
        return self


class ClusterLink(LinkOption):
    """A link between two named QPUs."""

    between: tuple[str, str]


class RacksSpec(SpecModel):
    """Racks of all-to-all QPUs whose first QPUs (``r{i}q0``) join the other racks'."""

    racks: Integer = Field(ge=1, le=1000)
    per_rack: Integer = Field(ge=1, le=1000)
    qubits: Integer = Field(ge=1, le=1_000_000, description="data qubits per QPU")


class ClusterSpec(SpecModel):
    """QPUs and links: named QPUs with explicit links, or racks."""

    qpus: dict[str, Integer] | None = None
    racks: RacksSpec | None = None
    communication_qubits: Integer = Field(1, ge=1, le=4096, description="communication "
                                          "qubits of every QPU (a link spec's parallel "
                                          "attempts)")
    links: list[ClusterLink] = Field(default_factory=list)
    in_rack: LinkOption | None = None
    between_racks: LinkOption | None = None

    @model_validator(mode="after")
    def _one_shape(self) -> ClusterSpec:
        if (self.qpus is None) == (self.racks is None):
            raise ValueError("give either qpus (name: data qubits) with links, or racks")
        if self.racks is not None:
            if self.links:
                raise ValueError("racks take in_rack and between_racks, not links")
            if (self.in_rack is None) != (self.racks.per_rack == 1):
                raise ValueError("racks of several QPUs need in_rack (the links inside a "
                                 "rack); racks of one QPU have none")
            if (self.between_racks is None) != (self.racks.racks == 1):
                raise ValueError("several racks need between_racks (the links between their "
                                 "gateways); one rack has none")
        elif self.in_rack is not None or self.between_racks is not None:
            raise ValueError("in_rack and between_racks go with racks; named qpus take links")
        return self


class JobSpec(SpecModel):
    """One job: data qubits and e-bits per QPU pair, or a circuit partitioned onto QPUs."""

    tenant: str = Field(min_length=1)
    arrival: Duration = Field(0.0, ge=0)
    duration: PositiveDuration
    qubits: Integer | None = Field(None, ge=1)
    ebits_per_pair: Integer = Field(0, ge=0)
    circuit: str | None = Field(None, min_length=1, description="a generator (qft:20) or an "
                                "OpenQASM file, partitioned onto qpus")
    qpus: list[str] | None = Field(None, min_length=1)
    name: str = ""

    @model_validator(mode="after")
    def _shape(self) -> JobSpec:
        if self.circuit is None:
            if self.qubits is None:
                raise ValueError("needs qubits (or a circuit with qpus)")
            if self.qpus is not None:
                raise ValueError("qpus go with a circuit (the scheduler places other jobs)")
        else:
            if self.qpus is None:
                raise ValueError("a circuit needs qpus: the QPUs it is partitioned onto")
            if self.qubits is not None or self.ebits_per_pair:
                raise ValueError("a circuit's qubits and e-bits come from its partition; "
                                 "leave out qubits and ebits_per_pair")
        return self


class RandomMix(SpecModel):
    """A seeded random job mix (:func:`qfab.dqc.scheduler_workload.random_jobs`)."""

    n: Integer = Field(ge=1, le=1_000_000)
    seed: Integer = Field(0, ge=0)
    tenants: list[str] = Field(default_factory=lambda: ["a", "b", "c", "d"], min_length=1)
    arrival_rate: Frequency = Field(1.0, gt=0, description="Poisson arrivals per second")
    max_qubits: Integer = Field(16, ge=1)
    mean_duration: PositiveDuration = 1.0
    max_ebits: Integer = Field(100, ge=0)
    start: Duration = Field(0.0, ge=0, description="added to every arrival")


class JobMix(SpecModel):
    """Jobs (a list and/or a random mix), the policy and the seed."""

    jobs: list[JobSpec] = Field(default_factory=list)
    random: RandomMix | None = None
    policy: Policy = "fifo"
    seed: Integer = Field(0, ge=0)

    @model_validator(mode="after")
    def _some_jobs(self) -> JobMix:
        if not self.jobs and self.random is None:
            raise ValueError("needs jobs (a list) or random (a seeded mix), or both")
        return self


class WorkloadSpec(JobMix):
    """A workload file of ``qfab schedule``: a cluster and a job mix."""

    name: str = ""
    cluster: ClusterSpec


@dataclass(frozen=True)
class Workload:
    """A workload ready for :func:`qfab.dqc.scheduler.schedule`."""

    name: str
    jobs: tuple[Job, ...]
    cluster: Cluster
    policy: str
    seed: int
    links: dict[str, LinkRate]
    """Link name (``qpu_a-qpu_b``) to its rate, fidelity and where they came from."""


def read_model(path: Path, model: type[SpecModel], *, where: str = "") -> Any:
    """Read a YAML file and validate it with ``model`` (errors name the YAML path)."""
    from qfab.spec.loader import format_validation_error, read_document  # noqa: PLC0415

    document = read_document(path)
    if where:
        document = document.get(where, document)
    try:
        return model.model_validate(document)
    except ValidationError as error:
        raise format_validation_error(error, document, model) from None


def load_workload(path: str | Path, *, rates: LinkRates | None = None) -> Workload:
    """Read a workload file and build its jobs and cluster.

    Raises
    ------
    ScenarioError
        Naming the YAML path of the first bad field (a link spec's own fields included).
    """
    path = Path(path)
    spec: WorkloadSpec = read_model(path, WorkloadSpec)
    return build_workload(spec, path.parent, rates or LinkRates(spec.seed))


def _rate(option: LinkOption, default_qubits: int, path: str, rates: LinkRates) -> LinkRate:
    if option.link is None:
        assert option.rate is not None
        return LinkRate(float(option.rate), 1.0 if option.fidelity is None
                        else float(option.fidelity), "given", 0)
    qubits = option.communication_qubits or default_qubits
    return rates.measure(option.link, qubits, path)


def _cluster(spec: ClusterSpec, rates: LinkRates) -> tuple[Cluster, dict[str, LinkRate]]:
    found: dict[str, LinkRate] = {}
    if spec.racks is not None:
        shape = spec.racks
        inside = between = LinkRate(1.0, 1.0, "given", 0)  # placeholders for absent links
        if spec.in_rack is not None:
            inside = _rate(spec.in_rack, spec.communication_qubits, "cluster.in_rack", rates)
        if spec.between_racks is not None:
            between = _rate(spec.between_racks, spec.communication_qubits,
                            "cluster.between_racks", rates)
        cluster = Cluster.racks(shape.racks, shape.per_rack, qubits=shape.qubits,
                                rate_in_rack=inside.rate_hz, rate_between=between.rate_hz)
        for a, b in cluster.links:
            found[f"{a}-{b}"] = inside if a[:a.index("q")] == b[:b.index("q")] else between
        return cluster, found
    assert spec.qpus is not None
    for name, qubits in spec.qpus.items():
        if qubits < 1:
            raise ScenarioError(f"cluster.qpus.{name}", f"must be >= 1, got {qubits}")
    links: dict[tuple[str, str], float] = {}
    for i, link in enumerate(spec.links):
        where = f"cluster.links[{i}]"
        for end in link.between:
            if end not in spec.qpus:
                raise ScenarioError(f"{where}.between", f"unknown QPU {end!r} (known: "
                                                        f"{', '.join(spec.qpus)})")
        if link.between[0] == link.between[1]:
            raise ScenarioError(f"{where}.between", "a link joins two different QPUs")
        if link.between in links or link.between[::-1] in links:
            raise ScenarioError(f"{where}.between", "duplicate link")
        rate = _rate(link, spec.communication_qubits, where, rates)
        links[link.between] = rate.rate_hz
        found[f"{link.between[0]}-{link.between[1]}"] = rate
    return Cluster(dict(spec.qpus), links), found


def _circuit_job(job: JobSpec, path: str, cluster: Cluster, base_dir: Path,
                 index: int) -> Job:
    from qfab.dqc.circuits import load_circuit  # noqa: PLC0415
    from qfab.dqc.partition import joining_links, partition  # noqa: PLC0415

    assert job.circuit is not None and job.qpus is not None
    for name in job.qpus:
        if name not in cluster.qpus:
            raise ScenarioError(f"{path}.qpus", f"unknown QPU {name!r}")
    if len(set(job.qpus)) != len(job.qpus):
        raise ScenarioError(f"{path}.qpus", "names a QPU twice")
    source: str | Path = job.circuit
    if ":" not in job.circuit or (base_dir / job.circuit).exists():
        source = base_dir / job.circuit
    position = {name: i for i, name in enumerate(job.qpus)}
    links = [(position[a], position[b]) for a, b in cluster.links
             if a in position and b in position]
    try:
        circuit = load_circuit(source)
        result = partition(circuit, len(job.qpus), [cluster.qpus[q] for q in job.qpus],
                           joining_links(len(job.qpus), links))
    except QfabError as error:
        raise ScenarioError(f"{path}.circuit", str(error)) from None
    counts = [0] * len(job.qpus)
    for qpu in result.placement:
        counts[qpu] += 1
    placement = {job.qpus[q]: count for q, count in enumerate(counts) if count}
    ebits = {(job.qpus[a], job.qpus[b]): count
             for (a, b), count in result.ebits_per_link().items() if count}
    for pair in ebits:
        if any(end not in placement for end in pair):
            raise ScenarioError(f"{path}.qpus", f"the partition routes e-bits through "
                                                f"{pair}, a QPU that holds none of its qubits")
    return Job(job.tenant, float(job.arrival), circuit.num_qubits, float(job.duration),
               placement=placement, ebits=ebits, name=job.name or f"job{index}")


def build_jobs(mix: JobMix, cluster: Cluster | None, base_dir: Path) -> list[Job]:
    """The jobs of a mix: the listed ones (circuits partitioned onto their QPUs, which
    needs ``cluster``), then the random ones."""
    from qfab.dqc.scheduler_workload import random_jobs  # noqa: PLC0415

    jobs: list[Job] = []
    for i, job in enumerate(mix.jobs):
        path = f"jobs[{i}]"
        if job.circuit is not None:
            if cluster is None:
                raise ScenarioError(f"{path}.circuit", "a circuit job names QPUs of a "
                                                       "cluster; give qubits and "
                                                       "ebits_per_pair here")
            jobs.append(_circuit_job(job, path, cluster, base_dir, i))
            continue
        assert job.qubits is not None
        jobs.append(Job(job.tenant, float(job.arrival), job.qubits, float(job.duration),
                        ebits_per_pair=job.ebits_per_pair, name=job.name or f"job{i}"))
    if mix.random is not None:
        draw = mix.random
        for offset, drawn in enumerate(random_jobs(
                draw.n, seed=draw.seed, tenants=draw.tenants,
                arrival_rate=float(draw.arrival_rate), max_qubits=draw.max_qubits,
                mean_duration=float(draw.mean_duration), max_ebits=draw.max_ebits)):
            jobs.append(Job(drawn.tenant, drawn.arrival + float(draw.start), drawn.qubits,
                            drawn.duration, ebits_per_pair=drawn.ebits_per_pair,
                            name=f"random{offset}"))
    return jobs


def build_workload(spec: WorkloadSpec, base_dir: Path, rates: LinkRates) -> Workload:
    """Build the cluster (measuring its link specs) and the jobs of a workload file."""
    cluster, links = _cluster(spec.cluster, rates)
    jobs = build_jobs(spec, cluster, base_dir)
    return Workload(spec.name, tuple(jobs), cluster, spec.policy, spec.seed, links)


def link_specs(links: Mapping[str, LinkRate]) -> dict[str, dict[str, Any]]:
    """Link name to its rate record (for reports)."""
    return {name: rate.to_dict() for name, rate in links.items()}
