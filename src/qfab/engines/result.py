"""The result format (version 1): what every engine returns.

All engines fill the same keys; a value an engine cannot know is ``None`` (``null`` in JSON).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field, replace
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from qfab.kms.store import KeyStore

__all__ = ["ArrivalResult", "LinkResult", "NodeResult", "RequestResult", "RunResult",
           "StallResult", "mean_with_ci95", "target_met"]

RESULT_FORMAT_VERSION = 1


@dataclass(frozen=True)
class LinkResult:
    """Per-link figures: attempts, successes, success probability, pair rate, pair fidelity.

    ``fidelity`` is the mean fidelity of heralded pairs at the moment the herald arrives.
    """

    between: tuple[str, str]
    attempts: int | None
    successes: int | None
    p_success: float | None
    rate_hz: float | None
    fidelity: float | None
    buffer_occupancy: float | None = None
    buffer_hit_rate: float | None = None


@dataclass(frozen=True)
class NodeResult:
    """Per-node figures: tier domain and time-averaged memory utilization."""

    name: str
    tier: str | None
    domain: str | None
    qubits: int
    utilization: float | None


@dataclass(frozen=True)
class RequestResult:
    """Per-request figures.

    ``rate_hz`` is delivered pairs divided by the request's active time: from its start to
    its last pair when it got all of them, else to the end of the run (``duration``), so an
    unfinished request is not credited with the time it was still waiting. ``latency_s`` is
    the mean time per delivered pair over the same active time (``1 / rate_hz``).
    ``fidelity`` is the mean fidelity of delivered pairs at delivery. ``rate_ci95`` is the
    rate's 95 % interval where an engine samples many runs (``None`` otherwise).
    ``deadline_met`` tells whether every pair came within ``deadline`` of the start.
    ``completion_s`` is the time from the start to the last pair of a request that got all
    of them (``None`` otherwise; a mean over runs for engines that sample many). ``name`` is
    the request's name (``arrivals[i]#k`` for a request an arrival process generated).
    ``lost_recalls`` counts the pairs lost because a memory did not give a stored qubit back
    at read-out (a swap or the delivery; AFC memories), an expected number for engines that
    compute expectations; ``None`` when no memory on the request's path can lose a recall.
    ``waited_s`` is the time from the request's start until every link of its path had come
    up (links with windows or a schedule, e.g. a satellite pass; ``None`` when every link is
    always up), and ``note`` says when a link of its path stays down until the end of the
    run (:mod:`qfab.orchestrator.availability`).
    """

    between: tuple[str, str]
    requested: int
    delivered: int
    rate_hz: float | None
    fidelity: float | None
    fidelity_ci95: tuple[float, float] | None
    latency_s: float | None
    min_fidelity: float | None = None
    target_met: bool | None = None
    fidelity_min: float | None = None
    deadline_met: bool | None = None
    rate_ci95: tuple[float, float] | None = None
    path: list[str] | None = None
    domains: list[str] | None = None
    purification: str | None = None
    purification_rounds: int | None = None
    kind: str = "entanglement"
    name: str | None = None
    completion_s: float | None = None
    lost_recalls: float | None = None
    waited_s: float | None = None
    note: str | None = None
    #: Fields the request's application adds (e.g. ``teleportation_fidelity``); the result
    #: document lists them beside the core keys, and they read as attributes too.
    extra: dict[str, Any] = field(default_factory=dict)

    def __getattr__(self, name: str) -> Any:
        extra = self.__dict__.get("extra")
        if extra is not None and name in extra:
            return extra[name]
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")


@dataclass(frozen=True)
class ArrivalResult:
    """The load summary of one arrival process, over the requests it generated.

    ``offered`` requests arrived in the window (``rate_hz`` is the process's rate);
    ``completed`` got all their pairs; ``pairs_delivered`` of ``pairs_requested`` pairs came.
    ``latency_mean_s`` and ``latency_p95_s`` are the mean and the 95th percentile (linear
    interpolation between order statistics) of the completed requests' ``completion_s``, the
    time from arrival to last pair; ``fidelity`` is the mean fidelity over every delivered
    pair; ``deadlines_missed`` counts requests that missed their deadline (``None`` without
    a deadline).
    """

    process: str
    kind: str
    rate_hz: float
    offered: int
    completed: int
    pairs_requested: int
    pairs_delivered: int
    latency_mean_s: float | None
    latency_p95_s: float | None
    fidelity: float | None
    deadlines_missed: int | None


@dataclass(frozen=True)
class StallResult:
    """Why a run ended early: no pending event could lead to another delivery.

    ``time_s`` is the simulated time of the last event; ``waits`` says, per outstanding
    request, what it waits for (e.g. ``"requests[0] waits for a qubit at n2 held by
    requests[1]"``); ``reason`` joins them. The run's ``sim_time_s`` is then ``time_s``,
    while its link, node and request figures cover the whole ``duration``, as if it had run
    on (nothing would have changed).
    """

    time_s: float
    reason: str
    waits: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class RunResult:
    """The result document of one run.

    ``stalled`` is ``None`` unless the run stalled (see :class:`StallResult`): its requests
    then got nothing more than the table shows, however long the run had gone on.
    ``arrivals`` summarizes, per arrival process of the scenario, the requests it generated
    (:func:`qfab.engines.load.arrival_results`); their rows are in ``requests`` too.
    ``key_store`` (des runs with qkd requests; ``None`` otherwise) is the in-memory
    :class:`qfab.kms.KeyStore` holding every session's final key and every relayed key, for
    applications to draw with the ETSI 014 calls; it is not part of the document.
    """

    scenario: str
    engine: str
    seed: int
    sim_time_s: float | None
    wall_time_s: float
    events: int | None
    links: list[LinkResult] = field(default_factory=list)
    requests: list[RequestResult] = field(default_factory=list)
    nodes: list[NodeResult] = field(default_factory=list)
    stalled: StallResult | None = None
    arrivals: list[ArrivalResult] = field(default_factory=list)
    key_store: KeyStore | None = field(default=None, repr=False, compare=False)

    def to_dict(self) -> dict[str, Any]:
        """The JSON-ready document, core keys in the order of the format description
        (``key_store`` is left out: it holds keys)."""
        document: dict[str, Any] = {"qfab": RESULT_FORMAT_VERSION}
        document.update(asdict(replace(self, key_store=None)))
        document.pop("key_store")
        for entry in document["requests"]:
            entry.update(entry.pop("extra"))
        for section in ("links", "requests"):
            for entry in document[section]:
                entry["between"] = list(entry["between"])
                for key, value in entry.items():
                    if key.endswith("_ci95") and value is not None:
                        entry[key] = list(value)
        cleaned: dict[str, Any] = _finite_or_none(document)
        return cleaned


def mean_with_ci95(samples: np.ndarray) -> tuple[float | None, tuple[float, float] | None]:
    """Sample mean and its normal-approximation 95 % confidence interval.

    Uses mean ± 1.96 s/√n with the unbiased sample standard deviation s; the interval is
    ``None`` for fewer than two samples.
    """
    n = samples.size
    if n == 0:
        return None, None
    mean = float(samples.mean())
    if n < 2:
        return mean, None
    half = 1.96 * float(samples.std(ddof=1)) / math.sqrt(n)
    return mean, (mean - half, mean + half)


def target_met(complete: bool, fidelity: float | None, target: float | None) -> bool:
    """A request meets its target when all its pairs came with mean fidelity >= the target."""
    if target is None:
        return complete
    return complete and fidelity is not None and fidelity >= target


def _finite_or_none(value: Any) -> Any:
    """Replace non-finite floats (not valid JSON) with ``None``."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {key: _finite_or_none(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_finite_or_none(item) for item in value]
    return value
