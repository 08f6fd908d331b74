"""Clifford programs on stim: exact sampling of any number of qubits.

Each step of a :class:`~qfab.dqc.program.Program` whose gates are Clifford becomes its stim
gate followed by one Pauli channel: a variant ``P_post U P_pre`` is ``U`` followed by the
Pauli ``P_post (U P_pre U^dagger)`` (Gottesman, arXiv:quant-ph/9807006 (1998): a Clifford
maps Paulis to Paulis), so the step's variants add up to ``PAULI_CHANNEL_1`` or
``PAULI_CHANNEL_2`` probabilities. Read-out errors are ``X_ERROR`` before the final ``M``.
stim (Gidney, Quantum 5, 497 (2021)) samples the shots from one compiled sampler.
"""

from __future__ import annotations

import math
from collections import defaultdict
from functools import cache
from typing import Any

import numpy as np
from numpy.typing import NDArray

from qfab.dqc.program import Program, Step

__all__ = ["sample"]

_NAMES = {"h": "H", "x": "X", "y": "Y", "z": "Z", "s": "S", "sdg": "S_DAG", "cx": "CX",
          "cz": "CZ", "id": "I"}
_PAULI = "_XYZ"


def _stim_gate(step: Step) -> str | None:
    """The stim name of a Clifford step's gate (``None`` for the identity)."""
    if step.name == "rz":
        quarter = round(float(step.param or 0.0) / (math.pi / 2)) % 4
        return (None, "S", "Z", "S_DAG")[quarter]
    if step.name == "cp":
        return "CZ" if round(float(step.param or 0.0) / math.pi) % 2 else None
    name = _NAMES[step.name]
    return None if name == "I" else name


@cache
def _tableau(gate: str, width: int) -> Any:
    import stim  # type: ignore[import-untyped,unused-ignore]

    return stim.Tableau.from_circuit(stim.Circuit(f"{gate} {' '.join(map(str, range(width)))}"))


def _after(step: Step, gate: str | None) -> dict[tuple[int, ...], float]:
    """The step's variants as Pauli errors after its gate: ``(pauli per qubit) -> p``."""
    import stim  # type: ignore[import-untyped,unused-ignore]

    width = len(step.qubits)
    position = {q: i for i, q in enumerate(step.qubits)}
    errors: dict[tuple[int, ...], float] = defaultdict(float)
    for variant in step.variants:
        pre = stim.PauliString(width)
        for q, p in variant.pre:
            pre[position[q]] = p
        moved = pre if gate is None else _tableau(gate, width)(pre)
        post = stim.PauliString(width)
        for q, p in variant.post:
            post[position[q]] = p
        total = post * moved
        errors[tuple(int(total[i]) for i in range(width))] += variant.probability
    return errors


def _circuit(program: Program) -> Any:
    import stim  # type: ignore[import-untyped,unused-ignore]

    circuit = stim.Circuit()
    for step in program.steps:
        gate = _stim_gate(step)
        if gate is not None:
            circuit.append(gate, list(step.qubits))
        if not step.variants:
            continue
        errors = _after(step, gate)
        if len(step.qubits) == 1:
            probabilities = [min(1.0, errors.get((k,), 0.0)) for k in (1, 2, 3)]
            if any(probabilities):
                circuit.append("PAULI_CHANNEL_1", list(step.qubits), probabilities)
        else:
            probabilities = [min(1.0, errors.get((a, b), 0.0))
                             for a in range(4) for b in range(4)][1:]
            if any(probabilities):
                circuit.append("PAULI_CHANNEL_2", list(step.qubits), probabilities)
    for clbit in sorted(program.readout):  # the measurement record in clbit order
        qubit, flip = program.readout[clbit]
        if flip:
            circuit.append("X_ERROR", [qubit], [flip])
        circuit.append("M", [qubit])
    return circuit


def sample(program: Program, shots: int, seed: int | None) -> dict[str, int]:
    """Counts of ``shots`` samples of a Clifford ``program`` (Qiskit's bit order).

    Raises
    ------
    ValueError
        If a gate of the program is not Clifford.
    """
    if not program.clifford():
        raise ValueError("stim runs Clifford circuits only")
    if shots == 0 or not program.readout:
        return {}
    circuit = _circuit(program)
    bits: NDArray[np.bool_] = circuit.compile_sampler(seed=seed).sample(shots)
    rows, frequency = np.unique(bits.astype(np.uint8), axis=0, return_counts=True)
    return {program.bit_string(row): int(count)
            for row, count in zip(rows, frequency, strict=True)}
