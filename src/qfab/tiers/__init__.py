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
"""

from qfab.tiers.build import TierBuild, build, expand_tiers, in_tier_terms
from qfab.tiers.cluster import cluster
from qfab.tiers.metro import metro
from qfab.tiers.network import TierNetwork
from qfab.tiers.nodal import nodal
from qfab.tiers.wan import wan

__all__ = ["TierBuild", "TierNetwork", "build", "cluster", "expand_tiers", "in_tier_terms",
           "metro", "nodal", "wan"]
