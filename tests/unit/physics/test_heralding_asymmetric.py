"""Heralding with unequal arms, checked against a brute-force optical computation.

The reference below builds the photonic state of each spin configuration in Fock space
(creation operators on labelled modes, with an internal mode that makes node b's photon
partially distinguishable from node a's), sends each photon through its loss and the 50:50
beam splitter, projects onto the click pattern of threshold detectors with dark counts and
reads off the heralded spin density matrix. Nothing of the closed forms is reused.
"""

from __future__ import annotations

import itertools
import math
from collections import Counter

import numpy as np
import pytest

from qfab.physics.detection import noise_click_probability, window_fraction
from qfab.physics.heralding import (
    double_click,
    hom_visibility,
    single_click,
    single_photon_coherence,
)

Label = tuple[object, ...]
Polynomial = dict[tuple[Label, ...], float]


def _photon(node: str, eta: float, overlap: float, round_: int) -> list[tuple[Label, float]]:
    """One photon of ``node`` after its loss and the beam splitter, as a sum of creation
    operators ``(round, port, internal mode)`` with their amplitudes."""
    internal = [(0, 1.0)] if node == "a" else [(0, overlap), (1, math.sqrt(1 - overlap**2))]
    sign = 1.0 if node == "a" else -1.0
    terms: list[tuple[Label, float]] = []
    for mode, amplitude in internal:
        if amplitude == 0:
            continue
        terms.append(((round_, "+", mode), amplitude * math.sqrt(eta / 2)))
        terms.append(((round_, "-", mode), sign * amplitude * math.sqrt(eta / 2)))
        terms.append(((round_, f"lost {node}", mode), amplitude * math.sqrt(1 - eta)))
    return terms


def _product(photons: list[list[tuple[Label, float]]]) -> Polynomial:
    state: Polynomial = {}
    for combination in itertools.product(*photons):
        key = tuple(sorted((label for label, _ in combination), key=repr))
        state[key] = state.get(key, 0.0) + math.prod(amplitude for _, amplitude in combination)
    return state


def _weight(key: tuple[Label, ...], pattern: dict[int, str], d: float) -> float:
    """Norm of the monomial times the probability of the click pattern: in each round only
    the named detector clicks (a photon or a dark count), the other stays silent."""
    counts = Counter(key)
    weight = float(math.prod(math.factorial(n) for n in counts.values()))
    for round_, port in pattern.items():
        other = "-" if port == "+" else "+"
        present = {label[1] for label in key if label[0] == round_}
        if other in present:
            return 0.0
        weight *= (1 - d) * (1.0 if port in present else d)
    return weight


def _heralded(configs: dict[tuple[int, int], tuple[float, list[list[tuple[Label, float]]]]],
              patterns: list[dict[int, str]], d: float) -> tuple[float, np.ndarray]:
    """Success probability and corrected-frame Bell vector summed over the patterns."""
    index = {config: i for i, config in enumerate(((0, 0), (0, 1), (1, 0), (1, 1)))}
    states = {config: _product(photons) for config, (_, photons) in configs.items()}
    total = np.zeros(4)
    for pattern in patterns:
        rho = np.zeros((4, 4))
        for (c1, (amp1, _)), (c2, (amp2, _)) in itertools.product(configs.items(), repeat=2):
            for key, value in states[c1].items():
                other = states[c2].get(key)
                if other is not None:
                    rho[index[c1], index[c2]] += (amp1 * value * amp2 * other
                                                  * _weight(key, pattern, d))
        psi_plus = np.array([0, 1, 1, 0]) / math.sqrt(2)
        psi_minus = np.array([0, 1, -1, 0]) / math.sqrt(2)
        plus, minus = psi_plus @ rho @ psi_plus, psi_minus @ rho @ psi_minus
        target, wrong = max(plus, minus), min(plus, minus)
        odd = rho[0, 0] + rho[3, 3]
        total += [target, odd / 2, odd / 2, wrong]
    p = float(total.sum())
    return p, total / p


def _single_click_reference(a: float, eta_a: float, eta_b: float, d: float
                            ) -> tuple[float, np.ndarray]:
    configs = {}
    for sa, sb in itertools.product((0, 1), repeat=2):
        amplitude = math.sqrt((a if sa else 1 - a) * (a if sb else 1 - a))
        photons = ([_photon("a", eta_a, 1.0, 0)] if sa else []) + \
            ([_photon("b", eta_b, 1.0, 0)] if sb else [])
        configs[(sa, sb)] = (amplitude, photons)
    return _heralded(configs, [{0: "+"}, {0: "-"}], d)


def _double_click_reference(eta_a: float, eta_b: float, d: float, overlap: float
                            ) -> tuple[float, np.ndarray]:
    configs = {}
    for sa, sb in itertools.product((0, 1), repeat=2):
        photons = []
        for node, spin, eta in (("a", sa, eta_a), ("b", sb, eta_b)):
            round_ = 0 if spin else 1  # |1> emits before the flip, |0> after it
            photons.append(_photon(node, eta, overlap, round_))
        configs[(sa, sb)] = (0.5, photons)
    patterns = [{0: p0, 1: p1} for p0, p1 in itertools.product("+-", repeat=2)]
    return _heralded(configs, patterns, d)


@pytest.mark.parametrize(("a", "eta_a", "eta_b", "d"), [
    (0.1, 0.3, 0.3, 0.0), (0.1, 0.3, 0.05, 0.0), (0.2, 0.6, 0.1, 0.02),
    (0.05, 0.01, 0.9, 0.1), (0.3, 0.5, 0.5, 0.05)])
def test_single_click_matches_the_optical_computation(a: float, eta_a: float, eta_b: float,
                                                      d: float) -> None:
    p_ref, vector_ref = _single_click_reference(a, eta_a, eta_b, d)
    p, vector = single_click(a, eta_a, efficiency_b=eta_b, dark_count_probability=d)
    assert float(p) == pytest.approx(p_ref, rel=1e-12)
    assert vector == pytest.approx(vector_ref, abs=1e-12)


@pytest.mark.parametrize(("eta_a", "eta_b", "d", "visibility"), [
    (0.3, 0.3, 0.0, 1.0), (0.3, 0.05, 0.0, 1.0), (0.6, 0.1, 0.02, 0.8),
    (0.02, 0.9, 0.1, 0.5), (0.5, 0.4, 0.01, 0.95)])
def test_double_click_matches_the_optical_computation(eta_a: float, eta_b: float, d: float,
                                                      visibility: float) -> None:
    p_ref, vector_ref = _double_click_reference(eta_a, eta_b, d, math.sqrt(visibility))
    p, vector = double_click(eta_a, efficiency_b=eta_b, dark_count_probability=d,
                             visibility=visibility)
    assert float(p) == pytest.approx(p_ref, rel=1e-12)
    assert vector == pytest.approx(vector_ref, abs=1e-12)


def test_equal_arms_give_the_symmetric_formulas() -> None:
    for eta, d in ((0.3, 0.0), (0.01, 1e-4), (0.9, 0.05)):
        assert double_click(eta, efficiency_b=eta, dark_count_probability=d,
                            visibility=0.9)[0] == pytest.approx(
            double_click(eta, dark_count_probability=d, visibility=0.9)[0], rel=1e-14)
        p, vector = single_click(0.1, eta, efficiency_b=eta, dark_count_probability=d)
        p0, vector0 = single_click(0.1, eta, dark_count_probability=d)
        assert float(p) == pytest.approx(float(p0), rel=1e-14)
        assert vector == pytest.approx(vector0, abs=1e-14)


def test_double_click_without_dark_counts_is_eta_a_eta_b_over_two() -> None:
    p, vector = double_click(0.4, efficiency_b=0.1, visibility=0.8)
    assert float(p) == pytest.approx(0.4 * 0.1 / 2, rel=1e-14)
    assert vector[0] == pytest.approx(0.9, rel=1e-14)


def test_unequal_arms_cost_single_click_fidelity() -> None:
    """The herald's which-node information: the coherent part is sqrt(eta_a eta_b), not the
    mean of the two."""
    _, balanced = single_click(0.01, 0.2, efficiency_b=0.2)
    _, unbalanced = single_click(0.01, 0.35, efficiency_b=0.05)
    assert unbalanced[0] < balanced[0]


def test_overlap_factors() -> None:
    assert float(hom_visibility(1.0, 1.0)) == 1.0
    assert float(hom_visibility(0.9, 0.4)) == pytest.approx(0.6, rel=1e-14)
    assert float(single_photon_coherence(0.9, 0.4)) == pytest.approx(math.sqrt(0.6), rel=1e-14)


def test_noise_photons_and_dark_counts_make_poisson_false_clicks() -> None:
    assert float(noise_click_probability(0.0, 0.0, dark_count_probability=1e-7)) == 1e-7
    d = float(noise_click_probability(0.02, 0.04, dark_count_probability=0.01))
    assert d == pytest.approx(1 - 0.99 * math.exp(-0.03), rel=1e-14)
    # a Monte Carlo of the two arms' Poisson photons split by the beam splitter
    rng = np.random.default_rng(7)
    n = 400_000
    photons = rng.poisson(0.2, n) + rng.poisson(0.6, n)
    to_this_detector = rng.binomial(photons, 0.5)
    clicks = (to_this_detector > 0) | (rng.random(n) < 0.05)
    expected = float(noise_click_probability(0.2, 0.6, dark_count_probability=0.05))
    assert clicks.mean() == pytest.approx(expected, abs=5 * math.sqrt(expected / n))


def test_the_window_fraction_is_the_gaussian_mass_inside_the_window() -> None:
    from statistics import NormalDist
    for window, jitter in ((1e-9, 1e-9), (0.3e-9, 1e-9), (5e-9, 150e-12)):
        sigma = jitter / (2 * math.sqrt(2 * math.log(2)))
        inside = 2 * NormalDist(0, sigma).cdf(window / 2) - 1
        assert float(window_fraction(window, jitter)) == pytest.approx(inside, rel=1e-12)
    assert float(window_fraction(1e-9, 0.0)) == 1.0
    assert window_fraction([1e-9, 2e-9], [1e-9, 0.0])[1] == 1.0
