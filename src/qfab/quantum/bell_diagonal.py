"""Bell-diagonal pair state: four coefficients, the default formalism of the event simulation.

All physics comes from :mod:`qfab.physics.bell_diagonal` and :mod:`qfab.physics.memory`.
Memory decoherence is the Pauli-twirled T1/T2 channel (exact fidelity unless both qubits
relax, see :func:`qfab.physics.memory.decohere`).
"""

from __future__ import annotations

from typing import Self

import numpy as np
from numpy.typing import ArrayLike, NDArray

from qfab.physics import bell_diagonal as bd
from qfab.physics import memory

__all__ = ["BellDiagonalState"]

_INF = float("inf")


class BellDiagonalState:
    """Immutable Bell-diagonal state of one pair.

    Parameters
    ----------
    vector : array_like
        Coefficients of ``(Phi+, Psi-, Psi+, Phi-)``, shape ``(4,)``, non-negative and
        summing to 1 (within 1e-9; the stored vector is renormalised).
    """

    __slots__ = ("_vector",)

    def __init__(self, vector: ArrayLike) -> None:
        vec = np.array(vector, dtype=np.float64)
        if vec.shape != (4,) or not bd.is_normalized(vec):
            raise ValueError(
                f"vector: must be 4 non-negative Bell coefficients summing to 1, got {vec!r}"
            )
        vec = bd.normalize(vec)
        vec.flags.writeable = False
        self._vector: NDArray[np.float64] = vec

    @property
    def vector(self) -> NDArray[np.float64]:
        """The (read-only) Bell vector."""
        return self._vector

    def __repr__(self) -> str:
        return f"BellDiagonalState({self._vector.tolist()!r})"

    def fidelity(self) -> float:
        """Fidelity with ``Phi+``."""
        return float(self._vector[0])

    def bell_vector(self) -> NDArray[np.float64]:
        """Copy of the Bell vector, shape ``(4,)``."""
        return self._vector.copy()

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
        """Apply the Pauli-twirled T1/T2 channels (:func:`qfab.physics.memory.decohere`)."""
        out = memory.decohere(
            self._vector, t_a, t_b, t1_a=t1_a, t2_a=t2_a, t1_b=t1_b, t2_b=t2_b
        )
        return type(self)(out)

    def depolarize(self, p: float) -> Self:
        """Replace by ``I/4`` with probability ``p`` (:func:`qfab.physics.depolarize`)."""
        return type(self)(bd.depolarize(self._vector, p))

    def exchanged(self) -> Self:
        """Bell-diagonal states are symmetric under exchange of the two qubits."""
        return self

    def swap(
        self,
        other: Self,
        *,
        gate_depolarization: float = 0.0,
        measurement_error: float = 0.0,
        rng: np.random.Generator | None = None,
    ) -> Self:
        """Entanglement swap (:func:`qfab.physics.swap`).

        ``rng`` is accepted for interface compatibility and not used: for Bell-diagonal
        inputs every outcome is equally likely and leaves the same corrected state.
        """
        if not isinstance(other, BellDiagonalState):
            raise TypeError(f"other: expected BellDiagonalState, got {type(other).__name__}")
        out = bd.swap(
            self._vector,
            other._vector,
            gate_depolarization=gate_depolarization,
            measurement_error=measurement_error,
        )
        return type(self)(out)

    @classmethod
    def from_bell_vector(cls, v: ArrayLike) -> Self:
        """State with Bell coefficients ``v``."""
        return cls(v)

    @classmethod
    def werner(cls, fidelity: float) -> Self:
        """Werner state with the given fidelity (:func:`qfab.physics.werner`)."""
        return cls(bd.werner(fidelity))
