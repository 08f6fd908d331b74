"""Programs of up to about twenty qubits by state-vector trajectories.

A trajectory draws one variant of every step (:mod:`qfab.dqc.program`) with its probability
and evolves the pure state through them: the average over trajectories is the density
matrix the mixture gives (the unravelling of a mixed-unitary channel; Dalibard, Castin,
Molmer, PRL 68, 580 (1992)). ``shots`` are spread evenly over ``trajectories`` trajectories
and each trajectory's shots are drawn from its final state, so the counts are unbiased
samples of the noisy distribution (with more spread than independent shots when there are
fewer trajectories than shots). Gates act in place on a ``(2,) * n`` array: diagonal gates
as phases on slices, ``x``, ``y`` and ``cx`` as flips, ``h`` as sums of two slices.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from qfab.dqc.program import Program, Step

__all__ = ["MAX_QUBITS", "sample"]

#: Largest program the state-vector simulation takes (16 bytes per amplitude: 256 MiB).
MAX_QUBITS = 24

Vector = NDArray[np.complex128]
_S2 = 1.0 / math.sqrt(2.0)
_PHASES = {"z": -1.0 + 0j, "s": 1j, "sdg": -1j, "t": complex(np.exp(1j * math.pi / 4)),
           "tdg": complex(np.exp(-1j * math.pi / 4))}


def _at(n: int, fixed: dict[int, int]) -> tuple[slice | int, ...]:
    index: list[slice | int] = [slice(None)] * n
    for axis, value in fixed.items():
        index[axis] = value
    return tuple(index)


def _flip(psi: Vector, qubit: int, where: dict[int, int]) -> None:
    """X on ``qubit`` within the slice ``where`` (other qubits fixed)."""
    n = psi.ndim
    a, b = _at(n, {**where, qubit: 0}), _at(n, {**where, qubit: 1})
    low = psi[a].copy()
    psi[a] = psi[b]
    psi[b] = low


def _pauli(psi: Vector, qubit: int, pauli: int) -> None:
    """The Pauli ``(I, X, Y, Z)[pauli]`` on ``qubit`` (global phases dropped)."""
    if pauli in (1, 2):
        _flip(psi, qubit, {})
    if pauli in (2, 3):
        psi[_at(psi.ndim, {qubit: 1})] *= -1.0


def _gate(psi: Vector, name: str, qubits: tuple[int, ...], param: float | None) -> None:
    n = psi.ndim
    if name == "id":
        return
    if name in ("x", "y", "z"):
        _pauli(psi, qubits[0], "_xyz".index(name))
    elif name in _PHASES:
        psi[_at(n, {qubits[0]: 1})] *= _PHASES[name]
    elif name == "rz":
        angle = float(param or 0.0)
        psi[_at(n, {qubits[0]: 0})] *= np.exp(-0.5j * angle)
        psi[_at(n, {qubits[0]: 1})] *= np.exp(0.5j * angle)
    elif name == "h":
        a, b = _at(n, {qubits[0]: 0}), _at(n, {qubits[0]: 1})
        low, high = psi[a].copy(), psi[b].copy()
        psi[a] = (low + high) * _S2
        psi[b] = (low - high) * _S2
    elif name == "cx":
        _flip(psi, qubits[1], {qubits[0]: 1})
    elif name == "cz":
        psi[_at(n, {qubits[0]: 1, qubits[1]: 1})] *= -1.0
    elif name == "cp":
        psi[_at(n, {qubits[0]: 1, qubits[1]: 1})] *= np.exp(1j * float(param or 0.0))
    else:
        raise ValueError(f"gate {name!r}: not one of the executor's gates")


def _draws(steps: Sequence[Step], trajectories: int, rng: np.random.Generator
           ) -> list[NDArray[np.intp] | None]:
    """The variant of every step in every trajectory (``None``: a noiseless step)."""
    out: list[NDArray[np.intp] | None] = []
    for step in steps:
        if not step.variants:
            out.append(None)
            continue
        p = np.array([v.probability for v in step.variants])
        out.append(rng.choice(len(p), size=trajectories, p=p / p.sum()))
    return out


def _final_probabilities(program: Program, choice: Sequence[int | None]) -> NDArray[np.float64]:
    """Outcome probabilities of the measured qubits (clbit order) for one trajectory."""
    n = program.qubits
    psi: Vector = np.zeros((2,) * n, dtype=np.complex128)
    psi[(0,) * n] = 1.0
    for step, pick in zip(program.steps, choice, strict=True):
        variant = None if pick is None else step.variants[pick]
        if variant is not None:
            for qubit, pauli in variant.pre:
                _pauli(psi, qubit, pauli)
        _gate(psi, step.name, step.qubits, step.param)
        if variant is not None:
            for qubit, pauli in variant.post:
                _pauli(psi, qubit, pauli)
    clbits = sorted(program.readout)
    qubits = [program.readout[c][0] for c in clbits]
    weights = np.abs(psi) ** 2
    others = tuple(q for q in range(n) if q not in qubits)
    marginal = weights.sum(axis=others) if others else weights
    kept = sorted(qubits)
    marginal = np.transpose(marginal, [kept.index(q) for q in qubits])
    flat: NDArray[np.float64] = marginal.reshape(-1)
    return flat


def sample(program: Program, shots: int, seed: int | None, trajectories: int
           ) -> dict[str, int]:
    """Counts of ``shots`` samples of ``program`` over ``trajectories`` trajectories.

    Raises
    ------
    ValueError
        For more than :data:`MAX_QUBITS` qubits or fewer than one trajectory.
    """
    if program.qubits > MAX_QUBITS:
        raise ValueError(f"{program.qubits} qubits: the state-vector simulation takes at "
                         f"most {MAX_QUBITS}")
    if trajectories < 1:
        raise ValueError(f"trajectories: must be >= 1, got {trajectories}")
    if shots == 0 or not program.readout:
        return {}
    rng = np.random.default_rng(seed)
    runs = min(trajectories, shots)
    draws = _draws(program.steps, runs, rng)
    share = [shots // runs + (1 if k < shots % runs else 0) for k in range(runs)]
    clbits = sorted(program.readout)
    flips = np.array([program.readout[c][1] for c in clbits])
    cache: dict[tuple[int, ...], NDArray[np.float64]] = {}
    counts: dict[str, int] = defaultdict(int)
    for k in range(runs):
        choice = [None if d is None else int(d[k]) for d in draws]
        key = tuple(-1 if c is None else c for c in choice)
        probabilities = cache.get(key)
        if probabilities is None:
            probabilities = cache[key] = _final_probabilities(program, choice)
        outcomes = rng.choice(probabilities.size, size=share[k],
                              p=probabilities / probabilities.sum())
        bits = (outcomes[:, None] >> np.arange(len(clbits) - 1, -1, -1)[None, :]) & 1
        bits ^= (rng.random(bits.shape) < flips[None, :]).astype(bits.dtype)
        for row in bits:
            counts[program.bit_string(row)] += 1
    return dict(counts)
