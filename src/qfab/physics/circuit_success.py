"""Estimated success probability of a distributed circuit: the product of its operations'
fidelities.

The estimated success probability (ESP) of a circuit is the product, over its operations, of
each operation's fidelity (Nishio, Pan, Satoh, Amano, Van Meter, "Extracting success from
IBM's 20-qubit machines using error-aware compilation", ACM J. Emerg. Technol. Comput. Syst.
16, 32 (2020), Eq. 1). A distributed circuit adds one factor per e-bit it consumes: a gate
teleported with one Werner pair of fidelity ``F`` (cat-entangler and disentangler; Eisert,
Jacobs, Papadopoulos, Plenio, PRA 62, 052317 (2000)) has process fidelity ``F``
(:func:`qfab.physics.teleported_gates.teleported_gate_process_fidelity`), so ``E`` e-bits of
fidelity ``F`` give ``F**E``::

    P = F**E * f1**n1 * f2**n2 * fm**nm

with ``n1`` single-qubit gates of fidelity ``f1``, ``n2`` two-qubit gates of fidelity ``f2``
and ``nm`` measurements of fidelity ``fm``. The estimate treats every error as fatal and
errors as independent (no cancellation, no error that leaves the outcome right): a lower
estimate for a circuit with a single right outcome.
"""

from __future__ import annotations

import math

__all__ = ["estimated_success_probability"]


def estimated_success_probability(pair_fidelity: float, ebits: float, *,
                                  single_qubit_gates: int = 0, single_qubit_fidelity: float = 1.0,
                                  two_qubit_gates: int = 0, two_qubit_fidelity: float = 1.0,
                                  measurements: int = 0, measurement_fidelity: float = 1.0
                                  ) -> float:
    """``F**E * f1**n1 * f2**n2 * fm**nm`` (see the module docstring).

    Examples
    --------
    >>> round(estimated_success_probability(0.9, 2, two_qubit_gates=1,
    ...                                     two_qubit_fidelity=0.99), 6)
    0.8019
    """
    for name, value in (("pair_fidelity", pair_fidelity),
                        ("single_qubit_fidelity", single_qubit_fidelity),
                        ("two_qubit_fidelity", two_qubit_fidelity),
                        ("measurement_fidelity", measurement_fidelity)):
        if not 0.0 <= value <= 1.0:
            raise ValueError(f"{name} must be in [0, 1], got {value!r}")
    for name, count in (("ebits", ebits), ("single_qubit_gates", single_qubit_gates),
                        ("two_qubit_gates", two_qubit_gates), ("measurements", measurements)):
        if not count >= 0:
            raise ValueError(f"{name} must be >= 0, got {count!r}")
    return math.prod((pair_fidelity ** ebits, single_qubit_fidelity ** single_qubit_gates,
                      two_qubit_fidelity ** two_qubit_gates,
                      measurement_fidelity ** measurements))
