"""Annotated field types for quantities in scenario models.

Each type accepts a number in SI units or a string with a unit and stores a float in SI
units; conversion goes through :func:`qfab.units.to_si` only. The JSON schema of each type
says that both forms are accepted, so editors can complete and check scenario files.
"""

from __future__ import annotations

import math
from functools import partial
from typing import Annotated, Any

from pydantic import BeforeValidator, Field, WithJsonSchema

from qfab.units import LOG_UNITS, UNITS, Dimension, to_si

__all__ = [
    "Length", "Duration", "PositiveDuration", "CoherenceTime", "Frequency", "Attenuation",
    "Speed", "Power", "Scattering", "Angle", "Number", "Probability", "PositiveProbability",
    "Decibels", "SignedDuration", "SignedLength", "Dispersion",
    "MAX_TIME_S", "MIN_TIME_S",
]


#: The longest time a scenario may give (s): about 31,700 years, far beyond any run, and small
#: enough that every time converts exactly enough to the event clock's picoseconds.
MAX_TIME_S = 1e12
#: The shortest positive time a scenario may give (s): one picosecond, the event clock's tick.
MIN_TIME_S = 1e-12


def _convert(dimension: Dimension, unbounded: bool, value: Any, *,
             positive: bool = False) -> Any:
    si = to_si(value, dimension)
    if math.isnan(si):
        raise ValueError(f"must be a number, got {value!r}")
    if math.isinf(si):
        if not (unbounded and si > 0):
            raise ValueError(f"must be finite, got {value!r}"
                             + (" (only coherence times may be 'inf')" if dimension == "time"
                                else ""))
    elif dimension == "time" and abs(si) > MAX_TIME_S:
        raise ValueError(f"must be at most {MAX_TIME_S:g} s (about 31,700 years), got {value!r}")
    elif positive and 0 < si < MIN_TIME_S:
        raise ValueError(f"must be at least 1 ps (the event clock's tick), got {value!r}")
    return si


def _not_bool(value: Any) -> Any:
    """Refuse ``true``/``false`` where a number is expected (pydantic would read 1 or 0)."""
    if isinstance(value, bool):
        raise ValueError(f"expected a number, got {value!r}")
    return value


def _schema(dimension: Dimension) -> dict[str, Any]:
    symbols = [*UNITS[dimension], *LOG_UNITS.get(dimension, {})]
    units = "|".join(u.replace("/", "\\/") for u in symbols)
    return {
        "anyOf": [
            {"type": "number"},
            {"type": "string", "pattern": rf"^\s*[-+]?[0-9.eE+-]+\s*({units})?\s*$|^\s*inf"},
        ],
        "description": f"a {dimension}: a number in SI units or a string with one of the units "
        f"{', '.join(symbols)}",
    }


def _quantity(dimension: Dimension, *, unbounded: bool = False, **constraints: Any) -> Any:
    positive = dimension == "time" and "gt" in constraints
    return Annotated[
        float,
        BeforeValidator(partial(_convert, dimension, unbounded, positive=positive)),
        Field(**constraints),
        WithJsonSchema(_schema(dimension)),
    ]


#: Quantities are finite; a time is at most :data:`MAX_TIME_S`, and a positive one at least
#: :data:`MIN_TIME_S`. Only coherence times may be
#: ``inf`` (a memory that does not decay).
Length = _quantity("length", ge=0)
#: A length that may be negative (a difference of lengths).
SignedLength = _quantity("length")
Duration = _quantity("time", ge=0)
#: A time that may be negative (a clock's offset).
SignedDuration = _quantity("time")
PositiveDuration = _quantity("time", gt=0)
CoherenceTime = _quantity("time", unbounded=True, gt=0)
Frequency = _quantity("frequency", ge=0)
Attenuation = _quantity("attenuation", ge=0)
Speed = _quantity("speed", gt=0)
#: An optical power in W (or mW, dBm, ...).
Power = _quantity("power", ge=0)
#: A Raman scattering coefficient per metre of fibre and per metre of filter bandwidth
#: (``"/km/nm"`` is the usual unit).
Scattering = _quantity("scattering", ge=0)
#: A plane angle in radians (or mrad, urad, deg).
Angle = _quantity("angle", ge=0)
#: A fiber's chromatic dispersion parameter ``D`` in s/m^2, signed (``"17 ps/nm/km"``).
Dispersion = _quantity("dispersion")
#: A plain number (``true``/``false`` refused).
Number = Annotated[float, BeforeValidator(_not_bool)]
Probability = Annotated[float, BeforeValidator(_not_bool), Field(ge=0, le=1)]
PositiveProbability = Annotated[float, BeforeValidator(_not_bool), Field(gt=0, le=1)]


def _decibels(value: Any) -> Any:
    """A loss in dB: a number, or a string ``"<number> dB"``."""
    value = _not_bool(value)
    if isinstance(value, str):
        text = value.strip()
        if text.endswith("dB"):
            text = text[:-2].strip()
        try:
            return float(text)
        except ValueError:
            raise ValueError(f"expected a loss in dB (a number or '<number> dB'), got "
                             f"{value!r}") from None
    return value


#: A loss in decibels, >= 0 and finite (a number or ``"1.2 dB"``).
Decibels = Annotated[float, BeforeValidator(_decibels),
                     Field(ge=0, le=300, allow_inf_nan=False),
                     WithJsonSchema({"anyOf": [{"type": "number"}, {"type": "string"}],
                                     "description": "a loss in dB: a number or '<number> dB'"})]
