"""Bell-diagonal algebra on batches of pairs, for any array module ``xp``.

These are the formulas of :mod:`qfab.physics.bell_diagonal` and :mod:`qfab.physics.memory`
written against an array module so that they also run on a GPU; the tests check that they
agree with those reference functions to rounding. Vectors have shape ``(..., 4)`` in the
order (Phi+, Psi-, Psi+, Phi-), i.e. one-sided Pauli errors (I, Y, X, Z).
"""

from __future__ import annotations

from typing import Any

__all__ = ["convolve", "decay_channel", "depolarize", "measurement_channel", "characters",
           "purify"]

# Klein-group product of the Bell indices (I, Y, X, Z): index of P_i P_j up to phase.
_PRODUCT = ((0, 1, 2, 3), (1, 0, 3, 2), (2, 3, 0, 1), (3, 2, 1, 0))


def convolve(xp: Any, a: Any, b: Any) -> Any:
    """Compose two Pauli-error distributions: ``out[k] = sum_{P_i P_j = P_k} a[i] b[j]``.

    This is entanglement swapping of Bell-diagonal pairs (Dür, Briegel, Cirac, Zoller,
    PRA 59, 169 (1999); :func:`qfab.physics.bell_diagonal.swap`) and also the action of a
    one-sided Pauli channel on a Bell-diagonal pair.
    """
    a0, a1, a2, a3 = (a[..., i] for i in range(4))
    b0, b1, b2, b3 = (b[..., i] for i in range(4))
    return xp.stack([a0 * b0 + a1 * b1 + a2 * b2 + a3 * b3,
                     a0 * b1 + a1 * b0 + a2 * b3 + a3 * b2,
                     a0 * b2 + a2 * b0 + a1 * b3 + a3 * b1,
                     a0 * b3 + a3 * b0 + a1 * b2 + a2 * b1], axis=-1)


def decay_channel(xp: Any, wait: Any, t1: float, t2: float) -> Any:
    """Pauli-error distribution (Bell order) of one qubit stored for ``wait`` seconds.

    Pauli twirl of amplitude damping (T1) and dephasing to total coherence T2
    (Ghosh, Fowler, Geller, PRA 86, 062318 (2012); :func:`qfab.physics.memory.pauli_twirled_t1_t2`):
    ``p_X = p_Y = (1 - e1)/4``, ``p_Z = (1 + e1 - 2 e2)/4``, ``p_I = (1 + e1 + 2 e2)/4``
    with ``e1 = exp(-wait/T1)``, ``e2 = exp(-wait/T2)``.
    """
    e1 = xp.exp(-wait / t1)
    e2 = xp.exp(-wait / t2)
    p_xy = (1.0 - e1) / 4.0
    return xp.stack([(1.0 + e1 + 2.0 * e2) / 4.0, p_xy, p_xy, (1.0 + e1 - 2.0 * e2) / 4.0],
                    axis=-1)


def depolarize(xp: Any, v: Any, p: float) -> Any:
    """Replace the pair by I/4 with probability ``p`` (:func:`qfab.physics.bell_diagonal.depolarize`)."""
    if p == 0.0:
        return v
    return (1.0 - p) * v + p / 4.0


def measurement_channel(xp: Any, error: float) -> Any:
    """Bell-order Pauli distribution left by a Bell measurement whose two bits each flip
    with probability ``error``: a parity flip leaves X, a phase flip Z
    (:func:`qfab.physics.bell_diagonal.swap_measurement_error_channel`)."""
    return xp.asarray([(1 - error) ** 2, error**2, error * (1 - error), error * (1 - error)])


def characters(xp: Any, v: Any) -> Any:
    """Fourier transform of a Pauli-error distribution over the Klein group.

    Returns ``chi[..., c]`` for the characters ``c = (0, 0), (1, 0), (0, 1), (1, 1)`` of
    ``Z2 x Z2``, with the Pauli codes ``I = (0, 0), X = (1, 0), Z = (0, 1), Y = (1, 1)``
    (bits ``(x, z)``): ``chi(a, b) = sum_P q(P) (-1)^(a x + b z)``. Convolution (swapping,
    Pauli channels) becomes a product of characters. In this basis the memory channel of
    :func:`decay_channel` has characters ``(1, exp(-t/T1), exp(-t/T2), exp(-t/T2))``: the
    Pauli-transfer eigenvalues of the twirled T1/T2 channel (Ghosh, Fowler, Geller 2012).
    """
    i, y, x, z = (v[..., k] for k in range(4))  # Bell order (Phi+, Psi-, Psi+, Phi-)
    return xp.stack([i + x + y + z, i - x - y + z, i + x - y - z, i - x + y - z], axis=-1)


def _bilateral_cnot(xp: Any, v1: Any, v2: Any) -> tuple[Any, Any]:
    """Bilateral CNOT, Z measurement of the target pair, keep if the outcomes agree
    (:func:`qfab.physics.bell_diagonal.bbpssw` / ``dejmps`` share this step)."""
    a1, b1, c1, d1 = (v1[..., i] for i in range(4))
    a2, b2, c2, d2 = (v2[..., i] for i in range(4))
    unnormalized = xp.stack([a1 * a2 + d1 * d2, b1 * c2 + c1 * b2,
                             c1 * c2 + b1 * b2, a1 * d2 + d1 * a2], axis=-1)
    p_success = (a1 + d1) * (a2 + d2) + (b1 + c1) * (b2 + c2)
    safe = xp.where(p_success > 0.0, p_success, 1.0)[..., None]
    return xp.where(p_success[..., None] > 0.0, unnormalized / safe, 0.25), p_success


def _twirl(xp: Any, v: Any) -> Any:
    f = v[..., 0]
    rest = (1.0 - f) / 3.0
    return xp.stack([f, rest, rest, rest], axis=-1)


def purify(xp: Any, scheme: str, kept: Any, sacrificed: Any) -> tuple[Any, Any]:
    """One recurrence round on batches of pairs: ``(kept pair on success, p_success)``.

    ``bbpssw``: twirl both inputs and the output (Bennett et al., PRL 76, 722 (1996));
    ``dejmps``: local rotations exchanging Psi- and Phi-, no twirl (Deutsch et al., PRL 77,
    2818 (1996)). The same formulas as :func:`qfab.physics.bell_diagonal.bbpssw` and
    :func:`qfab.physics.bell_diagonal.dejmps`, for any array module.
    """
    if scheme == "bbpssw":
        out, p = _bilateral_cnot(xp, _twirl(xp, kept), _twirl(xp, sacrificed))
        return _twirl(xp, out), p
    rotate = [0, 3, 2, 1]
    return _bilateral_cnot(xp, kept[..., rotate], sacrificed[..., rotate])
