"""Frozen scenario models (format version 1).

A scenario is a :class:`ScenarioSpec`: nodes with memories, links of several ``kind``\\ s,
a policy and requests. All quantities are stored in SI units. Parameters a scenario leaves
out take their ideal value (efficiency 1, no dark counts, no loss, infinite coherence time,
perfect visibility), so a scenario states its imperfections explicitly.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    Discriminator,
    Field,
    PrivateAttr,
    SerializerFunctionWrapHandler,
    Tag,
    field_serializer,
    field_validator,
    model_validator,
)

from qfab.errors import ScenarioError
from qfab.spec.arrivals import Arrivals, check_arrivals, is_generated
from qfab.spec.base import Integer, SpecModel, Tier
from qfab.spec.budget import MAX_COUNT, at_most_max_count
from qfab.spec.circuit import CircuitRequestSpec
from qfab.spec.clock_sync import ClockSpec, ClockSyncRequestSpec
from qfab.spec.qkd import QkdRequestSpec
from qfab.spec.qpu import QpuSpec
from qfab.spec.quantities import (
    MIN_TIME_S,
    Attenuation,
    CoherenceTime,
    Decibels,
    Dispersion,
    Duration,
    Frequency,
    Length,
    Number,
    PositiveDuration,
    PositiveProbability,
    Probability,
    SignedLength,
    Speed,
)
from qfab.spec.requests import (
    EntanglementRequestSpec,
    PairRequestSpec,
    RequestSpec,
    TeleportationRequestSpec,
)
from qfab.spec.sensing import SensingRequestSpec
from qfab.spec.sweep import SweepSpec
from qfab.spec.telecom import ClassicalTrafficSpec, EncodingSpec
from qfab.spec.tiers import TierSpec
from qfab.spec.topology import TopologySpec

__all__ = [
    "fiber_chain",
    "SpecModel", "MemorySpec", "MemorySpecBase", "T1T2MemorySpec", "DepolarizingMemorySpec",
    "AfcMemorySpec", "AfcOnDemandSpec",
    "DEFAULT_MEMORY_KIND", "GateSpec", "NodeSpec", "FiberSpec", "DetectorSpec", "EmitterSpec",
    "ConversionSpec", "TransducerSpec", "SwitchSpec", "InterfaceSpec", "AvailabilitySpec",
    "LinkSpecBase", "OpticalLinkSpecBase", "DepolarizingLinkSpec", "SingleClickLinkSpec",
    "DoubleClickLinkSpec", "LinkSpec", "MidpointSourceLinkSpec", "ChipToChipLinkSpec",
    "FiberLinkSpec", "SatelliteLinkSpec", "LocationSpec",
    "PairRequestSpec", "EntanglementRequestSpec", "TeleportationRequestSpec", "RequestSpec",
    "PolicySpec", "FastSpec", "ScenarioSpec", "EndInterface", "end_interfaces",
    "quantum_channel_wavelength",
]

NodeName = Annotated[str, Field(min_length=1)]

#: A number of qubits: a whole number from 1 to 2**53 (:data:`qfab.spec.budget.MAX_COUNT`).
QubitCount = Annotated[Integer, Field(ge=1), AfterValidator(at_most_max_count)]


class _MemorySpecBase(SpecModel):
    """What every kind of memory has: its qubits and how they are split among links."""

    qubits: QubitCount = Field(1, description="communication/storage qubits at the node, split "
                               "evenly among its links unless 'per_link' assigns them (at most "
                               "2**53)")
    per_link: dict[str, QubitCount] | None = Field(
        None, description="qubits reserved for the link to each named neighbour")


#: Base of every memory spec (a plugin's memory kind subclasses it; see :mod:`qfab.plugins`).
MemorySpecBase = _MemorySpecBase


class T1T2MemorySpec(_MemorySpecBase):
    """A memory with energy relaxation (T1) and dephasing (the default kind, ``t1t2``).

    ``t2`` is the total coherence time (it includes the T1 contribution), so ``t2 <= 2 t1``.
    """

    kind: Literal["t1t2"] = "t1t2"
    t1: CoherenceTime = Field(math.inf, description="energy relaxation time")
    t2: CoherenceTime = Field(math.inf, description="total coherence time (<= 2 t1)")

    @model_validator(mode="after")
    def _t2_at_most_twice_t1(self) -> T1T2MemorySpec:
        if self.t2 > 2 * self.t1:
            raise ValueError(f"t2 must be <= 2 t1, got t2 = {self.t2:g} s and t1 = {self.t1:g} s")
        return self


class DepolarizingMemorySpec(_MemorySpecBase):
    """A memory whose stored qubits depolarize with one time constant (``depolarizing``).

    A qubit stored for ``t`` is kept with probability ``exp(-t / coherence_time)`` and
    replaced by the maximally mixed state otherwise.
    """

    kind: Literal["depolarizing"]
    coherence_time: CoherenceTime = Field(
        math.inf, description="depolarizing time constant of each stored qubit")


class AfcOnDemandSpec(SpecModel):
    """Spin-wave storage of an AFC memory: recall on demand instead of at the echo.

    Two control pulses move the excitation to a spin level and back, each with
    ``transfer_efficiency``; the recalled efficiency decays with the time spent in the spin
    level as ``exp(-(t / spin_coherence_time)**2)`` (:func:`qfab.physics.afc.spin_wave_efficiency`).
    """

    spin_coherence_time: CoherenceTime = Field(
        math.inf, description="1/e time of the recall efficiency in the spin level")
    transfer_efficiency: Probability = Field(
        1.0, description="efficiency of one optical-to-spin transfer pulse")


class AfcMemorySpec(_MemorySpecBase):
    """A rare-earth atomic-frequency-comb memory (``afc``; :mod:`qfab.physics.afc`).

    The comb's recall efficiency is ``efficiency`` when given, else it follows from
    ``optical_depth`` and ``finesse`` (and ``background_depth``) for the ``recall``
    direction (Afzelius et al., PRA 79, 052329 (2009)). Without ``on_demand`` the memory
    is a fixed delay: the echo comes ``echo_time = 1 / comb_spacing`` after absorption, and
    a qubit read out later than that is lost. With ``on_demand`` (spin-wave storage) a
    qubit is read out whenever asked, with an efficiency that decays with the time stored
    beyond the echo time. ``modes`` temporal modes are stored per qubit; ``coherence_time``
    depolarizes the stored state (``inf``: the recalled state is unchanged).
    """

    kind: Literal["afc"]
    efficiency: Probability | None = Field(
        None, description="recall efficiency of the comb, given directly (instead of "
        "optical_depth and finesse)")
    optical_depth: Number | None = Field(None, ge=0, allow_inf_nan=False,
                                         description="peak optical depth d of "
                                         "the comb's teeth")
    finesse: Number | None = Field(None, ge=1, allow_inf_nan=False,
                                   description="comb finesse F = spacing / tooth "
                                   "width (>= 1)")
    background_depth: Number = Field(0.0, ge=0, allow_inf_nan=False,
                                     description="optical depth d0 of the "
                                     "absorbing background between the teeth")
    recall: Literal["forward", "backward"] = Field(
        "forward", description="echo emitted forwards or backwards (phase matched)")
    comb_spacing: Frequency | None = Field(None, gt=0, description="tooth spacing Delta; "
                                           "the echo comes after 1 / Delta")
    echo_time: PositiveDuration | None = Field(None, description="the fixed delay 1 / Delta "
                                               "(instead of comb_spacing)")
    on_demand: AfcOnDemandSpec | None = Field(None, description="spin-wave storage for "
                                              "recall on demand")
    modes: QubitCount = Field(1, description="temporal modes stored per qubit")
    coherence_time: CoherenceTime = Field(
        math.inf, description="depolarizing time constant of a stored qubit's state")

    @model_validator(mode="after")
    def _one_way_to_each_value(self) -> AfcMemorySpec:
        comb = (self.optical_depth, self.finesse)
        if self.efficiency is not None and any(value is not None for value in comb):
            raise ValueError("give the recall 'efficiency' or 'optical_depth' and 'finesse', "
                             "not both")
        if self.efficiency is None and any(value is None for value in comb):
            raise ValueError("an afc memory needs 'efficiency' or both 'optical_depth' and "
                             "'finesse'")
        if self.comb_spacing is not None and self.echo_time is not None:
            raise ValueError("give 'comb_spacing' or 'echo_time' (= 1 / comb_spacing), not "
                             "both")
        if self.on_demand is None and self.comb_spacing is None and self.echo_time is None:
            raise ValueError("a fixed-delay afc memory (no 'on_demand') needs 'comb_spacing' "
                             "or 'echo_time'")
        if self.qubits * self.modes > MAX_COUNT:
            raise ValueError(f"qubits x modes must be at most 2**53 (the channels they make), "
                             f"got {self.qubits} x {self.modes}")
        return self


#: The memory kind of a ``memory`` mapping without a ``kind`` key.
DEFAULT_MEMORY_KIND = "t1t2"


def _memory_kind(value: Any) -> str:
    """The memory kind of a raw mapping or a model (``t1t2`` when it names none)."""
    if isinstance(value, dict):
        return str(value.get("kind", DEFAULT_MEMORY_KIND))
    return str(getattr(value, "kind", DEFAULT_MEMORY_KIND))


MemorySpec = Annotated[
    Annotated[T1T2MemorySpec, Tag("t1t2")]
    | Annotated[DepolarizingMemorySpec, Tag("depolarizing")]
    | Annotated[AfcMemorySpec, Tag("afc")],
    Discriminator(_memory_kind),
]


class GateSpec(SpecModel):
    """Local operations of a node: Bell-state measurement for swapping, two-qubit gates.

    ``depolarization`` depolarizes the output pair of a swap or purification with that
    probability; ``measurement_error`` flips each measured bit with that probability (the
    two bits of a swap's Bell measurement, and this node's bit of a purification round).
    """

    swap_success_probability: PositiveProbability = 1.0
    depolarization: Probability = 0.0
    measurement_error: Number = Field(0.0, ge=0, le=0.5)


class FiberSpec(SpecModel):
    """Optical fiber (loss and speed of light in the fiber, and its design wavelength)."""

    attenuation: Attenuation = Field(0.0, description="loss in dB/m (e.g. '0.2 dB/km')")
    speed: Speed = Field(2.0e8, description="speed of light in the fiber")
    wavelength: Length | None = Field(
        None, description="design wavelength of the fiber (its attenuation holds there); a "
        "photon more than 10 % away from it is an error (default: unspecified)")
    classical: ClassicalTrafficSpec | None = Field(
        None, description="classical traffic sharing the fiber (WDM): its Raman scattering "
        "adds noise photons at the heralding station (default: none)")
    dispersion: Dispersion = Field(0.0, description="chromatic dispersion parameter D "
                                   "(e.g. '17 ps/nm/km'); fiber links of clock_sync "
                                   "requests only")


class DetectorSpec(SpecModel):
    """Threshold single-photon detector at the heralding station.

    ``jitter`` (FWHM of a Gaussian timing jitter) leaves the fraction
    ``erf(window sqrt(ln 2) / jitter)`` of the photons inside the window
    (:func:`qfab.physics.detection.window_fraction`); ``dead_time`` is checked against the
    attempt period (a detector still dead at the next attempt is not modelled and is refused).
    On a fiber link the dead time and ``afterpulse_probability`` are modelled at the QKD
    source's pulse period (:mod:`qfab.physics.detector_recovery`); a heralding link refuses
    a non-zero ``afterpulse_probability``.
    """

    efficiency: Probability = 1.0
    dark_count_rate: Frequency = 0.0
    dark_count_probability: Probability | None = Field(
        None, description="probability of a detection with no photon per detection window, "
        "of the receiver's detectors together (Y0; fiber links only), instead of "
        "dark_count_rate")
    window: PositiveDuration = Field(10e-9, description="detection window per attempt")
    jitter: Duration = Field(0.0, description="timing jitter (FWHM of a Gaussian); it loses "
                             "the photons that arrive outside the window")
    dead_time: Duration = Field(0.0, description="recovery time after a click; on a heralding "
                                "link it must not exceed the attempt period; on a fiber link "
                                "a click blinds the next ceil(dead_time * repetition_rate) "
                                "pulses")
    afterpulse_probability: Probability = Field(
        0.0, description="probability that a click is followed by an afterpulse (a click "
        "with a random bit) in the first pulse period after the dead time (fiber links "
        "only)")

    @model_validator(mode="after")
    def _one_dark_count(self) -> DetectorSpec:
        if self.dark_count_probability is not None and self.dark_count_rate != 0:
            raise ValueError("give dark_count_rate or dark_count_probability (per detection "
                             "window), not both")
        return self


class EmitterSpec(SpecModel):
    """Matter-qubit photon source: probability that an emitted photon enters the fiber.

    The emitter stage's efficiency is ``emission_probability * collection_efficiency *
    efficiency``; ``indistinguishability`` ``M`` (the emitter's two-photon interference
    self-visibility) lowers the interference of two ends ``a``, ``b`` to ``visibility
    sqrt(M_a M_b)`` (:mod:`qfab.qnic`).
    """

    efficiency: Probability = Field(1.0, description="other losses (zero-phonon-line "
                                    "fraction, optics)")
    emission_probability: Probability = Field(
        1.0, description="probability that the matter qubit emits into the optical mode")
    collection_efficiency: Probability = Field(
        1.0, description="probability that an emitted photon is collected into the fiber")
    indistinguishability: Probability = Field(
        1.0, description="two-photon interference visibility M of photons of this emitter")
    wavelength: Length | None = Field(None, description="wavelength of the emitted photons "
                                      "(default: unspecified, compatible with any)")


class ConversionSpec(SpecModel):
    """Frequency conversion of the emitted photons (e.g. to the telecom C-band).

    ``noise_rate`` is the rate of noise photons at the converter's output inside the filter
    (anti-Stokes Raman of the pump, ...); over a detection window it adds
    ``noise_rate * window`` photons that reach the detectors through the later stages.
    """

    efficiency: Probability = Field(1.0, description="end-to-end device efficiency")
    noise_rate: Frequency = Field(0.0, description="noise photons per second at the output, "
                                  "inside the filter")
    input_wavelength: Length | None = Field(None, description="wavelength converted from")
    output_wavelength: Length | None = Field(None, description="wavelength converted to")
    bandwidth: Frequency | None = Field(None, description="acceptance bandwidth "
                                        "(informational, shown by qfab budget)")


class TransducerSpec(SpecModel):
    """Microwave-to-optical transducer of a superconducting node.

    ``added_noise`` is input-referred (noise photons per emitted photon, at the microwave
    side): the transducer's output carries ``efficiency * added_noise`` noise photons.
    """

    efficiency: Probability = Field(1.0, description="microwave-to-optical efficiency")
    added_noise: Number = Field(0.0, ge=0, description="input-referred added noise photons "
                                "per attempt")
    output_wavelength: Length | None = Field(None, description="optical wavelength of the "
                                             "output photons")


class InterfaceSpec(SpecModel):
    """A node's photonic interface (QNIC): what it emits and at which wavelength.

    On an optical link, an end whose node has an interface takes its emitter and conversion
    from here instead of the link's ``emitter`` and ``conversion``.
    """

    emitter: EmitterSpec = EmitterSpec()
    transducer: TransducerSpec | None = None
    conversion: ConversionSpec | None = None


class LocationSpec(SpecModel):
    """Where a node is on the Earth (WGS84): a ground station of a ``satellite`` link."""

    latitude: Number = Field(ge=-90, le=90, description="degrees north")
    longitude: Number = Field(ge=-180, le=180, description="degrees east")
    altitude: Length = Field(0.0, description="height above the WGS84 ellipsoid")


class NodeSpec(SpecModel):
    """A network node: a quantum network interface with a memory."""

    tier: Tier | None = None
    location: LocationSpec | None = Field(
        None, description="latitude, longitude and altitude (ground stations of satellite "
        "links)")
    memory: MemorySpec = T1T2MemorySpec()
    gates: GateSpec = GateSpec()
    interface: InterfaceSpec | None = Field(
        None, description="photonic interface (emitter, transducer, conversion) the node's "
        "optical links use instead of their own emitter and conversion")
    qpu: QpuSpec | None = Field(
        None, description="the node's quantum processor (data qubits, gate errors and times, "
        "T1/T2; its communication qubits are memory.qubits): read by qfab partition and "
        "circuit requests, not by the link engines")
    clock: ClockSpec | None = Field(
        None, description="the node's clock (offset, frequency offset, drift, phase and "
        "frequency noise): read by clock_sync requests")


class AvailabilitySpec(SpecModel):
    """When a link is up: the first ``up`` seconds of every ``period``, shifted by ``offset``.

    The link is up at time ``t`` when ``(t - offset) mod period < up``. An attempt is made only
    if it starts while the link is up; an attempt started in a window runs to its end (its
    herald counts) even if the window closes meanwhile, so the link must stay down for at least
    one attempt period between windows. ``up = period`` is a link that is always up.
    """

    period: PositiveDuration = Field(description="length of one cycle of the schedule")
    up: PositiveDuration = Field(description="time the link is up at the start of each cycle")
    offset: Duration = Field(0.0, description="start of the first window (< period)")

    @model_validator(mode="after")
    def _window_fits_period(self) -> AvailabilitySpec:
        if self.up > self.period:
            raise ValueError(f"up must be <= period, got up = {self.up:g} s and "
                             f"period = {self.period:g} s")
        if self.offset >= self.period:
            raise ValueError(f"offset must be < period, got offset = {self.offset:g} s and "
                             f"period = {self.period:g} s")
        return self


class _LinkSpecBase(SpecModel):
    between: tuple[NodeName, NodeName]
    length: Length = Field(0.0, description="fiber length between the two nodes; the heralding "
                           "station sits at the midpoint")
    fiber: FiberSpec = FiberSpec()
    cycle_time: Duration = Field(0.0, description="local time per attempt; the attempt period "
                                 "is cycle_time + length / fiber.speed")
    availability: AvailabilitySpec | None = Field(
        None, description="windows when the link is up (default: always up)")

    @field_validator("between")
    @classmethod
    def _distinct_ends(cls, value: tuple[str, str]) -> tuple[str, str]:
        if value[0] == value[1]:
            raise ValueError(f"a link needs two different nodes, got [{value[0]}, {value[1]}]")
        return value

    @model_validator(mode="after")
    def _positive_period(self) -> _LinkSpecBase:
        period = self.cycle_time + self.length / self.fiber.speed
        if period <= 0:
            raise ValueError("cycle_time must be > 0 when length is 0 (the attempt period is "
                             "cycle_time + length / fiber.speed)")
        if period < MIN_TIME_S:
            raise ValueError(f"the attempt period cycle_time + length / fiber.speed = "
                             f"{period:g} s is shorter than 1 ps (the event clock's tick)")
        return self

    def attempt_period(self) -> float:
        """Seconds per attempt: ``cycle_time + length / fiber.speed``."""
        return float(self.cycle_time + self.length / self.fiber.speed)


#: Base of every link spec (a plugin's link kind subclasses it; see :mod:`qfab.plugins`).
LinkSpecBase = _LinkSpecBase


class DepolarizingLinkSpec(_LinkSpecBase):
    """Phenomenological link: one attempt per period, Werner pairs of a given fidelity.

    The success probability is given, so ``fiber.attenuation`` has no effect: a non-zero one
    is refused (:func:`_check_unused_physics`); ``length`` and ``fiber.speed`` set the
    attempt period and the classical delays.
    """

    kind: Literal["depolarizing"] = "depolarizing"
    fidelity: Number = Field(ge=0.25, le=1, description="fidelity of each heralded pair (Werner)")
    success_probability: PositiveProbability
    cycle_time: PositiveDuration = Field(description="attempt period (plus length / fiber.speed)")


class SwitchSpec(SpecModel):
    """An optical switch in the path of a link (a cluster's switch joining two modules).

    Each end's photon passes the switch once on its way to the station: the arm's chain
    gets the stage ``switch[x]`` with the transmittance of ``insertion_loss``
    (:func:`qfab.physics.decibel.transmittance_db`; ``qfab budget`` lists it). Each end
    node has one port on the switch ``name``: in the event simulation a port connects to
    one peer at a time, and connecting it to another costs ``reconfiguration_time`` before
    the first attempt on the new connection (:mod:`qfab.protocols.switching`).
    """

    name: str = Field("switch", min_length=1, description="the switch; links naming the same "
                      "switch share its ports")
    insertion_loss: Decibels = Field(0.0, description="loss in dB of one pass")
    reconfiguration_time: Duration = Field(0.0, description="time to connect a port to a "
                                           "new peer")


class _OpticalLinkSpecBase(_LinkSpecBase):
    switch: SwitchSpec | None = Field(
        None, description="optical switch both photons pass (insertion loss in each arm; "
        "one peer per port at a time, reconfiguration time to change it)")
    emitter: EmitterSpec = Field(EmitterSpec(), description="emitter of each end whose node "
                                 "has no interface")
    conversion: ConversionSpec | None = Field(
        None, description="frequency conversion at each end whose node has no interface")
    detector: DetectorSpec = DetectorSpec()
    visibility: Probability = Field(1.0, description="two-photon interference visibility")
    encoding: EncodingSpec | None = Field(
        None, description="how the photonic qubit is carried (time_bin, polarization); "
        "double-click links only (default: ideal)")

    def link_transducer(self, node: str) -> TransducerSpec | None:
        """The link's own transducer stage for end ``node`` (``None``: the end has none
        from the link; only the ``transduced`` kind gives its ends one)."""
        return None


#: Base of the optical link kinds (their ends have emitters, converters, a detector station;
#: :mod:`qfab.qnic` composes their chain).
OpticalLinkSpecBase = _OpticalLinkSpecBase


class SingleClickLinkSpec(_OpticalLinkSpecBase):
    """Single-click (single-photon) heralding with bright-state population ``bright_state``."""

    kind: Literal["single_click"] = "single_click"
    bright_state: Number = Field(gt=0, lt=1, description="bright-state population alpha")


class DoubleClickLinkSpec(_OpticalLinkSpecBase):
    """Double-click (Barrett-Kok) heralding: two rounds of single-photon emission."""

    kind: Literal["double_click"] = "double_click"


class TransducedLinkSpec(_OpticalLinkSpecBase):
    """A superconducting qubit's microwave photon converted to an optical photon.

    The ends named in ``transduced`` (default: both) are superconducting nodes: their arm
    of the chain gets the microwave-to-optical ``transducer`` stage (its efficiency and its
    ``efficiency * added_noise`` noise photons, :mod:`qfab.qnic`) after the emitter. An end
    whose node interface has its own transducer uses that one (the link's would then be
    ignored, so setting both is an error); the other ends use their interface or the
    link's ``emitter`` and ``conversion`` as on any optical link. The station heralds by
    two-photon (``double_click``) or single-photon (``single_click``, with
    ``bright_state``) interference.
    """

    kind: Literal["transduced"] = "transduced"
    transducer: TransducerSpec | None = Field(
        None, description="microwave-to-optical transducer of each end named in 'transduced' "
        "whose node interface has none")
    transduced: tuple[NodeName, ...] | None = Field(
        None, description="the end nodes that are superconducting and transduce their photon "
        "(default: both ends)")
    heralding: Literal["double_click", "single_click"] = Field(
        "double_click", description="how the station heralds: two-photon (double_click) or "
        "single-photon (single_click, needs bright_state) interference")
    bright_state: Number | None = Field(
        None, gt=0, lt=1, description="bright-state population alpha (single_click only)")

    @property
    def transduced_ends(self) -> tuple[str, ...]:
        """The superconducting ends (``transduced``, default both ends)."""
        return self.between if self.transduced is None else self.transduced

    def link_transducer(self, node: str) -> TransducerSpec | None:
        """The link's ``transducer`` for an end named in ``transduced``, else ``None``."""
        return self.transducer if node in self.transduced_ends else None


class FiberLinkSpec(_LinkSpecBase):
    """A plain point-to-point quantum channel (no entanglement): Alice's pulses go through
    the fiber to Bob's ``detector`` (prepare-and-measure QKD, ``kind: qkd`` requests).

    Entanglement routing does not use it. The detector's ``dark_count_probability`` is the
    background detection probability per window of Bob's two detectors together (``Y0``);
    ``dark_count_rate`` gives ``1 - exp(-2 rate window)``. ``cycle_time`` has no meaning
    here (the request's source sets the pulse rate).
    """

    kind: Literal["fiber"] = "fiber"
    detector: DetectorSpec = Field(DetectorSpec(), description="Bob's detectors")
    asymmetry: SignedLength = Field(
        0.0, description="one-way length difference between the two directions (b to a "
        "minus a to b, signed); clock_sync requests only")

    @model_validator(mode="after")
    def _positive_period(self) -> FiberLinkSpec:
        """A fiber link makes no attempts: any length, 0 included, is a channel."""
        return self

    @field_validator("fiber")
    @classmethod
    def _no_classical(cls, value: FiberSpec) -> FiberSpec:
        if value.classical is not None:
            raise ValueError("classical: Raman noise of classical traffic on a fiber link is "
                             "not modelled (remove fiber.classical)")
        return value


# the hardware kinds subclass the classes above (imported here, after them)
from qfab.spec.links_hardware import ChipToChipLinkSpec, MidpointSourceLinkSpec  # noqa: E402
from qfab.spec.links_satellite import SatelliteLinkSpec  # noqa: E402

LinkSpec = Annotated[
    DepolarizingLinkSpec | SingleClickLinkSpec | DoubleClickLinkSpec | TransducedLinkSpec
    | MidpointSourceLinkSpec | ChipToChipLinkSpec | FiberLinkSpec | SatelliteLinkSpec,
    Field(discriminator="kind"),
]


def carries_pulses(link: Any) -> bool:
    """Whether ``link`` is a plain quantum channel for a bb84-decoy request's pulses (no
    entanglement, no memory): a ``fiber`` link, or a ``satellite`` link in ``mode: downlink``
    or ``mode: uplink``."""
    return isinstance(link, FiberLinkSpec) or (isinstance(link, SatelliteLinkSpec)
                                               and link.prepare_measure)


class PolicySpec(SpecModel):
    """How the network serves requests (swapping order, cutoff, purification)."""

    swap: Literal["asap", "nested"] = "asap"
    cutoff: PositiveDuration | None = Field(None, description="discard pairs older than this")
    purification: Literal["none", "bbpssw", "dejmps", "auto"] = "none"
    purification_rounds: Integer | None = Field(
        None, ge=0, le=8, description="recurrence rounds on end-to-end pairs; default: the "
        "fewest that reach the request's min_fidelity")
    buffer: Integer = Field(0, ge=0, description="pairs each link generates ahead of demand and "
                        "keeps in memory (0: generate on demand only)")
    routing: str = Field("default", min_length=1, description="path selection: 'default' "
                         "(candidates ranked by rate and fidelity) or a policy a plugin "
                         "registered")


class FastSpec(SpecModel):
    """Options of the fast engine: how many trajectories, on which device."""

    shots: Integer = Field(200, ge=2, description="independent runs of each request sampled at "
                       "once (a batch)")
    target_rel_error: Number | None = Field(
        None, gt=0, lt=1, description="keep sampling batches until the 95 % interval of each "
        "request's rate is within this relative error (up to max_shots)")
    max_shots: Integer = Field(1_000_000, ge=2)
    device: Literal["cpu", "gpu"] = "cpu"


def _check_down_time(link: _LinkSpecBase, index: int) -> None:
    """A link with windows must stay down at least one attempt period between them.

    An attempt started at the end of a window heralds one attempt period later; it must do
    so before the next window opens, so that every window's attempts start at its opening.
    """
    availability = link.availability
    if availability is None or availability.up >= availability.period:
        return
    down = availability.period - availability.up
    attempt = link.attempt_period()
    if down < attempt:
        raise ScenarioError(f"links[{index}].availability",
                            f"the link is down for {down:g} s, shorter than one attempt period "
                            f"({attempt:g} s): an attempt started at the end of a window would "
                            "still run when the next window opens")


def _check_switch(link: _OpticalLinkSpecBase, index: int,
                  switches: dict[str, tuple[int, float]]) -> None:
    """A switched link has no up windows (not modelled together), and the links naming one
    switch agree on its reconfiguration time (``switches``: name -> first link, time)."""
    switch = link.switch
    if switch is None:
        return
    if link.availability is not None:
        raise ScenarioError(f"links[{index}].switch", "an optical switch on a link with "
                            "availability windows is not modelled (remove one of them)")
    first = switches.setdefault(switch.name, (index, switch.reconfiguration_time))
    if first[1] != switch.reconfiguration_time:
        raise ScenarioError(f"links[{index}].switch.reconfiguration_time",
                            f"{switch.reconfiguration_time:g} s, but links[{first[0]}] gives "
                            f"the switch {switch.name!r} {first[1]:g} s (one switch, one "
                            "reconfiguration time)")


def _check_unused_physics(link: _LinkSpecBase, index: int) -> None:
    """Refuse a physical parameter the link's kind does not use, rather than ignore it.

    Only a value other than the default counts (a dumped spec, which lists every default,
    loads again)."""
    if isinstance(link, DepolarizingLinkSpec) and link.fiber.attenuation != 0:
        raise ScenarioError(f"links[{index}].fiber.attenuation",
                            "depolarizing links take their success probability as given; "
                            "fiber.attenuation has no effect (length and fiber.speed still "
                            "set the delays)")
    if isinstance(link, DepolarizingLinkSpec) and link.fiber.classical is not None:
        raise ScenarioError(f"links[{index}].fiber.classical",
                            "depolarizing links take their success probability and fidelity "
                            "as given; the Raman noise of classical traffic has no effect "
                            "(use a double_click or single_click link)")


def _check_satellite_ends(link: SatelliteLinkSpec, index: int,
                          nodes: dict[str, NodeSpec]) -> None:
    """A prepare-and-measure satellite link joins the satellite (no location) and one ground
    station (a location)."""
    located = [end for end in link.between if nodes[end].location is not None]
    if len(located) != 1:
        raise ScenarioError(f"links[{index}].between",
                            f"mode: {link.mode} joins the satellite (a node with no location) "
                            f"and one ground station (a node with a location); "
                            + ("both ends have a location" if located else
                               "neither end has a location"))


def _check_second_link(links: Sequence[Any], first: int, index: int) -> None:
    """Two links may join the same two nodes only as a satellite's ``mode: downlink`` and
    ``mode: uplink`` to one station (each with its own hardware: a two-way time transfer
    needs photons both ways), following one orbit; anything else is refused."""
    one, two = links[first], links[index]
    a, b = two.between
    pair_modes = {getattr(one, "mode", None), getattr(two, "mode", None)}
    if not (isinstance(one, SatelliteLinkSpec) and isinstance(two, SatelliteLinkSpec)
            and pair_modes == {"downlink", "uplink"}):
        raise ScenarioError(f"links[{index}].between",
                            f"a second link between {a} and {b} (links[{first}]); only a "
                            "satellite and a ground station may be joined twice, by a "
                            "mode: downlink and a mode: uplink link")
    if any(frozenset(other.between) == frozenset((a, b)) for other in links[first + 1:index]):
        raise ScenarioError(f"links[{index}].between",
                            f"a third link between {a} and {b}: a satellite and a station "
                            "share at most one downlink and one uplink")
    if one.satellite != two.satellite:
        raise ScenarioError(f"links[{index}].satellite",
                            f"the {two.mode} between {a} and {b} follows another orbit than "
                            f"the {one.mode} (links[{first}]): one satellite, one orbit")


def _check_fiber_kind(link: _LinkSpecBase, index: int) -> None:
    """A fiber link's fields that would be ignored, and the fiber-only detector field on
    other kinds."""
    if isinstance(link, FiberLinkSpec):
        if link.availability is not None:
            raise ScenarioError(f"links[{index}].availability", "a fiber link is always up "
                                "(windows of a fiber link are not modelled)")
        if link.cycle_time != 0:
            raise ScenarioError(f"links[{index}].cycle_time", "a fiber link has no attempts: "
                                "the qkd request's source.repetition_rate sets the pulse rate")
        return
    detector = getattr(link, "detector", None)
    if isinstance(detector, DetectorSpec) and detector.dark_count_probability is not None:
        raise ScenarioError(f"links[{index}].detector.dark_count_probability",
                            "a background probability per window is a fiber link's receiver "
                            "field; heralding detectors take dark_count_rate")


def fiber_chain(links: Sequence[Any], a: str, b: str) -> list[str] | None:
    """The chain of fiber links from ``a`` to ``b``: the nodes of the path with the fewest
    fiber links (of those, the shortest in total length; then the first in the order the
    links are written), or ``None`` if no fiber links join them."""
    adjacent: dict[str, list[tuple[str, float, int]]] = {}
    for order, link in enumerate(links):
        if isinstance(link, FiberLinkSpec):
            u, v = link.between
            adjacent.setdefault(u, []).append((v, float(link.length), order))
            adjacent.setdefault(v, []).append((u, float(link.length), order))
    best: dict[str, tuple[int, float]] = {a: (0, 0.0)}
    queue: list[tuple[int, float, int, str, tuple[str, ...]]] = [(0, 0.0, 0, a, (a,))]
    while queue:
        hops, length, _, node, path = heapq.heappop(queue)
        if node == b:
            return list(path)
        if best.get(node, (hops, length)) < (hops, length):
            continue
        for other, metres, order in adjacent.get(node, []):
            cost = (hops + 1, length + metres)
            if other not in path and cost < best.get(other, (math.inf, math.inf)):
                best[other] = cost
                heapq.heappush(queue, (*cost, order, other, (*path, other)))
    return None


def _fiber_only_ends(requests: list[Any], links: list[Any], index: _LinkIndex) -> None:
    """Each request served with pairs must have its ends joined by links that carry
    entanglement; a bb84-decoy request needs a fiber link between its ends, or a chain of
    fiber links and ``relay: trusted``."""
    fibers = {frozenset(link.between) for link in links if carries_pulses(link)}
    for position, request in enumerate(requests):
        a, b = request.between
        if isinstance(request, ClockSyncRequestSpec):
            continue  # over fiber links: qfab.spec.clock_sync_paths
        if getattr(request, "protocol", None) == "bb84-decoy":
            _check_bb84_path(position, request, links, direct=frozenset((a, b)) in fibers)
            continue
        if fibers and not index.connected(a, b):
            raise ScenarioError(f"requests[{position}].between",
                                f"{a} and {b} are not joined by links that carry entanglement "
                                "(fiber links are plain quantum channels: entanglement routing "
                                "does not use them)")


def _check_bb84_path(position: int, request: Any, links: list[Any], *, direct: bool) -> None:
    """A direct fiber link without ``relay``, or a chain of fiber links with
    ``relay: trusted``."""
    a, b = request.between
    satellites = [link for link in links if isinstance(link, SatelliteLinkSpec)
                  and link.prepare_measure and set(link.between) == {a, b}]
    if len(satellites) > 1:
        raise ScenarioError(f"requests[{position}].between",
                            f"a satellite downlink and an uplink both join {a} and {b}: a "
                            "bb84-decoy request over one of them does not say which (keep "
                            "only the link the key should use)")
    satellite = satellites[0] if satellites else None
    if satellite is not None:
        _check_bb84_satellite(position, request, satellite)
        return
    if direct:
        if request.relay is not None:
            raise ScenarioError(f"requests[{position}].relay",
                                f"a fiber link joins {a} and {b} directly: there is no node to "
                                "relay the key through (remove relay)")
        return
    chain = fiber_chain(links, a, b)
    if chain is None:
        raise ScenarioError(f"requests[{position}].between",
                            f"bb84-decoy needs fiber links between {a} and {b}: a direct one, "
                            "or a chain of them with relay: trusted; or a satellite link in "
                            "mode: downlink or uplink between them (or use bbm92 over an "
                            "entanglement path)")
    if request.relay is None:
        raise ScenarioError(f"requests[{position}].relay",
                            f"{a} and {b} are joined by a chain of fiber links through "
                            f"{', '.join(chain[1:-1])}: set relay: trusted to relay the key "
                            "through those nodes (each of them then holds the key)")


def _check_bb84_satellite(position: int, request: Any, link: SatelliteLinkSpec) -> None:
    """A bb84-decoy request over a satellite pass: no relay, a given signal intensity."""
    if request.relay is not None:
        raise ScenarioError(f"requests[{position}].relay",
                            f"a satellite {link.mode} joins {request.between[0]} and "
                            f"{request.between[1]} directly: there is no node to relay the "
                            "key through (remove relay)")
    if request.source is not None and request.source.mu == "optimal":
        raise ScenarioError(f"requests[{position}].source.mu",
                            "optimal: the best signal intensity is found for one channel, "
                            "and a satellite pass changes its channel slice by slice: give mu")


#: Relative difference above which two photon wavelengths do not interfere (no converter).
WAVELENGTH_TOLERANCE = 1e-3
#: Relative difference between a photon and a fiber's design wavelength that is an error.
FIBER_WAVELENGTH_TOLERANCE = 0.1

_NO_EMITTER = EmitterSpec()


@dataclass(frozen=True)
class EndInterface:
    """The photonic stages of one end of an optical link, and where they are written.

    Attributes
    ----------
    node
        The end's node.
    emitter, transducer, conversion
        Its stages: the node's ``interface`` if it has one, else the link's ``emitter`` and
        ``conversion`` (a link has no transducer).
    path
        YAML path of the section they come from (``nodes.X.interface`` or ``links[i]``).
    """

    node: str
    emitter: EmitterSpec
    transducer: TransducerSpec | None
    conversion: ConversionSpec | None
    path: str

    @property
    def output_wavelength(self) -> float | None:
        """Wavelength of the photons the end sends into the fiber (``None``: unspecified).

        The converter's output, else the transducer's, else the emitter's.
        """
        for stage in (self.conversion, self.transducer):
            if stage is not None and stage.output_wavelength is not None:
                return float(stage.output_wavelength)
        return None if self.emitter.wavelength is None else float(self.emitter.wavelength)

    @property
    def source_wavelength(self) -> float | None:
        """Wavelength of the photons entering the converter: the transducer's output, else
        the emitter's."""
        if self.transducer is not None and self.transducer.output_wavelength is not None:
            return float(self.transducer.output_wavelength)
        return None if self.emitter.wavelength is None else float(self.emitter.wavelength)


def end_interfaces(link: Any, nodes: dict[str, NodeSpec],
                   index: int) -> tuple[EndInterface, EndInterface]:
    """The two ends of optical link ``links[index]``: each node's interface if it has one,
    else the link's ``emitter`` and ``conversion``; an end that the link transduces
    (:meth:`TransducedLinkSpec.link_transducer`) takes the link's transducer unless its
    interface has its own."""
    ends = []
    for name in link.between:
        node = nodes.get(name)
        interface = None if node is None else node.interface
        linked = link.link_transducer(name) if isinstance(link, _OpticalLinkSpecBase) \
            else None
        if interface is None:
            ends.append(EndInterface(name, link.emitter, linked, link.conversion,
                                     f"links[{index}]"))
        else:
            ends.append(EndInterface(name, interface.emitter,
                                     interface.transducer or linked,
                                     interface.conversion, f"nodes.{name}.interface"))
    return ends[0], ends[1]


def _nm(wavelength: float) -> str:
    return f"{wavelength * 1e9:.6g} nm"


def _differ(x: float, y: float, tolerance: float) -> bool:
    return abs(x - y) > tolerance * max(x, y)


def _check_transduced(link: TransducedLinkSpec, index: int,
                      nodes: dict[str, NodeSpec]) -> None:
    """A transduced link's own rules: its heralding fields, the ends it names, a transducer
    for each of them, and no link transducer that a node's own would override."""
    path = f"links[{index}]"
    if link.heralding == "single_click" and link.bright_state is None:
        raise ScenarioError(f"{path}.bright_state", "heralding: single_click needs the "
                            "bright-state population bright_state (0 < alpha < 1)")
    if link.heralding == "double_click" and link.bright_state is not None:
        raise ScenarioError(f"{path}.bright_state", "heralding: double_click has no bright "
                            "state (it would be ignored): remove it or use heralding: "
                            "single_click")
    named = link.transduced_ends
    for position, name in enumerate(named):
        if name not in link.between:
            raise ScenarioError(f"{path}.transduced[{position}]",
                                f"{name!r} is not an end of the link (between: "
                                f"{link.between[0]}, {link.between[1]})")
        if name in named[:position]:
            raise ScenarioError(f"{path}.transduced[{position}]", f"{name!r} is named twice")
    if not named and link.transducer is not None:
        raise ScenarioError(f"{path}.transducer", "transduced names no end, so this "
                            "transducer would be ignored (name the superconducting ends in "
                            "transduced, or remove it)")
    for name in named:
        node = nodes.get(name)
        own = None if node is None or node.interface is None else node.interface.transducer
        if own is not None and link.transducer is not None:
            raise ScenarioError(f"{path}.transducer",
                                f"{name}'s interface has its own transducer, which its arm "
                                f"uses: this one would be ignored there (remove "
                                f"nodes.{name}.interface.transducer, or leave {name} out of "
                                "transduced and this transducer serves the other ends)")
        if own is None and link.transducer is None:
            raise ScenarioError(f"{path}.transducer",
                                f"{name} is transduced but has no transducer (set this "
                                f"transducer or nodes.{name}.interface.transducer)")
    if all(end.transducer is None for end in end_interfaces(link, nodes, index)):
        raise ScenarioError(f"{path}.transduced", "no end of the link has a transducer "
                            "(name the superconducting ends here)")


def _check_optical_link(link: _OpticalLinkSpecBase, index: int,
                        nodes: dict[str, NodeSpec]) -> None:
    """The compatibility rules of an optical link's two ends (wavelengths, stages that would
    be ignored, a detector dead time the model does not cover)."""
    if isinstance(link, TransducedLinkSpec):
        _check_transduced(link, index, nodes)
    a, b = end_interfaces(link, nodes, index)
    if link.detector.afterpulse_probability != 0:
        raise ScenarioError(f"links[{index}].detector.afterpulse_probability",
                            "afterpulsing is modelled on fiber links only (give 0)")
    if link.detector.dead_time > link.attempt_period():
        raise ScenarioError(f"links[{index}].detector.dead_time",
                            f"{link.detector.dead_time:g} s is longer than the attempt period "
                            f"({link.attempt_period():g} s): a detector still dead at the next "
                            "attempt is not modelled (lengthen cycle_time or use a faster "
                            "detector)")
    if a.path != f"links[{index}]" and b.path != f"links[{index}]":
        for field, default in (("emitter", link.emitter == _NO_EMITTER),
                               ("conversion", link.conversion is None)):
            if not default:
                raise ScenarioError(f"links[{index}].{field}",
                                    f"both ends ({a.node}, {b.node}) have a node interface, "
                                    f"which sets their {field}: this one would be ignored "
                                    f"(move it to nodes.<name>.interface.{field} or remove it)")
    for end in (a, b):
        source = end.source_wavelength
        conversion = end.conversion
        if conversion is not None and conversion.input_wavelength is not None \
                and source is not None \
                and _differ(source, conversion.input_wavelength, WAVELENGTH_TOLERANCE):
            origin = "transducer" if end.transducer is not None \
                and end.transducer.output_wavelength is not None else "emitter"
            raise ScenarioError(f"{end.path}.conversion.input_wavelength",
                                f"the converter takes {_nm(conversion.input_wavelength)} but "
                                f"the {origin} of {end.node} sends {_nm(source)} (use a "
                                f"converter from {_nm(source)})")
    wave_a, wave_b = a.output_wavelength, b.output_wavelength
    if wave_a is not None and wave_b is not None and _differ(wave_a, wave_b,
                                                             WAVELENGTH_TOLERANCE):
        low, high = (a, b) if wave_a < wave_b else (b, a)
        low_wave, high_wave = min(wave_a, wave_b), max(wave_a, wave_b)
        raise ScenarioError(f"links[{index}]",
                            f"{a.node} sends photons at {_nm(wave_a)} and {b.node} at "
                            f"{_nm(wave_b)}: they cannot interfere at the station; add a "
                            f"frequency converter from {_nm(low_wave)} to {_nm(high_wave)} "
                            f"at {low.node} ({low.path}.conversion with output_wavelength "
                            f"{_nm(high_wave)})")
    fiber_wave = link.fiber.wavelength
    _check_telecom(link, index, wave_a if wave_a is not None else wave_b)
    if fiber_wave is not None:
        for end, wave in ((a, wave_a), (b, wave_b)):
            if wave is not None and _differ(wave, fiber_wave, FIBER_WAVELENGTH_TOLERANCE):
                raise ScenarioError(f"links[{index}].fiber.wavelength",
                                    f"the fiber is specified at {_nm(fiber_wave)} but "
                                    f"{end.node} sends {_nm(wave)} (more than 10 % away): "
                                    f"convert the photons to {_nm(fiber_wave)} "
                                    f"({end.path}.conversion) or use a fiber for {_nm(wave)}")


def _check_telecom(link: _OpticalLinkSpecBase, index: int, photon: float | None) -> None:
    """The encoding and classical-traffic rules of an optical link (``photon``: the ends'
    wavelength, ``None`` if neither end gives one)."""
    single = isinstance(link, SingleClickLinkSpec) or (
        isinstance(link, TransducedLinkSpec) and link.heralding == "single_click")
    if single and link.encoding is not None:
        raise ScenarioError(f"links[{index}].encoding",
                            "a single-click link carries its qubit in the photon number, not "
                            "in a time-bin or polarization encoding; its phase stability is "
                            "the link's visibility (remove encoding, or use double_click)")
    classical = link.fiber.classical
    if classical is None:
        return
    if photon is None and link.fiber.wavelength is None:
        raise ScenarioError(f"links[{index}].fiber.wavelength",
                            "fiber.classical needs the quantum channel's wavelength for the "
                            "Raman noise photons: give the fiber's wavelength (e.g. 1550 nm) "
                            "or the ends' emitter/conversion wavelength")
    if classical.launch_end is not None and classical.launch_end not in link.between:
        raise ScenarioError(f"links[{index}].fiber.classical.launch_end",
                            f"{classical.launch_end!r} is not an end of the link (between: "
                            f"{link.between[0]}, {link.between[1]})")


def quantum_channel_wavelength(link: Any, nodes: dict[str, NodeSpec], index: int) -> float:
    """Wavelength of an optical link's quantum channel: the ends' photons (either end's
    output wavelength), else ``fiber.wavelength``.

    Raises
    ------
    ScenarioError
        At ``links[index].fiber.wavelength`` when neither is given.
    """
    for end in end_interfaces(link, nodes, index):
        if end.output_wavelength is not None:
            return end.output_wavelength
    if link.fiber.wavelength is not None:
        return float(link.fiber.wavelength)
    raise ScenarioError(f"links[{index}].fiber.wavelength",
                        "the quantum channel's wavelength is needed (give the fiber's "
                        "wavelength or the ends' emitter/conversion wavelength)")


def _check_echo_after_herald(link: _LinkSpecBase, index: int,
                             nodes: dict[str, NodeSpec]) -> None:
    """A fixed-delay AFC memory must re-emit after the herald of its link arrives.

    The comb re-emits its photon at the echo time ``1 / comb_spacing`` after absorbing it;
    the node can only use it if it knows by then that the pair was heralded, ``length /
    fiber.speed`` after emission. An echo before the herald loses every pair: refused here
    rather than run as a link that never delivers (Afzelius et al., PRA 79, 052329 (2009):
    fixed-delay storage; on-demand spin-wave storage has no such bound).
    """
    delay = float(link.length / link.fiber.speed)
    for end in link.between:
        memory = nodes[end].memory if end in nodes else None
        if not isinstance(memory, AfcMemorySpec) or memory.on_demand is not None:
            continue
        if memory.echo_time is not None:
            echo, field = float(memory.echo_time), "echo_time"
        elif memory.comb_spacing is not None:
            echo, field = 1.0 / float(memory.comb_spacing), "comb_spacing"
        else:
            continue
        if echo < delay * (1 - 1e-9):  # rounding of length / speed is not a violation
            raise ScenarioError(
                f"nodes.{end}.memory.{field}",
                f"the comb re-emits {echo:g} s after absorbing, before the herald of "
                f"links[{index}] ({link.between[0]} - {link.between[1]}) arrives "
                f"{delay:g} s after emission: no pair could be read out; use an echo time "
                f">= {delay:g} s or on_demand spin-wave storage")


class ScenarioSpec(SpecModel):
    """A complete scenario (format version 1).

    ``requests`` holds the written requests followed by those its ``arrivals`` generate
    (named ``arrivals[i]#k``; :func:`qfab.arrivals.expand_arrivals`). A dump
    (``model_dump``) is the scenario as written: it leaves the generated requests out, and
    loading it generates them again.
    """

    qfab: Literal[1] = Field(description="scenario format version")
    name: str = "scenario"
    seed: Integer = Field(0, ge=0)
    engine: Literal["des", "fast", "analytic"] = "des"
    duration: PositiveDuration = Field(10.0, description="simulated-time limit for des")
    formalism: Literal["bell_diagonal", "density_matrix"] = Field(
        "bell_diagonal", description="state representation used by the event simulation")
    topology: TopologySpec | None = Field(
        None, description="generated nodes and links (chain, ring, star, grid, file), merged "
        "with 'nodes' and 'links'")
    tiers: list[TierSpec] = Field(
        [], description="tier blocks (nodal, cluster, metro, wan) and gateways between them, "
        "expanded into nodes and links merged with 'nodes' and 'links' (docs/tiers.md)")
    nodes: dict[NodeName, NodeSpec] = Field(min_length=1)
    links: list[LinkSpec] = Field(min_length=1)
    policy: PolicySpec = PolicySpec()
    requests: list[RequestSpec] = []
    arrivals: Arrivals = Field(
        [], description="arrival processes: requests made over time (poisson or periodic), "
        "added to 'requests' when the scenario is loaded")
    fast: FastSpec = FastSpec()
    sweep: SweepSpec | None = Field(None, description="parameter sweep, run by qfab sweep")
    _arrivals_drawn: bool = PrivateAttr(False)

    @property
    def arrivals_drawn(self) -> bool:
        """Whether the requests of ``arrivals`` are in ``requests`` (loading draws them:
        :func:`qfab.loading.parse_scenario`; validating the model alone does not)."""
        return self._arrivals_drawn or not self.arrivals

    def with_drawn_arrivals(self, requests: list[Any]) -> ScenarioSpec:
        """A copy whose ``requests`` are ``requests``: the written ones and those its
        arrivals generated (for :func:`qfab.arrivals.expand_arrivals`)."""
        drawn = self.model_copy(update={"requests": requests})
        drawn._arrivals_drawn = True
        return drawn

    @model_validator(mode="after")
    def _times_fit_the_run(self) -> ScenarioSpec:
        for index, request in enumerate(self.requests):
            if request.start >= self.duration:
                raise ScenarioError(f"requests[{index}].start",
                                    f"the request starts at {request.start:g} s, not before the "
                                    f"end of the run (duration {self.duration:g} s)")
            if isinstance(request, QkdRequestSpec) and request.source is not None:
                sending = request.pulse_count / float(request.source.repetition_rate)
                if request.start + sending > self.duration:
                    field = "pulses" if request.pulses is not None else "duration"
                    raise ScenarioError(f"requests[{index}].{field}",
                                        f"sending takes {sending:g} s at the repetition rate, "
                                        f"past the end of the run (duration "
                                        f"{self.duration:g} s)")
        for index, link in enumerate(self.links):
            period = link.attempt_period()
            if period > self.duration:
                field = "cycle_time" if link.cycle_time > self.duration else "length"
                raise ScenarioError(f"links[{index}].{field}",
                                    f"one attempt takes {period:g} s (cycle_time + length / "
                                    f"fiber.speed), longer than the run (duration "
                                    f"{self.duration:g} s): no attempt could finish")
        return self

    @model_validator(mode="after")
    def _arrivals_fit(self) -> ScenarioSpec:
        check_arrivals(self.arrivals, nodes=self.nodes, links=self.links,
                       duration=self.duration)
        return self

    @field_serializer("requests", mode="wrap")
    def _written_requests(self, requests: list[Any],
                          handler: SerializerFunctionWrapHandler) -> Any:
        """The requests as written: generated ones are left out (loading makes them)."""
        return handler([request for request in requests if not is_generated(request.name)])

    @model_validator(mode="after")
    def _references_exist(self) -> ScenarioSpec:
        for index, request in enumerate(self.requests):
            if isinstance(request, CircuitRequestSpec):
                for end in request.qpus:
                    if end not in self.nodes:
                        raise ScenarioError(f"requests[{index}].qpus", f"unknown node {end!r} "
                                            f"(nodes: {', '.join(self.nodes)})")
                    if self.nodes[end].qpu is None:
                        raise ScenarioError(f"requests[{index}].qpus", f"node {end!r} has no "
                                            "qpu section: a circuit runs on QPU nodes")
            if isinstance(request, SensingRequestSpec):
                for field, names in (("hub", [request.hub]), ("sensors", request.sensors)):
                    for end in names:
                        if end not in self.nodes:
                            raise ScenarioError(f"requests[{index}].{field}", f"unknown node "
                                                f"{end!r} (nodes: {', '.join(self.nodes)})")
        for section, items in (("links", self.links), ("requests", self.requests)):
            for index, item in enumerate(items):
                for end in item.between:
                    if end not in self.nodes:
                        raise ScenarioError(
                            f"{section}[{index}].between",
                            f"unknown node {end!r} (nodes: {', '.join(self.nodes)})",
                        )
        seen: dict[frozenset[str], int] = {}
        switches: dict[str, tuple[int, float]] = {}
        for index, link in enumerate(self.links):
            pair = frozenset(link.between)
            if pair in seen:
                _check_second_link(self.links, seen[pair], index)
            else:
                seen[pair] = index
            _check_down_time(link, index)
            _check_unused_physics(link, index)
            _check_fiber_kind(link, index)
            if not carries_pulses(link):  # no memory holds a channel's photons
                _check_echo_after_herald(link, index, self.nodes)
            if isinstance(link, _OpticalLinkSpecBase):
                _check_optical_link(link, index, self.nodes)
                _check_switch(link, index, switches)
            if isinstance(link, SatelliteLinkSpec) and link.prepare_measure:
                _check_satellite_ends(link, index, self.nodes)
            elif isinstance(link, SatelliteLinkSpec):
                for end in link.between:
                    if self.nodes[end].location is None:
                        raise ScenarioError(f"nodes.{end}.location",
                                            f"{end} is a ground station of the satellite link "
                                            f"links[{index}]: give its location (latitude, "
                                            "longitude, altitude)")
        for name, node in self.nodes.items():
            degree = self.degree(name)
            allocation = node.memory.per_link
            if allocation is not None:
                neighbours = set(self.neighbours(name))
                for other in allocation:
                    if other not in neighbours:
                        raise ScenarioError(f"nodes.{name}.memory.per_link.{other}",
                                            f"{name} has no link to {other!r}")
                missing = neighbours - set(allocation)
                if missing:
                    raise ScenarioError(
                        f"nodes.{name}.memory.per_link",
                        f"no qubits for the link(s) to {', '.join(sorted(missing))}",
                    )
                if sum(allocation.values()) > node.memory.qubits:
                    raise ScenarioError(f"nodes.{name}.memory.per_link",
                                        f"assigns {sum(allocation.values())} qubits, the node "
                                        f"has {node.memory.qubits}")
            elif node.memory.qubits < degree:
                raise ScenarioError(f"nodes.{name}.memory.qubits",
                                    f"{node.memory.qubits} qubit(s) cannot serve {degree} links "
                                    "(at least one qubit per link)")
        _fiber_only_ends(self.requests, self.links, self._links_index())
        from qfab.spec.clock_sync_paths import check_clock_sync  # imports this module

        check_clock_sync(self)
        if self.links and "policy" in self.model_fields_set and self.policy.model_fields_set \
                and all(carries_pulses(link) for link in self.links):
            field = sorted(self.policy.model_fields_set)[0]
            raise ScenarioError(f"policy.{field}", "every link is a fiber link: no pairs to "
                                "swap, cut off or purify, so the policy would be ignored "
                                "(remove policy)")
        return self

    def entanglement_part(self) -> ScenarioSpec | None:
        """The scenario the orchestrator plans: without its fiber links and its bb84-decoy
        requests (served over fiber links, not with pairs); ``None`` when only fiber links
        are left out of it. Its links and requests are numbered anew."""
        links = [link for link in self.links if not carries_pulses(link)]
        if not links:
            return None
        requests = [request for request in self.requests
                    if getattr(request, "protocol", None) != "bb84-decoy"
                    and not isinstance(request, ClockSyncRequestSpec)]
        if len(links) == len(self.links) and len(requests) == len(self.requests):
            return self
        return self.model_copy(update={"links": links, "requests": requests})

    def degree(self, node: str) -> int:
        """Number of links that end at ``node``."""
        return len(self._links_index().neighbours.get(node, ()))

    def neighbours(self, node: str) -> list[str]:
        """Nodes joined to ``node`` by a link, in link order."""
        return list(self._links_index().neighbours.get(node, ()))

    def qubits_per_link(self, node: str, neighbour: str | None = None) -> int:
        """Qubits that ``node`` dedicates to its link to ``neighbour``.

        Taken from ``memory.per_link`` when given, otherwise an even split of the node's
        qubits among its links (``neighbour`` may then be omitted).
        """
        memory = self.nodes[node].memory
        if memory.per_link is not None and neighbour is not None:
            return memory.per_link[neighbour]
        degree = self.degree(node)
        return memory.qubits // degree if degree else 0

    def link_between(self, a: str, b: str) -> tuple[int, LinkSpec] | None:
        """The index and spec of the link joining ``a`` and ``b``, if any."""
        index = self._links_index().by_ends.get((a, b) if a <= b else (b, a))
        return None if index is None else (index, self.links[index])

    def _links_index(self) -> _LinkIndex:
        """Neighbours and links by their ends, built once from ``links`` (rebuilt for a copy
        whose ``links`` were replaced): each lookup is then O(1), not a scan of all links."""
        index: _LinkIndex | None = self.__dict__.get("_qfab_links_index")
        if index is None or index.links is not self.links:
            index = _LinkIndex.of(self.links)
            self.__dict__["_qfab_links_index"] = index  # a cache beside the fields
        return index


@dataclass(frozen=True)
class _LinkIndex:
    """The links of a scenario indexed by node (the links list it was built from kept, to
    tell a stale index from a current one)."""

    links: list[LinkSpec]
    neighbours: dict[str, list[str]]
    by_ends: dict[tuple[str, str], int]  # (first, second) in sorted order

    def connected(self, a: str, b: str) -> bool:
        """Whether links (not fiber links) join ``a`` and ``b`` through any path."""
        seen, frontier = {a}, [a]
        while frontier:
            node = frontier.pop()
            if node == b:
                return True
            for other in self.neighbours.get(node, ()):
                if other not in seen:
                    seen.add(other)
                    frontier.append(other)
        return False

    @classmethod
    def of(cls, links: list[LinkSpec]) -> _LinkIndex:
        """The index of the links that carry entanglement (fiber links are left out: they
        hold no memory qubit and routing does not use them)."""
        neighbours: dict[str, list[str]] = {}
        by_ends: dict[tuple[str, str], int] = {}
        for index, link in enumerate(links):
            if carries_pulses(link):
                continue
            a, b = link.between
            neighbours.setdefault(a, []).append(b)
            neighbours.setdefault(b, []).append(a)
            by_ends.setdefault((a, b) if a <= b else (b, a), index)
        return cls(links, neighbours, by_ends)
