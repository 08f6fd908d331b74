"""Tier builders and satellite orbits.

Tier builders: networks of the four tiers from catalog presets (``docs/tiers.md``). A
scenario's ``tiers`` section (:mod:`qfab.spec.tiers`) lists blocks; each expands into named
nodes and links before validation (:func:`expand_tiers`, run by
:func:`qfab.loading.parse_scenario`). In Python, each builder returns a :class:`TierNetwork`
of plain node and link documents::

    >>> from qfab.tiers import nodal
    >>> network = nodal(name="cryo", qpus=3)
    >>> list(network.nodes), [link["kind"] for link in network.links]
    (['cryo_q0', 'cryo_q1', 'cryo_q2'], ['chip_to_chip', 'chip_to_chip'])

Satellites: :mod:`qfab.tiers.orbits` propagates a satellite from a two-line element set
(skyfield, an optional dependency imported on use) and finds its passes over ground stations;
:mod:`qfab.tiers.sun` gives the Sun's elevation (day or night) from a closed form.

The builders' names are imported on first use, so importing a submodule (``orbits``) does
not load them.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from qfab.tiers.build import TierBuild, build, expand_tiers, in_tier_terms
    from qfab.tiers.cluster import cluster
    from qfab.tiers.metro import metro
    from qfab.tiers.nodal import nodal
    from qfab.tiers.network import TierNetwork
    from qfab.tiers.wan import wan

__all__ = ["TierBuild", "TierNetwork", "build", "cluster", "expand_tiers", "in_tier_terms",
           "metro", "nodal", "wan"]

_HOMES = {"TierBuild": "build", "build": "build", "expand_tiers": "build",
          "in_tier_terms": "build", "cluster": "cluster", "metro": "metro", "nodal": "nodal",
          "TierNetwork": "network", "wan": "wan"}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'qfab.tiers' has no attribute {name!r}")
    return getattr(importlib.import_module(f"qfab.tiers.{home}"), name)
