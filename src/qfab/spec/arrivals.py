"""The ``arrivals:`` section: requests that arrive over time, for load studies.

.. code-block:: yaml

    arrivals:
      - {process: poisson, rate: 5 Hz, between: random, pairs: 10}
      - {process: periodic, rate: 1 Hz, between: [alice, bob], pairs: 2, min_fidelity: 0.8,
         start: 1 s, stop: 9 s, deadline: 500 ms}

Each entry is an arrival process (:class:`ArrivalSpec`). Its arrivals fall in the window
``[start, stop)`` (default: the whole run) and each one becomes an ordinary request (kind
``kind``, default ``entanglement``) made at that moment, with the entry's ``pairs``,
``min_fidelity``, ``priority`` and ``deadline`` (counted from the arrival). The requests are
drawn when the scenario is loaded (:mod:`qfab.arrivals`), so every engine sees the same list;
the ``k``-th request of process ``i`` is named ``arrivals[i]#k``.

- ``process: poisson``: arrivals of a Poisson process of intensity ``rate`` (independent,
  exponentially distributed gaps of mean ``1 / rate``);
- ``process: periodic``: one arrival every ``1 / rate``, the first at ``start`` (a control
  with the same mean load and no randomness in time);
- ``between: [a, b]``: every request joins ``a`` and ``b``; ``between: random`` (the
  default): each request joins two distinct nodes drawn uniformly among the unordered pairs
  of nodes that a path of links connects (``among: [nodes]`` restricts the end nodes), in a
  random order.

This module holds the section's model and the checks that need the rest of the scenario
(:func:`check_arrivals`); it also turns messages about generated requests (``requests[17]``,
which the user never wrote) into terms of the process they come from (:func:`in_arrival_terms`).
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Iterable, Sequence
from typing import Annotated, Any, Literal

from pydantic import (
    BeforeValidator,
    Field,
    GetJsonSchemaHandler,
    ValidationInfo,
    field_validator,
)
from pydantic.fields import FieldInfo
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema

from qfab.errors import EngineError, QfabError, ScenarioError
from qfab.spec.base import Integer, SpecModel
from qfab.spec.quantities import Duration, Frequency, PositiveDuration, Probability
from qfab.spec.requests import GENERATED_NAME, PairRequestSpec

__all__ = ["ArrivalSpec", "Arrivals", "MAX_GENERATED_REQUESTS", "BYTES_PER_REQUEST",
           "BYTES_PER_RIVAL", "memory_needed",
           "check_arrivals", "window", "expected_requests", "connected_groups", "is_generated",
           "label", "in_arrival_terms", "relabel"]

#: The most requests (expected, over all processes) that a scenario's arrivals may generate.
#: The event simulation keeps, for each request, the requests whose paths share a link with
#: it (to let them take turns), so its memory and time grow with the square of the number
#: of contending requests: measured on a five-node chain with random ends, 4,000 requests
#: took 0.53 GB and 8 s, so 10,000 take about 3.3 GB and a minute (:func:`memory_needed`).
MAX_GENERATED_REQUESTS = 10_000

#: Memory per request (bytes) that grows linearly: its spec, plan, rules, runtime state and
#: result row (measured as above).
BYTES_PER_REQUEST = 30e3

#: Memory per pair of contending requests (bytes): each one's set of rivals (measured as
#: above).
BYTES_PER_RIVAL = 30.0


def memory_needed(requests: float) -> float:
    """Bytes that running ``requests`` contending requests takes in the event simulation:
    ``BYTES_PER_REQUEST x n + BYTES_PER_RIVAL x n^2``."""
    return BYTES_PER_REQUEST * requests + BYTES_PER_RIVAL * requests * requests


NodeName = Annotated[str, Field(min_length=1)]


def _request_field(name: str, **changes: Any) -> Any:
    """The field ``name`` of every pair request, so that an arrival validates it the same
    way (``changes`` replace attributes such as the description)."""
    return FieldInfo.merge_field_infos(PairRequestSpec.model_fields[name], **changes)


class ArrivalSpec(SpecModel):
    """One arrival process: when requests arrive, between which nodes, and what they ask.

    ``pairs``, ``min_fidelity``, ``priority`` and ``deadline`` are the fields of a request
    (:class:`~qfab.spec.requests.PairRequestSpec`), with the same validation; ``deadline``
    counts from each arrival. ``kind`` is the request kind (a plugin kind too, if every field
    it needs is one of these).
    """

    process: Literal["poisson", "periodic"] = Field(
        description="poisson (exponential gaps of mean 1 / rate) or periodic (one arrival "
        "every 1 / rate, the first at 'start')")
    rate: Frequency = Field(gt=0, description="mean number of arrivals per second")
    between: Literal["random"] | tuple[NodeName, NodeName] = Field(
        "random", description="the two end nodes of every request, or 'random': a pair of "
        "distinct connected nodes drawn uniformly for each request")
    among: tuple[NodeName, ...] | None = Field(
        None, description="with between: random, the nodes the ends are drawn from "
        "(default: every node)")
    start: Duration = Field(0.0, description="start of the window of arrivals")
    stop: Duration | None = Field(
        None, description="end of the window of arrivals (default: the end of the run)")
    kind: str = Field("entanglement", min_length=1, description="kind of the requests")
    pairs: Integer = _request_field("pairs")
    min_fidelity: Probability | None = _request_field("min_fidelity")
    deadline: PositiveDuration | None = _request_field(
        "deadline", description="time after each arrival by which its pairs should be "
        "delivered")
    priority: Integer = _request_field("priority")

    @field_validator("between")
    @classmethod
    def _distinct_ends(cls, value: Any) -> Any:
        if value != "random" and value[0] == value[1]:
            raise ValueError(f"a request needs two different nodes, got [{value[0]}, "
                             f"{value[1]}]")
        return value

    @field_validator("among")
    @classmethod
    def _among_random_ends(cls, value: tuple[str, ...] | None,
                           info: ValidationInfo) -> tuple[str, ...] | None:
        if value is None:
            return value
        if info.data.get("between", "random") != "random":
            raise ValueError("'among' restricts the ends drawn with between: random; these "
                             "requests have fixed ends")
        repeated = sorted({name for name in value if value.count(name) > 1})
        if repeated:
            raise ValueError(f"names {', '.join(repeated)} twice")
        if len(value) < 2:
            raise ValueError(f"needs at least two nodes, got {len(value)}")
        return value

    @field_validator("stop")
    @classmethod
    def _window_not_empty(cls, value: float | None, info: ValidationInfo) -> float | None:
        start = info.data.get("start")
        if value is not None and start is not None and value <= start:
            raise ValueError(f"the window is empty: stop ({value:g} s) must be after start "
                             f"({start:g} s)")
        return value

    @field_validator("kind")
    @classmethod
    def _not_qkd(cls, value: str) -> str:
        if value == "qkd":
            raise ValueError("unknown kind 'qkd' for arrivals (a qkd request's protocol and "
                             "source are not arrival fields: write it in requests)")
        if value == "circuit":
            raise ValueError("unknown kind 'circuit' for arrivals (a circuit request's "
                             "circuit and qpus are not arrival fields: write it in requests)")
        if value == "sensing":
            raise ValueError("unknown kind 'sensing' for arrivals (a sensing request's "
                             "sensors and hub are not arrival fields: write it in requests)")
        if value == "clock_sync":
            raise ValueError("unknown kind 'clock_sync' for arrivals (a clock_sync request "
                             "measures for its own duration, with no start time or pairs: "
                             "write it in requests)")
        return value

    def request_fields(self) -> dict[str, Any]:
        """The fields every request of this process carries (``between`` and ``start``
        aside), as a request document writes them."""
        return {"kind": self.kind, "pairs": self.pairs, "min_fidelity": self.min_fidelity,
                "deadline": self.deadline, "priority": self.priority}


def _one_or_many(value: Any) -> Any:
    """A single arrival process may be written as a mapping instead of a list of one."""
    return [value] if isinstance(value, dict) else value


class _ListOrOne:
    """JSON schema of a list that also takes its one entry alone: the list's or the item's."""

    def __get_pydantic_json_schema__(self, core_schema: CoreSchema,
                                     handler: GetJsonSchemaHandler) -> JsonSchemaValue:
        schema = handler(core_schema)
        return {"anyOf": [schema, schema["items"]]} if "items" in schema else schema


#: The ``arrivals`` field of a scenario: a list of processes, or one process as a mapping.
Arrivals = Annotated[list[ArrivalSpec], BeforeValidator(_one_or_many), _ListOrOne()]


def window(arrival: ArrivalSpec, duration: float) -> tuple[float, float]:
    """The window ``[start, stop)`` of arrivals (``stop`` defaults to ``duration``)."""
    return arrival.start, duration if arrival.stop is None else arrival.stop


def expected_requests(arrival: ArrivalSpec, duration: float) -> float:
    """Mean number of requests the process generates: ``rate x (stop - start)``."""
    start, stop = window(arrival, duration)
    return float(arrival.rate * (stop - start))


def check_arrivals(arrivals: Sequence[ArrivalSpec], *, nodes: Iterable[str],
                   links: Sequence[Any], duration: float) -> None:
    """Check the arrival processes against the scenario: nodes, window, size.

    Parameters
    ----------
    arrivals
        The scenario's arrival processes.
    nodes
        Names of the scenario's nodes.
    links
        The scenario's links (anything with ``between``).
    duration
        The run's duration (s).

    Raises
    ------
    ScenarioError
        Naming ``arrivals[i].<field>``: an unknown node, ends that no path connects, a window
        outside the run, or more generated requests (expected) than
        :data:`MAX_GENERATED_REQUESTS`, with the memory they would need.
    """
    names = list(nodes)
    known = set(names)
    total = 0.0
    for index, arrival in enumerate(arrivals):
        where = f"arrivals[{index}]"
        ends = arrival.among if arrival.between == "random" else arrival.between
        field = "among" if arrival.between == "random" else "between"
        for end in ends or ():
            if end not in known:
                close = difflib.get_close_matches(end, names, n=1)
                hint = f"; did you mean {close[0]!r}?" if close else ""
                listed = ", ".join(names[:20]) + (", ..." if len(names) > 20 else "")
                raise ScenarioError(f"{where}.{field}",
                                    f"unknown node {end!r} (nodes: {listed}){hint}")
        if arrival.start >= duration:
            raise ScenarioError(f"{where}.start", f"the window starts at {arrival.start:g} s, "
                                f"not before the end of the run (duration {duration:g} s)")
        if arrival.stop is not None and arrival.stop > duration:
            raise ScenarioError(f"{where}.stop", f"the window ends at {arrival.stop:g} s, after "
                                f"the end of the run (duration {duration:g} s)")
        if not connected_groups(arrival, names, links):
            what = (f"no path of links joins {arrival.between[0]} and {arrival.between[1]}"
                    if arrival.between != "random" else
                    "no two of the nodes are joined by a path of links")
            raise ScenarioError(f"{where}.{field}", what)
        total += expected_requests(arrival, duration)
    if total > MAX_GENERATED_REQUESTS:
        need = memory_needed(total) / 2**30
        memory = f"about {need:,.3g} GiB" if math.isfinite(need) else "more memory than exists"
        count = f"{total:,.0f}" if total < 1e15 else f"{total:.3g}"
        raise ScenarioError("arrivals", f"the arrivals would generate about {count} "
                            f"requests (rate x window), which would need {memory} "
                            "to run (requests whose paths share a link each keep the "
                            f"others in the event simulation); at most "
                            f"{MAX_GENERATED_REQUESTS:,} are generated: lower a rate or shorten "
                            "a window")


def connected_groups(arrival: ArrivalSpec, nodes: Iterable[str],
                     links: Sequence[Any]) -> list[list[str]]:
    """The candidate end nodes of ``arrival``, grouped by connected component.

    Only groups of two or more nodes are returned (a pair must lie in one group); for fixed
    ends the result is ``[[a, b]]`` when a path joins them and ``[]`` otherwise. Groups and
    the nodes in them keep the scenario's node order.
    """
    names = list(nodes)
    component = _components(names, links)
    if arrival.between != "random":
        a, b = arrival.between
        return [[a, b]] if component.get(a) == component.get(b) is not None else []
    candidates = names if arrival.among is None else list(arrival.among)
    groups: dict[int, list[str]] = {}
    for name in candidates:
        groups.setdefault(component[name], []).append(name)
    return [group for group in groups.values() if len(group) >= 2]


def _components(names: list[str], links: Sequence[Any]) -> dict[str, int]:
    """Connected component of every node (union-find over the links)."""
    parent = {name: name for name in names}

    def root(name: str) -> str:
        while parent[name] != name:
            parent[name] = parent[parent[name]]
            name = parent[name]
        return name

    for link in links:
        a, b = link.between
        if a in parent and b in parent:
            parent[root(a)] = root(b)
    roots: dict[str, int] = {}
    return {name: roots.setdefault(root(name), len(roots)) for name in names}


def label(index: int, number: int) -> str:
    """The name of the ``number``-th request (from 0) of arrival process ``index``."""
    return f"arrivals[{index}]#{number}"


def is_generated(name: str | None) -> bool:
    """Whether a request name is that of a request the arrivals generated."""
    return name is not None and GENERATED_NAME.match(name) is not None


_REQUEST_REFERENCE = re.compile(r"requests\[(\d+)\]")
_LEADING = re.compile(r"^requests\[(\d+)\](\.[A-Za-z_][\w.]*)?")


def relabel(text: str, requests: Sequence[PairRequestSpec]) -> str:
    """``text`` with every ``requests[k]`` of a generated request replaced by its name."""
    def name(match: re.Match[str]) -> str:
        index = int(match.group(1))
        request = requests[index] if index < len(requests) else None
        if request is not None and is_generated(request.name):
            return str(request.name)
        return match.group(0)

    return _REQUEST_REFERENCE.sub(name, text)


def in_arrival_terms(error: QfabError, requests: Sequence[PairRequestSpec]) -> QfabError:
    """An error about generated requests, told in terms of the arrivals they come from.

    An error that starts with a field of a generated request (``requests[17].min_fidelity:
    ...``) names the field of its process (``arrivals[0].min_fidelity: in the generated
    request arrivals[0]#3, ...``); every other mention of a generated request becomes
    its name (``arrivals[0]#3``). Other errors come back unchanged.
    """
    if not any(is_generated(request.name) for request in requests):
        return error
    if isinstance(error, ScenarioError):
        path, reason = error.path, error.reason
    else:
        path, _, reason = str(error).partition(": ")
        if not reason:
            path, reason = "", str(error)
    leading = _LEADING.match(path)
    note = ""
    if leading is not None:
        index = int(leading.group(1))
        request = requests[index] if index < len(requests) else None
        if request is not None and request.name is not None and is_generated(request.name):
            match = GENERATED_NAME.match(request.name)
            assert match is not None
            field = leading.group(2)
            if field:
                path = f"arrivals[{match.group(1)}]{field}{path[leading.end():]}"
                note = f"in the generated request {request.name}, "
    path, reason = relabel(path, requests), note + relabel(reason, requests)
    if isinstance(error, ScenarioError):
        return ScenarioError(path, reason)
    message = f"{path}: {reason}" if path else reason
    return type(error)(message) if isinstance(error, EngineError) else QfabError(message)

