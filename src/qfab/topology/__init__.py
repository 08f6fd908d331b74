"""Topology generation: a scenario's ``topology`` section becomes nodes and links.

The section's models live in :mod:`qfab.spec.topology`; this package writes the node and link
entries they describe (:mod:`~qfab.topology.regular` for chains, rings, stars and grids,
:mod:`~qfab.topology.files` for GraphML and node-link JSON files) and merges them into the
scenario document before it is validated (:func:`expand_topology`):

- ``link`` is a link template: any link entry without ``between``. Each generated link is a
  copy with ``between`` set to its two nodes and ``length`` set to ``spacing`` (or to the edge's
  length for a file), unless the template gives its own ``length``, which then wins.
- ``node`` is a node template (a node entry). ``tier`` applies to every generated node whose
  template does not set a tier.
- **Qubits scale with degree.** In a template, ``memory.qubits`` means qubits *per link*
  (default 1): a generated node gets ``memory.qubits = template qubits x its degree``, its
  number of links. The hub of a star with 6 leaves and the template ``qubits: 2`` gets 12
  qubits, each leaf 2; the repeaters of a chain get twice what its end nodes get. Explicit
  links in the scenario's ``links`` that end at a generated node count towards its degree.
  A node with no links (possible in a file) counts as degree 1.
- Entries in ``nodes`` whose name matches a generated node are merged onto it key by key,
  nested mappings included, and their keys win (``nodes: {n0: {memory: {qubits: 4}}}`` sets
  the total of ``n0`` to 4 and keeps the rest of the generated entry). Other entries are added.
- Generated links come before the scenario's explicit ``links``, in the order documented by
  each kind.

Layering: this package reads the scenario format (:mod:`qfab.spec`) and nothing above it;
:mod:`qfab.loading` runs it between reading a document and validating it.
"""

from qfab.topology.expand import expand_topology, generate, in_template_terms

__all__ = ["expand_topology", "generate", "in_template_terms"]
