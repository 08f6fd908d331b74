"""Exact waiting-time and Werner-parameter analytics of repeater chains.

Model (shared by every function here)
-------------------------------------
Time is discrete: one step is one attempt period of an elementary link, heralding included.
Elementary link ``i`` is ready after ``G_i ~ Geometric(p_i)`` steps, on ``{1, 2, ...}``.
Entanglement swaps take no time. Inputs are plain numbers (probabilities, step counts, Werner
parameters); nothing here knows about scenario specs or the event simulation.

Two protocols are covered.

*Swap-asap chain with one attempt per link* (:func:`mean_max_geometric`): every link generates
once, finished pairs wait, swaps always succeed; the end-to-end pair exists when the last link
is up, so the delivery time is ``max_i G_i``.

*Nested (doubling) scheme* over ``2**levels`` links (:func:`waiting_time_pmf`,
:func:`nested_mean_werner`, :func:`nested_waiting_time_and_werner`), as analysed by Brand,
Coopmans and Elkouss, IEEE JSAC 38, 619 (2020), arXiv:1912.07688, and (with memory cutoffs)
Li, Coopmans and Elkouss, IEEE Trans. Quantum Eng. 2 (2021), arXiv:2005.04946. Equation
numbers of these papers are not quoted here; the definitions below follow their protocol
descriptions.
A level-0 segment is one elementary link. A level-``k`` segment is built from two independent
level-``(k-1)`` segments ``A`` and ``B`` (links paired left to right):

1. both are produced; they finish at ``T_A`` and ``T_B`` (counted from the start of this try);
2. *memory cutoff* ``tau`` (optional): if ``|T_A - T_B| > tau``, the earlier pair is discarded
   when it has waited ``tau`` steps, i.e. at ``min(T_A, T_B) + tau``; the production of the
   other segment is abandoned as well and both are produced again from scratch (the memory
   cutoff of Li et al., Table 1, which discards both input links);
3. otherwise the two are swapped at ``max(T_A, T_B)``; the swap succeeds with probability
   ``p_swap``; on failure both pairs are lost and the level-``k`` segment starts again from
   scratch.

The Werner parameter of the swapped pair is ``w_A * w_B * exp(-|T_A - T_B| / T_coh)``
(Brand et al., fidelity model; Li et al., Table 1, the swap unit): a swap multiplies Werner
parameters (REFERENCES case SWAP-WERNER-01), and the pair that finished first waits
``|T_A - T_B|`` steps in depolarizing memory, which multiplies its Werner parameter by
``exp(-|T_A - T_B| / T_coh)``. ``T_coh`` (``coherence_time_steps``) is therefore the
coherence time *of a stored pair*, both of its qubits together: if each qubit depolarizes
with time constant ``T_q``, then ``T_coh = T_q / 2``. The end-to-end pair is taken at the
moment it is delivered; storage after delivery is not included.

Every level restarts from scratch after a failure, so a level is a renewal process and its
generating function is exact (Brand et al., Sec. on the deterministic algorithm; Li et al.,
Sec. on the iterative convolution): with ``S(z)`` the generating function of a successful
cutoff try (both ready, ``|T_A - T_B| <= tau``, duration ``max(T_A, T_B)``) and ``F(z)`` that of
a failed one (duration ``min(T_A, T_B) + tau``),

    P_k(z) = p_swap * S(z) / (1 - F(z) - (1 - p_swap) * S(z)),

and the Werner-weighted distribution ``W_k(t) = E[w 1{T = t}]`` obeys the same equation with
``S`` replaced by its Werner-weighted version in the numerator (the delivered pair is the one
of the last, successful try). Without cutoff ``F = 0`` and ``S`` is the distribution of the
maximum, ``CDF_S = CDF_A * CDF_B``; with ``p_swap = 1`` this is the plain maximum. The series
are evaluated on a time grid by FFT; the grid is grown until the probability beyond it is
below a requested ``tail``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

__all__ = [
    "mean_max_exponential",
    "asap_two_link_mean_time",
    "mean_max_geometric",
    "mean_waiting_time",
    "nested_mean_werner",
    "nested_waiting_time_and_werner",
    "waiting_time_pmf",
]

FloatArray = NDArray[np.float64]

#: Relative size of the neglected tail of the series in :func:`mean_max_geometric`.
_MAX_GEOMETRIC_RTOL = 1e-17
#: Time steps evaluated at once in :func:`mean_max_geometric` (times the distinct p values).
_CHUNK_ELEMENTS = 1 << 22
#: Longest time grid (steps) that :func:`nested_waiting_time_and_werner` will allocate.
_MAX_GRID = 1 << 24
#: Most nesting levels accepted (2**20 links).
_MAX_LEVELS = 20
#: Smallest accepted ``tail``: below it, rounding in the sum of the PMF dominates.
_MIN_TAIL = 1e-15


# ---------------------------------------------------------------------------------------------
# validation helpers


def _probabilities(values: float | Sequence[float], name: str) -> FloatArray:
    array = np.atleast_1d(np.asarray(values, dtype=np.float64))
    if array.ndim != 1 or array.size == 0:
        raise ValueError(f"{name}: expected a number or a non-empty 1-D sequence")
    if not np.all(np.isfinite(array)) or np.any(array <= 0.0) or np.any(array > 1.0):
        raise ValueError(f"{name}: every value must lie in (0, 1], got {array.tolist()}")
    return array


def _probability(value: float, name: str) -> float:
    value = float(value)
    if not math.isfinite(value) or not 0.0 < value <= 1.0:
        raise ValueError(f"{name}: must lie in (0, 1], got {value}")
    return value


def _levels(levels: int) -> int:
    if (isinstance(levels, bool) or not isinstance(levels, (int, np.integer))
            or not 0 <= levels <= _MAX_LEVELS):
        raise ValueError(f"levels: must be an integer in [0, {_MAX_LEVELS}], got {levels!r}")
    return int(levels)


def _per_link(values: float | Sequence[float], count: int, name: str,
              *, low: float, high: float, low_open: bool) -> FloatArray:
    array = np.atleast_1d(np.asarray(values, dtype=np.float64))
    if array.ndim != 1:
        raise ValueError(f"{name}: expected a number or a 1-D sequence")
    if array.size == 1:
        array = np.full(count, array[0])
    if array.size != count:
        raise ValueError(f"{name}: expected 1 or 2**levels = {count} values, got {array.size}")
    too_low = array <= low if low_open else array < low
    if not np.all(np.isfinite(array)) or np.any(too_low) or np.any(array > high):
        bracket = "(" if low_open else "["
        raise ValueError(f"{name}: every value must lie in {bracket}{low}, {high}], "
                         f"got {array.tolist()}")
    return array


def _is_integer(value: object) -> bool:
    return isinstance(value, (int, np.integer)) and not isinstance(value, bool)


def _cutoffs(cutoff: int | Sequence[int] | None, levels: int) -> list[int | None]:
    if cutoff is None:
        return [None] * levels
    items: list[object]
    if isinstance(cutoff, Sequence) and not isinstance(cutoff, (str, bytes)):
        items = list(cutoff)
        if len(items) != levels:
            raise ValueError(f"cutoff: expected one value per level ({levels}), "
                             f"got {len(items)}")
    else:
        items = [cutoff] * max(levels, 1)
    values: list[int | None] = []
    for item in items:
        if not _is_integer(item):
            raise ValueError(f"cutoff: expected None, an integer or one integer per level "
                             f"(steps), got {cutoff!r}")
        values.append(int(item))  # type: ignore[call-overload]
    values = values[:levels]
    for value in values:
        if value is not None and value < 0:
            raise ValueError(f"cutoff: must be >= 0 steps, got {value}")
    return values


def _tail(tail: float) -> float:
    tail = float(tail)
    if not math.isfinite(tail) or not _MIN_TAIL <= tail < 1.0:
        raise ValueError(f"tail: must lie in [{_MIN_TAIL}, 1), got {tail}")
    return tail


# ---------------------------------------------------------------------------------------------
# closed forms


def mean_max_geometric(p: Sequence[float]) -> float:
    """Exact mean of the maximum of independent geometric waiting times.

    This is the delivery time of a swap-asap chain in which every link generates once and
    finished pairs wait in memory, swaps succeed with certainty and take no time (one qubit
    per end node, two per repeater): the end-to-end pair exists when the last link is up.

    Parameters
    ----------
    p : sequence of float, shape (n,)
        Per-attempt success probability of each link, each in (0, 1]. Values may differ.

    Returns
    -------
    float
        ``E[max_i G_i]`` in time steps (attempt periods), ``G_i ~ Geometric(p_i)`` on
        ``{1, 2, ...}``.

    Raises
    ------
    ValueError
        If ``p`` is empty or a value lies outside (0, 1].

    Notes
    -----
    For a non-negative integer variable ``E[X] = sum_{t >= 0} P(X > t)``, and
    ``P(max_i G_i <= t) = prod_i (1 - (1 - p_i)**t)``, so (the deterministic-swap case of
    Shchukin, Schmidt, van Loock, PRA 100, 032322 (2019), arXiv:1710.06214, and of Brand,
    Coopmans, Elkouss, IEEE JSAC 38, 619 (2020), arXiv:1912.07688)

        E = sum_{t >= 0} [1 - prod_i (1 - (1 - p_i)**t)].

    The series is summed directly, each term as ``-expm1(sum_i log1p(-q_i**t))`` with
    ``q_i**t = exp(t * log1p(-p_i))`` so that no cancellation occurs, until the bound
    ``sum_i q_i**(t+1) / p_i`` on the remainder is below ``1e-17`` of the result. All terms
    are positive, so the relative error is a few units of rounding (about 1e-13 or better).
    The inclusion-exclusion form for identical ``p``,
    ``sum_{k=1}^{n} (-1)**(k+1) C(n, k) / (1 - (1-p)**k)``, is exact in exact arithmetic but
    loses about ``log10(C(n, n/2))`` digits to cancellation, so it is not used here.
    For ``n`` up to 64 links and ``p`` down to 1e-4 the sum has a few 1e5 terms, evaluated in
    vectorized chunks grouped by distinct ``p``.
    """
    probs = _probabilities(p, "p")
    values, counts = np.unique(probs[probs < 1.0], return_counts=True)  # ascending
    if values.size == 0:
        return 1.0  # every link succeeds at the first attempt
    n_links = int(probs.size)
    p_min = float(values[0])
    log_q = np.log1p(-values)
    # Link i matters up to the step where q_i**(t+1) / p_i <= rtol / (n p_min); dropping its
    # factor beyond that step, and stopping after the last one, leaves a remainder below
    # rtol / p_min <= rtol * E.
    last = np.array([math.ceil(math.log(_MAX_GEOMETRIC_RTOL * float(value) * p_min / n_links)
                               / float(lq)) for value, lq in zip(values, log_q)])
    total = 1.0  # the t = 0 term is exactly 1
    start = 1
    while start <= int(last[0]):
        active = int(np.count_nonzero(last >= start))  # a prefix: smaller p, longer range
        chunk = max(1, _CHUNK_ELEMENTS // active)
        stop = min(int(last[0]), start + chunk - 1)
        steps = np.arange(start, stop + 1, dtype=np.float64)
        q_t = np.exp(np.outer(log_q[:active], steps))
        log_all_up = counts[:active].astype(np.float64) @ np.log1p(-q_t)
        total += float(np.sum(-np.expm1(log_all_up)))
        start = stop + 1
    return total


def mean_max_exponential(rates: Sequence[float]) -> float:
    """Mean of the maximum of independent exponential waiting times of the given rates.

    ``E[max_i T_i] = integral_0^inf [1 - prod_i (1 - exp(-r_i t))] dt``, which by
    inclusion-exclusion is ``sum_{S != {}} (-1)**(|S|+1) / sum_{i in S} r_i`` (the order
    statistics of independent exponentials; Ross, *Introduction to Probability Models*,
    10th ed., Sec. 5.2.3). The integral is evaluated numerically (no cancellation): the
    continuous-time counterpart of :func:`mean_max_geometric` when each waiting time is a
    Poisson process's (attempts short beside the mean wait).

    Parameters
    ----------
    rates : sequence of float
        Each waiting time's rate, 1/s, each > 0.

    Returns
    -------
    float
        ``E[max_i T_i]`` in seconds.

    Examples
    --------
    >>> round(mean_max_exponential([1.0, 1.0]), 12)  # 1 + 1/2
    1.5
    >>> round(mean_max_exponential([1.0, 2.0]), 12)  # 1 + 1/2 - 1/3
    1.166666666667
    """
    from scipy.integrate import quad

    values = np.asarray(rates, dtype=np.float64)
    if values.size == 0 or not np.all(values > 0.0) or not np.all(np.isfinite(values)):
        raise ValueError(f"rates: each must be a finite number > 0, got {list(rates)}")
    scale = float(values.min())
    scaled = values / scale  # integrate in units of the slowest mean wait

    def tail(t: float) -> float:
        return float(-np.expm1(np.sum(np.log1p(-np.exp(-scaled * t)))))

    total = 0.0
    # the tail beyond 60 slowest mean waits is below exp(-60) per waiting time
    for lo, hi in ((0.0, 1.0), (1.0, 8.0), (8.0, 60.0)):
        part, _ = quad(tail, lo, hi, epsabs=1e-13, epsrel=1e-12, limit=200)
        total += part
    return total / scale


def asap_two_link_mean_time(p: float, p_swap: float) -> float:
    """Mean delivery time of a two-link swap-asap repeater (one repeater, two links).

    Parameters
    ----------
    p : float
        Per-attempt success probability of each of the two links, in (0, 1].
    p_swap : float
        Success probability of the swap, in (0, 1]. A failed swap discards both pairs and
        the two links start again.

    Returns
    -------
    float
        ``E[T] = E[max(G1, G2)] / p_swap = (3 - 2p) / (p_swap * p * (2 - p))`` in time steps.

    Raises
    ------
    ValueError
        If ``p`` or ``p_swap`` lies outside (0, 1].

    Notes
    -----
    Reference case WAIT-2SEG-01; Shchukin, Schmidt, van Loock, PRA 100, 032322 (2019),
    arXiv:1710.06214 (two-segment repeater); Brand et al., IEEE JSAC 38, 619 (2020),
    arXiv:1912.07688. ``E[max(G1, G2)] = 2/p - 1/(1 - (1-p)**2) = (3 - 2p) / (p (2 - p))``
    and each try succeeds with probability ``p_swap`` independently (Wald's identity).
    """
    p = _probability(p, "p")
    p_swap = _probability(p_swap, "p_swap")
    return (3.0 - 2.0 * p) / (p_swap * p * (2.0 - p))


# ---------------------------------------------------------------------------------------------
# nested scheme


def _geometric_pmf(p: float, size: int) -> FloatArray:
    """PMF of Geometric(p) on {1, 2, ...} at t = 0 .. size-1 (entry 0 is 0)."""
    pmf = np.zeros(size, dtype=np.float64)
    if p >= 1.0:
        pmf[1] = 1.0
        return pmf
    steps = np.arange(size - 1, dtype=np.float64)
    pmf[1:] = p * np.exp(steps * math.log1p(-p))
    return pmf


def _shift(values: FloatArray, by: int) -> FloatArray:
    """``out[t] = values[t - by]`` (zero where ``t < by``); ``by >= 0``."""
    out = np.zeros_like(values)
    if by < values.size:
        out[by:] = values[:values.size - by]
    return out


def _smooth_size(target: float) -> int:
    """Smallest 5-smooth integer ``2**a 3**b 5**c`` that is >= ``target`` (fast FFT sizes)."""
    from scipy.fft import next_fast_len  # imported when a chain is computed, not at start-up

    return int(next_fast_len(max(2, math.ceil(target)), real=True))


def _decay_kernel_hat(decay: float, cutoff: int | None, size: int,
                      fft_size: int) -> NDArray[np.complex128]:
    """FFT of ``k[d] = decay**d`` for ``0 <= d <= cutoff`` (all ``d < size`` if no cutoff)."""
    stop = size if cutoff is None else min(size, cutoff + 1)
    kernel = np.zeros(size, dtype=np.float64)
    if decay > 0.0:
        kernel[:stop] = np.exp(np.arange(stop, dtype=np.float64) * math.log(decay))
    else:
        kernel[0] = 1.0
    return np.fft.rfft(kernel, fft_size)


def _window_sums(wa: FloatArray, wb: FloatArray, decay: float, cutoff: int | None,
                 fft_size: int) -> tuple[FloatArray, FloatArray]:
    """Discounted window sums of the Werner-weighted PMFs of the two halves.

    Returns ``(sum_{d=1}^{tau} wa[t-d] decay**d, sum_{d=0}^{tau} wb[t-d] decay**d)`` for
    ``t < N`` (``tau = cutoff``, unbounded if ``None``). Exact cumulative sums when
    ``decay == 1``; otherwise a linear FFT convolution with the kernel truncated to the grid
    (both supports lie inside the grid, so there is no wrap-around below ``N``).
    """
    size = wa.size
    if decay == 1.0:
        cum_a = np.cumsum(wa)
        cum_b = np.cumsum(wb)
        earlier_a = _shift(cum_a, 1)
        window_b = cum_b.copy()
        if cutoff is not None:
            earlier_a -= _shift(cum_a, cutoff + 1)
            window_b -= _shift(cum_b, cutoff + 1)
        return earlier_a, window_b
    kernel_hat = _decay_kernel_hat(decay, cutoff, size, fft_size)
    window_a = np.fft.irfft(np.fft.rfft(wa, fft_size) * kernel_hat, fft_size)[:size]
    window_b = np.fft.irfft(np.fft.rfft(wb, fft_size) * kernel_hat, fft_size)[:size]
    return window_a - wa, window_b


def _combine(a: FloatArray, wa: FloatArray | None, b: FloatArray, wb: FloatArray | None, *,
             p_swap: float, cutoff: int | None,
             decay: float) -> tuple[FloatArray, FloatArray | None]:
    """One nesting level: PMF and Werner-weighted PMF of the joined segment on the grid.

    ``a``, ``b``: PMFs of the two halves at t = 0 .. N-1; ``wa``, ``wb``: their
    Werner-weighted PMFs ``E[w 1{T = t}]`` (``None``: not tracked). Entries at t < N of the
    result are exact up to rounding and the aliasing of mass beyond 2N: truncating the inputs
    at N does not change them, because every operation only moves mass to later times.
    """
    size = a.size
    fft_size = 2 * size
    cdf_a = np.cumsum(a)
    cdf_b = np.cumsum(b)
    cdf_a_before = _shift(cdf_a, 1)  # P(T_A <= t - 1)
    # Successful try ending at t = max(T_A, T_B) with |T_A - T_B| <= cutoff; a tie is counted
    # in the first term. Without cutoff this is the PMF of the maximum,
    # a(t) B(t) + b(t) A(t-1), written without cancellation.
    if cutoff is None:
        success = a * cdf_b + b * cdf_a_before
    else:
        success = (a * (cdf_b - _shift(cdf_b, cutoff + 1))
                   + b * (cdf_a_before - _shift(cdf_a, cutoff + 1)))
    s_hat = np.fft.rfft(success, fft_size)
    denominator = 1.0 - (1.0 - p_swap) * s_hat
    if cutoff is not None:
        # Failed try: the earlier pair, ready at s = min(T_A, T_B), is dropped at s + cutoff.
        failure_at_min = (a * (1.0 - _shift_left(cdf_b, cutoff))
                          + b * (1.0 - _shift_left(cdf_a, cutoff)))
        denominator -= np.fft.rfft(_shift(failure_at_min, cutoff), fft_size)
    # Renewal over failed cutoff tries and failed swaps:
    # P = p_swap S / (1 - F - (1 - p_swap) S); the weights share the denominator.
    pmf = np.fft.irfft(p_swap * s_hat / denominator, fft_size)[:size]
    pmf[0] = 0.0
    if wa is None or wb is None:
        return pmf, None
    # Werner weight of a successful try: w_A w_B decay**|T_A - T_B|.
    earlier_a, window_b = _window_sums(wa, wb, decay, cutoff, fft_size)
    weighted = wa * window_b + wb * earlier_a
    werner = np.fft.irfft(p_swap * np.fft.rfft(weighted, fft_size) / denominator,
                          fft_size)[:size]
    werner[0] = 0.0
    return pmf, werner


def _shift_left(values: FloatArray, by: int) -> FloatArray:
    """``out[s] = values[s + by]``; entries past the end repeat the last value (they only
    feed times beyond the grid)."""
    out = np.full_like(values, values[-1])
    if by < values.size:
        out[:values.size - by] = values[by:]
    return out


def _nested_on_grid(p: FloatArray, w: FloatArray | None, levels: int, p_swap: float,
                    cutoffs: list[int | None], decay: float,
                    size: int) -> tuple[FloatArray, FloatArray | None]:
    """Nested scheme on a grid of ``size`` steps; halves with equal inputs are computed once."""
    weights = np.ones_like(p) if w is None else w
    keys: list[object] = [(float(pi), float(wi)) for pi, wi in zip(p, weights)]
    cache: dict[object, tuple[FloatArray, FloatArray | None]] = {}
    for pi, wi in zip(p, weights):
        link_key = (float(pi), float(wi))
        if link_key not in cache:
            pmf = _geometric_pmf(float(pi), size)
            cache[link_key] = (pmf, None if w is None else float(wi) * pmf)
    for level in range(levels):
        next_keys: list[object] = []
        for left, right in zip(keys[0::2], keys[1::2]):
            key = (level, left, right)
            if key not in cache:
                a, wa = cache[left]
                b, wb = cache[right]
                cache[key] = _combine(a, wa, b, wb, p_swap=p_swap, cutoff=cutoffs[level],
                                      decay=decay)
            next_keys.append(key)
        keys = next_keys
    return cache[keys[0]]


def _tail_beyond(pmf: FloatArray, missing: float) -> FloatArray:
    """``out[n] = P(T >= n)`` for n = 0 .. N-1, summed from the far end (no cancellation);
    ``missing`` is the mass beyond the grid."""
    return np.cumsum(pmf[::-1])[::-1] + max(missing, 0.0)


def _nested(p_link: float | Sequence[float], *, levels: int, p_swap: float,
            w_link: float | Sequence[float] | None, coherence_time_steps: float,
            cutoff: int | Sequence[int] | None,
            tail: float) -> tuple[FloatArray, FloatArray | None]:
    """Validate, then grow the grid until the mass beyond it is below ``tail``."""
    levels = _levels(levels)
    count = 1 << levels
    p = _per_link(p_link, count, "p_link", low=0.0, high=1.0, low_open=True)
    w = None if w_link is None else _per_link(w_link, count, "w_link", low=-1.0 / 3.0,
                                              high=1.0, low_open=False)
    p_swap = _probability(p_swap, "p_swap")
    coherence = float(coherence_time_steps)
    if math.isnan(coherence) or coherence <= 0.0:
        raise ValueError(f"coherence_time_steps: must be > 0 (inf for ideal memories), "
                         f"got {coherence_time_steps}")
    decay = 1.0 if math.isinf(coherence) else math.exp(-1.0 / coherence)
    cutoffs = _cutoffs(cutoff, levels)
    tail = _tail(tail)

    # P(T >= n) >= P(G_slowest >= n) = q_min**(n - 1): a grid shorter than this bound can
    # never reach ``tail``. Start from it, or from a few typical means (each level takes the
    # maximum of two halves, about 1.5 times their mean, and divides by p_swap).
    p_min = float(p.min())
    needed = 1.0 if p_min >= 1.0 else 1.0 + math.log(tail) / math.log1p(-p_min)
    if needed > _MAX_GRID:
        raise ValueError(
            f"reaching tail = {tail:g} needs more than {needed:.3g} steps (slowest link "
            f"p = {p_min:g}), beyond the longest grid of {_MAX_GRID} steps")
    mean_guess = 1.5 ** levels / (p_min * p_swap ** levels)
    size = _smooth_size(min(max(64.0, 1.25 * needed, 4.0 * mean_guess), float(_MAX_GRID)))
    while True:
        pmf, werner = _nested_on_grid(p, w, levels, p_swap, cutoffs, decay, size)
        missing = 1.0 - float(np.sum(pmf))
        if missing <= tail:
            beyond = _tail_beyond(pmf, missing)
            within = np.nonzero(beyond <= tail)[0]
            n = max(2, int(within[0]) if within.size else size)
            pmf_out = np.maximum(pmf[:n], 0.0)
            return pmf_out, None if werner is None else werner[:n].copy()
        if size >= _MAX_GRID:
            raise ValueError(
                f"the delivery time has mass {missing:.3g} beyond {size} steps; reaching "
                f"tail = {tail:g} needs a longer grid than {_MAX_GRID} steps")
        # Extrapolate an exponential tail fitted between N/2 and N.
        half = _tail_beyond(pmf, missing)[size // 2]
        if 0.0 < missing < half:
            rate = math.log(half / missing) / (size - size // 2)
            target = 1.1 * (size + math.log(missing / tail) / rate)
            target = min(max(target, 1.25 * size), 16.0 * size)
        else:
            target = 4.0 * size
        size = _smooth_size(min(target, float(_MAX_GRID)))


def nested_waiting_time_and_werner(
    p_link: float | Sequence[float],
    *,
    levels: int,
    p_swap: float = 1.0,
    w_link: float | Sequence[float] = 1.0,
    coherence_time_steps: float = math.inf,
    cutoff: int | Sequence[int] | None = None,
    tail: float = 1e-12,
) -> tuple[FloatArray, FloatArray]:
    """Delivery-time PMF and Werner-weighted PMF of the nested repeater scheme.

    Parameters
    ----------
    p_link : float or sequence of float, shape (2**levels,)
        Per-attempt success probability of each elementary link, in (0, 1]; one value for a
        homogeneous chain. Links are paired left to right at every level.
    levels : int
        Nesting levels, 0 to 20; the chain has ``2**levels`` links (``levels = 0``: a single
        link).
    p_swap : float, optional
        Success probability of every swap, in (0, 1]. Default 1.
    w_link : float or sequence of float, shape (2**levels,), optional
        Werner parameter ``w = (4F - 1)/3`` of each freshly heralded link, in [-1/3, 1].
        Default 1.
    coherence_time_steps : float, optional
        Coherence time ``T_coh`` of a stored pair, in time steps (> 0, ``inf`` for ideal
        memories): a pair that waits ``dt`` steps has its Werner parameter multiplied by
        ``exp(-dt / T_coh)`` (both of its qubits together).
    cutoff : int or sequence of int, optional
        Memory cutoff ``tau`` in steps (>= 0), one for every level or one per level (level 1
        first). At a level, two halves that finish ``|T_A - T_B| > tau`` steps apart are both
        discarded at ``min(T_A, T_B) + tau`` and produced again. ``None``: no cutoff.
    tail : float, optional
        Largest probability mass allowed beyond the returned grid, in [1e-15, 1).

    Returns
    -------
    pmf : numpy.ndarray of float64, shape (n,)
        ``pmf[t] = P(T = t)`` for the delivery time ``T`` in steps; ``pmf[0] = 0`` and
        ``1 - pmf.sum() <= tail`` (up to rounding, about 1e-15). Entries carry an absolute
        rounding error of order 1e-16 times the largest entry (FFT evaluation), so very
        small probabilities are accurate in absolute, not relative, terms.
    werner : numpy.ndarray of float64, shape (n,)
        ``werner[t] = E[w 1{T = t}]``, the Werner parameter of the delivered pair weighted
        by the PMF; ``werner[t] / pmf[t]`` is the mean Werner parameter of pairs delivered at
        ``t``.

    Raises
    ------
    ValueError
        On out-of-range arguments, or when the grid needed for ``tail`` would exceed
        2**24 steps.

    Notes
    -----
    The recursion is that of Brand, Coopmans, Elkouss, IEEE JSAC 38, 619 (2020),
    arXiv:1912.07688 (deterministic algorithm for the waiting-time distribution and the
    Werner parameter, carrying ``W_k(t) = E[w 1{T = t}]``), with the memory cutoff and the
    swap/cutoff renewal as in Li, Coopmans, Elkouss, IEEE Trans. Quantum Eng. 2 (2021),
    arXiv:2005.04946 (Table 1 and the iterative-convolution section); see the module
    docstring for the generating function. For a level with halves ``A``, ``B``:

    - successful cutoff try ending at ``t``:
      ``S(t) = a(t) [B(t) - B(t-tau-1)] + b(t) [A(t-1) - A(t-tau-1)]``
      (``a``, ``b`` PMFs, ``A``, ``B`` CDFs; without cutoff ``S = a B(t) + b A(t-1)``, the
      PMF of the maximum);
    - its Werner weight:
      ``S_w(t) = W_A(t) sum_{d=0}^{tau} W_B(t-d) e^{-d/T_coh}
      + W_B(t) sum_{d=1}^{tau} W_A(t-d) e^{-d/T_coh}``;
    - failed try ending at ``t = s + tau``:
      ``F(t) = a(s) [1 - B(s+tau)] + b(s) [1 - A(s+tau)]``;
    - ``P = p_swap S / (1 - F - (1-p_swap) S)``, ``W = p_swap S_w / (1 - F - (1-p_swap) S)``.

    The power series are evaluated with FFTs of length ``2N`` on a grid of ``N`` steps.
    Entries below ``N`` do not depend on the inputs beyond ``N``; circular aliasing adds at
    most the mass beyond ``2N``. The grid is enlarged (extrapolating the observed tail)
    until ``1 - sum(pmf) <= tail``; the arrays are then cut at the first ``n`` with
    ``P(T >= n) <= tail``.
    """
    pmf, werner = _nested(p_link, levels=levels, p_swap=p_swap, w_link=w_link,
                          coherence_time_steps=coherence_time_steps, cutoff=cutoff,
                          tail=tail)
    assert werner is not None
    return pmf, werner


def waiting_time_pmf(
    p_link: float | Sequence[float],
    *,
    levels: int,
    p_swap: float = 1.0,
    cutoff: int | Sequence[int] | None = None,
    tail: float = 1e-12,
) -> FloatArray:
    """PMF of the delivery time of the nested (doubling) repeater scheme.

    Parameters
    ----------
    p_link : float or sequence of float, shape (2**levels,)
        Per-attempt success probability of each elementary link, in (0, 1]; one value for a
        homogeneous chain. Links are paired left to right.
    levels : int
        Nesting levels, 0 to 20; the chain has ``2**levels`` links.
    p_swap : float, optional
        Success probability of every swap, in (0, 1]; a failed swap discards both pairs and
        the segment restarts from scratch. Default 1.
    cutoff : int or sequence of int, optional
        Memory cutoff in steps, for every level or one per level (see
        :func:`nested_waiting_time_and_werner`). ``None`` (default): no cutoff.
    tail : float, optional
        Largest probability mass left beyond the returned grid, in [1e-15, 1).

    Returns
    -------
    numpy.ndarray of float64, shape (n,)
        ``pmf[t] = P(T = t)``, ``T`` in time steps (attempt periods); ``pmf[0] = 0`` and
        ``1 - pmf.sum() <= tail``.

    Raises
    ------
    ValueError
        On out-of-range arguments or a grid longer than 2**24 steps.

    Notes
    -----
    Level-0 segments are ``Geometric(p)``; a level-``k`` segment waits for two independent
    level-``(k-1)`` segments and swaps; generating function
    ``G_k(z) = p_swap M_k(z) / (1 - (1 - p_swap) M_k(z))`` with ``M_k`` the PMF of the
    maximum, ``CDF_M = CDF_A CDF_B`` (Brand, Coopmans, Elkouss, IEEE JSAC 38, 619 (2020),
    arXiv:1912.07688; Shchukin, Schmidt, van Loock, PRA 100, 032322 (2019)); with a cutoff
    the Li, Coopmans, Elkouss (arXiv:2005.04946) renewal of
    :func:`nested_waiting_time_and_werner` is used.
    """
    pmf, _ = _nested(p_link, levels=levels, p_swap=p_swap, w_link=None,
                     coherence_time_steps=math.inf, cutoff=cutoff, tail=tail)
    return pmf


def mean_waiting_time(pmf: NDArray[np.floating] | Sequence[float]) -> float:
    """Mean of a waiting-time PMF indexed by the number of steps.

    Parameters
    ----------
    pmf : array_like of float, shape (n,)
        ``pmf[t] = P(T = t)`` for ``t = 0 .. n-1`` (as returned by :func:`waiting_time_pmf`).

    Returns
    -------
    float
        ``sum_t t * pmf[t]`` in time steps. Mass beyond the grid (at most the ``tail`` of the
        computation) is not included.

    Raises
    ------
    ValueError
        If ``pmf`` is not 1-D, is empty, or has negative or non-finite entries.
    """
    array = np.asarray(pmf, dtype=np.float64)
    if array.ndim != 1 or array.size == 0:
        raise ValueError("pmf: expected a non-empty 1-D array")
    if not np.all(np.isfinite(array)) or np.any(array < 0.0):
        raise ValueError("pmf: entries must be finite and >= 0")
    return float(np.dot(np.arange(array.size, dtype=np.float64), array))


def nested_mean_werner(
    p_link: float | Sequence[float],
    *,
    levels: int,
    p_swap: float = 1.0,
    w_link: float | Sequence[float],
    coherence_time_steps: float = math.inf,
    cutoff: int | Sequence[int] | None = None,
    tail: float = 1e-12,
) -> float:
    """Mean Werner parameter of the pair delivered by the nested repeater scheme.

    Parameters
    ----------
    p_link : float or sequence of float, shape (2**levels,)
        Per-attempt success probability of each elementary link, in (0, 1].
    levels : int
        Nesting levels, 0 to 20; ``2**levels`` links.
    p_swap : float, optional
        Success probability of every swap, in (0, 1]. Default 1.
    w_link : float or sequence of float, shape (2**levels,)
        Werner parameter of each freshly heralded link, in [-1/3, 1] (fidelity
        ``F = 1/4 + 3/4 w``).
    coherence_time_steps : float, optional
        Coherence time of a stored pair in steps (``inf``: ideal memories). A pair waiting
        ``dt`` steps has its Werner parameter multiplied by ``exp(-dt / T_coh)``.
    cutoff : int or sequence of int, optional
        Memory cutoff in steps (see :func:`nested_waiting_time_and_werner`).
    tail : float, optional
        Largest probability mass left out of the computation, in [1e-15, 1).

    Returns
    -------
    float
        ``E[w]`` of the end-to-end pair at the moment of delivery (dimensionless),
        conditioned on delivery within the computed grid (which differs from the
        unconditioned mean by at most ``tail``-sized terms).

    Raises
    ------
    ValueError
        On out-of-range arguments or a grid longer than 2**24 steps.

    Notes
    -----
    Brand, Coopmans, Elkouss, IEEE JSAC 38, 619 (2020), arXiv:1912.07688: at each swap
    ``w_out = w_A w_B exp(-|T_A - T_B| / T_coh)``, carried through the recursion as the
    Werner-weighted PMF (see :func:`nested_waiting_time_and_werner`). With ideal memories
    every delivered pair has ``w = prod_i w_i`` (``w_link**(2**levels)`` for a homogeneous
    chain), the swap rule ``w_out = w_1 w_2`` of reference case SWAP-WERNER-01 (Dür,
    Briegel, Cirac, Zoller, PRA 59, 169 (1999)). Decoherence of the delivered pair after
    delivery is not included.
    """
    pmf, werner = nested_waiting_time_and_werner(
        p_link, levels=levels, p_swap=p_swap, w_link=w_link,
        coherence_time_steps=coherence_time_steps, cutoff=cutoff, tail=tail)
    return float(np.sum(werner) / np.sum(pmf))
