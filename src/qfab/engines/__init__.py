"""Engines: one interface, interchangeable implementations.

Ask an engine whether it models a scenario before running it:

>>> from qfab.engines import ENGINES, supports
>>> sorted(ENGINES)
['analytic', 'des', 'fast']
>>> from qfab.loading import parse_scenario
>>> spec = parse_scenario({"qfab": 1, "nodes": {"a": {}, "b": {}},
...     "links": [{"kind": "depolarizing", "between": ["a", "b"], "fidelity": 0.9,
...                "success_probability": 0.1, "cycle_time": "1 ms"}],
...     "policy": {"buffer": 2},
...     "requests": [{"kind": "entanglement", "between": ["a", "b"], "pairs": 10}]})
>>> bool(supports(spec, engine="des"))
True
>>> supports(spec, engine="fast").reason
'policy.buffer: the fast engine serves requests on demand only; use engine des'
"""

from __future__ import annotations

# Every engine computes classical delays with SciPy's shortest paths, which the orchestrator
# imports only on first use (planning alone needs none): load them with the engines, so that
# a run's own wall time does not include the import.
import scipy.sparse.csgraph  # noqa: F401

from qfab.engines.analytic import AnalyticEngine
from qfab.engines.base import Engine, ProgressCallback, Support
from qfab.engines.des import DesEngine
from qfab.engines.fast import FastEngine
from qfab.engines.result import LinkResult, RequestResult, RunResult
from qfab.errors import EngineError
from qfab.protocols.trace import TraceSink
from qfab.spec.models import ScenarioSpec

__all__ = ["ENGINES", "run", "supports", "engine_named", "Engine", "ProgressCallback",
           "Support", "RunResult", "LinkResult", "RequestResult"]

#: Engine name -> engine class.
ENGINES: dict[str, type[AnalyticEngine] | type[DesEngine] | type[FastEngine]] = {
    "analytic": AnalyticEngine,
    "des": DesEngine,
    "fast": FastEngine,
}


def engine_named(name: str) -> Engine:
    """A new engine of that name.

    Raises
    ------
    EngineError
        If ``name`` is not an engine.
    """
    if name not in ENGINES:
        raise EngineError(f"engine: unknown engine {name!r} (choose from {', '.join(ENGINES)})")
    return ENGINES[name]()


def supports(spec: ScenarioSpec, *, engine: str | None = None) -> Support:
    """Whether an engine models every parameter of ``spec``, or why not.

    Parameters
    ----------
    spec
        A validated scenario.
    engine
        Engine name; defaults to the scenario's ``engine``.

    Raises
    ------
    EngineError
        If the engine is unknown, or no engine could serve ``spec`` (no plan exists).
    """
    return engine_named(engine or spec.engine).supports(spec)


def run(spec: ScenarioSpec, *, engine: str | None = None, seed: int | None = None,
        progress: ProgressCallback | None = None, trace: TraceSink | None = None,
        trace_limit: int | None = None) -> RunResult:
    """Run a scenario on an engine.

    Parameters
    ----------
    spec
        A validated scenario.
    engine
        ``"des"``, ``"fast"`` or ``"analytic"``; defaults to the scenario's ``engine``.
    seed
        Seed of every random stream; defaults to the scenario's ``seed``.
    progress
        Optional callback receiving the fraction of the run done.
    trace
        Receives the event trace (:mod:`qfab.protocols.trace`; e.g. a
        :class:`~qfab.protocols.trace.TraceRecorder`); only the event simulation has one.
    trace_limit
        Record at most this many events (``None``: all).

    Raises
    ------
    EngineError
        If the engine is unknown or does not support this scenario (with the reason
        :func:`supports` gives), or a trace is asked of another engine than des.
    """
    chosen = engine_named(engine or spec.engine)
    seed = spec.seed if seed is None else seed
    if trace is None:
        return chosen.run(spec, seed=seed, progress=progress)
    if not isinstance(chosen, DesEngine):
        raise EngineError(f"trace: the event trace records the event simulation (engine des); "
                          f"engine {chosen.name} has no events to record")
    return chosen.run(spec, seed=seed, progress=progress, trace=trace, trace_limit=trace_limit)
