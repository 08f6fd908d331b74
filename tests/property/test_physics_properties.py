"""Property-based tests of qfab.physics: ranges, normalisation and monotonicity."""

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from qfab.physics import bell_diagonal as bd, detection, fiber, heralding, memory

FAST = settings(max_examples=60, deadline=None)

prob = st.floats(0.0, 1.0)
fid_half = st.floats(0.5, 1.0)
times = st.floats(0.0, 10.0)
lifetimes = st.floats(1e-3, 1e3)


@st.composite
def bell_vectors(draw: st.DrawFn, min_fidelity: float = 0.0) -> np.ndarray:
    f = draw(st.floats(min_fidelity, 1.0))
    rest = np.array([draw(st.floats(0.0, 1.0)) for _ in range(3)])
    rest = rest / rest.sum() * (1 - f) if rest.sum() > 0 else np.full(3, (1 - f) / 3)
    return np.concatenate([[f], rest])


@st.composite
def memories(draw: st.DrawFn) -> tuple[float, float]:
    """(T1, T2) with T2 <= 2 T1; T1 may be infinite."""
    t1 = draw(st.one_of(lifetimes, st.just(float("inf"))))
    t2 = draw(lifetimes) if np.isinf(t1) else t1 * draw(st.floats(1e-3, 2.0))
    return t1, t2


def _valid(v: np.ndarray) -> bool:
    return bd.is_normalized(v, atol=1e-12) and bool(np.all(v >= 0.0))


@FAST
@given(st.floats(0.0, 1e6), st.floats(0.0, 1e-2))
def test_transmittance_is_a_probability(length: float, att: float) -> None:
    assert 0.0 <= fiber.transmittance(length, att) <= 1.0


@FAST
@given(st.floats(0.0, 1e9), st.floats(0.0, 1.0), st.floats(0.0, 100.0), prob, prob)
def test_detection_probabilities_are_probabilities(
        rate: float, window: float, mu: float, eta: float, pd: float) -> None:
    assert 0.0 <= detection.dark_count_probability(rate, window) <= 1.0
    assert 0.0 <= detection.click_probability(mu, eta, dark_count_probability=pd) <= 1.0
    assert 0.0 <= detection.detection_probability(eta, dark_count_probability=pd) <= 1.0


@FAST
@given(bell_vectors(), bell_vectors(), prob, st.floats(0.0, 0.5), prob)
def test_bell_operations_keep_valid_states(
        v1: np.ndarray, v2: np.ndarray, g: float, e: float, p: float) -> None:
    assert _valid(bd.werner(v1[0]))
    assert _valid(bd.twirl(v1))
    assert _valid(bd.depolarize(v1, p))
    assert _valid(bd.swap(v1, v2, gate_depolarization=g, measurement_error=e))
    assert _valid(bd.pauli_channel_to_bell(v1, v2))  # any probability vector is a Pauli channel


@FAST
@given(bell_vectors(), bell_vectors())
def test_purification_keeps_valid_states_and_probabilities(v1: np.ndarray, v2: np.ndarray) -> None:
    for out, p in (bd.bbpssw(v1, v2), bd.dejmps(v1, v2), bd.dejmps(v1)):
        assert 0.0 <= p <= 1.0 + 1e-12
        assert _valid(out)


@FAST
@given(bell_vectors(), times, times, memories(), memories())
def test_decoherence_keeps_valid_states(
        v: np.ndarray, ta: float, tb: float, ma: tuple[float, float],
        mb: tuple[float, float]) -> None:
    out = memory.decohere(v, ta, tb, t1_a=ma[0], t2_a=ma[1], t1_b=mb[0], t2_b=mb[1])
    assert _valid(out)
    assert bd.is_normalized(memory.pauli_twirled_t1_t2(ta, t1=ma[0], t2=ma[1]), atol=1e-12)


@FAST
@given(bell_vectors(min_fidelity=0.5), times, times, st.floats(1.0, 10.0), memories(), memories())
def test_fidelity_never_rises_in_memory(
    v: np.ndarray, ta: float, tb: float, stretch: float,
    ma: tuple[float, float], mb: tuple[float, float]
) -> None:
    kw = {"t1_a": ma[0], "t2_a": ma[1], "t1_b": mb[0], "t2_b": mb[1]}
    earlier = memory.decohere(v, ta, tb, **kw)[0]
    later = memory.decohere(v, ta * stretch, tb * stretch, **kw)[0]
    assert earlier <= v[0] + 1e-12
    assert later <= earlier + 1e-12


@FAST
@given(prob, times, times, st.floats(1e-3, 1e3))
def test_depolarizing_memory_fidelity_never_rises_from_above_a_quarter(
        f0: float, t: float, dt: float, tc: float) -> None:
    f_t = memory.depolarizing_memory_fidelity(f0, t, coherence_time=tc)
    f_later = memory.depolarizing_memory_fidelity(f0, t + dt, coherence_time=tc)
    if f0 >= 0.25:
        assert f_later <= f_t + 1e-12
    assert 0.0 <= f_t <= 1.0


@FAST
@given(fid_half, fid_half)
def test_swap_never_beats_the_worse_werner_input(f1: float, f2: float) -> None:
    assert bd.swap(bd.werner(f1), bd.werner(f2))[0] <= min(f1, f2) + 1e-12


def _exactly_one_click(photons: int, eta: float, d: float) -> float:
    """P(exactly one of two threshold detectors clicks) when ``photons`` (0, 1 or 2) reach
    the beam splitter: one photon leaves by either port, two bunch into one port (perfect
    Hong-Ou-Mandel); a detector clicks on a detected photon or a dark count."""
    silent_lit = (1 - d) * (1 - eta) ** photons  # the port the photons took stays dark
    lit_clicks, dark_clicks = 1 - silent_lit, d  # the other port only dark-counts
    if photons == 0:
        return 2 * d * (1 - d)
    return lit_clicks * (1 - dark_clicks) + (1 - lit_clicks) * dark_clicks


@FAST
@given(prob, prob, prob, prob)
def test_single_click_success_is_the_photon_counting_probability(
        a: float, eta: float, d: float, vis: float) -> None:
    """Herald = exactly one click; photon number 0, 1, 2 with probabilities (1-a)^2,
    2a(1-a), a^2 (Cabrillo et al. 1999). The visibility moves weight, not probability."""
    p, v = heralding.single_click(a, eta, dark_count_probability=d, visibility=vis)
    expected = sum(weight * _exactly_one_click(n, eta, d)
                   for n, weight in ((0, (1 - a) ** 2), (1, 2 * a * (1 - a)), (2, a**2)))
    assert float(p) == pytest.approx(expected, rel=1e-12, abs=1e-15)
    if p > 0:
        assert v[1] == pytest.approx(v[2], rel=1e-12, abs=1e-15)  # |00>, |11> split evenly


@FAST
@given(st.floats(1e-3, 1.0), st.floats(1e-3, 1.0), prob)
def test_single_click_fidelity_without_dark_counts(a: float, eta: float, vis: float) -> None:
    """d = 0: only one photon detected (weight (1-a) eta) or two bunched photons
    (a (eta - eta^2/2)) herald, so F = (1-a)(1+V) / (2 - a eta); V = 1 gives
    2(1-a)/(2 - a eta) (Humphreys et al. 2018, Methods)."""
    _, v = heralding.single_click(a, eta, visibility=vis)
    assert v[0] == pytest.approx((1 - a) * (1 + vis) / (2 - a * eta), rel=1e-9, abs=1e-15)


@FAST
@given(prob, st.floats(1e-9, 1.0))  # dark counts above 1e-9: no subnormal products
def test_photonic_links_without_detected_photons_herald_noise(a: float, d: float) -> None:
    """eta = 0: every herald is a dark count. Single click: p = 2d(1-d) and the spins keep
    their emission state, Phi+ weight a(1-a) from the incoherent |01>, |10> mixture. Double
    click: p = (2d(1-d))^2 per two rounds and all four spin patterns equally likely."""
    p, v = heralding.single_click(a, 0.0, dark_count_probability=d)
    assert float(p) == pytest.approx(2 * d * (1 - d), rel=1e-12, abs=1e-15)
    if p > 0:
        assert v[0] == pytest.approx(a * (1 - a), rel=1e-9, abs=1e-15)
    p, v = heralding.double_click(0.0, dark_count_probability=d)
    assert float(p) == pytest.approx((2 * d * (1 - d)) ** 2, rel=1e-12, abs=1e-15)
    if p > 0:
        assert v == pytest.approx([0.25] * 4, rel=1e-12)


@FAST
@given(st.floats(1e-6, 1.0), prob)  # efficiencies above 1e-6: no subnormal products
def test_double_click_without_dark_counts_is_barrett_kok(eta: float, vis: float) -> None:
    """d = 0: p = eta^2 / 2 and F = (1 + V) / 2 (Barrett & Kok 2005), for any eta > 0."""
    p, v = heralding.double_click(eta, visibility=vis)
    assert float(p) == pytest.approx(eta**2 / 2, rel=1e-12)
    assert v[0] == pytest.approx((1 + vis) / 2, rel=1e-12)


@FAST
@given(prob, prob)
def test_depolarizing_link_heralds_the_werner_state_with_the_given_probability(
        f: float, p_succ: float) -> None:
    p, v = heralding.depolarizing_link(f, p_succ)
    assert float(p) == p_succ
    assert v == pytest.approx([f, (1 - f) / 3, (1 - f) / 3, (1 - f) / 3], rel=1e-12, abs=1e-15)
