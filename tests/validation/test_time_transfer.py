"""Two-way time transfer: the Monte Carlo against the closed forms (REFERENCES CLOCK-QTT-02).

The Monte Carlo draws every contribution per coincidence (biphoton, dispersion, jitter,
tagger rounding, accidentals, the link's environmental noise), so these tests check the
closed forms of qfab.physics.timetransfer, not a restatement of them. Tolerances are 5
standard errors: of a TDEV from its equivalent degrees of freedom (Greenhall & Riley 2003,
qfab.timing.stability), of a mean from the sample's spread, of a count from Poisson.

One estimate per ``tau0`` is a mean over a Poisson number N of coincidences, so its
variance is ``sigma_c^2 E[1/N]``, slightly above ``sigma_c^2 / E[N]`` (2.5 % at 40 per
interval); :func:`per_interval_variance` computes that expectation exactly (with the
accidentals in the window, ``E[(N_s sigma_c^2 + N_b W^2/12) / (N_s + N_b)^2]``), and the
law's ``sigma_c / sqrt(2 R tau)`` is its large-count limit.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.stats import poisson

from qfab.physics import timetransfer as tt
from qfab.timing import (
    ClockModel,
    TimeTransferSetup,
    TransferRun,
    expected,
    simulate,
    stability,
)

#: 40 true coincidences per second and direction, 30 ps per coincidence, few accidentals.
CLEAN = dict(pair_rate=1e5, local_efficiency=0.05, remote_efficiency=0.8, transmittance=0.01,
             length=50e3, jitter_a=20e-12, jitter_b=20e-12, tagger_resolution=4e-12,
             correlation_time=8e-12, window=0.5e-9)


def per_interval_variance(signal: float, background: float, sigma_c: float,
                          window: float) -> float:
    """``E[(N_s sigma_c^2 + N_b W^2/12) / (N_s + N_b)^2 | N_s + N_b > 0]`` over Poisson
    ``N_s`` and ``N_b`` of means ``signal`` and ``background``: the variance of one
    direction's windowed mean."""
    def support(mean: float) -> np.ndarray:
        return np.arange(int(mean + 12 * math.sqrt(mean + 1) + 20))

    ks, kb = support(signal), support(background)
    weights = np.outer(poisson.pmf(ks, signal), poisson.pmf(kb, background))
    s, b = np.meshgrid(ks, kb, indexing="ij")
    total = s + b
    with np.errstate(invalid="ignore", divide="ignore"):
        value = np.where(total > 0, (s * sigma_c**2 + b * window**2 / 12) / total**2, 0.0)
    return float(np.sum(weights * value) / (1.0 - weights[0, 0]))


def two_way_white_tdev(setup: TimeTransferSetup, taus: np.ndarray) -> np.ndarray:
    """TDEV of independent per-interval estimates ``(m_ab - m_ba) / 2``."""
    e = expected(setup)
    rate = setup.pair_coincidence_rate * setup.tau0
    variance = 0.25 * sum(
        per_interval_variance(rate, tt.accidental_rate(*setup.singles(d), setup.window)
                              * setup.tau0, e.sigma_c, setup.window) for d in ("ab", "ba"))
    return np.sqrt(variance * setup.tau0 / taus)


def _tdev(x: np.ndarray, tau0: float, alpha: int = stability.WHITE_PM
          ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    return stability.tdev(x, tau0, alpha=alpha)


@pytest.fixture(scope="module")
def clean_run() -> TransferRun:
    """20,000 s of the clean link."""
    return simulate(TimeTransferSetup(**CLEAN), 20_000.0, np.random.default_rng(101))


def test_two_way_precision_follows_sigma_c_over_sqrt_2_r_tau(clean_run: TransferRun) -> None:
    setup = TimeTransferSetup(**CLEAN)
    e = expected(setup)
    assert e.coincidence_rate == pytest.approx(40.0, rel=1e-9)
    assert e.sigma_effective / e.sigma_c - 1.0 < 1e-3  # the accidentals do not matter here
    run = clean_run
    taus, dev, err = _tdev(run.errors, setup.tau0)
    model = two_way_white_tdev(setup, taus)
    assert np.all(np.abs(dev - model) < 5 * err), dev / model
    # the law itself, to the finite-count factor sqrt(R tau0 E[1/N]) = 1.0126 at 40
    law = e.precision(taus)
    np.testing.assert_allclose(model / law, 1.0126, atol=5e-4)
    short = taus <= 1024  # the slope where the estimates have many degrees of freedom
    assert np.polyfit(np.log(taus[short]), np.log(dev[short]), 1)[0] == pytest.approx(
        -0.5, abs=0.03)


def test_one_way_precision_follows_sigma_c_over_sqrt_r_tau(clean_run: TransferRun) -> None:
    setup = TimeTransferSetup(**CLEAN)
    run = clean_run
    taus, dev, err = _tdev(run.one_way_errors, setup.tau0)
    model = two_way_white_tdev(setup, taus) * math.sqrt(2.0)
    assert np.all(np.abs(dev - model) < 5 * err), dev / model
    law = expected(setup).precision(taus, directions=1)
    np.testing.assert_allclose(model / law, 1.0126, atol=5e-4)


def test_precision_levels_at_the_floor() -> None:
    """120,000 s at 40 coincidences/s per direction with a 0.3 ps environmental floor and
    noisy, drifting clocks: white at short tau, flat at the floor at long tau; the
    acquisition finds the offset to within sigma_c."""
    floor = 0.3e-12
    setup = TimeTransferSetup(**CLEAN, floor=floor,
                              clock_a=ClockModel(offset=3e-6, frequency_offset=1e-11,
                                                 white_pm=5e-12, random_walk_fm=1e-13),
                              clock_b=ClockModel(offset=-1e-6, frequency_offset=-4e-11,
                                                 drift=1e-16, flicker_pm=2e-12))
    run = simulate(setup, 120_000.0, np.random.default_rng(103))
    taus, dev, _ = _tdev(run.errors, setup.tau0)
    white = two_way_white_tdev(setup, taus)
    model = np.sqrt(white**2 + floor**2)
    # error bars for the dominant noise type at each tau
    alpha = np.where(white > floor, stability.WHITE_PM, stability.FLICKER_PM)
    err = np.array([stability.standard_errors([d], [t], setup.tau0, run.errors.size,
                                              alpha=int(a))[0]
                    for d, t, a in zip(dev, taus, alpha)])
    assert np.all(np.abs(dev - model) < 5 * err), dev / model
    long = taus >= 2048
    assert np.all(dev[long] > 3 * white[long])  # levelled off, no longer white
    e = expected(setup)
    assert abs(run.acquired_offset - (run.true_offsets[0] + e.bias)) < e.sigma_c
    assert np.isfinite(run.errors).all()


@pytest.mark.parametrize("asymmetry", [0.0, 2e-3, -5e-3])
def test_asymmetry_bias_is_half_the_one_way_difference(asymmetry: float) -> None:
    """2.449 ps per mm: the mean error is half the delay difference of the directions."""
    setup = TimeTransferSetup(**CLEAN, asymmetry=asymmetry)
    run = simulate(setup, 5_000.0, np.random.default_rng(104))
    half_difference = 0.5 * (setup.delay("ab") - setup.delay("ba"))
    assert half_difference == pytest.approx(-asymmetry / 1e-3 * 2.449e-12, rel=2e-4, abs=1e-18)
    assert expected(setup).bias == pytest.approx(half_difference, rel=1e-6, abs=1e-20)
    se = np.std(run.errors) / math.sqrt(run.errors.size)
    assert abs(np.mean(run.errors) - half_difference) < 5 * se


def test_accidentals_match_sa_sb_w_and_their_precision_cost() -> None:
    """20,000 dark counts/s per detector and a 2 ns window: about 1 accidental per second
    and direction; the estimate's spread is the background formula's."""
    setup = TimeTransferSetup(**{**CLEAN, "window": 2e-9}, dark_rate_a=2e4, dark_rate_b=2e4)
    e = expected(setup)
    duration = 10_000.0
    run = simulate(setup, duration, np.random.default_rng(105))
    total = sum(float(tt.accidental_rate(*setup.singles(d), setup.window))
                for d in ("ab", "ba")) * duration
    assert total == pytest.approx(2 * e.accidental_rate * duration)
    assert abs(run.accidentals.sum() - total) < 5 * math.sqrt(total)
    taus, dev, err = _tdev(run.errors, setup.tau0)
    model = two_way_white_tdev(setup, taus)
    assert np.all(np.abs(dev - model) < 5 * err), dev / model
    # the accidentals cost most of the precision: sigma_eff about 3.3 x sigma_c
    assert e.sigma_effective > 3 * e.sigma_c
    assert float(e.precision(1.0)) == pytest.approx(model[0], rel=0.05)


@pytest.mark.parametrize("cancel", [False, True])
def test_dispersion_and_its_nonlocal_cancellation(cancel: bool) -> None:
    """0.8 nm through 50 km of 17 ps/(nm km): 680 ps per coincidence; with energy-time
    entangled pairs and the opposite dispersion on the kept photon, only the pump's
    0.01 nm (8.5 ps) is left."""
    setup = TimeTransferSetup(**{**CLEAN, "window": 10e-9 if not cancel else 0.5e-9},
                              dispersion=17e-6, bandwidth=0.8e-9, nonlocal_cancellation=cancel,
                              pump_bandwidth=0.01e-9)
    e = expected(setup)
    assert e.components["dispersion"] == pytest.approx(8.5e-12 if cancel else 680e-12)
    run = simulate(setup, 5_000.0, np.random.default_rng(106 + cancel))
    taus, dev, err = _tdev(run.errors, setup.tau0)
    model = two_way_white_tdev(setup, taus)
    assert np.all(np.abs(dev - model) < 5 * err), dev / model
