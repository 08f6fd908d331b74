"""The time-transfer setup, its closed-form expectation and the Monte Carlo's bookkeeping."""

from __future__ import annotations

import math

import numpy as np
import pytest

from qfab.physics import timetransfer as tt
from qfab.timing import (
    ClockModel,
    TimeTransferSetup,
    expected,
    simulate,
    transfer as transfer_module,
)

BASE = dict(pair_rate=1e6, local_efficiency=0.5, remote_efficiency=0.8, transmittance=1e-4,
            length=100e3)


def test_expected_rates_spreads_and_bias() -> None:
    setup = TimeTransferSetup(**BASE, jitter_a=20e-12, jitter_b=15e-12, tagger_resolution=6e-12,
                              correlation_time=2e-12, dispersion=17e-6, bandwidth=0.1e-9,
                              dark_rate_a=200.0, dark_rate_b=100.0, window=2e-9,
                              asymmetry=3e-3, floor=0.2e-12)
    e = expected(setup)
    c = e.components
    assert c["detector_jitter"] == pytest.approx(25e-12)
    assert c["tagger"] == pytest.approx(6e-12 / math.sqrt(6))
    assert c["dispersion"] == pytest.approx(17e-6 * 100e3 * 0.1e-9, rel=1e-6)  # 170 ps
    assert e.sigma_c == pytest.approx(math.sqrt(25**2 + 6 + 170**2 + 4) * 1e-12, rel=1e-6)
    inside = math.erf(2e-9 / (2 * math.sqrt(2) * e.sigma_c))
    assert e.coincidence_rate == pytest.approx(40.0 * inside)
    # singles: local 5e5 + dark, remote 80 + dark; accidentals S_A S_B W averaged over both
    acc = 0.5 * ((5e5 + 200) * (80 + 100) + (5e5 + 100) * (80 + 200)) * 2e-9
    assert e.accidental_rate == pytest.approx(acc)
    assert e.bias == pytest.approx(-3 * 2.449e-12, rel=1e-3)
    assert e.floor == 0.2e-12
    budget = e.budget(10.0)
    assert sum(budget.values()) == pytest.approx(1.0)
    assert max(budget, key=budget.__getitem__) == "dispersion"
    assert e.precision(10.0) == pytest.approx(
        math.sqrt(e.sigma_effective**2 / (2 * e.coincidence_rate * 10.0) + 0.04e-24))
    target = 1e-12
    assert e.precision(e.time_to_target(target)) == pytest.approx(target)


def test_nonlocal_cancellation_leaves_the_pump_width() -> None:
    plain = TimeTransferSetup(**BASE, dispersion=17e-6, bandwidth=0.8e-9)
    cancelled = TimeTransferSetup(**BASE, dispersion=17e-6, bandwidth=0.8e-9,
                                  nonlocal_cancellation=True, pump_bandwidth=0.01e-9)
    assert expected(plain).components["dispersion"] == pytest.approx(1360e-12)
    assert expected(cancelled).components["dispersion"] == pytest.approx(17e-12)


def test_one_way_precision_and_floor() -> None:
    e = expected(TimeTransferSetup(**BASE, jitter_a=30e-12, floor=0.1e-12))
    tau = 100.0
    assert e.precision(tau, directions=1) == pytest.approx(
        float(tt.tdev_model(tau, e.sigma_effective, e.coincidence_rate,
                            math.sqrt(2) * 0.1e-12, directions=1)))
    assert e.time_to_target(0.1e-12) == math.inf


@pytest.mark.parametrize(("field", "value"), [("local_efficiency", 1.5), ("window", 0.0),
                                              ("jitter_a", -1e-12), ("tau0", 0.0),
                                              ("asymmetry", -200e3), ("pair_rate", math.nan)])
def test_bad_setups_name_their_field(field: str, value: float) -> None:
    with pytest.raises(ValueError, match=field):
        TimeTransferSetup(**{**BASE, field: value})


def test_simulate_bookkeeping_in_small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Chunks of a few intervals give the same statistics; progress reaches 1; errors are
    estimates minus true offsets; NaN marks intervals without coincidences."""
    monkeypatch.setattr(transfer_module, "CHUNK_EVENTS", 64)
    setup = TimeTransferSetup(pair_rate=2e4, local_efficiency=0.5, remote_efficiency=0.5,
                              transmittance=0.01, length=10e3, jitter_a=30e-12,
                              clock_a=ClockModel(offset=2e-7, frequency_offset=1e-10),
                              clock_b=ClockModel(white_pm=1e-12), tau0=0.1)
    seen: list[float] = []
    run = simulate(setup, 200.0, np.random.default_rng(4), progress=seen.append)
    assert len(seen) > 10 and seen[-1] == 1.0 and seen == sorted(seen)
    assert run.estimates.size == 2000
    finite = np.isfinite(run.estimates)
    np.testing.assert_allclose(run.errors[finite],
                               run.estimates[finite] - run.true_offsets[finite],
                               rtol=0, atol=1e-18)
    # 5 coincidences per interval and direction: some intervals are empty in one direction
    empty = np.exp(-5.0)
    assert (~finite).any()
    assert abs((~finite).mean() - (1 - (1 - empty) ** 2)) < 5 * math.sqrt(
        2 * empty / run.estimates.size)
    assert abs(run.acquired_offset - (-2e-7)) < 1e-9
    assert len(run.tdev()) >= 5 and len(run.adev()) >= 5


def test_simulate_refuses_too_short_runs() -> None:
    with pytest.raises(ValueError, match="duration"):
        simulate(TimeTransferSetup(**BASE), 2.0, np.random.default_rng(1))


def test_full_intervals_are_drawn_in_several_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    """With batches of 2 events, each interval's 5 + 5 coincidences come in 3 draws per
    direction: the counts stay Poisson of the full mean."""
    monkeypatch.setattr(transfer_module, "CHUNK_EVENTS", 2)
    setup = TimeTransferSetup(pair_rate=2e4, local_efficiency=0.5, remote_efficiency=0.5,
                              transmittance=0.01, length=10e3, jitter_a=30e-12, tau0=0.1)
    run = simulate(setup, 30.0, np.random.default_rng(8))
    mean = 2 * setup.pair_coincidence_rate * setup.tau0
    assert abs(run.coincidences.mean() - mean) < 5 * math.sqrt(mean / run.coincidences.size)
    assert run.coincidences.var() == pytest.approx(mean, rel=0.3)


def test_runs_too_large_to_draw_are_refused() -> None:
    setup = TimeTransferSetup(pair_rate=1e9, local_efficiency=1.0, remote_efficiency=1.0,
                              transmittance=1.0, length=1e3)
    with pytest.raises(ValueError, match="duration: .* too many"):
        simulate(setup, 100.0, np.random.default_rng(1))
