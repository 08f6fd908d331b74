"""Timestamp streams of one direction of a time transfer, and their cross-correlation.

The acquisition step finds the coincidence peak without knowing the clocks' offset: each
end's timestamps are binned into histograms, the histograms' cross-correlation is computed
with FFTs (the peak's lag is the one-way delay plus the clock offset), and the lag is
refined to the centroid of the coincidences inside the peak. Ho, Lamas-Linares &
Kurtsiefer, "Clock synchronization by remote detection of correlated photon pairs",
New J. Phys. 11, 045011 (2009); Lee et al., npj Quantum Inf. 5, 79 (2019).

The acquisition spans are short (well under a second), so times since the acquisition's
start are float64 seconds (a step below 1e-16 s); the long runs of :mod:`.transfer` work
on differences and never on absolute float times.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import fft as sp_fft

from qfab.physics.timetransfer import SPEED_OF_LIGHT

if TYPE_CHECKING:
    from qfab.timing.transfer import TimeTransferSetup

__all__ = ["MAX_BINS", "Direction", "acquisition_streams", "cross_correlation_offset"]

FloatArray = NDArray[np.float64]
Direction = Literal["ab", "ba"]

#: Largest histogram the FFT cross-correlation accepts (memory stays below ~0.5 GB).
MAX_BINS = 1 << 23

#: Fine bins per coarse bin when the coarse lag is refined.
_FINE_PER_BIN = 64


def _as_times(name: str, value: ArrayLike) -> FloatArray:
    arr = np.asarray(value, dtype=np.float64).ravel()
    if arr.size == 0:
        raise ValueError(f"{name}: no timestamps")
    if not np.isfinite(arr).all():
        raise ValueError(f"{name}: must be finite")
    return np.sort(arr)


#: Coarse lags whose coincidences are examined (the largest cross-correlation values).
_CANDIDATES = 16


def _coarse_lags(ta: FloatArray, tb: FloatArray, bin_width: float,
                 max_lag: float) -> FloatArray:
    """Lags (multiples of ``bin_width``) of the largest histogram cross-correlations, the
    largest first (at most :data:`_CANDIDATES`)."""
    start = min(ta[0], tb[0])
    end = max(ta[-1], tb[-1])
    nbins = int(np.floor((end - start) / bin_width)) + 1
    if nbins > MAX_BINS:
        raise ValueError(f"bin_width: {nbins} bins over {end - start:.3g} s exceed "
                         f"{MAX_BINS}; use wider bins or a shorter span")
    max_bins = max(int(np.ceil(max_lag / bin_width)), 1)
    hist_a = np.bincount(((ta - start) / bin_width).astype(np.int64), minlength=nbins)
    hist_b = np.bincount(((tb - start) / bin_width).astype(np.int64), minlength=nbins)
    size = sp_fft.next_fast_len(nbins + max_bins + 1, real=True)
    spectrum = np.conj(sp_fft.rfft(hist_a.astype(np.float64), size)) * sp_fft.rfft(
        hist_b.astype(np.float64), size)
    corr = sp_fft.irfft(spectrum, size)
    # corr[k] = sum_i a[i] b[i + k]; negative lags wrap to the end
    reach = min(max_bins, nbins - 1)
    lags = np.arange(-reach, reach + 1)
    values = corr[lags % size]
    order = np.argsort(-values, kind="stable")[:_CANDIDATES]
    return np.asarray(lags[order] * bin_width, dtype=np.float64)


def _differences(ta: FloatArray, tb: FloatArray, lag: float, reach: float) -> FloatArray:
    """Every difference ``t_b - t_a`` within ``reach`` of ``lag``."""
    lo = np.searchsorted(tb, ta + lag - reach, side="left")
    hi = np.searchsorted(tb, ta + lag + reach, side="right")
    counts = hi - lo
    total = int(counts.sum())
    if total == 0:
        return np.empty(0, dtype=np.float64)
    owner = np.repeat(np.arange(ta.size), counts)
    offsets = np.arange(total) - np.repeat(np.cumsum(counts) - counts, counts)
    return np.asarray(tb[lo[owner] + offsets] - ta[owner], dtype=np.float64)


def _fine_peak(diffs: FloatArray, lag: float, reach: float,
               fine: float) -> tuple[float, int]:
    """Centre and count of the fullest bin of width ``fine`` among ``diffs`` (which lie
    within ``reach`` of ``lag``)."""
    edges_n = max(int(np.ceil(2.0 * reach / fine)), 1)
    hist = np.bincount(np.clip(((diffs - (lag - reach)) / fine).astype(np.int64), 0,
                               edges_n - 1), minlength=edges_n)
    best = int(np.argmax(hist))
    return lag - reach + (best + 0.5) * fine, int(hist[best])


def cross_correlation_offset(times_a_s: ArrayLike, times_b_s: ArrayLike, *,
                             bin_width: float, max_lag: float,
                             window: float | None = None) -> float:
    """Lag (b minus a) maximising the FFT cross-correlation of the two timestamp streams
    (histograms of bin_width), refined to the centroid of the peak's coincidences.

    Parameters
    ----------
    times_a_s, times_b_s : array_like
        Timestamps at the two ends, seconds (any order).
    bin_width : float
        Histogram bin for the FFT cross-correlation, seconds (wider than the peak's
        spread; the number of bins over the streams' span must stay below
        :data:`MAX_BINS`).
    max_lag : float
        Largest lag searched, seconds (both signs).
    window : float, optional
        Full width of the window around the peak whose coincidences give the centroid
        (default ``bin_width``).

    Returns
    -------
    float
        The lag ``t_b - t_a`` of the correlated pairs, seconds.

    Notes
    -----
    The coarse lag comes from the cross-correlation ``C(k) = sum_i h_a[i] h_b[i + k]``
    of the binned streams, computed as ``irfft(conj(rfft(h_a)) rfft(h_b))`` with enough
    zero padding that it is linear. On a weak link the largest ``C(k)`` can be a bin of
    accidentals, so the 16 largest are candidates: for each, the time differences
    ``t_b - t_a`` of the pairs within two bins of it are histogrammed in bins of
    ``bin_width / 64``, and the candidate with the fullest such bin holds the peak (the
    coincidences are narrow, the accidentals spread evenly). From that bin, centroids in
    windows shrinking to ``window`` (re-centred each time) give the lag
    (Ho, Lamas-Linares & Kurtsiefer, New J. Phys. 11, 045011 (2009), Sec. 3).

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(3)
    >>> a = np.sort(rng.uniform(0.0, 0.002, 2000))
    >>> b = a + 123.456e-9 + rng.normal(0.0, 10e-12, a.size)
    >>> lag = cross_correlation_offset(a, b, bin_width=1e-9, max_lag=1e-6)
    >>> round(lag * 1e9, 3)
    123.456
    """
    if not bin_width > 0.0:
        raise ValueError(f"bin_width: must be > 0, got {bin_width}")
    if not max_lag > 0.0:
        raise ValueError(f"max_lag: must be > 0, got {max_lag}")
    width = bin_width if window is None else window
    if not width > 0.0:
        raise ValueError(f"window: must be > 0, got {window}")
    ta = _as_times("times_a_s", times_a_s)
    tb = _as_times("times_b_s", times_b_s)
    reach = 2.0 * bin_width + 0.5 * width
    fine = bin_width / _FINE_PER_BIN
    # the coincidence peak is narrow: of the largest coarse correlations, the one whose
    # differences pile up most in one fine bin (a coarse bin of accidentals does not)
    best: tuple[int, float, FloatArray] | None = None
    for coarse in _coarse_lags(ta, tb, bin_width, max_lag):
        diffs = _differences(ta, tb, float(coarse), reach)
        if diffs.size == 0:
            continue
        centre, count = _fine_peak(diffs, float(coarse), reach, fine)
        if best is None or count > best[0]:
            best = (count, centre, diffs)
    if best is None:
        return float(_coarse_lags(ta, tb, bin_width, max_lag)[0])
    _, centre, diffs = best
    # centroids in windows shrinking from three fine bins to ``width``, then re-centred
    current = max(3.0 * fine, width)
    for _ in range(64):
        inside = np.abs(diffs - centre) <= 0.5 * current
        if not inside.any():
            break
        centre = float(np.mean(diffs[inside]))
        if current == width:
            break
        current = max(current / 4.0, width)
    for _ in range(2):
        inside = np.abs(diffs - centre) <= 0.5 * width
        if not inside.any():
            break
        centre = float(np.mean(diffs[inside]))
    return float(centre)


def acquisition_streams(setup: TimeTransferSetup, span: float, rng: np.random.Generator, *,
                        direction: Direction = "ab",
                        clock_noise: tuple[float, float] = (0.0, 0.0),
                        ) -> tuple[FloatArray, FloatArray]:
    """Timestamps at both ends for one direction over span seconds: correlated pairs,
    singles, dark counts (for the acquisition step).

    Direction ``ab``: pairs from a's source; the first array is a's local detector (the
    kept photons), the second b's remote detector (the partners after the fibre).
    Direction ``ba`` swaps the ends (first array b's local detector, second a's remote
    one), so the correlation lag is always "remote minus local".

    Parameters
    ----------
    setup : TimeTransferSetup
        The link.
    span : float
        Seconds of streams, from true time 0.
    rng : numpy.random.Generator
        The random stream.
    direction : {"ab", "ba"}, optional
        Which end's source.
    clock_noise : tuple of float, optional
        The random parts of clocks a and b at the start (held over the span), seconds.

    Returns
    -------
    local, remote : numpy.ndarray
        Sorted timestamps, seconds, each read on its own end's clock and rounded to the
        tagger's bins.

    Notes
    -----
    Each pair of the source is detected locally with ``local_efficiency`` and remotely
    with ``transmittance * remote_efficiency``, independently; the streams hold the pairs
    detected at both ends, the local-only and remote-only singles and each detector's
    dark counts (Poisson processes). A partner's timestamp carries the one-way delay
    ``n_g L / c``, the biphoton offset, the dispersion ``D L dlambda`` (with nonlocal
    cancellation, ``D L`` times the pump-limited residual), both detectors' jitter and
    the clocks' offsets at the two detection times.
    """
    if not span > 0.0:
        raise ValueError(f"span: must be > 0, got {span}")
    if direction == "ab":
        local_clock, remote_clock = setup.clock_a, setup.clock_b
        local_noise, remote_noise = clock_noise
        local_jitter, remote_jitter = setup.jitter_a, setup.jitter_b
        local_dark, remote_dark = setup.dark_rate_a, setup.dark_rate_b
        length = setup.length
    elif direction == "ba":
        local_clock, remote_clock = setup.clock_b, setup.clock_a
        remote_noise, local_noise = clock_noise
        local_jitter, remote_jitter = setup.jitter_b, setup.jitter_a
        local_dark, remote_dark = setup.dark_rate_b, setup.dark_rate_a
        length = setup.length + setup.asymmetry
    else:
        raise ValueError(f"direction: must be 'ab' or 'ba', got {direction!r}")
    p_local = setup.local_efficiency
    p_remote = setup.transmittance * setup.remote_efficiency
    rate = setup.pair_rate
    n_both = rng.poisson(rate * p_local * p_remote * span)
    n_local = rng.poisson(rate * p_local * (1.0 - p_remote) * span)
    n_remote = rng.poisson(rate * (1.0 - p_local) * p_remote * span)
    delay = setup.group_index * length / SPEED_OF_LIGHT

    t_both = rng.uniform(0.0, span, n_both)
    t_local = np.concatenate([t_both, rng.uniform(0.0, span, n_local)])
    t_remote = np.concatenate([t_both, rng.uniform(0.0, span, n_remote)])
    n_l, n_r = t_local.size, t_remote.size
    # photon arrival: delay, biphoton offset, dispersion of each photon
    d_length = setup.dispersion * length
    d_lambda = rng.normal(0.0, setup.bandwidth, n_r) if setup.bandwidth > 0.0 else np.zeros(n_r)
    arrive_r = t_remote + delay + d_length * d_lambda
    if setup.correlation_time > 0.0:
        arrive_r = arrive_r + rng.normal(0.0, setup.correlation_time, n_r)
    arrive_l = t_local.copy()
    if setup.nonlocal_cancellation:
        # the kept photon's offset is anti-correlated (energy conservation, up to the pump
        # bandwidth) and meets the opposite dispersion: the pairs' difference keeps D L dp
        pump = (rng.normal(0.0, setup.pump_bandwidth, n_both) if setup.pump_bandwidth > 0.0
                else np.zeros(n_both))
        arrive_l[:n_both] += d_length * (d_lambda[:n_both] - pump)
    # detection: jitter, clock reading, tagger bins
    if local_jitter > 0.0:
        arrive_l = arrive_l + rng.normal(0.0, local_jitter, n_l)
    if remote_jitter > 0.0:
        arrive_r = arrive_r + rng.normal(0.0, remote_jitter, n_r)
    read_l = arrive_l + local_clock.deterministic(arrive_l) + local_noise
    read_r = arrive_r + remote_clock.deterministic(arrive_r) + remote_noise
    dark_l = rng.uniform(0.0, span, rng.poisson(local_dark * span))
    dark_r = rng.uniform(0.0, span + delay, rng.poisson(remote_dark * (span + delay)))
    local = np.concatenate([read_l, dark_l])
    remote = np.concatenate([read_r, dark_r])
    if setup.tagger_resolution > 0.0:
        res = setup.tagger_resolution
        local = (np.floor(local / res) + 0.5) * res
        remote = (np.floor(remote / res) + 0.5) * res
    return np.sort(local), np.sort(remote)
