"""HEG-DELFT-01: the single-click Delft link of Humphreys et al., Nature 558, 268 (2018).

The link is built from the catalog's ``nv_centre`` preset and the experiment's published
parameters, with today's single-click fields (``emitter.efficiency`` times
``detector.efficiency`` is the detection probability per photon, ``bright_state``,
``visibility``, ``detector``, ``cycle_time``):

- detection probability per excitation 3.5e-4 (mean of the two arms 2.8e-4 and 4.2e-4),
  split as zero-phonon fraction 0.03 x collection 0.01458 x detector 0.80; 20 Hz dark counts
  in a 25 ns window; photon indistinguishability 0.9; residual interferometer phase noise
  15 degrees (standard deviation); 5.5 us per attempt; nodes 2 m apart. These are the values
  of the experiment as its authors published them in QuTech's netsquid-nv parameter set
  ``delft_nv_2019`` (see the ``nv_centre`` preset's sources).
- published figures (abstract and Eqs. (1)-(2) of the paper): entangling rates up to 39 Hz;
  remote-state decoherence rate 5 Hz with dynamical decoupling; a fresh state with fidelity
  above 0.5 delivered at every 100 ms clock cycle; this needs a quantum link efficiency
  eta_link = rate / decoherence rate above about 0.83.

The coherence of the heralded state is scaled by the amplitude overlap sqrt(0.9) of the two
photons (a two-photon visibility of 0.9) and by the mean of cos(phi) over Gaussian phase
noise, exp(-sigma^2 / 2); ``visibility`` is their product (0.9167).

What is reproduced: (1) the rate reaches 39 Hz at a bright-state population inside the
single-click range with an entangled heralded state (fidelity > 0.5); (2) with the 5 Hz
decoherence, the deterministic delivery of Eq. (1) reaches a fidelity above 0.5 within one
100 ms clock cycle, and Eq. (2)'s threshold is 0.826 (the paper: about 0.83); the same link
with ten times less detection probability does not, so the check depends on the published
efficiency; (3) one short event-simulation run agrees with the analytic engine within five
standard errors. The paper's claims are inequalities ("up to", "exceeding 0.5"), so the
checks are too, except the threshold (three digits, as the paper gives two).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from scipy.optimize import brentq

from qfab.catalog import preset
from qfab.engines import run
from qfab.loading import parse_scenario
from tests.scenarios import two_node

NV = preset("nv_centre").parameters

#: Published figures of Humphreys et al. 2018 (abstract; Eq. (2) and the text below it).
RATE_HZ = 39.0
DECOHERENCE_HZ = NV["remote_decoherence_rate"].value  # 5 Hz
CLOCK_CYCLE_S = 0.1
ETA_LINK_THRESHOLD = 0.83

#: The experiment's parameters (netsquid-nv delft_nv_2019, values given by its authors).
DETECTOR_EFFICIENCY = 0.80  # Hensen et al. 2015, supplementary information, p. 2
DARK_COUNT_HZ = 20.0
WINDOW_NS = 25.0
PHASE_NOISE_RAD = math.radians(15.0)
VISIBILITY = math.sqrt(NV["indistinguishability"].value) * math.exp(-PHASE_NOISE_RAD**2 / 2)


def _document(alpha: float, *, scale: float = 1.0, pairs: int = 10,
              duration: str = "10 s") -> dict[str, Any]:
    emitter = NV["emission_probability"].value * NV["collection_efficiency"].value * scale
    return two_node({"kind": "single_click", "bright_state": alpha, "length": "2 m",
                     "cycle_time": f"{NV['attempt_duration'].value} us",
                     "emitter": {"efficiency": emitter},
                     "detector": {"efficiency": DETECTOR_EFFICIENCY,
                                  "dark_count_rate": f"{DARK_COUNT_HZ} Hz",
                                  "window": f"{WINDOW_NS} ns"},
                     "visibility": VISIBILITY}, pairs=pairs, duration=duration)


def _analytic(alpha: float, scale: float = 1.0) -> tuple[float, float]:
    """(rate in Hz, heralded-state fidelity) of the analytic engine."""
    result = run(parse_scenario(_document(alpha, scale=scale)), engine="analytic")
    return result.requests[0].rate_hz, result.links[0].fidelity


def _delivered_fidelity(rate: float, fidelity: float, window: float) -> float:
    """Humphreys et al. Eq. (1): a state heralded at time s of a window of length ``window``
    (exponential waiting, rate ``rate``) decoheres (depolarises at ``DECOHERENCE_HZ``) until
    delivery at the window's end; no success delivers a fully mixed state (F_unent = 1/4)::

        F_det = 1/4 + (F_succ - 1/4) * rate / (rate - g) * (exp(-g t) - exp(-rate t)).

    With F_succ = 1 its maximum over t is Eq. (2), 1/4 [1 + 3 eta^(1/(1-eta))]."""
    g = DECOHERENCE_HZ
    return 0.25 + (fidelity - 0.25) * rate / (rate - g) * (math.exp(-g * window)
                                                          - math.exp(-rate * window))


def _best_delivery(scale: float = 1.0) -> tuple[float, float, float]:
    """(best F_det, its bright-state population, its window) over alpha and windows <= 100 ms."""
    best = (0.0, 0.0, 0.0)
    windows = np.linspace(1e-3, CLOCK_CYCLE_S, 100)
    for alpha in np.linspace(0.02, 0.5, 49):
        rate, fidelity = _analytic(float(alpha), scale)
        for window in windows:
            value = _delivered_fidelity(rate, fidelity, float(window))
            if value > best[0]:
                best = (value, float(alpha), float(window))
    return best


def test_the_link_is_the_published_one() -> None:
    """The preset's split of the detection probability gives the published 3.5e-4, and the
    catalog's eta_link is the published rate over the published decoherence rate."""
    per_photon = (NV["emission_probability"].value * NV["collection_efficiency"].value
                  * DETECTOR_EFFICIENCY)
    assert per_photon == pytest.approx(NV["detection_probability"].value, rel=1e-3)
    assert NV["entangling_rate"].value == RATE_HZ
    assert NV["eta_link"].value == pytest.approx(RATE_HZ / DECOHERENCE_HZ, rel=1e-12)


def test_the_rate_reaches_39_hz_with_an_entangled_heralded_state() -> None:
    """Rate up to 39 Hz (abstract): the analytic rate is 39 Hz at alpha ~ 0.31, where the
    heralded state is still entangled (F ~ 0.65 > 0.5); p ~ 2 alpha eta per 5.5 us attempt."""
    alpha = brentq(lambda a: _analytic(a)[0] - RATE_HZ, 0.01, 0.6, xtol=1e-6)
    rate, fidelity = _analytic(alpha)
    assert 0.05 < alpha < 0.5
    assert fidelity > 0.5
    eta = NV["detection_probability"].value
    period = NV["attempt_duration"].value * 1e-6 + 2.0 / 204190.48e3  # 2 m of fibre
    assert rate == pytest.approx(2 * alpha * eta / period, rel=0.02)  # p ~ 2 alpha eta


def test_deterministic_delivery_exceeds_one_half_within_one_clock_cycle() -> None:
    """Abstract: a fresh state with fidelity > 0.5 at every 100 ms cycle with 5 Hz
    decoherence (Eq. (1)); Eq. (2)'s threshold is eta_link ~ 0.83."""
    best, alpha, window = _best_delivery()
    assert best > 0.5 and window <= CLOCK_CYCLE_S and 0.02 < alpha < 0.5
    ten_times_less, _, _ = _best_delivery(scale=0.1)
    assert ten_times_less < 0.5  # the published detection probability is what makes it work

    def eq2(eta_link: float) -> float:
        return 0.25 * (1 + 3 * eta_link ** (1 / (1 - eta_link)))

    threshold = brentq(lambda x: eq2(x) - 0.5, 0.5, 0.99)
    assert threshold == pytest.approx(ETA_LINK_THRESHOLD, abs=0.005)  # 0.82602
    # Eq. (1) with F_succ = 1, maximised over the window, is Eq. (2).
    rate = 5.0 * DECOHERENCE_HZ
    t_best = math.log(rate / DECOHERENCE_HZ) / (rate - DECOHERENCE_HZ)
    assert _delivered_fidelity(rate, 1.0, t_best) == pytest.approx(eq2(5.0), rel=1e-12)


def test_the_event_simulation_agrees_on_the_delft_link() -> None:
    """One des run at alpha = 0.1 (1000 pairs): success probability within five standard
    errors sqrt(p (1 - p) / N) of the analytic one, the same heralded fidelity, and the rate
    within five standard errors rate sqrt((1 - p) / n)."""
    spec = parse_scenario(_document(0.1, pairs=1000, duration="400 s"))
    des = run(spec, engine="des", seed=7)
    analytic = run(spec, engine="analytic")
    p = analytic.links[0].p_success
    attempts = des.links[0].attempts
    assert des.requests[0].delivered == 1000
    assert des.links[0].p_success == pytest.approx(p, abs=5 * math.sqrt(p * (1 - p) / attempts))
    assert des.links[0].fidelity == pytest.approx(analytic.links[0].fidelity, abs=1e-9)
    rate = analytic.requests[0].rate_hz
    assert des.requests[0].rate_hz == pytest.approx(rate, abs=5 * rate * math.sqrt((1 - p) / 1000))
