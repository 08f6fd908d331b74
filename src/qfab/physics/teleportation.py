"""Quantum teleportation of one qubit over an entangled pair.

In the standard protocol (Bennett, Brassard, Crépeau, Jozsa, Peres, Wootters, PRL 70, 1895
(1993)) the sender makes a Bell measurement on the input qubit and her half of the pair and
the receiver applies the Pauli correction that would be right for ``Phi+``. With a resource
``rho`` the input then passes through the Pauli channel whose error probabilities are the
Bell-basis diagonal of ``rho`` (Bowen, Bose, PRL 87, 267901 (2001)), so only the diagonal
matters, and the fidelity averaged over uniformly random input states is a function of
``F = <Phi+|rho|Phi+>`` alone.
"""

from __future__ import annotations

from typing import TypeVar

import numpy as np
from numpy.typing import NDArray

__all__ = ["average_teleportation_fidelity"]

_Value = TypeVar("_Value", float, NDArray[np.float64])


def average_teleportation_fidelity(fidelity: _Value) -> _Value:
    """Mean fidelity of teleported qubit states over uniformly random inputs.

    ``f = (2 F + 1) / 3`` for a resource pair of fidelity ``F = <Phi+|rho|Phi+>`` with the
    standard protocol: Horodecki, Horodecki, Horodecki, PRA 60, 1888 (1999), the relation
    ``f = (d F + 1) / (d + 1)`` for ``d = 2``, with their fully entangled fraction replaced
    by ``F`` because the protocol's corrections are fixed for ``Phi+``; Bennett et al.,
    PRL 70, 1895 (1993). A product state (``F = 1/4`` at best for
    a Werner pair) gives ``1/2``; ``f > 2/3``, the best classical (measure-and-prepare)
    score, exactly when ``F > 1/2``.

    Parameters
    ----------
    fidelity
        Pair fidelity ``F`` in ``[0, 1]``: a float or an array (NumPy or any array-API
        namespace; the formula is elementwise arithmetic).

    Returns
    -------
    The average teleportation fidelity, of the same type and shape.

    Examples
    --------
    >>> average_teleportation_fidelity(1.0), average_teleportation_fidelity(0.25)
    (1.0, 0.5)
    """
    return (2 * fidelity + 1) / 3
