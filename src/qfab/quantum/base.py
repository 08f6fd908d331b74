"""The interface shared by the pair-state formalisms of the event simulation."""

from __future__ import annotations

from typing import Any, Protocol, Self, runtime_checkable

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = ["PairState", "StorageChannel"]

_INF = float("inf")


class StorageChannel(Protocol):
    """What a pair state needs of a memory (:class:`qfab.memorymodel.MemoryModel` is one).

    Attributes
    ----------
    decay_rates
        Decay rates (1/s) of the Klein-group characters 1, 2, 3 of a pair one of whose
        qubits is stored (:mod:`qfab.physics.memory`).
    """

    @property
    def decay_rates(self) -> tuple[float, float, float]:
        """Character decay rates (1/s)."""
        ...

    def kraus(self, wait: float) -> NDArray[Any]:
        """Kraus operators, shape ``(k, 2, 2)``, of a qubit stored ``wait`` s."""
        ...


@runtime_checkable
class PairState(Protocol):
    """State of one entangled pair of qubits, side ``a`` and side ``b``.

    Implementations are immutable: every operation returns a new object. The target state
    is ``Phi+``; Bell vectors are ordered ``(Phi+, Psi-, Psi+, Phi-)`` as in
    :mod:`qfab.physics.bell_diagonal`. Times are in seconds.
    """

    def fidelity(self) -> float:
        """Fidelity ``<Phi+|rho|Phi+>`` of the pair."""
        ...

    def bell_vector(self) -> NDArray[np.float64]:
        """Diagonal of the state in the Bell basis, shape ``(4,)`` (its Pauli twirl)."""
        ...

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
        """State after qubit a waited ``t_a`` and qubit b ``t_b`` seconds in their memories.

        ``t1_*`` are relaxation times and ``t2_*`` total coherence times
        (``T2 <= 2 T1``; ``inf`` for no decay).
        """
        ...

    def stored(self, t_a: float, t_b: float, memory_a: StorageChannel,
               memory_b: StorageChannel) -> Self:
        """State after qubit a was stored ``t_a`` s in ``memory_a`` and qubit b ``t_b`` s in
        ``memory_b`` (times finite and ``>= 0``; unchecked)."""
        ...

    def depolarize(self, p: float) -> Self:
        """State after being replaced by ``I/4`` with probability ``p``."""
        ...

    def exchanged(self) -> Self:
        """The same state with sides ``a`` and ``b`` exchanged."""
        ...

    def swap(
        self,
        other: Self,
        *,
        gate_depolarization: float = 0.0,
        measurement_error: float = 0.0,
        rng: np.random.Generator | None = None,
    ) -> Self:
        """Entanglement swap: Bell measurement on ``self``'s b and ``other``'s a.

        Returns the pair of ``self``'s a and ``other``'s b after the Pauli correction.
        ``gate_depolarization`` depolarises the result with that probability;
        ``measurement_error`` flips each of the two outcome bits with that probability.
        With ``rng`` an implementation may sample the measurement outcome instead of
        averaging over outcomes.
        """
        ...

    def purify(self, other: Self, scheme: str, *,
               parity_error: float = 0.0) -> tuple[Self, float]:
        """One round of recurrence purification of ``self`` with ``other``.

        ``self`` is the kept (control) pair and ``other`` the sacrificed (target) pair,
        with their sides ``a`` at one node and ``b`` at the other. Each node applies the
        scheme's local operations and a CNOT from its qubit of ``self`` to its qubit of
        ``other``, measures the latter in Z, and the round succeeds when the two outcomes
        agree. ``scheme`` is ``"bbpssw"`` (Bennett et al., PRL 76, 722 (1996)) or
        ``"dejmps"`` (Deutsch et al., PRL 77, 2818 (1996)), as in
        :mod:`qfab.physics.bell_diagonal`. ``parity_error`` is the probability that the
        two read-out bits compare wrongly (:func:`qfab.physics.purification.parity_error`
        of the nodes' measurement errors): the pair is then kept on outcomes that disagree.

        Returns the kept pair's state on success and the success probability. Gate noise is
        not included (apply :meth:`depolarize` to the result).
        """
        ...

    @classmethod
    def from_bell_vector(cls, v: ArrayLike) -> Self:
        """Bell-diagonal state with coefficients ``v`` (shape ``(4,)``, summing to 1)."""
        ...

    @classmethod
    def werner(cls, fidelity: float) -> Self:
        """Werner state with the given fidelity."""
        ...
