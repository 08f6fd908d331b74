"""Wake-ups of node rule engines at given times (a message arrived, a request changed)."""

from __future__ import annotations

from collections.abc import Mapping

from qfab.protocols.rule_engine import RuleEngine
from qfab.sim.kernel import Simulation

__all__ = ["Wakeups"]


class Wakeups:
    """Schedules rule evaluations, at most one per node and time.

    Parameters
    ----------
    sim
        The simulation.
    """

    __slots__ = ("_engines", "_pending", "_sim")

    def __init__(self, sim: Simulation) -> None:
        self._sim = sim
        self._pending: set[tuple[str, int]] = set()
        self._engines: Mapping[str, RuleEngine] = {}

    def attach(self, engines: Mapping[str, RuleEngine]) -> None:
        """The rule engines to wake, by node (set once, when the network is assembled)."""
        self._engines = engines

    def poke(self, node: str, at_ps: int) -> None:
        """Have ``node`` evaluate its rules at ``at_ps`` (once per node and time)."""
        key = (node, at_ps)
        if key in self._pending:
            return
        self._pending.add(key)
        self._sim.schedule_at(at_ps, self._evaluate, key)

    def _evaluate(self, key: tuple[str, int]) -> None:
        self._pending.discard(key)
        self._engines[key[0]].evaluate()
