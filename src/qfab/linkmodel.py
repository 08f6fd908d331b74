"""From a link's spec to the numbers every engine uses: success probability, pair state,
attempt period and heralding delay.

This is the one place where a link ``kind`` is mapped onto a heralding model of
:mod:`qfab.physics`; the engines never restate the formulas.

Timing model (all kinds): the heralding station sits at the midpoint of the fiber. An attempt
takes ``cycle_time`` of local preparation, then the photon travels ``length / 2`` to the
station and the herald travels ``length / 2`` back, so the herald reaches both nodes
``length / speed`` after emission and the next attempt starts then:
``period = cycle_time + length / speed``. The memory qubits hold their half of the pair from
emission, so a heralded pair has already waited ``length / speed`` in memory.

Time dependence: a link may be up only in windows (``availability``); an attempt is made only
if it starts while the link is up (:mod:`qfab.linkwindows` has the attempt grid and its
derivation). The success probability and the pair state are exposed as functions of the
attempt's start time (:meth:`LinkModel.p_success_at`, :meth:`LinkModel.emitted_state_at`);
today's kinds keep both constant inside a window (``varies_in_window`` is False), which is what
the engines model. A kind whose loss changes within a window (a satellite pass) overrides those
two methods and sets ``varies_in_window``; engines that sample geometric runs of attempts
refuse it through that flag until they model it.

A link may instead carry a piecewise-constant :class:`~qfab.linkschedule.LinkSchedule`
(``schedule``): up slices, each with its own success probability and pair state, down between
them (a satellite pass). Its attempt grid and the rules every engine follows are in
:mod:`qfab.linkschedule`; ``p_success`` and ``emitted_state`` are then the schedule's
attempt-weighted success probability and success-weighted state over all its slices (what a
planner's estimate uses), and ``p_success_at`` / ``emitted_state_at`` give each slice's.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable, Iterator, Mapping
from dataclasses import dataclass, replace
from functools import cached_property
from types import MappingProxyType
from typing import Any

import numpy as np
from numpy.typing import NDArray

from qfab import plugins
from qfab.errors import ScenarioError
from qfab.links.chip import chip_to_chip
from qfab.links.midpoint import MidpointHeralding
from qfab.links.satellite import SatelliteHeralding
from qfab.linkschedule import LinkSchedule
from qfab.linkwindows import AttemptWindows
from qfab.memorymodel import MemoryModel, memory_model
from qfab.physics import heralding
from qfab.physics.detection import dark_count_probability
from qfab.physics.fiber import propagation_delay, transmittance
from qfab.qnic import LinkChain, link_chain
from qfab.spec.models import (
    DepolarizingLinkSpec,
    DoubleClickLinkSpec,
    LinkSpecBase,
    OpticalLinkSpecBase,
    ScenarioSpec,
    SingleClickLinkSpec,
    TransducedLinkSpec,
)

__all__ = [
    "CHAIN_HERALDING", "ENCODED_KINDS", "LinkModel", "arm_efficiency", "encoded",
    "half_fiber_transmittance", "link_model", "link_models", "memory_channels",
    "schedule_figures", "schedule_means", "window_dark_probability",
]


@dataclass(frozen=True)
class LinkModel:
    """Physics of one link, ready for an engine.

    Attributes
    ----------
    between
        The two end nodes.
    p_success
        Probability that one attempt heralds a pair.
    emitted_state
        Bell-diagonal vector, shape (4,), order (Phi+, Psi-, Psi+, Phi-), of a heralded pair
        before any memory decoherence.
    period
        Attempt period in seconds.
    herald_delay
        Seconds from emission until both nodes know the outcome.
    channels
        Attempts that run in parallel: the fewer of the two ends' qubits for the link times
        their memory's modes per qubit (:func:`memory_channels`).
    memories
        Memory models of the two ends, ``(end_a, end_b)``.
    windows
        Up windows and the attempt grid in them (float seconds), or ``None`` when the link is
        always up.
    index
        Position of the link in ``spec.links`` (to name its fields in messages).
    schedule
        Up slices with their own success probability and pair state
        (:mod:`qfab.linkschedule`), or ``None``; a link has ``windows`` or ``schedule``, not
        both.
    """

    between: tuple[str, str]
    p_success: float
    emitted_state: NDArray[np.float64]
    period: float
    herald_delay: float
    channels: int
    memories: tuple[MemoryModel, MemoryModel]
    windows: AttemptWindows | None = None
    index: int = 0
    schedule: LinkSchedule | None = None

    #: Whether the success probability or the pair state changes inside an up window.
    varies_in_window = False

    def state_after(self, wait_a: float, wait_b: float) -> NDArray[np.float64]:
        """Bell vector of a pair whose qubits waited ``wait_a``/``wait_b`` s in memory."""
        if not (0.0 <= wait_a < np.inf and 0.0 <= wait_b < np.inf):
            raise ValueError(f"wait: storage times must be finite and >= 0, got "
                             f"{wait_a!r}, {wait_b!r}")
        end_a, end_b = self.memories
        return np.asarray(end_b.store(end_a.store(self.emitted_state, wait_a), wait_b),
                          dtype=np.float64)

    @cached_property
    def heralded_state(self) -> NDArray[np.float64]:
        """Bell vector of a pair at the moment its herald arrives."""
        return self.state_after(self.herald_delay, self.herald_delay)

    @property
    def certain_readout(self) -> bool:
        """True when both ends' memories always give a stored qubit back
        (:attr:`qfab.memorymodel.MemoryModel.certain_readout`)."""
        return self.memories[0].certain_readout and self.memories[1].certain_readout

    @property
    def herald_recall(self) -> float:
        """Probability that both qubits of a pair read out at its herald come back:
        ``eta_a(d) eta_b(d)`` after the herald delay ``d`` in both memories (1 for memories
        whose read-out is certain)."""
        end_a, end_b = self.memories
        return (end_a.retrieval_efficiency(self.herald_delay)
                * end_b.retrieval_efficiency(self.herald_delay))

    @property
    def pair_rate(self) -> float:
        """Long-run heralded pairs per second with every channel attempting (Hz).

        ``channels p / period`` for a link that is always up; with windows, the attempt rate
        is ``n / availability.period`` (``n`` attempts per window, see
        :mod:`qfab.linkwindows`).
        """
        return self.channels * self.p_success * self.attempt_rate

    @property
    def attempt_rate(self) -> float:
        """Long-run attempts per second of one always-ready channel (for a schedule: its
        attempts over ``[0, end of the last slice)``)."""
        if self.schedule is not None:
            end = self.schedule.ends[-1] if len(self.schedule) else 0.0
            attempts = float(self.schedule.attempts_per_slice(0.0, end).sum())
            return attempts / end if end > 0 else 0.0
        if self.windows is None:
            return 1.0 / self.period
        return self.windows.attempt_rate

    @property
    def availability_path(self) -> str:
        """YAML path of the link's time dependence, for messages."""
        if self.schedule is not None:
            return f"links[{self.index}]"
        return f"links[{self.index}].availability"

    @property
    def time_varying(self) -> bool:
        """Whether the link is up only at times (windows or a schedule)."""
        return self.windows is not None or self.schedule is not None

    def is_up(self, t: float) -> bool:
        """Whether an attempt may start at ``t`` (s)."""
        if self.schedule is not None:
            return self.schedule.is_up(t)
        return True if self.windows is None else bool(self.windows.is_up(t))

    def next_up(self, t: float) -> float:
        """The first time ``>= t`` (s) at which an attempt may start (``inf`` for a schedule
        with no slice left)."""
        if self.schedule is not None:
            up = self.schedule.next_up(t)
            return math.inf if up is None else float(up)
        return t if self.windows is None else float(self.windows.next_up(t))

    def up_windows(self, start: float = 0.0) -> Iterator[tuple[float, float]]:
        """Up windows ``(open, close)`` (s) from ``start`` on (one endless window if always up;
        a schedule's slices, adjacent ones joined)."""
        if self.schedule is not None:
            yield from _joined(self.schedule, start)
            return
        if self.windows is None:
            yield start, math.inf
            return
        yield from self.windows.windows(start)

    def _slice_at(self, t: float) -> int | None:
        """The schedule's slice containing ``t`` (``None``: down, or no schedule)."""
        schedule = self.schedule
        if schedule is None or not schedule.is_up(t):
            return None
        return schedule.grid.slice_from(t)

    def p_success_at(self, t: float) -> float:
        """Success probability of an attempt that starts at ``t`` (0 while the link is down)."""
        if self.schedule is not None:
            i = self._slice_at(t)
            return 0.0 if i is None else self.schedule.p_success[i]
        return self.p_success if self.is_up(t) else 0.0

    def emitted_state_at(self, t: float) -> NDArray[np.float64]:
        """Bell vector of a pair from an attempt that starts at ``t`` (a constant without a
        schedule; the mean state while a scheduled link is down)."""
        if self.schedule is not None:
            i = self._slice_at(t)
            if i is not None:
                return np.asarray(self.schedule.states[i], dtype=np.float64)
        return self.emitted_state


def _joined(schedule: LinkSchedule, start: float) -> Iterator[tuple[float, float]]:
    """A schedule's slices from ``start`` on as windows, adjacent slices joined."""
    opening: float | None = None
    close = 0.0
    for begin, end in zip(schedule.starts, schedule.ends):
        if end <= start:
            continue
        if opening is not None and begin > close:
            yield opening, close
            opening = None
        if opening is None:
            opening = max(begin, start)
        close = end
    if opening is not None:
        yield opening, close


def arm_efficiency(link: DoubleClickLinkSpec | SingleClickLinkSpec) -> float:
    """Probability that a photon emitted at one node clicks the midpoint detector, for ends
    that take the link's own ``emitter`` and ``conversion`` (:func:`qfab.qnic.link_chain`).

    Product of the emitter stage (emission, collection, other losses), the converter, the
    transmittance of half the fiber and the detector (efficiency and jitter window).
    """
    return link_chain(link).arms[0].efficiency


def half_fiber_transmittance(link: DoubleClickLinkSpec | SingleClickLinkSpec) -> float:
    """Transmittance of the fiber from one node to the midpoint station (``length / 2``)."""
    return float(transmittance(link.length / 2, link.fiber.attenuation))


def window_dark_probability(link: DoubleClickLinkSpec | SingleClickLinkSpec) -> float:
    """Probability of a dark count in one midpoint detector per detection window."""
    return float(dark_count_probability(link.detector.dark_count_rate, link.detector.window))


def _depolarizing(link: DepolarizingLinkSpec) -> tuple[float, NDArray[np.float64]]:
    p, state = heralding.depolarizing_link(link.fidelity, link.success_probability)
    return float(p), np.asarray(state, dtype=np.float64)


def _arms(chain: LinkChain) -> tuple[float, float | None]:
    """``(eta_a, eta_b)`` for the heralding formulas (``eta_b`` ``None`` when equal: the
    symmetric formulas)."""
    eta_a, eta_b = chain.efficiencies
    return eta_a, (None if eta_a == eta_b else eta_b)


def _single_click(link: SingleClickLinkSpec,
                  chain: LinkChain | None = None) -> tuple[float, NDArray[np.float64]]:
    chain = link_chain(link) if chain is None else chain
    eta_a, eta_b = _arms(chain)
    p, state = heralding.single_click(link.bright_state, eta_a, efficiency_b=eta_b,
                                      dark_count_probability=chain.click_noise,
                                      visibility=chain.visibility)
    return float(p), np.asarray(state, dtype=np.float64)


def _double_click(link: DoubleClickLinkSpec,
                  chain: LinkChain | None = None) -> tuple[float, NDArray[np.float64]]:
    chain = link_chain(link) if chain is None else chain
    eta_a, eta_b = _arms(chain)
    p, state = heralding.double_click(eta_a, efficiency_b=eta_b,
                                      dark_count_probability=chain.click_noise,
                                      visibility=chain.visibility)
    return float(p), encoded(chain, np.asarray(state, dtype=np.float64))


def encoded(chain: LinkChain, state: NDArray[np.float64]) -> NDArray[np.float64]:
    """The heralded pair after the channel of the link's photon encoding (``chain.encoding``,
    :class:`qfab.qnic.EncodingChannel`); unchanged without one. A kind that carries
    ``encoding`` calls it on its heralded state and is listed in :data:`ENCODED_KINDS`."""
    return state if chain.encoding is None else chain.encoding.apply(state)


#: Link kinds whose heralding applies the photon ``encoding`` (:func:`encoded`); any other
#: kind with an ``encoding`` is refused rather than ignored.
ENCODED_KINDS: frozenset[str] = frozenset({"double_click", "transduced"})


def _transduced(link: TransducedLinkSpec,
                chain: LinkChain | None = None) -> tuple[float, NDArray[np.float64]]:
    """A transduced link heralds as its ``heralding`` says, from its chain (the transducer
    stages of its superconducting ends included); with double-click heralding its photon
    ``encoding`` acts on the pair as on a ``double_click`` link (the spec refuses one with
    single-click heralding)."""
    chain = link_chain(link) if chain is None else chain
    eta_a, eta_b = _arms(chain)
    if link.heralding == "single_click":
        assert link.bright_state is not None  # the spec's check
        p, state = heralding.single_click(link.bright_state, eta_a, efficiency_b=eta_b,
                                          dark_count_probability=chain.click_noise,
                                          visibility=chain.visibility)
    else:
        p, state = heralding.double_click(eta_a, efficiency_b=eta_b,
                                          dark_count_probability=chain.click_noise,
                                          visibility=chain.visibility)
        return float(p), encoded(chain, np.asarray(state, dtype=np.float64))
    return float(p), np.asarray(state, dtype=np.float64)


#: Kinds whose ends may take their stages from the nodes' interfaces: ``(link spec, its
#: chain) -> (p_success, Bell vector)``, with the chain of :func:`qfab.qnic.link_chain`.
CHAIN_HERALDING: Mapping[str, Callable[[Any, LinkChain], tuple[float, Any]]] = \
    MappingProxyType({"single_click": _single_click, "double_click": _double_click,
                      "transduced": _transduced})


#: Link kind -> the heralding model of one attempt: ``link spec -> (p_success, Bell vector)``.
#: Kinds that plugins add (:mod:`qfab.plugins`) are looked up after these.
HERALDING: Mapping[str, Callable[[Any], tuple[float, Any]]] = MappingProxyType({
    "depolarizing": _depolarizing,
    "single_click": _single_click,
    "double_click": _double_click,
    "transduced": _transduced,
    "midpoint_source": MidpointHeralding(),
    "chip_to_chip": chip_to_chip,
    "satellite": SatelliteHeralding(),
})


def _heralding_of(link: LinkSpecBase, index: int) -> Callable[[Any], tuple[float, Any]]:
    """The heralding model of ``link``'s kind, built in or registered by a plugin."""
    kind = str(getattr(link, "kind", ""))
    found = HERALDING.get(kind) or plugins.registry().links.get(kind)
    if found is None:
        raise ScenarioError(f"links[{index}].kind", f"no heralding model for link kind {kind!r}")
    return found.heralding if isinstance(found, plugins.LinkKind) else found


def link_model(spec: ScenarioSpec, index: int) -> LinkModel:
    """Build the :class:`LinkModel` of ``spec.links[index]``."""
    link: LinkSpecBase = spec.links[index]
    a, b = link.between
    memories = (memory_model(spec.nodes[a].memory), memory_model(spec.nodes[b].memory))
    kind = str(getattr(link, "kind", ""))
    _check_telecom_support(link, kind, index)
    chained = CHAIN_HERALDING.get(kind)
    consumes_modes = False
    schedule = None
    delay = float(propagation_delay(link.length, speed=link.fiber.speed))
    period = link.cycle_time + delay
    if chained is not None and isinstance(link, OpticalLinkSpecBase):
        p, state = chained(link, link_chain(link, spec.nodes, index))
    else:
        herald = _heralding_of(link, index)
        scheduled = getattr(herald, "schedule", None)  # a kind whose link changes in time
        at_ends = getattr(herald, "at_ends", None)  # a kind that also reads the ends' memories
        if scheduled is not None:
            schedule = scheduled(link, spec, index, period)
            p, state = schedule_means(schedule)
        else:
            p, state = at_ends(link, memories, index) if at_ends is not None else herald(link)
        # a kind that multiplexes the memories' modes inside one attempt (midpoint_source)
        consumes_modes = bool(getattr(herald, "consumes_memory_modes", False))
    memory_a, memory_b = memories
    windows = None
    availability = link.availability
    if availability is not None and availability.up < availability.period:
        windows = AttemptWindows(availability.period, availability.up, availability.offset,
                                 period)
    if windows is not None and schedule is not None:
        raise ScenarioError(f"links[{index}].availability",
                            f"a {kind} link is up when its own schedule says (e.g. a "
                            "satellite's passes); periodic windows on top are not modelled")
    return LinkModel(
        between=(a, b),
        p_success=float(p),
        emitted_state=np.asarray(state, dtype=np.float64),
        period=period,
        herald_delay=delay,
        channels=(min(spec.qubits_per_link(a, b), spec.qubits_per_link(b, a)) if consumes_modes
                  else min(memory_channels(spec, a, b, memory_a),
                           memory_channels(spec, b, a, memory_b))),
        memories=memories,
        windows=windows, index=index, schedule=schedule,
    )


def schedule_figures(model: LinkModel, duration: float
                     ) -> tuple[float | None, float, float | None]:
    """Expected link figures of a link with a schedule over a run of ``duration`` s, every
    channel attempting from ``t = 0``: the success probability of the attempts made, the
    heralds per second over the run, and their mean fidelity at the herald (``None`` where
    no attempt or no success is expected). The closed forms of :mod:`qfab.linkschedule`."""
    schedule = model.schedule
    assert schedule is not None
    end = duration - model.period  # the herald of the last counted attempt comes by then
    attempts = float(schedule.attempts_per_slice(0.0, end).sum())
    expected, per_slice = schedule.expected_successes(0.0, end)
    state = schedule.mean_state(per_slice)
    end_a, end_b = model.memories
    fidelity = float(end_b.store(end_a.store(state, model.herald_delay),
                                 model.herald_delay)[0])
    return (expected / attempts if attempts else None, model.channels * expected / duration,
            fidelity if expected > 0 else None)


def schedule_means(schedule: LinkSchedule) -> tuple[float, NDArray[np.float64]]:
    """A schedule's attempt-weighted success probability and success-weighted pair state
    over all its slices (an always-ready channel from ``t = 0``; the ``p_success`` and
    ``emitted_state`` of its :class:`LinkModel`)."""
    end = schedule.ends[-1] if len(schedule) else 0.0
    attempts = schedule.attempts_per_slice(0.0, end)
    expected, per_slice = schedule.expected_successes(0.0, end)
    total = float(attempts.sum())
    return (expected / total if total else 0.0), schedule.mean_state(per_slice)


def _check_telecom_support(link: LinkSpecBase, kind: str, index: int) -> None:
    """Refuse ``encoding`` and ``fiber.classical`` on a kind whose model does not take them."""
    if getattr(link, "encoding", None) is not None and kind not in ENCODED_KINDS:
        raise ScenarioError(f"links[{index}].encoding",
                            f"link kind {kind!r} does not model a photon encoding (supported: "
                            f"{', '.join(sorted(ENCODED_KINDS))})")
    fiber = getattr(link, "fiber", None)
    if getattr(fiber, "classical", None) is not None and not (
            kind in CHAIN_HERALDING and isinstance(link, OpticalLinkSpecBase)):
        raise ScenarioError(f"links[{index}].fiber.classical",
                            f"link kind {kind!r} does not model the Raman noise of classical "
                            "traffic in its fiber (supported: "
                            f"{', '.join(sorted(CHAIN_HERALDING))})")


def memory_channels(spec: ScenarioSpec, node: str, neighbour: str,
                    memory: MemoryModel | None = None) -> int:
    """Channels ``node``'s memory offers the link to ``neighbour``: its qubits for the link
    times the modes each stores (:attr:`~qfab.memorymodel.MemoryModel.mode_capacity`, 1
    when not multimode).

    A link has ``min`` of its two ends' channels: a multimode memory (an AFC storing
    ``modes`` temporal modes per qubit) multiplexes that many attempts per qubit, and the
    end with fewer channels sets how many run in parallel.
    """
    qubits = spec.qubits_per_link(node, neighbour)
    if memory is None:
        memory = memory_model(spec.nodes[node].memory)
    return qubits * (memory.mode_capacity or 1)


def link_models(spec: ScenarioSpec) -> list[LinkModel]:
    """The :class:`LinkModel` of every link of ``spec``, in order.

    Links of a built-in kind whose fields other than ``between`` are equal, between ends
    with equal memories and the same number of channels, have the same
    physics: it is computed once and shared (a generated chain of ``N`` equal links evaluates its
    heralding formulas once, not ``N`` times). Each model still names its own ends and index.
    """
    shared: dict[Hashable, LinkModel] = {}
    models: list[LinkModel] = []
    modes: dict[int, int] = {}  # nodes of a generated network share their memory spec
    for index, link in enumerate(spec.links):
        key = _physics_key(spec, link, modes)
        template = shared.get(key) if key is not None else None
        if template is None:
            model = link_model(spec, index)
            if key is not None:
                shared[key] = model
                model.emitted_state.flags.writeable = False  # shared: read only
                model.heralded_state.flags.writeable = False
        else:
            model = replace(template, between=link.between, index=index)
            # the same pair state at the herald: computed once for all of them
            model.__dict__["heralded_state"] = template.heralded_state
        models.append(model)
    return models


def _physics_key(spec: ScenarioSpec, link: LinkSpecBase,
                 modes: dict[int, int]) -> Hashable | None:
    """What a built-in link's model depends on besides its ends, or ``None`` if not hashable
    (a plugin's kind: its physics may read anything, so it is computed for each link; a kind
    with a schedule: a satellite's passes depend on where its ends are).

    ``modes`` caches each memory spec's modes per qubit by the spec's id."""
    kind = str(getattr(link, "kind", ""))
    if kind not in HERALDING or hasattr(HERALDING[kind], "schedule"):
        return None  # a schedule depends on more than the link's fields (its ends' places)
    a, b = link.between
    memory_a, memory_b = spec.nodes[a].memory, spec.nodes[b].memory
    modes_a = modes.get(id(memory_a))
    if modes_a is None:
        modes_a = modes[id(memory_a)] = memory_model(memory_a).mode_capacity or 1
    modes_b = modes.get(id(memory_b))
    if modes_b is None:
        modes_b = modes[id(memory_b)] = memory_model(memory_b).mode_capacity or 1
    qubits_a, qubits_b = spec.qubits_per_link(a, b), spec.qubits_per_link(b, a)
    key = (type(link), *(getattr(link, name) for name in type(link).model_fields
                         if name != "between"),
           memory_a, memory_b,
           spec.nodes[a].interface, spec.nodes[b].interface,
           min(qubits_a * modes_a, qubits_b * modes_b),
           min(qubits_a, qubits_b))  # the channels of a kind that uses the modes itself
    try:
        hash(key)
    except TypeError:  # a memory with per_link (a dict)
        return None
    return key
