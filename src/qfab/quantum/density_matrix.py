"""Density-matrix pair state: a full 4x4 matrix, the reference formalism for small checks.

Qubit order is ``(a, b)``: basis ``|ab>`` with ``a`` the most significant bit. Memory
decoherence applies the exact Kraus operators of each memory
(:meth:`qfab.memorymodel.MemoryModel.kraus`, e.g. :func:`qfab.physics.memory.t1_t2_kraus`)
to its qubit; an entanglement swap is an explicit Bell measurement on the two
middle qubits of the 4-qubit state followed by the Pauli correction of its outcome; a
purification round is an explicit bilateral CNOT on the 4-qubit state of the two pairs, a Z
measurement of the target pair and post-selection on agreeing outcomes.
"""

from __future__ import annotations

from typing import Any, Self

import numpy as np
from numpy.typing import ArrayLike, NDArray

from qfab.physics import bell_diagonal as bd, memory
from qfab.quantum.base import StorageChannel

__all__ = ["BELL_BASIS", "PAULIS", "DensityMatrixState"]

_INF = float("inf")
_S = 1.0 / np.sqrt(2.0)

#: Columns are the Bell states ``(Phi+, Psi-, Psi+, Phi-)`` in the basis ``|00>, |01>, |10>, |11>``.
BELL_BASIS: NDArray[np.complex128] = np.array(
    [
        [_S, 0.0, 0.0, _S],
        [0.0, _S, _S, 0.0],
        [0.0, -_S, _S, 0.0],
        [_S, 0.0, 0.0, -_S],
    ],
    dtype=np.complex128,
)
BELL_BASIS.flags.writeable = False

#: Pauli matrices ``(I, X, Y, Z)``.
PAULIS: NDArray[np.complex128] = np.array(
    [
        [[1, 0], [0, 1]],
        [[0, 1], [1, 0]],
        [[0, -1j], [1j, 0]],
        [[1, 0], [0, -1]],
    ],
    dtype=np.complex128,
)
PAULIS.flags.writeable = False

_I2 = np.eye(2, dtype=np.complex128)
# Pauli (index into PAULIS) that takes Phi+ to each Bell state of BELL_BASIS: I, Y, X, Z.
_BELL_PAULI_INDEX = (0, 2, 1, 3)
# Bell states of (b1, a2) as 2x2 amplitude arrays, [k, x, y] = <x y|B_k>.
_BELL_AMPLITUDES = BELL_BASIS.T.reshape(4, 2, 2)


def _on_b(op: NDArray[np.complex128]) -> NDArray[np.complex128]:
    return np.asarray(np.kron(_I2, op), dtype=np.complex128)


def _bilateral_cnot() -> NDArray[np.complex128]:
    """CNOT a1 -> a2 and b1 -> b2 on qubits ``(a1, b1, a2, b2)`` (``a1`` most significant)."""
    cnot = np.zeros((16, 16), dtype=np.complex128)
    for index in range(16):
        a1, b1, a2, b2 = (index >> 3) & 1, (index >> 2) & 1, (index >> 1) & 1, index & 1
        cnot[(a1 << 3) | (b1 << 2) | ((a2 ^ a1) << 1) | (b2 ^ b1), index] = 1.0
    return cnot


def _rx(angle: float) -> NDArray[np.complex128]:
    """Rotation ``exp(-i angle X / 2)`` of one qubit."""
    return np.array([[np.cos(angle / 2), -1j * np.sin(angle / 2)],
                     [-1j * np.sin(angle / 2), np.cos(angle / 2)]], dtype=np.complex128)


def _local(op_a: NDArray[np.complex128], op_b: NDArray[np.complex128]) -> NDArray[np.complex128]:
    """``op_a`` on a1 and a2, ``op_b`` on b1 and b2 (qubits ``(a1, b1, a2, b2)``)."""
    pair = np.kron(op_a, op_b)
    return np.asarray(np.kron(pair, pair), dtype=np.complex128)


def _frozen(matrix: NDArray[np.complex128]) -> NDArray[np.complex128]:
    matrix.flags.writeable = False
    return matrix


#: Each scheme's round as one unitary on ``(a1, b1, a2, b2)``: its local operations, then
#: the bilateral CNOT. DEJMPS: Alice ``Rx(+pi/2)``, Bob ``Rx(-pi/2)`` on both of their
#: qubits (Deutsch et al., PRL 77, 2818 (1996)); BBPSSW: none (its twirls are applied to the
#: pairs before and after, Bennett et al., PRL 76, 722 (1996)).
_ROUNDS: dict[str, NDArray[np.complex128]] = {
    "bbpssw": _frozen(_bilateral_cnot()),
    "dejmps": _frozen(_bilateral_cnot() @ _local(_rx(np.pi / 2), _rx(-np.pi / 2))),
}
#: Schemes that twirl the pairs into Werner states before the round and the kept pair after.
_TWIRLED = frozenset({"bbpssw"})


class DensityMatrixState:
    """Immutable two-qubit density matrix of one pair.

    Parameters
    ----------
    rho : array_like
        4x4 Hermitian, positive semidefinite matrix of unit trace (checked within 1e-9),
        in the basis ``|00>, |01>, |10>, |11>`` of qubits ``(a, b)``.
    """

    __slots__ = ("_rho",)

    def __init__(self, rho: ArrayLike) -> None:
        mat = np.array(rho, dtype=np.complex128)
        if mat.shape != (4, 4):
            raise ValueError(f"rho: must be a 4x4 matrix, got shape {mat.shape}")
        if not np.allclose(mat, mat.conj().T, atol=1e-9):
            raise ValueError("rho: must be Hermitian")
        if abs(np.trace(mat).real - 1.0) > 1e-9:
            raise ValueError(f"rho: trace must be 1, got {np.trace(mat).real!r}")
        if np.min(np.linalg.eigvalsh(mat)) < -1e-9:
            raise ValueError("rho: must be positive semidefinite")
        mat = (mat + mat.conj().T) / 2
        mat.flags.writeable = False
        self._rho: NDArray[np.complex128] = mat

    @property
    def rho(self) -> NDArray[np.complex128]:
        """The (read-only) density matrix."""
        return self._rho

    def __repr__(self) -> str:
        return f"DensityMatrixState(fidelity={self.fidelity():.6g})"

    def fidelity(self) -> float:
        """Fidelity ``<Phi+|rho|Phi+>``."""
        phi = BELL_BASIS[:, 0]
        return float(np.real(phi.conj() @ self._rho @ phi))

    def bell_vector(self) -> NDArray[np.float64]:
        """Diagonal of ``rho`` in the Bell basis, shape ``(4,)``."""
        diag = np.einsum("ik,ij,jk->k", BELL_BASIS.conj(), self._rho, BELL_BASIS)
        return np.asarray(np.clip(np.real(diag), 0.0, None), dtype=np.float64)

    def decohere(
        self,
        t_a: float,
        t_b: float,
        *,
        t1_a: float = _INF,
        t2_a: float = _INF,
        t1_b: float = _INF,
        t2_b: float = _INF,
    ) -> Self:
        """Apply amplitude damping + pure dephasing Kraus operators to each qubit.

        Uses :func:`qfab.physics.memory.t1_t2_kraus` (``|1>`` decays to ``|0>``).
        """
        return self._with_kraus(memory.t1_t2_kraus(t_a, t1=t1_a, t2=t2_a),
                                memory.t1_t2_kraus(t_b, t1=t1_b, t2=t2_b))

    def stored(self, t_a: float, t_b: float, memory_a: StorageChannel,
               memory_b: StorageChannel) -> Self:
        """Apply the exact channel of each memory (its Kraus operators) to its qubit."""
        return self._with_kraus(memory_a.kraus(t_a), memory_b.kraus(t_b))

    def _with_kraus(self, kraus_a: NDArray[Any], kraus_b: NDArray[Any]) -> Self:
        rho = self._rho
        for kraus, lift in ((kraus_a, lambda k: np.kron(k, _I2)), (kraus_b, _on_b)):
            ops = [lift(k.astype(np.complex128)) for k in kraus]
            rho = sum((op @ rho @ op.conj().T for op in ops), np.zeros((4, 4), np.complex128))
        return type(self)(rho)

    def depolarize(self, p: float) -> Self:
        """``rho -> (1 - p) rho + p I/4``."""
        if not 0.0 <= p <= 1.0:
            raise ValueError(f"p: must be a probability in [0, 1], got {p!r}")
        return type(self)((1.0 - p) * self._rho + p * np.eye(4) / 4.0)

    def exchanged(self) -> Self:
        """Exchange qubits a and b (conjugation by the two-qubit SWAP)."""
        rho = self._rho.reshape(2, 2, 2, 2).transpose(1, 0, 3, 2).reshape(4, 4)
        return type(self)(rho)

    def swap(
        self,
        other: Self,
        *,
        gate_depolarization: float = 0.0,
        measurement_error: float = 0.0,
        rng: np.random.Generator | None = None,
    ) -> Self:
        """Entanglement swap by an explicit Bell measurement on (self.b, other.a).

        The 4-qubit state ``rho_self ⊗ rho_other`` (qubits a1, b1, a2, b2) is projected on
        each Bell state ``B_k`` of (b1, a2); the remaining (a1, b2) state gets the Pauli
        correction ``sigma_k`` on b2 (``I, Y, X, Z`` for ``Phi+, Psi-, Psi+, Phi-``). Each
        outcome bit is read wrongly with probability ``measurement_error`` (a flipped
        parity bit leaves an X error, a flipped phase bit a Z error), and the result is
        depolarised with probability ``gate_depolarization``.

        Without ``rng`` the outcomes are averaged, weighted by their probabilities; with
        ``rng`` the outcome and the bit flips are sampled (the depolarisation stays a
        channel).
        """
        if not isinstance(other, DensityMatrixState):
            raise TypeError(f"other: expected DensityMatrixState, got {type(other).__name__}")
        if not 0.0 <= gate_depolarization <= 1.0:
            raise ValueError(f"gate_depolarization: must be in [0, 1], got {gate_depolarization!r}")
        flips = bd.swap_measurement_error_channel(measurement_error)  # (p_I, p_X, p_Y, p_Z)
        joint = np.kron(self._rho, other._rho).reshape((2,) * 8)
        # post[k] = <B_k|_(b1 a2) rho |B_k>_(b1 a2), a 4x4 matrix of (a1, b2), unnormalised.
        post = np.einsum(
            "kxy,axydeuvh,kuv->kadeh", _BELL_AMPLITUDES.conj(), joint, _BELL_AMPLITUDES
        ).reshape(4, 4, 4)
        corrections = [_on_b(PAULIS[i]) for i in _BELL_PAULI_INDEX]
        if rng is None:
            rho = sum(
                (c @ post[k] @ c.conj().T for k, c in enumerate(corrections)),
                np.zeros((4, 4), np.complex128),
            )
            rho = sum(
                (float(flips[i]) * _on_b(PAULIS[i]) @ rho @ _on_b(PAULIS[i]).conj().T
                 for i in range(4)),
                np.zeros((4, 4), np.complex128),
            )
        else:
            probs = np.clip(np.real(np.einsum("kii->k", post)), 0.0, None)
            k = int(rng.choice(4, p=probs / probs.sum()))
            c = corrections[k]
            rho = c @ post[k] @ c.conj().T / probs[k]
            flip = _on_b(PAULIS[int(rng.choice(4, p=flips))])
            rho = flip @ rho @ flip.conj().T
        rho = (1.0 - gate_depolarization) * rho + gate_depolarization * np.eye(4) / 4.0
        return type(self)(rho)

    def purify(self, other: Self, scheme: str, *,
               parity_error: float = 0.0) -> tuple[Self, float]:
        """One recurrence round on the density matrices, with ``other`` sacrificed.

        The 4-qubit state ``rho_self ⊗ rho_other`` (qubits a1, b1, a2, b2) goes through the
        scheme's local operations and the bilateral CNOT (a1 -> a2, b1 -> b2); a2 and b2 are
        measured in Z and the kept (a1, b1) state is the sum of its projections on the
        agreeing outcomes ``00`` and ``11``, whose trace is the success probability. With
        ``parity_error`` ``q`` (the read-out bits compare wrongly,
        :func:`qfab.physics.purification.parity_error`) the kept state is ``1 - q`` times
        that sum plus ``q`` times the projections on ``01`` and ``10``.
        BBPSSW first twirls both pairs into Werner states of the same fidelity and twirls
        the kept pair again (a physical operation: random bilateral rotations ``U ⊗ U*``,
        :func:`qfab.physics.bell_diagonal.twirl`); DEJMPS twirls nothing, so the
        off-diagonal terms of the pairs carry through. On Bell-diagonal inputs the result
        is :func:`qfab.physics.bell_diagonal.bbpssw` or
        :func:`qfab.physics.bell_diagonal.dejmps`.

        Raises
        ------
        ValueError
            If ``scheme`` is not a known purification scheme.
        """
        if not isinstance(other, DensityMatrixState):
            raise TypeError(f"other: expected DensityMatrixState, got {type(other).__name__}")
        unitary = _ROUNDS.get(scheme)
        if unitary is None:
            raise ValueError(f"scheme: expected one of {sorted(_ROUNDS)}, got {scheme!r}")
        twirled = scheme in _TWIRLED
        kept = self._twirled() if twirled else self._rho
        sacrificed = other._twirled() if twirled else other._rho
        joint = unitary @ np.kron(kept, sacrificed) @ unitary.conj().T
        tensor = joint.reshape(2, 2, 2, 2, 2, 2, 2, 2)  # (a1 b1 a2 b2), (a1' b1' a2' b2')
        out = (tensor[:, :, 0, 0, :, :, 0, 0] + tensor[:, :, 1, 1, :, :, 1, 1]).reshape(4, 4)
        if parity_error:
            odd = (tensor[:, :, 0, 1, :, :, 0, 1] + tensor[:, :, 1, 0, :, :, 1, 0]).reshape(4, 4)
            out = (1.0 - parity_error) * out + parity_error * odd
        p_success = float(np.real(np.trace(out)))
        if p_success <= 0.0:
            return type(self)(np.eye(4) / 4.0), 0.0
        state = type(self)(out / p_success)
        if twirled:
            state = type(self)(state._twirled())
        return state, p_success

    def _twirled(self) -> NDArray[np.complex128]:
        """The Werner state with this state's fidelity
        (:func:`qfab.physics.bell_diagonal.twirl`)."""
        werner = bd.twirl(self.bell_vector())
        return np.asarray(BELL_BASIS @ np.diag(werner) @ BELL_BASIS.conj().T,
                          dtype=np.complex128)

    @classmethod
    def from_bell_vector(cls, v: ArrayLike) -> Self:
        """Bell-diagonal density matrix ``sum_k v_k |B_k><B_k|``."""
        vec = np.asarray(v, dtype=np.float64)
        if vec.shape != (4,) or not bd.is_normalized(vec):
            raise ValueError(
                f"v: must be 4 non-negative Bell coefficients summing to 1, got {vec!r}")
        return cls(BELL_BASIS @ np.diag(vec) @ BELL_BASIS.conj().T)

    @classmethod
    def werner(cls, fidelity: float) -> Self:
        """Werner state with the given fidelity."""
        return cls.from_bell_vector(bd.werner(fidelity))
