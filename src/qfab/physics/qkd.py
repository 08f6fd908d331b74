"""Secret-key rates of quantum key distribution: decoy-state BB84 and BBM92/E91.

Pure functions of the channel and device parameters (no clock, no randomness):

- :func:`binary_entropy`, the binary Shannon entropy ``h(p)``;
- decoy-state BB84 with a weak coherent (Poissonian) source, asymptotic (GLLP with decoy
  estimation): the gain and QBER of an intensity (:func:`wcp_gain`, :func:`wcp_qber`), the
  single-photon yield and error rate (:func:`single_photon_yield`,
  :func:`single_photon_error_rate`), the vacuum + weak decoy bounds on them
  (:func:`vacuum_weak_decoy_bounds`), the GLLP rate (:func:`gllp_key_rate`), the whole chain
  from the channel (:func:`bb84_decoy_key_rate`) and the intensity that maximises it
  (:func:`optimal_mu`);
- finite-key decoy BB84 with three intensities (:func:`lim2014_key_length` on observed
  counts, :func:`lim2014_expected_counts` for the counts a channel gives,
  :func:`bb84_decoy_finite_key_rate` for both);
- entanglement-based BBM92/E91 on Werner pairs (:func:`werner_chsh`, :func:`werner_qber`,
  :func:`bbm92_secret_fraction`), the asymptotic key length of ``n`` corrected bits with a
  given error-correction leak (:func:`bbm92_asymptotic_key_length`) and its finite-key
  length (:func:`bbm92_finite_key_length`, with the sampling deviation
  :func:`serfling_deviation`).

The repeaterless bound to compare with is :func:`qfab.physics.bounds.plob_bound`.

Conventions: all rates are secret bits per transmitted pulse (per channel use); ``eta`` is
the overall transmittance including the detector efficiency (channel times detector, as in
Ma et al. 2005: ``eta = t_AB * eta_Bob``); ``y0`` is the probability of a detection event
with no photon arriving (dark counts and background) per detection window; the error rate
of a background count is ``e0 = 1/2``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike

from qfab.physics import _checks
from qfab.physics._checks import FloatArray

__all__ = [
    "BB84_SIFTING",
    "LimKeyLength",
    "bb84_decoy_finite_key_rate",
    "bb84_decoy_key_rate",
    "bbm92_asymptotic_key_length",
    "bbm92_finite_key_length",
    "bbm92_secret_fraction",
    "binary_entropy",
    "gllp_key_rate",
    "lim2014_expected_counts",
    "lim2014_expected_length",
    "lim2014_key_length",
    "optimal_mu",
    "serfling_deviation",
    "single_photon_error_rate",
    "single_photon_yield",
    "vacuum_weak_decoy_bounds",
    "wcp_gain",
    "wcp_qber",
    "werner_chsh",
    "werner_qber",
]

#: Sifting factor ``q`` of standard BB84 (both bases chosen with probability 1/2, half the
#: detections are kept); the efficient variant with a biased basis choice raises it to ~1.
BB84_SIFTING = 0.5
#: Error probability of a background (dark) count.
E0 = 0.5
Decoys = Literal["infinite", "vacuum+weak"]


def binary_entropy(p: ArrayLike) -> FloatArray:
    """Binary Shannon entropy ``h(p) = -p log2 p - (1 - p) log2 (1 - p)``.

    Parameters
    ----------
    p : array_like
        Probability in [0, 1]; ``h(0) = h(1) = 0``.

    Returns
    -------
    numpy.ndarray or numpy.float64
        ``h(p)`` in bits, of the shape of ``p``.

    Examples
    --------
    >>> float(binary_entropy(0.5))
    1.0
    >>> round(float(binary_entropy(0.11)), 6)
    0.499916
    """
    q = _checks.probability("p", p)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = -(q * np.log2(q) + (1.0 - q) * np.log2(1.0 - q))
    return _checks.scalar_or_array(np.where((q <= 0.0) | (q >= 1.0), 0.0, out))


# --------------------------------------------------------------------------- decoy BB84


def wcp_gain(mu: ArrayLike, eta: ArrayLike, y0: ArrayLike) -> FloatArray:
    """Gain ``Q_mu`` of a weak coherent pulse of mean photon number ``mu``.

    ``Q_mu = Y0 + 1 - exp(-eta mu)``: the probability that a pulse gives a detection
    (Ma, Qi, Zhao, Lo 2005, Sec. II, the gain equation; background and signal detections
    added, their product neglected).

    Parameters
    ----------
    mu : array_like
        Mean photon number per pulse, ``>= 0``.
    eta : array_like
        Overall transmittance (channel times detector efficiency) in [0, 1].
    y0 : array_like
        Background (dark-count) detection probability per pulse in [0, 1].

    Returns
    -------
    numpy.ndarray or numpy.float64
        ``Q_mu``, broadcast over the arguments.

    Notes
    -----
    Source: X. Ma, B. Qi, Y. Zhao, H.-K. Lo, "Practical decoy state for quantum key
    distribution", PRA 72, 012326 (2005), arXiv:quant-ph/0503005, Sec. II.
    """
    m = _checks.nonnegative("mu", mu)
    t = _checks.probability("eta", eta)
    y = _checks.probability("y0", y0)
    return _checks.scalar_or_array(y - np.expm1(-t * m))


def wcp_qber(mu: ArrayLike, eta: ArrayLike, y0: ArrayLike, e_d: ArrayLike) -> FloatArray:
    """Quantum bit error rate ``E_mu`` of a weak coherent pulse.

    ``E_mu Q_mu = e0 Y0 + e_d (1 - exp(-eta mu))`` with ``e0 = 1/2`` (Ma et al. 2005,
    Sec. II, the QBER equation): background counts are random, a detected photon lands in
    the wrong detector with probability ``e_d`` (misalignment).

    Parameters
    ----------
    mu, eta, y0 : array_like
        As in :func:`wcp_gain`.
    e_d : array_like
        Misalignment (optical) error probability in [0, 1].

    Returns
    -------
    numpy.ndarray or numpy.float64
        ``E_mu`` (0 where the gain is 0).

    Notes
    -----
    Source: Ma, Qi, Zhao, Lo, PRA 72, 012326 (2005), Sec. II.
    """
    m = _checks.nonnegative("mu", mu)
    t = _checks.probability("eta", eta)
    y = _checks.probability("y0", y0)
    e = _checks.probability("e_d", e_d)
    signal = -np.expm1(-t * m)
    gain = y + signal
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(gain > 0.0, (E0 * y + e * signal) / gain, 0.0)
    return _checks.scalar_or_array(np.asarray(out, dtype=np.float64))


def single_photon_yield(eta: ArrayLike, y0: ArrayLike) -> FloatArray:
    """Yield of single-photon pulses ``Y1 = Y0 + eta`` (Ma et al. 2005, Sec. II).

    The conditional detection probability of a one-photon pulse (``Y_i ≈ Y0 + eta_i`` with
    ``eta_i = 1 - (1 - eta)^i``, the product ``Y0 eta`` neglected). With infinitely many
    decoys it is known exactly.

    Notes
    -----
    Source: Ma, Qi, Zhao, Lo, PRA 72, 012326 (2005), Sec. II (the yield of i-photon states).
    """
    t = _checks.probability("eta", eta)
    y = _checks.probability("y0", y0)
    return _checks.scalar_or_array(np.asarray(y + t, dtype=np.float64))


def single_photon_error_rate(eta: ArrayLike, y0: ArrayLike, e_d: ArrayLike) -> FloatArray:
    """Error rate of single-photon pulses ``e1 = (e0 Y0 + e_d eta) / Y1`` (Ma et al. 2005).

    Notes
    -----
    Source: Ma, Qi, Zhao, Lo, PRA 72, 012326 (2005), Sec. II (the error rate of i-photon
    states, ``e_i = (e0 Y0 + e_d eta_i) / Y_i``, at ``i = 1``).
    """
    t = _checks.probability("eta", eta)
    y = _checks.probability("y0", y0)
    e = _checks.probability("e_d", e_d)
    y1 = y + t
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(y1 > 0.0, (E0 * y + e * t) / y1, E0)
    return _checks.scalar_or_array(np.asarray(out, dtype=np.float64))


def vacuum_weak_decoy_bounds(
    mu: ArrayLike, nu: ArrayLike, q_mu: ArrayLike, q_nu: ArrayLike, e_nu: ArrayLike,
    y0: ArrayLike,
) -> tuple[FloatArray, FloatArray]:
    """Lower bound on ``Y1`` and upper bound on ``e1`` from a vacuum and one weak decoy.

    With the signal ``mu``, a weak decoy ``nu < mu`` (``mu + nu < 1``) and the vacuum
    (which measures ``Y0``), Ma et al. 2005 ("vacuum + weak decoy state") give::

        Y1^L = mu / (mu nu - nu^2) * (Q_nu e^nu - Q_mu e^mu nu^2 / mu^2
                                      - (mu^2 - nu^2) / mu^2 * Y0)
        e1^U = (E_nu Q_nu e^nu - e0 Y0) / (Y1^L nu)

    They hold for observed gains and QBERs; fed with the model (:func:`wcp_gain`,
    :func:`wcp_qber`) they give the expected bounds.

    Parameters
    ----------
    mu, nu : array_like
        Signal and weak-decoy mean photon numbers, ``mu > nu > 0``.
    q_mu, q_nu : array_like
        Gains of the signal and of the decoy.
    e_nu : array_like
        QBER of the decoy.
    y0 : array_like
        Background yield (the gain of the vacuum state).

    Returns
    -------
    (numpy.ndarray, numpy.ndarray)
        ``Y1^L`` (clipped at 0) and ``e1^U`` (clipped to [0, 1/2]; 1/2 where ``Y1^L = 0``).

    Notes
    -----
    Source: Ma, Qi, Zhao, Lo, PRA 72, 012326 (2005), Sec. "Vacuum + weak decoy state"
    (the bounds ``Y1^{L,nu,0}`` and ``e1^{U,nu,0}``).
    """
    m = _checks.positive("mu", mu)
    n = _checks.positive("nu", nu)
    if np.asarray(n >= m).any():
        raise ValueError("nu: the weak decoy must be below the signal mu")
    qm = _checks.nonnegative("q_mu", q_mu)
    qn = _checks.nonnegative("q_nu", q_nu)
    en = _checks.probability("e_nu", e_nu)
    y = _checks.probability("y0", y0)
    y1 = m / (m * n - n * n) * (qn * np.exp(n) - qm * np.exp(m) * n * n / (m * m)
                                - (m * m - n * n) / (m * m) * y)
    y1 = np.maximum(y1, 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        e1 = np.where(y1 > 0.0, (en * qn * np.exp(n) - E0 * y) / (y1 * n), E0)
    e1 = np.clip(e1, 0.0, E0)
    return _checks.scalar_or_array(y1), _checks.scalar_or_array(np.asarray(e1))


def gllp_key_rate(
    q_mu: ArrayLike, e_mu: ArrayLike, q1: ArrayLike, e1: ArrayLike, f: ArrayLike,
    sifting: ArrayLike = BB84_SIFTING,
) -> FloatArray:
    """GLLP key rate ``R = q {-Q_mu f h(E_mu) + Q1 [1 - h(e1)]}`` per pulse, clipped at 0.

    Parameters
    ----------
    q_mu, e_mu : array_like
        Gain and QBER of the signal state.
    q1, e1 : array_like
        Gain of its single-photon part (``Q1 = Y1 mu e^-mu``) and their error rate.
    f : array_like
        Error-correction efficiency (``>= 1``; 1 is the Shannon limit).
    sifting : array_like, optional
        ``q``: 1/2 for BB84 with symmetric basis choice (the default).

    Returns
    -------
    numpy.ndarray or numpy.float64
        Secret bits per pulse, ``>= 0``.

    Notes
    -----
    Sources: D. Gottesman, H.-K. Lo, N. Lütkenhaus, J. Preskill, QIC 4, 325 (2004) (GLLP);
    H.-K. Lo, X. Ma, K. Chen, "Decoy state quantum key distribution", PRL 94, 230504 (2005),
    Eq. (1); Ma, Qi, Zhao, Lo, PRA 72, 012326 (2005), Eq. (1) (the key-rate formula).
    """
    qm = _checks.nonnegative("q_mu", q_mu)
    em = _checks.probability("e_mu", e_mu)
    g1 = _checks.nonnegative("q1", q1)
    err1 = _checks.probability("e1", e1)
    eff = _checks.positive("f", f)
    s = _checks.probability("sifting", sifting)
    rate = s * (-qm * eff * binary_entropy(em) + g1 * (1.0 - binary_entropy(err1)))
    return _checks.scalar_or_array(np.maximum(rate, 0.0))


def bb84_decoy_key_rate(
    eta: ArrayLike, y0: ArrayLike, e_d: ArrayLike, f: ArrayLike, mu: ArrayLike, *,
    decoys: Decoys = "infinite", nu: ArrayLike | None = None,
    sifting: ArrayLike = BB84_SIFTING,
) -> FloatArray:
    """Asymptotic decoy-state BB84 key rate per pulse of a weak coherent source.

    The gain and QBER of the signal come from :func:`wcp_gain` and :func:`wcp_qber`; the
    single-photon yield and error rate are exact with ``decoys="infinite"``
    (:func:`single_photon_yield`, :func:`single_photon_error_rate`) and bounded from a
    vacuum and a weak decoy of intensity ``nu`` with ``decoys="vacuum+weak"``
    (:func:`vacuum_weak_decoy_bounds`); the rate is :func:`gllp_key_rate` with
    ``Q1 = Y1 mu e^-mu``.

    Parameters
    ----------
    eta : array_like
        Overall transmittance (channel times detector efficiency).
    y0 : array_like
        Background detection probability per pulse.
    e_d : array_like
        Misalignment error probability.
    f : array_like
        Error-correction efficiency.
    mu : array_like
        Signal mean photon number.
    decoys : {"infinite", "vacuum+weak"}
        The decoy estimate.
    nu : array_like, optional
        Weak-decoy mean photon number (required with ``"vacuum+weak"``).
    sifting : array_like, optional
        The sifting factor ``q`` (1/2 for standard BB84).

    Returns
    -------
    numpy.ndarray or numpy.float64
        Secret bits per pulse, ``>= 0``, broadcast over the arguments.

    Notes
    -----
    Sources: Lo, Ma, Chen, PRL 94, 230504 (2005); Ma, Qi, Zhao, Lo, PRA 72, 012326 (2005)
    (reference case QKD-DECOY-GYS-01 in docs/references.md).

    Examples
    --------
    GYS parameters at 50 km (0.21 dB/km, eta_Bob = 0.045):

    >>> eta = 0.045 * 10 ** (-0.21 * 50 / 10)
    >>> rate = bb84_decoy_key_rate(eta, 1.7e-6, 0.033, 1.22, 0.48)
    >>> bool(1e-4 < float(rate) < 1e-3)
    True
    """
    q_mu = wcp_gain(mu, eta, y0)
    e_mu = wcp_qber(mu, eta, y0, e_d)
    m = _checks.nonnegative("mu", mu)
    if decoys == "infinite":
        y1 = single_photon_yield(eta, y0)
        e1 = single_photon_error_rate(eta, y0, e_d)
    elif decoys == "vacuum+weak":
        if nu is None:
            raise ValueError("nu: required with decoys='vacuum+weak'")
        q_nu = wcp_gain(nu, eta, y0)
        e_nu = wcp_qber(nu, eta, y0, e_d)
        y1, e1 = vacuum_weak_decoy_bounds(mu, nu, q_mu, q_nu, e_nu, y0)
    else:
        raise ValueError(f"decoys: must be 'infinite' or 'vacuum+weak', got {decoys!r}")
    q1 = y1 * m * np.exp(-m)
    return gllp_key_rate(q_mu, e_mu, q1, e1, f, sifting)


def optimal_mu(
    eta: float, y0: float, e_d: float, f: float, *, decoys: Decoys = "infinite",
    nu: float | None = None, sifting: float = BB84_SIFTING, mu_max: float = 1.0,
) -> tuple[float, float]:
    """Signal intensity that maximises :func:`bb84_decoy_key_rate`, and the rate there.

    A bounded scalar optimisation (``scipy.optimize.minimize_scalar``, method "bounded") of
    the rate over ``mu`` in ``(lower, mu_max]``, ``lower`` being 0 (infinite decoys) or the
    weak decoy ``nu`` (vacuum + weak decoy).

    Parameters
    ----------
    eta, y0, e_d, f : float
        As in :func:`bb84_decoy_key_rate` (scalars).
    decoys, nu, sifting : optional
        As in :func:`bb84_decoy_key_rate`.
    mu_max : float, optional
        Upper end of the search.

    Returns
    -------
    (float, float)
        The optimal ``mu`` and the key rate per pulse there (``(nan, 0.0)`` where no
        ``mu`` gives a positive rate).

    Examples
    --------
    >>> mu, rate = optimal_mu(0.045 * 10 ** (-0.21 * 50 / 10), 1.7e-6, 0.033, 1.22)
    >>> round(mu, 2)
    0.48
    """
    from scipy.optimize import minimize_scalar

    lower = 1e-6 if nu is None or decoys == "infinite" else float(nu) * (1.0 + 1e-6)

    def negative_rate(mu: float) -> float:
        return -float(bb84_decoy_key_rate(eta, y0, e_d, f, mu, decoys=decoys, nu=nu,
                                          sifting=sifting))

    # the rate, as a function of mu, is 0 below and above a window; a coarse grid finds it
    grid = np.linspace(lower, mu_max, 200)
    rates = np.asarray(bb84_decoy_key_rate(eta, y0, e_d, f, grid, decoys=decoys, nu=nu,
                                           sifting=sifting))
    best = int(np.argmax(rates))
    if rates[best] <= 0.0:
        return math.nan, 0.0
    lo = float(grid[max(best - 1, 0)])
    hi = float(grid[min(best + 1, grid.size - 1)])
    result = minimize_scalar(negative_rate, bounds=(lo, hi), method="bounded",
                             options={"xatol": 1e-6})
    mu_opt = float(result.x)
    return mu_opt, -negative_rate(mu_opt)


# --------------------------------------------------------------------- finite-key BB84


@dataclass(frozen=True)
class LimKeyLength:
    """Secret key length of finite-key decoy BB84 and the bounds it is made of.

    Attributes
    ----------
    length : float
        ``l`` in bits (``<= 0``: no key); round down to use it.
    s_z0_lower, s_z1_lower : float
        Lower bounds on the vacuum and single-photon detections in the Z (key) basis.
    s_x1_lower, v_x1_upper : float
        Lower bound on the single-photon detections and upper bound on their errors in the
        X (test) basis.
    phase_error_upper : float
        ``phi_Z^U``, upper bound on the phase error rate of the single-photon Z events.
    leak_ec : float
        Bits revealed by error correction, ``lambda_EC``.
    """

    length: float
    s_z0_lower: float
    s_z1_lower: float
    s_x1_lower: float
    v_x1_upper: float
    phase_error_upper: float
    leak_ec: float


def _hoeffding(n: float, epsilon: float) -> float:
    """Hoeffding deviation ``delta(n, eps) = sqrt(n / 2 ln(1/eps))`` (Lim et al. 2014)."""
    return math.sqrt(n / 2.0 * math.log(1.0 / epsilon))


def _lim_gamma(a: float, b: float, c: float, d: float) -> float:
    """Random-sampling deviation ``gamma(a, b, c, d)`` of the phase error (Lim et al. 2014)."""
    if not (0.0 < b < 1.0) or c <= 0.0 or d <= 0.0:
        return 0.0 if b <= 0.0 else math.inf
    if math.isinf(c) or math.isinf(d):
        return 0.0
    inner = (c + d) / (c * d * (1.0 - b) * b) * 21.0 ** 2 / a ** 2
    if inner <= 1.0:
        return 0.0
    return math.sqrt((c + d) * (1.0 - b) * b / (c * d * math.log(2.0)) * math.log2(inner))


def _lim_decoy_bounds(
    counts: FloatArray, mu: FloatArray, p_mu: FloatArray, epsilon: float,
) -> tuple[float, float]:
    """Lim et al. 2014, Eqs. (2) and (3): ``s_0^L`` and ``s_1^L`` of one basis."""
    total = float(counts.sum())
    delta = _hoeffding(total, epsilon) if math.isfinite(total) else 0.0
    weight = np.exp(mu) / p_mu
    minus = weight * (counts - delta)
    plus = weight * (counts + delta)
    tau0 = float(np.sum(p_mu * np.exp(-mu)))
    tau1 = float(np.sum(p_mu * np.exp(-mu) * mu))
    mu1, mu2, mu3 = (float(x) for x in mu)
    s0 = tau0 * (mu2 * minus[2] - mu3 * plus[1]) / (mu2 - mu3)
    s0 = max(s0, 0.0)
    s1 = (tau1 * mu1 * (minus[1] - plus[2] - (mu2 ** 2 - mu3 ** 2) / mu1 ** 2
                        * (plus[0] - s0 / tau0))
          / (mu1 * (mu2 - mu3) - mu2 ** 2 + mu3 ** 2))
    return s0, max(s1, 0.0)


def lim2014_key_length(
    n_z: ArrayLike, n_x: ArrayLike, m_x: ArrayLike, mu: ArrayLike, p_mu: ArrayLike, *,
    leak_ec: float, epsilon_sec: float = 1e-10, epsilon_cor: float = 1e-15,
) -> LimKeyLength:
    """Finite-key secret length of decoy BB84 with three intensities (Lim et al. 2014).

    ``l = s_{Z,0}^L + s_{Z,1}^L - s_{Z,1}^L h(phi_Z^U) - lambda_EC - 6 log2(21/eps_sec)
    - log2(2/eps_cor)`` (their Eq. (1)), with the decoy bounds (Eqs. (2), (3))::

        n_k^± = e^{mu_k} / p_k (n_k ± delta(n, eps_1)),   delta(n, e) = sqrt(n/2 ln(1/e))
        tau_n = sum_k e^{-mu_k} mu_k^n p_k / n!
        s_0^L = tau_0 (mu_2 n_3^- - mu_3 n_2^+) / (mu_2 - mu_3)
        s_1^L = tau_1 mu_1 [n_2^- - n_3^+ - (mu_2^2 - mu_3^2)/mu_1^2 (n_1^+ - s_0^L/tau_0)]
                / [mu_1 (mu_2 - mu_3) - mu_2^2 + mu_3^2]

    applied to the Z and the X basis, the bound on the single-photon errors in X
    ``v_{X,1}^U = tau_1 (m_2^+ - m_3^-) / (mu_2 - mu_3)`` (deviations of the error counts
    ``m_X``), and the phase error ``phi_Z^U = v/s_{X,1}^L + gamma(eps_sec, v/s_{X,1}^L,
    s_{Z,1}^L, s_{X,1}^L)`` with ``gamma(a, b, c, d) = sqrt((c+d)(1-b)b/(c d ln 2)
    log2((c+d)/(c d (1-b) b) 21^2/a^2))``. Every Hoeffding deviation uses
    ``eps_1 = eps_sec/21``, i.e. ``sqrt(n/2 ln(21/eps_sec))``.

    Parameters
    ----------
    n_z, n_x : array_like, shape (3,)
        Detections in the Z (key) and X (test) basis, both parties in that basis, per
        intensity ``mu_1 > mu_2 > mu_3``.
    m_x : array_like, shape (3,)
        Bit errors among the X detections, per intensity.
    mu : array_like, shape (3,)
        Intensities, with ``mu_1 > mu_2 + mu_3`` and ``mu_2 > mu_3 >= 0``.
    p_mu : array_like, shape (3,)
        Probabilities of choosing each intensity.
    leak_ec : float
        ``lambda_EC``, bits revealed by error correction (e.g. ``f n_Z h(E_Z)``).
    epsilon_sec, epsilon_cor : float, optional
        Secrecy and correctness parameters (the protocol is ``eps_sec + eps_cor`` secure).

    Returns
    -------
    LimKeyLength
        ``l`` and the bounds it is made of.

    Notes
    -----
    Source: C. C. W. Lim, M. Curty, N. Walenta, F. Xu, H. Zbinden, "Concise security bounds
    for practical decoy-state quantum key distribution", PRA 89, 022307 (2014),
    arXiv:1311.7129, Eqs. (1)-(5) (reference case QKD-FINITE-LIM2014-01); the constants
    (``6 log2(21/eps_sec)``, ``ln(21/eps_sec)`` in every deviation, ``21^2/a^2`` in ``gamma``)
    are those of the published text. The paper's key basis is called X; here it is Z.
    """
    nz = _checks.nonnegative("n_z", n_z)
    nx = _checks.nonnegative("n_x", n_x)
    mx = _checks.nonnegative("m_x", m_x)
    m = _checks.nonnegative("mu", mu)
    p = _checks.probability("p_mu", p_mu)
    for name, arr in (("n_z", nz), ("n_x", nx), ("m_x", mx), ("mu", m), ("p_mu", p)):
        if arr.shape != (3,):
            raise ValueError(f"{name}: must have three entries (one per intensity)")
    if not (m[0] > m[1] + m[2] and m[1] > m[2]):
        raise ValueError("mu: need mu_1 > mu_2 + mu_3 and mu_2 > mu_3 >= 0")
    if not (0.0 < epsilon_sec < 1.0 and 0.0 < epsilon_cor < 1.0):
        raise ValueError("epsilon_sec, epsilon_cor: must be in (0, 1)")
    eps1 = epsilon_sec / 21.0
    s_z0, s_z1 = _lim_decoy_bounds(nz, m, p, eps1)
    _, s_x1 = _lim_decoy_bounds(nx, m, p, eps1)
    total_mx = float(mx.sum())
    delta = _hoeffding(total_mx, eps1) if math.isfinite(total_mx) else 0.0
    weight = np.exp(m) / p
    tau1 = float(np.sum(p * np.exp(-m) * m))
    v_x1 = tau1 * (weight[1] * (mx[1] + delta) - weight[2] * (mx[2] - delta)) / (m[1] - m[2])
    v_x1 = max(float(v_x1), 0.0)
    if s_x1 > 0.0:
        ratio = min(v_x1 / s_x1, 1.0)
        phi = min(ratio + _lim_gamma(epsilon_sec, ratio, s_z1, s_x1), 0.5)
    else:
        phi = 0.5
    length = (s_z0 + s_z1 - s_z1 * float(binary_entropy(phi)) - leak_ec
              - 6.0 * math.log2(21.0 / epsilon_sec) - math.log2(2.0 / epsilon_cor))
    return LimKeyLength(length=float(length), s_z0_lower=s_z0, s_z1_lower=s_z1,
                        s_x1_lower=s_x1, v_x1_upper=v_x1, phase_error_upper=phi,
                        leak_ec=float(leak_ec))


def lim2014_expected_counts(
    pulses: float, eta: float, y0: float, e_d: float, mu: ArrayLike, p_mu: ArrayLike,
    p_z_alice: float, p_z_bob: float,
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """Expected counts per intensity of a decoy BB84 run: ``(n_Z, m_Z, n_X, m_X)``.

    ``n_{B,k} = N p_k P_A^B P_B^B Q_{mu_k}`` and ``m_{B,k} = n_{B,k} E_{mu_k}`` with the gain
    and QBER of :func:`wcp_gain` and :func:`wcp_qber` (the same channel model in both bases).

    Parameters
    ----------
    pulses : float
        Number of pulses sent ``N`` (``inf`` allowed: the asymptotic limit).
    eta, y0, e_d : float
        As in :func:`bb84_decoy_key_rate`.
    mu, p_mu : array_like, shape (3,)
        Intensities and their probabilities.
    p_z_alice, p_z_bob : float
        Probabilities that Alice prepares and Bob measures in the Z basis.

    Returns
    -------
    tuple of four numpy.ndarray
        ``n_Z``, ``m_Z`` (Z errors), ``n_X``, ``m_X``, each of shape (3,).
    """
    m = _checks.nonnegative("mu", mu)
    p = _checks.probability("p_mu", p_mu)
    gain = np.asarray(wcp_gain(m, eta, y0), dtype=np.float64)
    qber = np.asarray(wcp_qber(m, eta, y0, e_d), dtype=np.float64)
    n_z = pulses * p * p_z_alice * p_z_bob * gain
    n_x = pulses * p * (1.0 - p_z_alice) * (1.0 - p_z_bob) * gain
    return n_z, n_z * qber, n_x, n_x * qber


def bb84_decoy_finite_key_rate(
    pulses: float, eta: float, y0: float, e_d: float, f: float, mu: ArrayLike,
    p_mu: ArrayLike, *, p_z: float = 0.5, epsilon_sec: float = 1e-10,
    epsilon_cor: float = 1e-15,
) -> float:
    """Expected finite-key secret bits per pulse of three-intensity decoy BB84.

    :func:`lim2014_key_length` on the counts of :func:`lim2014_expected_counts` (both
    parties choose Z with probability ``p_z``), with ``lambda_EC = f n_Z h(E_Z)`` (``E_Z``
    the Z-basis QBER over all intensities); ``l / N``, clipped at 0. With
    ``pulses = inf`` the deviations vanish and it is the asymptotic rate of the same
    three-intensity estimate.

    Notes
    -----
    Source: Lim, Curty, Walenta, Xu, Zbinden, PRA 89, 022307 (2014) (the simulation of their
    Fig. 1 uses this channel model and this ``lambda_EC``).
    """
    if math.isinf(pulses):
        # per-pulse counts: the Hoeffding terms and the epsilon terms are 0 in the limit
        n_z, m_z, n_x, m_x = lim2014_expected_counts(1.0, eta, y0, e_d, mu, p_mu, p_z, p_z)
        rate = _lim_asymptotic(n_z, m_z, n_x, m_x, mu, p_mu, f)
        return max(rate, 0.0)
    counts = lim2014_expected_counts(pulses, eta, y0, e_d, mu, p_mu, p_z, p_z)
    length = lim2014_expected_length(*counts, mu, p_mu, f, epsilon_sec=epsilon_sec,
                                     epsilon_cor=epsilon_cor)
    return max(length / pulses, 0.0)


def lim2014_expected_length(
    n_z: ArrayLike, m_z: ArrayLike, n_x: ArrayLike, m_x: ArrayLike, mu: ArrayLike,
    p_mu: ArrayLike, f: float, *, epsilon_sec: float = 1e-10, epsilon_cor: float = 1e-15,
) -> float:
    """The finite-key length of :func:`lim2014_key_length` on expected counts per intensity
    (e.g. :func:`lim2014_expected_counts`, or their sums over the slices of a satellite
    pass), with ``lambda_EC = f n_Z h(E_Z)``, ``E_Z = sum m_Z / sum n_Z``.

    Notes
    -----
    Source: Lim, Curty, Walenta, Xu, Zbinden, PRA 89, 022307 (2014), with the
    ``lambda_EC`` of the simulation of their Fig. 1. The bounds hold for counts summed over
    channels that change during the run: the decoy estimates use only that every intensity
    sees the same (time-averaged) photon-number yields.
    """
    nz = np.asarray(n_z, dtype=np.float64)
    mz = np.asarray(m_z, dtype=np.float64)
    e_z = float(mz.sum() / nz.sum()) if nz.sum() > 0 else 0.5
    leak = f * float(nz.sum()) * float(binary_entropy(e_z))
    result = lim2014_key_length(nz, np.asarray(n_x, dtype=np.float64),
                                np.asarray(m_x, dtype=np.float64), mu, p_mu, leak_ec=leak,
                                epsilon_sec=epsilon_sec, epsilon_cor=epsilon_cor)
    return float(result.length)


def _lim_asymptotic(n_z: FloatArray, m_z: FloatArray, n_x: FloatArray, m_x: FloatArray,
                    mu: ArrayLike, p_mu: ArrayLike, f: float) -> float:
    """The Lim et al. 2014 bounds with no deviations, on per-pulse counts."""
    m = np.asarray(mu, dtype=np.float64)
    p = np.asarray(p_mu, dtype=np.float64)
    # epsilon = 1 makes the Hoeffding deviation ln(1/epsilon) vanish
    s_z0, s_z1 = _lim_decoy_bounds(n_z, m, p, 1.0)
    _, s_x1 = _lim_decoy_bounds(n_x, m, p, 1.0)
    weight = np.exp(m) / p
    tau1 = float(np.sum(p * np.exp(-m) * m))
    v_x1 = max(tau1 * (weight[1] * m_x[1] - weight[2] * m_x[2]) / (m[1] - m[2]), 0.0)
    phi = min(v_x1 / s_x1, 0.5) if s_x1 > 0.0 else 0.5
    e_z = float(m_z.sum() / n_z.sum()) if n_z.sum() > 0 else 0.5
    leak = f * float(n_z.sum()) * float(binary_entropy(e_z))
    return float(s_z0 + s_z1 - s_z1 * float(binary_entropy(phi)) - leak)


# ------------------------------------------------------------------------------ BBM92


def werner_chsh(visibility: ArrayLike) -> FloatArray:
    """CHSH value ``S = 2 sqrt(2) V`` of a Werner pair of visibility ``V`` (optimal angles).

    Notes
    -----
    Sources: J. F. Clauser, M. A. Horne, A. Shimony, R. A. Holt, PRL 23, 880 (1969);
    A. K. Ekert, PRL 67, 661 (1991) (reference case QKD-BBM92-E91-01).
    """
    v = _checks.probability("visibility", visibility)
    return _checks.scalar_or_array(np.asarray(2.0 * math.sqrt(2.0) * v, dtype=np.float64))


def werner_qber(visibility: ArrayLike) -> FloatArray:
    """QBER ``(1 - V) / 2`` of a Werner pair measured in matching bases (BBM92).

    Notes
    -----
    Source: C. H. Bennett, G. Brassard, N. D. Mermin, PRL 68, 557 (1992) (reference case
    QKD-BBM92-E91-01).
    """
    v = _checks.probability("visibility", visibility)
    return _checks.scalar_or_array(np.asarray((1.0 - v) / 2.0, dtype=np.float64))


def bbm92_secret_fraction(qber: ArrayLike) -> FloatArray:
    """Asymptotic secret fraction ``1 - 2 h(Q)`` of BBM92/BB84 with one-way post-processing.

    Zero at and above the threshold ``Q = 11.0028 %`` (clipped at 0).

    Notes
    -----
    Source: P. W. Shor, J. Preskill, PRL 85, 441 (2000) (reference case QKD-BBM92-E91-01).

    Examples
    --------
    >>> round(float(bbm92_secret_fraction(0.05)), 8)
    0.42720609
    """
    q = _checks.probability("qber", qber)
    return _checks.scalar_or_array(np.maximum(1.0 - 2.0 * binary_entropy(q), 0.0))


def bbm92_asymptotic_key_length(n: ArrayLike, qber: ArrayLike, leak_ec: ArrayLike) -> FloatArray:
    """Asymptotic secret length ``l = n [1 - h(Q)] - leak_EC`` of ``n`` key bits of BBM92.

    The phase error rate of BBM92 (or BB84 on single photons) equals the bit error rate
    ``Q``; privacy amplification removes ``n h(Q)`` bits and error correction has revealed
    ``leak_EC`` (``n h(Q)`` at the Shannon limit, which gives
    :func:`bbm92_secret_fraction` per bit). ``Q`` is clipped at 1/2. A result ``<= 0``
    means no key.

    Notes
    -----
    Sources: P. W. Shor, J. Preskill, PRL 85, 441 (2000); I. Devetak, A. Winter,
    Proc. R. Soc. A 461, 207 (2005) (the one-way rate ``1 - h(Q_phase) - leak/n``).

    Examples
    --------
    >>> round(float(bbm92_asymptotic_key_length(1000, 0.05, 286.397)), 3)
    427.206
    """
    nn = _checks.nonnegative("n", n)
    q = _checks.probability("qber", qber)
    leak = _checks.nonnegative("leak_ec", leak_ec)
    length = nn * (1.0 - binary_entropy(np.minimum(q, 0.5))) - leak
    return _checks.scalar_or_array(np.asarray(length, dtype=np.float64))


def serfling_deviation(n: ArrayLike, k: ArrayLike, epsilon: ArrayLike) -> FloatArray:
    """Deviation ``mu`` of the error rate of ``n`` key bits from that of ``k`` test bits.

    ``mu = sqrt((n + k) / (n k) * (k + 1) / k * ln(1 / epsilon))``: with probability at least
    ``1 - epsilon`` the error rate of the unsampled ``n`` bits is below the sampled rate plus
    ``mu`` (random sampling without replacement, Serfling's bound).

    Notes
    -----
    Sources: R. J. Serfling, Ann. Stat. 2, 39 (1974); M. Tomamichel, C. C. W. Lim, N. Gisin,
    R. Renner, "Tight finite-key analysis for quantum cryptography", Nat. Commun. 3, 634
    (2012), arXiv:1103.4130, the parameter-estimation term of the key length.
    """
    nn = _checks.positive("n", n)
    kk = _checks.positive("k", k)
    e = _checks.probability("epsilon", epsilon)
    out = np.sqrt((nn + kk) / (nn * kk) * (kk + 1.0) / kk * np.log(1.0 / e))
    return _checks.scalar_or_array(np.asarray(out, dtype=np.float64))


def bbm92_finite_key_length(
    n: ArrayLike, k: ArrayLike, qber: ArrayLike, leak_ec: ArrayLike, *,
    epsilon_sec: float = 1e-10, epsilon_cor: float = 1e-15,
) -> FloatArray:
    """Finite-key secret length of BBM92 (or single-photon BB84) from ``n`` key bits.

    ``l = n [1 - h(Q + mu)] - leak_EC - log2(2 / (eps_sec^2 eps_cor))`` with
    ``mu = serfling_deviation(n, k, eps_sec / 2)`` (that is, ``ln(2/eps_sec)`` under the
    root), ``Q`` the error rate observed on the ``k``
    test bits (Tomamichel et al. 2012, the key-length formula, with perfect preparation
    quality ``q = 1`` and ``h`` clipped to 1 above ``Q + mu = 1/2``). With ``leak_EC =
    f n h(Q)`` and ``n -> inf`` the fraction ``l/n`` tends to ``1 - (1 + f) h(Q)``, that is
    :func:`bbm92_secret_fraction` at ``f = 1``.

    Parameters
    ----------
    n : array_like
        Key bits after sifting and sampling (the bits error correction works on).
    k : array_like
        Bits sampled for parameter estimation.
    qber : array_like
        Error rate observed on the sample.
    leak_ec : array_like
        Bits revealed by error correction and verification.
    epsilon_sec, epsilon_cor : float, optional
        Secrecy and correctness parameters.

    Returns
    -------
    numpy.ndarray or numpy.float64
        ``l`` in bits (``<= 0``: no key); round down to use it.

    Notes
    -----
    Source: M. Tomamichel, C. C. W. Lim, N. Gisin, R. Renner, Nat. Commun. 3, 634 (2012),
    arXiv:1103.4130, Eq. (2) (reference case QKD-FINITE-TLGR2012-01), in its published form
    (``ln(2/eps_sec)`` in ``mu``, ``log2(2/(eps_sec^2 eps_cor))``); the first arXiv version
    states ``ln(4/eps_sec)`` and ``log2(2/(eps_sec eps_cor))``, which give a key longer by
    ``log2(1/eps_sec)`` bits minus the effect of the larger ``mu``.
    """
    nn = _checks.positive("n", n)
    q = _checks.probability("qber", qber)
    leak = _checks.nonnegative("leak_ec", leak_ec)
    if not (0.0 < epsilon_sec < 1.0 and 0.0 < epsilon_cor < 1.0):
        raise ValueError("epsilon_sec, epsilon_cor: must be in (0, 1)")
    dev = serfling_deviation(nn, k, epsilon_sec / 2.0)
    phase = np.minimum(q + dev, 0.5)
    length = (nn * (1.0 - binary_entropy(phase)) - leak
              - math.log2(2.0 / (epsilon_sec ** 2 * epsilon_cor)))
    return _checks.scalar_or_array(np.asarray(length, dtype=np.float64))
