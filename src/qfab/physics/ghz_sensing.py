"""Distributed sensing with GHZ states fused from Bell pairs at a hub.

The star protocol
-----------------
A hub shares one Bell pair with each other sensor. It keeps the half of the first pair and
makes a CNOT from it onto its half of every other pair, measures each target in the Z basis
and tells the sensor of that pair to apply ``X`` when the outcome is 1: the hub's kept qubit
and the sensors' halves are then in ``|GHZ_N> = (|0...0> + |1...1>)/sqrt(2)``. When the hub
is a sensor it keeps that qubit (``N`` sensors, ``k = N - 1`` pairs); otherwise it measures
it in the X basis and a sensor applies ``Z`` on outcome ``-`` (``N`` sensors, ``k = N``
pairs). Local operations are ideal; the corrections are Pauli-frame updates.

Pairs are Bell-diagonal, ``v = (Phi+, Psi-, Psi+, Phi-)`` (:mod:`.bell_diagonal`): each is
``Phi+`` with a one-sided Pauli error ``I, Y, X, Z`` with probabilities ``v``. Moved to the
sensor's side, an ``X`` part flips that sensor's bit of the GHZ state and a ``Z`` part flips
its sign, so the fused state is GHZ-diagonal: pattern ``x`` of flipped bits and sign
``(-1)^(sum z)``. With ``a_i = v_i[Phi+] - v_i[Phi-]`` and ``b_i = v_i[Psi+] - v_i[Psi-]``
(the sign-weighted probabilities of pair ``i`` without and with a bit flip), and
``a_i^+ = v_i[Phi+] + v_i[Phi-]``, ``b_i^+ = v_i[Psi+] + v_i[Psi-]``:

- the GHZ fidelity is the probability of no bit flip and an even number of sign flips,
  ``[prod a_i^+ + prod a_i] / 2``; without the hub's reference qubit, flipping every bit
  leaves ``|GHZ_N>`` unchanged, which adds ``[prod b_i^+ + prod b_i] / 2``
  (:func:`fused_ghz_fidelity`). For Werner pairs (``a^+ = (2F+1)/3``, ``a = p``,
  ``b^+ = 2(1-F)/3``, ``b = 0``, ``p = (4F-1)/3``) these are the forms of SENS-GHZ-STAR-01
  (:func:`werner_ghz_fidelity`);
- each sensor's qubit picks up the phase ``phi`` (the signal's total phase is
  ``theta = N phi``) and is measured in the X basis; the parity (product of the ``N``
  outcomes, ``+-1``) of a component with ``w`` flipped bits oscillates as
  ``cos((N - 2w) phi)``, so its mean is ``E(phi) = C sum_w c_w cos((N - 2w) phi)`` with
  ``c_w`` the coefficients of ``prod_i (a_i + b_i z)`` (:func:`parity_harmonics`,
  :func:`parity_signal`) and ``C`` the coherence factor of the interrogation
  (:func:`coherence_factor`). Its ``N``-th harmonic has the amplitude ``V = C (c_0 +
  [hub measured out] c_k)``, the parity visibility (:func:`parity_visibility`; ``p^k`` for
  ``k`` Werner pairs, which have no other harmonic).

Estimation
----------
The per-shot (classical) Fisher information of the parity outcome about ``phi`` is
``E'(phi)^2 / (1 - E(phi)^2)`` (:func:`fisher_information`); for a fringe ``V cos(N phi)``
it is ``N^2 V^2 sin^2 / (1 - V^2 cos^2)``, at most ``N^2 V^2`` at the working point ``theta =
pi/2`` (:func:`fringe_fisher_information`), so ``nu`` shots give ``delta phi = 1/(N V
sqrt(nu))`` (:func:`phase_uncertainty`), against the standard quantum limit ``1/sqrt(N nu)``
of ``N`` independent sensors and the Heisenberg limit ``1/(N sqrt(nu))``: a gain of
``10 log10(N V^2)`` dB, an advantage iff ``N V^2 > 1`` (:func:`gain_db`). Frequency
estimation under independent Markovian dephasing (Huelga et al. 1997) gains nothing once the
interrogation time is optimised (:func:`huelga_frequency_variance`).

Every function is pure and broadcasting (NumPy); none has a clock or a random number.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike

from qfab.physics import _checks
from qfab.physics._checks import FloatArray
from qfab.physics.bell_diagonal import werner_parameter

__all__ = [
    "coherence_factor",
    "fisher_gain_db",
    "fisher_information",
    "fringe_fisher_information",
    "fused_ghz_fidelity",
    "gain_db",
    "heisenberg_uncertainty",
    "huelga_frequency_variance",
    "huelga_optimal_interrogation_time",
    "huelga_optimal_variance",
    "optimal_fisher_information",
    "parity_harmonics",
    "parity_signal",
    "parity_visibility",
    "phase_uncertainty",
    "sensor_count",
    "sql_uncertainty",
    "uncertainty_from_fisher",
    "werner_ghz_fidelity",
    "werner_parity_visibility",
]

#: Below this ``1 - E^2`` the parity outcome is taken as certain and the Fisher information
#: is its limit there, ``|E''|`` (rounding only).
_CERTAIN = 1e-12


def sensor_count(pairs: int, *, hub_is_sensor: bool) -> int:
    """Sensors ``N`` of a star of ``pairs`` spokes: ``pairs + 1`` when the hub is a sensor,
    ``pairs`` when it measures out.

    Raises
    ------
    ValueError
        For fewer than one pair (hub a sensor) or two (hub measured out): fewer than two
        sensors.
    """
    least = 1 if hub_is_sensor else 2
    if pairs < least:
        raise ValueError(f"pairs: a GHZ state over two or more sensors needs at least {least} "
                         f"pair(s) {'with' if hub_is_sensor else 'without'} the hub as a "
                         f"sensor, got {pairs}")
    return pairs + 1 if hub_is_sensor else pairs


def _star(pairs: ArrayLike, hub_is_sensor: bool) -> tuple[FloatArray, int]:
    """Checked pair vectors ``(..., k, 4)`` and the number of sensors."""
    v = _checks.bell_vector("pairs", pairs)
    if v.ndim < 2:
        raise ValueError(f"pairs: must have shape (..., k, 4) (k pairs), got shape {v.shape}")
    return v, sensor_count(v.shape[-2], hub_is_sensor=hub_is_sensor)


def fused_ghz_fidelity(pairs: ArrayLike, *, hub_is_sensor: bool) -> FloatArray:
    """Fidelity with ``|GHZ_N>`` of the state fused from Bell-diagonal pairs at a hub.

    ``F = [prod_i (v_i0 + v_i3) + prod_i (v_i0 - v_i3)] / 2``, plus
    ``[prod_i (v_i2 + v_i1) + prod_i (v_i2 - v_i1)] / 2`` when the hub measures its qubit
    out (see the module docstring; Bell order ``(Phi+, Psi-, Psi+, Phi-)``).

    Parameters
    ----------
    pairs : array_like
        Bell vectors of the ``k`` spokes' pairs, shape ``(..., k, 4)``, at the fusion.
    hub_is_sensor : bool
        Whether the hub keeps a qubit of the GHZ state (``N = k + 1``) or measures it out
        (``N = k``).

    Returns
    -------
    numpy.ndarray
        Fidelities, shape ``(...)``.

    Notes
    -----
    Source: the fusion of Bell pairs into a GHZ state by local CNOTs and measurements at
    one node (Kómár et al., Nat. Phys. 10, 582 (2014), a quantum network of clocks; de
    Bone, Ouyang, Goodenough, Elkouss, arXiv:2010.12259 (2020)), with Bell-diagonal pairs as
    one-sided Pauli errors (Dür, Briegel, Cirac, Zoller, PRA 59, 169 (1999)); derivation in
    the module docstring. Werner pairs give SENS-GHZ-STAR-01 (:func:`werner_ghz_fidelity`).
    """
    v, _ = _star(pairs, hub_is_sensor)
    out = (np.prod(v[..., 0] + v[..., 3], axis=-1) + np.prod(v[..., 0] - v[..., 3], axis=-1)) / 2
    if not hub_is_sensor:
        out = out + (np.prod(v[..., 2] + v[..., 1], axis=-1)
                     + np.prod(v[..., 2] - v[..., 1], axis=-1)) / 2
    return np.asarray(out, dtype=np.float64)


def werner_ghz_fidelity(fidelity: ArrayLike, sensors: int, *,
                        hub_is_sensor: bool) -> FloatArray:
    """GHZ fidelity of ``sensors`` sensors fused from Werner pairs of fidelity ``F``.

    With ``p = (4F - 1)/3``: hub a sensor (``N - 1`` pairs)
    ``F_GHZ = [((2F + 1)/3)^(N-1) + p^(N-1)] / 2``; hub measured out (``N`` pairs)
    ``F_GHZ = [((2F + 1)/3)^N + p^N + (2(1 - F)/3)^N] / 2``.

    Parameters
    ----------
    fidelity : array_like
        Fidelity of every pair, in ``[0, 1]``.
    sensors : int
        Sensors ``N >= 2``.
    hub_is_sensor : bool
        Whether the hub is one of them.

    Notes
    -----
    Source: SENS-GHZ-STAR-01 (docs/references.md); :func:`fused_ghz_fidelity` of Werner
    vectors.
    """
    f = _checks.probability("fidelity", fidelity)
    if sensors < 2:
        raise ValueError(f"sensors: at least 2, got {sensors}")
    k = sensors - 1 if hub_is_sensor else sensors
    p = werner_parameter(f)
    out = (((2 * f + 1) / 3) ** k + p ** k) / 2
    if not hub_is_sensor:
        out = out + (2 * (1 - f) / 3) ** k / 2
    return np.asarray(out, dtype=np.float64)


def parity_harmonics(pairs: ArrayLike, *, hub_is_sensor: bool) -> FloatArray:
    """Coefficients ``c_w`` (``w = 0 .. k``) of the parity signal of a fused GHZ state.

    ``prod_i (a_i + b_i z) = sum_w c_w z^w`` with ``a_i = v_i[Phi+] - v_i[Phi-]`` and
    ``b_i = v_i[Psi+] - v_i[Psi-]``: ``c_w`` is the probability, weighted by the sign of the
    GHZ component, that ``w`` sensors' bits are flipped; that component's parity oscillates
    as ``cos((N - 2w) phi)`` (:func:`parity_signal`).

    Parameters
    ----------
    pairs : array_like
        Bell vectors of the spokes' pairs, shape ``(..., k, 4)``.
    hub_is_sensor : bool
        Whether the hub keeps a qubit (it checks ``k``; the coefficients are the same).

    Returns
    -------
    numpy.ndarray
        Shape ``(..., k + 1)``.

    Notes
    -----
    Source: parity readout of GHZ states, Bollinger, Itano, Wineland, Heinzen, PRA 54,
    R4649 (1996); the GHZ-diagonal decomposition of the module docstring.
    """
    v, _ = _star(pairs, hub_is_sensor)
    a = v[..., 0] - v[..., 3]
    b = v[..., 2] - v[..., 1]
    k = v.shape[-2]
    coefficients = np.zeros(v.shape[:-2] + (k + 1,))
    coefficients[..., 0] = 1.0
    for i in range(k):
        shifted = np.zeros_like(coefficients)
        shifted[..., 1:] = coefficients[..., :-1]
        coefficients = coefficients * a[..., i, None] + shifted * b[..., i, None]
    return coefficients


def _frequencies(k: int, sensors: int) -> FloatArray:
    """``N - 2w`` for ``w = 0 .. k``."""
    return np.asarray(sensors - 2 * np.arange(k + 1), dtype=np.float64)


def _signal(pairs: ArrayLike, phase: ArrayLike, hub_is_sensor: bool,
            coherence: ArrayLike) -> tuple[FloatArray, FloatArray, FloatArray]:
    """``E``, ``dE/dphi`` and ``d^2E/dphi^2`` at the total phase ``phase``."""
    v, sensors = _star(pairs, hub_is_sensor)
    c = parity_harmonics(v, hub_is_sensor=hub_is_sensor)
    theta = _checks.as_float("phase", phase)
    scale = _checks.probability("coherence", coherence)
    freq = _frequencies(v.shape[-2], sensors)
    angle = freq * (theta[..., None] / sensors)
    value = scale * np.sum(c * np.cos(angle), axis=-1)
    slope = -scale * np.sum(c * freq * np.sin(angle), axis=-1)
    curvature = -scale * np.sum(c * freq ** 2 * np.cos(angle), axis=-1)
    return value, slope, curvature


def parity_signal(pairs: ArrayLike, phase: ArrayLike, *, hub_is_sensor: bool,
                  coherence: ArrayLike = 1.0) -> FloatArray:
    """Mean parity ``E`` of a fused GHZ state after it picked up the total phase ``theta``.

    ``E = C sum_w c_w cos((N - 2w) theta / N)`` (:func:`parity_harmonics`): each of the
    ``N`` sensors holds the phase ``phi = theta / N``; the outcome is ``+1`` with
    probability ``(1 + E) / 2``. For Werner pairs ``E = C p^k cos(theta)``.

    Parameters
    ----------
    pairs : array_like
        Bell vectors of the spokes' pairs at the fusion, shape ``(..., k, 4)``.
    phase : array_like
        Total phase ``theta`` (rad), broadcasting with ``(...)``.
    hub_is_sensor : bool
        Whether the hub keeps a qubit.
    coherence : array_like, optional
        Coherence factor of the interrogation (:func:`coherence_factor`), default 1.

    Notes
    -----
    Source: Bollinger et al., PRA 54, R4649 (1996) (parity signal ``cos(N phi)`` of a GHZ
    state); the harmonics of a GHZ-diagonal state in the module docstring. ``C`` scales
    every harmonic because the parity ``X^(x)N`` involves only the transverse Bloch
    components of each qubit, which a phase-covariant channel multiplies by its ``lambda``.
    """
    return _signal(pairs, phase, hub_is_sensor, coherence)[0]


def parity_visibility(pairs: ArrayLike, *, hub_is_sensor: bool,
                      coherence: ArrayLike = 1.0) -> FloatArray:
    """Amplitude ``V`` of the ``cos(N phi)`` harmonic of the parity signal.

    ``V = C (prod_i a_i + [hub measured out] prod_i b_i)``; for ``k`` Werner pairs ``p^k``
    (SENS-GHZ-STAR-01). Shape ``(...)`` for pairs of shape ``(..., k, 4)``.

    Notes
    -----
    Source: :func:`parity_harmonics` (``c_0``, and ``c_k`` of frequency ``-N`` without the
    hub's qubit); Bollinger et al., PRA 54, R4649 (1996).
    """
    v, _ = _star(pairs, hub_is_sensor)
    c = parity_harmonics(v, hub_is_sensor=hub_is_sensor)
    amplitude = c[..., 0] + (0.0 if hub_is_sensor else c[..., -1])
    return np.asarray(_checks.probability("coherence", coherence) * amplitude,
                      dtype=np.float64)


def werner_parity_visibility(fidelity: ArrayLike, pairs: int) -> FloatArray:
    """Parity visibility ``p^k`` of a GHZ state fused from ``k`` Werner pairs of fidelity
    ``F`` (``p = (4F - 1)/3``).

    Notes
    -----
    Source: SENS-GHZ-STAR-01; :func:`parity_visibility` of Werner vectors.
    """
    if pairs < 1:
        raise ValueError(f"pairs: at least 1, got {pairs}")
    return np.asarray(werner_parameter(_checks.probability("fidelity", fidelity)) ** pairs,
                      dtype=np.float64)


def coherence_factor(transverse_x: ArrayLike, transverse_y: ArrayLike | None = None
                     ) -> FloatArray:
    """Coherence factor ``C = prod_j lambda_j`` of the sensors' qubits during interrogation.

    Each qubit ``j`` stored for the interrogation time passes through its memory's Pauli
    channel, whose transverse Pauli-transfer eigenvalues ``lambda_X, lambda_Y`` multiply its
    X and Y Bloch components (``e^{-t/T2}`` for a T1/T2 memory; ``e^{-t/T}`` for a
    depolarising one). When ``lambda_X = lambda_Y`` the channel commutes with the signal's
    Z rotation, and the parity signal is multiplied by ``C`` whatever the order (T1
    relaxation of the populations does not enter: the parity reads transverse components
    only).

    Parameters
    ----------
    transverse_x : array_like
        ``lambda_X`` of every sensor qubit, shape ``(..., N)``.
    transverse_y : array_like, optional
        ``lambda_Y`` (default: equal to ``lambda_X``).

    Returns
    -------
    numpy.ndarray
        ``C``, shape ``(...)``.

    Raises
    ------
    ValueError
        If ``lambda_X != lambda_Y`` for a qubit: the channel is not phase covariant and the
        signal is no longer ``C`` times the undecayed one.

    Notes
    -----
    Source: independent dephasing of an N-qubit GHZ state, whose coherence decays as
    ``e^{-N gamma t}`` (Huelga et al., PRL 79, 3865 (1997)); Pauli-transfer eigenvalues of
    the memories, :mod:`qfab.physics.memory`.
    """
    lx = _checks.probability("transverse_x", transverse_x)
    if transverse_y is not None:
        ly = _checks.probability("transverse_y", transverse_y)
        if not np.allclose(lx, ly, rtol=0.0, atol=1e-12):
            raise ValueError("transverse_y: the channel is not phase covariant "
                             "(lambda_X != lambda_Y); the parity signal is not a coherence "
                             "factor times the undecayed one")
    return np.asarray(np.prod(lx, axis=-1), dtype=np.float64)


def fisher_information(pairs: ArrayLike, phase: ArrayLike, *, hub_is_sensor: bool,
                       coherence: ArrayLike = 1.0) -> FloatArray:
    """Per-shot Fisher information about the sensors' phase ``phi`` of the parity outcome.

    ``F(phi) = E'(phi)^2 / (1 - E(phi)^2)`` for the parity signal ``E`` of
    :func:`parity_signal` at the total phase ``theta = N phi``; where the outcome is
    certain (``E^2 = 1``) its limit ``|E''(phi)|``. For Werner pairs this is
    :func:`fringe_fisher_information`.

    Notes
    -----
    Source: the Fisher information of a two-outcome measurement, ``(dP/dphi)^2 /
    (P (1 - P))`` with ``P = (1 + E)/2`` (Braunstein, Caves, PRL 72, 3439 (1994));
    SENS-HEISENBERG-01.
    """
    value, slope, curvature = _signal(pairs, phase, hub_is_sensor, coherence)
    spread = 1.0 - value ** 2
    certain = spread <= _CERTAIN
    out = np.where(certain, np.abs(curvature), slope ** 2 / np.where(certain, 1.0, spread))
    return np.asarray(out, dtype=np.float64)


def fringe_fisher_information(sensors: ArrayLike, visibility: ArrayLike,
                              phase: ArrayLike) -> FloatArray:
    """Per-shot Fisher information of a parity fringe ``V cos(theta)``, ``theta = N phi``.

    ``F = N^2 V^2 sin^2(theta) / (1 - V^2 cos^2(theta))``: ``N^2 V^2`` at the working point
    ``theta = pi/2``, its maximum over ``theta`` (:func:`optimal_fisher_information`); for
    ``V = 1`` it is ``N^2`` at every phase.

    Notes
    -----
    Source: as :func:`fisher_information`; Bollinger et al., PRA 54, R4649 (1996).
    """
    n = _checks.positive("sensors", sensors)
    vis = _checks.probability("visibility", visibility)
    theta = _checks.as_float("phase", phase)
    spread = 1.0 - vis ** 2 * np.cos(theta) ** 2
    numerator = n ** 2 * vis ** 2 * np.sin(theta) ** 2
    out = np.where(spread <= _CERTAIN, n ** 2, numerator / np.where(spread <= _CERTAIN, 1.0,
                                                                    spread))
    return np.asarray(out, dtype=np.float64)


def optimal_fisher_information(sensors: ArrayLike, visibility: ArrayLike) -> FloatArray:
    """``N^2 V^2``: the per-shot parity Fisher information at the optimal working point
    (9 for ``N = 3``, ``V = 1``: SENS-HEISENBERG-01).

    Notes
    -----
    Source: Bollinger et al., PRA 54, R4649 (1996); :func:`fringe_fisher_information` at
    ``theta = pi/2``.
    """
    n = _checks.positive("sensors", sensors)
    return np.asarray(n ** 2 * _checks.probability("visibility", visibility) ** 2,
                      dtype=np.float64)


def uncertainty_from_fisher(fisher: ArrayLike, shots: ArrayLike = 1) -> FloatArray:
    """Cramér-Rao bound ``1 / sqrt(nu F)`` of ``nu`` shots of Fisher information ``F``
    each (``inf`` where ``F = 0``).

    Notes
    -----
    Source: the Cramér-Rao bound, Braunstein, Caves, PRL 72, 3439 (1994).
    """
    total = _checks.nonnegative("fisher", fisher) * _checks.positive("shots", shots)
    with np.errstate(divide="ignore"):
        return np.asarray(1.0 / np.sqrt(total), dtype=np.float64)


def phase_uncertainty(sensors: ArrayLike, visibility: ArrayLike,
                      shots: ArrayLike) -> FloatArray:
    """``delta phi = 1 / (N V sqrt(nu))``: ``nu`` parity shots at the working point of a
    GHZ state of ``N`` sensors with parity visibility ``V``.

    Notes
    -----
    Source: SENS-GHZ-STAR-01 and SENS-HEISENBERG-01 (Bollinger et al., PRA 54, R4649
    (1996)); :func:`uncertainty_from_fisher` of :func:`optimal_fisher_information`.
    """
    return uncertainty_from_fisher(optimal_fisher_information(sensors, visibility), shots)


def sql_uncertainty(sensors: ArrayLike, shots: ArrayLike) -> FloatArray:
    """Standard quantum limit ``1 / sqrt(N nu)`` of ``N`` independent sensors, ``nu``
    shots each.

    Notes
    -----
    Source: Giovannetti, Lloyd, Maccone, PRL 96, 010401 (2006); SENS-HEISENBERG-01.
    """
    return np.asarray(1.0 / np.sqrt(_checks.positive("sensors", sensors)
                                    * _checks.positive("shots", shots)), dtype=np.float64)


def heisenberg_uncertainty(sensors: ArrayLike, shots: ArrayLike) -> FloatArray:
    """Heisenberg limit ``1 / (N sqrt(nu))`` of ``N`` entangled sensors, ``nu`` shots.

    Notes
    -----
    Source: Giovannetti, Lloyd, Maccone, PRL 96, 010401 (2006); SENS-HEISENBERG-01.
    """
    n = _checks.positive("sensors", sensors)
    return np.asarray(1.0 / (n * np.sqrt(_checks.positive("shots", shots))),
                      dtype=np.float64)


def gain_db(sensors: ArrayLike, visibility: ArrayLike) -> FloatArray:
    """Gain over the standard quantum limit of the same sensors and shots, in dB.

    ``10 log10(SQL^2 / delta phi^2) = 10 log10(N V^2)``: positive iff ``N V^2 > 1``
    (``-inf`` for ``V = 0``).

    Notes
    -----
    Source: SENS-GHZ-STAR-01; :func:`sql_uncertainty` over :func:`phase_uncertainty`.
    """
    n = _checks.positive("sensors", sensors)
    vis = _checks.probability("visibility", visibility)
    with np.errstate(divide="ignore"):
        return np.asarray(10.0 * np.log10(n * vis ** 2), dtype=np.float64)


def fisher_gain_db(fisher: ArrayLike, sensors: ArrayLike) -> FloatArray:
    """Gain over the standard quantum limit, in dB, of a readout with per-shot Fisher
    information ``F`` about the phase of ``N`` sensors: ``10 log10(F / N)`` (``N``
    independent sensors give ``N`` per shot). :func:`gain_db` is its value at
    ``F = N^2 V^2``.

    Notes
    -----
    Source: the Cramér-Rao bound (Braunstein, Caves, PRL 72, 3439 (1994)) against
    :func:`sql_uncertainty`; SENS-HEISENBERG-01.
    """
    f = _checks.nonnegative("fisher", fisher)
    with np.errstate(divide="ignore"):
        return np.asarray(10.0 * np.log10(f / _checks.positive("sensors", sensors)),
                          dtype=np.float64)


def huelga_frequency_variance(sensors: ArrayLike, interrogation_time: ArrayLike,
                              total_time: ArrayLike, dephasing_rate: ArrayLike, *,
                              entangled: bool) -> FloatArray:
    """Variance of a frequency estimate under independent Markovian dephasing.

    ``N`` qubits, each losing coherence as ``e^{-gamma t}``, are interrogated for ``t`` and
    read out at the working point, ``T / t`` times in the total time ``T``. Independent
    Ramsey sensors: ``|delta omega|^2 = e^{2 gamma t} / (N T t)``; one ``N``-qubit GHZ
    state with parity readout: ``|delta omega|^2 = e^{2 N gamma t} / (N^2 T t)``.

    Parameters
    ----------
    sensors : array_like
        Qubits ``N``.
    interrogation_time : array_like
        ``t`` in seconds, ``> 0``.
    total_time : array_like
        ``T`` in seconds, ``> 0``.
    dephasing_rate : array_like
        ``gamma`` in 1/s (``1/T2``), ``>= 0``.
    entangled : bool
        GHZ state (True) or independent sensors (False).

    Notes
    -----
    Source: S. F. Huelga, C. Macchiavello, T. Pellizzari, A. K. Ekert, M. B. Plenio,
    J. I. Cirac, PRL 79, 3865 (1997), the variances of the uncorrelated and the maximally
    entangled preparations at the optimal phase point.
    """
    n = _checks.positive("sensors", sensors)
    t = _checks.positive("interrogation_time", interrogation_time)
    total = _checks.positive("total_time", total_time)
    gamma = _checks.nonnegative("dephasing_rate", dephasing_rate)
    if entangled:
        return np.asarray(np.exp(2 * n * gamma * t) / (n ** 2 * total * t), dtype=np.float64)
    return np.asarray(np.exp(2 * gamma * t) / (n * total * t), dtype=np.float64)


def huelga_optimal_interrogation_time(sensors: ArrayLike, dephasing_rate: ArrayLike, *,
                                      entangled: bool) -> FloatArray:
    """Interrogation time minimising :func:`huelga_frequency_variance`: ``1/(2 gamma)``
    for independent sensors, ``1/(2 N gamma)`` for a GHZ state.

    Notes
    -----
    Source: Huelga et al., PRL 79, 3865 (1997).
    """
    n = _checks.positive("sensors", sensors)
    gamma = _checks.positive("dephasing_rate", dephasing_rate)
    return np.asarray(1.0 / (2 * gamma * (n if entangled else 1.0)), dtype=np.float64)


def huelga_optimal_variance(sensors: ArrayLike, total_time: ArrayLike,
                            dephasing_rate: ArrayLike) -> FloatArray:
    """``|delta omega|^2 = 2 e gamma / (N T)``: the least variance of both preparations
    (independent sensors and GHZ) once the interrogation time is optimised, so the GHZ
    state gains nothing under independent Markovian dephasing.

    Notes
    -----
    Source: Huelga et al., PRL 79, 3865 (1997); SENS-GHZ-STAR-01 and SENS-HEISENBERG-01
    (pitfall).
    """
    n = _checks.positive("sensors", sensors)
    total = _checks.positive("total_time", total_time)
    gamma = _checks.positive("dephasing_rate", dephasing_rate)
    return np.asarray(2 * math.e * gamma / (n * total), dtype=np.float64)
