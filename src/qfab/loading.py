"""Load scenarios: a YAML file or plain data -> a validated :class:`ScenarioSpec`.

The pipeline has three steps, each owned by its layer: read the file as plain data
(:func:`qfab.spec.loader.read_document`), expand a ``topology`` section into nodes and links
(:func:`qfab.topology.expand_topology`), validate the result
(:func:`qfab.spec.loader.validate_scenario`). Every step reports bad input as one
:class:`~qfab.errors.ScenarioError` naming the YAML path, e.g.
``links[2].detector.efficiency: must be <= 1, got 1.3``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from qfab import plugins
from qfab.errors import ScenarioError
from qfab.spec.loader import read_document, require_mapping, validate_scenario
from qfab.spec.models import ScenarioSpec
from qfab.topology import expand_topology, in_template_terms

__all__ = ["load_scenario", "parse_scenario"]


def load_scenario(path: str | Path) -> ScenarioSpec:
    """Read and validate a scenario file.

    Parameters
    ----------
    path
        A YAML (or JSON) scenario file; a topology file it names is looked up relative to
        the scenario file's folder.

    Raises
    ------
    ScenarioError
        If the file cannot be read, is not YAML, or does not describe a valid scenario.
    """
    return parse_scenario(read_document(path), base_dir=Path(path).parent)


def parse_scenario(document: Any, *, base_dir: Path | None = None) -> ScenarioSpec:
    """Validate a scenario given as plain data (the result of parsing YAML or JSON).

    A ``topology`` section is expanded into nodes and links first; files it names are
    looked up relative to ``base_dir`` (default: the current directory).

    Raises
    ------
    ScenarioError
        Naming the YAML path of the first offending field.

    Examples
    --------
    >>> spec = parse_scenario({"qfab": 1, "topology": {
    ...     "kind": "chain", "nodes": 3, "spacing": "10 km",
    ...     "link": {"kind": "depolarizing", "fidelity": 0.9, "success_probability": 0.1,
    ...              "cycle_time": "1 ms"}}})
    >>> list(spec.nodes), spec.links[0].length
    (['n0', 'n1', 'n2'], 10000.0)
    """
    require_mapping(document)
    expanded = expand_topology(document, base_dir=base_dir)
    try:
        return validate_scenario(expanded, model=plugins.scenario_model())
    except ScenarioError as error:  # a generated entry's error names the template it came from
        raise in_template_terms(error, document, expanded) from None
