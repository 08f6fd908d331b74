"""Bell-diagonal pair state: the default formalism of the event simulation.

A Bell-diagonal state is a distribution over one-sided Pauli errors (Phi+ ~ I, Psi- ~ Y,
Psi+ ~ X, Phi- ~ Z; :mod:`qfab.physics.bell_diagonal`). This class keeps it as the four
characters of that distribution over the Klein group ``Z2 x Z2``, in which every operation
the simulation needs is a product of four numbers:

* swapping (Dür, Briegel, Cirac, Zoller, PRA 59, 169 (1999)) convolves the two error
  distributions, i.e. multiplies characters (:func:`qfab.physics.bell_diagonal.swap`);
* the Pauli-twirled T1/T2 memory channel of a qubit stored for ``t`` multiplies the
  characters by ``(1, e^{-t/T1}, e^{-t/T2}, e^{-t/T2})``, its Pauli-transfer eigenvalues
  (Ghosh, Fowler, Geller, PRA 86, 062318 (2012); :func:`qfab.physics.memory.decohere`);
* depolarizing with probability ``p`` scales the three non-trivial characters by ``1 - p``;
* Bell-measurement bit flips with probability ``e`` give characters
  ``(1, 1 - 2e, 1 - 2e, (1 - 2e)^2)`` (:func:`qfab.physics.bell_diagonal.swap_measurement_error_channel`).

The tests check every operation against the reference functions in :mod:`qfab.physics`.
Memory decoherence is exact in fidelity unless both qubits relax (see
:func:`qfab.physics.memory.decohere`).
"""

from __future__ import annotations

import math
from typing import Self

import numpy as np
from numpy.typing import ArrayLike, NDArray

from qfab.physics import bell_diagonal as bd

__all__ = ["BellDiagonalState"]

_INF = float("inf")

#: The recurrence purification schemes, by name (their Bell-vector maps).
_PURIFIERS = {"bbpssw": bd.bbpssw, "dejmps": bd.dejmps}


class BellDiagonalState:
    """Immutable Bell-diagonal state of one pair.

    Parameters
    ----------
    vector : array_like
        Coefficients of ``(Phi+, Psi-, Psi+, Phi-)``, shape ``(4,)``, non-negative and
        summing to 1 (within 1e-9; the stored state is renormalised).
    """

    __slots__ = ("_chars",)

    def __init__(self, vector: ArrayLike) -> None:
        vec = np.array(vector, dtype=np.float64)
        if vec.shape != (4,) or not bd.is_normalized(vec):
            raise ValueError(
                f"vector: must be 4 non-negative Bell coefficients summing to 1, got {vec!r}"
            )
        i, y, x, z = (float(c) for c in bd.normalize(vec))
        self._chars = (1.0, i - x - y + z, i + x - y - z, i - x + y - z)

    @classmethod
    def _from_chars(cls, chars: tuple[float, float, float, float]) -> Self:
        state = cls.__new__(cls)
        state._chars = chars
        return state

    @property
    def vector(self) -> NDArray[np.float64]:
        """The (read-only) Bell vector ``(Phi+, Psi-, Psi+, Phi-)``."""
        c0, c1, c2, c3 = self._chars
        out = np.array([(c0 + c1 + c2 + c3) / 4, (c0 - c1 - c2 + c3) / 4,
                        (c0 - c1 + c2 - c3) / 4, (c0 + c1 - c2 - c3) / 4])
        out.flags.writeable = False
        return out

    def __repr__(self) -> str:
        return f"BellDiagonalState({self.vector.tolist()!r})"

    def fidelity(self) -> float:
        """Fidelity with ``Phi+``."""
        c0, c1, c2, c3 = self._chars
        return (c0 + c1 + c2 + c3) / 4

    def bell_vector(self) -> NDArray[np.float64]:
        """Copy of the Bell vector, shape ``(4,)``."""
        return self.vector.copy()

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
        """Apply the Pauli-twirled T1/T2 channel to each qubit (:func:`qfab.physics.memory.decohere`).

        Raises
        ------
        ValueError
            If a time is negative or not finite, or ``T2 > 2 T1`` on a side.
        """
        if not (0.0 <= t_a < _INF and 0.0 <= t_b < _INF):
            raise ValueError(f"t: storage times must be finite and >= 0, got {t_a!r}, {t_b!r}")
        if t2_a > 2 * t1_a or t2_b > 2 * t1_b or min(t1_a, t2_a, t1_b, t2_b) <= 0:
            raise ValueError("t2: the total coherence time must satisfy 0 < T2 <= 2 T1")
        return self.decayed(math.exp(-t_a / t1_a - t_b / t1_b),
                            math.exp(-t_a / t2_a - t_b / t2_b))

    def decayed(self, relax: float, dephase: float) -> Self:
        """The state after memory decay with the character factors of :meth:`decohere`:
        ``relax`` (the Psi- one, ``exp(-t_a/T1_a - t_b/T1_b)``) and ``dephase`` (the other
        two, with T2). Unchecked: the event simulation's hot path."""
        c0, c1, c2, c3 = self._chars
        return self._from_chars((c0, c1 * relax, c2 * dephase, c3 * dephase))

    def depolarize(self, p: float) -> Self:
        """Replace by ``I/4`` with probability ``p`` (:func:`qfab.physics.bell_diagonal.depolarize`)."""
        if not 0.0 <= p <= 1.0:
            raise ValueError(f"p: must be a probability in [0, 1], got {p!r}")
        keep = 1.0 - p
        c0, c1, c2, c3 = self._chars
        return self._from_chars((c0, c1 * keep, c2 * keep, c3 * keep))

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
        """Entanglement swap (:func:`qfab.physics.bell_diagonal.swap`).

        ``rng`` is accepted for interface compatibility and not used: for Bell-diagonal
        inputs every outcome is equally likely and leaves the same corrected state.
        """
        if not isinstance(other, BellDiagonalState):
            raise TypeError(f"other: expected BellDiagonalState, got {type(other).__name__}")
        if not (0.0 <= gate_depolarization <= 1.0 and 0.0 <= measurement_error <= 1.0):
            raise ValueError("gate_depolarization and measurement_error must be in [0, 1]")
        a0, a1, a2, a3 = self._chars
        b0, b1, b2, b3 = other._chars
        keep = 1.0 - gate_depolarization
        flip = 1.0 - 2.0 * measurement_error
        return self._from_chars((a0 * b0, a1 * b1 * keep * flip, a2 * b2 * keep * flip,
                                 a3 * b3 * keep * flip * flip))

    def purify(self, other: Self, scheme: str) -> tuple[Self, float]:
        """One recurrence round with ``other`` sacrificed
        (:func:`qfab.physics.bell_diagonal.bbpssw`, :func:`qfab.physics.bell_diagonal.dejmps`).

        Raises
        ------
        ValueError
            If ``scheme`` is not a known purification scheme.
        """
        if not isinstance(other, BellDiagonalState):
            raise TypeError(f"other: expected BellDiagonalState, got {type(other).__name__}")
        purifier = _PURIFIERS.get(scheme)
        if purifier is None:
            raise ValueError(f"scheme: expected one of {sorted(_PURIFIERS)}, got {scheme!r}")
        out, p_success = purifier(self.vector, other.vector)
        return type(self)(out), float(p_success)

    @classmethod
    def from_bell_vector(cls, v: ArrayLike) -> Self:
        """State with Bell coefficients ``v``."""
        return cls(v)

    @classmethod
    def werner(cls, fidelity: float) -> Self:
        """Werner state with the given fidelity (:func:`qfab.physics.bell_diagonal.werner`)."""
        return cls(bd.werner(fidelity))
