"""The request kinds served around the network's run, in the order the engines try them.

Every engine starts its ``supports`` and ``run`` here: a scenario with clock-sync,
circuit, sensing or qkd requests (or fiber links) goes to that kind's wrapper, which takes
its own requests out, runs the rest on the engine (which may pass it to the next wrapper)
and adds its rows (:mod:`qfab.engines.network_part`). A new kind served this way is one
entry of :data:`WRAPPERS`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from qfab.engines.base import Support
from qfab.engines.circuit import circuit_run, circuit_support, involves_circuit
from qfab.engines.clock_sync import clock_sync_run, clock_sync_support, involves_clock_sync
from qfab.engines.qkd import involves_qkd, qkd_run, qkd_support
from qfab.engines.result import RunResult
from qfab.engines.sensing import involves_sensing, sensing_run, sensing_support
from qfab.spec.models import ScenarioSpec

__all__ = ["WRAPPERS", "Wrapper", "wrapper_for"]

NetworkRun = Callable[[ScenarioSpec], RunResult]


@dataclass(frozen=True)
class Wrapper:
    """One kind served around the network's run.

    Attributes
    ----------
    involves
        Whether a scenario has what the wrapper serves.
    support
        ``support(spec, engine, network_support)``: the wrapper's answer, then the engine's
        for the network part.
    run
        ``run(spec, engine, seed, run_network, traced)``: the whole run; ``traced`` says an
        event trace was asked for (which only the network part can give).
    """

    involves: Callable[[ScenarioSpec], bool]
    support: Callable[[ScenarioSpec, str, Callable[[ScenarioSpec], Support]], Support]
    run: Callable[[ScenarioSpec, str, int, NetworkRun, bool], RunResult]


#: The wrappers, outermost first.
WRAPPERS: tuple[Wrapper, ...] = (
    Wrapper(involves_clock_sync, clock_sync_support,
            lambda spec, engine, seed, network, traced: clock_sync_run(
                spec, engine, seed, network, traced=traced)),
    Wrapper(involves_circuit, circuit_support,
            lambda spec, engine, seed, network, traced: circuit_run(spec, engine, seed,
                                                                    network)),
    Wrapper(involves_sensing, sensing_support,
            lambda spec, engine, seed, network, traced: sensing_run(spec, engine, seed,
                                                                    network)),
    Wrapper(involves_qkd, qkd_support,
            lambda spec, engine, seed, network, traced: qkd_run(spec, engine, seed, network,
                                                                traced=traced)),
)


def wrapper_for(spec: ScenarioSpec) -> Wrapper | None:
    """The first wrapper that serves part of ``spec``, ``None`` when none does."""
    return next((wrapper for wrapper in WRAPPERS if wrapper.involves(spec)), None)
