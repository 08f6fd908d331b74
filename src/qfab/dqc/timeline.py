"""When each gate of a distributed circuit runs, given when its pairs arrive.

The circuit is scheduled as soon as possible, in its order: an operation starts when all its
qubits are free and, for a non-local gate, when its pairs have arrived (the ``k``-th non-local
gate between two QPUs takes their ``k``-th delivered pair, two for ``scheme="data"``). It
lasts its QPU's gate or measurement time; a teleported gate lasts the local steps of its
protocol on both sides and two classical messages (cat-entangle: a local gate and a
measurement on each side, a message each way; Eisert et al., PRA 62, 052317 (2000)). A qubit
is prepared when its first operation starts; between two of its operations it idles and
decoheres with its QPU's T1/T2, as the Pauli-twirled channel
(:func:`qfab.physics.memory.pauli_twirled_t1_t2`; gate errors are taken to include the
decoherence during the gate, as calibrated gate errors do). A pair waits in memory from its
delivery to its gate; its state at use is given by the caller's ``age_pair`` (the nodes'
memory models).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from qfab.dqc.execute import TWO_QUBIT, Gate, PairUse
from qfab.physics.memory import pauli_twirled_t1_t2

__all__ = ["Arrival", "QpuTiming", "Timeline", "link_of", "schedule_circuit"]


@dataclass(frozen=True, slots=True)
class QpuTiming:
    """Operation times (s) and data-qubit coherence (s) of one QPU."""

    one_qubit: float = 0.0
    two_qubit: float = 0.0
    measurement: float = 0.0
    t1: float = math.inf
    t2: float = math.inf


@dataclass(frozen=True, slots=True)
class Arrival:
    """A delivered pair: its delivery time (s) and Bell vector at delivery."""

    time_s: float
    bell: tuple[float, float, float, float]


@dataclass(frozen=True)
class Timeline:
    """The scheduled circuit.

    Attributes
    ----------
    pairs
        Every pair as consumed, with its Bell vector at use.
    idle
        Per operation: qubit to the Pauli channel of its idling before it.
    ages
        Each pair's wait in memory, s, in the order consumed.
    makespan_s
        From the start to the end of the last operation.
    pair_wait_s
        Summed over non-local gates: how long their qubits were ready before the pairs came.
    held_max
        Per QPU: most pairs delivered and waiting for their gates at one time.
    """

    pairs: list[PairUse]
    idle: list[dict[int, NDArray[np.float64]]]
    ages: list[float]
    makespan_s: float
    pair_wait_s: float
    held_max: dict[str, int]


def link_of(a: str, b: str) -> tuple[str, str]:
    """The QPU pair ``(a, b)`` in sorted order (the key of its pairs)."""
    return (a, b) if a <= b else (b, a)


def schedule_circuit(
    gates: Sequence[Gate],
    placement: Mapping[int, str],
    timing: Mapping[str, QpuTiming],
    arrivals: Mapping[tuple[str, str], Sequence[Arrival]],
    *,
    scheme: Literal["gate", "data"] = "gate",
    start: float = 0.0,
    delay: Callable[[str, str], float] = lambda a, b: 0.0,
    age_pair: Callable[[str, str, NDArray[np.float64], float], NDArray[np.float64]]
    | None = None,
) -> Timeline:
    """Schedule ``gates`` against the pairs' ``arrivals`` (see the module docstring).

    Parameters
    ----------
    gates, placement
        The circuit and each qubit's QPU, as for :func:`qfab.dqc.execute.execute`.
    timing
        Each QPU's :class:`QpuTiming` (a QPU left out: instant and ideal).
    arrivals
        Per QPU pair (:func:`link_of`), its delivered pairs in delivery order.
    scheme
        One pair per non-local gate (``gate``) or two (``data``).
    start
        When the circuit may start, s.
    delay
        One-way classical message time between two QPUs, s.
    age_pair
        ``(qpu_a, qpu_b, bell, age) -> bell`` after the pair waited ``age`` s (default: no
        decay).

    Raises
    ------
    ValueError
        When a QPU pair has fewer arrivals than its non-local gates need.
    """
    per_gate = 1 if scheme == "gate" else 2
    ideal = QpuTiming()
    ready: dict[int, float] = {}
    used: dict[tuple[str, str], int] = defaultdict(int)
    pairs: list[PairUse] = []
    ages: list[float] = []
    idle: list[dict[int, NDArray[np.float64]]] = []
    events: list[tuple[float, int, str]] = []  # (time, +1 arrival / -1 use, QPU)
    pair_wait = 0.0
    end_of_all = start
    for index, gate in enumerate(gates):
        qpu = placement[gate.qubits[0]]
        first = timing.get(qpu, ideal)
        remote = placement[gate.qubits[1]] if gate.name in TWO_QUBIT else qpu
        ready_at = max((ready.get(q, start) for q in gate.qubits), default=start)
        begin = ready_at
        taken: list[Arrival] = []
        if remote != qpu:
            link = link_of(qpu, remote)
            queue = arrivals.get(link, ())
            k = used[link]
            if k + per_gate > len(queue):
                raise ValueError(f"gate {index} ({gate.name} on {list(gate.qubits)}): needs "
                                 f"pair {k + per_gate} between {link[0]} and {link[1]}, "
                                 f"{len(queue)} delivered")
            taken = list(queue[k:k + per_gate])
            used[link] = k + per_gate
            begin = max(begin, *(pair.time_s for pair in taken))
            pair_wait += begin - ready_at
        channels: dict[int, NDArray[np.float64]] = {}
        for q in gate.qubits:
            if q in ready and begin > ready[q]:
                own = timing.get(placement[q], ideal)
                if math.isfinite(own.t1) or math.isfinite(own.t2):
                    channels[q] = pauli_twirled_t1_t2(begin - ready[q], t1=own.t1, t2=own.t2)
        idle.append(channels)
        for pair in taken:
            age = begin - pair.time_s
            bell = np.asarray(pair.bell, dtype=np.float64)
            if age_pair is not None and age > 0.0:
                bell = age_pair(qpu, remote, bell, age)
            pairs.append(PairUse.from_bell(bell))
            ages.append(age)
            for end in (qpu, remote):
                events += [(pair.time_s, 1, end), (begin, -1, end)]
        if gate.name == "measure":
            duration = first.measurement
        elif remote != qpu:
            other = timing.get(remote, ideal)
            message = delay(qpu, remote)
            duration = (first.two_qubit + first.measurement + other.two_qubit
                        + other.measurement + 2.0 * message)
            if scheme == "data":
                duration += first.two_qubit + other.measurement + message
        elif gate.name in TWO_QUBIT:
            duration = first.two_qubit
        else:
            duration = first.one_qubit
        for q in gate.qubits:
            ready[q] = begin + duration
        end_of_all = max(end_of_all, begin + duration)
    return Timeline(pairs, idle, ages, end_of_all - start, pair_wait, _held_max(events))


def _held_max(events: list[tuple[float, int, str]]) -> dict[str, int]:
    """Most pairs waiting at each QPU at one time (a use at an arrival's instant first)."""
    held: dict[str, int] = defaultdict(int)
    most: dict[str, int] = defaultdict(int)
    for _, change, qpu in sorted(events):
        held[qpu] += change
        most[qpu] = max(most[qpu], held[qpu])
    return dict(sorted(most.items()))
