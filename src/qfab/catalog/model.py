"""The catalog's data model: a :class:`Preset` and its :class:`Parameter` values, and loading.

Each entry of the data files (``qfab/catalog/data/*.yaml``, one per category) is one preset: a
name, a category, a one-line description and its parameters, each with a value, a unit and a
source (the paper, with its journal reference and where in it the value is given).
``provenance`` says whether the value is printed in the source (``paper``), computed from it
(``derived``, the formula is in the source text) or a design reference point (``target``).
"""

from __future__ import annotations

import difflib
import functools
import re
from importlib import resources
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from qfab.errors import QfabError

__all__ = ["CATEGORIES", "Category", "Parameter", "Preset", "UnknownPresetError", "presets",
           "preset"]

Category = Literal["emitter", "converter", "transducer", "memory", "detector", "fiber",
                   "interconnect", "qpu"]

#: The categories, in the order the catalog lists them.
CATEGORIES: tuple[Category, ...] = ("emitter", "converter", "transducer", "memory", "detector",
                                    "fiber", "interconnect", "qpu")


class Parameter(BaseModel):
    """One parameter of a preset: value, unit (``"1"`` for a pure number) and source."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    value: float
    unit: str = Field(min_length=1)
    source: str = Field(min_length=1)
    provenance: Literal["paper", "derived", "target"] = "paper"

    def quantity(self) -> float | str:
        """The value as a scenario field takes it: a number, or ``"<value> <unit>"``."""
        return self.value if self.unit == "1" else f"{self.value!r} {self.unit}"


class Preset(BaseModel):
    """A catalog entry: one device with its cited parameters."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(pattern=r"^[a-z0-9_]+$")
    category: Category
    description: str = Field(min_length=1)
    parameters: dict[str, Parameter] = Field(min_length=1)

    @property
    def sources(self) -> list[str]:
        """The works cited by the parameters (each source up to its year, e.g.
        ``Marsili et al., Nat. Photon. 7, 210 (2013)``), each once, in order; a value with no
        cited work appears as ``derived`` or ``design target``."""
        seen: dict[str, None] = {}
        for parameter in self.parameters.values():
            seen.setdefault(_short_source(parameter), None)
        return list(seen)


class UnknownPresetError(QfabError):
    """A preset name that is not in the catalog (the message lists close names)."""


_CITATION = re.compile(r"^(.*?\(\d{4}\))")


def _short_source(parameter: Parameter) -> str:
    """``"Marsili et al., Nat. Photon. 7, 210 (2013), abstract"`` -> up to the year (a source
    without a year: up to its first comma, or ``derived``; a target value: ``design target``)."""
    if parameter.provenance == "target":
        return "design target"
    match = _CITATION.match(parameter.source)
    if match is not None:
        return match[1]
    return "derived" if parameter.provenance == "derived" else parameter.source.split(",")[0]


#: Data files that are not preset lists (their own loaders read them).
OTHER_DATA = frozenset({"satellites.yaml"})


@functools.cache
def _catalog() -> dict[str, Preset]:
    """Every preset of the data files, by name (read once; the data are immutable)."""
    entries: dict[str, Preset] = {}
    folder = resources.files("qfab.catalog").joinpath("data")
    for item in sorted(folder.iterdir(), key=lambda entry: entry.name):
        if not item.name.endswith(".yaml") or item.name in OTHER_DATA:
            continue
        for raw in yaml.safe_load(item.read_text(encoding="utf-8")) or []:
            try:
                entry = Preset.model_validate(raw)
            except ValidationError as error:  # a broken data file is a bug, not user input
                raise RuntimeError(f"catalog data {item.name}: {error}") from None
            if entry.name in entries:
                raise RuntimeError(f"catalog data {item.name}: preset {entry.name!r} twice")
            entries[entry.name] = entry
    return dict(sorted(entries.items(),
                       key=lambda pair: (CATEGORIES.index(pair[1].category), pair[0])))


def presets() -> list[Preset]:
    """Every preset of the catalog, by category then name."""
    return list(_catalog().values())


def preset(name: str) -> Preset:
    """The preset called ``name``.

    Raises
    ------
    UnknownPresetError
        If there is none; the message lists the close names, or all names if none is close.

    Examples
    --------
    >>> preset("snspd_wsi").parameters["efficiency"].value
    0.93
    """
    catalog = _catalog()
    if name in catalog:
        return catalog[name]
    raise UnknownPresetError(unknown_preset_message(name))


def unknown_preset_message(name: object) -> str:
    """``unknown preset 'snspd'; did you mean 'snspd_wsi'?`` (or the list of all names)."""
    names = list(_catalog())
    close = difflib.get_close_matches(str(name), names, n=3, cutoff=0.5)
    if close:
        hint = "did you mean " + " or ".join(repr(entry) for entry in close) + "?"
    else:
        hint = "known presets: " + ", ".join(names) + " (qfab catalog lists them)"
    return f"unknown preset {str(name)!r}; {hint}"
