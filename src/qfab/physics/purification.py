"""Recurrence purification schemes, registered once by name.

Every engine and the orchestrator look a scheme up here: the planner to estimate rounds,
the event simulation to purify two pairs, the fast engine on batches of pairs. A scheme
has a checked form (NumPy, validates its inputs) and an unchecked array form for any
array namespace; both compute through the same functions of
:mod:`qfab.physics.bell_diagonal`.

Read-out errors of the two end nodes (``gates.measurement_error``) enter every engine the
same way: through :func:`parity_error`, the probability that the round compares its two
measured bits wrongly, passed to the scheme.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from numpy.typing import ArrayLike

from qfab.physics import bell_diagonal
from qfab.physics._checks import FloatArray

__all__ = ["SCHEMES", "PurificationScheme", "parity_error", "scheme"]


def parity_error(error_a: float, error_b: float) -> float:
    """Probability that a round compares its two measured bits wrongly.

    Each end node reads its measured qubit wrongly with its ``gates.measurement_error``,
    independently (an imperfect projector ``eta |0><0| + (1 - eta) |1><1|`` with
    ``eta = 1 - e``: Dür, Briegel, Cirac, Zoller, PRA 59, 169 (1999), Sec. III); the
    comparison is wrong when exactly one bit is: ``e_a (1 - e_b) + e_b (1 - e_a)``.

    >>> parity_error(0.1, 0.0), round(parity_error(0.1, 0.1), 12)
    (0.1, 0.18)
    """
    for name, value in (("error_a", error_a), ("error_b", error_b)):
        if not 0.0 <= value <= 1.0:
            raise ValueError(f"{name}: must be a probability in [0, 1], got {value!r}")
    return error_a * (1.0 - error_b) + error_b * (1.0 - error_a)


@dataclass(frozen=True)
class PurificationScheme:
    """One recurrence round of a purification scheme on Bell-diagonal pairs.

    Attributes
    ----------
    name
        The scheme's name in a scenario (``policy.purification``).
    checked
        ``(kept, sacrificed=None, *, parity_error=0) -> (kept pair on success, p_success)``
        on NumPy inputs, validated (e.g. :func:`qfab.physics.bell_diagonal.bbpssw`).
    step
        The same round unchecked, on arrays of any namespace:
        ``(kept, sacrificed, parity_error=0) -> (kept pair on success, p_success)``.

    ``parity_error`` is :func:`parity_error` of the two end nodes' read-out errors.
    """

    name: str
    checked: Callable[..., tuple[FloatArray, FloatArray]]
    step: Callable[..., tuple[Any, Any]]

    def __call__(self, kept: ArrayLike, sacrificed: ArrayLike | None = None, *,
                 parity_error: ArrayLike = 0.0) -> tuple[FloatArray, FloatArray]:
        """The checked round (see :attr:`checked`)."""
        return self.checked(kept, sacrificed, parity_error=parity_error)


#: The schemes by name: BBPSSW (Bennett et al., PRL 76, 722 (1996)) and DEJMPS
#: (Deutsch et al., PRL 77, 2818 (1996)).
SCHEMES: Mapping[str, PurificationScheme] = MappingProxyType({
    "bbpssw": PurificationScheme("bbpssw", bell_diagonal.bbpssw, bell_diagonal.bbpssw_step),
    "dejmps": PurificationScheme("dejmps", bell_diagonal.dejmps, bell_diagonal.dejmps_step),
})


def scheme(name: str) -> PurificationScheme:
    """The purification scheme called ``name``.

    Raises
    ------
    KeyError
        If no scheme has that name (the message lists the known ones).
    """
    try:
        return SCHEMES[name]
    except KeyError:
        raise KeyError(f"unknown purification scheme {name!r} "
                       f"(known: {', '.join(SCHEMES)})") from None
