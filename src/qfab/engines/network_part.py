"""The network part of a scenario whose own requests a wrapper takes out.

qkd, circuit, sensing and clock-sync requests are served around the network's run
(:mod:`qfab.engines.qkd`, :mod:`~qfab.engines.circuit`, :mod:`~qfab.engines.sensing`,
:mod:`~qfab.engines.clock_sync`): each wrapper builds the scenario the network runs (its own
requests taken out, or turned into the pair requests that serve them), runs it on the
engine, and speaks of it in the scenario's own numbering. This module holds what they share:
the split (:class:`RequestSplit`), the support check (:func:`network_part_support`), the run
(:func:`run_network_part`) and the gathering of the pair requests' rows
(:func:`rows_and_pairs`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol, TypeVar

from qfab.engines.base import Support
from qfab.engines.result import RequestResult, RunResult
from qfab.errors import QfabError, rewritten
from qfab.spec.models import ScenarioSpec

__all__ = ["NetworkPart", "RequestSplit", "network_part_support", "rows_and_pairs",
           "run_network_part"]

_REQUEST = re.compile(r"\brequests\[(\d+)\]")

Pairs = TypeVar("Pairs")


class NetworkPart(Protocol):
    """The part of a scenario that runs on the network: ``network`` is ``None`` when nothing
    is left to run, ``renumbered`` and ``error`` speak of it with the scenario's own
    numbering."""

    @property
    def network(self) -> ScenarioSpec | None:
        """The scenario the network runs, or ``None``."""
        ...

    def renumbered(self, text: str) -> str:
        """``text`` with the network part's indices numbered as in the scenario."""
        ...

    def error(self, error: QfabError) -> QfabError:
        """``error`` of the network part, with the scenario's own numbering."""
        ...


@dataclass(frozen=True)
class RequestSplit:
    """The network part of a scenario and the written index of each of its requests.

    Attributes
    ----------
    network
        The scenario the network runs.
    positions
        The written index of each of its requests (a written request served by several
        pair requests appears once per pair request).
    """

    network: ScenarioSpec
    positions: list[int]

    def renumbered(self, text: str) -> str:
        """``text`` of the network part with its ``requests[k]`` numbered as written."""
        def original(match: re.Match[str]) -> str:
            index = int(match.group(1))
            return f"requests[{self.positions[index]}]" if index < len(self.positions) \
                else match.group(0)

        return _REQUEST.sub(original, text)

    def error(self, error: QfabError) -> QfabError:
        """``error`` of the network part, with the scenario's own numbering."""
        return rewritten(error, self.renumbered)


def network_part_support(own: Support, part: Callable[[], NetworkPart],
                         network_support: Callable[[ScenarioSpec], Support]) -> Support:
    """A wrapper's support: its ``own`` answer first, then (when yes) the engine's
    ``network_support`` of the network part that ``part`` builds, its reason or error
    renumbered as the scenario is written."""
    if not own:
        return own
    split = part()
    if split.network is None:
        return Support.yes()
    try:
        served = network_support(split.network)
    except QfabError as error:
        raise split.error(error) from None
    return served if served or served.reason is None \
        else Support.no(split.renumbered(served.reason))


def run_network_part(split: RequestSplit,
                     run_network: Callable[[ScenarioSpec], RunResult]) -> RunResult:
    """The network part's run, an error in it numbered as the scenario is written."""
    try:
        return run_network(split.network)
    except QfabError as error:
        raise split.error(error) from None


def rows_and_pairs(split: RequestSplit, result: RunResult, pairs: type[Pairs]
                   ) -> tuple[dict[int, RequestResult], dict[int, list[tuple[Pairs,
                                                                           RequestResult]]]]:
    """The network run's rows by written index: the other requests' rows as they are, and
    the rows of the pair requests of type ``pairs`` grouped under the request they serve
    (with the pair request), in order."""
    rows: dict[int, RequestResult] = {}
    served: dict[int, list[tuple[Pairs, RequestResult]]] = {}
    for index, row, request in zip(split.positions, result.requests, split.network.requests):
        if isinstance(request, pairs):
            served.setdefault(index, []).append((request, row))
        else:
            rows[index] = row
    return rows, served
