"""The photonic chain of an optical link (QNIC): the stages each end's photon crosses.

A heralded optical link has two arms, one per end, and a station at the fiber's midpoint::

    emitter -> [transducer] -> [conversion] -> fiber (length / 2) -> [switch] -> [raman]
      -> detector (each end) -> bsm (both)

Each :class:`Stage` has an efficiency (the probability that a photon passes it), the noise it
adds and the time it takes. This module composes them, once, for every heralded link kind:

- an :class:`ArmChain` per end: the product of its stages' efficiencies is the probability
  that the end's photon clicks a detector (``eta_a``, ``eta_b``), and the noise photons its
  stages add reach the detectors through the stages after them;
- a :class:`LinkChain`: the two arms, the false-click probability of each detector per window
  (dark counts and the arms' noise photons,
  :func:`qfab.physics.detection.noise_click_probability`) and the interference visibility of
  the two ends' photons (the link's ``visibility`` times the emitters' overlap,
  :func:`qfab.physics.heralding.hom_visibility` for two-photon interference,
  :func:`qfab.physics.heralding.single_photon_coherence` for single-photon interference).

:mod:`qfab.linkmodel` feeds these into the heralding formulas of :mod:`qfab.physics.heralding`
and :mod:`qfab.report.budget` lists the same stages, so the budget and every engine see one
chain. Which emitter and converter an end has (the node's ``interface`` or the link's
``emitter``/``conversion``) is :func:`qfab.spec.models.end_interfaces`.

Stage table (per end ``x``, then the station's):

=================  ==========================================  ===================================
stage              efficiency                                  noise
=================  ==========================================  ===================================
``emitter[x]``     ``emission_probability *                    ``1 - indistinguishability``
                   collection_efficiency * efficiency``
``transducer[x]``  ``transducer.efficiency``                   ``efficiency * added_noise`` noise
                                                               photons per window at its output
``conversion[x]``  ``conversion.efficiency``                   ``noise_rate * window`` noise
                                                               photons per window at its output
``fiber[x]``       transmittance of ``length / 2``             0 (delay ``length / 2 / speed``)
``switch[x]``      ``10 ** (-switch.insertion_loss / 10)``     0 (an optical switch in the path)
``raman[x]``       1                                           Raman noise photons per window
                                                               arriving through this arm
``detector``       ``detector.efficiency * erf(window          false-click probability per window
                   sqrt(ln 2) / jitter)``                      (dark counts and noise photons)
``bsm``            1                                           ``1 - V_eff``
``encoding``       1                                           ``1 - V`` (time bin) or
                                                               ``1 - s_a s_b`` (polarization)
=================  ==========================================  ===================================

``raman[x]`` is there when the fiber carries classical traffic (``fiber.classical``): the
light launched at ``launch_end`` scatters forward into the station through that end's arm and
backward through the other's (:func:`qfab.physics.raman.midpoint_arm_powers`), counted at the
quantum channel's wavelength (:func:`qfab.spec.models.quantum_channel_wavelength`) over the
detection window (:func:`qfab.physics.raman.noise_photons`). ``encoding`` is the channel the
photon's encoding puts on the heralded pair (:class:`EncodingChannel`).

With every new field at its default the chain is the one of the earlier model (emitter,
half the fiber, detector) and gives bit-identical numbers.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from qfab.physics.decibel import loss_db, transmittance_db
from qfab.physics.detection import (
    dark_count_probability,
    noise_click_probability,
    window_fraction,
)
from qfab.physics.encoding import (
    compensated_polarization_contraction,
    polarization_pair_channel,
    time_bin_pair_channel,
)
from qfab.physics.fiber import transmittance
from qfab.physics.heralding import hom_visibility, single_photon_coherence
from qfab.physics.raman import midpoint_arm_powers, natural_attenuation, noise_photons
from qfab.spec.models import (
    EndInterface,
    NodeSpec,
    OpticalLinkSpecBase,
    SingleClickLinkSpec,
    TransducedLinkSpec,
    end_interfaces,
    quantum_channel_wavelength,
)
from qfab.spec.telecom import PolarizationEncodingSpec

__all__ = ["ArmChain", "EncodingChannel", "Interference", "LinkChain", "Stage", "arm_chain",
           "detector_stage", "encoding_channel", "link_chain", "raman_stages"]

#: Which interference heralds the link: one photon (single click) or two (double click).
Interference = Literal["single_photon", "two_photon"]

#: A link with the optical fields (``emitter``, ``conversion``, ``detector``, ``visibility``).
OpticalLink = OpticalLinkSpecBase


@dataclass(frozen=True)
class Stage:
    """One stage of a link's chain.

    Attributes
    ----------
    name
        What the stage is (``emitter[alice]``, ``fiber[bob]``, ``detector``, ...).
    efficiency
        Probability in [0, 1] that a photon (or an attempt) passes the stage.
    noise
        What the stage adds to the pair's error, in the stage's own terms (the module's
        table): noise photons per window, a false-click probability, ``1 - V``, ``1 - F``, a
        fidelity lost; 0 for pure loss.
    delay
        Seconds the photon spends in the stage (the fiber's propagation delay).
    photons
        Mean noise photons per detection window the stage adds at its output (they cross the
        later stages of the arm to the detectors).
    noise_efficiency
        Probability that a noise photon passes the stage, when it differs from
        ``efficiency`` (a detector's jitter window loses timed signal photons, not
        broadband noise, whose count is already per window); ``None``: ``efficiency``.
    """

    name: str
    efficiency: float
    noise: float
    delay: float = 0.0
    photons: float = 0.0
    noise_efficiency: float | None = None

    @property
    def loss_db(self) -> float:
        """The stage's loss in dB (``inf`` for an efficiency of 0)."""
        return float(loss_db(self.efficiency))


@dataclass(frozen=True)
class ArmChain:
    """The stages one end's photon crosses, from its emitter to a detector.

    Attributes
    ----------
    node
        The end's node.
    stages
        In the order the photon meets them; the last is the station's detector.
    """

    node: str
    stages: tuple[Stage, ...]

    @property
    def efficiency(self) -> float:
        """Probability that the end's photon clicks a detector: the product of the stages'
        efficiencies, in order."""
        product = 1.0
        for stage in self.stages:
            product *= stage.efficiency
        return product

    @property
    def noise_photons(self) -> float:
        """Mean noise photons of this arm detected per window: each stage's ``photons``
        times the noise efficiency of every later stage."""
        photons = 0.0
        for stage in self.stages:
            through = stage.efficiency if stage.noise_efficiency is None \
                else stage.noise_efficiency
            photons = photons * through + stage.photons
        return photons

    @property
    def delay(self) -> float:
        """Seconds from emission to the detector."""
        return math.fsum(stage.delay for stage in self.stages)


@dataclass(frozen=True)
class EncodingChannel:
    """The channel a photon encoding puts on a heralded pair.

    Attributes
    ----------
    kind
        ``time_bin`` or ``polarization``.
    factor
        What the pair keeps: the interferometers' visibility ``V`` (time bin: the pair's
        coherence times ``V``) or ``s_a s_b`` (polarization: the Bell vector's weight).
    contractions
        ``(s_a, s_b)``, each arm's polarization contraction (``(1, 1)`` for time bin).
    """

    kind: Literal["time_bin", "polarization"]
    factor: float
    contractions: tuple[float, float] = (1.0, 1.0)

    def apply(self, state: NDArray[np.float64]) -> NDArray[np.float64]:
        """The Bell vector after the channel
        (:func:`qfab.physics.encoding.time_bin_pair_channel`,
        :func:`qfab.physics.encoding.polarization_pair_channel`)."""
        if self.kind == "time_bin":
            return np.asarray(time_bin_pair_channel(state, self.factor), dtype=np.float64)
        s_a, s_b = self.contractions
        return np.asarray(polarization_pair_channel(state, s_a, s_b), dtype=np.float64)

    @property
    def stage(self) -> Stage:
        """The budget's ``encoding`` stage: efficiency 1, noise ``1 - factor``."""
        return Stage("encoding", 1.0, 1.0 - self.factor)


def encoding_channel(link: OpticalLink) -> EncodingChannel | None:
    """The channel of ``link.encoding`` on the pair (``None`` without an encoding).

    Polarization: each arm's qubit has the contraction
    :func:`qfab.physics.encoding.compensated_polarization_contraction` of the encoding's
    ``compensation_interval`` and ``drift_time`` (the drift time of each arm, as given).
    """
    encoding = link.encoding
    if encoding is None:
        return None
    if isinstance(encoding, PolarizationEncodingSpec):
        s = float(compensated_polarization_contraction(encoding.compensation_interval,
                                                       encoding.drift_time))
        return EncodingChannel("polarization", s * s, (s, s))
    return EncodingChannel("time_bin", float(encoding.interferometer_visibility))


@dataclass(frozen=True)
class LinkChain:
    """Both arms of an optical link and the station that heralds.

    Attributes
    ----------
    arms
        The arms of ``between[0]`` and ``between[1]``.
    detector
        The station's detector stage (each arm ends with it).
    dark_count_probability
        Dark-count probability of one detector per window.
    visibility
        Interference visibility ``V_eff`` the heralding formula takes: the link's
        ``visibility`` times the emitters' overlap for the link's ``interference``.
    interference
        ``single_photon`` or ``two_photon``.
    encoding
        The channel the photon encoding puts on the heralded pair, or ``None``; the link
        kind's heralding applies it (:mod:`qfab.linkmodel`).
    """

    arms: tuple[ArmChain, ArmChain]
    detector: Stage
    dark_count_probability: float
    visibility: float
    interference: Interference
    encoding: EncodingChannel | None = None

    @property
    def efficiencies(self) -> tuple[float, float]:
        """``(eta_a, eta_b)``: each end's photon to a click."""
        return self.arms[0].efficiency, self.arms[1].efficiency

    @property
    def efficiency(self) -> float:
        """Per-photon efficiency ``sqrt(eta_a eta_b)`` (each arm's when they are equal).

        A double-click herald needs one photon of each end (``p = eta_a eta_b / 2``), so the
        geometric mean is the efficiency of one photon of the pair; its loss in dB is half
        the sum of the two arms' losses.
        """
        eta_a, eta_b = self.efficiencies
        return eta_a if eta_a == eta_b else math.sqrt(eta_a * eta_b)

    @property
    def click_noise(self) -> float:
        """False-click probability ``d`` of each detector per window: dark counts and the
        two arms' noise photons, split by the beam splitter."""
        return float(noise_click_probability(
            self.arms[0].noise_photons, self.arms[1].noise_photons,
            dark_count_probability=self.dark_count_probability))

    @property
    def stages(self) -> tuple[Stage, ...]:
        """The stages as a budget lists them: each arm's own (``emitter[x]`` ...
        ``fiber[x]``, ``raman[x]``), then ``detector`` (noise: :attr:`click_noise`),
        ``bsm`` and ``encoding`` (when the link has one)."""
        own = tuple(stage for arm in self.arms for stage in arm.stages[:-1])
        station: tuple[Stage, ...] = (replace(self.detector, noise=self.click_noise),
                                      Stage("bsm", 1.0, 1.0 - self.visibility))
        if self.encoding is not None:
            station = (*station, self.encoding.stage)
        return (*own, *station)


def detector_stage(link: OpticalLink) -> Stage:
    """The station's detector: efficiency times the jitter window fraction, noise the
    dark-count probability per window."""
    detector = link.detector
    fraction = float(window_fraction(detector.window, detector.jitter))
    return Stage("detector", float(detector.efficiency) * fraction,
                 float(dark_count_probability(detector.dark_count_rate, detector.window)),
                 noise_efficiency=float(detector.efficiency))


def raman_stages(link: OpticalLink, nodes: dict[str, NodeSpec] | None = None,
                 index: int = 0) -> tuple[Stage | None, Stage | None]:
    """The ``raman[x]`` stage of each end's arm (``(None, None)`` without classical traffic).

    The classical light is launched at ``fiber.classical.launch_end`` (default
    ``between[0]``); the station at the midpoint receives the forward-scattered power through
    that end's arm and the backward-scattered power through the other
    (:func:`qfab.physics.raman.midpoint_arm_powers`, with the effective coefficient
    ``raman_coefficient * filter_bandwidth`` and the fiber's attenuation), counted as photons
    of the quantum channel's wavelength per detection window
    (:func:`qfab.physics.raman.noise_photons`; the detector's efficiency applies after).
    """
    classical = link.fiber.classical
    if classical is None:
        return None, None
    wavelength = quantum_channel_wavelength(link, nodes or {}, index)
    launch, other = midpoint_arm_powers(
        classical.launch_power, link.length, natural_attenuation(link.fiber.attenuation),
        classical.raman_coefficient * classical.filter_bandwidth)
    window = link.detector.window
    photons = [float(noise_photons(power, wavelength, window)) for power in (launch, other)]
    launcher = link.between.index(classical.launch_end) \
        if classical.launch_end is not None else 0
    if launcher == 1:
        photons.reverse()
    first, second = (Stage(f"raman[{name}]", 1.0, mu, photons=mu)
                     for name, mu in zip(link.between, photons, strict=True))
    return first, second


def arm_chain(link: OpticalLink, end: EndInterface, detector: Stage,
              raman: Stage | None = None) -> ArmChain:
    """The arm of ``end`` on ``link``: its emitter, transducer and converter, half the fiber,
    the optical switch (``link.switch``, its insertion loss), the Raman noise arriving
    through it (``raman``, from :func:`raman_stages`) and the station's ``detector``."""
    name = end.node
    window = float(link.detector.window)
    emitter = end.emitter
    stages = [Stage(f"emitter[{name}]",
                    float(emitter.emission_probability * emitter.collection_efficiency
                          * emitter.efficiency),
                    1.0 - float(emitter.indistinguishability))]
    if end.transducer is not None:
        out = float(end.transducer.efficiency * end.transducer.added_noise)
        stages.append(Stage(f"transducer[{name}]", float(end.transducer.efficiency), out,
                            photons=out))
    if end.conversion is not None:
        out = float(end.conversion.noise_rate) * window
        stages.append(Stage(f"conversion[{name}]", float(end.conversion.efficiency), out,
                            photons=out))
    stages.append(Stage(f"fiber[{name}]",
                        float(transmittance(link.length / 2, link.fiber.attenuation)), 0.0,
                        delay=float(link.length / 2 / link.fiber.speed)))
    if link.switch is not None:
        stages.append(Stage(f"switch[{name}]",
                            float(transmittance_db(link.switch.insertion_loss)), 0.0))
    if raman is not None:
        stages.append(raman)
    stages.append(detector)
    return ArmChain(name, tuple(stages))


def link_chain(link: OpticalLink, nodes: dict[str, NodeSpec] | None = None,
               index: int = 0, *, interference: Interference | None = None) -> LinkChain:
    """Compose the chain of optical link ``link`` (``links[index]``).

    Parameters
    ----------
    link
        A single- or double-click link.
    nodes
        The scenario's nodes: an end whose node has an ``interface`` takes its stages from
        it. ``None``: both ends use the link's ``emitter`` and ``conversion``.
    index
        The link's position (for the YAML paths of its ends).
    interference
        How the station heralds (default: ``single_photon`` for a link that heralds with a
        bright state, a single-click link or a ``transduced`` one with ``heralding:
        single_click``; ``two_photon`` otherwise); it picks the emitters' overlap factor.
    """
    ends = end_interfaces(link, nodes or {}, index)
    detector = detector_stage(link)
    raman_a, raman_b = raman_stages(link, nodes, index)
    arms = (arm_chain(link, ends[0], detector, raman_a),
            arm_chain(link, ends[1], detector, raman_b))
    m_a = ends[0].emitter.indistinguishability
    m_b = ends[1].emitter.indistinguishability
    if interference is None:
        single = isinstance(link, SingleClickLinkSpec) or (
            isinstance(link, TransducedLinkSpec) and link.heralding == "single_click")
        interference = "single_photon" if single else "two_photon"
    overlap = float(single_photon_coherence(m_a, m_b) if interference == "single_photon"
                    else hom_visibility(m_a, m_b))
    return LinkChain(arms=arms, detector=detector,
                     dark_count_probability=detector.noise,
                     visibility=float(link.visibility) * overlap,
                     interference=interference, encoding=encoding_channel(link))
