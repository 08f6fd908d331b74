"""The attempt grid of a link with up windows, against a step-by-step walk of the rule."""

from __future__ import annotations

import numpy as np
import pytest

from qfab.linkwindows import AttemptWindows


def _walk(windows: AttemptWindows, start: int, count: int) -> list[int]:
    """Attempt starts by the rule itself: start when up, else wait; next at previous + T."""
    starts = []
    t = start
    while len(starts) < count:
        while not windows.is_up(t):
            t += 1
        starts.append(t)
        t += windows.attempt
    return starts


SCHEDULES = [
    AttemptWindows(period=60, up=10, offset=0, attempt=3, margin=1),
    AttemptWindows(period=60, up=10, offset=7, attempt=5, margin=1),   # up a multiple of T
    AttemptWindows(period=20, up=3, offset=19, attempt=4, margin=1),   # T > up: one per window
    AttemptWindows(period=11, up=10, offset=0, attempt=1, margin=1),   # down exactly T
]


@pytest.mark.parametrize("windows", SCHEDULES, ids=str)
@pytest.mark.parametrize("start", [0, 1, 9, 10, 13, 59, 60, 61, 200])
def test_attempt_start_follows_the_rule(windows: AttemptWindows, start: int) -> None:
    walked = _walk(windows, start, 40)
    assert [windows.attempt_start(start, k) for k in range(1, 41)] == walked
    for t in range(start, walked[-1] + 1):
        assert windows.attempts_started(start, t) == sum(1 for a in walked if a <= t)


@pytest.mark.parametrize("windows", SCHEDULES, ids=str)
def test_no_attempt_starts_while_down(windows: AttemptWindows) -> None:
    assert all(windows.is_up(windows.attempt_start(5, k)) for k in range(1, 500))


def test_attempts_per_window_count_the_starts_inside_it() -> None:
    assert AttemptWindows(60, 10, 0, 3, margin=1).per_window == 4    # 0, 3, 6, 9
    assert AttemptWindows(60, 10, 0, 5, margin=1).per_window == 2    # 0, 5 (10 is closed)
    assert AttemptWindows(60.0, 10.0, 0.0, 1e-3).per_window == 10_000


def test_float_seconds_agree_with_integer_picoseconds() -> None:
    ps = AttemptWindows(60 * 10**12, 10 * 10**12, 2 * 10**12, 10**9, margin=1)
    seconds = AttemptWindows(60.0, 10.0, 2.0, 1e-3)
    k = np.array([1, 2, 9_999, 10_000, 10_001, 20_000, 20_001, 123_456])
    for start_ps in (0, 2 * 10**12, 5 * 10**12 + 10**9, 12 * 10**12 - 1):
        expected = np.array([ps.attempt_start(start_ps, int(x)) for x in k]) / 1e12
        got = seconds.attempt_start(start_ps / 1e12, k.astype(float), xp=np)
        np.testing.assert_allclose(got, expected, rtol=0, atol=1e-9)


def test_windows_iterate_from_the_one_holding_start() -> None:
    windows = AttemptWindows(60.0, 10.0, 5.0, 1.0)
    first = windows.windows(70.0)
    assert next(first) == (65.0, 75.0)
    assert next(first) == (125.0, 135.0)
    assert next(windows.windows(80.0)) == (125.0, 135.0)
    assert windows.next_up(80.0) == 125.0 and windows.next_up(66.0) == 66.0


@pytest.mark.parametrize(("start", "successes", "p"),
                         [(0.0, 1, 0.3), (5.0, 3, 0.1), (14.0, 20, 0.05), (50.0, 2, 0.9)])
def test_mean_success_start_is_the_negative_binomial_mean_of_the_map(
        start: float, successes: int, p: float) -> None:
    """Against the direct sum of the map over the negative-binomial pmf of the attempt index."""
    from scipy.stats import nbinom

    windows = AttemptWindows(60.0, 10.0, 3.0, 4.0)
    k = np.arange(successes, 40_000)
    pmf = nbinom.pmf(k - successes, successes, p)
    direct = float((pmf * windows.attempt_start(start, k.astype(float), xp=np)).sum())
    assert windows.mean_success_start(start, successes, p) == pytest.approx(direct, rel=1e-12)
