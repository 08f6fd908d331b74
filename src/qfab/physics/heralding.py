"""Heralded entanglement generation between two nodes: success probability and state.

Every model returns ``(p_success, bell_vector)``: the probability that one attempt
heralds a pair, shape ``S`` (the broadcast shape of the arguments; a NumPy scalar for
scalar arguments), and the Bell vector of the heralded pair, shape ``S + (4,)``, in the
order ``(Phi+, Psi-, Psi+, Phi-)`` of :mod:`qfab.physics.bell_diagonal`.

Photonic schemes herald ``Psi+`` or ``Psi-`` depending on which detector(s) clicked. The
vector returned is in the frame after the standard local Pauli correction that maps the
heralded Bell state to ``Phi+`` (X on one qubit for ``Psi+``, Y for ``Psi-``). In that
frame a spin population error (``|00>`` or ``|11>``, which the correction turns into
``|01>`` or ``|10>``) has half weight on ``Psi-`` and half on ``Psi+``; a lost coherence
between ``|01>`` and ``|10>`` (an incoherent mixture of the right parity) has half weight on
``Phi+`` and half on ``Phi-``.

Bell-diagonal (twirling) approximation: the heralded density matrices are block-diagonal
but not Bell-diagonal (``|00><00|`` has coherence between ``Phi+`` and ``Phi-`` in the Bell
basis). Only their Bell-basis diagonal is kept, which is exact for the fidelity and is the
state after a Pauli twirl.

Detectors are threshold (click / no-click) detectors; ``efficiency`` is the end-to-end
probability that a photon emitted by *one* node clicks the midpoint detector it reaches
(collection, frequency conversion, fibre transmittance to the midpoint and detector
efficiency). The two nodes may differ: ``efficiency`` is node a's and ``efficiency_b``
node b's (default: equal to ``efficiency``; the formulas are then exactly the symmetric
ones). ``dark_count_probability`` is the probability of a false click (dark count or noise
photon) in each of the two midpoint detectors per detection window
(:func:`qfab.physics.detection.noise_click_probability`).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from qfab.physics import _checks
from qfab.physics._checks import FloatArray
from qfab.physics.bell_diagonal import werner

__all__ = ["depolarizing_link", "double_click", "double_click_visibility", "hom_visibility",
           "single_click", "single_photon_coherence"]


def _assemble(
    coherent: FloatArray,
    visibility: FloatArray,
    mixed_same_parity: FloatArray,
    other_parity: FloatArray,
    n_patterns: int,
) -> tuple[FloatArray, FloatArray]:
    """Bell vector and success probability from the unnormalised weights of one pattern.

    ``coherent``: weight of the heralded Bell state, whose coherence is scaled by
    ``visibility``; ``mixed_same_parity``: incoherent mixture of ``|01>`` and ``|10>``;
    ``other_parity``: ``|00>`` and ``|11>`` populations. All in the corrected frame and for
    one of ``n_patterns`` equivalent click patterns.
    """
    coherent, visibility, mixed_same_parity, other_parity = np.broadcast_arrays(
        coherent, visibility, mixed_same_parity, other_parity
    )
    unnormalized = np.stack(
        [
            coherent * (1 + visibility) / 2 + mixed_same_parity / 2,  # Phi+
            other_parity / 2,  # Psi-
            other_parity / 2,  # Psi+
            coherent * (1 - visibility) / 2 + mixed_same_parity / 2,  # Phi-
        ],
        axis=-1,
    )
    total = unnormalized.sum(axis=-1)
    safe = np.where(total > 0, total, 1.0)[..., None]
    vector = np.where(total[..., None] > 0, unnormalized / safe, 0.25)
    p_success = np.clip(n_patterns * total, 0.0, 1.0)
    return _checks.scalar_or_array(p_success), vector


def depolarizing_link(
    fidelity: ArrayLike, success_probability: ArrayLike
) -> tuple[FloatArray, FloatArray]:
    """Phenomenological link: each attempt heralds a Werner pair with a fixed probability.

    Parameters
    ----------
    fidelity : array_like
        Fidelity in [0, 1] of each heralded pair (a Werner state).
    success_probability : array_like
        Probability in [0, 1] that an attempt succeeds.

    Returns
    -------
    p_success : numpy.ndarray or numpy.float64
        ``success_probability`` broadcast against ``fidelity``.
    bell_vector : numpy.ndarray
        ``werner(fidelity)``, shape ``S + (4,)``.

    Notes
    -----
    Source: the depolarised-link model of repeater-chain analyses, e.g. Brand, Coopmans,
    Elkouss, IEEE JSAC 38, 619 (2020), Sec. II (links delivered as Werner states with a
    per-attempt success probability).
    """
    f = _checks.probability("fidelity", fidelity)
    p = _checks.probability("success_probability", success_probability)
    f, p = np.broadcast_arrays(f, p)
    return _checks.scalar_or_array(np.array(p)), werner(f)


def single_click(
    bright_state: ArrayLike,
    efficiency: ArrayLike,
    *,
    dark_count_probability: ArrayLike = 0.0,
    visibility: ArrayLike = 1.0,
    efficiency_b: ArrayLike | None = None,
) -> tuple[FloatArray, FloatArray]:
    """Single-click (single-photon) heralding with a midpoint beam splitter.

    Each node prepares ``sqrt(1-a)|0>|no photon> + sqrt(a)|1>|photon>`` (bright-state
    population ``a``); the photons meet at a 50:50 beam splitter with a threshold detector
    on each output. A pair is heralded when exactly one of the two detectors clicks. With
    ``eta`` the efficiency, ``d`` the dark-count probability per detector and ``V`` the
    visibility, one click pattern (one specific detector) has the unnormalised weights

    - coherent ``Psi``: ``E = a(1-a) eta (1-d)`` (one photon, detected);
    - ``|01>``/``|10>`` without coherence: ``S = 2a(1-a)(1-eta) d(1-d)``
      (the photon was lost and the detector dark-counted);
    - ``|00>``: ``Z0 = (1-a)^2 d(1-d)`` (a false herald from a dark count alone);
    - ``|11>``: ``Z1 = a^2 (1-d) [eta - eta^2/2 + (1-eta)^2 d]`` (two photons, which
      bunch into the same output port).

    ``p_success = 2 (E + S + Z0 + Z1)``. In the corrected frame the state is
    ``Phi+: E(1+V)/2 + S/2``, ``Phi-: E(1-V)/2 + S/2``, ``Psi-, Psi+: (Z0 + Z1)/2`` each,
    divided by ``E + S + Z0 + Z1``. Without dark counts and with ``V = 1`` this is
    ``p = 2 a eta - a^2 eta^2`` and ``F = 2(1-a)/(2 - a eta)``.

    Asymmetric arms (node a's photon detected with ``eta_a``, node b's with ``eta_b``): the
    single-excitation term after a click is ``sqrt(eta_a)|10> + sqrt(eta_b)|01>`` (times
    ``sqrt(a(1-a)/2)``), whose populations ``(eta_a + eta_b)/2`` hold a coherent part
    ``sqrt(eta_a eta_b)`` and an incoherent excess ``(sqrt(eta_a) - sqrt(eta_b))^2 / 2``, so
    ``E = a(1-a) sqrt(eta_a eta_b)(1-d)``,
    ``S = a(1-a)[(2 - eta_a - eta_b) d + (sqrt(eta_a) - sqrt(eta_b))^2 / 2](1-d)`` and
    ``Z1 = a^2 (1-d)[(eta_a + eta_b)/2 - eta_a eta_b / 2 + (1-eta_a)(1-eta_b) d]``; with
    ``eta_a = eta_b`` these are the weights above.

    Parameters
    ----------
    bright_state : array_like
        Bright-state population ``a`` in [0, 1].
    efficiency : array_like
        End-to-end detection efficiency ``eta`` in [0, 1] of one node's photon (node a's
        when ``efficiency_b`` is given).
    dark_count_probability : array_like, optional
        Dark-count probability ``d`` in [0, 1] of each detector per window (default 0).
    visibility : array_like, optional
        Phase (interferometric) visibility ``V`` in [0, 1] of the heralded state's
        coherence: it multiplies the ``|01><10|`` coherence, moving weight ``(1-V)/2`` of
        the entangled part from ``Phi+`` to the phase-flipped ``Phi-`` (default 1).
    efficiency_b : array_like, optional
        Detection efficiency ``eta_b`` of node b's photon (default: ``efficiency``).

    Returns
    -------
    p_success : numpy.ndarray or numpy.float64
        Herald probability per attempt, shape ``S``.
    bell_vector : numpy.ndarray
        Bell vector of the heralded pair in the corrected frame, shape ``S + (4,)``;
        the maximally mixed vector where ``p_success`` is 0.

    Notes
    -----
    Sources: C. Cabrillo, J. I. Cirac, P. García-Fernández, P. Zoller, PRA 59, 1025
    (1999) for the scheme; P. C. Humphreys et al., Nature 558, 268 (2018), Methods, and
    S. L. N. Hermans et al., NJP 25, 013011 (2023) for the model (the ideal limits
    ``p ≈ 2 a eta``, ``F ≈ 1 - a``). Modelling choices: ``V`` acts only on the coherence of
    the single-excitation term (phase instability); the two photons of the ``|11>`` term are
    assumed to bunch perfectly, which is the conservative choice because partially
    distinguishable photons would split and be rejected as two clicks. Dark counts are
    included exactly for threshold detectors (a dark count in the clicking detector is
    harmless, one in the other detector vetoes the herald), and false heralds keep the spin
    state the emission left: ``|00>`` after no emission, a mixture of ``|01>`` and ``|10>``
    after a lost photon. Only the Bell-basis diagonal is kept (module docstring).
    """
    a = _checks.probability("bright_state", bright_state)
    eta = _checks.probability("efficiency", efficiency)
    d = _checks.probability("dark_count_probability", dark_count_probability)
    vis = _checks.probability("visibility", visibility)
    dark_only = d * (1 - d)
    if efficiency_b is None:
        coherent = a * (1 - a) * eta * (1 - d)
        mixed = 2 * a * (1 - a) * (1 - eta) * dark_only
        two_photons = a**2 * (1 - d) * (eta - eta**2 / 2 + (1 - eta) ** 2 * d)
    else:
        eta_b = _checks.probability("efficiency_b", efficiency_b)
        root_a, root_b = np.sqrt(eta), np.sqrt(eta_b)
        coherent = a * (1 - a) * (root_a * root_b) * (1 - d)
        mixed = (a * (1 - a) * (1 - eta) * dark_only + a * (1 - a) * (1 - eta_b) * dark_only
                 + a * (1 - a) * (root_a - root_b) ** 2 / 2 * (1 - d))
        two_photons = a**2 * (1 - d) * ((eta + eta_b) / 2 - eta * eta_b / 2
                                        + (1 - eta) * (1 - eta_b) * d)
    vacuum = (1 - a) ** 2 * dark_only
    return _assemble(coherent, vis, mixed, vacuum + two_photons, n_patterns=2)


def double_click(
    efficiency: ArrayLike,
    *,
    dark_count_probability: ArrayLike = 0.0,
    visibility: ArrayLike = 1.0,
    efficiency_b: ArrayLike | None = None,
) -> tuple[FloatArray, FloatArray]:
    """Double-click (Barrett–Kok) heralding.

    Each node prepares ``(|0> + |1>)/sqrt(2)`` with ``|1>`` emitting a photon, the photons
    meet at a midpoint 50:50 beam splitter with two threshold detectors, the spins are
    flipped and the emission is repeated. A pair is heralded when exactly one detector
    clicks in each of the two rounds (same detector: ``Psi+``, different: ``Psi-``). With
    ``eta`` the efficiency, ``d`` the dark-count probability per detector per round and
    ``V`` the two-photon (Hong–Ou–Mandel) visibility, define per round and per specific
    detector ``q0 = d(1-d)`` (no photon), ``c = eta(1-d)/2`` (one photon, detected there),
    ``q1 = c + (1-eta) d(1-d)`` (one photon, any cause) and
    ``q2 = (1-d)[eta^2 (1+V)/4 + eta(1-eta) + (1-eta)^2 d]`` (two photons). One of the four
    click patterns then has the unnormalised weights

    - coherent ``Psi``: ``C = c^2 / 2`` (both photons detected);
    - ``|01>``/``|10>`` without coherence: ``I = (q1^2 - c^2)/2`` (a photon lost and a dark
      count instead);
    - ``|00>``/``|11>``: ``O = q0 q2 / 2`` (both photons in one round, a dark count in the
      other).

    ``p_success = 4 (C + I + O)``; in the corrected frame the state is
    ``Phi+: C(1+V)/2 + I/2``, ``Phi-: C(1-V)/2 + I/2``, ``Psi-, Psi+: O/2`` each, divided
    by ``C + I + O``. Without dark counts, ``p = eta^2 / 2`` and ``F = (1+V)/2``
    (``F = 1`` for ``V = 1``).

    Asymmetric arms (``eta_a``, ``eta_b``): the heralded configurations ``|10>`` and
    ``|01>`` each need node a's photon in one round and node b's in the other, so both
    detected photons carry the same amplitude ``sqrt(eta_a eta_b)/2`` in either order and
    ``C = c_a c_b / 2``, ``I = (q1_a q1_b - c_a c_b)/2`` with ``c_x``, ``q1_x`` the per-node
    quantities above; two photons in one round give
    ``q2 = (1-d)[eta_a eta_b (1+V)/4 + (eta_a(1-eta_b) + eta_b(1-eta_a))/2
    + (1-eta_a)(1-eta_b) d]``. Without dark counts ``p = eta_a eta_b / 2`` and still
    ``F = (1+V)/2``.

    Parameters
    ----------
    efficiency : array_like
        End-to-end detection efficiency ``eta`` in [0, 1] of one node's photon (node a's
        when ``efficiency_b`` is given).
    dark_count_probability : array_like, optional
        Dark-count probability ``d`` in [0, 1] of each detector per detection window
        (each round has one window). Default 0.
    visibility : array_like, optional
        Two-photon interference visibility ``V = |<psi_a|psi_b>|^2`` in [0, 1] of the
        photons of the two nodes (default 1). It multiplies the heralded coherence (one
        overlap factor per round) and sets the bunching probability ``(1+V)/2`` of two
        photons in the same round.
    efficiency_b : array_like, optional
        Detection efficiency ``eta_b`` of node b's photon (default: ``efficiency``).

    Returns
    -------
    p_success : numpy.ndarray or numpy.float64
        Herald probability per attempt (two rounds), shape ``S``.
    bell_vector : numpy.ndarray
        Bell vector of the heralded pair in the corrected frame, shape ``S + (4,)``;
        the maximally mixed vector where ``p_success`` is 0.

    Notes
    -----
    Source: S. D. Barrett & P. Kok, PRA 71, 060310(R) (2005), the two-round protocol with
    success probability ``eta^2/2``; photon distinguishability reduces the fidelity to
    ``(1+V)/2`` and dark counts add false heralds, the error sources listed for the
    scheme's use by Hensen et al., Nature 526, 682 (2015). Dark counts are
    included exactly for threshold detectors; a false herald keeps the spin state of its
    emission configuration. Only the Bell-basis diagonal is kept (module docstring).
    """
    eta = _checks.probability("efficiency", efficiency)
    d = _checks.probability("dark_count_probability", dark_count_probability)
    vis = _checks.probability("visibility", visibility)
    q0 = d * (1 - d)
    c = eta * (1 - d) / 2
    q1 = c + (1 - eta) * q0
    if efficiency_b is None:
        q2 = (1 - d) * (eta**2 * (1 + vis) / 4 + eta * (1 - eta) + (1 - eta) ** 2 * d)
        coherent = c**2 / 2
        mixed = (q1**2 - c**2) / 2
    else:
        eta_b = _checks.probability("efficiency_b", efficiency_b)
        c_b = eta_b * (1 - d) / 2
        q1_b = c_b + (1 - eta_b) * q0
        q2 = (1 - d) * (eta * eta_b * (1 + vis) / 4
                        + (eta * (1 - eta_b) + eta_b * (1 - eta)) / 2
                        + (1 - eta) * (1 - eta_b) * d)
        coherent = c * c_b / 2
        mixed = (q1 * q1_b - c * c_b) / 2
    other = q0 * q2 / 2
    return _assemble(coherent, vis, mixed, other, n_patterns=4)


def hom_visibility(indistinguishability_a: ArrayLike,
                   indistinguishability_b: ArrayLike) -> FloatArray:
    """Two-photon (Hong-Ou-Mandel) visibility of photons from two different emitters.

    ``V_ab = sqrt(M_a M_b)``, with ``M_x`` the self-visibility (indistinguishability) of
    emitter ``x``, the visibility of two successive photons of the same emitter.

    Parameters
    ----------
    indistinguishability_a, indistinguishability_b : array_like
        ``M_a``, ``M_b`` in [0, 1].

    Returns
    -------
    numpy.ndarray or numpy.float64
        ``V_ab`` in [0, 1] (exactly 1 for two ideal emitters).

    Notes
    -----
    For photons with purities ``P_x`` and equal mean modes, the HOM visibility of two
    independent photons is ``Tr(rho_a rho_b)``, bounded by ``sqrt(P_a P_b)`` (Cauchy-Schwarz
    on the Hilbert-Schmidt product) with equality for equal spectra: the geometric mean is
    the visibility of two emitters of the same design. Source: the HOM visibility
    ``V = Tr(rho_1 rho_2)`` of partially distinguishable photons, e.g. A. M. Brańczyk,
    arXiv:1711.00080 (2017), Sec. 5; and Tomm et al., Nat. Nanotechnol. 16, 399 (2021) for
    the self-visibility of a quantum-dot source as its indistinguishability.
    """
    m_a = _checks.probability("indistinguishability_a", indistinguishability_a)
    m_b = _checks.probability("indistinguishability_b", indistinguishability_b)
    return _checks.scalar_or_array(np.sqrt(m_a * m_b))


def single_photon_coherence(indistinguishability_a: ArrayLike,
                            indistinguishability_b: ArrayLike) -> FloatArray:
    """Factor on the heralded coherence of single-click heralding from the emitters' overlap.

    The single-click herald erases which node emitted one photon; its coherence is the
    amplitude overlap ``|<psi_a|psi_b>|`` of the two photon modes, the square root of their
    two-photon visibility: ``sqrt(V_ab) = (M_a M_b)^(1/4)`` (:func:`hom_visibility`).

    Parameters
    ----------
    indistinguishability_a, indistinguishability_b : array_like
        ``M_a``, ``M_b`` in [0, 1].

    Returns
    -------
    numpy.ndarray or numpy.float64
        The factor in [0, 1] (exactly 1 for two ideal emitters).

    Notes
    -----
    Source: S. L. N. Hermans et al., NJP 25, 013011 (2023), Sec. 2: the single-photon
    entangled state's coherence is multiplied by the photon overlap, ``sqrt(V)`` in terms of
    the measured two-photon visibility ``V``; the same holds in Humphreys et al., Nature 558,
    268 (2018), Methods.
    """
    return _checks.scalar_or_array(np.sqrt(hom_visibility(indistinguishability_a,
                                                          indistinguishability_b)))


def double_click_visibility(fidelity: ArrayLike) -> FloatArray:
    """Interference visibility ``V`` that gives a double-click pair of ``fidelity``.

    Without dark counts the double-click herald gives ``F = (1 + V) / 2``
    (:func:`double_click`; Barrett and Kok, PRA 71, 060310(R) (2005)), so ``V = 2 F - 1``:
    the visibility a link needs to reproduce a measured heralded fidelity.

    Parameters
    ----------
    fidelity : array_like
        Heralded-pair fidelity in [0.5, 1].

    Returns
    -------
    numpy.ndarray or numpy.float64
        The visibility in [0, 1].

    Examples
    --------
    >>> round(float(double_click_visibility(0.94)), 12)
    0.88
    """
    f = _checks.probability("fidelity", fidelity)
    if np.any(f < 0.5):
        raise ValueError(f"fidelity: a double-click pair has F >= 0.5, got {fidelity!r}")
    return _checks.scalar_or_array(2.0 * f - 1.0)
