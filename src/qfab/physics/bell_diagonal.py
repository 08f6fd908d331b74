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

Two layers: the checked functions (``werner``, ``swap``, ``bbpssw``, ...) validate their
arguments and return NumPy arrays; each computes through one unchecked *array form*
(``compose``, ``swapped``, ``depolarized``, ``bbpssw_step``, ...) that works on NumPy or
CuPy arrays (the namespace is that of the arguments) and, where it is only arithmetic, on
Python floats. Engines call the array forms in their loops; the formulas exist once.

Characters: the Fourier transform of a Pauli-error distribution over the Klein group
``Z2 x Z2`` (:func:`characters`). Composition of Pauli errors (swapping, Pauli channels,
memory decay) multiplies characters, which is how the event simulation keeps its pairs.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from qfab.physics import _checks
from qfab.physics._checks import FloatArray
from qfab.physics._xp import namespace

__all__ = [
    "BELL_ORDER",
    "BELL_PAULI",
    "MAXIMALLY_MIXED",
    "bbpssw",
    "bbpssw_step",
    "bilateral_cnot",
    "characters",
    "combined_depolarization",
    "compose",
    "dejmps",
    "dejmps_step",
    "depolarize",
    "depolarized",
    "depolarizing_characters",
    "fidelity",
    "fidelity_from_characters",
    "fidelity_from_werner_parameter",
    "from_characters",
    "is_normalized",
    "measurement_error_characters",
    "normalize",
    "pauli_channel_to_bell",
    "swap",
    "swap_chain",
    "swap_measurement_error_channel",
    "swap_noise_characters",
    "swapped",
    "twirl",
    "twirled",
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

# Reorder Pauli probabilities (I, X, Y, Z) into Bell order (I, Y, X, Z) (and back: the
# permutation is its own inverse).
_BELL_FROM_PAULI = [0, 2, 1, 3]


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
    if (
        np.asarray(w_ < -1.0 / 3.0 - _checks.TOLERANCE).any()
        or np.asarray(w_ > 1.0 + _checks.TOLERANCE).any()
    ):
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
    return bool(
        np.asarray(vec >= -atol).all()
        and np.asarray(np.abs(vec.sum(axis=-1) - 1.0) <= atol).all()
    )


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
    return np.asarray(depolarized(vec, p_), dtype=np.float64)


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
    return np.asarray(twirled(np.clip(vec, 0.0, 1.0)), dtype=np.float64)


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
    return np.asarray(compose(vec, probs[..., _BELL_FROM_PAULI]), dtype=np.float64)


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
    return np.asarray(_measurement_error_bell(np, e)[..., _BELL_FROM_PAULI], dtype=np.float64)


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
    ``w_out = w1 w2`` as used by Brand, Coopmans, Elkouss, IEEE JSAC 38, 619 (2020).
    Every Bell outcome is equally likely (1/4) for Bell-diagonal inputs, and after its
    correction each outcome leaves the same state, so the result is the same whether
    outcomes are averaged or sampled.
    """
    a = _checks.bell_vector("v1", v1)
    b = _checks.bell_vector("v2", v2)
    e = _checks.probability("measurement_error", measurement_error)
    p = _checks.probability("gate_depolarization", gate_depolarization)
    out = swapped(a, b, measurement_error=e, gate_depolarization=p[..., None])
    return np.asarray(out, dtype=np.float64)


def swap_chain(vectors: ArrayLike, *, gate_depolarization: ArrayLike = 0.0,
               measurement_error: ArrayLike = 0.0) -> FloatArray:
    """Swap a chain of Bell-diagonal pairs into one: pair ``i`` joins nodes ``i`` and
    ``i + 1``, and every inner node swaps.

    The same as folding :func:`swap` along the chain (in any order: swapping is associative),
    computed in one step: characters multiply under composition, so the result's characters
    are the product of the pairs' characters and of every swap's noise characters
    (:func:`swap_noise_characters`).

    Parameters
    ----------
    vectors : array_like
        Bell vectors of the ``L >= 1`` pairs along the chain, shape ``(L, 4)``.
    gate_depolarization, measurement_error : array_like, optional
        Each inner node's swap noise (see :func:`swap`): scalars or shape ``(L - 1,)``.

    Returns
    -------
    numpy.ndarray
        Bell vector of the end-to-end pair, shape ``(4,)`` (the single pair itself when
        ``L = 1``).

    Notes
    -----
    Source: as :func:`swap` (Briegel, Dür, Cirac, Zoller, PRL 81, 5932 (1998); Dür et al.,
    PRA 59, 169 (1999), Sec. III); composition as a product of Klein-group characters, see
    :func:`characters`. The product differs from a step-by-step fold only by rounding.
    """
    v = _checks.bell_vector("vectors", vectors)
    if v.ndim != 2 or v.shape[0] < 1:
        raise ValueError(f"vectors: must have shape (L, 4) with L >= 1, got shape {v.shape}")
    inner = v.shape[0] - 1
    p = np.broadcast_to(_checks.probability("gate_depolarization", gate_depolarization),
                        (inner,))
    e = np.broadcast_to(_checks.probability("measurement_error", measurement_error), (inner,))
    if inner == 0:
        return np.array(v[0], dtype=np.float64)
    noise = np.stack(np.broadcast_arrays(*swap_noise_characters(p, e)), axis=-1)
    chi = np.prod(characters(v), axis=0) * np.prod(noise, axis=0)
    return np.asarray(from_characters(chi), dtype=np.float64)


def bbpssw(v1: ArrayLike, v2: ArrayLike | None = None, *,
           parity_error: ArrayLike = 0.0) -> tuple[FloatArray, FloatArray]:
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
    parity_error : array_like, optional
        Probability that the two measured bits compare wrongly (read-out errors,
        :func:`qfab.physics.purification.parity_error`; see :func:`bilateral_cnot`).
        Default 0.

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
    a = _checks.bell_vector("v1", v1)
    b = a if v2 is None else _checks.bell_vector("v2", v2)
    out, p = bbpssw_step(np.clip(a, 0.0, 1.0), np.clip(b, 0.0, 1.0), _parity(parity_error))
    return np.asarray(out, dtype=np.float64), _checks.scalar_or_array(p)


def dejmps(v1: ArrayLike, v2: ArrayLike | None = None, *,
           parity_error: ArrayLike = 0.0) -> tuple[FloatArray, FloatArray]:
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
    parity_error : array_like, optional
        Probability that the two measured bits compare wrongly (read-out errors,
        :func:`qfab.physics.purification.parity_error`; see :func:`bilateral_cnot`).
        Default 0.

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
    out, p = dejmps_step(a, b, _parity(parity_error))
    return np.asarray(out, dtype=np.float64), _checks.scalar_or_array(p)


def _parity(parity_error: ArrayLike) -> float | FloatArray:
    """``parity_error`` checked as a probability (a plain float stays one: the event
    simulation purifies one pair at a time)."""
    if isinstance(parity_error, float | int):
        if not 0.0 <= parity_error <= 1.0:
            raise ValueError(f"parity_error: must be a probability in [0, 1], got {parity_error}")
        return float(parity_error)
    return _checks.probability("parity_error", parity_error)


# -- array forms: unchecked, any array namespace (NumPy, CuPy) ------------------------------


def compose(v1: Any, v2: Any) -> Any:
    """Bell vector of the product of two independent one-sided Pauli errors.

    ``out[k] = sum_{P_i P_j = P_k} v1[i] v2[j]``: the convolution over the Klein group
    (Pauli group modulo phases). This is entanglement swapping of Bell-diagonal pairs and
    the action of a one-sided Pauli channel (given in Bell order) on a pair. Unchecked;
    ``v1`` and ``v2`` broadcast, shape ``(..., 4)``, any array namespace.

    Notes
    -----
    Source: Dür, Briegel, Cirac, Zoller, PRA 59, 169 (1999), Sec. III; see :func:`swap`.
    In Bell order (I, Y, X, Z): ``I·I = Y·Y = X·X = Z·Z = I``, ``X·Z = Y`` (up to phase).
    """
    xp = namespace(v1, v2)
    a0, a1, a2, a3 = (v1[..., i] for i in range(4))
    b0, b1, b2, b3 = (v2[..., i] for i in range(4))
    return xp.stack([a0 * b0 + a1 * b1 + a2 * b2 + a3 * b3,
                     a0 * b1 + a1 * b0 + a2 * b3 + a3 * b2,
                     a0 * b2 + a2 * b0 + a1 * b3 + a3 * b1,
                     a0 * b3 + a3 * b0 + a1 * b2 + a2 * b1], axis=-1)


def characters(v: Any) -> Any:
    """Klein-group characters of Bell vectors: ``chi[..., c] = sum_P v_P (-1)^(a x_P + b z_P)``.

    The characters ``c = (a, b) = (0, 0), (1, 0), (0, 1), (1, 1)`` of ``Z2 x Z2`` with the
    Pauli codes ``I = (0, 0)``, ``X = (1, 0)``, ``Z = (0, 1)``, ``Y = (1, 1)`` (bits
    ``(x, z)``). Composition (:func:`compose`) becomes an elementwise product of characters;
    ``chi[..., 0]`` is the total probability. For a Pauli channel the characters are its
    Pauli-transfer eigenvalues ``(1, lambda_Z, lambda_X, lambda_Y)``. Unchecked, any
    namespace; inverse :func:`from_characters`.

    Notes
    -----
    Source: the Fourier transform on the Klein four-group; the Pauli-transfer eigenvalues of
    Pauli channels, e.g. Ghosh, Fowler, Geller, PRA 86, 062318 (2012), Sec. II.
    """
    xp = namespace(v)
    i, y, x, z = (v[..., k] for k in range(4))  # Bell order (Phi+, Psi-, Psi+, Phi-)
    return xp.stack([i + x + y + z, i - x - y + z, i + x - y - z, i - x + y - z], axis=-1)


def from_characters(chi: Any) -> Any:
    """Bell vectors with the given Klein-group characters (inverse of :func:`characters`).

    Notes
    -----
    Source: inverse Fourier transform on ``Z2 x Z2`` (the character table is its own inverse
    up to the factor 1/4).
    """
    xp = namespace(chi)
    c0, c1, c2, c3 = (chi[..., k] for k in range(4))
    return xp.stack([(c0 + c1 + c2 + c3) / 4, (c0 - c1 - c2 + c3) / 4,
                     (c0 - c1 + c2 - c3) / 4, (c0 + c1 - c2 - c3) / 4], axis=-1)


def fidelity_from_characters(chi: Any) -> Any:
    """Fidelity ``v[..., 0]`` of the Bell vector with characters ``chi``: ``sum_c chi_c / 4``.

    Unchecked, any namespace; ``chi`` of shape ``(..., 4)``.

    Notes
    -----
    Source: :func:`from_characters`, first coefficient.
    """
    return (chi[..., 0] + chi[..., 1] + chi[..., 2] + chi[..., 3]) / 4


def depolarizing_characters(p: Any) -> tuple[Any, Any, Any, Any]:
    """Characters ``(1, 1 - p, 1 - p, 1 - p)`` of the two-qubit depolarising channel.

    ``rho -> (1 - p) rho + p I/4`` (:func:`depolarize`) multiplies the characters of a
    Bell-diagonal pair by these. Works on floats and arrays.

    Notes
    -----
    Source: Nielsen & Chuang (2000), Sec. 8.3.4; characters of ``I/4`` are ``(1, 0, 0, 0)``.
    """
    keep = 1.0 - p
    return (1.0, keep, keep, keep)


def measurement_error_characters(e: Any) -> tuple[Any, Any, Any, Any]:
    """Characters ``(1, 1 - 2e, 1 - 2e, (1 - 2e)^2)`` of :func:`swap_measurement_error_channel`.

    Each outcome bit flips independently with probability ``e``; a bit flip's channel has
    character ``1 - 2e`` on the characters it anticommutes with. Floats or arrays.

    Notes
    -----
    Source: as :func:`swap_measurement_error_channel` (Dür et al., PRA 59, 169 (1999)).
    """
    flip = 1.0 - 2.0 * e
    return (1.0, flip, flip, flip * flip)


def swap_noise_characters(gate_depolarization: Any,
                          measurement_error: Any) -> tuple[Any, Any, Any, Any]:
    """Characters of a swap's noise: measurement bit flips, then gate depolarisation.

    The product of :func:`measurement_error_characters` and :func:`depolarizing_characters`
    (written out: the event simulation calls this at every swap), by which :func:`swap`
    multiplies the product of its inputs' characters. Floats or arrays.
    """
    flip = 1.0 - 2.0 * measurement_error
    noise = (1.0 - gate_depolarization) * flip
    return (1.0, noise, noise, noise * flip)


def depolarized(v: Any, p: Any) -> Any:
    """``(1 - p) v + p / 4``: :func:`depolarize` unchecked (``p`` broadcasts with ``v``).

    ``p`` is a float or an array that broadcasts against ``v`` (shape ``(..., 1)``).
    """
    if isinstance(p, float) and p == 0.0:
        return v
    return (1.0 - p) * v + p * 0.25


def combined_depolarization(p_a: Any, p_b: Any) -> Any:
    """One depolarising probability for two independent ones: ``1 - (1 - p_a)(1 - p_b)``.

    A pair depolarised by the gates of both end nodes (probabilities ``p_a`` and ``p_b``)
    is depolarised with this probability. Floats or arrays.

    Notes
    -----
    Source: composition of depolarising channels, Nielsen & Chuang (2000), Sec. 8.3.4
    (their characters multiply, :func:`depolarizing_characters`).
    """
    return 1.0 - (1.0 - p_a) * (1.0 - p_b)


def _measurement_error_bell(xp: Any, e: Any) -> Any:
    """Bell-order Pauli distribution of the swap's measurement bit flips (see
    :func:`swap_measurement_error_channel`): I, Y (both bits), X (parity), Z (phase)."""
    keep = 1.0 - e
    return xp.stack([keep * keep, e * e, e * keep, e * keep], axis=-1)


def swapped(v1: Any, v2: Any, *, gate_depolarization: Any = 0.0,
            measurement_error: Any = 0.0) -> Any:
    """:func:`swap` unchecked, for any array namespace.

    ``gate_depolarization`` must broadcast against the Bell vectors (a float, or an array
    of shape ``(..., 1)``); ``measurement_error`` is a float or an array of shape ``(...)``.
    """
    xp = namespace(v1, v2)
    out = compose(v1, v2)
    if bool(xp.any(xp.asarray(measurement_error) != 0)):
        out = compose(out, _measurement_error_bell(xp, xp.asarray(measurement_error)))
    return depolarized(out, gate_depolarization)


def twirled(v: Any) -> Any:
    """:func:`twirl` unchecked: ``(F, (1-F)/3, (1-F)/3, (1-F)/3)`` with ``F = v[..., 0]``."""
    xp = namespace(v)
    f = v[..., 0]
    rest = (1.0 - f) / 3.0
    return xp.stack([f, rest, rest, rest], axis=-1)


def bilateral_cnot(v1: Any, v2: Any, parity_error: Any = 0.0) -> tuple[Any, Any]:
    """Bilateral CNOT (pair 1 controls pair 2), Z measurement of pair 2, keep if equal.

    Returns the normalised Bell vector of pair 1 (the maximally mixed vector where the
    success probability is 0) and the success probability. Bit errors (X, Y) of the target
    are detected through its parity; phase errors (Z) of the target propagate to the
    control. Unchecked, any namespace.

    ``parity_error`` is the probability that the two read-out bits compare wrongly
    (:func:`qfab.physics.purification.parity_error`; a float or an array of shape
    ``(...)``). The pair is then kept on the outcomes that truly disagree: with
    ``S_even``, ``S_odd`` the unnormalized kept vectors on agreeing and disagreeing
    outcomes, the kept pair is ``((1 - q) S_even + q S_odd) / p`` with
    ``p = (1 - q) |S_even| + q |S_odd|``. ``S_odd(v1, v2) = S_even(v1, X v2)``: a bit flip
    of one target qubit before the CNOT commutes with it and flips that qubit's outcome
    (``X`` maps ``Phi+ <-> Psi+``, ``Psi- <-> Phi-``).

    Notes
    -----
    Source: the common step of BBPSSW (Bennett et al., PRL 76, 722 (1996)) and DEJMPS
    (Deutsch et al., PRL 77, 2818 (1996)); verified against a 4-qubit density-matrix
    simulation. Read-out errors as imperfect projectors
    ``eta |0><0| + (1 - eta) |1><1|``, ``eta = 1 - e``, on each measured qubit: Dür,
    Briegel, Cirac, Zoller, PRA 59, 169 (1999), Sec. III (imperfect measurements);
    verified against those projectors on the 4-qubit state in the tests.
    """
    xp = namespace(v1, v2)
    a1, b1, c1, d1 = (v1[..., i] for i in range(4))
    a2, b2, c2, d2 = (v2[..., i] for i in range(4))
    unnormalized = xp.stack(
        [
            a1 * a2 + d1 * d2,  # Phi+: (I,I) or (Z,Z)
            b1 * c2 + c1 * b2,  # Psi-: (Y,X) or (X,Y)
            c1 * c2 + b1 * b2,  # Psi+: (X,X) or (Y,Y)
            a1 * d2 + d1 * a2,  # Phi-: (I,Z) or (Z,I)
        ],
        axis=-1,
    )
    p_success = (a1 + d1) * (a2 + d2) + (b1 + c1) * (b2 + c2)
    if isinstance(parity_error, float | int):
        flips = parity_error != 0
    else:
        flips = bool(xp.any(xp.asarray(parity_error) != 0))
    if flips:
        q = xp.asarray(parity_error)
        odd = xp.stack(
            [
                a1 * c2 + d1 * b2,  # Phi+: (I,X) or (Z,Y)
                b1 * a2 + c1 * d2,  # Psi-: (Y,I) or (X,Z)
                c1 * a2 + b1 * d2,  # Psi+: (X,I) or (Y,Z)
                a1 * b2 + d1 * c2,  # Phi-: (I,Y) or (Z,X)
            ],
            axis=-1,
        )
        unnormalized = (1.0 - q)[..., None] * unnormalized + q[..., None] * odd
        p_success = (1.0 - q) * p_success + q * (1.0 - p_success)
    safe = xp.where(p_success > 0.0, p_success, 1.0)[..., None]
    out = xp.where(p_success[..., None] > 0.0, unnormalized / safe, 0.25)
    return out, p_success


def bbpssw_step(kept: Any, sacrificed: Any, parity_error: Any = 0.0) -> tuple[Any, Any]:
    """:func:`bbpssw` unchecked: twirl both inputs and the kept output, any namespace."""
    out, p = bilateral_cnot(twirled(kept), twirled(sacrificed), parity_error)
    return twirled(out), p


def dejmps_step(kept: Any, sacrificed: Any, parity_error: Any = 0.0) -> tuple[Any, Any]:
    """:func:`dejmps` unchecked: ``Rx(pi/2) ⊗ Rx(-pi/2)`` exchanges Psi- and Phi-, then
    the bilateral CNOT; any namespace."""
    rotate = [0, 3, 2, 1]
    return bilateral_cnot(kept[..., rotate], sacrificed[..., rotate], parity_error)
