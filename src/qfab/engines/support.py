"""What no engine models yet, refused the same way by all of them.

Each engine's ``supports`` starts here: applications that need several pairs at once, and
memories whose read-out is not certain or that store several modes (the room
:class:`~qfab.memorymodel.MemoryModel` keeps for rare-earth AFC memories), are refused with
the field that asks for them, so that no engine ignores them silently.
"""

from __future__ import annotations

from qfab.apps.base import application_for
from qfab.engines.base import Support
from qfab.memorymodel import memory_model
from qfab.spec.models import ScenarioSpec

__all__ = ["application_support", "memory_support", "scenario_support"]


def application_support(spec: ScenarioSpec, engine: str) -> Support:
    """Whether ``engine`` serves the application of every request of ``spec``, or why not:
    every engine so far delivers one pair at a time."""
    for index, request in enumerate(spec.requests):
        app = application_for(request, where=f"requests[{index}]")
        if app.pairs_at_once != 1:
            return Support.no(f"requests[{index}].kind: {request.kind!r} needs "
                              f"{app.pairs_at_once} pairs at once; the {engine} engine "
                              "delivers one pair at a time")
    return Support.yes()


def memory_support(spec: ScenarioSpec, engine: str) -> Support:
    """Whether every node's memory model is one ``engine`` models fully: a read-out that
    always succeeds and one mode per qubit."""
    for name, node in spec.nodes.items():
        model = memory_model(node.memory)
        if model.mode_capacity is not None and model.mode_capacity != 1:
            return Support.no(f"nodes.{name}.memory: a memory of {model.mode_capacity} modes "
                              f"per qubit; the {engine} engine stores one pair per qubit")
        if not model.certain_readout:
            return Support.no(f"nodes.{name}.memory: kind {model.kind!r} has a storage-time "
                              f"dependent retrieval efficiency, which the {engine} engine "
                              "does not model")
    return Support.yes()


def scenario_support(spec: ScenarioSpec, engine: str) -> Support:
    """The checks every engine shares: applications, then memories."""
    served = application_support(spec, engine)
    return served if not served else memory_support(spec, engine)
