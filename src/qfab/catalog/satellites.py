"""Satellites, optical ground stations and published satellite experiments, with sources.

The data file ``qfab/catalog/data/satellites.yaml`` has three lists: ``satellites`` (with the
name of a shipped TLE), ``ground_stations`` and ``experiments`` (the published figures a
reproduction is checked against). Each entry has a name, a description and parameters; each
parameter a value, a unit and a source, and a ``provenance``: ``paper`` (printed in the
source), ``derived`` (computed from printed values, the computation in the source text) or
``assumed`` (an assumption of the catalog, said as such). :func:`satellite`,
:func:`ground_station` and :func:`experiment` return one entry; :meth:`Entry.si` a value in SI
units (angles in radians, ``dB`` as it is).

Layering: like the preset catalog, this reads its own data and knows only :mod:`qfab.errors`.
"""

from __future__ import annotations

import difflib
import functools
import math
from importlib import resources
from typing import Literal, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from qfab.errors import QfabError

__all__ = ["Entry", "Experiment", "Quantity", "Satellite", "SatelliteCatalog",
           "UnknownSatelliteEntryError", "experiment", "ground_station", "satellite",
           "satellite_catalog"]

#: Unit symbol -> factor to SI (angles to radians; ``dB`` and ``1`` stay as they are).
SI_FACTORS: dict[str, float] = {
    "1": 1.0, "dB": 1.0, "m": 1.0, "km": 1e3, "mm": 1e-3, "nm": 1e-9, "rad": 1.0,
    "urad": 1e-6, "deg": math.pi / 180.0, "Hz": 1.0, "kHz": 1e3, "MHz": 1e6, "s": 1.0,
}


class Quantity(BaseModel):
    """One parameter: value, unit (a key of :data:`SI_FACTORS`), source and provenance."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    value: float
    unit: Literal["1", "dB", "m", "km", "mm", "nm", "rad", "urad", "deg", "Hz", "kHz", "MHz",
                  "s"]
    source: str = Field(min_length=1)
    provenance: Literal["paper", "derived", "assumed"] = "paper"

    @property
    def si(self) -> float:
        """The value in SI units (radians for angles; ``dB`` and ``1`` unchanged)."""
        return self.value * SI_FACTORS[self.unit]


class Entry(BaseModel):
    """A named entry with cited parameters."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(pattern=r"^[a-z0-9_]+$")
    description: str = Field(min_length=1)
    parameters: dict[str, Quantity] = Field(min_length=1)

    def si(self, key: str) -> float:
        """The parameter ``key`` in SI units; a missing key is a :class:`KeyError` naming the
        entry and its parameters."""
        try:
            return self.parameters[key].si
        except KeyError:
            raise KeyError(f"{self.name!r} has no parameter {key!r} (it has "
                           f"{', '.join(self.parameters)})") from None

    def value(self, key: str) -> float:
        """The parameter ``key`` in the unit of the data file."""
        return self.parameters[key].value


class Satellite(Entry):
    """A satellite: its NORAD number and the shipped TLE (``catalog/data/tle/NAME.tle``)."""

    norad_id: int = Field(gt=0)
    tle: str = Field(min_length=1)


class Experiment(Entry):
    """A published experiment: the satellite, the ground stations, the published figures."""

    satellite: str
    stations: tuple[str, ...] = Field(min_length=1)


class SatelliteCatalog(BaseModel):
    """The whole data file."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    satellites: tuple[Satellite, ...]
    ground_stations: tuple[Entry, ...]
    experiments: tuple[Experiment, ...] = ()


_E = TypeVar("_E", bound=Entry)


class UnknownSatelliteEntryError(QfabError):
    """A satellite, station or experiment name that is not in the catalog."""


@functools.cache
def satellite_catalog() -> SatelliteCatalog:
    """The satellite catalog (read once; cross-references checked)."""
    text = resources.files("qfab.catalog").joinpath("data", "satellites.yaml").read_text(
        encoding="utf-8")
    try:
        catalog = SatelliteCatalog.model_validate(yaml.safe_load(text))
    except ValidationError as error:  # a broken data file is a bug, not user input
        raise RuntimeError(f"catalog data satellites.yaml: {error}") from None
    names = {entry.name for entry in catalog.satellites}
    stations = {entry.name for entry in catalog.ground_stations}
    for entry in catalog.experiments:
        if entry.satellite not in names or not set(entry.stations) <= stations:
            raise RuntimeError(f"catalog data satellites.yaml: experiment {entry.name!r} "
                               "names an unknown satellite or station")
    return catalog


def satellite(name: str) -> Satellite:
    """The satellite called ``name`` (e.g. ``"micius"``).

    Examples
    --------
    >>> satellite("micius").si("pair_rate")
    5900000.0
    """
    return _find(name, satellite_catalog().satellites, "satellite")


def ground_station(name: str) -> Entry:
    """The ground station called ``name`` (e.g. ``"delingha"``)."""
    return _find(name, satellite_catalog().ground_stations, "ground station")


def experiment(name: str) -> Experiment:
    """The published experiment called ``name`` (e.g. ``"micius_entanglement_2017"``)."""
    return _find(name, satellite_catalog().experiments, "experiment")


def _find(name: str, entries: tuple[_E, ...], kind: str) -> _E:
    for entry in entries:
        if entry.name == name:
            return entry
    names = [entry.name for entry in entries]
    close = difflib.get_close_matches(str(name), names, n=3, cutoff=0.5)
    hint = ("did you mean " + " or ".join(repr(c) for c in close) + "?") if close else \
        "known: " + ", ".join(names)
    raise UnknownSatelliteEntryError(f"unknown {kind} {name!r}; {hint}")
