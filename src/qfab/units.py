"""Quantities: numbers in SI units or strings with a unit (``"25 km"``, ``"0.2 dB/km"``).

There is one conversion path: :func:`to_si` turns a number or a unit string of a given
dimension into a float in SI units (metres, seconds, hertz, dB per metre). Numbers are taken
as already in SI units. The unit table is deliberately small and explicit.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Final, Literal

__all__ = ["Dimension", "LOG_UNITS", "UNITS", "to_si", "UnitError"]

Dimension = Literal["length", "time", "frequency", "attenuation", "speed", "power",
                    "scattering", "angle", "dispersion"]

#: Unit symbol -> factor to the SI unit of its dimension.
UNITS: Final[dict[Dimension, dict[str, float]]] = {
    "length": {"m": 1.0, "km": 1e3, "cm": 1e-2, "mm": 1e-3, "um": 1e-6, "µm": 1e-6, "nm": 1e-9},
    "time": {
        "s": 1.0, "ms": 1e-3, "us": 1e-6, "µs": 1e-6, "ns": 1e-9, "ps": 1e-12, "fs": 1e-15,
        "min": 60.0, "h": 3600.0,
    },
    "frequency": {"Hz": 1.0, "kHz": 1e3, "MHz": 1e6, "GHz": 1e9},
    "attenuation": {"dB/m": 1.0, "dB/km": 1e-3},
    "speed": {"m/s": 1.0, "km/s": 1e3},
    "power": {"W": 1.0, "mW": 1e-3, "uW": 1e-6, "µW": 1e-6, "nW": 1e-9, "pW": 1e-12},
    # a Raman scattering coefficient per metre of fibre and per metre of filter bandwidth
    "scattering": {"/m/m": 1.0, "/km/nm": 1e6, "/m/nm": 1e9},
    # plane angles (beam divergence, pointing jitter, field of view, elevation)
    "angle": {"rad": 1.0, "mrad": 1e-3, "urad": 1e-6, "µrad": 1e-6,
              "deg": 3.141592653589793 / 180.0},
    # a fiber's chromatic dispersion parameter D: group delay per metre of fiber and per
    # metre of wavelength (1 ps/(nm km) = 1e-6 s/m^2)
    "dispersion": {"s/m/m": 1.0, "ps/nm/km": 1e-6, "ps/km/nm": 1e-6},
}

#: Logarithmic units: symbol -> the function from the number to SI (dBm: decibels above 1 mW).
LOG_UNITS: Final[dict[Dimension, dict[str, Callable[[float], float]]]] = {
    "power": {"dBm": lambda dbm: 1e-3 * 10.0 ** (dbm / 10.0)},
}

_SI_SYMBOL: Final[dict[Dimension, str]] = {
    "length": "m", "time": "s", "frequency": "Hz", "attenuation": "dB/m", "speed": "m/s",
    "power": "W", "scattering": "/m/m", "angle": "rad", "dispersion": "s/m/m",
}

_QUANTITY = re.compile(r"^\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?|[-+]?inf)\s*(\S*)\s*$")


class UnitError(ValueError):
    """A quantity that cannot be read in the expected dimension."""


def to_si(value: object, dimension: Dimension) -> float:
    """Convert a number or a unit string to a float in SI units.

    Parameters
    ----------
    value
        A number (taken as SI) or a string ``"<number> <unit>"`` such as ``"25 km"``.
        ``"inf"`` (with or without a unit) is accepted for unbounded quantities.
    dimension
        The dimension the field expects.

    Returns
    -------
    float
        The value in SI units (m, s, Hz, dB/m, m/s).

    Raises
    ------
    UnitError
        If the string does not parse or its unit does not fit ``dimension``.

    Examples
    --------
    >>> to_si("25 km", "length")
    25000.0
    >>> to_si("0.2 dB/km", "attenuation")
    0.0002
    """
    if isinstance(value, bool):
        raise UnitError(f"expected a {dimension}, got {value!r}")
    if isinstance(value, (int, float)):
        try:
            return float(value)
        except OverflowError:  # an integer beyond the float range (about 1.8e308)
            raise UnitError(f"expected a {dimension}, got an integer of {len(str(value))} "
                            "digits, beyond the range of numbers") from None
    if not isinstance(value, str):
        raise UnitError(f"expected a {dimension} (number or string with unit), got {value!r}")
    match = _QUANTITY.match(value)
    if match is None:
        raise UnitError(f"cannot read {value!r} as a {dimension}, e.g. '10 {_example(dimension)}'")
    number, unit = float(match.group(1)), match.group(2)
    if not unit:
        return number
    logarithmic = LOG_UNITS.get(dimension, {})
    if unit in logarithmic:
        try:
            return logarithmic[unit](number)
        except OverflowError:  # e.g. 1e300 dBm: a power beyond the range of numbers
            raise UnitError(f"{value!r} is beyond the range of numbers as a {dimension} "
                            "in SI units") from None
    table = UNITS[dimension]
    if unit not in table:
        for other, units in UNITS.items():
            if unit in units:
                raise UnitError(f"unit {unit!r} is a {other}, expected a {dimension} "
                                f"({', '.join(table)})")
        raise UnitError(f"unknown unit {unit!r} for a {dimension} ({', '.join(table)})")
    return number * table[unit]


def _example(dimension: Dimension) -> str:
    return next(iter(UNITS[dimension])) if dimension != "length" else "km"
