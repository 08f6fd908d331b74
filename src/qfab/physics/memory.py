"""Decoherence of qubits stored in quantum memories.

Times are in seconds. ``t1`` is the energy-relaxation (amplitude-damping) time and ``t2``
the *total* coherence time (transverse decay ``exp(-t/T2)``, including the ``1/(2 T1)``
contribution of relaxation), so ``T2 <= 2 T1`` is required. ``inf`` means no decay. The
decaying level is ``|1>``: relaxation takes ``|1>`` to ``|0>``.

Bell vectors follow the conventions of :mod:`qfab.physics.bell_diagonal`.

Pauli-diagonal memories with exponential decay (T1/T2 after the Pauli twirl, and the
depolarising memory) are described by three *character decay rates* ``(r1, r2, r3)``
(1/s): a qubit stored for ``t`` multiplies the Klein-group characters
(:func:`~qfab.physics.bell_diagonal.characters`) of its pair by
``(1, e^{-r1 t}, e^{-r2 t}, e^{-r3 t})`` (:func:`pauli_memory_characters`). Every
Bell-diagonal memory formula of the engines goes through these rates.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from qfab.physics import _checks
from qfab.physics._checks import FloatArray
from qfab.physics._xp import namespace
from qfab.physics.bell_diagonal import (
    characters,
    depolarize,
    from_characters,
    pauli_channel_to_bell,
)

__all__ = [
    "DecayRates",
    "decayed_fidelity",
    "decohere",
    "depolarizing_decay_rates",
    "depolarizing_kraus",
    "depolarizing_memory",
    "depolarizing_memory_fidelity",
    "pauli_memory_characters",
    "pauli_twirled_t1_t2",
    "stored",
    "t1_t2_decay_rates",
    "t1_t2_kraus",
]

#: Decay rates (1/s) of the Klein-group characters 1, 2, 3 of a stored qubit's pair.
DecayRates = tuple[float, float, float]

_INF = float("inf")


def _decay_factors(t: ArrayLike, t1: ArrayLike, t2: ArrayLike) -> tuple[FloatArray, FloatArray]:
    """Return ``(exp(-t/T1), exp(-t/T2))`` after checking the arguments."""
    t_ = _checks.nonnegative("t", t)
    t1_ = _checks.positive("t1", t1)
    t2_ = _checks.positive("t2", t2)
    if np.asarray(t2_ > 2.0 * t1_).any():
        raise ValueError(
            "t2: the total coherence time must satisfy T2 <= 2 T1 "
            f"(got T1 = {t1!r} s, T2 = {t2!r} s)"
        )
    if np.asarray(np.isinf(t_)).any():
        raise ValueError("t: storage time must be finite")
    return np.exp(-t_ / t1_), np.exp(-t_ / t2_)


def pauli_twirled_t1_t2(t: ArrayLike, *, t1: ArrayLike = _INF, t2: ArrayLike = _INF) -> FloatArray:
    """Pauli probabilities of the Pauli-twirled T1/T2 channel after a storage time ``t``.

    For amplitude damping with ``gamma = 1 - exp(-t/T1)`` combined with pure dephasing
    that brings the total coherence to ``exp(-t/T2)``, the Pauli twirl is:

    - ``p_X = p_Y = (1 - exp(-t/T1)) / 4``
    - ``p_Z = (1 + exp(-t/T1) - 2 exp(-t/T2)) / 4``
    - ``p_I = (1 + exp(-t/T1) + 2 exp(-t/T2)) / 4``

    Parameters
    ----------
    t : array_like
        Storage time in seconds, ``>= 0``, finite.
    t1 : array_like, optional
        Relaxation time T1 in seconds, ``> 0``; ``inf`` (default) for none.
    t2 : array_like, optional
        Total coherence time T2 in seconds, ``0 < T2 <= 2 T1``; ``inf`` (default) for
        none (only allowed when T1 is also infinite).

    Returns
    -------
    numpy.ndarray
        ``(p_I, p_X, p_Y, p_Z)``, shape ``S + (4,)`` with ``S`` the broadcast shape of the
        inputs.

    Raises
    ------
    ValueError
        If ``T2 > 2 T1`` or an argument is out of range.

    Notes
    -----
    Source: the Pauli-twirling approximation of amplitude damping and dephasing,
    J. Ghosh, A. G. Fowler, M. R. Geller, PRA 86, 062318 (2012), Sec. II (Pauli-twirled
    channel ``p_x = p_y = (1 - e^{-t/T1})/4``, ``p_z = 1/2 - p_x - e^{-t/T2}/2``); the
    Kraus channels themselves are in Nielsen & Chuang (2000), Sec. 8.3.5-8.3.6. The
    twirled channel keeps the diagonal of the Pauli transfer matrix:
    ``lambda_X = lambda_Y = exp(-t/T2)``, ``lambda_Z = exp(-t/T1)``. Its fidelity with the
    identity (``p_I``) equals that of the exact channel, so the fidelity of a Bell pair
    with one decohering qubit is exact (MEM-DECOH-01).
    """
    e1, e2 = _decay_factors(t, t1, t2)
    e1, e2 = np.broadcast_arrays(e1, e2)
    bell = from_characters(np.stack([np.ones_like(e1), e1, e2, e2], axis=-1))
    return np.asarray(bell[..., [0, 2, 1, 3]], dtype=np.float64)  # Bell -> (I, X, Y, Z)


def t1_t2_kraus(t: float, *, t1: float = _INF, t2: float = _INF) -> FloatArray:
    """Kraus operators of amplitude damping (T1) followed by pure dephasing (to total T2).

    Amplitude damping with ``gamma = 1 - exp(-t/T1)``:
    ``A0 = [[1, 0], [0, sqrt(1 - gamma)]]``, ``A1 = [[0, sqrt(gamma)], [0, 0]]``.
    It multiplies the coherence by ``exp(-t/(2 T1))``; pure dephasing with
    ``lambda = exp(-t/T2 + t/(2 T1))`` supplies the rest:
    ``D0 = sqrt((1 + lambda)/2) I``, ``D1 = sqrt((1 - lambda)/2) Z``. The operators
    returned are the four products ``D_j A_i``.

    Parameters
    ----------
    t : float
        Storage time in seconds, ``>= 0``.
    t1 : float, optional
        Relaxation time in seconds (``inf`` for none).
    t2 : float, optional
        Total coherence time in seconds, ``T2 <= 2 T1`` (``inf`` for none).

    Returns
    -------
    numpy.ndarray
        Real array of shape ``(4, 2, 2)``: Kraus operators in the basis ``(|0>, |1>)``,
        with ``|1>`` the decaying level; ``sum_k K_k^T K_k = I``.

    Notes
    -----
    Source: Nielsen & Chuang, *Quantum Computation and Quantum Information* (2000),
    Sec. 8.3.5 (amplitude damping) and Sec. 8.3.6 (phase damping).
    """
    e1, e2 = _decay_factors(t, t1, t2)
    e1f, e2f = float(e1), float(e2)
    gamma = 1.0 - e1f
    lam = 0.0 if e1f == 0.0 else min(1.0, e2f / np.sqrt(e1f))
    amp = [
        np.array([[1.0, 0.0], [0.0, np.sqrt(e1f)]]),
        np.array([[0.0, np.sqrt(gamma)], [0.0, 0.0]]),
    ]
    deph = [np.sqrt((1 + lam) / 2) * np.eye(2), np.sqrt((1 - lam) / 2) * np.diag([1.0, -1.0])]
    return np.stack([d @ a for d in deph for a in amp])


def decohere(
    v: ArrayLike,
    t_a: ArrayLike,
    t_b: ArrayLike,
    *,
    t1_a: ArrayLike = _INF,
    t2_a: ArrayLike = _INF,
    t1_b: ArrayLike = _INF,
    t2_b: ArrayLike = _INF,
) -> FloatArray:
    """Bell-diagonal pair whose qubits were stored for ``t_a`` and ``t_b`` seconds.

    Each qubit undergoes the Pauli-twirled T1/T2 channel of its memory
    (:func:`pauli_twirled_t1_t2`), applied with
    :func:`~qfab.physics.bell_diagonal.pauli_channel_to_bell`.

    Parameters
    ----------
    v : array_like
        Bell vector(s), shape ``(..., 4)``.
    t_a, t_b : array_like
        Storage times of qubit a and qubit b in seconds, ``>= 0``.
    t1_a, t2_a, t1_b, t2_b : array_like, optional
        T1 and total T2 of the two memories in seconds (``inf`` for none; ``T2 <= 2 T1``).

    Returns
    -------
    numpy.ndarray
        Bell vector(s), broadcast shape ``(..., 4)``.

    Notes
    -----
    Source: Pauli-twirling approximation, Ghosh, Fowler, Geller, PRA 86, 062318 (2012);
    channels from Nielsen & Chuang (2000), Sec. 8.3. The fidelity is exact when only one
    qubit relaxes (any dephasing on both). When both qubits relax (finite T1 on both
    sides) the exact fidelity of ``Phi+`` is higher by
    ``gamma_a gamma_b / 4`` (``gamma = 1 - exp(-t/T1)``): both qubits relax towards
    ``|00>``, a correlation the Pauli twirl drops. Use the density-matrix formalism of
    :mod:`qfab.quantum` where that matters.
    """
    out = pauli_channel_to_bell(v, pauli_twirled_t1_t2(t_a, t1=t1_a, t2=t2_a))
    return pauli_channel_to_bell(out, pauli_twirled_t1_t2(t_b, t1=t1_b, t2=t2_b))


def depolarizing_memory_fidelity(
    fidelity: ArrayLike, t: ArrayLike, *, coherence_time: ArrayLike
) -> FloatArray:
    """Fidelity of a pair stored in a depolarising memory: ``1/4 + (F0 - 1/4) exp(-t/T)``.

    Parameters
    ----------
    fidelity : array_like
        Initial fidelity ``F0`` in [0, 1].
    t : array_like
        Storage time in seconds, ``>= 0``.
    coherence_time : array_like
        Depolarising time constant ``T`` in seconds, ``> 0`` (``inf`` for none).

    Returns
    -------
    numpy.ndarray or numpy.float64
        Fidelity, broadcast shape of the inputs.

    Notes
    -----
    Source: the depolarising channel ``rho -> e^{-t/T} rho + (1 - e^{-t/T}) I/4``
    (Nielsen & Chuang (2000), Sec. 8.3.4) applied to the pair; the phenomenological memory
    model of e.g. Brand, Coopmans, Elkouss, IEEE JSAC 38, 619 (2020), where the Werner
    parameter decays as ``w(t) = w0 exp(-t/T)``.
    """
    f0 = _checks.probability("fidelity", fidelity)
    t_ = _checks.nonnegative("t", t)
    tc = _checks.positive("coherence_time", coherence_time)
    return _checks.scalar_or_array(0.25 + (f0 - 0.25) * np.exp(-t_ / tc))


def depolarizing_memory(v: ArrayLike, t: ArrayLike, *, coherence_time: ArrayLike) -> FloatArray:
    """Bell-diagonal pair stored for ``t`` seconds in a depolarising memory.

    ``v -> e^{-t/T} v + (1 - e^{-t/T}) (1/4, 1/4, 1/4, 1/4)``; its fidelity is
    :func:`depolarizing_memory_fidelity`.

    Parameters
    ----------
    v : array_like
        Bell vector(s), shape ``(..., 4)``.
    t : array_like
        Storage time in seconds, ``>= 0``.
    coherence_time : array_like
        Depolarising time constant ``T`` in seconds, ``> 0`` (``inf`` for none).

    Returns
    -------
    numpy.ndarray
        Bell vector(s), broadcast shape ``(..., 4)``.

    Notes
    -----
    Source: as :func:`depolarizing_memory_fidelity`.
    """
    t_ = _checks.nonnegative("t", t)
    tc = _checks.positive("coherence_time", coherence_time)
    return depolarize(v, -np.expm1(-t_ / tc))


def t1_t2_decay_rates(t1: float = _INF, t2: float = _INF) -> DecayRates:
    """Character decay rates ``(1/T1, 1/T2, 1/T2)`` of the Pauli-twirled T1/T2 memory.

    Parameters
    ----------
    t1 : float, optional
        Relaxation time in seconds, ``> 0`` (``inf``, the default, for none).
    t2 : float, optional
        Total coherence time in seconds, ``0 < T2 <= 2 T1`` (``inf`` for none).

    Returns
    -------
    tuple of float
        ``(r1, r2, r3)`` in 1/s (0 for no decay).

    Raises
    ------
    ValueError
        If a time is not positive or ``T2 > 2 T1``.

    Notes
    -----
    Source: the Pauli-transfer eigenvalues of the twirled channel,
    ``lambda_Z = exp(-t/T1)``, ``lambda_X = lambda_Y = exp(-t/T2)`` (Ghosh, Fowler, Geller,
    PRA 86, 062318 (2012), Sec. II); :func:`pauli_twirled_t1_t2` is this channel.
    """
    t1_, t2_ = float(t1), float(t2)  # scalars: checked without arrays (built per node and run)
    for name, value in (("t1", t1_), ("t2", t2_)):
        if not value > 0.0:
            raise ValueError(f"{name}: must be > 0, got {value!r}")
    if t2_ > 2.0 * t1_:
        raise ValueError("t2: the total coherence time must satisfy T2 <= 2 T1 "
                         f"(got T1 = {t1!r} s, T2 = {t2!r} s)")
    return (1.0 / t1_, 1.0 / t2_, 1.0 / t2_)


def depolarizing_decay_rates(coherence_time: float = _INF) -> DecayRates:
    """Character decay rates ``(1/T, 1/T, 1/T)`` of a depolarising memory qubit.

    The qubit is kept with probability ``e^{-t/T}`` and replaced by ``I/2`` otherwise:
    every non-trivial Pauli-transfer eigenvalue is ``e^{-t/T}``.

    Parameters
    ----------
    coherence_time : float, optional
        Depolarising time constant ``T`` in seconds, ``> 0`` (``inf`` for none).

    Returns
    -------
    tuple of float
        ``(r, r, r)`` with ``r = 1/T`` in 1/s.

    Notes
    -----
    Source: the single-qubit depolarising channel, Nielsen & Chuang (2000), Sec. 8.3.4;
    on a pair it gives :func:`depolarizing_memory` (characters of a pair multiply).
    """
    tc = float(_checks.positive("coherence_time", coherence_time))
    return (1.0 / tc, 1.0 / tc, 1.0 / tc)


def pauli_memory_characters(t: Any, rates: DecayRates) -> Any:
    """Characters ``(1, e^{-r1 t}, e^{-r2 t}, e^{-r3 t})`` of a qubit stored for ``t``.

    Unchecked, any array namespace: ``t`` of shape ``S`` gives shape ``S + (4,)``.

    Parameters
    ----------
    t : array_like
        Storage times in seconds, ``>= 0``, finite.
    rates : tuple of float
        Character decay rates (:func:`t1_t2_decay_rates`, :func:`depolarizing_decay_rates`).

    Notes
    -----
    Source: exponential decay of the Pauli-transfer eigenvalues (see the module docstring).
    """
    xp = namespace(t)
    t_ = xp.asarray(t, dtype=xp.float64)
    return xp.stack([xp.ones_like(t_), xp.exp(-rates[0] * t_), xp.exp(-rates[1] * t_),
                     xp.exp(-rates[2] * t_)], axis=-1)


def stored(v: Any, t: Any, rates: DecayRates) -> Any:
    """Bell vectors after one qubit of each pair was stored ``t`` s in a Pauli memory.

    Unchecked, any array namespace; ``v`` of shape ``(..., 4)`` and ``t`` of shape
    ``(...)`` broadcast. The channel is the same on either qubit of a Bell-diagonal pair.

    Notes
    -----
    Source: composition of Pauli channels multiplies characters
    (:func:`~qfab.physics.bell_diagonal.characters`); the channel's characters are
    :func:`pauli_memory_characters`. For T1/T2 rates this is :func:`decohere` on one qubit.
    """
    xp = namespace(v, t)
    return from_characters(characters(v) * pauli_memory_characters(xp.asarray(t), rates))


def decayed_fidelity(chars: Any, exposure: Any) -> Any:
    """Fidelity of pairs whose characters ``chars`` decayed by ``exp(-exposure)``.

    ``F = (chi_0 + sum_k chi_k exp(-x_k)) / 4`` for ``k = 1, 2, 3``, where ``x_k`` is the
    sum over every stored qubit of its storage time times its rate ``r_k``. Since the
    memory channels of all qubits commute with swapping, the fidelity of a swapped chain
    needs only these three sums. Characters that decay alike may be given as one (their
    sum, with their common exposure), and characters that do not decay may be added to
    ``chi_0``: ``chars`` then has ``k + 1`` entries for ``k`` exposures. Unchecked, any
    namespace.

    Parameters
    ----------
    chars : array_like
        Characters of the pair without memory decay, shape ``(k + 1,)`` (``(4,)``: all).
    exposure : array_like
        ``x_k`` of the decaying characters, shape ``(..., k)``.

    Returns
    -------
    array
        Fidelities, shape ``(...)``.

    Notes
    -----
    Source: :func:`pauli_memory_characters` and
    :func:`~qfab.physics.bell_diagonal.fidelity_from_characters`.
    """
    xp = namespace(exposure)
    decaying = exposure.shape[-1]
    if decaying == 0:
        return xp.zeros(exposure.shape[:-1]) + chars[0] / 4.0
    total = chars[1] * xp.exp(-exposure[..., 0]) + chars[0]
    for k in range(1, decaying):
        total += chars[k + 1] * xp.exp(-exposure[..., k])
    return total / 4.0


def depolarizing_kraus(t: float, *, coherence_time: float = _INF) -> NDArray[np.complex128]:
    """Kraus operators of a qubit stored ``t`` s in a depolarising memory.

    ``sqrt((1 + 3e)/4) I``, ``sqrt((1 - e)/4) X``, ``sqrt((1 - e)/4) Y``,
    ``sqrt((1 - e)/4) Z`` with ``e = exp(-t/T)``: the channel
    ``rho -> e rho + (1 - e) I/2``.

    Parameters
    ----------
    t : float
        Storage time in seconds, ``>= 0``.
    coherence_time : float, optional
        Depolarising time constant ``T`` in seconds (``inf`` for none).

    Returns
    -------
    numpy.ndarray
        Complex array of shape ``(4, 2, 2)``; ``sum_k K_k^dagger K_k = I``.

    Notes
    -----
    Source: Nielsen & Chuang (2000), Sec. 8.3.4 (depolarising channel, Kraus form).
    """
    t_ = float(_checks.nonnegative("t", t))
    tc = float(_checks.positive("coherence_time", coherence_time))
    e = math.exp(-t_ / tc)
    paulis = np.array([[[1, 0], [0, 1]], [[0, 1], [1, 0]], [[0, -1j], [1j, 0]],
                       [[1, 0], [0, -1]]], dtype=np.complex128)
    weights = np.sqrt(np.array([(1 + 3 * e) / 4, (1 - e) / 4, (1 - e) / 4, (1 - e) / 4]))
    return np.asarray(weights[:, None, None] * paulis, dtype=np.complex128)
