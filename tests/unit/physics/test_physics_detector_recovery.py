"""The receiver's dead time and afterpulses (qfab.physics.detector_recovery) against their
closed forms and an independent per-pulse Markov chain."""

from __future__ import annotations

import math

import numpy as np
import pytest
from numpy.typing import NDArray

from qfab.physics.detector_recovery import (
    blind_pulses,
    recovery_channel,
    recovery_gain_qber,
    recovery_shares,
    recovery_yield_map,
)
from qfab.physics.qkd import (
    single_photon_error_rate,
    single_photon_yield,
    wcp_gain,
    wcp_qber,
)

MUS = np.array([0.48, 0.1, 0.0])
PROBS = np.array([0.8, 0.1, 0.1])


@pytest.mark.parametrize(("tau", "period", "blind"), [
    (0.0, 1e-9, 0), (0.4e-9, 1e-9, 1), (1e-9, 1e-9, 1), (1.5e-9, 1e-9, 2),
    (40e-9, 1e-9, 40), (10e-6, 1e-9, 10_000), (10e-6, 1 / 625e6, 6250)])
def test_a_detection_blinds_ceil_tau_over_t_pulses(tau: float, period: float,
                                                   blind: int) -> None:
    assert blind_pulses(tau, period) == blind


def test_blind_pulses_refuses_a_negative_dead_time() -> None:
    with pytest.raises(ValueError, match="dead_time"):
        blind_pulses(-1.0, 1e-9)


@pytest.mark.parametrize(("q", "p_a", "d"), [(1e-3, 0.0, 40), (0.02, 0.05, 1000),
                                             (0.3, 0.2, 0), (1.0, 0.0, 3)])
def test_the_shares_sum_to_one(q: float, p_a: float, d: int) -> None:
    shares = recovery_shares(q, p_a, d)
    assert shares.blind + shares.first + shares.later == pytest.approx(1.0)
    assert shares.first_click == pytest.approx(p_a + (1 - p_a) * q)


@pytest.mark.parametrize(("q", "d"), [(1e-3, 40), (0.02, 1000), (0.5, 3)])
def test_without_afterpulses_the_detected_fraction_is_non_paralysable(q: float,
                                                                      d: int) -> None:
    """``q / (1 + d q)``: Knoll's ``n / (1 + n tau)`` with ``n = q / T``, ``tau = d T``."""
    gain, _ = recovery_gain_qber([q], [0.03], [1.0], afterpulse_probability=0.0, blind=d)
    assert float(np.asarray(gain)[0]) == pytest.approx(q / (1 + d * q), rel=1e-12)


def test_no_detection_leaves_every_period_live() -> None:
    shares = recovery_shares(0.0, 0.1, 50)
    assert (shares.blind, shares.first, shares.later) == (0.0, 0.0, 1.0)


def test_defaults_leave_the_channel_as_it_is_exactly() -> None:
    channel = recovery_channel(1.7e-3, 1.7e-6, MUS, PROBS, afterpulse_probability=0.0,
                               blind=0)
    assert (channel.live, channel.eta, channel.background) == (1.0, 1.7e-3, 1.7e-6)
    gain, qber = recovery_gain_qber(wcp_gain(MUS, 1.7e-3, 1.7e-6),
                                    wcp_qber(MUS, 1.7e-3, 1.7e-6, 0.033), PROBS,
                                    afterpulse_probability=0.0, blind=0)
    np.testing.assert_allclose(gain, wcp_gain(MUS, 1.7e-3, 1.7e-6), rtol=1e-12)
    np.testing.assert_allclose(qber, wcp_qber(MUS, 1.7e-3, 1.7e-6, 0.033), rtol=1e-12)


@pytest.mark.parametrize(("p_a", "d"), [(0.0, 40), (0.05, 0), (0.1, 1000), (0.3, 5)])
def test_the_effective_channel_gives_the_observed_figures(p_a: float, d: int) -> None:
    """Single photons exactly; the gains and QBERs to second order in ``eta mu`` and
    ``Y0'`` (module docstring)."""
    eta, y0, e_d = 8e-3, 1.7e-6, 0.033
    gain, qber = recovery_gain_qber(wcp_gain(MUS, eta, y0), wcp_qber(MUS, eta, y0, e_d), PROBS,
                                    afterpulse_probability=p_a, blind=d)
    channel = recovery_channel(eta, y0, MUS, PROBS, afterpulse_probability=p_a, blind=d)
    second_order = float(MUS.max()) * eta * (channel.background + eta) + 1e-12
    np.testing.assert_allclose(channel.live * np.asarray(wcp_gain(MUS, channel.eta,
                                                                  channel.background)),
                               gain, rtol=second_order)
    np.testing.assert_allclose(wcp_qber(MUS, channel.eta, channel.background, e_d), qber,
                               rtol=second_order)
    a, b = recovery_yield_map(float(np.sum(PROBS * wcp_gain(MUS, eta, y0))), p_a, d)
    y1 = float(single_photon_yield(eta, y0))
    e1 = float(single_photon_error_rate(eta, y0, e_d))
    y1_eff = float(single_photon_yield(channel.eta, channel.background))
    assert channel.live * y1_eff == pytest.approx(a * y1 + b, rel=1e-12)
    assert float(single_photon_error_rate(channel.eta, channel.background, e_d)) \
        == pytest.approx((a * e1 * y1 + b / 2) / (a * y1 + b), rel=1e-12)
    assert channel.live == pytest.approx(1 - recovery_shares(
        float(np.sum(PROBS * wcp_gain(MUS, eta, y0))), p_a, d).blind)


def test_afterpulses_add_clicks_of_error_one_half() -> None:
    """The map ``Y' = a Y + b``, ``e'Y' = a e Y + b/2``: the extra errors are half the extra
    clicks ``b``."""
    a, b = recovery_yield_map(0.01, 0.05, 10)
    shares = recovery_shares(0.01, 0.05, 10)
    assert b == pytest.approx(0.05 * shares.first)
    assert a == pytest.approx(0.95 * shares.first + shares.later)
    gain, qber = recovery_gain_qber([0.01], [0.03], [1.0], afterpulse_probability=0.05,
                                    blind=10)
    g = float(np.asarray(gain)[0])
    assert g * float(np.asarray(qber)[0]) == pytest.approx(a * 0.01 * 0.03 + b / 2)


def _chain(q: NDArray, probs: NDArray, p_a: float, d: int, pulses: int,
           rng: np.random.Generator) -> tuple[NDArray, NDArray, NDArray]:
    """Per-pulse reference: the receiver's state step by step (no renewal argument)."""
    intensity = rng.choice(q.size, size=pulses, p=probs)
    u = rng.random(pulses)
    v = rng.random(pulses)
    clicks = np.zeros(q.size, dtype=np.int64)
    afterpulses = np.zeros(q.size, dtype=np.int64)
    dead = 0
    first = False
    for k in range(pulses):
        i = intensity[k]
        if dead > 0:
            dead -= 1
            continue
        click = u[k] < q[i]
        if first and v[k] < p_a:
            afterpulses[i] += 1
            click = True
        first = False
        if click:
            clicks[i] += 1
            dead = d
            first = True
    return np.bincount(intensity, minlength=q.size), clicks, afterpulses


@pytest.mark.parametrize(("p_a", "d"), [(0.0, 5), (0.2, 3)])
def test_the_closed_form_matches_a_per_pulse_chain(p_a: float, d: int) -> None:
    """The renewal shares against a per-pulse simulation of 2e5 pulses at a high click
    probability (5 binomial standard errors)."""
    q = np.array([0.08, 0.02, 1e-3])
    sent, clicks, afterpulses = _chain(q, PROBS, p_a, d, 200_000, np.random.default_rng(7))
    gain, _ = recovery_gain_qber(q, np.full(3, 0.03), PROBS, afterpulse_probability=p_a,
                                 blind=d)
    expected = np.asarray(gain)
    for index in range(3):
        g = float(expected[index])
        se = math.sqrt(g * (1 - g) / sent[index])
        assert clicks[index] / sent[index] == pytest.approx(g, abs=5 * se)
    _, b = recovery_yield_map(float(np.sum(PROBS * q)), p_a, d)
    total = float(afterpulses.sum()) / float(sent.sum())
    assert total == pytest.approx(b, abs=5 * math.sqrt(b / float(sent.sum())) + 1e-12)
