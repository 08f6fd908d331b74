"""Arrival processes become requests: the workload a scenario's ``arrivals`` describe.

:func:`expand_arrivals` draws, for every process of a validated scenario
(:mod:`qfab.spec.arrivals`), its arrival times in the window and the end nodes of each
request, and appends one ordinary request per arrival to the scenario's requests, named
``arrivals[i]#k``. Engines then see a plain list of requests, the same for all of them.

The draws come from random streams of their own, derived from the scenario's ``seed`` and the
process's index (:class:`qfab.rng.RandomStreams`, streams ``arrivals[i].times`` and
``arrivals[i].between``): the same seed gives the same requests, a process's times do not
depend on how its ends are drawn, and no other stream (a link's, a memory's) changes when
arrivals are added.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any, get_args

from pydantic import BaseModel, ValidationError, create_model

from qfab.errors import ScenarioError
from qfab.spec.arrivals import ArrivalSpec, connected_groups, is_generated, label, window
from qfab.spec.base import SpecModel
from qfab.spec.loader import format_validation_error
from qfab.spec.models import ScenarioSpec
from qfab.spec.requests import PairRequestSpec

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

# NumPy (and the random streams) are imported where arrivals are drawn: reading a scenario
# without arrivals needs neither (qfab validate's start-up).

__all__ = ["expand_arrivals", "arrival_times", "draw_ends"]


def expand_arrivals(spec: ScenarioSpec, *,
                    model: type[ScenarioSpec] = ScenarioSpec) -> ScenarioSpec:
    """``spec`` with the requests its arrival processes generate after its own requests.

    Parameters
    ----------
    spec
        A validated scenario (its arrival processes already checked against its nodes).
    model
        The scenario model whose request kinds the generated requests may take (one that
        admits plugin kinds: :func:`qfab.plugins.scenario_model`).

    Returns
    -------
    ScenarioSpec
        ``spec`` itself without arrivals; otherwise a copy whose ``requests`` are the written
        ones followed by, process by process, one request per arrival in time order.

    Raises
    ------
    ScenarioError
        Naming ``arrivals[i].<field>`` if the process's requests are not valid requests of
        their kind (an unknown ``kind``, a field the kind needs).
    """
    if not spec.arrivals:
        return spec
    from qfab.rng import RandomStreams

    streams = RandomStreams(spec.seed)
    holder = _request_holder(model)
    generated: list[Any] = []
    nodes = list(spec.nodes)
    for index, arrival in enumerate(spec.arrivals):
        groups = connected_groups(arrival, nodes, spec.links)
        times = arrival_times(arrival, spec.duration, streams.stream(f"arrivals[{index}].times"))
        ends = draw_ends(groups, times.size, streams.stream(f"arrivals[{index}].between"))
        prototype = _prototype(holder, arrival, index, groups[0][:2])
        for number, (start, (a, b)) in enumerate(zip(times.tolist(), ends)):
            generated.append(prototype.model_copy(update={
                "between": (a, b), "start": start, "name": label(index, number)}))
    written = [request for request in spec.requests if not is_generated(request.name)]
    return spec.with_drawn_arrivals([*written, *generated])


def arrival_times(arrival: ArrivalSpec, duration: float,
                  rng: np.random.Generator) -> NDArray[np.float64]:
    """Arrival times of one process in its window ``[start, stop)``, in increasing order.

    A Poisson process's gaps are independent exponential variables of mean ``1 / rate``, the
    first counted from ``start``, so the number of arrivals in a window of length ``T`` is
    Poisson with mean ``rate x T`` (Ross, *Introduction to Probability Models*, 12th ed.,
    Sec. 5.3). A periodic process arrives at ``start + k / rate`` for ``k = 0, 1, ...``
    (``rng`` is not used).
    """
    import numpy as np

    start, stop = window(arrival, duration)
    length = stop - start
    if arrival.process == "periodic":
        count = int(np.ceil(arrival.rate * length)) + 1
        periodic: NDArray[np.float64] = start + np.arange(count, dtype=np.float64) / arrival.rate
        return periodic[periodic < stop]
    mean = arrival.rate * length
    chunk = int(mean + 6.0 * np.sqrt(mean)) + 16  # enough gaps at once, almost always
    gaps: list[NDArray[np.float64]] = []
    reached = 0.0
    while reached < length:
        drawn = rng.exponential(1.0 / arrival.rate, size=chunk)
        gaps.append(drawn)
        reached += float(drawn.sum())
    times = start + np.cumsum(np.concatenate(gaps))
    return times[times < stop]


def draw_ends(groups: list[list[str]], count: int,
              rng: np.random.Generator) -> list[tuple[str, str]]:
    """``count`` ordered pairs of distinct nodes of one group, uniform over such pairs.

    A group of ``n`` nodes holds ``n (n - 1) / 2`` unordered pairs; a group is drawn with
    probability proportional to that, then two distinct nodes of it in random order, so every
    unordered pair of connected candidates is equally likely and each order is drawn half
    the time. A single group of two (fixed ends) gives its pair in its own order.
    """
    if len(groups) == 1 and len(groups[0]) == 2:
        a, b = groups[0]
        return [(a, b)] * count
    import numpy as np

    sizes = np.array([len(group) for group in groups])
    weights = sizes * (sizes - 1) / 2.0
    which = rng.choice(len(groups), size=count, p=weights / weights.sum())
    first = rng.integers(0, sizes[which])
    second = rng.integers(0, sizes[which] - 1)
    second = second + (second >= first)
    return [(groups[g][i], groups[g][j])
            for g, i, j in zip(which.tolist(), first.tolist(), second.tolist())]


@functools.cache
def _request_holder(model: type[ScenarioSpec]) -> Any:
    """A model holding one request of ``model`` (its kinds, plugins' included), as its
    ``request`` field."""
    (item,) = get_args(model.model_fields["requests"].annotation)
    holder: type[BaseModel] = create_model("ArrivalRequest", __base__=SpecModel,
                                           request=(item, ...))
    return holder


def _prototype(holder: Any, arrival: ArrivalSpec, index: int,
               ends: list[str]) -> PairRequestSpec:
    """One request of the process, validated as a request of its kind (an error names
    ``arrivals[index]``)."""
    document = {**arrival.request_fields(), "between": list(ends), "start": arrival.start}
    try:
        request: PairRequestSpec = holder.model_validate({"request": document}).request
    except ValidationError as error:
        problem = format_validation_error(error, {"request": document}, holder)
        path = f"arrivals[{index}]" + problem.path.removeprefix("request")
        reason = problem.reason
        if path == f"arrivals[{index}]" and "kind" in reason:  # no request kind of that name
            path += ".kind"
        field = path.partition(".")[2].split(".")[0]
        if field and field not in ArrivalSpec.model_fields:
            carried = ", ".join(arrival.request_fields())
            reason += (f" (for kind {arrival.kind!r}; the requests of arrivals carry only "
                       f"{carried})")
        raise ScenarioError(path, reason) from None
    return request
