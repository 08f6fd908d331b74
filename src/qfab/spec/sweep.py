"""The ``sweep:`` block of a scenario: which parameters vary, over which values.

.. code-block:: yaml

    sweep:
      mode: grid                  # grid (cartesian product) | zip (parallel lists)
      parameters:
        links[0].length: {linspace: [1 km, 200 km, 16]}
        nodes.alice.memory.t2: {values: [1 ms, 10 ms, 1 s]}
        links[0].detector.dark_count_rate: {logspace: [1 Hz, 1 kHz, 4]}
      seeds: 1                    # repeats per point, seeds seed, seed + 1, ...

Keys of ``parameters`` are paths into the scenario document (:mod:`qfab.spec.paths`).
``linspace`` and ``logspace`` take ``[start, stop, num]`` with endpoints in value space (numbers
in SI units or strings with a unit, both of one dimension) and produce SI numbers, evenly or
geometrically spaced; ``values`` lists values as they would be written in the scenario. A plain
list is shorthand for ``values``.

The block is part of the scenario format: :class:`~qfab.spec.models.ScenarioSpec` embeds
:class:`SweepSpec`, and :mod:`qfab.experiments` expands it into tasks.
"""

from __future__ import annotations

import itertools
import json
import math
from collections.abc import Iterable
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from qfab.errors import ScenarioError
from qfab.spec.base import Integer
from qfab.spec.paths import parse_path
from qfab.units import UNITS, Dimension, UnitError, to_si

__all__ = ["ParameterSpec", "SweepSpec", "quantity_to_si"]

#: Scenario keys a sweep may not vary, and why.
_RESERVED = {"seed": "the seed is set per task; use 'seeds: N' for repeats",
             "sweep": "a sweep cannot vary itself",
             "qfab": "the format version cannot vary"}


def quantity_to_si(value: object) -> tuple[float, Dimension | None] | None:
    """Read a number or a ``"<number> <unit>"`` string as an SI float and its dimension.

    Returns
    -------
    tuple or None
        ``(value_in_si, dimension)``, the dimension being ``None`` for a plain number (or a
        string holding one); ``None`` if ``value`` is not a quantity (a word, a bool, a list).

    Examples
    --------
    >>> quantity_to_si("25 km")
    (25000.0, 'length')
    >>> quantity_to_si(0.5)
    (0.5, None)
    >>> quantity_to_si("bell_diagonal") is None
    True
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value), None
    if not isinstance(value, str):
        return None
    try:
        return float(value.strip()), None
    except ValueError:
        pass
    for dimension in UNITS:
        try:
            return to_si(value, dimension), dimension
        except UnitError:
            continue
    return None


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


def _object_or_list(schema: dict[str, Any]) -> None:
    """JSON schema of a parameter: its mapping, or a plain list (shorthand for ``values``)."""
    mapping = dict(schema)
    schema.clear()
    schema["anyOf"] = [mapping, {"type": "array", "minItems": 1,
                                 "description": "shorthand for {values: [...]}"}]


class ParameterSpec(_Model):
    """The values one parameter takes: exactly one of ``linspace``, ``logspace``, ``values``."""

    model_config = ConfigDict(frozen=True, extra="forbid", json_schema_extra=_object_or_list)

    linspace: tuple[float | str, float | str, Integer] | None = Field(
        None, description="[start, stop, num]: num evenly spaced values, endpoints included")
    logspace: tuple[float | str, float | str, Integer] | None = Field(
        None, description="[start, stop, num]: num geometrically spaced values between the "
        "endpoints (given in value space, both > 0), endpoints included")
    values: list[Any] | None = Field(
        None, min_length=1, description="the values, written as in the scenario")

    @model_validator(mode="before")
    @classmethod
    def _list_is_values(cls, data: Any) -> Any:
        return {"values": data} if isinstance(data, list) else data

    @model_validator(mode="after")
    def _one_form(self) -> ParameterSpec:
        given = [name for name in ("linspace", "logspace", "values")
                 if getattr(self, name) is not None]
        if len(given) != 1:
            raise ValueError("give exactly one of 'linspace', 'logspace', 'values'"
                             + (f" (got {', '.join(given)})" if given else ""))
        for name in ("linspace", "logspace"):
            spec = getattr(self, name)
            if spec is not None:
                _spaced(name, spec)  # raises on bad endpoints
        return self

    def document_values(self) -> list[Any]:
        """The values to write into the scenario document, in order.

        ``values`` come back as written; ``linspace`` and ``logspace`` as SI floats (ints when
        both endpoints are plain integers and every value is integral).
        """
        if self.values is not None:
            return list(self.values)
        if self.linspace is not None:
            return _spaced("linspace", self.linspace)
        assert self.logspace is not None
        return _spaced("logspace", self.logspace)

    def column_values(self) -> list[Any]:
        """The values as table entries: quantities in SI units, other scalars as they are,
        lists and mappings as JSON text; all floats if any value is a float."""
        converted: list[Any] = []
        for value in self.document_values():
            quantity = quantity_to_si(value)
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                converted.append(value)
            elif quantity is not None:
                converted.append(quantity[0])
            elif isinstance(value, (list, dict)):
                converted.append(json.dumps(value, sort_keys=True))
            else:
                converted.append(value)
        numbers = [v for v in converted if isinstance(v, (int, float)) and not isinstance(v, bool)]
        if any(isinstance(v, float) for v in numbers):
            converted = [float(v) if isinstance(v, int) and not isinstance(v, bool) else v
                         for v in converted]
        return converted

    def __len__(self) -> int:
        return len(self.document_values())


def _spaced(name: str, spec: tuple[float | str, float | str, int]) -> list[Any]:
    start_raw, stop_raw, num = spec
    if num < 1:
        raise ValueError(f"{name}: num must be >= 1, got {num}")
    ends: list[tuple[float, Dimension | None]] = []
    for raw in (start_raw, stop_raw):
        quantity = quantity_to_si(raw)
        if quantity is None:
            raise ValueError(f"{name}: cannot read {raw!r} as a number or a quantity with a unit")
        ends.append(quantity)
    (start, start_dim), (stop, stop_dim) = ends
    if start_dim and stop_dim and start_dim != stop_dim:
        raise ValueError(f"{name}: {start_raw!r} is a {start_dim} but {stop_raw!r} is a "
                         f"{stop_dim}")
    if not (math.isfinite(start) and math.isfinite(stop)):
        raise ValueError(f"{name}: endpoints must be finite, got {start_raw!r}, {stop_raw!r}")
    import numpy as np  # only for a sweep with a range: reading scenarios needs none

    if name == "logspace":
        if start <= 0 or stop <= 0:
            raise ValueError(f"logspace: endpoints must be > 0, got {start_raw!r}, {stop_raw!r}")
        points = np.geomspace(start, stop, num)
    else:
        points = np.linspace(start, stop, num)
    values: list[Any] = [float(v) for v in points]
    plain_ints = all(isinstance(raw, int) and not isinstance(raw, bool)
                     for raw in (start_raw, stop_raw))
    if plain_ints and all(v.is_integer() for v in values):
        values = [int(v) for v in values]
    return values


class SweepSpec(_Model):
    """A parameter sweep over a scenario.

    ``grid`` runs the cartesian product of the parameters' values (the first parameter varies
    slowest); ``zip`` runs the i-th values of all parameters together, so every list must have
    the same length. Every point runs ``seeds`` times, with seeds ``seed, seed + 1, ...``.
    """

    mode: Literal["grid", "zip"] = Field("grid", description="grid (cartesian product) or zip "
                                         "(parallel lists of equal length)")
    parameters: dict[str, ParameterSpec] = Field(
        default_factory=dict, description="path in the scenario -> values it takes")
    seeds: Integer = Field(1, ge=1, description="runs per point, with seeds seed, seed + 1, ...")

    @field_validator("parameters")
    @classmethod
    def _paths_are_valid(cls, parameters: dict[str, ParameterSpec]) -> dict[str, ParameterSpec]:
        for path in parameters:
            try:
                first = parse_path(path)[0]
            except ValueError as error:
                raise ScenarioError(f"sweep.parameters.{path}", str(error)) from None
            if first in _RESERVED:
                raise ScenarioError(f"sweep.parameters.{path}", _RESERVED[str(first)])
        return parameters

    @model_validator(mode="after")
    def _zip_lengths_agree(self) -> SweepSpec:
        if self.mode == "zip":
            lengths = {path: len(values) for path, values in self.parameters.items()}
            if len(set(lengths.values())) > 1:
                listed = ", ".join(f"{path}: {n}" for path, n in lengths.items())
                raise ScenarioError("sweep.parameters",
                                    f"zip mode needs lists of equal length, got {listed}")
        return self

    def points(self) -> list[dict[str, tuple[Any, Any]]]:
        """Every point: path -> (value for the document, value for the table)."""
        columns = {path: list(zip(spec.document_values(), spec.column_values(), strict=True))
                   for path, spec in self.parameters.items()}
        if not columns:
            return [{}]
        paths = list(columns)
        rows: Iterable[tuple[tuple[Any, Any], ...]]
        if self.mode == "zip":
            rows = zip(*columns.values(), strict=True)
        else:
            rows = itertools.product(*columns.values())
        return [dict(zip(paths, row, strict=True)) for row in rows]
