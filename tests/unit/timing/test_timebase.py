"""The sub-picosecond time base."""

from __future__ import annotations

import numpy as np
import pytest

from qfab.timing import Timestamps


def test_forty_thousand_seconds_plus_ten_femtoseconds() -> None:
    """A float64 of seconds loses 10 fs at 4e4 s (its step is 7.3 ps); the time base does
    not: the difference is 10 fs to far better than 1 fs."""
    assert 40_000.0 + 10e-15 == 40_000.0
    later = Timestamps.from_seconds(40_000.0, 10e-15)
    now = Timestamps.from_seconds(40_000.0)
    assert abs(float(later.minus(now)[()]) - 10e-15) < 1e-18
    assert int(now.ticks[()]) == 40_000 * 10**12 and float(now.fine[()]) == 0.0


def test_normalised_remainders_and_carries() -> None:
    t = Timestamps.from_ticks(np.array([5, 5, 5]), np.array([-0.25e-12, 1.5e-12, 3e-15]))
    assert t.ticks.tolist() == [4, 6, 5]
    np.testing.assert_allclose(t.fine, [0.75e-12, 0.5e-12, 3e-15], rtol=1e-9)
    assert ((t.fine >= 0.0) & (t.fine < 1e-12)).all()
    base = Timestamps.from_seconds(np.array([0.0, 1e-3, 12_345.678901234]))
    assert ((base.fine >= 0.0) & (base.fine < 1e-12)).all()


def test_shifted_differences_are_exact_over_days() -> None:
    start = Timestamps.from_seconds(np.array([1.0, 86_400.0 * 30]))
    step = np.array([123.456789e-15, -1.000000001e-12])
    moved = start.shifted(step)
    np.testing.assert_allclose(moved.minus(start), step, rtol=0, atol=1e-20)
    assert len(moved) == 2


def test_shapes_must_agree() -> None:
    with pytest.raises(ValueError, match="shapes"):
        Timestamps(ticks=np.zeros(2, dtype=np.int64), fine=np.zeros(3))
