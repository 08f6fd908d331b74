"""Hypothesis strategies for every section of the scenario format (version 1).

Each strategy draws plain data, as a YAML file would hold it, that the section's model
accepts: quantities as SI numbers or as strings with a unit, optional keys sometimes left out.
:func:`scenarios` draws a whole valid scenario, small enough that every engine runs it in a
fraction of a second. Use them in your own tests::

    from hypothesis import given
    from qfab.loading import parse_scenario
    from qfab.testing.strategies import scenarios

    @given(scenarios())
    def test_my_analysis(document):
        spec = parse_scenario(document)
        ...

This module needs ``hypothesis`` (a test dependency) and imports it at its top; nothing in the
package imports this module.
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from qfab.units import UNITS, Dimension

__all__ = [
    "quantities", "memories", "gates", "nodes", "fibers", "detectors", "emitters",
    "availabilities", "links", "policies", "fast_options", "requests", "arrivals",
    "topologies", "sweeps", "scenarios", "node_names",
]

Document = dict[str, Any]


def quantities(dimension: Dimension, low: float, high: float) -> st.SearchStrategy[Any]:
    """A quantity in ``[low, high]`` (SI units): a number, or a string with a unit."""

    @st.composite
    def draw_quantity(draw: st.DrawFn) -> Any:
        value = draw(st.floats(low, high, allow_nan=False, allow_infinity=False))
        if draw(st.booleans()):
            return value
        unit, factor = draw(st.sampled_from(sorted(UNITS[dimension].items())))
        text = f"{value / factor!r} {unit}"
        return text if low <= float(value / factor) * factor <= high else value

    return draw_quantity()


def _optional(draw: st.DrawFn, document: Document, key: str,
              strategy: st.SearchStrategy[Any]) -> None:
    if draw(st.booleans()):
        document[key] = draw(strategy)


@st.composite
def memories(draw: st.DrawFn, qubits: int = 1) -> Document:
    """A ``memory`` section with at least ``qubits`` qubits (``t1t2`` or ``depolarizing``)."""
    memory: Document = {"qubits": draw(st.integers(qubits, qubits + 2))}
    if draw(st.booleans()):
        memory["kind"] = "depolarizing"
        _optional(draw, memory, "coherence_time", quantities("time", 1e-3, 10.0))
        return memory
    if draw(st.booleans()):
        memory["kind"] = "t1t2"
    t1 = draw(st.one_of(st.none(), st.floats(1e-3, 100.0)))
    if t1 is not None:
        memory["t1"] = t1
    if t1 is not None or draw(st.booleans()):  # t2 defaults to infinity, so t1 needs one
        memory["t2"] = draw(st.floats(1e-4, 2 * t1 if t1 is not None else 10.0))
    return memory


@st.composite
def gates(draw: st.DrawFn) -> Document:
    """A node's ``gates`` section."""
    section: Document = {}
    _optional(draw, section, "swap_success_probability", st.floats(0.05, 1.0))
    _optional(draw, section, "depolarization", st.floats(0.0, 0.5))
    _optional(draw, section, "measurement_error", st.floats(0.0, 0.5))
    return section


node_names = st.from_regex(r"[a-z][a-z0-9_]{0,6}", fullmatch=True)
tiers = st.sampled_from(["nodal", "cluster", "campus", "wan"])


@st.composite
def nodes(draw: st.DrawFn, qubits: int = 1, tier: str | None = None) -> Document:
    """A node with at least ``qubits`` memory qubits."""
    node: Document = {"memory": draw(memories(qubits))}
    if tier is not None:
        node["tier"] = tier
    _optional(draw, node, "gates", gates())
    return node


@st.composite
def fibers(draw: st.DrawFn) -> Document:
    """A ``fiber`` section (attenuation up to 0.5 dB/km)."""
    section: Document = {}
    _optional(draw, section, "attenuation", quantities("attenuation", 0.0, 5e-4))
    _optional(draw, section, "speed", quantities("speed", 1e8, 3e8))
    return section


@st.composite
def detectors(draw: st.DrawFn) -> Document:
    """A ``detector`` section."""
    section: Document = {}
    _optional(draw, section, "efficiency", st.floats(0.3, 1.0))
    _optional(draw, section, "dark_count_rate", quantities("frequency", 0.0, 1e3))
    _optional(draw, section, "window", quantities("time", 1e-9, 1e-7))
    return section


@st.composite
def emitters(draw: st.DrawFn) -> Document:
    """An ``emitter`` section."""
    return {"efficiency": draw(st.floats(0.1, 1.0))} if draw(st.booleans()) else {}


@st.composite
def availabilities(draw: st.DrawFn, attempt_period: float) -> Document:
    """An ``availability`` schedule that stays down at least one attempt period."""
    up = draw(st.floats(attempt_period, 100 * attempt_period))
    period = up + attempt_period * draw(st.floats(1.01, 100.0))  # margin for rounding
    section: Document = {"period": period, "up": up}
    if draw(st.booleans()):
        section["offset"] = draw(st.floats(0.0, period * 0.99))
    return section


@st.composite
def links(draw: st.DrawFn, between: tuple[str, str] | None = None,
          template: bool = False) -> Document:
    """A link of any kind (or a topology's link template: no ``between``, no ``length``)."""
    kind = draw(st.sampled_from(["depolarizing", "single_click", "double_click",
                                 "midpoint_source", "chip_to_chip"]))
    link: Document = {"kind": kind}
    if between is not None and not template:
        link["between"] = list(between)
    length = 0.0
    if not template and draw(st.booleans()):
        length = draw(st.floats(0.0, 20e3))
        link["length"] = length
    speed = 2e8  # the default: the availability below needs the attempt period
    given = kind in ("depolarizing", "chip_to_chip")  # a given success probability
    if not given and draw(st.booleans()):
        link["fiber"] = {"attenuation": draw(quantities("attenuation", 0.0, 5e-4))}  # has none
    if given:
        link["fidelity"] = draw(st.floats(0.5, 1.0))
        link["success_probability"] = draw(st.floats(0.05, 1.0))
        cycle = draw(st.floats(1e-6, 1e-3))
        link["cycle_time"] = cycle
        if kind == "chip_to_chip" and "length" not in link:
            length = 0.05  # its default: a few centimetres
    elif kind == "midpoint_source":
        cycle = draw(st.floats(1e-6, 1e-4))
        link["cycle_time"] = cycle
        link["source"] = ({"mean_pairs": draw(st.floats(1e-3, 0.5))} if draw(st.booleans())
                          else {"pair_probability": draw(st.floats(1e-3, 0.3))})
        _optional(draw, link["source"], "fidelity", st.floats(0.5, 1.0))
        _optional(draw, link, "absorption_efficiency",
                  st.lists(st.floats(0.1, 1.0), min_size=2, max_size=2) | st.floats(0.1, 1.0))
        _optional(draw, link, "detector", detectors())
        _optional(draw, link, "modes", st.integers(1, 200))
    else:
        cycle = draw(st.floats(1e-6, 1e-4))
        link["cycle_time"] = cycle
        if kind == "single_click":
            link["bright_state"] = draw(st.floats(0.01, 0.4))
        _optional(draw, link, "emitter", emitters())
        _optional(draw, link, "detector", detectors())
        _optional(draw, link, "visibility", st.floats(0.5, 1.0))
    if not template and draw(st.integers(0, 4)) == 0:
        link["availability"] = draw(availabilities(cycle + length / speed))
    return link


@st.composite
def policies(draw: st.DrawFn) -> Document:
    """A ``policy`` section."""
    section: Document = {}
    _optional(draw, section, "swap", st.sampled_from(["asap", "nested"]))
    _optional(draw, section, "cutoff", quantities("time", 1e-3, 1.0))
    return section


@st.composite
def fast_options(draw: st.DrawFn) -> Document:
    """A ``fast`` section with few shots."""
    section: Document = {"shots": draw(st.integers(2, 64))}
    _optional(draw, section, "device", st.just("cpu"))
    return section


@st.composite
def requests(draw: st.DrawFn, between: tuple[str, str], duration: float = 1.0) -> Document:
    """A request between two nodes, for a few pairs."""
    kind = draw(st.sampled_from(["entanglement", "teleportation"]))
    request: Document = {"kind": kind, "between": list(between),
                         "pairs": draw(st.integers(1, 5))}
    _optional(draw, request, "start", st.floats(0.0, duration / 2))
    _optional(draw, request, "deadline", quantities("time", 1e-3, duration))
    _optional(draw, request, "priority", st.integers(-3, 3))
    _optional(draw, request, "min_fidelity", st.floats(0.0, 0.5))
    return request


@st.composite
def arrivals(draw: st.DrawFn, nodes: list[str], duration: float = 1.0,
             max_requests: float = 4.0) -> Document:
    """An arrival process among ``nodes`` (all connected) that generates about
    ``max_requests`` requests or fewer (rate x window) within ``duration``."""
    section: Document = {"process": draw(st.sampled_from(["poisson", "periodic"])),
                         "pairs": draw(st.integers(1, 5))}
    start = stop = None
    if draw(st.booleans()):
        start = draw(st.floats(0.0, duration / 2))
        section["start"] = start
    if draw(st.booleans()):
        stop = draw(st.floats((start or 0.0) + duration / 4, duration))
        section["stop"] = stop
    length = (duration if stop is None else stop) - (start or 0.0)
    section["rate"] = draw(quantities("frequency", 0.1 / length, max_requests / length))
    form = draw(st.sampled_from(["random", "among", "fixed", "default"]))
    if form == "fixed":
        section["between"] = draw(st.lists(st.sampled_from(nodes), min_size=2, max_size=2,
                                           unique=True))
    elif form != "default":
        section["between"] = "random"
        if form == "among":
            section["among"] = draw(st.lists(st.sampled_from(nodes), min_size=2,
                                             unique=True))
    _optional(draw, section, "kind", st.sampled_from(["entanglement", "teleportation"]))
    _optional(draw, section, "deadline", quantities("time", 1e-3, duration))
    _optional(draw, section, "priority", st.integers(-3, 3))
    _optional(draw, section, "min_fidelity", st.floats(0.0, 0.5))
    return section


@st.composite
def topologies(draw: st.DrawFn) -> Document:
    """A generated ``topology`` section (chain, ring, star or grid) of at most six nodes."""
    kind = draw(st.sampled_from(["chain", "ring", "star", "grid"]))
    section: Document = {"kind": kind, "spacing": draw(quantities("length", 0.0, 20e3)),
                         "link": draw(links(template=True))}
    if kind == "chain":
        section["nodes"] = draw(st.integers(2, 5))
    elif kind == "ring":
        section["nodes"] = draw(st.integers(3, 6))
    elif kind == "star":
        section["leaves"] = draw(st.integers(1, 4))
    else:
        section["rows"], section["cols"] = draw(st.sampled_from([(1, 2), (2, 2), (2, 3)]))
    if draw(st.booleans()):
        section["node"] = {"memory": {"qubits": 1}}
    _optional(draw, section, "tier", tiers)
    return section


@st.composite
def sweeps(draw: st.DrawFn, path: str = "links[0].length") -> Document:
    """A ``sweep`` block over one length parameter."""
    form = draw(st.sampled_from(["linspace", "values"]))
    if form == "values":
        spec: Any = {"values": draw(st.lists(quantities("length", 0.0, 20e3), min_size=1,
                                             max_size=3))}
    else:
        spec = {"linspace": ["1 km", "10 km", draw(st.integers(1, 4))]}
    return {"mode": draw(st.sampled_from(["grid", "zip"])), "parameters": {path: spec},
            "seeds": draw(st.integers(1, 2))}


@st.composite
def scenarios(draw: st.DrawFn) -> Document:
    """A whole valid scenario: two to five nodes on a tree of links, or a generated topology,
    with up to three requests of a few pairs, sometimes an arrival process or two (a few
    requests each), and a duration of at most one second."""
    duration = draw(st.floats(0.01, 1.0))
    document: Document = {"qfab": 1, "name": draw(st.text(min_size=1, max_size=12)),
                          "seed": draw(st.integers(0, 2**32)), "duration": duration}
    _optional(draw, document, "engine", st.sampled_from(["des", "fast", "analytic"]))
    _optional(draw, document, "formalism", st.sampled_from(["bell_diagonal",
                                                            "density_matrix"]))
    if draw(st.integers(0, 3)) == 0:
        document["topology"] = topology = draw(topologies())
        names = _topology_names(topology)
        ends = [names[0], names[-1]]
    else:
        names = draw(st.lists(node_names, min_size=2, max_size=5, unique=True))
        edges = [(names[draw(st.integers(0, i - 1))], names[i]) for i in range(1, len(names))]
        degree = {name: sum(name in edge for edge in edges) for name in names}
        tier = draw(st.one_of(st.none(), tiers))
        document["nodes"] = {name: draw(nodes(max(1, degree[name]), tier)) for name in names}
        document["links"] = [draw(links(edge)) for edge in edges]
        ends = names
    if draw(st.booleans()):
        document["policy"] = draw(policies())
    if draw(st.booleans()):
        document["fast"] = draw(fast_options())
    count = draw(st.integers(0, 3))
    document["requests"] = [
        draw(requests(tuple(draw(st.lists(st.sampled_from(ends), min_size=2, max_size=2,
                                          unique=True))), duration))  # type: ignore[arg-type]
        for _ in range(count)]
    if draw(st.integers(0, 3)) == 0:
        processes = [draw(arrivals(ends, duration)) for _ in range(draw(st.integers(1, 2)))]
        document["arrivals"] = processes[0] if len(processes) == 1 and draw(
            st.booleans()) else processes
    if "links" in document and draw(st.integers(0, 5)) == 0:
        document["sweep"] = draw(sweeps())
    return document


def _topology_names(topology: Document) -> list[str]:
    prefix = topology.get("prefix", "n")
    kind = topology["kind"]
    if kind in ("chain", "ring"):
        return [f"{prefix}{i}" for i in range(topology["nodes"])]
    if kind == "star":
        return [topology.get("center", "hub"),
                *(f"{prefix}{i}" for i in range(1, topology["leaves"] + 1))]
    return [f"{prefix}{r}_{c}" for r in range(topology["rows"]) for c in range(topology["cols"])]

