"""The ``qfab catalog`` command: list the hardware presets, or show one with every parameter.

``qfab catalog`` prints one line per preset (name, category, description, number of
parameters, sources); ``qfab catalog NAME`` prints every parameter with its value, unit and
source. ``--json`` prints the same as one JSON document. An unknown name is one line (with the
close names) and exit status 2.
"""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from qfab.catalog.model import Preset

__all__ = ["add_catalog_command", "catalog_markdown", "preset_document"]

_EPILOG = """\
A scenario section pulls a preset in with 'preset: NAME' (detector, fiber, emitter, memory);
keys beside it override single values. Only parameters the section has a field for are
applied; the catalog shows the others. List and sources: docs/catalog.md.
"""


def add_catalog_command(subparsers: Any) -> argparse.ArgumentParser:
    """Add ``catalog`` to the subcommands of the ``qfab`` parser."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "catalog", help="list the cited hardware presets, or show one (qfab catalog NAME)",
        description="List the hardware presets (emitters, converters, transducers, memories, "
                    "detectors, fibers, interconnects) with their sources; with NAME, show every "
                    "parameter of one preset with its value, unit and source.",
        epilog=_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("name", nargs="?", help="a preset name (e.g. snspd_wsi)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of text")
    parser.set_defaults(handler=_catalog)
    return parser


def preset_document(entry: Preset) -> dict[str, Any]:
    """A preset as plain data (what ``qfab catalog NAME --json`` prints)."""
    return {"name": entry.name, "category": entry.category, "description": entry.description,
            "sources": entry.sources,
            "parameters": {key: parameter.model_dump()
                           for key, parameter in entry.parameters.items()}}


def _catalog(args: argparse.Namespace) -> int:
    from qfab.catalog.model import preset, presets

    if args.name is not None:
        entry = preset(args.name)
        print(json.dumps(preset_document(entry), indent=2) if args.json else _show(entry))
        return 0
    entries = presets()
    if args.json:
        print(json.dumps({"presets": [
            {"name": entry.name, "category": entry.category, "description": entry.description,
             "parameters": len(entry.parameters), "sources": entry.sources}
            for entry in entries]}, indent=2))
        return 0
    width = max(len(entry.name) for entry in entries)
    lines = [f"{'name':<{width}}  {'category':<12}  params  description"]
    for entry in entries:
        lines.append(f"{entry.name:<{width}}  {entry.category:<12}  {len(entry.parameters):>6}"
                     f"  {entry.description}")
        lines.append(f"{'':<{width}}  {'':<12}          sources: {'; '.join(entry.sources)}")
    lines.append(f"{len(entries)} presets; qfab catalog NAME shows one")
    print("\n".join(lines))
    return 0


def _show(entry: Preset) -> str:
    lines = [f"{entry.name} ({entry.category}): {entry.description}"]
    width = max(len(key) for key in entry.parameters)
    for key, parameter in entry.parameters.items():
        unit = "" if parameter.unit == "1" else f" {parameter.unit}"
        mark = "" if parameter.provenance == "paper" else f" [{parameter.provenance}]"
        lines.append(f"  {key:<{width}}  {parameter.value:.10g}{unit}{mark}")
        lines.append(f"  {'':<{width}}    source: {parameter.source}")
    return "\n".join(lines)


def catalog_markdown() -> str:
    """The catalog as Markdown (docs/catalog.md is this text; a test keeps them equal)."""
    from qfab.catalog.model import CATEGORIES, presets
    from qfab.catalog.resolve import APPLIED

    lines = ["# Hardware catalog", "",
             "Generated from `src/qfab/catalog/data/*.yaml` (`qfab catalog` lists the same, "
             "`qfab catalog NAME --json` gives one preset as JSON). Provenance: *paper* "
             "(printed in the source), *derived* (computed; the source gives the formula), "
             "*target* (a design reference point, not a measurement).", "",
             "A detector, fiber, emitter, conversion (a converter preset), transducer or "
             "memory section of a scenario pulls a preset in "
             "with `preset: NAME`; keys beside it override single values. Only the parameters "
             "that the section has a field for are applied: "
             + "; ".join(f"{section}: {', '.join(keys)}" for section, keys in APPLIED.items())
             + " (a memory's parameters other than t1 and t2 only into a memory of `kind: "
             "afc`, spin_coherence_time and transfer_efficiency under its `on_demand`). The "
             "others are listed here and not yet used by the engines.", ""]
    entries = presets()
    for category in CATEGORIES:
        lines += [f"## {category}", ""]
        for entry in (item for item in entries if item.category == category):
            lines += [f"### `{entry.name}`", "", entry.description, "",
                      "| parameter | value | unit | provenance | source |",
                      "|---|---|---|---|---|"]
            for key, parameter in entry.parameters.items():
                lines.append(f"| {key} | {parameter.value:.10g} | {parameter.unit} | "
                             f"{parameter.provenance} | {parameter.source} |")
            lines.append("")
    return "\n".join(lines)
