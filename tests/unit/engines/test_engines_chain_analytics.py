"""Repeater-chain analytics: edge cases, heterogeneous links, cutoffs and argument checks."""

from __future__ import annotations

import math
import time
from typing import Any

import numpy as np
import pytest

from qfab.engines.chain_analytics import (
    asap_two_link_mean_time,
    mean_max_geometric,
    mean_waiting_time,
    nested_mean_werner,
    nested_waiting_time_and_werner,
    waiting_time_pmf,
)
from tests.numerics import PMF_SUM_ROUNDING

# ---------------------------------------------------------------------------------------------
# mean_max_geometric


def test_certain_links_deliver_at_the_first_step() -> None:
    assert mean_max_geometric([1.0]) == 1.0
    assert mean_max_geometric([1.0] * 64) == 1.0


def test_single_link_mean_is_one_over_p() -> None:
    for p in (1.0, 0.5, 0.3, 1e-3):
        assert mean_max_geometric([p]) == pytest.approx(1 / p, rel=1e-13)


def test_certain_links_do_not_change_the_maximum() -> None:
    assert mean_max_geometric([0.2, 1.0, 1.0]) == pytest.approx(5.0, rel=1e-13)


def test_two_heterogeneous_links() -> None:
    """E[max] = 1/p1 + 1/p2 - E[min], E[min] = 1 / (1 - q1 q2)."""
    p1, p2 = 0.3, 0.02
    expected = 1 / p1 + 1 / p2 - 1 / (1 - (1 - p1) * (1 - p2))
    assert mean_max_geometric([p1, p2]) == pytest.approx(expected, rel=1e-13)
    assert mean_max_geometric([p2, p1]) == mean_max_geometric([p1, p2])


@pytest.mark.parametrize("n", [3, 5, 8])
def test_identical_links_match_inclusion_exclusion(n: int) -> None:
    """E[max of n iid Geom(p)] = sum_k (-1)**(k+1) C(n, k) / (1 - (1-p)**k)."""
    p = 0.07
    expected = sum((-1) ** (k + 1) * math.comb(n, k) / (1 - (1 - p) ** k)
                   for k in range(1, n + 1))
    assert mean_max_geometric([p] * n) == pytest.approx(expected, rel=1e-12)


def test_many_slow_links_are_fast_and_grow_like_the_harmonic_number() -> None:
    """For small p, max of n iid Geom(p) ~ H_n / p (exponential limit)."""
    started = time.perf_counter()
    value = mean_max_geometric([1e-4] * 64)
    heterogeneous = mean_max_geometric(list(np.geomspace(1e-4, 0.5, 64)))
    assert time.perf_counter() - started < 2.0
    harmonic = sum(1 / k for k in range(1, 65))
    assert value == pytest.approx(harmonic / 1e-4, rel=1e-3)
    assert mean_max_geometric([1e-4]) < heterogeneous < value


def test_mean_max_agrees_with_the_two_link_pmf() -> None:
    p = [0.4, 0.05]
    pmf = waiting_time_pmf(p, levels=1)
    assert mean_waiting_time(pmf) == pytest.approx(mean_max_geometric(p), rel=1e-9)


@pytest.mark.parametrize("bad", [[], [0.0], [1.5], [-0.1], [float("nan")], [0.5, 0.0]])
def test_mean_max_rejects_invalid_probabilities(bad: list[float]) -> None:
    with pytest.raises(ValueError):
        mean_max_geometric(bad)


# ---------------------------------------------------------------------------------------------
# asap_two_link_mean_time


def test_two_link_closed_form_limits() -> None:
    assert asap_two_link_mean_time(1.0, 1.0) == 1.0
    assert asap_two_link_mean_time(1.0, 0.25) == 4.0
    assert asap_two_link_mean_time(0.2, 1.0) == pytest.approx(mean_max_geometric([0.2, 0.2]))


@pytest.mark.parametrize(("p", "p_swap"), [(0.0, 1.0), (1.1, 1.0), (0.5, 0.0), (0.5, 1.5),
                                           (float("inf"), 1.0)])
def test_two_link_closed_form_rejects_invalid_input(p: float, p_swap: float) -> None:
    with pytest.raises(ValueError):
        asap_two_link_mean_time(p, p_swap)


# ---------------------------------------------------------------------------------------------
# waiting_time_pmf


def test_level_zero_is_the_geometric_distribution() -> None:
    p = 0.2
    pmf = waiting_time_pmf(p, levels=0)
    t = np.arange(1, pmf.size)
    assert pmf[0] == 0.0
    np.testing.assert_allclose(pmf[1:], p * (1 - p) ** (t - 1), rtol=1e-12, atol=1e-300)


def test_certain_links_and_swaps_deliver_at_step_one() -> None:
    np.testing.assert_array_equal(waiting_time_pmf(1.0, levels=3), [0.0, 1.0])


def test_certain_links_with_failing_swaps() -> None:
    """p = 1: level-1 segments are Geometric(p_swap), so level 2 is WAIT-2SEG-01 with
    p = p_swap."""
    p_swap = 0.5
    level1 = waiting_time_pmf(1.0, levels=1, p_swap=p_swap)
    t = np.arange(1, level1.size)
    np.testing.assert_allclose(level1[1:], p_swap * (1 - p_swap) ** (t - 1), rtol=1e-10,
                               atol=1e-15)
    level2 = waiting_time_pmf(1.0, levels=2, p_swap=p_swap)
    assert mean_waiting_time(level2) == pytest.approx(asap_two_link_mean_time(p_swap, p_swap),
                                                      rel=1e-9)


def test_heterogeneous_links_are_paired_left_to_right() -> None:
    a, b = 0.6, 0.05
    mirrored = waiting_time_pmf([a, b, a, b], levels=2, p_swap=0.5)
    np.testing.assert_allclose(waiting_time_pmf([b, a, b, a], levels=2, p_swap=0.5),
                               mirrored, rtol=0, atol=1e-14)
    grouped = waiting_time_pmf([a, a, b, b], levels=2, p_swap=0.5)
    assert mean_waiting_time(grouped) != pytest.approx(mean_waiting_time(mirrored), rel=1e-3)
    # with certain swaps only the set of links matters: the maximum of all of them
    np.testing.assert_allclose(np.cumsum(waiting_time_pmf([a, a, b, b], levels=2))[:200],
                               np.cumsum(waiting_time_pmf([a, b, a, b], levels=2))[:200],
                               rtol=0, atol=1e-14)


def test_zero_cutoff_needs_both_halves_in_the_same_step() -> None:
    """cutoff = 0 with restart from scratch: each step succeeds with p**2, so T ~ Geom(p**2)."""
    p = 0.3
    pmf = waiting_time_pmf(p, levels=1, cutoff=0)
    t = np.arange(1, pmf.size)
    np.testing.assert_allclose(pmf[1:], p ** 2 * (1 - p ** 2) ** (t - 1), rtol=1e-9,
                               atol=1e-15)
    w = nested_mean_werner(p, levels=1, w_link=0.9, coherence_time_steps=2.0, cutoff=0)
    assert w == pytest.approx(0.81, rel=1e-12)  # nobody waits


def test_a_cutoff_longer_than_any_gap_changes_nothing() -> None:
    p = 0.4
    plain = waiting_time_pmf(p, levels=2, p_swap=0.8)
    loose = waiting_time_pmf(p, levels=2, p_swap=0.8, cutoff=10_000)
    assert loose.size == plain.size
    np.testing.assert_allclose(loose, plain, rtol=0, atol=1e-14)


def test_a_tighter_cutoff_costs_time_and_buys_fidelity() -> None:
    kwargs: dict[str, Any] = {"levels": 2, "p_swap": 0.9}
    means = [mean_waiting_time(waiting_time_pmf(0.2, cutoff=c, **kwargs)) for c in (1, 4, None)]
    assert means[0] > means[1] > means[2]
    werner = [nested_mean_werner(0.2, w_link=1.0, coherence_time_steps=10.0, cutoff=c, **kwargs)
              for c in (1, 4, None)]
    assert werner[0] > werner[1] > werner[2]


def test_cutoff_per_level() -> None:
    same = waiting_time_pmf(0.3, levels=2, cutoff=[2, 2])
    np.testing.assert_array_equal(same, waiting_time_pmf(0.3, levels=2, cutoff=2))
    mixed = waiting_time_pmf(0.3, levels=2, cutoff=[0, 10_000])
    assert mean_waiting_time(mixed) == pytest.approx(
        mean_waiting_time(waiting_time_pmf([0.09, 0.09], levels=1)), rel=1e-9)


def test_smaller_tail_means_a_longer_grid() -> None:
    short = waiting_time_pmf(0.1, levels=2, tail=1e-4)
    long = waiting_time_pmf(0.1, levels=2, tail=1e-12)
    assert short.size < long.size
    np.testing.assert_allclose(long[:short.size], short, rtol=1e-10, atol=1e-16)
    assert 1 - math.fsum(short) <= 1e-4 + PMF_SUM_ROUNDING


def test_slow_links_are_handled() -> None:
    pmf = waiting_time_pmf(1e-4, levels=1)
    assert mean_waiting_time(pmf) == pytest.approx(asap_two_link_mean_time(1e-4, 1.0),
                                                   rel=1e-9)


def test_a_grid_beyond_the_limit_is_refused_before_it_is_built() -> None:
    started = time.perf_counter()
    with pytest.raises(ValueError, match="grid"):
        waiting_time_pmf(1e-7, levels=1)
    assert time.perf_counter() - started < 0.5


@pytest.mark.parametrize("kwargs", [
    {"p_link": 0.0, "levels": 1},
    {"p_link": 1.2, "levels": 1},
    {"p_link": float("nan"), "levels": 1},
    {"p_link": [0.5, 0.5, 0.5], "levels": 1},
    {"p_link": [[0.5, 0.5]], "levels": 1},
    {"p_link": 0.5, "levels": -1},
    {"p_link": 0.5, "levels": 21},
    {"p_link": 0.5, "levels": 1.5},
    {"p_link": 0.5, "levels": True},
    {"p_link": 0.5, "levels": 1, "p_swap": 0.0},
    {"p_link": 0.5, "levels": 1, "p_swap": 1.01},
    {"p_link": 0.5, "levels": 1, "cutoff": -1},
    {"p_link": 0.5, "levels": 1, "cutoff": 1.5},
    {"p_link": 0.5, "levels": 2, "cutoff": [1]},
    {"p_link": 0.5, "levels": 1, "tail": 0.0},
    {"p_link": 0.5, "levels": 1, "tail": 1.0},
    {"p_link": 0.5, "levels": 1, "tail": 1e-18},
])
def test_waiting_time_pmf_rejects_invalid_input(kwargs: dict[str, Any]) -> None:
    p_link = kwargs.pop("p_link")
    with pytest.raises(ValueError):
        waiting_time_pmf(p_link, **kwargs)


def test_mean_waiting_time() -> None:
    assert mean_waiting_time([0.0, 0.5, 0.5]) == 1.5
    assert mean_waiting_time(np.array([0.0, 0.0, 1.0])) == 2.0
    for bad in ([], [[0.5, 0.5]], [0.0, -0.1, 1.1], [0.0, float("nan")]):
        with pytest.raises(ValueError):
            mean_waiting_time(bad)  # type: ignore[arg-type]


# ---------------------------------------------------------------------------------------------
# Werner parameter


def test_heterogeneous_werner_with_ideal_memories_is_the_product() -> None:
    w = [0.9, 0.8, 0.95, 0.7]
    got = nested_mean_werner([0.3, 0.1, 0.5, 0.2], levels=2, p_swap=0.6, w_link=w)
    assert got == pytest.approx(float(np.prod(w)), rel=1e-12)


def test_no_waiting_means_no_decoherence() -> None:
    """p = 1 and p_swap = 1: every pair is ready at step 1 and nothing waits."""
    assert nested_mean_werner(1.0, levels=3, w_link=0.9, coherence_time_steps=0.5) == \
        pytest.approx(0.9 ** 8, rel=1e-12)


def test_werner_grows_with_the_coherence_time() -> None:
    values = [nested_mean_werner(0.1, levels=2, p_swap=0.8, w_link=0.95,
                                 coherence_time_steps=t) for t in (5.0, 50.0, 500.0, math.inf)]
    assert values == sorted(values)
    assert values[-1] == pytest.approx(0.95 ** 4, rel=1e-12)


def test_werner_weighted_pmf_is_consistent() -> None:
    pmf, werner = nested_waiting_time_and_werner(0.2, levels=2, p_swap=0.7, w_link=0.9,
                                                 coherence_time_steps=20.0)
    assert pmf.shape == werner.shape
    assert werner[0] == 0.0
    ratio = werner[pmf > 1e-10] / pmf[pmf > 1e-10]
    # a later delivery has waited at least as long at the last level, so it cannot be
    # better than the ideal value
    assert np.all(ratio <= 0.9 ** 4 + 1e-12)
    assert np.all(ratio > 0.0)
    np.testing.assert_array_equal(pmf, waiting_time_pmf(0.2, levels=2, p_swap=0.7))


def test_negative_werner_parameters_are_allowed() -> None:
    got = nested_mean_werner(0.5, levels=1, w_link=[-1 / 3, 0.6])
    assert got == pytest.approx(-0.2, rel=1e-12)


@pytest.mark.parametrize("kwargs", [
    {"w_link": 1.2},
    {"w_link": -0.5},
    {"w_link": [0.9, 0.9, 0.9]},
    {"w_link": 0.9, "coherence_time_steps": 0.0},
    {"w_link": 0.9, "coherence_time_steps": -3.0},
    {"w_link": 0.9, "coherence_time_steps": float("nan")},
])
def test_nested_mean_werner_rejects_invalid_input(kwargs: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        nested_mean_werner(0.5, levels=1, **kwargs)
