"""Two-qubit gates executed across two processors over entangled pairs, as Pauli channels.

A non-local CNOT or CZ between a qubit ``A`` on one processor and ``B`` on another is done
with one shared pair by the cat-entangler / cat-disentangler protocol (gate teleportation;
Eisert, Jacobs, Papadopoulos, Plenio, PRA 62, 052317 (2000)): ``A`` controls a CNOT
onto its half ``a`` of the pair, ``a`` is measured in ``Z`` and ``X^m`` corrects the other
half ``b``, which then acts as the control of the gate on ``B``; ``b`` is measured in ``X``
and ``Z^m`` corrects ``A``. Alternatively the data qubit ``B`` is teleported to ``A``'s
processor, the gate is done locally and ``B`` is teleported back (two pairs).

A Bell-diagonal pair is ``Phi+`` with a one-sided Pauli error (see
:mod:`qfab.physics.bell_diagonal`), so either protocol is the ideal gate followed by a
two-qubit Pauli channel on the data qubits. For gate teleportation with the error on ``b``:
``X_b`` flips the copy of ``A``'s value (the gate acts as if controlled by ``A xor 1``:
an extra ``Z_B`` for CZ, ``X_B`` for CNOT), ``Z_b`` flips the ``X`` outcome of ``b`` (a
wrong ``Z`` correction: ``Z_A``), and ``Y_b`` does both. For data teleportation each
teleportation is the Pauli channel of the pair on ``B`` (Bowen, Bose, PRL 87, 267901
(2001)); the error of the first passes through the gate (Clifford conjugation).

Pauli channels on a gate's two qubits are ``(4, 4)`` arrays ``p[i, j]``: the probability
of the error ``P_i (x) P_j`` after the ideal gate, ``P_i`` on the gate's first qubit (the
control), ``P_j`` on its second, indices in the order ``(I, X, Y, Z)`` of
:mod:`qfab.physics.bell_diagonal`. The process (chi) matrix of such a channel in the Pauli
basis of the error is diagonal with these probabilities, so the process fidelity with the
ideal gate is ``p[0, 0]``.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from numpy.typing import ArrayLike

from qfab.physics import _checks
from qfab.physics._checks import FloatArray

__all__ = [
    "PAULI_LABELS",
    "average_gate_fidelity",
    "conjugate_pauli",
    "data_teleported_cnot_process_fidelity",
    "data_teleported_gate_channel",
    "data_teleportation_variants",
    "depolarizing_channel",
    "gate_teleportation_channel",
    "gate_teleportation_variants",
    "process_fidelity",
    "process_matrix",
    "teleported_gate_process_fidelity",
    "werner_pauli_errors",
]

#: Single-qubit Pauli operators, in the index order of the channels of this module.
PAULI_LABELS: tuple[str, str, str, str] = ("I", "X", "Y", "Z")

TwoQubitGate = Literal["cx", "cz"]

# Symplectic form (x, z) of I, X, Y, Z and back.
_BITS: tuple[tuple[int, int], ...] = ((0, 0), (1, 0), (1, 1), (0, 1))
_INDEX: dict[tuple[int, int], int] = {bits: i for i, bits in enumerate(_BITS)}
# Bell vector order (Phi+, Psi-, Psi+, Phi-) is the one-sided error (I, Y, X, Z).
_BELL_TO_PAULI: tuple[int, int, int, int] = (0, 2, 1, 3)


def _gate(gate: str) -> TwoQubitGate:
    if gate == "cx":
        return "cx"
    if gate == "cz":
        return "cz"
    raise ValueError(f"gate: must be 'cx' or 'cz', got {gate!r}")


def werner_pauli_errors(bell: ArrayLike) -> FloatArray:
    """One-sided Pauli-error distribution ``(p_I, p_X, p_Y, p_Z)`` of a Bell-diagonal pair.

    Parameters
    ----------
    bell : array_like
        Bell vector, shape ``(4,)``, order ``(Phi+, Psi-, Psi+, Phi-)``.

    Returns
    -------
    numpy.ndarray
        Shape ``(4,)``.

    Notes
    -----
    Source: ``Phi+ ~ I``, ``Psi- ~ Y``, ``Psi+ ~ X``, ``Phi- ~ Z``
    (:data:`qfab.physics.bell_diagonal.BELL_PAULI`).
    """
    v = _checks.bell_vector("bell", bell)
    if v.shape != (4,):
        raise ValueError(f"bell: must have shape (4,), got shape {v.shape}")
    out = np.empty(4)
    out[list(_BELL_TO_PAULI)] = v
    return out


def conjugate_pauli(gate: str, control: int, target: int) -> tuple[int, int]:
    """The Pauli ``G (P_c (x) P_t) G^dagger`` (up to phase) for ``G`` = CNOT or CZ.

    Parameters
    ----------
    gate : {"cx", "cz"}
        The Clifford gate; ``control`` is its first qubit.
    control, target : int
        Pauli indices in ``(I, X, Y, Z)`` order.

    Returns
    -------
    tuple of int
        The conjugated Pauli's indices on (control, target).

    Notes
    -----
    Source: the Heisenberg-picture update rules of Gottesman, arXiv:quant-ph/9807006
    (1998): CNOT takes ``X_c -> X_c X_t`` and ``Z_t -> Z_c Z_t``; CZ takes ``X_c -> X_c Z_t`` and
    ``X_t -> Z_c X_t``; ``Z`` on either qubit is unchanged by CZ and ``Z_c``, ``X_t`` by
    CNOT.
    """
    xc, zc = _BITS[control]
    xt, zt = _BITS[target]
    if _gate(gate) == "cx":
        xt, zc = xt ^ xc, zc ^ zt
    else:
        zc, zt = zc ^ xt, zt ^ xc
    return _INDEX[(xc, zc)], _INDEX[(xt, zt)]


def gate_teleportation_channel(gate: str, bell: ArrayLike) -> FloatArray:
    """Pauli channel of a CNOT or CZ teleported with one Bell-diagonal pair.

    Parameters
    ----------
    gate : {"cx", "cz"}
        The gate; the control is on one processor, the target on the other.
    bell : array_like
        Bell vector of the pair at the moment of use, shape ``(4,)``.

    Returns
    -------
    numpy.ndarray
        ``p[i, j]``, shape ``(4, 4)``: errors on (control, target) after the ideal gate.

    Notes
    -----
    Source: the cat-entangler / disentangler of Eisert, Jacobs, Papadopoulos, Plenio, PRA
    62, 052317 (2000), with the pair's one-sided error on the target side's half (module
    docstring): ``I -> I``, ``X -> X_t`` (CNOT) or ``Z_t`` (CZ), ``Z -> Z_c``,
    ``Y -> Z_c X_t`` (CNOT) or ``Z_c Z_t`` (CZ). For a Werner pair of fidelity ``F`` the
    identity has probability ``F`` and the three errors ``(1 - F)/3`` each.
    """
    errors = werner_pauli_errors(bell)
    flip = 1 if _gate(gate) == "cx" else 3
    out = np.zeros((4, 4))
    out[0, 0] = errors[0]
    out[0, flip] = errors[1]
    out[3, flip] = errors[2]
    out[3, 0] = errors[3]
    return out


def gate_teleportation_variants(bell: ArrayLike) -> tuple[tuple[float, int, int], ...]:
    """Any controlled gate teleported with one Bell-diagonal pair, as a mixture of variants.

    Parameters
    ----------
    bell : array_like
        Bell vector of the pair at the moment of use, shape ``(4,)``.

    Returns
    -------
    tuple of (float, int, int)
        ``(p, pre, post)`` for the pair's one-sided errors ``I, X, Y, Z``: with probability
        ``p`` the gate ``G`` acts as ``P_post G P_pre``, both Paulis (indices ``(I, X, Y,
        Z)``) on the control. ``I -> (I, I)``, ``X -> (X, X)``, ``Y -> (X, Y)``,
        ``Z -> (I, Z)``.

    Notes
    -----
    Source: the cat-entangler / disentangler of Eisert, Jacobs, Papadopoulos, Plenio, PRA
    62, 052317 (2000), which teleports any gate controlled by one qubit. An ``X`` on the
    remote half flips the copy of the control, so the gate is controlled by the flipped value:
    ``X_c G X_c``; a ``Z`` flips the ``X`` outcome of the remote half, so the ``Z``
    correction on the control is wrong: ``Z_c G``; ``Y`` does both, ``Z_c X_c G X_c`` (``Z X =
    -iY``, phase dropped). For CNOT and CZ, moving ``P_pre`` through the gate gives the Pauli
    channel of :func:`gate_teleportation_channel`; for a controlled phase of another angle the
    variants are not Pauli errors after the gate, which is why they are given this way.
    """
    errors = werner_pauli_errors(bell)
    return ((float(errors[0]), 0, 0), (float(errors[1]), 1, 1), (float(errors[2]), 1, 2),
            (float(errors[3]), 0, 3))


def data_teleported_gate_channel(
    gate: str, bell_there: ArrayLike, bell_back: ArrayLike, *, moved: int = 1
) -> FloatArray:
    """Pauli channel of a CNOT or CZ done by teleporting one data qubit there and back.

    Parameters
    ----------
    gate : {"cx", "cz"}
        The gate, done locally once both qubits are on one processor.
    bell_there, bell_back : array_like
        Bell vectors of the two pairs, shape ``(4,)`` each.
    moved : {0, 1}
        The gate qubit that travels: 0 the control, 1 the target.

    Returns
    -------
    numpy.ndarray
        ``p[i, j]``, shape ``(4, 4)``: errors on (control, target) after the ideal gate.

    Notes
    -----
    Source: each teleportation is the pair's Pauli channel on the moved qubit (Bennett et
    al., PRL 70, 1895 (1993); Bowen, Bose, PRL 87, 267901 (2001)); the first error is moved
    through the gate by :func:`conjugate_pauli` and the two errors multiply.
    """
    if moved not in (0, 1):
        raise ValueError(f"moved: must be 0 or 1, got {moved!r}")
    first = werner_pauli_errors(bell_there)
    second = werner_pauli_errors(bell_back)
    out = np.zeros((4, 4))
    for e1 in range(4):
        pair = (e1, 0) if moved == 0 else (0, e1)
        c, t = conjugate_pauli(gate, *pair)
        for e2 in range(4):
            x2, z2 = _BITS[e2]
            if moved == 0:
                xc, zc = _BITS[c]
                out[_INDEX[(xc ^ x2, zc ^ z2)], t] += first[e1] * second[e2]
            else:
                xt, zt = _BITS[t]
                out[c, _INDEX[(xt ^ x2, zt ^ z2)]] += first[e1] * second[e2]
    return out


def data_teleportation_variants(bell_there: ArrayLike, bell_back: ArrayLike
                                ) -> tuple[tuple[float, int, int], ...]:
    """Any gate done by teleporting its target there and back, as a mixture of variants.

    Parameters
    ----------
    bell_there, bell_back : array_like
        Bell vectors of the two pairs, shape ``(4,)`` each.

    Returns
    -------
    tuple of (float, int, int)
        ``(p, pre, post)``: with probability ``p`` the gate ``G`` acts as ``P_post G P_pre``,
        both Paulis (indices ``(I, X, Y, Z)``) on the target, ``pre`` the first pair's
        one-sided error and ``post`` the second's.

    Notes
    -----
    Source: each teleportation is the pair's Pauli channel on the teleported qubit (Bennett et
    al., PRL 70, 1895 (1993); Bowen, Bose, PRL 87, 267901 (2001)). For CNOT and CZ, moving
    ``P_pre`` through the gate gives :func:`data_teleported_gate_channel` with ``moved=1``.
    """
    first = werner_pauli_errors(bell_there)
    second = werner_pauli_errors(bell_back)
    return tuple((float(first[i] * second[j]), i, j) for i in range(4) for j in range(4))


def depolarizing_channel(p: float, qubits: int) -> FloatArray:
    """Pauli channel of the depolarizing channel ``rho -> (1 - p) rho + p I/d`` on n qubits.

    Parameters
    ----------
    p : float
        Depolarizing probability in ``[0, 1]``.
    qubits : {1, 2}
        Number of qubits ``n`` (``d = 2^n``).

    Returns
    -------
    numpy.ndarray
        Shape ``(4,)`` for one qubit, ``(4, 4)`` for two: ``1 - p + p/d^2`` on the identity,
        ``p/d^2`` on every other Pauli.

    Notes
    -----
    Source: Nielsen & Chuang (2000), Sec. 8.3.4; ``I/d`` is the uniform mixture of the
    ``d^2`` Pauli conjugations.
    """
    prob = float(_checks.probability("p", p))
    if qubits not in (1, 2):
        raise ValueError(f"qubits: must be 1 or 2, got {qubits!r}")
    size = 4**qubits
    out = np.full(size, prob / size)
    out[0] += 1.0 - prob
    return out if qubits == 1 else out.reshape(4, 4)


def process_matrix(channel: ArrayLike) -> FloatArray:
    """Process (chi) matrix of a Pauli channel, in the Pauli basis of the error.

    Parameters
    ----------
    channel : array_like
        Pauli probabilities, shape ``(4,)`` or ``(4, 4)``.

    Returns
    -------
    numpy.ndarray
        ``chi``, shape ``(4, 4)`` or ``(16, 16)``: diagonal, with the probabilities in
        row-major order of the Pauli indices.

    Notes
    -----
    Source: a Pauli channel ``rho -> sum_k p_k P_k rho P_k`` has ``chi = diag(p)`` in the
    Pauli basis (Nielsen & Chuang (2000), Sec. 8.4.2).
    """
    p = _checks.as_float("channel", channel)
    return np.diag(p.reshape(-1))


def process_fidelity(channel: ArrayLike) -> float:
    """Process (entanglement) fidelity of a Pauli channel following an ideal gate.

    Parameters
    ----------
    channel : array_like
        Pauli probabilities, shape ``(4,)`` or ``(4, 4)``.

    Returns
    -------
    float
        ``chi[0, 0]``, the probability of no error.

    Notes
    -----
    Source: the fidelity of the Choi state with the ideal gate's, ``chi_00``
    (Nielsen & Chuang (2000), Sec. 9.3; Gilchrist, Langford, Nielsen, PRA 71, 062310
    (2005)).
    """
    p = _checks.as_float("channel", channel)
    return float(p.reshape(-1)[0])


def average_gate_fidelity(process_fidelity: ArrayLike, dimension: int = 4) -> FloatArray:
    """Average gate fidelity ``(d F_pro + 1) / (d + 1)`` from the process fidelity.

    Parameters
    ----------
    process_fidelity : array_like
        ``F_pro`` in [0, 1].
    dimension : int
        Hilbert-space dimension ``d`` (4 for a two-qubit gate).

    Returns
    -------
    numpy.ndarray or numpy.float64
        Average fidelity over Haar-random pure inputs.

    Notes
    -----
    Source: Horodecki, Horodecki, Horodecki, PRA 60, 1888 (1999); Nielsen, Phys. Lett. A
    303, 249 (2002).
    """
    f = _checks.probability("process_fidelity", process_fidelity)
    if dimension < 2:
        raise ValueError(f"dimension: must be >= 2, got {dimension!r}")
    return _checks.scalar_or_array((dimension * f + 1.0) / (dimension + 1.0))


def teleported_gate_process_fidelity(fidelity: ArrayLike) -> FloatArray:
    """Process fidelity ``F`` of a CNOT or CZ teleported with one pair of fidelity ``F``.

    Parameters
    ----------
    fidelity : array_like
        Pair fidelity ``F = <Phi+|rho|Phi+>`` in [0, 1].

    Returns
    -------
    numpy.ndarray or numpy.float64
        ``F``; the average gate fidelity is then ``(4 F + 1)/5``
        (:func:`average_gate_fidelity`).

    Notes
    -----
    Source: the no-error term of :func:`gate_teleportation_channel` (Eisert et al., PRA 62,
    052317 (2000)): only the pair's ``Phi+`` component gives the ideal gate.
    """
    return _checks.scalar_or_array(_checks.probability("fidelity", fidelity))


def data_teleported_cnot_process_fidelity(fidelity: ArrayLike) -> FloatArray:
    """Process fidelity ``F^2 + ((1 - F)/3)^2`` of a CNOT done by teleporting a qubit twice.

    Parameters
    ----------
    fidelity : array_like
        Fidelity ``F`` of both Werner pairs, in [0, 1].

    Returns
    -------
    numpy.ndarray or numpy.float64
        Process fidelity.

    Notes
    -----
    Source: the no-error term of :func:`data_teleported_gate_channel`: the errors cancel
    when neither teleportation errs, or when both give the one Pauli that commutes with
    the CNOT on the moved qubit (``X`` on the target, ``Z`` on the control), each with
    probability ``(1 - F)/3`` for a Werner pair.
    """
    f = _checks.probability("fidelity", fidelity)
    return _checks.scalar_or_array(f**2 + ((1.0 - f) / 3.0) ** 2)
