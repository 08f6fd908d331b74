"""Unit conversion: one path from numbers and unit strings to SI."""

import math

import pytest

from qfab.units import UnitError, to_si


@pytest.mark.parametrize(("text", "dimension", "expected"), [
    ("25 km", "length", 25e3),
    ("0.2 dB/km", "attenuation", 2e-4),
    ("500 ms", "time", 0.5),
    ("10 Hz", "frequency", 10.0),
    ("3 us", "time", 3e-6),
    ("1e3 m", "length", 1e3),
    ("2e8 m/s", "speed", 2e8),
    ("7", "time", 7.0),
])
def test_unit_strings_convert_to_si(text: str, dimension: str, expected: float) -> None:
    assert to_si(text, dimension) == pytest.approx(expected, rel=1e-12)  # type: ignore[arg-type]


def test_numbers_are_taken_as_si() -> None:
    assert to_si(42, "length") == 42.0


def test_inf_is_accepted_for_unbounded_quantities() -> None:
    assert math.isinf(to_si("inf", "time"))


def test_unit_of_another_dimension_is_named() -> None:
    with pytest.raises(UnitError, match="'Hz' is a frequency, expected a length"):
        to_si("5 Hz", "length")


def test_unknown_unit_is_rejected() -> None:
    with pytest.raises(UnitError, match="unknown unit 'parsec'"):
        to_si("5 parsec", "length")


def test_garbage_is_rejected() -> None:
    with pytest.raises(UnitError, match="cannot read"):
        to_si("five km", "length")


def test_booleans_are_not_quantities() -> None:
    with pytest.raises(UnitError):
        to_si(True, "length")


def test_an_integer_beyond_the_float_range_is_a_unit_error() -> None:
    """YAML reads 10**400 as an exact integer; converting it must not raise OverflowError."""
    import pytest

    from qfab.units import UnitError, to_si

    with pytest.raises(UnitError, match="integer of 401 digits"):
        to_si(10**400, "length")


def test_a_logarithmic_value_beyond_the_float_range_is_a_unit_error() -> None:
    """1e300 dBm is 10**(1e299) W: a UnitError, not an OverflowError."""
    with pytest.raises(UnitError, match="beyond the range of numbers"):
        to_si("1e300 dBm", "power")
    assert to_si("0 dBm", "power") == pytest.approx(1e-3)
