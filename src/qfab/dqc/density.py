"""A compact density-matrix simulator for small circuits (up to about ten qubits).

The state of ``n`` qubits is a complex array of shape ``(2,) * 2n``: axes ``0 .. n-1`` are
the ket indices of qubits ``0 .. n-1``, axes ``n .. 2n-1`` the bra indices. Operations
return new arrays; nothing is kept between calls.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

if TYPE_CHECKING:
    from qfab.dqc.program import Program

__all__ = [
    "GATES",
    "gate_unitary",
    "run_program",
    "PAULIS",
    "apply_pauli_channel",
    "apply_superoperator",
    "apply_unitary",
    "basis_probabilities",
    "dephase",
    "partial_trace",
    "pauli_superoperator",
    "rz",
    "zero_state",
]

Complex = NDArray[np.complex128]

_S2 = 1.0 / math.sqrt(2.0)

#: The single-qubit Paulis in the order (I, X, Y, Z) of :mod:`qfab.physics.teleported_gates`.
PAULIS: tuple[Complex, Complex, Complex, Complex] = (
    np.eye(2, dtype=np.complex128),
    np.array([[0, 1], [1, 0]], dtype=np.complex128),
    np.array([[0, -1j], [1j, 0]], dtype=np.complex128),
    np.array([[1, 0], [0, -1]], dtype=np.complex128),
)

#: Fixed gates: one-qubit as 2x2, two-qubit as 4x4 (first qubit the most significant bit).
GATES: dict[str, Complex] = {
    "h": np.array([[_S2, _S2], [_S2, -_S2]], dtype=np.complex128),
    "x": PAULIS[1],
    "y": PAULIS[2],
    "z": PAULIS[3],
    "s": np.diag([1.0, 1.0j]).astype(np.complex128),
    "sdg": np.diag([1.0, -1.0j]).astype(np.complex128),
    "t": np.diag([1.0, np.exp(1j * math.pi / 4)]).astype(np.complex128),
    "tdg": np.diag([1.0, np.exp(-1j * math.pi / 4)]).astype(np.complex128),
    "cx": np.array([[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 0, 1], [0, 0, 1, 0]],
                   dtype=np.complex128),
    "cz": np.diag([1.0, 1.0, 1.0, -1.0]).astype(np.complex128),
}


def rz(theta: float) -> Complex:
    """The rotation ``exp(-i theta Z / 2)`` (Qiskit's ``rz``)."""
    return np.diag([np.exp(-0.5j * theta), np.exp(0.5j * theta)]).astype(np.complex128)


def gate_unitary(name: str, param: float | None = None) -> Complex:
    """The unitary of one of the executor's gates (``rz`` and ``cp`` take ``param``)."""
    if name == "rz":
        return rz(float(param or 0.0))
    if name == "cp":
        return np.diag([1.0, 1.0, 1.0, np.exp(1j * float(param or 0.0))]).astype(np.complex128)
    if name == "id":
        return PAULIS[0]
    return GATES[name]


def _embedded(qubits: tuple[int, ...], paulis: tuple[tuple[int, int], ...]) -> Complex:
    """The Pauli product ``paulis`` as a matrix on ``qubits`` (the first the most significant)."""
    by_qubit = dict(paulis)
    op: Complex = np.ones((1, 1), dtype=np.complex128)
    for q in qubits:
        op = np.asarray(np.kron(op, PAULIS[by_qubit.get(q, 0)]), dtype=np.complex128)
    return op


def run_program(program: Program) -> Complex:
    """The final density matrix of ``program`` (before read-out), exactly.

    Each step is the superoperator ``sum_v p_v (M_v (x) conj(M_v))`` with ``M_v = P_post U
    P_pre`` of its variants (:mod:`qfab.dqc.program`).
    """
    rho = zero_state(program.qubits)
    for step in program.steps:
        unitary = gate_unitary(step.name, step.param)
        if not step.variants:
            rho = apply_unitary(rho, unitary, step.qubits)
            continue
        d = unitary.shape[0]
        superoperator = np.zeros((d * d, d * d), dtype=np.complex128)
        for variant in step.variants:
            m = _embedded(step.qubits, variant.post) @ unitary @ _embedded(step.qubits,
                                                                           variant.pre)
            superoperator += variant.probability * np.kron(m, m.conj())
        rho = apply_superoperator(rho, superoperator, step.qubits)
    return rho


def zero_state(n: int) -> Complex:
    """``|0...0><0...0|`` on ``n`` qubits."""
    rho = np.zeros((2,) * (2 * n), dtype=np.complex128)
    rho[(0,) * (2 * n)] = 1.0
    return rho


def _qubits(rho: Complex) -> int:
    return rho.ndim // 2


def apply_unitary(rho: Complex, unitary: Complex, qubits: tuple[int, ...]) -> Complex:
    """``U rho U^dagger`` with ``U`` acting on ``qubits`` (the first the most significant)."""
    n = _qubits(rho)
    k = len(qubits)
    u = unitary.reshape((2,) * (2 * k))
    kets = list(qubits)
    bras = [n + q for q in qubits]
    out = np.tensordot(u, rho, axes=(list(range(k, 2 * k)), kets))
    out = np.moveaxis(out, list(range(k)), kets)
    out = np.tensordot(out, u.conj(), axes=(bras, list(range(k, 2 * k))))
    return np.moveaxis(out, list(range(2 * n - k, 2 * n)), bras)


def pauli_superoperator(probabilities: NDArray[np.float64]) -> Complex:
    """Superoperator of the Pauli channel ``sum_k p_k P_k rho P_k`` on one or two qubits.

    ``probabilities`` has shape ``(4,)`` or ``(4, 4)`` (Pauli indices (I, X, Y, Z), the
    first qubit first). The result ``S[(a, b), (c, d)] = sum_k p_k P_k[a, c] conj(P_k[b, d])``
    is a ``(d^2, d^2)`` matrix on ``(ket, bra)`` index pairs, ``d = 2^k``.
    """
    p = np.asarray(probabilities, dtype=np.float64)
    d = 2**p.ndim
    out = np.zeros((d * d, d * d), dtype=np.complex128)
    for index in zip(*np.nonzero(p), strict=True):
        op: Complex = np.ones((1, 1), dtype=np.complex128)
        for i in index:
            op = np.asarray(np.kron(op, PAULIS[int(i)]), dtype=np.complex128)
        out += float(p[index]) * np.kron(op, op.conj())
    return out


def apply_superoperator(rho: Complex, superoperator: Complex,
                        qubits: tuple[int, ...]) -> Complex:
    """Apply a ``(d^2, d^2)`` superoperator on (ket, bra) index pairs of ``qubits``."""
    n = _qubits(rho)
    k = len(qubits)
    s = superoperator.reshape((2,) * (4 * k))
    axes = [*qubits, *(n + q for q in qubits)]
    out = np.tensordot(s, rho, axes=(list(range(2 * k, 4 * k)), axes))
    return np.moveaxis(out, list(range(2 * k)), axes)


def apply_pauli_channel(rho: Complex, probabilities: NDArray[np.float64],
                        qubits: tuple[int, ...]) -> Complex:
    """``sum_k p_k P_k rho P_k`` for a Pauli channel on one or two qubits.

    ``probabilities`` has shape ``(4,)`` or ``(4, 4)``, Pauli indices (I, X, Y, Z) in the
    order of ``qubits``.
    """
    return apply_superoperator(rho, pauli_superoperator(probabilities), qubits)


def dephase(rho: Complex, qubit: int) -> Complex:
    """The non-selective ``Z`` measurement of ``qubit`` (its off-diagonal blocks vanish)."""
    n = _qubits(rho)
    out = rho.copy()
    index: list[slice | int] = [slice(None)] * (2 * n)
    for ket, bra in ((0, 1), (1, 0)):
        index[qubit], index[n + qubit] = ket, bra
        out[tuple(index)] = 0.0
    return out


def partial_trace(rho: Complex, keep: tuple[int, ...]) -> Complex:
    """The reduced state of the qubits ``keep`` (in that order), as a ``(2,) * 2k`` array."""
    n = _qubits(rho)
    traced = [q for q in range(n) if q not in keep]
    letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
    ket = [letters[q] for q in range(n)]
    bra = [letters[n + q] for q in range(n)]
    for q in traced:
        bra[q] = ket[q]
    out = "".join(ket[q] for q in keep) + "".join(bra[q] for q in keep)
    result: Complex = np.einsum("".join(ket) + "".join(bra) + "->" + out, rho)
    return result


def basis_probabilities(rho: Complex, qubits: tuple[int, ...]) -> NDArray[np.float64]:
    """Probabilities of the computational outcomes of ``qubits``, shape ``(2,) * k``.

    Index ``[b_0, b_1, ...]`` is the outcome with ``qubits[i]`` found in ``b_i``.
    """
    n = _qubits(rho)
    diagonal = np.real(np.einsum(
        "".join(chr(97 + q) for q in range(n)) * 2 + "->"
        + "".join(chr(97 + q) for q in range(n)), rho))
    others = tuple(q for q in range(n) if q not in qubits)
    marginal = diagonal.sum(axis=others) if others else diagonal
    kept = [q for q in range(n) if q in qubits]
    order = [kept.index(q) for q in qubits]
    probs: NDArray[np.float64] = np.clip(np.transpose(marginal, order), 0.0, 1.0)
    return probs
