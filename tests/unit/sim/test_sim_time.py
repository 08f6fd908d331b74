"""The one conversion between seconds and the kernel's integer-picosecond clock."""

from __future__ import annotations

import math

import pytest

from qfab.sim.time import PS_PER_S, ps_to_seconds, seconds_to_ps, seconds_to_ps_array


def test_ps_per_second_is_ten_to_the_twelve() -> None:
    assert PS_PER_S == 1_000_000_000_000
    assert type(PS_PER_S) is int


@pytest.mark.parametrize(
    ("seconds", "ps"),
    [
        (0.0, 0),
        (1.0, 10**12),
        (1e-3, 10**9),
        (1e-6, 10**6),
        (1.5e-9, 1500),
        (1e-12, 1),
        (3600.0, 3_600 * 10**12),
    ],
)
def test_seconds_to_ps_converts_exact_values(seconds: float, ps: int) -> None:
    assert seconds_to_ps(seconds) == ps


def test_seconds_to_ps_returns_int() -> None:
    assert type(seconds_to_ps(0.25)) is int
    assert type(seconds_to_ps(2)) is int


def test_seconds_to_ps_rounds_to_nearest_picosecond() -> None:
    assert seconds_to_ps(1.4e-12) == 1
    assert seconds_to_ps(1.6e-12) == 2
    assert seconds_to_ps(0.4e-12) == 0


def test_seconds_to_ps_accepts_int_seconds_exactly() -> None:
    # Large integers are converted without passing through float.
    assert seconds_to_ps(10**7) == 10**19


def test_seconds_to_ps_accepts_numpy_scalars() -> None:
    np = pytest.importorskip("numpy")
    assert seconds_to_ps(np.float64(2e-9)) == 2000
    assert seconds_to_ps(np.int64(3)) == 3 * PS_PER_S


@pytest.mark.parametrize("bad", [-1e-12, -1.0, -1])
def test_seconds_to_ps_rejects_negative(bad: float) -> None:
    with pytest.raises(ValueError, match=">= 0"):
        seconds_to_ps(bad)


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
def test_seconds_to_ps_rejects_non_finite(bad: float) -> None:
    with pytest.raises(ValueError, match="finite"):
        seconds_to_ps(bad)


@pytest.mark.parametrize("bad", [True, "1 s", None, 1j])
def test_seconds_to_ps_rejects_non_real(bad: object) -> None:
    with pytest.raises(TypeError):
        seconds_to_ps(bad)  # type: ignore[arg-type]


def test_ps_to_seconds_converts() -> None:
    assert ps_to_seconds(10**9) == 1e-3
    assert ps_to_seconds(0) == 0.0
    assert type(ps_to_seconds(5)) is float


@pytest.mark.parametrize("ps", [0, 1, 999, 10**6, 123_456_789, 10**12, 2**52])
def test_round_trip_ps_seconds_ps_is_identity(ps: int) -> None:
    assert seconds_to_ps(ps_to_seconds(ps)) == ps


def test_many_times_convert_as_one_at_a_time() -> None:
    times = [0.0, 1.5e-9, 5e-5, 0.1 + 0.2, 123.456789, 2.5e-12, 3.5e-12]
    assert seconds_to_ps_array(times) == [seconds_to_ps(t) for t in times]


@pytest.mark.parametrize("bad", [-1e-12, math.nan, math.inf])
def test_many_times_reject_what_one_rejects(bad: float) -> None:
    with pytest.raises(ValueError):
        seconds_to_ps_array([1.0, bad])
