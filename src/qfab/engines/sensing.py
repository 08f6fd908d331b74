"""Sensing requests in the engines: pairs from the network, then fusion and interrogation.

A scenario with ``kind: sensing`` requests is served in three steps:

- *splitting*: each sensing request becomes one pair request
  (:class:`~qfab.spec.sensing.SensingPairsSpec`) from its hub to each other sensor (a
  spoke), for ``shots`` pairs each; the network routes pairs between nodes that no link
  joins;
- the network part (the scenario with those pair requests) runs on the engine as any does;
- *fusion and interrogation* (:mod:`qfab.engines.sensing_row`): shot ``k`` fuses the
  ``k``-th pair of every spoke into a GHZ state when the last of them arrives, each pair
  aged by both its nodes' memories until then (as circuit execution ages its pairs), and
  the sensors' qubits pick up the signal's phase for ``interrogation_time`` in their
  memories before the parity is read (:mod:`qfab.physics.ghz_sensing`). After a des run
  the pairs are the delivered ones (times and Bell vectors) and every shot's parity outcome
  is sampled from the run's random streams. After an analytic run every pair has the
  expected Bell vector and the ``k``-th pair of a spoke arrives at ``start + k / rate``;
  the analytic engine refuses where the waits change the state (a memory that decoheres at
  the hub or a sensor of a star with two or more spokes). The fast engine refuses sensing
  requests.

The request row adds ``ghz_fidelity``, ``parity_visibility``, ``phase_uncertainty``,
``fisher_information``, ``sql_uncertainty``, ``heisenberg_uncertainty``, ``gain_db``,
``shots_completed`` and, from a des run, ``parity_mean`` and ``parity_mean_se`` (see
docs/sensing.md for every field).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from qfab.engines.base import Support
from qfab.engines.network_part import (
    RequestSplit,
    network_part_support,
    rows_and_pairs,
    run_network_part,
)
from qfab.engines.result import RunResult
from qfab.memorymodel import memory_model
from qfab.rng import RandomStreams
from qfab.spec.models import ScenarioSpec
from qfab.spec.sensing import SensingPairsSpec, SensingRequestSpec

__all__ = ["SENSING_ENGINES", "involves_sensing", "sensing_run", "sensing_support"]

#: Engines that serve sensing requests.
SENSING_ENGINES = frozenset({"analytic", "des"})


def involves_sensing(spec: ScenarioSpec) -> bool:
    """Whether ``spec`` has a sensing request (served through this module)."""
    return any(isinstance(request, SensingRequestSpec) for request in spec.requests)


_REFERENCE = re.compile(r"\brequests\[(\d+)\](\.between\b)?")


@dataclass(frozen=True)
class _Split(RequestSplit):
    """The network part of a scenario and the written index of each of its requests."""

    def renumbered(self, text: str) -> str:
        """``text`` of the network part with its ``requests[k]`` numbered as written (a
        spoke's ``between`` is its sensing request's ``sensors``)."""
        def original(match: re.Match[str]) -> str:
            index = int(match.group(1))
            if index >= len(self.positions):
                return match.group(0)
            field = match.group(2) or ""
            if field and isinstance(self.network.requests[index], SensingPairsSpec):
                field = ".sensors"
            return f"requests[{self.positions[index]}]{field}"

        return _REFERENCE.sub(original, text)


def _split(spec: ScenarioSpec) -> _Split:
    """The network part of ``spec``: each sensing request as one pair request per spoke."""
    requests: list[Any] = []
    positions: list[int] = []
    for index, written in enumerate(spec.requests):
        if not isinstance(written, SensingRequestSpec):
            requests.append(written)
            positions.append(index)
            continue
        for sensor in written.spokes:
            requests.append(SensingPairsSpec(between=(written.hub, sensor),
                                             pairs=written.shots, start=written.start,
                                             deadline=written.deadline,
                                             priority=written.priority, name=written.name,
                                             written=written))
            positions.append(index)
    return _Split(spec.model_copy(update={"requests": requests}), positions)


def _engine_support(spec: ScenarioSpec, engine: str) -> Support:
    """Whether ``engine`` serves every sensing request of ``spec`` (apart from its pairs)."""
    for index, request in enumerate(spec.requests):
        if not isinstance(request, SensingRequestSpec):
            continue
        if engine not in SENSING_ENGINES:
            return Support.no(f"requests[{index}].kind: sensing: the {engine} engine does not "
                              "fuse GHZ states from the network's pairs; use engine analytic "
                              "or des")
        star = [request.hub, *request.spokes]
        if request.interrogation_time > 0:
            for name in request.sensors:
                rates = memory_model(spec.nodes[name].memory).decay_rates
                if rates[1] != rates[2]:
                    return Support.no(
                        f"nodes.{name}.memory: requests[{index}] interrogates its qubit, "
                        "whose memory decays the X and Y coherences at different rates "
                        f"({rates[1]:g} and {rates[2]:g} 1/s); the parity signal is then no "
                        "coherence factor times the undecayed one, which no engine models")
        if engine != "analytic" or len(request.spokes) < 2:
            continue
        for name in star:
            if not memory_model(spec.nodes[name].memory).ideal:
                return Support.no(
                    f"nodes.{name}.memory: requests[{index}] is a sensing request whose "
                    "pairs wait in memory for the last spoke's pair before each fusion; a "
                    "memory that decoheres makes the GHZ state depend on each wait, which "
                    "the analytic engine does not give exactly (use engine des)")
    return Support.yes()


def sensing_support(spec: ScenarioSpec, engine: str,
                    network_support: Callable[[ScenarioSpec], Support]) -> Support:
    """Whether ``engine`` serves every sensing request of ``spec`` and its network part."""
    return network_part_support(_engine_support(spec, engine), lambda: _split(spec),
                                network_support)


def sensing_run(spec: ScenarioSpec, engine: str, seed: int,
                run_network: Callable[[ScenarioSpec], RunResult]) -> RunResult:
    """Run ``spec`` on ``engine``: the network part with ``run_network``, then each sensing
    request's shots (see the module docstring)."""
    from qfab.engines.sensing_row import sensing_row

    _engine_support(spec, engine).require()
    split = _split(spec)
    result = run_network_part(split, run_network)
    streams = RandomStreams(seed)
    rows, served = rows_and_pairs(split, result, SensingPairsSpec)
    for index, spokes in served.items():
        written = spec.requests[index]
        assert isinstance(written, SensingRequestSpec)
        rows[index] = sensing_row(spec, written, spokes, engine,
                                  streams.stream(f"sensing:{index}"))
    return replace(result, requests=[rows[index] for index in sorted(rows)])
