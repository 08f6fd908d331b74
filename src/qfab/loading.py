"""Load scenarios: a YAML file or plain data -> a validated :class:`ScenarioSpec`.

The pipeline has four steps, each owned by its layer: read the file as plain data
(:func:`qfab.spec.loader.read_document`), expand a ``tiers`` section
(:func:`qfab.tiers.expand_tiers`) or a ``topology`` section
(:func:`qfab.topology.expand_topology`) into nodes and links, validate the result
(:func:`qfab.spec.loader.validate_scenario`), and draw the requests of its ``arrivals``
(:func:`qfab.arrivals.expand_arrivals`). Every step reports bad input as one
:class:`~qfab.errors.ScenarioError` naming the YAML path, e.g.
``links[2].detector.efficiency: must be <= 1, got 1.3``.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from qfab import plugins
from qfab.arrivals import expand_arrivals
from qfab.catalog.resolve import resolve_presets
from qfab.errors import ScenarioError
from qfab.heap import paused_collection
from qfab.spec.loader import (
    read_document,
    require_mapping,
    scenario_field_names,
    validate_scenario,
)
from qfab.spec.models import ScenarioSpec
from qfab.spec.paths import parse_path, set_path, unaliased
from qfab.spec.sweep import SweepSpec
from qfab.topology import expand_topology, in_template_terms

__all__ = ["load_scenario", "parse_scenario", "check_sweep_values"]


def load_scenario(path: str | Path, *, seed: int | None = None) -> ScenarioSpec:
    """Read and validate a scenario file.

    Parameters
    ----------
    path
        A YAML (or JSON) scenario file; a topology file it names is looked up relative to
        the scenario file's folder.
    seed
        Replaces the file's ``seed`` (as ``qfab run --seed`` does), before the requests of
        its ``arrivals`` are drawn.

    Raises
    ------
    ScenarioError
        If the file cannot be read, is not YAML, or does not describe a valid scenario.
    """
    document = read_document(path)
    if seed is not None:
        document = {**document, "seed": seed}
    return parse_scenario(document, base_dir=Path(path).parent)


@paused_collection  # a generated network is many objects that all stay alive
def parse_scenario(document: Any, *, base_dir: Path | None = None) -> ScenarioSpec:
    """Validate a scenario given as plain data (the result of parsing YAML or JSON).

    A section's ``preset: NAME`` is replaced by the preset's values first
    (:func:`qfab.catalog.resolve_presets`), then a ``topology`` section is expanded into nodes
    and links; files it names are looked up relative to ``base_dir`` (default: the current
    directory). The requests of ``arrivals`` are drawn last and follow the written
    ``requests``.

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
    written = document
    document = resolve_presets(written)
    model = plugins.scenario_model()
    spec = _validate_expanded(document, base_dir=base_dir, model=model)
    if spec.sweep is not None:
        check_sweep_values(written, spec.sweep, base_dir=base_dir, model=model)
    return expand_arrivals(spec, model=model)


def _validate_expanded(document: dict[str, Any], *, base_dir: Path | None,
                       model: type[ScenarioSpec]) -> ScenarioSpec:
    """Expand ``document``'s tiers and topology and validate the result; an error in a
    generated entry names the tier block or the template it came from."""
    if isinstance(document, dict) and document.get("tiers"):
        # the tier builders (and the formulas they use) load only for a scenario with tiers
        from qfab.tiers.build import expand_tiers, in_tier_terms

        expanded = _anchored_files(expand_tiers(document), base_dir)
        try:
            return validate_scenario(expanded, model=model)
        except ScenarioError as error:
            raise in_tier_terms(error, document) from None
    expanded = _anchored_files(expand_topology(document, base_dir=base_dir), base_dir)
    try:
        return validate_scenario(expanded, model=model)
    except ScenarioError as error:
        raise in_template_terms(error, document, expanded) from None


def _anchored_files(document: dict[str, Any], base_dir: Path | None) -> dict[str, Any]:
    """The document with each satellite link's ``satellite.tle`` file taken relative to
    ``base_dir`` (the scenario file's folder) when it is a relative path, and each circuit
    request's circuit file likewise."""
    links = document.get("links")
    if base_dir is None or not isinstance(links, list):
        return document
    anchored = []
    for link in links:
        orbit = link.get("satellite") if isinstance(link, dict) else None
        tle = orbit.get("tle") if isinstance(orbit, dict) else None
        if isinstance(orbit, dict) and isinstance(tle, str) and not Path(tle).is_absolute():
            link = {**link, "satellite": {**orbit, "tle": str(base_dir / tle)}}
        anchored.append(link)
    return _anchored_circuits({**document, "links": anchored}, base_dir)


def _anchored_circuits(document: dict[str, Any], base_dir: Path) -> dict[str, Any]:
    """The document with each circuit request's ``circuit`` file taken relative to
    ``base_dir`` when that file exists there (a generator such as ``ghz:4`` stays as it
    is)."""
    requests = document.get("requests")
    if not isinstance(requests, list):
        return document
    anchored = []
    for request in requests:
        if isinstance(request, dict) and request.get("kind") == "circuit":
            circuit = request.get("circuit")
            if isinstance(circuit, str) and not Path(circuit).is_absolute() \
                    and (base_dir / circuit).is_file():
                request = {**request, "circuit": str(base_dir / circuit)}
        anchored.append(request)
    return {**document, "requests": anchored}


def check_sweep_values(document: dict[str, Any], sweep: SweepSpec, *,
                       base_dir: Path | None = None,
                       model: type[ScenarioSpec] = ScenarioSpec) -> None:
    """Check every value of every swept parameter as the field it is written into.

    Each value is written alone into the scenario (the other parameters keep the scenario's
    own values) and the result validated, so a value of the wrong type or out of range
    (``links[0].length: {values: ["-5 km"]}``) is refused by ``validate``, ``run`` and
    ``estimate`` as by ``qfab sweep``. Only problems that the value causes alone are reported
    here: a combination of swept values that is invalid only together (``t1`` and ``t2`` of
    one memory) is reported by ``qfab sweep`` when it expands the points.

    Raises
    ------
    ScenarioError
        ``sweep.parameters.<path>: <reason> (value <value>)``.
    """
    # each swept path names one field: a YAML alias (&memory / *memory) must not carry the
    # value into the other places that share the aliased mapping
    base = unaliased({key: value for key, value in document.items() if key != "sweep"})
    creatable = scenario_field_names(model)
    for path, parameter in sweep.parameters.items():
        swept = _dotted(path)
        others = [_dotted(other) for other in sweep.parameters if other != path]
        checked: set[str] = set()
        for value in parameter.document_values():
            key = repr(value)
            if key in checked:
                continue
            checked.add(key)
            resolved = unaliased(base)
            try:
                set_path(resolved, path, copy.deepcopy(value), creatable=creatable)
            except ValueError as error:
                raise ScenarioError(f"sweep.parameters.{path}", str(error)) from None
            try:  # the written presets resolve (parse_scenario did it): a swept one failed
                resolved = resolve_presets(resolved)
            except ScenarioError as error:
                raise ScenarioError(f"sweep.parameters.{path}",
                                    f"{error.reason} (value {value!r})") from None
            try:
                _validate_expanded(resolved, base_dir=base_dir, model=model)
            except ScenarioError as error:
                if _on_path(error.path, swept, others):
                    raise ScenarioError(f"sweep.parameters.{path}",
                                        f"{error.reason} (value {value!r})") from None


def _dotted(path: str) -> str:
    return ".".join(str(segment) for segment in parse_path(path))


def _on_path(error_path: str, swept: str, others: list[str]) -> bool:
    """Whether an error at ``error_path`` comes from the swept field alone: at it, inside it,
    or at a section holding it that no other swept parameter lies in (``t2 <= 2 t1`` at a
    memory is the swept t2's fault unless t1 is swept too)."""
    try:
        at = _dotted(error_path) if error_path else ""
    except ValueError:
        return False
    if not at:
        return False
    if at == swept or at.startswith(swept + "."):
        return True
    return swept.startswith(at + ".") and not any(other.startswith(at + ".")
                                                  for other in others)
