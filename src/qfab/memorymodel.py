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
* :meth:`MemoryModel.retrieval_efficiency` and :attr:`MemoryModel.mode_capacity`: the
  probability that a qubit is given back when read out after a storage time, and the modes
  stored per qubit (1 and ``None`` for ``t1t2`` and ``depolarizing``; the ``afc`` kind's
  recall efficiency and ``modes``, :func:`_afc`);
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
from qfab.physics import afc, memory as physics
from qfab.physics.memory import DecayRates
from qfab.spec.models import (
    AfcMemorySpec,
    DepolarizingMemorySpec,
    MemorySpecBase,
    T1T2MemorySpec,
)

__all__ = ["BUILDERS", "MemoryModel", "afc_comb_efficiency", "afc_echo_time", "memory_model"]


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


def afc_comb_efficiency(spec: AfcMemorySpec) -> float:
    """The comb's own recall efficiency of an ``afc`` memory: ``efficiency`` when given,
    else the forward or backward echo of :mod:`qfab.physics.afc`."""
    if spec.efficiency is not None:
        return float(spec.efficiency)
    assert spec.optical_depth is not None and spec.finesse is not None  # the spec checks
    recall = afc.forward_efficiency if spec.recall == "forward" else afc.backward_efficiency
    return float(recall(spec.optical_depth, spec.finesse,
                        background_depth=spec.background_depth))


def afc_echo_time(spec: AfcMemorySpec) -> float:
    """The echo time ``1 / comb_spacing`` (s) of an ``afc`` memory (0 when an on-demand
    memory names neither ``comb_spacing`` nor ``echo_time``)."""
    if spec.echo_time is not None:
        return float(spec.echo_time)
    if spec.comb_spacing is not None:
        return float(afc.echo_time(spec.comb_spacing))
    return 0.0


@dataclass(frozen=True)
class _FixedDelayRecall:
    """Read-out of a fixed-delay AFC: ``efficiency`` up to the echo time, 0 after it."""

    efficiency: float
    echo_time: float

    def __call__(self, wait: float) -> float:
        return self.efficiency if wait <= self.echo_time else 0.0


@dataclass(frozen=True)
class _OnDemandRecall:
    """Read-out of a spin-wave AFC (:func:`qfab.physics.afc.spin_wave_efficiency` of the
    time stored beyond the echo time)."""

    efficiency: float
    transfer_efficiency: float
    echo_time: float
    spin_coherence_time: float

    def __call__(self, wait: float) -> float:
        return float(afc.spin_wave_efficiency(self.efficiency, self.transfer_efficiency,
                                              max(wait - self.echo_time, 0.0),
                                              self.spin_coherence_time))


def _afc(spec: AfcMemorySpec) -> MemoryModel:
    """The model of an ``afc`` memory.

    Read-out (a swap at the node, the delivery of a pair to an application) succeeds with
    :meth:`MemoryModel.retrieval_efficiency` of the time the qubit has been stored, counted
    from the emission of its link pair (when the memory took its half). Fixed delay: the
    comb's efficiency for any wait up to the echo time and 0 beyond it. A qubit read out
    before its echo is treated as recalled at the echo: the engines take the read-out to be
    timed onto the echo (the protocol waits for it), so a wait shorter than ``echo_time``
    retrieves with the full efficiency and the echo delay is not added to the timeline; an
    ``echo_time`` shorter than the herald delay of one of the memory's links is refused when
    the scenario is validated (no pair could be read out). On demand: the
    spin-wave efficiency of the time stored beyond the echo time, at any wait.
    The stored state depolarizes with ``coherence_time``.
    """
    comb = afc_comb_efficiency(spec)
    echo = afc_echo_time(spec)
    retrieval: Callable[[float], float]
    if spec.on_demand is None:
        retrieval = _FixedDelayRecall(comb, echo)
    else:
        retrieval = _OnDemandRecall(comb, spec.on_demand.transfer_efficiency, echo,
                                    spec.on_demand.spin_coherence_time)
    return MemoryModel(kind=spec.kind,
                       decay_rates=physics.depolarizing_decay_rates(spec.coherence_time),
                       kraus_after=partial(physics.depolarizing_kraus,
                                           coherence_time=spec.coherence_time),
                       mode_capacity=spec.modes, retrieval=retrieval)


#: Memory kind -> builder of its model from its spec.
BUILDERS: Mapping[str, Callable[[Any], MemoryModel]] = MappingProxyType({
    "t1t2": _t1t2,
    "depolarizing": _depolarizing,
    "afc": _afc,
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
