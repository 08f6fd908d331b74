"""The pair rate a link spec delivers between two QPUs, measured once per distinct spec.

A workload file (:mod:`qfab.dqc.workload_spec`) or a capacity plan may give a link as a link
spec of the scenario format (``{kind: depolarizing, success_probability: 0.1, cycle_time:
10 us, ...}``) instead of a pair rate. Its delivered pair rate and pair fidelity come from a
two-node scenario: the link between two nodes whose memories hold ``communication_qubits``
qubits each (the engines attempt on every free memory qubit in parallel, so ``k``
communication qubits give ``k`` attempts per cycle) and one entanglement request for
:data:`PAIRS` pairs. The fast engine runs it (seeded); where it refuses the spec, the analytic
engine does; where both refuse, the spec is a :class:`~qfab.errors.ScenarioError` naming the
field. The rate is ``PAIRS`` over the time they took, so its relative standard error is
``sqrt((1 - p) / PAIRS)`` (about 1.4 % for ``PAIRS = 5000``) for a link of success
probability ``p``; the analytic engine's rate is exact.

:class:`LinkRates` keeps the measurements of one run (no global state): the same spec with
the same communication qubits is measured once.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from qfab.errors import QfabError, ScenarioError, rewritten

__all__ = ["PAIRS", "LinkRate", "LinkRates"]

#: Pairs each measurement delivers (relative standard error of the rate about 1.4 %).
PAIRS = 5000
#: A measurement's simulated time, in units of PAIRS / (the analytic rate): ample room.
_ROOM = 20.0
#: Simulated time when no analytic rate is known to size it.
_DEFAULT_DURATION_S = 1000.0


@dataclass(frozen=True)
class LinkRate:
    """What a link delivers between two QPUs.

    Attributes
    ----------
    rate_hz
        Delivered pairs per second.
    fidelity
        Mean fidelity of the delivered pairs (1 for a link given by its rate without one).
    engine
        ``"fast"``, ``"analytic"``, or ``"given"`` (a rate written in the file).
    communication_qubits
        Communication qubits at each end (parallel attempts).
    pairs
        Pairs the measurement delivered (0 for a given rate).
    """

    rate_hz: float
    fidelity: float
    engine: str
    communication_qubits: int
    pairs: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {"rate_hz": self.rate_hz, "fidelity": self.fidelity, "engine": self.engine,
                "communication_qubits": self.communication_qubits, "pairs": self.pairs}


def _two_nodes(spec: Mapping[str, Any], qubits: int, duration_s: float,
               seed: int) -> dict[str, Any]:
    return {"qfab": 1, "name": "link rate", "seed": seed, "duration": duration_s,
            "nodes": {"qpu_a": {"memory": {"qubits": qubits}},
                      "qpu_b": {"memory": {"qubits": qubits}}},
            "links": [{**spec, "between": ["qpu_a", "qpu_b"]}],
            "requests": [{"kind": "entanglement", "between": ["qpu_a", "qpu_b"],
                          "pairs": PAIRS}]}


def _here(text: str, path: str) -> str:
    """``text`` about the two-node scenario's link (``links[0]``) with the file's ``path``."""
    return re.sub(r"(?<![\w.\]])links\[0\]", lambda _: path, text)


@dataclass
class LinkRates:
    """Measures link specs (each distinct spec and communication-qubit count once).

    Parameters
    ----------
    seed
        Seed of every measurement (the same seed gives the same rates).
    """

    seed: int = 0
    _found: dict[tuple[str, int], LinkRate] = field(default_factory=dict, repr=False)

    @property
    def measured(self) -> tuple[tuple[dict[str, Any], LinkRate], ...]:
        """Every measurement so far: (link spec, result)."""
        return tuple((json.loads(key), rate) for (key, _), rate in self._found.items())

    def check(self, spec: Mapping[str, Any], path: str) -> None:
        """Validate a link spec as the scenario format does, without running it.

        Raises
        ------
        ScenarioError
            Naming the field under ``path`` (``cluster.links[1].cycle_time: ...``).
        """
        self._scenario(spec, 1, _DEFAULT_DURATION_S, path)

    def measure(self, spec: Mapping[str, Any], communication_qubits: int, path: str) -> LinkRate:
        """The delivered pair rate and fidelity of ``spec`` with that many parallel attempts.

        Raises
        ------
        ScenarioError
            A bad spec (naming the field under ``path``), or one that neither the fast nor
            the analytic engine runs, or a link that delivered no pairs.
        """
        key = (json.dumps(dict(spec), sort_keys=True, default=str), communication_qubits)
        found = self._found.get(key)
        if found is None:
            found = self._found[key] = self._run(spec, communication_qubits, path)
        return found

    def _scenario(self, spec: Mapping[str, Any], qubits: int, duration_s: float,
                  path: str) -> Any:
        import qfab  # noqa: PLC0415 (the engines load only when a spec is measured)

        try:
            return qfab.scenario(_two_nodes(spec, qubits, duration_s, self.seed))
        except QfabError as error:
            raise rewritten(error, lambda text: _here(text, path)) from None

    def _run(self, spec: Mapping[str, Any], qubits: int, path: str) -> LinkRate:
        import qfab  # noqa: PLC0415

        duration = _DEFAULT_DURATION_S
        scenario = self._scenario(spec, qubits, duration, path)
        analytic = qfab.supports(scenario, engine="analytic")
        if analytic:
            estimate = qfab.run(scenario, engine="analytic").requests[0].rate_hz
            if estimate is not None and estimate > 0:
                duration = min(_DEFAULT_DURATION_S * 1e3, _ROOM * PAIRS / estimate)
                scenario = self._scenario(spec, qubits, duration, path)
        fast = qfab.supports(scenario, engine="fast")
        if fast:
            engine = "fast"
        elif analytic:
            engine = "analytic"
        else:
            raise ScenarioError(path, f"neither the fast nor the analytic engine runs this "
                                      f"link: {_here(str(fast.reason), path)}")
        result = qfab.run(scenario, engine=engine).requests[0]
        if result.rate_hz is None or not result.rate_hz > 0 or not result.delivered:
            raise ScenarioError(path, f"the link delivered no pairs in {duration:g} s "
                                      f"(engine {engine})")
        fidelity = result.fidelity if result.fidelity is not None else math.nan
        return LinkRate(float(result.rate_hz), float(fidelity), engine, qubits,
                        int(result.delivered))
