"""Bell-diagonal two-qubit states: twirling, swapping, purification and Pauli channels.

A Bell-diagonal state is stored as its vector of coefficients, shape ``(..., 4)``, in the
order ``(Phi+, Psi-, Psi+, Phi-)`` (:data:`BELL_ORDER`). The target state is ``Phi+``, so
the fidelity is ``v[..., 0]``. Leading axes broadcast.

Each Bell state is ``Phi+`` with a Pauli error on one qubit:
``Phi+ ~ I``, ``Psi- ~ Y``, ``Psi+ ~ X``, ``Phi- ~ Z`` (:data:`BELL_PAULI`). A Pauli on
the other qubit gives the same Bell state up to a global phase, so a Bell-diagonal state is
a probability distribution over one-sided Pauli errors, and composing Pauli errors
(swapping, Pauli channels) convolves these distributions over the Klein four-group.

Pauli-channel probabilities are given in the order ``(p_I, p_X, p_Y, p_Z)``.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from qfab.physics import _checks
from qfab.physics._checks import FloatArray

__all__ = [
    "BELL_ORDER",
    "BELL_PAULI",
    "MAXIMALLY_MIXED",
    "bbpssw",
    "dejmps",
    "depolarize",
    "fidelity",
    "fidelity_from_werner_parameter",
    "is_normalized",
    "normalize",
    "pauli_channel_to_bell",
    "swap",
    "swap_measurement_error_channel",
    "twirl",
    "werner",
    "werner_parameter",
]

#: Names of the Bell states, in the order of the coefficients of a Bell vector.
BELL_ORDER: tuple[str, str, str, str] = ("Phi+", "Psi-", "Psi+", "Phi-")

#: One-sided Pauli error that takes ``Phi+`` to each Bell state of :data:`BELL_ORDER`.
BELL_PAULI: tuple[str, str, str, str] = ("I", "Y", "X", "Z")

#: The maximally mixed two-qubit state I/4 as a Bell vector.
MAXIMALLY_MIXED: FloatArray = np.full(4, 0.25)
MAXIMALLY_MIXED.flags.writeable = False

# Binary (x, z) code of the Pauli of each Bell index: I=00, Y=11, X=10, Z=01 (as 2x+z).
_CODE = np.array([0, 3, 2, 1])
_INDEX_OF_CODE = np.argsort(_CODE)
# _PRODUCT[i, j]: Bell index of (Pauli i)·(Pauli j), up to phase (XOR of the codes).
_PRODUCT = _INDEX_OF_CODE[_CODE[:, None] ^ _CODE[None, :]]
# Bell-order position of each Pauli of the order (I, X, Y, Z).
# Reorder Pauli probabilities (I, X, Y, Z) into Bell order (I, Y, X, Z).
_BELL_FROM_PAULI = np.array([0, 2, 1, 3])


def werner(fidelity: ArrayLike) -> FloatArray:
    """Bell vector of the Werner state with a given fidelity to ``Phi+``.

    ``v = (F, (1-F)/3, (1-F)/3, (1-F)/3)``.

    Parameters
    ----------
    fidelity : array_like
        Fidelity ``F`` in [0, 1], any shape ``S``.

    Returns
    -------
    numpy.ndarray
        Bell vector of shape ``S + (4,)``.

    Notes
    -----
    Source: R. F. Werner, PRA 40, 4277 (1989); in this Bell-diagonal form (the Werner
    states ``W_F``), Bennett, DiVincenzo, Smolin, Wootters, PRA 54, 3824 (1996), Sec. II,
    with ``Phi+`` as the target instead of ``Psi-``.
    """
    f = _checks.probability("fidelity", fidelity)
    q = (1.0 - f) / 3.0
    return np.stack([f, q, q, q], axis=-1)


def fidelity(v: ArrayLike) -> FloatArray:
    """Fidelity ``<Phi+|rho|Phi+>`` of a Bell-diagonal state: ``v[..., 0]``.

    Parameters
    ----------
    v : array_like
        Bell vector(s), shape ``(..., 4)``.

    Returns
    -------
    numpy.ndarray or numpy.float64
        Fidelity, shape ``(...)`` (a NumPy scalar for a single vector).

    Notes
    -----
    Source: the definition of the fidelity to the pure target state ``Phi+``; see the
    module docstring for the coefficient order.
    """
    vec = _checks.bell_vector("v", v)
    return _checks.scalar_or_array(vec[..., 0])


def werner_parameter(fidelity: ArrayLike) -> FloatArray:
    """Werner parameter ``w = (4F - 1)/3`` of a Werner state with fidelity ``F``.

    The state is ``w |Phi+><Phi+| + (1 - w) I/4``.

    Parameters
    ----------
    fidelity : array_like
        Fidelity ``F`` in [0, 1].

    Returns
    -------
    numpy.ndarray or numpy.float64
        ``w`` in [-1/3, 1], same shape as ``fidelity``.

    Notes
    -----
    Source: Werner, PRA 40, 4277 (1989); used in this form by Brand, Coopmans, Elkouss,
    IEEE JSAC 38, 619 (2020), Sec. II.
    """
    f = _checks.probability("fidelity", fidelity)
    return _checks.scalar_or_array((4.0 * f - 1.0) / 3.0)


def fidelity_from_werner_parameter(w: ArrayLike) -> FloatArray:
    """Fidelity ``F = (1 + 3w)/4`` of the Werner state with parameter ``w``.

    Parameters
    ----------
    w : array_like
        Werner parameter in [-1/3, 1].

    Returns
    -------
    numpy.ndarray or numpy.float64
        Fidelity in [0, 1], same shape as ``w``.

    Notes
    -----
    Source: inverse of :func:`werner_parameter` (Werner, PRA 40, 4277 (1989)).
    """
    w_ = _checks.as_float("w", w)
    if np.asarray(w_ < -1.0 / 3.0 - _checks.TOLERANCE).any() or np.asarray(w_ > 1.0 + _checks.TOLERANCE).any():
        raise ValueError("w: Werner parameter must lie in [-1/3, 1]")
    return _checks.scalar_or_array((1.0 + 3.0 * w_) / 4.0)


def normalize(v: ArrayLike) -> FloatArray:
    """Scale Bell vectors so that their coefficients sum to one.

    Parameters
    ----------
    v : array_like
        Bell vector(s), shape ``(..., 4)``, non-negative with a positive sum.

    Returns
    -------
    numpy.ndarray
        Normalised vector(s), shape ``(..., 4)``.
    """
    vec = _checks.bell_vector("v", v)
    total = vec.sum(axis=-1, keepdims=True)
    if np.asarray(total <= 0.0).any():
        raise ValueError("v: cannot normalise a Bell vector whose coefficients sum to 0")
    return np.asarray(np.clip(vec, 0.0, None) / total, dtype=np.float64)


def is_normalized(v: ArrayLike, *, atol: float = 1e-9) -> bool:
    """Whether every Bell vector is a probability vector.

    Parameters
    ----------
    v : array_like
        Bell vector(s), shape ``(..., 4)``.
    atol : float, optional
        Absolute tolerance on the sum and on negative entries.

    Returns
    -------
    bool
        True if all coefficients are ``>= -atol`` and every vector sums to 1 within
        ``atol``.
    """
    vec = np.asarray(v, dtype=np.float64)
    if vec.ndim == 0 or vec.shape[-1] != 4:
        return False
    if not np.asarray(np.isfinite(vec)).all():
        return False
    return bool(np.asarray(vec >= -atol).all() and np.asarray(np.abs(vec.sum(axis=-1) - 1.0) <= atol).all())


def depolarize(v: ArrayLike, p: ArrayLike) -> FloatArray:
    """Replace the state by the maximally mixed state with probability ``p``.

    ``v -> (1 - p) v + p (1/4, 1/4, 1/4, 1/4)``.

    Parameters
    ----------
    v : array_like
        Bell vector(s), shape ``(..., 4)``.
    p : array_like
        Depolarising probability in [0, 1], shape broadcastable to ``(...)``.

    Returns
    -------
    numpy.ndarray
        Bell vector(s) of the broadcast shape ``(..., 4)``.

    Notes
    -----
    Source: the two-qubit depolarising channel ``rho -> (1-p) rho + p I/4``,
    Nielsen & Chuang, *Quantum Computation and Quantum Information* (2000), Sec. 8.3.4,
    generalised to two qubits.
    """
    vec = _checks.bell_vector("v", v)
    p_ = _checks.probability("p", p)[..., None]
    return (1.0 - p_) * vec + p_ * 0.25


def twirl(v: ArrayLike) -> FloatArray:
    """Twirl a Bell-diagonal state into the Werner state with the same fidelity.

    Parameters
    ----------
    v : array_like
        Bell vector(s), shape ``(..., 4)``.

    Returns
    -------
    numpy.ndarray
        Werner vector(s) ``(F, (1-F)/3, (1-F)/3, (1-F)/3)``, shape ``(..., 4)``.

    Notes
    -----
    Source: random bilateral rotations ``U ⊗ U*`` (the "twirl") leave ``Phi+`` invariant
    and make any state a Werner state with the same fidelity; Bennett et al., PRL 76,
    722 (1996) and Bennett, DiVincenzo, Smolin, Wootters, PRA 54, 3824 (1996), Sec. III.
    """
    vec = _checks.bell_vector("v", v)
    return werner(np.clip(vec[..., 0], 0.0, 1.0))


def _convolve(v1: FloatArray, v2: FloatArray) -> FloatArray:
    """Bell vector of the product of independent one-sided Pauli errors (group convolution)."""
    # out[..., k] = sum_i v1[..., i] * v2[..., j] with Pauli(i)·Pauli(j) = Pauli(k);
    # for the Klein four-group j = i ⊕ k, i.e. j = _PRODUCT[i, k].
    return np.asarray(np.einsum("...i,...ik->...k", v1, v2[..., _PRODUCT]), dtype=np.float64)


def pauli_channel_to_bell(v: ArrayLike, p: ArrayLike) -> FloatArray:
    """Apply a Pauli channel to one qubit of a Bell-diagonal pair.

    The channel is ``rho -> sum_P p_P P rho P`` with ``p = (p_I, p_X, p_Y, p_Z)``. Acting
    on either qubit gives the same Bell vector, because
    ``(P ⊗ I)|Phi+> = ±(I ⊗ P^T)|Phi+>`` and ``P^T = ±P``.

    Parameters
    ----------
    v : array_like
        Bell vector(s), shape ``(..., 4)``.
    p : array_like
        Pauli probabilities ``(p_I, p_X, p_Y, p_Z)``, shape ``(..., 4)`` broadcastable
        with ``v``; each row sums to 1.

    Returns
    -------
    numpy.ndarray
        Bell vector(s), broadcast shape ``(..., 4)``.

    Notes
    -----
    Source: Pauli errors map Bell states to Bell states (Bennett, DiVincenzo, Smolin,
    Wootters, PRA 54, 3824 (1996), Sec. II); the output coefficient of Bell state ``k``
    is ``sum_{P·Q = k} v_P p_Q``, the convolution over the Pauli group modulo phases.
    """
    vec = _checks.bell_vector("v", v)
    probs = _checks.bell_vector("p", p)
    return _convolve(vec, probs[..., _BELL_FROM_PAULI])


def swap_measurement_error_channel(measurement_error: ArrayLike) -> FloatArray:
    """Pauli channel caused by flipped outcome bits of a Bell-state measurement.

    Each of the two outcome bits (parity, which sets the X correction, and phase, which
    sets the Z correction) flips independently with probability ``e``, so the wrong
    correction is applied: ``(p_I, p_X, p_Y, p_Z) = ((1-e)^2, e(1-e), e^2, e(1-e))``.

    Parameters
    ----------
    measurement_error : array_like
        Flip probability ``e`` of each outcome bit, in [0, 1], shape ``S``.

    Returns
    -------
    numpy.ndarray
        Pauli probabilities of shape ``S + (4,)``.

    Notes
    -----
    Source: Briegel, Dür, Cirac, Zoller, PRL 81, 5932 (1998) and Dür, Briegel, Cirac,
    Zoller, PRA 59, 169 (1999), Sec. III, model imperfect Bell measurements by an error
    probability on the measurement; here each classical outcome bit is flipped
    independently.
    """
    e = _checks.probability("measurement_error", measurement_error)
    return np.stack([(1 - e) ** 2, e * (1 - e), e**2, e * (1 - e)], axis=-1)


def swap(
    v1: ArrayLike,
    v2: ArrayLike,
    *,
    gate_depolarization: ArrayLike = 0.0,
    measurement_error: ArrayLike = 0.0,
) -> FloatArray:
    """Entanglement swapping of two Bell-diagonal pairs.

    Pair 1 joins qubits (a, b1) and pair 2 joins (b2, c). A Bell measurement on (b1, b2)
    followed by the Pauli correction of its outcome leaves (a, c) in a Bell-diagonal state
    whose Pauli-error distribution is the convolution of the two inputs':
    ``v[k] = sum_{P·Q = k} v1[P] v2[Q]``. For Werner inputs this is
    ``F = F1 F2 + (1 - F1)(1 - F2)/3``, i.e. ``w = w1 w2``.

    Parameters
    ----------
    v1, v2 : array_like
        Bell vectors, shapes ``(..., 4)`` that broadcast.
    gate_depolarization : array_like, optional
        Probability in [0, 1] that the output is replaced by the maximally mixed state
        (an imperfect two-qubit gate in the Bell measurement). Default 0.
    measurement_error : array_like, optional
        Probability in [0, 1] that each of the two measured bits is flipped; a flipped
        parity bit leaves an X error, a flipped phase bit a Z error
        (:func:`swap_measurement_error_channel`). Default 0.

    Returns
    -------
    numpy.ndarray
        Bell vector(s) of the swapped pair, broadcast shape ``(..., 4)``.

    Notes
    -----
    Sources: entanglement swapping of Bell-diagonal pairs, H.-J. Briegel, W. Dür,
    J. I. Cirac, P. Zoller, PRL 81, 5932 (1998) and W. Dür, H.-J. Briegel, J. I. Cirac,
    P. Zoller, PRA 59, 169 (1999), Sec. III (connection of two pairs); the Werner case
    ``w_out = w1 w2`` as used by Brand, Coopmans, Elkouss, IEEE JSAC 38, 619 (2020). Every Bell outcome is equally likely (1/4) for Bell-diagonal
    inputs, and after its correction each outcome leaves the same state, so the result
    is the same whether outcomes are averaged or sampled.
    """
    a = _checks.bell_vector("v1", v1)
    b = _checks.bell_vector("v2", v2)
    out = _convolve(a, b)
    channel = swap_measurement_error_channel(measurement_error)
    if np.any(channel[..., 0] != 1.0):
        out = _convolve(out, channel[..., _BELL_FROM_PAULI])
    return depolarize(out, gate_depolarization)


def _bilateral_cnot(v1: FloatArray, v2: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Bilateral CNOT (pair 1 controls pair 2), Z measurement of pair 2, keep if equal.

    Returns the normalised Bell vector of pair 1 and the success probability. Bit errors
    (X, Y) of the target are detected through its parity; phase errors (Z) of the target
    propagate to the control. Verified against a 4-qubit density-matrix simulation.
    """
    a1, b1, c1, d1 = (v1[..., i] for i in range(4))
    a2, b2, c2, d2 = (v2[..., i] for i in range(4))
    unnormalized = np.stack(
        [
            a1 * a2 + d1 * d2,  # Phi+: (I,I) or (Z,Z)
            b1 * c2 + c1 * b2,  # Psi-: (Y,X) or (X,Y)
            c1 * c2 + b1 * b2,  # Psi+: (X,X) or (Y,Y)
            a1 * d2 + d1 * a2,  # Phi-: (I,Z) or (Z,I)
        ],
        axis=-1,
    )
    p_success = (a1 + d1) * (a2 + d2) + (b1 + c1) * (b2 + c2)
    safe = np.where(p_success > 0.0, p_success, 1.0)[..., None]
    out = np.where(p_success[..., None] > 0.0, unnormalized / safe, 0.25)
    return out, p_success


def bbpssw(v1: ArrayLike, v2: ArrayLike | None = None) -> tuple[FloatArray, FloatArray]:
    """One round of BBPSSW recurrence purification.

    Both input pairs are twirled to Werner states; a bilateral CNOT, Z measurement of the
    target pair and post-selection on equal outcomes follow; the kept pair is twirled
    again. For two copies of a Werner state with ``q = (1-F)/3``:
    ``F' = (F^2 + q^2) / N``, ``p = N = F^2 + 2Fq + 5q^2``.

    Parameters
    ----------
    v1 : array_like
        Bell vector(s) of the kept (control) pair, shape ``(..., 4)``.
    v2 : array_like, optional
        Bell vector(s) of the sacrificed (target) pair; defaults to ``v1`` (two copies).

    Returns
    -------
    v_out : numpy.ndarray
        Werner vector(s) of the kept pair on success, shape ``(..., 4)``.
    p_success : numpy.ndarray or numpy.float64
        Probability that the outcomes agree, shape ``(...)``.

    Notes
    -----
    Source: C. H. Bennett, G. Brassard, S. Popescu, B. Schumacher, J. A. Smolin,
    W. K. Wootters, PRL 76, 722 (1996), the recurrence map ``F -> F'`` of the
    purification step (written there for the ``Psi-`` target; here in the ``Phi+``
    frame). For different inputs ``F1, F2`` the same steps give
    ``F' = (F1 F2 + q1 q2)/N`` with ``N = (F1 + q1)(F2 + q2) + 4 q1 q2``.
    """
    w1 = twirl(v1)
    w2 = w1 if v2 is None else twirl(v2)
    out, p = _bilateral_cnot(w1, w2)
    return twirl(out), _checks.scalar_or_array(p)


def dejmps(v1: ArrayLike, v2: ArrayLike | None = None) -> tuple[FloatArray, FloatArray]:
    """One round of DEJMPS recurrence purification.

    Alice applies ``Rx(+pi/2)`` and Bob ``Rx(-pi/2)`` to both pairs (exchanging the
    ``Psi-`` and ``Phi-`` coefficients), then a bilateral CNOT, Z measurement of the target
    pair and post-selection on equal outcomes. With ``(A, B, C, D)`` the coefficients of
    ``(Phi+, Psi-, Psi+, Phi-)`` of the two pairs (indices 1 and 2):

    - ``A' = (A1 A2 + B1 B2)/N``, ``B' = (C1 D2 + D1 C2)/N``,
    - ``C' = (C1 C2 + D1 D2)/N``, ``D' = (A1 B2 + B1 A2)/N``,
    - ``N = (A1 + B1)(A2 + B2) + (C1 + D1)(C2 + D2) = p_success``.

    For two copies this is ``A' = (A^2 + B^2)/N``, ``B' = 2CD/N``, ``C' = (C^2 + D^2)/N``,
    ``D' = 2AB/N``, ``N = (A+B)^2 + (C+D)^2``. No twirl is applied.

    Parameters
    ----------
    v1 : array_like
        Bell vector(s) of the kept (control) pair, shape ``(..., 4)``.
    v2 : array_like, optional
        Bell vector(s) of the sacrificed (target) pair; defaults to ``v1``. The result is
        symmetric in the two inputs.

    Returns
    -------
    v_out : numpy.ndarray
        Bell vector(s) of the kept pair on success, shape ``(..., 4)``; the maximally
        mixed vector where ``p_success`` is 0.
    p_success : numpy.ndarray or numpy.float64
        Success probability, shape ``(...)``.

    Notes
    -----
    Source: D. Deutsch, A. Ekert, R. Jozsa, C. Macchiavello, S. Popescu, A. Sanpera,
    PRL 77, 2818 (1996), the map of the four Bell coefficients ``(A, B, C, D)``;
    two-input form as in Dür & Briegel, Rep. Prog. Phys. 70, 1381 (2007), Sec. 4.
    Sign convention checked with an explicit 4-qubit density-matrix simulation.
    """
    a = _checks.bell_vector("v1", v1)
    b = a if v2 is None else _checks.bell_vector("v2", v2)
    rotate = [0, 3, 2, 1]  # Rx(pi/2) ⊗ Rx(-pi/2) exchanges Psi- and Phi-
    out, p = _bilateral_cnot(a[..., rotate], b[..., rotate])
    return out, _checks.scalar_or_array(p)
