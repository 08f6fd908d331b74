"""Dead time and afterpulsing of a QKD receiver clocked at a pulse period ``T``.

The model (per pulse period, the receiver's two detectors together):

- **dead time**, non-paralysable and common to both detectors: after a detection the
  receiver is blind for ``tau``; counting from the end of the detection's period (the
  latest the click can be), a pulse whose period overlaps the dead time is lost, so a
  detection blinds the next ``d = ceil(tau / T)`` pulses (:func:`blind_pulses`); a pulse
  arriving while blind neither clicks nor extends the dead time. A common dead time is the
  countermeasure of Weier et al., NJP 13, 073024 (2011) against the dead-time attack.
- **afterpulsing**: with probability ``P_a`` (``afterpulse_probability``) a detection is
  followed by an afterpulse in the first period in which the receiver is live again (pulse
  ``d + 1`` after it). The afterpulse is the outcome of that period, whatever light it
  holds: a click whose bit is uncorrelated with Alice's (error 1/2). An afterpulse is a
  detection: it starts a dead time and may afterpulse in turn. ``P_a`` is the total
  afterpulse probability per detection that is measured by counting the extra clicks in
  the gates that follow a detection (Yuan, Kardynal, Sharpe, Shields, APL 91, 041114
  (2007), the afterpulse probability summed over the following gates; Lunghi et al.,
  J. Mod. Opt. 59, 1481 (2012), arXiv:1204.4594, for a free-running InGaAs/InP
  detector); here it is lumped into the first live period, which keeps the afterpulse rate
  ``P_a`` per detection and leaves out only when within the recovery it falls.

A live period after the first behaves as without dead time: a pulse of intensity ``i``
clicks with its gain ``q_i`` (:func:`qfab.physics.qkd.wcp_gain`). The detector's state
is a renewal process: a cycle is ``d`` blind periods, the first live period (click with
``c = P_a + (1 - P_a) q``, ``q = sum_i p_i q_i`` over the intensities sent with
probabilities ``p_i``), then, if it did not click, a geometric wait of mean ``1/q``
periods. The mean cycle is ``L = d + 1 + (1 - c) / q`` periods per detection; the shares
of periods that are blind, first-live and later-live are ``d / L``, ``1 / L`` and
``(1 - c) / (q L)`` (renewal-reward theorem; for ``P_a = 0`` the detections per period are
``q / (1 + d q)``, the non-paralysable counter ``m = n / (1 + n tau)`` of G. F. Knoll,
Radiation Detection and Measurement, 4th ed., Wiley (2010), Sec. 4.VII, with ``n = q / T``
and ``tau = d T``; D. J. Rogers et al., NJP 9, 319 (2007) for QKD).

The observed yields are then affine in the yields without dead time: ``Y'_n = a Y_n + b``
and ``e'_n Y'_n = a e_n Y_n + b / 2`` with ``a = (1 - P_a) / L + (1 - c) / (q L)`` and
``b = P_a / L`` (:func:`recovery_yield_map`). In the yields of Ma, Qi, Zhao, Lo, PRA 72,
012326 (2005), Sec. II (``Y_n = Y0 + eta_n``, ``e_n Y_n = e0 Y0 + e_d eta_n``, the
product of background and signal neglected, as :func:`qfab.physics.qkd.wcp_gain` does),
this is a live share ``A = a + b = 1 - d / L`` of the pulses over an effective channel
(:func:`recovery_channel`) of background ``Y0' = (a Y0 + b) / A``, transmittance
``eta' = eta a / A`` (the light of a period pre-empted by an afterpulse is lost) and the
same misalignment ``e_d``: exactly for the single-photon yield and error rate
(``Y'_1 = A (Y0' + eta')``, ``e'_1 Y'_1 = A (e0 Y0' + e_d eta')``), and to second order
in ``eta mu`` and ``Y0'`` for the gains. The GLLP and decoy formulas of
:mod:`qfab.physics.qkd` then apply unchanged to the effective channel and the key per
pulse is ``A`` times theirs (the GLLP rate is linear in the gains ``Q_mu`` and ``Q_1`` at
fixed error rates; the vacuum + weak decoy bounds scale the same way).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from qfab.physics import _checks
from qfab.physics._checks import FloatArray

__all__ = ["RecoveryChannel", "RecoveryShares", "blind_pulses", "recovery_channel",
           "recovery_gain_qber", "recovery_shares", "recovery_yield_map"]

#: Relative tolerance of ``tau / T`` to an integer (``tau = 10 T`` blinds 10 pulses).
_INTEGER_TOLERANCE = 1e-9


def blind_pulses(dead_time: float, period: float) -> int:
    """Pulses ``d = ceil(tau / T)`` that a detection blinds (see the module docstring).

    Parameters
    ----------
    dead_time
        ``tau`` in seconds, ``>= 0``.
    period
        Pulse period ``T`` in seconds, ``> 0``.
    """
    tau = float(_checks.nonnegative("dead_time", dead_time))
    t = float(_checks.positive("period", period))
    ratio = tau / t
    nearest = round(ratio)
    if abs(ratio - nearest) <= _INTEGER_TOLERANCE * max(1.0, ratio):
        return int(nearest)
    return int(math.ceil(ratio))


@dataclass(frozen=True)
class RecoveryShares:
    """Shares of the pulse periods in each state of the receiver (stationary).

    Attributes
    ----------
    blind, first, later : float
        Blind periods, first live periods after a detection (where an afterpulse may fall),
        later live periods; they sum to 1.
    first_click : float
        ``c``: probability that a first live period clicks (over the intensities).
    """

    blind: float
    first: float
    later: float
    first_click: float


def recovery_shares(click_probability: float, afterpulse_probability: float,
                    blind: int) -> RecoveryShares:
    """The stationary shares of the renewal process of the module docstring.

    Parameters
    ----------
    click_probability
        ``q = sum_i p_i q_i``: a live period's click probability without afterpulses,
        averaged over the intensities sent.
    afterpulse_probability
        ``P_a`` in [0, 1].
    blind
        ``d``, pulses blinded per detection (:func:`blind_pulses`).

    Notes
    -----
    Mean cycle ``L = d + 1 + (1 - c)/q`` with ``c = P_a + (1 - P_a) q``; shares ``d/L``,
    ``1/L``, ``(1 - c)/(q L)`` (renewal-reward; Knoll 2010, Sec. 4.VII for ``P_a = 0``).
    With ``q = 0`` no detection ever happens: every period is live (``later = 1``).
    """
    q = float(_checks.probability("click_probability", click_probability))
    p_a = float(_checks.probability("afterpulse_probability", afterpulse_probability))
    if blind < 0:
        raise ValueError(f"blind: must be >= 0, got {blind}")
    c = p_a + (1.0 - p_a) * q
    if q == 0.0:
        return RecoveryShares(blind=0.0, first=0.0, later=1.0, first_click=c)
    wait = (1.0 - c) / q
    cycle = blind + 1.0 + wait
    return RecoveryShares(blind=blind / cycle, first=1.0 / cycle, later=wait / cycle,
                          first_click=c)


def recovery_yield_map(click_probability: float, afterpulse_probability: float,
                       blind: int) -> tuple[float, float]:
    """``(a, b)`` of the observed yields ``Y' = a Y + b``, errors ``e'Y' = a e Y + b/2``.

    ``a = (1 - P_a) first + later``, ``b = P_a first`` with the shares of
    :func:`recovery_shares` (a first live period is an afterpulse with ``P_a``, else a
    plain period; a later live period is plain; a blind one never clicks).
    """
    shares = recovery_shares(click_probability, afterpulse_probability, blind)
    p_a = float(afterpulse_probability)
    return (1.0 - p_a) * shares.first + shares.later, p_a * shares.first


def recovery_gain_qber(gains: ArrayLike, qbers: ArrayLike, probabilities: ArrayLike, *,
                       afterpulse_probability: float,
                       blind: int) -> tuple[FloatArray, FloatArray]:
    """Observed gain and QBER per intensity with dead time and afterpulses.

    Parameters
    ----------
    gains, qbers
        ``q_i`` and ``E_i`` of each intensity without dead time or afterpulses
        (:func:`qfab.physics.qkd.wcp_gain`, :func:`qfab.physics.qkd.wcp_qber`).
    probabilities
        ``p_i``, the probability of sending each intensity.
    afterpulse_probability, blind
        ``P_a`` and ``d``.

    Returns
    -------
    (numpy.ndarray, numpy.ndarray)
        ``Q'_i = a q_i + b`` and ``E'_i = (a E_i q_i + b/2) / Q'_i``
        (:func:`recovery_yield_map`).
    """
    q_i = np.asarray(_checks.probability("gains", gains), dtype=np.float64)
    e_i = np.asarray(_checks.probability("qbers", qbers), dtype=np.float64)
    p_i = np.asarray(_checks.probability("probabilities", probabilities), dtype=np.float64)
    a, b = recovery_yield_map(float(np.sum(p_i * q_i)), afterpulse_probability, blind)
    gain = a * q_i + b
    errors = a * e_i * q_i + 0.5 * b
    qber = np.divide(errors, gain, out=np.zeros_like(gain), where=gain > 0)
    return _checks.scalar_or_array(gain), _checks.scalar_or_array(qber)


@dataclass(frozen=True)
class RecoveryChannel:
    """The effective channel of a receiver with dead time and afterpulses.

    Attributes
    ----------
    live : float
        ``A = 1 - d/L``, the share of pulses the receiver is live for; every yield, gain
        and key per pulse is ``A`` times that of the effective channel.
    eta : float
        ``eta' = eta a / A``.
    background : float
        ``Y0' = (a Y0 + b) / A``.
    """

    live: float
    eta: float
    background: float


def recovery_channel(eta: float, background: float, intensities: ArrayLike,
                     probabilities: ArrayLike, *, afterpulse_probability: float,
                     blind: int) -> RecoveryChannel:
    """Live share, transmittance and background of the effective channel (module
    docstring; the misalignment is unchanged).

    Parameters
    ----------
    eta, background
        The channel without dead time: transmittance to a click and ``Y0``.
    intensities, probabilities
        Mean photon numbers sent and their probabilities (``q`` averages the gains
        :func:`qfab.physics.qkd.wcp_gain` ``Y0 + 1 - exp(-mu eta)`` over them).
    afterpulse_probability, blind
        ``P_a`` and ``d``.

    Notes
    -----
    With Ma et al.'s ``Y_n = Y0 + eta_n`` and ``e_n Y_n = e0 Y0 + e_d eta_n`` (PRA 72,
    012326 (2005), Sec. II), ``a Y_n + b = A (Y0' + (a/A) eta_n)`` and
    ``a e_n Y_n + b/2 = A (e0 Y0' + e_d (a/A) eta_n)`` with ``e0 = 1/2``; ``(a/A) eta_1 =
    eta'`` exactly, ``(a/A)(1 - exp(-eta mu)) = 1 - exp(-eta' mu)`` to second order.
    """
    mus = np.asarray(_checks.nonnegative("intensities", intensities), dtype=np.float64)
    p_i = np.asarray(_checks.probability("probabilities", probabilities), dtype=np.float64)
    t = float(_checks.probability("eta", eta))
    y0 = float(_checks.probability("background", background))
    if blind == 0 and float(afterpulse_probability) == 0.0:  # the channel as it is, exactly
        return RecoveryChannel(live=1.0, eta=t, background=y0)
    gains = np.minimum(y0 - np.expm1(-mus * t), 1.0)
    a, b = recovery_yield_map(float(np.sum(p_i * gains)), afterpulse_probability, blind)
    live = a + b  # = 1 - d / L >= 1 / (d + 1) > 0
    return RecoveryChannel(live=live, eta=t * a / live,
                           background=min((a * y0 + b) / live, 1.0))
