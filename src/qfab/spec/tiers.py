"""The ``tiers:`` section of a scenario: networks of the four tiers, built from catalog presets.

Instead of writing every node and link of a tier, a scenario may list tier blocks; each one
expands into named nodes (labelled with its tier) and links before validation, the way a
``topology`` section does (:mod:`qfab.tiers` builds them)::

    tiers:
      - {kind: nodal, name: cryo, qpus: 4}              # QPU chips in one cryostat
      - {kind: cluster, name: dc, racks: 2, modules_per_rack: 2}
      - {kind: metro, name: chi}                         # the six-site Chicago-style metro
      - {kind: wan, name: wan, segments: 4, segment_length: 75 km, ground_stations: 2}
      - {kind: gateway, between: [cryo, dc]}             # a node with both sides' interfaces

Every field has a default (``docs/tiers.md`` lists them with their sources); ``link`` and
``node`` are templates merged into every generated link and node of the block (their keys
win). This module holds the blocks' models and their validation (:func:`validate_tiers`);
errors name ``tiers[i].field``.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field, TypeAdapter, ValidationError, field_validator, model_validator

from qfab.errors import ScenarioError
from qfab.spec.base import Integer, SpecModel
from qfab.spec.quantities import (
    Decibels,
    Duration,
    Length,
    Number,
    PositiveDuration,
    PositiveProbability,
)

__all__ = [
    "NodalTierSpec", "ClusterTierSpec", "MetroTierSpec", "WanTierSpec", "GatewaySpec",
    "TierSwitchSpec", "TierBlockSpec", "TierSpec", "validate_tiers",
]

#: The most nodes one tier block may generate (a full mesh of cluster modules grows as n^2).
MAX_BLOCK_NODES = 256

class _TierBlockBase(SpecModel):
    link: dict[str, Any] = Field(
        default_factory=dict, description="keys merged into every generated link of the "
        "block (they win over the builder's)")
    node: dict[str, Any] = Field(
        default_factory=dict, description="keys merged into every generated node of the "
        "block (they win over the builder's)")
    qubits_per_link: Integer = Field(1, ge=1, le=1024, description="memory qubits each "
                                     "generated node has per link (times its degree)")

    @field_validator("link")
    @classmethod
    def _no_ends(cls, value: dict[str, Any]) -> dict[str, Any]:
        for key in ("between", "kind"):
            if key in value:
                raise ValueError(f"a tier's link template must not have {key!r}; the builder "
                                 "sets it")
        return value


class NodalTierSpec(_TierBlockBase):
    """QPU chips in one cryostat, chained edge to edge by chip-to-chip interconnects.

    ``qpus`` chips ``<name>_q0 .. <name>_q{n-1}`` in a line, each joined to the next by a
    ``chip_to_chip`` link (preset ``interconnect``: fidelity 0.997) of length ``spacing``;
    every chip's memory holds its qubits for the interconnect's buffer time (``t2``).
    """

    kind: Literal["nodal"]
    name: str = Field("nodal", min_length=1, pattern=r"^[A-Za-z0-9_-]+$")
    qpus: Integer = Field(4, ge=2, le=MAX_BLOCK_NODES, description="chips in the line")
    spacing: Length = Field(0.05, description="distance between neighbouring chips (5 cm)")
    interconnect: str = Field("chip_to_chip", min_length=1,
                              description="catalog interconnect preset of the links")
    success_probability: PositiveProbability = Field(
        0.5, description="probability that one interconnect attempt gives a pair (assumed)")
    cycle_time: PositiveDuration = Field(1e-6, description="time per attempt (assumed 1 us)")
    buffer_time: PositiveDuration | None = Field(
        None, description="memory coherence time t2 of each chip (default: the "
        "interconnect preset's buffer_time, 1 ms)")


class TierSwitchSpec(SpecModel):
    """The cluster's optical switch (each module has one port)."""

    name: str | None = Field(None, min_length=1, description="default: '<block name>_switch'")
    insertion_loss: Decibels = Field(1.0, description="loss in dB of one pass through the "
                                     "switch (1 dB)")
    reconfiguration_time: Duration = Field(0.01, description="time to connect a port to a "
                                           "new peer (10 ms)")


class ClusterTierSpec(_TierBlockBase):
    """Racks of QPU modules; an optical switch connects any two modules on demand.

    Modules ``<name>_r{i}m{j}`` (rack ``i``, slot ``j``); every pair of modules is joined
    through the switch by a heralded optical link (``platform: ion``: a ``double_click``
    link of trapped-ion modules; ``superconducting``: a ``transduced`` link, each module's
    transducer converting its photon to the telecom band): fibre ``2 * patch_length`` plus
    ``rack_spacing`` per rack between the modules, and the switch's insertion loss in each
    arm.
    """

    kind: Literal["cluster"]
    name: str = Field("cluster", min_length=1, pattern=r"^[A-Za-z0-9_-]+$")
    racks: Integer = Field(2, ge=1, le=64, description="number of racks")
    modules_per_rack: Integer = Field(2, ge=1, le=64, description="modules in each rack")
    patch_length: Length = Field(2.0, description="fibre from a module to the switch (2 m)")
    rack_spacing: Length = Field(1.0, description="extra fibre per rack between two "
                                 "modules' racks (1 m)")
    switch: TierSwitchSpec = TierSwitchSpec()
    platform: Literal["ion", "superconducting"] = Field(
        "ion", description="trapped-ion modules (double-click links of their photons) or "
        "superconducting modules (transduced links)")
    emitter: str = Field("sr88_ion", min_length=1,
                         description="catalog emitter preset of the ion modules")
    transducer: str = Field("eo_transducer_ista", min_length=1,
                            description="catalog transducer preset of superconducting modules")
    detector: str = Field("snspd_wsi", min_length=1, description="catalog detector preset "
                          "(superconducting modules; the ion preset's detection probability "
                          "includes its detectors)")
    fiber: str = Field("smf28", min_length=1, description="catalog fibre preset "
                       "(superconducting modules)")
    cycle_time: PositiveDuration | None = Field(
        None, description="time per attempt (default: ion, the emitter preset's success "
        "probability / entangling rate; superconducting, 10 us, assumed)")
    buffer_time: PositiveDuration | None = Field(
        None, description="memory coherence time t2 of each module (default: ion 1 s, "
        "assumed; superconducting, the chip_to_chip preset's buffer_time, 1 ms)")

    @model_validator(mode="after")
    def _modules(self) -> ClusterTierSpec:
        count = self.racks * self.modules_per_rack
        if count < 2:
            raise ValueError("a cluster needs at least 2 modules (racks x modules_per_rack)")
        if count > 32:
            raise ValueError(f"racks x modules_per_rack = {count}: at most 32 modules (the "
                             "switch joins every pair: n (n - 1) / 2 links)")
        return self


class MetroTierSpec(_TierBlockBase):
    """A six-site metro network after the Chicago testbed, with AFC memories at the sites.

    Sites and fibre lengths: ``docs/tiers.md`` (published figures and the assumptions made
    where none are published). Each fibre span is a ``midpoint_source`` link: a pair source
    in the middle, multimode rare-earth memories at both sites that absorb and hold the
    photons (asynchronous staging).
    """

    kind: Literal["metro"]
    name: str = Field("metro", min_length=1, pattern=r"^[A-Za-z0-9_-]+$")
    attenuation: Number = Field(0.25, gt=0, le=10, allow_inf_nan=False,
                                description="deployed-fibre loss in dB/km (assumed 0.25)")
    scale: Number = Field(1.0, gt=0, le=100, allow_inf_nan=False,
                          description="factor on every span length of the layout")
    memory: str = Field("eu_yso_afc", min_length=1, description="catalog AFC memory preset")
    modes: Integer = Field(100, ge=1, le=10_000, description="temporal modes per memory")
    mean_pairs: Number = Field(0.02, gt=0, le=1, allow_inf_nan=False,
                               description="source pairs per mode")
    source_fidelity: Number = Field(0.98, ge=0.25, le=1, allow_inf_nan=False,
                                    description="fidelity of one source pair")
    absorption_efficiency: Number = Field(0.5, gt=0, le=1, allow_inf_nan=False)
    cycle_time: PositiveDuration = Field(1e-5, description="one batch of modes (10 us)")
    detector: str = Field("snspd_wsi", min_length=1, description="catalog detector preset")


class WanTierSpec(_TierBlockBase):
    """A repeater backbone of ``segments`` spans of ``segment_length``, plus ground stations.

    Nodes ``<name>_a``, ``<name>_r1 .. <name>_r{segments-1}``, ``<name>_b`` along the
    backbone; each span is a ``midpoint_source`` link over ultra-low-loss fibre into
    multimode rare-earth memories. ``ground_stations`` nodes ``<name>_gs0 ..`` (tier wan)
    are generated without links: a scenario adds their satellite links.
    """

    kind: Literal["wan"]
    name: str = Field("wan", min_length=1, pattern=r"^[A-Za-z0-9_-]+$")
    segments: Integer = Field(4, ge=1, le=64, description="spans of the backbone")
    segment_length: Length = Field(75e3, gt=0, description="length of each span (75 km)")
    fiber: str = Field("ultra_low_loss", min_length=1, description="catalog fibre preset")
    memory: str = Field("eu_yso_afc", min_length=1, description="catalog AFC memory preset")
    modes: Integer = Field(100, ge=1, le=10_000, description="temporal modes per memory")
    mean_pairs: Number = Field(0.02, gt=0, le=1, allow_inf_nan=False)
    source_fidelity: Number = Field(0.98, ge=0.25, le=1, allow_inf_nan=False)
    absorption_efficiency: Number = Field(0.5, gt=0, le=1, allow_inf_nan=False)
    cycle_time: PositiveDuration = Field(1e-5, description="one batch of modes (10 us)")
    detector: str = Field("snspd_wsi", min_length=1, description="catalog detector preset")
    ground_stations: Integer = Field(0, ge=0, le=64, description="ground-station nodes")


class GatewaySpec(SpecModel):
    """A node between two tier blocks, with the interfaces of both sides.

    ``between`` names two blocks (their default port node) or two generated nodes of two
    blocks. The gateway ``name`` (default ``gw_<first>_<second>``) gets one link of each
    side's kind: to the first side's node as that block builds its links, and to the
    second's likewise.
    """

    kind: Literal["gateway"]
    between: tuple[Annotated[str, Field(min_length=1)], Annotated[str, Field(min_length=1)]]
    name: str | None = Field(None, min_length=1, pattern=r"^[A-Za-z0-9_-]+$")
    tier: Literal["first", "second"] = Field(
        "second", description="which side's tier label the gateway node takes")
    node: dict[str, Any] = Field(default_factory=dict, description="keys merged into the "
                                 "gateway node")

    @field_validator("between")
    @classmethod
    def _two(cls, value: tuple[str, str]) -> tuple[str, str]:
        if value[0] == value[1]:
            raise ValueError(f"a gateway joins two different blocks, got [{value[0]}, "
                             f"{value[1]}]")
        return value


TierBlockSpec = Annotated[
    NodalTierSpec | ClusterTierSpec | MetroTierSpec | WanTierSpec,
    Field(discriminator="kind"),
]

TierSpec = Annotated[
    NodalTierSpec | ClusterTierSpec | MetroTierSpec | WanTierSpec | GatewaySpec,
    Field(discriminator="kind"),
]


class _TiersDocument(SpecModel):
    tiers: list[TierSpec]


_ADAPTER: TypeAdapter[_TiersDocument] = TypeAdapter(_TiersDocument)


def validate_tiers(section: Any) -> list[Any]:
    """Validate a raw ``tiers`` section (a list of blocks).

    Returns
    -------
    list
        The blocks' models, in order.

    Raises
    ------
    ScenarioError
        Naming ``tiers[i].field`` of the first problem; blocks with the same name are an
        error at the second one's ``name``.
    """
    if not isinstance(section, list):
        raise ScenarioError("tiers", f"must be a list of tier blocks, got "
                            f"{type(section).__name__}")
    try:
        blocks = list(_ADAPTER.validate_python({"tiers": section}).tiers)
    except ValidationError as error:
        from qfab.spec.loader import format_validation_error

        raise format_validation_error(error, {"tiers": section}, _TiersDocument) from None
    seen: set[str] = set()
    for index, block in enumerate(blocks):
        if isinstance(block, GatewaySpec):
            continue
        if block.name in seen:
            raise ScenarioError(f"tiers[{index}].name", f"a second block named {block.name!r}")
        seen.add(block.name)
    return blocks
