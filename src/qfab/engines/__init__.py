"""Engines: one interface, interchangeable implementations.

>>> from qfab.engines import ENGINES
>>> sorted(ENGINES)
['analytic', 'des', 'fast']
"""

from __future__ import annotations

from qfab.engines.analytic import AnalyticEngine
from qfab.engines.base import Engine, ProgressCallback
from qfab.engines.des import DesEngine
from qfab.engines.fast import FastEngine
from qfab.engines.result import LinkResult, RequestResult, RunResult
from qfab.errors import EngineError
from qfab.spec.models import ScenarioSpec

__all__ = ["ENGINES", "run", "Engine", "ProgressCallback", "RunResult", "LinkResult",
           "RequestResult"]

#: Engine name -> engine class.
ENGINES: dict[str, type[AnalyticEngine] | type[DesEngine] | type[FastEngine]] = {
    "analytic": AnalyticEngine,
    "des": DesEngine,
    "fast": FastEngine,
}


def run(spec: ScenarioSpec, *, engine: str | None = None, seed: int | None = None,
        progress: ProgressCallback | None = None) -> RunResult:
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

    Raises
    ------
    EngineError
        If the engine is unknown or cannot run this scenario.
    """
    name = engine or spec.engine
    if name not in ENGINES:
        raise EngineError(f"engine: unknown engine {name!r} (choose from {', '.join(ENGINES)})")
    chosen: Engine = ENGINES[name]()
    return chosen.run(spec, seed=spec.seed if seed is None else seed, progress=progress)
