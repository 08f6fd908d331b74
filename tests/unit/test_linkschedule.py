"""The attempt grid of a schedule of up slices (:mod:`qfab.linkschedule`)."""

from __future__ import annotations

import numpy as np
import pytest

from qfab.linkschedule import LinkSchedule, ScheduleGrid
from qfab.physics.bell_diagonal import werner


def _schedule(rows: list[tuple[float, float, float]], attempt: float) -> LinkSchedule:
    array = np.asarray(rows, dtype=np.float64)
    return LinkSchedule.from_arrays(array[:, 0], array[:, 1], array[:, 2],
                                    werner(np.full(len(rows), 0.9)), attempt)


def test_adjacent_slices_continue_one_grid() -> None:
    """On integer ticks, T = 3: from 0 the attempts are 0, 3, 6, 9 in [0, 10) and 12, 15, 18
    in [10, 20): the grid runs on across the boundary instead of restarting at 10."""
    grid = ScheduleGrid((0, 10), (10, 20), 3, 1)
    assert list(grid.runs(0)) == [(0, 0, 4), (1, 12, 3)]
    assert grid.attempts_started(0, 12) == 5
    assert grid.attempts_started(0, 100) == 7


def test_a_gap_moves_the_grid_to_the_next_slice_start() -> None:
    grid = ScheduleGrid((0, 25), (10, 30), 3, 1)
    assert list(grid.runs(0)) == [(0, 0, 4), (1, 25, 2)]
    assert list(grid.runs(11)) == [(1, 25, 2)]
    assert list(grid.runs(30)) == []
    assert grid.next_up(11) == 25 and grid.next_up(26) == 26 and grid.next_up(30) is None


def test_expected_successes_count_the_attempts_of_each_slice() -> None:
    schedule = _schedule([(1.0, 2.0, 0.1), (2.0, 2.5, 0.3), (4.0, 5.0, 0.0)], 0.01)
    total, per_slice = schedule.expected_successes(0.0, 10.0)
    assert per_slice.tolist() == pytest.approx([10.0, 15.0, 0.0])
    assert total == pytest.approx(25.0)
    # cut at 1.5 s: 50 attempts of the first slice started before it
    assert schedule.expected_successes(0.0, 1.5)[0] == pytest.approx(5.0)
    assert schedule.up_time(0.0, 10.0) == pytest.approx(2.5)
    assert schedule.is_up(2.2) and not schedule.is_up(3.0)


def test_bad_schedules_are_refused() -> None:
    with pytest.raises(ValueError, match="must not overlap"):
        _schedule([(0.0, 2.0, 0.1), (1.0, 3.0, 0.1)], 0.01)
    with pytest.raises(ValueError, match="p_success must be in"):
        _schedule([(0.0, 2.0, 1.5)], 0.01)
    with pytest.raises(ValueError, match="start < end"):
        _schedule([(2.0, 2.0, 0.1)], 0.01)
