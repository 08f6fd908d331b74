"""Bell-diagonal pair state: the default formalism of the event simulation.

A Bell-diagonal state is a distribution over one-sided Pauli errors (Phi+ ~ I, Psi- ~ Y,
Psi+ ~ X, Phi- ~ Z; :mod:`qfab.physics.bell_diagonal`). This class keeps it as the four
Klein-group characters of that distribution (:func:`qfab.physics.bell_diagonal.characters`),
in which every operation the simulation needs is a product of four numbers:

* swapping (Dür, Briegel, Cirac, Zoller, PRA 59, 169 (1999)) multiplies the characters of
  the two pairs and those of the swap's noise,
  :func:`qfab.physics.bell_diagonal.swap_noise_characters`;
* a qubit stored for ``t`` in a Pauli-diagonal memory multiplies them by
  ``(1, e^{-r1 t}, e^{-r2 t}, e^{-r3 t})`` with the memory's character decay rates
  (:func:`qfab.physics.memory.pauli_memory_characters`); for T1/T2 these are
  ``(1/T1, 1/T2, 1/T2)`` (Ghosh, Fowler, Geller, PRA 86, 062318 (2012));
* depolarizing multiplies them by :func:`qfab.physics.bell_diagonal.depolarizing_characters`.

Only the products are written here, on Python floats, for the speed of the event
simulation; the characters themselves come from :mod:`qfab.physics`, and the tests hold
every operation equal to the array functions there. Memory decoherence is exact in
fidelity unless both qubits relax (see :func:`qfab.physics.memory.decohere`).
"""

from __future__ import annotations

import math
from typing import Self

import numpy as np
from numpy.typing import ArrayLike, NDArray

from qfab.physics import bell_diagonal as bd, memory, purification
from qfab.quantum.base import StorageChannel

__all__ = ["BellDiagonalState"]

_INF = float("inf")



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
        chars = bd.characters(bd.normalize(vec))
        self._chars = (1.0, float(chars[1]), float(chars[2]), float(chars[3]))

    @classmethod
    def _from_chars(cls, chars: tuple[float, float, float, float]) -> Self:
        state = cls.__new__(cls)
        state._chars = chars
        return state

    @property
    def vector(self) -> NDArray[np.float64]:
        """The (read-only) Bell vector ``(Phi+, Psi-, Psi+, Phi-)``."""
        out = np.asarray(bd.from_characters(np.array(self._chars)), dtype=np.float64)
        out.flags.writeable = False
        return out

    def __repr__(self) -> str:
        return f"BellDiagonalState({self.vector.tolist()!r})"

    def fidelity(self) -> float:
        """Fidelity with ``Phi+``."""
        # bd.fidelity_from_characters on four floats, written out for the hot path
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
        """Apply the Pauli-twirled T1/T2 channel to each qubit
        (:func:`qfab.physics.memory.decohere`).

        Raises
        ------
        ValueError
            If a time is negative or not finite, or ``T2 > 2 T1`` on a side.
        """
        if not (0.0 <= t_a < _INF and 0.0 <= t_b < _INF):
            raise ValueError(f"t: storage times must be finite and >= 0, got {t_a!r}, {t_b!r}")
        if t2_a > 2 * t1_a or t2_b > 2 * t1_b or min(t1_a, t2_a, t1_b, t2_b) <= 0:
            raise ValueError("t2: the total coherence time must satisfy 0 < T2 <= 2 T1")
        ra1, ra2, ra3 = memory.t1_t2_decay_rates(t1_a, t2_a)
        rb1, rb2, rb3 = memory.t1_t2_decay_rates(t1_b, t2_b)
        return self.decayed(math.exp(-t_a * ra1 - t_b * rb1), math.exp(-t_a * ra2 - t_b * rb2),
                            math.exp(-t_a * ra3 - t_b * rb3))

    def stored(self, t_a: float, t_b: float, memory_a: StorageChannel,
               memory_b: StorageChannel) -> Self:
        """The state after qubit a was stored ``t_a`` s in ``memory_a`` and qubit b ``t_b`` s
        in ``memory_b``: the characters times
        :func:`qfab.physics.memory.pauli_memory_characters` of each memory.

        Unchecked (times finite and ``>= 0``): the event simulation's hot path.
        """
        ra1, ra2, ra3 = memory_a.decay_rates
        rb1, rb2, rb3 = memory_b.decay_rates
        c0, c1, c2, c3 = self._chars
        state = object.__new__(type(self))  # _from_chars, inlined for the hot path
        state._chars = (c0, c1 * math.exp(-t_a * ra1 - t_b * rb1),
                        c2 * math.exp(-t_a * ra2 - t_b * rb2),
                        c3 * math.exp(-t_a * ra3 - t_b * rb3))
        return state

    def decayed(self, first: float, second: float, third: float | None = None) -> Self:
        """The state with its characters 1, 2, 3 multiplied by ``first``, ``second`` and
        ``third`` (``second`` when not given), e.g. :meth:`decohere`'s
        ``exp(-t_a/T1_a - t_b/T1_b)`` and ``exp(-t_a/T2_a - t_b/T2_b)``. Unchecked."""
        c0, c1, c2, c3 = self._chars
        return self._from_chars((c0, c1 * first, c2 * second,
                                 c3 * (second if third is None else third)))

    def depolarize(self, p: float) -> Self:
        """Replace by ``I/4`` with probability ``p``
        (:func:`qfab.physics.bell_diagonal.depolarize`)."""
        if not 0.0 <= p <= 1.0:
            raise ValueError(f"p: must be a probability in [0, 1], got {p!r}")
        _, k1, k2, k3 = bd.depolarizing_characters(p)
        c0, c1, c2, c3 = self._chars
        return self._from_chars((c0, c1 * k1, c2 * k2, c3 * k3))

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
        state = object.__new__(type(self))  # _from_chars, inlined for the hot path
        if gate_depolarization or measurement_error:
            _, n1, n2, n3 = bd.swap_noise_characters(gate_depolarization, measurement_error)
            state._chars = (a0 * b0, a1 * b1 * n1, a2 * b2 * n2, a3 * b3 * n3)
        else:  # noiseless swap: its noise characters are all 1
            state._chars = (a0 * b0, a1 * b1, a2 * b2, a3 * b3)
        return state

    def purify(self, other: Self, scheme: str, *,
               parity_error: float = 0.0) -> tuple[Self, float]:
        """One recurrence round with ``other`` sacrificed: the scheme's Bell-vector map
        from :func:`qfab.physics.purification.scheme`, read-out errors included.

        Raises
        ------
        ValueError
            If ``scheme`` is not a known purification scheme.
        """
        if not isinstance(other, BellDiagonalState):
            raise TypeError(f"other: expected BellDiagonalState, got {type(other).__name__}")
        try:
            purifier = purification.scheme(scheme)
        except KeyError as error:
            raise ValueError(f"scheme: {error.args[0]}") from None
        out, p_success = purifier(self.vector, other.vector, parity_error=parity_error)
        return type(self)(out), float(p_success)

    @classmethod
    def from_bell_vector(cls, v: ArrayLike) -> Self:
        """State with Bell coefficients ``v``."""
        return cls(v)

    @classmethod
    def werner(cls, fidelity: float) -> Self:
        """Werner state with the given fidelity (:func:`qfab.physics.bell_diagonal.werner`)."""
        return cls(bd.werner(fidelity))
