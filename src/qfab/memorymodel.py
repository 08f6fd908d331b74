"""From a node's memory spec to what every engine needs of its memory.

This is the one place where a memory ``kind`` is mapped onto the formulas of
:mod:`qfab.physics.memory`; the engines only use :class:`MemoryModel`. A new kind of memory
adds a spec class (``qfab.spec.models``), a builder in :data:`BUILDERS` and its tests.

What a model gives:

* the channel after a storage time: for the Pauli-diagonal exponential memories of today
  (T1/T2 after the Pauli twirl, depolarising) the three character decay rates
  (:attr:`MemoryModel.decay_rates`), from which :meth:`MemoryModel.characters` and
  :meth:`MemoryModel.store` work on Bell vectors of any array namespace and the event
  simulation decays its pairs;
* :meth:`MemoryModel.kraus`: the exact channel for the density-matrix formalism;
* :meth:`MemoryModel.retrieval_efficiency` and :attr:`MemoryModel.mode_capacity`: room for
  memories whose read-out succeeds with a probability that depends on the storage time
  and that store several modes (1 and ``None`` for today's kinds);
* :attr:`MemoryModel.ideal`: the memory never decoheres.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import partial
from types import MappingProxyType
from typing import Any

import numpy as np
from numpy.typing import NDArray

from qfab import plugins
from qfab.errors import ScenarioError
from qfab.physics import memory as physics
from qfab.physics.memory import DecayRates
from qfab.spec.models import DepolarizingMemorySpec, MemorySpecBase, T1T2MemorySpec

__all__ = ["BUILDERS", "MemoryModel", "memory_model"]


@dataclass(frozen=True)
class MemoryModel:
    """Physics of one node's memory, ready for an engine.

    Attributes
    ----------
    kind
        The spec's ``kind``.
    decay_rates
        Decay rates (1/s) of the Klein-group characters 1, 2, 3 of a pair one of whose
        qubits is stored here (:mod:`qfab.physics.memory`); all 0 for an ideal memory.
    kraus_after
        Storage time (s) -> Kraus operators of the exact single-qubit channel, shape
        ``(k, 2, 2)``.
    mode_capacity
        Modes stored at once per qubit, ``None`` when the memory is not multimode.
    retrieval
        Storage time (s) -> probability that the qubit is read out; ``None``: always.
    """

    kind: str
    decay_rates: DecayRates
    kraus_after: Callable[[float], NDArray[Any]]
    mode_capacity: int | None = None
    retrieval: Callable[[float], float] | None = None

    @property
    def ideal(self) -> bool:
        """True when stored qubits never decohere."""
        return not any(self.decay_rates)

    def characters(self, wait: Any) -> Any:
        """Characters ``(..., 4)`` of the channel of a qubit stored ``wait`` s (any namespace).

        See :func:`qfab.physics.memory.pauli_memory_characters`.
        """
        return physics.pauli_memory_characters(wait, self.decay_rates)

    def store(self, vector: Any, wait: Any) -> Any:
        """Bell vectors after one qubit of each pair was stored ``wait`` s (any namespace).

        See :func:`qfab.physics.memory.stored`.
        """
        return physics.stored(vector, wait, self.decay_rates)

    def kraus(self, wait: float) -> NDArray[Any]:
        """Kraus operators of a qubit stored ``wait`` s, shape ``(k, 2, 2)``."""
        return self.kraus_after(wait)

    def retrieval_efficiency(self, wait: float) -> float:
        """Probability that a qubit stored ``wait`` s is read out (1 for today's kinds)."""
        return 1.0 if self.retrieval is None else float(self.retrieval(wait))

    @property
    def certain_readout(self) -> bool:
        """True when every stored qubit is read out (retrieval efficiency 1 at all times);
        engines refuse memories without it until they model the loss
        (:mod:`qfab.engines.support`)."""
        return (self.retrieval is None and
                type(self).retrieval_efficiency is MemoryModel.retrieval_efficiency)


def _t1t2(spec: T1T2MemorySpec) -> MemoryModel:
    return MemoryModel(kind=spec.kind, decay_rates=physics.t1_t2_decay_rates(spec.t1, spec.t2),
                       kraus_after=partial(_t1_t2_kraus, t1=spec.t1, t2=spec.t2))


def _t1_t2_kraus(wait: float, *, t1: float, t2: float) -> NDArray[Any]:
    return np.asarray(physics.t1_t2_kraus(wait, t1=t1, t2=t2))


def _depolarizing(spec: DepolarizingMemorySpec) -> MemoryModel:
    return MemoryModel(kind=spec.kind,
                       decay_rates=physics.depolarizing_decay_rates(spec.coherence_time),
                       kraus_after=partial(physics.depolarizing_kraus,
                                           coherence_time=spec.coherence_time))


#: Memory kind -> builder of its model from its spec.
BUILDERS: Mapping[str, Callable[[Any], MemoryModel]] = MappingProxyType({
    "t1t2": _t1t2,
    "depolarizing": _depolarizing,
})


def memory_model(spec: MemorySpecBase) -> MemoryModel:
    """Build the :class:`MemoryModel` of a memory spec (by its ``kind``; kinds that plugins
    registered, :mod:`qfab.plugins`, after the built-in ones)."""
    kind = str(getattr(spec, "kind", ""))
    builder = BUILDERS.get(kind)
    if builder is None:
        registered = plugins.registry().memories.get(kind)
        if registered is None:
            raise ScenarioError("memory.kind", f"no memory model for kind {kind!r}")
        builder = registered.model
    model = builder(spec)
    if not isinstance(model, MemoryModel):
        raise TypeError(f"the builder of memory kind {kind!r} returned {type(model).__name__}, "
                        "not a MemoryModel")
    return model
