"""Repeater-chain waiting times and Werner parameters against closed forms and Monte Carlo.

References: docs/references.md, WAIT-2SEG-01 and SWAP-WERNER-01; Shchukin, Schmidt,
van Loock, PRA 100, 032322 (2019), arXiv:1710.06214; Brand, Coopmans, Elkouss, IEEE JSAC 38,
619 (2020), arXiv:1912.07688; Li, Coopmans, Elkouss, IEEE TQE 2 (2021), arXiv:2005.04946
(memory cutoff).

The Monte Carlo below is the recursive protocol written out plainly (level-0 segments are
geometric; a level-k segment draws two level-(k-1) segments, applies the cutoff, swaps with
probability p_swap and starts over on any failure). Tolerances are five standard errors:
``5 sigma / sqrt(n)`` for means (``sigma`` from the exact distribution for times, from the
sample for Werner parameters) and ``5 sqrt(F (1 - F) / n)`` for a CDF value ``F``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pytest
from numpy.typing import NDArray

from qfab.engines.chain_analytics import (
    asap_two_link_mean_time,
    mean_max_geometric,
    mean_waiting_time,
    nested_mean_werner,
    nested_waiting_time_and_werner,
    waiting_time_pmf,
)
from tests.numerics import PMF_SUM_ROUNDING

SAMPLES = 100_000

# WAIT-2SEG-01: (p, p_swap, E[T] in steps), rel. tol 1e-9.
WAIT_2SEG_01 = [
    (0.1, 1.0, 14.73684211),
    (0.1, 0.5, 29.47368421),
    (0.01, 1.0, 149.7487437),
    (0.01, 0.5, 299.4974874),
    (0.5, 0.8, 3.333333333),
]


def _sample_nested(p: Sequence[float], w: Sequence[float], p_swap: float, t_coh: float,
                   cutoff: int | None, n: int,
                   rng: np.random.Generator) -> tuple[NDArray[np.int64], NDArray[np.float64]]:
    """Delivery times and Werner parameters of ``n`` independent runs of the nested scheme."""
    if len(p) == 1:
        return rng.geometric(p[0], n).astype(np.int64), np.full(n, float(w[0]))
    half = len(p) // 2
    same_halves = list(p[:half]) == list(p[half:]) and list(w[:half]) == list(w[half:])

    def halves(m: int) -> tuple[NDArray[np.int64], NDArray[np.int64],
                                NDArray[np.float64], NDArray[np.float64]]:
        """``m`` independent draws of the left and of the right half."""
        if same_halves:
            t_both, w_both = _sample_nested(p[:half], w[:half], p_swap, t_coh, cutoff, 2 * m,
                                            rng)
            return t_both[:m], t_both[m:], w_both[:m], w_both[m:]
        t_a, w_a = _sample_nested(p[:half], w[:half], p_swap, t_coh, cutoff, m, rng)
        t_b, w_b = _sample_nested(p[half:], w[half:], p_swap, t_coh, cutoff, m, rng)
        return t_a, t_b, w_a, w_b

    if cutoff is None:
        # Every try takes max(T_A, T_B) and succeeds with p_swap independently: a run makes
        # Geometric(p_swap) tries and delivers the pair of its last one.
        tries = rng.geometric(p_swap, n)
        t_a, t_b, w_a, w_b = halves(int(tries.sum()))
        first = np.concatenate(([0], np.cumsum(tries)[:-1]))
        last = first + tries - 1
        times = np.add.reduceat(np.maximum(t_a, t_b), first).astype(np.int64)
        werner = w_a[last] * w_b[last] * np.exp(-np.abs(t_a[last] - t_b[last]) / t_coh)
        return times, werner
    times = np.zeros(n, dtype=np.int64)
    werner = np.zeros(n)
    elapsed = np.zeros(n, dtype=np.int64)
    pending = np.arange(n)
    while pending.size:
        m = pending.size
        t_a, t_b, w_a, w_b = halves(m)
        gap = np.abs(t_a - t_b)
        kept = gap <= cutoff
        # A kept pair is swapped when the later half is ready; a cut pair is dropped when
        # the earlier one has waited ``cutoff`` steps, and both halves start again.
        duration = np.where(kept, np.maximum(t_a, t_b), np.minimum(t_a, t_b) + cutoff)
        elapsed[pending] += duration
        swapped = kept & (rng.random(m) < p_swap)
        done = pending[swapped]
        times[done] = elapsed[done]
        werner[done] = (w_a * w_b * np.exp(-gap / t_coh))[swapped]
        pending = pending[~swapped]
    return times, werner


def _std(pmf: NDArray[np.float64]) -> float:
    t = np.arange(pmf.size)
    mean = float(t @ pmf)
    return math.sqrt(float((t - mean) ** 2 @ pmf))


def _assert_distribution_matches(pmf: NDArray[np.float64], samples: NDArray[np.int64]) -> None:
    n = samples.size
    mean = mean_waiting_time(pmf)
    assert samples.mean() == pytest.approx(mean, abs=5 * _std(pmf) / math.sqrt(n))
    cdf = np.cumsum(pmf)
    for quantile in (0.25, 0.5, 0.9):
        t = int(np.searchsorted(cdf, quantile))
        expected = float(cdf[t])
        observed = float(np.mean(samples <= t))
        assert observed == pytest.approx(expected,
                                         abs=5 * math.sqrt(expected * (1 - expected) / n))


# ---------------------------------------------------------------------------------------------
# WAIT-2SEG-01


@pytest.mark.parametrize(("p", "p_swap", "expected"), WAIT_2SEG_01)
def test_wait_2seg_01_closed_form(p: float, p_swap: float, expected: float) -> None:
    """WAIT-2SEG-01: E[T] = (3 - 2p) / (p_swap p (2 - p)) (Shchukin et al. 2019)."""
    assert asap_two_link_mean_time(p, p_swap) == pytest.approx(expected, rel=1e-9)


@pytest.mark.parametrize(("p", "p_swap", "expected"), WAIT_2SEG_01)
def test_wait_2seg_01_from_the_exact_distribution(p: float, p_swap: float,
                                                  expected: float) -> None:
    """WAIT-2SEG-01 from the generating-function recursion of Brand et al. (levels = 1)."""
    pmf = waiting_time_pmf(p, levels=1, p_swap=p_swap)
    assert pmf[0] == 0.0
    assert -PMF_SUM_ROUNDING <= 1.0 - math.fsum(pmf) <= 1e-12 + PMF_SUM_ROUNDING
    assert mean_waiting_time(pmf) == pytest.approx(expected, rel=1e-9)


@pytest.mark.parametrize("p", [0.5, 0.1, 0.01, 1e-3])
def test_mean_max_of_two_geometrics(p: float) -> None:
    """E[max(G1, G2)] = (3 - 2p) / (p (2 - p)) (WAIT-2SEG-01 with p_swap = 1)."""
    assert mean_max_geometric([p, p]) == pytest.approx((3 - 2 * p) / (p * (2 - p)), rel=1e-12)


@pytest.mark.parametrize("levels", [2, 3, 4])
def test_nested_with_certain_swaps_is_the_maximum_of_all_links(levels: int) -> None:
    """With p_swap = 1 the nested scheme delivers when the last of the 2**levels links is up:
    CDF = (1 - (1-p)**t)**(2**levels) (Brand et al.; swap-asap limit)."""
    p = 0.07
    pmf = waiting_time_pmf(p, levels=levels)
    t = np.arange(pmf.size)
    np.testing.assert_allclose(np.cumsum(pmf), (1 - (1 - p) ** t) ** (2 ** levels),
                               rtol=0, atol=1e-13)
    assert mean_waiting_time(pmf) == pytest.approx(mean_max_geometric([p] * 2 ** levels),
                                                   rel=1e-9)


@pytest.mark.parametrize("tail", [1e-6, 1e-9, 1e-12])
def test_pmf_sums_to_one_within_tail(tail: float) -> None:
    pmf = waiting_time_pmf(0.05, levels=3, p_swap=0.6, tail=tail)
    missing = 1.0 - math.fsum(pmf)
    assert -PMF_SUM_ROUNDING <= missing <= tail + PMF_SUM_ROUNDING
    # The grid is not longer than needed: one step less would leave more than ``tail``.
    assert 1.0 - math.fsum(pmf[:-1]) > tail - PMF_SUM_ROUNDING
    assert np.all(pmf >= 0.0)


# ---------------------------------------------------------------------------------------------
# Werner parameter


@pytest.mark.parametrize("levels", [0, 1, 2, 3, 4])
def test_werner_with_ideal_memories_is_the_product(levels: int) -> None:
    """SWAP-WERNER-01: w_out = w1 w2 per swap, so N = 2**levels links give w**N."""
    w = (4 * 0.95 - 1) / 3
    got = nested_mean_werner(0.2, levels=levels, p_swap=0.7, w_link=w)
    assert got == pytest.approx(w ** (2 ** levels), rel=1e-12)


@pytest.mark.parametrize(("links", "fidelity"),
                         [(2, 0.9033333333), (4, 0.8191259259), (8, 0.6818724261),
                          (16, 0.4986850565)])
def test_swap_werner_01_table(links: int, fidelity: float) -> None:
    """SWAP-WERNER-01: N links of F = 0.95 give F = 1/4 + 3/4 w**N (abs. tol 1e-9)."""
    w = nested_mean_werner(0.3, levels=int(math.log2(links)), w_link=(4 * 0.95 - 1) / 3)
    assert 0.25 + 0.75 * w == pytest.approx(fidelity, abs=1e-9)


@pytest.mark.parametrize("p_swap", [1.0, 0.4])
def test_two_link_werner_with_decoherence_closed_form(p_swap: float) -> None:
    """Levels = 1: the gap D = G1 - G2 has P(D = d) = p q**|d| / (1 + q), hence
    E[w1 w2 e^{-|D|/T}] = w**2 p (1 + q L) / ((1 + q)(1 - q L)), L = e^{-1/T}; failed swaps
    restart from scratch, so the delivered pair has the same law (Brand et al.)."""
    p, w, t_coh = 0.15, 0.9, 12.0
    q, decay = 1 - p, math.exp(-1 / t_coh)
    expected = w ** 2 * p * (1 + q * decay) / ((1 + q) * (1 - q * decay))
    got = nested_mean_werner(p, levels=1, p_swap=p_swap, w_link=w, coherence_time_steps=t_coh)
    assert got == pytest.approx(expected, rel=1e-10)


# ---------------------------------------------------------------------------------------------
# Monte Carlo


@pytest.mark.parametrize("levels", [2, 3])
@pytest.mark.parametrize("p_swap", [1.0, 0.5])
def test_waiting_time_distribution_against_monte_carlo(levels: int, p_swap: float) -> None:
    p = 0.3
    rng = np.random.default_rng(20240611 + 10 * levels + int(10 * p_swap))
    times, _ = _sample_nested([p] * 2 ** levels, [1.0] * 2 ** levels, p_swap, math.inf, None,
                              SAMPLES, rng)
    _assert_distribution_matches(waiting_time_pmf(p, levels=levels, p_swap=p_swap), times)


def test_heterogeneous_chain_against_monte_carlo() -> None:
    """Links paired left to right: ((p0, p1), (p2, p3))."""
    p = [0.5, 0.1, 0.3, 0.2]
    rng = np.random.default_rng(7)
    times, _ = _sample_nested(p, [1.0] * 4, 0.6, math.inf, None, SAMPLES, rng)
    _assert_distribution_matches(waiting_time_pmf(p, levels=2, p_swap=0.6), times)


@pytest.mark.parametrize(("levels", "p_swap", "cutoff"),
                         [(2, 1.0, None), (2, 0.5, None), (3, 0.8, None), (2, 0.7, 3),
                          (3, 1.0, 4)])
def test_werner_and_cutoff_against_monte_carlo(levels: int, p_swap: float,
                                               cutoff: int | None) -> None:
    """Finite coherence time (and a memory cutoff): w_out = w_A w_B exp(-|T_A - T_B|/T)."""
    p, w, t_coh = 0.25, 0.97, 15.0
    rng = np.random.default_rng(1000 * levels + int(100 * p_swap) + (cutoff or 0))
    times, werner = _sample_nested([p] * 2 ** levels, [w] * 2 ** levels, p_swap, t_coh,
                                   cutoff, SAMPLES, rng)
    pmf, weighted = nested_waiting_time_and_werner(p, levels=levels, p_swap=p_swap, w_link=w,
                                                   coherence_time_steps=t_coh, cutoff=cutoff)
    mean_w = nested_mean_werner(p, levels=levels, p_swap=p_swap, w_link=w,
                                coherence_time_steps=t_coh, cutoff=cutoff)
    assert mean_w == pytest.approx(float(weighted.sum() / pmf.sum()), rel=1e-12)
    assert mean_w < w ** (2 ** levels)  # decoherence costs something
    assert werner.mean() == pytest.approx(mean_w, abs=5 * werner.std() / math.sqrt(SAMPLES))
    _assert_distribution_matches(pmf, times)
