"""A noisy circuit as the simulators take it: steps, each a gate with a mixture of variants.

Every noise source of a distributed circuit (a teleported gate's pair, a local gate's
depolarizing error, a data qubit idling under T1/T2) is a mixture of *variants* of a step:
with probability ``p`` the step's gate ``U`` acts as ``P_post U P_pre``, with Pauli operators
``P_pre`` and ``P_post`` on some of the step's qubits. A Pauli channel after a gate is the
special case of empty ``pre``; a teleported controlled-phase, whose pair errors are not
Pauli errors after the gate (:func:`qfab.physics.teleported_gates.gate_teleportation_variants`),
needs both. The three simulators (:mod:`qfab.dqc.density` exactly, :mod:`qfab.dqc.stim_run` for
Clifford circuits, :mod:`qfab.dqc.statevector` by trajectories) run the same :class:`Program`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

__all__ = ["CLIFFORD", "Program", "Step", "Variant", "is_clifford", "pauli_variants"]

#: Gates that are Clifford whatever their angle is not given (rz and cp depend on it).
CLIFFORD = frozenset({"h", "x", "y", "z", "s", "sdg", "cx", "cz", "id"})


@dataclass(frozen=True, slots=True)
class Variant:
    """With ``probability``, the step's gate acts as ``P_post U P_pre``.

    ``pre`` and ``post`` list ``(qubit, pauli)`` with Pauli indices ``(I, X, Y, Z)`` =
    ``(0, 1, 2, 3)``; an empty ``pre`` and ``post`` is the ideal gate.
    """

    probability: float
    pre: tuple[tuple[int, int], ...] = ()
    post: tuple[tuple[int, int], ...] = ()

    @property
    def ideal(self) -> bool:
        """Whether the variant is the gate itself (no Pauli before or after)."""
        return not any(p for _, p in self.pre) and not any(p for _, p in self.post)


@dataclass(frozen=True, slots=True)
class Step:
    """One gate of the program (``id`` for noise alone), with its variants.

    ``variants`` empty means the ideal gate; otherwise their probabilities sum to 1.
    """

    name: str
    qubits: tuple[int, ...]
    param: float | None = None
    variants: tuple[Variant, ...] = ()

    def ideal_probability(self) -> float:
        """The probability of the variants that are the ideal gate."""
        if not self.variants:
            return 1.0
        return math.fsum(v.probability for v in self.variants if v.ideal)


@dataclass(frozen=True, slots=True)
class Program:
    """``qubits`` qubits from ``|0...0>``, the ``steps`` in order, then every measured qubit
    read out: ``readout[clbit] = (qubit, flip probability)``."""

    qubits: int
    steps: tuple[Step, ...]
    readout: dict[int, tuple[int, float]]

    def error_free_probability(self) -> float:
        """The probability that no step takes an erroneous variant and no readout flips.

        An outcome that the ideal circuit gives with certainty has at least this probability.
        """
        product = math.prod(step.ideal_probability() for step in self.steps)
        return product * math.prod(1.0 - flip for _, flip in self.readout.values())

    def bit_string(self, bits: Sequence[int]) -> str:
        """The outcome string (Qiskit order: classical bit 0 rightmost) of the read-out
        ``bits``, given in increasing classical-bit order."""
        clbits = sorted(self.readout)
        width = clbits[-1] + 1
        chars = ["0"] * width
        for clbit, bit in zip(clbits, bits, strict=True):
            chars[width - 1 - clbit] = "1" if bit else "0"
        return "".join(chars)

    def clifford(self) -> bool:
        """Whether every gate is a Clifford gate (stim runs it)."""
        return all(is_clifford(step) for step in self.steps)


def _multiple(angle: float, of: float) -> bool:
    ratio = angle / of
    return abs(ratio - round(ratio)) < 1e-12


def is_clifford(step: Step) -> bool:
    """Whether the step's gate is Clifford (``rz`` by a multiple of pi/2, ``cp`` of pi)."""
    if step.name in CLIFFORD:
        return True
    if step.name == "rz":
        return _multiple(float(step.param or 0.0), math.pi / 2)
    if step.name == "cp":
        return _multiple(float(step.param or 0.0), math.pi)
    return False


def pauli_variants(qubits: Sequence[int], channel: NDArray[np.float64]
                   ) -> tuple[Variant, ...]:
    """The variants of a Pauli channel after a gate on ``qubits`` (``(4,)`` or ``(4, 4)``
    probabilities, the first qubit first); zero-probability errors are left out."""
    p = np.asarray(channel, dtype=np.float64)
    if p.ndim != len(qubits):
        raise ValueError(f"a Pauli channel of shape {p.shape} on {len(qubits)} qubit(s)")
    out: list[Variant] = []
    for index in zip(*np.nonzero(p), strict=True):
        paulis = tuple((q, int(i)) for q, i in zip(qubits, index, strict=True) if int(i))
        out.append(Variant(float(p[index]), (), paulis))
    return tuple(out)
