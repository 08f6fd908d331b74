"""Annotated field types for quantities in scenario models.

Each type accepts a number in SI units or a string with a unit and stores a float in SI
units; conversion goes through :func:`qfab.units.to_si` only. The JSON schema of each type
says that both forms are accepted, so editors can complete and check scenario files.
"""

from __future__ import annotations

from functools import partial
from typing import Annotated, Any

from pydantic import BeforeValidator, Field, WithJsonSchema

from qfab.units import UNITS, Dimension, to_si

__all__ = [
    "Length", "Duration", "PositiveDuration", "Frequency", "Attenuation", "Speed",
    "Probability", "PositiveProbability",
]


def _convert(dimension: Dimension, value: Any) -> Any:
    return to_si(value, dimension)


def _schema(dimension: Dimension) -> dict[str, Any]:
    units = "|".join(u.replace("/", "\\/") for u in UNITS[dimension])
    return {
        "anyOf": [
            {"type": "number"},
            {"type": "string", "pattern": rf"^\s*[-+]?[0-9.eE+-]+\s*({units})?\s*$|^\s*inf"},
        ],
        "description": f"a {dimension}: a number in SI units or a string with one of the units "
        f"{', '.join(UNITS[dimension])}",
    }


def _quantity(dimension: Dimension, **constraints: Any) -> Any:
    return Annotated[
        float,
        BeforeValidator(partial(_convert, dimension)),
        Field(**constraints),
        WithJsonSchema(_schema(dimension)),
    ]


Length = _quantity("length", ge=0)
Duration = _quantity("time", ge=0)
PositiveDuration = _quantity("time", gt=0)
Frequency = _quantity("frequency", ge=0)
Attenuation = _quantity("attenuation", ge=0)
Speed = _quantity("speed", gt=0)
Probability = Annotated[float, Field(ge=0, le=1)]
PositiveProbability = Annotated[float, Field(gt=0, le=1)]
