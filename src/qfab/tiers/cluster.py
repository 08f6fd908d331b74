"""The cluster tier: racks of QPU modules joined on demand by an optical switch.

Modules ``<name>_r{i}m{j}`` (rack ``i``, slot ``j``). Every module's fibre
(``patch_length``) runs to one port of the cluster's optical switch, so any two modules can
be joined: every pair of modules has a heralded link whose ``switch`` field names the
switch, its insertion loss (a stage of each arm's chain) and its reconfiguration time (in
the event simulation each module's port connects to one peer at a time,
:mod:`qfab.protocols.switching`). A link's fibre is ``2 * patch_length`` plus
``rack_spacing`` per rack between the two modules' racks. Module platforms:

- ``ion`` (default): trapped-ion modules as in the two-module network of Stephenson et al.,
  PRL 124, 110501 (2020) (catalog ``sr88_ion``): ``double_click`` links whose ends emit at
  422 nm with the preset's per-photon detection probability (``photon_detection_probability``
  0.02088, detectors included, so the station's detectors are ideal), the visibility that
  gives the published heralded fidelity 0.94
  (:func:`qfab.physics.heralding.double_click_visibility`) and one attempt per
  ``success_probability / entangling_rate`` (2.18e-4 / 182 Hz = 1.2 us); no fibre loss is
  added to the measured figure over the few metres of fibre;
- ``superconducting``: transmon modules whose interface converts the microwave photon to
  telecom light (catalog ``eo_transducer_ista``: 8.7 %, 0.16 input noise photons, 1550 nm),
  ``transduced`` links over ``smf28`` fibre to ``snspd_wsi`` detectors, an attempt every
  10 us (assumed). With today's transducers the noise photons limit the fidelity (about
  0.56 with a 1 dB switch).

A gateway attaches to the first module, through the switch like any module.
"""

from __future__ import annotations

from itertools import combinations
from typing import Any

from qfab.catalog import UnknownPresetError, preset
from qfab.errors import ScenarioError
from qfab.physics.heralding import double_click_visibility
from qfab.spec.tiers import ClusterTierSpec
from qfab.tiers.network import TierNetwork, block_spec, check_presets, merge, resolved

__all__ = ["cluster"]

#: Coherence time of a trapped-ion module's memory qubits (assumed: the catalog has no ion
#: memory preset; hyperfine and Zeeman ion qubits hold seconds with dynamical decoupling).
ION_BUFFER_TIME = "1 s"
#: Attempt time of a superconducting module's transduced link (assumed).
SUPERCONDUCTING_CYCLE_TIME = 1e-5


def cluster(spec: ClusterTierSpec | None = None, *, where: str = "cluster",
            **fields: Any) -> TierNetwork:
    """The modules and switched links of a cluster tier block.

    Parameters
    ----------
    spec
        The block (a ``tiers`` entry of kind ``cluster``); or give its fields as keywords
        (``cluster(racks=2, modules_per_rack=3)``).
    where
        The block's YAML path, for messages.

    Returns
    -------
    TierNetwork
        ``racks * modules_per_rack`` nodes of tier ``cluster`` and a link through the switch
        between every two of them; the gateway port is the first module.
    """
    block = block_spec(ClusterTierSpec, spec, fields, "cluster")
    if block.platform == "ion":
        check_presets(where, emitter=(block.emitter, "emitter"))
    else:
        check_presets(where, transducer=(block.transducer, "transducer"),
                      fiber=(block.fiber, "fiber"), detector=(block.detector, "detector"))
    switch = {"name": block.switch.name or f"{block.name}_switch",
              "insertion_loss": block.switch.insertion_loss,
              "reconfiguration_time": block.switch.reconfiguration_time}
    modules = [(f"{block.name}_r{rack}m{slot}", rack) for rack in range(block.racks)
               for slot in range(block.modules_per_rack)]
    rack_of = dict(modules)
    if block.platform == "ion":
        interface, physics, buffer = _ion(block, where)
    else:
        interface, physics, buffer = _superconducting(block)
    if block.buffer_time is not None:
        buffer = block.buffer_time
    node = merge({"tier": "cluster", "memory": {"t2": buffer}, "interface": interface},
                 block.node)

    def link(a: str, b: str) -> dict[str, Any]:
        racks_apart = abs(rack_of.get(a, 0) - rack_of.get(b, 0))
        return merge({**physics, "between": [a, b],
                      "length": 2 * block.patch_length + block.rack_spacing * racks_apart,
                      "switch": dict(switch)}, block.link)

    nodes = {name: merge(node, {}) for name, _ in modules}
    links = [link(a, b) for (a, _), (b, _) in combinations(modules, 2)]
    nodes, links = resolved(nodes, links, where)
    return TierNetwork(block.name, "cluster", nodes, links, port=modules[0][0],
                       gateway_link=lambda mine, gateway: resolved({}, [link(mine, gateway)],
                                                                   where)[1][0],
                       gateway_node={"memory": node["memory"],
                                     "interface": nodes[modules[0][0]]["interface"]},
                       qubits_per_link=block.qubits_per_link, platform=block.platform)


def _ion(block: ClusterTierSpec, where: str) -> tuple[dict[str, Any], dict[str, Any], Any]:
    """Interface, link fields and buffer time of trapped-ion modules."""
    parameters = _parameters(block.emitter, "emitter", where)
    missing = [key for key in ("photon_detection_probability", "heralded_state_fidelity",
                               "success_probability", "entangling_rate")
               if key not in parameters and not (key == "success_probability"
                                                 and block.cycle_time is not None)
               and not (key == "entangling_rate" and block.cycle_time is not None)]
    if missing:
        raise ScenarioError(f"{where}.emitter", f"the preset {block.emitter!r} has no "
                            f"{', '.join(missing)} (an ion module's link is built from them)")
    interface = {"emitter": {"preset": block.emitter,
                             "efficiency": parameters["photon_detection_probability"].value}}
    cycle = block.cycle_time
    if cycle is None:  # attempts per second = entangling rate / success probability
        cycle = parameters["success_probability"].value / parameters["entangling_rate"].value
    visibility = float(double_click_visibility(parameters["heralded_state_fidelity"].value))
    return interface, {"kind": "double_click", "cycle_time": cycle,
                       "visibility": visibility}, ION_BUFFER_TIME


def _superconducting(block: ClusterTierSpec) -> tuple[dict[str, Any], dict[str, Any], Any]:
    """Interface, link fields and buffer time of superconducting (transduced) modules."""
    interface = {"transducer": {"preset": block.transducer}}
    physics = {"kind": "transduced",
               "cycle_time": block.cycle_time or SUPERCONDUCTING_CYCLE_TIME,
               "fiber": {"preset": block.fiber}, "detector": {"preset": block.detector}}
    try:
        parameter = preset("chip_to_chip").parameters.get("buffer_time")
    except UnknownPresetError:  # pragma: no cover - the catalog ships it
        parameter = None
    return interface, physics, "1 ms" if parameter is None else parameter.quantity()


def _parameters(name: str, category: str, where: str) -> dict[str, Any]:
    """The parameters of catalog preset ``name`` (checked by :func:`check_presets`)."""
    return dict(preset(name).parameters)
