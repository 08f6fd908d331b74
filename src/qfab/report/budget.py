"""Link budgets: every stage of each link's model, and what it does to rate and fidelity.

For each link of a scenario, :func:`link_budgets` lists the stages that the link model
(:mod:`qfab.linkmodel`) composes for the link's kind, each with its efficiency (the
probability that a photon passes it), that efficiency in dB and the noise the stage adds,
then the link's success probability, pair rate and fidelity (the figures the analytic
engine reports for the link, taken from the same :class:`~qfab.linkmodel.LinkModel`), and
the PLOB repeaterless ceiling of the fiber between the two nodes for comparison.

Stages per kind (``docs/budget.md`` has the table):

- ``single_click`` and ``double_click``: the photonic chain of :mod:`qfab.qnic`, per end
  ``x`` (a node's name) ``emitter[x]`` (emission, collection and other losses; noise
  ``1 - indistinguishability``), ``transducer[x]`` and ``conversion[x]`` when the end has
  them (noise: the photons per window they add), ``fiber[x]`` (half the length, node to the
  midpoint station), ``switch[x]`` when the link passes an optical switch (its insertion
  loss), ``raman[x]`` when the fiber carries classical traffic (noise: the Raman
  photons per window arriving through that arm), then the station's ``detector`` (efficiency
  times the jitter window; noise: the false-click probability per window, dark counts and
  noise photons) and ``bsm`` (efficiency 1; noise ``1 - V_eff``, the link's visibility times
  the emitters' overlap), ``encoding`` for a double-click link with one (efficiency 1; noise
  one minus what the encoding's channel keeps of the pair), for ``single_click`` (and
  ``transduced`` with ``heralding: single_click``) also ``bright_state`` (efficiency 1;
  noise the population ``a``, the fidelity is about ``1 - a``); ``transduced`` lists the
  same chain, with ``transducer[x]`` for each superconducting end;
- ``depolarizing``: ``success_probability`` (efficiency: the given probability; noise
  ``1 - fidelity``);
- ``midpoint_source``: ``source`` (efficiency 1; noise ``1 - F`` of one emitted pair), then
  per arm ``fiber_a``, ``absorption_a``, ``herald_a`` (noise: the herald's dark-count
  probability per mode) and the same for ``b``, ``multi_pair`` (efficiency 1; noise: the
  share of heralded modes that hold no pair of the source, multi-pair emission and dark
  counts) and ``modes`` (efficiency 1, noise 0; named with the number of modes, which
  multiply the per-mode success); the link's efficiency is ``eta_a eta_b``;
- ``chip_to_chip``: ``interconnect`` (efficiency: the success probability; noise
  ``1 - fidelity``);
- ``satellite``: at the slice of the run's passes with the highest coincidence probability,
  ``downlink[x]`` per station (the free-space budget and the receiver; noise: the
  station's false clicks per window), ``source`` (efficiency 1; noise ``1 - F`` of an
  emitted pair) and ``accidentals`` (efficiency 1; noise: the share of coincidences that
  hold no pair of the source); the link's efficiency is ``eta_a eta_b``; the figures below
  them are the run's (``docs/satellites.md``);
- a kind a plugin adds: one stage named after the kind (efficiency: its success
  probability; noise: one minus the fidelity of the emitted pair);
- every kind ends with ``memory`` (efficiency: the probability that both memories give
  their qubits back when read out at the herald, ``eta_a(d) eta_b(d)`` after the herald
  delay ``d = length / speed``, 1 unless a memory's read-out may fail, e.g. an ``afc``
  memory's recall efficiency; noise: the fidelity the two memories lose while the herald
  travels).

The link's ``efficiency`` is the product of the efficiencies of its stages before
``memory`` for the kinds with one chain of stages; for the photonic kinds it is the
per-photon efficiency ``sqrt(eta_a eta_b)`` of the two arms
(:attr:`qfab.qnic.LinkChain.efficiency`; each arm's ``eta`` when they are equal).
``p_success`` and ``rate_hz`` are the heralding figures, before the read-out.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from qfab.engines.qkd import fiber_channel
from qfab.linkmodel import LinkModel, link_models, schedule_figures
from qfab.links import midpoint
from qfab.links.satellite import satellite_pass
from qfab.physics.bounds import plob_bound
from qfab.physics.decibel import loss_db
from qfab.physics.fiber import transmittance
from qfab.physics.midpoint_source import midpoint_source_mode
from qfab.qnic import LinkChain, Stage, link_chain
from qfab.spec.links_hardware import ChipToChipLinkSpec, MidpointSourceLinkSpec
from qfab.spec.links_satellite import SatelliteLinkSpec
from qfab.spec.models import (
    DepolarizingLinkSpec,
    DoubleClickLinkSpec,
    FiberLinkSpec,
    LinkSpecBase,
    OpticalLinkSpecBase,
    ScenarioSpec,
    SingleClickLinkSpec,
    TransducedLinkSpec,
)

__all__ = ["LinkBudget", "Stage", "budget_document", "format_budgets", "link_budgets"]


@dataclass(frozen=True)
class LinkBudget:
    """The budget of one link.

    Attributes
    ----------
    kind
        The link's kind.
    length
        Fiber length between the two nodes (m).
    stages
        The stages in the order a photon meets them.
    efficiency
        Product of the stages' efficiencies.
    model
        The link's model (success probability, rate, fidelity); ``None`` for a ``fiber``
        link, which makes no pairs (its JSON has ``null`` for them).
    plob_bits_per_use
        PLOB bound ``-log2(1 - eta)`` with ``eta`` the transmittance of the whole fiber
        between the nodes; ``inf`` for a lossless fiber.
    run_figures
        For a link with a schedule (a satellite pass): its success probability, rate and
        fidelity expected over the run (:func:`qfab.linkmodel.schedule_figures`, what the
        analytic engine reports), else ``None`` (the model's long-run figures).
    """

    kind: str
    length: float
    stages: tuple[Stage, ...]
    efficiency: float
    model: LinkModel | None
    plob_bits_per_use: float
    between: tuple[str, str] = ("", "")
    run_figures: tuple[float | None, float, float | None] | None = None

    @property
    def fidelity(self) -> float | None:
        """Fidelity of a pair when its herald arrives (as the analytic engine reports)."""
        if self.run_figures is not None:
            return self.run_figures[2]
        return None if self.model is None else float(self.model.heralded_state[0])

    @property
    def p_success(self) -> float | None:
        """Success probability per attempt (as the analytic engine reports)."""
        if self.run_figures is not None:
            return self.run_figures[0]
        return None if self.model is None else self.model.p_success

    @property
    def rate_hz(self) -> float | None:
        """Heralded pairs per second (as the analytic engine reports)."""
        if self.run_figures is not None:
            return self.run_figures[1]
        return None if self.model is None else self.model.pair_rate

    def to_dict(self) -> dict[str, Any]:
        """The JSON form (infinite values, e.g. the loss of a zero efficiency, are ``None``)."""
        return {
            "between": list(self.between),
            "stages": [{"name": stage.name, "efficiency": stage.efficiency,
                        "loss_db": _finite(stage.loss_db), "noise": stage.noise}
                       for stage in self.stages],
            "efficiency": self.efficiency,
            "p_success": self.p_success,
            "rate_hz": self.rate_hz,
            "fidelity": self.fidelity,
            "plob_bits_per_use": _finite(self.plob_bits_per_use),
        }


def _num(value: float | None, form: str = ".4g") -> str:
    return "-" if value is None else format(value, form)


def _finite(value: float) -> float | None:
    return value if math.isfinite(value) else None


def _photonic_stages(chain: LinkChain, link: OpticalLinkSpecBase) -> list[Stage]:
    stages = list(chain.stages)
    bright_state = getattr(link, "bright_state", None)
    if bright_state is not None:
        stages.append(Stage("bright_state", 1.0, float(bright_state)))
    return stages


def _midpoint_source_stages(link: MidpointSourceLinkSpec, model: LinkModel) -> list[Stage]:
    arm = midpoint.arms(link)
    eta_a, eta_b = arm.efficiencies
    p_mode, p_true = midpoint_source_mode(midpoint.mean_pairs(link), eta_a, eta_b,
                                          dark_count_probability_a=arm.dark,
                                          dark_count_probability_b=arm.dark)
    modes = midpoint.modes(link, model.memories, model.index)
    stages = [Stage("source", 1.0, 1.0 - float(link.source.fidelity))]
    for end, absorption in zip("ab", arm.absorption):
        stages += [Stage(f"fiber_{end}", arm.fiber, 0.0),
                   Stage(f"absorption_{end}", absorption, 0.0),
                   Stage(f"herald_{end}", arm.detector, arm.dark)]
    share = float(p_true / p_mode) if p_mode > 0 else 1.0
    return [*stages, Stage("multi_pair", 1.0, 1.0 - share), Stage(f"modes x{modes}", 1.0, 0.0)]


def _satellite_stages(spec: ScenarioSpec, index: int, link: SatelliteLinkSpec) -> list[Stage]:
    """The slice of the run's passes with the highest coincidence probability
    (:func:`qfab.links.satellite.satellite_pass`): each downlink (noise: the station's false
    clicks per window), the source (noise ``1 - F`` of an emitted pair) and the accidentals
    (efficiency 1; noise: the share of coincidences that hold no pair of the source); the
    link's efficiency is ``eta_a eta_b``. A run without a pass has one stage ``no pass``."""
    found = satellite_pass(link, spec, index)
    if not found.p_success.size:
        return [Stage("no pass in the run", 0.0, 0.0)]
    best = int(found.p_success.argmax())
    a, b = link.between
    mu = link.source.pair_rate * link.cycle_time
    eta_a, eta_b = (float(x) for x in found.efficiency[:, best])
    p_mode, p_true = midpoint_source_mode(mu, eta_a, eta_b,
                                          dark_count_probability_a=found.noise[0, best],
                                          dark_count_probability_b=found.noise[1, best])
    share = float(p_true / p_mode) if p_mode > 0 else 1.0
    when = f"t = {found.starts[best]:.0f} s"
    return [Stage(f"downlink[{a}] ({when})", eta_a, float(found.noise[0, best])),
            Stage(f"downlink[{b}] ({when})", eta_b, float(found.noise[1, best])),
            Stage("source", 1.0, 1.0 - link.source.pair_fidelity),
            Stage("accidentals", 1.0, 1.0 - share)]


def _chip_to_chip_stages(link: ChipToChipLinkSpec) -> list[Stage]:
    return [Stage("interconnect", float(link.success_probability), 1.0 - float(link.fidelity))]


def _budget(spec: ScenarioSpec, index: int, model: LinkModel) -> LinkBudget:
    link: LinkSpecBase = spec.links[index]
    kind = str(getattr(link, "kind", ""))
    stages: list[Stage]
    if isinstance(link, (SingleClickLinkSpec, DoubleClickLinkSpec, TransducedLinkSpec)):
        chain = link_chain(link, spec.nodes, index)
        stages = _photonic_stages(chain, link)
        efficiency = chain.efficiency
    elif isinstance(link, MidpointSourceLinkSpec):
        stages = _midpoint_source_stages(link, model)
        efficiency = math.prod(stage.efficiency for stage in stages)
    elif isinstance(link, ChipToChipLinkSpec):
        stages = _chip_to_chip_stages(link)
        efficiency = float(link.success_probability)
    elif isinstance(link, DepolarizingLinkSpec):
        efficiency = float(link.success_probability)
        stages = [Stage("success_probability", efficiency, 1.0 - float(link.fidelity))]
    elif isinstance(link, SatelliteLinkSpec):
        stages = _satellite_stages(spec, index, link)
        efficiency = math.prod(stage.efficiency for stage in stages)
    else:
        efficiency = model.p_success
        stages = [Stage(kind, efficiency, 1.0 - float(model.emitted_state[0]))]
    stages.append(Stage("memory", model.herald_recall,
                        float(model.emitted_state[0]) - float(model.heralded_state[0])))
    channel = transmittance(link.length, link.fiber.attenuation)
    return LinkBudget(kind=kind, length=float(link.length), stages=tuple(stages),
                      efficiency=efficiency, model=model,
                      plob_bits_per_use=float(plob_bound(channel)), between=link.between,
                      run_figures=None if model.schedule is None else
                      schedule_figures(model, spec.duration))


def _fiber_budget(link: FiberLinkSpec) -> LinkBudget:
    """A fiber link's channel: ``fiber`` (the whole length) and ``detector`` (efficiency
    times the jitter window; noise: the background ``Y0`` per window); no pairs."""
    fiber = float(transmittance(link.length, link.fiber.attenuation))
    channel = fiber_channel(link)
    detector = channel.eta / fiber if fiber > 0 else float(link.detector.efficiency)
    stages = (Stage("fiber", fiber, 0.0), Stage("detector", detector, channel.background))
    return LinkBudget(kind="fiber", length=float(link.length), stages=stages,
                      efficiency=channel.eta, model=None,
                      plob_bits_per_use=float(plob_bound(fiber)), between=link.between)


def _pulse_satellite_budget(spec: ScenarioSpec, index: int,
                            link: SatelliteLinkSpec) -> LinkBudget:
    """A prepare-and-measure satellite link (``mode: downlink`` or ``uplink``) at the slice
    of its passes with the highest transmittance
    (:func:`qfab.links.satellite_pulses.pulse_channel_pass`): ``free_space`` (the channel:
    geometry, atmosphere, optics; its PLOB bound) and ``detector`` (efficiency times the
    jitter window; noise: the background ``Y0`` per window, sky and dark counts); no pairs.
    A run without a pass has one stage ``no pass in the run``."""
    from qfab.links.satellite_pulses import pulse_channel_pass

    found = pulse_channel_pass(link, spec, index)
    if not found.eta.size:
        stages: tuple[Stage, ...] = (Stage("no pass in the run", 0.0, 0.0),)
        channel = 0.0
    else:
        best = int(found.eta.argmax())
        channel = float(found.channel[best])
        detector = float(found.eta[best]) / channel if channel > 0 else 0.0
        when = f"t = {found.starts[best]:.0f} s, {found.range_m[best] / 1e3:.0f} km"
        stages = (Stage(f"free_space ({when})", channel, 0.0),
                  Stage("detector", detector, float(found.background[best])))
    return LinkBudget(kind="satellite", length=0.0, stages=stages,
                      efficiency=math.prod(stage.efficiency for stage in stages), model=None,
                      plob_bits_per_use=float(plob_bound(channel)), between=link.between)


def link_budgets(spec: ScenarioSpec) -> list[LinkBudget]:
    """The budget of every link of ``spec``, in the order of ``spec.links``."""
    network = spec.entanglement_part()
    models = iter(link_models(network) if network is not None else [])
    budgets = []
    for index, link in enumerate(spec.links):
        if isinstance(link, FiberLinkSpec):
            budgets.append(_fiber_budget(link))
        elif isinstance(link, SatelliteLinkSpec) and link.prepare_measure:
            budgets.append(_pulse_satellite_budget(spec, index, link))
        else:
            budgets.append(_budget(spec, index, next(models)))
    return budgets


def budget_document(budgets: list[LinkBudget]) -> dict[str, Any]:
    """The JSON document ``{"links": [...]}`` of ``qfab budget --json``."""
    return {"links": [budget.to_dict() for budget in budgets]}


def _db(value: float) -> str:
    return f"{value:.2f}" if math.isfinite(value) else "inf"


def format_budgets(budgets: list[LinkBudget]) -> str:
    """The text tables of ``qfab budget``: one block per link."""
    lines: list[str] = []
    for budget in budgets:
        a, b = budget.between
        if lines:
            lines.append("")
        channels = "no pairs (a plain quantum channel)" if budget.model is None \
            else f"{budget.model.channels} channel(s)"
        lines.append(f"link {a} - {b}: {budget.kind}, {budget.length / 1e3:g} km, {channels}")
        width = max(20, *(len(stage.name) for stage in budget.stages))
        lines.append(f"  {'stage':<{width}} {'efficiency':>11} {'loss dB':>8} {'noise':>11}")
        for stage in budget.stages:
            lines.append(f"  {stage.name:<{width}} {stage.efficiency:>11.4g} "
                         f"{_db(stage.loss_db):>8} {stage.noise:>11.4g}")
        total_db = float(loss_db(budget.efficiency))
        lines.append(f"  {'total':<{width}} {budget.efficiency:>11.4g} {_db(total_db):>8}")
        plob = (f"{budget.plob_bits_per_use:.4g} bits/use" if
                math.isfinite(budget.plob_bits_per_use) else "unbounded (lossless fiber)")
        if budget.model is None:
            lines.append(f"  PLOB {plob}")
        else:
            lines.append(f"  p_success {_num(budget.p_success)}, "
                         f"rate {_num(budget.rate_hz)} Hz, "
                         f"fidelity {_num(budget.fidelity, '.4f')}, PLOB {plob}")
    return "\n".join(lines)
