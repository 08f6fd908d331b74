"""The event trace: one record per event of the simulation that a user reading a result may
want to follow (a pair heralded, swapped, purified, delivered or discarded; a request started,
served, preempted, finished; a stall; the end of the run).

The runtime's components hold a :class:`Tracer` only when a run is traced (their ``tracer``
attribute is ``None`` otherwise), so an untraced run pays one attribute test per traced event
and nothing more. The tracer never changes the simulation: it draws no random number and does
not bring any pair's state up to date, so a traced run is the run without the trace.

Records are plain dicts (:data:`FIELDS` lists every key and its type; a record carries
``t_ps``, ``t_s`` and ``kind`` and only those other keys that its kind uses) handed to a
:class:`TraceSink`, which writes them (see :mod:`qfab.tracing.files`) or keeps them
(:class:`TraceRecorder`). The format is described in ``docs/trace.md``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Protocol

from qfab.sim.kernel import Simulation
from qfab.sim.time import ps_to_seconds

if TYPE_CHECKING:
    from qfab.hardware.link import HeraldedLink
    from qfab.hardware.pair import Pair
    from qfab.hardware.qnode import QuantumNode
    from qfab.protocols.requests import RequestApp

__all__ = ["FIELDS", "KINDS", "TRACE_VERSION", "TraceRecorder", "TraceSink", "Tracer"]

#: Version of the trace format (the header's ``version``).
TRACE_VERSION = 1

#: Every key a record may have, with its type (``int``, ``float``, ``str``, ``bool``,
#: ``list[int]``, ``list[str]``); the Parquet schema is built from it.
FIELDS: dict[str, str] = {
    "t_ps": "int", "t_s": "float", "kind": "str", "node": "str", "ends": "list[str]",
    "pair": "int", "inputs": "list[int]", "request": "int", "link": "int", "channel": "int",
    "emitted_ps": "int", "success": "bool", "fidelity": "float", "p_success": "float",
    "level": "int", "reason": "str", "delivered": "int", "until_ps": "int",
    "rivals": "list[int]", "waits": "list[str]", "dropped": "int", "limit": "int",
}

#: Every event kind, with what it records.
KINDS: dict[str, str] = {
    "herald": "a link heralded a pair, now stored at both ends (charged to ``request``)",
    "swap": "a Bell-state measurement at ``node`` joined ``inputs`` into ``pair`` (or failed)",
    "purify": "a purification round started by ``node`` on ``inputs`` (kept, sacrificed)",
    "reserve": "``pair`` is promised to ``request``; it is handed over at ``until_ps``",
    "deliver": "``pair`` was handed to ``request`` (its ``delivered``-th pair)",
    "discard": "``pair`` was dropped from memory (``reason``: cutoff, preempted, ...)",
    "start": "``request`` started",
    "wait": "``request`` waits for its turn on links that ``rivals`` hold or wait for",
    "turn": "``request``'s turn began: its links owe it pairs and its rules fire",
    "preempt": "``request``'s turn was ended by ``rivals`` (of a higher priority)",
    "finish": "``request`` has every pair it asked for",
    "limit": "recording stopped after ``limit`` events (``--trace-limit``)",
    "stall": "no pending event could bring any request another pair (``reason``, ``waits``)",
    "end": "the run ended (``reason``: complete, duration, stalled)",
}


class TraceSink(Protocol):
    """Where a traced run's records go."""

    def begin(self, header: dict[str, Any]) -> None:
        """Receive the header (what was run), once, before any record."""

    def write(self, record: dict[str, Any]) -> None:
        """Receive one record."""


class TraceRecorder:
    """A :class:`TraceSink` that keeps the header and the records in memory.

    Examples
    --------
    >>> from qfab.engines.des import DesEngine
    >>> from qfab.loading import parse_scenario
    >>> spec = parse_scenario({"qfab": 1, "nodes": {"a": {}, "b": {}},
    ...     "links": [{"kind": "depolarizing", "between": ["a", "b"], "fidelity": 0.9,
    ...                "success_probability": 0.1, "cycle_time": "1 ms"}],
    ...     "requests": [{"kind": "entanglement", "between": ["a", "b"], "pairs": 2}]})
    >>> trace = TraceRecorder()
    >>> result = DesEngine().run(spec, seed=1, trace=trace)
    >>> [record["kind"] for record in trace.records]
    ['start', 'turn', 'herald', 'deliver', 'herald', 'deliver', 'finish', 'end']
    """

    def __init__(self) -> None:
        self.header: dict[str, Any] = {}
        self.records: list[dict[str, Any]] = []

    def begin(self, header: dict[str, Any]) -> None:
        """Keep the header."""
        self.header = header

    def write(self, record: dict[str, Any]) -> None:
        """Keep the record."""
        self.records.append(record)


class Tracer:
    """Builds the records of one traced run and hands them to a sink.

    Parameters
    ----------
    sim
        The simulation (its clock stamps the records).
    sink
        Receives the records.
    limit
        Record at most this many events (then one ``limit`` record; the ``stall`` and
        ``end`` records are always written); ``None``: no limit.
    """

    __slots__ = ("_limit", "_next_pair", "_sim", "_sink", "dropped", "recorded")

    def __init__(self, sim: Simulation, sink: TraceSink, *, limit: int | None = None) -> None:
        self._sim = sim
        self._sink = sink
        self._limit = limit
        self._next_pair = 0
        #: Records written so far.
        self.recorded = 0
        #: Events not recorded because the limit was reached.
        self.dropped = 0

    # -- pairs -------------------------------------------------------------------------------

    def herald(self, link: HeraldedLink, channel: int, emitted_ps: int, pair: Pair | None,
               request: int | None) -> None:
        """``link`` heralded ``pair`` on ``channel`` (``None``: not stored, as when the run
        only characterizes its links), charged to ``request``."""
        record: dict[str, Any] = {"ends": list(link.between), "link": link.index,
                                  "channel": channel, "emitted_ps": emitted_ps}
        if pair is not None:
            record["pair"] = self._number(pair)
            record["fidelity"] = pair.state.fidelity()  # at emission: the state is not updated
        if request is not None:
            record["request"] = request
        self._emit("herald", record)

    def swap(self, node: QuantumNode, left: Pair, right: Pair, request: int,
             result: Pair | None) -> None:
        """``node`` measured its qubits of ``left`` and ``right`` for ``request``; ``result``
        is the new pair (``None``: the swap failed)."""
        record: dict[str, Any] = {"node": node.name, "inputs": [left.id, right.id],
                                  "request": request, "success": result is not None}
        if result is not None:
            record.update(self._made(result))
        self._emit("swap", record)

    def purify(self, node: QuantumNode, kept: Pair, sacrificed: Pair, request: int,
               p_success: float, result: Pair | None) -> None:
        """A purification round started by ``node`` on ``kept`` and ``sacrificed`` for
        ``request``; ``result`` is the purified pair (``None``: the round failed)."""
        record: dict[str, Any] = {"node": node.name, "inputs": [kept.id, sacrificed.id],
                                  "request": request, "success": result is not None,
                                  "p_success": p_success}
        if result is not None:
            record.update(self._made(result))
            record["level"] = result.level
        self._emit("purify", record)

    def reserve(self, pair: Pair, request: int, until_ps: int) -> None:
        """``pair`` is promised to ``request``, to be handed over at ``until_ps`` (when the
        last messages about it arrive)."""
        self._emit("reserve", {"ends": _ends(pair), "pair": pair.id, "request": request,
                               "until_ps": until_ps})

    def deliver(self, pair: Pair, app: RequestApp) -> None:
        """``pair`` was handed to ``app`` (just recorded there, with its fidelity)."""
        self._emit("deliver", {"ends": _ends(pair), "pair": pair.id, "request": app.index,
                               "fidelity": app.fidelities[-1],
                               "delivered": len(app.delivery_ps)})

    def discard(self, pair: Pair, reason: str) -> None:
        """``pair`` was dropped from memory because of ``reason``."""
        record: dict[str, Any] = {"ends": _ends(pair), "pair": pair.id, "reason": reason}
        request = pair.owner
        if request is None:
            request = next((charged for _, _, charged in pair.charged or ()), None)
        if request is not None:
            record["request"] = request
        self._emit("discard", record)

    # -- requests ----------------------------------------------------------------------------

    def request(self, kind: str, app: RequestApp, *, rivals: Sequence[int] = ()) -> None:
        """A request event (``start``, ``wait``, ``turn``, ``preempt``, ``finish``)."""
        record: dict[str, Any] = {"request": app.index}
        if kind == "start":
            record["ends"] = [app.plan.path[0], app.plan.path[-1]]
        elif kind == "finish":
            record["delivered"] = len(app.delivery_ps)
        if rivals:
            record["rivals"] = sorted(rivals)
        self._emit(kind, record)

    # -- the run -----------------------------------------------------------------------------

    def stall(self, reason: str, waits: Sequence[str]) -> None:
        """The run stalled (always recorded)."""
        self._write("stall", {"reason": reason, "waits": list(waits)})

    def end(self, reason: str) -> None:
        """The run ended (always recorded)."""
        record: dict[str, Any] = {"reason": reason}
        if self.dropped:
            record["dropped"] = self.dropped
        self._write("end", record)

    # -- records -----------------------------------------------------------------------------

    def _number(self, pair: Pair) -> int:
        self._next_pair += 1
        pair.id = self._next_pair
        return pair.id

    def _made(self, pair: Pair) -> dict[str, Any]:
        """The fields of a pair just made (its state is up to date)."""
        return {"pair": self._number(pair), "ends": _ends(pair),
                "fidelity": pair.state.fidelity()}

    def _emit(self, kind: str, fields: dict[str, Any]) -> None:
        limit = self._limit
        if limit is not None and self.recorded >= limit:
            if not self.dropped:
                self._write("limit", {"limit": limit})
            self.dropped += 1
            return
        self._write(kind, fields)

    def _write(self, kind: str, fields: dict[str, Any]) -> None:
        now = self._sim.now
        self._sink.write({"t_ps": now, "t_s": ps_to_seconds(now), "kind": kind, **fields})
        self.recorded += 1


def _ends(pair: Pair) -> list[str]:
    return [pair.ends[0].node.name, pair.ends[1].node.name]
