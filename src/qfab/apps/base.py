"""The application interface: what a request does with the pairs delivered to it.

An :class:`Application` is built from a request spec (one class per request ``kind``). It
declares how many pairs it needs at once, receives each delivered pair (its state and the
time) and reports per-pair *figures*: values it measures on each pair, which every engine
summarizes the same way as the pair fidelity (mean and 95 % interval; see
:mod:`qfab.engines.request_result`). The runtime and the engines know no application by
name: they look it up with :func:`application_for`.

Layer: ``apps`` imports only ``apps``, ``physics``, ``spec``, ``units`` and ``errors``
(and NumPy); the engines and the protocols import it, never the other way round.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from types import MappingProxyType
from typing import ClassVar, Protocol

import numpy as np
from numpy.typing import NDArray

from qfab import plugins
from qfab.errors import ScenarioError
from qfab.spec.requests import PairRequestSpec

__all__ = ["APPLICATIONS", "Application", "DeliveredPair", "application_class",
           "application_for"]


class DeliveredPair(Protocol):
    """What an application sees of a delivered pair (a :class:`qfab.quantum.base.PairState`
    satisfies it)."""

    def fidelity(self) -> float:
        """Fidelity ``<Phi+|rho|Phi+>`` of the pair at delivery."""
        ...

    def bell_vector(self) -> NDArray[np.float64]:
        """Bell-basis diagonal ``(Phi+, Psi-, Psi+, Phi-)`` of the pair at delivery."""
        ...


class Application:
    """Base of the applications: one instance per request and run.

    Subclasses set :attr:`kind` and, when they report figures, :attr:`figure_names` and
    :meth:`figures`. The default :meth:`receive` keeps each pair's fidelity when the
    application has figures (and nothing otherwise): a pair is consumed on delivery.

    Parameters
    ----------
    request
        The request spec the application serves.
    """

    #: The request ``kind`` this application serves.
    kind: ClassVar[str] = ""
    #: Pairs the application consumes together (a gate or a GHZ fusion needs several).
    pairs_at_once: ClassVar[int] = 1
    #: Names of the per-pair figures it adds to its request's result.
    figure_names: ClassVar[tuple[str, ...]] = ()

    def __init__(self, request: PairRequestSpec) -> None:
        self.request = request
        self._fidelities: list[float] = []

    @property
    def receives_pairs(self) -> bool:
        """Whether :meth:`receive` does anything: the runtime skips the call otherwise."""
        return bool(self.figure_names) or type(self).receive is not Application.receive

    def receive(self, time_s: float, pair: DeliveredPair) -> None:
        """Use one pair delivered at ``time_s`` (seconds of simulated time)."""
        if self.figure_names:
            self._fidelities.append(pair.fidelity())

    def figures(self, fidelity: NDArray[np.float64]) -> dict[str, NDArray[np.float64]]:
        """Per-pair figures of pairs with the given fidelities, elementwise.

        Each figure is an expectation value on the pair, affine in its fidelity, so the
        mean of a figure over pairs is the figure of their mean fidelity: engines that only
        know mean fidelities (per run, or in expectation) use this too.
        """
        return {}

    def expect(self, bell_vector: NDArray[np.float64]) -> None:
        """The counterpart of :meth:`receive` in an engine that computes expectations (the
        analytic engine): the delivered pairs' expected mean Bell vector
        ``(Phi+, Psi-, Psi+, Phi-)``. Default: nothing (the figures come from
        :meth:`figures` of the mean fidelity)."""

    def received(self) -> dict[str, NDArray[np.float64]]:
        """Per-pair figures of the pairs received so far (one value per pair)."""
        if not self.figure_names:
            return {}
        return self.figures(np.asarray(self._fidelities, dtype=np.float64))


#: Request kind -> its application: the class, or ``"module:Class"`` (the form entry points
#: take; imported when first looked up).
APPLICATIONS: Mapping[str, str | type[Application]] = MappingProxyType({
    "entanglement": "qfab.apps.entanglement:EntanglementApp",
    "teleportation": "qfab.apps.teleportation:TeleportationApp",
    "qkd": "qfab.apps.qkd:QkdApp",
    "circuit": "qfab.apps.circuit:CircuitApp",
    "sensing": "qfab.apps.sensing:SensingApp",
    "clock_sync": "qfab.apps.clock_sync:ClockSyncApp",
})


def application_class(kind: str, *, where: str = "requests") -> type[Application]:
    """The application class serving request ``kind``.

    Raises
    ------
    ScenarioError
        Naming ``where`` when no application serves ``kind``.
    """
    target = APPLICATIONS.get(kind)
    if target is None:
        registered = plugins.registry().applications
        if kind not in registered:
            known = sorted({*APPLICATIONS, *registered})
            raise ScenarioError(f"{where}.kind", f"no application serves kind {kind!r} "
                                f"(kinds: {', '.join(known)})")
        target = registered[kind][1]
    if isinstance(target, type):
        found: object = target
    else:
        module, _, name = target.partition(":")
        found = getattr(importlib.import_module(module), name)
    if not (isinstance(found, type) and issubclass(found, Application)):
        raise TypeError(f"{target!r} is not an Application")
    return found


def application_for(request: PairRequestSpec, *, where: str = "requests") -> Application:
    """A fresh application for ``request``."""
    return application_class(request.kind, where=where)(request)
